//! Compute handles against a wiremock Nova: servers (get, get_opt, list/paging, find_by_name,
//! create, delete, actions, waiters) and flavors (get, list, find_by_name). Every test checks what
//! went on the wire (method, path, query, headers, body) and the decoded values.

mod common;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use futures_util::TryStreamExt as _;
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};
use stackclient::compute::{
    BlockDeviceMapping, CreateServer, DestinationType, DiskConfig, RebootType, ServerFlavor,
    ServerNetwork, ServerStatus, SortDir, SourceType,
};
use stackclient::{Client, Error, WaitOptions};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{
    client, header, json_fixture, mount_keystone, mount_nova_version, pairs, query, received, utc,
};

const TOKEN: &str = "tok-compute-1";
const TENANT: &str = "6f70656e737461636b20342065766572";
const IMAGE_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";
const SERVER_ID: &str = "9168b536-cd40-4630-b43f-b259807c6e87";
const USER_DATA: &[u8] = b"#!/bin/bash\n/bin/su\necho \"I am in you!\"\n";
const DETAIL: &str = "/compute/v2.1/servers/detail";
const FLAVORS_DETAIL: &str = "/compute/v2.1/flavors/detail";

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

/// A mock cloud whose Nova supports 2.1 to `max`, and a client for it.
async fn nova(max: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    mount_keystone(&server, TOKEN).await;
    mount_nova_version(&server, max).await;
    let client = client(&server);
    (server, client)
}

/// Token and BOTH compute microversion headers.
#[track_caller]
fn assert_nova_headers(r: &Request, mv: &str) {
    assert_eq!(
        header(r, "x-auth-token"),
        Some(TOKEN),
        "{} {}",
        r.method,
        r.url
    );
    assert_eq!(
        header(r, "x-openstack-nova-api-version"),
        Some(mv),
        "{} {}",
        r.method,
        r.url
    );
    assert_eq!(
        header(r, "openstack-api-version"),
        Some(format!("compute {mv}").as_str()),
        "{} {}",
        r.method,
        r.url
    );
    assert_eq!(header(r, "accept"), Some("application/json"));
}

/// Every request the mock received except Keystone and Nova's version document.
async fn api_requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() != "/compute/v2.1" && !r.url.path().starts_with("/identity"))
        .collect()
}

fn body_json(r: &Request) -> Value {
    serde_json::from_slice(&r.body).expect("a JSON request body")
}

/// A minimal server as `GET /servers/detail` lists it.
fn srv(id: &str, name: &str, status: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "status": status,
        "created": "2024-05-01T10:00:00Z",
        "updated": "2024-05-01T10:05:00Z",
        "tenant_id": TENANT,
        "user_id": "user-1",
        "addresses": {},
        "links": []
    })
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| id(i).to_string()).collect()
}

fn fast_wait(timeout: Duration) -> WaitOptions {
    WaitOptions::default()
        .timeout(timeout)
        .interval(Duration::from_millis(5), Duration::from_millis(20))
}

fn server_at(id: &str, status: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "server": srv(id, "w", status) }))
}

