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

/// A cached token with its catalog. The secret never appears in `Debug`.
pub(crate) struct Token {
    pub secret: SecretString,
    pub info: AuthInfo,
    pub catalog: Arc<Catalog>,
    /// Increases with every token the session gets; a `401` names the generation it rejected.
    pub generation: u64,
}

impl Token {
    /// Usable at `now`: not within `margin` of expiry (margin capped at half the token's lifetime).
    pub(crate) fn is_fresh(&self, now: DateTime<Utc>, margin: Duration) -> bool {
        let lifetime = self
            .info
            .issued_at
            .map(|i| {
                (self.info.expires_at - i)
                    .to_std()
                    .unwrap_or(Duration::ZERO)
            })
            .unwrap_or(margin * 2);
        let margin = margin.min(lifetime / 2);
        let margin = chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::zero());
        now + margin < self.info.expires_at
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("secret", &"[REDACTED]")
            .field("info", &self.info)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// Parses Keystone's timestamps: `2015-11-06T15:32:17.893769Z`, with an offset, or without a zone (UTC).
pub(crate) fn parse_keystone_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}
