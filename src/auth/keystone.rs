//! Keystone v3 `POST /v3/auth/tokens`: request bodies (Identity API v3 reference, "Authentication and
//! token management") and the token response.

use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::catalog::CatalogService;
use crate::config::{AppCredentialRef, AuthMethod, DomainRef, ProjectRef, Scope, UserRef};

fn domain_json(d: &DomainRef) -> Value {
    match d {
        DomainRef::Id(id) => json!({ "id": id }),
        DomainRef::Name(name) => json!({ "name": name }),
    }
}

fn user_json(u: &UserRef) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    match u {
        UserRef::Id(id) => {
            m.insert("id".into(), json!(id));
        }
        UserRef::Name { name, domain } => {
            m.insert("name".into(), json!(name));
            m.insert("domain".into(), domain_json(domain));
        }
    }
    m
}

fn scope_json(scope: &Scope) -> Option<Value> {
    match scope {
        Scope::Unscoped => None,
        Scope::Project(ProjectRef::Id(id)) => Some(json!({ "project": { "id": id } })),
        Scope::Project(ProjectRef::Name { name, domain }) => {
            Some(json!({ "project": { "name": name, "domain": domain_json(domain) } }))
        }
        Scope::Domain(d) => Some(json!({ "domain": domain_json(d) })),
        Scope::System => Some(json!({ "system": { "all": true } })),
    }
}

/// The JSON body of `POST /v3/auth/tokens` for `method` and `scope`.
///
/// Application credentials are never sent with a scope (Keystone rejects it: the credential carries
/// its own project).
pub(crate) fn token_request_body(method: &AuthMethod, scope: &Scope) -> Value {
    let (identity, scoped) = match method {
        AuthMethod::Password { user, password } => {
            let mut u = user_json(user);
            u.insert("password".into(), json!(password.expose_secret()));
            (
                json!({ "methods": ["password"], "password": { "user": u } }),
                true,
            )
        }
        AuthMethod::Token { token } => (
            json!({ "methods": ["token"], "token": { "id": token.expose_secret() } }),
            true,
        ),
        AuthMethod::ApplicationCredential { credential, secret } => {
            let mut c = serde_json::Map::new();
            match credential {
                AppCredentialRef::Id(id) => {
                    c.insert("id".into(), json!(id));
                }
                AppCredentialRef::Name { name, user } => {
                    c.insert("name".into(), json!(name));
                    c.insert("user".into(), Value::Object(user_json(user)));
                }
            }
            c.insert("secret".into(), json!(secret.expose_secret()));
            (
                json!({ "methods": ["application_credential"], "application_credential": c }),
                false,
            )
        }
    };
    let mut auth = serde_json::Map::new();
    auth.insert("identity".into(), identity);
    if scoped {
        if let Some(s) = scope_json(scope) {
            auth.insert("scope".into(), s);
        }
    }
    json!({ "auth": auth })
}

/// `{"token": {...}}` of a token response.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenResponse {
    pub token: TokenBody,
}

/// The token body (fields used by this crate; Keystone sends more).
#[derive(Debug, Deserialize)]
pub(crate) struct TokenBody {
    pub expires_at: String,
    #[serde(default)]
    pub issued_at: Option<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    pub user: IdName,
    #[serde(default)]
    pub project: Option<IdName>,
    #[serde(default)]
    pub domain: Option<IdName>,
    #[serde(default)]
    pub system: Option<Value>,
    #[serde(default)]
    pub roles: Vec<IdName>,
    #[serde(default)]
    pub catalog: Vec<CatalogService>,
}

/// `{id, name, domain?}` as Keystone sends users, projects, domains and roles.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub(crate) struct IdName {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub domain: Option<Box<IdName>>,
}

