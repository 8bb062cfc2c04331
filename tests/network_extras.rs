//! Network extras against a wiremock Neutron: address scopes, QoS policies and their nested rules,
//! QoS rule types, trunks and sub-ports, RBAC policies, quotas, extensions, availability zones,
//! agents and network IP availability. Every test checks what went on the wire (method, path,
//! query, whole JSON bodies) and the decoded values.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::{Value, json};
use stackclient::network::*;
use stackclient::{Client, Error};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{client, header, json_fixture, mount_keystone, pairs, query, utc};

const TOKEN: &str = "tok-extras-1";
const V2: &str = "/network/v2.0";

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
async fn sent(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().starts_with(V2))
        .collect()
}

/// Method, path (without `/network/v2.0`) and JSON body (`Null` when empty) of a request; checks
/// the token.
#[track_caller]
fn wire(r: &Request) -> (String, String, Value) {
    assert_eq!(header(r, "x-auth-token"), Some(TOKEN), "{}", r.url);
    let body = if r.body.is_empty() {
        Value::Null
    } else {
        assert_eq!(
            header(r, "content-type"),
            Some("application/json"),
            "{}",
            r.url
        );
        serde_json::from_slice(&r.body).unwrap()
    };
    (
        r.method.as_str().to_string(),
        r.url.path().trim_start_matches(V2).to_string(),
        body,
    )
}

async fn mount(server: &MockServer, m: &str, p: &str, answer: ResponseTemplate) {
    Mock::given(method(m))
        .and(path(format!("{V2}{p}")))
        .respond_with(answer)
        .mount(server)
        .await;
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn neutron_error(status: u16, kind: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-openstack-request-id", "req-extras-err")
        .set_body_json(json!({"NeutronError": {"type": kind, "message": message, "detail": ""}}))
}

/// A fixture's text as stored (big numbers kept exact on the wire).
fn raw_fixture(rel: &str) -> String {
    std::fs::read_to_string(format!("{}/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

// ------------------------------------------------------------------------------------------------
// Address scopes
// ------------------------------------------------------------------------------------------------

const SCOPE: &str = "4143da3e-d2a7-4077-ba80-215ecfd016d7";

fn scope_json(name: &str, shared: bool) -> Value {
    json!({"address_scope": {"id": SCOPE, "name": name, "ip_version": 4, "shared": shared,
        "tenant_id": "p-old"}})
}

#[tokio::test]
async fn address_scopes_create_get_update_list_delete() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "POST",
        "/address-scopes",
        ResponseTemplate::new(201).set_body_json(scope_json("corp", false)),
    )
    .await;
    mount(
        &server,
        "GET",
        &format!("/address-scopes/{SCOPE}"),
        ok(scope_json("corp", false)),
    )
    .await;
    mount(
        &server,
        "PUT",
        &format!("/address-scopes/{SCOPE}"),
        ok(scope_json("corp-2", true)),
    )
    .await;
    mount(
        &server,
        "DELETE",
        &format!("/address-scopes/{SCOPE}"),
        ResponseTemplate::new(204),
    )
    .await;
    mount(
        &server,
        "GET",
        "/address-scopes",
        ok(json!({"address_scopes": [
            {"id": "s6", "name": null, "ip_version": "6", "shared": true, "project_id": "p1"}
        ]})),
    )
    .await;
    let scopes = client.network().address_scopes();

    let created = scopes
        .create(&CreateAddressScope::new("corp", 4).shared(false))
        .await
        .unwrap();
    assert_eq!(created.id, SCOPE);
    assert_eq!(
        created.project_id.as_deref(),
        Some("p-old"),
        "from tenant_id"
    );
    let got = scopes.get(SCOPE).await.unwrap();
    assert_eq!(
        (got.name.as_str(), got.ip_version, got.shared),
        ("corp", 4, false)
    );
    let updated = scopes
        .update(
            SCOPE,
            &UpdateAddressScope::new().name("corp-2").shared(true),
        )
        .await
        .unwrap();
    assert!(updated.shared);
    let listed = scopes
        .list()
        .ip_version(6)
        .shared(true)
        .project_id("p1")
        .name("x")
        .all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].ip_version, listed[0].name.as_str()),
        (6, ""),
        "string version, null name"
    );
    scopes.delete(SCOPE).await.unwrap();

    let reqs = sent(&server).await;
    let wires: Vec<_> = reqs.iter().map(wire).collect();
    assert_eq!(
        wires,
        [
            (
                "POST".into(),
                "/address-scopes".into(),
                json!({"address_scope": {"name": "corp", "ip_version": 4, "shared": false}})
            ),
            (
                "GET".into(),
                format!("/address-scopes/{SCOPE}"),
                Value::Null
            ),
            (
                "PUT".into(),
                format!("/address-scopes/{SCOPE}"),
                json!({"address_scope": {"name": "corp-2", "shared": true}})
            ),
            ("GET".into(), "/address-scopes".into(), Value::Null),
            (
                "DELETE".into(),
                format!("/address-scopes/{SCOPE}"),
                Value::Null
            ),
        ]
    );
    assert_eq!(
        query(&reqs[3]),
        pairs(&[
            ("ip_version", "6"),
            ("shared", "true"),
            ("project_id", "p1"),
            ("name", "x")
        ])
    );
}

