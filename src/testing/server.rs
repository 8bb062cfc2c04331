//! The HTTP/1.1 server: accept loop, request reading, logging, fault injection and routing.

use std::convert::Infallible;
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

use super::fault::InjectedFault;
use super::http::{Req, Resp, reason};
use super::record::RequestRecord;
use super::state::{LOG_CAPACITY, Shared, TokenScope};
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
                            async move { Ok::<_, Infallible>(handle(&shared, req).await) }
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

/// Which service a path belongs to, for fault shapes and request id headers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Identity,
    Compute,
    Network,
    Image,
    Other,
}

impl Service {
    fn of(path: &str) -> (Service, Option<&str>) {
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

/// One request in context: the shared state, the request and its token's scope.
pub(crate) struct Ctx<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) req: &'a Req,
    pub(crate) scope: Option<TokenScope>,
}

impl Ctx<'_> {
    /// keystonemiddleware's 401 for a missing, unknown or expired token.
    pub(crate) fn unauthorized(&self) -> Resp {
        keystone::unauthorized(
            self.shared,
            "The request you have made requires authentication.",
        )
    }
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let request_id = ids::request_id();
    let (parts, body) = req.into_parts();
    let (service, rest) = Service::of(parts.uri.path());
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(413),
        Err(_) => Err(400),
    };
    let req = Req::new(
        parts.method,
        &parts.uri,
        parts.headers,
        body.clone().unwrap_or_default(),
    );
    if req.method == Method::POST && req.path == "/identity/v3/auth/tokens" {
        shared.token_requests.fetch_add(1, Ordering::SeqCst);
    }
    let scope = shared.token_scope(req.header("x-auth-token"));
    let ctx = Ctx {
        shared,
        req: &req,
        scope,
    };

    let resp = if let Some(fault) = take_fault(shared, &req.path) {
        let resp = fault_response(service, fault.status, "Injected fault.");
        match fault.retry_after {
            Some(d) => resp.with_header("retry-after", &d.as_secs().to_string()),
            None => resp,
        }
    } else if let Err(status) = body {
        fault_response(service, status, "The request body could not be read.")
    } else {
        match (service, rest) {
            (Service::Identity, Some(rest)) => keystone::route(&ctx, rest),
            (Service::Compute, Some(rest)) => nova::route(&ctx, rest),
            (Service::Network, Some(rest)) => neutron::route(&ctx, rest),
            (Service::Image, Some(rest)) => glance::route(&ctx, rest),
            _ => fault_response(Service::Other, 404, "The resource could not be found."),
        }
    };

    let mut resp = resp.with_header("x-openstack-request-id", &request_id);
    if service == Service::Compute {
        resp = resp.with_header("x-compute-request-id", &request_id);
    }
    record(shared, &req, scope.is_some(), resp.status, request_id);
    resp.into_hyper()
}

fn take_fault(shared: &Shared, path: &str) -> Option<InjectedFault> {
    let mut state = shared.lock();
    let fault = state.faults.iter_mut().find(|f| f.matches(path))?;
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

fn record(shared: &Shared, req: &Req, authenticated: bool, status: u16, request_id: String) {
    let microversion = req
        .header("openstack-api-version")
        .or_else(|| req.header("x-openstack-nova-api-version"))
        .map(str::to_string);
    let entry = RequestRecord {
        method: req.method.to_string(),
        path: req.path.clone(),
        query: req.raw_query.clone(),
        authenticated,
        status,
        request_id,
        microversion,
    };
    let mut state = shared.lock();
    if state.log.len() >= LOG_CAPACITY {
        state.log.pop_front();
    }
    state.log.push_back(entry);
}
