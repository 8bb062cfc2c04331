//! [`FakeCloudBuilder`]: the knobs of a fake cloud.

use std::time::Duration;

use super::FakeCloud;
use super::projects::FakeProject;
use super::seed::{FakeFlavor, FakeImage, FakeKeypair, FakeNetwork, FakeServer, Seeds};
use super::state::Settings;

/// Configures a [`FakeCloud`] before starting it. Made by [`FakeCloud::builder`].
///
/// Timings, the user and project, the seeded state (the default flavors, images and networks,
/// and resources of your own: [`flavor`](Self::flavor), [`image`](Self::image),
/// [`network`](Self::network), [`keypair`](Self::keypair), [`server`](Self::server)) and the
/// port. Seeds are applied at [`start`](Self::start) in the order projects, flavors, images,
/// networks, keypairs, servers, so a server can name a seeded flavor, image, network or keypair; give them
/// fixed ids to refer to them (or look them up afterwards with [`FakeCloud::flavor_id`],
/// [`FakeCloud::network_id`], [`FakeCloud::image_id`], [`FakeCloud::server_id`]).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use stackclient::testing::{FakeCloud, FakeFlavor, FakeNetwork, FakeServer};
///
/// const APP_NET: &str = "0e3fbd3c-5a6e-4b7e-9d1a-2c6f8b1e4d00";
/// let fake = FakeCloud::builder()
///     .build_delay(Duration::from_millis(50))
///     .token_lifetime(Duration::from_secs(60))
///     .max_limit(2)
///     .flavor(FakeFlavor::new("c1.huge").id("100").ram(32768).vcpus(16)) // within the default quotas
///     .network(FakeNetwork::new("app").id(APP_NET).subnet("10.9.0.0/24"))
///     .server(FakeServer::new("web-1").flavor("100").network(APP_NET))
///     .start()
///     .await?;
/// let client = fake.client()?;
/// let id = fake.server_id("web-1").expect("seeded");
/// let server = client.compute().servers().get(&id).await?;
/// assert_eq!(server.addresses["app"][0].addr, "10.9.0.2");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `start` is awaited"]
pub struct FakeCloudBuilder {
    settings: Settings,
    seeds: Seeds,
}

impl FakeCloudBuilder {
    /// How long issued tokens stay valid (`expires_at - issued_at`). Default one hour. A client
    /// refreshes its token a margin before it expires, and after a 401.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use stackclient::testing::FakeCloud;
    ///
    /// let fake = FakeCloud::builder().token_lifetime(Duration::from_secs(600)).start().await?;
    /// let info = fake.client()?.authenticate().await?;
    /// let lifetime = info.expires_at - chrono::Utc::now();
    /// assert!(lifetime <= chrono::Duration::seconds(600) && lifetime > chrono::Duration::seconds(590));
    /// # Ok(())
    /// # }
    /// ```
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

