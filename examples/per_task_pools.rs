//! N tasks, each with its own `Client` (its own connection pool) from the same `ClientOptions`: they all
//! share one token, so Keystone sees one token request.
//!
//! ```sh
//! cargo run --example per_task_pools            # 8 tasks against the embedded fake cloud
//! TASKS=32 OS_CLOUD=mycloud cargo run --example per_task_pools
//! ```

mod common;

use std::time::Instant;

use stackclient::Client;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit_code(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect().await?;
    let tasks: usize = std::env::var("TASKS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(8);
    let started = Instant::now();
    let mut handles = Vec::new();
    for i in 0..tasks {
        let opts = target.opts.clone();
        handles.push(tokio::spawn(async move {
            let client = Client::new(opts)?; // this task's own pool
            let networks = client.network().networks().list().all().await?;
            let flavors = client.compute().flavors().list().all().await?;
            Ok::<_, stackclient::Error>((i, networks.len(), flavors.len()))
        }));
    }
    for h in handles {
        let (i, networks, flavors) = h.await??;
        println!("task {i}: {networks} networks, {flavors} flavors");
    }
    println!(
        "{tasks} tasks, {tasks} clients, {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    println!(
        "Keystone token requests: {}",
        target.opts.session.auth_requests()
    );
    if let Some(fake) = &target.fake {
        println!(
            "token requests seen by the fake Keystone: {}",
            fake.token_requests()
        );
    }
    Ok(())
}
