//! The Networking API reference's samples for address scopes, QoS, trunks, RBAC policies, quotas,
//! quota details, extensions, availability zones, agents and network IP availability: every
//! response sample deserializes, and the builders reproduce every request sample field for field
//! (JSON values compared).
//!
//! Set `NEUTRON_SAMPLES` to the neutron-lib `api-ref/source/v2/samples` directory; without it the
//! test prints a skip line and passes.
//!
//! Where the reference writes a number or a boolean as a string (`"max_kbps": "10000"`,
//! `"check_limit": "True"`), which Neutron converts, the builders send the JSON number / boolean;
//! the comparison reads such sample strings as the value they stand for, and nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use stackclient::network::*;

const DIRS: &[&str] = &[
    "address-scopes",
    "qos",
    "trunks",
    "rbac_policy",
    "quotas",
    "quota_details",
    "extensions",
    "availability-zones",
    "agents",
    "network-ip-availability",
];

/// Samples of other areas' APIs kept in these directories (agent schedulers, a port's
/// `trunk_details`, the `packet_rate_limit` rule this crate reads only embedded in a policy).
const NOT_OURS: &[&str] = &[
    "agents/agent-dhcp-network-add-request.json",
    "agents/agent-l3-router-add-request.json",
    "agents/agent-l3-router-remove-request.json",
    "agents/agent-dhcp-networks-list-response.json",
    "agents/agent-l3-routers-list-response.json",
    "qos/packet_rate_limit_rule-create-request.json",
    "qos/packet_rate_limit_rule-create-response.json",
    "qos/packet_rate_limit_rule-show-response.json",
    "qos/packet_rate_limit_rule-update-request.json",
    "qos/packet_rate_limit_rule-update-response.json",
    "qos/packet_rate_limit_rules-list-response.json",
];

struct Samples {
    root: PathBuf,
    seen: BTreeSet<String>,
    responses: usize,
    requests: usize,
}

