//! Address scopes (`address-scope` extension): `GET/POST /v2.0/address-scopes`,
//! `GET/PUT/DELETE /v2.0/address-scopes/{address_scope_id}`.
//!
//! An address scope groups subnet pools whose addresses must not overlap; routers forward between
//! networks of the same scope without NAT.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient;
use crate::field::Field;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Creatable, RequestBody, Resource, Updatable};

/// An address scope as `GET /v2.0/address-scopes[/{id}]` returns it (inside `address_scope` /
/// `address_scopes[]`).
///
/// `project_id` is filled from `tenant_id` when only that is sent. Address scopes carry no
/// revision number, tags or timestamps in Neutron.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct AddressScope {
    /// Address scope ID (UUID).
    pub id: String,
    /// Name (may be empty).
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub name: String,
    /// IP version of the scope: `4` or `6` (a string `"4"` is read too).
    #[serde(deserialize_with = "lenient::int")]
    pub ip_version: u8,
    /// Whether the scope is shared with all projects.
    #[serde(default)]
    pub shared: bool,
    /// Owning project ID; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project ID under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
}

impl<'de> Deserialize<'de> for AddressScope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut scope = AddressScope::deserialize(d)?;
        scope.project_id = lenient::project_id(&scope.project_id, &scope.tenant_id);
        Ok(scope)
    }
}

impl Serialize for AddressScope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        AddressScope::serialize(self, s)
    }
}

impl Resource for AddressScope {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "address scope";
    const COLLECTION: &'static [&'static str] = &["address-scopes"];
    const SINGULAR: &'static str = "address_scope";
    const PLURAL: &'static str = "address_scopes";
    const LINKS: &'static str = "address_scopes_links";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Creatable for AddressScope {
    type Create = CreateAddressScope;
    type Created = AddressScope;
}

impl Updatable for AddressScope {
    type Update = UpdateAddressScope;
}

/// Address scope operations (`client.network().address_scopes()`): the generic [`Api`] verbs on
/// `/v2.0/address-scopes`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreateAddressScope, CreateSubnetPool, UpdateAddressScope};
/// let scopes = client.network().address_scopes();
/// let scope = scopes.create(&CreateAddressScope::new("corp-v4", 4).shared(true)).await?;
/// assert_eq!((scope.ip_version, scope.shared), (4, true));
/// let scope = scopes.update(&scope.id, &UpdateAddressScope::new().name("corp")).await?;
/// assert_eq!(scopes.get(&scope.id).await?.name, "corp");
/// // A scope with a subnet pool in it cannot be deleted (409 AddressScopeInUse).
/// let pool = client.network().subnet_pools()
///     .create(&CreateSubnetPool::new("corp-pool", ["10.20.0.0/16"]).address_scope_id(&scope.id))
///     .await?;
/// assert_eq!(scopes.delete(&scope.id).await.unwrap_err().status(), Some(409));
/// client.network().subnet_pools().delete(&pool.id).await?;
/// scopes.delete(&scope.id).await?;
/// assert_eq!(scopes.get(&scope.id).await.unwrap_err().status(), Some(404));
/// # Ok(()) }
/// ```
pub type AddressScopes = Api<AddressScope>;

impl List<AddressScope> {
    /// `name` (exact match).
    pub fn name(self, name: &str) -> Self {
        self.param("name", name)
    }

    /// `ip_version`: `4` or `6`.
    pub fn ip_version(self, version: u8) -> Self {
        self.param("ip_version", version)
    }

    /// `shared`.
    pub fn shared(self, shared: bool) -> Self {
        self.param("shared", shared)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct CreateAddressScopeFields {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_id: Option<String>,
    ip_version: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    shared: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
}

/// The body of `POST /v2.0/address-scopes`: `{"address_scope": {...}}`, unset fields left out.
///
/// ```
/// use stackclient::network::CreateAddressScope;
/// let req = CreateAddressScope::new("scope-6", 6).shared(false);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"address_scope": {"name": "scope-6", "ip_version": 6, "shared": false}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CreateAddressScope {
    address_scope: CreateAddressScopeFields,
}

impl CreateAddressScope {
    /// A scope named `name` for IP version `ip_version` (`4` or `6`; Neutron refuses others with a
    /// 400).
    pub fn new(name: impl Into<String>, ip_version: u8) -> Self {
        Self {
            address_scope: CreateAddressScopeFields {
                name: name.into(),
                ip_version,
                ..Default::default()
            },
        }
    }

    /// Share with all projects (admin by default).
    pub fn shared(mut self, shared: bool) -> Self {
        self.address_scope.shared = Some(shared);
        self
    }

    /// Owning project (admin only, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.address_scope.project_id = Some(project_id.into());
        self
    }

    /// Owning project under its old name `tenant_id` (older clouds; prefer
    /// [`project_id`](Self::project_id)).
    pub fn tenant_id(mut self, tenant_id: impl Into<String>) -> Self {
        self.address_scope.tenant_id = Some(tenant_id.into());
        self
    }
}

impl RequestBody for CreateAddressScope {}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateAddressScopeFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    shared: Field<bool>,
}

/// The body of `PUT /v2.0/address-scopes/{id}`: only the fields set are sent.
///
/// ```
/// use stackclient::network::UpdateAddressScope;
/// let req = UpdateAddressScope::new().name("renamed");
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"address_scope": {"name": "renamed"}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateAddressScope {
    address_scope: UpdateAddressScopeFields,
}

impl UpdateAddressScope {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.address_scope.name = Field::Value(name.into());
        self
    }

    /// Share with all projects (Neutron refuses un-sharing a scope others use, with a 409).
    pub fn shared(mut self, shared: bool) -> Self {
        self.address_scope.shared = Field::Value(shared);
        self
    }
}

impl RequestBody for UpdateAddressScope {}
