//! Routers: `GET/POST /v2.0/routers`, `GET/PUT/DELETE /v2.0/routers/{id}`, and the router actions
//! `PUT /v2.0/routers/{id}/add_router_interface`, `…/remove_router_interface`, `…/add_extraroutes`,
//! `…/remove_extraroutes`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
//! # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! use stackclient::network::{CreateRouter, ExternalGateway, RouterInterface};
//! let routers = client.network().routers();
//! # let ext_net = fake.network_id("public").expect("seeded");
//! # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
//! let router = routers
//!     .create(&CreateRouter::new().name("edge").external_gateway(ExternalGateway::new(&ext_net)))
//!     .await?;
//! let iface = routers.add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
//! // Neutron made a port on the subnet's gateway address.
//! let port = client.network().ports().get(&iface.port_id).await?;
//! assert_eq!((port.device_owner.as_str(), port.fixed_ips[0].ip_address.as_deref()), ("network:router_interface", Some("10.0.0.1")));
//! routers.remove_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
//! routers.delete(&router.id).await?;
//! # Ok(()) }
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient::{self, api_enum};
use crate::error::Error;
use crate::field::Field;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{
    Api, Creatable, RequestBody, Resource, Revisioned, Taggable, Updatable, if_match, to_json,
};
use crate::timestamp;

api_enum! {
    /// A router's `status`. Values this crate does not know are kept in [`RouterStatus::Other`]
    /// (an empty `Other` when the answer had no status, as the API reference's extra-route samples).
    RouterStatus {
        /// `ACTIVE`.
        Active => "ACTIVE",
        /// `DOWN`.
        Down => "DOWN",
        /// `BUILD`.
        Build => "BUILD",
        /// `ERROR`.
        Error => "ERROR",
        /// `ALLOCATING` (being scheduled, L3 HA and flavors).
        Allocating => "ALLOCATING",
    }
}

fn no_status() -> RouterStatus {
    RouterStatus::Other(String::new())
}

fn default_true() -> bool {
    true
}

/// One fixed IP of a router's external gateway (`external_fixed_ips[]`): a subnet of the external
/// network and/or an address on it. In a request, either may be left out (Neutron picks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExternalFixedIp {
    /// Subnet ID on the external network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// IP address, e.g. `172.24.4.6`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

impl ExternalFixedIp {
    /// An address on `subnet_id`, chosen by Neutron.
    pub fn subnet(subnet_id: impl Into<String>) -> Self {
        Self {
            subnet_id: Some(subnet_id.into()),
            ip_address: None,
        }
    }

    /// This address (Neutron finds its subnet).
    pub fn address(ip_address: impl Into<String>) -> Self {
        Self {
            subnet_id: None,
            ip_address: Some(ip_address.into()),
        }
    }

    /// This address on `subnet_id`.
    pub fn on_subnet(subnet_id: impl Into<String>, ip_address: impl Into<String>) -> Self {
        Self {
            subnet_id: Some(subnet_id.into()),
            ip_address: Some(ip_address.into()),
        }
    }
}

/// A router's external gateway (`external_gateway_info`, also one item of `external_gateways`):
/// both what Neutron answers and what a request sends (unset fields are left out).
///
/// ```
/// use stackclient::network::{ExternalFixedIp, ExternalGateway};
/// let gw = ExternalGateway::new("ae34…").enable_snat(false).fixed_ip(ExternalFixedIp::subnet("b930…"));
/// assert_eq!(
///     serde_json::to_value(&gw).unwrap(),
///     serde_json::json!({"network_id": "ae34…", "enable_snat": false, "external_fixed_ips": [{"subnet_id": "b930…"}]})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExternalGateway {
    /// The external network's ID (`router:external` true).
    pub network_id: String,
    /// Source NAT for traffic leaving through the gateway (`ext-gw-mode`; admin by default to
    /// change). `None`: not sent / not shown.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_snat: Option<bool>,
    /// The gateway port's fixed IPs; empty in a request: Neutron picks.
    #[serde(
        default,
        deserialize_with = "lenient::null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub external_fixed_ips: Vec<ExternalFixedIp>,
    /// QoS policy of the gateway port (`qos-gateway-ip`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_policy_id: Option<String>,
    /// ECMP across the default routes of several gateways (`external-gateway-multihoming`).
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_default_route_ecmp: Option<bool>,
    /// BFD on the default routes (`external-gateway-multihoming`).
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_default_route_bfd: Option<bool>,
}

