//! Network handles against a wiremock Neutron: networks (get, get_opt, list/paging, find_by_name,
//! create, delete). Every test checks what went on the wire (method, path, query, headers, body)
//! and the decoded values.

mod common;

use futures_util::TryStreamExt as _;
use serde_json::{Value, json};
use stackclient::compute::SortDir;
use stackclient::network::{CreateNetwork, NetworkStatus};
use stackclient::{Client, Error};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{client, header, json_fixture, mount_keystone, pairs, query, received, utc};

const TOKEN: &str = "tok-network-1";
const NETWORKS: &str = "/network/v2.0/networks";
const NET_ID: &str = "d32019d3-bc6e-4319-9c1d-6722fc136a22";

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

/// A mock cloud whose Neutron publishes v2.0 at `/network`, and a client for it.
async fn neutron() -> (MockServer, Client) {
    let server = MockServer::start().await;
    mount_keystone(&server, TOKEN).await;
    Mock::given(method("GET"))
        .and(path("/network"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "versions": [{"id": "v2.0", "status": "CURRENT", "links": []}]
        })))
        .mount(&server)
        .await;
    let client = client(&server);
    (server, client)
}

/// The token, JSON, and no microversion header of either kind.
#[track_caller]
fn assert_neutron_headers(r: &Request) {
    assert_eq!(
        header(r, "x-auth-token"),
        Some(TOKEN),
        "{} {}",
        r.method,
        r.url
    );
    assert_eq!(header(r, "accept"), Some("application/json"));
    assert_eq!(header(r, "openstack-api-version"), None, "{}", r.url);
    assert_eq!(header(r, "x-openstack-nova-api-version"), None, "{}", r.url);
}

/// Every request to `/network/v2.0/...` (not Keystone, not version discovery).
async fn api_requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().starts_with("/network/v2.0"))
        .collect()
}

fn net(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "status": "ACTIVE",
        "admin_state_up": true,
        "shared": false,
        "subnets": [],
        "project_id": "p1",
        "tenant_id": "p1"
    })
}

fn ids(nets: &[stackclient::network::Network]) -> Vec<&str> {
    nets.iter().map(|n| n.id.as_str()).collect()
}

fn network_not_found(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(404)
        .insert_header("x-openstack-request-id", "req-neutron-404")
        .set_body_json(json!({"NeutronError": {
            "type": "NetworkNotFound",
            "message": format!("Network {id} could not be found."),
            "detail": ""
        }}))
}

