//! A server's whole life through the typed API, one printed line per step: find an image, a
//! flavor and a network, create a keypair and a server group, boot into the group with the
//! key, set metadata and tags, reboot, pause/unpause, stop/start, resize and confirm, attach
//! and detach an interface, delete, and clean up everything it made (also when a step fails).
//!
//! ```sh
//! cargo run --example server_lifecycle                      # embedded fake cloud
//! OS_CLOUD=mycloud cargo run --example server_lifecycle     # a real cloud
//! ```
//! `STACKCLIENT_IMAGE` / `STACKCLIENT_NETWORK` pick the image and network; without them the
//! example takes an active CirrOS image (else the newest active image) and makes its own network
//! and subnet. Steps the cloud cannot do (a resize on a single-host cloud, an interface attach
//! without Neutron) are skipped with the reason the cloud gave.

mod common;

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::json;
use stackclient::compute::{
    AttachInterface, CreateKeypair, CreateServer, CreateServerGroup, Flavor, RebootType, Resize,
    Server, ServerGroupPolicy, ServerStatus,
};
use stackclient::image::{Image, ImageStatus};
use stackclient::network::{CreateNetwork, CreateSubnet};
use stackclient::{Client, WaitOptions};

type BoxError = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit_code(run().await)
}

/// What the example made, to delete at the end.
#[derive(Default)]
struct Made {
    network: Option<String>,
    keypair: Option<String>,
    group: Option<String>,
    server: Option<String>,
}

async fn run() -> Result<(), BoxError> {
    let target = common::connect().await?;
    let client = Client::new(target.opts.clone())?;
    let name = format!("lifecycle-{}", std::process::id());
    let wait = WaitOptions::default()
        .timeout(Duration::from_secs(300))
        .interval(Duration::from_millis(200), Duration::from_secs(3));
    let mut made = Made::default();
    let result = steps(&client, &name, wait, &mut made).await;
    let cleaned = clean_up(&client, wait, &made).await;
    if let Some(fake) = &target.fake {
        println!("the fake cloud answered {} requests", fake.requests().len());
    }
    result?;
    cleaned
}