impl ExternalGateway {
    /// A gateway on the external network `network_id`; everything else left to Neutron.
    pub fn new(network_id: impl Into<String>) -> Self {
        Self {
            network_id: network_id.into(),
            ..Self::default()
        }
    }

    /// `enable_snat`.
    pub fn enable_snat(mut self, enable: bool) -> Self {
        self.enable_snat = Some(enable);
        self
    }

    /// Adds one `external_fixed_ips` entry. Repeatable.
    pub fn fixed_ip(mut self, ip: ExternalFixedIp) -> Self {
        self.external_fixed_ips.push(ip);
        self
    }

    /// `qos_policy_id` of the gateway port.
    pub fn qos_policy_id(mut self, policy_id: impl Into<String>) -> Self {
        self.qos_policy_id = Some(policy_id.into());
        self
    }
}

/// An extra route (`routes[]`, `extraroute` extension): traffic to `destination` goes to
/// `nexthop`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Route {
    /// Destination CIDR, e.g. `10.0.3.0/24`.
    pub destination: String,
    /// Next hop IP address, on one of the router's subnets.
    pub nexthop: String,
}

impl Route {
    /// `destination` (CIDR) via `nexthop` (IP).
    pub fn new(destination: impl Into<String>, nexthop: impl Into<String>) -> Self {
        Self {
            destination: destination.into(),
            nexthop: nexthop.into(),
        }
    }
}

/// A conntrack helper of a router (`conntrack_helpers[]`, `l3-conntrack-helper` extension).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConntrackHelper {
    /// Protocol, e.g. `udp`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// Helper module, e.g. `tftp`.
    #[serde(default)]
    pub helper: Option<String>,
    /// Port number.
    #[serde(default, deserialize_with = "lenient::opt_number")]
    pub port: Option<u16>,
}

/// One internal interface as a router lists it in `interfaces_info` (multiple-gateway answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterfaceInfo {
    /// The interface port's ID.
    #[serde(default)]
    pub port_id: Option<String>,
    /// Subnet ID.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// The interface address on that subnet.
    #[serde(default)]
    pub ip_address: Option<String>,
}

/// A router as `GET /v2.0/routers[/{id}]` returns it (the inner object of `routers[]` /
/// `router`).
///
/// Fields from extensions or admin-only by policy are `Option`s (or empty lists); `project_id` is
/// filled from `tenant_id` when only that is sent; `null` lists are empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct Router {
    /// Router ID (UUID).
    pub id: String,
    /// Name (may be empty).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub name: String,
    /// Free-text description.
    #[serde(default)]
    pub description: Option<String>,
    /// Status.
    #[serde(default = "no_status")]
    pub status: RouterStatus,
    /// Administrative state: `false` means down.
    #[serde(default = "default_true")]
    pub admin_state_up: bool,
    /// Owning project; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// The external gateway; `None` when the router has none (`null`).
    #[serde(default)]
    pub external_gateway_info: Option<ExternalGateway>,
    /// Every external gateway (`external-gateway-multihoming`); empty otherwise.
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub external_gateways: Vec<ExternalGateway>,
    /// Extra routes (`extraroute`).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub routes: Vec<Route>,
    /// Distributed (DVR) router (`dvr`; admin only by default).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub distributed: Option<bool>,
    /// Highly available router (`l3-ha`; admin only by default).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub ha: Option<bool>,
    /// Router flavor ID (`l3-flavors`), `None` when none.
    #[serde(default)]
    pub flavor_id: Option<String>,
    /// Service type ID (`service-type`), `None` when none.
    #[serde(default)]
    pub service_type_id: Option<String>,
    /// Availability zones the router is in (`router_availability_zone`).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub availability_zones: Vec<String>,
    /// Availability zones requested at creation.
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub availability_zone_hints: Vec<String>,
    /// Conntrack helpers (`l3-conntrack-helper`).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub conntrack_helpers: Vec<ConntrackHelper>,
    /// Internal interfaces (shown by multiple-gateway answers); empty otherwise.
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub interfaces_info: Vec<InterfaceInfo>,
    /// NDP proxy (`l3-ndp-proxy`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub enable_ndp_proxy: Option<bool>,
    /// BFD on default routes (`external-gateway-multihoming`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub enable_default_route_bfd: Option<bool>,
    /// ECMP on default routes (`external-gateway-multihoming`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub enable_default_route_ecmp: Option<bool>,
    /// Tags (`standard-attr-tag`).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub tags: Vec<String>,
    /// When the router was created (UTC; every timestamp form Neutron has used is read).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// When the router was last changed (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub updated_at: Option<DateTime<Utc>>,
    /// Revision number, increased on every change (`standard-attr-revisions`).
    #[serde(default, deserialize_with = "lenient::opt_number")]
    pub revision_number: Option<u64>,
}

