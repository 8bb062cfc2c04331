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

/// The token URL for an `auth_url` given with or without `/v3`, with or without a trailing slash, with a
/// path prefix (`https://host/identity`), or pointing at `/v2.0` (replaced by `/v3`).
pub(crate) fn token_url(auth_url: &str) -> Result<url::Url, crate::Error> {
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
    // Credentials in the URL would go out as HTTP Basic auth: never send them.
    let _ = url.set_username("");
    let _ = url.set_password(None);
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

/// `POST /v3/auth/tokens` with the configured credentials and scope, through `http` (the caller's pool).
///
/// # Errors
/// [`crate::Error::Auth`] with Keystone's message for an error answer or a reply without
/// `X-Subject-Token`; transport errors as they come.
pub(crate) async fn request_token(
    http: &reqwest::Client,
    policy: &crate::retry::RetryPolicy,
    config: &crate::config::CloudConfig,
) -> Result<super::token_cache::FetchedToken, crate::Error> {
    use crate::Error;
    use crate::request::{Method, send_with_retry};

    let url = token_url(&config.auth.auth_url)?;
    let body =
        bytes::Bytes::from(token_request_body(&config.auth.method, &config.auth.scope).to_string());
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "content-type",
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    headers.insert(
        "accept",
        reqwest::header::HeaderValue::from_static("application/json"),
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
        let message = match &api {
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
    let Some(secret) = raw
        .headers
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok())
    else {
        return Err(Error::Auth {
            status: Some(raw.status),
            url: shown_url.clone(),
            message: "Keystone answered without an X-Subject-Token header".into(),
            request_id,
        });
    };
    let secret = secrecy::SecretString::from(secret.to_string());
    let parsed: TokenResponse = raw.json().map_err(|e| Error::Auth {
        status: Some(raw.status),
        url: shown_url.clone(),
        message: format!("unreadable token response: {e}"),
        request_id: request_id.clone(),
    })?;
    let t = parsed.token;
    let expires_at = super::parse_keystone_time(&t.expires_at).ok_or_else(|| Error::Auth {
        status: Some(raw.status),
        url: shown_url.clone(),
        message: format!("token expires_at {:?} is not a timestamp", t.expires_at),
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
        issued_at: t.issued_at.as_deref().and_then(super::parse_keystone_time),
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
