//! Routers, floating IPs (and port forwardings), security groups and rules against a wiremock
//! Neutron: method, path, query, whole JSON bodies, decoded values, paging, errors, and the
//! If-Match race.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use stackclient::network::{
    CreateFloatingIp, CreatePortForwarding, CreateRouter, CreateSecurityGroup,
    CreateSecurityGroupRule, CreateSecurityGroupRules, Direction, Ethertype, ExternalFixedIp,
    ExternalGateway, FloatingIpStatus, PortRange, Protocol, Route, RouterInterface, RouterStatus,
    UpdatePortForwarding, UpdateRouter, UpdateSecurityGroup,
};
use stackclient::{Client, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use common::{client, header, json_fixture, mount_keystone, pairs, query, utc};

const TOKEN: &str = "tok-routing-1";
const API: &str = "/network/v2.0";
const ROUTER: &str = "5b8f3c2e-7a11-4d6e-9a0c-3f2d1e4b5a60";
const FIP: &str = "f1f1f1f1-2222-4333-8444-555555555501";
const SG: &str = "5e5e5e5e-0000-4000-8000-000000000001";

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

/// Every request to `/network/v2.0/...`, in order.
async fn api_requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().starts_with(API))
        .collect()
}

/// The one API request: its method, path and JSON body (`Null` when empty); token checked.
async fn only_request(server: &MockServer) -> (String, String, Value) {
    let reqs = api_requests(server).await;
    assert_eq!(
        reqs.len(),
        1,
        "{:?}",
        reqs.iter().map(|r| r.url.to_string()).collect::<Vec<_>>()
    );
    let r = &reqs[0];
    assert_eq!(header(r, "x-auth-token"), Some(TOKEN));
    let body = if r.body.is_empty() {
        Value::Null
    } else {
        assert_eq!(header(r, "content-type"), Some("application/json"));
        serde_json::from_slice(&r.body).unwrap()
    };
    (r.method.to_string(), r.url.path().to_string(), body)
}

async fn mount(server: &MockServer, m: &str, p: String, resp: ResponseTemplate) {
    Mock::given(method(m))
        .and(path(p))
        .respond_with(resp)
        .expect(1)
        .mount(server)
        .await;
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn neutron_error(status: u16, kind: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-openstack-request-id", "req-routing-err")
        .set_body_json(json!({"NeutronError": {"type": kind, "message": message, "detail": ""}}))
}

// ------------------------------------------------------------------------------------------------
// Routers
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn router_get_decodes_gateway_routes_and_admin_fields() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "GET",
        format!("{API}/routers/{ROUTER}"),
        ok(json_fixture("network/router.json")),
    )
    .await;
    let r = client.network().routers().get(ROUTER).await.unwrap();
    let (m, p, body) = only_request(&server).await;
    assert_eq!(
        (m.as_str(), p.as_str(), body),
        (
            "GET",
            format!("{API}/routers/{ROUTER}").as_str(),
            Value::Null
        )
    );

    assert_eq!(r.id, ROUTER);
    assert_eq!(r.name, "edge-router");
    assert_eq!(r.description.as_deref(), Some("edge"));
    assert_eq!(r.status, RouterStatus::Active);
    assert!(r.admin_state_up);
    let gw = r.external_gateway_info.as_ref().unwrap();
    assert_eq!(gw.network_id, "a1b2c3d4-0000-4000-8000-00000000e001");
    assert_eq!(gw.enable_snat, Some(true));
    assert_eq!(
        gw.external_fixed_ips,
        [
            ExternalFixedIp::on_subnet("a1b2c3d4-0000-4000-8000-00000000e011", "203.0.113.10"),
            ExternalFixedIp::on_subnet("a1b2c3d4-0000-4000-8000-00000000e012", "2001:db8::10"),
        ]
    );
    assert_eq!(r.routes, [Route::new("192.168.50.0/24", "10.10.0.254")]);
    assert_eq!(r.distributed, Some(false));
    assert_eq!(r.ha, Some(true));
    assert_eq!(r.flavor_id, None);
    assert_eq!(r.availability_zones, ["az-1"]);
    assert_eq!(r.conntrack_helpers[0].port, Some(69));
    assert_eq!(r.tags, ["prod", "edge"]);
    assert_eq!(r.revision_number, Some(4));
    assert_eq!(r.created_at, Some(utc(2024, 5, 2, 9, 15, 20)));
    assert_eq!(r.updated_at, Some(utc(2024, 5, 2, 9, 16, 1)));
}

