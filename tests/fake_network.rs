//! The fake cloud's Neutron (routers, floating IPs, security groups), driven through the typed
//! API. Expected values are what Neutron 28 answered on the loopback minicloud for the same
//! calls (status codes, `NeutronError` types and messages, default rules, service ports).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "testing")]

use stackclient::network::{
    CreateFloatingIp, CreateNetwork, CreatePort, CreateRouter, CreateSecurityGroup,
    CreateSecurityGroupRule, CreateSecurityGroupRules, CreateSubnet, Direction, Ethertype,
    ExternalGateway, FixedIp, FloatingIpStatus, Network, PortStatus, Protocol, Route,
    RouterInterface, SecurityGroupRule, Subnet, UpdateFloatingIp, UpdateRouter,
    UpdateSecurityGroup,
};
use stackclient::testing::FakeCloud;
use stackclient::{Client, ClientOptions, Error, Session};

struct Env {
    fake: FakeCloud,
    client: Client,
}

async fn env() -> Env {
    let fake = FakeCloud::start().await.unwrap();
    let client = Client::new(ClientOptions::new(Session::new(fake.config()))).unwrap();
    Env { fake, client }
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

impl Env {
    /// A network with one subnet of `cidr`.
    async fn network(&self, name: &str, cidr: &str) -> (Network, Subnet) {
        let net = self
            .client
            .network()
            .networks()
            .create(&CreateNetwork::new().name(name))
            .await
            .unwrap();
        let subnet = self
            .client
            .network()
            .subnets()
            .create(
                &CreateSubnet::new(&net.id, 4)
                    .cidr(cidr)
                    .name(format!("{name}-subnet")),
            )
            .await
            .unwrap();
        (net, subnet)
    }

    async fn public(&self) -> Network {
        let public = self
            .client
            .network()
            .networks()
            .find_by_name("public")
            .await
            .unwrap()
            .expect("seeded external network");
        assert!(public.external);
        public
    }
}

#[tokio::test]
async fn router_gateway_interfaces_and_deletes_in_use() {
    let env = env().await;
    let network = env.client.network();
    let routers = network.routers();
    let ports = network.ports();
    let public = env.public().await;
    let public_subnet = network.subnets().get(&public.subnets[0]).await.unwrap();
    assert_eq!(
        (public_subnet.cidr.as_str(), public_subnet.external),
        ("172.24.4.0/24", Some(true))
    );
    let (net, subnet) = env.network("app", "10.20.0.0/24").await;

    // A gateway must be on an external network.
    let err = routers
        .create(&CreateRouter::new().external_gateway(ExternalGateway::new(&net.id)))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            400,
            "BadRequest".into(),
            format!(
                "Bad router request: Network {} is not an external network.",
                net.id
            )
        )
    );

    let router = routers
        .create(
            &CreateRouter::new()
                .name("edge")
                .external_gateway(ExternalGateway::new(&public.id)),
        )
        .await
        .unwrap();
    assert_eq!(router.revision_number, Some(2), "the gateway bumps it");
    let gw = router.external_gateway_info.clone().unwrap();
    assert_eq!(
        (gw.network_id.as_str(), gw.enable_snat),
        (public.id.as_str(), Some(true))
    );
    assert_eq!(gw.external_fixed_ips.len(), 1);
    assert_eq!(
        gw.external_fixed_ips[0].subnet_id.as_deref(),
        Some(public_subnet.id.as_str())
    );
    assert_eq!(
        gw.external_fixed_ips[0].ip_address.as_deref(),
        Some("172.24.4.2")
    );
    let gw_ports = ports
        .list()
        .device_id(&router.id)
        .device_owner("network:router_gateway")
        .all()
        .await
        .unwrap();
    assert_eq!(gw_ports.len(), 1);
    let gw_port = &gw_ports[0];
    assert_eq!(
        (
            gw_port.network_id.as_str(),
            gw_port.project_id.as_deref(),
            gw_port.security_groups.len(),
            gw_port.port_security_enabled,
        ),
        (public.id.as_str(), None, 0, Some(false)),
        "no project (Neutron sends \"\"), no groups, no port security"
    );

    // An interface by subnet: a port on the gateway IP; the answer as the API reference gives.
    let iface = routers
        .add_interface(&router.id, &RouterInterface::subnet(&subnet.id))
        .await
        .unwrap();
    assert_eq!(iface.id, router.id);
    assert_eq!(iface.network_id.as_deref(), Some(net.id.as_str()));
    assert_eq!(iface.subnet_id.as_deref(), Some(subnet.id.as_str()));
    assert_eq!(iface.subnet_ids, std::slice::from_ref(&subnet.id));
    assert_eq!(iface.project_id.as_deref(), Some(env.fake.project_id()));
    let iface_port = ports.get(&iface.port_id).await.unwrap();
    assert_eq!(
        (
            iface_port.device_owner.as_str(),
            iface_port.device_id.as_str(),
            iface_port.fixed_ips.clone(),
            iface_port.security_groups.len(),
        ),
        (
            "network:router_interface",
            router.id.as_str(),
            vec![FixedIp::new(&subnet.id, "10.20.0.1")],
            0
        )
    );
    assert_eq!(
        routers.get(&router.id).await.unwrap().revision_number,
        Some(3)
    );

    // What Neutron refuses around interfaces.
    let again = routers
        .add_interface(&router.id, &RouterInterface::subnet(&subnet.id))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&again),
        (
            400,
            "BadRequest".into(),
            format!(
                "Bad router request: Router already has a port on subnet {}.",
                subnet.id
            )
        )
    );
    let (_, overlapping) = env.network("overlap", "10.20.0.0/25").await;
    let overlap = routers
        .add_interface(&router.id, &RouterInterface::subnet(&overlapping.id))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&overlap).2,
        format!(
            "Bad router request: Cidr 10.20.0.0/25 of subnet {} overlaps with cidr 10.20.0.0/24 of subnet {}.",
            overlapping.id, subnet.id
        )
    );
    let missing = routers
        .remove_interface(&router.id, &RouterInterface::subnet(&public_subnet.id))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&missing),
        (
            404,
            "RouterInterfaceNotFoundForSubnet".into(),
            format!(
                "Router {} has no interface on subnet {}",
                router.id, public_subnet.id
            )
        )
    );
    let no_router = routers
        .add_interface(
            "00000000-0000-0000-0000-000000000000",
            &RouterInterface::subnet(&subnet.id),
        )
        .await
        .unwrap_err();
    assert_eq!(
        fault(&no_router),
        (
            404,
            "RouterNotFound".into(),
            "Router 00000000-0000-0000-0000-000000000000 could not be found".into()
        )
    );

    // An interface by port keeps the port's address and groups; removing it deletes the port.
    let (side_net, side_subnet) = env.network("side", "10.21.0.0/24").await;
    let side_port = ports.create(&CreatePort::new(&side_net.id)).await.unwrap();
    let by_port = routers
        .add_interface(&router.id, &RouterInterface::port(&side_port.id))
        .await
        .unwrap();
    assert_eq!(
        (by_port.port_id.as_str(), by_port.subnet_ids.clone()),
        (side_port.id.as_str(), vec![side_subnet.id.clone()])
    );
    let attached = ports.get(&side_port.id).await.unwrap();
    assert_eq!(
        (attached.device_owner.as_str(), attached.device_id.as_str()),
        ("network:router_interface", router.id.as_str())
    );
    assert_eq!(attached.security_groups, side_port.security_groups);
    let in_use = routers
        .add_interface(&router.id, &RouterInterface::port(&side_port.id))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&in_use),
        (
            409,
            "PortInUse".into(),
            format!(
                "Unable to complete operation on port {} for network {}. Port already has an attached device {}.",
                side_port.id, side_net.id, router.id
            )
        )
    );
    routers
        .remove_interface(&router.id, &RouterInterface::port(&side_port.id))
        .await
        .unwrap();
    assert!(ports.get_opt(&side_port.id).await.unwrap().is_none());
    let gone = routers
        .remove_interface(&router.id, &RouterInterface::port(&side_port.id))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&gone),
        (
            404,
            "RouterInterfaceNotFound".into(),
            format!(
                "Router {} does not have an interface with id {}",
                router.id, side_port.id
            )
        )
    );

    // Deletes in use.
    let err = routers.delete(&router.id).await.unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "RouterInUse".into(),
            format!(
                "Router {} has ports still attached: {}",
                router.id, iface.port_id
            )
        )
    );
    let err = network.subnets().delete(&subnet.id).await.unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "SubnetInUse".into(),
            format!(
                "Unable to complete operation on subnet {}: One or more ports have an IP allocation from this subnet.",
                subnet.id
            )
        )
    );
    for (port, owner) in [
        (&iface.port_id, "network:router_interface"),
        (&gw_port.id, "network:router_gateway"),
    ] {
        let err = ports.delete(port).await.unwrap_err();
        assert_eq!(
            fault(&err),
            (
                409,
                "ServicePortInUse".into(),
                format!(
                    "Port {port} cannot be deleted directly via the port API: has device owner {owner}."
                )
            )
        );
    }
    let err = network.networks().delete(&net.id).await.unwrap_err();
    assert_eq!(fault(&err).1, "NetworkInUse");

    // Teardown leaves nothing: interface, gateway (its port goes), router.
    routers
        .remove_interface(&router.id, &RouterInterface::subnet(&subnet.id))
        .await
        .unwrap();
    assert!(ports.get_opt(&iface.port_id).await.unwrap().is_none());
    let r = routers
        .update(&router.id, &UpdateRouter::new().clear_external_gateway())
        .await
        .unwrap();
    assert!(r.external_gateway_info.is_none());
    assert!(ports.get_opt(&gw_port.id).await.unwrap().is_none());
    routers.delete(&router.id).await.unwrap();
    assert!(routers.get_opt(&router.id).await.unwrap().is_none());
    network.networks().delete(&net.id).await.unwrap();
}

