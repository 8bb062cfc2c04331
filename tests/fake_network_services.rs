//! The fake cloud's Neutron service extensions (subnet pools, address scopes, RBAC policies,
//! trunks, port forwardings, QoS, quotas, IP availability, agents), driven through the typed
//! API. Expected values are what Neutron 28 answered on the loopback minicloud for the same
//! calls (subnet pools, address scopes, RBAC, quotas, IP availability: status codes,
//! `NeutronError` types and messages, compacted prefixes, allocation order) or the API
//! reference's samples (trunks, QoS, agents: the minicloud has no such plugins or agents).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "testing")]

use stackclient::network::{
    ALL_PROJECTS, CreateAddressScope, CreateNetwork, CreatePort, CreateRbacPolicy, CreateSubnet,
    CreateSubnetPool, CreateTrunk, RbacAction, RbacObjectType, SegmentationType, SubPort,
    TrunkStatus, UpdateNetwork, UpdateQuota,
};
use stackclient::testing::FakeCloud;
use stackclient::{Client, ClientOptions, Error, Session};

async fn env() -> (FakeCloud, Client) {
    let fake = FakeCloud::start().await.unwrap();
    let client = Client::new(ClientOptions::new(Session::new(fake.config()))).unwrap();
    (fake, client)
}

/// `(status, NeutronError type, message)` of an API error.
fn fault(e: &Error) -> (u16, String, String) {
    let api = e
        .as_api()
        .unwrap_or_else(|| panic!("not an API error: {e}"));
    (
        api.status,
        api.code.clone().unwrap_or_default(),
        api.message.clone(),
    )
}

fn f(status: u16, kind: &str, message: &str) -> (u16, String, String) {
    (status, kind.to_string(), message.to_string())
}

/// The minicloud's run: a pool in a scope, prefixes added (compacted), two subnets from it (the
/// smallest free block first), the errors on the way.
#[tokio::test]
async fn subnet_pools_allocate_and_refuse_as_neutron() {
    let (_fake, client) = env().await;
    let net = client.network();
    let scope = net
        .address_scopes()
        .create(&CreateAddressScope::new("h1-probe", 4))
        .await
        .unwrap();
    assert_eq!((scope.ip_version, scope.shared), (4, false));
    let pools = net.subnet_pools();
    let pool = pools
        .create(
            &CreateSubnetPool::new("h1-probe", ["10.10.0.0/16"])
                .default_prefixlen(24)
                .address_scope_id(&scope.id),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            pool.min_prefixlen,
            pool.default_prefixlen,
            pool.max_prefixlen
        ),
        (Some(8), Some(24), Some(32))
    );
    assert_eq!((pool.ip_version, pool.revision_number), (4, Some(0)));
    assert_eq!(
        pools
            .add_prefixes(&pool.id, &["10.11.0.0/16"])
            .await
            .unwrap(),
        ["10.10.0.0/15"]
    );
    assert_eq!(
        pools
            .add_prefixes(&pool.id, &["10.12.0.0/16"])
            .await
            .unwrap(),
        ["10.10.0.0/15", "10.12.0.0/16"]
    );
    let e = pools
        .add_prefixes(&pool.id, &["fd00::/64"])
        .await
        .unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            400,
            "PrefixVersionMismatch",
            "Cannot mix IPv4 and IPv6 prefixes in a subnet pool."
        )
    );
    let e = net.address_scopes().delete(&scope.id).await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            409,
            "AddressScopeInUse",
            &format!(
                "Unable to complete operation on address scope {}. There are one or more subnet pools in use on the address scope.",
                scope.id
            )
        )
    );
    let e = net.address_scopes().get("nope").await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            404,
            "AddressScopeNotFound",
            "Address scope nope could not be found."
        )
    );
    let e = pools.get("nope").await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            404,
            "SubnetPoolNotFound",
            "Subnet pool nope could not be found."
        )
    );

    let network = net
        .networks()
        .create(&CreateNetwork::new().name("h1-probe"))
        .await
        .unwrap();
    let a = net
        .subnets()
        .create(&CreateSubnet::from_pool(&network.id, 4, &pool.id))
        .await
        .unwrap();
    let b = net
        .subnets()
        .create(&CreateSubnet::from_pool(&network.id, 4, &pool.id).prefixlen(26))
        .await
        .unwrap();
    assert_eq!(
        (a.cidr.as_str(), a.gateway_ip.as_deref()),
        ("10.12.0.0/24", Some("10.12.0.1"))
    );
    assert_eq!(b.cidr, "10.12.1.0/26");
    let e = net
        .subnets()
        .create(&CreateSubnet::from_pool(&network.id, 4, &pool.id).prefixlen(4))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            400,
            "MinPrefixSubnetAllocationError",
            "Unable to allocate subnet with prefix length 4, minimum allowed prefix is 8."
        )
    );
    assert_eq!(
        pools
            .remove_prefixes(&pool.id, &["10.10.0.0/16"])
            .await
            .unwrap(),
        ["10.11.0.0/16", "10.12.0.0/16"]
    );
    let e = pools.delete(&pool.id).await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            400,
            "SubnetPoolDeleteError",
            "Unable to delete subnet pool: Subnet pool has existing allocations."
        )
    );

    // The minicloud's IP availability of that network: the /26 then the /24 (by subnet id).
    let avail = net
        .network_ip_availabilities()
        .get(&network.id)
        .await
        .unwrap();
    assert_eq!((avail.total_ips, avail.used_ips), (Some(314), Some(0)));
    let details = avail.ip_availability_details.unwrap();
    assert_eq!(details.total_ips_in_subnet, Some(316));
    let mut figures: Vec<_> = avail
        .subnet_ip_availability
        .iter()
        .map(|s| (s.cidr.clone(), s.total_ips))
        .collect();
    figures.sort();
    assert_eq!(
        figures,
        [
            ("10.12.0.0/24".to_string(), Some(253)),
            ("10.12.1.0/26".to_string(), Some(61))
        ]
    );
}

