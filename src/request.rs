//! The request pipeline: every call goes through here.
//!
//! endpoint from the catalog (or override) → URL join with percent-encoded path segments → `X-Auth-Token`,
//! microversion, JSON headers → send with the retry policy → on `401`, one single-flight re-auth and one
//! replay → fault body → typed [`Error`]. Each request runs in a `tracing` span named
//! `openstack.request` with `service`, `method`, `path`, `status`, `attempts`, `latency_ms` and
//! `request_id`; tokens, passwords and bodies are never recorded.

use std::time::{Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::client::Client;
use crate::error::{ApiError, Error, parse_fault, redact_url, snippet};
use crate::microversion::ApiVersion;
use crate::retry::{RetryPolicy, full_jitter, idempotent, parse_retry_after, retryable_status};

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

    fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Head => reqwest::Method::HEAD,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
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
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub method: Method,
    pub url: url::Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub attempts: u32,
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

    /// For an error answer, replaces any echo of `secret` in the body (some proxies and services echo
    /// request headers or bodies) so that it cannot reach an error message or log.
    pub(crate) fn scrubbed(mut self, secret: &secrecy::SecretString) -> Self {
        use secrecy::ExposeSecret;
        let s = secret.expose_secret();
        if !self.is_success() && !s.is_empty() {
            let text = String::from_utf8_lossy(&self.body);
            if text.contains(s) {
                self.body = Bytes::from(text.replace(s, "[REDACTED]"));
            }
        }
        self
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
        }
        .into()
    }

    /// Decodes the JSON body, naming the path of the bad field on failure.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode_json(self.method, &self.url, &self.body)
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
        path: track.path().to_string(),
        message,
    })
}

fn transport_error(method: Method, url: &url::Url, attempts: u32, e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout {
            method: method.as_str().into(),
            url: redact_url(url),
            attempts,
        }
    } else {
        let kind = if e.is_connect() {
            "could not connect"
        } else if e.is_body() || e.is_decode() {
            "the connection failed while the answer was read"
        } else if e.is_redirect() {
            "too many or cross-origin redirects"
        } else if e.is_request() {
            "the request could not be sent"
        } else {
            "transport error"
        };
        Error::Transport {
            kind,
            method: method.as_str().into(),
            url: redact_url(url),
            attempts,
            source: std::sync::Arc::new(e.without_url()),
        }
    }
}

/// Sends one request under `policy`: retries connect errors (any method: nothing reached the server) and
/// `429/502/503/504` (idempotent methods only), honouring `Retry-After`.
pub(crate) async fn send_with_retry(
    http: &reqwest::Client,
    policy: &RetryPolicy,
    method: Method,
    url: &url::Url,
    headers: &HeaderMap,
    body: Option<&Bytes>,
) -> Result<RawResponse, Error> {
    let start = Instant::now();
    let mut ceilings = policy.ceilings();
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let mut req = http
            .request(method.to_reqwest(), url.clone())
            .headers(headers.clone());
        if let Some(b) = body {
            req = req.body(b.clone());
        }
        let wait = match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let retry = retryable_status(status) && idempotent(&method);
                let next = if retry { ceilings.next() } else { None };
                match next {
                    Some(ceiling) => {
                        let retry_after = resp
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| {
                                parse_retry_after(v, SystemTime::now(), policy.max_retry_after)
                            });
                        let wait = retry_after.unwrap_or_else(|| full_jitter(ceiling));
                        if start.elapsed() + wait > policy.total_deadline {
                            return finish(method, url, attempts, resp).await;
                        }
                        tracing::debug!(
                            status,
                            attempt = attempts,
                            wait_ms = wait.as_millis() as u64,
                            "retrying"
                        );
                        wait
                    }
                    None => return finish(method, url, attempts, resp).await,
                }
            }
            Err(e) => {
                let next = if e.is_connect() {
                    ceilings.next()
                } else {
                    None
                };
                match next {
                    Some(ceiling) if start.elapsed() + ceiling <= policy.total_deadline => {
                        tracing::debug!(attempt = attempts, "connect error, retrying");
                        full_jitter(ceiling)
                    }
                    _ => return Err(transport_error(method, url, attempts, e)),
                }
            }
        };
        tokio::time::sleep(wait).await;
    }
}

async fn finish(
    method: Method,
    url: &url::Url,
    attempts: u32,
    resp: reqwest::Response,
) -> Result<RawResponse, Error> {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp
        .bytes()
        .await
        .map_err(|e| transport_error(method, url, attempts, e))?;
    Ok(RawResponse {
        method,
        url: url.clone(),
        status,
        headers,
        body,
        attempts,
    })
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
            extra_headers: Vec::new(),
        }
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

    /// Runs `call` and decodes the JSON answer.
    pub(crate) async fn execute_json<T: DeserializeOwned>(&self, call: &Call) -> Result<T, Error> {
        self.execute(call).await?.json()
    }

    /// Runs `call` through the pipeline and returns any answer, error statuses included.
    pub(crate) async fn execute_raw(&self, call: &Call) -> Result<RawResponse, Error> {
        let endpoint = self.endpoint(&call.service).await?;
        if let Some(need) = call.min_microversion {
            endpoint.require(need)?;
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
        if let Some(v) = endpoint.microversion {
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
        // `.` and `..` would be resolved away by URL parsing and reach another resource.
        let body_error = segments
            .iter()
            .find(|s| *s == "." || *s == "..")
            .map(|_| format!("path {path:?} has a `.` or `..` segment"));
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

    /// Sends the request. Non-2xx answers are returned as [`Error::Api`].
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
