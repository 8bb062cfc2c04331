//! [`FakeCloudBuilder`]: the knobs of a fake cloud.

use std::time::Duration;

use super::FakeCloud;
use super::state::Settings;

/// Configures a [`FakeCloud`] before starting it. Made by [`FakeCloud::builder`].
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use std::time::Duration;
/// use stackclient::testing::FakeCloud;
///
/// let fake = FakeCloud::builder()
///     .build_delay(Duration::from_millis(50))
///     .token_lifetime(Duration::from_secs(2))
///     .max_limit(2)
///     .start()
///     .await?;
/// # let _ = fake;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `start` is awaited"]
pub struct FakeCloudBuilder {
    settings: Settings,
}

impl FakeCloudBuilder {
    /// How long issued tokens stay valid (`expires_at - issued_at`). Default one hour.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings.token_lifetime = lifetime;
        self
    }

    /// How long a new server stays in `BUILD` (task states `scheduling`, none, `networking`,
    /// `block_device_mapping`, `spawning`, as Nova shows them) before it turns `ACTIVE` (or
    /// `ERROR`). Default 300 ms; zero makes it `ACTIVE` on the next read.
    pub fn build_delay(mut self, delay: Duration) -> Self {
        self.settings.build_delay = delay;
        self
    }

    /// How long a deleted server is still listed (task_state `deleting`) before it answers 404.
    /// Default zero: gone at once.
    pub fn delete_delay(mut self, delay: Duration) -> Self {
        self.settings.delete_delay = delay;
        self
    }

    /// How long a server action takes (stop, start, reboot, pause, unpause, suspend, resume,
    /// resize, confirm and revert of a resize, rebuild, createImage) and how long a detached
    /// interface is still listed. Meanwhile the server shows Nova's task states one after the
    /// other (`rebooting`, `reboot_pending`, `reboot_started`; `resize_prep` …
    /// `resize_finish`; …) and the matching status (`REBOOT`, `RESIZE`, `REBUILD`, …).
    /// Default 300 ms.
    pub fn action_delay(mut self, delay: Duration) -> Self {
        self.settings.action_delay = delay;
        self
    }

    /// Nova's `[api] max_limit`: the largest page served, and the page size when a request gives
    /// no `limit`. Default 1000, like Nova.
    pub fn max_limit(mut self, max_limit: usize) -> Self {
        self.settings.max_limit = max_limit;
        self
    }

    /// The user's name (in domain `Default`). Default `admin`.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.settings.username = username.into();
        self
    }

    /// The user's password. Default `secret`.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.settings.password = password.into();
        self
    }

    /// The project's name (in domain `Default`). Default `admin`.
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.settings.project = project.into();
        self
    }

    /// Whether to start with the networks `public` (external) and `private`. Default `true`.
    pub fn seed_networks(mut self, seed: bool) -> Self {
        self.settings.seed_networks = seed;
        self
    }

    /// Whether the user has the `admin` role (default `true`: roles `admin`, `member`, `reader`).
    /// With `false` the tokens carry `member` and `reader` only, and the fake Neutron refuses what
    /// Neutron refuses a non-admin where the fake models it: deleting a project's `default`
    /// security group (409 `SecurityGroupCannotRemoveDefault`); and Nova's server lock applies:
    /// actions, metadata changes and deletion of a locked server answer `409 Instance {id} is
    /// locked`.
    pub fn admin(mut self, admin: bool) -> Self {
        self.settings.admin = admin;
        self
    }

    /// Servers whose name starts with `prefix` end their build in `ERROR` with the fault
    /// `No valid host was found. ...` (code 500). Default: none fail.
    pub fn fail_builds_with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.settings.fail_prefix = Some(prefix.into());
        self
    }

    /// Binds `127.0.0.1:0` and starts serving on the current Tokio runtime.
    ///
    /// # Errors
    /// When the listener cannot be bound.
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub async fn start(self) -> std::io::Result<FakeCloud> {
        FakeCloud::launch(self.settings).await
    }
}
