//! The shared token cache: one token for every client of a [`Session`](crate::Session), refreshed
//! single-flight.
//!
//! * A token is used until `refresh_margin` before its `expires_at` (the margin is capped at half the
//!   token's lifetime so short-lived tokens are still reused).
//! * Refreshes take one async lock; whoever gets it second finds the fresh token and does no POST.
//! * After a `401`, [`TokenCache::refresh_after_rejection`] re-authenticates only if the rejected token's
//!   generation is still the current one, so N concurrent `401`s cause one Keystone request.
//! * A failed refresh is handed to the callers that were already waiting for it (so N waiting tasks
//!   cause one failing Keystone request, not N, and a wrong password is tried once), but it is not
//!   remembered: a call that starts after the failure tries again.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{AuthInfo, Token};
use crate::catalog::Catalog;
use crate::error::Error;

/// A token as fetched from Keystone, before it gets a generation.
pub(crate) struct FetchedToken {
    pub token: secrecy::SecretString,
    pub info: AuthInfo,
    pub catalog: Catalog,
}

pub(crate) struct TokenCache {
    current: RwLock<Option<Arc<Token>>>,
    refresh: tokio::sync::Mutex<()>,
    generation: AtomicU64,
    /// Fetch attempts finished so far.
    fetches: AtomicU64,
    /// The error of the last fetch, with its attempt number, when it failed.
    last_failure: std::sync::Mutex<Option<(u64, Error)>>,
    margin: Duration,
}

impl TokenCache {
    pub(crate) fn new(margin: Duration) -> Self {
        TokenCache {
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            fetches: AtomicU64::new(0),
            last_failure: std::sync::Mutex::new(None),
            margin,
        }
    }

    /// The cached token, fresh or not.
    pub(crate) fn peek(&self) -> Option<Arc<Token>> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn fresh(&self, now: DateTime<Utc>) -> Option<Arc<Token>> {
        self.peek().filter(|t| t.is_fresh(now, self.margin))
    }

    fn store(&self, fetched: FetchedToken) -> Arc<Token> {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let token = Arc::new(Token {
            secret: fetched.token,
            info: fetched.info,
            catalog: Arc::new(fetched.catalog),
            generation,
        });
        match self.current.write() {
            Ok(mut g) => *g = Some(token.clone()),
            Err(poisoned) => *poisoned.into_inner() = Some(token.clone()),
        }
        token
    }

    /// Drops the cached token; the next call authenticates again.
    pub(crate) fn clear(&self) {
        match self.current.write() {
            Ok(mut g) => *g = None,
            Err(poisoned) => *poisoned.into_inner() = None,
        }
    }

    /// A fresh token: the cached one, or one fetched by `fetch` (single-flight).
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Arc<Token>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FetchedToken, Error>>,
    {
        if let Some(t) = self.fresh(Utc::now()) {
            return Ok(t);
        }
        let seen = self.fetches.load(Ordering::SeqCst);
        let _guard = self.refresh.lock().await;
        if let Some(t) = self.fresh(Utc::now()) {
            return Ok(t);
        }
        self.failed_since(seen)?;
        self.fetch_and_store(fetch).await
    }

    /// A token to replace the one of generation `rejected`, which a service answered `401` to. If another
    /// task already replaced it, that token is returned without a Keystone request.
    pub(crate) async fn refresh_after_rejection<F, Fut>(
        &self,
        rejected: u64,
        fetch: F,
    ) -> Result<Arc<Token>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FetchedToken, Error>>,
    {
        let seen = self.fetches.load(Ordering::SeqCst);
        let _guard = self.refresh.lock().await;
        if let Some(t) = self.fresh(Utc::now()) {
            if t.generation != rejected {
                return Ok(t);
            }
        }
        self.failed_since(seen)?;
        self.fetch_and_store(fetch).await
    }

    /// The failure of a fetch that finished after attempt `seen`, if the last one failed.
    fn failed_since(&self, seen: u64) -> Result<(), Error> {
        let last = match self.last_failure.lock() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        match last {
            Some((attempt, err)) if attempt > seen => Err(err),
            _ => Ok(()),
        }
    }

    /// Runs `fetch` (the refresh lock is held) and records its outcome.
    async fn fetch_and_store<F, Fut>(&self, fetch: F) -> Result<Arc<Token>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FetchedToken, Error>>,
    {
        let result = fetch().await;
        let attempt = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        let failure = result.as_ref().err().map(|e| (attempt, e.clone()));
        match self.last_failure.lock() {
            Ok(mut g) => *g = failure,
            Err(poisoned) => *poisoned.into_inner() = failure,
        }
        Ok(self.store(result?))
    }
}
