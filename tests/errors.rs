//! What errors copy from response bodies: every piece is capped (issue 6 item 6), and only real HTML
//! is stripped from fault messages (issue 6 item 13). Each test goes through the real pipeline against
//! a wiremock server and checks the error kind, its predicates, its fields and its one-line Display.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use stackclient::compute::ServerStatus;
use stackclient::error::{MAX_CODE_CHARS, MAX_MESSAGE_CHARS, MAX_PATH_CHARS};
use stackclient::{Client, Error, Method, ServiceType, WaitOptions};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// 200 KB, the size of the Display that prompted the item.
const BIG: usize = 200 * 1024;
/// What "a few KB" means for a whole Display line.
const DISPLAY_LIMIT: usize = 4 * 1024;

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    let cfg =
        password_config(&server).with_endpoint_override("svc", format!("{}/svc/", server.uri()));
    (server, Client::new(options(cfg)).unwrap())
}

async fn get_error(server: &MockServer, client: &Client, answer: ResponseTemplate) -> Error {
    Mock::given(method("GET"))
        .and(path("/svc/thing"))
        .respond_with(answer)
        .mount(server)
        .await;
    client
        .request(ServiceType::new("svc"), Method::Get, "thing")
        .send()
        .await
        .unwrap_err()
}

/// One line, at most [`DISPLAY_LIMIT`] bytes.
#[track_caller]
fn assert_short_line(e: &Error) -> String {
    let shown = e.to_string();
    assert!(
        shown.len() <= DISPLAY_LIMIT,
        "Display is {} bytes: {}…",
        shown.len(),
        &shown[..200]
    );
    assert!(!shown.contains('\n'), "{shown}");
    shown
}

/// `s` has exactly `max` characters and then `…`.
#[track_caller]
fn assert_cut_at(s: &str, max: usize) {
    assert_eq!(s.chars().count(), max + 1, "{s}");
    assert!(s.ends_with('…'), "{s}");
}

#[tokio::test]
async fn a_200_kb_nova_fault_is_capped_in_every_field_and_display() {
    let (server, client) = setup().await;
    let name = format!("itemNotFound{}", "N".repeat(BIG));
    // Multi-byte characters so that a cut on a byte index would panic or corrupt.
    let message = format!("Instance é{}", "é".repeat(BIG / 2));
    let body = json!({ name.clone(): {"code": 404, "message": message} });
    let err = get_error(
        &server,
        &client,
        ResponseTemplate::new(404)
            .insert_header("x-compute-request-id", "req-big-1")
            .set_body_json(body),
    )
    .await;
    assert!(err.is_not_found());
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.request_id(), Some("req-big-1"));
    let api = err.as_api().expect("an ApiError");
    let code = api.code.as_deref().unwrap();
    assert_cut_at(code, MAX_CODE_CHARS);
    assert!(code.starts_with("itemNotFoundNNN"));
    assert_cut_at(&api.message, MAX_MESSAGE_CHARS);
    assert!(api.message.starts_with("Instance éééé"));
    assert_cut_at(&api.body_snippet, MAX_MESSAGE_CHARS);
    let shown = assert_short_line(&err);
    assert_eq!(
        shown,
        format!(
            "GET {}/svc/thing: 404 {code}: {} (request id req-big-1)",
            server.uri(),
            api.message
        )
    );
    // 512 + 128 characters of text, plus the method, URL and request id.
    assert!(shown.chars().count() < 800, "{}", shown.chars().count());
}

#[tokio::test]
async fn a_200_kb_neutron_detail_and_type_are_capped() {
    let (server, client) = setup().await;
    let body = json!({"NeutronError": {
        "type": "T".repeat(BIG),
        "message": "m ".repeat(BIG / 2),
        "detail": "d".repeat(BIG),
    }});
    let err = get_error(
        &server,
        &client,
        ResponseTemplate::new(409).set_body_json(body),
    )
    .await;
    assert!(err.is_conflict());
    let api = err.as_api().unwrap();
    assert_cut_at(api.code.as_deref().unwrap(), MAX_CODE_CHARS);
    assert_cut_at(&api.message, MAX_MESSAGE_CHARS);
    assert!(api.message.starts_with("m m m"));
    assert_cut_at(api.detail.as_deref().unwrap(), MAX_MESSAGE_CHARS);
    assert_short_line(&err);
}