#[tokio::test]
async fn router_reading_is_lenient_and_lossless() {
    let (server, client) = neutron().await;
    let id = "5b8f3c2e-7a11-4d6e-9a0c-3f2d1e4b5a61";
    mount(
        &server,
        "GET",
        format!("{API}/routers/{id}"),
        ok(json_fixture("network/router_lenient.json")),
    )
    .await;
    let r = client.network().routers().get(id).await.unwrap();
    assert_eq!(r.name, "", "null name");
    assert_eq!(r.status, RouterStatus::Other("PENDING_UPDATE".into()));
    assert_eq!(r.status.as_str(), "PENDING_UPDATE");
    assert_eq!(
        r.project_id.as_deref(),
        Some("0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"),
        "from tenant_id"
    );
    let gw = r.external_gateway_info.unwrap();
    assert_eq!(gw.enable_snat, Some(false), "\"False\"");
    assert!(gw.external_fixed_ips.is_empty(), "null list");
    assert!(r.routes.is_empty() && r.availability_zones.is_empty() && r.tags.is_empty());
    assert_eq!(r.distributed, None, "admin-only field absent");
    assert_eq!(r.revision_number, Some(7), "\"7\"");
    assert_eq!(
        r.created_at.unwrap().to_rfc3339(),
        "2016-03-08T20:19:41.880302+00:00",
        "naive timestamp is UTC"
    );
    assert_eq!(r.updated_at, Some(utc(2016, 3, 8, 20, 19, 42)));
}

#[tokio::test]
async fn router_create_sends_exactly_the_fields_set() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "POST",
        format!("{API}/routers"),
        ResponseTemplate::new(201).set_body_json(json_fixture("network/router.json")),
    )
    .await;
    let req = CreateRouter::new()
        .name("edge-router")
        .external_gateway(
            ExternalGateway::new("a1b2c3d4-0000-4000-8000-00000000e001")
                .enable_snat(false)
                .fixed_ip(ExternalFixedIp::subnet(
                    "a1b2c3d4-0000-4000-8000-00000000e011",
                )),
        )
        .ha(true)
        .availability_zone_hints(["az-1"]);
    let r = client.network().routers().create(&req).await.unwrap();
    assert_eq!(r.id, ROUTER);
    let (m, p, body) = only_request(&server).await;
    assert_eq!(
        (m.as_str(), p.as_str()),
        ("POST", format!("{API}/routers").as_str())
    );
    assert_eq!(
        body,
        json!({"router": {
            "name": "edge-router",
            "external_gateway_info": {
                "network_id": "a1b2c3d4-0000-4000-8000-00000000e001",
                "enable_snat": false,
                "external_fixed_ips": [{"subnet_id": "a1b2c3d4-0000-4000-8000-00000000e011"}]
            },
            "ha": true,
            "availability_zone_hints": ["az-1"]
        }})
    );
}

#[tokio::test]
async fn router_update_null_clears_the_gateway_and_empty_routes_clear_routes() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "PUT",
        format!("{API}/routers/{ROUTER}"),
        ok(json_fixture("network/router.json")),
    )
    .await;
    let update = UpdateRouter::new().clear_external_gateway().routes(vec![]);
    client
        .network()
        .routers()
        .update(ROUTER, &update)
        .await
        .unwrap();
    let (m, _, body) = only_request(&server).await;
    assert_eq!(m, "PUT");
    assert_eq!(
        body,
        json!({"router": {"external_gateway_info": null, "routes": []}})
    );
    // Absent fields stay absent.
    assert_eq!(
        serde_json::to_value(UpdateRouter::new().name("r2")).unwrap(),
        json!({"router": {"name": "r2"}})
    );
}