#[tokio::test]
async fn address_scope_not_found_and_conflict_are_typed_errors() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "GET",
        "/address-scopes/gone",
        neutron_error(
            404,
            "AddressScopeNotFound",
            "Address scope gone could not be found.",
        ),
    )
    .await;
    mount(&server, "DELETE", "/address-scopes/busy", neutron_error(409, "AddressScopeInUse", "Unable to complete operation on address scope busy. There are one or more subnet pools in use on the address scope.")).await;
    let scopes = client.network().address_scopes();
    assert!(scopes.get_opt("gone").await.unwrap().is_none());
    let err = scopes.delete("busy").await.unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(err.request_id(), Some("req-extras-err"));
    assert_eq!(
        err.as_api().unwrap().code.as_deref(),
        Some("AddressScopeInUse")
    );
}

// ------------------------------------------------------------------------------------------------
// QoS policies and rules
// ------------------------------------------------------------------------------------------------

const POLICY: &str = "7d1b0e2c-4b8f-4c53-9a35-0f6a9c1e2d31";

#[tokio::test]
async fn qos_policy_reads_leniently_with_every_rule_kind() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "GET",
        &format!("/qos/policies/{POLICY}"),
        ok(json_fixture("network/qos_policy.json")),
    )
    .await;
    let p = client.network().qos_policies().get(POLICY).await.unwrap();
    assert_eq!(p.name, "gold");
    assert_eq!(p.description, "", "null description");
    assert!(p.tags.is_empty(), "null tags");
    assert!(p.shared);
    assert_eq!(p.is_default, Some(false));
    assert_eq!(
        p.project_id.as_deref(),
        Some("c1a5e3b04f7d4e2c9a0b6d8e7f1a2b3c"),
        "from tenant_id"
    );
    assert_eq!(p.revision_number, Some(4), "string revision");
    assert_eq!(p.created_at, Some(utc(2023, 11, 2, 8, 15, 0)));
    assert_eq!(
        p.updated_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2023-11-02T08:16:30.123456+00:00"),
        "space-separated, no zone: UTC"
    );
    assert_eq!(p.rules.len(), 5);
    let QosRule::BandwidthLimit(bw) = &p.rules[0] else {
        panic!("{:?}", p.rules[0])
    };
    assert_eq!(
        (bw.max_kbps, bw.max_burst_kbps, bw.direction.clone()),
        (20000, Some(1600), Some(QosDirection::Ingress))
    );
    let QosRule::DscpMarking(dscp) = &p.rules[1] else {
        panic!()
    };
    assert_eq!((dscp.id.as_str(), dscp.dscp_mark), ("r-dscp", 0));
    let QosRule::MinimumBandwidth(min) = &p.rules[2] else {
        panic!()
    };
    assert_eq!(
        (min.min_kbps, min.direction.clone()),
        (5000, Some(QosDirection::Egress))
    );
    let QosRule::MinimumPacketRate(pps) = &p.rules[3] else {
        panic!()
    };
    assert_eq!(pps.direction, Some(QosDirection::Other("sideways".into())));
    match &p.rules[4] {
        QosRule::Other { rule_type, body } => {
            assert_eq!(rule_type, "packet_rate_limit");
            assert_eq!(body["max_kpps"], 1000);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(p.rules[4].id(), Some("r-prl"));
    // Lossless: written back, the unknown rule is as sent and the known ones carry their type.
    let back = serde_json::to_value(&p).unwrap();
    assert_eq!(
        back["rules"][4],
        json_fixture("network/qos_policy.json")["policy"]["rules"][4]
    );
    assert_eq!(back["rules"][0]["type"], "bandwidth_limit");
    assert_eq!(back["rules"][0]["max_kbps"], 20000);
}

#[tokio::test]
async fn qos_policy_create_update_if_match_tags_and_filters() {
    let (server, client) = neutron().await;
    let policy = json!({"policy": {"id": POLICY, "name": "gold", "description": "", "shared": false,
        "is_default": true, "project_id": "p1", "rules": [], "tags": ["t"], "revision_number": 2}});
    mount(
        &server,
        "POST",
        "/qos/policies",
        ResponseTemplate::new(201).set_body_json(policy.clone()),
    )
    .await;
    mount(
        &server,
        "PUT",
        &format!("/qos/policies/{POLICY}"),
        ok(policy.clone()),
    )
    .await;
    mount(
        &server,
        "PUT",
        &format!("/qos/policies/{POLICY}/tags/gold"),
        ResponseTemplate::new(201),
    )
    .await;
    mount(
        &server,
        "GET",
        "/qos/policies",
        ok(json!({"policies": [policy["policy"].clone()]})),
    )
    .await;
    let policies = client.network().qos_policies();

    let p = policies
        .create(
            &CreateQosPolicy::new("gold")
                .description("")
                .is_default(true)
                .shared(false)
                .project_id("p1"),
        )
        .await
        .unwrap();
    assert_eq!(p.revision_number, Some(2));
    let p = policies
        .update_if(
            POLICY,
            &UpdateQosPolicy::new()
                .clear_description()
                .shared(true)
                .is_default(false)
                .name("g2"),
            2,
        )
        .await
        .unwrap();
    assert_eq!(p.tags, ["t"]);
    policies.add_tag(POLICY, "gold").await.unwrap();
    let listed = policies
        .list()
        .is_default(true)
        .shared(false)
        .name("gold")
        .project_id("p1")
        .tags_any(&["a", "b"])
        .all()
        .await
        .unwrap();
    assert_eq!(listed[0].id, POLICY);

    let reqs = sent(&server).await;
    assert_eq!(
        wire(&reqs[0]),
        (
            "POST".into(),
            "/qos/policies".into(),
            json!({"policy": {"name": "gold", "description": "", "shared": false, "is_default": true, "project_id": "p1"}})
        )
    );
    assert_eq!(
        wire(&reqs[1]),
        (
            "PUT".into(),
            format!("/qos/policies/{POLICY}"),
            json!({"policy": {"name": "g2", "description": null, "shared": true, "is_default": false}})
        )
    );
    assert_eq!(header(&reqs[1], "if-match"), Some("revision_number=2"));
    assert_eq!(
        wire(&reqs[2]),
        (
            "PUT".into(),
            format!("/qos/policies/{POLICY}/tags/gold"),
            Value::Null
        )
    );
    assert_eq!(
        query(&reqs[3]),
        pairs(&[
            ("is_default", "true"),
            ("shared", "false"),
            ("name", "gold"),
            ("project_id", "p1"),
            ("tags-any", "a,b")
        ])
    );
}

#[tokio::test]
async fn qos_policy_modify_retries_after_412() {
    let (server, client) = neutron().await;
    let body = |rev: u64, desc: &str| json!({"policy": {"id": POLICY, "name": "gold", "description": desc, "shared": false, "revision_number": rev}});
    Mock::given(method("GET"))
        .and(path(format!("{V2}/qos/policies/{POLICY}")))
        .respond_with(ok(body(5, "a")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{V2}/qos/policies/{POLICY}")))
        .respond_with(ok(body(6, "a b")))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{V2}/qos/policies/{POLICY}")))
        .respond_with(neutron_error(
            412,
            "RevisionNumberConstraintFailed",
            "Constrained to 5, but current revision is 6",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{V2}/qos/policies/{POLICY}")))
        .respond_with(ok(body(7, "a b c")))
        .mount(&server)
        .await;
    let p = client
        .network()
        .qos_policies()
        .modify(POLICY, |p| {
            Some(UpdateQosPolicy::new().description(format!("{} c", p.description)))
        })
        .await
        .unwrap();
    assert_eq!(p.revision_number, Some(7));
    let puts: Vec<_> = sent(&server)
        .await
        .into_iter()
        .filter(|r| r.method.as_str() == "PUT")
        .collect();
    assert_eq!(puts.len(), 2);
    assert_eq!(header(&puts[0], "if-match"), Some("revision_number=5"));
    assert_eq!(
        wire(&puts[1]).2,
        json!({"policy": {"description": "a b c"}}),
        "the second write is built from the re-read"
    );
    assert_eq!(header(&puts[1], "if-match"), Some("revision_number=6"));
}

#[tokio::test]
async fn qos_rules_live_under_their_policy() {
    let (server, client) = neutron().await;
    let base = format!("/qos/policies/{POLICY}");
    mount(&server, "POST", &format!("{base}/bandwidth_limit_rules"), ResponseTemplate::new(201).set_body_json(json!(
        {"bandwidth_limit_rule": {"id": "bw1", "max_kbps": 10000, "max_burst_kbps": 0, "direction": "egress"}}))).await;
    mount(&server, "PUT", &format!("{base}/bandwidth_limit_rules/bw1"), ok(json!(
        {"bandwidth_limit_rule": {"id": "bw1", "max_kbps": "20000", "max_burst_kbps": null, "direction": "ingress"}}))).await;
    mount(
        &server,
        "GET",
        &format!("{base}/dscp_marking_rules"),
        ok(json!(
        {"dscp_marking_rules": [{"id": "d1", "dscp_mark": 26}, {"id": "d2", "dscp_mark": "0"}]})),
    )
    .await;
    mount(
        &server,
        "POST",
        &format!("{base}/dscp_marking_rules"),
        ResponseTemplate::new(201).set_body_json(json!(
        {"dscp_marking_rule": {"id": "d3", "dscp_mark": 0}})),
    )
    .await;
    mount(
        &server,
        "POST",
        &format!("{base}/minimum_bandwidth_rules"),
        ResponseTemplate::new(201).set_body_json(json!(
        {"minimum_bandwidth_rule": {"id": "m1", "min_kbps": 1000, "direction": "ingress"}})),
    )
    .await;
    mount(
        &server,
        "GET",
        &format!("{base}/minimum_bandwidth_rules/m1"),
        ok(json!(
        {"minimum_bandwidth_rule": {"id": "m1", "min_kbps": 1000}})),
    )
    .await;
    mount(
        &server,
        "PUT",
        &format!("{base}/minimum_packet_rate_rules/p1"),
        ok(json!(
        {"minimum_packet_rate_rule": {"id": "p1", "min_kpps": 2000, "direction": "any"}})),
    )
    .await;
    mount(
        &server,
        "DELETE",
        &format!("{base}/minimum_packet_rate_rules/p1"),
        ResponseTemplate::new(204),
    )
    .await;
    let policies = client.network().qos_policies();

    let bw = policies.bandwidth_limit_rules(POLICY);
    assert_eq!(bw.parent(), ["qos", "policies", POLICY]);
    let r = bw
        .create(
            &CreateBandwidthLimitRule::new(10000)
                .max_burst_kbps(0)
                .direction(QosDirection::Egress),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.id.as_str(), r.max_kbps, r.max_burst_kbps),
        ("bw1", 10000, Some(0))
    );
    let r = bw
        .update(
            "bw1",
            &UpdateBandwidthLimitRule::new()
                .max_kbps(20000)
                .direction(QosDirection::Ingress),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.max_kbps, r.max_burst_kbps, r.direction),
        (20000, None, Some(QosDirection::Ingress))
    );
    let dscp = policies.dscp_marking_rules(POLICY);
    let marks: Vec<u8> = dscp
        .list()
        .all()
        .await
        .unwrap()
        .iter()
        .map(|r| r.dscp_mark)
        .collect();
    assert_eq!(marks, [26, 0]);
    assert_eq!(
        dscp.create(&CreateDscpMarkingRule::new(0))
            .await
            .unwrap()
            .id,
        "d3"
    );
    let min = policies.minimum_bandwidth_rules(POLICY);
    let m = min
        .create(&CreateMinimumBandwidthRule::new(1000).direction(QosDirection::Ingress))
        .await
        .unwrap();
    assert_eq!(m.direction, Some(QosDirection::Ingress));
    assert_eq!(min.get("m1").await.unwrap().direction, None);
    let pps = policies.minimum_packet_rate_rules(POLICY);
    let p = pps
        .update(
            "p1",
            &UpdateMinimumPacketRateRule::new()
                .min_kpps(2000)
                .direction(QosDirection::Any),
        )
        .await
        .unwrap();
    assert_eq!((p.min_kpps, p.direction), (2000, Some(QosDirection::Any)));
    pps.delete("p1").await.unwrap();

    let wires: Vec<_> = sent(&server).await.iter().map(wire).collect();
    assert_eq!(
        wires,
        [
            (
                "POST".into(),
                format!("{base}/bandwidth_limit_rules"),
                json!({"bandwidth_limit_rule": {"max_kbps": 10000, "max_burst_kbps": 0, "direction": "egress"}})
            ),
            (
                "PUT".into(),
                format!("{base}/bandwidth_limit_rules/bw1"),
                json!({"bandwidth_limit_rule": {"max_kbps": 20000, "direction": "ingress"}})
            ),
            (
                "GET".into(),
                format!("{base}/dscp_marking_rules"),
                Value::Null
            ),
            (
                "POST".into(),
                format!("{base}/dscp_marking_rules"),
                json!({"dscp_marking_rule": {"dscp_mark": 0}})
            ),
            (
                "POST".into(),
                format!("{base}/minimum_bandwidth_rules"),
                json!({"minimum_bandwidth_rule": {"min_kbps": 1000, "direction": "ingress"}})
            ),
            (
                "GET".into(),
                format!("{base}/minimum_bandwidth_rules/m1"),
                Value::Null
            ),
            (
                "PUT".into(),
                format!("{base}/minimum_packet_rate_rules/p1"),
                json!({"minimum_packet_rate_rule": {"min_kpps": 2000, "direction": "any"}})
            ),
            (
                "DELETE".into(),
                format!("{base}/minimum_packet_rate_rules/p1"),
                Value::Null
            ),
        ]
    );
}

#[tokio::test]
async fn qos_rules_of_an_empty_policy_id_are_refused_before_sending() {
    let (server, client) = neutron().await;
    let bw = client.network().qos_policies().bandwidth_limit_rules(" ");
    for err in [
        bw.create(&CreateBandwidthLimitRule::new(1))
            .await
            .unwrap_err(),
        bw.get("r1").await.map(|_| ()).unwrap_err(),
        bw.delete("r1").await.unwrap_err(),
        bw.list().send().await.map(|_| ()).unwrap_err(),
    ] {
        match err {
            Error::InvalidInput(m) => assert_eq!(m, "QoS policy id is empty"),
            other => panic!("{other:?}"),
        }
    }
    let dot = client.network().qos_policies().dscp_marking_rules("..");
    assert!(
        matches!(dot.list().all().await, Err(Error::InvalidInput(m)) if m == "QoS policy id \"..\" is not valid")
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn qos_rule_types_list_and_details() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "GET",
        "/qos/rule-types",
        ok(json!({"rule_types": [{"type": "bandwidth_limit"}, {"type": "packet_rate_limit"}]})),
    )
    .await;
    mount(&server, "GET", "/qos/rule-types/dscp_marking", ok(json!({"rule_type": {"type": "dscp_marking", "drivers": [
        {"name": "ovn", "supported_parameters": [{"parameter_name": "dscp_mark", "parameter_type": "choices", "parameter_values": [0, 8, 10]}]}
    ]}}))).await;
    let types = client.network().qos_rule_types();
    let all = types.list().all_supported(true).all().await.unwrap();
    assert_eq!(
        all.iter().map(|t| t.rule_type.as_str()).collect::<Vec<_>>(),
        ["bandwidth_limit", "packet_rate_limit"]
    );
    assert!(all[0].drivers.is_empty());
    let d = types.get("dscp_marking").await.unwrap();
    assert_eq!(d.drivers[0].name, "ovn");
    assert_eq!(
        d.drivers[0].supported_parameters[0].parameter_values,
        QosParameterValues::Choices(vec![json!(0), json!(8), json!(10)])
    );
    let reqs = sent(&server).await;
    assert_eq!(query(&reqs[0]), pairs(&[("all_supported", "true")]));
    assert_eq!(
        wire(&reqs[1]),
        (
            "GET".into(),
            "/qos/rule-types/dscp_marking".into(),
            Value::Null
        )
    );
}

// ------------------------------------------------------------------------------------------------
// Trunks
// ------------------------------------------------------------------------------------------------

const TRUNK: &str = "2a9b7c2e-1f0d-4b8e-9a6c-5d4e3f2a1b0c";
const CHILD: &str = "11111111-2222-4333-8444-555555555555";

#[tokio::test]
async fn trunk_reads_leniently() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "GET",
        &format!("/trunks/{TRUNK}"),
        ok(json_fixture("network/trunk.json")),
    )
    .await;
    let t = client.network().trunks().get(TRUNK).await.unwrap();
    assert_eq!(t.status, TrunkStatus::Degraded);
    assert_eq!(t.description, "", "null description");
    assert_eq!(
        t.project_id.as_deref(),
        Some("c1a5e3b04f7d4e2c9a0b6d8e7f1a2b3c")
    );
    assert_eq!(t.tags, ["edge"]);
    assert_eq!(t.revision_number, Some(6));
    assert_eq!(t.created_at, Some(utc(2016, 10, 5, 22, 31, 37)));
    assert_eq!(t.updated_at, Some(utc(2016, 10, 5, 22, 52, 4)));
    assert_eq!(
        t.sub_ports[0],
        SubPort::new(CHILD, SegmentationType::Vlan, 101),
        "string segmentation id"
    );
    assert_eq!(
        t.sub_ports[1].segmentation_type,
        Some(SegmentationType::Inherit)
    );
    assert_eq!(t.sub_ports[1].segmentation_id, None);
    assert_eq!(
        t.sub_ports[2].segmentation_type,
        Some(SegmentationType::Other("qinq".into()))
    );
}

#[tokio::test]
async fn trunk_create_and_subport_actions() {
    let (server, client) = neutron().await;
    let bare = |subs: Value, rev: u64| {
        json!({"id": TRUNK, "name": "t", "port_id": "parent", "status": "DOWN",
        "admin_state_up": true, "sub_ports": subs, "project_id": "p1", "revision_number": rev})
    };
    mount(
        &server,
        "POST",
        "/trunks",
        ResponseTemplate::new(201).set_body_json(json!({"trunk": bare(json!([]), 1)})),
    )
    .await;
    mount(
        &server,
        "PUT",
        &format!("/trunks/{TRUNK}/add_subports"),
        ok(bare(
            json!([{"port_id": CHILD, "segmentation_type": "vlan", "segmentation_id": 44}]),
            2,
        )),
    )
    .await;
    mount(
        &server,
        "PUT",
        &format!("/trunks/{TRUNK}/remove_subports"),
        ok(bare(json!([]), 3)),
    )
    .await;
    mount(
        &server,
        "GET",
        &format!("/trunks/{TRUNK}/get_subports"),
        ok(json!({"sub_ports": null})),
    )
    .await;
    mount(
        &server,
        "PUT",
        &format!("/trunks/{TRUNK}"),
        ok(json!({"trunk": bare(json!([]), 4)})),
    )
    .await;
    mount(
        &server,
        "DELETE",
        &format!("/trunks/{TRUNK}"),
        neutron_error(409, "TrunkInUse", "Trunk 2a9b is currently in use."),
    )
    .await;
    let trunks = client.network().trunks();

    let t = trunks
        .create(
            &CreateTrunk::new("parent")
                .name("t")
                .description("d")
                .admin_state_up(true),
        )
        .await
        .unwrap();
    assert_eq!(t.revision_number, Some(1));
    let t = trunks
        .add_subports(TRUNK, &[SubPort::new(CHILD, SegmentationType::Vlan, 44)])
        .await
        .unwrap();
    assert_eq!(
        t.sub_ports,
        [SubPort::new(CHILD, SegmentationType::Vlan, 44)]
    );
    let t = trunks
        .remove_subports(TRUNK, &[SubPort::new(CHILD, SegmentationType::Vlan, 44)])
        .await
        .unwrap();
    assert!(t.sub_ports.is_empty());
    assert!(
        trunks.get_subports(TRUNK).await.unwrap().is_empty(),
        "null list"
    );
    let t = trunks
        .update(
            TRUNK,
            &UpdateTrunk::new().description("").admin_state_up(false),
        )
        .await
        .unwrap();
    assert_eq!(t.revision_number, Some(4));
    let err = trunks.delete(TRUNK).await.unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(
        err.as_api().unwrap().message,
        "Trunk 2a9b is currently in use."
    );
    let empty = trunks.add_subports("", &[]).await.unwrap_err();
    assert!(matches!(empty, Error::InvalidInput(m) if m == "trunk id is empty"));

    let wires: Vec<_> = sent(&server).await.iter().map(wire).collect();
    assert_eq!(
        wires,
        [
            (
                "POST".into(),
                "/trunks".into(),
                json!({"trunk": {"port_id": "parent", "name": "t", "description": "d", "admin_state_up": true}})
            ),
            (
                "PUT".into(),
                format!("/trunks/{TRUNK}/add_subports"),
                json!({"sub_ports": [{"port_id": CHILD, "segmentation_type": "vlan", "segmentation_id": 44}]})
            ),
            (
                "PUT".into(),
                format!("/trunks/{TRUNK}/remove_subports"),
                json!({"sub_ports": [{"port_id": CHILD}]})
            ),
            (
                "GET".into(),
                format!("/trunks/{TRUNK}/get_subports"),
                Value::Null
            ),
            (
                "PUT".into(),
                format!("/trunks/{TRUNK}"),
                json!({"trunk": {"description": "", "admin_state_up": false}})
            ),
            ("DELETE".into(), format!("/trunks/{TRUNK}"), Value::Null),
        ]
    );
}

// ------------------------------------------------------------------------------------------------
// RBAC policies
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn rbac_policies_create_list_update_delete() {
    let (server, client) = neutron().await;
    let rbac = |target: &str, action: &str| {
        json!({"id": "r1", "object_type": "qos_policy", "object_id": POLICY,
        "action": action, "target_tenant": target, "tenant_id": "owner"})
    };
    mount(
        &server,
        "POST",
        "/rbac-policies",
        ResponseTemplate::new(201)
            .set_body_json(json!({"rbac_policy": rbac("*", "access_as_shared")})),
    )
    .await;
    mount(&server, "GET", "/rbac-policies", ok(json!({"rbac_policies": [
        rbac("*", "access_as_shared"),
        {"id": "r2", "object_type": "bgpvpn", "object_id": "b", "action": "access_as_readonly", "target_tenant": "p2", "project_id": "owner"}
    ]}))).await;
    mount(
        &server,
        "PUT",
        "/rbac-policies/r1",
        ok(json!({"rbac_policy": rbac("p3", "access_as_shared")})),
    )
    .await;
    mount(
        &server,
        "DELETE",
        "/rbac-policies/r1",
        ResponseTemplate::new(204),
    )
    .await;
    mount(
        &server,
        "DELETE",
        "/rbac-policies/r9",
        neutron_error(
            404,
            "RbacPolicyNotFound",
            "RBAC policy r9 could not be found.",
        ),
    )
    .await;
    let policies = client.network().rbac_policies();

    let r = policies
        .create(
            &CreateRbacPolicy::new(
                RbacObjectType::QosPolicy,
                POLICY,
                RbacAction::AccessAsShared,
                ALL_PROJECTS,
            )
            .project_id("owner"),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.target_tenant.as_str(), r.project_id.as_deref()),
        ("*", Some("owner"))
    );
    let all = policies
        .list()
        .object_type(RbacObjectType::Network)
        .action(RbacAction::AccessAsExternal)
        .target_tenant("*")
        .object_id("n1")
        .project_id("owner")
        .all()
        .await
        .unwrap();
    assert_eq!(all[1].object_type, RbacObjectType::Other("bgpvpn".into()));
    assert_eq!(
        all[1].action,
        RbacAction::Other("access_as_readonly".into())
    );
    let r = policies
        .update("r1", &UpdateRbacPolicy::new().target_tenant("p3"))
        .await
        .unwrap();
    assert_eq!(r.target_tenant, "p3");
    assert!(policies.delete_opt("r1").await.unwrap());
    assert!(!policies.delete_opt("r9").await.unwrap());

    let reqs = sent(&server).await;
    assert_eq!(
        wire(&reqs[0]).2,
        json!({"rbac_policy": {"object_type": "qos_policy", "object_id": POLICY, "action": "access_as_shared", "target_tenant": "*", "project_id": "owner"}})
    );
    assert_eq!(
        query(&reqs[1]),
        pairs(&[
            ("object_type", "network"),
            ("action", "access_as_external"),
            ("target_tenant", "*"),
            ("object_id", "n1"),
            ("project_id", "owner")
        ])
    );
    assert_eq!(
        wire(&reqs[2]),
        (
            "PUT".into(),
            "/rbac-policies/r1".into(),
            json!({"rbac_policy": {"target_tenant": "p3"}})
        )
    );
    assert_eq!(wire(&reqs[3]).0, "DELETE");
}