#[tokio::test]
async fn a_200_kb_html_page_gives_a_short_error() {
    let (server, client) = setup().await;
    // No <title>/<h1>: the text of the page is used, tags stripped, capped.
    let page = format!(
        "<html><body><p>Proxy Error</p>{}</body></html>",
        "<div>filler text</div>\n".repeat(BIG / 20)
    );
    assert!(page.len() >= BIG);
    let err = get_error(
        &server,
        &client,
        ResponseTemplate::new(502).set_body_raw(page, "text/html"),
    )
    .await;
    assert_eq!(err.status(), Some(502));
    let api = err.as_api().unwrap();
    assert_eq!(api.code, None);
    assert!(
        api.message
            .starts_with("Proxy Error filler text filler text"),
        "{}",
        api.message
    );
    assert_cut_at(&api.message, MAX_MESSAGE_CHARS);
    assert_cut_at(&api.body_snippet, MAX_MESSAGE_CHARS);
    let shown = assert_short_line(&err);
    assert!(
        shown.starts_with(&format!(
            "GET {}/svc/thing: 502: Proxy Error filler",
            server.uri()
        )),
        "{shown}"
    );

    // A 200 KB <title>.
    let (server, client) = setup().await;
    let page = format!(
        "<html><head><title>{}</title></head></html>",
        "Bad Gateway ".repeat(BIG / 12)
    );
    let err = get_error(
        &server,
        &client,
        ResponseTemplate::new(502).set_body_raw(page, "text/html"),
    )
    .await;
    let api = err.as_api().unwrap();
    assert!(api.message.starts_with("Bad Gateway Bad Gateway"));
    assert_cut_at(&api.message, MAX_MESSAGE_CHARS);
    assert_short_line(&err);
}

#[tokio::test]
async fn a_200_kb_value_in_a_2xx_body_gives_a_short_decode_error() {
    let (server, client) = setup().await;
    let key = "k".repeat(BIG);
    Mock::given(method("GET"))
        .and(path("/svc/thing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "n": "x".repeat(BIG),
            "m": { key: 1 },
        })))
        .mount(&server)
        .await;
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Expect {
        n: u32,
    }
    let resp = client
        .request(ServiceType::new("svc"), Method::Get, "thing")
        .send()
        .await
        .unwrap();
    let err = resp.json::<Expect>().unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "n");
            assert!(
                message.starts_with("invalid type: string \"xxx"),
                "{message}"
            );
            assert_cut_at(message, MAX_MESSAGE_CHARS);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status(), None);
    assert_short_line(&err);

    // A 200 KB key in the path.
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Nested {
        m: std::collections::HashMap<String, String>,
    }
    let err = resp.json::<Nested>().unwrap_err();
    match &err {
        Error::Decode { path, .. } => {
            assert!(path.starts_with("m.kkk"), "{path}");
            assert_cut_at(path, MAX_PATH_CHARS);
        }
        other => panic!("{other:?}"),
    }
    assert_short_line(&err);
}

