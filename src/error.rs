//! One error type for the whole crate, split by phase so callers know whether a retry is safe:
//! never sent ([`Error::Config`], [`Error::InvalidInput`], [`Error::EndpointNotFound`],
//! [`Error::MicroversionUnsupported`]), not answered ([`Error::Transport`], [`Error::Timeout`]),
//! answered with a failure ([`Error::Api`], [`Error::Auth`], and after a `401` and one
//! re-authentication [`Error::ReauthRefused`], [`Error::ReauthFailed`]), answered with something unreadable
//! ([`Error::Decode`]), or a waiter that gave up ([`Error::WaitTimeout`], [`Error::WaitFailed`]).
//!
//! `Display` is one line and never repeats its `source()`; no variant ever holds a secret.

use std::time::Duration;

/// A shared error source (kept opaque: the HTTP library's types are not part of the public API).
pub type SourceError = std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>;

/// The crate's error.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is missing or malformed. The message names the sources tried and the key at fault.
    #[error("configuration error: {0}")]
    Config(String),

    /// Keystone refused to authenticate (or answered something that is not a token).
    #[error("authentication failed{} at {url}: {message}", status.map(|s| format!(" ({s})")).unwrap_or_default())]
    Auth {
        /// HTTP status from Keystone, if it answered.
        status: Option<u16>,
        /// The token URL tried (`…/v3/auth/tokens`), or the `auth_url` whose version document showed it
        /// is not Keystone; without credentials or query.
        url: String,
        /// Keystone's message (from `{"error": {"message"}}`) or a description.
        message: String,
        /// `x-openstack-request-id` of Keystone's answer.
        request_id: Option<String>,
    },

    /// A service refused the token (`401`), the session re-authenticated once with the configured
    /// credentials, and the service refused the new token too (`401` to the one replay). The
    /// credentials are accepted by Keystone but not by this service (e.g. a role or policy issue,
    /// or the service cannot validate tokens). `source()` is the first `401`; `replay` is the
    /// answer to the replay; [`Error::status`] is `401`, [`Error::request_id`] the replay's.
    #[error("{} {}: token refused (401) again after a re-authentication{}", replay.method, replay.url,
        replay.request_id.as_ref().map(|id| format!(" (request id {id})")).unwrap_or_default())]
    ReauthRefused {
        /// The service's first `401`, which caused the re-authentication.
        #[source]
        rejected: Box<ApiError>,
        /// The service's `401` to the replay with the new token.
        replay: Box<ApiError>,
    },

    /// A service refused the token (`401`) and the re-authentication that followed failed (Keystone
    /// refused the credentials, answered an error such as `503`, or could not be reached). `source()` is
    /// Keystone's failure (usually [`Error::Auth`]); `rejected` is the service's `401`.
    /// [`Error::status`] and [`Error::request_id`] are those of the service's `401`.
    #[error("{} {}: token refused (401) and the re-authentication failed", rejected.method, rejected.url)]
    ReauthFailed {
        /// The service's `401`, which caused the re-authentication.
        rejected: Box<ApiError>,
        /// Why the re-authentication failed.
        #[source]
        source: Box<Error>,
    },

    /// The service catalog has no endpoint for this service type, interface and region.
    #[error("no endpoint for service {service:?} (interface {interface}, region {})", region.as_deref().unwrap_or("any"))]
    EndpointNotFound {
        /// Service type asked for, e.g. `compute`.
        service: String,
        /// Interface asked for, e.g. `public`.
        interface: String,
        /// Region asked for, `None` for any.
        region: Option<String>,
    },

    /// The call needs an API microversion that the cloud (or the pinned version) does not provide.
    /// Raised before anything is sent.
    #[error("{service} microversion {required} is needed but {available}")]
    MicroversionUnsupported {
        /// Service type, e.g. `compute`.
        service: String,
        /// The microversion the call needs, e.g. `2.47`.
        required: String,
        /// What is available, e.g. `the cloud supports 2.1 to 2.38`.
        available: String,
    },

    /// The service answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The request could not be sent or its answer not received (connect error, reset, TLS failure).
    /// The request may or may not have reached the server.
    #[error("{method} {url}: {kind} after {attempts} attempt(s)")]
    Transport {
        /// What went wrong, e.g. `could not connect`; the details are in `source()`.
        kind: &'static str,
        /// HTTP method.
        method: String,
        /// URL without credentials or query.
        url: String,
        /// Attempts made (retries included).
        attempts: u32,
        /// The underlying error.
        #[source]
        source: SourceError,
    },

    /// No answer within the configured timeout (per attempt) or the retry deadline.
    #[error("{method} {url}: timed out after {attempts} attempt(s)")]
    Timeout {
        /// HTTP method.
        method: String,
        /// URL without credentials or query.
        url: String,
        /// Attempts made (retries included).
        attempts: u32,
    },

    /// The answer could not be decoded into the expected type.
    #[error("{method} {url}: cannot decode response at `{path}`: {message}")]
    Decode {
        /// HTTP method.
        method: String,
        /// URL without credentials or query.
        url: String,
        /// JSON path of the bad field, e.g. `servers[3].status` (`.` for the whole body).
        path: String,
        /// What was wrong there.
        message: String,
    },

    /// The caller's input was rejected before sending (e.g. an empty id).
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// A waiter did not see the wanted state in time.
    #[error("{resource} {id} did not reach {wanted} within {waited:?} (last status {last_status})")]
    WaitTimeout {
        /// Resource kind, e.g. `server`.
        resource: &'static str,
        /// Resource id.
        id: String,
        /// What was waited for, e.g. `ACTIVE` or `deletion`.
        wanted: String,
        /// Last status seen.
        last_status: String,
        /// How long the waiter waited.
        waited: Duration,
    },

    /// A waiter saw the resource fail (e.g. a server in `ERROR`), with the server's fault.
    #[error("{resource} {id} went to {status}{}", fault.as_ref().map(|f| format!(": {f}")).unwrap_or_default())]
    WaitFailed {
        /// Resource kind, e.g. `server`.
        resource: &'static str,
        /// Resource id.
        id: String,
        /// The failed status, e.g. `ERROR`.
        status: String,
        /// The fault as reported by the service, e.g. `500 No valid host was found.`.
        fault: Option<String>,
    },
}

