//! Hypervisors (admin): `GET /os-hypervisors/detail` (the generic `list`), `GET /os-hypervisors`
//! ([`Api::list_summary`]), `GET /os-hypervisors/{id}` (`with_servers` 2.53). Paging with
//! `limit`/`marker` from 2.33; ids are integers before 2.53 and UUIDs from 2.53 (always a `String`
//! here); from 2.88 the resource fields (`vcpus`, `memory_mb`, `local_gb`, their `_used`, `free_*`,
//! `current_workload`, `running_vms`, `disk_available_least`, `cpu_info`) are gone (`None`) and
//! `uptime` is in the item.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, NameFilter, Resource};

/// The compute service of a hypervisor.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct HypervisorService {
    /// The service's id (integer before 2.53, UUID from 2.53).
    #[serde(deserialize_with = "super::de::id")]
    pub id: String,
    /// The compute host's name.
    pub host: String,
    /// Why the service is disabled, if it is.
    #[serde(default)]
    pub disabled_reason: Option<String>,
}

/// A server on a hypervisor (`with_servers`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct HypervisorServer {
    /// The server's name.
    pub name: String,
    /// The server's id.
    pub uuid: String,
}

/// A hypervisor (a compute node). Sizes: memory in MiB, disks in GiB.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Hypervisor {
    /// Its id (integer before 2.53, UUID from 2.53).
    #[serde(deserialize_with = "super::de::id")]
    pub id: String,
    /// `hypervisor_hostname`: the node's name.
    pub hypervisor_hostname: String,
    /// `up` or `down`.
    #[serde(default)]
    pub state: Option<String>,
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub status: Option<String>,
    /// E.g. `QEMU` (detail and get).
    #[serde(default)]
    pub hypervisor_type: Option<String>,
    /// The hypervisor's version as one number, e.g. `8002001` (detail and get).
    #[serde(default)]
    pub hypervisor_version: Option<u64>,
    /// The host's IP (detail and get).
    #[serde(default)]
    pub host_ip: Option<String>,
    /// Its compute service (detail and get).
    #[serde(default)]
    pub service: Option<HypervisorService>,
    /// `uptime` (2.88+, detail and get), as the host's `uptime` prints it.
    #[serde(default)]
    pub uptime: Option<String>,
    /// `servers` (2.53+ with `with_servers`; older Nova lists them in `/servers`): empty when none or
    /// not asked.
    #[serde(default)]
    pub servers: Vec<HypervisorServer>,
    /// Virtual CPUs (before 2.88).
    #[serde(default)]
    pub vcpus: Option<i64>,
    /// Virtual CPUs used (before 2.88).
    #[serde(default)]
    pub vcpus_used: Option<i64>,
    /// Memory in MiB (before 2.88).
    #[serde(default)]
    pub memory_mb: Option<i64>,
    /// Memory used in MiB (before 2.88).
    #[serde(default)]
    pub memory_mb_used: Option<i64>,
    /// Free memory in MiB (before 2.88).
    #[serde(default)]
    pub free_ram_mb: Option<i64>,
    /// Local disk in GiB (before 2.88).
    #[serde(default)]
    pub local_gb: Option<i64>,
    /// Local disk used in GiB (before 2.88).
    #[serde(default)]
    pub local_gb_used: Option<i64>,
    /// Free disk in GiB (before 2.88; may be negative when overcommitted).
    #[serde(default)]
    pub free_disk_gb: Option<i64>,
    /// Disk available for new servers in GiB (before 2.88).
    #[serde(default)]
    pub disk_available_least: Option<i64>,
    /// Tasks running (before 2.88).
    #[serde(default)]
    pub current_workload: Option<i64>,
    /// Servers running (before 2.88).
    #[serde(default)]
    pub running_vms: Option<i64>,
    /// CPU information (before 2.88): a JSON string before 2.28, an object from 2.28.
    #[serde(default)]
    pub cpu_info: Option<serde_json::Value>,
}

impl Resource for Hypervisor {
    const PAGING_FROM: Option<ApiVersion> = Some(ApiVersion::new(2, 33));
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "hypervisor";
    const COLLECTION: &'static [&'static str] = &["os-hypervisors"];
    const LIST_PATH: &'static [&'static str] = &["os-hypervisors", "detail"];
    const SINGULAR: &'static str = "hypervisor";
    const PLURAL: &'static str = "hypervisors";
    const LINKS: &'static str = "hypervisors_links";
    /// Use [`List::hostname_pattern`] (2.53) to filter by name.
    const NAME_FILTER: NameFilter = NameFilter::None;
    const UNIQUE_NAMES: bool = true;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.hypervisor_hostname)
    }
}

/// Hypervisors (`client.compute().hypervisors()`, admin): `get`, `list` (details) and
/// `find_by_name` through the generic [`Api`] verbs, plus [`list_summary`](Api::list_summary) and
/// [`get_with_servers`](Api::get_with_servers).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// for h in client.compute().hypervisors().list().limit(50).all().await? {
///     println!("{} {:?} {:?}", h.hypervisor_hostname, h.state, h.hypervisor_type);
/// }
/// let all = client.compute().hypervisors().list().all().await?;
/// assert_eq!(all.len(), 1); // the fake cloud's one compute node, on Nova's fake virt driver
/// assert_eq!((all[0].hypervisor_hostname.as_str(), all[0].state.as_deref()), ("fake-host.localdomain", Some("up")));
/// assert_eq!(all[0].service.as_ref().map(|s| s.host.as_str()), Some("fake-host"));
/// # Ok(()) }
/// ```
pub type Hypervisors = Api<Hypervisor>;

impl Api<Hypervisor> {
    /// `GET /os-hypervisors`: id, hostname, state and status only.
    pub fn list_summary(&self) -> List<Hypervisor> {
        List::new(
            self.client().clone(),
            ServiceType::COMPUTE,
            &["os-hypervisors"],
            "hypervisors",
            "hypervisors_links",
        )
        .paging_from(<Hypervisor as Resource>::PAGING_FROM)
    }

    /// `GET /os-hypervisors/{id}?with_servers=true` (2.53+): the hypervisor with its servers.
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] below 2.53 (before sending); [`Error::Api`] 404.
    pub async fn get_with_servers(&self, id: &str) -> Result<Hypervisor, Error> {
        let call = self
            .item_call(Method::Get, id, &[])?
            .query("with_servers", "true")
            .min_microversion(Some(ApiVersion::new(2, 53)));
        self.send_for(&call, "hypervisor").await
    }
}

/// Filters of `GET /os-hypervisors[/detail]`; `limit` and `marker` page from 2.33.
pub type HypervisorList = List<Hypervisor>;

impl List<Hypervisor> {
    /// `hypervisor_hostname_pattern` (2.53+): hostnames containing this pattern.
    pub fn hostname_pattern(self, pattern: &str) -> Self {
        self.requires(ApiVersion::new(2, 53))
            .param("hypervisor_hostname_pattern", pattern)
    }

    /// `with_servers` (2.53+): include each hypervisor's servers.
    pub fn with_servers(self, with: bool) -> Self {
        self.requires(ApiVersion::new(2, 53))
            .param("with_servers", with)
    }
}
