//! One error type for the whole crate, split by phase so callers know whether a retry is safe:
//! never sent ([`Error::Config`], [`Error::InvalidInput`], [`Error::EndpointNotFound`],
//! [`Error::MicroversionUnsupported`]), not answered ([`Error::Transport`], [`Error::Timeout`]),
//! answered with a failure ([`Error::Api`], [`Error::Auth`], and after a `401` and one
//! re-authentication [`Error::ReauthRefused`], [`Error::ReauthFailed`]), answered with something
//! unreadable ([`Error::Decode`]) or inconsistent ([`Error::PaginationLoop`]), or a waiter that gave up
//! ([`Error::WaitTimeout`], [`Error::WaitFailed`]).
//!
//! `Display` is one line and never repeats its `source()`; no variant ever holds a secret.
//!
//! # Size limits
//! Every piece of text copied from a response body into an error is capped, so a service that answers
//! with a 200 KB fault or HTML page cannot make an error (or a log line) 200 KB long: a fault's kind
//! ([`ApiError::code`]) at [`MAX_CODE_CHARS`] characters; a message, a detail, a body snippet, a
//! Keystone message, a decoding message and a waiter's fault at [`MAX_MESSAGE_CHARS`] characters each; a
//! JSON path at [`MAX_PATH_CHARS`]. A cut piece is cut on a character boundary and ends in `…`
//! (so it is at most one character longer than its cap). `Display` applies the same caps, so even an
//! error built by hand stays short.

use std::fmt;
use std::time::Duration;

/// Cap, in characters, of a message copied from a response (fault message and detail, body snippet,
/// Keystone message, decoding message, waiter fault). A longer one is cut and ends in `…`.
pub const MAX_MESSAGE_CHARS: usize = 512;

/// Cap, in characters, of a fault's kind copied from a response ([`ApiError::code`], e.g.
/// `itemNotFound`). A longer one is cut and ends in `…`.
pub const MAX_CODE_CHARS: usize = 128;

/// Cap, in characters, of the JSON path in [`Error::Decode`] (object keys come from the body). A longer
/// one is cut and ends in `…`.
pub const MAX_PATH_CHARS: usize = 256;

/// `text` cut to at most `max` characters (on a character boundary), with `…` appended when cut.
pub(crate) fn cap(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => {
            let mut out = String::with_capacity(end + '…'.len_utf8());
            out.push_str(&text[..end]);
            out.push('…');
            out
        }
    }
}

/// Displays at most `.1` characters of `.0`, then `…` if there was more (no allocation).
struct Capped<'a>(&'a str, usize);

impl fmt::Display for Capped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(self.1) {
            None => f.write_str(self.0),
            Some((end, _)) => {
                f.write_str(&self.0[..end])?;
                f.write_str("…")
            }
        }
    }
}

fn msg(text: &str) -> Capped<'_> {
    Capped(text, MAX_MESSAGE_CHARS)
}

/// A shared error source (kept opaque: the HTTP library's types are not part of the public API).
pub type SourceError = std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>;