#[tokio::test]
async fn add_and_remove_interface_by_subnet_and_by_port() {
    let (server, client) = neutron().await;
    Mock::given(method("PUT"))
        .and(path(format!("{API}/routers/{ROUTER}/add_router_interface")))
        .respond_with(ok(json_fixture("network/router_interface.json")))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!(
            "{API}/routers/{ROUTER}/remove_router_interface"
        )))
        .respond_with(neutron_error(
            404,
            "RouterInterfaceNotFoundForSubnet",
            "Router 5b8f… has no interface on subnet c0ffee00…",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let routers = client.network().routers();
    let subnet = "c0ffee00-0000-4000-8000-0000000000c1";
    let info = routers
        .add_interface(ROUTER, &RouterInterface::subnet(subnet))
        .await
        .unwrap();
    assert_eq!(info.id, ROUTER);
    assert_eq!(info.port_id, "c0ffee00-0000-4000-8000-0000000000b1");
    assert_eq!(
        info.network_id.as_deref(),
        Some("c0ffee00-0000-4000-8000-0000000000a1")
    );
    assert_eq!(info.subnet_id.as_deref(), Some(subnet));
    assert_eq!(info.subnet_ids, [subnet]);
    assert_eq!(
        info.project_id.as_deref(),
        Some("7e3b1c0d9f8a4b6c8d2e1f0a9b8c7d6e"),
        "from tenant_id"
    );
    routers
        .add_interface(
            ROUTER,
            &RouterInterface::port("c0ffee00-0000-4000-8000-0000000000b1"),
        )
        .await
        .unwrap();
    let err = routers
        .remove_interface(ROUTER, &RouterInterface::subnet(subnet))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(
        err.as_api().unwrap().code.as_deref(),
        Some("RouterInterfaceNotFoundForSubnet")
    );

    let bodies: Vec<(String, Value)> = api_requests(&server)
        .await
        .iter()
        .map(|r| {
            (
                r.url.path().rsplit('/').next().unwrap().to_string(),
                serde_json::from_slice(&r.body).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bodies,
        [
            (
                "add_router_interface".to_string(),
                json!({"subnet_id": subnet})
            ),
            (
                "add_router_interface".to_string(),
                json!({"port_id": "c0ffee00-0000-4000-8000-0000000000b1"})
            ),
            (
                "remove_router_interface".to_string(),
                json!({"subnet_id": subnet})
            ),
        ]
    );
    // An empty subnet id never reaches the wire.
    let err = routers
        .add_interface(ROUTER, &RouterInterface::subnet(""))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    assert_eq!(api_requests(&server).await.len(), 3);
}

#[tokio::test]
async fn extra_routes_add_and_remove_send_the_router_envelope() {
    let (server, client) = neutron().await;
    let mut router = json_fixture("network/router.json");
    router["router"]["routes"] = json!([
        {"destination": "192.168.50.0/24", "nexthop": "10.10.0.254"},
        {"destination": "10.20.0.0/16", "nexthop": "10.10.0.253"}
    ]);
    mount(
        &server,
        "PUT",
        format!("{API}/routers/{ROUTER}/add_extraroutes"),
        ok(router),
    )
    .await;
    mount(
        &server,
        "PUT",
        format!("{API}/routers/{ROUTER}/remove_extraroutes"),
        ok(json_fixture("network/router.json")),
    )
    .await;
    let routers = client.network().routers();
    let added = routers
        .add_extra_routes(ROUTER, &[Route::new("10.20.0.0/16", "10.10.0.253")])
        .await
        .unwrap();
    assert_eq!(added.routes.len(), 2);
    assert_eq!(added.routes[1], Route::new("10.20.0.0/16", "10.10.0.253"));
    let removed = routers
        .remove_extra_routes(ROUTER, &[Route::new("10.20.0.0/16", "10.10.0.253")])
        .await
        .unwrap();
    assert_eq!(
        removed.routes,
        [Route::new("192.168.50.0/24", "10.10.0.254")]
    );
    let reqs = api_requests(&server).await;
    for r in &reqs {
        assert_eq!(r.method.as_str(), "PUT");
        assert_eq!(header(r, "if-match"), None);
        assert_eq!(
            serde_json::from_slice::<Value>(&r.body).unwrap(),
            json!({"router": {"routes": [{"destination": "10.20.0.0/16", "nexthop": "10.10.0.253"}]}})
        );
    }
}

#[tokio::test]
async fn router_delete_in_use_is_a_conflict_and_gone_is_not_found() {
    let (server, client) = neutron().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{API}/routers/{ROUTER}")))
        .respond_with(neutron_error(
            409,
            "RouterInUse",
            "Router 5b8f… has ports still attached: c0ffee00…",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{API}/routers/{ROUTER}")))
        .respond_with(neutron_error(
            404,
            "RouterNotFound",
            "Router 5b8f… could not be found",
        ))
        .mount(&server)
        .await;
    let routers = client.network().routers();
    let err = routers.delete(ROUTER).await.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(err.status(), Some(409));
    assert_eq!(err.request_id(), Some("req-routing-err"));
    assert_eq!(err.as_api().unwrap().code.as_deref(), Some("RouterInUse"));
    assert!(!routers.delete_opt(ROUTER).await.unwrap(), "already gone");
    assert!(routers.delete(ROUTER).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn router_list_sends_filters_and_pages_through_routers_links() {
    let (server, client) = neutron().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let routers: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "name": format!("r-{id}"), "status": "ACTIVE", "admin_state_up": true, "tenant_id": "p1"}))
            .collect();
        let mut body = json!({"routers": routers});
        if let Some(m) = next {
            body["routers_links"] = json!([{"rel": "next", "href": format!("http://elsewhere.invalid/v2.0/routers?limit=2&marker={m}")}]);
        }
        ok(body)
    };
    Mock::given(method("GET"))
        .and(path(format!("{API}/routers")))
        .and(wiremock::matchers::query_param_is_missing("marker"))
        .respond_with(page(&["a", "b"], Some("b")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/routers")))
        .and(wiremock::matchers::query_param("marker", "b"))
        .respond_with(page(&["c"], None))
        .expect(1)
        .mount(&server)
        .await;
    let all = client
        .network()
        .routers()
        .list()
        .project_id("p1")
        .admin_state_up(true)
        .tags(&["prod", "edge"])
        .not_tags_any(&["old"])
        .limit(2)
        .all()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    assert!(all.iter().all(|r| r.project_id.as_deref() == Some("p1")));
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 2);
    let base = [
        ("project_id", "p1"),
        ("admin_state_up", "true"),
        ("tags", "prod,edge"),
        ("not-tags-any", "old"),
        ("limit", "2"),
    ];
    assert_eq!(query(&reqs[0]), pairs(&base));
    let mut second = base.to_vec();
    second.push(("marker", "b"));
    assert_eq!(query(&reqs[1]), pairs(&second));
    // The next link named another host: it was rebuilt against the catalog endpoint (this mock).
}

#[tokio::test]
async fn router_tags_use_the_generic_tags_api() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "PUT",
        format!("{API}/routers/{ROUTER}/tags/blue"),
        ResponseTemplate::new(201),
    )
    .await;
    client
        .network()
        .routers()
        .add_tag(ROUTER, "blue")
        .await
        .unwrap();
    let (m, p, body) = only_request(&server).await;
    assert_eq!(
        (m.as_str(), p.as_str(), body),
        (
            "PUT",
            format!("{API}/routers/{ROUTER}/tags/blue").as_str(),
            Value::Null
        )
    );
}

/// A router whose routes live in the responder; `PUT …/routers/{id}` with a stale
/// `If-Match: revision_number=N` answers 412 like Neutron.
struct RevisionedRouter {
    state: Arc<Mutex<(u64, Vec<Value>)>>,
    stale: Arc<Mutex<u32>>,
    gets: Arc<Mutex<u32>>,
}

impl RevisionedRouter {
    fn body(rev: u64, routes: &[Value]) -> Value {
        json!({"router": {"id": ROUTER, "name": "r", "status": "ACTIVE", "admin_state_up": true,
            "routes": routes, "revision_number": rev}})
    }
}

impl Respond for RevisionedRouter {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut st = self.state.lock().unwrap();
        if req.method.as_str() == "GET" {
            // The first two reads are answered (with what is current now) after a pause, so both
            // tasks hold revision 3 before either can write: the race happens every time.
            let mut gets = self.gets.lock().unwrap();
            *gets += 1;
            let resp = ok(Self::body(st.0, &st.1));
            return if *gets <= 2 {
                resp.set_delay(std::time::Duration::from_millis(300))
            } else {
                resp
            };
        }
        let wanted = header(req, "if-match")
            .and_then(|h| h.strip_prefix("revision_number="))
            .and_then(|n| n.parse::<u64>().ok());
        match wanted {
            Some(n) if n == st.0 => {}
            Some(n) => {
                *self.stale.lock().unwrap() += 1;
                return neutron_error(
                    412,
                    "RevisionNumberConstraintFailed",
                    &format!("Constrained to {n}, but current revision is {}", st.0),
                );
            }
            None => return neutron_error(400, "HTTPBadRequest", "this test wants If-Match"),
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        st.1 = body["router"]["routes"].as_array().unwrap().clone();
        st.0 += 1;
        ok(Self::body(st.0, &st.1))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_tasks_modifying_routes_with_if_match_both_win() {
    let (server, client) = neutron().await;
    let state = Arc::new(Mutex::new((
        3u64,
        vec![json!({"destination": "10.0.0.0/24", "nexthop": "10.1.0.1"})],
    )));
    let stale = Arc::new(Mutex::new(0u32));
    Mock::given(path(format!("{API}/routers/{ROUTER}")))
        .respond_with(RevisionedRouter {
            state: state.clone(),
            stale: stale.clone(),
            gets: Arc::new(Mutex::new(0)),
        })
        .mount(&server)
        .await;
    let mut tasks = Vec::new();
    for (dest, hop) in [("10.50.0.0/24", "10.1.0.50"), ("10.60.0.0/24", "10.1.0.60")] {
        let routers = client.network().routers();
        tasks.push(tokio::spawn(async move {
            let mut calls = 0;
            routers
                .modify(ROUTER, |r| {
                    calls += 1;
                    if calls == 1 {
                        assert_eq!(r.revision_number, Some(3), "both first reads see 3");
                    }
                    let route = Route::new(dest, hop);
                    if r.routes.contains(&route) {
                        return None;
                    }
                    let mut routes = r.routes.clone();
                    routes.push(route);
                    Some(UpdateRouter::new().routes(routes))
                })
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (rev, routes) = state.lock().unwrap().clone();
    assert_eq!(rev, 5, "two writes");
    let mut dests: Vec<&str> = routes
        .iter()
        .map(|r| r["destination"].as_str().unwrap())
        .collect();
    dests.sort_unstable();
    assert_eq!(
        dests,
        ["10.0.0.0/24", "10.50.0.0/24", "10.60.0.0/24"],
        "no update lost"
    );
    assert!(
        *stale.lock().unwrap() >= 1,
        "one task met a 412 and retried"
    );
    let puts: Vec<String> = api_requests(&server)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "PUT")
        .map(|r| header(r, "if-match").unwrap().to_string())
        .collect();
    assert!(
        puts.iter().all(|h| h.starts_with("revision_number=")),
        "{puts:?}"
    );
}

#[tokio::test]
async fn add_extra_routes_if_sends_if_match_and_a_412_is_its_own_predicate() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "PUT",
        format!("{API}/routers/{ROUTER}/add_extraroutes"),
        neutron_error(
            412,
            "RevisionNumberConstraintFailed",
            "Constrained to 1, but current revision is 3",
        ),
    )
    .await;
    let err = client
        .network()
        .routers()
        .add_extra_routes_if(ROUTER, &[Route::new("10.9.0.0/24", "10.77.0.5")], 1)
        .await
        .unwrap_err();
    assert!(err.is_precondition_failed(), "{err}");
    let reqs = api_requests(&server).await;
    assert_eq!(header(&reqs[0], "if-match"), Some("revision_number=1"));
}

// ------------------------------------------------------------------------------------------------
// Floating IPs and port forwardings
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn floating_ip_create_get_and_values() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "POST",
        format!("{API}/floatingips"),
        ResponseTemplate::new(201).set_body_json(json_fixture("network/floatingip.json")),
    )
    .await;
    let req = CreateFloatingIp::new("a1b2c3d4-0000-4000-8000-00000000e001")
        .port_id("c0ffee00-0000-4000-8000-0000000000b9")
        .fixed_ip_address("10.10.0.5")
        .description("web");
    let f = client.network().floating_ips().create(&req).await.unwrap();
    let (_, _, body) = only_request(&server).await;
    assert_eq!(
        body,
        json!({"floatingip": {
            "floating_network_id": "a1b2c3d4-0000-4000-8000-00000000e001",
            "port_id": "c0ffee00-0000-4000-8000-0000000000b9",
            "fixed_ip_address": "10.10.0.5",
            "description": "web"
        }})
    );
    assert_eq!(f.id, FIP);
    assert_eq!(f.floating_ip_address, "203.0.113.77");
    assert_eq!(f.fixed_ip_address.as_deref(), Some("10.10.0.5"));
    assert_eq!(f.router_id.as_deref(), Some(ROUTER));
    assert_eq!(f.status, FloatingIpStatus::Active);
    let pd = f.port_details.unwrap();
    assert_eq!(pd.device_owner.as_deref(), Some("compute:nova"));
    assert_eq!(pd.mac_address.as_deref(), Some("fa:16:3e:00:11:22"));
    assert_eq!(f.tags, ["web"]);
    assert_eq!(f.revision_number, Some(2));
    assert_eq!(f.created_at, Some(utc(2024, 5, 2, 10, 0, 0)));
}

#[tokio::test]
async fn floating_ip_reading_is_lenient() {
    let (server, client) = neutron().await;
    let id = "f1f1f1f1-2222-4333-8444-555555555502";
    mount(
        &server,
        "GET",
        format!("{API}/floatingips/{id}"),
        ok(json_fixture("network/floatingip_lenient.json")),
    )
    .await;
    let f = client.network().floating_ips().get(id).await.unwrap();
    assert_eq!(f.port_id, None);
    assert_eq!(f.port_details, None);
    assert!(f.port_forwardings.is_empty() && f.tags.is_empty());
    assert_eq!(f.status, FloatingIpStatus::Other("PENDING_CREATE".into()));
    assert_eq!(
        f.project_id.as_deref(),
        Some("0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f")
    );
    assert_eq!(f.revision_number, Some(1));
    assert_eq!(f.created_at, Some(utc(2016, 12, 21, 10, 55, 50)));
}

#[tokio::test]
async fn associate_and_disassociate_send_exact_bodies() {
    let (server, client) = neutron().await;
    Mock::given(method("PUT"))
        .and(path(format!("{API}/floatingips/{FIP}")))
        .respond_with(ok(json_fixture("network/floatingip.json")))
        .expect(3)
        .mount(&server)
        .await;
    let fips = client.network().floating_ips();
    fips.associate(FIP, "c0ffee00-0000-4000-8000-0000000000b9", None)
        .await
        .unwrap();
    fips.associate(
        FIP,
        "c0ffee00-0000-4000-8000-0000000000b9",
        Some("10.10.0.5"),
    )
    .await
    .unwrap();
    fips.disassociate(FIP).await.unwrap();
    let bodies: Vec<Value> = api_requests(&server)
        .await
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"floatingip": {"port_id": "c0ffee00-0000-4000-8000-0000000000b9"}}),
            json!({"floatingip": {"port_id": "c0ffee00-0000-4000-8000-0000000000b9", "fixed_ip_address": "10.10.0.5"}}),
            json!({"floatingip": {"port_id": null}}),
        ]
    );
}

