//! Connection quirks of real servers, reproduced byte for byte with a raw listener (tests/common/wire.rs):
//! stray chunk terminators after a 204, stale keep-alive connections, resets before and after the
//! request was read, oversized answers, Retry-After, timeouts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/wire.rs"]
mod wire;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{mount_keystone, password_config};
use stackclient::{
    Client, ClientOptions, Error, Method, RetryPolicy, ServiceType, Session, TransportPhase,
};
use wire::{Act, Before, Wire, json};
use wiremock::MockServer;

/// The exact bytes real Neutron 28 (uWSGI 2.0.31) answers to `DELETE /v2.0/routers/{id}`, captured on
/// the loopback cloud: a 204 that announces a chunked body and sends its terminator.
const NEUTRON_DELETE_204: &[u8] = b"HTTP/1.1 204 No Content\r\nx-openstack-request-id: req-2abd513b-4646-4319-a9d7-97fce31bb1e2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";

fn svc() -> ServiceType {
    ServiceType::new("svc")
}

/// Keystone on wiremock; the service under test on the raw listener.
async fn client_for(wire: &Wire, tune: impl FnOnce(ClientOptions) -> ClientOptions) -> Client {
    let keystone = MockServer::start().await;
    mount_keystone(&keystone, "tok-reliability-7f3a").await;
    let cfg =
        password_config(&keystone).with_endpoint_override("svc", format!("{}/svc", wire.base));
    let opts = ClientOptions::new(Session::new(cfg))
        .retry(RetryPolicy::default().backoff(Duration::from_millis(5), Duration::from_millis(20)));
    let client = Client::new(tune(opts)).unwrap();
    // Keep the Keystone mock alive for the whole test.
    std::mem::forget(keystone);
    client
}