impl<'de> Deserialize<'de> for Router {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut r = Router::deserialize(d)?;
        r.project_id = lenient::owner(r.project_id.take(), r.tenant_id.as_ref());
        Ok(r)
    }
}

impl Serialize for Router {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Router::serialize(self, s)
    }
}

impl Resource for Router {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "router";
    const COLLECTION: &'static [&'static str] = &["routers"];
    const SINGULAR: &'static str = "router";
    const PLURAL: &'static str = "routers";
    const LINKS: &'static str = "routers_links";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Creatable for Router {
    type Create = CreateRouter;
    type Created = Router;
}

impl Updatable for Router {
    type Update = UpdateRouter;
}

impl Revisioned for Router {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

impl Taggable for Router {}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct CreateRouterFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_state_up: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_gateway_info: Option<ExternalGateway>,
    #[serde(skip_serializing_if = "Option::is_none")]
    distributed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ha: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability_zone_hints: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flavor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_type_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_ndp_proxy: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_default_route_bfd: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_default_route_ecmp: Option<bool>,
}

/// The body of `POST /v2.0/routers`: `{"router": {...}}` with only the fields set. Every field
/// is optional.
///
/// ```
/// use stackclient::network::{CreateRouter, ExternalGateway};
/// let req = CreateRouter::new().name("router1").external_gateway(ExternalGateway::new("ae34…")).admin_state_up(true);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"router": {"name": "router1", "external_gateway_info": {"network_id": "ae34…"}, "admin_state_up": true}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CreateRouter {
    router: CreateRouterFields,
}

impl RequestBody for CreateRouter {}