impl Error {
    /// The HTTP status, for [`Error::Api`] and [`Error::Auth`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Auth { status, .. } => *status,
            Error::ReauthRefused { replay, .. } => Some(replay.status),
            Error::ReauthFailed { rejected, .. } => Some(rejected.status),
            _ => None,
        }
    }

    /// The request id of the failing answer (`x-openstack-request-id` / `x-compute-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Auth { request_id, .. } => request_id.as_deref(),
            Error::ReauthRefused { replay, .. } => replay.request_id.as_deref(),
            Error::ReauthFailed { rejected, .. } => rejected.request_id.as_deref(),
            _ => None,
        }
    }

    /// `true` for a 404 answer.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// `true` for a 409 answer.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// `true` for a timeout (per request or retry deadline).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// `true` when a `401` led to a re-authentication that did not help
    /// ([`Error::ReauthRefused`], [`Error::ReauthFailed`]).
    pub fn is_reauthentication_failure(&self) -> bool {
        matches!(
            self,
            Error::ReauthRefused { .. } | Error::ReauthFailed { .. }
        )
    }

    /// The service's [`ApiError`] inside, if this is one: the answer itself for [`Error::Api`], the
    /// replay's `401` for [`Error::ReauthRefused`], the `401` for [`Error::ReauthFailed`].
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            Error::ReauthRefused { replay, .. } => Some(replay),
            Error::ReauthFailed { rejected, .. } => Some(rejected),
            _ => None,
        }
    }
}

/// An error answer from a service, with what the service said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status, e.g. 404.
    pub status: u16,
    /// HTTP method of the request.
    pub method: String,
    /// URL of the request, without credentials or query string.
    pub url: String,
    /// `x-openstack-request-id` or `x-compute-request-id`.
    pub request_id: Option<String>,
    /// The fault's kind: Nova's fault name (`itemNotFound`), Neutron's `type` (`NetworkNotFound`),
    /// Keystone's `title`.
    pub code: Option<String>,
    /// The fault's message, or a short description of the body when it had none.
    pub message: String,
    /// Neutron's `detail`, when not empty.
    pub detail: Option<String>,
    /// The first 512 characters of the body, whitespace collapsed.
    pub body_snippet: String,
    /// Attempts made (retries included).
    pub attempts: u32,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.method, self.url, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

