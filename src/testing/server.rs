//! The HTTP/1.1 server: accept loop, request reading, logging, fault injection and routing.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::fault::{FaultKind, InjectedFault};
use super::http::{Req, Resp, reason};
use super::record::{self, RequestRecord};
use super::state::{Caller, LOG_CAPACITY, Shared, TokenScope};
use super::{glance, ids, keystone, neutron, nova};

/// Largest request body accepted, in bytes (1 MiB); larger bodies get 413.
const MAX_BODY: usize = 1 << 20;

/// Accepts connections until the task is aborted; aborting drops the `JoinSet`, which aborts
/// every open connection too.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let shared = Arc::clone(&shared);
                    connections.spawn(async move {
                        let service = service_fn(move |req| {
                            let shared = Arc::clone(&shared);
                            async move { handle(&shared, req).await.ok_or(ConnectionReset) }
                        });
                        let _ = http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                // Out of file descriptors and the like: back off briefly instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// The error a handler returns to make hyper close the connection without answering
/// ([`InjectedFault::reset`]).
#[derive(Debug)]
struct ConnectionReset;

impl std::fmt::Display for ConnectionReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by an injected fault")
    }
}

impl std::error::Error for ConnectionReset {}

/// Which service a path belongs to, for fault shapes and request id headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Service {
    Identity,
    Compute,
    Network,
    Image,
    Other,
}

impl Service {
    /// The service of a path and the rest of the path below the service's prefix.
    pub(crate) fn of(path: &str) -> (Service, Option<&str>) {
        for (prefix, service) in [
            ("/identity", Service::Identity),
            ("/compute", Service::Compute),
            ("/network", Service::Network),
            ("/image", Service::Image),
        ] {
            if let Some(rest) = path.strip_prefix(prefix) {
                if rest.is_empty() || rest.starts_with('/') {
                    return (service, Some(rest));
                }
            }
        }
        (Service::Other, None)
    }
}

/// One request in context: the shared state, the request and who its token speaks for.
pub(crate) struct Ctx<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) req: &'a Req,
    /// `None` when the token is absent, unknown or expired.
    pub(crate) caller: Option<Caller>,
}

impl Ctx<'_> {
    /// The scope of the request's token, `None` when it is absent, unknown or expired.
    pub(crate) fn scope(&self) -> Option<TokenScope> {
        self.caller.as_ref().map(|c| c.scope)
    }

    /// The id of the project the request's token is scoped to (the caller's project): what new
    /// resources belong to and what a non-admin caller sees. Empty without a project scope
    /// (services refuse such tokens before asking).
    pub(crate) fn project_id(&self) -> &str {
        self.caller.as_ref().map_or("", |c| c.project_id.as_str())
    }

    /// The id of the user the request's token was issued to (empty without a valid token).
    pub(crate) fn user_id(&self) -> &str {
        self.caller.as_ref().map_or("", |c| c.user_id.as_str())
    }

    /// Whether the caller holds the `admin` role (sees and may change every project's resources).
    pub(crate) fn is_admin(&self) -> bool {
        self.caller.as_ref().is_some_and(|c| c.admin)
    }

    /// Whether a resource of `project_id` is the caller's own or the caller is an admin.
    pub(crate) fn may_see(&self, project_id: &str) -> bool {
        self.is_admin() || project_id == self.project_id()
    }

    /// keystonemiddleware's 401 for a missing, unknown or expired token.
    pub(crate) fn unauthorized(&self) -> Resp {
        keystone::unauthorized(
            self.shared,
            "The request you have made requires authentication.",
        )
    }
}