#[tokio::test]
async fn neutron_204_with_a_chunk_terminator_does_not_break_the_next_call() {
    let wire = wire::start(|r| match r.method.as_str() {
        "DELETE" => Act::Answer(NEUTRON_DELETE_204.to_vec()),
        _ => Act::Answer(json("200 OK", r#"{"networks": []}"#)),
    })
    .await;
    let client = client_for(&wire, |o| o.retry(RetryPolicy::none())).await;
    for round in 0..10 {
        let deleted = client
            .request(svc(), Method::Delete, &format!("v2.0/routers/r{round}"))
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 204);
        assert_eq!(
            deleted.request_id().as_deref(),
            Some("req-2abd513b-4646-4319-a9d7-97fce31bb1e2")
        );
        let listed: serde_json::Value = client
            .request(svc(), Method::Get, "v2.0/networks")
            .send()
            .await
            .unwrap_or_else(|e| panic!("round {round}: {e}"))
            .json()
            .unwrap();
        assert_eq!(listed, serde_json::json!({"networks": []}));
    }
    // 20 requests, each seen once, all on one connection: nothing was resent, nothing reconnected.
    let seen = wire.requests();
    assert_eq!(seen.len(), 20);
    assert_eq!(wire.connection_count(), 1);
    assert!(seen.iter().all(|r| r.conn == 1));
}

#[tokio::test]
async fn a_terminator_arriving_late_or_after_put_and_head_is_removed_too() {
    let head = b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let split_head = head.clone();
    let wire = wire::start(move |r| match (r.method.as_str(), r.path.as_str()) {
        // The terminator comes 50 ms after the head, when the client has moved on.
        ("PUT", _) => Act::AnswerSplit(
            split_head.clone(),
            Duration::from_millis(50),
            b"0\r\n\r\n".to_vec(),
        ),
        ("HEAD", _) => Act::Answer(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n0\r\n\r\n"
                .to_vec(),
        ),
        _ => Act::Answer(json("200 OK", r#"{"ok": true}"#)),
    })
    .await;
    let client = client_for(&wire, |o| o.retry(RetryPolicy::none())).await;
    for _ in 0..3 {
        let put = client
            .request(svc(), Method::Put, "v2.0/networks/n1/tags/blue")
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 204);
        tokio::time::sleep(Duration::from_millis(80)).await;
        let head = client
            .request(svc(), Method::Head, "v2.0/networks")
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200);
        let got: serde_json::Value = client
            .request(svc(), Method::Get, "v2.0/networks")
            .send()
            .await
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(got["ok"], true);
    }
    assert_eq!(wire.requests().len(), 9);
    assert_eq!(wire.connection_count(), 1);
}

#[tokio::test]
async fn a_stale_keep_alive_connection_is_replaced_once_for_idempotent_calls() {
    // Every connection carries one answer; the next request on it is dropped unread (RST), as a
    // server that closed the idle connection just as the request was written.
    let wire = wire::start_with(
        |_, nth| {
            if nth >= 2 {
                Before::CloseUnread
            } else {
                Before::Read
            }
        },
        |_| Act::Answer(json("200 OK", r#"{"servers": []}"#)),
    )
    .await;
    // No retries in the policy: the one resend on a fresh connection is not a policy retry.
    let client = client_for(&wire, |o| o.retry(RetryPolicy::none())).await;
    for n in 0..20 {
        let got = client
            .request(svc(), Method::Get, "servers")
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {n}: {e}"));
        assert_eq!(got.status(), 200);
    }
    // Each GET was read once; 19 were first written on a stale connection the server dropped unread.
    assert_eq!(wire.requests().len(), 20);
    assert_eq!(wire.dropped_unread.load(Ordering::SeqCst), 19);
    assert_eq!(wire.connection_count(), 20);
}

#[tokio::test]
async fn a_post_on_a_stale_connection_is_not_resent_and_may_have_been_applied() {
    let wire = wire::start_with(
        |_, nth| {
            if nth >= 2 {
                Before::CloseUnread
            } else {
                Before::Read
            }
        },
        |_| Act::Answer(json("200 OK", "{}")),
    )
    .await;
    let client = client_for(&wire, |o| o).await;
    client
        .request(svc(), Method::Get, "servers")
        .send()
        .await
        .unwrap();
    let err = client
        .request(svc(), Method::Post, "servers")
        .json(&serde_json::json!({"server": {"name": "web-1"}}))
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            phase, attempts, ..
        } => {
            assert_eq!(*phase, TransportPhase::NoAnswer);
            assert_eq!(*attempts, 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.may_have_been_applied());
    assert_eq!(
        err.to_string(),
        format!(
            "POST {}/svc/servers: the server closed a reused connection before answering; the request was sent and may have been applied (after 1 attempt(s))",
            wire.base
        )
    );
    // The POST was never sent a second time.
    assert_eq!(wire.dropped_unread.load(Ordering::SeqCst), 1);
    assert_eq!(wire.connection_count(), 1);
}

#[tokio::test]
async fn a_reset_after_the_request_was_read_may_have_been_applied() {
    let wire = wire::start(|r| match r.method.as_str() {
        "POST" => Act::Reset,
        _ => Act::Close,
    })
    .await;
    let client = client_for(&wire, |o| o).await;
    let err = client
        .request(svc(), Method::Post, "servers")
        .json(&serde_json::json!({"server": {"name": "web-1"}}))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                phase: TransportPhase::NoAnswer,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.may_have_been_applied());
    assert_eq!(
        err.to_string(),
        format!(
            "POST {}/svc/servers: the connection closed after the request was sent, before any answer; the request was sent and may have been applied (after 1 attempt(s))",
            wire.base
        )
    );
    assert_eq!(wire.requests().len(), 1, "a POST is never resent");

    // A GET the server reads and then closes on is retried under the policy (4 attempts).
    let err = client
        .request(svc(), Method::Get, "servers")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                phase: TransportPhase::NoAnswer,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(wire.requests().len(), 5);
    assert_eq!(wire.connection_count(), 5);
}

#[tokio::test]
async fn an_answer_cut_short_is_unreadable_and_was_applied() {
    let wire = wire::start(|_| {
        Act::AnswerThenClose(
            b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"server\": {"
                .to_vec(),
        )
    })
    .await;
    let client = client_for(&wire, |o| o).await;
    let err = client
        .request(svc(), Method::Post, "servers")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                phase: TransportPhase::AnswerUnreadable,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.may_have_been_applied());
    assert!(
        err.to_string()
            .ends_with("the connection failed while the answer was read; the service answered, so the request may have been applied (after 1 attempt(s))"),
        "{err}"
    );
}

#[tokio::test]
async fn connect_refused_was_not_sent() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let keystone = MockServer::start().await;
    mount_keystone(&keystone, "tok").await;
    let cfg = password_config(&keystone)
        .with_endpoint_override("svc", format!("http://127.0.0.1:{port}/svc"));
    let client =
        Client::new(ClientOptions::new(Session::new(cfg)).retry(RetryPolicy::none())).unwrap();
    let err = client
        .request(svc(), Method::Post, "servers")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Transport {
            phase: TransportPhase::NotSent,
            ..
        }
    ));
    assert!(!err.may_have_been_applied());
}