#[tokio::test]
async fn extra_routes_and_if_match() {
    let env = env().await;
    let routers = env.client.network().routers();
    let (_, subnet) = env.network("app", "10.30.0.0/24").await;
    let router = routers
        .create(&CreateRouter::new().name("r"))
        .await
        .unwrap();
    assert_eq!(
        (router.revision_number, router.external_gateway_info.clone()),
        (Some(1), None)
    );
    routers
        .add_interface(&router.id, &RouterInterface::subnet(&subnet.id))
        .await
        .unwrap();

    // A next hop must be on a subnet the router is connected to.
    let err = routers
        .add_extra_routes(&router.id, &[Route::new("10.99.0.0/24", "10.31.0.5")])
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            400,
            "InvalidRoutes".into(),
            "Invalid format for routes: [{'destination': '10.99.0.0/24', 'nexthop': '10.31.0.5'}], the nexthop is not connected with router".into()
        )
    );
    let err = routers
        .update(
            &router.id,
            &UpdateRouter::new().routes(vec![Route::new("10.99.0.0/24", "10.30.0.1")]),
        )
        .await
        .unwrap_err();
    assert!(
        fault(&err).2.ends_with("the nexthop is used by router"),
        "{err}"
    );

    let r = routers
        .add_extra_routes(&router.id, &[Route::new("10.99.0.0/24", "10.30.0.5")])
        .await
        .unwrap();
    assert_eq!(
        (r.routes.clone(), r.revision_number),
        (vec![Route::new("10.99.0.0/24", "10.30.0.5")], Some(3))
    );
    let same = routers
        .add_extra_routes(&router.id, &[Route::new("10.99.0.0/24", "10.30.0.5")])
        .await
        .unwrap();
    assert_eq!(same.revision_number, Some(3), "no change, no new revision");

    // If-Match: a stale revision is 412 with Neutron's message, on update, actions and delete.
    let stale = routers
        .update_if(&router.id, &UpdateRouter::new().name("x"), 2)
        .await
        .unwrap_err();
    assert!(stale.is_precondition_failed());
    assert_eq!(
        fault(&stale),
        (
            412,
            "RevisionNumberConstraintFailed".into(),
            "Constrained to 2, but current revision is 3".into()
        )
    );
    let stale = routers
        .add_extra_routes_if(&router.id, &[Route::new("10.98.0.0/24", "10.30.0.6")], 1)
        .await
        .unwrap_err();
    assert_eq!(fault(&stale).0, 412);
    let r = routers
        .modify(&router.id, |r| {
            let mut routes = r.routes.clone();
            routes.push(Route::new("10.98.0.0/24", "10.30.0.6"));
            Some(UpdateRouter::new().routes(routes).description("two routes"))
        })
        .await
        .unwrap();
    assert_eq!(
        (r.routes.len(), r.description.as_deref(), r.revision_number),
        (2, Some("two routes"), Some(4))
    );

    // An interface a route needs stays.
    let err = routers
        .remove_interface(&router.id, &RouterInterface::subnet(&subnet.id))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "RouterInterfaceInUseByRoute".into(),
            format!(
                "Router interface for subnet {} on router {} cannot be deleted, as it is required by one or more routes.",
                subnet.id, router.id
            )
        )
    );
    let r = routers
        .remove_extra_routes(
            &router.id,
            &[
                Route::new("10.99.0.0/24", "10.30.0.5"),
                Route::new("10.1.0.0/24", "10.30.0.9"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.routes, [Route::new("10.98.0.0/24", "10.30.0.6")]);
    let r = routers
        .update(&router.id, &UpdateRouter::new().routes(vec![]))
        .await
        .unwrap();
    assert!(r.routes.is_empty());
    routers
        .remove_interface(&router.id, &RouterInterface::subnet(&subnet.id))
        .await
        .unwrap();
    let stale = routers.delete_if(&router.id, 1).await.unwrap_err();
    assert_eq!(fault(&stale).0, 412);
    let current = routers.get(&router.id).await.unwrap();
    routers
        .delete_if(&router.id, current.revision_number.unwrap())
        .await
        .unwrap();
    assert!(routers.get_opt(&router.id).await.unwrap().is_none());
}

#[tokio::test]
async fn floating_ips_associate_through_the_router() {
    let env = env().await;
    let network = env.client.network();
    let fips = network.floating_ips();
    let routers = network.routers();
    let public = env.public().await;
    let (net, subnet) = env.network("app", "10.40.0.0/24").await;
    let port = network
        .ports()
        .create(&CreatePort::new(&net.id).name("web-1"))
        .await
        .unwrap();

    let err = fips
        .create(&CreateFloatingIp::new(&net.id))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            400,
            "BadRequest".into(),
            format!(
                "Bad floatingip request: Network {} is not a valid external network.",
                net.id
            )
        )
    );
    let fip = fips
        .create(&CreateFloatingIp::new(&public.id))
        .await
        .unwrap();
    assert_eq!(
        (
            fip.floating_ip_address.as_str(),
            fip.floating_network_id.as_str(),
            fip.status.clone(),
            fip.port_id.clone(),
            fip.router_id.clone(),
            fip.revision_number,
        ),
        (
            "172.24.4.2",
            public.id.as_str(),
            FloatingIpStatus::Down,
            None,
            None,
            Some(0)
        )
    );
    assert!(fip.port_details.is_none());
    let holder = network
        .ports()
        .list()
        .device_id(&fip.id)
        .all()
        .await
        .unwrap();
    assert_eq!(holder.len(), 1);
    assert_eq!(
        (holder[0].device_owner.as_str(), holder[0].status.clone()),
        ("network:floatingip", PortStatus::NotApplicable)
    );

    // No router joins the port's subnet to the external network yet (Neutron's message has two
    // spaces before "Therefore"; stackclient folds the message onto one line).
    let err = fips.associate(&fip.id, &port.id, None).await.unwrap_err();
    assert_eq!(
        fault(&err),
        (
            404,
            "ExternalGatewayForFloatingIPNotFound".into(),
            format!(
                "External network {} is not reachable from subnet {}. Therefore, cannot associate Port {} with a Floating IP.",
                public.id, subnet.id, port.id
            )
        )
    );
    let router = routers
        .create(&CreateRouter::new().external_gateway(ExternalGateway::new(&public.id)))
        .await
        .unwrap();
    routers
        .add_interface(&router.id, &RouterInterface::subnet(&subnet.id))
        .await
        .unwrap();
    let port_ip = port.fixed_ips[0].ip_address.clone().unwrap();
    let err = fips
        .associate(&fip.id, &port.id, Some("10.40.0.200"))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            400,
            "BadRequest".into(),
            format!(
                "Bad floatingip request: Port {} does not have fixed ip 10.40.0.200.",
                port.id
            )
        )
    );
    let fip = fips.associate(&fip.id, &port.id, None).await.unwrap();
    assert_eq!(
        (
            fip.port_id.as_deref(),
            fip.fixed_ip_address.as_deref(),
            fip.router_id.as_deref(),
            fip.status.clone(),
            fip.revision_number,
        ),
        (
            Some(port.id.as_str()),
            Some(port_ip.as_str()),
            Some(router.id.as_str()),
            FloatingIpStatus::Active,
            Some(1)
        )
    );
    let details = fip.port_details.clone().unwrap();
    assert_eq!(
        (
            details.name.as_deref(),
            details.network_id.as_deref(),
            details.mac_address.as_deref()
        ),
        (
            Some("web-1"),
            Some(net.id.as_str()),
            Some(port.mac_address.as_str())
        )
    );

    // One floating IP per fixed IP and external network.
    let err = fips
        .create(&CreateFloatingIp::new(&public.id).port_id(&port.id))
        .await
        .unwrap_err();
    let (status, kind, message) = fault(&err);
    assert_eq!(
        (status, kind.as_str()),
        (409, "FloatingIPPortAlreadyAssociated")
    );
    assert!(
        message.ends_with(&format!(
            "with port {} using fixed IP {port_ip}, as that fixed IP already has a floating IP on external network {}.",
            port.id, public.id
        )),
        "{message}"
    );

    // Filters.
    let by_port = fips.list().port_id(&port.id).all().await.unwrap();
    assert_eq!(by_port.len(), 1);
    assert!(
        fips.list()
            .status(FloatingIpStatus::Down)
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    let by_router = fips.list().router_id(&router.id).all().await.unwrap();
    assert_eq!(by_router[0].id, fip.id);

    // What the floating IP holds on to.
    let err = routers
        .remove_interface(&router.id, &RouterInterface::subnet(&subnet.id))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "RouterInterfaceInUseByFloatingIP".into(),
            format!(
                "Router interface for subnet {} on router {} cannot be deleted, as it is required by one or more floating IPs.",
                subnet.id, router.id
            )
        )
    );
    let err = routers
        .update(&router.id, &UpdateRouter::new().clear_external_gateway())
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "RouterExternalGatewayInUseByFloatingIp".into(),
            format!(
                "Gateway cannot be updated for router {}, since a gateway to external network {} is required by one or more floating IPs.",
                router.id, public.id
            )
        )
    );
    let err = network.networks().delete(&public.id).await.unwrap_err();
    assert_eq!(fault(&err).1, "NetworkInUse");

    // If-Match, then disassociate with exactly `"port_id": null`.
    let stale = fips
        .update_if(&fip.id, &UpdateFloatingIp::new().description("x"), 0)
        .await
        .unwrap_err();
    assert_eq!(
        fault(&stale),
        (
            412,
            "RevisionNumberConstraintFailed".into(),
            "Constrained to 0, but current revision is 1".into()
        )
    );
    let fip = fips.disassociate(&fip.id).await.unwrap();
    assert_eq!(
        (
            fip.port_id.clone(),
            fip.fixed_ip_address.clone(),
            fip.router_id.clone(),
            fip.status.clone(),
            fip.revision_number
        ),
        (None, None, None, FloatingIpStatus::Down, Some(2))
    );

    // Deleting the associated port disassociates; deleting the floating IP frees its port.
    let fip = fips.associate(&fip.id, &port.id, None).await.unwrap();
    assert_eq!(fip.status, FloatingIpStatus::Active);
    network.ports().delete(&port.id).await.unwrap();
    let fip = fips.get(&fip.id).await.unwrap();
    assert_eq!(
        (fip.port_id.clone(), fip.status.clone()),
        (None, FloatingIpStatus::Down)
    );
    fips.delete(&fip.id).await.unwrap();
    assert!(fips.get_opt(&fip.id).await.unwrap().is_none());
    assert!(
        network
            .ports()
            .get_opt(&holder[0].id)
            .await
            .unwrap()
            .is_none()
    );
    let err = fips.delete(&fip.id).await.unwrap_err();
    assert_eq!(
        fault(&err),
        (
            404,
            "FloatingIPNotFound".into(),
            format!("Floating IP {} could not be found", fip.id)
        )
    );
}

