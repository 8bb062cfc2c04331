//! Trunks (`trunk` extension): `GET/POST /v2.0/trunks`, `GET/PUT/DELETE /v2.0/trunks/{trunk_id}`,
//! and the sub-port actions `PUT /v2.0/trunks/{trunk_id}/add_subports`,
//! `PUT /v2.0/trunks/{trunk_id}/remove_subports`, `GET /v2.0/trunks/{trunk_id}/get_subports`.
//!
//! A trunk carries several networks on one VM interface: its parent port takes untagged traffic,
//! each sub-port the traffic tagged with its segmentation ID (a VLAN ID for `vlan`).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient;
use crate::error::Error;
use crate::field::Field;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{
    Api, Creatable, RequestBody, Resource, Revisioned, Taggable, Updatable, to_json,
};
use crate::timestamp;

/// How a sub-port's traffic is told apart on the trunk: `vlan` (802.1Q), or `inherit` (the
/// segmentation of the sub-port's network).
///
/// Types this crate does not know are kept verbatim in [`SegmentationType::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SegmentationType {
    /// `vlan`.
    Vlan,
    /// `inherit`.
    Inherit,
    /// A type this crate does not know, verbatim.
    Other(String),
}

impl SegmentationType {
    /// The type as the API writes it, e.g. `"vlan"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Vlan => "vlan",
            Self::Inherit => "inherit",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for SegmentationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SegmentationType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SegmentationType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "vlan" => Self::Vlan,
            "inherit" => Self::Inherit,
            _ => Self::Other(s),
        })
    }
}

/// A trunk's `status`: `ACTIVE`, `DOWN`, `BUILD`, `DEGRADED` or `ERROR`.
///
/// Statuses this crate does not know are kept verbatim in [`TrunkStatus::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrunkStatus {
    /// `ACTIVE`: the trunk and its sub-ports are wired.
    Active,
    /// `DOWN`: the parent port is not bound yet.
    Down,
    /// `BUILD`: being wired.
    Build,
    /// `DEGRADED`: some sub-ports could not be wired.
    Degraded,
    /// `ERROR`.
    Error,
    /// A status this crate does not know, verbatim.
    Other(String),
}

impl TrunkStatus {
    /// The status as the API writes it, e.g. `"ACTIVE"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "ACTIVE",
            Self::Down => "DOWN",
            Self::Build => "BUILD",
            Self::Degraded => "DEGRADED",
            Self::Error => "ERROR",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for TrunkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TrunkStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TrunkStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "ACTIVE" => Self::Active,
            "DOWN" => Self::Down,
            "BUILD" => Self::Build,
            "DEGRADED" => Self::Degraded,
            "ERROR" => Self::Error,
            _ => Self::Other(s),
        })
    }
}

/// One sub-port of a trunk, as listed and as sent to `add_subports`.
///
/// Sent to `remove_subports`, only `port_id` goes on the wire (see [`SubPort::port`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SubPort {
    /// The sub-port's port ID.
    pub port_id: String,
    /// How its traffic is told apart (`None` when not sent, e.g. for removal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segmentation_type: Option<SegmentationType>,
    /// The segmentation ID, e.g. the VLAN ID 1–4094 (a string `"44"` is read too).
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub segmentation_id: Option<u32>,
    /// The sub-port's MAC address (in a port's `trunk_details` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_address: Option<String>,
}

impl SubPort {
    /// Port `port_id` as a sub-port with `segmentation_type` and `segmentation_id` (e.g. `vlan`,
    /// VLAN 44), for [`Api::add_subports`].
    pub fn new(
        port_id: impl Into<String>,
        segmentation_type: SegmentationType,
        segmentation_id: u32,
    ) -> Self {
        Self {
            port_id: port_id.into(),
            segmentation_type: Some(segmentation_type),
            segmentation_id: Some(segmentation_id),
            mac_address: None,
        }
    }

    /// Port `port_id` alone (`{"port_id": …}`), for [`Api::remove_subports`] or for
    /// `segmentation_type: inherit` clouds.
    pub fn port(port_id: impl Into<String>) -> Self {
        Self {
            port_id: port_id.into(),
            segmentation_type: None,
            segmentation_id: None,
            mac_address: None,
        }
    }
}