/// `auth_url` parsed and checked (http/https), without query, fragment or credentials (credentials in
/// the URL would go out as HTTP Basic auth: never send them).
fn clean_auth_url(auth_url: &str) -> Result<url::Url, crate::Error> {
    let mut url = url::Url::parse(auth_url.trim()).map_err(|e| {
        crate::Error::Config(format!(
            "auth_url {:?} is not a URL: {e}",
            crate::error::redact_userinfo(auth_url)
        ))
    })?;
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
        return Err(crate::Error::Config(format!(
            "auth_url {:?} is not an http(s) URL",
            crate::error::redact_userinfo(auth_url)
        )));
    }
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Ok(url)
}

/// `true` when the last non-empty path segment is a version (`v3`, `v2.0`, `v3.14`).
fn ends_with_version_segment(url: &url::Url) -> bool {
    url.path_segments()
        .and_then(|mut s| s.rfind(|p| !p.is_empty()))
        .and_then(|p| p.strip_prefix(['v', 'V']))
        .is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .split('.')
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// The token URL for an `auth_url` by the path rules (no discovery): with or without `/v3`, with or
/// without a trailing slash, with a path prefix (`https://host/identity` → `…/identity/v3`), or pointing
/// at `/v2.0` (replaced by `/v3`). Used as is for URLs ending in a version, and as the fallback when
/// version discovery fails.
pub(crate) fn token_url(auth_url: &str) -> Result<url::Url, crate::Error> {
    let mut url = clean_auth_url(auth_url)?;
    let mut segments: Vec<String> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    match segments.last().map(String::as_str) {
        Some("v3") => {}
        Some("v2.0") => {
            segments.pop();
            segments.push("v3".into());
        }
        _ => segments.push("v3".into()),
    }
    segments.push("auth".into());
    segments.push("tokens".into());
    {
        let mut path = url.path_segments_mut().map_err(|()| {
            crate::Error::Config(format!(
                "auth_url {:?} cannot be a base URL",
                crate::error::redact_userinfo(auth_url)
            ))
        })?;
        path.clear();
        for s in &segments {
            path.push(s);
        }
    }
    Ok(url)
}

/// Where `POST …/auth/tokens` is sent, and how that was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenEndpoint {
    /// The token URL, e.g. `https://keystone.example.com/v3/auth/tokens`.
    pub url: url::Url,
    /// When version discovery failed and the path rule was used instead: what happened (named in the
    /// error if the token request then fails too).
    pub fallback: Option<String>,
}

/// The token endpoint for the configured `auth_url`.
///
/// * An `auth_url` ending in a version segment (`…/v3`, `…/v2.0`) follows the path rules of
///   [`token_url`]; nothing is fetched.
/// * Otherwise (a bare root like `http://keystone:5000` or a prefix like `https://cloud/identity`)
///   `GET <auth_url>` must answer Keystone's version document (`300 Multiple Choices`
///   `{"versions": {"values": [...]}}`, or a plain `{"versions": [...]}`), and the v3 entry
///   (status stable/current/supported) gives the URL: its `self` link on the same host, else
///   `<auth_url>/<id>`.
/// * A version document without identity v3 (e.g. Nova's `v2.0`/`v2.1` list) is an error: the URL is
///   not Keystone.
/// * Any other answer (404, not JSON, …) falls back to the path rule, and says so in
///   [`TokenEndpoint::fallback`].
///
/// # Errors
/// [`Error::Config`](crate::Error::Config) for a malformed `auth_url`; [`Error::Auth`](crate::Error::Auth)
/// for a version document without v3; transport errors of the discovery request.
pub(crate) async fn discover_token_endpoint(
    http: &crate::transport::Http,
    policy: &crate::retry::RetryPolicy,
    auth_url: &str,
) -> Result<TokenEndpoint, crate::Error> {
    use crate::request::{Method, send_with_retry};

    let base = clean_auth_url(auth_url)?;
    let fallback_url = token_url(auth_url)?;
    if ends_with_version_segment(&base) {
        return Ok(TokenEndpoint {
            url: fallback_url,
            fallback: None,
        });
    }
    let mut headers = http::header::HeaderMap::new();
    headers.insert(
        "accept",
        http::header::HeaderValue::from_static("application/json"),
    );
    let shown = crate::error::redact_url(&base);
    let raw = send_with_retry(http, policy, Method::Get, &base, &headers, None).await?;
    if let Some(choice) = crate::microversion::choose_version(&raw.body, 3) {
        if let Some(v3) = crate::microversion::version_url(&base, &choice) {
            let url = crate::request::join_url(&v3, &["auth", "tokens"])?;
            tracing::debug!(auth_url = %shown, token_url = %crate::error::redact_url(&url), "identity v3 discovered");
            return Ok(TokenEndpoint {
                url,
                fallback: None,
            });
        }
    }
    if let Some(ids) = crate::microversion::listed_versions(&raw.body) {
        let listed = if ids.is_empty() {
            "no version".to_string()
        } else {
            ids.join(", ")
        };
        return Err(crate::Error::Auth {
            status: Some(raw.status),
            url: shown,
            message: format!(
                "auth_url is not Keystone: its version document lists {listed} and no identity v3 (a compute or network endpoint?)"
            ),
            request_id: raw.request_id(),
        });
    }
    let note = format!(
        "version discovery at {shown} found no version document ({} answer), so {} was used",
        raw.status,
        crate::error::redact_url(&fallback_url)
    );
    tracing::warn!("{note}");
    Ok(TokenEndpoint {
        url: fallback_url,
        fallback: Some(note),
    })
}

