//! RBAC policies (`rbac-policies` extension): `GET/POST /v2.0/rbac-policies`,
//! `GET/PUT/DELETE /v2.0/rbac-policies/{rbac_policy_id}`.
//!
//! An RBAC policy grants one project (or every project, `target_tenant: "*"`) an access to one
//! object: a network shared or usable as external, a QoS policy, an address scope, a subnet pool,
//! a security group or an address group shared.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient;
use crate::field::Field;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Creatable, NameFilter, RequestBody, Resource, Updatable};

/// The kind of object an RBAC policy is about (`object_type`).
///
/// Types this crate does not know are kept verbatim in [`RbacObjectType::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RbacObjectType {
    /// `network`.
    Network,
    /// `qos_policy`.
    QosPolicy,
    /// `address_scope`.
    AddressScope,
    /// `subnetpool`.
    SubnetPool,
    /// `security_group`.
    SecurityGroup,
    /// `address_group`.
    AddressGroup,
    /// A type this crate does not know, verbatim.
    Other(String),
}

impl RbacObjectType {
    /// The type as the API writes it, e.g. `"network"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Network => "network",
            Self::QosPolicy => "qos_policy",
            Self::AddressScope => "address_scope",
            Self::SubnetPool => "subnetpool",
            Self::SecurityGroup => "security_group",
            Self::AddressGroup => "address_group",
            Self::Other(s) => s,
        }
    }
}

/// What an RBAC policy grants (`action`).
///
/// Actions this crate does not know are kept verbatim in [`RbacAction::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RbacAction {
    /// `access_as_shared`: the target may use the object as if it were shared.
    AccessAsShared,
    /// `access_as_external`: the target may use the network as an external network.
    AccessAsExternal,
    /// An action this crate does not know, verbatim.
    Other(String),
}

impl RbacAction {
    /// The action as the API writes it, e.g. `"access_as_shared"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessAsShared => "access_as_shared",
            Self::AccessAsExternal => "access_as_external",
            Self::Other(s) => s,
        }
    }
}

macro_rules! string_enum_serde {
    ($ty:ident { $($s:literal => $v:ident),* $(,)? }) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(match s.as_str() {
                    $($s => Self::$v,)*
                    _ => Self::Other(s),
                })
            }
        }
    };
}

string_enum_serde!(RbacObjectType {
    "network" => Network,
    "qos_policy" => QosPolicy,
    "address_scope" => AddressScope,
    "subnetpool" => SubnetPool,
    "security_group" => SecurityGroup,
    "address_group" => AddressGroup,
});

string_enum_serde!(RbacAction {
    "access_as_shared" => AccessAsShared,
    "access_as_external" => AccessAsExternal,
});

/// Every project: the `target_tenant` wildcard.
pub const ALL_PROJECTS: &str = "*";

/// An RBAC policy as `GET /v2.0/rbac-policies[/{id}]` returns it (inside `rbac_policy` /
/// `rbac_policies[]`).
///
/// `project_id` (the policy's owner) is filled from `tenant_id` when only that is sent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct RbacPolicy {
    /// Policy ID (UUID).
    pub id: String,
    /// The kind of object.
    pub object_type: RbacObjectType,
    /// The object's ID.
    pub object_id: String,
    /// What is granted.
    pub action: RbacAction,
    /// The project granted the access, or `*` ([`ALL_PROJECTS`]) for every project.
    pub target_tenant: String,
    /// Owning project ID; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project ID under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
}

impl<'de> Deserialize<'de> for RbacPolicy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut policy = RbacPolicy::deserialize(d)?;
        policy.project_id = lenient::project_id(&policy.project_id, &policy.tenant_id);
        Ok(policy)
    }
}

impl Serialize for RbacPolicy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RbacPolicy::serialize(self, s)
    }
}

impl Resource for RbacPolicy {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "RBAC policy";
    const COLLECTION: &'static [&'static str] = &["rbac-policies"];
    const SINGULAR: &'static str = "rbac_policy";
    const PLURAL: &'static str = "rbac_policies";
    const LINKS: &'static str = "rbac_policies_links";
    const NAME_FILTER: NameFilter = NameFilter::None;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        None
    }
}

impl Creatable for RbacPolicy {
    type Create = CreateRbacPolicy;
    type Created = RbacPolicy;
}

impl Updatable for RbacPolicy {
    type Update = UpdateRbacPolicy;
}

