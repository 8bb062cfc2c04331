//! The request pipeline: every call goes through here.
//!
//! endpoint from the catalog (or override) → URL join with percent-encoded path segments → `X-Auth-Token`,
//! microversion, JSON headers → send with the retry policy → on `401`, one single-flight re-auth and one
//! replay → fault body → typed [`Error`]. Each request runs in a `tracing` span named
//! `openstack.request` with `service`, `method`, `path`, `status`, `attempts`, `latency_ms` and
//! `request_id`; tokens, passwords and bodies are never recorded.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::client::Client;
use crate::error::{ApiError, Error, parse_fault, redact_url, snippet};
use crate::microversion::ApiVersion;
use crate::retry::{RetryPolicy, full_jitter, idempotent, parse_retry_after, retryable_status};
use crate::transport::{Answer, AttemptError, Http};

/// HTTP methods used by OpenStack APIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name, e.g. `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Head => http::Method::HEAD,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A service type as in the catalog, e.g. `compute`. Aliases (e.g. `volumev3` for `block-storage`) are
/// resolved when the endpoint is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServiceType(std::borrow::Cow<'static, str>);

impl ServiceType {
    /// Nova.
    pub const COMPUTE: ServiceType = ServiceType(std::borrow::Cow::Borrowed("compute"));
    /// Neutron.
    pub const NETWORK: ServiceType = ServiceType(std::borrow::Cow::Borrowed("network"));
    /// Keystone.
    pub const IDENTITY: ServiceType = ServiceType(std::borrow::Cow::Borrowed("identity"));
    /// Glance.
    pub const IMAGE: ServiceType = ServiceType(std::borrow::Cow::Borrowed("image"));
    /// Cinder (`volumev3` in older catalogs).
    pub const BLOCK_STORAGE: ServiceType = ServiceType(std::borrow::Cow::Borrowed("block-storage"));
    /// Placement.
    pub const PLACEMENT: ServiceType = ServiceType(std::borrow::Cow::Borrowed("placement"));

    /// Any service type, e.g. `ServiceType::new("load-balancer")`.
    pub fn new(service_type: impl Into<String>) -> Self {
        ServiceType(std::borrow::Cow::Owned(service_type.into()))
    }

    /// The type's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&'static str> for ServiceType {
    fn from(s: &'static str) -> Self {
        ServiceType(std::borrow::Cow::Borrowed(s))
    }
}

impl std::fmt::Display for ServiceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An answer as received, before interpretation.
pub(crate) struct RawResponse {
    pub method: Method,
    pub url: url::Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub attempts: u32,
    /// The secret sent with the request (token or credential), so that no echo of it in the body can
    /// reach an error message, a log or `Debug`.
    pub secret: Option<secrecy::SecretString>,
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body is not shown: it may hold anything, echoed secrets included.
        f.debug_struct("RawResponse")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// The request id header of an answer (`x-openstack-request-id`, else `x-compute-request-id`).
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-openstack-request-id", "x-compute-request-id"]
        .iter()
        .find_map(|h| headers.get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl RawResponse {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub(crate) fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    /// Remembers `secret` (the token or credential sent) so that no text taken from this answer can
    /// carry it: an error answer's body is scrubbed at once (it becomes error text); a success body is
    /// left as sent, and only what a decode error quotes from it is scrubbed.
    pub(crate) fn scrubbed(mut self, secret: &secrecy::SecretString) -> Self {
        use secrecy::ExposeSecret;
        let s = secret.expose_secret();
        if !self.is_success() && !s.is_empty() {
            let text = String::from_utf8_lossy(&self.body);
            if text.contains(s) {
                self.body = Bytes::from(text.replace(s, "[REDACTED]"));
            }
        }
        self.secret = Some(secret.clone());
        self
    }

    /// `text` with any echo of the request's secret replaced.
    fn scrub(&self, text: String) -> String {
        use secrecy::ExposeSecret;
        match &self.secret {
            Some(s) if !s.expose_secret().is_empty() && text.contains(s.expose_secret()) => {
                text.replace(s.expose_secret(), "[REDACTED]")
            }
            _ => text,
        }
    }

    /// The service's error for a non-2xx answer.
    pub(crate) fn api_error(&self) -> Error {
        let text = String::from_utf8_lossy(&self.body);
        let ct = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok());
        let fault = parse_fault(&text, ct);
        let message = fault.message.unwrap_or_else(|| {
            if text.trim().is_empty() {
                format!("empty {} response", self.status)
            } else {
                "unrecognised error body".to_string()
            }
        });
        ApiError {
            status: self.status,
            method: self.method.as_str().to_string(),
            url: redact_url(&self.url),
            request_id: self.request_id(),
            code: fault.code,
            message,
            detail: fault.detail,
            body_snippet: snippet(&text),
            attempts: self.attempts,
            retry_after: self
                .headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now(), Duration::MAX)),
        }
        .into()
    }

    /// Decodes the JSON body, naming the path of the bad field on failure.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode_json(self.method, &self.url, &self.body).map_err(|e| self.scrub_error(e))
    }

    /// A decode error about this answer, with any echo of the request's secret removed from it.
    pub(crate) fn scrub_error(&self, e: Error) -> Error {
        match e {
            Error::Decode {
                method,
                url,
                path,
                message,
            } => Error::Decode {
                method,
                url,
                path,
                message: self.scrub(message),
            },
            other => other,
        }
    }
}