/// `{"error": {...}}` with a `code`, `title` or `message`: how Keystone shapes its errors.
fn is_keystone_error(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(Value::as_object).cloned())
        .is_some_and(|e| {
            ["code", "title", "message"]
                .iter()
                .any(|k| e.contains_key(*k))
        })
}

fn domain_hint(prefix: &str, d: &DomainRef) -> String {
    match d {
        DomainRef::Id(id) => format!("{prefix}_domain_id {id:?}"),
        DomainRef::Name(name) => format!("{prefix}_domain_name {name:?}"),
    }
}

fn user_hint(u: &UserRef) -> String {
    match u {
        UserRef::Id(id) => format!("user_id {id:?}"),
        UserRef::Name { name, domain } => {
            format!("username {name:?} in {}", domain_hint("user", domain))
        }
    }
}

/// The likely causes of a refused login (`401`), naming the configured values used (never a secret),
/// e.g. `likely causes: a wrong password, no username "admin" in user_domain_name "Default", or no role
/// for it on project_name "admin" in project_domain_id "default"`.
pub(crate) fn login_hint(method: &AuthMethod, scope: &Scope) -> String {
    let scope = match scope {
        Scope::Unscoped => None,
        Scope::Project(ProjectRef::Id(id)) => Some(format!("project_id {id:?}")),
        Scope::Project(ProjectRef::Name { name, domain }) => Some(format!(
            "project_name {name:?} in {}",
            domain_hint("project", domain)
        )),
        Scope::Domain(DomainRef::Id(id)) => Some(format!("domain_id {id:?}")),
        Scope::Domain(DomainRef::Name(name)) => Some(format!("domain_name {name:?}")),
        Scope::System => Some("the system scope".to_string()),
    };
    let role = |scope: Option<String>| {
        scope
            .map(|s| format!(", or no role for it on {s}"))
            .unwrap_or_default()
    };
    match method {
        AuthMethod::Password { user, .. } => format!(
            "likely causes: a wrong password, no {}{}",
            user_hint(user),
            role(scope)
        ),
        AuthMethod::Token { .. } => format!(
            "likely causes: the token given is expired or revoked{}",
            role(scope)
        ),
        // The credential carries its own project: no scope is sent.
        AuthMethod::ApplicationCredential { credential, .. } => {
            let cred = match credential {
                AppCredentialRef::Id(id) => format!("application_credential_id {id:?}"),
                AppCredentialRef::Name { name, user } => format!(
                    "application_credential_name {name:?} of {}",
                    user_hint(user)
                ),
            };
            format!("likely causes: a wrong secret, or no {cred} (deleted or expired)")
        }
    }
}

