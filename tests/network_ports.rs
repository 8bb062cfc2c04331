//! Subnets, ports and subnet pools against a wiremock Neutron: method, path, query (repeated keys
//! too), whole JSON bodies, decoded values, paging through `*_links`, If-Match and the
//! `add_security_group` race.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use stackclient::network::{
    AllocationPool, AllowedAddressPair, CreatePort, CreateSubnet, CreateSubnetPool, ExtraDhcpOpt,
    FixedIp, HostRoute, Ipv6Mode, PortStatus, UpdatePort, UpdateSubnet, UpdateSubnetPool, VnicType,
};
use stackclient::{Client, SortDir};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use common::{client, header, json_fixture, mount_keystone, pairs, query, utc};

const TOKEN: &str = "tok-ports-1";
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

async fn api_requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().starts_with(V2))
        .collect()
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

fn neutron_error(status: u16, kind: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"NeutronError": {"type": kind, "message": message, "detail": ""}}))
}

// ------------------------------------------------------------------------------------------------
// Subnets
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_subnet_reads_leniently_and_losslessly() {
    let (server, client) = neutron().await;
    let id = "54d6f61d-db07-451c-9ab3-b9609b6b6f0b";
    Mock::given(method("GET"))
        .and(path(format!("{V2}/subnets/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json_fixture("network/subnet.json")))
        .expect(1)
        .mount(&server)
        .await;
    let s = client.network().subnets().get(id).await.unwrap();
    assert_eq!(s.id, id);
    assert_eq!(s.name, "web");
    assert_eq!(s.description.as_deref(), Some("front end"));
    // tenant_id only: project_id from it.
    assert_eq!(
        s.project_id.as_deref(),
        Some("4fd44f30292945e481c7b8a0c8908869")
    );
    assert_eq!(s.ip_version, 4, "\"4\" read as a number");
    assert_eq!(s.cidr, "10.20.0.0/24");
    assert_eq!(s.gateway_ip, None);
    assert!(!s.enable_dhcp);
    assert_eq!(
        s.allocation_pools,
        [
            AllocationPool::new("10.20.0.10", "10.20.0.99"),
            AllocationPool::new("10.20.0.150", "10.20.0.200")
        ]
    );
    assert_eq!(s.host_routes, [HostRoute::new("10.1.0.0/16", "10.20.0.5")]);
    assert!(s.dns_nameservers.is_empty(), "null list read as empty");
    assert_eq!(
        s.segment_id.as_deref(),
        Some("1c5d7a0d-7e55-4a4e-a1d9-8e0e4c5f1a11")
    );
    assert_eq!(s.service_types, ["network:floatingip"]);
    assert_eq!(s.dns_publish_fixed_ip, Some(true));
    assert_eq!(s.external, Some(false));
    assert_eq!(s.tags, ["web", "prod"]);
    assert_eq!(s.created_at, Some(utc(2016, 3, 8, 20, 19, 41)));
    assert_eq!(
        s.updated_at.unwrap().to_rfc3339(),
        "2016-03-08T20:25:02.123456+00:00"
    );
    assert_eq!(s.revision_number, Some(7), "\"7\" read as a number");
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(header(&reqs[0], "x-auth-token"), Some(TOKEN));
    assert_eq!(reqs[0].url.query(), None);
}

#[tokio::test]
async fn ipv6_modes_and_unknown_values_are_kept() {
    let (server, client) = neutron().await;
    let id = "9a3c3f5e-2e5e-4e0b-9b5b-7c6a2a1f0e01";
    Mock::given(method("GET"))
        .and(path(format!("{V2}/subnets/{id}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json_fixture("network/subnet_v6.json")),
        )
        .mount(&server)
        .await;
    let s = client.network().subnets().get(id).await.unwrap();
    assert_eq!(s.ip_version, 6);
    assert_eq!(s.ipv6_address_mode, Some(Ipv6Mode::Slaac));
    assert_eq!(
        s.ipv6_ra_mode,
        Some(Ipv6Mode::Other("dhcpv6-quantum".into()))
    );
    assert_eq!(s.ipv6_ra_mode.as_ref().unwrap().as_str(), "dhcpv6-quantum");
    assert_eq!(
        s.subnetpool_id.as_deref(),
        Some("03f761e6-eee0-43fc-a921-8acf64c14988")
    );
    assert_eq!(s.dns_nameservers, ["2001:4860:4860::8888"]);
    assert_eq!(s.created_at, s.updated_at);
    assert_eq!(s.revision_number, Some(0));
    assert!(s.tags.is_empty());
}

#[tokio::test]
async fn subnet_list_sends_every_filter_and_pages_through_links() {
    let (server, client) = neutron().await;
    let base = server.uri();
    let sub = |id: &str| {
        json!({"id": id, "name": id, "network_id": "n1", "ip_version": 4, "cidr": "10.0.0.0/24",
               "project_id": "p1"})
    };
    Mock::given(method("GET"))
        .and(path(format!("{V2}/subnets")))
        .and(wiremock::matchers::query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "subnets": [sub("s1"), sub("s2")],
            "subnets_links": [{"rel": "next", "href": format!("{base}{V2}/subnets?limit=2&marker=s2&network_id=n1")}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{V2}/subnets")))
        .and(wiremock::matchers::query_param("marker", "s2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "subnets": [sub("s3")],
            "subnets_links": [{"rel": "previous", "href": format!("{base}{V2}/subnets?marker=s3&page_reverse=True")}]
        })))
        .mount(&server)
        .await;
    let all = client
        .network()
        .subnets()
        .list()
        .network_id("n1")
        .ip_version(4)
        .cidr("10.0.0.0/24")
        .gateway_ip("10.0.0.1")
        .enable_dhcp(true)
        .ipv6_address_mode(Ipv6Mode::Dhcpv6Stateful)
        .ipv6_ra_mode(Ipv6Mode::Dhcpv6Stateless)
        .subnetpool_id("pool-1")
        .segment_id("seg-1")
        .project_id("p1")
        .name("web")
        .description("d")
        .shared(false)
        .revision_number(3)
        .dns_publish_fixed_ip(false)
        .tags(&["a", "b"])
        .limit(2)
        .sort("cidr", SortDir::Desc)
        .all()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["s1", "s2", "s3"]
    );
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 2);
    let first = pairs(&[
        ("network_id", "n1"),
        ("ip_version", "4"),
        ("cidr", "10.0.0.0/24"),
        ("gateway_ip", "10.0.0.1"),
        ("enable_dhcp", "true"),
        ("ipv6_address_mode", "dhcpv6-stateful"),
        ("ipv6_ra_mode", "dhcpv6-stateless"),
        ("subnetpool_id", "pool-1"),
        ("segment_id", "seg-1"),
        ("project_id", "p1"),
        ("name", "web"),
        ("description", "d"),
        ("shared", "false"),
        ("revision_number", "3"),
        ("dns_publish_fixed_ip", "false"),
        ("tags", "a,b"),
        ("limit", "2"),
        ("sort_key", "cidr"),
        ("sort_dir", "desc"),
    ]);
    assert_eq!(query(&reqs[0]), first);
    let mut second = first.clone();
    second.push(("marker".into(), "s2".into()));
    assert_eq!(query(&reqs[1]), second, "same filters, the next marker");
}

#[tokio::test]
async fn subnet_create_bodies_are_exact() {
    let (server, client) = neutron().await;
    Mock::given(method("POST"))
        .and(path(format!("{V2}/subnets")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json_fixture("network/subnet.json")))
        .mount(&server)
        .await;
    let subnets = client.network().subnets();
    let created = subnets
        .create(
            &CreateSubnet::new("net-1", 4)
                .cidr("10.20.0.0/24")
                .name("web")
                .no_gateway()
                .enable_dhcp(false)
                .allocation_pool(AllocationPool::new("10.20.0.10", "10.20.0.99"))
                .host_route(HostRoute::new("10.1.0.0/16", "10.20.0.5"))
                .dns_nameservers(Vec::<String>::new())
                .service_types(["network:floatingip"])
                .tags(["web"]),
        )
        .await
        .unwrap();
    assert_eq!(created.name, "web");
    subnets
        .create(
            &CreateSubnet::from_pool("net-1", 6, "pool-1")
                .prefixlen(64)
                .ipv6_address_mode(Ipv6Mode::Slaac)
                .ipv6_ra_mode(Ipv6Mode::Slaac),
        )
        .await
        .unwrap();
    subnets
        .create(&CreateSubnet::from_default_pool("net-1", 4))
        .await
        .unwrap();
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 3);
    assert_eq!(
        body(&reqs[0]),
        json!({"subnet": {
            "network_id": "net-1", "ip_version": 4, "cidr": "10.20.0.0/24", "name": "web",
            "gateway_ip": null, "enable_dhcp": false,
            "allocation_pools": [{"start": "10.20.0.10", "end": "10.20.0.99"}],
            "host_routes": [{"destination": "10.1.0.0/16", "nexthop": "10.20.0.5"}],
            "dns_nameservers": [], "service_types": ["network:floatingip"], "tags": ["web"]
        }})
    );
    assert_eq!(
        body(&reqs[1]),
        json!({"subnet": {"network_id": "net-1", "ip_version": 6, "subnetpool_id": "pool-1",
            "prefixlen": 64, "ipv6_address_mode": "slaac", "ipv6_ra_mode": "slaac"}})
    );
    assert_eq!(
        body(&reqs[2]),
        json!({"subnet": {"network_id": "net-1", "ip_version": 4, "use_default_subnetpool": true}})
    );
}

#[tokio::test]
async fn subnet_update_sends_three_states_and_if_match() {
    let (server, client) = neutron().await;
    let id = "54d6f61d-db07-451c-9ab3-b9609b6b6f0b";
    Mock::given(method("PUT"))
        .and(path(format!("{V2}/subnets/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json_fixture("network/subnet.json")))
        .mount(&server)
        .await;
    let subnets = client.network().subnets();
    let update = UpdateSubnet::new()
        .no_gateway()
        .dns_nameservers(Vec::<String>::new())
        .host_routes(vec![])
        .segment_id(None)
        .enable_dhcp(false);
    let s = subnets.update_if(id, &update, 6).await.unwrap();
    assert_eq!(s.revision_number, Some(7));
    subnets
        .update(
            id,
            &UpdateSubnet::new()
                .gateway_ip("10.20.0.1")
                .allocation_pools(vec![AllocationPool::new("10.20.0.2", "10.20.0.9")]),
        )
        .await
        .unwrap();
    let reqs = api_requests(&server).await;
    assert_eq!(
        body(&reqs[0]),
        json!({"subnet": {"gateway_ip": null, "dns_nameservers": [], "host_routes": [],
            "segment_id": null, "enable_dhcp": false}})
    );
    assert_eq!(header(&reqs[0], "if-match"), Some("revision_number=6"));
    assert_eq!(
        body(&reqs[1]),
        json!({"subnet": {"gateway_ip": "10.20.0.1",
            "allocation_pools": [{"start": "10.20.0.2", "end": "10.20.0.9"}]}})
    );
    assert_eq!(header(&reqs[1], "if-match"), None);
}

#[tokio::test]
async fn subnet_not_found_and_in_use_are_neutrons_faults() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(format!("{V2}/subnets/gone")))
        .respond_with(neutron_error(
            404,
            "SubnetNotFound",
            "Subnet gone could not be found.",
        ))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{V2}/subnets/busy")))
        .respond_with(neutron_error(409, "SubnetInUse", "Unable to complete operation on subnet busy: One or more ports have an IP allocation from this subnet."))
        .mount(&server)
        .await;
    let subnets = client.network().subnets();
    assert!(subnets.get_opt("gone").await.unwrap().is_none());
    let err = subnets.get("gone").await.unwrap_err();
    assert!(err.is_not_found());
    assert!(
        err.to_string().contains("Subnet gone could not be found."),
        "{err}"
    );
    let err = subnets.delete("busy").await.unwrap_err();
    assert!(err.is_conflict());
    assert!(
        err.to_string().contains("SubnetInUse") || err.to_string().contains("IP allocation"),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------------------
// Ports
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_port_decodes_bindings_as_free_form_json_and_unknown_status() {
    let (server, client) = neutron().await;
    let id = "65c0ee9f-d634-4522-8954-51021b570b0d";
    Mock::given(method("GET"))
        .and(path(format!("{V2}/ports/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json_fixture("network/port.json")))
        .mount(&server)
        .await;
    let p = client.network().ports().get(id).await.unwrap();
    assert_eq!(p.name, "vip");
    assert_eq!(p.network_id, "a87cc70a-3e15-4acf-8205-9b711a3531b7");
    assert_eq!(
        p.project_id.as_deref(),
        Some("d6700c0c9ffa4f1cb322cd4a1f3906fa")
    );
    assert_eq!(p.mac_address, "fa:16:3e:c9:cb:f0");
    assert_eq!(p.status, PortStatus::Other("DEGRADED".into()));
    assert_eq!(p.device_owner, "compute:nova");
    assert_eq!(
        p.fixed_ips,
        [
            FixedIp::new("a0304c3a-4f08-4c43-88af-d796509c97d2", "10.0.0.5"),
            FixedIp::new("9a3c3f5e-2e5e-4e0b-9b5b-7c6a2a1f0e01", "2001:db8:1::5")
        ]
    );
    assert_eq!(
        p.allowed_address_pairs,
        [AllowedAddressPair::new("10.0.0.100").mac_address("fa:16:3e:c9:cb:f0")]
    );
    assert_eq!(p.security_groups, ["f0ac4394-7e4a-4409-9701-ba8be283dbc3"]);
    assert_eq!(p.port_security_enabled, Some(true));
    assert_eq!(p.binding_host_id.as_deref(), Some("compute-1"));
    assert_eq!(p.binding_vnic_type, Some(VnicType::Direct));
    let profile = p.binding_profile.as_ref().unwrap();
    assert_eq!(profile["pci_slot"], "0000:03:10.2");
    assert_eq!(profile["physical_network"], "physnet2");
    assert_eq!(p.binding_vif_type.as_deref(), Some("hw_veb"));
    assert_eq!(p.binding_vif_details.as_ref().unwrap()["vlan"], "100");
    assert_eq!(
        p.extra_dhcp_opts,
        [ExtraDhcpOpt::new("bootfile-name", "pxelinux.0").ip_version(4)]
    );
    assert_eq!(p.dns_name.as_deref(), Some("vip"));
    assert_eq!(p.dns_domain.as_deref(), Some(""));
    assert_eq!(p.dns_assignment[0].fqdn, "vip.example.org.");
    assert_eq!(p.qos_policy_id, None);
    assert_eq!(
        p.qos_network_policy_id.as_deref(),
        Some("174dd0c1-a4eb-49d4-a807-ae80246d82f4")
    );
    assert_eq!(p.propagate_uplink_status, Some(false));
    assert!(p.tags.is_empty(), "null tags read as empty");
    assert_eq!(
        p.created_at.unwrap().to_rfc3339(),
        "2016-03-08T20:19:41.000123+00:00"
    );
    assert_eq!(p.updated_at, Some(utc(2016, 3, 8, 20, 19, 42)));
    assert_eq!(p.revision_number, Some(3));
}

#[tokio::test]
async fn port_list_repeats_fixed_ips_and_sends_every_filter() {
    let (server, client) = neutron().await;
    let base = server.uri();
    let port =
        |id: &str| json!({"id": id, "network_id": "n1", "status": "ACTIVE", "tenant_id": "t1"});
    Mock::given(method("GET"))
        .and(path(format!("{V2}/ports")))
        .and(wiremock::matchers::query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ports": [port("p1")],
            "ports_links": [{"rel": "next", "href": format!("{base}{V2}/ports?marker=p1")}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{V2}/ports")))
        .and(wiremock::matchers::query_param("marker", "p1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ports": [port("p2")], "ports_links": []})),
        )
        .mount(&server)
        .await;
    let ports = client
        .network()
        .ports()
        .list()
        .fixed_ip_address("10.0.0.5")
        .fixed_ip_address("10.0.0.6")
        .fixed_ip_subnet("sub-1")
        .fixed_ip_address_substr("10.0.")
        .device_id("srv-1")
        .device_owner("compute:nova")
        .mac_address("fa:16:3e:00:00:01")
        .network_id("n1")
        .security_group("sg-1")
        .security_group("sg-2")
        .status(PortStatus::Active)
        .admin_state_up(true)
        .binding_host_id("compute-1")
        .project_id("t1")
        .name("vip")
        .ip_allocation("immediate")
        .not_tags_any(&["x"])
        .limit(1)
        .all()
        .await
        .unwrap();
    assert_eq!(ports.len(), 2);
    assert_eq!(ports[1].id, "p2");
    assert_eq!(ports[0].project_id.as_deref(), Some("t1"));
    let reqs = api_requests(&server).await;
    let first = pairs(&[
        ("fixed_ips", "ip_address=10.0.0.5"),
        ("fixed_ips", "ip_address=10.0.0.6"),
        ("fixed_ips", "subnet_id=sub-1"),
        ("fixed_ips", "ip_address_substr=10.0."),
        ("device_id", "srv-1"),
        ("device_owner", "compute:nova"),
        ("mac_address", "fa:16:3e:00:00:01"),
        ("network_id", "n1"),
        ("security_groups", "sg-1"),
        ("security_groups", "sg-2"),
        ("status", "ACTIVE"),
        ("admin_state_up", "true"),
        ("binding:host_id", "compute-1"),
        ("project_id", "t1"),
        ("name", "vip"),
        ("ip_allocation", "immediate"),
        ("not-tags-any", "x"),
        ("limit", "1"),
    ]);
    assert_eq!(query(&reqs[0]), first);
    // The raw query carries the repeated key encoded (`fixed_ips=ip_address%3D…`).
    assert!(
        reqs[0].url.query().unwrap().starts_with(
            "fixed_ips=ip_address%3D10.0.0.5&fixed_ips=ip_address%3D10.0.0.6&fixed_ips=subnet_id%3Dsub-1"
        ),
        "{:?}",
        reqs[0].url.query()
    );
    let mut second = first.clone();
    second.push(("marker".into(), "p1".into()));
    assert_eq!(query(&reqs[1]), second);
}

#[tokio::test]
async fn port_create_and_update_bodies_are_exact() {
    let (server, client) = neutron().await;
    let id = "65c0ee9f-d634-4522-8954-51021b570b0d";
    Mock::given(method("POST"))
        .and(path(format!("{V2}/ports")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json_fixture("network/port.json")))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{V2}/ports/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json_fixture("network/port.json")))
        .mount(&server)
        .await;
    let ports = client.network().ports();
    let mut profile = serde_json::Map::new();
    profile.insert("pci_slot".into(), json!("0000:03:10.2"));
    let p = ports
        .create(
            &CreatePort::new("net-1")
                .name("vip")
                .fixed_ip(FixedIp::new("sub-1", "10.0.0.5"))
                .fixed_ip(FixedIp::on_subnet("sub-6"))
                .allowed_address_pair(AllowedAddressPair::new("10.0.0.100"))
                .security_groups(["sg-1"])
                .binding_vnic_type(VnicType::Direct)
                .binding_profile(profile.clone())
                .binding_host_id("compute-1")
                .extra_dhcp_opt(ExtraDhcpOpt::new("bootfile-name", "pxelinux.0"))
                .port_security_enabled(true)
                .mac_address("fa:16:3e:c9:cb:f0")
                .device_owner("compute:nova")
                .device_id("srv-1"),
        )
        .await
        .unwrap();
    assert_eq!(p.id, id);
    ports
        .create(
            &CreatePort::new("net-1")
                .fixed_ips(vec![])
                .security_groups(Vec::<String>::new())
                .port_security_enabled(false),
        )
        .await
        .unwrap();
    ports
        .update_if(
            id,
            &UpdatePort::new()
                .security_groups(Vec::<String>::new())
                .allowed_address_pairs(vec![])
                .fixed_ips(vec![FixedIp::address("10.0.0.7")])
                .qos_policy_id(None)
                .binding_profile(None)
                .hints(None)
                .device_id("")
                .name("renamed"),
            3,
        )
        .await
        .unwrap();
    let reqs = api_requests(&server).await;
    assert_eq!(
        body(&reqs[0]),
        json!({"port": {
            "name": "vip", "network_id": "net-1",
            "mac_address": "fa:16:3e:c9:cb:f0",
            "fixed_ips": [{"subnet_id": "sub-1", "ip_address": "10.0.0.5"}, {"subnet_id": "sub-6"}],
            "allowed_address_pairs": [{"ip_address": "10.0.0.100"}],
            "security_groups": ["sg-1"], "port_security_enabled": true,
            "device_id": "srv-1", "device_owner": "compute:nova",
            "binding:host_id": "compute-1", "binding:vnic_type": "direct",
            "binding:profile": {"pci_slot": "0000:03:10.2"},
            "extra_dhcp_opts": [{"opt_name": "bootfile-name", "opt_value": "pxelinux.0"}]
        }})
    );
    assert_eq!(
        body(&reqs[1]),
        json!({"port": {"network_id": "net-1", "fixed_ips": [], "security_groups": [], "port_security_enabled": false}})
    );
    assert_eq!(
        body(&reqs[2]),
        json!({"port": {"name": "renamed", "fixed_ips": [{"ip_address": "10.0.0.7"}],
            "allowed_address_pairs": [], "security_groups": [], "device_id": "",
            "binding:profile": null, "qos_policy_id": null, "hints": null}})
    );
    assert_eq!(header(&reqs[2], "if-match"), Some("revision_number=3"));
}

/// A stateful Neutron port: GET answers the current state; PUT with a stale
/// `If-Match: revision_number=N` answers 412, else applies `security_groups` and bumps the
/// revision.
struct RacyPort {
    state: Arc<Mutex<(u64, Vec<String>)>>,
    conflicts: Arc<Mutex<u32>>,
}

fn port_json(rev: u64, groups: &[String]) -> Value {
    json!({"port": {"id": "port-1", "network_id": "n1", "status": "ACTIVE", "project_id": "p1",
        "security_groups": groups, "revision_number": rev}})
}

impl Respond for RacyPort {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        if req.method.as_str() == "GET" {
            // Slow reads: both tasks read the same revision before either writes.
            return ResponseTemplate::new(200)
                .set_body_json(port_json(state.0, &state.1))
                .set_delay(std::time::Duration::from_millis(150));
        }
        let expected = header(req, "if-match")
            .and_then(|h| h.strip_prefix("revision_number="))
            .and_then(|n| n.parse::<u64>().ok());
        if expected != Some(state.0) {
            *self.conflicts.lock().unwrap() += 1;
            return neutron_error(
                412,
                "RevisionNumberConstraintFailed",
                &format!(
                    "Constrained to {expected:?}, but current revision is {}",
                    state.0
                ),
            );
        }
        let b: Value = serde_json::from_slice(&req.body).unwrap();
        state.1 = serde_json::from_value(b["port"]["security_groups"].clone()).unwrap();
        state.0 += 1;
        ResponseTemplate::new(200).set_body_json(port_json(state.0, &state.1))
    }
}

#[tokio::test]
async fn two_tasks_adding_security_groups_race_and_both_groups_stay() {
    let (server, client) = neutron().await;
    let state = Arc::new(Mutex::new((5u64, vec!["default".to_string()])));
    let conflicts = Arc::new(Mutex::new(0));
    // Both GETs are answered before either PUT: the second PUT is stale.
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    Mock::given(path(format!("{V2}/ports/port-1")))
        .respond_with(RacyPort {
            state: state.clone(),
            conflicts: conflicts.clone(),
        })
        .mount(&server)
        .await;
    let ports = client.network().ports();
    // Warm the token and endpoint so both tasks start on equal terms.
    ports.get("port-1").await.unwrap();
    let mut tasks = Vec::new();
    for sg in ["sg-a", "sg-b"] {
        let ports = ports.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            ports.add_security_group("port-1", sg).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let (rev, groups) = state.lock().unwrap().clone();
    let mut sorted = groups.clone();
    sorted.sort();
    assert_eq!(sorted, ["default", "sg-a", "sg-b"], "no change lost");
    assert_eq!(rev, 7, "two successful writes");
    let puts: Vec<Request> = api_requests(&server)
        .await
        .into_iter()
        .filter(|r| r.method.as_str() == "PUT")
        .collect();
    let lost = *conflicts.lock().unwrap();
    assert!(lost >= 1, "the race happened: one task got a 412");
    assert_eq!(puts.len() as u32, 2 + lost);
    for p in &puts {
        assert!(
            header(p, "if-match")
                .unwrap()
                .starts_with("revision_number=")
        );
    }
    println!("race: {lost} conflict(s) answered 412, retried");

    // Removing one keeps the other; adding one already there sends nothing.
    let before = api_requests(&server).await.len();
    let p = ports.add_security_group("port-1", "sg-a").await.unwrap();
    assert_eq!(api_requests(&server).await.len(), before + 1, "a GET only");
    assert_eq!(p.revision_number, Some(7));
    let p = ports.remove_security_group("port-1", "sg-a").await.unwrap();
    assert_eq!(p.security_groups.len(), 2);
    assert!(!p.security_groups.contains(&"sg-a".to_string()));
    let last = api_requests(&server).await.pop().unwrap();
    assert_eq!(header(&last, "if-match"), Some("revision_number=7"));
    let mut expected = groups.clone();
    expected.retain(|g| g != "sg-a");
    assert_eq!(body(&last), json!({"port": {"security_groups": expected}}));
    assert!(
        ports
            .add_security_group("port-1", " ")
            .await
            .unwrap_err()
            .to_string()
            .contains("empty")
    );
}

#[tokio::test]
async fn add_security_group_gives_up_after_bounded_412s() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(format!("{V2}/ports/port-1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(port_json(1, &[])))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{V2}/ports/port-1")))
        .respond_with(neutron_error(
            412,
            "RevisionNumberConstraintFailed",
            "Constrained to 1, but current revision is 2",
        ))
        .mount(&server)
        .await;
    let err = client
        .network()
        .ports()
        .add_security_group("port-1", "sg")
        .await
        .unwrap_err();
    assert!(err.is_precondition_failed(), "{err}");
    let puts = common::received(&server, "PUT", &format!("{V2}/ports/port-1")).await;
    assert_eq!(puts.len() as u32, stackclient::resource::MODIFY_ATTEMPTS);
}

#[tokio::test]
async fn port_conflicts_and_not_found() {
    let (server, client) = neutron().await;
    Mock::given(method("POST"))
        .and(path(format!("{V2}/ports")))
        .respond_with(neutron_error(
            409,
            "IpAddressAlreadyAllocated",
            "IP address 10.0.0.5 already allocated in subnet sub-1",
        ))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{V2}/ports/gone")))
        .respond_with(neutron_error(
            404,
            "PortNotFound",
            "Port gone could not be found.",
        ))
        .mount(&server)
        .await;
    let ports = client.network().ports();
    let err = ports
        .create(&CreatePort::new("n1").fixed_ip(FixedIp::new("sub-1", "10.0.0.5")))
        .await
        .unwrap_err();
    assert!(err.is_conflict());
    assert!(err.to_string().contains("already allocated"), "{err}");
    assert!(!ports.delete_opt("gone").await.unwrap());
    assert!(ports.delete("gone").await.unwrap_err().is_not_found());
}

// ------------------------------------------------------------------------------------------------
// Subnet pools
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn subnet_pools_verbs_prefix_ops_and_filters() {
    let (server, client) = neutron().await;
    let id = "03f761e6-eee0-43fc-a921-8acf64c14988";
    Mock::given(method("GET"))
        .and(path(format!("{V2}/subnetpools/{id}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json_fixture("network/subnetpool.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{V2}/subnetpools")))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json_fixture("network/subnetpool.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{V2}/subnetpools/{id}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json_fixture("network/subnetpool.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{V2}/subnetpools/{id}/add_prefixes")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"prefixes": ["10.10.0.0/15"]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{V2}/subnetpools/{id}/remove_prefixes")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"prefixes": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{V2}/subnetpools")))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"subnetpools": [json_fixture("network/subnetpool.json")["subnetpool"]]}),
        ))
        .mount(&server)
        .await;
    let pools = client.network().subnet_pools();
    let p = pools.get(id).await.unwrap();
    assert_eq!(
        (p.default_prefixlen, p.min_prefixlen, p.max_prefixlen),
        (Some(26), Some(24), Some(28))
    );
    assert_eq!(p.prefixes, ["10.10.0.0/16", "10.11.0.0/16"]);
    assert_eq!((p.ip_version, p.shared, p.is_default), (4, false, false));
    assert_eq!(
        (p.default_quota, p.address_scope_id.as_deref()),
        (None, None)
    );
    assert_eq!(p.revision_number, Some(0));

    pools
        .create(
            &CreateSubnetPool::new("pool", ["10.10.0.0/16"])
                .default_prefixlen(26)
                .min_prefixlen(24)
                .max_prefixlen(28)
                .default_quota(512)
                .address_scope_id("scope-1")
                .shared(false)
                .is_default(false)
                .description("d"),
        )
        .await
        .unwrap();
    pools
        .update_if(
            id,
            &UpdateSubnetPool::new()
                .name("p2")
                .default_quota(None)
                .address_scope_id(None)
                .prefixes(["10.10.0.0/16", "10.12.0.0/16"]),
            0,
        )
        .await
        .unwrap();
    assert_eq!(
        pools.add_prefixes(id, &["10.11.0.0/16"]).await.unwrap(),
        ["10.10.0.0/15"]
    );
    assert!(
        pools
            .remove_prefixes(id, &["10.10.0.0/15"])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        pools
            .add_prefixes(id, &[])
            .await
            .unwrap_err()
            .to_string()
            .contains("no prefixes")
    );
    let listed = pools
        .list()
        .ip_version(4)
        .shared(false)
        .is_default(false)
        .min_prefixlen(24)
        .max_prefixlen(28)
        .default_prefixlen(26)
        .address_scope_id("scope-1")
        .default_quota(512)
        .name("pool")
        .all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);

    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 6);
    assert_eq!(
        body(&reqs[1]),
        json!({"subnetpool": {"name": "pool", "prefixes": ["10.10.0.0/16"], "description": "d",
            "default_prefixlen": 26, "min_prefixlen": 24, "max_prefixlen": 28, "default_quota": 512,
            "address_scope_id": "scope-1", "shared": false, "is_default": false}})
    );
    assert_eq!(
        body(&reqs[2]),
        json!({"subnetpool": {"name": "p2", "prefixes": ["10.10.0.0/16", "10.12.0.0/16"],
            "default_quota": null, "address_scope_id": null}})
    );
    assert_eq!(header(&reqs[2], "if-match"), Some("revision_number=0"));
    assert_eq!(
        (reqs[3].method.as_str(), reqs[3].url.path()),
        (
            "PUT",
            format!("{V2}/subnetpools/{id}/add_prefixes").as_str()
        )
    );
    assert_eq!(body(&reqs[3]), json!({"prefixes": ["10.11.0.0/16"]}));
    assert_eq!(body(&reqs[4]), json!({"prefixes": ["10.10.0.0/15"]}));
    assert_eq!(
        query(&reqs[5]),
        pairs(&[
            ("ip_version", "4"),
            ("shared", "false"),
            ("is_default", "false"),
            ("min_prefixlen", "24"),
            ("max_prefixlen", "28"),
            ("default_prefixlen", "26"),
            ("address_scope_id", "scope-1"),
            ("default_quota", "512"),
            ("name", "pool")
        ])
    );
}