/// `(direction, ethertype, remote group is the group itself)` of the rules, sorted.
fn shape(rules: &[SecurityGroupRule], group: &str) -> Vec<(String, String, bool)> {
    let mut out: Vec<_> = rules
        .iter()
        .map(|r| {
            assert_eq!(
                (
                    r.protocol.clone(),
                    r.port_range_min,
                    r.port_range_max,
                    r.remote_ip_prefix.clone()
                ),
                (None, None, None, None)
            );
            (
                r.direction.to_string(),
                r.ethertype.to_string(),
                r.remote_group_id.as_deref() == Some(group),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn default_security_group_and_new_groups() {
    let env = env().await;
    let network = env.client.network();
    let sgs = network.security_groups();

    // Made on the first list, once, with Neutron's four rules.
    let listed = sgs.list().all().await.unwrap();
    assert_eq!(listed.len(), 1);
    let default = &listed[0];
    assert_eq!(
        (
            default.name.as_str(),
            default.description.as_deref(),
            default.project_id.as_deref(),
            default.stateful,
            default.revision_number,
        ),
        (
            "default",
            Some("Default security group"),
            Some(env.fake.project_id()),
            Some(true),
            Some(1)
        )
    );
    assert_eq!(
        shape(&default.security_group_rules, &default.id),
        [
            ("egress".into(), "IPv4".into(), false),
            ("egress".into(), "IPv6".into(), false),
            ("ingress".into(), "IPv4".into(), true),
            ("ingress".into(), "IPv6".into(), true),
        ]
    );
    assert!(
        default
            .security_group_rules
            .iter()
            .all(|r| r.belongs_to_default_sg == Some(true)
                && r.description.is_none()
                && r.revision_number == Some(0))
    );
    assert_eq!(sgs.list().all().await.unwrap().len(), 1, "made once");

    // Ports get it unless they say otherwise.
    let (net, _) = env.network("app", "10.50.0.0/24").await;
    let port = network
        .ports()
        .create(&CreatePort::new(&net.id))
        .await
        .unwrap();
    assert_eq!(port.security_groups, std::slice::from_ref(&default.id));
    let bare = network
        .ports()
        .create(&CreatePort::new(&net.id).security_groups(Vec::<String>::new()))
        .await
        .unwrap();
    assert!(bare.security_groups.is_empty());
    let err = network
        .ports()
        .create(&CreatePort::new(&net.id).security_groups(["00000000-0000-0000-0000-000000000000"]))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            404,
            "SecurityGroupNotFound".into(),
            "Security group 00000000-0000-0000-0000-000000000000 does not exist".into()
        )
    );
    let err = network
        .ports()
        .create(&CreatePort::new(&net.id).security_groups(["web"]))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            400,
            "HTTPBadRequest".into(),
            "Invalid input for security_groups. Reason: 'web' is not a valid UUID.".into()
        )
    );

    // A new group: the two egress rules.
    let web = sgs.create(&CreateSecurityGroup::new("web")).await.unwrap();
    assert_eq!(
        (web.description.as_deref(), web.revision_number),
        (Some(""), Some(1))
    );
    assert_eq!(
        shape(&web.security_group_rules, &web.id),
        [
            ("egress".into(), "IPv4".into(), false),
            ("egress".into(), "IPv6".into(), false),
        ]
    );
    assert!(
        web.security_group_rules
            .iter()
            .all(|r| r.belongs_to_default_sg == Some(false))
    );

    // What Neutron refuses about groups.
    let err = sgs
        .create(&CreateSecurityGroup::new("default"))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "SecurityGroupDefaultAlreadyExists".into(),
            "Default security group already exists.".into()
        )
    );
    let err = sgs
        .update(&default.id, &UpdateSecurityGroup::new().name("other"))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "SecurityGroupCannotUpdateDefault".into(),
            "Updating default security group not allowed.".into()
        )
    );
    let described = sgs
        .update(&default.id, &UpdateSecurityGroup::new().description("ours"))
        .await
        .unwrap();
    assert_eq!(
        (described.description.as_deref(), described.revision_number),
        (Some("ours"), Some(2))
    );
    let stale = sgs
        .update_if(&web.id, &UpdateSecurityGroup::new().description("x"), 7)
        .await
        .unwrap_err();
    assert_eq!(
        fault(&stale).2,
        "Constrained to 7, but current revision is 1"
    );
    let with_web = network
        .ports()
        .create(&CreatePort::new(&net.id).security_groups([&web.id]))
        .await
        .unwrap();
    let err = sgs.delete(&web.id).await.unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "SecurityGroupInUse".into(),
            format!("Security Group {} in use.", web.id)
        )
    );
    for p in [&port, &bare, &with_web] {
        network.ports().delete(&p.id).await.unwrap();
    }
    sgs.delete(&web.id).await.unwrap();
    assert!(sgs.get_opt(&web.id).await.unwrap().is_none());

    // The fake's user is an admin, whom Neutron lets delete `default`; the next list makes a
    // new one.
    sgs.delete(&default.id).await.unwrap();
    let again = sgs.list().name("default").all().await.unwrap();
    assert_eq!(again.len(), 1);
    assert_ne!(again[0].id, default.id);
    let err = sgs.get(&default.id).await.unwrap_err();
    assert_eq!(
        fault(&err),
        (
            404,
            "SecurityGroupNotFound".into(),
            format!("Security group {} does not exist", default.id)
        )
    );
}

