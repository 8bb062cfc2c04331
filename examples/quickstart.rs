//! Authenticate, list flavors, networks and servers, boot a server, wait for ACTIVE, delete it and wait
//! for the delete.
//!
//! ```sh
//! cargo run --example quickstart                                  # embedded fake cloud
//! OS_CLOUD=mycloud cargo run --example quickstart                 # a real cloud
//! STACKCLIENT_IMAGE=<image id> STACKCLIENT_NETWORK=<network id> OS_CLOUD=mycloud cargo run --example quickstart
//! ```
//! Without `STACKCLIENT_IMAGE` the newest active image of the image service (the fake cloud's
//! Glance, or yours) is used, found with `client.image().images()`; without
//! `STACKCLIENT_NETWORK` the server boots on the fake cloud's `private` network, or on a real cloud with no
//! network (`networks: "none"`, microversion 2.37+).

mod common;

use std::time::{Duration, Instant};

use stackclient::compute::{CreateServer, ServerStatus};
use stackclient::image::ImageStatus;
use stackclient::{Client, ServiceType, WaitOptions};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit_code(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect().await?;
    let client = Client::new(target.opts.clone())?;

    let started = Instant::now();
    let info = client.authenticate().await?;
    println!(
        "authenticated as {} in project {} ({:?}), token expires {}",
        info.user_name.as_deref().unwrap_or(&info.user_id),
        info.project_name.as_deref().unwrap_or("-"),
        started.elapsed(),
        info.expires_at
    );
    let compute = client.compute();
    let endpoint = client.endpoint_info(ServiceType::COMPUTE).await?;
    println!(
        "compute endpoint {} (microversion {})",
        endpoint.url,
        endpoint
            .microversion
            .map(|v| v.to_string())
            .unwrap_or_else(|| "none".into())
    );

    let flavors = compute.flavors().list().all().await?;
    println!("{} flavors:", flavors.len());
    for f in &flavors {
        println!(
            "  {:<8} {:<12} {:>6} MiB RAM {:>4} GiB disk {:>3} vCPU",
            f.id, f.name, f.ram, f.disk, f.vcpus
        );
    }
    let networks = client.network().networks().list().all().await?;
    println!("{} networks:", networks.len());
    for n in &networks {
        println!(
            "  {} {:<20} {} external={}",
            n.id, n.name, n.status, n.external
        );
    }
    let servers = compute.servers().list().all().await?;
    println!("{} servers", servers.len());

    let flavor = flavors
        .iter()
        .min_by_key(|f| f.ram)
        .ok_or("the cloud has no flavors")?;
    let image = match std::env::var("STACKCLIENT_IMAGE") {
        Ok(id) => id,
        Err(_) => first_image(&client).await?,
    };
    let mut request =
        CreateServer::new(format!("quickstart-{}", std::process::id()), &flavor.id).image(&image);
    let fake_private = target.fake.as_ref().and_then(|f| f.network_id("private"));
    request = match (std::env::var("STACKCLIENT_NETWORK"), fake_private) {
        (Ok(net), _) | (Err(_), Some(net)) => request.network(net),
        (Err(_), None) => request.networks_none(),
    };
    let booting = Instant::now();
    let created = compute.servers().create(&request).await?;
    println!(
        "booting server {} (flavor {}, image {})",
        created.id, flavor.name, image
    );
    let wait = WaitOptions::default()
        .timeout(Duration::from_secs(300))
        .interval(Duration::from_millis(250), Duration::from_secs(5));
    let server = compute
        .servers()
        .wait_for_status_with(&created.id, ServerStatus::Active, wait)
        .await?;
    let addresses: Vec<String> = server
        .addresses
        .iter()
        .flat_map(|(net, addrs)| addrs.iter().map(move |a| format!("{net}={}", a.addr)))
        .collect();
    println!(
        "addresses: {}",
        if addresses.is_empty() {
            "none".to_string()
        } else {
            addresses.join(", ")
        }
    );
    println!(
        "server {} is {} after {:.1} s",
        server.name,
        server.status,
        booting.elapsed().as_secs_f64()
    );

    let deleting = Instant::now();
    compute.servers().delete(&server.id).await?;
    compute
        .servers()
        .wait_for_delete_with(&server.id, wait)
        .await?;
    println!(
        "server {} deleted after {:.1} s",
        server.name,
        deleting.elapsed().as_secs_f64()
    );
    println!(
        "Keystone token requests: {}",
        client.session().auth_requests()
    );
    Ok(())
}

/// The first active image the image service lists (`GET /v2/images?status=active&limit=1`;
/// Glance lists the newest first).
async fn first_image(client: &Client) -> Result<String, Box<dyn std::error::Error>> {
    let page = client
        .image()
        .images()
        .list()
        .status(ImageStatus::Active)
        .limit(1)
        .send()
        .await?;
    page.items
        .into_iter()
        .next()
        .map(|image| image.id)
        .ok_or_else(|| "the image service lists no active image; set STACKCLIENT_IMAGE".into())
}