#[tokio::test]
async fn answers_over_max_response_bytes_fail_while_reading() {
    let written = Arc::new(AtomicUsize::new(0));
    let w = written.clone();
    let wire = wire::start(move |r| match r.path.as_str() {
        "/svc/declared" => Act::Stream {
            head: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 209715200\r\n\r\n".into(),
            len: 200 << 20,
            written: Arc::new(AtomicUsize::new(0)),
        },
        _ => Act::Stream {
            // No length announced: the body runs until the server closes.
            head: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".into(),
            len: 200 << 20,
            written: w.clone(),
        },
    })
    .await;
    let client = client_for(&wire, |o| o.max_response_bytes(1 << 20)).await;
    let err = client
        .request(svc(), Method::Get, "declared")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 1048576,
                declared: Some(209715200),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/svc/declared: the answer is larger than 1048576 bytes (Content-Length 209715200) (raise ClientOptions::max_response_bytes)",
            wire.base
        )
    );
    let err = client
        .request(svc(), Method::Get, "streamed")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 1048576,
                declared: None,
                ..
            }
        ),
        "{err:?}"
    );
    // The client stopped reading near the limit: the server could write little more than the limit
    // plus the sockets' buffers, far from the 200 MiB it had to send.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = written.load(Ordering::SeqCst);
    assert!(sent < 32 << 20, "server wrote {sent} bytes");
}