/// What a fault body said: `(code, message, detail)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Fault {
    pub code: Option<String>,
    pub message: Option<String>,
    pub detail: Option<String>,
}

const SNIPPET_CHARS: usize = 512;

/// Collapses whitespace and cuts to [`SNIPPET_CHARS`] characters.
pub(crate) fn snippet(body: &str) -> String {
    let mut out = String::new();
    for (n, word) in body.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() >= SNIPPET_CHARS {
            break;
        }
    }
    if out.chars().count() > SNIPPET_CHARS {
        out = out.chars().take(SNIPPET_CHARS).collect();
        out.push('…');
    }
    out
}

/// Parses the fault shapes OpenStack services answer with:
/// Nova `{"itemNotFound": {"code": 404, "message": "…"}}` (any single key),
/// Neutron `{"NeutronError": {"type", "message", "detail"}}`,
/// Keystone `{"error": {"code", "title", "message"}}`, plain `{"message": "…"}`/`{"error": "…"}`,
/// `{"title","description"}` (webob), plain text and HTML pages (their `<title>`/`<h1>`).
pub(crate) fn parse_fault(body: &str, content_type: Option<&str>) -> Fault {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return Fault::default();
    }
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(trimmed) {
        let mut fault = fault_from_json(&map);
        // Messages are one line: some services put HTML (`<br />`) and newlines in them.
        fault.message = fault.message.as_deref().map(one_line).and_then(non_empty);
        fault.detail = fault.detail.as_deref().map(one_line).and_then(non_empty);
        return fault;
    }
    let looks_html = content_type.is_some_and(|c| c.contains("html"))
        || trimmed.starts_with('<')
        || trimmed.to_ascii_lowercase().contains("<html");
    if looks_html {
        let text = html_title(trimmed).unwrap_or_else(|| strip_tags(trimmed));
        return Fault {
            code: None,
            message: non_empty(snippet(&text)),
            detail: None,
        };
    }
    Fault {
        code: None,
        message: non_empty(snippet(trimmed)),
        detail: None,
    }
}

/// Tags stripped (when there are any), whitespace collapsed, length capped.
fn one_line(text: &str) -> String {
    if text.contains('<') && text.contains('>') {
        snippet(&strip_tags(text))
    } else {
        snippet(text)
    }
}

/// `https://user:password@host/…` → `https://[REDACTED]@host/…`, for URLs that may not even parse.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}://[REDACTED]{}", &url[..scheme_end], &rest[at..]),
        None => url.to_string(),
    }
}

fn non_empty(s: String) -> Option<String> {
    if s.trim().is_empty() { None } else { Some(s) }
}

