//! The shared authentication state: one token, one service catalog and one endpoint cache for every
//! [`Client`](crate::Client) made from the same options.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::OnceCell;

use crate::auth::AuthInfo;
use crate::auth::token_cache::TokenCache;
use crate::catalog::Catalog;
use crate::clock::{Clock, SystemClock};
use crate::config::CloudConfig;
use crate::endpoint::EndpointInfo;

/// Default time before `expires_at` at which a token is replaced: 120 s.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(120);

/// Shared, cheap-to-clone authentication state: the [`CloudConfig`], one token cache and the resolved
/// endpoints. Cloning shares everything (an `Arc`). Building one does no I/O; the first request
/// authenticates.
///
/// A token is refreshed [`DEFAULT_REFRESH_MARGIN`] before it expires (at most half its lifetime), and a
/// `401` from any service causes exactly one re-authentication for all clients that saw it
/// (single-flight with a generation counter), with the original credentials and scope. A failed
/// re-authentication is not remembered: the next call tries again.
///
/// Expiry is judged on Keystone's clock: the session's [`Clock`] ([`SystemClock`] unless
/// [`Session::with_clock`] says otherwise) corrected by the offset measured when the token arrived
/// (Keystone's `Date` header, else the token's `issued_at`). A client clock hours ahead of Keystone's
/// therefore does not cause a login per call.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// use stackclient::{Client, ClientOptions, Session};
///
/// let session = Session::new(fake.config());
/// assert!(session.auth_info().is_none()); // no I/O until the first request
/// let opts = ClientOptions::new(session.clone());
/// // Each task its own client (its own connection pool), one token for all of them.
/// let tasks: Vec<_> = (0..4)
///     .map(|_| {
///         let client = Client::new(opts.clone()).expect("client");
///         tokio::spawn(async move { client.compute().flavors().list().all().await })
///     })
///     .collect();
/// for task in tasks {
///     assert_eq!(task.await.expect("task")?.len(), 3);
/// }
/// assert_eq!(session.auth_requests(), 1);
/// let info = session.auth_info().expect("authenticated");
/// assert_eq!(info.project_id.as_deref(), Some(fake.project_id()));
/// let catalog = session.catalog().expect("a service catalog");
/// assert!(catalog.services().iter().any(|s| s.service_type == "network"));
///
/// // After an invalidation the next request logs in again, once.
/// session.invalidate_token();
/// Client::new(opts)?.network().networks().list().all().await?;
/// assert_eq!(session.auth_requests(), 2);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Session {
    pub(crate) inner: Arc<SessionInner>,
}

pub(crate) struct SessionInner {
    pub config: CloudConfig,
    pub tokens: TokenCache,
    pub endpoints: std::sync::Mutex<HashMap<String, Arc<OnceCell<Arc<EndpointInfo>>>>>,
    pub auth_requests: AtomicU64,
    pub margin: Duration,
    pub clock: Arc<dyn Clock>,
    /// The token URL (`…/v3/auth/tokens`) that a login succeeded with: discovered once, then reused.
    pub token_url: std::sync::Mutex<Option<url::Url>>,
}

impl Session {
    /// A session for `config`, with no token yet.
    pub fn new(config: CloudConfig) -> Self {
        Self::build(config, DEFAULT_REFRESH_MARGIN, Arc::new(SystemClock))
    }

    fn build(config: CloudConfig, margin: Duration, clock: Arc<dyn Clock>) -> Self {
        Session {
            inner: Arc::new(SessionInner {
                config,
                tokens: TokenCache::new(margin, clock.clone()),
                endpoints: std::sync::Mutex::new(HashMap::new()),
                auth_requests: AtomicU64::new(0),
                margin,
                clock,
                token_url: std::sync::Mutex::new(None),
            }),
        }
    }

    /// The same configuration with another refresh margin (time before `expires_at` at which the token
    /// is replaced). Returns a new session: call it before sharing.
    pub fn with_refresh_margin(self, margin: Duration) -> Self {
        Self::build(self.inner.config.clone(), margin, self.inner.clock.clone())
    }

    /// The same configuration (and refresh margin) with another local clock, e.g. a
    /// [`ManualClock`](crate::ManualClock) so a test can move time past a token's expiry without
    /// sleeping. Returns a new session with an empty token cache: call it before sharing.
    ///
    /// ```
    /// use stackclient::{Auth, AuthMethod, CloudConfig, ManualClock, Scope, Session, UserRef};
    /// let cfg = CloudConfig::new(Auth::new(
    ///     "https://keystone.example.com/v3",
    ///     AuthMethod::Password { user: UserRef::Id("u".into()), password: "pw".to_string().into() },
    ///     Scope::Unscoped,
    /// ));
    /// let clock = ManualClock::new(chrono::Utc::now());
    /// let session = Session::new(cfg).with_clock(clock.clone());
    /// clock.advance(std::time::Duration::from_secs(3600)); // the session's tokens are an hour older
    /// # drop(session);
    /// ```
    pub fn with_clock(self, clock: impl Clock) -> Self {
        Self::build(
            self.inner.config.clone(),
            self.inner.margin,
            Arc::new(clock),
        )
    }

    /// Keystone's clock minus the session's clock, as measured when the cached token arrived
    /// (positive when Keystone is ahead); `None` before the first login. Informational: expiry is
    /// already judged on Keystone's clock.
    pub fn clock_offset(&self) -> Option<chrono::Duration> {
        self.inner.tokens.clock_offset()
    }

    /// The configuration.
    pub fn config(&self) -> &CloudConfig {
        &self.inner.config
    }

    /// How many `POST /v3/auth/tokens` this session has sent (successful or not).
    pub fn auth_requests(&self) -> u64 {
        self.inner.auth_requests.load(Ordering::SeqCst)
    }

    /// What Keystone said about the cached token, if there is one (no I/O).
    pub fn auth_info(&self) -> Option<AuthInfo> {
        self.inner.tokens.peek().map(|t| t.info.clone())
    }

    /// The service catalog of the cached token, if there is one (no I/O).
    pub fn catalog(&self) -> Option<Arc<Catalog>> {
        self.inner.tokens.peek().map(|t| t.catalog.clone())
    }

    /// Forgets the cached token (the next request authenticates again). Resolved endpoints are kept.
    pub fn invalidate_token(&self) {
        self.inner.tokens.clear();
    }

    pub(crate) fn endpoint_cell(&self, key: &str) -> Arc<OnceCell<Arc<EndpointInfo>>> {
        let mut map = match self.inner.endpoints.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(key.to_string()).or_default().clone()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.inner.config)
            .field("refresh_margin", &self.inner.margin)
            .field("clock", &self.inner.clock)
            .field("token", &self.inner.tokens.peek())
            .finish()
    }
}
