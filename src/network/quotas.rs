//! Quotas (`quotas`, `quota_details` extensions): `GET /v2.0/quotas` (projects with non-default
//! quotas, admin), `GET/PUT/DELETE /v2.0/quotas/{project_id}` (show, update, reset to defaults),
//! `GET /v2.0/quotas/{project_id}/default` and `GET /v2.0/quotas/{project_id}/details`
//! (used / limit / reserved).
//!
//! A limit of `-1` ([`UNLIMITED`]) means no limit; it is a value like any other.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::lenient;
use crate::error::Error;
use crate::field::Field;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, NameFilter, RequestBody, Resource, Updatable};

/// The limit meaning "no limit".
pub const UNLIMITED: i64 = -1;

/// A project's quotas as `GET /v2.0/quotas/{project_id}` (and `/default`, and the `PUT`) return
/// them (inside `quota`), or one entry of `GET /v2.0/quotas` (`quotas[]`, which also names the
/// project). Each limit is a count of that resource, `-1` for unlimited, `None` when the cloud
/// does not send it. Limits sent as strings (`"10"`) are read too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Quota {
    /// The project (in `GET /v2.0/quotas` entries; `None` in the answers about one project);
    /// taken from `tenant_id` when only that is sent.
    pub project_id: Option<String>,
    /// Networks.
    pub network: Option<i64>,
    /// Subnets.
    pub subnet: Option<i64>,
    /// Subnet pools.
    pub subnetpool: Option<i64>,
    /// Ports.
    pub port: Option<i64>,
    /// Routers.
    pub router: Option<i64>,
    /// Floating IPs.
    pub floatingip: Option<i64>,
    /// Security groups.
    pub security_group: Option<i64>,
    /// Security group rules.
    pub security_group_rule: Option<i64>,
    /// RBAC policies.
    pub rbac_policy: Option<i64>,
    /// Trunks (`trunk` extension).
    pub trunk: Option<i64>,
    /// Limits of other resources (from other plugins), by the name the cloud uses.
    pub other: BTreeMap<String, i64>,
}

impl Quota {
    /// The limit of `resource` (e.g. `"network"`, or a plugin's own name), `None` when not sent.
    pub fn limit(&self, resource: &str) -> Option<i64> {
        match resource {
            "network" => self.network,
            "subnet" => self.subnet,
            "subnetpool" => self.subnetpool,
            "port" => self.port,
            "router" => self.router,
            "floatingip" => self.floatingip,
            "security_group" => self.security_group,
            "security_group_rule" => self.security_group_rule,
            "rbac_policy" => self.rbac_policy,
            "trunk" => self.trunk,
            other => self.other.get(other).copied(),
        }
    }
}

/// One quota value as sent: a number, a string of one, or a project id.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawQuotaValue {
    Int(i64),
    Text(String),
    Null(()),
}

impl<'de> Deserialize<'de> for Quota {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw = BTreeMap::<String, RawQuotaValue>::deserialize(d)?;
        let mut quota = Quota::default();
        let mut tenant_id = None;
        for (key, value) in raw {
            let text = match value {
                RawQuotaValue::Null(()) => continue,
                RawQuotaValue::Int(n) => n.to_string(),
                RawQuotaValue::Text(s) => s,
            };
            match key.as_str() {
                "project_id" => {
                    quota.project_id = Some(text);
                    continue;
                }
                "tenant_id" => {
                    tenant_id = Some(text);
                    continue;
                }
                _ => {}
            }
            let n: i64 = text.trim().parse().map_err(|_| {
                D::Error::custom(format!("quota `{key}`: {text:?} is not an integer"))
            })?;
            let slot = match key.as_str() {
                "network" => &mut quota.network,
                "subnet" => &mut quota.subnet,
                "subnetpool" => &mut quota.subnetpool,
                "port" => &mut quota.port,
                "router" => &mut quota.router,
                "floatingip" => &mut quota.floatingip,
                "security_group" => &mut quota.security_group,
                "security_group_rule" => &mut quota.security_group_rule,
                "rbac_policy" => &mut quota.rbac_policy,
                "trunk" => &mut quota.trunk,
                _ => {
                    quota.other.insert(key, n);
                    continue;
                }
            };
            *slot = Some(n);
        }
        quota.project_id = lenient::project_id(&quota.project_id, &tenant_id);
        Ok(quota)
    }
}