fn json_str(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn fault_from_json(map: &serde_json::Map<String, serde_json::Value>) -> Fault {
    // Neutron.
    if let Some(serde_json::Value::Object(ne)) = map.get("NeutronError") {
        return Fault {
            code: ne.get("type").and_then(json_str),
            message: ne.get("message").and_then(json_str),
            detail: ne.get("detail").and_then(json_str),
        };
    }
    // Keystone: {"error": {"code": 401, "title": "Unauthorized", "message": "..."}}
    if let Some(err) = map.get("error") {
        match err {
            serde_json::Value::Object(e) => {
                return Fault {
                    code: e
                        .get("title")
                        .and_then(json_str)
                        .or_else(|| e.get("code").and_then(json_str)),
                    message: e.get("message").and_then(json_str),
                    detail: None,
                };
            }
            other => {
                if let Some(m) = json_str(other) {
                    return Fault {
                        code: None,
                        message: Some(m),
                        detail: None,
                    };
                }
            }
        }
    }
    // Flat shapes: {"message", "type"} or webob's {"message", "code": "404 Not Found", "title"}.
    if let Some(m) = map.get("message").and_then(json_str) {
        return Fault {
            code: map
                .get("title")
                .or_else(|| map.get("type"))
                .and_then(json_str),
            message: Some(m),
            detail: None,
        };
    }
    if let Some(d) = map.get("description").and_then(json_str) {
        return Fault {
            code: map.get("title").and_then(json_str),
            message: Some(d),
            detail: None,
        };
    }
    // Nova: one key naming the fault, e.g. itemNotFound, badRequest, computeFault, conflictingRequest.
    if map.len() == 1 {
        if let Some((name, serde_json::Value::Object(inner))) = map.iter().next() {
            return Fault {
                code: Some(name.clone()),
                message: inner.get("message").and_then(json_str),
                detail: inner.get("details").and_then(json_str),
            };
        }
    }
    Fault::default()
}

fn html_title(html: &str) -> Option<String> {
    for (open, close) in [("<title>", "</title>"), ("<h1>", "</h1>")] {
        let lower = html.to_ascii_lowercase();
        if let Some(start) = lower.find(open) {
            let from = start + open.len();
            if let Some(len) = lower[from..].find(close) {
                let text = strip_tags(&html[from..from + len]);
                if !text.trim().is_empty() {
                    return Some(text.trim().to_string());
                }
            }
        }
    }
    None
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Removes credentials and the query string from a URL for error messages and logs.
pub(crate) fn redact_url(url: &url::Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nova_fault() {
        let f = parse_fault(
            r#"{"itemNotFound": {"code": 404, "message": "Instance abc could not be found."}}"#,
            None,
        );
        assert_eq!(f.code.as_deref(), Some("itemNotFound"));
        assert_eq!(
            f.message.as_deref(),
            Some("Instance abc could not be found.")
        );
    }

    #[test]
    fn neutron_fault() {
        let f = parse_fault(
            r#"{"NeutronError": {"type": "NetworkNotFound", "message": "Network x could not be found.", "detail": ""}}"#,
            Some("application/json"),
        );
        assert_eq!(f.code.as_deref(), Some("NetworkNotFound"));
        assert_eq!(f.message.as_deref(), Some("Network x could not be found."));
        assert_eq!(f.detail, None);
    }

    #[test]
    fn keystone_fault() {
        let f = parse_fault(
            r#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#,
            None,
        );
        assert_eq!(f.code.as_deref(), Some("Unauthorized"));
        assert_eq!(
            f.message.as_deref(),
            Some("The request you have made requires authentication.")
        );
    }

    #[test]
    fn html_page() {
        let f = parse_fault(
            "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>",
            Some("text/html"),
        );
        assert_eq!(f.message.as_deref(), Some("502 Bad Gateway"));
    }

    #[test]
    fn plain_and_empty() {
        assert_eq!(
            parse_fault("  Service   Unavailable \n", None)
                .message
                .as_deref(),
            Some("Service Unavailable")
        );
        assert_eq!(parse_fault("", None), Fault::default());
    }

    #[test]
    fn snippet_is_bounded() {
        let long = "x".repeat(5000);
        assert_eq!(snippet(&long).chars().count(), SNIPPET_CHARS + 1);
    }

    #[test]
    fn webob_fault_with_html_is_one_line() {
        let f = parse_fault(
            r#"{"message": "The resource could not be found.<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}"#,
            Some("application/json"),
        );
        assert_eq!(f.code.as_deref(), Some("Not Found"));
        assert_eq!(
            f.message.as_deref(),
            Some("The resource could not be found.")
        );
    }

    #[test]
    fn redacts_userinfo_even_in_unparseable_urls() {
        assert_eq!(
            redact_userinfo("http://admin:pw@host:5000/v3"),
            "http://[REDACTED]@host:5000/v3"
        );
        assert_eq!(
            redact_userinfo("http://admin:p@ss@host/"),
            "http://[REDACTED]@host/"
        );
        assert_eq!(redact_userinfo("http://host/a@b"), "http://host/a@b");
        assert_eq!(redact_userinfo("not a url"), "not a url");
    }

    #[test]
    fn redacts_url() {
        let u = url::Url::parse("https://user:pw@host/v2.1/servers?name=a#f").unwrap();
        assert_eq!(redact_url(&u), "https://host/v2.1/servers");
    }
}