/// The crate's error.
///
/// A service's refusal is [`Error::Api`], with the status, the fault's code and message as the
/// service sent them, and the request id to quote to the cloud's operators:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// let missing = "8a7e2b0c-1d3f-4e5a-9b6c-7d8e9f0a1b2c";
/// let err = client.compute().servers().get(missing).await.unwrap_err();
/// assert!(err.is_not_found());
/// assert_eq!(err.status(), Some(404));
/// assert!(err.request_id().is_some_and(|id| id.starts_with("req-")));
/// let api = err.as_api().expect("an API error");
/// assert_eq!(api.code.as_deref(), Some("itemNotFound"));
/// assert_eq!(api.message, format!("Instance {missing} could not be found."));
/// assert!(!err.may_have_been_applied()); // a GET changes nothing
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is missing or malformed. The message names the sources tried and the key at fault.
    #[error("configuration error: {0}")]
    Config(String),

    /// Keystone refused to authenticate (or answered something that is not a token).
    #[error("authentication failed{} at {url}: {}", status.map(|s| format!(" ({s})")).unwrap_or_default(), Capped(message, 2 * MAX_MESSAGE_CHARS))]
    Auth {
        /// HTTP status from Keystone, if it answered.
        status: Option<u16>,
        /// The token URL tried (`…/v3/auth/tokens`), or the `auth_url` whose version document showed it
        /// is not Keystone; without credentials or query.
        url: String,
        /// Keystone's message (from `{"error": {"message"}}`, at most [`MAX_MESSAGE_CHARS`] characters)
        /// or a description, followed on a `401` by a hint naming the likely causes and the configured
        /// values used (never a secret); `Display` shows at most twice [`MAX_MESSAGE_CHARS`].
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

    /// The service catalog has no endpoint for this service type, interface and region; `reason` says
    /// why (no catalog at all, no such service, no such interface, no such region) and what the catalog
    /// has instead. Display, one line: `no endpoint for service "compute" (interface public, region R1):
    /// no public endpoint in region R1; the catalog's compute endpoints are in regions R2, R3
    /// (interfaces internal, public)`.
    #[error("no endpoint for service {service:?} (interface {interface}, region {}): {}", region.as_deref().unwrap_or("any"), reason.worded(service, interface, region.as_deref()))]
    #[non_exhaustive]
    EndpointNotFound {
        /// Service type asked for, e.g. `compute`.
        service: String,
        /// Interface asked for, e.g. `public`.
        interface: String,
        /// Region asked for, `None` for any.
        region: Option<String>,
        /// Why nothing matched, with what the catalog has (boxed to keep [`Error`] small).
        reason: Box<EndpointNotFoundReason>,
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

    /// The connection failed. [`Error::Transport::phase`] says how far the request got, and so
    /// whether it may have been applied ([`Error::may_have_been_applied`]); `Display` says it too.
    #[error("{method} {url}: {kind}; {} (after {attempts} attempt(s))", phase.consequence())]
    Transport {
        /// How far the request got.
        phase: TransportPhase,
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

    /// No connection or no whole answer within a timeout. `setting` names the option that sets it.
    #[error("{method} {url}: {} within {after:?} (set by {setting}) after {attempts} attempt(s)", if *connecting { "could not connect" } else { "no complete answer" })]
    Timeout {
        /// HTTP method.
        method: String,
        /// URL without credentials or query.
        url: String,
        /// Attempts made (retries included).
        attempts: u32,
        /// `true` when the connect timeout fired (nothing was sent); `false` for the per-attempt
        /// request timeout (the request may have been applied).
        connecting: bool,
        /// The timeout that fired.
        after: Duration,
        /// The option that sets it: `ClientOptions::timeout` or `ClientOptions::connect_timeout`.
        setting: &'static str,
    },

    /// The answer is larger than [`ClientOptions::max_response_bytes`](crate::ClientOptions); it was
    /// not read further (at most `limit` bytes were buffered).
    #[error("{method} {url}: the answer is larger than {limit} bytes{} (raise ClientOptions::max_response_bytes)", declared.map(|d| format!(" (Content-Length {d})")).unwrap_or_default())]
    ResponseTooLarge {
        /// HTTP method.
        method: String,
        /// URL without credentials or query.
        url: String,
        /// The limit in bytes.
        limit: u64,
        /// The answer's `Content-Length`, when it announced one.
        declared: Option<u64>,
    },

    /// The answer could not be decoded into the expected type.
    #[error(
        "{method} {url}: cannot decode response at `{}`: {}",
        Capped(path, MAX_PATH_CHARS),
        msg(message)
    )]
    Decode {
        /// HTTP method.
        method: String,
        /// URL without credentials or query.
        url: String,
        /// JSON path of the bad field, e.g. `servers[3].status` (`.` for the whole body), at most
        /// [`MAX_PATH_CHARS`] characters.
        path: String,
        /// What was wrong there, at most [`MAX_MESSAGE_CHARS`] characters.
        message: String,
    },

    /// Paging looped: a page's next link leads back to a marker already followed (or the caller's own
    /// `marker`), or a page held only items already listed. The stream ([`crate::List::into_stream`])
    /// has yielded every new item, none twice, and ends with this error; pages after the loop could not
    /// be reached, so the listing may be incomplete.
    #[error(
        "{method} {url}: paging loops back to items already listed (at marker {}) after {pages} page(s) and {items} item(s); stopped without repeating any",
        Capped(marker, MAX_CODE_CHARS)
    )]
    #[non_exhaustive]
    PaginationLoop {
        /// HTTP method (`GET`).
        method: String,
        /// URL of the list, without credentials or query.
        url: String,
        /// The next marker that led back (else the marker whose page held only items already listed),
        /// at most [`MAX_CODE_CHARS`] characters.
        marker: String,
        /// Pages fetched, the looping one included.
        pages: u32,
        /// Items yielded (all distinct).
        items: u64,
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
    #[error("{resource} {id} went to {status}{}", fault.as_ref().map(|f| format!(": {}", msg(f))).unwrap_or_default())]
    WaitFailed {
        /// Resource kind, e.g. `server`.
        resource: &'static str,
        /// Resource id.
        id: String,
        /// The failed status, e.g. `ERROR`.
        status: String,
        /// The fault as reported by the service, e.g. `500 No valid host was found.`, one line, at most
        /// [`MAX_MESSAGE_CHARS`] characters.
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

    /// `true` for a 412 answer: an `If-Match: revision_number=N` precondition failed because the
    /// resource changed since revision `N` was read (Neutron). Read it again and retry, or use
    /// [`Api::modify`](crate::Api::modify), which does.
    pub fn is_precondition_failed(&self) -> bool {
        self.status() == Some(412)
    }

    /// `true` for a 409 answer.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// `true` for a timeout (connect or per attempt).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// `true` when the request may have reached the service and been applied although no success was
    /// seen: the connection failed after the request was sent ([`TransportPhase::NoAnswer`]), the
    /// answer could not be read or was too large, the per-attempt timeout fired, a gateway answered
    /// `502`/`504` on the service's behalf, or the answer could not be decoded. Before retrying a
    /// `POST` after such an error, look whether it took effect (e.g. list servers by name).
    ///
    /// `false` when nothing was sent (connect failure or timeout, local errors) or the service itself
    /// answered with an error.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::Transport { phase, .. } => *phase != TransportPhase::NotSent,
            Error::Timeout { connecting, .. } => !connecting,
            Error::ResponseTooLarge { .. } | Error::Decode { .. } => true,
            Error::Api(e) => matches!(e.status, 502 | 504),
            _ => false,
        }
    }

    /// `true` for [`Error::PaginationLoop`]: the service's paging looped, the listing may be incomplete.
    pub fn is_pagination_loop(&self) -> bool {
        matches!(self, Error::PaginationLoop { .. })
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

/// Why [`Error::EndpointNotFound`] found nothing, with what the catalog has instead. The lists are
/// sorted and without duplicates; names longer than [`MAX_CODE_CHARS`] are cut, and `Display` shows at
/// most [`MAX_LISTED`] names of a list (then `and N more`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointNotFoundReason {
    /// The token has no service catalog: an unscoped token, or a token whose catalog is empty.
    NoCatalog,
    /// The catalog has no service of the type asked for (nor of its official aliases).
    NoService {
        /// The service types the catalog has, e.g. `["compute", "identity", "network"]`.
        service_types: Vec<String>,
    },
    /// The service is in the catalog but none of its endpoints has the interface asked for (in any
    /// region).
    NoInterface {
        /// The interfaces the service's endpoints have, e.g. `["admin", "internal"]`.
        interfaces: Vec<String>,
        /// The regions the service's endpoints are in, e.g. `["RegionOne"]`.
        regions: Vec<String>,
    },
    /// The service has endpoints with the interface asked for, but none in the region asked for.
    NoRegion {
        /// The interfaces the service's endpoints have, e.g. `["internal", "public"]`.
        interfaces: Vec<String>,
        /// The regions the service's endpoints are in, e.g. `["R2", "R3"]`.
        regions: Vec<String>,
    },
}