// ------------------------------------------------------------------------------------------------
// Quotas
// ------------------------------------------------------------------------------------------------

const PROJECT: &str = "b9f2f86a7621434f86494f38d7891635";

#[tokio::test]
async fn quotas_show_defaults_details_update_reset_and_list() {
    let (server, client) = neutron().await;
    let q = json!({"quota": {"network": 100, "subnet": 100, "subnetpool": -1, "port": 500, "router": 10,
        "floatingip": 50, "rbac_policy": 10, "security_group": 10, "security_group_rule": 100}});
    mount(&server, "GET", &format!("/quotas/{PROJECT}"), ok(q.clone())).await;
    mount(
        &server,
        "GET",
        &format!("/quotas/{PROJECT}/default"),
        ok(q.clone()),
    )
    .await;
    mount(
        &server,
        "GET",
        &format!("/quotas/{PROJECT}/details"),
        ok(json!({"quota": {
            "network": {"limit": 100, "used": 3, "reserved": 1},
            "security_group": {"limit": "10", "used": "1", "reserved": 0},
            "port": {"limit": -1, "used": 9}
        }})),
    )
    .await;
    mount(
        &server,
        "PUT",
        &format!("/quotas/{PROJECT}"),
        ok(json!({"quota": {"network": 0, "port": -1, "trunk": "5", "l2-gateway-connection": 2}})),
    )
    .await;
    mount(
        &server,
        "DELETE",
        &format!("/quotas/{PROJECT}"),
        ResponseTemplate::new(204),
    )
    .await;
    mount(
        &server,
        "GET",
        "/quotas",
        ok(json!({"quotas": [
            {"network": 15, "tenant_id": "old-p", "port": "50", "floatingip": null},
            {"network": 1, "project_id": "p2", "tenant_id": "p2", "bgpvpn": 3}
        ]})),
    )
    .await;
    let quotas = client.network().quotas();

    let got = quotas.get(PROJECT).await.unwrap();
    assert_eq!(
        (
            got.network,
            got.subnetpool,
            got.security_group_rule,
            got.trunk
        ),
        (Some(100), Some(UNLIMITED), Some(100), None)
    );
    assert_eq!(got.project_id, None, "the answer does not name the project");
    assert_eq!(quotas.defaults(PROJECT).await.unwrap(), got);
    let d = quotas.details(PROJECT).await.unwrap();
    assert_eq!(
        d.get("network")
            .map(|u| (u.used, u.limit, u.reserved, u.available())),
        Some((3, 100, Some(1), Some(96)))
    );
    assert_eq!(
        d.get("security_group").map(|u| (u.used, u.limit)),
        Some((1, 10)),
        "strings"
    );
    assert_eq!(
        d.get("port").map(|u| (u.reserved, u.available())),
        Some((None, None)),
        "unlimited"
    );
    let updated = quotas
        .update(
            PROJECT,
            &UpdateQuota::new()
                .network(0)
                .port(UNLIMITED)
                .trunk(5)
                .set("l2-gateway-connection", 2)
                .check_limit(true),
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.network, updated.port, updated.trunk),
        (Some(0), Some(-1), Some(5))
    );
    assert_eq!(updated.limit("l2-gateway-connection"), Some(2));
    quotas.reset(PROJECT).await.unwrap();
    let all = quotas.list().all().await.unwrap();
    assert_eq!(
        all[0].project_id.as_deref(),
        Some("old-p"),
        "from tenant_id"
    );
    assert_eq!(
        (all[0].network, all[0].port, all[0].floatingip),
        (Some(15), Some(50), None)
    );
    assert_eq!(all[1].other.get("bgpvpn"), Some(&3));
    assert_eq!(all[1].limit("network"), Some(1));

    let wires: Vec<_> = sent(&server).await.iter().map(wire).collect();
    assert_eq!(
        wires,
        [
            ("GET".into(), format!("/quotas/{PROJECT}"), Value::Null),
            (
                "GET".into(),
                format!("/quotas/{PROJECT}/default"),
                Value::Null
            ),
            (
                "GET".into(),
                format!("/quotas/{PROJECT}/details"),
                Value::Null
            ),
            (
                "PUT".into(),
                format!("/quotas/{PROJECT}"),
                json!({"quota": {"network": 0, "port": -1, "trunk": 5, "l2-gateway-connection": 2, "check_limit": true}})
            ),
            ("DELETE".into(), format!("/quotas/{PROJECT}"), Value::Null),
            ("GET".into(), "/quotas".into(), Value::Null),
        ]
    );
}

