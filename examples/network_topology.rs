//! Build a small Neutron topology, read it back, change it with If-Match, and tear it all down:
//! network + subnet, a security group with rules, a port in it, a router with an interface on the
//! subnet (and a gateway on an external network when there is one), a floating IP for the port.
//! One line per step; every call is a typed one.
//!
//! ```sh
//! cargo run --example network_topology                          # embedded fake cloud
//! OS_CLOUD=mycloud cargo run --example network_topology         # a real cloud
//! STACKCLIENT_EXTERNAL_NETWORK=<id or name> OS_CLOUD=mycloud cargo run --example network_topology
//! ```
//! Without `STACKCLIENT_EXTERNAL_NETWORK` the first network with `router:external` is used; with
//! none, the router gets no gateway and no floating IP is made. Whatever happens, everything the
//! example made is deleted before it exits, and it checks (with `get_opt`) that nothing is left.

mod common;

use stackclient::network::{
    CreateFloatingIp, CreateNetwork, CreatePort, CreateRouter, CreateSecurityGroup,
    CreateSecurityGroupRule, CreateSubnet, Direction, ExternalGateway, Network, Protocol,
    RouterInterface, UpdateRouter,
};
use stackclient::{Client, Error};

/// The subnet the example makes (a documentation-sized private range, unlikely to be in use).
const CIDR: &str = "10.199.42.0/24";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit_code(run().await)
}

/// What the example made, for the teardown (which runs whether the steps succeeded or not).
#[derive(Default)]
struct Made {
    network: Option<String>,
    subnet: Option<String>,
    security_group: Option<String>,
    port: Option<String>,
    router: Option<String>,
    interface: bool,
    floating_ip: Option<String>,
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect().await?;
    let client = Client::new(target.opts.clone())?;
    let mut made = Made::default();
    let built = build(&client, &mut made).await;
    let torn = teardown(&client, &made).await;
    if let Some(fake) = &target.fake {
        println!(
            "the embedded fake cloud answered {} requests",
            fake.requests().len()
        );
    }
    built?;
    torn?;
    Ok(())
}

/// The external network named by `STACKCLIENT_EXTERNAL_NETWORK`, else the first one listed.
async fn external_network(client: &Client) -> Result<Option<Network>, Error> {
    let networks = client.network().networks();
    match std::env::var("STACKCLIENT_EXTERNAL_NETWORK") {
        Ok(wanted) if !wanted.is_empty() => networks.find(&wanted).await,
        _ => Ok(networks
            .list()
            .external(true)
            .all()
            .await?
            .into_iter()
            .next()),
    }
}

async fn build(client: &Client, made: &mut Made) -> Result<(), Box<dyn std::error::Error>> {
    let net = client.network();
    let name = format!("stackclient-topology-{}", std::process::id());

    let external = external_network(client).await?;
    match &external {
        Some(ext) => println!("external network {} ({})", ext.name, ext.id),
        None => println!("no external network: the router gets no gateway, no floating IP"),
    }

    let network = net
        .networks()
        .create(&CreateNetwork::new().name(&name))
        .await?;
    made.network = Some(network.id.clone());
    println!("created network {} ({})", network.name, network.id);

    let subnet = net
        .subnets()
        .create(
            &CreateSubnet::new(&network.id, 4)
                .cidr(CIDR)
                .name(format!("{name}-subnet")),
        )
        .await?;
    made.subnet = Some(subnet.id.clone());
    println!(
        "created subnet {} ({}, gateway {})",
        subnet.cidr,
        subnet.id,
        subnet.gateway_ip.as_deref().unwrap_or("none")
    );

    let sg = net
        .security_groups()
        .create(&CreateSecurityGroup::new(format!("{name}-web")).description("ssh, http, ping"))
        .await?;
    made.security_group = Some(sg.id.clone());
    let rules = net.security_group_rules();
    let ingress = || CreateSecurityGroupRule::new(&sg.id, Direction::Ingress);
    for rule in [
        ingress().protocol(Protocol::Tcp).port(22),
        ingress()
            .protocol(Protocol::Tcp)
            .port_range(80, 443)
            .remote_ip_prefix("0.0.0.0/0"),
        ingress().protocol(Protocol::Icmp).icmp_type(8).icmp_code(0),
    ] {
        rules.create(&rule).await?;
    }
    let sg = net.security_groups().get(&sg.id).await?;
    println!(
        "created security group {} with {} rules (Neutron's 2 egress rules + 3 ingress)",
        sg.name,
        sg.security_group_rules.len()
    );

    let port = net
        .ports()
        .create(
            &CreatePort::new(&network.id)
                .name(format!("{name}-port"))
                .security_groups([&sg.id]),
        )
        .await?;
    made.port = Some(port.id.clone());
    let port_ip = port
        .fixed_ips
        .first()
        .and_then(|ip| ip.ip_address.clone())
        .unwrap_or_default();
    println!("created port {} ({port_ip})", port.id);

    let mut request = CreateRouter::new().name(format!("{name}-router"));
    if let Some(ext) = &external {
        request = request.external_gateway(ExternalGateway::new(&ext.id));
    }
    let router = net.routers().create(&request).await?;
    made.router = Some(router.id.clone());
    let gateway_ips: Vec<String> = router
        .external_gateway_info
        .iter()
        .flat_map(|g| g.external_fixed_ips.iter())
        .filter_map(|ip| ip.ip_address.clone())
        .collect();
    println!(
        "created router {} ({}, gateway {})",
        router.name,
        router.id,
        if gateway_ips.is_empty() {
            "none".to_string()
        } else {
            gateway_ips.join(", ")
        }
    );

    let iface = net
        .routers()
        .add_interface(&router.id, &RouterInterface::subnet(&subnet.id))
        .await?;
    made.interface = true;
    let iface_port = net.ports().get(&iface.port_id).await?;
    println!(
        "router interface port {} ({}) on subnet {}",
        iface_port.id,
        iface_port.device_owner,
        iface.subnet_id.as_deref().unwrap_or("?")
    );

    if let Some(ext) = &external {
        let fip = net
            .floating_ips()
            .create(&CreateFloatingIp::new(&ext.id).port_id(&port.id))
            .await?;
        made.floating_ip = Some(fip.id.clone());
        println!(
            "floating IP {} -> {} (router {}, {})",
            fip.floating_ip_address,
            fip.fixed_ip_address.as_deref().unwrap_or("?"),
            fip.router_id.as_deref().unwrap_or("?"),
            fip.status
        );
    }

    // Read everything back.
    let router = net.routers().get(&router.id).await?;
    let interfaces = net
        .ports()
        .list()
        .device_id(&router.id)
        .device_owner("network:router_interface")
        .all()
        .await?;
    let port = net.ports().get(&port.id).await?;
    println!(
        "read back: router {} with {} interface(s), port {} in {} group(s), {} rule(s) in {}",
        router.status,
        interfaces.len(),
        port.status,
        port.security_groups.len(),
        net.security_group_rules()
            .list()
            .security_group_id(&sg.id)
            .all()
            .await?
            .len(),
        sg.name
    );
    if let Some(fip_id) = &made.floating_ip {
        let fip = net.floating_ips().get(fip_id).await?;
        println!(
            "read back: floating IP {} on port {}",
            fip.floating_ip_address,
            fip.port_id.as_deref().unwrap_or("none")
        );
    }

    // Change the router only if nobody changed it since it was read; a stale revision is refused.
    let revision = router
        .revision_number
        .ok_or("the router has no revision_number")?;
    let updated = net
        .routers()
        .update_if(
            &router.id,
            &UpdateRouter::new().description("built by stackclient"),
            revision,
        )
        .await?;
    match net
        .routers()
        .update_if(
            &router.id,
            &UpdateRouter::new().description("stale"),
            revision,
        )
        .await
    {
        Err(e) if e.is_precondition_failed() => println!(
            "If-Match: description set at revision {revision} (now {}); a second write at {revision} refused with {}",
            updated
                .revision_number
                .map_or_else(|| "?".to_string(), |r| r.to_string()),
            e.status().unwrap_or_default()
        ),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("a stale If-Match revision was accepted".into()),
    }
    Ok(())
}