// ------------------------------------------------------------------------------------------------
// get / get_opt
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_server_decodes_every_value_and_sends_both_microversion_headers() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(format!("/compute/v2.1/servers/{SERVER_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-openstack-request-id", "req-get-1")
                .set_body_json(json_fixture("compute/server_2.47.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let s = client.compute().servers().get(SERVER_ID).await.unwrap();

    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method.as_str(), "GET");
    assert_eq!(
        reqs[0].url.path(),
        format!("/compute/v2.1/servers/{SERVER_ID}")
    );
    assert_eq!(reqs[0].url.query(), None);
    assert!(reqs[0].body.is_empty());
    assert_nova_headers(&reqs[0], "2.60");

    assert_eq!(s.id, SERVER_ID);
    assert_eq!(s.name, "new-server-test");
    assert_eq!(s.status, ServerStatus::Active);
    assert_eq!(s.tenant_id.as_deref(), Some(TENANT));
    assert_eq!(s.user_id.as_deref(), Some("fake"));
    assert_eq!(s.created, utc(2017, 2, 14, 19, 23, 58));
    assert_eq!(s.updated, Some(utc(2017, 2, 14, 19, 24, 0)));
    assert_eq!(
        s.launched_at,
        Some(utc(2017, 2, 14, 19, 23, 59) + chrono::Duration::microseconds(895_661))
    );
    assert_eq!(s.terminated_at, None);
    // 2.47+: the flavor is embedded.
    match s.flavor.as_ref().unwrap() {
        ServerFlavor::Embedded(f) => {
            assert_eq!(f.original_name, "m1.tiny.specs");
            assert_eq!(f.vcpus, 1);
            assert_eq!(f.ram, 512);
            assert_eq!(f.disk, 1);
            assert_eq!(f.ephemeral, 0);
            assert_eq!(f.swap, 0);
            let specs = f.extra_specs.as_ref().unwrap();
            assert_eq!(specs.len(), 1);
            assert_eq!(specs["hw:numa_nodes"], "1");
        }
        other => panic!("expected an embedded flavor, got {other:?}"),
    }
    let private = &s.addresses["private"];
    assert_eq!(s.addresses.len(), 1);
    assert_eq!(private.len(), 1);
    assert_eq!(private[0].addr, "192.168.1.30");
    assert_eq!(private[0].version, 4);
    assert_eq!(private[0].ip_type.as_deref(), Some("fixed"));
    assert_eq!(private[0].mac_addr.as_deref(), Some("00:0c:29:0d:11:74"));
    assert_eq!(s.image.as_ref().unwrap().id, IMAGE_ID);
    assert_eq!(s.access_ipv4.as_deref(), Some("1.2.3.4"));
    assert_eq!(s.access_ipv6.as_deref(), Some("80fe::"));
    assert_eq!(s.host_status.as_deref(), Some("UP"));
    assert_eq!(s.locked, Some(false));
    assert_eq!(s.kernel_id, None, "\"\" is None");
    assert_eq!(s.reservation_id.as_deref(), Some("r-ov3q80zj"));
    assert_eq!(s.availability_zone.as_deref(), Some("us-west"));
    assert_eq!(s.disk_config, Some(DiskConfig::Auto));
    assert_eq!(s.power_state, Some(1));
    assert_eq!(s.vm_state.as_deref(), Some("active"));
    assert_eq!(s.metadata["My Server Name"], "Apache1");
    assert_eq!(s.security_groups[0].name, "default");
    assert_eq!(
        ids(&s.volumes_attached, |v| &v.id),
        ["volume_id1", "volume_id2"]
    );
    assert_eq!(s.fault, None);
}

#[tokio::test]
async fn get_server_in_error_carries_its_fault() {
    let (server, client) = nova("2.60").await;
    let id = "2ce4c5b3-2866-4972-93ce-77a2ea46a7f9";
    Mock::given(method("GET"))
        .and(path(format!("/compute/v2.1/servers/{id}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("compute/fault_error_server.json")),
        )
        .mount(&server)
        .await;
    let s = client.compute().servers().get(id).await.unwrap();
    assert_eq!(s.status, ServerStatus::Error);
    let fault = s.fault.unwrap();
    assert_eq!(fault.code, 500);
    assert_eq!(
        fault.message,
        "No valid host was found. There are not enough hosts available."
    );
    assert_eq!(fault.created, Some(utc(2023, 5, 10, 12, 0, 4)));
    assert!(fault.details.unwrap().starts_with("Traceback"));
    assert_eq!(s.flavor.as_ref().and_then(ServerFlavor::id), Some("1"));
    assert_eq!(s.host_id, None);
    assert_eq!(s.availability_zone, None);
}

fn item_not_found(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(404)
        .insert_header("x-openstack-request-id", "req-404-nova")
        .insert_header("x-compute-request-id", "req-404-nova")
        .set_body_json(json!({"itemNotFound": {
            "code": 404, "message": format!("Instance {id} could not be found.")}}))
}

#[tokio::test]
async fn get_opt_is_none_and_get_is_not_found_on_item_not_found() {
    let (server, client) = nova("2.60").await;
    let id = "00000000-dead-beef-0000-000000000000";
    Mock::given(method("GET"))
        .and(path(format!("/compute/v2.1/servers/{id}")))
        .respond_with(item_not_found(id))
        .expect(2)
        .mount(&server)
        .await;
    let servers = client.compute().servers();

    assert!(servers.get_opt(id).await.unwrap().is_none());

    let err = servers.get(id).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(!err.is_conflict());
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.request_id(), Some("req-404-nova"));
    let api = err.as_api().unwrap();
    assert_eq!(api.code.as_deref(), Some("itemNotFound"));
    assert_eq!(api.message, format!("Instance {id} could not be found."));
    assert_eq!(api.method, "GET");
    assert_eq!(
        api.url,
        format!("{}/compute/v2.1/servers/{id}", server.uri())
    );
    assert_eq!(api.attempts, 1);
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/compute/v2.1/servers/{id}: 404 itemNotFound: Instance {id} could not be found. (request id req-404-nova)",
            server.uri()
        )
    );
    for r in api_requests(&server).await {
        assert_nova_headers(&r, "2.60");
    }
}

#[tokio::test]
async fn get_opt_passes_other_errors_through() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path("/compute/v2.1/servers/forbidden"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"forbidden": {
            "code": 403, "message": "Policy doesn't allow os_compute_api:servers:show to be performed."}})))
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .get_opt("forbidden")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.as_api().unwrap().code.as_deref(), Some("forbidden"));
}

