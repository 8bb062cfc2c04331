//! Security groups: `GET/POST /v2.0/security-groups`, `GET/PUT/DELETE /v2.0/security-groups/{id}`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
//! # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! use stackclient::network::CreateSecurityGroup;
//! let sg = client.network().security_groups().create(&CreateSecurityGroup::new("web")).await?;
//! // A new group has Neutron's two egress rules (IPv4 and IPv6, any protocol).
//! assert_eq!(sg.security_group_rules.len(), 2);
//! client.network().security_groups().delete(&sg.id).await?;
//! # Ok(()) }
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::SecurityGroupRule;
use super::lenient;
use crate::field::Field;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Creatable, RequestBody, Resource, Revisioned, Taggable, Updatable};
use crate::timestamp;

/// A security group as `GET /v2.0/security-groups[/{id}]` returns it, its rules embedded.
///
/// `project_id` is filled from `tenant_id`; `null` lists are empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct SecurityGroup {
    /// Group ID (UUID).
    pub id: String,
    /// Name (`default` for the project's default group).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// The group's rules.
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub security_group_rules: Vec<SecurityGroupRule>,
    /// Stateful (connection tracking) or stateless (`stateful-security-group`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub stateful: Option<bool>,
    /// Shared with this project through RBAC (`security-groups-shared-filtering`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub shared: Option<bool>,
    /// Owning project; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Tags (`standard-attr-tag`).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub tags: Vec<String>,
    /// When the group was created (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// When the group was last changed (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub updated_at: Option<DateTime<Utc>>,
    /// Revision number (goes up when a rule is added or removed too).
    #[serde(default, deserialize_with = "lenient::opt_number")]
    pub revision_number: Option<u64>,
}

impl<'de> Deserialize<'de> for SecurityGroup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut g = SecurityGroup::deserialize(d)?;
        g.project_id = lenient::owner(g.project_id.take(), g.tenant_id.as_ref());
        Ok(g)
    }
}

impl Serialize for SecurityGroup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SecurityGroup::serialize(self, s)
    }
}

impl Resource for SecurityGroup {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "security group";
    const COLLECTION: &'static [&'static str] = &["security-groups"];
    const SINGULAR: &'static str = "security_group";
    const PLURAL: &'static str = "security_groups";
    const LINKS: &'static str = "security_groups_links";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Creatable for SecurityGroup {
    type Create = CreateSecurityGroup;
    type Created = SecurityGroup;
}

impl Updatable for SecurityGroup {
    type Update = UpdateSecurityGroup;
}

impl Revisioned for SecurityGroup {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

impl Taggable for SecurityGroup {}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct CreateSecurityGroupFields {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stateful: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
}

/// The body of `POST /v2.0/security-groups`: `{"security_group": {...}}`.
///
/// ```
/// use stackclient::network::CreateSecurityGroup;
/// let req = CreateSecurityGroup::new("web").stateful(false);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"security_group": {"name": "web", "stateful": false}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateSecurityGroup {
    security_group: CreateSecurityGroupFields,
}

impl RequestBody for CreateSecurityGroup {}

impl CreateSecurityGroup {
    /// A group named `name` (Neutron refuses a second `default`).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            security_group: CreateSecurityGroupFields {
                name: name.into(),
                ..CreateSecurityGroupFields::default()
            },
        }
    }

    /// Description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.security_group.description = Some(description.into());
        self
    }

    /// Stateful (default) or stateless.
    pub fn stateful(mut self, stateful: bool) -> Self {
        self.security_group.stateful = Some(stateful);
        self
    }

    /// Owning project (admin, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.security_group.project_id = Some(project_id.into());
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateSecurityGroupFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    stateful: Field<bool>,
}

/// The body of `PUT /v2.0/security-groups/{id}`: only the fields set are sent.
///
/// ```
/// use stackclient::network::UpdateSecurityGroup;
/// let req = UpdateSecurityGroup::new().name("mysecgroup").clear_description();
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"security_group": {"name": "mysecgroup", "description": null}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateSecurityGroup {
    security_group: UpdateSecurityGroupFields,
}

impl RequestBody for UpdateSecurityGroup {}

impl UpdateSecurityGroup {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.security_group.name = Field::Value(name.into());
        self
    }

    /// New description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.security_group.description = Field::Value(description.into());
        self
    }

    /// Clears the description (`"description": null`).
    pub fn clear_description(mut self) -> Self {
        self.security_group.description = Field::Null;
        self
    }

    /// Stateful or stateless (only while no port uses the group).
    pub fn stateful(mut self, stateful: bool) -> Self {
        self.security_group.stateful = Field::Value(stateful);
        self
    }
}

/// Security group operations (`client.network().security_groups()`): the generic [`Api`] verbs
/// (`get`, `list`, `create`, `update`, `update_if`, `modify`, `delete`, tags). Rules are created
/// and deleted with [`security_group_rules()`](super::NetworkService::security_group_rules).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreateSecurityGroup, Direction, UpdateSecurityGroup};
/// let groups = client.network().security_groups();
/// let web = groups.create(&CreateSecurityGroup::new("web").description("HTTP in")).await?;
/// // New groups allow all egress, IPv4 and IPv6.
/// assert_eq!(web.security_group_rules.len(), 2);
/// assert!(web.security_group_rules.iter().all(|r| r.direction == Direction::Egress));
/// let web = groups.update(&web.id, &UpdateSecurityGroup::new().name("web-frontend")).await?;
/// assert_eq!(web.name, "web-frontend");
/// // Every project has its `default` group too.
/// let names: Vec<_> = groups.list().all().await?.into_iter().map(|g| g.name).collect();
/// assert!(names.contains(&"default".to_string()));
/// groups.delete(&web.id).await?;
/// # Ok(()) }
/// ```
pub type SecurityGroups = Api<SecurityGroup>;

/// Filters of `GET /v2.0/security-groups`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::CreateSecurityGroup;
/// let groups = client.network().security_groups();
/// groups.create(&CreateSecurityGroup::new("web")).await?;
/// let default = groups.list().name("default").project_id(fake.project_id()).all().await?;
/// assert_eq!(default.len(), 1);
/// assert_eq!(default[0].security_group_rules.len(), 4); // ingress from itself, egress; IPv4 and IPv6
/// # Ok(()) }
/// ```
pub type SecurityGroupList = List<SecurityGroup>;

impl List<SecurityGroup> {
    /// `id`.
    pub fn id(self, id: &str) -> Self {
        self.param("id", id)
    }

    /// `name` (exact match).
    pub fn name(self, name: &str) -> Self {
        self.param("name", name)
    }

    /// `description`.
    pub fn description(self, description: &str) -> Self {
        self.param("description", description)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }

    /// `shared`: groups shared with this project through RBAC.
    pub fn shared(self, shared: bool) -> Self {
        self.param("shared", shared)
    }

    /// `revision_number`.
    pub fn revision_number(self, revision: u64) -> Self {
        self.param("revision_number", revision)
    }
}
