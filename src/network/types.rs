//! Serde models of the Networking API (Neutron) v2.0: networks and the request body that creates one.
//!
//! Neutron has no microversions; what a network carries depends on the extensions the cloud loads
//! (`provider`, `external-net`, `multi-provider`, `qos`, `dns-integration`, …) and on policy, so
//! every field that comes from an extension is an `Option` (or an empty list). Sizes carry their
//! unit: MTU in bytes.
//!
//! Nothing here does I/O.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::field::Field;
use crate::timestamp;

/// A network's `status`.
///
/// Statuses this crate does not know are kept verbatim in [`NetworkStatus::Other`].
/// [`FromStr`] never fails.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkStatus {
    /// `ACTIVE`.
    Active,
    /// `DOWN`.
    Down,
    /// `BUILD`.
    Build,
    /// `ERROR`.
    Error,
    /// A status this crate does not know, verbatim.
    Other(String),
}

impl NetworkStatus {
    /// The status as the API writes it, e.g. `"ACTIVE"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "ACTIVE",
            Self::Down => "DOWN",
            Self::Build => "BUILD",
            Self::Error => "ERROR",
            Self::Other(s) => s,
        }
    }

    fn from_api(s: &str) -> Self {
        match s {
            "ACTIVE" => Self::Active,
            "DOWN" => Self::Down,
            "BUILD" => Self::Build,
            "ERROR" => Self::Error,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for NetworkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NetworkStatus {
    type Err = std::convert::Infallible;

    /// Parses a status; matching ignores ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match Self::from_api(&s.to_ascii_uppercase()) {
            Self::Other(_) => Self::Other(s.to_owned()),
            known => known,
        })
    }
}

impl Serialize for NetworkStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for NetworkStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::from_api(&String::deserialize(d)?))
    }
}

/// `deserialize_with` for segmentation IDs, which Neutron answers as integers but the API
/// reference also shows as strings (`"2"`); `null` is `None`.
fn segmentation_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct SegVisitor;

    impl<'de> Visitor<'de> for SegVisitor {
        type Value = Option<u32>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a segmentation ID (integer), or null")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse()
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    }

    d.deserialize_option(SegVisitor)
}

/// One segment of a multi-segment network (`segments[]`, `multi-provider` extension), also the
/// shape of the `provider:*` attributes of a single-segment network.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Segment {
    /// `provider:network_type`: `flat`, `vlan`, `vxlan`, `gre`, `geneve`, `local`, …
    #[serde(
        rename = "provider:network_type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub network_type: Option<String>,
    /// `provider:physical_network`: the physical network name, for `flat` and `vlan`.
    #[serde(
        rename = "provider:physical_network",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub physical_network: Option<String>,
    /// `provider:segmentation_id`: VLAN ID or tunnel ID.
    #[serde(
        rename = "provider:segmentation_id",
        default,
        deserialize_with = "segmentation_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub segmentation_id: Option<u32>,
}

impl Segment {
    /// A segment of type `network_type` (e.g. `vlan`).
    pub fn new(network_type: impl Into<String>) -> Self {
        Self {
            network_type: Some(network_type.into()),
            ..Self::default()
        }
    }

    /// Sets `provider:physical_network`.
    pub fn physical_network(mut self, name: impl Into<String>) -> Self {
        self.physical_network = Some(name.into());
        self
    }

    /// Sets `provider:segmentation_id`.
    pub fn segmentation_id(mut self, id: u32) -> Self {
        self.segmentation_id = Some(id);
        self
    }
}

fn default_true() -> bool {
    true
}

