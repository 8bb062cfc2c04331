//! Keystone v3 authentication: the token request, the token, and the shared token cache.

pub(crate) mod keystone;
pub(crate) mod token_cache;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::catalog::Catalog;

/// What Keystone said about a token: who, scoped to what, until when. Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthInfo {
    /// The user's id.
    pub user_id: String,
    /// The user's name.
    pub user_name: Option<String>,
    /// The project's id, for a project-scoped token.
    pub project_id: Option<String>,
    /// The project's name, for a project-scoped token.
    pub project_name: Option<String>,
    /// The domain's id, for a domain-scoped token.
    pub domain_id: Option<String>,
    /// `true` for a system-scoped token.
    pub system_scope: bool,
    /// Role names, e.g. `["admin", "member", "reader"]`.
    pub roles: Vec<String>,
    /// Auth methods that issued the token, e.g. `["password"]`.
    pub methods: Vec<String>,
    /// When the token was issued (UTC).
    pub issued_at: Option<DateTime<Utc>>,
    /// When the token expires (UTC).
    pub expires_at: DateTime<Utc>,
}

/// How a cached token's freshness is judged (decided once, when it arrives).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// Replaced `margin` before `expires_at` (the usual case).
    Margin,
    /// Arrived already inside the margin (e.g. a token-method login inherits the old token's
    /// `expires_at`): used until `expires_at` itself, since a new login would get the same.
    UntilExpiry,
    /// Arrived already past `expires_at` even on Keystone's clock: used until a service rejects it
    /// (a `401` replaces it single-flight), instead of a new login on every call.
    UntilRejected,
}

/// A cached token with its catalog. The secret never appears in `Debug`.
pub(crate) struct Token {
    pub secret: SecretString,
    pub info: AuthInfo,
    pub catalog: Arc<Catalog>,
    /// Increases with every token the session gets; a `401` names the generation it rejected.
    pub generation: u64,
    /// Keystone's clock minus the session's clock, measured when the token arrived.
    pub clock_offset: chrono::Duration,
    /// How freshness is judged for this token.
    pub freshness: Freshness,
}

/// The margin actually applied to a token: `margin`, capped at half the token's lifetime
/// (`issued_at` to `expires_at`; without `issued_at` the margin is not capped).
fn effective_margin(info: &AuthInfo, margin: Duration) -> chrono::Duration {
    let lifetime = info
        .issued_at
        .map(|i| (info.expires_at - i).to_std().unwrap_or(Duration::ZERO))
        .unwrap_or(margin * 2);
    chrono::Duration::from_std(margin.min(lifetime / 2)).unwrap_or(chrono::Duration::zero())
}

impl Token {
    /// How to judge a token that arrived when Keystone's clock read `keystone_now`, replacing a token
    /// that expired at `replaced` (if any).
    ///
    /// A token that arrives inside the margin is replaced at its next use, once: when the
    /// replacement expires no later than the token it replaces (a token-method login inherits the
    /// old `expires_at`), asking again would not help, so it is used until `expires_at`.
    pub(crate) fn freshness_on_arrival(
        info: &AuthInfo,
        keystone_now: DateTime<Utc>,
        margin: Duration,
        replaced: Option<DateTime<Utc>>,
    ) -> Freshness {
        if keystone_now >= info.expires_at {
            Freshness::UntilRejected
        } else if keystone_now + effective_margin(info, margin) < info.expires_at
            || replaced.is_none_or(|r| info.expires_at > r)
        {
            Freshness::Margin
        } else {
            Freshness::UntilExpiry
        }
    }

    /// Usable when the session's clock reads `local_now`, judged on Keystone's clock
    /// (`local_now + clock_offset`): not within `margin` of expiry (margin capped at half the token's
    /// lifetime), or as [`Freshness`] says for a token that arrived stale.
    pub(crate) fn is_fresh(&self, local_now: DateTime<Utc>, margin: Duration) -> bool {
        let now = local_now
            .checked_add_signed(self.clock_offset)
            .unwrap_or(local_now);
        match self.freshness {
            Freshness::Margin => now + effective_margin(&self.info, margin) < self.info.expires_at,
            Freshness::UntilExpiry => now < self.info.expires_at,
            Freshness::UntilRejected => true,
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("secret", &"[REDACTED]")
            .field("info", &self.info)
            .field("generation", &self.generation)
            .field("clock_offset", &self.clock_offset)
            .field("freshness", &self.freshness)
            .finish_non_exhaustive()
    }
}
