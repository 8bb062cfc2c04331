//! Networks: `GET/POST /v2.0/networks`, `GET/DELETE /v2.0/networks/{id}`.

use super::{CreateNetwork, Network, NetworkStatus, UpdateNetwork};
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Creatable, RequestBody, Resource, Revisioned, Taggable, Updatable};

impl Resource for Network {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "network";
    const COLLECTION: &'static [&'static str] = &["networks"];
    const SINGULAR: &'static str = "network";
    const PLURAL: &'static str = "networks";
    const LINKS: &'static str = "networks_links";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Creatable for Network {
    type Create = CreateNetwork;
    type Created = Network;
}

impl RequestBody for CreateNetwork {}

impl Updatable for Network {
    type Update = UpdateNetwork;
}

impl RequestBody for UpdateNetwork {}

impl Revisioned for Network {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

impl Taggable for Network {}

/// Network operations (`client.network().networks()`): `GET/POST /v2.0/networks`,
/// `GET/DELETE /v2.0/networks/{id}` through the generic [`Api`] verbs.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// let external = client.network().networks().list().external(true).all().await?;
/// let names: Vec<_> = external.iter().map(|n| (n.name.as_str(), n.mtu)).collect();
/// assert_eq!(names, [("public", Some(1500))]);
/// # Ok(()) }
/// ```
pub type Networks = Api<Network>;

/// Filters of `GET /v2.0/networks`; [`List`] gives `limit`, `marker`, `sort`, `send`, `into_stream`
/// and `all`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::NetworkStatus;
/// let networks = client.network().networks();
/// let internal = networks.list().external(false).status(NetworkStatus::Active).all().await?;
/// assert_eq!(internal.len(), 1);
/// assert_eq!(internal[0].name, "private");
/// assert_eq!(networks.list().name("public").shared(false).all().await?.len(), 1);
/// assert!(networks.list().project_id(fake.project_id()).all().await?.iter().all(|n| n.admin_state_up));
/// # Ok(()) }
/// ```
pub type NetworkList = List<Network>;

impl List<Network> {
    /// `name` (exact match).
    pub fn name(self, name: &str) -> Self {
        self.param("name", name)
    }

    /// `status`.
    pub fn status(self, status: NetworkStatus) -> Self {
        let s = status.as_str().to_string();
        self.param("status", s)
    }

    /// `shared`.
    pub fn shared(self, shared: bool) -> Self {
        self.param("shared", shared)
    }

    /// `router:external`.
    pub fn external(self, external: bool) -> Self {
        self.param("router:external", external)
    }

    /// `admin_state_up`.
    pub fn admin_state_up(self, up: bool) -> Self {
        self.param("admin_state_up", up)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }
}
