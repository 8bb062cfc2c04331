//! Flavors: `GET /flavors/detail`, `GET /flavors/{id}`.

use futures_util::TryStreamExt;
use serde::Deserialize;

use super::Flavor;
use crate::client::Client;
use crate::error::Error;
use crate::pagination::List;
use crate::request::{Call, Method, ServiceType, check_id};

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
        List::new(
            self.client.clone(),
            ServiceType::COMPUTE,
            &["flavors", "detail"],
            "flavors",
            "flavors_links",
        )
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

/// Filters of `GET /flavors/detail`; [`List`] gives `limit`, `marker`, `sort`, `send`, `into_stream`
/// and `all`.
pub type FlavorList = List<Flavor>;

impl List<Flavor> {
    /// `minRam`: at least this much RAM (MiB).
    pub fn min_ram(self, mib: u64) -> Self {
        self.param("minRam", mib)
    }

    /// `minDisk`: at least this much root disk (GiB).
    pub fn min_disk(self, gib: u64) -> Self {
        self.param("minDisk", gib)
    }

    /// `is_public`: `true` public only, `false` private only (admin).
    pub fn is_public(self, public: bool) -> Self {
        self.param("is_public", public)
    }
}