#[tokio::test]
async fn a_long_retry_after_returns_at_once_with_the_hint() {
    let wire = wire::start(|r| match r.path.as_str() {
        "/svc/slow-down" => Act::Answer(
            b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Type: application/json\r\nContent-Length: 58\r\n\r\n{\"overLimit\": {\"code\": 429, \"message\": \"Over the limit.\"}}"
                .to_vec(),
        ),
        _ => Act::Answer(
            b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ),
    })
    .await;
    let client = client_for(&wire, |o| o).await;
    let started = Instant::now();
    let err = client
        .request(svc(), Method::Get, "slow-down")
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    let api = err.as_api().unwrap();
    assert_eq!(api.status, 429);
    assert_eq!(api.attempts, 1);
    assert_eq!(api.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(api.message, "Over the limit.");
    assert!(err.to_string().ends_with("(retry after 3600 s)"), "{err}");

    // Retries off: the hint is still there.
    let no_retry = client_for(&wire, |o| o.retry(RetryPolicy::none())).await;
    let err = no_retry
        .request(svc(), Method::Get, "busy")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.as_api().unwrap().retry_after(),
        Some(Duration::from_secs(2))
    );

    // A wait longer than what is left of the deadline is not started.
    let short = client_for(&wire, |o| {
        o.retry(RetryPolicy::default().total_deadline(Duration::from_secs(1)))
    })
    .await;
    let started = Instant::now();
    let err = short
        .request(svc(), Method::Get, "busy")
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(err.as_api().unwrap().attempts, 1);
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn timeouts_name_the_setting_that_fired() {
    let wire = wire::start(|_| Act::Hang).await;
    let client = client_for(&wire, |o| o.timeout(Duration::from_millis(300))).await;
    let err = client
        .request(svc(), Method::Get, "servers")
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Timeout {
            setting,
            after,
            connecting,
            ..
        } => {
            assert_eq!(*setting, "ClientOptions::timeout");
            assert_eq!(*after, Duration::from_millis(300));
            assert!(!connecting);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.may_have_been_applied());
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/svc/servers: no complete answer within 300ms (set by ClientOptions::timeout) after 1 attempt(s)",
            wire.base
        )
    );

    // A TLS endpoint whose server never speaks: the connect timeout (TCP and TLS) fires.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let keystone = MockServer::start().await;
    mount_keystone(&keystone, "tok").await;
    let cfg =
        password_config(&keystone).with_endpoint_override("svc", format!("https://{addr}/svc"));
    let client = Client::new(
        ClientOptions::new(Session::new(cfg))
            .connect_timeout(Duration::from_millis(200))
            .retry(RetryPolicy::none()),
    )
    .unwrap();
    let err = client
        .request(svc(), Method::Post, "servers")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                connecting: true,
                setting: "ClientOptions::connect_timeout",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.may_have_been_applied());
    assert_eq!(
        err.to_string(),
        format!(
            "POST https://{addr}/svc/servers: could not connect within 200ms (set by ClientOptions::connect_timeout) after 1 attempt(s)"
        )
    );
}

/// A token that must never show up in error text (kept apart from tests/secrets.rs, whose tracing
/// test must not share callsites with concurrent tests of its binary).
const ECHOED_TOKEN: &str = "TOKENVALUE-echoed-5c2e";

#[tokio::test]
async fn success_bodies_that_echo_the_token_do_not_leak_it_into_errors_or_debug() {
    let server = MockServer::start().await;
    mount_keystone(&server, ECHOED_TOKEN).await;
    // A 2xx HTML page (a proxy's) that echoes the request headers.
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/svc/html"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .set_body_string(format!(
                    "<html><pre>X-Auth-Token: {ECHOED_TOKEN}</pre></html>"
                )),
        )
        .mount(&server)
        .await;
    // A 2xx JSON whose wrong-typed field holds the token: serde quotes the value it rejects.
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/svc/json"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"count": ECHOED_TOKEN})),
        )
        .mount(&server)
        .await;
    let cfg =
        password_config(&server).with_endpoint_override("svc", format!("{}/svc", server.uri()));
    let client = Client::new(common::options(cfg)).unwrap();
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Counted {
        count: u32,
    }
    let html = client
        .request(ServiceType::new("svc"), Method::Get, "html")
        .send()
        .await
        .unwrap();
    let shown = format!("{html:?}");
    assert!(!shown.contains(ECHOED_TOKEN), "{shown}");
    let e1 = html.json::<Counted>().unwrap_err();
    assert!(matches!(e1, stackclient::Error::Decode { .. }), "{e1:?}");
    assert!(e1.to_string().contains("[REDACTED]"), "{e1}");
    let e2 = client
        .request(ServiceType::new("svc"), Method::Get, "json")
        .send()
        .await
        .unwrap()
        .json::<Counted>()
        .unwrap_err();
    assert_eq!(
        e2.to_string(),
        format!(
            "GET {}/svc/json: cannot decode response at `count`: invalid type: string \"[REDACTED]\", expected u32 at line 1 column 33",
            server.uri()
        )
    );
    for e in [&e1, &e2] {
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(!text.contains(ECHOED_TOKEN), "{text}");
        }
    }
}