/// Decodes `body` as JSON into `T`; the error names the JSON path of the bad field.
pub(crate) fn decode_json<T: DeserializeOwned>(
    method: Method,
    url: &url::Url,
    body: &[u8],
) -> Result<T, Error> {
    decode_seed(method, url, body, std::marker::PhantomData::<T>)
}

/// Decodes `body` with `seed`. The fast path decodes without bookkeeping; only when that fails is the
/// body decoded again while tracking the JSON path, so the error can name the bad field.
pub(crate) fn decode_seed<S, V>(
    method: Method,
    url: &url::Url,
    body: &[u8],
    seed: S,
) -> Result<V, Error>
where
    S: for<'de> serde::de::DeserializeSeed<'de, Value = V> + Clone,
{
    let mut de = serde_json::Deserializer::from_slice(body);
    if let Ok(value) = seed
        .clone()
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
    {
        return Ok(value);
    }
    let mut track = serde_path_to_error::Track::new();
    let mut de = serde_json::Deserializer::from_slice(body);
    let inner = match seed
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .and_then(|v| de.end().map(|()| v))
    {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let message = if inner.is_eof() {
        format!("body truncated or empty ({} bytes): {inner}", body.len())
    } else if inner.is_syntax() {
        format!(
            "not JSON: {inner}; body starts {:?}",
            snippet(&String::from_utf8_lossy(&body[..body.len().min(120)]))
        )
    } else {
        inner.to_string()
    };
    Err(Error::Decode {
        method: method.as_str().into(),
        url: redact_url(url),
        path: crate::error::cap(&track.path().to_string(), crate::error::MAX_PATH_CHARS),
        message: crate::error::cap(&message, crate::error::MAX_MESSAGE_CHARS),
    })
}

/// Sends one request under `policy`.
///
/// * Nothing sent (connect failure, connection closed before the request was written): retried for
///   any method, with backoff.
/// * A *reused* connection closed before any byte of the answer (the server dropped an idle
///   keep-alive connection as the request arrived): an idempotent request is sent again at once, one
///   time per call, whatever the policy; after that it counts as "no answer".
/// * Sent with no answer, or an unreadable answer: retried with backoff for idempotent methods only.
/// * `429/502/503/504`: retried for idempotent methods, waiting the answer's `Retry-After` when it sent
///   one. A `Retry-After` longer than [`RetryPolicy::max_retry_after`] or than the time left before
///   [`RetryPolicy::total_deadline`] ends the call at once with that answer (its
///   [`ApiError::retry_after`] keeps the hint); a backoff that would overrun the deadline likewise.
pub(crate) async fn send_with_retry(
    http: &Http,
    policy: &RetryPolicy,
    method: Method,
    url: &url::Url,
    headers: &HeaderMap,
    body: Option<&Bytes>,
) -> Result<RawResponse, Error> {
    let start = Instant::now();
    let mut ceilings = policy.ceilings();
    let mut attempts = 0u32;
    let mut resent_stale = false;
    let verb = method.to_http();
    loop {
        attempts += 1;
        let wait = match http.attempt(&verb, url, headers, body).await {
            Ok(answer) => {
                let raw = RawResponse::from_answer(method, url, attempts, answer);
                if !(retryable_status(raw.status) && idempotent(&method)) {
                    return Ok(raw);
                }
                let Some(ceiling) = ceilings.next() else {
                    return Ok(raw);
                };
                let remaining = policy.total_deadline.saturating_sub(start.elapsed());
                let asked = raw
                    .headers
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, SystemTime::now(), Duration::MAX));
                let wait = asked.unwrap_or_else(|| full_jitter(ceiling));
                if asked.is_some_and(|a| a > policy.max_retry_after) || wait > remaining {
                    tracing::debug!(
                        status = raw.status,
                        wait_ms = wait.as_millis() as u64,
                        "the wait asked for is longer than the retry policy allows: giving up"
                    );
                    return Ok(raw);
                }
                tracing::debug!(
                    status = raw.status,
                    attempt = attempts,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                wait
            }
            Err(AttemptError::Stale(_)) if idempotent(&method) && !resent_stale => {
                resent_stale = true;
                tracing::debug!(
                    attempt = attempts,
                    "a reused connection closed before answering: sending again on another"
                );
                continue;
            }
            Err(e) => {
                let retry = match &e {
                    AttemptError::NotSent(..) => true,
                    AttemptError::Stale(_)
                    | AttemptError::NoAnswer(..)
                    | AttemptError::Unreadable(_) => idempotent(&method),
                    AttemptError::Timeout { .. } | AttemptError::TooLarge { .. } => false,
                };
                let remaining = policy.total_deadline.saturating_sub(start.elapsed());
                match ceilings.next() {
                    Some(ceiling) if retry && ceiling <= remaining => {
                        tracing::debug!(attempt = attempts, error = ?e, "transport error, retrying");
                        full_jitter(ceiling)
                    }
                    _ => return Err(e.into_error(method.as_str(), redact_url(url), attempts)),
                }
            }
        };
        tokio::time::sleep(wait).await;
    }
}