/// One resource's figures in `GET /v2.0/quotas/{project_id}/details`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct QuotaUsage {
    /// How many the project has.
    #[serde(deserialize_with = "lenient::int")]
    pub used: i64,
    /// The limit (`-1`: unlimited).
    #[serde(deserialize_with = "lenient::int")]
    pub limit: i64,
    /// How many are reserved by requests in flight.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub reserved: Option<i64>,
}

impl QuotaUsage {
    /// How many more the project may create: `None` when unlimited, else `limit - used - reserved`
    /// (`0` at least).
    pub fn available(&self) -> Option<i64> {
        (self.limit >= 0).then(|| (self.limit - self.used - self.reserved.unwrap_or(0)).max(0))
    }
}

/// `GET /v2.0/quotas/{project_id}/details` (inside `quota`): the figures of every resource the
/// cloud counts, by resource name (`network`, `port`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
#[non_exhaustive]
pub struct QuotaDetails {
    /// Figures by resource name.
    pub resources: BTreeMap<String, QuotaUsage>,
}

impl QuotaDetails {
    /// The figures of `resource`, e.g. `"network"`.
    pub fn get(&self, resource: &str) -> Option<&QuotaUsage> {
        self.resources.get(resource)
    }
}

impl Resource for Quota {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "quota";
    const COLLECTION: &'static [&'static str] = &["quotas"];
    const SINGULAR: &'static str = "quota";
    const PLURAL: &'static str = "quotas";
    const LINKS: &'static str = "quotas_links";
    const NAME_FILTER: NameFilter = NameFilter::None;

    /// The project id (`""` in the answers about one project, which do not name it).
    fn id(&self) -> &str {
        self.project_id.as_deref().unwrap_or("")
    }

    fn name(&self) -> Option<&str> {
        None
    }
}

impl Updatable for Quota {
    type Update = UpdateQuota;
}

/// Quota operations (`client.network().quotas()`), by project id: [`get`](Api::get) (the
/// project's limits), [`update`](Api::update), [`reset`](Api::reset) (`DELETE`, back to the
/// defaults), [`defaults`](Api::defaults), [`details`](Api::details), and `list()` (admin: the
/// projects with non-default limits). Quotas have no name: `find_by_name` finds nothing.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{UNLIMITED, UpdateQuota};
/// # let project = &fake.project_id().to_string();
/// let quotas = client.network().quotas();
/// let q = quotas.update(project, &UpdateQuota::new().network(20).port(UNLIMITED)).await?;
/// assert_eq!((q.network, q.port, q.router), (Some(20), Some(UNLIMITED), Some(10)));
/// let used = quotas.details(project).await?;
/// assert_eq!(used.get("network").map(|u| (u.limit, u.used)), Some((20, 2))); // public, private
/// quotas.reset(project).await?;
/// assert_eq!(quotas.get(project).await?.network, Some(100));
/// # Ok(()) }
/// ```
pub type Quotas = Api<Quota>;

impl Api<Quota> {
    /// `GET /v2.0/quotas/{project_id}/default`: the limits a project gets when none are set.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty project id; [`Error::Api`] 403 without the right.
    pub async fn defaults(&self, project_id: &str) -> Result<Quota, Error> {
        let call = self.item_call(Method::Get, project_id, &["default"])?;
        self.send_for(&call, "quota").await
    }

    /// `GET /v2.0/quotas/{project_id}/details`: used, limit and reserved per resource
    /// (`quota_details` extension).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty project id; [`Error::Api`] 404 when the cloud lacks
    /// the extension, 403 without the right.
    pub async fn details(&self, project_id: &str) -> Result<QuotaDetails, Error> {
        let call = self.item_call(Method::Get, project_id, &["details"])?;
        self.send_for(&call, "quota").await
    }