impl CreateRouter {
    /// An empty request: Neutron fills every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.router.name = Some(name.into());
        self
    }

    /// Description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.router.description = Some(description.into());
        self
    }

    /// Administrative state (default up).
    pub fn admin_state_up(mut self, up: bool) -> Self {
        self.router.admin_state_up = Some(up);
        self
    }

    /// `external_gateway_info`: plug the router into an external network.
    pub fn external_gateway(mut self, gateway: ExternalGateway) -> Self {
        self.router.external_gateway_info = Some(gateway);
        self
    }

    /// `distributed` (DVR; admin by default).
    pub fn distributed(mut self, distributed: bool) -> Self {
        self.router.distributed = Some(distributed);
        self
    }

    /// `ha` (L3 HA; admin by default).
    pub fn ha(mut self, ha: bool) -> Self {
        self.router.ha = Some(ha);
        self
    }

    /// `availability_zone_hints` (an empty list is sent as `[]`).
    pub fn availability_zone_hints<I, T>(mut self, zones: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.router.availability_zone_hints = Some(zones.into_iter().map(Into::into).collect());
        self
    }

    /// `flavor_id` (`l3-flavors`).
    pub fn flavor_id(mut self, flavor_id: impl Into<String>) -> Self {
        self.router.flavor_id = Some(flavor_id.into());
        self
    }

    /// `service_type_id`.
    pub fn service_type_id(mut self, id: impl Into<String>) -> Self {
        self.router.service_type_id = Some(id.into());
        self
    }

    /// Owning project (admin, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.router.project_id = Some(project_id.into());
        self
    }

    /// `enable_ndp_proxy` (`l3-ndp-proxy`).
    pub fn enable_ndp_proxy(mut self, enable: bool) -> Self {
        self.router.enable_ndp_proxy = Some(enable);
        self
    }

    /// `enable_default_route_bfd`.
    pub fn enable_default_route_bfd(mut self, enable: bool) -> Self {
        self.router.enable_default_route_bfd = Some(enable);
        self
    }

    /// `enable_default_route_ecmp`.
    pub fn enable_default_route_ecmp(mut self, enable: bool) -> Self {
        self.router.enable_default_route_ecmp = Some(enable);
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateRouterFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    admin_state_up: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    external_gateway_info: Field<ExternalGateway>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    routes: Field<Vec<Route>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    distributed: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    ha: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    enable_ndp_proxy: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    enable_default_route_bfd: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    enable_default_route_ecmp: Field<bool>,
}

/// The body of `PUT /v2.0/routers/{id}`: only the fields set are sent.
/// [`clear_external_gateway`](Self::clear_external_gateway) sends `"external_gateway_info": null`
/// (removes the gateway); [`routes`](Self::routes) with an empty list sends `"routes": []`
/// (removes every extra route). To add or remove single routes without racing other writers, use
/// [`Api::add_extra_routes`] / [`Api::remove_extra_routes`].
///
/// ```
/// use stackclient::network::UpdateRouter;
/// let req = UpdateRouter::new().clear_external_gateway().routes(vec![]);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"router": {"external_gateway_info": null, "routes": []}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateRouter {
    router: UpdateRouterFields,
}

impl RequestBody for UpdateRouter {}

impl UpdateRouter {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.router.name = Field::Value(name.into());
        self
    }

    /// New description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.router.description = Field::Value(description.into());
        self
    }

    /// Administrative state.
    pub fn admin_state_up(mut self, up: bool) -> Self {
        self.router.admin_state_up = Field::Value(up);
        self
    }

    /// Sets (or replaces) the external gateway.
    pub fn external_gateway(mut self, gateway: ExternalGateway) -> Self {
        self.router.external_gateway_info = Field::Value(gateway);
        self
    }

    /// Removes the external gateway (`"external_gateway_info": null`).
    pub fn clear_external_gateway(mut self) -> Self {
        self.router.external_gateway_info = Field::Null;
        self
    }

    /// Replaces every extra route; an empty list removes them all (`"routes": []`).
    pub fn routes(mut self, routes: Vec<Route>) -> Self {
        self.router.routes = Field::Value(routes);
        self
    }

    /// `distributed` (admin; the router must be down).
    pub fn distributed(mut self, distributed: bool) -> Self {
        self.router.distributed = Field::Value(distributed);
        self
    }

    /// `ha` (admin; the router must be down).
    pub fn ha(mut self, ha: bool) -> Self {
        self.router.ha = Field::Value(ha);
        self
    }

    /// `enable_ndp_proxy`.
    pub fn enable_ndp_proxy(mut self, enable: bool) -> Self {
        self.router.enable_ndp_proxy = Field::Value(enable);
        self
    }

    /// `enable_default_route_bfd`.
    pub fn enable_default_route_bfd(mut self, enable: bool) -> Self {
        self.router.enable_default_route_bfd = Field::Value(enable);
        self
    }

    /// `enable_default_route_ecmp`.
    pub fn enable_default_route_ecmp(mut self, enable: bool) -> Self {
        self.router.enable_default_route_ecmp = Field::Value(enable);
        self
    }
}