/// A network as `GET /v2.0/networks` and `GET /v2.0/networks/{id}` return it (the inner object of
/// `networks[]` / `network`).
///
/// `project_id` is filled from `tenant_id` when a (older) Neutron sends only `tenant_id`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Network {
    /// Network ID (UUID).
    pub id: String,
    /// Network name (may be empty).
    pub name: String,
    /// Status.
    pub status: NetworkStatus,
    /// Administrative state: `false` means down.
    pub admin_state_up: bool,
    /// Whether the network is shared with all projects.
    pub shared: bool,
    /// `router:external`: whether this is an external network (floating IP pool).
    /// `false` when the `external-net` extension is absent.
    #[serde(rename = "router:external")]
    pub external: bool,
    /// IDs of the network's subnets.
    pub subnets: Vec<String>,
    /// MTU in bytes (`net-mtu` extension; `0` from some old plugins means unknown).
    pub mtu: Option<u32>,
    /// Default port security for new ports (`port-security` extension).
    pub port_security_enabled: Option<bool>,
    /// Owning project ID; taken from `tenant_id` when only that is sent.
    pub project_id: Option<String>,
    /// Owning project ID under its old name, as sent.
    pub tenant_id: Option<String>,
    /// `provider:network_type` (`provider` extension, admin by default).
    #[serde(rename = "provider:network_type")]
    pub provider_network_type: Option<String>,
    /// `provider:physical_network` (`provider` extension, admin by default).
    #[serde(rename = "provider:physical_network")]
    pub provider_physical_network: Option<String>,
    /// `provider:segmentation_id`: VLAN or tunnel ID (`provider` extension, admin by default).
    #[serde(rename = "provider:segmentation_id")]
    pub provider_segmentation_id: Option<u32>,
    /// Segments of a multi-segment network (`multi-provider` extension); empty otherwise.
    pub segments: Vec<Segment>,
    /// Availability zones the network is in (`network_availability_zone` extension).
    pub availability_zones: Vec<String>,
    /// Availability zones requested at creation.
    pub availability_zone_hints: Vec<String>,
    /// IPv4 address scope ID (`address-scope` extension).
    pub ipv4_address_scope: Option<String>,
    /// IPv6 address scope ID (`address-scope` extension).
    pub ipv6_address_scope: Option<String>,
    /// DNS domain for ports on this network, e.g. `my-domain.org.` (`dns-integration`; `""` when unset).
    pub dns_domain: Option<String>,
    /// QoS policy ID (`qos` extension).
    pub qos_policy_id: Option<String>,
    /// Whether this is the project's default external network (`auto-allocated-topology`).
    pub is_default: Option<bool>,
    /// Whether L2 connectivity is available across the whole network (`l2_adjacency` extension).
    pub l2_adjacency: Option<bool>,
    /// Whether VLAN-tagged frames pass through (`vlan-transparent` extension).
    pub vlan_transparent: Option<bool>,
    /// Whether 802.1ad (QinQ) frames pass through (`qinq` extension).
    pub qinq: Option<bool>,
    /// Free-text description.
    pub description: Option<String>,
    /// Tags (`standard-attr-tag`).
    pub tags: Vec<String>,
    /// When the network was created (Neutron sends it without a zone: UTC).
    #[serde(serialize_with = "timestamp::option::serialize")]
    pub created_at: Option<DateTime<Utc>>,
    /// When the network was last updated (UTC).
    #[serde(serialize_with = "timestamp::option::serialize")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Revision number, increased on every change (`standard-attr-revisions`).
    pub revision_number: Option<u64>,
}

/// The network exactly as sent; [`Network`] is built from it.
#[derive(Deserialize)]
struct RawNetwork {
    id: String,
    #[serde(default)]
    name: String,
    status: NetworkStatus,
    #[serde(default = "default_true")]
    admin_state_up: bool,
    #[serde(default)]
    shared: bool,
    #[serde(rename = "router:external", default)]
    external: Option<bool>,
    #[serde(default)]
    subnets: Vec<String>,
    #[serde(default)]
    mtu: Option<u32>,
    #[serde(default)]
    port_security_enabled: Option<bool>,
    #[serde(default)]
    project_id: Option<String>,
    #[serde(default)]
    tenant_id: Option<String>,
    #[serde(rename = "provider:network_type", default)]
    provider_network_type: Option<String>,
    #[serde(rename = "provider:physical_network", default)]
    provider_physical_network: Option<String>,
    #[serde(
        rename = "provider:segmentation_id",
        default,
        deserialize_with = "segmentation_id"
    )]
    provider_segmentation_id: Option<u32>,
    #[serde(default)]
    segments: Option<Vec<Segment>>,
    #[serde(default)]
    availability_zones: Option<Vec<String>>,
    #[serde(default)]
    availability_zone_hints: Option<Vec<String>>,
    #[serde(default)]
    ipv4_address_scope: Option<String>,
    #[serde(default)]
    ipv6_address_scope: Option<String>,
    #[serde(default)]
    dns_domain: Option<String>,
    #[serde(default)]
    qos_policy_id: Option<String>,
    #[serde(default)]
    is_default: Option<bool>,
    #[serde(default)]
    l2_adjacency: Option<bool>,
    #[serde(default)]
    vlan_transparent: Option<bool>,
    #[serde(default)]
    qinq: Option<bool>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "timestamp::option::deserialize")]
    created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "timestamp::option::deserialize")]
    updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    revision_number: Option<u64>,
}

