//! The README's "Testing your own code with the fake cloud" example, verbatim between the
//! markers below, run as a test; `the_readme_shows_this_code` checks that the README still shows
//! exactly this code.
#![cfg(feature = "testing")]

// README example start
use stackclient::compute::ServerStatus;
use stackclient::testing::{FakeCloud, FakeNetwork, FakeServer, InjectedFault};
use std::time::Duration;

/// The code under test: the names of the ACTIVE servers, sorted.
async fn active_servers(client: &stackclient::Client) -> stackclient::Result<Vec<String>> {
    let servers = client
        .compute()
        .servers()
        .list()
        .status(ServerStatus::Active)
        .all()
        .await?;
    let mut names: Vec<String> = servers.into_iter().map(|s| s.name).collect();
    names.sort();
    Ok(names)
}

#[tokio::test]
async fn lists_active_servers_through_a_503() -> Result<(), Box<dyn std::error::Error>> {
    // Start: a free port on 127.0.0.1, the default seeds plus a network of ours.
    let fake = FakeCloud::builder()
        .network(FakeNetwork::new("app").subnet("10.9.0.0/24"))
        .start()
        .await?;
    // Seed: two servers, already ACTIVE, on that network.
    let app = fake.network_id("app").expect("seeded");
    fake.add_server(FakeServer::new("web-2").network(&app))?;
    fake.add_server(FakeServer::new("web-1").network(&app))?;
    // Inject: the next server list answers 503 (the client retries a GET).
    fake.inject_fault(
        InjectedFault::new(503)
            .on_compute()
            .path_prefix("/compute/v2.1/servers")
            .retry_after(Duration::ZERO),
    );

    let client = fake.client()?;
    assert_eq!(active_servers(&client).await?, ["web-1", "web-2"]);

    // Assert on what the fake received.
    let lists: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == "/compute/v2.1/servers/detail")
        .collect();
    assert_eq!(
        lists.iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 200]
    );
    assert_eq!(lists[1].query_param("status").as_deref(), Some("ACTIVE"));
    assert_eq!(lists[1].header("x-auth-token"), Some("[REDACTED]"));
    Ok(())
}
// README example end

#[test]
fn the_readme_shows_this_code() {
    let this = include_str!("readme_example.rs");
    let start = "// README example start\n";
    let code = &this[this.find(start).expect("start marker") + start.len()
        ..this.find("// README example end").expect("end marker")];
    let readme = include_str!("../README.md");
    let shown = readme
        .split("```rust,ignore\n")
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("async fn lists_active_servers_through_a_503"))
        .expect("the README shows the example");
    assert_eq!(shown, code, "README.md and tests/readme_example.rs differ");
}