/// The minicloud's run: a wildcard grant shares the network, `access_as_external` makes it
/// external, the refusals, and `shared` set on the network is a policy too.
#[tokio::test]
async fn rbac_policies_mirror_the_network_flags() {
    let (_fake, client) = env().await;
    let net = client.network();
    let network = net
        .networks()
        .create(&CreateNetwork::new().name("h1-probe"))
        .await
        .unwrap();
    let rbac = net.rbac_policies();
    let shared = CreateRbacPolicy::new(
        RbacObjectType::Network,
        &network.id,
        RbacAction::AccessAsShared,
        ALL_PROJECTS,
    );
    let grant = rbac.create(&shared).await.unwrap();
    assert!(net.networks().get(&network.id).await.unwrap().shared);
    let e = rbac.create(&shared).await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            409,
            "DuplicateRbacPolicy",
            "An RBAC policy already exists with those values."
        )
    );
    let bad = CreateRbacPolicy::new(
        RbacObjectType::Network,
        &network.id,
        RbacAction::AccessAsExternal,
        "abc",
    );
    let e = rbac.create(&bad).await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            400,
            "InvalidInput",
            "Invalid input for operation: 'abc' is not a valid target project ID; expected a UUID or '*'."
        )
    );
    let external = CreateRbacPolicy::new(
        RbacObjectType::Network,
        &network.id,
        RbacAction::AccessAsExternal,
        ALL_PROJECTS,
    );
    let ext = rbac.create(&external).await.unwrap();
    let shown = net.networks().get(&network.id).await.unwrap();
    assert!(shown.shared && shown.external);
    rbac.delete(&grant.id).await.unwrap();
    let e = rbac.get(&grant.id).await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            404,
            "RbacPolicyNotFound",
            &format!("RBAC policy of type unknown with ID {} not found", grant.id)
        )
    );
    rbac.delete(&ext.id).await.unwrap();
    let shown = net.networks().get(&network.id).await.unwrap();
    assert!(!shown.shared && !shown.external);

    // The other way round: `shared: true` on the network makes the wildcard policy.
    net.networks()
        .update(&network.id, &UpdateNetwork::new().shared(true))
        .await
        .unwrap();
    let policies = rbac.list().object_id(&network.id).all().await.unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0].target_tenant, ALL_PROJECTS);
    net.networks()
        .update(&network.id, &UpdateNetwork::new().shared(false))
        .await
        .unwrap();
    assert!(
        rbac.list()
            .object_id(&network.id)
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    // The seeded external network `public` has its access_as_external policy.
    let public = net.networks().find("public").await.unwrap().unwrap();
    let public_policies = rbac.list().object_id(&public.id).all().await.unwrap();
    assert_eq!(public_policies.len(), 1);
    assert_eq!(public_policies[0].action, RbacAction::AccessAsExternal);
}

/// The minicloud's quota run: update, the refusals, reset.
#[tokio::test]
async fn quotas_update_validate_and_reset() {
    let (fake, client) = env().await;
    let project = fake.project_id().to_string();
    let quotas = client.network().quotas();
    let q = quotas
        .update(&project, &UpdateQuota::new().network(20).port(-1))
        .await
        .unwrap();
    assert_eq!(
        (q.network, q.port, q.subnet),
        (Some(20), Some(-1), Some(100))
    );
    let e = quotas
        .update(&project, &UpdateQuota::new().network(-5))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            400,
            "HTTPBadRequest",
            "Invalid input for network. Reason: '-5' is too small - must be at least '-1'."
        )
    );
    let e = quotas
        .update(&project, &UpdateQuota::new().set("bogus", 3))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&e),
        f(400, "HTTPBadRequest", "Unrecognized attribute(s) 'bogus'")
    );
    assert_eq!(quotas.list().all().await.unwrap().len(), 1);
    quotas.reset(&project).await.unwrap();
    assert_eq!(quotas.get(&project).await.unwrap().network, Some(100));
    assert!(quotas.list().all().await.unwrap().is_empty());
    // Nothing of its own left to reset: Neutron 28's 404.
    let e = quotas.reset(&project).await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            404,
            "TenantQuotaNotFound",
            &format!("Quota for project {project} could not be found.")
        )
    );
}

