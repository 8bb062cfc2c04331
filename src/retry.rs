//! Retry policy for idempotent requests.
//!
//! Only `GET`, `HEAD`, `PUT` and `DELETE` are retried (never a `POST` or `PATCH`, which may have reached
//! the server), on connect errors and on `429`, `502`, `503`, `504`. The wait before the next attempt is
//! the answer's `Retry-After` (seconds or HTTP-date, capped at [`RetryPolicy::max_retry_after`]), else an
//! exponential backoff with full jitter. Attempts and total time are bounded.

use std::time::{Duration, SystemTime};

use backon::BackoffBuilder;

/// How failed idempotent requests are retried; set with
/// [`ClientOptions::retry`](crate::ClientOptions::retry).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use stackclient::testing::{FakeCloud, InjectedFault};
/// use stackclient::{Client, RetryPolicy};
///
/// let fake = FakeCloud::start().await?;
/// let policy = RetryPolicy::default()
///     .max_attempts(3)
///     .backoff(Duration::from_millis(10), Duration::from_millis(50));
/// let client = Client::new(fake.options().retry(policy))?;
/// client.authenticate().await?;
///
/// // Two 503s, then an answer: the GET succeeds on its third attempt.
/// fake.inject_fault(InjectedFault::new(503).path_prefix("/compute/v2.1/flavors").times(2));
/// assert_eq!(client.compute().flavors().list().all().await?.len(), 3);
///
/// // Three 503s exhaust the three attempts: the last answer is the error.
/// fake.inject_fault(InjectedFault::new(503).path_prefix("/compute/v2.1/flavors").times(3));
/// let err = client.compute().flavors().list().all().await.unwrap_err();
/// assert_eq!(err.status(), Some(503));
/// assert_eq!(err.as_api().map(|a| a.attempts), Some(3));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 4; 1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the first retry, before jitter (default 0.5 s); doubles per retry.
    pub initial_backoff: Duration,
    /// Cap of one backoff (default 10 s).
    pub max_backoff: Duration,
    /// Cap applied to a `Retry-After` the server sends (default 60 s).
    pub max_retry_after: Duration,
    /// No retry starts once this much time has passed since the first attempt (default 120 s).
    pub total_deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            total_deadline: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets [`RetryPolicy::max_attempts`] (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets [`RetryPolicy::initial_backoff`] and [`RetryPolicy::max_backoff`].
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets [`RetryPolicy::max_retry_after`].
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// Sets [`RetryPolicy::total_deadline`].
    pub fn total_deadline(mut self, deadline: Duration) -> Self {
        self.total_deadline = deadline;
        self
    }

    /// The backoff ceilings, one per retry: `initial * 2^n` capped at `max_backoff`.
    pub(crate) fn ceilings(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_factor(2.0)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .build()
    }
}

/// Full jitter: a uniformly random wait in `[0, ceiling]`.
pub(crate) fn full_jitter(ceiling: Duration) -> Duration {
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(fastrand::u64(0..=nanos))
}

/// `true` for the methods that may be retried.
pub(crate) fn idempotent(method: &crate::Method) -> bool {
    matches!(
        method,
        crate::Method::Get | crate::Method::Head | crate::Method::Put | crate::Method::Delete
    )
}

/// `true` for the statuses that are retried.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Parses `Retry-After`: delta-seconds or an HTTP-date (relative to `now`), capped at `cap`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime, cap: Duration) -> Option<Duration> {
    let v = value.trim();
    let wait = if let Ok(secs) = v.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let when = httpdate::parse_http_date(v).ok()?;
        when.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let cap = Duration::from_secs(60);
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after("3", now, cap),
            Some(Duration::from_secs(3))
        );
        assert_eq!(parse_retry_after("3600", now, cap), Some(cap));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now, cap),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now, cap),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now, cap), None);
    }

    #[test]
    fn ceilings_double_and_cap() {
        let p = RetryPolicy::default()
            .max_attempts(6)
            .backoff(Duration::from_millis(100), Duration::from_millis(500));
        // backon multiplies in floating point: compare whole milliseconds.
        let c: Vec<u128> = p.ceilings().map(|d| d.as_millis()).collect();
        assert_eq!(c, [100, 200, 400, 500, 500]);
        assert_eq!(RetryPolicy::none().ceilings().count(), 0);
        for _ in 0..100 {
            assert!(full_jitter(Duration::from_millis(10)) <= Duration::from_millis(10));
        }
    }

    #[test]
    fn only_idempotent_methods() {
        use crate::Method::*;
        assert!(idempotent(&Get) && idempotent(&Head) && idempotent(&Put) && idempotent(&Delete));
        assert!(!idempotent(&Post) && !idempotent(&Patch));
        assert!(retryable_status(503) && retryable_status(429) && !retryable_status(500));
    }
}
