//! The HTTP layer under the request pipeline: one connection pool per [`Client`](crate::Client)
//! (hyper-util's pool over [`connector::Connector`]), one attempt at a time.
//!
//! An attempt sends the request, follows same-origin redirects (at most 5), and reads the whole answer
//! under the per-attempt timeout and the size limit. Its failures are classified by phase
//! ([`AttemptError`]) so that the pipeline knows whether the request may have reached the service and
//! whether it may be sent again.

pub(crate) mod connector;
pub(crate) mod framing;
pub(crate) mod tls;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderMap, HeaderValue};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client as PoolClient;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::error::{Error, SourceError, TransportPhase};
use connector::{Closed, ClosedBy, ConnectTimeout, Connector};

/// Redirects followed per attempt (same origin only).
const MAX_REDIRECTS: usize = 5;

/// The settings of one pool, taken from [`ClientOptions`](crate::ClientOptions).
#[derive(Clone, Debug)]
pub(crate) struct HttpSettings {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub pool_max_idle_per_host: usize,
    pub pool_idle_timeout: Duration,
    pub user_agent: String,
    pub max_response_bytes: u64,
}

/// One connection pool and its settings.
pub(crate) struct Http {
    pool: PoolClient<Connector, Full<Bytes>>,
    user_agent: HeaderValue,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: u64,
}