/// Deletes what `made` lists, in dependency order (going on past a failed step), then checks
/// that none of it is left.
async fn teardown(client: &Client, made: &Made) -> Result<(), Box<dyn std::error::Error>> {
    let net = client.network();
    let mut failed: Vec<String> = Vec::new();
    let mut step = |what: String, result: Result<bool, Error>| match result {
        Ok(true) => println!("deleted {what}"),
        Ok(false) => println!("{what} was already gone"),
        Err(e) => {
            eprintln!("could not delete {what}: {e}");
            failed.push(what);
        }
    };
    if let Some(id) = &made.floating_ip {
        step(
            format!("floating IP {id}"),
            net.floating_ips().delete_opt(id).await,
        );
    }
    if let (Some(router), Some(subnet), true) = (&made.router, &made.subnet, made.interface) {
        let removed = net
            .routers()
            .remove_interface(router, &RouterInterface::subnet(subnet))
            .await
            .map(|_| true);
        step(format!("router interface on subnet {subnet}"), removed);
    }
    if let Some(id) = &made.router {
        step(
            format!("router {id} (and its gateway port)"),
            net.routers().delete_opt(id).await,
        );
    }
    if let Some(id) = &made.port {
        step(format!("port {id}"), net.ports().delete_opt(id).await);
    }
    if let Some(id) = &made.security_group {
        step(
            format!("security group {id}"),
            net.security_groups().delete_opt(id).await,
        );
    }
    if let Some(id) = &made.network {
        step(
            format!("network {id} (and its subnet)"),
            net.networks().delete_opt(id).await,
        );
    }

    let mut left = Vec::new();
    if let Some(id) = &made.floating_ip {
        if net.floating_ips().get_opt(id).await?.is_some() {
            left.push(format!("floating IP {id}"));
        }
    }
    if let Some(id) = &made.router {
        if net.routers().get_opt(id).await?.is_some() {
            left.push(format!("router {id}"));
        }
        if !net.ports().list().device_id(id).all().await?.is_empty() {
            left.push(format!("ports of router {id}"));
        }
    }
    if let Some(id) = &made.port {
        if net.ports().get_opt(id).await?.is_some() {
            left.push(format!("port {id}"));
        }
    }
    if let Some(id) = &made.security_group {
        if net.security_groups().get_opt(id).await?.is_some() {
            left.push(format!("security group {id}"));
        }
    }
    if let Some(id) = &made.subnet {
        if net.subnets().get_opt(id).await?.is_some() {
            left.push(format!("subnet {id}"));
        }
    }
    if let Some(id) = &made.network {
        if net.networks().get_opt(id).await?.is_some() {
            left.push(format!("network {id}"));
        }
    }
    match (left.is_empty(), failed.is_empty()) {
        (true, true) => {
            println!("nothing left behind");
            Ok(())
        }
        _ => Err(format!(
            "teardown incomplete: left behind [{}], failed [{}]",
            left.join(", "),
            failed.join(", ")
        )
        .into()),
    }
}
