//! Networks: `GET/POST /v2.0/networks`, `GET/DELETE /v2.0/networks/{id}`.

use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use serde::Deserialize;

use super::{CreateNetwork, Network, NetworkStatus};
use crate::client::Client;
use crate::compute::SortDir;
use crate::error::Error;
use crate::pagination::{self, ListSpec, Page};
use crate::request::{Call, Method, ServiceType};

/// Network operations (`client.network().networks()`).
#[derive(Clone, Debug)]
pub struct Networks {
    client: Client,
}

#[derive(Deserialize)]
struct NetworkBody {
    network: Network,
}

fn check_id(id: &str) -> Result<&str, Error> {
    if id.trim().is_empty() {
        Err(Error::InvalidInput("network id is empty".into()))
    } else if id == "." || id == ".." {
        // The URL would drop the segment and address the collection (`DELETE /v2.0/networks`).
        Err(Error::InvalidInput(format!(
            "network id {id:?} is not valid"
        )))
    } else {
        Ok(id)
    }
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
        let id = check_id(id)?;
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
        NetworkList {
            client: self.client.clone(),
            query: Vec::new(),
        }
    }

    /// The network named exactly `name` (Neutron's `name` filter is exact), or `None`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when more than one network has that name; errors of the list call.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<Network>, Error> {
        let found = self.list().name(name).all().await?;
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.into_iter().next()),
            n => Err(Error::InvalidInput(format!(
                "{n} networks are named {name:?}; use the id"
            ))),
        }
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
        let id = check_id(id)?;
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

/// Filters of `GET /v2.0/networks`.
#[derive(Clone, Debug)]
pub struct NetworkList {
    client: Client,
    query: Vec<(String, String)>,
}

impl NetworkList {
    fn add(mut self, k: &str, v: impl ToString) -> Self {
        self.query.push((k.to_string(), v.to_string()));
        self
    }

    /// `name` (exact match).
    pub fn name(self, name: &str) -> Self {
        self.add("name", name)
    }

    /// `status`.
    pub fn status(self, status: NetworkStatus) -> Self {
        let s = status.as_str().to_string();
        self.add("status", s)
    }

    /// `shared`.
    pub fn shared(self, shared: bool) -> Self {
        self.add("shared", shared)
    }

    /// `router:external`.
    pub fn external(self, external: bool) -> Self {
        self.add("router:external", external)
    }

    /// `admin_state_up`.
    pub fn admin_state_up(self, up: bool) -> Self {
        self.add("admin_state_up", up)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.add("project_id", project_id)
    }

    /// `tags`: networks having all these tags.
    pub fn tags(self, tags: &[&str]) -> Self {
        self.add("tags", tags.join(","))
    }

    /// `limit`: page size.
    pub fn limit(self, limit: u32) -> Self {
        self.add("limit", limit)
    }

    /// `marker`: start after this network id.
    pub fn marker(self, marker: &str) -> Self {
        self.add("marker", marker)
    }

    /// `sort_key` + `sort_dir`.
    pub fn sort(self, key: &str, dir: SortDir) -> Self {
        self.add("sort_key", key).add("sort_dir", dir.as_str())
    }

    fn spec(&self) -> ListSpec {
        ListSpec {
            service: ServiceType::NETWORK,
            segments: vec!["networks".into()],
            query: self.query.clone(),
            items_key: "networks",
            links_key: "networks_links",
            min_microversion: None,
        }
    }

    /// One page.
    ///
    /// # Errors
    /// Pipeline errors; [`Error::Decode`] naming the bad field.
    pub async fn send(&self) -> Result<Page<Network>, Error> {
        pagination::fetch_page(&self.client, &self.spec(), None).await
    }

    /// Every network, lazily: one page in memory at a time.
    pub fn into_stream(self) -> BoxStream<'static, Result<Network, Error>> {
        let spec = self.spec();
        pagination::stream(self.client, spec)
    }

    /// Every network, collected.
    ///
    /// # Errors
    /// The first error of any page.
    pub async fn all(self) -> Result<Vec<Network>, Error> {
        self.into_stream().try_collect().await
    }
}