async fn steps(
    client: &Client,
    name: &str,
    wait: WaitOptions,
    made: &mut Made,
) -> Result<(), BoxError> {
    let compute = client.compute();
    let servers = compute.servers();

    let image = pick_image(client).await?;
    println!(
        "image: {} ({}, min disk {} GiB, min RAM {} MiB)",
        image.name.as_deref().unwrap_or("-"),
        image.id,
        image.min_disk,
        image.min_ram
    );

    let mut flavors: Vec<Flavor> = compute
        .flavors()
        .list()
        .all()
        .await?
        .into_iter()
        .filter(|f| f.ram >= image.min_ram && (f.disk == 0 || f.disk >= image.min_disk))
        .collect();
    flavors.sort_by_key(|f| (f.ram, f.disk, f.vcpus));
    let flavor = flavors.first().ok_or("no flavor fits the image")?.clone();
    let bigger = flavors.get(1).cloned();
    println!(
        "flavor: {} ({} MiB, {} GiB); resize target: {}",
        flavor.name,
        flavor.ram,
        flavor.disk,
        bigger.as_ref().map_or("none", |f| f.name.as_str())
    );

    let network_id = match std::env::var("STACKCLIENT_NETWORK") {
        Ok(id) => {
            println!("network: {id} (STACKCLIENT_NETWORK)");
            id
        }
        Err(_) => {
            let net = client
                .network()
                .networks()
                .create(&CreateNetwork::new().name(name))
                .await?;
            made.network = Some(net.id.clone());
            let subnet = client
                .network()
                .subnets()
                .create(
                    &CreateSubnet::new(&net.id, 4)
                        .cidr("10.241.0.0/24")
                        .name(name),
                )
                .await?;
            println!(
                "network: created {} ({}) with subnet {}",
                net.name, net.id, subnet.cidr
            );
            net.id
        }
    };

    let keypair = compute
        .keypairs()
        .create(&CreateKeypair::import(name, demo_public_key()))
        .await?;
    made.keypair = Some(keypair.keypair.name.clone());
    println!(
        "keypair: imported {} (fingerprint {})",
        keypair.keypair.name, keypair.keypair.fingerprint
    );

    let group = compute
        .server_groups()
        .create(&CreateServerGroup::new(
            name,
            ServerGroupPolicy::AntiAffinity,
        ))
        .await?;
    made.group = Some(group.id.clone());
    println!(
        "server group: created {} ({}, policy {})",
        group.name,
        group.id,
        group
            .effective_policy()
            .map_or("-".to_string(), |p| p.to_string())
    );

    let booting = Instant::now();
    let created = servers
        .create(
            &CreateServer::new(name, &flavor.id)
                .image(&image.id)
                .network(&network_id)
                .key_name(name)
                .scheduler_hint("group", json!(group.id)),
        )
        .await?;
    made.server = Some(created.id.clone());
    let server = servers
        .wait_for_status_with(&created.id, ServerStatus::Active, wait)
        .await?;
    let members = compute.server_groups().get(&group.id).await?.members;
    println!(
        "server {} is ACTIVE after {:.1} s (key {}, group members {}, addresses {})",
        server.name,
        booting.elapsed().as_secs_f64(),
        server.key_name.as_deref().unwrap_or("-"),
        members.len(),
        addresses(&server)
    );
    let id = server.id.clone();

    let metadata = servers
        .update_metadata(&id, &[("role".to_string(), "demo".to_string())].into())
        .await?;
    let tags = servers.replace_tags(&id, &["lifecycle", "demo"]).await?;
    println!("metadata {metadata:?}, tags {tags:?}");

    let t = Instant::now();
    servers.reboot(&id, RebootType::Soft).await?;
    let during = servers.get(&id).await?;
    servers
        .wait_for_status_with(&id, ServerStatus::Active, wait)
        .await?;
    println!(
        "reboot: {} ({}) -> ACTIVE after {:.1} s",
        during.status,
        during.task_state.as_deref().unwrap_or("no task"),
        t.elapsed().as_secs_f64()
    );

    servers.pause(&id).await?;
    let paused = servers
        .wait_for_status_with(&id, ServerStatus::Paused, wait)
        .await?;
    servers.unpause(&id).await?;
    servers
        .wait_for_status_with(&id, ServerStatus::Active, wait)
        .await?;
    println!("pause/unpause: {} -> ACTIVE", paused.status);

    servers.stop(&id).await?;
    let stopped = servers
        .wait_for_status_with(&id, ServerStatus::Shutoff, wait)
        .await?;
    servers.start(&id).await?;
    servers
        .wait_for_status_with(&id, ServerStatus::Active, wait)
        .await?;
    println!("stop/start: {} -> ACTIVE", stopped.status);

    match &bigger {
        None => println!("resize skipped: no second flavor fits the image"),
        Some(to) => resize(client, &id, &flavor, to, wait).await?,
    }

    interface(client, &id, &network_id, wait).await?;

    let t = Instant::now();
    servers.delete(&id).await?;
    servers.wait_for_delete_with(&id, wait).await?;
    made.server = None;
    println!(
        "server {name} deleted after {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `STACKCLIENT_IMAGE`, else an active image named like CirrOS, else the newest active image.
async fn pick_image(client: &Client) -> Result<Image, BoxError> {
    let images = client.image().images();
    if let Ok(id) = std::env::var("STACKCLIENT_IMAGE") {
        return Ok(images.get(&id).await?);
    }
    let active = images.list().status(ImageStatus::Active).all().await?;
    let cirros = active
        .iter()
        .find(|i| i.name.as_deref().is_some_and(|n| n.contains("cirros")))
        .cloned();
    cirros
        .or_else(|| active.into_iter().next())
        .ok_or_else(|| "the image service lists no active image; set STACKCLIENT_IMAGE".into())
}

/// Resize to `to` and confirm; when the cloud cannot (the server comes back ACTIVE on its old
/// flavor), say why, from the instance action's events.
async fn resize(
    client: &Client,
    id: &str,
    from: &Flavor,
    to: &Flavor,
    wait: WaitOptions,
) -> Result<(), BoxError> {
    let servers = client.compute().servers();
    servers.resize(id, Resize::new(&to.id)).await?;
    let deadline = Instant::now() + wait.timeout;
    let settled = loop {
        let s = servers.get(id).await?;
        let busy = s.task_state.is_some() || s.status == ServerStatus::Resize;
        if !busy || Instant::now() > deadline {
            break s;
        }
        tokio::time::sleep(wait.initial_interval).await;
    };
    if settled.status == ServerStatus::VerifyResize {
        servers.confirm_resize(id).await?;
        let done = servers
            .wait_for_status_with(id, ServerStatus::Active, wait)
            .await?;
        let now_on = done
            .flavor
            .as_ref()
            .and_then(|f| {
                f.embedded()
                    .map(|e| e.original_name.clone())
                    .or(f.id().map(str::to_string))
            })
            .unwrap_or_default();
        println!(
            "resize: {} -> {}, VERIFY_RESIZE, confirmed, ACTIVE on {now_on}",
            from.name, to.name
        );
        return Ok(());
    }
    let mut reason = format!("the server is {} again", settled.status);
    if let Ok(list) = servers.instance_actions(id) {
        if let Some(action) = list.all().await?.into_iter().find(|a| a.action == "resize") {
            let detail = servers.instance_action(id, &action.request_id).await?;
            if let Some(why) = detail.events.iter().find_map(|e| e.details.clone()) {
                reason = why;
            }
        }
    }
    println!("resize skipped: the cloud could not resize ({reason})");
    Ok(())
}

/// Attach a second port on `network_id`, then detach it and wait until it is gone.
async fn interface(
    client: &Client,
    id: &str,
    network_id: &str,
    wait: WaitOptions,
) -> Result<(), BoxError> {
    let servers = client.compute().servers();
    let attached = match servers
        .attach_interface(id, &AttachInterface::network(network_id))
        .await
    {
        Ok(a) => a,
        Err(e) if e.status().is_some_and(|s| s >= 400) => {
            println!("interface skipped: the cloud refused the attach ({e})");
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let ip = attached
        .fixed_ips
        .first()
        .map_or("-".to_string(), |f| f.ip_address.clone());
    servers.detach_interface(id, &attached.port_id).await?;
    let deadline = Instant::now() + wait.timeout;
    while servers
        .interfaces(id)
        .await?
        .iter()
        .any(|i| i.port_id == attached.port_id)
    {
        if Instant::now() > deadline {
            return Err(format!("port {} was never detached", attached.port_id).into());
        }
        tokio::time::sleep(wait.initial_interval).await;
    }
    println!(
        "interface: attached port {} ({ip}), detached",
        attached.port_id
    );
    Ok(())
}

/// Deletes what the example made, newest first; reports the first failure.
async fn clean_up(client: &Client, wait: WaitOptions, made: &Made) -> Result<(), BoxError> {
    let compute = client.compute();
    let mut first_error: Option<BoxError> = None;
    let mut done = Vec::new();
    if let Some(id) = &made.server {
        let servers = compute.servers();
        match servers.delete_opt(id).await {
            Ok(_) => {
                if let Err(e) = servers.wait_for_delete_with(id, wait).await {
                    first_error.get_or_insert(e.into());
                }
                done.push("server");
            }
            Err(e) => {
                first_error.get_or_insert(e.into());
            }
        }
    }
    if let Some(name) = &made.keypair {
        match compute.keypairs().delete_opt(name).await {
            Ok(_) => done.push("keypair"),
            Err(e) => {
                first_error.get_or_insert(e.into());
            }
        }
    }
    if let Some(id) = &made.group {
        match compute.server_groups().delete_opt(id).await {
            Ok(_) => done.push("server group"),
            Err(e) => {
                first_error.get_or_insert(e.into());
            }
        }
    }
    if let Some(id) = &made.network {
        // A real Neutron may hold the server's port for a moment after the server is gone.
        let networks = client.network().networks();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match networks.delete_opt(id).await {
                Ok(_) => {
                    done.push("network");
                    break;
                }
                Err(e) if e.is_conflict() && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => {
                    first_error.get_or_insert(e.into());
                    break;
                }
            }
        }
    }
    if !done.is_empty() {
        println!("cleaned up: {}", done.join(", "));
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn addresses(server: &Server) -> String {
    let all: Vec<String> = server
        .addresses
        .iter()
        .flat_map(|(net, list)| list.iter().map(move |a| format!("{net}={}", a.addr)))
        .collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

/// An OpenSSH `ssh-ed25519` public key (the public key of RFC 8032's first test vector; nobody
/// should log in with it).
fn demo_public_key() -> String {
    const KEY: [u8; 32] = [
        0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07,
        0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07,
        0x51, 0x1a,
    ];
    let mut blob = Vec::new();
    for part in [b"ssh-ed25519".as_slice(), KEY.as_slice()] {
        blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
    format!(
        "ssh-ed25519 {} stackclient-example",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}
