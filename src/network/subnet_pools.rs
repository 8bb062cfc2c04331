//! Subnet pools: `GET/POST /v2.0/subnetpools`, `GET/PUT/DELETE /v2.0/subnetpools/{id}`,
//! `PUT /v2.0/subnetpools/{id}/add_prefixes` and `…/remove_prefixes`, tags below
//! `/v2.0/subnetpools/{id}/tags`.
//!
//! A subnet pool is a set of prefixes subnets are carved out of
//! ([`CreateSubnet::from_pool`](super::CreateSubnet::from_pool)), with bounds on the prefix
//! length of what it hands out.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient::{null_default, num, opt_num, owner};
use crate::error::Error;
use crate::field::Field;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, Creatable, RequestBody, Resource, Revisioned, Taggable, Updatable};
use crate::timestamp;

/// A subnet pool as `GET /v2.0/subnetpools[/{id}]` returns it (the inner object of
/// `subnetpools[]` / `subnetpool`).
///
/// Real Neutron sends the prefix lengths as strings (`"64"`); they are read as numbers.
/// `project_id` is filled from `tenant_id` when only that is sent.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct SubnetPool {
    /// Subnet pool ID (UUID).
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Free-text description.
    #[serde(default)]
    pub description: Option<String>,
    /// Owning project ID; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project ID under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// The pool's prefixes (CIDRs), as Neutron compacted them.
    #[serde(default, deserialize_with = "null_default")]
    pub prefixes: Vec<String>,
    /// Prefix length of subnets asked for without one.
    #[serde(default, deserialize_with = "opt_num")]
    pub default_prefixlen: Option<u8>,
    /// Smallest prefix length (largest subnet) handed out.
    #[serde(default, deserialize_with = "opt_num")]
    pub min_prefixlen: Option<u8>,
    /// Largest prefix length (smallest subnet) handed out.
    #[serde(default, deserialize_with = "opt_num")]
    pub max_prefixlen: Option<u8>,
    /// `4` or `6`.
    #[serde(deserialize_with = "num")]
    pub ip_version: u8,
    /// Whether every project may allocate from it.
    #[serde(default)]
    pub shared: bool,
    /// Whether it is the default pool of its IP version.
    #[serde(default)]
    pub is_default: bool,
    /// How many addresses one project may take from it (`None`: no limit).
    #[serde(default, deserialize_with = "opt_num")]
    pub default_quota: Option<u64>,
    /// The address scope it belongs to (`address-scope`).
    #[serde(default)]
    pub address_scope_id: Option<String>,
    /// Tags (`standard-attr-tag`).
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// When it was created (UTC).
    #[serde(default, with = "timestamp::option")]
    pub created_at: Option<DateTime<Utc>>,
    /// When it was last updated (UTC).
    #[serde(default, with = "timestamp::option")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Revision number, increased on every change (`standard-attr-revisions`).
    #[serde(default, deserialize_with = "opt_num")]
    pub revision_number: Option<u64>,
}

impl<'de> Deserialize<'de> for SubnetPool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut p = SubnetPool::deserialize(d)?;
        p.project_id = owner(p.project_id.take(), p.tenant_id.as_ref());
        Ok(p)
    }
}

impl Serialize for SubnetPool {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SubnetPool::serialize(self, s)
    }
}

impl Resource for SubnetPool {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "subnet pool";
    const COLLECTION: &'static [&'static str] = &["subnetpools"];
    const SINGULAR: &'static str = "subnetpool";
    const PLURAL: &'static str = "subnetpools";
    const LINKS: &'static str = "subnetpools_links";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Creatable for SubnetPool {
    type Create = CreateSubnetPool;
    type Created = SubnetPool;
}

impl Updatable for SubnetPool {
    type Update = UpdateSubnetPool;
}

impl Revisioned for SubnetPool {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

impl Taggable for SubnetPool {}

/// Subnet pool operations (`client.network().subnet_pools()`): `GET/POST /v2.0/subnetpools`,
/// `GET/PUT/DELETE /v2.0/subnetpools/{id}` through the generic [`Api`] verbs, plus
/// [`add_prefixes`](Api::add_prefixes) / [`remove_prefixes`](Api::remove_prefixes).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreateSubnet, CreateSubnetPool};
/// let pools = client.network().subnet_pools();
/// let pool = pools.create(&CreateSubnetPool::new("pool", ["10.10.0.0/16"]).default_prefixlen(24)).await?;
/// assert_eq!((pool.min_prefixlen, pool.default_prefixlen, pool.max_prefixlen), (Some(8), Some(24), Some(32)));
/// // Neutron compacts adjacent prefixes.
/// let prefixes = pools.add_prefixes(&pool.id, &["10.11.0.0/16"]).await?;
/// assert_eq!(prefixes, ["10.10.0.0/15"]);
/// // A subnet from the pool: the pool's default prefix length, or `prefixlen`.
/// # let net = fake.network_id("private").expect("seeded");
/// let subnets = client.network().subnets();
/// let a = subnets.create(&CreateSubnet::from_pool(&net, 4, &pool.id)).await?;
/// let b = subnets.create(&CreateSubnet::from_pool(&net, 4, &pool.id).prefixlen(26)).await?;
/// assert_eq!((a.cidr.as_str(), b.cidr.as_str()), ("10.10.0.0/24", "10.10.1.0/26"));
/// assert_eq!(b.subnetpool_id.as_deref(), Some(pool.id.as_str()));
/// // A pool with subnets allocated from it cannot be deleted (400 SubnetPoolDeleteError).
/// assert_eq!(pools.delete(&pool.id).await.unwrap_err().status(), Some(400));
/// # Ok(()) }
/// ```
pub type SubnetPools = Api<SubnetPool>;

/// Filters of `GET /v2.0/subnetpools`; [`List`] gives `limit`, `marker`, `sort`, `param`,
/// `send`, `into_stream` and `all`, and the tag filters.
pub type SubnetPoolList = List<SubnetPool>;

impl List<SubnetPool> {
    /// `id`.
    pub fn id(self, id: &str) -> Self {
        self.param("id", id)
    }

