//! Waiters: poll a resource until it reaches a state, with exponential backoff and jitter.
//!
//! Waiters are futures: drop one (or wrap it in `tokio::time::timeout`, or `select!` it against a
//! cancellation signal) to cancel it; nothing keeps running.

use std::future::Future;
use std::time::{Duration, Instant};

use backon::BackoffBuilder;

use crate::error::Error;

/// How a waiter polls.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::builder().build_delay(std::time::Duration::from_millis(100)).start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use std::time::Duration;
/// use stackclient::WaitOptions;
/// use stackclient::compute::ServerStatus;
/// let servers = client.compute().servers();
/// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
/// # let created = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(image).network(&net)).await?;
/// // A server that builds in about 100 ms: poll every 20 ms at first, at most every 200 ms.
/// let opts = WaitOptions::default()
///     .timeout(Duration::from_secs(30))
///     .interval(Duration::from_millis(20), Duration::from_millis(200));
/// let server = servers.wait_for_status_with(&created.id, ServerStatus::Active, opts).await?;
/// assert_eq!(server.status, ServerStatus::Active);
/// # Ok(()) }
/// ```
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
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(std::time::Duration::from_millis(100)).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use std::time::Duration;
    /// use stackclient::{Error, WaitOptions};
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// # let created = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(image).network(&net)).await?;
    /// // Builds take 100 ms here: 10 ms is not enough.
    /// let opts = WaitOptions::default().timeout(Duration::from_millis(10)).interval(Duration::from_millis(5), Duration::from_millis(5));
    /// match servers.wait_for_status_with(&created.id, ServerStatus::Active, opts).await {
    ///     Err(Error::WaitTimeout { wanted, last_status, .. }) => {
    ///         assert_eq!(wanted, "ACTIVE");
    ///         assert!(last_status.starts_with("BUILD"), "{last_status}"); // with the task, e.g. `BUILD (spawning)`
    ///     }
    ///     other => panic!("expected a timeout, got {other:?}"),
    /// }
    /// # Ok(()) }
    /// ```
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
