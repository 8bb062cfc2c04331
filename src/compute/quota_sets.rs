//! Quota sets (admin): `GET /os-quota-sets/{project_id}` (show), `.../detail` (in use, limit,
//! reserved), `.../defaults`, `PUT /os-quota-sets/{project_id}` (update), `DELETE
//! /os-quota-sets/{project_id}` (revert to the defaults). `-1` means unlimited; RAM is in MiB.
//!
//! The network quotas (`fixed_ips`, `floating_ips`, `security_groups`, `security_group_rules`,
//! `networks`) are gone from 2.36, the file-injection quotas (`injected_files`,
//! `injected_file_content_bytes`, `injected_file_path_bytes`) from 2.57: they are `None` there, and an
//! update that sets them is refused by Nova (400) at those microversions.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::field::Field;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, RequestBody, Resource, Updatable};

/// A project's quotas, each a `T`: a limit (`i64`, [`QuotaSet`]) or a [`QuotaUsage`]
/// ([`QuotaSetDetail`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Quotas<T> {
    /// The project id (absent from update answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Servers.
    pub instances: Option<T>,
    /// Virtual CPUs.
    pub cores: Option<T>,
    /// RAM (MiB).
    pub ram: Option<T>,
    /// Keypairs (per user).
    pub key_pairs: Option<T>,
    /// Metadata items per server.
    pub metadata_items: Option<T>,
    /// Server groups.
    pub server_groups: Option<T>,
    /// Servers per server group.
    pub server_group_members: Option<T>,
    /// Injected files (before 2.57).
    pub injected_files: Option<T>,
    /// Bytes per injected file (before 2.57).
    pub injected_file_content_bytes: Option<T>,
    /// Bytes per injected file path (before 2.57).
    pub injected_file_path_bytes: Option<T>,
    /// Fixed IPs (before 2.36).
    pub fixed_ips: Option<T>,
    /// Floating IPs (before 2.36).
    pub floating_ips: Option<T>,
    /// Security groups (before 2.36).
    pub security_groups: Option<T>,
    /// Security group rules (before 2.36).
    pub security_group_rules: Option<T>,
    /// Networks (before 2.36, nova-network only).
    pub networks: Option<T>,
}

/// One quota in a [`QuotaSetDetail`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct QuotaUsage {
    /// Used now.
    pub in_use: i64,
    /// The limit (`-1`: unlimited).
    pub limit: i64,
    /// Reserved (always 0 in current Nova).
    #[serde(default)]
    pub reserved: i64,
}

/// A project's quota limits (`GET /os-quota-sets/{project_id}`).
pub type QuotaSet = Quotas<i64>;
/// A project's quota usage (`GET /os-quota-sets/{project_id}/detail`).
pub type QuotaSetDetail = Quotas<QuotaUsage>;

impl Resource for Quotas<i64> {
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "quota set";
    const COLLECTION: &'static [&'static str] = &["os-quota-sets"];
    const SINGULAR: &'static str = "quota_set";
    /// Nova has no list of quota sets: `list()` is not a call Nova answers.
    const PLURAL: &'static str = "quota_sets";
    const LINKS: &'static str = "quota_sets_links";

    /// The project id (empty in an update's answer).
    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or("")
    }

    fn name(&self) -> Option<&str> {
        None
    }
}

/// `PUT /os-quota-sets/{project_id}` answers the quota set (without `id`).
impl Updatable for Quotas<i64> {
    type Update = UpdateQuotaSet;
}

/// `PUT /os-quota-sets/{project_id}` body `{"quota_set": {...}}`: only the quotas set are sent
/// (three states: absent, `null`, a value; `-1` is unlimited).
///
/// ```
/// use stackclient::compute::UpdateQuotaSet;
/// let req = UpdateQuotaSet::new().instances(20).cores(-1).force(true);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct UpdateQuotaSet {
    q: QuotaFields,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct QuotaFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    force: Option<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    instances: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    cores: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    ram: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    key_pairs: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    metadata_items: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    server_groups: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    server_group_members: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    injected_files: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    injected_file_content_bytes: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    injected_file_path_bytes: Field<i64>,
}

impl UpdateQuotaSet {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `force`: apply even below the current usage.
    pub fn force(mut self, force: bool) -> Self {
        self.q.force = Some(force);
        self
    }

    /// `instances`.
    pub fn instances(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.instances = n.into();
        self
    }

    /// `cores`.
    pub fn cores(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.cores = n.into();
        self
    }

    /// `ram` (MiB).
    pub fn ram_mib(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.ram = n.into();
        self
    }

    /// `key_pairs`.
    pub fn key_pairs(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.key_pairs = n.into();
        self
    }

    /// `metadata_items`.
    pub fn metadata_items(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.metadata_items = n.into();
        self
    }

    /// `server_groups`.
    pub fn server_groups(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.server_groups = n.into();
        self
    }

    /// `server_group_members`.
    pub fn server_group_members(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.server_group_members = n.into();
        self
    }

    /// `injected_files` (before 2.57).
    pub fn injected_files(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.injected_files = n.into();
        self
    }

    /// `injected_file_content_bytes` (before 2.57).
    pub fn injected_file_content_bytes(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.injected_file_content_bytes = n.into();
        self
    }

    /// `injected_file_path_bytes` (before 2.57).
    pub fn injected_file_path_bytes(mut self, n: impl Into<Field<i64>>) -> Self {
        self.q.injected_file_path_bytes = n.into();
        self
    }
}

impl Serialize for UpdateQuotaSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("quota_set", &self.q)?;
        m.end()
    }
}

impl RequestBody for UpdateQuotaSet {}

/// Quota sets (`client.compute().quota_sets()`, admin): [`get`](Api::get) (show),
/// [`update`](Api::update), [`delete`](Api::delete) (revert to the defaults), plus
/// [`detail`](Api::detail) and [`defaults`](Api::defaults). The id is a project id.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::compute::UpdateQuotaSet;
/// let project = fake.project_id();
/// let quotas = client.compute().quota_sets();
/// let usage = quotas.detail(project).await?;
/// assert_eq!(usage.cores.map(|c| (c.limit, c.in_use)), Some((20, 0))); // Nova's defaults
/// let updated = quotas.update(project, &UpdateQuotaSet::new().instances(20)).await?;
/// assert_eq!(updated.instances, Some(20));
/// assert_eq!(client.compute().limits().get().await?.absolute.max_total_instances, Some(20));
/// quotas.delete(project).await?; // back to the defaults
/// assert_eq!(quotas.get(project).await?.instances, Some(10));
/// # Ok(()) }
/// ```
pub type QuotaSets = Api<QuotaSet>;

impl Api<QuotaSet> {
    /// `GET /os-quota-sets/{project_id}/detail`: each quota's `in_use`, `limit` and `reserved`.
    ///
    /// # Errors
    /// [`Error::Api`] 403 without the admin role (for another project).
    pub async fn detail(&self, project_id: &str) -> Result<QuotaSetDetail, Error> {
        let call = self.item_call(Method::Get, project_id, &["detail"])?;
        self.send_for(&call, "quota_set").await
    }

    /// `GET /os-quota-sets/{project_id}/defaults`: the default quotas.
    ///
    /// # Errors
    /// Pipeline errors.
    pub async fn defaults(&self, project_id: &str) -> Result<QuotaSet, Error> {
        let call = self.item_call(Method::Get, project_id, &["defaults"])?;
        self.send_for(&call, "quota_set").await
    }
}
