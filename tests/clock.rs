//! Token freshness on Keystone's clock: clock skew, tokens stale on arrival, an injectable clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, SecondsFormat, Utc};
use common::*;
use serde_json::json;
use stackclient::{Client, Error, Method, ServiceType};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A token answer with explicit `issued_at`, `expires_at` and (when given) `Date` header.
fn token_at(
    server: &MockServer,
    token: &str,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    date: Option<DateTime<Utc>>,
) -> ResponseTemplate {
    let mut body = fixture(
        "identity/token_password_project.json",
        &server.uri(),
        std::time::Duration::from_secs(3600),
    );
    body["token"]["issued_at"] = json!(ts(issued_at));
    body["token"]["expires_at"] = json!(ts(expires_at));
    let mut r = ResponseTemplate::new(201)
        .insert_header("X-Subject-Token", token)
        .set_body_json(body);
    if let Some(d) = date {
        r = r.insert_header("Date", httpdate::fmt_http_date(d.into()).as_str());
    }
    r
}

async fn mount_ping(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/ping/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
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

async fn token_posts(server: &MockServer) -> usize {
    received(server, "POST", "/identity/v3/auth/tokens")
        .await
        .len()
}

/// 10 tasks × 3 calls, each task with its own client; returns the number of token requests.
async fn ten_tasks_three_calls(opts: stackclient::ClientOptions) {
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(10));
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (opts, barrier) = (opts.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let client = Client::new(opts).unwrap();
            barrier.wait().await;
            for _ in 0..3 {
                assert_eq!(ping(&client).await.unwrap(), 200);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_clock_two_hours_ahead_of_keystone_fetches_one_token() {
    let server = MockServer::start().await;
    // Keystone's clock is two hours behind ours: its token expires in an hour on its clock, which
    // is an hour ago on ours.
    let keystone_now = Utc::now() - chrono::Duration::hours(2);
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(token_at(
            &server,
            "tok",
            keystone_now,
            keystone_now + chrono::Duration::hours(1),
            Some(keystone_now),
        ))
        .mount(&server)
        .await;
    mount_ping(&server).await;
    let opts = options(ping_config(&server));
    ten_tasks_three_calls(opts.clone()).await;
    assert_eq!(token_posts(&server).await, 1);
    assert_eq!(received(&server, "GET", "/ping/things").await.len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_already_expired_on_keystones_clock_is_used_until_rejected() {
    let server = MockServer::start().await;
    // Keystone's own clock says the token it hands out expired 10 s ago.
    let now = Utc::now();
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(token_at(
            &server,
            "tok",
            now - chrono::Duration::hours(1),
            now - chrono::Duration::seconds(10),
            Some(now),
        ))
        .mount(&server)
        .await;
    mount_ping(&server).await;
    let opts = options(ping_config(&server));
    ten_tasks_three_calls(opts.clone()).await;
    assert_eq!(token_posts(&server).await, 1);
    assert_eq!(received(&server, "GET", "/ping/things").await.len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_arriving_inside_the_margin_is_replaced_once_then_kept() {
    let server = MockServer::start().await;
    // Like a token-method login: every answer inherits the same expires_at, 60 s away (inside the
    // 120 s margin; issued an hour ago, so the margin is not capped).
    let now = Utc::now();
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(token_at(
            &server,
            "tok",
            now - chrono::Duration::hours(1),
            now + chrono::Duration::seconds(60),
            Some(now),
        ))
        .mount(&server)
        .await;
    mount_ping(&server).await;
    let opts = options(ping_config(&server));
    ten_tasks_three_calls(opts.clone()).await;
    // One login, one more attempt for a better token (same expires_at): then it is kept.
    assert_eq!(token_posts(&server).await, 2);
    assert_eq!(opts.session.auth_requests(), 2);
    assert_eq!(received(&server, "GET", "/ping/things").await.len(), 30);
}

const T0: &str = "2031-05-04T12:00:00Z";

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(T0)
        .unwrap()
        .with_timezone(&Utc)
}

/// Keystone whose clock reads `keystone_t0` when the session's manual clock reads `t0()`: `tok-1`
/// (valid an hour on Keystone's clock) first, then `tok-2`, issued when the session's clock reads
/// `t0() + second_after`. Services accept both; any other token gets a 401.
async fn keystone_with_clock(server: &MockServer, keystone_t0: DateTime<Utc>, second_after: i64) {
    let hour = chrono::Duration::hours(1);
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(token_at(
            server,
            "tok-1",
            keystone_t0,
            keystone_t0 + hour,
            Some(keystone_t0),
        ))
        .up_to_n_times(1)
        .mount(server)
        .await;
    let k2 = keystone_t0 + chrono::Duration::seconds(second_after);
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(token_at(server, "tok-2", k2, k2 + hour, Some(k2)))
        .mount(server)
        .await;
    for tok in ["tok-1", "tok-2"] {
        Mock::given(method("GET"))
            .and(path("/ping/things"))
            .and(header("x-auth-token", tok))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .with_priority(1)
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/ping/things"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": {"code": 401, "title": "Unauthorized", "message": "expired"}}),
        ))
        .with_priority(5)
        .mount(server)
        .await;
}

async fn ping_tokens(server: &MockServer) -> Vec<String> {
    received(server, "GET", "/ping/things")
        .await
        .iter()
        .map(|r| common::header(r, "x-auth-token").unwrap_or("").to_string())
        .collect()
}

/// Runs the margin scenario: returns after asserting the refresh happened at the margin.
async fn refresh_at_margin(keystone_t0: DateTime<Utc>) {
    let server = MockServer::start().await;
    keystone_with_clock(&server, keystone_t0, 3485).await;
    let clock = stackclient::ManualClock::new(t0());
    let session = stackclient::Session::new(ping_config(&server)).with_clock(clock.clone());
    let opts = stackclient::ClientOptions::new(session.clone());
    let client = Client::new(opts).unwrap();

    assert_eq!(ping(&client).await.unwrap(), 200);
    assert_eq!(session.clock_offset(), Some(keystone_t0 - t0()));
    // 125 s before expiry on Keystone's clock: still outside the 120 s margin.
    clock.advance(std::time::Duration::from_secs(3475));
    assert_eq!(ping(&client).await.unwrap(), 200);
    assert_eq!(token_posts(&server).await, 1);
    // 115 s before expiry: inside the margin, replaced before any service sees it expire.
    clock.advance(std::time::Duration::from_secs(10));
    assert_eq!(ping(&client).await.unwrap(), 200);
    assert_eq!(token_posts(&server).await, 2);
    assert_eq!(session.auth_requests(), 2);
    // Three service calls, no 401 round trip, never the stale token after the margin.
    assert_eq!(ping_tokens(&server).await, ["tok-1", "tok-1", "tok-2"]);
    assert_eq!(
        session.auth_info().unwrap().expires_at,
        keystone_t0 + chrono::Duration::seconds(3485 + 3600)
    );
    // And the new token is kept: no further login.
    clock.advance(std::time::Duration::from_secs(1800));
    assert_eq!(ping(&client).await.unwrap(), 200);
    assert_eq!(token_posts(&server).await, 2);
}

#[tokio::test]
async fn manual_clock_token_is_refreshed_at_the_margin_without_a_401() {
    refresh_at_margin(t0()).await;
}

#[tokio::test]
async fn manual_clock_refresh_is_judged_on_keystones_clock_when_it_is_two_hours_behind() {
    // Without the skew correction the first token would look expired an hour ago.
    refresh_at_margin(t0() - chrono::Duration::hours(2)).await;
}

#[tokio::test]
async fn manual_clock_refresh_is_judged_on_keystones_clock_when_it_is_two_hours_ahead() {
    // Without the skew correction the token would be used an hour past its expiry (401s).
    refresh_at_margin(t0() + chrono::Duration::hours(2)).await;
}