/// How many names of a list [`EndpointNotFoundReason`]'s `Display` shows.
pub const MAX_LISTED: usize = 30;

/// `a, b, c`, at most [`MAX_LISTED`] of them, `none` for none.
struct Listed<'a>(&'a [String]);

impl fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (n, name) in self.0.iter().take(MAX_LISTED).enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Capped(name, MAX_CODE_CHARS))?;
        }
        if self.0.len() > MAX_LISTED {
            write!(f, " and {} more", self.0.len() - MAX_LISTED)?;
        }
        Ok(())
    }
}

/// What was asked for, to word an [`EndpointNotFoundReason`].
struct Asked<'a> {
    service: &'a str,
    interface: &'a str,
    region: Option<&'a str>,
}

/// An [`EndpointNotFoundReason`] worded with what was asked for.
pub(crate) struct ReasonFor<'a>(&'a EndpointNotFoundReason, Option<Asked<'a>>);

impl EndpointNotFoundReason {
    pub(crate) fn worded<'a>(
        &'a self,
        service: &'a str,
        interface: &'a str,
        region: Option<&'a str>,
    ) -> ReasonFor<'a> {
        ReasonFor(
            self,
            Some(Asked {
                service,
                interface,
                region,
            }),
        )
    }
}

impl fmt::Display for ReasonFor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whose = match &self.1 {
            Some(a) => format!("the catalog's {} endpoints", a.service),
            None => "the service's endpoints".to_string(),
        };
        let interface = self.1.as_ref().map_or("matching", |a| a.interface);
        let region = self.1.as_ref().and_then(|a| a.region);
        match self.0 {
            EndpointNotFoundReason::NoCatalog => f.write_str(
                "the token has no service catalog (an unscoped token, or an empty catalog)",
            ),
            EndpointNotFoundReason::NoService { service_types } => {
                match &self.1 {
                    Some(a) => write!(f, "the catalog has no {} service", a.service)?,
                    None => f.write_str("the catalog has no such service")?,
                }
                write!(f, " (it has: {})", Listed(service_types))
            }
            EndpointNotFoundReason::NoInterface {
                interfaces,
                regions,
            } => {
                write!(f, "no {interface} endpoint")?;
                if let Some(r) = region {
                    write!(f, " in region {r}")?;
                }
                write!(
                    f,
                    "; {whose} have interfaces {} (regions {})",
                    Listed(interfaces),
                    Listed(regions)
                )
            }
            EndpointNotFoundReason::NoRegion {
                interfaces,
                regions,
            } => {
                write!(f, "no {interface} endpoint")?;
                match region {
                    Some(r) => write!(f, " in region {r}")?,
                    None => f.write_str(" in that region")?,
                }
                write!(
                    f,
                    "; {whose} are in regions {} (interfaces {})",
                    Listed(regions),
                    Listed(interfaces)
                )
            }
        }
    }
}