impl From<RawNetwork> for Network {
    fn from(raw: RawNetwork) -> Self {
        let project_id = raw
            .project_id
            .filter(|p| !p.is_empty())
            .or_else(|| raw.tenant_id.clone().filter(|t| !t.is_empty()));
        Self {
            id: raw.id,
            name: raw.name,
            status: raw.status,
            admin_state_up: raw.admin_state_up,
            shared: raw.shared,
            external: raw.external.unwrap_or(false),
            subnets: raw.subnets,
            mtu: raw.mtu,
            port_security_enabled: raw.port_security_enabled,
            project_id,
            tenant_id: raw.tenant_id,
            provider_network_type: raw.provider_network_type,
            provider_physical_network: raw.provider_physical_network,
            provider_segmentation_id: raw.provider_segmentation_id,
            segments: raw.segments.unwrap_or_default(),
            availability_zones: raw.availability_zones.unwrap_or_default(),
            availability_zone_hints: raw.availability_zone_hints.unwrap_or_default(),
            ipv4_address_scope: raw.ipv4_address_scope,
            ipv6_address_scope: raw.ipv6_address_scope,
            dns_domain: raw.dns_domain,
            qos_policy_id: raw.qos_policy_id,
            is_default: raw.is_default,
            l2_adjacency: raw.l2_adjacency,
            vlan_transparent: raw.vlan_transparent,
            qinq: raw.qinq,
            description: raw.description,
            tags: raw.tags.unwrap_or_default(),
            created_at: raw.created_at,
            updated_at: raw.updated_at,
            revision_number: raw.revision_number,
        }
    }
}

impl<'de> Deserialize<'de> for Network {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RawNetwork::deserialize(d).map(Network::from)
    }
}

/// The fields of a [`CreateNetwork`], as sent inside `"network"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct CreateNetworkFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_state_up: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shared: Option<bool>,
    #[serde(rename = "router:external", skip_serializing_if = "Option::is_none")]
    external: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mtu: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port_security_enabled: Option<bool>,
    #[serde(
        rename = "provider:network_type",
        skip_serializing_if = "Option::is_none"
    )]
    provider_network_type: Option<String>,
    #[serde(
        rename = "provider:physical_network",
        skip_serializing_if = "Option::is_none"
    )]
    provider_physical_network: Option<String>,
    #[serde(
        rename = "provider:segmentation_id",
        skip_serializing_if = "Option::is_none"
    )]
    provider_segmentation_id: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    segments: Vec<Segment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    availability_zone_hints: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    qos_policy_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_default: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vlan_transparent: Option<bool>,
}

/// A `POST /v2.0/networks` request, built with chained setters; it serializes itself to
/// `{"network": {...}}` with unset fields left out. Every field is optional.
///
/// ```
/// use stackclient::network::CreateNetwork;
///
/// let req = CreateNetwork::new().name("net1").provider_network_type("vlan").provider_segmentation_id(2);
/// let body = serde_json::to_value(&req).unwrap();
/// assert_eq!(body["network"]["provider:segmentation_id"], 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CreateNetwork {
    network: CreateNetworkFields,
}

