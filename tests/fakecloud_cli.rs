//! The openstack CLI (python-openstackclient) against `examples/fakecloud.rs`: the example's own
//! start-up code runs in-process (a free port, a clouds.yaml in the temp dir), then the CLI is run
//! as a child process with `OS_CLIENT_CONFIG_FILE` / `OS_CLOUD` pointing at it.
//!
//! The CLI is `/tmp/minicloud/venv/bin/openstack` (the minicloud's venv), else `openstack` on
//! `PATH`; without one the test prints why it is skipped and passes.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "testing")]

#[path = "../examples/fakecloud.rs"]
#[allow(dead_code)]
mod fakecloud;

#[path = "common/cli.rs"]
mod cli;

use cli::{Cli, MINICLOUD_CLI, find_cli, rows_with, sorted_column as column};
use serde_json::Value;
use stackclient::testing::FakeCloud;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openstack_cli_against_the_fakecloud_example() {
    let Some(program) = find_cli() else {
        println!(
            "SKIPPED: no openstack CLI ({MINICLOUD_CLI} is missing and `openstack` is not on PATH)"
        );
        return;
    };
    let clouds_yaml =
        std::env::temp_dir().join(format!("fakecloud-cli-{}.yaml", std::process::id()));
    let opts = fakecloud::Options::parse([
        "--port".to_string(),
        "0".to_string(),
        "--clouds-yaml".to_string(),
        clouds_yaml.display().to_string(),
    ])
    .expect("arguments");
    let running = fakecloud::start(&opts).await.expect("the example starts");
    let fake = &running.fake;
    assert!(
        running.instructions.iter().any(|l| l
            == &format!(
                "export OS_CLIENT_CONFIG_FILE={} OS_CLOUD=fakecloud",
                clouds_yaml.display()
            )),
        "{:?}",
        running.instructions
    );
    let yaml = std::fs::read_to_string(&clouds_yaml).expect("clouds.yaml written");
    assert!(yaml.contains(&format!("auth_url: {}/v3", fake.auth_url())));
    let cli = Cli {
        program,
        clouds_yaml: clouds_yaml.clone(),
        cloud: opts.cloud.clone(),
    };

    // token issue: a project-scoped token for the fake's user.
    let token = cli.json(&["token", "issue"]).await;
    assert_eq!(token["project_id"], fake.project_id());
    assert_eq!(token["user_id"], fake.user_id());
    assert!(
        token["id"]
            .as_str()
            .is_some_and(|t| t.starts_with("gAAAAAB")),
        "{token}"
    );

    // flavor list: the three seeded flavors with their sizes.
    let flavors = cli.json(&["flavor", "list"]).await;
    assert_eq!(column(&flavors, "Name"), ["m1.nano", "m1.small", "m1.tiny"]);
    let small = rows_with(&flavors, "Name", "m1.small");
    assert_eq!(
        (&small[0]["ID"], &small[0]["RAM"], &small[0]["Disk"]),
        (&Value::from("2"), &Value::from(2048), &Value::from(20))
    );

    // network list: public and private, with their subnets.
    let networks = cli.json(&["network", "list"]).await;
    assert_eq!(column(&networks, "Name"), ["private", "public"]);
    let private = rows_with(&networks, "Name", "private");
    assert_eq!(
        private[0]["ID"],
        fake.network_id("private").unwrap().as_str()
    );
    assert_eq!(
        private[0]["Subnets"],
        serde_json::json!([fake.subnet_id("private-subnet").unwrap()])
    );

    // image list: what Glance lists by default (no hidden, no community images).
    let images = cli.json(&["image", "list"]).await;
    assert_eq!(
        column(&images, "Name"),
        [
            "cirros-0.6.2-x86_64-disk",
            "debian-12-genericcloud-amd64",
            "my-upload",
            "ubuntu-24.04-server-cloudimg-amd64"
        ]
    );
    let cirros = rows_with(&images, "Name", "cirros-0.6.2-x86_64-disk");
    assert_eq!(
        (&cirros[0]["ID"], &cirros[0]["Status"]),
        (&Value::from(FakeCloud::IMAGE_ID), &Value::from("active"))
    );

    // server list: the example's seeded server.
    let servers = cli.json(&["server", "list"]).await;
    let demo = rows_with(&servers, "Name", "demo-1");
    assert_eq!(demo.len(), 1, "{servers}");
    assert_eq!(demo[0]["Status"], "ACTIVE");
    assert_eq!(
        demo[0]["Networks"],
        serde_json::json!({"private": ["10.0.0.2"]})
    );
    assert_eq!(demo[0]["Flavor"], "m1.tiny");
    assert_eq!(demo[0]["Image"], "cirros-0.6.2-x86_64-disk");

    // server create by names, waiting for ACTIVE; then the fake saw what the CLI sent.
    let created = cli
        .json(&[
            "server",
            "create",
            "--flavor",
            "m1.nano",
            "--image",
            "cirros-0.6.2-x86_64-disk",
            "--network",
            "private",
            "--property",
            "made-by=cli",
            "--wait",
            "cli-1",
        ])
        .await;
    assert_eq!(created["status"], "ACTIVE");
    assert_eq!(created["name"], "cli-1");
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(fake.server_id("cli-1").as_deref(), Some(id.as_str()));
    let post = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/compute/v2.1/servers")
        .expect("the create was recorded");
    let body = &post.body.as_ref().expect("JSON body")["server"];
    assert_eq!(body["flavorRef"], "42");
    assert_eq!(body["imageRef"], FakeCloud::IMAGE_ID);
    assert_eq!(
        body["networks"],
        serde_json::json!([{"uuid": fake.network_id("private").unwrap()}])
    );
    assert_eq!(body["metadata"], serde_json::json!({"made-by": "cli"}));
    assert!(post.header("openstack-api-version").is_some(), "{post:?}");

    // Its port is a Neutron port of the server.
    let ports = cli.json(&["port", "list", "--device-id", &id]).await;
    assert_eq!(ports.as_array().map(Vec::len), Some(1), "{ports}");
    assert_eq!(ports[0]["Status"], "ACTIVE");

    let console = cli.run(&["console", "log", "show", "cli-1"]).await;
    assert_eq!(
        console.trim_end(),
        "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE"
    );

    cli.run(&["server", "delete", "--wait", "cli-1"]).await;
    assert_eq!(fake.server_id("cli-1"), None);
    assert_eq!(fake.server_count(), 1);
    let servers = cli.json(&["server", "list"]).await;
    assert_eq!(column(&servers, "Name"), ["demo-1"]);

    // The member of the second project: its own token, the external network only, no servers.
    let demo = cli.with_cloud(&format!("{}-demo", opts.cloud));
    let token = demo.json(&["token", "issue"]).await;
    assert_eq!(
        token["project_id"],
        fake.project_id_of("demo")
            .expect("the example's demo project")
    );
    assert_eq!(
        column(&demo.json(&["network", "list"]).await, "Name"),
        ["public"]
    );
    assert_eq!(demo.json(&["server", "list"]).await, serde_json::json!([]));
    let demo_1 = fake.server_id("demo-1").expect("seeded");
    let out = demo.output(&["server", "show", &demo_1]).await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("No Server found"), "{stderr}");

    let _ = std::fs::remove_file(&clouds_yaml);
}