// ------------------------------------------------------------------------------------------------
// get / get_opt
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_network_decodes_every_value_without_microversion_headers() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(format!("{NETWORKS}/{NET_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-openstack-request-id", "req-net-1")
                .set_body_json(json_fixture("network/network.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let n = client.network().networks().get(NET_ID).await.unwrap();

    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method.as_str(), "GET");
    assert_eq!(reqs[0].url.path(), format!("{NETWORKS}/{NET_ID}"));
    assert_eq!(reqs[0].url.query(), None);
    assert!(reqs[0].body.is_empty());
    assert_neutron_headers(&reqs[0]);
    assert_eq!(received(&server, "GET", "/network").await.len(), 1);

    assert_eq!(n.id, NET_ID);
    assert_eq!(n.name, "private-network");
    assert_eq!(n.status, NetworkStatus::Active);
    assert!(n.admin_state_up);
    assert!(n.shared);
    assert!(!n.external);
    assert_eq!(n.subnets, ["54d6f61d-db07-451c-9ab3-b9609b6b6f0b"]);
    assert_eq!(n.mtu, Some(1500));
    assert_eq!(n.port_security_enabled, Some(true));
    assert_eq!(
        n.project_id.as_deref(),
        Some("4fd44f30292945e481c7b8a0c8908869")
    );
    assert_eq!(
        n.tenant_id.as_deref(),
        Some("4fd44f30292945e481c7b8a0c8908869")
    );
    assert_eq!(n.availability_zones, ["nova"]);
    assert!(n.availability_zone_hints.is_empty());
    assert_eq!(n.dns_domain.as_deref(), Some("my-domain.org."));
    assert_eq!(
        n.qos_policy_id.as_deref(),
        Some("6a8454ade84346f59e8d40665f878b2e")
    );
    assert_eq!(n.ipv4_address_scope, None);
    assert_eq!(n.l2_adjacency, Some(false));
    assert_eq!(n.is_default, Some(true));
    assert_eq!(n.vlan_transparent, Some(false));
    assert_eq!(n.qinq, Some(false));
    assert_eq!(n.description.as_deref(), Some(""));
    assert_eq!(n.tags, ["tag1,tag2"]);
    assert_eq!(n.revision_number, Some(1));
    // Neutron writes timestamps without a zone: UTC.
    assert_eq!(n.created_at, Some(utc(2016, 3, 8, 20, 19, 41)));
    assert_eq!(n.updated_at, Some(utc(2016, 3, 8, 20, 19, 41)));
}

#[tokio::test]
async fn get_opt_is_none_and_get_is_not_found_on_network_not_found() {
    let (server, client) = neutron().await;
    let id = "00000000-0000-0000-0000-00000000dead";
    Mock::given(method("GET"))
        .and(path(format!("{NETWORKS}/{id}")))
        .respond_with(network_not_found(id))
        .expect(2)
        .mount(&server)
        .await;
    let networks = client.network().networks();
    assert!(networks.get_opt(id).await.unwrap().is_none());

    let err = networks.get(id).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.request_id(), Some("req-neutron-404"));
    let api = err.as_api().unwrap();
    assert_eq!(api.code.as_deref(), Some("NetworkNotFound"));
    assert_eq!(api.message, format!("Network {id} could not be found."));
    assert_eq!(api.detail, None, "empty detail is None");
    assert_eq!(api.method, "GET");
    assert_eq!(api.url, format!("{}{NETWORKS}/{id}", server.uri()));
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}{NETWORKS}/{id}: 404 NetworkNotFound: Network {id} could not be found. (request id req-neutron-404)",
            server.uri()
        )
    );
    for r in api_requests(&server).await {
        assert_neutron_headers(&r);
    }
}

