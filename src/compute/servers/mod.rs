//! Servers: the declaration of [`Server`] for the generic handle (`GET /servers/detail`,
//! `GET /servers/{id}`, `POST /servers`, `PUT /servers/{id}`, `DELETE /servers/{id}`, tags), the
//! update body, the list filters, and — in the submodules — actions (`POST /servers/{id}/action`),
//! waiters, attachments (volumes, interfaces) and the per-server sub-resources (metadata, addresses,
//! instance actions, diagnostics, password, topology, consoles).

mod actions;
mod attachments;
mod details;
mod waiters;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

pub use actions::{
    BlockMigration, ConsoleProtocol, ConsoleType, CreateBackup, CreateImage, Evacuate, LiveMigrate,
    RebuildServer, RemoteConsole, Rescue, ResetState, Resize, ServerAction, Unshelve,
};
pub use attachments::{
    AttachInterface, AttachVolume, FixedIp, InterfaceAttachment, UpdateVolumeAttachment,
    VolumeAttachment,
};
pub use details::{
    CpuDetails, Diagnostics, DiskDetails, InstanceAction, InstanceActionEvent, InstanceActionList,
    MemoryDetails, NicDetails, ServerTopology, TopologyNode,
};
pub use waiters::BatchOutcome;

use super::{CreateServer, CreatedServer, DiskConfig, Server, ServerStatus};
use crate::field::Field;
use crate::microversion::ApiVersion;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Creatable, NameFilter, RequestBody, Resource, Taggable, Updatable};

impl Resource for Server {
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "server";
    const COLLECTION: &'static [&'static str] = &["servers"];
    const LIST_PATH: &'static [&'static str] = &["servers", "detail"];
    const SINGULAR: &'static str = "server";
    const PLURAL: &'static str = "servers";
    const LINKS: &'static str = "servers_links";
    /// Nova's `name` filter is a regular expression: `find_by_name` anchors and escapes the name.
    const NAME_FILTER: NameFilter = NameFilter::Regex;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// `POST /servers` (202) answers with the id, links and `adminPass` only: follow the build with
/// [`Api::wait_for_status`].
impl Creatable for Server {
    type Create = CreateServer;
    type Created = CreatedServer;
}

/// `PUT /servers/{id}` with an [`UpdateServer`] (200, the whole server).
impl Updatable for Server {
    type Update = UpdateServer;
}

/// Server tags (`/servers/{id}/tags`, filters `tags`, `tags-any`, `not-tags`, `not-tags-any`) need
/// 2.26.
impl Taggable for Server {
    const TAGS_MIN_MICROVERSION: Option<ApiVersion> = Some(ApiVersion::new(2, 26));
}

impl RequestBody for CreateServer {
    fn min_microversion(&self) -> Option<ApiVersion> {
        CreateServer::min_microversion(self).map(|(a, b)| ApiVersion::new(a, b))
    }
}

/// Server operations (`client.compute().servers()`): the generic [`Api`] verbs (`GET /servers/{id}`,
/// `GET /servers/detail`, `POST /servers`, `PUT /servers/{id}`, `DELETE /servers/{id}`, tags) plus
/// actions, waiters, attachments and sub-resources.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
/// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use futures_util::TryStreamExt;
/// use stackclient::compute::{CreateServer, RebootType, ServerStatus};
/// let servers = client.compute().servers();
/// let image = client.image().images().find("cirros-0.6.2-x86_64-disk").await?.expect("image");
/// let net = client.network().networks().find("private").await?.expect("network");
/// let created = servers.create(&CreateServer::new("web-1", "1").image(&image.id).network(&net.id)).await?;
/// let server = servers.wait_for_status(&created.id, ServerStatus::Active).await?;
/// servers.reboot(&server.id, RebootType::Soft).await?;
/// // Done only when the status is ACTIVE again *and* the reboot task has finished.
/// servers.wait_for_status(&server.id, ServerStatus::Active).await?;
/// let mut active = servers.list().status(ServerStatus::Active).limit(100).into_stream();
/// while let Some(s) = active.try_next().await? {
///     assert_eq!((s.id.as_str(), s.name.as_str()), (server.id.as_str(), "web-1"));
/// }
/// # Ok(()) }
/// ```
pub type Servers = Api<Server>;