impl Samples {
    fn text(&mut self, rel: &str) -> String {
        self.seen.insert(rel.to_string());
        let p = self.root.join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// The sample decoded as `T` straight from its text (exact big numbers).
    fn decode<T: DeserializeOwned>(&mut self, rel: &str) -> T {
        let text = self.text(rel);
        self.responses += 1;
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// The sample's `key` decoded as `T`.
    fn one<T: DeserializeOwned>(&mut self, rel: &str, key: &str) -> T {
        let text = self.text(rel);
        self.responses += 1;
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let inner = v
            .get(key)
            .unwrap_or_else(|| panic!("{rel}: no `{key}`"))
            .clone();
        serde_json::from_value(inner).unwrap_or_else(|e| panic!("{rel} `{key}`: {e}"))
    }

    /// The sample's `key` list decoded as `Vec<T>`.
    fn list<T: DeserializeOwned>(&mut self, rel: &str, key: &str) -> Vec<T> {
        let items: Vec<T> = self.one(rel, key);
        assert!(!items.is_empty(), "{rel}: empty list");
        items
    }

    /// The builder's body equals the request sample.
    #[track_caller]
    fn request<B: serde::Serialize>(&mut self, rel: &str, body: &B) {
        let text = self.text(rel);
        self.requests += 1;
        let sample: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let built = serde_json::to_value(body).unwrap();
        assert_eq!(built, normalize(sample), "{rel}");
    }
}

/// The sample's strings that stand for a number (`"10000"`) or a boolean (`"True"`) as that value.
fn normalize(v: Value) -> Value {
    match v {
        Value::String(s) => {
            if let Ok(n) = s.parse::<i64>() {
                Value::from(n)
            } else if s == "True" || s == "true" {
                Value::Bool(true)
            } else if s == "False" || s == "false" {
                Value::Bool(false)
            } else {
                Value::String(s)
            }
        }
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        Value::Array(a) => Value::Array(a.into_iter().map(normalize).collect()),
        other => other,
    }
}

#[derive(Deserialize)]
struct IpShow {
    network_ip_availability: NetworkIpAvailability,
}

#[derive(Deserialize)]
struct IpList {
    network_ip_availabilities: Vec<NetworkIpAvailability>,
}

#[test]
fn every_extras_sample_decodes_and_every_request_is_rebuilt() {
    let Some(root) = std::env::var_os("NEUTRON_SAMPLES") else {
        println!(
            "skipped: NEUTRON_SAMPLES is not set (the neutron-lib api-ref/source/v2/samples directory)"
        );
        return;
    };
    let mut s = Samples {
        root: PathBuf::from(root),
        seen: BTreeSet::new(),
        responses: 0,
        requests: 0,
    };

    // Address scopes.
    let scope: AddressScope = s.one(
        "address-scopes/address-scope-create-response.json",
        "address_scope",
    );
    assert_eq!(scope.id, "4143da3e-d2a7-4077-ba80-215ecfd016d7");
    assert_eq!((scope.ip_version, scope.shared), (4, true));
    let scope: AddressScope = s.one(
        "address-scopes/address-scope-show-response.json",
        "address_scope",
    );
    assert_eq!(scope.name, "address-scope-ip4");
    assert_eq!(
        scope.project_id.as_deref(),
        Some("a7a7fa10fd7a4c80acb7e4b224480495")
    );
    let scope: AddressScope = s.one(
        "address-scopes/address-scope-update-response.json",
        "address_scope",
    );
    assert_eq!(scope.name, "address-scope-2");
    let scopes: Vec<AddressScope> = s.list(
        "address-scopes/address-scopes-list-response.json",
        "address_scopes",
    );
    assert_eq!(
        scopes.iter().map(|a| a.ip_version).collect::<Vec<_>>(),
        [6, 4]
    );
    s.request(
        "address-scopes/address-scope-create-request.json",
        &CreateAddressScope::new("address-scope-2", 4)
            .tenant_id("a7a7fa10fd7a4c80acb7e4b224480495")
            .shared(true)
            .project_id("a7a7fa10fd7a4c80acb7e4b224480495"),
    );
    s.request(
        "address-scopes/address-scope-update-request.json",
        &UpdateAddressScope::new()
            .name("address-scope-ip4")
            .shared(true),
    );

    // QoS policies.
    let p: QosPolicy = s.one("qos/policy-create-response.json", "policy");
    assert_eq!(
        (p.name.as_str(), p.revision_number, p.is_default),
        ("10Mbit", Some(1), Some(false))
    );
    assert!(p.rules.is_empty());
    assert_eq!(p.tags, ["tag1,tag2"]);
    let p: QosPolicy = s.one("qos/policy-show-response.json", "policy");
    assert_eq!(p.rules.len(), 2);
    match &p.rules[0] {
        QosRule::BandwidthLimit(r) => {
            assert_eq!((r.max_kbps, r.max_burst_kbps), (10000, Some(0)));
            assert_eq!(
                r.qos_policy_id.as_deref(),
                Some("46ebaec0-0570-43ac-82f6-60d2b03168c4")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&p.rules[1], QosRule::DscpMarking(r) if r.dscp_mark == 26));
    let p: QosPolicy = s.one("qos/policy-update-response.json", "policy");
    assert_eq!(p.revision_number, Some(3));
    let ps: Vec<QosPolicy> = s.list("qos/policies-list-response.json", "policies");
    assert_eq!(
        ps[0]
            .rules
            .iter()
            .map(QosRule::rule_type)
            .collect::<Vec<_>>(),
        ["bandwidth_limit", "dscp_marking"]
    );
    s.request(
        "qos/policy-create-request.json",
        &CreateQosPolicy::new("10Mbit")
            .description("This policy limits the ports to 10Mbit max.")
            .shared(false),
    );
    s.request(
        "qos/policy-update-request.json",
        &UpdateQosPolicy::new()
            .name("10Mbit")
            .description("This policy limits the ports to 10Mbit max.")
            .shared(false),
    );

    // Rules.
    for rel in [
        "qos/bandwidth_limit_rule-create-response.json",
        "qos/bandwidth_limit_rule-show-response.json",
        "qos/bandwidth_limit_rule-update-response.json",
    ] {
        let r: BandwidthLimitRule = s.one(rel, "bandwidth_limit_rule");
        assert_eq!(
            (r.max_kbps, r.max_burst_kbps, r.direction),
            (10000, Some(0), Some(QosDirection::Egress)),
            "{rel}"
        );
    }
    let rs: Vec<BandwidthLimitRule> = s.list(
        "qos/bandwidth_limit_rules-list-response.json",
        "bandwidth_limit_rules",
    );
    assert_eq!(rs[0].id, "5f126d84-551a-4dcf-bb01-0e9c0df0c793");
    s.request(
        "qos/bandwidth_limit_rule-create-request.json",
        &CreateBandwidthLimitRule::new(10000),
    );
    s.request(
        "qos/bandwidth_limit_rule-update-request.json",
        &UpdateBandwidthLimitRule::new().max_kbps(10000),
    );

    for rel in [
        "qos/dscp_marking_rule-create-response.json",
        "qos/dscp_marking_rule-show-response.json",
        "qos/dscp_marking_rule-update-response.json",
    ] {
        let r: DscpMarkingRule = s.one(rel, "dscp_marking_rule");
        assert!(
            r.dscp_mark == 26 || r.dscp_mark == 16,
            "{rel}: {}",
            r.dscp_mark
        );
    }
    let rs: Vec<DscpMarkingRule> = s.list(
        "qos/dscp_marking_rules-list-response.json",
        "dscp_marking_rules",
    );
    assert_eq!(rs[0].dscp_mark, 26);
    s.request(
        "qos/dscp_marking_rule-create-request.json",
        &CreateDscpMarkingRule::new(26),
    );
    s.request(
        "qos/dscp_marking_rule-update-request.json",
        &UpdateDscpMarkingRule::new().dscp_mark(16),
    );

    for rel in [
        "qos/minimum_bandwidth_rule-create-response.json",
        "qos/minimum_bandwidth_rule-show-response.json",
        "qos/minimum_bandwidth_rule-update-response.json",
    ] {
        let r: MinimumBandwidthRule = s.one(rel, "minimum_bandwidth_rule");
        assert!(r.min_kbps >= 10000, "{rel}");
        assert_eq!(r.direction, Some(QosDirection::Egress), "{rel}");
    }
    let rs: Vec<MinimumBandwidthRule> = s.list(
        "qos/minimum_bandwidth_rules-list-response.json",
        "minimum_bandwidth_rules",
    );
    assert_eq!(rs[0].min_kbps, 10000);
    s.request(
        "qos/minimum_bandwidth_rule-create-request.json",
        &CreateMinimumBandwidthRule::new(10000),
    );
    s.request(
        "qos/minimum_bandwidth_rule-update-request.json",
        &UpdateMinimumBandwidthRule::new().min_kbps(20000),
    );

    for rel in [
        "qos/minimum_packet_rate_rule-create-response.json",
        "qos/minimum_packet_rate_rule-show-response.json",
        "qos/minimum_packet_rate_rule-update-response.json",
    ] {
        let r: MinimumPacketRateRule = s.one(rel, "minimum_packet_rate_rule");
        assert!(r.min_kpps >= 1000, "{rel}");
        assert!(r.direction.is_some(), "{rel}");
    }
    let rs: Vec<MinimumPacketRateRule> = s.list(
        "qos/minimum_packet_rate_rules-list-response.json",
        "minimum_packet_rate_rules",
    );
    assert_eq!(rs[0].direction, Some(QosDirection::Egress));
    s.request(
        "qos/minimum_packet_rate_rule-create-request.json",
        &CreateMinimumPacketRateRule::new(1000).direction(QosDirection::Any),
    );
    s.request(
        "qos/minimum_packet_rate_rule-update-request.json",
        &UpdateMinimumPacketRateRule::new()
            .min_kpps(2000)
            .direction(QosDirection::Any),
    );

    // Rule types: the list, and the details (the reference shows them bare; Neutron wraps them
    // in `rule_type`).
    let types: Vec<QosRuleType> = s.list("qos/rule_types-list-response.json", "rule_types");
    assert_eq!(
        types
            .iter()
            .map(|t| t.rule_type.as_str())
            .collect::<Vec<_>>(),
        ["bandwidth_limit", "dscp_marking", "minimum_bandwidth"]
    );
    let bw: QosRuleType = s.decode("qos/rule_type-details-bandwidth_limit-response.json");
    assert_eq!(bw.drivers.len(), 2);
    assert_eq!(
        bw.drivers[0].supported_parameters[0].parameter_values,
        QosParameterValues::Range {
            start: 0,
            end: 2147483647
        }
    );
    let dscp: QosRuleType = s.decode("qos/rule_type-details-dscp_marking-response.json");
    match &dscp.drivers[0].supported_parameters[0].parameter_values {
        QosParameterValues::Choices(c) => assert_eq!(c.len(), 22),
        other => panic!("{other:?}"),
    }

    // Trunks.
    let t: Trunk = s.one("trunks/trunks-create-response.json", "trunk");
    assert_eq!(
        (t.status.clone(), t.revision_number, t.sub_ports.len()),
        (TrunkStatus::Down, Some(1), 0)
    );
    for rel in [
        "trunks/trunk-show-response.json",
        "trunks/trunk-update-response.json",
    ] {
        let t: Trunk = s.one(rel, "trunk");
        assert_eq!(t.name, "foo", "{rel}");
        assert_eq!(
            t.sub_ports,
            [SubPort::new(
                "4b4c691b-086d-43d2-8a65-5487e9434155",
                SegmentationType::Vlan,
                44
            )]
        );
    }
    let ts: Vec<Trunk> = s.list("trunks/trunks-list-response.json", "trunks");
    assert_eq!(ts[0].id, "ee98bdb4-a817-43af-943f-4318bff98f51");
    let t: Trunk = s.decode("trunks/trunk-add-subports-response.json");
    assert_eq!(
        (t.revision_number, t.sub_ports[0].segmentation_id),
        (Some(2), Some(44))
    );
    let t: Trunk = s.decode("trunks/trunk-remove-subports-response.json");
    assert!(t.sub_ports.is_empty());
    let subs: Vec<SubPort> = s.list("trunks/trunk-list-subports-response.json", "sub_ports");
    assert_eq!(subs[0].segmentation_type, Some(SegmentationType::Vlan));
    let port: Value = s.one("trunks/trunk-details-show-response.json", "port");
    let details: Vec<SubPort> =
        serde_json::from_value(port["trunk_details"]["sub_ports"].clone()).unwrap();
    assert_eq!(details[1].mac_address.as_deref(), Some("fa:16:3e:fe:29:97"));
    s.request(
        "trunks/trunk-create-request.json",
        &CreateTrunk::new("8027c4da-772f-4e43-bfbf-023b4a4e63de")
            .name("test")
            .admin_state_up(true),
    );
    s.request(
        "trunks/trunk-update-request.json",
        &UpdateTrunk::new().name("foo").admin_state_up(true),
    );
    #[derive(serde::Serialize)]
    struct SubPorts {
        sub_ports: Vec<SubPort>,
    }
    s.request(
        "trunks/trunk-add-subports-request.json",
        &SubPorts {
            sub_ports: vec![SubPort::new(
                "4b4c691b-086d-43d2-8a65-5487e9434155",
                SegmentationType::Vlan,
                44,
            )],
        },
    );
    s.request(
        "trunks/trunk-remove-subports-request.json",
        &SubPorts {
            sub_ports: vec![SubPort::port("4b4c691b-086d-43d2-8a65-5487e9434155")],
        },
    );

    // RBAC policies.
    let r: RbacPolicy = s.one(
        "rbac_policy/rbac-policy-create-response.json",
        "rbac_policy",
    );
    assert_eq!(
        (r.action, r.object_type),
        (RbacAction::AccessAsShared, RbacObjectType::Network)
    );
    for rel in [
        "rbac_policy/rbac-policy-show-response.json",
        "rbac_policy/rbac-policy-update-response.json",
    ] {
        let r: RbacPolicy = s.one(rel, "rbac_policy");
        assert_eq!(
            (r.action, r.target_tenant.as_str()),
            (RbacAction::AccessAsExternal, ALL_PROJECTS),
            "{rel}"
        );
    }
    let rs: Vec<RbacPolicy> = s.list(
        "rbac_policy/rbac-policies-list-response.json",
        "rbac_policies",
    );
    assert_eq!(
        rs[0].project_id.as_deref(),
        Some("3de27ce0a2a54cc6ae06dc62dd0ec832")
    );
    s.request(
        "rbac_policy/rbac-policy-create-request.json",
        &CreateRbacPolicy::new(
            RbacObjectType::Network,
            "1f32f072-4d17-4811-b619-3623d018bd40",
            RbacAction::AccessAsShared,
            "0670b690f27e47a58b6a479d26004715",
        ),
    );
    s.request(
        "rbac_policy/rbac-policy-update-request.json",
        &UpdateRbacPolicy::new().target_tenant("*"),
    );

    // Quotas.
    let q: Quota = s.one("quotas/quotas-list-for-project-response.json", "quota");
    assert_eq!(
        (q.network, q.rbac_policy, q.subnetpool, q.project_id),
        (Some(10), Some(-1), Some(UNLIMITED), None)
    );
    let qs: Vec<Quota> = s.list("quotas/quotas-list-response.json", "quotas");
    assert_eq!(
        (qs[0].network, qs[0].project_id.as_deref()),
        (Some(15), Some("bab7d5c60cd041a0a36f7c4b6e1dd978"))
    );
    let q: Quota = s.one("quotas/quotas-update-response.json", "quota");
    assert_eq!(q.network, Some(15));
    assert!(q.other.is_empty());
    s.request(
        "quotas/quotas-update-request.json",
        &UpdateQuota::new()
            .floatingip(50)
            .network(10)
            .port(50)
            .rbac_policy(-1)
            .router(10)
            .security_group(10)
            .security_group_rule(100)
            .subnet(10)
            .subnetpool(-1)
            .check_limit(true)
            .force(false),
    );
    let d: QuotaDetails = s.one(
        "quota_details/quota-details-show-for-project-response.json",
        "quota",
    );
    assert_eq!(d.resources.len(), 7);
    let port = d.get("port").unwrap();
    assert_eq!(
        (port.used, port.limit, port.reserved, port.available()),
        (21, 500, Some(3), Some(476))
    );
    assert_eq!(d.get("subnetpool").unwrap().available(), None);

    // Extensions.
    let e: Extension = s.one("extensions/extension-show-response.json", "extension");
    assert_eq!((e.alias.as_str(), e.name.as_str()), ("agent", "agent"));
    assert_eq!(
        e.updated_at().map(|t| t.to_rfc3339()).as_deref(),
        Some("2013-02-03T10:00:00+00:00")
    );
    let es: Vec<Extension> = s.list("extensions/extensions-list-response.json", "extensions");
    assert!(es.iter().any(|e| e.alias == "security-group"));

    // Availability zones.
    let zs: Vec<AvailabilityZone> = s.list(
        "availability-zones/azs-list-response.json",
        "availability_zones",
    );
    assert_eq!(
        zs.iter().map(|z| z.resource.as_str()).collect::<Vec<_>>(),
        ["router", "network"]
    );
    assert!(zs.iter().all(|z| z.state == ZoneState::Available));

    // Agents.
    for rel in [
        "agents/agent-show-response.json",
        "agents/agent-update-response.json",
    ] {
        let a: Agent = s.one(rel, "agent");
        assert_eq!(
            (a.binary.as_str(), a.alive, a.resources_synced),
            ("neutron-openvswitch-agent", true, Some(true)),
            "{rel}"
        );
        assert_eq!(
            a.heartbeat_timestamp.map(|t| t.to_rfc3339()).as_deref(),
            Some("2017-09-12T19:40:38+00:00")
        );
        assert_eq!(a.configurations["bridge_mappings"]["public"], "br-ex");
    }
    for rel in [
        "agents/agents-list-response.json",
        "agents/network-dhcp-agent-list-response.json",
        "agents/router-l3-agent-list-response.json",
    ] {
        let agents: Vec<Agent> = s.list(rel, "agents");
        assert!(agents.iter().all(|a| !a.host.is_empty()), "{rel}");
    }
    s.request(
        "agents/agent-update-request.json",
        &UpdateAgent::new().description("My OVS agent for OpenStack"),
    );

    // Network IP availability: counts beyond u64, exact.
    let show: IpShow = s.decode("network-ip-availability/network-ip-availability-show.json");
    let a = show.network_ip_availability;
    assert_eq!(a.total_ips, Some(18_446_744_073_709_551_253));
    let details = a.ip_availability_details.unwrap();
    assert_eq!(
        details.total_ips_in_subnet,
        Some(18_446_744_073_709_551_870)
    );
    assert_eq!(
        a.subnet_ip_availability[1]
            .ip_availability_details
            .unwrap()
            .total_ips_in_subnet,
        Some(1 << 64)
    );
    let list: IpList = s.decode("network-ip-availability/network-ip-availability-list.json");
    assert_eq!(list.network_ip_availabilities.len(), 2);
    assert_eq!(list.network_ip_availabilities[1].used_ips, Some(4));

    // Every sample of these directories was read, or is listed as another area's.
    let mut missed = Vec::new();
    for dir in DIRS {
        for entry in std::fs::read_dir(s.root.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let rel = format!("{dir}/{name}");
            if !s.seen.contains(&rel) && !NOT_OURS.contains(&rel.as_str()) {
                missed.push(rel);
            }
        }
    }
    assert!(missed.is_empty(), "samples not checked: {missed:?}");
    assert!(Path::new(&s.root).is_dir());
    println!(
        "checked {} response samples and {} request samples ({} files; {} left to other areas)",
        s.responses,
        s.requests,
        s.seen.len(),
        NOT_OURS.len()
    );
}