#[tokio::test]
async fn floating_ip_list_filters() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "GET",
        format!("{API}/floatingips"),
        ok(json!({"floatingips": [json_fixture("network/floatingip.json")["floatingip"]]})),
    )
    .await;
    let page = client
        .network()
        .floating_ips()
        .list()
        .floating_network_id("net-ext")
        .port_id("p-9")
        .status(FloatingIpStatus::Active)
        .router_id(ROUTER)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next_marker, None);
    let reqs = api_requests(&server).await;
    assert_eq!(
        query(&reqs[0]),
        pairs(&[
            ("floating_network_id", "net-ext"),
            ("port_id", "p-9"),
            ("status", "ACTIVE"),
            ("router_id", ROUTER)
        ])
    );
}

#[tokio::test]
async fn port_forwardings_are_a_nested_collection() {
    let (server, client) = neutron().await;
    let base = format!("{API}/floatingips/{FIP}/port_forwardings");
    let pf1 = json_fixture("network/port_forwardings.json")["port_forwardings"][0].clone();
    mount(
        &server,
        "GET",
        base.clone(),
        ok(json_fixture("network/port_forwardings.json")),
    )
    .await;
    mount(
        &server,
        "POST",
        base.clone(),
        ResponseTemplate::new(201).set_body_json(json!({"port_forwarding": pf1})),
    )
    .await;
    mount(
        &server,
        "GET",
        format!("{base}/abababab-0000-4000-8000-000000000001"),
        ok(json!({"port_forwarding": pf1})),
    )
    .await;
    mount(
        &server,
        "PUT",
        format!("{base}/abababab-0000-4000-8000-000000000001"),
        ok(json!({"port_forwarding": pf1})),
    )
    .await;
    mount(
        &server,
        "DELETE",
        format!("{base}/abababab-0000-4000-8000-000000000001"),
        ResponseTemplate::new(204),
    )
    .await;

    let pfs = client
        .network()
        .floating_ips()
        .port_forwardings(FIP)
        .unwrap();
    let list = pfs
        .list()
        .protocol(&Protocol::Udp)
        .external_port_range(PortRange::new(6000, 6010))
        .all()
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].protocol, Some(Protocol::Tcp));
    assert_eq!(
        (list[0].internal_port, list[0].external_port),
        (Some(22), Some(2222))
    );
    assert_eq!(
        list[1].internal_port_range,
        Some(PortRange::new(5000, 5010))
    );
    assert_eq!(
        list[1]
            .external_port_range
            .map(|r| r.to_string())
            .as_deref(),
        Some("6000:6010")
    );
    assert_eq!(list[1].internal_port, None);

    let created = pfs
        .create(
            &CreatePortForwarding::new(
                Protocol::Tcp,
                "c0ffee00-0000-4000-8000-0000000000b9",
                "10.10.0.5",
            )
            .ports(22, 2222)
            .description("ssh"),
        )
        .await
        .unwrap();
    assert_eq!(created.id, "abababab-0000-4000-8000-000000000001");
    let got = pfs.get(&created.id).await.unwrap();
    assert_eq!(got.description.as_deref(), Some("ssh"));
    pfs.update(
        &created.id,
        &UpdatePortForwarding::new()
            .external_port(2223)
            .description(None),
    )
    .await
    .unwrap();
    pfs.delete(&created.id).await.unwrap();

    let reqs = api_requests(&server).await;
    let seen: Vec<(String, String)> = reqs
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_string()))
        .collect();
    let one = format!("{base}/abababab-0000-4000-8000-000000000001");
    assert_eq!(
        seen,
        [
            ("GET".into(), base.clone()),
            ("POST".into(), base.clone()),
            ("GET".into(), one.clone()),
            ("PUT".into(), one.clone()),
            ("DELETE".into(), one)
        ]
    );
    assert_eq!(
        query(&reqs[0]),
        pairs(&[("protocol", "udp"), ("external_port_range", "6000:6010")])
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&reqs[1].body).unwrap(),
        json!({"port_forwarding": {"protocol": "tcp", "internal_ip_address": "10.10.0.5", "internal_port": 22,
            "internal_port_id": "c0ffee00-0000-4000-8000-0000000000b9", "external_port": 2222, "description": "ssh"}})
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&reqs[3].body).unwrap(),
        json!({"port_forwarding": {"external_port": 2223, "description": null}})
    );
    // A bad parent id is refused before anything is sent.
    for bad in ["", "..", "."] {
        let err = client
            .network()
            .floating_ips()
            .port_forwardings(bad)
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{bad:?}: {err}");
    }
}