/// The body of `PUT /servers/{id}`: `{"server": {...}}` with only the fields set.
///
/// `name`, `accessIPv4`, `accessIPv6` and `OS-DCF:diskConfig` from 2.1, `description` from 2.19
/// ([`Field::Null`] clears it), `hostname` from 2.90; the microversion the fields need is checked
/// before sending.
///
/// ```
/// use stackclient::compute::UpdateServer;
/// use stackclient::Field;
/// let u = UpdateServer::new().name("web-2").description(Field::Null);
/// assert_eq!(
///     serde_json::to_value(&u).unwrap(),
///     serde_json::json!({"server": {"name": "web-2", "description": null}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateServer {
    /// `name` (never null: a server always has a name).
    pub name: Field<String>,
    /// `description` (2.19+); `Null` clears it.
    pub description: Field<String>,
    /// `accessIPv4`; `Value("")` clears it.
    pub access_ipv4: Field<String>,
    /// `accessIPv6`; `Value("")` clears it.
    pub access_ipv6: Field<String>,
    /// `OS-DCF:diskConfig`.
    pub disk_config: Field<DiskConfig>,
    /// `hostname` (2.90+): the guest hostname the metadata service reports (from 2.94 it may be
    /// a fully qualified domain name).
    pub hostname: Field<String>,
}

#[derive(Serialize)]
struct UpdateServerFields<'a> {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: &'a Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: &'a Field<String>,
    #[serde(rename = "accessIPv4", skip_serializing_if = "Field::is_absent")]
    access_ipv4: &'a Field<String>,
    #[serde(rename = "accessIPv6", skip_serializing_if = "Field::is_absent")]
    access_ipv6: &'a Field<String>,
    #[serde(rename = "OS-DCF:diskConfig", skip_serializing_if = "Field::is_absent")]
    disk_config: &'a Field<DiskConfig>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    hostname: &'a Field<String>,
}

impl Serialize for UpdateServer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Body<'a> {
            server: UpdateServerFields<'a>,
        }
        Body {
            server: UpdateServerFields {
                name: &self.name,
                description: &self.description,
                access_ipv4: &self.access_ipv4,
                access_ipv6: &self.access_ipv6,
                disk_config: &self.disk_config,
                hostname: &self.hostname,
            },
        }
        .serialize(s)
    }
}

impl UpdateServer {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Field::Value(name.into());
        self
    }

    /// Sets `description` (2.19+): a value, or [`Field::Null`] to clear it.
    pub fn description(mut self, description: impl Into<Field<String>>) -> Self {
        self.description = description.into();
        self
    }

    /// Sets `accessIPv4`.
    pub fn access_ipv4(mut self, ip: std::net::Ipv4Addr) -> Self {
        self.access_ipv4 = Field::Value(ip.to_string());
        self
    }

    /// Sets `accessIPv6`.
    pub fn access_ipv6(mut self, ip: std::net::Ipv6Addr) -> Self {
        self.access_ipv6 = Field::Value(ip.to_string());
        self
    }

    /// Sets `OS-DCF:diskConfig`.
    pub fn disk_config(mut self, disk_config: DiskConfig) -> Self {
        self.disk_config = Field::Value(disk_config);
        self
    }

    /// Sets `hostname` (2.90+).
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Field::Value(hostname.into());
        self
    }
}

impl RequestBody for UpdateServer {
    /// 2.90 for `hostname`, 2.19 for `description`, else none.
    fn min_microversion(&self) -> Option<ApiVersion> {
        if !self.hostname.is_absent() {
            Some(ApiVersion::new(2, 90))
        } else if !self.description.is_absent() {
            Some(ApiVersion::new(2, 19))
        } else {
            None
        }
    }
}