/// A trunk as `GET /v2.0/trunks[/{id}]` returns it (inside `trunk` / `trunks[]`).
///
/// `project_id` is filled from `tenant_id` when only that is sent; `null` lists and strings read as
/// empty.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct Trunk {
    /// Trunk ID (UUID).
    pub id: String,
    /// Name (may be empty).
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub name: String,
    /// Free-text description.
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub description: String,
    /// The parent port ID.
    pub port_id: String,
    /// Status.
    pub status: TrunkStatus,
    /// Administrative state: `false` refuses sub-port changes.
    #[serde(default = "yes")]
    pub admin_state_up: bool,
    /// The sub-ports.
    #[serde(default, deserialize_with = "lenient::null_as_empty")]
    pub sub_ports: Vec<SubPort>,
    /// Owning project ID; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project ID under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Tags (`standard-attr-tag`).
    #[serde(default, deserialize_with = "lenient::null_as_empty")]
    pub tags: Vec<String>,
    /// When the trunk was created (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// When the trunk was last updated (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub updated_at: Option<DateTime<Utc>>,
    /// Revision number, increased on every change (sub-port changes included).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub revision_number: Option<u64>,
}

fn yes() -> bool {
    true
}

impl<'de> Deserialize<'de> for Trunk {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut trunk = Trunk::deserialize(d)?;
        trunk.project_id = lenient::project_id(&trunk.project_id, &trunk.tenant_id);
        Ok(trunk)
    }
}

impl Serialize for Trunk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Trunk::serialize(self, s)
    }
}

impl Resource for Trunk {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "trunk";
    const COLLECTION: &'static [&'static str] = &["trunks"];
    const SINGULAR: &'static str = "trunk";
    const PLURAL: &'static str = "trunks";
    const LINKS: &'static str = "trunks_links";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Creatable for Trunk {
    type Create = CreateTrunk;
    type Created = Trunk;
}

impl Updatable for Trunk {
    type Update = UpdateTrunk;
}

impl Revisioned for Trunk {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

/// Tags at `/v2.0/trunks/{id}/tags`.
impl Taggable for Trunk {}

/// Trunk operations (`client.network().trunks()`): the generic [`Api`] verbs on `/v2.0/trunks`,
/// plus [`add_subports`](Api::add_subports), [`remove_subports`](Api::remove_subports) and
/// [`get_subports`](Api::get_subports).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreatePort, CreateTrunk, SegmentationType, SubPort, TrunkStatus};
/// # let net = fake.network_id("private").expect("seeded");
/// let parent = client.network().ports().create(&CreatePort::new(&net)).await?.id;
/// let child = client.network().ports().create(&CreatePort::new(&net)).await?.id;
/// let trunks = client.network().trunks();
/// let trunk = trunks.create(&CreateTrunk::new(&parent).name("trunk-1")).await?;
/// assert_eq!((trunk.status, trunk.revision_number), (TrunkStatus::Down, Some(1)));
/// let trunk = trunks.add_subports(&trunk.id, &[SubPort::new(&child, SegmentationType::Vlan, 44)]).await?;
/// assert_eq!(trunk.sub_ports[0].segmentation_id, Some(44));
/// assert_eq!(trunk.revision_number, Some(2));
/// // VLAN 44 is taken on this trunk; the parent port cannot go while the trunk has it.
/// let other = client.network().ports().create(&CreatePort::new(&net)).await?.id;
/// let clash = trunks.add_subports(&trunk.id, &[SubPort::new(&other, SegmentationType::Vlan, 44)]).await;
/// assert_eq!(clash.unwrap_err().status(), Some(409));
/// assert_eq!(client.network().ports().delete(&parent).await.unwrap_err().status(), Some(409));
/// let subs = trunks.remove_subports(&trunk.id, &[SubPort::port(&child)]).await?.sub_ports;
/// assert!(subs.is_empty() && trunks.get_subports(&trunk.id).await?.is_empty());
/// trunks.delete(&trunk.id).await?;
/// # Ok(()) }
/// ```
pub type Trunks = Api<Trunk>;

#[derive(Serialize)]
struct SubPortsBody<'a> {
    sub_ports: &'a [SubPort],
}

#[derive(Deserialize)]
struct SubPortsAnswer {
    #[serde(default, deserialize_with = "lenient::null_as_empty")]
    sub_ports: Vec<SubPort>,
}

impl Api<Trunk> {
    /// `PUT /v2.0/trunks/{trunk_id}/add_subports` `{"sub_ports": [...]}`: adds sub-ports; returns
    /// the trunk as it is now (Neutron answers it bare, without a `trunk` envelope).
    ///
    /// # Errors
    /// [`Error::Api`] 404 for no such trunk or port, 409 when a port is in use or a segmentation ID
    /// is taken, 400 for a bad segmentation; [`Error::InvalidInput`] for an empty trunk id.
    pub async fn add_subports(
        &self,
        trunk_id: &str,
        sub_ports: &[SubPort],
    ) -> Result<Trunk, Error> {
        self.change_subports(trunk_id, "add_subports", sub_ports)
            .await
    }