#[tokio::test]
async fn empty_ids_are_invalid_input_and_nothing_is_sent() {
    let (server, client) = nova("2.60").await;
    let servers = client.compute().servers();
    let flavors = client.compute().flavors();
    let opts = fast_wait(Duration::from_secs(1));
    for id in ["", "   "] {
        let errs = [
            servers.get(id).await.map(|_| ()).unwrap_err(),
            servers.get_opt(id).await.map(|_| ()).unwrap_err(),
            servers.delete(id).await.unwrap_err(),
            servers.reboot(id, RebootType::Soft).await.unwrap_err(),
            servers.start(id).await.unwrap_err(),
            servers.stop(id).await.unwrap_err(),
            servers
                .wait_for_status_with(id, ServerStatus::Active, opts)
                .await
                .map(|_| ())
                .unwrap_err(),
            servers.wait_for_delete_with(id, opts).await.unwrap_err(),
            flavors.get(id).await.map(|_| ()).unwrap_err(),
        ];
        for e in errs {
            assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
        }
        assert_eq!(
            servers.get(id).await.unwrap_err().to_string(),
            "invalid input: server id is empty"
        );
        assert_eq!(
            flavors.get(id).await.unwrap_err().to_string(),
            "invalid input: flavor id is empty"
        );
    }
    // Not even Keystone was asked.
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ------------------------------------------------------------------------------------------------
// list
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_sends_every_filter_and_decodes_one_page() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-openstack-request-id", "req-list-1")
                .set_body_json(json_fixture("compute/server_detail_2.1.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = client
        .compute()
        .servers()
        .list()
        .name("^web")
        .status(ServerStatus::Active)
        .flavor("1")
        .image(IMAGE_ID)
        .changes_since(utc(2024, 1, 2, 3, 4, 5))
        .tags(&["a", "b c"])
        .all_tenants(true)
        .limit(1)
        .marker("m0")
        .sort("created_at", SortDir::Desc)
        .sort("name", SortDir::Asc)
        .send()
        .await
        .unwrap();

    let reqs = received(&server, "GET", DETAIL).await;
    assert_eq!(reqs.len(), 1);
    assert_nova_headers(&reqs[0], "2.60");
    assert_eq!(
        query(&reqs[0]),
        pairs(&[
            ("name", "^web"),
            ("status", "ACTIVE"),
            ("flavor", "1"),
            ("image", IMAGE_ID),
            ("changes-since", "2024-01-02T03:04:05Z"),
            ("tags", "a,b c"),
            ("all_tenants", "True"),
            ("limit", "1"),
            ("marker", "m0"),
            ("sort_key", "created_at"),
            ("sort_dir", "desc"),
            ("sort_key", "name"),
            ("sort_dir", "asc"),
        ])
    );

    assert_eq!(page.request_id.as_deref(), Some("req-list-1"));
    assert_eq!(
        page.next_marker.as_deref(),
        Some("f5dc173b-6804-445a-a6d8-c705dad5b5eb")
    );
    assert_eq!(page.items.len(), 1);
    let s = &page.items[0];
    assert_eq!(s.id, "f5dc173b-6804-445a-a6d8-c705dad5b5eb");
    assert_eq!(s.name, "new-server-test");
    assert_eq!(s.status, ServerStatus::Active);
    assert_eq!(s.tenant_id.as_deref(), Some(TENANT));
    assert_eq!(s.created, utc(2013, 9, 3, 4, 1, 32));
    assert_eq!(s.flavor.as_ref().and_then(ServerFlavor::id), Some("1"));
    assert_eq!(s.addresses["private"][0].addr, "192.168.1.30");
    assert_eq!(s.progress, Some(0));
}

#[tokio::test]
async fn tags_filter_needs_2_26_and_fails_before_sending() {
    let (server, client) = nova("2.20").await;
    let err = client
        .compute()
        .servers()
        .list()
        .tags(&["a"])
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::MicroversionUnsupported {
            service,
            required,
            available,
        } => {
            assert_eq!(service, "compute");
            assert_eq!(required, "2.26");
            assert_eq!(available, "2.20 is in use");
        }
        other => panic!("{other:?}"),
    }
    assert!(api_requests(&server).await.is_empty());
}

/// Pages of `GET /servers/detail` whose next links name another host.
async fn mount_three_server_pages(server: &MockServer) {
    let evil = "http://evil.example:1/compute/v2.1/servers/detail";
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("s1", "web-a", "ACTIVE"), srv("s2", "web-b", "ACTIVE")],
            "servers_links": [{"rel": "next", "href": format!("{evil}?marker=s2&limit=2")}]
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "s2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("s3", "web-c", "ACTIVE"), srv("s4", "web-d", "ACTIVE")],
            "servers_links": [{"rel": "next", "href": format!("{evil}?limit=2&marker=s4")}]
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "s4"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("s5", "web-e", "ACTIVE")]
        })))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn paging_keeps_the_catalog_endpoint_and_the_filters_across_three_pages() {
    let (server, client) = nova("2.60").await;
    mount_three_server_pages(&server).await;
    let all = client
        .compute()
        .servers()
        .list()
        .status(ServerStatus::Active)
        .limit(2)
        .all()
        .await
        .unwrap();
    assert_eq!(ids(&all, |s| &s.id), ["s1", "s2", "s3", "s4", "s5"]);
    assert_eq!(
        ids(&all, |s| &s.name),
        ["web-a", "web-b", "web-c", "web-d", "web-e"]
    );

    let reqs = received(&server, "GET", DETAIL).await;
    assert_eq!(reqs.len(), 3);
    let expected = [
        pairs(&[("status", "ACTIVE"), ("limit", "2")]),
        pairs(&[("status", "ACTIVE"), ("limit", "2"), ("marker", "s2")]),
        pairs(&[("status", "ACTIVE"), ("limit", "2"), ("marker", "s4")]),
    ];
    for (r, q) in reqs.iter().zip(expected) {
        assert_eq!(
            header(r, "host"),
            Some(server.address().to_string().as_str())
        );
        assert_eq!(query(r), q, "{}", r.url);
        assert_nova_headers(r, "2.60");
    }
}

#[tokio::test]
async fn the_stream_is_lazy_one_page_at_a_time() {
    let (server, client) = nova("2.60").await;
    mount_three_server_pages(&server).await;
    let mut stream = client.compute().servers().list().limit(2).into_stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "s1");
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "s2");
    assert_eq!(received(&server, "GET", DETAIL).await.len(), 1);
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "s3");
    assert_eq!(received(&server, "GET", DETAIL).await.len(), 2);
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "s4");
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "s5");
    assert!(stream.try_next().await.unwrap().is_none());
    assert_eq!(received(&server, "GET", DETAIL).await.len(), 3);
}

#[tokio::test]
async fn a_repeated_marker_stops_the_stream() {
    let (server, client) = nova("2.60").await;
    // a → next s1; s1 → next s3; s3 → next s1 again (a cycle): three requests, then stop.
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("s1", "a", "ACTIVE")],
            "servers_links": [{"rel": "next", "href": "http://nova/v2.1/servers/detail?marker=s1"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "s1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("s2", "b", "ACTIVE"), srv("s3", "c", "ACTIVE")],
            "servers_links": [{"rel": "next", "href": "http://nova/v2.1/servers/detail?marker=s3"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "s3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("s4", "d", "ACTIVE")],
            "servers_links": [{"rel": "next", "href": "http://nova/v2.1/servers/detail?marker=s1"}]
        })))
        .mount(&server)
        .await;
    let mut stream = client.compute().servers().list().into_stream();
    let mut got = Vec::new();
    let err = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.try_next().await {
                Ok(Some(s)) => got.push(s.id),
                Ok(None) => panic!("a loop must end with an error"),
                Err(e) => break e,
            }
        }
    })
    .await
    .expect("paging must stop");
    // s4 is new and yielded; its next link (s1) was followed before: the loop is reported.
    assert_eq!(got, ["s1", "s2", "s3", "s4"]);
    assert!(err.is_pagination_loop(), "{err:?}");
    assert!(
        matches!(err, Error::PaginationLoop { ref marker, pages: 3, items: 4, .. } if marker == "s1"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}{DETAIL}: paging loops back to items already listed (at marker s1) after 3 page(s) \
             and 4 item(s); stopped without repeating any",
            server.uri()
        )
    );
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "ends after the error"
    );
    let reqs = received(&server, "GET", DETAIL).await;
    assert_eq!(reqs.len(), 3);
    assert_eq!(query(&reqs[2]), pairs(&[("marker", "s3")]));
}

