//! The shared token cache: one token for every client of a [`Session`](crate::Session), refreshed
//! single-flight.
//!
//! * A token is used until `refresh_margin` before its `expires_at` (the margin is capped at half the
//!   token's lifetime so short-lived tokens are still reused), judged on **Keystone's clock**: when a
//!   token arrives, `offset = keystone_now − local_now` is recorded (Keystone's time from the `Date`
//!   header of the token answer, else the token's `issued_at`; local time from the session's
//!   [`Clock`]), so a client clock ahead of or behind Keystone's does not change when it is refreshed.
//! * A token that arrives already stale on Keystone's clock is not fetched again on every call: past
//!   `expires_at` it is used until a service rejects it; inside the margin it is replaced once, and
//!   kept until `expires_at` when the replacement expires no later (see [`Freshness`]).
//! * One fetch per single-flight round, however stale the clock: a token fetched while a caller was
//!   waiting for the lock is used by that caller even if it looks expired.
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

use super::{AuthInfo, Freshness, Token};
use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::error::Error;

/// A token as fetched from Keystone, before it gets a generation.
pub(crate) struct FetchedToken {
    pub token: secrecy::SecretString,
    pub info: AuthInfo,
    pub catalog: Catalog,
    /// Keystone's time when it answered: the `Date` header, else the token's `issued_at`.
    pub keystone_time: Option<DateTime<Utc>>,
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
    clock: Arc<dyn Clock>,
}

impl TokenCache {
    pub(crate) fn new(margin: Duration, clock: Arc<dyn Clock>) -> Self {
        TokenCache {
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            fetches: AtomicU64::new(0),
            last_failure: std::sync::Mutex::new(None),
            margin,
            clock,
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

    /// Caches a token that arrived when the session's clock read `arrived` (local time).
    fn store(&self, fetched: FetchedToken, arrived: DateTime<Utc>) -> Arc<Token> {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let keystone_now = fetched.keystone_time.unwrap_or(arrived);
        let clock_offset = keystone_now - arrived;
        if clock_offset.num_seconds().abs() >= 60 {
            tracing::warn!(
                offset_s = clock_offset.num_seconds(),
                "the local clock differs from Keystone's; token expiry is judged on Keystone's clock"
            );
        }
        let replaced = self.peek().map(|t| t.info.expires_at);
        let freshness =
            Token::freshness_on_arrival(&fetched.info, keystone_now, self.margin, replaced);
        if freshness != Freshness::Margin {
            tracing::warn!(
                ?freshness,
                expires_at = %fetched.info.expires_at,
                keystone_now = %keystone_now,
                "token arrived stale on Keystone's clock; using it rather than logging in again"
            );
        }
        let token = Arc::new(Token {
            secret: fetched.token,
            info: fetched.info,
            catalog: Arc::new(fetched.catalog),
            generation,
            clock_offset,
            freshness,
        });
        match self.current.write() {
            Ok(mut g) => *g = Some(token.clone()),
            Err(poisoned) => *poisoned.into_inner() = Some(token.clone()),
        }
        token
    }

    /// Keystone's clock minus the session's, as measured with the cached token.
    pub(crate) fn clock_offset(&self) -> Option<chrono::Duration> {
        self.peek().map(|t| t.clock_offset)
    }

    /// The cached token if a fetch finished (successfully) after attempt `seen`: this round's token,
    /// used even if it looks stale.
    fn fetched_since(&self, seen: u64) -> Option<Arc<Token>> {
        if self.fetches.load(Ordering::SeqCst) > seen {
            self.peek()
        } else {
            None
        }
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
        let seen = self.fetches.load(Ordering::SeqCst);
        if let Some(t) = self.fresh(self.clock.now()) {
            return Ok(t);
        }
        let _guard = self.refresh.lock().await;
        if let Some(t) = self.fresh(self.clock.now()) {
            return Ok(t);
        }
        self.failed_since(seen)?;
        if let Some(t) = self.fetched_since(seen) {
            return Ok(t);
        }
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
        if let Some(t) = self.fresh(self.clock.now()) {
            if t.generation != rejected {
                return Ok(t);
            }
        }
        self.failed_since(seen)?;
        if let Some(t) = self.fetched_since(seen) {
            if t.generation != rejected {
                return Ok(t);
            }
        }
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
        let arrived = self.clock.now();
        let attempt = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        let failure = result.as_ref().err().map(|e| (attempt, e.clone()));
        match self.last_failure.lock() {
            Ok(mut g) => *g = failure,
            Err(poisoned) => *poisoned.into_inner() = failure,
        }
        Ok(self.store(result?, arrived))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::clock::ManualClock;

    fn fetched(expires_at: DateTime<Utc>, keystone_time: DateTime<Utc>) -> FetchedToken {
        FetchedToken {
            token: secrecy::SecretString::from("t".to_string()),
            info: AuthInfo {
                user_id: "u".into(),
                user_name: None,
                project_id: None,
                project_name: None,
                domain_id: None,
                system_scope: false,
                roles: vec![],
                methods: vec![],
                issued_at: None,
                expires_at,
            },
            catalog: Catalog::new(vec![]),
            keystone_time: Some(keystone_time),
        }
    }

    /// Waiters of one round use the round's token even when it looks stale (arrived inside the
    /// margin: judged with the margin, so stale at once).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_fetch_per_round_however_stale() {
        let now = Utc::now();
        let cache = Arc::new(TokenCache::new(
            Duration::from_secs(120),
            Arc::new(ManualClock::new(now)),
        ));
        let calls = Arc::new(AtomicU64::new(0));
        let gate = Arc::new(tokio::sync::Barrier::new(8));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (cache, calls, gate) = (cache.clone(), calls.clone(), gate.clone());
            tasks.push(tokio::spawn(async move {
                gate.wait().await;
                cache
                    .get(|| async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Ok(fetched(now + chrono::Duration::seconds(30), now))
                    })
                    .await
                    .map(|t| t.generation)
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 1);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let t = cache.peek().unwrap();
        assert_eq!(t.freshness, Freshness::Margin);
        assert!(!t.is_fresh(now, Duration::from_secs(120)));
    }

    #[test]
    fn freshness_on_keystones_clock() {
        let now = Utc::now();
        let margin = Duration::from_secs(120);
        let mut f = fetched(now + chrono::Duration::hours(1), now);
        f.info.issued_at = Some(now);
        let info = f.info.clone();
        assert_eq!(
            Token::freshness_on_arrival(&info, now, margin, None),
            Freshness::Margin
        );
        // Expired on Keystone's clock: used until rejected.
        assert_eq!(
            Token::freshness_on_arrival(&info, now + chrono::Duration::hours(2), margin, None),
            Freshness::UntilRejected
        );
        // Inside the margin, replacing a token that expired at the same time: kept until expiry.
        let k = now + chrono::Duration::seconds(3550);
        assert_eq!(
            Token::freshness_on_arrival(&info, k, margin, Some(info.expires_at)),
            Freshness::UntilExpiry
        );
        assert_eq!(
            Token::freshness_on_arrival(&info, k, margin, None),
            Freshness::Margin
        );
        // A token judged with a clock two hours behind Keystone's.
        let token = Token {
            secret: f.token,
            info,
            catalog: Arc::new(Catalog::new(vec![])),
            generation: 1,
            clock_offset: chrono::Duration::hours(2),
            freshness: Freshness::Margin,
        };
        let local = now - chrono::Duration::hours(2);
        assert!(token.is_fresh(local, margin));
        assert!(!token.is_fresh(local + chrono::Duration::seconds(3481), margin));
    }
}
