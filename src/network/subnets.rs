//! Subnets: `GET/POST /v2.0/subnets`, `GET/PUT/DELETE /v2.0/subnets/{id}`, tags below
//! `/v2.0/subnets/{id}/tags`.
//!
//! A subnet is an IPv4 or IPv6 address block on a network: its `cidr`, the `allocation_pools`
//! Neutron hands fixed IPs out of, the gateway, DHCP, DNS name servers and host routes. It can be
//! carved out of a [subnet pool](super::SubnetPool) instead of naming a CIDR.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient::{api_enum, null_default, num, opt_num, owner};
use crate::field::Field;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Creatable, RequestBody, Resource, Revisioned, Taggable, Updatable};
use crate::timestamp;

api_enum! {
    /// An IPv6 subnet's `ipv6_address_mode` (how ports get addresses) or `ipv6_ra_mode` (how
    /// router advertisements are sent).
    pub enum Ipv6Mode {
        /// `slaac`: addresses from router advertisements.
        Slaac => "slaac",
        /// `dhcpv6-stateful`: addresses and options from DHCPv6.
        Dhcpv6Stateful => "dhcpv6-stateful",
        /// `dhcpv6-stateless`: addresses by SLAAC, options from DHCPv6.
        Dhcpv6Stateless => "dhcpv6-stateless",
    }
}

/// One range of `allocation_pools`: fixed IPs are handed out from `start` to `end` (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[non_exhaustive]
pub struct AllocationPool {
    /// First address of the range, e.g. `10.0.0.2`.
    pub start: String,
    /// Last address of the range, e.g. `10.0.0.254`.
    pub end: String,
}

impl AllocationPool {
    /// The range `start`..=`end`.
    pub fn new(start: impl Into<String>, end: impl Into<String>) -> Self {
        Self {
            start: start.into(),
            end: end.into(),
        }
    }
}

/// One of `host_routes`: a static route DHCP hands to the subnet's hosts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[non_exhaustive]
pub struct HostRoute {
    /// Destination CIDR, e.g. `10.1.0.0/16`.
    pub destination: String,
    /// Next hop address, e.g. `10.0.0.5`.
    pub nexthop: String,
}

impl HostRoute {
    /// A route to `destination` via `nexthop`.
    pub fn new(destination: impl Into<String>, nexthop: impl Into<String>) -> Self {
        Self {
            destination: destination.into(),
            nexthop: nexthop.into(),
        }
    }
}

/// A subnet as `GET /v2.0/subnets[/{id}]` returns it (the inner object of `subnets[]` /
/// `subnet`).
///
/// Read leniently: `project_id` is filled from `tenant_id` when only that is sent; `null` lists
/// are empty; `ip_version` and `revision_number` may be strings; timestamps with or without a zone.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct Subnet {
    /// Subnet ID (UUID).
    pub id: String,
    /// Name (may be empty).
    #[serde(default)]
    pub name: String,
    /// Free-text description.
    #[serde(default)]
    pub description: Option<String>,
    /// The network it belongs to.
    pub network_id: String,
    /// Owning project ID; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project ID under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// `4` or `6`.
    #[serde(deserialize_with = "num")]
    pub ip_version: u8,
    /// The address block, e.g. `10.0.0.0/24`.
    pub cidr: String,
    /// Gateway address; `None` when the subnet has no gateway.
    #[serde(default)]
    pub gateway_ip: Option<String>,
    /// Whether DHCP serves the subnet (Neutron's default: `true`).
    #[serde(default = "default_true")]
    pub enable_dhcp: bool,
    /// Ranges fixed IPs are allocated from.
    #[serde(default, deserialize_with = "null_default")]
    pub allocation_pools: Vec<AllocationPool>,
    /// Static routes handed out by DHCP.
    #[serde(default, deserialize_with = "null_default")]
    pub host_routes: Vec<HostRoute>,
    /// DNS name servers handed out by DHCP, in order.
    #[serde(default, deserialize_with = "null_default")]
    pub dns_nameservers: Vec<String>,
    /// IPv6 address mode (`None` for IPv4 and unset).
    #[serde(default)]
    pub ipv6_address_mode: Option<Ipv6Mode>,
    /// IPv6 router advertisement mode (`None` for IPv4 and unset).
    #[serde(default)]
    pub ipv6_ra_mode: Option<Ipv6Mode>,
    /// The subnet pool it was allocated from (`subnet_allocation`).
    #[serde(default)]
    pub subnetpool_id: Option<String>,
    /// The network segment it is on (`segment` extension, routed networks).
    #[serde(default)]
    pub segment_id: Option<String>,
    /// Device owners allowed to get addresses here, e.g. `network:floatingip`
    /// (`subnet-service-types`); empty means every owner.
    #[serde(default, deserialize_with = "null_default")]
    pub service_types: Vec<String>,
    /// Whether fixed IPs are published to DNS (`subnet-dns-publish-fixed-ip`).
    #[serde(default)]
    pub dns_publish_fixed_ip: Option<bool>,
    /// `router:external` of its network (`subnet-external-network`).
    #[serde(rename = "router:external", default)]
    pub external: Option<bool>,
    /// Whether the subnet is shared (older Neutron; follows its network).
    #[serde(default)]
    pub shared: Option<bool>,
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