#[tokio::test]
async fn a_page_naming_its_own_marker_as_next_stops_at_once() {
    let (server, client) = nova("2.60").await;
    // The caller's own marker counts as seen: a page answering next=m0 to marker=m0 is not asked again.
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "m0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("s1", "a", "ACTIVE")],
            "servers_links": [{"rel": "next", "href": "http://nova/v2.1/servers/detail?marker=m0"}]
        })))
        .mount(&server)
        .await;
    let mut stream = client.compute().servers().list().marker("m0").into_stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "s1");
    let err = stream.try_next().await.unwrap_err();
    assert!(
        matches!(err, Error::PaginationLoop { ref marker, pages: 1, items: 1, .. } if marker == "m0"),
        "{err:?}"
    );
    assert!(stream.try_next().await.unwrap().is_none());
    // `all()` reports the loop too.
    let err = client
        .compute()
        .servers()
        .list()
        .marker("m0")
        .all()
        .await
        .unwrap_err();
    assert!(err.is_pagination_loop());
    assert_eq!(received(&server, "GET", DETAIL).await.len(), 2);
}

#[tokio::test]
async fn an_empty_page_with_a_next_link_stops() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("s1", "a", "ACTIVE"), srv("s2", "b", "ACTIVE")],
            "servers_links": [{"rel": "next", "href": "http://nova/v2.1/servers/detail?marker=s2"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "s2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [],
            "servers_links": [{"rel": "next", "href": "http://nova/v2.1/servers/detail?marker=s9"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let all = client.compute().servers().list().all().await.unwrap();
    assert_eq!(ids(&all, |s| &s.id), ["s1", "s2"]);
    assert_eq!(received(&server, "GET", DETAIL).await.len(), 2);
}

#[tokio::test]
async fn a_bad_field_in_a_list_is_a_decode_error_naming_its_path() {
    let (server, client) = nova("2.60").await;
    let mut bad = srv("s2", "b", "ACTIVE");
    bad["status"] = json!(5);
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("s1", "a", "ACTIVE"), bad]
        })))
        .mount(&server)
        .await;
    let list = client.compute().servers().list();
    for err in [
        list.send().await.unwrap_err(),
        list.clone().all().await.unwrap_err(),
    ] {
        match &err {
            Error::Decode {
                method,
                url,
                path,
                message,
            } => {
                assert_eq!(method, "GET");
                assert_eq!(url, &format!("{}{DETAIL}", server.uri()));
                assert_eq!(path, "servers[1].status");
                assert!(message.contains("invalid type: integer `5`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn a_truncated_or_wrong_list_body_is_a_decode_error() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "truncated"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"servers": [{"id": "s1", "name": "a", "status": "ACT"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "nokey"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"flavors": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "html"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>oops</html>", "text/html"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "badlinks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [], "servers_links": [{"rel": 7}]
        })))
        .mount(&server)
        .await;
    let servers = client.compute().servers();
    let err = servers.list().marker("truncated").send().await.unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "servers[0].status", "{message}");
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let err = servers.list().marker("nokey").all().await.unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, ".");
            assert!(message.contains("missing field `servers`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let err = servers.list().marker("html").send().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let err = servers.list().marker("badlinks").send().await.unwrap_err();
    match &err {
        Error::Decode { path, .. } => assert_eq!(path, "servers_links[0].rel"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_bad_field_in_get_is_a_decode_error_naming_its_path() {
    let (server, client) = nova("2.60").await;
    let mut body = json_fixture("compute/server_2.47.json");
    body["server"]["created"] = json!("yesterday");
    Mock::given(method("GET"))
        .and(path(format!("/compute/v2.1/servers/{SERVER_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let err = client.compute().servers().get(SERVER_ID).await.unwrap_err();
    match &err {
        Error::Decode { path, .. } => assert_eq!(path, "server.created"),
        other => panic!("{other:?}"),
    }
}

// ------------------------------------------------------------------------------------------------
// find_by_name
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn find_server_by_name_sends_an_anchored_escaped_regex_and_matches_exactly() {
    let (server, client) = nova("2.60").await;
    // Nova's regex match may be case-insensitive (MySQL): the client keeps only the exact name.
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("name", r"^web-1\.prod$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("up", "WEB-1.PROD", "ACTIVE"), srv("exact", "web-1.prod", "SHUTOFF")]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let found = client
        .compute()
        .servers()
        .find_by_name("web-1.prod")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, "exact");
    assert_eq!(found.status, ServerStatus::Shutoff);
    let reqs = received(&server, "GET", DETAIL).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(query(&reqs[0]), pairs(&[("name", r"^web-1\.prod$")]));
    assert_nova_headers(&reqs[0], "2.60");
}

#[tokio::test]
async fn find_server_by_name_escapes_every_regex_metacharacter() {
    let (server, client) = nova("2.60").await;
    let name = r"a.b*c+d?e(f)g|h[i]j{k}l^m$n\o";
    let sent = r"^a\.b\*c\+d\?e\(f\)g\|h\[i\]j\{k\}l\^m\$n\\o$";
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("name", sent))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"servers": []})))
        .expect(1)
        .mount(&server)
        .await;
    assert!(
        client
            .compute()
            .servers()
            .find_by_name(name)
            .await
            .unwrap()
            .is_none()
    );
    let reqs = received(&server, "GET", DETAIL).await;
    assert_eq!(query(&reqs[0]), pairs(&[("name", sent)]));
}

#[tokio::test]
async fn find_server_by_name_ambiguity_is_an_error() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("name", "^web$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("w1", "web", "ACTIVE"), srv("w2", "web", "BUILD")]
        })))
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .find_by_name("web")
        .await
        .unwrap_err();
    match &err {
        Error::InvalidInput(m) => assert_eq!(m, "2 servers are named \"web\"; use the id"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn find_server_by_name_follows_pages() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("x1", "Db", "ACTIVE")],
            "servers_links": [{"rel": "next", "href": "http://evil.example:1/servers/detail?name=%5Edb%24&marker=x1"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DETAIL))
        .and(query_param("marker", "x1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "servers": [srv("x2", "db", "ACTIVE")]
        })))
        .mount(&server)
        .await;
    let found = client
        .compute()
        .servers()
        .find_by_name("db")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, "x2");
    let reqs = received(&server, "GET", DETAIL).await;
    assert_eq!(
        reqs.iter().map(query).collect::<Vec<_>>(),
        [
            pairs(&[("name", "^db$")]),
            pairs(&[("name", "^db$"), ("marker", "x1")])
        ]
    );
}

