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
}

impl Session {
    /// A session for `config`, with no token yet.
    pub fn new(config: CloudConfig) -> Self {
        Self::build(config, DEFAULT_REFRESH_MARGIN)
    }

    fn build(config: CloudConfig, margin: Duration) -> Self {
        Session {
            inner: Arc::new(SessionInner {
                config,
                tokens: TokenCache::new(margin),
                endpoints: std::sync::Mutex::new(HashMap::new()),
                auth_requests: AtomicU64::new(0),
                margin,
            }),
        }
    }

    /// The same configuration with another refresh margin (time before `expires_at` at which the token
    /// is replaced). Returns a new session: call it before sharing.
    pub fn with_refresh_margin(self, margin: Duration) -> Self {
        Self::build(self.inner.config.clone(), margin)
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
            .field("token", &self.inner.tokens.peek())
            .finish()
    }
}