/// What to attach to (or detach from) a router: the body of `add_router_interface` /
/// `remove_router_interface`, `{"subnet_id": …}` or `{"port_id": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum RouterInterface {
    /// A subnet: Neutron creates a port with the subnet's gateway IP (`{"subnet_id": …}`).
    #[serde(rename = "subnet_id")]
    Subnet(String),
    /// An existing port, whose address becomes the interface's (`{"port_id": …}`).
    #[serde(rename = "port_id")]
    Port(String),
}

impl RouterInterface {
    /// The interface by subnet.
    pub fn subnet(subnet_id: impl Into<String>) -> Self {
        Self::Subnet(subnet_id.into())
    }

    /// The interface by port.
    pub fn port(port_id: impl Into<String>) -> Self {
        Self::Port(port_id.into())
    }

    fn id(&self) -> &str {
        match self {
            Self::Subnet(id) | Self::Port(id) => id,
        }
    }
}

/// The answer of `add_router_interface` / `remove_router_interface` (a bare object, no envelope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct RouterInterfaceInfo {
    /// The router's ID.
    pub id: String,
    /// The interface port's ID (created for a subnet, or the port given).
    pub port_id: String,
    /// The port's network ID.
    #[serde(default)]
    pub network_id: Option<String>,
    /// The first subnet of the interface.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// Every subnet of the interface (IPv6 subnets of one network share a port).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub subnet_ids: Vec<String>,
    /// The router's project; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// The router's project under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// The router's tags.
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub tags: Vec<String>,
}

impl<'de> Deserialize<'de> for RouterInterfaceInfo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut r = RouterInterfaceInfo::deserialize(d)?;
        r.project_id = lenient::owner(r.project_id.take(), r.tenant_id.as_ref());
        Ok(r)
    }
}

impl Serialize for RouterInterfaceInfo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RouterInterfaceInfo::serialize(self, s)
    }
}

/// The body of `add_extraroutes` / `remove_extraroutes`: `{"router": {"routes": [...]}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtraRoutes {
    router: ExtraRoutesFields,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct ExtraRoutesFields {
    routes: Vec<Route>,
}

impl ExtraRoutes {
    /// These routes.
    pub fn new(routes: Vec<Route>) -> Self {
        Self {
            router: ExtraRoutesFields { routes },
        }
    }
}

/// Router operations (`client.network().routers()`): the generic [`Api`] verbs (`get`, `list`,
/// `create`, `update`, `update_if`, `modify`, `delete`, tags) plus the interface and extra-route
/// actions below.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreateRouter, ExternalGateway, UpdateRouter};
/// let routers = client.network().routers();
/// let public = client.network().networks().find("public").await?.expect("external network");
/// let router = routers.create(&CreateRouter::new().name("edge")).await?;
/// // Set the gateway: Neutron gives the router an address on the external network.
/// let router = routers.update(&router.id, &UpdateRouter::new().external_gateway(ExternalGateway::new(&public.id))).await?;
/// let gateway = router.external_gateway_info.expect("a gateway");
/// assert_eq!(gateway.network_id, public.id);
/// assert!(gateway.external_fixed_ips[0].ip_address.as_deref().is_some_and(|ip| ip.starts_with("172.24.4.")));
/// let gw_ports = client.network().ports().list().device_owner("network:router_gateway").all().await?;
/// assert_eq!(gw_ports.len(), 1);
/// // And clear it (`"external_gateway_info": null`): the gateway port goes.
/// let router = routers.update(&router.id, &UpdateRouter::new().clear_external_gateway()).await?;
/// assert!(router.external_gateway_info.is_none());
/// assert!(client.network().ports().list().device_owner("network:router_gateway").all().await?.is_empty());
/// # Ok(()) }
/// ```
pub type Routers = Api<Router>;

/// Filters of `GET /v2.0/routers`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreateRouter, RouterStatus};
/// let routers = client.network().routers();
/// routers.create(&CreateRouter::new().name("edge")).await?;
/// routers.create(&CreateRouter::new().name("core").admin_state_up(false)).await?;
/// assert_eq!(routers.list().name("edge").all().await?.len(), 1);
/// let down: Vec<_> = routers.list().admin_state_up(false).all().await?.into_iter().map(|r| r.name).collect();
/// assert_eq!(down, ["core"]);
/// assert_eq!(routers.list().status(RouterStatus::Active).all().await?.len(), 2);
/// # Ok(()) }
/// ```
pub type RouterList = List<Router>;