/// Trunks against the API reference's samples: revision 1 on create, 2 after `add_subports`,
/// `DOWN` until the parent is bound, the trunk plugin's conflicts.
#[tokio::test]
async fn trunks_follow_the_samples_and_the_plugin() {
    let (fake, client) = env().await;
    let net = client.network();
    let private = fake.network_id("private").unwrap();
    let new_port = CreatePort::new(&private);
    let parent = net.ports().create(&new_port).await.unwrap().id;
    let child = net.ports().create(&new_port).await.unwrap().id;
    let trunks = net.trunks();
    let trunk = trunks
        .create(&CreateTrunk::new(&parent).name("test"))
        .await
        .unwrap();
    assert_eq!(
        (trunk.status, trunk.revision_number, trunk.admin_state_up),
        (TrunkStatus::Down, Some(1), true)
    );
    let e = trunks.create(&CreateTrunk::new(&parent)).await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            409,
            "TrunkPortInUse",
            &format!("Port {parent} is in use by another trunk.")
        )
    );
    let trunk = trunks
        .add_subports(
            &trunk.id,
            &[SubPort::new(&child, SegmentationType::Vlan, 44)],
        )
        .await
        .unwrap();
    assert_eq!(trunk.revision_number, Some(2));
    let e = trunks
        .add_subports(
            &trunk.id,
            &[SubPort::new(&child, SegmentationType::Vlan, 5000)],
        )
        .await
        .unwrap_err();
    assert_eq!(fault(&e).0, 400);
    let e = net.ports().delete(&child).await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(
            409,
            "PortInUseAsSubPort",
            &format!(
                "Port {child} is currently a subport for trunk {}.",
                trunk.id
            )
        )
    );
    let e = trunks
        .remove_subports(&trunk.id, &[SubPort::port(&parent)])
        .await
        .unwrap_err();
    assert_eq!(fault(&e).0, 404);
    assert_eq!(
        trunks.get_subports(&trunk.id).await.unwrap(),
        [SubPort::new(&child, SegmentationType::Vlan, 44)]
    );
    let e = trunks.get("nope").await.unwrap_err();
    assert_eq!(
        fault(&e),
        f(404, "TrunkNotFound", "Trunk nope could not be found.")
    );
}

/// Agents and zones as an ML2/OVS node reports them (the API reference's agent sample), the
/// extensions listed for every endpoint served.
#[tokio::test]
async fn agents_zones_and_extensions() {
    let (_fake, client) = env().await;
    let net = client.network();
    let agents = net.agents().list().all().await.unwrap();
    let mut types: Vec<&str> = agents.iter().map(|a| a.agent_type.as_str()).collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "DHCP agent",
            "L3 agent",
            "Metadata agent",
            "Open vSwitch agent"
        ]
    );
    let ovs = agents
        .iter()
        .find(|a| a.binary == "neutron-openvswitch-agent")
        .unwrap();
    assert_eq!((ovs.topic.as_str(), ovs.alive), ("N/A", true));
    assert_eq!(ovs.configurations["bridge_mappings"]["public"], "br-ex");
    for resource in ["network", "router"] {
        let zones = net
            .availability_zones()
            .list()
            .resource(resource)
            .all()
            .await
            .unwrap();
        let zones: Vec<(&str, &str)> = zones
            .iter()
            .map(|z| (z.name.as_str(), z.resource.as_str()))
            .collect();
        assert_eq!(zones, [("nova", resource)]);
    }
    for alias in [
        "trunk",
        "subnet_allocation",
        "address-scope",
        "rbac-policies",
        "floating-ip-port-forwarding",
        "qos",
        "agent",
        "network-ip-availability",
    ] {
        assert!(net.extensions().is_loaded(alias).await.unwrap(), "{alias}");
    }
}

/// Without the admin role, agents are hidden and quotas cannot be changed.
#[tokio::test]
async fn members_see_no_agents_and_change_no_quotas() {
    let fake = FakeCloud::builder().admin(false).start().await.unwrap();
    let client = fake.client().unwrap();
    assert!(
        client
            .network()
            .agents()
            .list()
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    let e = client
        .network()
        .quotas()
        .update(fake.project_id(), &UpdateQuota::new().network(1))
        .await
        .unwrap_err();
    assert_eq!(fault(&e).0, 403);
}
