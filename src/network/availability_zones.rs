//! Availability zones (`availability_zone` extension): `GET /v2.0/availability_zones`, list only.
//!
//! Neutron lists one entry per zone and resource kind: a zone with both DHCP and L3 agents appears
//! twice, once with `resource: network` and once with `resource: router`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Resource};

/// Whether a zone has a live agent: `available` or `unavailable`.
///
/// States this crate does not know are kept verbatim in [`ZoneState::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ZoneState {
    /// `available`.
    Available,
    /// `unavailable`.
    Unavailable,
    /// A state this crate does not know, verbatim.
    Other(String),
}

impl ZoneState {
    /// The state as the API writes it, e.g. `"available"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Available => "available",
            Self::Unavailable => "unavailable",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for ZoneState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ZoneState {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ZoneState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "available" => Self::Available,
            "unavailable" => Self::Unavailable,
            _ => Self::Other(s),
        })
    }
}

/// An availability zone entry of `GET /v2.0/availability_zones` (`availability_zones[]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct AvailabilityZone {
    /// Zone name, e.g. `nova`.
    pub name: String,
    /// The kind of resource the zone hosts: `network` (DHCP agents) or `router` (L3 agents).
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub resource: String,
    /// Whether the zone has a live agent.
    pub state: ZoneState,
}

impl Resource for AvailabilityZone {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "availability zone";
    const COLLECTION: &'static [&'static str] = &["availability_zones"];
    const SINGULAR: &'static str = "availability_zone";
    const PLURAL: &'static str = "availability_zones";
    const LINKS: &'static str = "availability_zones_links";

    const DISTINCT_IDS: bool = false;

    /// Zones have no id: the name (the same for a zone's network and router entries).
    fn id(&self) -> &str {
        &self.name
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// Availability zones (`client.network().availability_zones()`): only `list()` (with its filters)
/// and `find_by_name` are answered; Neutron has no `GET /v2.0/availability_zones/{name}`, so
/// `get` answers 404.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::ZoneState;
/// let zones = client.network().availability_zones().list().resource("router").state(ZoneState::Available).all().await?;
/// assert_eq!(zones.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(), ["nova"]);
/// // Unfiltered, the zone is listed once per resource, as Neutron lists it.
/// let all = client.network().availability_zones().list().all().await?;
/// let mut resources: Vec<_> = all.iter().map(|z| (z.name.as_str(), z.resource.as_str())).collect();
/// resources.sort();
/// assert_eq!(resources, [("nova", "network"), ("nova", "router")]);
/// # Ok(()) }
/// ```
pub type AvailabilityZones = Api<AvailabilityZone>;

impl List<AvailabilityZone> {
    /// `name`.
    pub fn name(self, name: &str) -> Self {
        self.param("name", name)
    }

    /// `resource`: `network` or `router`.
    pub fn resource(self, resource: &str) -> Self {
        self.param("resource", resource)
    }

    /// `state`.
    pub fn state(self, state: ZoneState) -> Self {
        let s = state.as_str().to_string();
        self.param("state", s)
    }
}