impl Api<Router> {
    async fn interface(
        &self,
        router_id: &str,
        action: &str,
        iface: &RouterInterface,
    ) -> Result<RouterInterfaceInfo, Error> {
        let what = match iface {
            RouterInterface::Subnet(_) => "subnet",
            RouterInterface::Port(_) => "port",
        };
        crate::request::check_id(what, iface.id())?;
        let call = self
            .item_call(Method::Put, router_id, &[action])?
            .json_body(&to_json(iface, Router::KIND)?);
        self.client().execute(&call).await?.json()
    }

    /// `PUT /v2.0/routers/{id}/add_router_interface` with `{"subnet_id": …}` or `{"port_id": …}`:
    /// attaches a subnet (Neutron creates a port with `device_owner: network:router_interface` on
    /// the subnet's gateway IP) or an existing port. Returns the interface (its port, network,
    /// subnets).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateRouter, RouterInterface};
    /// let routers = client.network().routers();
    /// # let ext_net = fake.network_id("public").expect("seeded");
    /// # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
    /// let router = routers.create(&CreateRouter::new().name("edge")).await?;
    /// let iface = routers.add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
    /// assert_eq!(iface.subnet_id.as_deref(), Some(subnet.as_str()));
    /// // A router with an interface cannot be deleted.
    /// assert!(routers.delete(&router.id).await.unwrap_err().is_conflict());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty router, subnet or port id (nothing sent);
    /// [`Error::Api`] 404 (`RouterNotFound`, no such subnet or port), 400 (subnet without a gateway
    /// IP, a second IPv4 subnet of one network), 409 (the port is in use, overlapping subnets).
    pub async fn add_interface(
        &self,
        router_id: &str,
        iface: &RouterInterface,
    ) -> Result<RouterInterfaceInfo, Error> {
        self.interface(router_id, "add_router_interface", iface)
            .await
    }

    /// `PUT /v2.0/routers/{id}/remove_router_interface`: detaches a subnet or a port (a port
    /// Neutron created for a subnet is deleted). Returns the interface removed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateRouter, RouterInterface};
    /// let routers = client.network().routers();
    /// # let ext_net = fake.network_id("public").expect("seeded");
    /// # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
    /// let router = routers.create(&CreateRouter::new().name("edge")).await?;
    /// let added = routers.add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
    /// let removed = routers.remove_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
    /// assert_eq!(removed.port_id, added.port_id);
    /// // The port Neutron made for the subnet is gone with it.
    /// assert!(client.network().ports().get_opt(&added.port_id).await?.is_none());
    /// routers.delete(&router.id).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 (`RouterInterfaceNotFoundForSubnet`, `RouterInterfaceNotFound`), 409
    /// (`RouterInterfaceInUseByRoute`: an extra route needs it; a floating IP uses it).
    pub async fn remove_interface(
        &self,
        router_id: &str,
        iface: &RouterInterface,
    ) -> Result<RouterInterfaceInfo, Error> {
        self.interface(router_id, "remove_router_interface", iface)
            .await
    }

    async fn extra_routes(
        &self,
        router_id: &str,
        action: &str,
        routes: &[Route],
        revision: Option<u64>,
    ) -> Result<Router, Error> {
        let body = ExtraRoutes::new(routes.to_vec());
        let mut call = self
            .item_call(Method::Put, router_id, &[action])?
            .json_body(&to_json(&body, Router::KIND)?);
        if let Some(rev) = revision {
            call = call.header(http::header::IF_MATCH, if_match(rev)?);
        }
        self.send_for(&call, Router::SINGULAR).await
    }