/// RBAC policy operations (`client.network().rbac_policies()`): the generic [`Api`] verbs on
/// `/v2.0/rbac-policies` (policies have no name: `find_by_name` finds nothing).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{ALL_PROJECTS, CreateRbacPolicy, RbacAction, RbacObjectType, UpdateRbacPolicy};
/// # let net_id = &fake.network_id("private").expect("seeded");
/// let rbac = client.network().rbac_policies();
/// let grant = rbac
///     .create(&CreateRbacPolicy::new(RbacObjectType::Network, net_id, RbacAction::AccessAsShared, ALL_PROJECTS))
///     .await?;
/// // A wildcard grant is what `shared` shows; the same grant twice is 409.
/// assert!(client.network().networks().get(net_id).await?.shared);
/// let again = CreateRbacPolicy::new(RbacObjectType::Network, net_id, RbacAction::AccessAsShared, ALL_PROJECTS);
/// assert_eq!(rbac.create(&again).await.unwrap_err().status(), Some(409));
/// // Narrowed to one project, the network is no longer shared with everyone.
/// let project = "0123456789abcdef0123456789abcdef";
/// let grant = rbac.update(&grant.id, &UpdateRbacPolicy::new().target_tenant(project)).await?;
/// assert_eq!(grant.target_tenant, project);
/// assert!(!client.network().networks().get(net_id).await?.shared);
/// rbac.delete(&grant.id).await?;
/// assert_eq!(rbac.get(&grant.id).await.unwrap_err().status(), Some(404));
/// # Ok(()) }
/// ```
pub type RbacPolicies = Api<RbacPolicy>;

impl List<RbacPolicy> {
    /// `object_type`.
    pub fn object_type(self, object_type: RbacObjectType) -> Self {
        let s = object_type.as_str().to_string();
        self.param("object_type", s)
    }

    /// `object_id`.
    pub fn object_id(self, object_id: &str) -> Self {
        self.param("object_id", object_id)
    }

    /// `action`.
    pub fn action(self, action: RbacAction) -> Self {
        let s = action.as_str().to_string();
        self.param("action", s)
    }

    /// `target_tenant` (`*` for policies granting every project).
    pub fn target_tenant(self, target: &str) -> Self {
        self.param("target_tenant", target)
    }

    /// `project_id`: the owner.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct CreateRbacFields {
    action: RbacAction,
    object_type: RbacObjectType,
    target_tenant: String,
    object_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
}

/// The body of `POST /v2.0/rbac-policies`: `{"rbac_policy": {...}}`.
///
/// ```
/// use stackclient::network::{CreateRbacPolicy, RbacAction, RbacObjectType};
/// let req = CreateRbacPolicy::new(RbacObjectType::Network, "net-1", RbacAction::AccessAsExternal, "*");
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"rbac_policy": {"object_type": "network", "object_id": "net-1",
///         "action": "access_as_external", "target_tenant": "*"}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateRbacPolicy {
    rbac_policy: CreateRbacFields,
}

impl CreateRbacPolicy {
    /// Grant `target_tenant` (a project ID, or [`ALL_PROJECTS`]) `action` on the object
    /// `object_type` / `object_id`.
    pub fn new(
        object_type: RbacObjectType,
        object_id: impl Into<String>,
        action: RbacAction,
        target_tenant: impl Into<String>,
    ) -> Self {
        Self {
            rbac_policy: CreateRbacFields {
                action,
                object_type,
                target_tenant: target_tenant.into(),
                object_id: object_id.into(),
                project_id: None,
            },
        }
    }

    /// Owning project of the policy (admin only, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.rbac_policy.project_id = Some(project_id.into());
        self
    }
}

impl RequestBody for CreateRbacPolicy {}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateRbacFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    target_tenant: Field<String>,
}

/// The body of `PUT /v2.0/rbac-policies/{id}`: only `target_tenant` can change.
///
/// ```
/// use stackclient::network::UpdateRbacPolicy;
/// assert_eq!(
///     serde_json::to_value(UpdateRbacPolicy::new().target_tenant("*")).unwrap(),
///     serde_json::json!({"rbac_policy": {"target_tenant": "*"}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateRbacPolicy {
    rbac_policy: UpdateRbacFields,
}

impl UpdateRbacPolicy {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Grant the access to another project (or [`ALL_PROJECTS`]) instead. Neutron answers 409 when
    /// the object is in use by a project that would lose access.
    pub fn target_tenant(mut self, target: impl Into<String>) -> Self {
        self.rbac_policy.target_tenant = Field::Value(target.into());
        self
    }
}

impl RequestBody for UpdateRbacPolicy {}