    /// `name` (exact match).
    pub fn name(self, name: &str) -> Self {
        self.param("name", name)
    }

    /// `description` (exact match).
    pub fn description(self, description: &str) -> Self {
        self.param("description", description)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }

    /// `ip_version` (`4` or `6`).
    pub fn ip_version(self, version: u8) -> Self {
        self.param("ip_version", version)
    }

    /// `default_prefixlen`.
    pub fn default_prefixlen(self, len: u8) -> Self {
        self.param("default_prefixlen", len)
    }

    /// `min_prefixlen`.
    pub fn min_prefixlen(self, len: u8) -> Self {
        self.param("min_prefixlen", len)
    }

    /// `max_prefixlen`.
    pub fn max_prefixlen(self, len: u8) -> Self {
        self.param("max_prefixlen", len)
    }

    /// `default_quota`.
    pub fn default_quota(self, quota: u64) -> Self {
        self.param("default_quota", quota)
    }

    /// `address_scope_id`.
    pub fn address_scope_id(self, scope_id: &str) -> Self {
        self.param("address_scope_id", scope_id)
    }

    /// `shared`.
    pub fn shared(self, shared: bool) -> Self {
        self.param("shared", shared)
    }

    /// `is_default`.
    pub fn is_default(self, is_default: bool) -> Self {
        self.param("is_default", is_default)
    }

    /// `revision_number`.
    pub fn revision_number(self, revision: u64) -> Self {
        self.param("revision_number", revision)
    }
}

/// `{"prefixes": [...]}`: the body and the answer of `add_prefixes` / `remove_prefixes`.
#[derive(Serialize, Deserialize)]
struct Prefixes<T> {
    prefixes: Vec<T>,
}

impl Api<SubnetPool> {
    /// `PUT /v2.0/subnetpools/{id}/add_prefixes` `{"prefixes": [...]}`: adds CIDRs to the pool;
    /// returns the pool's prefixes afterwards (Neutron merges adjacent and overlapping ones).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty list (before sending); [`Error::Api`] 404 when there is
    /// no such pool, 400 for a prefix of the wrong IP version or outside the pool's address scope.
    pub async fn add_prefixes(&self, id: &str, prefixes: &[&str]) -> Result<Vec<String>, Error> {
        self.prefix_op(id, "add_prefixes", prefixes).await
    }

    /// `PUT /v2.0/subnetpools/{id}/remove_prefixes` `{"prefixes": [...]}`: removes CIDRs from the
    /// pool; returns the pool's prefixes afterwards.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty list (before sending); [`Error::Api`] 404 when there is
    /// no such pool, 409 when a subnet still uses the space.
    pub async fn remove_prefixes(&self, id: &str, prefixes: &[&str]) -> Result<Vec<String>, Error> {
        self.prefix_op(id, "remove_prefixes", prefixes).await
    }

    async fn prefix_op(
        &self,
        id: &str,
        action: &'static str,
        prefixes: &[&str],
    ) -> Result<Vec<String>, Error> {
        if prefixes.is_empty() {
            return Err(Error::InvalidInput(format!("{action}: no prefixes given")));
        }
        let body = crate::resource::to_json(
            &Prefixes {
                prefixes: prefixes.to_vec(),
            },
            action,
        )?;
        let call = self.item_call(Method::Put, id, &[action])?.json_body(&body);
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<Prefixes<String>>()?
            .prefixes)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct CreateSubnetPoolFields {
    name: String,
    prefixes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_prefixlen: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_prefixlen: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_prefixlen: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_quota: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address_scope_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shared: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_default: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<String>>,
}

/// A `POST /v2.0/subnetpools` request: `{"subnetpool": {...}}`; `name` and `prefixes` are
/// required, prefix lengths in bits.
///
/// ```
/// use stackclient::network::CreateSubnetPool;
/// let req = CreateSubnetPool::new("pool", ["10.10.0.0/21"]).min_prefixlen(24).max_prefixlen(30);
/// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({"subnetpool": {
///     "name": "pool", "prefixes": ["10.10.0.0/21"], "min_prefixlen": 24, "max_prefixlen": 30}}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateSubnetPool {
    subnetpool: CreateSubnetPoolFields,
}

impl RequestBody for CreateSubnetPool {}

impl CreateSubnetPool {
    /// A pool `name` of these CIDRs (all of one IP version).
    pub fn new<I, T>(name: impl Into<String>, prefixes: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        Self {
            subnetpool: CreateSubnetPoolFields {
                name: name.into(),
                prefixes: prefixes.into_iter().map(Into::into).collect(),
                ..CreateSubnetPoolFields::default()
            },
        }
    }

