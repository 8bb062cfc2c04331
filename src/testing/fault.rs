//! Fault injection: make the next matching requests fail, wait, or lose their connection.

use std::time::Duration;

use super::server::Service;

/// What an [`InjectedFault`] does to a request it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FaultKind {
    /// Answer this status with a service-shaped fault body instead of the real answer.
    Status(u16),
    /// Close the connection without answering (the request is not handled).
    Reset,
    /// Handle the request normally (after the fault's wait).
    Pass,
}

/// A failure to serve instead of the real response, for the next `times` matching requests.
///
/// Made by one of the constructors, which say what happens:
///
/// | constructor | the matching request gets |
/// | --- | --- |
/// | [`new(status)`](Self::new) | `status` with a fault body shaped like the service's own (Nova `{"serviceUnavailable": {"code", "message"}}`, Neutron `{"NeutronError": {"type", "message", "detail"}}`, Keystone `{"error": {"code", "title", "message"}}`, Glance's webob body) |
/// | [`rate_limit(retry_after)`](Self::rate_limit) | `429` with `Retry-After` in whole seconds (Nova's `overLimit` body also carries `retryAfter`, as Nova's fault wrapper adds it) |
/// | [`delay(wait)`](Self::delay) | its real answer, `wait` later |
/// | [`reset()`](Self::reset) | no answer: the connection is closed after the request was read, so the client sees the server hang up (nothing is changed in the fake's state) |
///
/// and narrowed by the rest: [`on_compute`](Self::on_compute) (or `on_identity`, `on_network`,
/// `on_image`) for one service, [`path_prefix`](Self::path_prefix), [`method`](Self::method) and
/// [`times`](Self::times) (default 1). [`wait`](Self::wait) delays a status, rate limit or reset
/// too. Queue one with [`FakeCloud::inject_fault`](super::FakeCloud::inject_fault); faults are
/// matched in the order they were injected, each request takes at most one, and a fault is gone
/// once used up. The answer still carries the usual request id headers, and the request is
/// recorded ([`RequestRecord::injected`](super::RequestRecord::injected)); status `0` there
/// means the connection was reset.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use stackclient::testing::{FakeCloud, InjectedFault};
///
/// let fake = FakeCloud::start().await?;
/// // The next two flavor requests answer 503 with `Retry-After: 0` (the SDK retries GETs).
/// fake.inject_fault(
///     InjectedFault::new(503)
///         .path_prefix("/compute/v2.1/flavors")
///         .times(2)
///         .retry_after(Duration::ZERO),
/// );
/// // The first server create answers 20 ms late.
/// fake.inject_fault(
///     InjectedFault::delay(Duration::from_millis(20))
///         .on_compute()
///         .method("POST")
///         .path_prefix("/compute/v2.1/servers"),
/// );
///
/// let client = fake.client()?;
/// let flavors = client.compute().flavors().list().all().await?; // two 503s, then 200
/// assert_eq!(flavors.len(), 3);
/// let statuses: Vec<u16> = fake
///     .requests()
///     .iter()
///     .filter(|r| r.path.starts_with("/compute/v2.1/flavors"))
///     .map(|r| r.status)
///     .collect();
/// assert_eq!(statuses, [503, 503, 200]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct InjectedFault {
    pub(crate) kind: FaultKind,
    pub(crate) remaining: usize,
    pub(crate) service: Option<Service>,
    pub(crate) path_prefix: Option<String>,
    pub(crate) method: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) wait: Duration,
}

impl InjectedFault {
    fn with_kind(kind: FaultKind) -> Self {
        InjectedFault {
            kind,
            remaining: 1,
            service: None,
            path_prefix: None,
            method: None,
            retry_after: None,
            wait: Duration::ZERO,
        }
    }

    /// Fails the next request (any path) with the HTTP `status` (e.g. 500, 503, 409) and a fault
    /// body shaped like the service's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::{FakeCloud, InjectedFault};
    ///
    /// let fake = FakeCloud::start().await?;
    /// let client = fake.client()?;
    /// client.authenticate().await?;
    /// fake.inject_fault(InjectedFault::new(409).on_network().method("POST"));
    /// let err = client
    ///     .network()
    ///     .networks()
    ///     .create(&stackclient::network::CreateNetwork::new().name("n1"))
    ///     .await
    ///     .unwrap_err();
    /// assert_eq!(err.status(), Some(409));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// When `status` is not an HTTP status code (100–599): a test that asks for one has its
    /// arguments mixed up (see [`FakeCloud::fail_next`](super::FakeCloud::fail_next)`(n, status)`).
    pub fn new(status: u16) -> Self {
        assert!(
            (100..=599).contains(&status),
            "InjectedFault::new({status}): not an HTTP status code (100-599)"
        );
        InjectedFault::with_kind(FaultKind::Status(status))
    }