// ------------------------------------------------------------------------------------------------
// create / delete
// ------------------------------------------------------------------------------------------------

fn created_response() -> ResponseTemplate {
    ResponseTemplate::new(202)
        .insert_header("x-openstack-request-id", "req-create-1")
        .set_body_json(json_fixture("compute/server_create_response.json"))
}

#[tokio::test]
async fn create_sends_the_api_reference_bodies_exactly() {
    let (server, client) = nova("2.90").await;
    Mock::given(method("POST"))
        .and(path("/compute/v2.1/servers"))
        .respond_with(created_response())
        .expect(4)
        .mount(&server)
        .await;
    let requests = [
        (
            CreateServer::new("new-server-test", "http://openstack.example.com/flavors/1")
                .image(IMAGE_ID)
                .access_ipv4(Ipv4Addr::new(1, 2, 3, 4))
                .access_ipv6("80fe::".parse::<Ipv6Addr>().unwrap())
                .availability_zone("nova")
                .disk_config(DiskConfig::Auto)
                .metadata("My Server Name", "Apache1")
                .security_group("default")
                .user_data(USER_DATA)
                .networks_auto(),
            "compute/server_create_request.json",
        ),
        (
            CreateServer::new(
                "auto-allocate-network",
                "http://openstack.example.com/flavors/1",
            )
            .image(IMAGE_ID)
            .networks_auto(),
            "compute/server_create_request_auto_2.37.json",
        ),
        (
            CreateServer::new(
                "bfv-server-with-volume-type",
                "http://openstack.example.com/flavors/1",
            )
            .nic(ServerNetwork {
                uuid: Some("ff608d40-75e9-48cb-b745-77bb55b5eaf2".to_owned()),
                tag: Some("nic1".to_owned()),
                ..ServerNetwork::default()
            })
            .block_device_mapping(BlockDeviceMapping {
                uuid: Some(IMAGE_ID.to_owned()),
                source_type: Some(SourceType::Image),
                destination_type: Some(DestinationType::Volume),
                boot_index: Some(0),
                volume_size: Some(1),
                tag: Some("disk1".to_owned()),
                volume_type: Some("lvm-1".to_owned()),
                ..BlockDeviceMapping::default()
            }),
            "compute/server_create_request_bfv_2.67.json",
        ),
        (
            CreateServer::new("new-server-test", "1")
                .image(IMAGE_ID)
                .fixed_ip(
                    "ff608d40-75e9-48cb-b745-77bb55b5eaf2",
                    Ipv4Addr::new(192, 168, 1, 30).into(),
                )
                .port("ce531f90-199f-48c0-816c-13e38010b442")
                .key_name("keypair-d20a3d59-9433-4b79-8726-20b431d89c78")
                .config_drive(true)
                .description("new-server-description")
                .tags(["tag1", "tag2"])
                .admin_pass("MySecretPass1")
                .scheduler_hint("same_host", json!(["48e6a9f6-30af-47e0-bc04-acaed113bb4e"]))
                .scheduler_hint("group", "f3d86fe6-4246-4be8-b87c-eb894626c741"),
            "compute/server_create_request_hints.json",
        ),
    ];
    for (req, _) in &requests {
        let created = client.compute().servers().create(req).await.unwrap();
        assert_eq!(created.id, "f5dc173b-6804-445a-a6d8-c705dad5b5eb");
        assert_eq!(
            created.admin_pass.as_ref().map(|p| p.expose_secret()),
            Some("6NpUwoz2QDRN")
        );
        assert_eq!(created.disk_config, Some(DiskConfig::Auto));
        assert_eq!(created.security_groups[0].name, "default");
        assert_eq!(created.links.len(), 2);
        assert_eq!(created.links[0].rel, "self");
    }
    let posts = received(&server, "POST", "/compute/v2.1/servers").await;
    assert_eq!(posts.len(), requests.len());
    for (r, (_, fx)) in posts.iter().zip(&requests) {
        assert_eq!(body_json(r), json_fixture(fx), "body of {fx}");
        assert_eq!(r.url.query(), None);
        assert_eq!(header(r, "content-type"), Some("application/json"));
        assert_nova_headers(r, "2.90");
    }
}