    /// Free-text description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.subnetpool.description = Some(description.into());
        self
    }

    /// Prefix length of subnets asked for without one (default: `min_prefixlen`).
    pub fn default_prefixlen(mut self, len: u8) -> Self {
        self.subnetpool.default_prefixlen = Some(len);
        self
    }

    /// Smallest prefix length handed out (default 8 for IPv4, 64 for IPv6).
    pub fn min_prefixlen(mut self, len: u8) -> Self {
        self.subnetpool.min_prefixlen = Some(len);
        self
    }

    /// Largest prefix length handed out (default 32 / 128).
    pub fn max_prefixlen(mut self, len: u8) -> Self {
        self.subnetpool.max_prefixlen = Some(len);
        self
    }

    /// Addresses one project may take from the pool.
    pub fn default_quota(mut self, quota: u64) -> Self {
        self.subnetpool.default_quota = Some(quota);
        self
    }

    /// Address scope to join.
    pub fn address_scope_id(mut self, scope_id: impl Into<String>) -> Self {
        self.subnetpool.address_scope_id = Some(scope_id.into());
        self
    }

    /// Share with every project (admin).
    pub fn shared(mut self, shared: bool) -> Self {
        self.subnetpool.shared = Some(shared);
        self
    }

    /// Make it the default pool of its IP version (admin).
    pub fn is_default(mut self, is_default: bool) -> Self {
        self.subnetpool.is_default = Some(is_default);
        self
    }

    /// Owning project (admin only, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.subnetpool.project_id = Some(project_id.into());
        self
    }

    /// Tags set at creation (`tag-creation`).
    pub fn tags<I, T>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnetpool.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateSubnetPoolFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    prefixes: Field<Vec<String>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    default_prefixlen: Field<u8>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    min_prefixlen: Field<u8>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    max_prefixlen: Field<u8>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    default_quota: Field<u64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    address_scope_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    is_default: Field<bool>,
}

/// The body of `PUT /v2.0/subnetpools/{id}`: only the fields set are sent; `None` arguments
/// send `null`. Prefixes can only grow this way (use
/// [`remove_prefixes`](Api::remove_prefixes) to shrink).
///
/// ```
/// use stackclient::network::UpdateSubnetPool;
/// let req = UpdateSubnetPool::new().name("renamed").address_scope_id(None).default_quota(None);
/// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({"subnetpool": {
///     "name": "renamed", "address_scope_id": null, "default_quota": null}}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateSubnetPool {
    subnetpool: UpdateSubnetPoolFields,
}

impl RequestBody for UpdateSubnetPool {}

impl UpdateSubnetPool {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.subnetpool.name = Field::Value(name.into());
        self
    }

    /// New description (Neutron refuses `null`; send `""` to clear it).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.subnetpool.description = Field::Value(description.into());
        self
    }

    /// The whole new prefix list (must contain the old prefixes).
    pub fn prefixes<I, T>(mut self, prefixes: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnetpool.prefixes = Field::Value(prefixes.into_iter().map(Into::into).collect());
        self
    }

    /// New default prefix length.
    pub fn default_prefixlen(mut self, len: u8) -> Self {
        self.subnetpool.default_prefixlen = Field::Value(len);
        self
    }

    /// New minimum prefix length.
    pub fn min_prefixlen(mut self, len: u8) -> Self {
        self.subnetpool.min_prefixlen = Field::Value(len);
        self
    }

    /// New maximum prefix length.
    pub fn max_prefixlen(mut self, len: u8) -> Self {
        self.subnetpool.max_prefixlen = Field::Value(len);
        self
    }

    /// New quota; `None` sends `null` (no limit).
    pub fn default_quota(mut self, quota: Option<u64>) -> Self {
        self.subnetpool.default_quota = quota.into();
        self
    }

    /// Joins an address scope; `None` sends `null` (leaves it).
    pub fn address_scope_id(mut self, scope_id: Option<&str>) -> Self {
        self.subnetpool.address_scope_id = scope_id.map(str::to_string).into();
        self
    }

    /// Default pool of its IP version (admin).
    pub fn is_default(mut self, is_default: bool) -> Self {
        self.subnetpool.is_default = Field::Value(is_default);
        self
    }
}