impl CreateNetwork {
    /// An empty request: Neutron fills every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Network name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.network.name = Some(name.into());
        self
    }

    /// Administrative state (default up).
    pub fn admin_state_up(mut self, up: bool) -> Self {
        self.network.admin_state_up = Some(up);
        self
    }

    /// Share the network with all projects (admin by default).
    pub fn shared(mut self, shared: bool) -> Self {
        self.network.shared = Some(shared);
        self
    }

    /// `router:external`: make it an external network (admin by default).
    pub fn external(mut self, external: bool) -> Self {
        self.network.external = Some(external);
        self
    }

    /// MTU in bytes (`net-mtu-writable` extension).
    pub fn mtu(mut self, mtu: u32) -> Self {
        self.network.mtu = Some(mtu);
        self
    }

    /// Default port security for the network's ports.
    pub fn port_security_enabled(mut self, enabled: bool) -> Self {
        self.network.port_security_enabled = Some(enabled);
        self
    }

    /// `provider:network_type`, e.g. `vlan` (admin by default).
    pub fn provider_network_type(mut self, network_type: impl Into<String>) -> Self {
        self.network.provider_network_type = Some(network_type.into());
        self
    }

    /// `provider:physical_network` (admin by default).
    pub fn provider_physical_network(mut self, physical_network: impl Into<String>) -> Self {
        self.network.provider_physical_network = Some(physical_network.into());
        self
    }

    /// `provider:segmentation_id`: VLAN or tunnel ID (admin by default).
    pub fn provider_segmentation_id(mut self, id: u32) -> Self {
        self.network.provider_segmentation_id = Some(id);
        self
    }

    /// Add a segment of a multi-segment network (`multi-provider`; do not mix with `provider_*`).
    pub fn segment(mut self, segment: Segment) -> Self {
        self.network.segments.push(segment);
        self
    }

    /// Free-text description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.network.description = Some(description.into());
        self
    }

    /// Add an availability zone hint. Repeatable.
    pub fn availability_zone_hint(mut self, zone: impl Into<String>) -> Self {
        self.network.availability_zone_hints.push(zone.into());
        self
    }

    /// Set all availability zone hints.
    pub fn availability_zone_hints<I, T>(mut self, zones: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.network.availability_zone_hints = zones.into_iter().map(Into::into).collect();
        self
    }

    /// Owning project (admin only, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.network.project_id = Some(project_id.into());
        self
    }

    /// DNS domain for the network's ports, e.g. `my-domain.org.` (`dns-integration`).
    pub fn dns_domain(mut self, domain: impl Into<String>) -> Self {
        self.network.dns_domain = Some(domain.into());
        self
    }

    /// QoS policy ID (`qos` extension).
    pub fn qos_policy_id(mut self, policy_id: impl Into<String>) -> Self {
        self.network.qos_policy_id = Some(policy_id.into());
        self
    }

    /// Make it the default external network (`auto-allocated-topology`, admin).
    pub fn is_default(mut self, is_default: bool) -> Self {
        self.network.is_default = Some(is_default);
        self
    }

    /// Request a VLAN-transparent network (`vlan-transparent`).
    pub fn vlan_transparent(mut self, transparent: bool) -> Self {
        self.network.vlan_transparent = Some(transparent);
        self
    }

    /// The request body as JSON: `{"network": {...}}`.
    #[allow(dead_code)] // for the networks handler; `Serialize` gives the same body
    pub(crate) fn to_body(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// The body of `PUT /v2.0/networks/{id}`: only the fields set are sent; [`Field::Null`] sends `null`
/// (clears the value where Neutron allows it).
///
/// ```
/// use stackclient::network::UpdateNetwork;
/// let req = UpdateNetwork::new().name("renamed").clear_description().mtu(1400);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"network": {"name": "renamed", "description": null, "mtu": 1400}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateNetwork {
    network: UpdateNetworkFields,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateNetworkFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    admin_state_up: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    shared: Field<bool>,
    #[serde(rename = "router:external", skip_serializing_if = "Field::is_absent")]
    external: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    mtu: Field<u32>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    port_security_enabled: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    dns_domain: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    qos_policy_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    is_default: Field<bool>,
    #[serde(
        rename = "provider:segmentation_id",
        skip_serializing_if = "Field::is_absent"
    )]
    provider_segmentation_id: Field<u32>,
}

impl UpdateNetwork {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.network.name = Field::Value(name.into());
        self
    }

    /// New description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.network.description = Field::Value(description.into());
        self
    }

    /// Clears the description (`"description": null`).
    pub fn clear_description(mut self) -> Self {
        self.network.description = Field::Null;
        self
    }

    /// Administrative state.
    pub fn admin_state_up(mut self, up: bool) -> Self {
        self.network.admin_state_up = Field::Value(up);
        self
    }

    /// Share with all projects (admin by default).
    pub fn shared(mut self, shared: bool) -> Self {
        self.network.shared = Field::Value(shared);
        self
    }

    /// `router:external` (admin by default).
    pub fn external(mut self, external: bool) -> Self {
        self.network.external = Field::Value(external);
        self
    }

    /// MTU in bytes (`net-mtu-writable`).
    pub fn mtu(mut self, mtu: u32) -> Self {
        self.network.mtu = Field::Value(mtu);
        self
    }

    /// Default port security of the network's new ports.
    pub fn port_security_enabled(mut self, enabled: bool) -> Self {
        self.network.port_security_enabled = Field::Value(enabled);
        self
    }

    /// DNS domain (`dns-integration`).
    pub fn dns_domain(mut self, domain: impl Into<String>) -> Self {
        self.network.dns_domain = Field::Value(domain.into());
        self
    }

    /// QoS policy; `None` detaches the policy (`"qos_policy_id": null`).
    pub fn qos_policy_id(mut self, policy_id: Option<&str>) -> Self {
        self.network.qos_policy_id = policy_id.map(str::to_string).into();
        self
    }

    /// Default external network (`auto-allocated-topology`, admin).
    pub fn is_default(mut self, is_default: bool) -> Self {
        self.network.is_default = Field::Value(is_default);
        self
    }

    /// `provider:segmentation_id` (admin; some drivers allow changing it).
    pub fn provider_segmentation_id(mut self, id: u32) -> Self {
        self.network.provider_segmentation_id = Field::Value(id);
        self
    }
}