#[tokio::test]
async fn create_needing_a_higher_microversion_fails_locally_and_sends_no_post() {
    let (server, client) = nova("2.40").await;
    Mock::given(method("POST"))
        .and(path("/compute/v2.1/servers"))
        .respond_with(created_response())
        .expect(1)
        .mount(&server)
        .await;
    let servers = client.compute().servers();
    let tagged = CreateServer::new("t", "1")
        .image(IMAGE_ID)
        .networks_auto()
        .tag("web");
    let err = servers.create(&tagged).await.unwrap_err();
    match &err {
        Error::MicroversionUnsupported {
            service,
            required,
            available,
        } => {
            assert_eq!(service, "compute");
            assert_eq!(required, "2.52");
            assert_eq!(available, "2.40 is in use");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "compute microversion 2.52 is needed but 2.40 is in use"
    );
    assert!(
        received(&server, "POST", "/compute/v2.1/servers")
            .await
            .is_empty()
    );

    // 2.37 (networks auto) is within 2.40: that one is sent, with 2.40 in both headers.
    let auto = CreateServer::new("a", "1").image(IMAGE_ID).networks_auto();
    servers.create(&auto).await.unwrap();
    let posts = received(&server, "POST", "/compute/v2.1/servers").await;
    assert_eq!(posts.len(), 1);
    assert_eq!(
        body_json(&posts[0]),
        json!({"server": {"name": "a", "flavorRef": "1", "imageRef": IMAGE_ID, "networks": "auto"}})
    );
    assert_nova_headers(&posts[0], "2.40");
}

#[tokio::test]
async fn create_refusal_surfaces_novas_fault() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("POST"))
        .and(path("/compute/v2.1/servers"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-compute-request-id", "req-quota")
                .set_body_json(json!({"forbidden": {"code": 403,
                    "message": "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .create(&CreateServer::new("q", "1").networks_auto())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.request_id(), Some("req-quota"));
    let api = err.as_api().unwrap();
    assert_eq!(api.code.as_deref(), Some("forbidden"));
    assert!(api.message.starts_with("Quota exceeded for instances"));
    assert_eq!(api.attempts, 1, "POST is never retried");
}

#[tokio::test]
async fn delete_sends_delete_and_reports_404() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("DELETE"))
        .and(path(format!("/compute/v2.1/servers/{SERVER_ID}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/compute/v2.1/servers/gone"))
        .respond_with(item_not_found("gone"))
        .expect(1)
        .mount(&server)
        .await;
    let servers = client.compute().servers();
    servers.delete(SERVER_ID).await.unwrap();
    let err = servers.delete("gone").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        err.as_api().unwrap().message,
        "Instance gone could not be found."
    );
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].method.as_str(), "DELETE");
    assert!(reqs[0].body.is_empty());
    assert_eq!(reqs[0].url.query(), None);
    for r in &reqs {
        assert_nova_headers(r, "2.60");
    }
}

// ------------------------------------------------------------------------------------------------
// actions
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn actions_send_their_exact_bodies() {
    let (server, client) = nova("2.60").await;
    let action = format!("/compute/v2.1/servers/{SERVER_ID}/action");
    Mock::given(method("POST"))
        .and(path(action.clone()))
        .respond_with(ResponseTemplate::new(202))
        .expect(4)
        .mount(&server)
        .await;
    let servers = client.compute().servers();
    servers.reboot(SERVER_ID, RebootType::Soft).await.unwrap();
    servers.reboot(SERVER_ID, RebootType::Hard).await.unwrap();
    servers.start(SERVER_ID).await.unwrap();
    servers.stop(SERVER_ID).await.unwrap();
    let reqs = received(&server, "POST", &action).await;
    let bodies: Vec<&[u8]> = reqs.iter().map(|r| r.body.as_slice()).collect();
    assert_eq!(
        bodies,
        [
            br#"{"reboot":{"type":"SOFT"}}"#.as_slice(),
            br#"{"reboot":{"type":"HARD"}}"#.as_slice(),
            br#"{"os-start":null}"#.as_slice(),
            br#"{"os-stop":null}"#.as_slice(),
        ]
    );
    for r in &reqs {
        assert_eq!(header(r, "content-type"), Some("application/json"));
        assert_eq!(r.url.query(), None);
        assert_nova_headers(r, "2.60");
    }
}

#[tokio::test]
async fn a_conflicting_action_is_a_conflict() {
    let (server, client) = nova("2.60").await;
    let msg = format!("Cannot 'start' instance {SERVER_ID} while it is in vm_state active");
    Mock::given(method("POST"))
        .and(path(format!("/compute/v2.1/servers/{SERVER_ID}/action")))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("x-openstack-request-id", "req-409")
                .set_body_json(json!({"conflictingRequest": {"code": 409, "message": msg}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .start(SERVER_ID)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert!(!err.is_not_found());
    assert_eq!(err.request_id(), Some("req-409"));
    let api = err.as_api().unwrap();
    assert_eq!(api.code.as_deref(), Some("conflictingRequest"));
    assert_eq!(api.message, msg);
    assert_eq!(api.method, "POST");
}

// ------------------------------------------------------------------------------------------------
// waiters
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn wait_for_status_polls_build_build_active() {
    let (server, client) = nova("2.60").await;
    let p = format!("/compute/v2.1/servers/{SERVER_ID}");
    Mock::given(method("GET"))
        .and(path(p.clone()))
        .respond_with(server_at(SERVER_ID, "BUILD"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p.clone()))
        .respond_with(server_at(SERVER_ID, "ACTIVE"))
        .expect(1)
        .mount(&server)
        .await;
    let s = client
        .compute()
        .servers()
        .wait_for_status_with(
            SERVER_ID,
            ServerStatus::Active,
            fast_wait(Duration::from_secs(10)),
        )
        .await
        .unwrap();
    assert_eq!(s.id, SERVER_ID);
    assert_eq!(s.status, ServerStatus::Active);
    let reqs = received(&server, "GET", &p).await;
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert_nova_headers(r, "2.60");
    }
}

#[tokio::test]
async fn error_during_wait_fails_at_once_with_the_fault() {
    let (server, client) = nova("2.60").await;
    let id = "2ce4c5b3-2866-4972-93ce-77a2ea46a7f9";
    let p = format!("/compute/v2.1/servers/{id}");
    Mock::given(method("GET"))
        .and(path(p.clone()))
        .respond_with(server_at(id, "BUILD"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p.clone()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("compute/fault_error_server.json")),
        )
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .wait_for_status_with(id, ServerStatus::Active, fast_wait(Duration::from_secs(10)))
        .await
        .unwrap_err();
    match &err {
        Error::WaitFailed {
            resource,
            id: got,
            status,
            fault,
        } => {
            assert_eq!(*resource, "server");
            assert_eq!(got, id);
            assert_eq!(status, "ERROR");
            assert_eq!(
                fault.as_deref(),
                Some("500 No valid host was found. There are not enough hosts available.")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "server {id} went to ERROR: 500 No valid host was found. There are not enough hosts available."
        )
    );
    assert_eq!(
        received(&server, "GET", &p).await.len(),
        2,
        "no poll after ERROR"
    );
}

#[tokio::test]
async fn wait_times_out_with_the_last_status() {
    let (server, client) = nova("2.60").await;
    let p = format!("/compute/v2.1/servers/{SERVER_ID}");
    Mock::given(method("GET"))
        .and(path(p.clone()))
        .respond_with(server_at(SERVER_ID, "BUILD"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p.clone()))
        .respond_with(server_at(SERVER_ID, "SHUTOFF"))
        .mount(&server)
        .await;
    let timeout = Duration::from_millis(200);
    let started = std::time::Instant::now();
    let err = client
        .compute()
        .servers()
        .wait_for_status_with(SERVER_ID, ServerStatus::Active, fast_wait(timeout))
        .await
        .unwrap_err();
    let took = started.elapsed();
    match &err {
        Error::WaitTimeout {
            resource,
            id,
            wanted,
            last_status,
            waited,
        } => {
            assert_eq!(*resource, "server");
            assert_eq!(id, SERVER_ID);
            assert_eq!(wanted, "ACTIVE");
            assert_eq!(last_status, "SHUTOFF");
            assert!(*waited >= timeout, "{waited:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(received(&server, "GET", &p).await.len() >= 3);
}

#[tokio::test]
async fn wait_for_status_stops_on_404() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(format!("/compute/v2.1/servers/{SERVER_ID}")))
        .respond_with(item_not_found(SERVER_ID))
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .wait_for_status_with(
            SERVER_ID,
            ServerStatus::Active,
            fast_wait(Duration::from_secs(10)),
        )
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn wait_for_delete_ends_on_404() {
    let (server, client) = nova("2.60").await;
    let p = format!("/compute/v2.1/servers/{SERVER_ID}");
    Mock::given(method("GET"))
        .and(path(p.clone()))
        .respond_with(server_at(SERVER_ID, "ACTIVE"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p.clone()))
        .respond_with(item_not_found(SERVER_ID))
        .mount(&server)
        .await;
    client
        .compute()
        .servers()
        .wait_for_delete_with(SERVER_ID, fast_wait(Duration::from_secs(10)))
        .await
        .unwrap();
    let reqs = received(&server, "GET", &p).await;
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert_nova_headers(r, "2.60");
    }
}

#[tokio::test]
async fn wait_for_delete_ends_on_deleted_and_soft_deleted() {
    for status in ["DELETED", "SOFT_DELETED"] {
        let (server, client) = nova("2.60").await;
        let p = format!("/compute/v2.1/servers/{SERVER_ID}");
        Mock::given(method("GET"))
            .and(path(p.clone()))
            .respond_with(server_at(SERVER_ID, "ACTIVE"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(p.clone()))
            .respond_with(server_at(SERVER_ID, status))
            .mount(&server)
            .await;
        client
            .compute()
            .servers()
            .wait_for_delete_with(SERVER_ID, fast_wait(Duration::from_secs(10)))
            .await
            .unwrap();
        assert_eq!(received(&server, "GET", &p).await.len(), 2, "{status}");
    }
}

#[tokio::test]
async fn wait_for_delete_fails_on_error() {
    let (server, client) = nova("2.60").await;
    let id = "2ce4c5b3-2866-4972-93ce-77a2ea46a7f9";
    let p = format!("/compute/v2.1/servers/{id}");
    Mock::given(method("GET"))
        .and(path(p.clone()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("compute/fault_error_server.json")),
        )
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .wait_for_delete_with(id, fast_wait(Duration::from_secs(10)))
        .await
        .unwrap_err();
    match &err {
        Error::WaitFailed { status, fault, .. } => {
            assert_eq!(status, "ERROR");
            assert_eq!(
                fault.as_deref(),
                Some("500 No valid host was found. There are not enough hosts available.")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(received(&server, "GET", &p).await.len(), 1);
}

#[tokio::test]
async fn wait_for_delete_times_out_with_the_last_status() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(format!("/compute/v2.1/servers/{SERVER_ID}")))
        .respond_with(server_at(SERVER_ID, "ACTIVE"))
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .wait_for_delete_with(SERVER_ID, fast_wait(Duration::from_millis(100)))
        .await
        .unwrap_err();
    match &err {
        Error::WaitTimeout {
            wanted,
            last_status,
            ..
        } => {
            assert_eq!(wanted, "deletion");
            assert_eq!(last_status, "ACTIVE");
        }
        other => panic!("{other:?}"),
    }
}

// ------------------------------------------------------------------------------------------------
// flavors
// ------------------------------------------------------------------------------------------------

/// `fixtures/compute/flavors_detail.json` split in two pages: ids 1–3 (next link naming another
/// host, marker 3) and ids 4–5.
async fn mount_two_flavor_pages(server: &MockServer) {
    let all = json_fixture("compute/flavors_detail.json")["flavors"]
        .as_array()
        .expect("flavors")
        .clone();
    assert_eq!(all.len(), 5);
    Mock::given(method("GET"))
        .and(path(FLAVORS_DETAIL))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "flavors": all[..3],
            "flavors_links": [{"rel": "next",
                "href": "http://evil.example:1/v2.1/flavors/detail?is_public=None&marker=3"}]
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(FLAVORS_DETAIL))
        .and(query_param("marker", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "flavors": all[3..] })))
        .mount(server)
        .await;
}

#[tokio::test]
async fn find_flavor_by_name_across_two_pages() {
    let (server, client) = nova("2.60").await;
    mount_two_flavor_pages(&server).await;
    let flavors = client.compute().flavors();
    let f = flavors.find_by_name("m1.xlarge").await.unwrap().unwrap();
    assert_eq!(f.id, "5");
    assert_eq!(f.name, "m1.xlarge");
    assert_eq!(f.ram, 16384);
    assert_eq!(f.disk, 160);
    assert_eq!(f.vcpus, 8);
    assert_eq!(f.swap, 0, "\"\" is no swap");
    assert_eq!(f.ephemeral, 0);
    assert_eq!(f.rxtx_factor, 1.0);
    assert!(f.is_public);
    assert!(!f.disabled);
    assert_eq!(f.links.len(), 2);
    let reqs = received(&server, "GET", FLAVORS_DETAIL).await;
    assert_eq!(
        reqs.iter().map(query).collect::<Vec<_>>(),
        [vec![], pairs(&[("marker", "3")])]
    );
    for r in &reqs {
        assert_eq!(
            header(r, "host"),
            Some(server.address().to_string().as_str())
        );
        assert_nova_headers(r, "2.60");
    }

    // Found on the first page: the second is never fetched.
    let tiny = flavors.find_by_name("m1.tiny").await.unwrap().unwrap();
    assert_eq!((tiny.id.as_str(), tiny.ram, tiny.disk), ("1", 512, 1));
    assert_eq!(received(&server, "GET", FLAVORS_DETAIL).await.len(), 3);

    // Not there: both pages, then None.
    assert!(flavors.find_by_name("m1.huge").await.unwrap().is_none());
    assert_eq!(received(&server, "GET", FLAVORS_DETAIL).await.len(), 5);
}

#[tokio::test]
async fn flavor_list_filters_and_get() {
    let (server, client) = nova("2.60").await;
    mount_two_flavor_pages(&server).await;
    Mock::given(method("GET"))
        .and(path("/compute/v2.1/flavors/2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "flavor": json_fixture("compute/flavors_detail.json")["flavors"][1]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/compute/v2.1/flavors/42"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"itemNotFound": {
            "code": 404, "message": "Flavor 42 could not be found."}})),
        )
        .mount(&server)
        .await;
    let flavors = client.compute().flavors();
    let page = flavors
        .list()
        .min_ram(1024)
        .min_disk(10)
        .is_public(true)
        .limit(3)
        .sort("memory_mb", SortDir::Asc)
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&page.items, |f| &f.id), ["1", "2", "3"]);
    assert_eq!(page.next_marker.as_deref(), Some("3"));
    let reqs = received(&server, "GET", FLAVORS_DETAIL).await;
    assert_eq!(
        query(&reqs[0]),
        pairs(&[
            ("minRam", "1024"),
            ("minDisk", "10"),
            ("is_public", "true"),
            ("limit", "3"),
            ("sort_key", "memory_mb"),
            ("sort_dir", "asc"),
        ])
    );

    let small = flavors.get("2").await.unwrap();
    assert_eq!(
        (small.name.as_str(), small.ram, small.disk, small.vcpus),
        ("m1.small", 2048, 20, 1)
    );
    let err = flavors.get("42").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        err.as_api().unwrap().message,
        "Flavor 42 could not be found."
    );
    for r in api_requests(&server).await {
        assert_nova_headers(&r, "2.60");
    }
}