// ------------------------------------------------------------------------------------------------
// Security groups and rules
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn security_group_get_decodes_every_rule_spelling() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "GET",
        format!("{API}/security-groups/{SG}"),
        ok(json_fixture("network/security_group.json")),
    )
    .await;
    let g = client.network().security_groups().get(SG).await.unwrap();
    assert_eq!(g.name, "web");
    assert_eq!(g.stateful, Some(true));
    assert_eq!(g.shared, Some(false));
    assert_eq!(g.revision_number, Some(5));
    let r = &g.security_group_rules;
    assert_eq!(r.len(), 5);
    // Any protocol, all ports, description null.
    assert_eq!(
        (
            r[0].direction.clone(),
            r[0].protocol.clone(),
            r[0].port_range_min,
            r[0].port_range_max
        ),
        (Direction::Egress, None, None, None)
    );
    assert_eq!(r[0].description, None);
    assert_eq!(
        r[0].project_id.as_deref(),
        Some("7e3b1c0d9f8a4b6c8d2e1f0a9b8c7d6e"),
        "from tenant_id"
    );
    // "6" with ports as strings.
    assert_eq!(r[1].protocol, Some(Protocol::Number(6)));
    assert_eq!(
        (r[1].port_range_min, r[1].port_range_max),
        (Some(22), Some(22))
    );
    assert_eq!(r[1].remote_ip_prefix.as_deref(), Some("198.51.100.0/24"));
    // ICMP type 0 is a value, not "all".
    assert_eq!(r[2].protocol, Some(Protocol::Icmp));
    assert_eq!((r[2].port_range_min, r[2].port_range_max), (Some(0), None));
    // Legacy icmpv6 kept as sent, IPv6, remote group.
    assert_eq!(r[3].protocol, Some(Protocol::Icmpv6));
    assert_eq!(r[3].ethertype, Ethertype::Ipv6);
    assert_eq!(
        (r[3].port_range_min, r[3].port_range_max),
        (Some(128), Some(0))
    );
    assert_eq!(r[3].remote_group_id.as_deref(), Some(SG));
    // Unknown name kept; remote address group.
    assert_eq!(r[4].protocol, Some(Protocol::Other("ospf".into())));
    assert_eq!(
        r[4].remote_address_group_id.as_deref(),
        Some("adad0000-0000-4000-8000-000000000001")
    );
    // Written back as read.
    let back = serde_json::to_value(&g).unwrap();
    assert_eq!(back["security_group_rules"][1]["protocol"], "6");
    assert_eq!(back["security_group_rules"][3]["protocol"], "icmpv6");
    assert_eq!(back["security_group_rules"][2]["port_range_min"], 0);
}