    /// Answers `429 Too Many Requests` with `Retry-After: <whole seconds of retry_after>`, as an
    /// API gateway or a rate-limiting middleware in front of the service would. Nova's body is
    /// `{"overLimit": {"code": 429, "message": "This request was rate-limited.", "retryAfter":
    /// "N"}}`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use stackclient::testing::{FakeCloud, InjectedFault};
    ///
    /// let fake = FakeCloud::start().await?;
    /// fake.inject_fault(
    ///     InjectedFault::rate_limit(Duration::from_secs(0)).path_prefix("/compute/v2.1/servers"),
    /// );
    /// let client = fake.client()?;
    /// // A GET is retried after the server's Retry-After.
    /// let servers = client.compute().servers().list().all().await?;
    /// assert!(servers.is_empty());
    /// let limited = fake.requests().into_iter().find(|r| r.status == 429).expect("limited");
    /// assert_eq!(limited.path, "/compute/v2.1/servers/detail");
    /// assert!(limited.injected);
    /// # Ok(())
    /// # }
    /// ```
    pub fn rate_limit(retry_after: Duration) -> Self {
        let mut fault = InjectedFault::with_kind(FaultKind::Status(429));
        fault.retry_after = Some(retry_after);
        fault
    }

    /// Serves the matching request normally, but only after `wait` (on Tokio's clock, so a test
    /// with paused time does not really wait). Use it to test timeouts.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use stackclient::testing::{FakeCloud, InjectedFault};
    /// use stackclient::{Client, Error};
    ///
    /// let fake = FakeCloud::start().await?;
    /// let client = Client::new(fake.options().timeout(Duration::from_millis(50)))?;
    /// client.authenticate().await?;
    /// fake.inject_fault(InjectedFault::delay(Duration::from_secs(5)).on_network().times(10));
    /// let err = client.network().networks().list().all().await.unwrap_err();
    /// assert!(matches!(err, Error::Timeout { .. }), "{err}");
    /// # Ok(())
    /// # }
    /// ```
    pub fn delay(wait: Duration) -> Self {
        InjectedFault::with_kind(FaultKind::Pass).wait(wait)
    }

    /// Closes the connection without answering, after reading the request (the fake does not
    /// handle it, so nothing changes). The client sees the server hang up mid-request, as when
    /// a proxy or a service worker dies.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::{FakeCloud, InjectedFault};
    ///
    /// let fake = FakeCloud::start().await?;
    /// let client = fake.client()?;
    /// client.authenticate().await?;
    /// fake.inject_fault(InjectedFault::reset().on_compute().method("POST"));
    /// let request = stackclient::compute::CreateServer::new("web-1", "1")
    ///     .image(FakeCloud::IMAGE_ID)
    ///     .networks_none();
    /// let err = client.compute().servers().create(&request).await.unwrap_err();
    /// assert!(err.may_have_been_applied(), "{err}"); // sent, no answer: a POST is not resent
    /// assert_eq!(fake.server_count(), 0);
    /// let reset = fake
    ///     .requests()
    ///     .into_iter()
    ///     .find(|r| r.method == "POST" && r.path == "/compute/v2.1/servers")
    ///     .expect("recorded");
    /// assert_eq!((reset.status, reset.injected), (0, true));
    /// # Ok(())
    /// # }
    /// ```
    pub fn reset() -> Self {
        InjectedFault::with_kind(FaultKind::Reset)
    }

    /// Applies to this many matching requests instead of one.
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = n;
        self
    }

    /// Only requests to Keystone (paths under `/identity`) match.
    pub fn on_identity(self) -> Self {
        self.service(Service::Identity)
    }

    /// Only requests to Nova (paths under `/compute`) match.
    pub fn on_compute(self) -> Self {
        self.service(Service::Compute)
    }

    /// Only requests to Neutron (paths under `/network`) match.
    pub fn on_network(self) -> Self {
        self.service(Service::Network)
    }

    /// Only requests to Glance (paths under `/image`) match.
    pub fn on_image(self) -> Self {
        self.service(Service::Image)
    }

    fn service(mut self, service: Service) -> Self {
        self.service = Some(service);
        self
    }

    /// Only requests whose path (as sent, without the query) starts with `prefix` match, e.g.
    /// `/compute/v2.1/servers`, `/network/v2.0/ports`, `/identity/v3/auth/tokens`; others pass
    /// through untouched.
    pub fn path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = Some(prefix.into());
        self
    }

    /// Only requests with this HTTP method (`GET`, `POST`, …; any case) match.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into().to_ascii_uppercase());
        self
    }

    /// Adds a `Retry-After` header to the fault's answer, in whole seconds (sub-second parts
    /// are dropped).
    pub fn retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// Waits this long (Tokio's clock) before answering or closing; added to
    /// [`delay`](Self::delay)'s wait.
    pub fn wait(mut self, wait: Duration) -> Self {
        self.wait = self.wait.saturating_add(wait);
        self
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.remaining > 0
            && self
                .service
                .is_none_or(|service| Service::of(path).0 == service)
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}