#[tokio::test]
async fn tags_on_ports_subnets_and_pools_use_the_generic_api() {
    let (server, client) = neutron().await;
    for coll in ["ports", "subnets", "subnetpools"] {
        Mock::given(method("PUT"))
            .and(path(format!("{V2}/{coll}/x1/tags/blue")))
            .respond_with(ResponseTemplate::new(201))
            .mount(&server)
            .await;
    }
    client
        .network()
        .ports()
        .add_tag("x1", "blue")
        .await
        .unwrap();
    client
        .network()
        .subnets()
        .add_tag("x1", "blue")
        .await
        .unwrap();
    client
        .network()
        .subnet_pools()
        .add_tag("x1", "blue")
        .await
        .unwrap();
    let paths: Vec<String> = api_requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            format!("{V2}/ports/x1/tags/blue"),
            format!("{V2}/subnets/x1/tags/blue"),
            format!("{V2}/subnetpools/x1/tags/blue")
        ]
    );
}

// ------------------------------------------------------------------------------------------------
// The fake cloud (`testing` feature) answers as real Neutron 28 does
// ------------------------------------------------------------------------------------------------

#[cfg(feature = "testing")]
#[tokio::test]
async fn fake_cloud_subnets_and_ports_behave_like_neutron() {
    use stackclient::network::CreateNetwork;
    use stackclient::testing::FakeCloud;
    use stackclient::{ClientOptions, Session};

    let fake = FakeCloud::builder().start().await.unwrap();
    let client = Client::new(ClientOptions::new(Session::new(fake.config()))).unwrap();
    let net_api = client.network();

    // The seeded `private` network's subnet exists.
    let private = net_api
        .networks()
        .find_by_name("private")
        .await
        .unwrap()
        .unwrap();
    let seeded = net_api.subnets().get(&private.subnets[0]).await.unwrap();
    assert_eq!(
        (seeded.cidr.as_str(), seeded.network_id.as_str()),
        ("10.0.0.0/24", private.id.as_str())
    );

    let net = net_api
        .networks()
        .create(&CreateNetwork::new().name("t"))
        .await
        .unwrap();
    let subnets = net_api.subnets();
    let sub = subnets
        .create(
            &CreateSubnet::new(&net.id, 4)
                .cidr("10.99.0.0/29")
                .name("s")
                .dns_nameservers(["8.8.8.8"]),
        )
        .await
        .unwrap();
    assert_eq!(sub.gateway_ip.as_deref(), Some("10.99.0.1"));
    assert_eq!(
        sub.allocation_pools,
        [AllocationPool::new("10.99.0.2", "10.99.0.6")]
    );
    assert_eq!(
        (sub.revision_number, sub.project_id.is_some()),
        (Some(0), true)
    );
    assert_eq!(
        net_api.networks().get(&net.id).await.unwrap().subnets,
        std::slice::from_ref(&sub.id)
    );

    let ports = net_api.ports();
    let p1 = ports
        .create(
            &CreatePort::new(&net.id)
                .name("p1")
                .fixed_ip(FixedIp::new(&sub.id, "10.99.0.3"))
                .allowed_address_pair(AllowedAddressPair::new("10.99.0.100")),
        )
        .await
        .unwrap();
    assert_eq!(p1.fixed_ips, [FixedIp::new(&sub.id, "10.99.0.3")]);
    assert_eq!(
        p1.allowed_address_pairs[0].mac_address.as_deref(),
        Some(p1.mac_address.as_str())
    );
    assert_eq!(
        (p1.status.clone(), p1.revision_number),
        (PortStatus::Down, Some(1))
    );
    assert_eq!(p1.binding_vif_type.as_deref(), Some("unbound"));

    let dup = ports
        .create(&CreatePort::new(&net.id).fixed_ip(FixedIp::new(&sub.id, "10.99.0.3")))
        .await
        .unwrap_err();
    assert!(dup.is_conflict());
    assert!(
        dup.to_string().contains(&format!(
            "IP address 10.99.0.3 already allocated in subnet {}",
            sub.id
        )),
        "{dup}"
    );

    // The rest of the pool in order, then exhaustion.
    let mut auto = Vec::new();
    for _ in 0..4 {
        auto.push(ports.create(&CreatePort::new(&net.id)).await.unwrap());
    }
    let ips: Vec<&str> = auto
        .iter()
        .map(|p| p.fixed_ips[0].ip_address.as_deref().unwrap())
        .collect();
    assert_eq!(ips, ["10.99.0.2", "10.99.0.4", "10.99.0.5", "10.99.0.6"]);
    let full = ports.create(&CreatePort::new(&net.id)).await.unwrap_err();
    assert!(
        full.is_conflict() && full.to_string().contains("No more IP addresses available"),
        "{full}"
    );

    // Repeated fixed_ips filters: addresses are alternatives, the subnet must hold too.
    let found = ports
        .list()
        .fixed_ip_address("10.99.0.3")
        .fixed_ip_address("10.99.0.2")
        .fixed_ip_subnet(&sub.id)
        .all()
        .await
        .unwrap();
    let mut found: Vec<String> = found.into_iter().map(|p| p.id).collect();
    found.sort();
    let mut want = vec![p1.id.clone(), auto[0].id.clone()];
    want.sort();
    assert_eq!(found, want);
    assert!(
        ports
            .list()
            .fixed_ip_subnet("other")
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    let paged = ports
        .list()
        .network_id(&net.id)
        .limit(2)
        .all()
        .await
        .unwrap();
    assert_eq!(paged.len(), 5);

    // If-Match and the security group helpers.
    let stale = ports
        .update_if(&p1.id, &UpdatePort::new().name("x"), 0)
        .await
        .unwrap_err();
    assert!(stale.is_precondition_failed());
    assert!(
        stale
            .to_string()
            .contains("Constrained to 0, but current revision is 1"),
        "{stale}"
    );
    // A port created without groups has the project's `default` group, as Neutron gives it.
    let default_sg = p1.security_groups.clone();
    assert_eq!(
        net_api
            .security_groups()
            .get(&default_sg[0])
            .await
            .unwrap()
            .name,
        "default"
    );
    let web = net_api
        .security_groups()
        .create(&stackclient::network::CreateSecurityGroup::new("web"))
        .await
        .unwrap();
    let p = ports.add_security_group(&p1.id, &web.id).await.unwrap();
    assert_eq!(
        (p.security_groups.clone(), p.revision_number),
        (vec![default_sg[0].clone(), web.id.clone()], Some(2))
    );
    let p = ports.remove_security_group(&p1.id, &web.id).await.unwrap();
    assert_eq!(p.security_groups, default_sg);
    assert_eq!(
        ports
            .list()
            .security_group(&web.id)
            .all()
            .await
            .unwrap()
            .len(),
        0
    );

    // Subnet update: three states.
    let s = subnets
        .update_if(
            &sub.id,
            &UpdateSubnet::new()
                .no_gateway()
                .dns_nameservers(Vec::<String>::new()),
            0,
        )
        .await
        .unwrap();
    assert_eq!(
        (s.gateway_ip, s.dns_nameservers.len(), s.revision_number),
        (None, 0, Some(1))
    );

    // In use: the network names its ports, the subnet refuses.
    let in_use = net_api.networks().delete(&net.id).await.unwrap_err();
    assert!(in_use.is_conflict());
    assert!(
        in_use.to_string().contains("id for these ports is:")
            && in_use.to_string().contains(&p1.id),
        "{in_use}"
    );
    assert!(subnets.delete(&sub.id).await.unwrap_err().is_conflict());

    let gone = ports
        .get("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert!(
        gone.is_not_found()
            && gone
                .to_string()
                .contains("Port 00000000-0000-0000-0000-000000000000 could not be found."),
        "{gone}"
    );
    assert!(
        subnets
            .get("nope")
            .await
            .unwrap_err()
            .to_string()
            .contains("Subnet nope could not be found.")
    );

    for p in auto.iter().chain([&p1]) {
        ports.delete(&p.id).await.unwrap();
    }
    net_api.networks().delete(&net.id).await.unwrap();
    assert!(
        subnets.get_opt(&sub.id).await.unwrap().is_none(),
        "the network's subnets go with it"
    );
}