    /// The name of the fake's own project (in domain `Default`), where its user has its roles
    /// and where resources go unless a seed names another. Default `admin`. More projects, with
    /// users of their own: [`with_project`](Self::with_project).
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.settings.project = project.into();
        self
    }

    /// Adds a project and its users at start, before the other seeds, so that seeds can name
    /// it (see [`FakeProject`] and [`FakeCloud::add_project`]).
    pub fn with_project(mut self, project: FakeProject) -> Self {
        self.seeds.projects.push(project);
        self
    }

    /// Whether to start with the networks `public` (external, subnet `172.24.4.0/24`) and
    /// `private` (`10.0.0.0/24`). Default `true`.
    pub fn seed_networks(mut self, seed: bool) -> Self {
        self.settings.seed_networks = seed;
        self
    }

    /// Whether to start with the flavors m1.tiny (`1`), m1.small (`2`) and m1.nano (`42`).
    /// Default `true`. Without them, [`FakeServer`]s need a [`flavor`](FakeServer::flavor) of
    /// your own.
    pub fn seed_flavors(mut self, seed: bool) -> Self {
        self.settings.seed_flavors = seed;
        self
    }

    /// Whether to start with the six seeded images (see the [module docs](super)), among them
    /// [`FakeCloud::IMAGE_ID`]. Default `true`. Without them, [`FakeServer`]s need an
    /// [`image`](FakeServer::image) of your own.
    pub fn seed_images(mut self, seed: bool) -> Self {
        self.settings.seed_images = seed;
        self
    }

    /// Adds a flavor at start (see [`FakeCloud::add_flavor`]).
    pub fn flavor(mut self, flavor: FakeFlavor) -> Self {
        self.seeds.flavors.push(flavor);
        self
    }

    /// Adds an image at start (see [`FakeCloud::add_image`]).
    pub fn image(mut self, image: FakeImage) -> Self {
        self.seeds.images.push(image);
        self
    }

    /// Adds a network and its subnets at start (see [`FakeCloud::add_network`]).
    pub fn network(mut self, network: FakeNetwork) -> Self {
        self.seeds.networks.push(network);
        self
    }

    /// Adds a keypair at start (see [`FakeCloud::add_keypair`]).
    pub fn keypair(mut self, keypair: FakeKeypair) -> Self {
        self.seeds.keypairs.push(keypair);
        self
    }

    /// Adds a server at start, already `ACTIVE` (see [`FakeCloud::add_server`]).
    pub fn server(mut self, server: FakeServer) -> Self {
        self.seeds.servers.push(server);
        self
    }

    /// Serves on `127.0.0.1:port` instead of a free port the system picks (default `0`: any),
    /// e.g. for a fake that other processes are pointed at. Starting fails when the port is
    /// taken.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::FakeCloud;
    ///
    /// // A port known to be free (a fixed one, e.g. 5999, works the same way).
    /// let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    /// let fake = FakeCloud::builder().port(port).start().await?;
    /// assert_eq!(fake.url(), format!("http://127.0.0.1:{port}"));
    /// assert_eq!(fake.auth_url(), format!("http://127.0.0.1:{port}/identity"));
    /// let err = FakeCloud::builder().port(port).start().await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    /// # Ok(())
    /// # }
    /// ```
    pub fn port(mut self, port: u16) -> Self {
        self.settings.port = port;
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

    /// Nova's `reclaim_instance_interval`: with a non-zero interval, `DELETE /servers/{id}`
    /// soft-deletes (status `SOFT_DELETED`, restorable with `restore`, deleted at once with
    /// `forceDelete`) and the server is reclaimed (gone) after `interval`. Default zero: deletes
    /// at once, as Nova's default; `restore` then answers 409.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use stackclient::compute::ServerStatus;
    /// use stackclient::testing::{FakeCloud, FakeServer};
    ///
    /// let fake = FakeCloud::builder()
    ///     .reclaim_instance_interval(Duration::from_secs(3600))
    ///     .server(FakeServer::new("db-1"))
    ///     .start()
    ///     .await?;
    /// let servers = fake.client()?.compute().servers();
    /// let id = fake.server_id("db-1").expect("seeded");
    /// servers.delete(&id).await?; // task `soft-deleting`, then SOFT_DELETED
    /// let server = servers.wait_for_status(&id, ServerStatus::SoftDeleted).await?;
    /// assert_eq!(server.power_state, Some(4)); // shut down, restorable
    /// servers.restore(&id).await?;
    /// servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reclaim_instance_interval(mut self, interval: Duration) -> Self {
        self.settings.reclaim_interval = interval;
        self
    }

    /// Nova's `shelved_offload_time`: how long a shelved server stays `SHELVED` on its host
    /// before it is offloaded (`SHELVED_OFFLOADED`, no host). `Some(Duration::ZERO)`, the
    /// default as in Nova, offloads at once; `None` (Nova's `-1`) never, so `shelveOffload`
    /// does it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use stackclient::compute::ServerStatus;
    /// use stackclient::testing::{FakeCloud, FakeServer};
    ///
    /// let fake = FakeCloud::builder()
    ///     .action_delay(Duration::ZERO)
    ///     .shelved_offload_time(None)
    ///     .server(FakeServer::new("db-1"))
    ///     .start()
    ///     .await?;
    /// let servers = fake.client()?.compute().servers();
    /// let id = fake.server_id("db-1").expect("seeded");
    /// servers.shelve(&id).await?;
    /// assert_eq!(servers.get(&id).await?.status, ServerStatus::Shelved);
    /// # Ok(())
    /// # }
    /// ```
    pub fn shelved_offload_time(mut self, offload_after: Option<Duration>) -> Self {
        self.settings.shelved_offload = offload_after;
        self
    }

    /// Binds `127.0.0.1:<port>` (a free port by default), applies the seeds and starts serving
    /// on the current Tokio runtime.
    ///
    /// # Errors
    /// When the listener cannot be bound, or a seed is refused (kind
    /// [`InvalidInput`](std::io::ErrorKind::InvalidInput), wrapping a
    /// [`SeedError`](super::SeedError) with the fake API's answer).
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub async fn start(self) -> std::io::Result<FakeCloud> {
        FakeCloud::launch(self.settings, &self.seeds).await
    }
}
