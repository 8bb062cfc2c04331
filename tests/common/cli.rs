//! Driving the openstack CLI (python-openstackclient) against a fake cloud from a test: finding
//! it, running it with only our `clouds.yaml`, parsing `-f json` output.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The minicloud's venv holds a CLI matching the loopback services.
pub const MINICLOUD_CLI: &str = "/tmp/minicloud/venv/bin/openstack";

/// The openstack CLI to use, if there is one: the minicloud's, else `openstack` on `PATH`.
pub fn find_cli() -> Option<PathBuf> {
    if Path::new(MINICLOUD_CLI).is_file() {
        return Some(PathBuf::from(MINICLOUD_CLI));
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("openstack"))
            .find(|candidate| candidate.is_file())
    })
}

/// The CLI pointed at cloud `cloud` of `clouds_yaml`.
pub struct Cli {
    pub program: PathBuf,
    pub clouds_yaml: PathBuf,
    pub cloud: String,
}

impl Cli {
    /// The same CLI and clouds.yaml, another cloud of it.
    pub fn with_cloud(&self, cloud: &str) -> Cli {
        Cli {
            program: self.program.clone(),
            clouds_yaml: self.clouds_yaml.clone(),
            cloud: cloud.to_string(),
        }
    }

    /// Runs `openstack <args>` with nothing but our cloud in its environment; its exit status,
    /// stdout and stderr.
    pub async fn output(&self, args: &[&str]) -> std::process::Output {
        let started = Instant::now();
        let mut cmd = tokio::process::Command::new(&self.program);
        cmd.args(args)
            .env("OS_CLIENT_CONFIG_FILE", &self.clouds_yaml)
            .env("OS_CLOUD", &self.cloud)
            .kill_on_drop(true);
        // Nothing from the caller's environment may pick another cloud.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().into_owned();
            if key.starts_with("OS_") && key != "OS_CLIENT_CONFIG_FILE" && key != "OS_CLOUD" {
                cmd.env_remove(&key);
            }
        }
        let out = tokio::time::timeout(Duration::from_secs(180), cmd.output())
            .await
            .unwrap_or_else(|_| panic!("openstack {} timed out", args.join(" ")))
            .expect("the CLI runs");
        println!(
            "openstack {} -> exit {:?} in {:.1} s",
            args.join(" "),
            out.status.code(),
            started.elapsed().as_secs_f64()
        );
        out
    }

    /// Runs `openstack <args>`; returns stdout, failing the test with stderr when it fails.
    pub async fn run(&self, args: &[&str]) -> String {
        let out = self.output(args).await;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "openstack {} failed:\n{}\n{stdout}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// Runs a command with `-f json` and parses its output.
    pub async fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-f", "json"]);
        let out = self.run(&all).await;
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }
}

/// The values of `name` in a list output, in the CLI's order.
pub fn column(rows: &Value, name: &str) -> Vec<String> {
    rows.as_array()
        .expect("a list")
        .iter()
        .map(|r| r[name].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The values of `name` in a list output, sorted.
pub fn sorted_column(rows: &Value, name: &str) -> Vec<String> {
    let mut out = column(rows, name);
    out.sort();
    out
}

/// The rows of a list output with `column` equal to `value`.
pub fn rows_with<'a>(rows: &'a Value, column: &str, value: &str) -> Vec<&'a Value> {
    rows.as_array()
        .expect("a list")
        .iter()
        .filter(|r| r[column] == value)
        .collect()
}
