//! The fake cloud for other processes: serves `stackclient::testing::FakeCloud` on
//! `127.0.0.1:<port>` until Ctrl-C, and writes a `clouds.yaml` for it, so the openstack CLI,
//! openstacksdk, Terraform, or a program in another language can be pointed at it.
//!
//! ```sh
//! cargo run --example fakecloud -- --port 5999
//! cargo run --example fakecloud -- --port 5999 --clouds-yaml /tmp/fake.yaml --cloud fakecloud
//! ```
//! It prints what to run, e.g.
//! ```text
//! fake cloud at http://127.0.0.1:5999 (Keystone http://127.0.0.1:5999/identity/v3)
//! clouds.yaml written to ./fakecloud-clouds.yaml
//! export OS_CLIENT_CONFIG_FILE=./fakecloud-clouds.yaml OS_CLOUD=fakecloud
//! openstack server list
//! ```
//! The fake starts with its default seeds (flavors m1.tiny, m1.small, m1.nano; six images;
//! networks `public` and `private`), one `ACTIVE` server, `demo-1`, and, as devstack has, a
//! second project `demo` with the member `demo` / `secret`: the clouds.yaml also names the cloud
//! `<NAME>-demo` for that user, who sees the shared and external networks but not the admin
//! project's server or its `private` network. Options:
//! `--port N` (default 5999; 0 picks a free port), `--clouds-yaml PATH` (default
//! `./fakecloud-clouds.yaml`), `--cloud NAME` (default `fakecloud`), `--no-demo-server`.
//! `tests/fakecloud_cli.rs` runs this code in-process and drives the openstack CLI against it.

use std::path::PathBuf;

use stackclient::testing::{FakeCloud, FakeProject, FakeServer};

/// What the command line asked for.
#[derive(Clone, Debug)]
pub struct Options {
    /// The port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Where to write the clouds.yaml.
    pub clouds_yaml: PathBuf,
    /// The cloud's name in it.
    pub cloud: String,
    /// Whether to seed the server `demo-1`.
    pub demo_server: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 5999,
            clouds_yaml: PathBuf::from("./fakecloud-clouds.yaml"),
            cloud: "fakecloud".into(),
            demo_server: true,
        }
    }
}

impl Options {
    /// Parses `--port N`, `--clouds-yaml PATH`, `--cloud NAME`, `--no-demo-server`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut opts = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                "--port" => {
                    let v = value("--port")?;
                    opts.port = v.parse().map_err(|_| format!("--port {v}: not a port"))?;
                }
                "--clouds-yaml" => opts.clouds_yaml = PathBuf::from(value("--clouds-yaml")?),
                "--cloud" => {
                    opts.cloud = value("--cloud")?;
                    // An empty OS_CLOUD counts as unset: the printed export would not work.
                    if opts.cloud.trim().is_empty() {
                        return Err(format!("--cloud needs a non-empty name\n{USAGE}"));
                    }
                }
                "--no-demo-server" => opts.demo_server = false,
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => return Err(format!("unknown argument {other}\n{USAGE}")),
            }
        }
        Ok(opts)
    }
}

const USAGE: &str =
    "usage: fakecloud [--port N] [--clouds-yaml PATH] [--cloud NAME] [--no-demo-server]";

/// A running fake and what to tell the user about it.
pub struct Running {
    /// The fake cloud (serving while it lives).
    pub fake: FakeCloud,
    /// The lines printed on start.
    pub instructions: Vec<String>,
}

/// Starts the fake cloud and writes its clouds.yaml.
pub async fn start(opts: &Options) -> Result<Running, Box<dyn std::error::Error>> {
    let mut builder = FakeCloud::builder()
        .port(opts.port)
        .with_project(FakeProject::new("demo").user("demo", "secret"));
    if opts.demo_server {
        builder = builder.server(FakeServer::new("demo-1").metadata("purpose", "demo"));
    }
    let fake = builder
        .start()
        .await
        .map_err(|e| format!("serving on 127.0.0.1:{}: {e}", opts.port))?;
    let member_cloud = format!("{}-demo", opts.cloud);
    let yaml = fake.clouds_yaml_for(&[
        (opts.cloud.as_str(), fake.username()),
        (member_cloud.as_str(), "demo"),
    ])?;
    std::fs::write(&opts.clouds_yaml, yaml)
        .map_err(|e| format!("writing {}: {e}", opts.clouds_yaml.display()))?;
    let path = opts.clouds_yaml.display();
    let instructions = vec![
        format!(
            "fake cloud at {} (Keystone {}/v3), user {} / password {}, project {}",
            fake.url(),
            fake.auth_url(),
            fake.username(),
            fake.password(),
            fake.project_name()
        ),
        format!("clouds.yaml written to {path}"),
        format!(
            "export OS_CLIENT_CONFIG_FILE={path} OS_CLOUD={}",
            opts.cloud
        ),
        "openstack server list".to_string(),
        format!("as the member demo of project demo: OS_CLOUD={member_cloud}"),
    ];
    Ok(Running { fake, instructions })
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let running = match start(&opts).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    for line in &running.instructions {
        println!("{line}");
    }
    println!("serving until Ctrl-C");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: waiting for Ctrl-C: {e}");
    }
    println!("stopping after {} requests", running.fake.requests().len());
    std::process::ExitCode::SUCCESS
}
