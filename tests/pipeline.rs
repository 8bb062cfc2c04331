//! The request pipeline: URL joining, headers, request ids, fault bodies, retries, decode errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;
use stackclient::{Client, Error, Method, RetryPolicy, ServiceType};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    let cfg =
        password_config(&server).with_endpoint_override("svc", format!("{}/svc/", server.uri()));
    (server, Client::new(options(cfg)).unwrap())
}

fn svc() -> ServiceType {
    ServiceType::new("svc")
}

#[tokio::test]
async fn path_segments_are_encoded_once_and_headers_set() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/svc/os-keypairs/my%20key"))
        .and(query_param("name", "a b&c"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-compute-request-id", "req-c-1")
                .set_body_json(json!({"k": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let resp = client
        .request(svc(), Method::Get, "os-keypairs/my key")
        .query("name", "a b&c")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.request_id().as_deref(), Some("req-c-1"));
    assert_eq!(resp.json::<serde_json::Value>().unwrap(), json!({"k": 1}));
    let reqs = received(&server, "GET", "/svc/os-keypairs/my%20key").await;
    assert_eq!(header(&reqs[0], "x-auth-token"), Some("tok"));
    assert_eq!(header(&reqs[0], "accept"), Some("application/json"));
    assert_eq!(
        header(&reqs[0], "user-agent"),
        Some(concat!("stackclient/", env!("CARGO_PKG_VERSION")))
    );
    assert!(
        reqs[0]
            .url
            .as_str()
            .ends_with("/svc/os-keypairs/my%20key?name=a+b%26c")
    );
}

#[tokio::test]
async fn json_body_and_content_type() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/svc/things"))
        .and(wiremock::matchers::body_json(
            json!({"thing": {"name": "x"}}),
        ))
        .and(wiremock::matchers::header(
            "content-type",
            "application/json",
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let r = client
        .request(svc(), Method::Post, "things")
        .json(&json!({"thing": {"name": "x"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

async fn fault(status: u16, content_type: &str, body: &str) -> Error {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/svc/x"))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("x-openstack-request-id", "req-err-1")
                .set_body_raw(body.as_bytes().to_vec(), content_type),
        )
        .mount(&server)
        .await;
    client
        .request(svc(), Method::Get, "x")
        .query("secretish", "q")
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn nova_neutron_keystone_html_plain_and_empty_faults() {
    let e = fault(
        404,
        "application/json",
        r#"{"itemNotFound": {"code": 404, "message": "Instance 9 could not be found."}}"#,
    )
    .await;
    let api = e.as_api().unwrap();
    assert_eq!(api.status, 404);
    assert_eq!(api.code.as_deref(), Some("itemNotFound"));
    assert_eq!(api.message, "Instance 9 could not be found.");
    assert_eq!(api.request_id.as_deref(), Some("req-err-1"));
    assert_eq!(api.method, "GET");
    assert!(api.url.ends_with("/svc/x"), "{}", api.url);
    assert!(e.is_not_found() && !e.is_conflict());
    assert_eq!(e.request_id(), Some("req-err-1"));
    let shown = e.to_string();
    assert!(
        !shown.contains('\n') && !shown.contains("secretish"),
        "{shown}"
    );
    assert!(
        shown.ends_with("404 itemNotFound: Instance 9 could not be found. (request id req-err-1)"),
        "{shown}"
    );

    let e = fault(
        500,
        "application/json",
        r#"{"computeFault": {"code": 500, "message": "Unexpected API Error."}}"#,
    )
    .await;
    assert_eq!(e.as_api().unwrap().code.as_deref(), Some("computeFault"));

    let e = fault(409, "application/json", r#"{"NeutronError": {"type": "IpAddressInUse", "message": "IP in use.", "detail": "on net x"}}"#).await;
    let api = e.as_api().unwrap();
    assert!(e.is_conflict());
    assert_eq!(
        (
            api.code.as_deref(),
            api.message.as_str(),
            api.detail.as_deref()
        ),
        (Some("IpAddressInUse"), "IP in use.", Some("on net x"))
    );

    let e = fault(
        403,
        "application/json",
        r#"{"error": {"code": 403, "title": "Forbidden", "message": "You are not authorized."}}"#,
    )
    .await;
    assert_eq!(e.as_api().unwrap().message, "You are not authorized.");

    let e = fault(
        502,
        "text/html",
        "<html><head><title>502 Proxy Error</title></head><body><h1>Proxy Error</h1></body></html>",
    )
    .await;
    let api = e.as_api().unwrap();
    assert_eq!(api.message, "502 Proxy Error");
    assert!(api.body_snippet.contains("Proxy Error"));

    let e = fault(400, "text/plain", "bad things\nhappened").await;
    assert_eq!(e.as_api().unwrap().message, "bad things happened");

    let e = fault(500, "application/json", "").await;
    assert_eq!(e.as_api().unwrap().message, "empty 500 response");
}

#[tokio::test]
async fn decode_errors_name_the_field() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/svc/x"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"items": [{"n": 1}, {"n": "two"}]}"#),
        )
        .mount(&server)
        .await;
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Items {
        items: Vec<N>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct N {
        n: u32,
    }
    let err = client
        .request(svc(), Method::Get, "x")
        .send()
        .await
        .unwrap()
        .json::<Items>()
        .unwrap_err();
    match err {
        Error::Decode { path, .. } => assert_eq!(path, "items[1].n"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn idempotent_requests_retry_503_then_succeed() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/svc/x"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/svc/x"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    assert_eq!(
        client
            .request(svc(), Method::Get, "x")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(received(&server, "GET", "/svc/x").await.len(), 3);
}

#[tokio::test]
async fn post_is_never_retried_on_status() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/svc/x"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client
        .request(svc(), Method::Post, "x")
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.as_api().unwrap().attempts, 1);
    assert_eq!(received(&server, "POST", "/svc/x").await.len(), 1);
}

#[tokio::test]
async fn attempts_are_bounded_and_reported() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/svc/x"))
        .respond_with(ResponseTemplate::new(429).set_body_string("slow down"))
        .mount(&server)
        .await;
    let err = client
        .request(svc(), Method::Delete, "x")
        .send()
        .await
        .unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.attempts, 4);
    assert!(err.to_string().ends_with("after 4 attempts"), "{err}");
    assert_eq!(received(&server, "DELETE", "/svc/x").await.len(), 4);
}

#[tokio::test]
async fn retry_after_seconds_and_http_date_are_honoured() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/svc/x"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/svc/x"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let started = Instant::now();
    assert_eq!(
        client
            .request(svc(), Method::Put, "x")
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );

    // An HTTP-date in the past means "now".
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/svc/y"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/svc/y"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    assert_eq!(
        client
            .request(svc(), Method::Get, "y")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn retry_deadline_stops_long_retry_after() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    let cfg =
        password_config(&server).with_endpoint_override("svc", format!("{}/svc", server.uri()));
    let opts =
        options(cfg).retry(RetryPolicy::default().total_deadline(Duration::from_millis(500)));
    let client = Client::new(opts).unwrap();
    Mock::given(method("GET"))
        .and(path("/svc/x"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "30"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = client
        .request(svc(), Method::Get, "x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.as_api().unwrap().attempts, 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn connect_errors_are_retried_then_reported_as_transport() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let cfg = password_config(&server)
        .with_endpoint_override("svc", format!("http://127.0.0.1:{port}/svc"));
    let client = Client::new(options(cfg)).unwrap();
    let err = client
        .request(svc(), Method::Get, "x")
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            attempts,
            method,
            url,
            ..
        } => {
            assert_eq!(*attempts, 4);
            assert_eq!(method, "GET");
            assert_eq!(url, &format!("http://127.0.0.1:{port}/svc/x"));
        }
        other => panic!("{other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    assert!(!err.may_have_been_applied());
    assert_eq!(
        err.to_string(),
        format!(
            "GET http://127.0.0.1:{port}/svc/x: could not connect; the request was not sent (after 4 attempt(s))"
        )
    );
}

#[tokio::test]
async fn timeouts_are_reported_as_timeout() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    Mock::given(method("GET"))
        .and(path("/svc/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let cfg =
        password_config(&server).with_endpoint_override("svc", format!("{}/svc", server.uri()));
    let client = Client::new(options(cfg).timeout(Duration::from_millis(200))).unwrap();
    let err = client
        .request(svc(), Method::Get, "slow")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn dot_segments_in_raw_paths_are_refused_before_sending() {
    let (server, client) = setup().await;
    for p in ["servers/../flavors", ".", "a/./b"] {
        let err = client
            .request(svc(), Method::Delete, p)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{p}: {err:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
