//! Networks: `GET/POST /v2.0/networks`, `GET/DELETE /v2.0/networks/{id}`.

use serde::Deserialize;

use super::{CreateNetwork, Network, NetworkStatus};
use crate::client::Client;
use crate::error::Error;
use crate::pagination::{List, at_most_one};
use crate::request::{Call, Method, ServiceType, check_id};

/// Network operations (`client.network().networks()`).
#[derive(Clone, Debug)]
pub struct Networks {
    client: Client,
}

#[derive(Deserialize)]
struct NetworkBody {
    network: Network,
}

impl Networks {
    pub(crate) fn new(client: Client) -> Self {
        Networks { client }
    }

    /// `GET /v2.0/networks/{id}`.
    ///
    /// # Errors
    /// [`Error::Api`] 404 (`NetworkNotFound`) when there is no such network; [`Error::InvalidInput`] for
    /// an empty id.
    pub async fn get(&self, id: &str) -> Result<Network, Error> {
        let id = check_id("network", id)?;
        let call = Call::new(ServiceType::NETWORK, Method::Get, ["networks", id]);
        Ok(self
            .client
            .execute_json::<NetworkBody>(&call)
            .await?
            .network)
    }

    /// Like [`get`](Self::get), but `Ok(None)` for a 404.
    ///
    /// # Errors
    /// Any other error of [`get`](Self::get).
    pub async fn get_opt(&self, id: &str) -> Result<Option<Network>, Error> {
        match self.get(id).await {
            Ok(n) => Ok(Some(n)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /v2.0/networks` with filters.
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
    /// for net in client.network().networks().list().external(true).all().await? {
    ///     println!("{} {} mtu {:?}", net.id, net.name, net.mtu);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> NetworkList {
        List::new(
            self.client.clone(),
            ServiceType::NETWORK,
            &["networks"],
            "networks",
            "networks_links",
        )
    }

    /// The network named exactly `name` (Neutron's `name` filter is exact), or `None`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when more than one network has that name; errors of the list call.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<Network>, Error> {
        let found = self.list().name(name).all().await?;
        at_most_one(found, "network", name)
    }

    /// `POST /v2.0/networks` (201): the created network.
    ///
    /// # Errors
    /// [`Error::Api`] for Neutron's refusal (400 `InvalidInput`, 403 policy, 409 …).
    pub async fn create(&self, request: &CreateNetwork) -> Result<Network, Error> {
        let body = serde_json::to_value(request)
            .map_err(|e| Error::InvalidInput(format!("network request: {e}")))?;
        let call = Call::new(ServiceType::NETWORK, Method::Post, ["networks"]).json_body(&body);
        Ok(self
            .client
            .execute_json::<NetworkBody>(&call)
            .await?
            .network)
    }

    /// `DELETE /v2.0/networks/{id}` (204).
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such network, 409 (`NetworkInUse`) while ports remain.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let id = check_id("network", id)?;
        self.client
            .execute(&Call::new(
                ServiceType::NETWORK,
                Method::Delete,
                ["networks", id],
            ))
            .await?;
        Ok(())
    }
}

/// Filters of `GET /v2.0/networks`; [`List`] gives `limit`, `marker`, `sort`, `send`, `into_stream`
/// and `all`.
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

    /// `tags`: networks having all these tags.
    pub fn tags(self, tags: &[&str]) -> Self {
        self.param("tags", tags.join(","))
    }
}
