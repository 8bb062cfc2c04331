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

/// `OS_CLOUD` or `OS_AUTH_URL` set → that cloud (clouds.yaml / `OS_*`); otherwise the embedded fake cloud.
pub async fn connect() -> Result<Target, Box<dyn std::error::Error>> {
    let configured = ["OS_CLOUD", "OS_AUTH_URL"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()));
    if configured {
        let cfg = CloudConfig::load()?;
        println!(
            "using cloud {} (auth_url {})",
            cfg.name.as_deref().unwrap_or("from OS_* variables"),
            cfg.auth.auth_url
        );
        return Ok(Target {
            opts: ClientOptions::new(Session::new(cfg)),
            fake: None,
        });
    }
    let fake = FakeCloud::builder()
        .build_delay(std::time::Duration::from_millis(500))
        .start()
        .await?;
    println!(
        "no cloud configured: using the embedded fake cloud at {} (set OS_CLOUD or OS_AUTH_URL to use yours)",
        fake.url()
    );
    Ok(Target {
        opts: ClientOptions::new(Session::new(fake.config())),
        fake: Some(fake),
    })
}
