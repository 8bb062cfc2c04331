//! The openstack CLI (python-openstackclient, through openstacksdk) against the fake Nova's
//! instance actions, hypervisors, services, evacuation, migrations, aggregates, private
//! flavors and consoles: what a real client parses out of the fake's answers.
//!
//! The CLI is `/tmp/minicloud/venv/bin/openstack`, else `openstack` on `PATH`; without one the
//! test prints why it is skipped and passes.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "testing")]

#[path = "common/cli.rs"]
mod cli;

use std::time::Duration;

use cli::{Cli, MINICLOUD_CLI, column, find_cli};
use stackclient::testing::{FakeCloud, FakeServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openstack_cli_reads_the_fake_novas_admin_endpoints() {
    let Some(program) = find_cli() else {
        println!("SKIPPED: no openstack CLI ({MINICLOUD_CLI} is missing, none on PATH)");
        return;
    };
    let fake = FakeCloud::builder()
        .build_delay(Duration::ZERO)
        .action_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let id = fake.add_server(FakeServer::new("cli-1")).unwrap();
    let clouds_yaml =
        std::env::temp_dir().join(format!("fakecloud-cli-admin-{}.yaml", std::process::id()));
    std::fs::write(&clouds_yaml, fake.clouds_yaml("fakecloud")).unwrap();
    let cli = Cli {
        program,
        clouds_yaml: clouds_yaml.clone(),
        cloud: "fakecloud".into(),
    };

    // server event list / show: the instance actions with their request ids and events.
    cli.run(&["server", "stop", &id]).await;
    let events = cli.json(&["server", "event", "list", &id]).await;
    assert_eq!(column(&events, "Action"), ["stop", "create"]);
    let request = events[0]["Request ID"].as_str().unwrap().to_string();
    let stop = cli.json(&["server", "event", "show", &id, &request]).await;
    assert_eq!(stop["events"][0]["event"], "compute_stop_instance");
    assert_eq!(stop["events"][0]["result"], "Success");
    cli.run(&["server", "start", &id]).await;

    // hypervisor list, compute service list / set.
    let hypervisors = cli.json(&["hypervisor", "list"]).await;
    assert_eq!(
        column(&hypervisors, "Hypervisor Hostname"),
        ["fake-host.localdomain"]
    );
    assert_eq!(column(&hypervisors, "State"), ["up"]);
    cli.run(&[
        "compute",
        "service",
        "set",
        "--down",
        "fake-host",
        "nova-compute",
    ])
    .await;
    let services = cli
        .json(&["compute", "service", "list", "--service", "nova-compute"])
        .await;
    assert_eq!(column(&services, "State"), ["down"]);

    // server evacuate: accepted, then no other host; the migration record says so.
    cli.run(&["server", "evacuate", &id]).await;
    let migrations = cli.json(&["server", "migration", "list"]).await;
    assert_eq!(column(&migrations, "Type"), ["evacuation"]);
    assert_eq!(column(&migrations, "Status"), ["error"]);

    // aggregate create / add host: the host's zone becomes the aggregate's.
    cli.run(&["aggregate", "create", "--zone", "fast", "agg1"])
        .await;
    let agg = cli
        .json(&["aggregate", "add", "host", "agg1", "fake-host"])
        .await;
    assert_eq!(agg["hosts"], serde_json::json!(["fake-host"]));
    let zones = cli
        .json(&["availability", "zone", "list", "--compute"])
        .await;
    assert!(
        column(&zones, "Zone Name").contains(&"fast".to_string()),
        "{zones}"
    );

    // flavor create --private, flavor set --property.
    cli.run(&[
        "flavor",
        "create",
        "--private",
        "--ram",
        "1024",
        "--vcpus",
        "2",
        "--disk",
        "10",
        "p1",
    ])
    .await;
    cli.run(&[
        "flavor",
        "set",
        "--property",
        "hw:cpu_policy=dedicated",
        "p1",
    ])
    .await;
    let p1 = cli.json(&["flavor", "show", "p1"]).await;
    assert_eq!(p1["os-flavor-access:is_public"], false);
    assert_eq!(p1["properties"]["hw:cpu_policy"], "dedicated");

    // console url show: a noVNC URL (the evacuated server is ERROR, but on its host).
    let console = cli.json(&["console", "url", "show", &id]).await;
    assert!(
        console["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://127.0.0.1:6080/vnc_auto.html?path=")),
        "{console}"
    );
    let _ = std::fs::remove_file(&clouds_yaml);
}