#[tokio::test]
async fn quota_errors() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "PUT",
        &format!("/quotas/{PROJECT}"),
        neutron_error(
            400,
            "InvalidQuotaValue",
            "Change would make usage less than 0 for the following resources: ['network']",
        ),
    )
    .await;
    mount(
        &server,
        "GET",
        "/quotas/p1/details",
        neutron_error(
            403,
            "HTTPForbidden",
            "Non-admin is not authorized to access quotas for another project",
        ),
    )
    .await;
    let quotas = client.network().quotas();
    let err = quotas
        .update(PROJECT, &UpdateQuota::new().network(0).check_limit(true))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.as_api().unwrap().code.as_deref(),
        Some("InvalidQuotaValue")
    );
    assert_eq!(quotas.details("p1").await.unwrap_err().status(), Some(403));
    assert!(
        matches!(quotas.reset("").await, Err(Error::InvalidInput(m)) if m == "quota id is empty")
    );
}

// ------------------------------------------------------------------------------------------------
// Extensions, availability zones
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn extensions_list_get_and_is_loaded() {
    let (server, client) = neutron().await;
    let ext = json!({"alias": "agent", "name": "agent", "description": "The agent management extension.",
        "updated": "2013-02-03T10:00:00-00:00", "links": []});
    mount(&server, "GET", "/extensions", ok(json!({"extensions": [ext.clone(),
        {"alias": "qos", "name": "Quality of Service", "description": null, "updated": "2015-06-08T10:00:00-00:00", "links": null},
        {"alias": "port-mac-override", "name": "port-mac-override", "description": "", "updated": "2024-23-07T10:00:00-00:00", "links": []}]}))).await;
    mount(
        &server,
        "GET",
        "/extensions/agent",
        ok(json!({"extension": ext})),
    )
    .await;
    mount(
        &server,
        "GET",
        "/extensions/trunk",
        neutron_error(
            404,
            "HTTPNotFound",
            "Extension with alias trunk does not exist",
        ),
    )
    .await;
    let exts = client.network().extensions();
    let all = exts.list().all().await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.alias.as_str()).collect::<Vec<_>>(),
        ["agent", "qos", "port-mac-override"]
    );
    assert_eq!(all[1].description, "");
    assert!(all[1].links.is_empty());
    assert_eq!(all[1].updated_at(), Some(utc(2015, 6, 8, 10, 0, 0)));
    // Neutron 28 really sends this one: kept as text, no time.
    assert_eq!(all[2].updated.as_deref(), Some("2024-23-07T10:00:00-00:00"));
    assert_eq!(all[2].updated_at(), None);
    let agent = exts.get("agent").await.unwrap();
    assert_eq!(agent.description, "The agent management extension.");
    assert!(exts.is_loaded("agent").await.unwrap());
    assert!(!exts.is_loaded("trunk").await.unwrap());
    let paths: Vec<_> = sent(&server).await.iter().map(|r| wire(r).1).collect();
    assert_eq!(
        paths,
        [
            "/extensions",
            "/extensions/agent",
            "/extensions/agent",
            "/extensions/trunk"
        ]
    );
}