    /// `PUT /v2.0/trunks/{trunk_id}/remove_subports` `{"sub_ports": [{"port_id": …}]}`: removes
    /// the sub-ports with these port ids (only `port_id` is sent, whatever else `sub_ports`
    /// carry); returns the trunk as it is now.
    ///
    /// # Errors
    /// [`Error::Api`] 404 for no such trunk, 400 when a port is not a sub-port of it.
    pub async fn remove_subports(
        &self,
        trunk_id: &str,
        sub_ports: &[SubPort],
    ) -> Result<Trunk, Error> {
        let ids: Vec<SubPort> = sub_ports
            .iter()
            .map(|s| SubPort::port(&s.port_id))
            .collect();
        self.change_subports(trunk_id, "remove_subports", &ids)
            .await
    }

    async fn change_subports(
        &self,
        trunk_id: &str,
        action: &str,
        sub_ports: &[SubPort],
    ) -> Result<Trunk, Error> {
        let body = to_json(&SubPortsBody { sub_ports }, Trunk::KIND)?;
        let call = self
            .item_call(Method::Put, trunk_id, &[action])?
            .json_body(&body);
        self.client().execute(&call).await?.json::<Trunk>()
    }

    /// `GET /v2.0/trunks/{trunk_id}/get_subports`: the trunk's sub-ports.
    ///
    /// # Errors
    /// [`Error::Api`] 404 for no such trunk.
    pub async fn get_subports(&self, trunk_id: &str) -> Result<Vec<SubPort>, Error> {
        let call = self.item_call(Method::Get, trunk_id, &["get_subports"])?;
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<SubPortsAnswer>()?
            .sub_ports)
    }
}

impl List<Trunk> {
    /// `name` (exact match).
    pub fn name(self, name: &str) -> Self {
        self.param("name", name)
    }

    /// `port_id`: the trunk whose parent port this is.
    pub fn port_id(self, port_id: &str) -> Self {
        self.param("port_id", port_id)
    }

    /// `status`.
    pub fn status(self, status: TrunkStatus) -> Self {
        let s = status.as_str().to_string();
        self.param("status", s)
    }

    /// `admin_state_up`.
    pub fn admin_state_up(self, up: bool) -> Self {
        self.param("admin_state_up", up)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct CreateTrunkFields {
    port_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_state_up: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_ports: Option<Vec<SubPort>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
}

/// The body of `POST /v2.0/trunks`: `{"trunk": {"port_id": …, ...}}`, unset fields left out.
///
/// ```
/// use stackclient::network::{CreateTrunk, SegmentationType, SubPort};
/// let req = CreateTrunk::new("parent-port").sub_port(SubPort::new("child", SegmentationType::Vlan, 100));
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"trunk": {"port_id": "parent-port", "sub_ports": [
///         {"port_id": "child", "segmentation_type": "vlan", "segmentation_id": 100}]}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CreateTrunk {
    trunk: CreateTrunkFields,
}

impl CreateTrunk {
    /// A trunk on parent port `port_id`.
    pub fn new(port_id: impl Into<String>) -> Self {
        Self {
            trunk: CreateTrunkFields {
                port_id: port_id.into(),
                ..Default::default()
            },
        }
    }

    /// Name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.trunk.name = Some(name.into());
        self
    }

    /// Free-text description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.trunk.description = Some(description.into());
        self
    }

    /// Administrative state (default up).
    pub fn admin_state_up(mut self, up: bool) -> Self {
        self.trunk.admin_state_up = Some(up);
        self
    }

    /// Adds a sub-port at creation. Repeatable.
    pub fn sub_port(mut self, sub_port: SubPort) -> Self {
        self.trunk
            .sub_ports
            .get_or_insert_with(Vec::new)
            .push(sub_port);
        self
    }

    /// Owning project (admin only, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.trunk.project_id = Some(project_id.into());
        self
    }
}

impl RequestBody for CreateTrunk {}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateTrunkFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    admin_state_up: Field<bool>,
}

/// The body of `PUT /v2.0/trunks/{id}`: only the fields set are sent (sub-ports change through
/// [`Api::add_subports`] / [`Api::remove_subports`]).
///
/// ```
/// use stackclient::network::UpdateTrunk;
/// let req = UpdateTrunk::new().name("foo").admin_state_up(true);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"trunk": {"name": "foo", "admin_state_up": true}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateTrunk {
    trunk: UpdateTrunkFields,
}

impl UpdateTrunk {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.trunk.name = Field::Value(name.into());
        self
    }

    /// New description (`""` empties it; Neutron refuses `null` here).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.trunk.description = Field::Value(description.into());
        self
    }

    /// Administrative state.
    pub fn admin_state_up(mut self, up: bool) -> Self {
        self.trunk.admin_state_up = Field::Value(up);
        self
    }
}

impl RequestBody for UpdateTrunk {}
