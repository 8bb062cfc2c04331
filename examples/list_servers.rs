//! Streams every server (one page in memory at a time) and prints a table.
//!
//! ```sh
//! cargo run --example list_servers                 # embedded fake cloud, seeded with 5 servers
//! OS_CLOUD=mycloud cargo run --example list_servers
//! ```

mod common;

use futures_util::TryStreamExt;
use stackclient::Client;
use stackclient::compute::{CreateServer, ServerStatus};
use stackclient::testing::FakeCloud;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit_code(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect().await?;
    let client = Client::new(target.opts.clone())?;
    let servers = client.compute().servers();
    if target.fake.is_some() {
        for i in 1..=5 {
            let req = CreateServer::new(format!("demo-{i}"), "1")
                .image(FakeCloud::IMAGE_ID)
                .networks_none();
            servers.create(&req).await?;
        }
        println!("seeded the fake cloud with 5 servers");
    }
    // Pages of 2 to show the paging; the stream asks for the next page only when it needs it.
    let mut stream = servers.list().limit(2).into_stream();
    println!(
        "{:<36}  {:<20}  {:<10}  {:<20}  FLAVOR",
        "ID", "NAME", "STATUS", "CREATED"
    );
    let mut count = 0;
    while let Some(s) = stream.try_next().await? {
        count += 1;
        let flavor = s
            .flavor
            .as_ref()
            .and_then(|f| {
                f.embedded()
                    .map(|e| e.original_name.clone())
                    .or_else(|| f.id().map(str::to_string))
            })
            .unwrap_or_default();
        println!(
            "{:<36}  {:<20}  {:<10}  {:<20}  {}",
            s.id,
            s.name,
            s.status.to_string(),
            s.created.format("%Y-%m-%d %H:%M:%S"),
            flavor
        );
        if s.status == ServerStatus::Error {
            if let Some(f) = &s.fault {
                println!("    fault {}: {}", f.code, f.message);
            }
        }
    }
    println!("{count} servers in total");
    Ok(())
}
