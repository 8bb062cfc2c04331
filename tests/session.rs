//! The sharing contract: one token for every client of a session, refreshed single-flight.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use stackclient::{Client, Error, Method, ServiceType};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_ping(server: &MockServer, token: &str, status: u16) {
    Mock::given(method("GET"))
        .and(path("/ping/things"))
        .and(header("x-auth-token", token))
        .respond_with(ResponseTemplate::new(status).set_body_json(json!({"ok": status == 200})))
        .mount(server)
        .await;
}

fn ping_config(server: &MockServer) -> stackclient::CloudConfig {
    password_config(server).with_endpoint_override("ping", format!("{}/ping", server.uri()))
}

async fn ping(client: &Client) -> Result<u16, Error> {
    Ok(client
        .request(ServiceType::new("ping"), Method::Get, "things")
        .send()
        .await?
        .status())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_tasks_with_own_clients_refresh_an_expiring_token_once() {
    let server = MockServer::start().await;
    // First token expires in 60 s: inside the 120 s refresh margin, so the next use refreshes it.
    mount_token_sequence(
        &server,
        ("tok-old", Duration::from_secs(60)),
        ("tok-new", Duration::from_secs(3600)),
    )
    .await;
    mount_ping(&server, "tok-new", 200).await;
    let opts = options(ping_config(&server));
    Client::new(opts.clone())
        .unwrap()
        .authenticate()
        .await
        .unwrap();
    assert_eq!(opts.session.auth_requests(), 1);

    let mut tasks = Vec::new();
    for _ in 0..100 {
        let opts = opts.clone();
        tasks.push(tokio::spawn(async move {
            let client = Client::new(opts)?;
            ping(&client).await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), 200);
    }
    assert_eq!(
        received(&server, "POST", "/identity/v3/auth/tokens")
            .await
            .len(),
        2
    );
    assert_eq!(opts.session.auth_requests(), 2);
    let pings = received(&server, "GET", "/ping/things").await;
    assert_eq!(pings.len(), 100);
    assert!(pings.iter().all(|r| header_of(r) == "tok-new"));
}

fn header_of(r: &wiremock::Request) -> &str {
    common::header(r, "x-auth-token").unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_401s_cause_one_reauth_and_one_replay_each() {
    let server = MockServer::start().await;
    mount_token_sequence(
        &server,
        ("tok-1", Duration::from_secs(3600)),
        ("tok-2", Duration::from_secs(3600)),
    )
    .await;
    // The 401s come late, so that all ten requests are sent with tok-1 before the first 401
    // starts the re-authentication (without it, a task scheduled late on a loaded machine
    // would find tok-2 already and never meet a 401).
    Mock::given(method("GET"))
        .and(path("/ping/things"))
        .and(header("x-auth-token", "tok-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"ok": false}))
                .set_delay(Duration::from_millis(500)),
        )
        .mount(&server)
        .await;
    mount_ping(&server, "tok-2", 200).await;
    let opts = options(ping_config(&server));
    Client::new(opts.clone())
        .unwrap()
        .authenticate()
        .await
        .unwrap();

    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(10));
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (opts, barrier) = (opts.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let client = Client::new(opts)?;
            barrier.wait().await;
            ping(&client).await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), 200);
    }
    let posts = received(&server, "POST", "/identity/v3/auth/tokens").await;
    assert_eq!(posts.len(), 2, "one initial auth + one re-auth");
    // Re-auth uses the original credentials, never the old token.
    let body: serde_json::Value = serde_json::from_slice(&posts[1].body).unwrap();
    assert_eq!(body["auth"]["identity"]["methods"], json!(["password"]));
    assert_eq!(
        body["auth"]["identity"]["password"]["user"]["password"],
        json!(PASSWORD)
    );
    let pings = received(&server, "GET", "/ping/things").await;
    assert_eq!(pings.len(), 20, "10 rejected + 10 replays");
    assert!(
        pings.iter().all(|r| !header_of(r).is_empty()),
        "no request without a token"
    );
    assert_eq!(pings.iter().filter(|r| header_of(r) == "tok-2").count(), 10);
}

/// The full error chain, `Display` of each error joined by ` <- `.
fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        out.push_str(" <- ");
        out.push_str(&e.to_string());
        cur = e.source();
    }
    out
}