/// The reason alone, worded without the service asked for (e.g. `the catalog has no such service
/// (it has: compute, identity)`); [`Error::EndpointNotFound`]'s Display names it.
impl fmt::Display for EndpointNotFoundReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ReasonFor(self, None).fmt(f)
    }
}

/// How far a request got before its connection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportPhase {
    /// Nothing of the request reached the service: the connection could not be made (DNS, refused,
    /// TLS) or it closed before the request was written. Sending it again is safe.
    NotSent,
    /// The request was sent (at least partly) and no answer came: the service may have applied it.
    NoAnswer,
    /// An answer began but could not be read to its end: the service most likely applied the request.
    AnswerUnreadable,
}

impl TransportPhase {
    fn consequence(self) -> &'static str {
        match self {
            TransportPhase::NotSent => "the request was not sent",
            TransportPhase::NoAnswer => "the request was sent and may have been applied",
            TransportPhase::AnswerUnreadable => {
                "the service answered, so the request may have been applied"
            }
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
    /// Keystone's `title`. At most [`MAX_CODE_CHARS`] characters.
    pub code: Option<String>,
    /// The fault's message, or a short description of the body when it had none. One line, HTML tags
    /// removed, at most [`MAX_MESSAGE_CHARS`] characters.
    pub message: String,
    /// Neutron's `detail`, when not empty. One line, at most [`MAX_MESSAGE_CHARS`] characters.
    pub detail: Option<String>,
    /// The first [`MAX_MESSAGE_CHARS`] characters of the body, whitespace collapsed.
    pub body_snippet: String,
    /// Attempts made (retries included).
    pub attempts: u32,
    /// How long the service asked to wait before trying again (`Retry-After`, seconds or HTTP-date),
    /// uncapped, as it said it; kept whether or not retries are on.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// How long the service asked to wait before trying again (its `Retry-After`), when it said so.
    /// A `429` or `503` whose wait was longer than [`RetryPolicy::max_retry_after`](crate::RetryPolicy)
    /// or the remaining deadline is returned at once with this hint, so that callers can schedule.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.method, self.url, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {}", Capped(code, MAX_CODE_CHARS))?;
        }
        write!(f, ": {}", msg(&self.message))?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {} s)", wait.as_secs())?;
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