/// Filters of `GET /servers/detail`; [`List`] gives `limit`, `marker`, `sort`, `send`, `into_stream`
/// and `all`, and [`Taggable`] the tag filters (2.26+). Filters marked *admin* are ignored by Nova
/// for other users (their whole list is returned) unless policy says otherwise.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
/// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::compute::{CreateServer, ServerStatus};
/// let servers = client.compute().servers();
/// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
/// for (name, flavor) in [("web-1", "1"), ("web-2", "2"), ("db-1", "2")] {
///     servers.create(&CreateServer::new(name, flavor).image(image).network(&net)).await?;
/// }
/// # let names = |list: Vec<stackclient::compute::Server>| list.into_iter().map(|s| s.name).collect::<Vec<_>>();
/// // `name` is a regular expression; lists are newest first.
/// assert_eq!(names(servers.list().name("^web-").all().await?), ["web-2", "web-1"]);
/// assert_eq!(names(servers.list().flavor("2").all().await?), ["db-1", "web-2"]);
/// assert_eq!(names(servers.list().name("^web-").flavor("2").all().await?), ["web-2"]);
/// assert_eq!(servers.list().status(ServerStatus::Active).image(image).all().await?.len(), 3);
/// # Ok(()) }
/// ```
pub type ServerList = List<Server>;

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl List<Server> {
    /// `name`: a regular expression Nova matches against server names.
    pub fn name(self, pattern: &str) -> Self {
        self.param("name", pattern)
    }

    /// `status`, e.g. `ACTIVE`.
    pub fn status(self, status: ServerStatus) -> Self {
        self.param("status", status)
    }

    /// `flavor`: flavor id.
    pub fn flavor(self, flavor_id: &str) -> Self {
        self.param("flavor", flavor_id)
    }

    /// `image`: image id.
    pub fn image(self, image_id: &str) -> Self {
        self.param("image", image_id)
    }

    /// `ip`: a regular expression matched against the servers' IPv4 addresses.
    pub fn ip(self, pattern: &str) -> Self {
        self.param("ip", pattern)
    }

    /// `ip6`: a regular expression matched against the servers' IPv6 addresses (2.5+ for
    /// non-admins).
    pub fn ip6(self, pattern: &str) -> Self {
        self.param("ip6", pattern)
    }

    /// `host`: the compute host's name (admin).
    pub fn host(self, host: &str) -> Self {
        self.param("host", host)
    }

    /// `node`: the hypervisor node's name (admin).
    pub fn node(self, node: &str) -> Self {
        self.param("node", node)
    }

    /// `project_id` (with [`all_tenants`](Self::all_tenants), admin).
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }

    /// `user_id` (admin before 2.83).
    pub fn user_id(self, user_id: &str) -> Self {
        self.param("user_id", user_id)
    }

    /// `reservation_id`: the servers made by one multiple-create request.
    pub fn reservation_id(self, reservation_id: &str) -> Self {
        self.param("reservation_id", reservation_id)
    }

    /// `key_name` (admin before 2.83).
    pub fn key_name(self, key_name: &str) -> Self {
        self.param("key_name", key_name)
    }

    /// `availability_zone` (admin before 2.83).
    pub fn availability_zone(self, zone: &str) -> Self {
        self.param("availability_zone", zone)
    }

    /// `vm_state`, e.g. `active`, `stopped` (admin before 2.83).
    pub fn vm_state(self, vm_state: &str) -> Self {
        self.param("vm_state", vm_state)
    }

    /// `task_state`, e.g. `rebooting` (admin before 2.83).
    pub fn task_state(self, task_state: &str) -> Self {
        self.param("task_state", task_state)
    }

    /// `power_state`: 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN, 6 CRASHED, 7 SUSPENDED (admin
    /// before 2.83).
    pub fn power_state(self, power_state: u32) -> Self {
        self.param("power_state", power_state)
    }

    /// `uuid`: one server's id (admin).
    pub fn uuid(self, id: &str) -> Self {
        self.param("uuid", id)
    }

    /// `changes-since`: servers changed (including deleted ones) since this time.
    pub fn changes_since(self, since: DateTime<Utc>) -> Self {
        self.param("changes-since", time(since))
    }

    /// `changes-before`: servers changed (including deleted ones) before this time (2.66+).
    pub fn changes_before(self, before: DateTime<Utc>) -> Self {
        self.requires(ApiVersion::new(2, 66))
            .param("changes-before", time(before))
    }

    /// `locked`: only locked (`true`) or unlocked (`false`) servers (2.73+).
    pub fn locked(self, locked: bool) -> Self {
        self.requires(ApiVersion::new(2, 73))
            .param("locked", if locked { "true" } else { "false" })
    }

    /// `all_tenants`: servers of every project (admin).
    pub fn all_tenants(self, all: bool) -> Self {
        self.param("all_tenants", if all { "True" } else { "False" })
    }

    /// `deleted`: list deleted servers (`true`, admin), which Nova keeps until they are purged.
    pub fn deleted(self, deleted: bool) -> Self {
        self.param("deleted", if deleted { "True" } else { "False" })
    }
}