/// Answers one request; `None` closes the connection without answering (an injected reset).
async fn handle(shared: &Shared, req: Request<Incoming>) -> Option<Response<Full<Bytes>>> {
    let request_id = ids::request_id();
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(413),
        Err(_) => Err(400),
    };
    let mut req = Req::new(
        parts.method,
        &parts.uri,
        parts.headers,
        body.clone().unwrap_or_default(),
    );
    req.request_id.clone_from(&request_id);
    if req.method == Method::POST && req.path == "/identity/v3/auth/tokens" {
        shared.token_requests.fetch_add(1, Ordering::SeqCst);
    }
    let fault = take_fault(shared, req.method.as_str(), &req.path);
    if let Some(fault) = &fault {
        if !fault.wait.is_zero() {
            tokio::time::sleep(fault.wait.min(ids::MAX_DELAY)).await;
        }
    }
    // The token is checked when the request is handled (after an injected wait).
    let caller = shared.caller(req.header("x-auth-token"));
    let authenticated = caller.is_some();
    let (service, _) = Service::of(&req.path);
    let resp = match fault.as_ref().map(|f| f.kind) {
        Some(FaultKind::Reset) => {
            record(shared, &req, authenticated, 0, true, request_id);
            return None;
        }
        Some(FaultKind::Status(status)) => {
            injected_response(service, status, fault.as_ref().and_then(|f| f.retry_after))
        }
        Some(FaultKind::Pass) | None => match body {
            Err(status) => fault_response(service, status, "The request body could not be read."),
            Ok(_) => route(shared, &req, caller),
        },
    };

    let mut resp = resp.with_header("x-openstack-request-id", &request_id);
    if service == Service::Compute {
        resp = resp.with_header("x-compute-request-id", &request_id);
    }
    let injected = fault.is_some();
    record(
        shared,
        &req,
        authenticated,
        resp.status,
        injected,
        request_id,
    );
    Some(resp.into_hyper())
}

/// Routes a request to its service; also used for the fake's own seeding requests.
pub(crate) fn route(shared: &Shared, req: &Req, caller: Option<Caller>) -> Resp {
    let ctx = Ctx {
        shared,
        req,
        caller,
    };
    match Service::of(&req.path) {
        (Service::Identity, Some(rest)) => keystone::route(&ctx, rest),
        (Service::Compute, Some(rest)) => nova::route(&ctx, rest),
        (Service::Network, Some(rest)) => neutron::route(&ctx, rest),
        (Service::Image, Some(rest)) => glance::route(&ctx, rest),
        _ => fault_response(Service::Other, 404, "The resource could not be found."),
    }
}

/// The answer of an injected status fault; 429 (and 413) carry Nova's `retryAfter` too.
fn injected_response(service: Service, status: u16, retry_after: Option<Duration>) -> Resp {
    let message = if status == 429 {
        "This request was rate-limited."
    } else {
        "Injected fault."
    };
    let Some(delay) = retry_after else {
        return fault_response(service, status, message);
    };
    let seconds = delay.as_secs().to_string();
    let resp = if service == Service::Compute && matches!(status, 413 | 429) {
        nova::fault_retry_after(status, message, &seconds)
    } else {
        fault_response(service, status, message)
    };
    resp.with_header("retry-after", &seconds)
}

fn take_fault(shared: &Shared, method: &str, path: &str) -> Option<InjectedFault> {
    let mut state = shared.lock();
    let fault = state.faults.iter_mut().find(|f| f.matches(method, path))?;
    fault.remaining -= 1;
    let taken = fault.clone();
    state.faults.retain(|f| f.remaining > 0);
    Some(taken)
}

/// A failure shaped like the service's own faults.
pub(crate) fn fault_response(service: Service, status: u16, message: &str) -> Resp {
    match service {
        Service::Compute => nova::fault(status, message),
        Service::Network => neutron::error(
            status,
            &format!("HTTP{}", reason(status).replace(' ', "")),
            message,
        ),
        Service::Image => glance::error(status, message),
        Service::Identity | Service::Other => Resp::json(
            status,
            &json!({"error": {"code": status, "title": reason(status), "message": message}}),
        ),
    }
}

fn record(
    shared: &Shared,
    req: &Req,
    authenticated: bool,
    status: u16,
    injected: bool,
    request_id: String,
) {
    let microversion = req
        .header("openstack-api-version")
        .or_else(|| req.header("x-openstack-nova-api-version"))
        .map(str::to_string);
    let headers = req
        .headers
        .iter()
        .map(|(name, value)| {
            let value = if record::is_secret_header(name.as_str()) {
                record::REDACTED.to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_string(), value)
        })
        .collect();
    let mut body = req.json_body();
    if let Some(body) = body.as_mut() {
        if req.path == "/identity/v3/auth/tokens" {
            record::redact_auth_body(body);
        }
    }
    let entry = RequestRecord {
        method: req.method.to_string(),
        path: req.path.clone(),
        query: req.raw_query.clone(),
        headers,
        body,
        authenticated,
        status,
        injected,
        request_id,
        microversion,
    };
    let mut state = shared.lock();
    if state.log.len() >= LOG_CAPACITY {
        state.log.pop_front();
    }
    state.log.push_back(entry);
}
