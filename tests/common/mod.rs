//! Shared test helpers: a Keystone fixture whose catalog points at a wiremock server.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use serde_json::Value;
use stackclient::{
    Auth, AuthMethod, Client, ClientOptions, CloudConfig, DomainRef, ProjectRef, RetryPolicy,
    Scope, Session, UserRef,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const PASSWORD: &str = "s3cr3t-PASSWORD-9f2c";

/// Reads `fixtures/<rel>` and fills `{{BASE}}`, `{{EXPIRES_AT}}`, `{{ISSUED_AT}}`.
pub fn fixture(rel: &str, base: &str, expires_in: Duration) -> Value {
    let text =
        std::fs::read_to_string(format!("{}/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let now = Utc::now();
    let expires = now + chrono::Duration::from_std(expires_in).unwrap();
    let issued = now - chrono::Duration::seconds(3600);
    let text = text
        .replace("{{BASE}}", base)
        .replace(
            "{{EXPIRES_AT}}",
            &expires.to_rfc3339_opts(SecondsFormat::Micros, true),
        )
        .replace(
            "{{ISSUED_AT}}",
            &issued.to_rfc3339_opts(SecondsFormat::Micros, true),
        );
    serde_json::from_str(&text).unwrap()
}

/// A 201 token answer with `X-Subject-Token: token`, valid for `expires_in`.
pub fn token_response(base: &str, token: &str, expires_in: Duration) -> ResponseTemplate {
    ResponseTemplate::new(201)
        .insert_header("X-Subject-Token", token)
        .insert_header("x-openstack-request-id", "req-keystone-1")
        .set_body_json(fixture(
            "identity/token_password_project.json",
            base,
            expires_in,
        ))
}

/// Mounts `POST /identity/v3/auth/tokens` answering `token` for an hour.
pub async fn mount_keystone(server: &MockServer, token: &str) {
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(token_response(
            &server.uri(),
            token,
            Duration::from_secs(3600),
        ))
        .mount(server)
        .await;
}

/// Mounts `POST /identity/v3/auth/tokens` answering `first` (token, lifetime) once, then `then` for
/// every later request.
pub async fn mount_token_sequence(
    server: &MockServer,
    first: (&str, Duration),
    then: (&str, Duration),
) {
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(token_response(&server.uri(), first.0, first.1))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(token_response(&server.uri(), then.0, then.1))
        .mount(server)
        .await;
}

/// Password auth, project `admin` in domain `Default`, against the mock's `/identity`.
pub fn password_config(server: &MockServer) -> CloudConfig {
    CloudConfig::new(Auth::new(
        format!("{}/identity", server.uri()),
        AuthMethod::Password {
            user: UserRef::Name {
                name: "admin".into(),
                domain: DomainRef::Name("Default".into()),
            },
            password: PASSWORD.to_string().into(),
        },
        Scope::Project(ProjectRef::Name {
            name: "admin".into(),
            domain: DomainRef::Id("default".into()),
        }),
    ))
}

/// Options with fast retries.
pub fn options(cfg: CloudConfig) -> ClientOptions {
    ClientOptions::new(Session::new(cfg))
        .retry(RetryPolicy::default().backoff(Duration::from_millis(5), Duration::from_millis(20)))
}

pub fn client(server: &MockServer) -> Client {
    Client::new(options(password_config(server))).unwrap()
}

/// The Nova version document at `/compute/v2.1`, microversions 2.1 to `max`.
pub async fn mount_nova_version(server: &MockServer, max: &str) {
    Mock::given(method("GET"))
        .and(path("/compute/v2.1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "version": {"id": "v2.1", "status": "CURRENT", "version": max, "min_version": "2.1",
                "updated": "2013-07-23T11:33:21Z", "links": []}
        })))
        .mount(server)
        .await;
}

/// Requests the mock received for `method` + `path`.
pub async fn received(server: &MockServer, m: &str, p: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == m && r.url.path() == p)
        .collect()
}

pub fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

/// `fixtures/<rel>` as JSON, as stored.
pub fn json_fixture(rel: &str) -> Value {
    let p = format!("{}/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {p}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{p} is not JSON: {e}"))
}

/// A UTC time.
pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> chrono::DateTime<Utc> {
    use chrono::TimeZone as _;
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid date")
}

/// The query of a request as decoded (key, value) pairs, in order.
pub fn query(r: &Request) -> Vec<(String, String)> {
    r.url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Owned (key, value) pairs.
pub fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