    /// `DELETE /v2.0/quotas/{project_id}`: back to the default limits (the same call as
    /// [`delete`](Api::delete)).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty project id; [`Error::Api`] 403 without the right, 404
    /// `TenantQuotaNotFound` for a project without limits of its own (Neutron 28).
    pub async fn reset(&self, project_id: &str) -> Result<(), Error> {
        self.delete(project_id).await
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateQuotaFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    network: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    subnet: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    subnetpool: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    port: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    router: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    floatingip: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    security_group: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    security_group_rule: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    rbac_policy: Field<i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    trunk: Field<i64>,
    #[serde(flatten)]
    other: BTreeMap<String, i64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    check_limit: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    force: Field<bool>,
}

/// The body of `PUT /v2.0/quotas/{project_id}`: `{"quota": {...}}` with only the limits set
/// (`-1`, [`UNLIMITED`], is sent as a value; Neutron refuses `null`).
///
/// ```
/// use stackclient::network::{UNLIMITED, UpdateQuota};
/// let req = UpdateQuota::new().network(0).subnetpool(UNLIMITED).set("l2-gateway-connection", 5).check_limit(true);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"quota": {"network": 0, "subnetpool": -1, "l2-gateway-connection": 5, "check_limit": true}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateQuota {
    quota: UpdateQuotaFields,
}

impl UpdateQuota {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Networks (`-1`: unlimited).
    pub fn network(mut self, limit: i64) -> Self {
        self.quota.network = Field::Value(limit);
        self
    }

    /// Subnets (`-1`: unlimited).
    pub fn subnet(mut self, limit: i64) -> Self {
        self.quota.subnet = Field::Value(limit);
        self
    }

    /// Subnet pools (`-1`: unlimited).
    pub fn subnetpool(mut self, limit: i64) -> Self {
        self.quota.subnetpool = Field::Value(limit);
        self
    }

    /// Ports (`-1`: unlimited).
    pub fn port(mut self, limit: i64) -> Self {
        self.quota.port = Field::Value(limit);
        self
    }

    /// Routers (`-1`: unlimited).
    pub fn router(mut self, limit: i64) -> Self {
        self.quota.router = Field::Value(limit);
        self
    }

    /// Floating IPs (`-1`: unlimited).
    pub fn floatingip(mut self, limit: i64) -> Self {
        self.quota.floatingip = Field::Value(limit);
        self
    }

    /// Security groups (`-1`: unlimited).
    pub fn security_group(mut self, limit: i64) -> Self {
        self.quota.security_group = Field::Value(limit);
        self
    }

    /// Security group rules (`-1`: unlimited).
    pub fn security_group_rule(mut self, limit: i64) -> Self {
        self.quota.security_group_rule = Field::Value(limit);
        self
    }

    /// RBAC policies (`-1`: unlimited).
    pub fn rbac_policy(mut self, limit: i64) -> Self {
        self.quota.rbac_policy = Field::Value(limit);
        self
    }

    /// Trunks (`-1`: unlimited).
    pub fn trunk(mut self, limit: i64) -> Self {
        self.quota.trunk = Field::Value(limit);
        self
    }

    /// The limit of a resource without its own setter, by the name the cloud uses (a known name
    /// such as `"network"` sets that field).
    pub fn set(self, resource: &str, limit: i64) -> Self {
        match resource {
            "network" => self.network(limit),
            "subnet" => self.subnet(limit),
            "subnetpool" => self.subnetpool(limit),
            "port" => self.port(limit),
            "router" => self.router(limit),
            "floatingip" => self.floatingip(limit),
            "security_group" => self.security_group(limit),
            "security_group_rule" => self.security_group_rule(limit),
            "rbac_policy" => self.rbac_policy(limit),
            "trunk" => self.trunk(limit),
            other => {
                let mut this = self;
                this.quota.other.insert(other.to_string(), limit);
                this
            }
        }
    }

    /// `check_limit` (`quota-check-limit`): refuse (400) a limit below what the project uses
    /// already.
    pub fn check_limit(mut self, check: bool) -> Self {
        self.quota.check_limit = Field::Value(check);
        self
    }

    /// `force` (`quota-check-limit`): apply the limits even below current usage (the default
    /// unless `check_limit-default` says otherwise).
    pub fn force(mut self, force: bool) -> Self {
        self.quota.force = Field::Value(force);
        self
    }
}

impl RequestBody for UpdateQuota {}