impl RawResponse {
    fn from_answer(method: Method, url: &url::Url, attempts: u32, answer: Answer) -> Self {
        RawResponse {
            method,
            url: url.clone(),
            status: answer.status,
            headers: answer.headers,
            body: answer.body,
            attempts,
            secret: None,
        }
    }
}

/// Checks an id before it becomes a path segment: not empty, not `.` or `..`. `what` names the
/// resource in the error, e.g. `server`.
pub(crate) fn check_id<'a>(what: &str, id: &'a str) -> Result<&'a str, Error> {
    if id.trim().is_empty() {
        Err(Error::InvalidInput(format!("{what} id is empty")))
    } else if id == "." || id == ".." {
        // The URL would drop the segment and address the collection (`DELETE /servers`).
        Err(Error::InvalidInput(format!(
            "{what} id {id:?} is not valid"
        )))
    } else {
        Ok(id)
    }
}

/// Joins `segments` onto `base`, percent-encoding each segment exactly once.
pub(crate) fn join_url<S: AsRef<str>>(base: &url::Url, segments: &[S]) -> Result<url::Url, Error> {
    let mut url = base.clone();
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| Error::InvalidInput(format!("endpoint {base} cannot be a base URL")))?;
        path.pop_if_empty();
        for s in segments {
            path.push(s.as_ref());
        }
    }
    Ok(url)
}