fn default_true() -> bool {
    true
}

impl<'de> Deserialize<'de> for Subnet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut s = Subnet::deserialize(d)?;
        s.project_id = owner(s.project_id.take(), s.tenant_id.as_ref());
        Ok(s)
    }
}

impl Serialize for Subnet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Subnet::serialize(self, s)
    }
}

impl Resource for Subnet {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "subnet";
    const COLLECTION: &'static [&'static str] = &["subnets"];
    const SINGULAR: &'static str = "subnet";
    const PLURAL: &'static str = "subnets";
    const LINKS: &'static str = "subnets_links";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Creatable for Subnet {
    type Create = CreateSubnet;
    type Created = Subnet;
}

impl Updatable for Subnet {
    type Update = UpdateSubnet;
}

impl Revisioned for Subnet {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

impl Taggable for Subnet {}

/// Subnet operations (`client.network().subnets()`): `GET/POST /v2.0/subnets`,
/// `GET/PUT/DELETE /v2.0/subnets/{id}` through the generic [`Api`] verbs, with `update_if`,
/// `modify` and the tags API.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreateSubnet, UpdateSubnet};
/// let subnets = client.network().subnets();
/// # let net_id = fake.network_id("private").expect("seeded");
/// let sub = subnets.create(&CreateSubnet::new(&net_id, 4).cidr("10.0.1.0/24").name("web")).await?;
/// assert_eq!(sub.gateway_ip.as_deref(), Some("10.0.1.1"));
/// // No gateway, no DNS servers: explicit null and an empty list.
/// let sub = subnets.update(&sub.id, &UpdateSubnet::new().no_gateway().dns_nameservers(Vec::<String>::new())).await?;
/// assert!(sub.gateway_ip.is_none());
/// assert!(sub.dns_nameservers.is_empty());
/// # Ok(()) }
/// ```
pub type Subnets = Api<Subnet>;

/// Filters of `GET /v2.0/subnets`; [`List`] gives `limit`, `marker`, `sort`, `param`, `send`,
/// `into_stream` and `all`, and the tag filters.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// let subnets = client.network().subnets();
/// let private = fake.network_id("private").expect("seeded");
/// let on_private = subnets.list().network_id(&private).ip_version(4).all().await?;
/// assert_eq!(on_private.len(), 1);
/// assert_eq!((on_private[0].name.as_str(), on_private[0].cidr.as_str()), ("private-subnet", "10.0.0.0/24"));
/// let no_dhcp = subnets.list().enable_dhcp(false).all().await?; // the external network's
/// assert_eq!(no_dhcp[0].cidr, "172.24.4.0/24");
/// assert!(subnets.list().cidr("192.0.2.0/24").all().await?.is_empty());
/// # Ok(()) }
/// ```
pub type SubnetList = List<Subnet>;

impl List<Subnet> {
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

    /// `network_id`.
    pub fn network_id(self, network_id: &str) -> Self {
        self.param("network_id", network_id)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }

    /// `ip_version` (`4` or `6`).
    pub fn ip_version(self, version: u8) -> Self {
        self.param("ip_version", version)
    }

    /// `cidr`, e.g. `10.0.0.0/24`.
    pub fn cidr(self, cidr: &str) -> Self {
        self.param("cidr", cidr)
    }

    /// `gateway_ip`.
    pub fn gateway_ip(self, gateway_ip: &str) -> Self {
        self.param("gateway_ip", gateway_ip)
    }

    /// `enable_dhcp`.
    pub fn enable_dhcp(self, enabled: bool) -> Self {
        self.param("enable_dhcp", enabled)
    }

    /// `ipv6_address_mode`.
    pub fn ipv6_address_mode(self, mode: Ipv6Mode) -> Self {
        self.param("ipv6_address_mode", mode)
    }

    /// `ipv6_ra_mode`.
    pub fn ipv6_ra_mode(self, mode: Ipv6Mode) -> Self {
        self.param("ipv6_ra_mode", mode)
    }

    /// `subnetpool_id`.
    pub fn subnetpool_id(self, subnetpool_id: &str) -> Self {
        self.param("subnetpool_id", subnetpool_id)
    }

    /// `segment_id`.
    pub fn segment_id(self, segment_id: &str) -> Self {
        self.param("segment_id", segment_id)
    }