#[tokio::test]
async fn a_200_kb_keystone_message_gives_a_short_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-openstack-request-id", "req-ks-big")
                .set_body_json(json!({"error": {
                    "code": 401, "title": "Unauthorized", "message": "No. ".repeat(BIG / 4)
                }})),
        )
        .mount(&server)
        .await;
    let err = client(&server).authenticate().await.unwrap_err();
    match &err {
        Error::Auth {
            status, message, ..
        } => {
            assert_eq!(*status, Some(401));
            assert!(message.starts_with("No. No. No."), "{message}");
            // Keystone's part is cut at the cap; the login hint follows it, whole.
            let (keystone, hint) = message.split_once('…').unwrap();
            assert_eq!(keystone.chars().count(), MAX_MESSAGE_CHARS, "{keystone}");
            assert!(
                hint.starts_with(" (likely causes: a wrong password"),
                "{hint}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.request_id(), Some("req-ks-big"));
    let shown = assert_short_line(&err);
    assert!(
        shown.starts_with(&format!(
            "authentication failed (401) at {}/identity/v3/auth/tokens: No. No.",
            server.uri()
        )),
        "{shown}"
    );
    assert!(
        shown.ends_with("in project_domain_id \"default\")"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_200_kb_server_fault_gives_a_short_wait_error() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    mount_nova_version(&server, "2.60").await;
    let mut body = json_fixture("compute/fault_error_server.json");
    let id = body["server"]["id"].as_str().unwrap().to_string();
    body["server"]["fault"]["message"] = json!(format!(
        "No valid host was found.<br />\n{}",
        "Traceback line\n".repeat(BIG / 15)
    ));
    Mock::given(method("GET"))
        .and(path(format!("/compute/v2.1/servers/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let err = client(&server)
        .compute()
        .servers()
        .wait_for_status_with(
            &id,
            ServerStatus::Active,
            WaitOptions::default().timeout(Duration::from_secs(10)),
        )
        .await
        .unwrap_err();
    match &err {
        Error::WaitFailed { status, fault, .. } => {
            assert_eq!(status, "ERROR");
            let fault = fault.as_deref().unwrap();
            assert!(
                fault.starts_with("500 No valid host was found. Traceback line Traceback line"),
                "{fault}"
            );
            assert_cut_at(fault, MAX_MESSAGE_CHARS);
        }
        other => panic!("{other:?}"),
    }
    let shown = assert_short_line(&err);
    assert!(
        shown.starts_with(&format!(
            "server {id} went to ERROR: 500 No valid host was found. Traceback"
        )),
        "{shown}"
    );
}

#[tokio::test]
async fn display_caps_an_error_built_by_hand() {
    let err = Error::WaitFailed {
        resource: "server",
        id: "s1".into(),
        status: "ERROR".into(),
        fault: Some("f".repeat(BIG)),
    };
    let shown = assert_short_line(&err);
    assert_eq!(
        shown,
        format!(
            "server s1 went to ERROR: {}…",
            "f".repeat(MAX_MESSAGE_CHARS)
        )
    );
}

// ------------------------------------------------------------------------------------------------
// Item 13: only real HTML is stripped
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn nova_class_names_in_angle_brackets_are_kept() {
    let (server, client) = setup().await;
    let message = "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ \
                   and attach the Nova API log if possible.\n<class 'AttributeError'>";
    let err = get_error(
        &server,
        &client,
        ResponseTemplate::new(500).set_body_json(json!({
            "computeFault": {"code": 500, "message": message}
        })),
    )
    .await;
    let api = err.as_api().unwrap();
    assert_eq!(api.code.as_deref(), Some("computeFault"));
    assert_eq!(
        api.message,
        "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach \
         the Nova API log if possible. <class 'AttributeError'>"
    );
    assert_eq!(
        assert_short_line(&err),
        format!(
            "GET {}/svc/thing: 500 computeFault: Unexpected API Error. Please report this at \
             http://bugs.launchpad.net/nova/ and attach the Nova API log if possible. \
             <class 'AttributeError'>",
            server.uri()
        )
    );
}

#[tokio::test]
async fn other_angle_bracket_text_is_kept_and_real_tags_are_stripped() {
    let cases = [
        // (fault message, expected message)
        (
            "Invalid input for field/attribute name. Value: <none>. a < b and c > d",
            "Invalid input for field/attribute name. Value: <none>. a < b and c > d",
        ),
        (
            "Failed: <class 'nova.exception.InstanceNotFound'> <Server: web-1>",
            "Failed: <class 'nova.exception.InstanceNotFound'> <Server: web-1>",
        ),
        (
            "The resource could not be found.<br /><br />\n\n\n",
            "The resource could not be found.",
        ),
        (
            "<html><head><title>x</title></head><body><h1>Oops</h1><p>It <b>broke</b>:<br/>\
             <class 'KeyError'></p><!-- debug --></body></html>",
            "x Oops It broke : <class 'KeyError'>",
        ),
        (
            "<P>Upper-case <BR> tags <A HREF=\"http://x\">link</A> <pre>too</pre>",
            "Upper-case tags link too",
        ),
        ("unclosed <p tag and <br", "unclosed <p tag and <br"),
    ];
    for (given, want) in cases {
        let (server, client) = setup().await;
        let err = get_error(
            &server,
            &client,
            ResponseTemplate::new(400).set_body_json(json!({
                "badRequest": {"code": 400, "message": given}
            })),
        )
        .await;
        assert_eq!(err.status(), Some(400));
        let api = err.as_api().unwrap();
        assert_eq!(api.message, want, "for {given:?}");
        assert_eq!(
            assert_short_line(&err),
            format!("GET {}/svc/thing: 400 badRequest: {want}", server.uri())
        );
    }
}

#[tokio::test]
async fn a_plain_text_body_with_a_class_name_is_kept() {
    let (server, client) = setup().await;
    let err = get_error(
        &server,
        &client,
        ResponseTemplate::new(500)
            .set_body_raw("<class 'AttributeError'> in handler", "text/plain"),
    )
    .await;
    assert_eq!(
        err.as_api().unwrap().message,
        "<class 'AttributeError'> in handler"
    );
}