#[tokio::test]
async fn a_second_401_after_reauth_is_returned_not_looped() {
    let server = MockServer::start().await;
    mount_token_sequence(
        &server,
        ("tok-first-secret", Duration::from_secs(3600)),
        ("tok-second-secret", Duration::from_secs(3600)),
    )
    .await;
    // The service echoes the token it refused (some proxies do).
    for (tok, req) in [
        ("tok-first-secret", "req-401-a"),
        ("tok-second-secret", "req-401-b"),
    ] {
        Mock::given(method("GET"))
            .and(path("/ping/things"))
            .and(header("x-auth-token", tok))
            .respond_with(
                ResponseTemplate::new(401)
                    .insert_header("x-openstack-request-id", req)
                    .set_body_json(json!({"error": {"code": 401, "title": "Unauthorized",
                        "message": format!("token {tok} is not valid here")}})),
            )
            .mount(&server)
            .await;
    }
    let client = Client::new(options(ping_config(&server))).unwrap();
    let err = ping(&client).await.unwrap_err();
    let url = format!("{}/ping/things", server.uri());
    assert!(matches!(err, Error::ReauthRefused { .. }), "{err:?}");
    assert!(err.is_reauthentication_failure());
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.request_id(), Some("req-401-b"), "the replay's answer");
    assert_eq!(
        err.as_api().unwrap().request_id.as_deref(),
        Some("req-401-b")
    );
    assert_eq!(
        err.to_string(),
        format!(
            "GET {url}: token refused (401) again after a re-authentication (request id req-401-b)"
        )
    );
    // The source is the first 401, as the service said it (token redacted).
    let source = std::error::Error::source(&err).unwrap();
    assert_eq!(
        source.to_string(),
        format!(
            "GET {url}: 401 Unauthorized: token [REDACTED] is not valid here (request id req-401-a)"
        )
    );
    assert!(std::error::Error::source(source).is_none());
    match &err {
        Error::ReauthRefused { rejected, replay } => {
            assert_eq!(rejected.request_id.as_deref(), Some("req-401-a"));
            assert_eq!(replay.message, "token [REDACTED] is not valid here");
        }
        other => panic!("{other:?}"),
    }
    let shown = format!("{} {err:?}", chain(&err));
    for secret in ["tok-first-secret", "tok-second-secret", PASSWORD] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(!err.to_string().contains('\n'));
    assert_eq!(received(&server, "GET", "/ping/things").await.len(), 2);
    assert_eq!(
        received(&server, "POST", "/identity/v3/auth/tokens")
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn a_failed_reauthentication_keeps_the_401_and_keystones_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(token_response(
            &server.uri(),
            "tok-old-secret",
            Duration::from_secs(3600),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("x-openstack-request-id", "req-keystone-503")
                .set_body_string("Service Unavailable"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/ping/things"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-openstack-request-id", "req-svc-401")
                .set_body_json(json!({"error": {"code": 401, "title": "Unauthorized",
                    "message": "The request you have made requires authentication."}})),
        )
        .mount(&server)
        .await;
    // No retries, so Keystone sees one POST for the re-authentication.
    let opts = options(ping_config(&server)).retry(stackclient::RetryPolicy::none());
    let client = Client::new(opts).unwrap();
    let err = ping(&client).await.unwrap_err();
    let url = format!("{}/ping/things", server.uri());
    let token_url = format!("{}/identity/v3/auth/tokens", server.uri());
    assert!(err.is_reauthentication_failure());
    assert_eq!(err.status(), Some(401), "the service's status");
    assert_eq!(err.request_id(), Some("req-svc-401"));
    assert_eq!(
        err.to_string(),
        format!("GET {url}: token refused (401) and the re-authentication failed")
    );
    match &err {
        Error::ReauthFailed { rejected, source } => {
            assert_eq!(rejected.status, 401);
            assert_eq!(
                rejected.message,
                "The request you have made requires authentication."
            );
            assert_eq!(source.status(), Some(503));
            assert_eq!(source.request_id(), Some("req-keystone-503"));
            assert!(matches!(**source, Error::Auth { .. }), "{source:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        chain(&err),
        format!(
            "GET {url}: token refused (401) and the re-authentication failed <- \
             authentication failed (503) at {token_url}: Service Unavailable"
        )
    );
    let shown = format!("{} {err:?}", chain(&err));
    for secret in ["tok-old-secret", PASSWORD] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert_eq!(
        received(&server, "GET", "/ping/things").await.len(),
        1,
        "no replay"
    );
    assert_eq!(
        received(&server, "POST", "/identity/v3/auth/tokens")
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn failed_reauth_is_not_sticky() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(ResponseTemplate::new(500).set_body_string("keystone down"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_keystone(&server, "tok").await;
    mount_ping(&server, "tok", 200).await;
    let client = Client::new(options(ping_config(&server))).unwrap();
    let err = ping(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Auth {
                status: Some(500),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed (500) at {}/identity/v3/auth/tokens: keystone down",
            server.uri()
        )
    );
    assert_eq!(ping(&client).await.unwrap(), 200);
    assert_eq!(
        received(&server, "POST", "/identity/v3/auth/tokens")
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn clones_share_and_session_is_lazy() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    mount_ping(&server, "tok", 200).await;
    let opts = options(ping_config(&server));
    let a = Client::new(opts.clone()).unwrap();
    let b = a.clone();
    let c = Client::new(opts.clone()).unwrap();
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no I/O before the first call"
    );
    assert!(opts.session.auth_info().is_none());
    for client in [&a, &b, &c] {
        assert_eq!(ping(client).await.unwrap(), 200);
    }
    assert_eq!(opts.session.auth_requests(), 1);
    assert_eq!(
        opts.session.auth_info().unwrap().user_name.as_deref(),
        Some("admin")
    );
    opts.session.invalidate_token();
    assert_eq!(ping(&c).await.unwrap(), 200);
    assert_eq!(opts.session.auth_requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_login_is_shared_by_waiting_tasks_but_not_remembered() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {"code": 401, "title": "Unauthorized",
                "message": "The request you have made requires authentication."}}))
                .set_delay(Duration::from_millis(200)),
        )
        .mount(&server)
        .await;
    let opts = options(ping_config(&server));
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(10));
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (opts, barrier) = (opts.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let client = Client::new(opts).unwrap();
            barrier.wait().await;
            ping(&client).await
        }));
    }
    for t in tasks {
        let err = t.await.unwrap().unwrap_err();
        assert_eq!(err.status(), Some(401), "{err}");
    }
    assert_eq!(
        received(&server, "POST", "/identity/v3/auth/tokens")
            .await
            .len(),
        1,
        "one wrong-password attempt, not ten"
    );
    // A call that starts after the failure tries again.
    let err = ping(&Client::new(opts.clone()).unwrap()).await.unwrap_err();
    assert!(matches!(err, Error::Auth { .. }));
    assert_eq!(opts.session.auth_requests(), 2);
}