const SNIPPET_CHARS: usize = MAX_MESSAGE_CHARS;

/// Collapses whitespace and cuts to [`SNIPPET_CHARS`] characters (then `…`), reading no further than
/// needed.
pub(crate) fn snippet(body: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    for (n, word) in body.split_whitespace().enumerate() {
        if n > 0 {
            if count == SNIPPET_CHARS {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count == SNIPPET_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
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
        fault.code = fault.code.map(|c| cap(c.trim(), MAX_CODE_CHARS));
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

/// A fault text as a waiter reports it: one line, real HTML tags removed, at most
/// [`MAX_MESSAGE_CHARS`] characters.
pub(crate) fn fault_line(text: &str) -> String {
    one_line(text)
}

/// HTML tags stripped (only real ones: see [`strip_tags`]), whitespace collapsed, length capped.
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

/// Element names that count as HTML when they appear as tags in a fault message or an error page.
/// Anything else in angle brackets (Nova's `<class 'AttributeError'>`, `<none>`, `a < b > c`) is text.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "article",
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "img",
    "input",
    "label",
    "li",
    "link",
    "main",
    "meta",
    "nav",
    "ol",
    "p",
    "pre",
    "s",
    "section",
    "small",
    "span",
    "strong",
    "style",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "title",
    "tr",
    "tt",
    "u",
    "ul",
];

/// The length in bytes of the HTML tag at the start of `s` (which starts with `<`), if it is one: a
/// known element ([`HTML_TAGS`], any case) opened or closed (`<p>`, `</p>`, `<br />`,
/// `<a href="…">`), a comment (`<!-- … -->`) or a `<!DOCTYPE …>`.
fn html_tag_len(s: &str) -> Option<usize> {
    if let Some(rest) = s.strip_prefix("<!--") {
        return rest.find("-->").map(|end| 4 + end + 3);
    }
    let lower_start = s.get(..9).map(str::to_ascii_lowercase);
    if lower_start.as_deref() == Some("<!doctype") {
        return s.find('>').map(|end| end + 1);
    }
    let rest = s.strip_prefix('<')?;
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = rest[..name_len].to_ascii_lowercase();
    if !HTML_TAGS.contains(&name.as_str()) {
        return None;
    }
    let after = &rest[name_len..];
    if !(after.starts_with('>') || after.starts_with('/') || after.starts_with(char::is_whitespace))
    {
        return None;
    }
    // The tag ends at the first `>`; a `<` before it means this was not a tag after all.
    let close = after.find(['>', '<'])?;
    if after[close..].starts_with('<') {
        return None;
    }
    Some(s.len() - after.len() + close + 1)
}

/// Replaces real HTML tags (see [`html_tag_len`]) with a space; every other character, angle brackets
/// included, is kept.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        match html_tag_len(rest) {
            Some(len) => {
                out.push(' ');
                rest = &rest[len..];
            }
            None => {
                out.push('<');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
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
    fn cap_cuts_on_a_char_boundary() {
        assert_eq!(cap("héllo", 2), "hé…");
        assert_eq!(cap("héllo", 5), "héllo");
        assert_eq!(cap("", 0), "");
        assert_eq!(Capped("日本語", 1).to_string(), "日…");
    }

    #[test]
    fn only_known_tags_are_stripped() {
        assert_eq!(
            strip_tags("a<br />b</P><class 'X'><!-- c -->"),
            "a b <class 'X'> "
        );
        assert_eq!(strip_tags("<p <br>"), "<p  ");
        assert_eq!(strip_tags("<"), "<");
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