/// A request to a service, as built by the resource handles or [`Client::request`].
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub service: ServiceType,
    pub method: Method,
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    pub body: Option<Bytes>,
    /// The lowest microversion the call needs; checked before sending.
    pub min_microversion: Option<ApiVersion>,
    /// A microversion sent instead of the session's for this call only.
    pub microversion: Option<ApiVersion>,
    pub extra_headers: Vec<(HeaderName, HeaderValue)>,
}

impl Call {
    pub(crate) fn new<S: Into<String>>(
        service: ServiceType,
        method: Method,
        segments: impl IntoIterator<Item = S>,
    ) -> Self {
        Call {
            service,
            method,
            segments: segments.into_iter().map(Into::into).collect(),
            query: Vec::new(),
            body: None,
            min_microversion: None,
            microversion: None,
            extra_headers: Vec::new(),
        }
    }

    /// Adds a header (`If-Match`, …).
    pub(crate) fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.extra_headers.push((name, value));
        self
    }

    pub(crate) fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    pub(crate) fn json_body(mut self, body: &serde_json::Value) -> Self {
        self.body = Some(Bytes::from(body.to_string()));
        self
    }

    pub(crate) fn min_microversion(mut self, v: Option<ApiVersion>) -> Self {
        self.min_microversion = v;
        self
    }
}

impl Client {
    /// Runs `call` through the pipeline; a non-2xx answer becomes [`Error::Api`].
    pub(crate) async fn execute(&self, call: &Call) -> Result<RawResponse, Error> {
        let raw = self.execute_raw(call).await?;
        if raw.is_success() {
            Ok(raw)
        } else {
            Err(raw.api_error())
        }
    }