    /// `PUT /v2.0/routers/{id}/add_extraroutes` with `{"router": {"routes": [...]}}`
    /// (`extraroute-atomic`): adds routes atomically on the server, so concurrent callers never
    /// lose each other's routes; routes already there are kept once. Returns the router.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateRouter, Route, RouterInterface};
    /// let routers = client.network().routers();
    /// # let ext_net = fake.network_id("public").expect("seeded");
    /// # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
    /// let router = routers.create(&CreateRouter::new().name("edge")).await?;
    /// routers.add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?; // 10.0.0.0/24
    /// let router = routers.add_extra_routes(&router.id, &[Route::new("192.168.0.0/16", "10.0.0.254")]).await?;
    /// assert_eq!(router.routes, [Route::new("192.168.0.0/16", "10.0.0.254")]);
    /// // A next hop on none of the router's subnets is refused.
    /// let err = routers.add_extra_routes(&router.id, &[Route::new("172.16.0.0/12", "10.9.9.9")]).await.unwrap_err();
    /// assert_eq!(err.status(), Some(400));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 (`RouterNotFound`), 400 (a next hop not on any of the router's subnets,
    /// more routes than `max_routes`).
    pub async fn add_extra_routes(
        &self,
        router_id: &str,
        routes: &[Route],
    ) -> Result<Router, Error> {
        self.extra_routes(router_id, "add_extraroutes", routes, None)
            .await
    }

    /// `add_extra_routes` with `If-Match: revision_number={revision}`: only if nobody changed the
    /// router since that revision.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateRouter, Route, RouterInterface};
    /// let routers = client.network().routers();
    /// # let ext_net = fake.network_id("public").expect("seeded");
    /// # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
    /// let router = routers.create(&CreateRouter::new().name("edge")).await?;
    /// routers.add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
    /// let seen = routers.get(&router.id).await?.revision_number.expect("revision");
    /// let route = Route::new("192.168.0.0/16", "10.0.0.254");
    /// let router = routers.add_extra_routes_if(&router.id, &[route.clone()], seen).await?;
    /// // `seen` is stale now.
    /// let again = routers.add_extra_routes_if(&router.id, &[route], seen).await;
    /// assert!(again.unwrap_err().is_precondition_failed());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 412 ([`Error::is_precondition_failed`]) when the revision moved on; as
    /// [`add_extra_routes`](Self::add_extra_routes).
    pub async fn add_extra_routes_if(
        &self,
        router_id: &str,
        routes: &[Route],
        revision: u64,
    ) -> Result<Router, Error> {
        self.extra_routes(router_id, "add_extraroutes", routes, Some(revision))
            .await
    }

    /// `PUT /v2.0/routers/{id}/remove_extraroutes` with `{"router": {"routes": [...]}}`: removes
    /// these routes (routes not there are ignored). Returns the router.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateRouter, Route, RouterInterface};
    /// let routers = client.network().routers();
    /// # let ext_net = fake.network_id("public").expect("seeded");
    /// # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
    /// let router = routers.create(&CreateRouter::new().name("edge")).await?;
    /// routers.add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
    /// let a = Route::new("192.168.0.0/16", "10.0.0.254");
    /// let b = Route::new("172.16.0.0/12", "10.0.0.253");
    /// routers.add_extra_routes(&router.id, &[a.clone(), b.clone()]).await?;
    /// let router = routers.remove_extra_routes(&router.id, &[a]).await?;
    /// assert_eq!(router.routes, [b]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 (`RouterNotFound`).
    pub async fn remove_extra_routes(
        &self,
        router_id: &str,
        routes: &[Route],
    ) -> Result<Router, Error> {
        self.extra_routes(router_id, "remove_extraroutes", routes, None)
            .await
    }
}

impl List<Router> {
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

    /// `admin_state_up`.
    pub fn admin_state_up(self, up: bool) -> Self {
        self.param("admin_state_up", up)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }

    /// `revision_number`.
    pub fn revision_number(self, revision: u64) -> Self {
        self.param("revision_number", revision)
    }

    /// `status` (not in the reference's filter list, but Neutron filters on it).
    pub fn status(self, status: RouterStatus) -> Self {
        let s = status.as_str().to_string();
        self.param("status", s)
    }
}