    /// `shared`.
    pub fn shared(self, shared: bool) -> Self {
        self.param("shared", shared)
    }

    /// `revision_number`.
    pub fn revision_number(self, revision: u64) -> Self {
        self.param("revision_number", revision)
    }

    /// `dns_publish_fixed_ip`.
    pub fn dns_publish_fixed_ip(self, publish: bool) -> Self {
        self.param("dns_publish_fixed_ip", publish)
    }
}

/// The fields of a [`CreateSubnet`], as sent inside `"subnet"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct CreateSubnetFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    network_id: String,
    ip_version: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    cidr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subnetpool_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    use_default_subnetpool: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefixlen: Option<u8>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    gateway_ip: Field<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_dhcp: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allocation_pools: Option<Vec<AllocationPool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host_routes: Option<Vec<HostRoute>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_nameservers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipv6_address_mode: Option<Ipv6Mode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipv6_ra_mode: Option<Ipv6Mode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    segment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_publish_fixed_ip: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<String>>,
}

/// A `POST /v2.0/subnets` request: `{"subnet": {...}}` with what was set. `network_id` and
/// `ip_version` are required; give a `cidr`, or take one from a subnet pool
/// ([`from_pool`](Self::from_pool), [`from_default_pool`](Self::from_default_pool)).
///
/// ```
/// use stackclient::network::{CreateSubnet, HostRoute};
/// let req = CreateSubnet::new("net-1", 4).cidr("10.0.0.0/24").host_route(HostRoute::new("10.1.0.0/16", "10.0.0.5"));
/// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({"subnet": {
///     "network_id": "net-1", "ip_version": 4, "cidr": "10.0.0.0/24",
///     "host_routes": [{"destination": "10.1.0.0/16", "nexthop": "10.0.0.5"}]}}));
/// let req = CreateSubnet::from_pool("net-1", 4, "pool-1").prefixlen(26);
/// assert_eq!(serde_json::to_value(&req).unwrap()["subnet"]["prefixlen"], 26);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateSubnet {
    subnet: CreateSubnetFields,
}

impl RequestBody for CreateSubnet {}

impl CreateSubnet {
    /// A subnet on `network_id` of IP version `ip_version` (`4` or `6`); set [`cidr`](Self::cidr).
    pub fn new(network_id: impl Into<String>, ip_version: u8) -> Self {
        Self {
            subnet: CreateSubnetFields {
                network_id: network_id.into(),
                ip_version,
                ..CreateSubnetFields::default()
            },
        }
    }

    /// A subnet whose CIDR Neutron takes from subnet pool `subnetpool_id` (the pool's
    /// `default_prefixlen` unless [`prefixlen`](Self::prefixlen) is set).
    pub fn from_pool(
        network_id: impl Into<String>,
        ip_version: u8,
        subnetpool_id: impl Into<String>,
    ) -> Self {
        let mut req = Self::new(network_id, ip_version);
        req.subnet.subnetpool_id = Some(subnetpool_id.into());
        req
    }

    /// A subnet from the cloud's default subnet pool of its IP version
    /// (`use_default_subnetpool: true`).
    pub fn from_default_pool(network_id: impl Into<String>, ip_version: u8) -> Self {
        let mut req = Self::new(network_id, ip_version);
        req.subnet.use_default_subnetpool = Some(true);
        req
    }

    /// The address block, e.g. `10.0.0.0/24`.
    pub fn cidr(mut self, cidr: impl Into<String>) -> Self {
        self.subnet.cidr = Some(cidr.into());
        self
    }

    /// Prefix length of a CIDR taken from a subnet pool, e.g. `26`.
    pub fn prefixlen(mut self, prefixlen: u8) -> Self {
        self.subnet.prefixlen = Some(prefixlen);
        self
    }