    /// Runs `call` through the pipeline and returns any answer, error statuses included.
    pub(crate) async fn execute_raw(&self, call: &Call) -> Result<RawResponse, Error> {
        let endpoint = self.endpoint(&call.service).await?;
        let microversion = match call.microversion {
            Some(v) => {
                endpoint.offers(v)?;
                Some(v)
            }
            None => endpoint.microversion,
        };
        if let Some(need) = call.min_microversion {
            match call.microversion {
                Some(v) if v < need => {
                    return Err(Error::MicroversionUnsupported {
                        service: endpoint.service_type.clone(),
                        required: need.to_string(),
                        available: format!("{v} was asked for this request"),
                    });
                }
                Some(_) => {}
                None => endpoint.require(need)?,
            }
        }
        let mut url = join_url(&endpoint.url, &call.segments)?;
        if !call.query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in &call.query {
                q.append_pair(k, v);
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert("accept", HeaderValue::from_static("application/json"));
        if call.body.is_some() {
            headers.insert("content-type", HeaderValue::from_static("application/json"));
        }
        if let Some(v) = microversion {
            for (name, value) in microversion_headers(call.service.as_str(), v) {
                headers.insert(name, value);
            }
        }
        for (k, v) in &call.extra_headers {
            headers.insert(k.clone(), v.clone());
        }
        let span = tracing::info_span!(
            "openstack.request",
            service = %call.service,
            method = call.method.as_str(),
            path = url.path(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .send_authenticated(call.method, &url, headers, call.body.as_ref())
            .instrument(span.clone())
            .await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(raw) => {
                span.record("status", raw.status);
                span.record("attempts", raw.attempts);
                if let Some(id) = raw.request_id() {
                    span.record("request_id", id.as_str());
                }
                span.in_scope(|| tracing::debug!(status = raw.status, "response"));
            }
            Err(e) => span.in_scope(|| tracing::debug!(error = %e, "request failed")),
        }
        result
    }

    /// Sends with the session's token; on `401`, re-authenticates once (single-flight) and replays once.
    ///
    /// # Errors
    /// [`Error::ReauthRefused`] when the replay gets a `401` too (source: the first `401`);
    /// [`Error::ReauthFailed`] when the re-authentication fails (source: Keystone's failure).
    pub(crate) async fn send_authenticated(
        &self,
        method: Method,
        url: &url::Url,
        mut headers: HeaderMap,
        body: Option<&Bytes>,
    ) -> Result<RawResponse, Error> {
        let mut token = self.token().await?;
        let mut rejected: Option<Box<ApiError>> = None;
        loop {
            headers.insert("x-auth-token", token_header(&token.secret, url)?);
            let raw = send_with_retry(
                self.http(),
                self.retry_policy(),
                method,
                url,
                &headers,
                body,
            )
            .await?
            .scrubbed(&token.secret);
            if raw.status != 401 {
                return Ok(raw);
            }
            let answer = match raw.api_error() {
                Error::Api(a) => a,
                other => return Err(other),
            };
            if let Some(rejected) = rejected {
                return Err(Error::ReauthRefused {
                    rejected,
                    replay: answer,
                });
            }
            tracing::debug!(generation = token.generation, "401: re-authenticating once");
            token = match self.reauthenticate(token.generation).await {
                Ok(t) => t,
                Err(e) => {
                    return Err(Error::ReauthFailed {
                        rejected: answer,
                        source: Box::new(e),
                    });
                }
            };
            rejected = Some(answer);
        }
    }
}

fn token_header(secret: &secrecy::SecretString, url: &url::Url) -> Result<HeaderValue, Error> {
    use secrecy::ExposeSecret;
    let mut v = HeaderValue::from_str(secret.expose_secret()).map_err(|_| Error::Auth {
        status: None,
        url: redact_url(url),
        message: "token is not a valid header value".into(),
        request_id: None,
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// The microversion headers for a service: compute sends both `X-OpenStack-Nova-API-Version: X.Y` and
/// `OpenStack-API-Version: compute X.Y`; other services `OpenStack-API-Version: <type> X.Y`.
pub(crate) fn microversion_headers(service: &str, v: ApiVersion) -> Vec<(HeaderName, HeaderValue)> {
    let mut out = Vec::with_capacity(2);
    let header_service = match service {
        "block-storage" => "volume",
        other => other,
    };
    if let Ok(value) = HeaderValue::from_str(&format!("{header_service} {v}")) {
        out.push((HeaderName::from_static("openstack-api-version"), value));
    }
    if service == "compute" {
        if let Ok(value) = HeaderValue::from_str(&v.to_string()) {
            out.push((
                HeaderName::from_static("x-openstack-nova-api-version"),
                value,
            ));
        }
    }
    out
}

/// A raw request through the pipeline, for calls this crate has not wrapped yet
/// (see [`Client::request`]).
#[derive(Debug, Clone)]
pub struct RequestBuilder {
    client: Client,
    call: Call,
    body_error: Option<String>,
}

impl RequestBuilder {
    pub(crate) fn new(client: Client, service: ServiceType, method: Method, path: &str) -> Self {
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>();
        // `.` and `..` would be resolved away by URL parsing and reach another resource; a `?` would be
        // percent-encoded into the path, never sent as a query.
        let body_error = if path.contains('?') {
            Some(format!(
                "path {path:?} contains `?`: pass query parameters with .query(key, value)"
            ))
        } else {
            segments
                .iter()
                .find(|s| *s == "." || *s == "..")
                .map(|_| format!("path {path:?} has a `.` or `..` segment"))
        };
        RequestBuilder {
            client,
            call: Call::new(service, method, segments),
            body_error,
        }
    }

    /// Adds a query parameter (encoded for you).
    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.call = self.call.query(key, value);
        self
    }

    /// Sets a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_value(body) {
            Ok(v) => self.call = self.call.json_body(&v),
            Err(e) => self.body_error = Some(e.to_string()),
        }
        self
    }

    /// Sends microversion `v` with this request only, instead of the session's pinned or negotiated one
    /// (both compute headers for Nova, `OpenStack-API-Version: <type> X.Y` for the others).
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] (at [`send`](Self::send), before sending) when the service's
    /// version document says it does not offer `v`, or has no microversions.
    pub fn microversion(mut self, v: ApiVersion) -> Self {
        self.call.microversion = Some(v);
        self
    }

    /// Fails locally with [`Error::MicroversionUnsupported`] unless the microversion in use is at least `v`.
    pub fn min_microversion(mut self, v: ApiVersion) -> Self {
        self.call.min_microversion = Some(v);
        self
    }

    /// Adds a header (not `X-Auth-Token`, which the pipeline sets).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (at [`send`](Self::send)) for an invalid name or value.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) if n.as_str() != "x-auth-token" => self.call.extra_headers.push((n, v)),
            _ => self.body_error = Some(format!("invalid header {name:?}")),
        }
        self
    }

    /// Sends the request. Non-2xx answers are returned as [`Error::Api`], with the service's
    /// fault message and request id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::{Method, ServiceType};
    /// let resp = client
    ///     .request(ServiceType::NETWORK, Method::Get, "networks")
    ///     .query("name", "public")
    ///     .send()
    ///     .await?;
    /// assert_eq!(resp.status(), 200);
    /// assert!(resp.request_id().is_some_and(|id| id.starts_with("req-")));
    /// let body: serde_json::Value = resp.json()?;
    /// assert_eq!(body["networks"][0]["router:external"], true);
    ///
    /// let err = client
    ///     .request(ServiceType::NETWORK, Method::Get, "networks/no-such-network")
    ///     .send()
    ///     .await
    ///     .unwrap_err();
    /// let api = err.as_api().expect("an API error");
    /// assert_eq!((api.status, api.code.as_deref()), (404, Some("NetworkNotFound")));
    /// assert_eq!(api.message, "Network no-such-network could not be found.");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Any [`Error`] of the pipeline: endpoint, auth, transport, timeout, API error.
    pub async fn send(self) -> Result<Response, Error> {
        if let Some(e) = self.body_error {
            return Err(Error::InvalidInput(e));
        }
        let raw = self.client.execute(&self.call).await?;
        Ok(Response { raw })
    }
}