/// An answer read whole.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why one attempt failed.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// Nothing of the request reached the server (connect failure, or the connection closed before the
    /// request was written).
    NotSent(&'static str, SourceError),
    /// The request was written on a *reused* connection, which then closed before any byte of the
    /// answer: the server most likely dropped an idle keep-alive connection as the request arrived.
    Stale(SourceError),
    /// The request was (at least partly) sent; no answer came.
    NoAnswer(&'static str, SourceError),
    /// The answer began but could not be read.
    Unreadable(SourceError),
    /// The connect timeout or the per-attempt timeout fired.
    Timeout { connecting: bool, after: Duration },
    /// The answer is larger than `max_response_bytes`.
    TooLarge { limit: u64, declared: Option<u64> },
}

impl AttemptError {
    /// The pipeline's error for this failure.
    pub(crate) fn into_error(self, method: &str, url: String, attempts: u32) -> Error {
        let transport = |phase, kind, source| Error::Transport {
            phase,
            kind,
            method: method.into(),
            url: url.clone(),
            attempts,
            source,
        };
        match self {
            AttemptError::NotSent(kind, s) => transport(TransportPhase::NotSent, kind, s),
            AttemptError::Stale(s) => transport(
                TransportPhase::NoAnswer,
                "the server closed a reused connection before answering",
                s,
            ),
            AttemptError::NoAnswer(kind, s) => transport(TransportPhase::NoAnswer, kind, s),
            AttemptError::Unreadable(s) => transport(
                TransportPhase::AnswerUnreadable,
                "the connection failed while the answer was read",
                s,
            ),
            AttemptError::Timeout { connecting, after } => Error::Timeout {
                method: method.into(),
                url,
                attempts,
                connecting,
                after,
                setting: if connecting {
                    "ClientOptions::connect_timeout"
                } else {
                    "ClientOptions::timeout"
                },
            },
            AttemptError::TooLarge { limit, declared } => Error::ResponseTooLarge {
                method: method.into(),
                url,
                limit,
                declared,
            },
        }
    }
}

impl Http {
    /// A new pool with `settings` and TLS configuration `tls`.
    pub(crate) fn new(
        settings: &HttpSettings,
        tls: tokio_rustls::rustls::ClientConfig,
    ) -> Result<Self, Error> {
        let connector = Connector::new(Arc::new(tls), settings.connect_timeout);
        let pool = PoolClient::builder(TokioExecutor::new())
            .pool_idle_timeout(settings.pool_idle_timeout)
            .pool_max_idle_per_host(settings.pool_max_idle_per_host)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(connector);
        let user_agent = HeaderValue::from_str(&settings.user_agent).map_err(|_| {
            Error::Config(format!(
                "user agent {:?} is not a valid header value",
                settings.user_agent
            ))
        })?;
        Ok(Http {
            pool,
            user_agent,
            timeout: settings.timeout,
            connect_timeout: settings.connect_timeout,
            max_response_bytes: settings.max_response_bytes,
        })
    }

    /// One attempt: send, follow same-origin redirects, read the whole answer, all within the
    /// per-attempt timeout.
    pub(crate) async fn attempt(
        &self,
        method: &http::Method,
        url: &url::Url,
        headers: &HeaderMap,
        body: Option<&Bytes>,
    ) -> Result<Answer, AttemptError> {
        match tokio::time::timeout(self.timeout, self.follow(method, url, headers, body)).await {
            Ok(result) => result,
            Err(_) => Err(AttemptError::Timeout {
                connecting: false,
                after: self.timeout,
            }),
        }
    }

    async fn follow(
        &self,
        method: &http::Method,
        url: &url::Url,
        headers: &HeaderMap,
        body: Option<&Bytes>,
    ) -> Result<Answer, AttemptError> {
        let mut method = method.clone();
        let mut url = std::borrow::Cow::Borrowed(url);
        let mut body = body.cloned();
        let mut hops = 0;
        loop {
            let answer = self.once(&method, &url, headers, body.clone()).await?;
            let location = match answer.status {
                301 | 302 | 303 | 307 | 308 if hops < MAX_REDIRECTS => answer
                    .headers
                    .get(http::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| url.join(l).ok()),
                _ => None,
            };
            // Only same-origin redirects are followed: the token must not go to another host.
            match location {
                Some(next) if next.origin() == url.origin() => {
                    if matches!(answer.status, 301..=303) && method != http::Method::HEAD {
                        method = http::Method::GET;
                        body = None;
                    }
                    tracing::debug!(status = answer.status, "following a same-origin redirect");
                    url = std::borrow::Cow::Owned(next);
                    hops += 1;
                }
                _ => return Ok(answer),
            }
        }
    }

    async fn once(
        &self,
        method: &http::Method,
        url: &url::Url,
        headers: &HeaderMap,
        body: Option<Bytes>,
    ) -> Result<Answer, AttemptError> {
        let uri: http::Uri = url
            .as_str()
            .parse()
            .map_err(|e| AttemptError::NotSent("the URL is not a valid request target", arc(e)))?;
        let mut request = http::Request::new(Full::new(body.unwrap_or_default()));
        *request.method_mut() = method.clone();
        *request.uri_mut() = uri;
        let h = request.headers_mut();
        h.reserve(headers.len() + 1);
        for (k, v) in headers {
            h.append(k, v.clone());
        }
        h.insert(http::header::USER_AGENT, self.user_agent.clone());
        let response = self
            .pool
            .request(request)
            .await
            .map_err(|e| classify(e, self.connect_timeout))?;
        let (parts, body) = response.into_parts();
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(n) = declared.filter(|&n| n > self.max_response_bytes) {
            return Err(AttemptError::TooLarge {
                limit: self.max_response_bytes,
                declared: Some(n),
            });
        }
        let limit = usize::try_from(self.max_response_bytes).unwrap_or(usize::MAX);
        let body = match Limited::new(body, limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                return Err(AttemptError::TooLarge {
                    limit: self.max_response_bytes,
                    declared,
                });
            }
            Err(e) => return Err(AttemptError::Unreadable(Arc::from(e))),
        };
        Ok(Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }
}

fn arc(e: impl std::error::Error + Send + Sync + 'static) -> SourceError {
    Arc::new(e)
}

/// Sorts a failed `request` into its phase, from the markers the connection left in the error chain.
fn classify(e: hyper_util::client::legacy::Error, connect_timeout: Duration) -> AttemptError {
    let mut closed = None;
    let mut timed_out = false;
    let mut canceled = false;
    let mut parse = false;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(c) = io.get_ref().and_then(|i| i.downcast_ref::<ClosedBy>()) {
                closed = Some(c.closed);
            }
        }
        if let Some(c) = err.downcast_ref::<ClosedBy>() {
            closed = Some(c.closed);
        }
        if err.is::<ConnectTimeout>() {
            timed_out = true;
        }
        if let Some(h) = err.downcast_ref::<hyper::Error>() {
            canceled |= h.is_canceled();
            parse |= h.is_parse() || h.is_parse_status();
        }
        cur = err.source();
    }
    if timed_out {
        return AttemptError::Timeout {
            connecting: true,
            after: connect_timeout,
        };
    }
    let connect = e.is_connect();
    let source = arc(e);
    match closed {
        _ if connect => AttemptError::NotSent("could not connect", source),
        Some(Closed::BeforeRequest { .. }) => AttemptError::NotSent(
            "the connection closed before the request was written",
            source,
        ),
        Some(Closed::BeforeAnswer { reused: true }) => AttemptError::Stale(source),
        Some(Closed::BeforeAnswer { reused: false }) => AttemptError::NoAnswer(
            "the connection closed after the request was sent, before any answer",
            source,
        ),
        None if parse => AttemptError::Unreadable(source),
        None if canceled => AttemptError::NotSent(
            "the connection closed before the request was written",
            source,
        ),
        None => AttemptError::NoAnswer(
            "the connection failed before the answer was complete",
            source,
        ),
    }
}