#[tokio::test]
async fn security_group_rules_as_neutron_stores_and_refuses_them() {
    let env = env().await;
    let network = env.client.network();
    let rules = network.security_group_rules();
    let sg = network
        .security_groups()
        .create(&CreateSecurityGroup::new("rules"))
        .await
        .unwrap();
    let ingress = || CreateSecurityGroupRule::new(&sg.id, Direction::Ingress);

    let ssh = rules
        .create(&ingress().protocol(Protocol::Tcp).port(22))
        .await
        .unwrap();
    assert_eq!(
        (
            ssh.protocol.clone(),
            ssh.port_range_min,
            ssh.port_range_max,
            ssh.ethertype.clone(),
            ssh.description.as_deref(),
            ssh.belongs_to_default_sg,
            ssh.revision_number,
        ),
        (
            Some(Protocol::Tcp),
            Some(22),
            Some(22),
            Ethertype::Ipv4,
            Some(""),
            Some(false),
            Some(0)
        )
    );
    // ICMP echo reply: type 0 kept, no code.
    let pong = rules
        .create(&ingress().protocol(Protocol::Icmp).icmp_type(0))
        .await
        .unwrap();
    assert_eq!((pong.port_range_min, pong.port_range_max), (Some(0), None));
    // A protocol number stays a number; as a duplicate it equals its name.
    let https = rules
        .create(&ingress().protocol(Protocol::Number(6)).port(443))
        .await
        .unwrap();
    assert_eq!(https.protocol, Some(Protocol::Number(6)));
    let dup = rules
        .create(&ingress().protocol(Protocol::Tcp).port(443))
        .await
        .unwrap_err();
    assert_eq!(
        fault(&dup),
        (
            409,
            "SecurityGroupRuleExists".into(),
            format!(
                "Security group rule already exists. Rule id is {}.",
                https.id
            )
        )
    );
    // No protocol; the group itself as remote.
    let any = rules
        .create(&ingress().any_protocol().remote_group_id(&sg.id))
        .await
        .unwrap();
    assert_eq!(
        (any.protocol.clone(), any.remote_group_id.as_deref()),
        (None, Some(sg.id.as_str()))
    );
    // Prefixes: kept as given with their mask, normalized beside; the whole range is no range.
    let prefixed = rules
        .create(
            &ingress()
                .protocol(Protocol::Udp)
                .port_range(5000, 5001)
                .remote_ip_prefix("10.1.2.3/16"),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            prefixed.remote_ip_prefix.as_deref(),
            prefixed.normalized_cidr.as_deref()
        ),
        (Some("10.1.2.3/16"), Some("10.1.0.0/16"))
    );
    let host = rules
        .create(
            &ingress()
                .protocol(Protocol::Udp)
                .port_range(1, 65535)
                .remote_ip_prefix("192.0.2.7"),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            host.remote_ip_prefix.as_deref(),
            host.port_range_min,
            host.port_range_max
        ),
        (Some("192.0.2.7/32"), None, None)
    );
    // IPv6 ICMP under its legacy name is stored as ipv6-icmp.
    let v6 = rules
        .create(
            &ingress()
                .ethertype(Ethertype::Ipv6)
                .protocol(Protocol::Icmp),
        )
        .await
        .unwrap();
    assert_eq!(v6.protocol, Some(Protocol::Ipv6Icmp));

    // Neutron's validation errors, type and message.
    let cases: Vec<(CreateSecurityGroupRule, u16, &str, String)> = vec![
        (
            ingress().protocol(Protocol::Tcp).port_range(80, 22),
            400,
            "SecurityGroupInvalidPortRange",
            "For TCP/UDP protocols, port_range_min must be <= port_range_max".into(),
        ),
        (
            ingress().port(80),
            400,
            "SecurityGroupProtocolRequiredWithPorts",
            "Must also specify protocol if port range is given.".into(),
        ),
        (
            ingress().protocol(Protocol::Tcp).port_range(0, 10),
            400,
            "SecurityGroupInvalidPortValue",
            "Invalid value for port 0".into(),
        ),
        (
            ingress().protocol(Protocol::Tcp).port(22).remote_ip_prefix("::/0"),
            400,
            "SecurityGroupRuleParameterConflict",
            "Conflicting value ethertype IPv4 for CIDR ::/0".into(),
        ),
        (
            ingress()
                .ethertype(Ethertype::Ipv6)
                .protocol(Protocol::Tcp)
                .port(22)
                .remote_ip_prefix("10.0.0.0/8"),
            400,
            "SecurityGroupRuleParameterConflict",
            "Conflicting value ethertype IPv6 for CIDR 10.0.0.0/8".into(),
        ),
        (
            ingress().protocol(Protocol::Icmp).icmp_code(3),
            400,
            "SecurityGroupMissingIcmpType",
            "ICMP code (port-range-max) 3 is provided but ICMP type (port-range-min) is missing."
                .into(),
        ),
        (
            ingress().protocol(Protocol::Icmp).port_range(256, 0),
            400,
            "SecurityGroupInvalidIcmpValue",
            "Invalid value for ICMP type (port_range_min) 256. It must be 0 to 255.".into(),
        ),
        (
            ingress().protocol(Protocol::Gre).port_range(1, 2),
            400,
            "SecurityGroupInvalidProtocolForPort",
            "Ports cannot be specified for protocol 47. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.".into(),
        ),
        (
            ingress()
                .protocol(Protocol::Tcp)
                .remote_ip_prefix("10.0.0.0/8")
                .remote_group_id(&sg.id),
            400,
            "SecurityGroupMultipleRemoteEntites",
            "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.".into(),
        ),
        (
            ingress().protocol(Protocol::Other("ospf6".into())),
            400,
            "SecurityGroupRuleInvalidProtocol",
            "Security group rule protocol ospf6 not supported. Only protocol values (None, 'any', 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip', 'ipip', 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp') and integer representations [0 to 255] are supported.".into(),
        ),
        (
            CreateSecurityGroupRule::new("00000000-0000-0000-0000-000000000000", Direction::Egress),
            404,
            "SecurityGroupNotFound",
            "Security group 00000000-0000-0000-0000-000000000000 does not exist".into(),
        ),
    ];
    for (request, status, kind, message) in cases {
        let err = rules.create(&request).await.unwrap_err();
        assert_eq!(
            fault(&err),
            (status, kind.to_string(), message),
            "{request:?}"
        );
    }

    // Every rule added or removed moves the group's revision: 1 + 7 rules.
    let group = network.security_groups().get(&sg.id).await.unwrap();
    assert_eq!(
        (group.revision_number, group.security_group_rules.len()),
        (Some(8), 9)
    );
    let tcp = rules
        .list()
        .security_group_id(&sg.id)
        .protocol(&Protocol::Tcp)
        .all()
        .await
        .unwrap();
    assert_eq!(
        tcp.len(),
        1,
        "the rule stored as \"6\" is not listed as tcp"
    );
    rules.delete(&ssh.id).await.unwrap();
    let err = rules.delete(&ssh.id).await.unwrap_err();
    assert_eq!(
        fault(&err),
        (
            404,
            "SecurityGroupRuleNotFound".into(),
            format!("Security group rule {} does not exist", ssh.id)
        )
    );
    let group = network.security_groups().get(&sg.id).await.unwrap();
    assert_eq!(group.revision_number, Some(9));

    // Bulk: all or none.
    let both = rules
        .create_bulk(&CreateSecurityGroupRules::new([
            ingress().protocol(Protocol::Tcp).port(80),
            ingress().protocol(Protocol::Tcp).port(8080),
        ]))
        .await
        .unwrap();
    assert_eq!(
        both.iter().map(|r| r.port_range_min).collect::<Vec<_>>(),
        [Some(80), Some(8080)]
    );
    let err = rules
        .create_bulk(&CreateSecurityGroupRules::new([
            ingress().protocol(Protocol::Tcp).port(81),
            ingress().protocol(Protocol::Tcp).port(80),
        ]))
        .await
        .unwrap_err();
    assert_eq!(fault(&err).1, "SecurityGroupRuleExists");
    assert!(
        rules
            .list()
            .security_group_id(&sg.id)
            .port_range_min(81)
            .all()
            .await
            .unwrap()
            .is_empty(),
        "nothing of a refused bulk request is kept"
    );
}

