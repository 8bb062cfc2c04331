//! Flavors: `GET /flavors/detail`, `GET /flavors/{id}`.

use super::Flavor;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, NameFilter, Resource};

impl Resource for Flavor {
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "flavor";
    const COLLECTION: &'static [&'static str] = &["flavors"];
    const LIST_PATH: &'static [&'static str] = &["flavors", "detail"];
    const SINGULAR: &'static str = "flavor";
    const PLURAL: &'static str = "flavors";
    const LINKS: &'static str = "flavors_links";
    /// Nova has no name filter for flavors: `find_by_name` pages through the list.
    const NAME_FILTER: NameFilter = NameFilter::None;
    /// Flavor names are unique in Nova: the search stops at the first match.
    const UNIQUE_NAMES: bool = true;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// Flavor operations (`client.compute().flavors()`): `GET /flavors/{id}`, `GET /flavors/detail`
/// through the generic [`Api`] verbs.
///
/// ```no_run
/// # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
/// if let Some(f) = client.compute().flavors().find_by_name("m1.small").await? {
///     println!("{}: {} MiB RAM, {} GiB disk, {} vCPU", f.id, f.ram, f.disk, f.vcpus);
/// }
/// # Ok(()) }
/// ```
pub type Flavors = Api<Flavor>;

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
