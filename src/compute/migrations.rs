//! Migrations (admin): `GET /os-migrations`, paged with `limit`/`marker` (a migration UUID) from 2.59,
//! with filters.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::Link;
use crate::microversion::ApiVersion;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, NameFilter, Resource};

/// A migration (cold migration, resize, live migration or evacuation) as `GET /os-migrations` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Migration {
    /// Its integer id (as a string).
    #[serde(deserialize_with = "super::de::id")]
    pub id: String,
    /// `uuid` (2.59+): the marker for paging.
    #[serde(default)]
    pub uuid: Option<String>,
    /// The server's id.
    pub instance_uuid: String,
    /// E.g. `migrating`, `finished`, `confirmed`, `error`, `done`, `running`.
    pub status: String,
    /// `migration_type` (2.23+): `migration`, `resize`, `live-migration` or `evacuation`.
    #[serde(default)]
    pub migration_type: Option<String>,
    /// The source compute host.
    #[serde(default)]
    pub source_compute: Option<String>,
    /// The source node.
    #[serde(default)]
    pub source_node: Option<String>,
    /// The destination compute host.
    #[serde(default)]
    pub dest_compute: Option<String>,
    /// The destination host's IP.
    #[serde(default)]
    pub dest_host: Option<String>,
    /// The destination node.
    #[serde(default)]
    pub dest_node: Option<String>,
    /// The old flavor's internal id.
    #[serde(default)]
    pub old_instance_type_id: Option<i64>,
    /// The new flavor's internal id.
    #[serde(default)]
    pub new_instance_type_id: Option<i64>,
    /// Creation time.
    #[serde(default, with = "super::types::timestamp::option")]
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    #[serde(default, with = "super::types::timestamp::option")]
    pub updated_at: Option<DateTime<Utc>>,
    /// `user_id` (2.80+).
    #[serde(default)]
    pub user_id: Option<String>,
    /// `project_id` (2.80+).
    #[serde(default)]
    pub project_id: Option<String>,
    /// Links to `/servers/{id}/migrations/{id}` (in-progress live migrations, 2.23+).
    #[serde(default)]
    pub links: Vec<Link>,
}

impl Resource for Migration {
    const PAGING_FROM: Option<ApiVersion> = Some(ApiVersion::new(2, 59));
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "migration";
    const COLLECTION: &'static [&'static str] = &["os-migrations"];
    const SINGULAR: &'static str = "migration";
    const PLURAL: &'static str = "migrations";
    const LINKS: &'static str = "migrations_links";
    const NAME_FILTER: NameFilter = NameFilter::None;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        None
    }
}

/// Migrations (`client.compute().migrations()`, admin): `list()` only (Nova has no item URL here).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::compute::{LiveMigrate, ServerStatus};
/// let servers = client.compute().servers();
/// let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
/// servers.live_migrate(&id, LiveMigrate::new()).await?; // one host: no destination found
/// let live = client.compute().migrations().list().migration_type("live-migration").all().await?;
/// assert_eq!((live.len(), live[0].instance_uuid.as_str()), (1, id.as_str()));
/// assert_eq!(live[0].source_compute.as_deref(), Some("fake-host"));
/// # Ok(()) }
/// ```
pub type Migrations = Api<Migration>;

/// Filters of `GET /os-migrations`; `limit` and `marker` page from 2.59.
pub type MigrationList = List<Migration>;

impl List<Migration> {
    /// `host`: migrations from or to this host.
    pub fn host(self, host: &str) -> Self {
        self.param("host", host)
    }

    /// `status`.
    pub fn status(self, status: &str) -> Self {
        self.param("status", status)
    }

    /// `instance_uuid`: one server's migrations.
    pub fn instance_uuid(self, server_id: &str) -> Self {
        self.param("instance_uuid", server_id)
    }

    /// `migration_type`: `migration`, `resize`, `live-migration` or `evacuation`.
    pub fn migration_type(self, kind: &str) -> Self {
        self.param("migration_type", kind)
    }

    /// `source_compute`.
    pub fn source_compute(self, host: &str) -> Self {
        self.param("source_compute", host)
    }

    /// `changes-since` (2.59+): changed at or after this time.
    pub fn changes_since(self, since: DateTime<Utc>) -> Self {
        self.requires(ApiVersion::new(2, 59)).param(
            "changes-since",
            since.to_rfc3339_opts(SecondsFormat::Secs, true),
        )
    }

    /// `changes-before` (2.66+): changed at or before this time.
    pub fn changes_before(self, before: DateTime<Utc>) -> Self {
        self.requires(ApiVersion::new(2, 66)).param(
            "changes-before",
            before.to_rfc3339_opts(SecondsFormat::Secs, true),
        )
    }

    /// `user_id` (2.80+).
    pub fn user_id(self, user_id: &str) -> Self {
        self.requires(ApiVersion::new(2, 80))
            .param("user_id", user_id)
    }

    /// `project_id` (2.80+).
    pub fn project_id(self, project_id: &str) -> Self {
        self.requires(ApiVersion::new(2, 80))
            .param("project_id", project_id)
    }
}