#[tokio::test]
async fn security_group_create_update_delete_and_list() {
    let (server, client) = neutron().await;
    let g = json_fixture("network/security_group.json");
    mount(
        &server,
        "POST",
        format!("{API}/security-groups"),
        ResponseTemplate::new(201).set_body_json(g.clone()),
    )
    .await;
    mount(
        &server,
        "PUT",
        format!("{API}/security-groups/{SG}"),
        ok(g.clone()),
    )
    .await;
    mount(
        &server,
        "DELETE",
        format!("{API}/security-groups/{SG}"),
        ResponseTemplate::new(204),
    )
    .await;
    mount(
        &server,
        "GET",
        format!("{API}/security-groups"),
        ok(json!({"security_groups": [g["security_group"]]})),
    )
    .await;
    let sgs = client.network().security_groups();
    sgs.create(
        &CreateSecurityGroup::new("web")
            .description("web servers")
            .stateful(false),
    )
    .await
    .unwrap();
    sgs.update(
        SG,
        &UpdateSecurityGroup::new().clear_description().name("web2"),
    )
    .await
    .unwrap();
    sgs.delete(SG).await.unwrap();
    let found = sgs
        .list()
        .name("web")
        .shared(false)
        .project_id("p1")
        .all()
        .await
        .unwrap();
    assert_eq!(found[0].id, SG);
    let reqs = api_requests(&server).await;
    assert_eq!(
        serde_json::from_slice::<Value>(&reqs[0].body).unwrap(),
        json!({"security_group": {"name": "web", "description": "web servers", "stateful": false}})
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&reqs[1].body).unwrap(),
        json!({"security_group": {"name": "web2", "description": null}})
    );
    assert_eq!(reqs[2].method.as_str(), "DELETE");
    assert_eq!(
        query(&reqs[3]),
        pairs(&[("name", "web"), ("shared", "false"), ("project_id", "p1")])
    );
}

