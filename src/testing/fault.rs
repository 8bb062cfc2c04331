//! Fault injection: make the next requests fail with a chosen status.

use std::time::Duration;

/// A failure to answer instead of the real response, for the next `times` matching requests.
///
/// The body is shaped like the service's own faults (Nova `{"serviceUnavailable": {...}}`,
/// Neutron `{"NeutronError": {...}}`, Keystone `{"error": {...}}`), and the response carries the
/// usual request id headers. Faults are matched in the order they were injected.
///
/// ```
/// use std::time::Duration;
/// use stackclient::testing::InjectedFault;
///
/// // The next two compute requests answer 503 with `Retry-After: 1`.
/// let fault = InjectedFault::new(503)
///     .times(2)
///     .path_prefix("/compute/")
///     .retry_after(Duration::from_secs(1));
/// # let _ = fault;
/// ```
#[derive(Clone, Debug)]
pub struct InjectedFault {
    pub(crate) status: u16,
    pub(crate) remaining: usize,
    pub(crate) path_prefix: Option<String>,
    pub(crate) retry_after: Option<Duration>,
}

impl InjectedFault {
    /// Fails the next request (any path) with the HTTP `status` (e.g. 500, 503, 429).
    pub fn new(status: u16) -> Self {
        InjectedFault {
            status,
            remaining: 1,
            path_prefix: None,
            retry_after: None,
        }
    }

    /// Fails this many requests instead of one.
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = n;
        self
    }

    /// Only requests whose path starts with `prefix` (e.g. `/compute/`, `/identity/v3/auth/tokens`)
    /// match; others pass through untouched.
    pub fn path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = Some(prefix.into());
        self
    }

    /// Adds a `Retry-After` header, in whole seconds (sub-second parts are dropped).
    pub fn retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    pub(crate) fn matches(&self, path: &str) -> bool {
        self.remaining > 0
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
    }
}