/// A successful answer from [`RequestBuilder::send`].
#[derive(Debug)]
pub struct Response {
    raw: RawResponse,
}

impl Response {
    /// HTTP status, e.g. 200.
    pub fn status(&self) -> u16 {
        self.raw.status
    }

    /// `x-openstack-request-id` or `x-compute-request-id`.
    pub fn request_id(&self) -> Option<String> {
        self.raw.request_id()
    }

    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.raw.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.raw.body
    }

    /// Decodes the JSON body.
    ///
    /// # Errors
    /// [`Error::Decode`] naming the path of the bad field.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        self.raw.json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_encoded_once() {
        let base = url::Url::parse("http://h/v2.1/").unwrap();
        let u = join_url(&base, &["os-keypairs", "my key"]).unwrap();
        assert_eq!(u.as_str(), "http://h/v2.1/os-keypairs/my%20key");
        let u = join_url(&base, &["os-keypairs", "50%/x"]).unwrap();
        assert_eq!(u.as_str(), "http://h/v2.1/os-keypairs/50%25%2Fx");
        let base = url::Url::parse("http://h/v2.1/abc123").unwrap();
        assert_eq!(
            join_url(&base, &["servers"]).unwrap().as_str(),
            "http://h/v2.1/abc123/servers"
        );
    }

    #[test]
    fn compute_sends_both_headers() {
        let h = microversion_headers("compute", ApiVersion::new(2, 79));
        assert_eq!(h[0].1, "compute 2.79");
        assert_eq!(h[1].0, "x-openstack-nova-api-version");
        assert_eq!(h[1].1, "2.79");
        assert_eq!(
            microversion_headers("network", ApiVersion::new(2, 1)).len(),
            1
        );
    }

    #[test]
    fn decode_names_path() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct S {
            servers: Vec<I>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct I {
            id: String,
        }
        let url = url::Url::parse("http://h/servers").unwrap();
        let err = decode_json::<S>(
            Method::Get,
            &url,
            br#"{"servers": [{"id": "a"}, {"id": 5}]}"#,
        )
        .unwrap_err();
        match err {
            Error::Decode { path, .. } => assert_eq!(path, "servers[1].id"),
            other => panic!("{other:?}"),
        }
        let err = decode_json::<S>(Method::Get, &url, br#"{"servers": [{"id""#).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}