#[tokio::test]
async fn empty_ids_are_invalid_input_and_nothing_is_sent() {
    let (server, client) = neutron().await;
    let networks = client.network().networks();
    for id in ["", " \t"] {
        for err in [
            networks.get(id).await.map(|_| ()).unwrap_err(),
            networks.get_opt(id).await.map(|_| ()).unwrap_err(),
            networks.delete(id).await.unwrap_err(),
        ] {
            match err {
                Error::InvalidInput(m) => assert_eq!(m, "network id is empty"),
                other => panic!("{other:?}"),
            }
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ------------------------------------------------------------------------------------------------
// list
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_sends_every_filter_and_decodes_one_page() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-openstack-request-id", "req-list-n")
                .set_body_json(json_fixture("network/network_tenant_id_only.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = client
        .network()
        .networks()
        .list()
        .name("private")
        .status(NetworkStatus::Active)
        .shared(true)
        .external(false)
        .admin_state_up(true)
        .project_id("p1")
        .tags(&["a", "b"])
        .limit(2)
        .marker("m0")
        .sort("name", SortDir::Desc)
        .send()
        .await
        .unwrap();
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_neutron_headers(&reqs[0]);
    assert_eq!(reqs[0].url.path(), NETWORKS);
    assert_eq!(
        query(&reqs[0]),
        pairs(&[
            ("name", "private"),
            ("status", "ACTIVE"),
            ("shared", "true"),
            ("router:external", "false"),
            ("admin_state_up", "true"),
            ("project_id", "p1"),
            ("tags", "a,b"),
            ("limit", "2"),
            ("marker", "m0"),
            ("sort_key", "name"),
            ("sort_dir", "desc"),
        ])
    );
    assert_eq!(page.request_id.as_deref(), Some("req-list-n"));
    assert_eq!(page.next_marker, None);
    // Only tenant_id is sent: project_id is filled from it.
    let [a, b] = page.items.as_slice() else {
        panic!("{:?}", page.items)
    };
    assert_eq!(a.id, NET_ID);
    assert_eq!(
        a.project_id.as_deref(),
        Some("4fd44f30292945e481c7b8a0c8908869")
    );
    assert_eq!(
        a.tenant_id.as_deref(),
        Some("4fd44f30292945e481c7b8a0c8908869")
    );
    assert!(a.external);
    assert_eq!(a.mtu, Some(0));
    assert_eq!(a.provider_network_type.as_deref(), Some("local"));
    assert_eq!(a.provider_segmentation_id, None);
    assert_eq!(b.id, "db193ab3-96e3-4cb3-8fc5-05f4296d0324");
    assert_eq!(b.name, "private");
    assert_eq!(b.status, NetworkStatus::Down);
    assert!(!b.admin_state_up);
    assert_eq!(
        b.project_id.as_deref(),
        Some("26a7980765d0414dbc1fc1f88cdb7e6e")
    );
    assert_eq!(b.provider_physical_network.as_deref(), Some("physnet1"));
    assert_eq!(b.provider_segmentation_id, Some(1001));
    assert_eq!(b.mtu, Some(1500));
    assert!(b.subnets.is_empty());
}

/// Three pages whose next links name another host; pages 2 and 3 also carry a `previous` link.
async fn mount_three_network_pages(server: &MockServer) {
    let evil = "http://evil.example:1/v2.0/networks";
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("marker", "m0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "networks": [net("n1", "a"), net("n2", "b")],
            "networks_links": [{"rel": "next", "href": format!("{evil}?limit=2&marker=n2")}]
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("marker", "n2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "networks": [net("n3", "c"), net("n4", "d")],
            "networks_links": [
                {"rel": "previous", "href": format!("{evil}?limit=2&marker=n3&page_reverse=True")},
                {"rel": "next", "href": format!("{evil}?limit=2&marker=n4")}
            ]
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("marker", "n4"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "networks": [net("n5", "e")],
            "networks_links": [
                {"rel": "previous", "href": format!("{evil}?limit=2&marker=n5&page_reverse=True")}
            ]
        })))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn paging_keeps_the_catalog_endpoint_and_the_filters_across_three_pages() {
    let (server, client) = neutron().await;
    mount_three_network_pages(&server).await;
    let all = client
        .network()
        .networks()
        .list()
        .shared(false)
        .limit(2)
        .marker("m0")
        .all()
        .await
        .unwrap();
    assert_eq!(ids(&all), ["n1", "n2", "n3", "n4", "n5"]);
    assert_eq!(
        all.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c", "d", "e"]
    );
    let reqs = api_requests(&server).await;
    let expected = [
        pairs(&[("shared", "false"), ("limit", "2"), ("marker", "m0")]),
        pairs(&[("shared", "false"), ("limit", "2"), ("marker", "n2")]),
        pairs(&[("shared", "false"), ("limit", "2"), ("marker", "n4")]),
    ];
    assert_eq!(reqs.len(), expected.len());
    for (r, q) in reqs.iter().zip(expected) {
        assert_eq!(r.url.path(), NETWORKS);
        assert_eq!(
            header(r, "host"),
            Some(server.address().to_string().as_str())
        );
        assert_eq!(query(r), q, "{}", r.url);
        assert_neutron_headers(r);
    }
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let (server, client) = neutron().await;
    mount_three_network_pages(&server).await;
    let mut stream = client
        .network()
        .networks()
        .list()
        .marker("m0")
        .into_stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "n1");
    assert_eq!(api_requests(&server).await.len(), 1);
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(ids(&rest), ["n2", "n3", "n4", "n5"]);
    assert_eq!(api_requests(&server).await.len(), 3);
}

/// Mounts `GET /network/v2.0/networks` answering `items` and a next link with `next`, for the
/// request with `marker` (`None`: without one).
async fn mount_page(server: &MockServer, marker: Option<&str>, items: &[&str], next: Option<&str>) {
    let links: Vec<Value> = next
        .map(|m| json!({"rel": "next", "href": format!("http://neutron/v2.0/networks?limit=2&marker={m}")}))
        .into_iter()
        .collect();
    let body = json!({
        "networks": items.iter().map(|id| net(id, id)).collect::<Vec<_>>(),
        "networks_links": links,
    });
    let mock = Mock::given(method("GET")).and(path(NETWORKS));
    let mock = match marker {
        Some(m) => mock.and(query_param("marker", m)),
        None => mock.and(query_param_is_missing("marker")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// Every id the stream yields, and the error that ended it (if any).
async fn drain(client: &Client) -> (Vec<String>, Option<Error>) {
    let mut stream = client.network().networks().list().limit(2).into_stream();
    let mut got = Vec::new();
    let result = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match stream.try_next().await {
                Ok(Some(n)) => got.push(n.id),
                Ok(None) => break None,
                Err(e) => {
                    assert!(
                        stream.try_next().await.expect("no second error").is_none(),
                        "the stream ends after its error"
                    );
                    break Some(e);
                }
            }
        }
    })
    .await
    .expect("paging must stop");
    (got, result)
}

#[tokio::test]
async fn a_next_link_looping_back_ends_the_stream_with_an_error_and_no_duplicates() {
    let (server, client) = neutron().await;
    // page 1 → n2, page 2 → n4, page 3 answers page 1 again (n1, n2 → n2): a loop.
    mount_page(&server, None, &["n1", "n2"], Some("n2")).await;
    mount_page(&server, Some("n2"), &["n3", "n4"], Some("n4")).await;
    mount_page(&server, Some("n4"), &["n1", "n2"], Some("n2")).await;
    let (got, err) = drain(&client).await;
    assert_eq!(got, ["n1", "n2", "n3", "n4"]);
    let err = err.expect("the loop is reported");
    assert!(err.is_pagination_loop());
    assert_eq!(err.status(), None);
    assert!(!err.is_not_found());
    match &err {
        Error::PaginationLoop {
            method,
            url,
            marker,
            pages,
            items,
            ..
        } => {
            assert_eq!(method, "GET");
            assert_eq!(url, &format!("{}{NETWORKS}", server.uri()));
            assert_eq!(marker, "n2", "page 3 names n2, followed already, as next");
            assert_eq!((*pages, *items), (3, 4));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}{NETWORKS}: paging loops back to items already listed (at marker n2) after 3 \
             page(s) and 4 item(s); stopped without repeating any",
            server.uri()
        )
    );
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 3, "nothing is fetched after the loop");
    assert_eq!(query(&reqs[2]), pairs(&[("limit", "2"), ("marker", "n4")]));
    // `all()` reports it too.
    let err = client
        .network()
        .networks()
        .list()
        .limit(2)
        .all()
        .await
        .unwrap_err();
    assert!(err.is_pagination_loop());
    assert_eq!(api_requests(&server).await.len(), 6);
}

#[tokio::test]
async fn a_server_ignoring_the_marker_gives_one_page_then_the_loop() {
    let (server, client) = neutron().await;
    // Every request gets page 1 with next n2 (the next link identical to the previous one).
    mount_page(&server, None, &["n1", "n2"], Some("n2")).await;
    mount_page(&server, Some("n2"), &["n1", "n2"], Some("n2")).await;
    let (got, err) = drain(&client).await;
    assert_eq!(got, ["n1", "n2"]);
    let err = err.unwrap();
    assert!(
        matches!(err, Error::PaginationLoop { ref marker, pages: 2, items: 2, .. } if marker == "n2"),
        "{err:?}"
    );
    assert_eq!(api_requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_repeated_marker_ends_the_stream_after_the_new_items() {
    let (server, client) = neutron().await;
    // Page 2 has a new item but names n1 (followed already) as next.
    mount_page(&server, None, &["n1"], Some("n1")).await;
    mount_page(&server, Some("n1"), &["n2"], Some("n1")).await;
    let (got, err) = drain(&client).await;
    assert_eq!(got, ["n1", "n2"]);
    let err = err.unwrap();
    assert!(
        matches!(err, Error::PaginationLoop { ref marker, pages: 2, items: 2, .. } if marker == "n1"),
        "{err:?}"
    );
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(query(&reqs[1]), pairs(&[("limit", "2"), ("marker", "n1")]));
}

#[tokio::test]
async fn a_page_of_items_already_listed_ends_the_stream_even_with_a_new_marker() {
    let (server, client) = neutron().await;
    mount_page(&server, None, &["n1", "n2"], Some("n2")).await;
    mount_page(&server, Some("n2"), &["n1", "n2"], Some("x9")).await;
    let (got, err) = drain(&client).await;
    assert_eq!(got, ["n1", "n2"]);
    let err = err.unwrap();
    assert!(
        matches!(err, Error::PaginationLoop { ref marker, pages: 2, items: 2, .. } if marker == "n2"),
        "{err:?}"
    );
    assert_eq!(api_requests(&server).await.len(), 2, "x9 is not followed");
}

#[tokio::test]
async fn items_repeated_beside_new_ones_are_skipped_and_paging_goes_on() {
    let (server, client) = neutron().await;
    mount_page(&server, None, &["n1", "n2"], Some("n2")).await;
    mount_page(&server, Some("n2"), &["n2", "n3"], Some("n3")).await;
    mount_page(&server, Some("n3"), &["n4"], None).await;
    let (got, err) = drain(&client).await;
    assert_eq!(got, ["n1", "n2", "n3", "n4"]);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(api_requests(&server).await.len(), 3);
}

#[tokio::test]
async fn an_empty_page_with_a_next_link_stops() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "networks": [net("n1", "a")],
            "networks_links": [{"rel": "next", "href": "http://neutron/v2.0/networks?marker=n1"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("marker", "n1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "networks": [],
            "networks_links": [{"rel": "next", "href": "http://neutron/v2.0/networks?marker=n9"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let all = client.network().networks().list().all().await.unwrap();
    assert_eq!(ids(&all), ["n1"]);
    assert_eq!(api_requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_bad_field_in_a_list_is_a_decode_error_naming_its_path() {
    let (server, client) = neutron().await;
    let mut bad = net("n2", "b");
    bad["status"] = json!(false);
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "networks": [net("n1", "a"), bad]
        })))
        .mount(&server)
        .await;
    let mut bad_mtu = net("n3", "c");
    bad_mtu["mtu"] = json!("big");
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("marker", "mtu"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "networks": [bad_mtu]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("marker", "truncated"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"networks": [{"id": "n1", "name": "a", "status": "ACT"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let networks = client.network().networks();
    let err = networks.list().all().await.unwrap_err();
    match &err {
        Error::Decode {
            method,
            url,
            path,
            message,
        } => {
            assert_eq!(method, "GET");
            assert_eq!(url, &format!("{}{NETWORKS}", server.uri()));
            assert_eq!(path, "networks[1].status");
            assert!(
                message.contains("invalid type: boolean `false`"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let err = networks.list().marker("mtu").send().await.unwrap_err();
    match &err {
        Error::Decode { path, .. } => assert_eq!(path, "networks[0].mtu"),
        other => panic!("{other:?}"),
    }
    let err = networks.list().marker("truncated").all().await.unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "networks[0].status");
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

// ------------------------------------------------------------------------------------------------
// find_by_name
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn find_by_name_sends_the_exact_name() {
    let (server, client) = neutron().await;
    let name = "private net/1.*";
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("name", name))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"networks": [net("n1", name)]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let found = client
        .network()
        .networks()
        .find_by_name(name)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, "n1");
    assert_eq!(found.name, name);
    assert_eq!(found.project_id.as_deref(), Some("p1"));
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(query(&reqs[0]), pairs(&[("name", name)]));
    assert_neutron_headers(&reqs[0]);
}

#[tokio::test]
async fn find_by_name_none_and_ambiguous() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("name", "missing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"networks": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("name", "twin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "networks": [net("t1", "twin"), net("t2", "twin")]
        })))
        .mount(&server)
        .await;
    let networks = client.network().networks();
    assert!(networks.find_by_name("missing").await.unwrap().is_none());
    match networks.find_by_name("twin").await.unwrap_err() {
        Error::InvalidInput(m) => assert_eq!(m, "2 networks are named \"twin\"; use the id"),
        other => panic!("{other:?}"),
    }
}

// ------------------------------------------------------------------------------------------------
// create / delete
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_sends_the_api_reference_bodies_exactly() {
    let (server, client) = neutron().await;
    Mock::given(method("POST"))
        .and(path(NETWORKS))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-openstack-request-id", "req-create-n")
                .set_body_json(json_fixture("network/network_create_response.json")),
        )
        .expect(2)
        .mount(&server)
        .await;
    let networks = client.network().networks();
    let sample = CreateNetwork::new()
        .name("sample_network")
        .admin_state_up(true)
        .dns_domain("my-domain.org.")
        .qos_policy_id("6a8454ade84346f59e8d40665f878b2e");
    let provider = CreateNetwork::new()
        .admin_state_up(true)
        .name("net1")
        .provider_network_type("vlan")
        .provider_physical_network("public")
        .provider_segmentation_id(2)
        .qos_policy_id("6a8454ade84346f59e8d40665f878b2e");

    let n = networks.create(&sample).await.unwrap();
    assert_eq!(n.id, "4e8e5957-649f-477b-9e5b-f1f75b21c03c");
    assert_eq!(n.name, "net1");
    assert_eq!(n.status, NetworkStatus::Active);
    assert_eq!(n.mtu, Some(1400));
    assert_eq!(n.l2_adjacency, Some(true));
    assert!(!n.shared);
    assert_eq!(
        n.project_id.as_deref(),
        Some("9bacb3c5d39d41a79512987f338cf177")
    );
    assert_eq!(n.availability_zones, ["nova"]);
    assert_eq!(n.dns_domain.as_deref(), Some("my-domain.org."));
    assert_eq!(n.is_default, Some(false));
    assert_eq!(n.revision_number, Some(1));
    assert_eq!(n.created_at, Some(utc(2016, 3, 8, 20, 19, 41)));
    networks.create(&provider).await.unwrap();

    let posts = received(&server, "POST", NETWORKS).await;
    assert_eq!(posts.len(), 2);
    let bodies: Vec<Value> = posts
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        bodies[0],
        json_fixture("network/network_create_request.json")
    );
    assert_eq!(
        bodies[1],
        json_fixture("network/network_provider_create_request.json")
    );
    for r in &posts {
        assert_eq!(r.url.query(), None);
        assert_eq!(header(r, "content-type"), Some("application/json"));
        assert_neutron_headers(r);
    }
}

#[tokio::test]
async fn create_refusal_surfaces_neutrons_fault() {
    let (server, client) = neutron().await;
    Mock::given(method("POST"))
        .and(path(NETWORKS))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-openstack-request-id", "req-400-n")
                .set_body_json(json!({"NeutronError": {
                    "type": "HTTPBadRequest",
                    "message": "Invalid input for mtu. Reason: 'x' is not an integer.",
                    "detail": "mtu"
                }})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .network()
        .networks()
        .create(&CreateNetwork::new().name("x"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.request_id(), Some("req-400-n"));
    let api = err.as_api().unwrap();
    assert_eq!(api.code.as_deref(), Some("HTTPBadRequest"));
    assert_eq!(
        api.message,
        "Invalid input for mtu. Reason: 'x' is not an integer."
    );
    assert_eq!(api.detail.as_deref(), Some("mtu"));
}

#[tokio::test]
async fn delete_sends_delete_and_reports_conflict_and_404() {
    let (server, client) = neutron().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{NETWORKS}/{NET_ID}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let in_use = "Unable to complete operation on network busy. There are one or more ports still in use on the network.";
    Mock::given(method("DELETE"))
        .and(path(format!("{NETWORKS}/busy")))
        .respond_with(
            ResponseTemplate::new(409).set_body_json(json!({"NeutronError": {
            "type": "NetworkInUse", "message": in_use, "detail": ""}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{NETWORKS}/gone")))
        .respond_with(network_not_found("gone"))
        .expect(1)
        .mount(&server)
        .await;
    let networks = client.network().networks();
    networks.delete(NET_ID).await.unwrap();

    let err = networks.delete("busy").await.unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(err.as_api().unwrap().code.as_deref(), Some("NetworkInUse"));
    assert_eq!(err.as_api().unwrap().message, in_use);

    let err = networks.delete("gone").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");

    let reqs = api_requests(&server).await;
    assert_eq!(
        reqs.iter()
            .map(|r| (r.method.as_str(), r.url.path()))
            .collect::<Vec<_>>(),
        [
            ("DELETE", format!("{NETWORKS}/{NET_ID}").as_str()),
            ("DELETE", format!("{NETWORKS}/busy").as_str()),
            ("DELETE", format!("{NETWORKS}/gone").as_str()),
        ]
    );
    for r in &reqs {
        assert!(r.body.is_empty());
        assert_neutron_headers(r);
    }
    // Version discovery happened once for all of them.
    assert_eq!(received(&server, "GET", "/network").await.len(), 1);
}

#[tokio::test]
async fn dot_ids_are_invalid_input_and_nothing_is_sent() {
    // `.` and `..` would vanish from the URL path: DELETE /v2.0/networks.
    let (server, client) = neutron().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let networks = client.network().networks();
    for id in [".", ".."] {
        for err in [
            networks.get(id).await.map(|_| ()).unwrap_err(),
            networks.delete(id).await.unwrap_err(),
        ] {
            match err {
                Error::InvalidInput(m) => assert_eq!(m, format!("network id {id:?} is not valid")),
                other => panic!("{id}: {other:?}"),
            }
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn links_before_items_are_read_too() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"networks_links": [{"href": "http://x/v2.0/networks?marker=n1", "rel": "next"}],
                "networks": [{"id": "n1", "name": "a", "status": "ACTIVE"}], "extra": {"x": [1]}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("marker", "n1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"networks": [net("n2", "b")]})),
        )
        .mount(&server)
        .await;
    let all = client.network().networks().list().all().await.unwrap();
    assert_eq!(ids(&all), ["n1", "n2"]);
    // Defaults of a minimal record.
    assert!(all[0].admin_state_up);
    assert!(!all[0].shared && !all[0].external);
    assert_eq!(all[0].project_id, None);
}

#[tokio::test]
async fn a_page_overlapping_the_previous_one_skips_the_repeated_items() {
    let (server, client) = neutron().await;
    // An item inserted between two requests shifts page 2 by one: n2 comes again first.
    mount_page(&server, None, &["n1", "n2"], Some("n2")).await;
    mount_page(&server, Some("n2"), &["n2", "n3"], Some("n3")).await;
    mount_page(&server, Some("n3"), &["n4"], None).await;
    let (got, err) = drain(&client).await;
    assert_eq!(got, ["n1", "n2", "n3", "n4"]);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(api_requests(&server).await.len(), 3);
}