#[tokio::test]
async fn only_an_admin_deletes_the_default_group() {
    let fake = FakeCloud::builder().admin(false).start().await.unwrap();
    let client = Client::new(ClientOptions::new(Session::new(fake.config()))).unwrap();
    let info = client.authenticate().await.unwrap();
    assert_eq!(info.roles, ["member", "reader"]);
    let sgs = client.network().security_groups();
    let default = sgs.find_by_name("default").await.unwrap().unwrap();
    let err = sgs.delete(&default.id).await.unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "SecurityGroupCannotRemoveDefault".into(),
            "Insufficient rights for removing default security group.".into()
        )
    );
    let web = sgs.create(&CreateSecurityGroup::new("web")).await.unwrap();
    sgs.delete(&web.id).await.unwrap();
}

#[tokio::test]
async fn bulk_create_is_all_or_none() {
    let env = env().await;
    let network = env.client.network();
    let nets = network
        .networks()
        .create_bulk(&[
            CreateNetwork::new().name("a"),
            CreateNetwork::new().name("b"),
        ])
        .await
        .unwrap();
    assert_eq!(
        nets.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    let subnets = network
        .subnets()
        .create_bulk(&[
            CreateSubnet::new(&nets[0].id, 4).cidr("10.60.1.0/24"),
            CreateSubnet::new(&nets[1].id, 4).cidr("10.60.2.0/24"),
        ])
        .await
        .unwrap();
    assert_eq!(
        subnets
            .iter()
            .map(|s| s.gateway_ip.as_deref())
            .collect::<Vec<_>>(),
        [Some("10.60.1.1"), Some("10.60.2.1")]
    );
    let ports = network
        .ports()
        .create_bulk(&[
            CreatePort::new(&nets[0].id).fixed_ip(FixedIp::new(&subnets[0].id, "10.60.1.50")),
            CreatePort::new(&nets[1].id),
        ])
        .await
        .unwrap();
    assert_eq!(
        (ports[0].fixed_ips.clone(), ports[1].network_id.as_str()),
        (
            vec![FixedIp::new(&subnets[0].id, "10.60.1.50")],
            nets[1].id.as_str()
        )
    );
    // The second port asks for the first one's address: Neutron makes neither.
    let before = network.ports().list().all().await.unwrap().len();
    let err = network
        .ports()
        .create_bulk(&[
            CreatePort::new(&nets[0].id).fixed_ip(FixedIp::new(&subnets[0].id, "10.60.1.60")),
            CreatePort::new(&nets[0].id).fixed_ip(FixedIp::new(&subnets[0].id, "10.60.1.60")),
        ])
        .await
        .unwrap_err();
    assert_eq!(
        fault(&err),
        (
            409,
            "IpAddressAlreadyAllocated".into(),
            format!(
                "IP address 10.60.1.60 already allocated in subnet {}",
                subnets[0].id
            )
        )
    );
    assert_eq!(network.ports().list().all().await.unwrap().len(), before);
}

/// Bad bodies get Neutron's 400 (a `NeutronError`), never a 500 or a dropped connection.
#[tokio::test]
async fn malformed_bodies_are_400_never_a_panic() {
    let env = env().await;
    let token = env.fake.issue_token();
    let http = reqwest::Client::new();
    let base = format!("{}/v2.0", env.fake.network_url());
    let router = env
        .client
        .network()
        .routers()
        .create(&CreateRouter::new())
        .await
        .unwrap();
    let sg = env
        .client
        .network()
        .security_groups()
        .create(&CreateSecurityGroup::new("x"))
        .await
        .unwrap();
    let r = &router.id;
    let cases: Vec<(&str, String, String)> = vec![
        ("POST", "routers".into(), "{".into()),
        ("POST", "routers".into(), "[]".into()),
        ("POST", "routers".into(), r#"{"router": 5}"#.into()),
        (
            "POST",
            "routers".into(),
            r#"{"router": {"external_gateway_info": 7}}"#.into(),
        ),
        (
            "POST",
            "routers".into(),
            r#"{"router": {"external_gateway_info": {"network_id": 5}}}"#.into(),
        ),
        (
            "POST",
            "routers".into(),
            r#"{"router": {"routes": []}}"#.into(),
        ),
        (
            "PUT",
            format!("routers/{r}"),
            r#"{"router": {"routes": 3}}"#.into(),
        ),
        (
            "PUT",
            format!("routers/{r}"),
            r#"{"router": {"routes": [1]}}"#.into(),
        ),
        (
            "PUT",
            format!("routers/{r}"),
            r#"{"router": {"routes": [{"destination": "10.0.0.0/8", "nexthop": "nope"}]}}"#.into(),
        ),
        (
            "PUT",
            format!("routers/{r}/add_router_interface"),
            "[]".into(),
        ),
        (
            "PUT",
            format!("routers/{r}/add_router_interface"),
            "{}".into(),
        ),
        (
            "PUT",
            format!("routers/{r}/add_router_interface"),
            r#"{"subnet_id": 5}"#.into(),
        ),
        (
            "PUT",
            format!("routers/{r}/add_extraroutes"),
            r#"{"router": {}}"#.into(),
        ),
        ("POST", "floatingips".into(), r#"{"floatingip": {}}"#.into()),
        (
            "POST",
            "floatingips".into(),
            r#"{"floatingip": {"floating_network_id": 1}}"#.into(),
        ),
        (
            "POST",
            "security-groups".into(),
            r#"{"security_group": {"name": 3}}"#.into(),
        ),
        (
            "POST",
            "security-group-rules".into(),
            format!(
                r#"{{"security_group_rule": {{"security_group_id": "{}", "direction": 1}}}}"#,
                sg.id
            ),
        ),
        (
            "POST",
            "security-group-rules".into(),
            format!(
                r#"{{"security_group_rule": {{"security_group_id": "{}", "direction": "ingress", "protocol": "tcp", "port_range_min": -1, "port_range_max": 2}}}}"#,
                sg.id
            ),
        ),
        (
            "POST",
            "security-group-rules".into(),
            format!(
                r#"{{"security_group_rule": {{"security_group_id": "{}", "direction": "ingress", "protocol": []}}}}"#,
                sg.id
            ),
        ),
        (
            "POST",
            "security-group-rules".into(),
            format!(
                r#"{{"security_group_rule": {{"security_group_id": "{}", "direction": "ingress", "remote_ip_prefix": "10.0.0.0/40"}}}}"#,
                sg.id
            ),
        ),
        (
            "POST",
            "security-group-rules".into(),
            r#"{"security_group_rules": 3}"#.into(),
        ),
        ("POST", "ports".into(), r#"{"ports": [1]}"#.into()),
        ("POST", "ports".into(), r#"{"ports": []}"#.into()),
        ("POST", "networks".into(), r#"{"networks": "x"}"#.into()),
    ];
    for (verb, path, body) in cases {
        let m = reqwest::Method::from_bytes(verb.as_bytes()).unwrap();
        let resp = http
            .request(m, format!("{base}/{path}"))
            .header("x-auth-token", &token)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        assert_eq!(status, 400, "{verb} {path} {body}: {text}");
        let fault: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            fault["NeutronError"]["type"].is_string()
                && fault["NeutronError"]["message"].is_string(),
            "{verb} {path} {body}: {text}"
        );
    }
}

#[tokio::test]
async fn tags_on_routers_and_security_groups_as_neutron_answers() {
    let env = env().await;
    let routers = env.client.network().routers();
    let router = routers
        .create(&CreateRouter::new().name("tagged"))
        .await
        .unwrap();
    assert_eq!(router.revision_number, Some(1));
    routers.add_tag(&router.id, "red").await.unwrap();
    // Adding a present tag changes nothing (Neutron answers 201 again).
    routers.add_tag(&router.id, "red").await.unwrap();
    assert_eq!(
        routers
            .replace_tags(&router.id, &["blue", "green"])
            .await
            .unwrap(),
        ["blue", "green"]
    );
    assert!(routers.has_tag(&router.id, "green").await.unwrap());
    assert!(!routers.has_tag(&router.id, "red").await.unwrap());
    routers.remove_tag(&router.id, "blue").await.unwrap();
    let err = routers.remove_tag(&router.id, "blue").await.unwrap_err();
    assert_eq!(
        fault(&err),
        (
            404,
            "TagNotFound".into(),
            "Tag blue could not be found.".into()
        )
    );
    assert_eq!(routers.tags(&router.id).await.unwrap(), ["green"]);
    let shown = routers.get(&router.id).await.unwrap();
    assert_eq!(shown.tags, ["green"]);
    // add red, replace, remove blue: three changes.
    assert_eq!(shown.revision_number, Some(4));
    let groups = env.client.network().security_groups();
    let group = groups
        .create(&CreateSecurityGroup::new("web"))
        .await
        .unwrap();
    groups.replace_tags(&group.id, &["b", "a"]).await.unwrap();
    assert_eq!(
        groups.tags(&group.id).await.unwrap(),
        ["a", "b"],
        "sorted on read"
    );
    groups.clear_tags(&group.id).await.unwrap();
    assert!(groups.tags(&group.id).await.unwrap().is_empty());
    let err = routers
        .add_tag("00000000-0000-4000-8000-000000000000", "x")
        .await
        .unwrap_err();
    assert_eq!(fault(&err).0, 404);
    assert_eq!(fault(&err).1, "RouterNotFound");
}