/// What a token answer that is not Keystone's looks like, for the error.
fn not_keystone(what: &str, body: &[u8], auth_url: &str) -> String {
    let listed = crate::microversion::listed_versions(body)
        .filter(|ids| !ids.is_empty())
        .map(|ids| format!(" (a version document listing {})", ids.join(", ")))
        .unwrap_or_default();
    format!(
        "not Keystone: {what}{listed}; check auth_url {}",
        crate::error::redact_userinfo(auth_url)
    )
}

/// `POST /v3/auth/tokens` with the configured credentials and scope, through `http` (the caller's pool),
/// at `endpoint` (see [`discover_token_endpoint`]).
///
/// # Errors
/// [`crate::Error::Auth`] with Keystone's message for an error answer (a `401` with a hint naming the
/// configured user, domains and project), a reply without `X-Subject-Token`, or an answer that is not
/// Keystone's (named as such); transport errors as they come.
pub(crate) async fn request_token(
    http: &crate::transport::Http,
    policy: &crate::retry::RetryPolicy,
    config: &crate::config::CloudConfig,
    endpoint: &TokenEndpoint,
) -> Result<super::token_cache::FetchedToken, crate::Error> {
    use crate::Error;
    use crate::request::{Method, send_with_retry};

    let url = endpoint.url.clone();
    let auth_url = config.auth.auth_url.expose_raw();
    let body =
        bytes::Bytes::from(token_request_body(&config.auth.method, &config.auth.scope).to_string());
    let mut headers = http::header::HeaderMap::new();
    headers.insert(
        "content-type",
        http::header::HeaderValue::from_static("application/json"),
    );
    headers.insert(
        "accept",
        http::header::HeaderValue::from_static("application/json"),
    );
    let span = tracing::info_span!("openstack.auth", url = %crate::error::redact_url(&url), status = tracing::field::Empty);
    let raw = tracing::Instrument::instrument(
        send_with_retry(http, policy, Method::Post, &url, &headers, Some(&body)),
        span.clone(),
    )
    .await?;
    span.record("status", raw.status);
    let raw = match &config.auth.method {
        AuthMethod::Password { password: s, .. }
        | AuthMethod::Token { token: s }
        | AuthMethod::ApplicationCredential { secret: s, .. } => raw.scrubbed(s),
    };
    let request_id = raw.request_id();
    let shown_url = crate::error::redact_url(&url);
    if !raw.is_success() {
        let api = raw.api_error();
        let foreign = !is_keystone_error(&raw.body)
            && (matches!(raw.status, 300 | 404 | 405)
                || crate::microversion::listed_versions(&raw.body).is_some());
        let message = match &api {
            Error::Api(a) if raw.status == 401 => format!(
                "{} ({})",
                a.message,
                login_hint(&config.auth.method, &config.auth.scope)
            ),
            Error::Api(a) if foreign => {
                let message = not_keystone(
                    &format!(
                        "the token request was answered {}: {}",
                        raw.status, a.message
                    ),
                    &raw.body,
                    auth_url,
                );
                // The URL may be wrong because discovery failed: say so.
                match &endpoint.fallback {
                    Some(note) => format!("{message} ({note})"),
                    None => message,
                }
            }
            Error::Api(a) if a.message == "unrecognised error body" => {
                format!(
                    "unrecognised answer (is auth_url Keystone?): {}",
                    a.body_snippet
                )
            }
            Error::Api(a) => a.message.clone(),
            other => other.to_string(),
        };
        return Err(Error::Auth {
            status: Some(raw.status),
            url: shown_url.clone(),
            message,
            request_id,
        });
    }
    let subject = raw
        .headers
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok());
    // Decoded once; only an answer that is not a token is looked at again, to say what it is.
    let decoded: Result<TokenResponse, Error> = raw.json();
    if decoded.is_err() || subject.is_none() {
        // A 2xx that is not a token answer: JSON without a `token` object, or no JSON and no token header.
        let token_json = match serde_json::from_slice::<Value>(&raw.body) {
            Ok(v) => Some(v.get("token").is_some_and(Value::is_object)),
            Err(_) => None,
        };
        let header_note = if subject.is_some() {
            ""
        } else {
            " and no X-Subject-Token header"
        };
        let foreign = match token_json {
            Some(false) => Some(format!(
                "the answer ({}) is JSON without a \"token\" object{header_note}",
                raw.status
            )),
            None if subject.is_none() => Some(format!(
                "the answer ({}) is not JSON{header_note}",
                raw.status
            )),
            _ => None,
        };
        if let Some(what) = foreign {
            let message = not_keystone(&what, &raw.body, auth_url);
            return Err(Error::Auth {
                status: Some(raw.status),
                url: shown_url.clone(),
                message: match &endpoint.fallback {
                    Some(note) => format!("{message} ({note})"),
                    None => message,
                },
                request_id,
            });
        }
    }
    let Some(secret) = subject else {
        return Err(Error::Auth {
            status: Some(raw.status),
            url: shown_url.clone(),
            message: "Keystone answered without an X-Subject-Token header".into(),
            request_id,
        });
    };
    let secret = secrecy::SecretString::from(secret.to_string());
    let parsed = decoded.map_err(|e| Error::Auth {
        status: Some(raw.status),
        url: shown_url.clone(),
        message: format!("unreadable token response: {e}"),
        request_id: request_id.clone(),
    })?;
    let t = parsed.token;
    let expires_at = crate::timestamp::parse(&t.expires_at).ok_or_else(|| Error::Auth {
        status: Some(raw.status),
        url: shown_url.clone(),
        message: format!(
            "token expires_at {:?} is not a timestamp",
            crate::error::cap(&t.expires_at, 64)
        ),
        request_id: request_id.clone(),
    })?;
    let info = super::AuthInfo {
        user_id: t.user.id.clone(),
        user_name: t.user.name.clone(),
        project_id: t.project.as_ref().map(|p| p.id.clone()),
        project_name: t.project.as_ref().and_then(|p| p.name.clone()),
        domain_id: t.domain.as_ref().map(|d| d.id.clone()),
        system_scope: t.system.is_some(),
        roles: t.roles.iter().filter_map(|r| r.name.clone()).collect(),
        methods: t.methods.clone(),
        issued_at: t.issued_at.as_deref().and_then(crate::timestamp::parse),
        expires_at,
    };
    // Keystone's clock at the answer: the `Date` header (second resolution), else `issued_at` of this
    // freshly issued token (when it is not after `expires_at`).
    let keystone_time = raw
        .headers
        .get("date")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .map(DateTime::<Utc>::from)
        .or(info.issued_at.filter(|i| *i <= info.expires_at));
    Ok(super::token_cache::FetchedToken {
        token: secret,
        info,
        catalog: crate::catalog::Catalog::new(t.catalog),
        keystone_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    #[test]
    fn token_urls() {
        for (given, want) in [
            ("http://h:5000", "http://h:5000/v3/auth/tokens"),
            ("http://h:5000/", "http://h:5000/v3/auth/tokens"),
            ("http://h:5000/v3", "http://h:5000/v3/auth/tokens"),
            ("http://h:5000/v3/", "http://h:5000/v3/auth/tokens"),
            ("https://h/identity", "https://h/identity/v3/auth/tokens"),
            (
                "https://h/identity/v3/",
                "https://h/identity/v3/auth/tokens",
            ),
            (
                "https://h/identity/v2.0",
                "https://h/identity/v3/auth/tokens",
            ),
        ] {
            assert_eq!(token_url(given).unwrap().as_str(), want, "{given}");
        }
        assert!(token_url("not a url").is_err());
        assert!(token_url("ftp://h/").is_err());
    }

    #[test]
    fn app_credential_never_scoped() {
        let body = token_request_body(
            &AuthMethod::ApplicationCredential {
                credential: AppCredentialRef::Id("abc".into()),
                secret: SecretString::from("s3cr3t"),
            },
            &Scope::Project(ProjectRef::Id("p".into())),
        );
        assert_eq!(
            body,
            json!({"auth": {"identity": {"methods": ["application_credential"],
                "application_credential": {"id": "abc", "secret": "s3cr3t"}}}})
        );
    }
}