#[tokio::test]
async fn rule_bodies_say_exactly_what_was_set() {
    let (server, client) = neutron().await;
    let rule =
        json_fixture("network/security_group.json")["security_group"]["security_group_rules"][2]
            .clone();
    Mock::given(method("POST"))
        .and(path(format!("{API}/security-group-rules")))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"security_group_rule": rule})),
        )
        .expect(5)
        .mount(&server)
        .await;
    let rules = client.network().security_group_rules();
    let base = || CreateSecurityGroupRule::new(SG, Direction::Ingress);
    let created = rules
        .create(&base().protocol(Protocol::Icmp).icmp_type(0).icmp_code(0))
        .await
        .unwrap();
    assert_eq!(created.port_range_min, Some(0));
    rules
        .create(
            &base()
                .protocol(Protocol::Tcp)
                .port(22)
                .remote_ip_prefix("0.0.0.0/0"),
        )
        .await
        .unwrap();
    rules
        .create(
            &base()
                .any_protocol()
                .remote_group_id(SG)
                .ethertype(Ethertype::Ipv6),
        )
        .await
        .unwrap();
    rules
        .create(&base().protocol(6).port_range(8000, 8080).all_ports())
        .await
        .unwrap();
    rules
        .create(
            &base()
                .protocol(Protocol::Ipv6Icmp)
                .ethertype(Ethertype::Ipv6)
                .description("nd"),
        )
        .await
        .unwrap();
    let bodies: Vec<Value> = api_requests(&server)
        .await
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    let sg = |extra: Value| {
        let mut v = json!({"security_group_id": SG, "direction": "ingress"});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"security_group_rule": v})
    };
    assert_eq!(
        bodies,
        [
            sg(json!({"protocol": "icmp", "port_range_min": 0, "port_range_max": 0})),
            sg(
                json!({"protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"})
            ),
            sg(json!({"ethertype": "IPv6", "protocol": null, "remote_group_id": SG})),
            sg(json!({"protocol": "6", "port_range_min": null, "port_range_max": null})),
            sg(json!({"ethertype": "IPv6", "protocol": "ipv6-icmp", "description": "nd"})),
        ]
    );
}

