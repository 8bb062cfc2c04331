//! Shared by the examples: connect to the configured cloud, or start the embedded fake cloud.

use stackclient::testing::FakeCloud;
use stackclient::{ClientOptions, CloudConfig, Session};

/// Where the examples run.
pub struct Target {
    /// Options to build one client per task from.
    pub opts: ClientOptions,
    /// The fake cloud, when no cloud is configured (kept alive while the example runs).
    pub fake: Option<FakeCloud>,
}

/// The configured cloud (`OS_CLOUD` + clouds.yaml, `OS_*` variables, or a clouds.yaml with a single
/// cloud), else the embedded fake cloud. A cloud that is named but broken is an error, not a fallback.
pub async fn connect() -> Result<Target, Box<dyn std::error::Error>> {
    let named = ["OS_CLOUD", "OS_AUTH_URL"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()));
    match CloudConfig::load() {
        Ok(cfg) => {
            println!("{}", describe_cloud(&cfg));
            Ok(Target {
                opts: ClientOptions::new(Session::new(cfg)),
                fake: None,
            })
        }
        Err(e) if named => Err(e.into()),
        Err(_) => {
            let fake = FakeCloud::builder()
                .build_delay(std::time::Duration::from_millis(500))
                .start()
                .await?;
            println!(
                "no cloud configured: using the embedded fake cloud at {} (set OS_CLOUD or OS_* to use yours)",
                fake.url()
            );
            Ok(Target {
                opts: ClientOptions::new(Session::new(fake.config())),
                fake: Some(fake),
            })
        }
    }
}

/// The line the examples print about the configured cloud. The auth URL is shown redacted
/// (`AuthUrl`'s `Display`): `using cloud prod (auth_url https://[REDACTED]@keystone.example.com/v3)`.
pub fn describe_cloud(cfg: &CloudConfig) -> String {
    format!(
        "using cloud {} (auth_url {})",
        cfg.name.as_deref().unwrap_or("from OS_* variables"),
        cfg.auth.auth_url
    )
}

/// The process exit code for an example's result; an error is printed with its chain of causes.
pub fn exit_code(result: Result<(), Box<dyn std::error::Error>>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            report(e.as_ref());
            std::process::ExitCode::FAILURE
        }
    }
}

/// Prints an error with its chain of causes, one per line.
fn report(e: &dyn std::error::Error) {
    eprintln!("error: {e}");
    let mut cause = e.source();
    while let Some(c) = cause {
        eprintln!("  caused by: {c}");
        cause = c.source();
    }
}
