//! Waiters: poll a resource until it reaches a state, with exponential backoff and jitter.
//!
//! Waiters are futures: drop one (or wrap it in `tokio::time::timeout`, or `select!` it against a
//! cancellation signal) to cancel it; nothing keeps running.

use std::future::Future;
use std::time::{Duration, Instant};

use backon::BackoffBuilder;

use crate::error::Error;

/// How a waiter polls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long: [`Error::WaitTimeout`] (default 600 s).
    pub timeout: Duration,
    /// First pause between polls (default 1 s); grows ×1.5 per poll with jitter.
    pub initial_interval: Duration,
    /// Longest pause between polls (default 10 s).
    pub max_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(600),
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
        }
    }
}

impl WaitOptions {
    /// Sets [`WaitOptions::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets [`WaitOptions::initial_interval`] and [`WaitOptions::max_interval`].
    pub fn interval(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }
}

/// What one poll saw.
pub(crate) enum Poll<T> {
    /// The wanted state: stop with this value.
    Done(T),
    /// Not yet; the status seen.
    Pending(String),
}

/// Polls `check` until it is done, fails, or `opts.timeout` passes.
pub(crate) async fn poll_until<T, F, Fut>(
    opts: WaitOptions,
    resource: &'static str,
    id: &str,
    wanted: &str,
    mut check: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, Error>>,
{
    let started = Instant::now();
    let mut delays = backon::ExponentialBuilder::default()
        .with_min_delay(opts.initial_interval)
        .with_max_delay(opts.max_interval)
        .with_factor(1.5)
        .with_jitter()
        .without_max_times()
        .build();
    loop {
        let last = match check().await? {
            Poll::Done(v) => return Ok(v),
            Poll::Pending(status) => status,
        };
        let elapsed = started.elapsed();
        if elapsed >= opts.timeout {
            return Err(Error::WaitTimeout {
                resource,
                id: id.to_string(),
                wanted: wanted.to_string(),
                last_status: last,
                waited: elapsed,
            });
        }
        let pause = delays
            .next()
            .unwrap_or(opts.max_interval)
            .min(opts.max_interval);
        tokio::time::sleep(pause.min(opts.timeout - elapsed)).await;
    }
}