#[tokio::test]
async fn availability_zones_list_with_filters() {
    let (server, client) = neutron().await;
    mount(
        &server,
        "GET",
        "/availability_zones",
        ok(json!({"availability_zones": [
            {"name": "nova", "resource": "router", "state": "available"},
            {"name": "az-2", "resource": "network", "state": "draining"}
        ]})),
    )
    .await;
    let zones = client
        .network()
        .availability_zones()
        .list()
        .name("nova")
        .resource("router")
        .state(ZoneState::Available)
        .all()
        .await
        .unwrap();
    assert_eq!(zones[0].state, ZoneState::Available);
    assert_eq!(zones[1].state, ZoneState::Other("draining".into()));
    let reqs = sent(&server).await;
    assert_eq!(
        query(&reqs[0]),
        pairs(&[
            ("name", "nova"),
            ("resource", "router"),
            ("state", "available")
        ])
    );
}

// ------------------------------------------------------------------------------------------------
// Agents
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn agents_page_filter_update_delete() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(format!("{V2}/agents")))
        .and(query_param("marker", "840d5d68-5759-4e9e-812f-f3bd19214c7f"))
        .respond_with(ok(json!({"agents": [{"id": "a2", "agent_type": "L3 agent", "host": "net-2", "binary": "neutron-l3-agent",
            "topic": "l3_agent", "admin_state_up": false, "alive": false, "configurations": {}}], "agents_links": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{V2}/agents")))
        .respond_with(ok(json_fixture("network/agents_page1.json")))
        .mount(&server)
        .await;
    mount(
        &server,
        "PUT",
        "/agents/a2",
        ok(
            json!({"agent": {"id": "a2", "agent_type": "L3 agent", "host": "net-2",
        "admin_state_up": true, "alive": false, "description": "back", "configurations": null}}),
        ),
    )
    .await;
    mount(&server, "DELETE", "/agents/a2", ResponseTemplate::new(204)).await;
    let agents = client.network().agents();

    let all = agents
        .list()
        .alive(false)
        .agent_type("DHCP agent")
        .host("net-1")
        .binary("b")
        .topic("t")
        .admin_state_up(true)
        .availability_zone("az-1")
        .limit(1)
        .all()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["840d5d68-5759-4e9e-812f-f3bd19214c7f", "a2"]
    );
    let dhcp = &all[0];
    assert_eq!(
        (dhcp.agent_type.as_str(), dhcp.alive, dhcp.resources_synced),
        ("DHCP agent", false, None)
    );
    assert_eq!(dhcp.availability_zone.as_deref(), Some("az-1"));
    assert_eq!(dhcp.heartbeat_timestamp, Some(utc(2024, 3, 1, 10, 0, 0)));
    assert_eq!(dhcp.configurations["subnets"], "4", "free-form, as sent");
    assert_eq!(all[1].description, None);
    let a = agents
        .update(
            "a2",
            &UpdateAgent::new().admin_state_up(true).description("back"),
        )
        .await
        .unwrap();
    assert_eq!(
        (a.admin_state_up, a.description.as_deref()),
        (true, Some("back"))
    );
    assert!(a.configurations.is_null());
    agents.delete("a2").await.unwrap();

    let reqs = sent(&server).await;
    let filters = [
        ("alive", "false"),
        ("agent_type", "DHCP agent"),
        ("host", "net-1"),
        ("binary", "b"),
        ("topic", "t"),
        ("admin_state_up", "true"),
        ("availability_zone", "az-1"),
        ("limit", "1"),
    ];
    assert_eq!(query(&reqs[0]), pairs(&filters));
    let mut second = filters.to_vec();
    second.push(("marker", "840d5d68-5759-4e9e-812f-f3bd19214c7f"));
    assert_eq!(
        query(&reqs[1]),
        pairs(&second),
        "the next link's host is not followed; filters kept"
    );
    assert_ne!(reqs[1].url.host_str(), Some("other.example"));
    assert_eq!(
        wire(&reqs[2]),
        (
            "PUT".into(),
            "/agents/a2".into(),
            json!({"agent": {"admin_state_up": true, "description": "back"}})
        )
    );
    assert_eq!(
        wire(&reqs[3]),
        ("DELETE".into(), "/agents/a2".into(), Value::Null)
    );
}

// ------------------------------------------------------------------------------------------------
// Network IP availability
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn network_ip_availability_counts_beyond_u64_exactly() {
    let (server, client) = neutron().await;
    let net = "6801d9c8-20e6-4b27-945d-62499f00002e";
    mount(
        &server,
        "GET",
        &format!("/network-ip-availabilities/{net}"),
        ResponseTemplate::new(200).set_body_raw(
            raw_fixture("network/network_ip_availability.json"),
            "application/json",
        ),
    )
    .await;
    mount(
        &server,
        "GET",
        "/network-ip-availabilities",
        ok(json!({"network_ip_availabilities": []})),
    )
    .await;
    mount(
        &server,
        "GET",
        "/network-ip-availabilities/missing",
        neutron_error(
            404,
            "NetworkNotFound",
            "Network missing could not be found.",
        ),
    )
    .await;
    let ips = client.network().network_ip_availabilities();
    let a = ips.get(net).await.unwrap();
    assert_eq!(a.network_name, "dual-stack");
    assert_eq!(
        a.project_id.as_deref(),
        Some("d56d3b8dd6894a508cf41b96b522328c")
    );
    assert_eq!(a.total_ips, Some(18_446_744_073_709_551_869));
    assert_eq!(a.used_ips, Some(3));
    let d = a.ip_availability_details.unwrap();
    assert_eq!(
        (d.total_ips_in_subnet, d.used_ips_in_allocation_pool),
        (Some(18_446_744_073_709_551_870), Some(2))
    );
    let v6 = &a.subnet_ip_availability[1];
    assert_eq!(
        (v6.ip_version, v6.total_ips, v6.subnet_name.as_str()),
        (6, Some(1u128 << 64), "")
    );
    assert_eq!(v6.ip_availability_details, None);
    assert!(
        ips.list()
            .ip_version(6)
            .network_name("dual-stack")
            .project_id("p")
            .network_id(net)
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    assert!(ips.get("missing").await.unwrap_err().is_not_found());
    let reqs = sent(&server).await;
    assert_eq!(
        query(&reqs[1]),
        pairs(&[
            ("ip_version", "6"),
            ("network_name", "dual-stack"),
            ("project_id", "p"),
            ("network_id", net)
        ])
    );
}