#[tokio::test]
async fn wait_failed_carries_code_and_message_trimmed() {
    let (server, client) = nova("2.60").await;
    // Nova's NoValidHost message ends with a space.
    let mut body = json!({ "server": srv(SERVER_ID, "w", "ERROR") });
    body["server"]["fault"] = json!({
        "code": 500, "created": "2024-05-01T10:06:00Z", "message": "No valid host was found. "
    });
    Mock::given(method("GET"))
        .and(path(format!("/compute/v2.1/servers/{SERVER_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .wait_for_status_with(
            SERVER_ID,
            ServerStatus::Active,
            fast_wait(Duration::from_secs(10)),
        )
        .await
        .unwrap_err();
    match &err {
        Error::WaitFailed { fault, .. } => {
            assert_eq!(fault.as_deref(), Some("500 No valid host was found."))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!("server {SERVER_ID} went to ERROR: 500 No valid host was found.")
    );
}

#[tokio::test]
async fn markers_are_decoded_from_the_link_and_encoded_once_again() {
    let (server, client) = nova("2.60").await;
    let odd = "a b+c/d&e=f%";
    let flavor = |id: &str| {
        let mut f = json_fixture("compute/flavors_detail.json")["flavors"][0].clone();
        f["id"] = json!(id);
        f
    };
    Mock::given(method("GET"))
        .and(path(FLAVORS_DETAIL))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "flavors": [flavor(odd)],
            "flavors_links": [{"rel": "next",
                "href": "http://nova/v2.1/flavors/detail?marker=a+b%2Bc%2Fd%26e%3Df%25"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(FLAVORS_DETAIL))
        .and(query_param("marker", odd))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"flavors": [flavor("last")]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let all = client.compute().flavors().list().all().await.unwrap();
    assert_eq!(ids(&all, |f| &f.id), [odd, "last"]);
    let reqs = received(&server, "GET", FLAVORS_DETAIL).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(query(&reqs[1]), pairs(&[("marker", odd)]));
}

#[tokio::test]
async fn dot_ids_are_invalid_input_and_nothing_is_sent() {
    // `.` and `..` would vanish from the URL path and address the collection instead.
    let (server, client) = nova("2.60").await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let servers = client.compute().servers();
    for id in [".", ".."] {
        let errs = [
            servers.get(id).await.map(|_| ()).unwrap_err(),
            servers.delete(id).await.unwrap_err(),
            servers.reboot(id, RebootType::Hard).await.unwrap_err(),
            client
                .compute()
                .flavors()
                .get(id)
                .await
                .map(|_| ())
                .unwrap_err(),
        ];
        for e in errs {
            match e {
                Error::InvalidInput(m) => {
                    assert!(m.ends_with(&format!("id {id:?} is not valid")), "{m}")
                }
                other => panic!("{id}: {other:?}"),
            }
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
