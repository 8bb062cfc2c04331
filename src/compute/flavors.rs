//! Flavors: `GET /flavors/detail`, `GET /flavors/{id}`.

use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use serde::Deserialize;

use super::Flavor;
use super::servers::{SortDir, check_id};
use crate::client::Client;
use crate::error::Error;
use crate::pagination::{self, ListSpec, Page};
use crate::request::{Call, Method, ServiceType};

/// Flavor operations (`client.compute().flavors()`).
#[derive(Clone, Debug)]
pub struct Flavors {
    client: Client,
}

#[derive(Deserialize)]
struct FlavorBody {
    flavor: Flavor,
}

impl Flavors {
    pub(crate) fn new(client: Client) -> Self {
        Flavors { client }
    }

    /// `GET /flavors/{id}`.
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such flavor; [`Error::InvalidInput`] for an empty id.
    pub async fn get(&self, id: &str) -> Result<Flavor, Error> {
        let id = check_id("flavor", id)?;
        let call = Call::new(ServiceType::COMPUTE, Method::Get, ["flavors", id]);
        Ok(self.client.execute_json::<FlavorBody>(&call).await?.flavor)
    }

    /// `GET /flavors/detail` with filters.
    pub fn list(&self) -> FlavorList {
        FlavorList {
            client: self.client.clone(),
            query: Vec::new(),
        }
    }

    /// The flavor named exactly `name` (Nova has no name filter: this pages through the list).
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
    /// if let Some(f) = client.compute().flavors().find_by_name("m1.small").await? {
    ///     println!("{}: {} MiB RAM, {} GiB disk, {} vCPU", f.id, f.ram, f.disk, f.vcpus);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Errors of the list call.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<Flavor>, Error> {
        let mut stream = self.list().into_stream();
        while let Some(f) = stream.try_next().await? {
            if f.name == name {
                return Ok(Some(f));
            }
        }
        Ok(None)
    }
}

/// Filters of `GET /flavors/detail`.
#[derive(Clone, Debug)]
pub struct FlavorList {
    client: Client,
    query: Vec<(String, String)>,
}

impl FlavorList {
    fn add(mut self, k: &str, v: impl ToString) -> Self {
        self.query.push((k.to_string(), v.to_string()));
        self
    }

    /// `minRam`: at least this much RAM (MiB).
    pub fn min_ram(self, mib: u64) -> Self {
        self.add("minRam", mib)
    }

    /// `minDisk`: at least this much root disk (GiB).
    pub fn min_disk(self, gib: u64) -> Self {
        self.add("minDisk", gib)
    }

    /// `is_public`: `true` public only, `false` private only (admin).
    pub fn is_public(self, public: bool) -> Self {
        self.add("is_public", public)
    }

    /// `limit`: page size.
    pub fn limit(self, limit: u32) -> Self {
        self.add("limit", limit)
    }

    /// `marker`: start after this flavor id.
    pub fn marker(self, marker: &str) -> Self {
        self.add("marker", marker)
    }

    /// `sort_key` + `sort_dir`.
    pub fn sort(self, key: &str, dir: SortDir) -> Self {
        self.add("sort_key", key).add("sort_dir", dir.as_str())
    }

    fn spec(&self) -> ListSpec {
        ListSpec {
            service: ServiceType::COMPUTE,
            segments: vec!["flavors".into(), "detail".into()],
            query: self.query.clone(),
            items_key: "flavors",
            links_key: "flavors_links",
            min_microversion: None,
        }
    }

    /// One page.
    ///
    /// # Errors
    /// Pipeline errors; [`Error::Decode`] naming the bad field.
    pub async fn send(&self) -> Result<Page<Flavor>, Error> {
        pagination::fetch_page(&self.client, &self.spec(), None).await
    }

    /// Every flavor, lazily.
    pub fn into_stream(self) -> BoxStream<'static, Result<Flavor, Error>> {
        let spec = self.spec();
        pagination::stream(self.client, spec)
    }

    /// Every flavor, collected.
    ///
    /// # Errors
    /// The first error of any page.
    pub async fn all(self) -> Result<Vec<Flavor>, Error> {
        self.into_stream().try_collect().await
    }
}