    /// Name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.subnet.name = Some(name.into());
        self
    }

    /// Free-text description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.subnet.description = Some(description.into());
        self
    }

    /// Gateway address (default: the first address of the CIDR).
    pub fn gateway_ip(mut self, gateway_ip: impl Into<String>) -> Self {
        self.subnet.gateway_ip = Field::Value(gateway_ip.into());
        self
    }

    /// No gateway at all (`"gateway_ip": null`).
    pub fn no_gateway(mut self) -> Self {
        self.subnet.gateway_ip = Field::Null;
        self
    }

    /// Whether DHCP serves the subnet (default `true`).
    pub fn enable_dhcp(mut self, enabled: bool) -> Self {
        self.subnet.enable_dhcp = Some(enabled);
        self
    }

    /// Adds an allocation pool (default: the whole CIDR but the gateway). Repeatable.
    pub fn allocation_pool(mut self, pool: AllocationPool) -> Self {
        self.subnet
            .allocation_pools
            .get_or_insert_with(Vec::new)
            .push(pool);
        self
    }

    /// Adds a host route. Repeatable.
    pub fn host_route(mut self, route: HostRoute) -> Self {
        self.subnet
            .host_routes
            .get_or_insert_with(Vec::new)
            .push(route);
        self
    }

    /// DNS name servers, in order (an empty list is sent as `[]`).
    pub fn dns_nameservers<I, T>(mut self, servers: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnet.dns_nameservers = Some(servers.into_iter().map(Into::into).collect());
        self
    }

    /// IPv6 address mode.
    pub fn ipv6_address_mode(mut self, mode: Ipv6Mode) -> Self {
        self.subnet.ipv6_address_mode = Some(mode);
        self
    }

    /// IPv6 router advertisement mode.
    pub fn ipv6_ra_mode(mut self, mode: Ipv6Mode) -> Self {
        self.subnet.ipv6_ra_mode = Some(mode);
        self
    }

    /// The network segment (routed networks).
    pub fn segment_id(mut self, segment_id: impl Into<String>) -> Self {
        self.subnet.segment_id = Some(segment_id.into());
        self
    }

    /// Device owners allowed to get addresses here, e.g. `network:floatingip`.
    pub fn service_types<I, T>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnet.service_types = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// Publish fixed IPs to DNS (`subnet-dns-publish-fixed-ip`).
    pub fn dns_publish_fixed_ip(mut self, publish: bool) -> Self {
        self.subnet.dns_publish_fixed_ip = Some(publish);
        self
    }

    /// Owning project (admin only, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.subnet.project_id = Some(project_id.into());
        self
    }

    /// Tags set at creation (`tag-creation`).
    pub fn tags<I, T>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnet.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateSubnetFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    gateway_ip: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    enable_dhcp: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    allocation_pools: Field<Vec<AllocationPool>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    host_routes: Field<Vec<HostRoute>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    dns_nameservers: Field<Vec<String>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    service_types: Field<Vec<String>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    segment_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    dns_publish_fixed_ip: Field<bool>,
}

/// The body of `PUT /v2.0/subnets/{id}`: only the fields set are sent; `null` and `[]` are
/// values ([`no_gateway`](Self::no_gateway) sends `"gateway_ip": null`, an empty
/// [`dns_nameservers`](Self::dns_nameservers) clears them).
///
/// ```
/// use stackclient::network::UpdateSubnet;
/// let req = UpdateSubnet::new().no_gateway().dns_nameservers(Vec::<String>::new()).name("db");
/// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({"subnet": {
///     "name": "db", "gateway_ip": null, "dns_nameservers": []}}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateSubnet {
    subnet: UpdateSubnetFields,
}

impl RequestBody for UpdateSubnet {}

impl UpdateSubnet {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.subnet.name = Field::Value(name.into());
        self
    }

    /// New description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.subnet.description = Field::Value(description.into());
        self
    }

    /// New gateway address.
    pub fn gateway_ip(mut self, gateway_ip: impl Into<String>) -> Self {
        self.subnet.gateway_ip = Field::Value(gateway_ip.into());
        self
    }

    /// Removes the gateway (`"gateway_ip": null`).
    pub fn no_gateway(mut self) -> Self {
        self.subnet.gateway_ip = Field::Null;
        self
    }

    /// Turns DHCP on or off.
    pub fn enable_dhcp(mut self, enabled: bool) -> Self {
        self.subnet.enable_dhcp = Field::Value(enabled);
        self
    }

    /// Replaces the allocation pools.
    pub fn allocation_pools(mut self, pools: Vec<AllocationPool>) -> Self {
        self.subnet.allocation_pools = Field::Value(pools);
        self
    }

    /// Replaces the host routes (`[]` removes them all).
    pub fn host_routes(mut self, routes: Vec<HostRoute>) -> Self {
        self.subnet.host_routes = Field::Value(routes);
        self
    }

    /// Replaces the DNS name servers (`[]` removes them all).
    pub fn dns_nameservers<I, T>(mut self, servers: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnet.dns_nameservers = Field::Value(servers.into_iter().map(Into::into).collect());
        self
    }

    /// Replaces the service types (`[]`: every device owner).
    pub fn service_types<I, T>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnet.service_types = Field::Value(types.into_iter().map(Into::into).collect());
        self
    }

    /// Moves the subnet to a segment; `None` sends `null` (routed networks).
    pub fn segment_id(mut self, segment_id: Option<&str>) -> Self {
        self.subnet.segment_id = segment_id.map(str::to_string).into();
        self
    }

    /// Publish fixed IPs to DNS.
    pub fn dns_publish_fixed_ip(mut self, publish: bool) -> Self {
        self.subnet.dns_publish_fixed_ip = Field::Value(publish);
        self
    }
}