#[tokio::test]
async fn rules_bulk_create_list_filters_and_errors() {
    let (server, client) = neutron().await;
    let rules_json =
        json_fixture("network/security_group.json")["security_group"]["security_group_rules"]
            .clone();
    mount(
        &server,
        "POST",
        format!("{API}/security-group-rules"),
        ResponseTemplate::new(201)
            .set_body_json(json!({"security_group_rules": [rules_json[1], rules_json[2]]})),
    )
    .await;
    mount(
        &server,
        "GET",
        format!("{API}/security-group-rules"),
        ok(json!({"security_group_rules": rules_json})),
    )
    .await;
    let rid = "70000000-0000-4000-8000-000000000009";
    mount(
        &server,
        "DELETE",
        format!("{API}/security-group-rules/{rid}"),
        neutron_error(
            404,
            "SecurityGroupRuleNotFound",
            "Security group rule 7000… does not exist",
        ),
    )
    .await;
    let rules = client.network().security_group_rules();
    let bulk = CreateSecurityGroupRules::new([
        CreateSecurityGroupRule::new(SG, Direction::Ingress)
            .protocol(Protocol::Tcp)
            .port(22),
        CreateSecurityGroupRule::new(SG, Direction::Ingress)
            .protocol(Protocol::Icmp)
            .icmp_type(0),
    ]);
    let made = rules.create_bulk(&bulk).await.unwrap();
    assert_eq!(made.len(), 2);
    assert_eq!(made[1].protocol, Some(Protocol::Icmp));
    let listed = rules
        .list()
        .security_group_id(SG)
        .direction(Direction::Ingress)
        .protocol(&Protocol::Number(6))
        .ethertype(Ethertype::Ipv4)
        .port_range_min(0)
        .all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 5);
    assert!(!rules.delete_opt(rid).await.unwrap());
    let reqs = api_requests(&server).await;
    assert_eq!(
        serde_json::from_slice::<Value>(&reqs[0].body).unwrap(),
        json!({"security_group_rules": [
            {"security_group_id": SG, "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22},
            {"security_group_id": SG, "direction": "ingress", "protocol": "icmp", "port_range_min": 0}
        ]})
    );
    assert_eq!(
        query(&reqs[1]),
        pairs(&[
            ("security_group_id", SG),
            ("direction", "ingress"),
            ("protocol", "6"),
            ("ethertype", "IPv4"),
            ("port_range_min", "0")
        ])
    );
}

#[tokio::test]
async fn rule_exists_is_a_conflict_with_neutrons_message() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "POST",
        format!("{API}/security-group-rules"),
        neutron_error(
            409,
            "SecurityGroupRuleExists",
            "Security group rule already exists. Rule id is a3c1b109.",
        ),
    )
    .await;
    let err = client
        .network()
        .security_group_rules()
        .create(
            &CreateSecurityGroupRule::new(SG, Direction::Ingress)
                .protocol(Protocol::Tcp)
                .port(22),
        )
        .await
        .unwrap_err();
    assert!(err.is_conflict());
    let api = err.as_api().unwrap();
    assert_eq!(api.code.as_deref(), Some("SecurityGroupRuleExists"));
    assert!(api.message.contains("a3c1b109"), "{}", api.message);
}
