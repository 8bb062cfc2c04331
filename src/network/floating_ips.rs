//! Floating IPs: `GET/POST /v2.0/floatingips`, `GET/PUT/DELETE /v2.0/floatingips/{id}`, with
//! [`associate`](Api::associate) / [`disassociate`](Api::disassociate); and their port forwardings,
//! `/v2.0/floatingips/{id}/port_forwardings[/{pf_id}]`, through
//! [`port_forwardings`](Api::port_forwardings) (the same generic verbs below a parent).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
//! # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! use stackclient::network::{CreateFloatingIp, FloatingIpStatus};
//! let fips = client.network().floating_ips();
//! // `public` is external; a router joins it to the port's subnet.
//! # use stackclient::network::{CreatePort, CreateRouter, ExternalGateway, RouterInterface};
//! # let public = fake.network_id("public").expect("seeded");
//! # let private = fake.network_id("private").expect("seeded");
//! # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
//! # let router = client.network().routers().create(&CreateRouter::new().external_gateway(ExternalGateway::new(&public))).await?;
//! # client.network().routers().add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
//! # let port = client.network().ports().create(&CreatePort::new(&private)).await?.id;
//! let fip = fips.create(&CreateFloatingIp::new(&public)).await?;
//! assert!(fip.floating_ip_address.starts_with("172.24.4."));
//! let fip = fips.associate(&fip.id, &port, None).await?;
//! assert_eq!((fip.port_id.as_deref(), fip.status), (Some(port.as_str()), FloatingIpStatus::Active));
//! println!("{} -> {:?}", fip.floating_ip_address, fip.fixed_ip_address); // e.g. 172.24.4.10 -> Some("10.0.0.10")
//! fips.disassociate(&fip.id).await?;
//! fips.delete(&fip.id).await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Protocol;
use super::lenient::{self, api_enum};
use crate::error::Error;
use crate::field::Field;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Creatable, RequestBody, Resource, Revisioned, Taggable, Updatable};
use crate::timestamp;

api_enum! {
    /// A floating IP's `status`.
    FloatingIpStatus {
        /// `ACTIVE`: associated and set up.
        Active => "ACTIVE",
        /// `DOWN`: not associated (or not set up yet).
        Down => "DOWN",
        /// `ERROR`.
        Error => "ERROR",
    }
}

fn status_down() -> FloatingIpStatus {
    FloatingIpStatus::Down
}

/// The port a floating IP is associated with, as `port_details` shows it (`fip-port-details`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PortDetails {
    /// Port name.
    #[serde(default)]
    pub name: Option<String>,
    /// The port's network.
    #[serde(default)]
    pub network_id: Option<String>,
    /// MAC address.
    #[serde(default)]
    pub mac_address: Option<String>,
    /// Administrative state.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub admin_state_up: Option<bool>,
    /// Port status, e.g. `ACTIVE` (as sent).
    #[serde(default)]
    pub status: Option<String>,
    /// The device using the port (a server ID, …).
    #[serde(default)]
    pub device_id: Option<String>,
    /// The device's kind, e.g. `compute:nova`.
    #[serde(default)]
    pub device_owner: Option<String>,
}

/// A floating IP as `GET /v2.0/floatingips[/{id}]` returns it.
///
/// `port_id` / `fixed_ip_address` / `router_id` are `None` while not associated; `project_id`
/// is filled from `tenant_id`; `null` lists are empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct FloatingIp {
    /// Floating IP ID (UUID).
    pub id: String,
    /// The public address, e.g. `172.24.4.228`.
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub floating_ip_address: String,
    /// The external network it was allocated on.
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub floating_network_id: String,
    /// The associated port's address it maps to.
    #[serde(default)]
    pub fixed_ip_address: Option<String>,
    /// The associated port.
    #[serde(default)]
    pub port_id: Option<String>,
    /// The router that does the translation.
    #[serde(default)]
    pub router_id: Option<String>,
    /// Status.
    #[serde(default = "status_down")]
    pub status: FloatingIpStatus,
    /// The associated port's details (`fip-port-details`); `None` while not associated.
    #[serde(default)]
    pub port_details: Option<PortDetails>,
    /// Port forwardings of the floating IP (`floating-ip-port-forwarding-detail`).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub port_forwardings: Vec<PortForwarding>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// DNS domain (`dns-integration`).
    #[serde(default)]
    pub dns_domain: Option<String>,
    /// DNS name (`dns-integration`).
    #[serde(default)]
    pub dns_name: Option<String>,
    /// QoS policy of the floating IP (`qos-fip`).
    #[serde(default)]
    pub qos_policy_id: Option<String>,
    /// QoS policy of the floating IP's network (`qos-fip-network-policy`).
    #[serde(default)]
    pub qos_network_policy_id: Option<String>,
    /// Owning project; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Tags (`standard-attr-tag`).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub tags: Vec<String>,
    /// When it was created (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// When it was last changed (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub updated_at: Option<DateTime<Utc>>,
    /// Revision number (`standard-attr-revisions`).
    #[serde(default, deserialize_with = "lenient::opt_number")]
    pub revision_number: Option<u64>,
}

impl<'de> Deserialize<'de> for FloatingIp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut f = FloatingIp::deserialize(d)?;
        f.project_id = lenient::owner(f.project_id.take(), f.tenant_id.as_ref());
        Ok(f)
    }
}

impl Serialize for FloatingIp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        FloatingIp::serialize(self, s)
    }
}

impl Resource for FloatingIp {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "floating IP";
    const COLLECTION: &'static [&'static str] = &["floatingips"];
    const SINGULAR: &'static str = "floatingip";
    const PLURAL: &'static str = "floatingips";
    const LINKS: &'static str = "floatingips_links";

    fn id(&self) -> &str {
        &self.id
    }

    /// Floating IPs have no name.
    fn name(&self) -> Option<&str> {
        None
    }
}

impl Creatable for FloatingIp {
    type Create = CreateFloatingIp;
    type Created = FloatingIp;
}

impl Updatable for FloatingIp {
    type Update = UpdateFloatingIp;
}

impl Revisioned for FloatingIp {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

impl Taggable for FloatingIp {}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct CreateFloatingIpFields {
    floating_network_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    port_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    floating_ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    qos_policy_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
}

/// The body of `POST /v2.0/floatingips`: `{"floatingip": {...}}`, allocated on an external
/// network, optionally associated at once.
///
/// ```
/// use stackclient::network::CreateFloatingIp;
/// let req = CreateFloatingIp::new("376d…").port_id("ce70…").fixed_ip_address("10.0.0.3");
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"floatingip": {"floating_network_id": "376d…", "port_id": "ce70…", "fixed_ip_address": "10.0.0.3"}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateFloatingIp {
    floatingip: CreateFloatingIpFields,
}

impl RequestBody for CreateFloatingIp {}

impl CreateFloatingIp {
    /// A floating IP on the external network `floating_network_id`.
    pub fn new(floating_network_id: impl Into<String>) -> Self {
        Self {
            floatingip: CreateFloatingIpFields {
                floating_network_id: floating_network_id.into(),
                ..CreateFloatingIpFields::default()
            },
        }
    }

    /// Associate with this port at once.
    pub fn port_id(mut self, port_id: impl Into<String>) -> Self {
        self.floatingip.port_id = Some(port_id.into());
        self
    }

    /// The port's address to map to (when the port has several).
    pub fn fixed_ip_address(mut self, ip: impl Into<String>) -> Self {
        self.floatingip.fixed_ip_address = Some(ip.into());
        self
    }

    /// Allocate on this subnet of the external network.
    pub fn subnet_id(mut self, subnet_id: impl Into<String>) -> Self {
        self.floatingip.subnet_id = Some(subnet_id.into());
        self
    }

    /// Ask for this public address (admin by default).
    pub fn floating_ip_address(mut self, ip: impl Into<String>) -> Self {
        self.floatingip.floating_ip_address = Some(ip.into());
        self
    }

    /// Description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.floatingip.description = Some(description.into());
        self
    }

    /// DNS domain (`dns-integration`).
    pub fn dns_domain(mut self, domain: impl Into<String>) -> Self {
        self.floatingip.dns_domain = Some(domain.into());
        self
    }

    /// DNS name (`dns-integration`).
    pub fn dns_name(mut self, name: impl Into<String>) -> Self {
        self.floatingip.dns_name = Some(name.into());
        self
    }

    /// QoS policy (`qos-fip`).
    pub fn qos_policy_id(mut self, policy_id: impl Into<String>) -> Self {
        self.floatingip.qos_policy_id = Some(policy_id.into());
        self
    }

    /// Owning project (admin, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.floatingip.project_id = Some(project_id.into());
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateFloatingIpFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    port_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    fixed_ip_address: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    qos_policy_id: Field<String>,
}

/// The body of `PUT /v2.0/floatingips/{id}`: only the fields set are sent;
/// [`port_id`](Self::port_id)`(None)` sends `"port_id": null` (disassociates).
///
/// ```
/// use stackclient::network::UpdateFloatingIp;
/// assert_eq!(
///     serde_json::to_value(&UpdateFloatingIp::new().port_id(None)).unwrap(),
///     serde_json::json!({"floatingip": {"port_id": null}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateFloatingIp {
    floatingip: UpdateFloatingIpFields,
}

impl RequestBody for UpdateFloatingIp {}

impl UpdateFloatingIp {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Associate with a port (`Some`), or disassociate (`None`: `"port_id": null`).
    pub fn port_id(mut self, port_id: Option<&str>) -> Self {
        self.floatingip.port_id = port_id.map(str::to_string).into();
        self
    }

    /// The port's address to map to.
    pub fn fixed_ip_address(mut self, ip: impl Into<String>) -> Self {
        self.floatingip.fixed_ip_address = Field::Value(ip.into());
        self
    }

    /// Description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.floatingip.description = Field::Value(description.into());
        self
    }

    /// QoS policy; `None` detaches it (`"qos_policy_id": null`).
    pub fn qos_policy_id(mut self, policy_id: Option<&str>) -> Self {
        self.floatingip.qos_policy_id = policy_id.map(str::to_string).into();
        self
    }
}

/// Floating IP operations (`client.network().floating_ips()`): the generic [`Api`] verbs plus
/// [`associate`](Api::associate), [`disassociate`](Api::disassociate) and
/// [`port_forwardings`](Api::port_forwardings).
pub type FloatingIps = Api<FloatingIp>;

/// Filters of `GET /v2.0/floatingips`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreateFloatingIp, FloatingIpStatus};
/// let fips = client.network().floating_ips();
/// # use stackclient::network::{CreatePort, CreateRouter, ExternalGateway, RouterInterface};
/// # let public = fake.network_id("public").expect("seeded");
/// # let private = fake.network_id("private").expect("seeded");
/// # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
/// # let router = client.network().routers().create(&CreateRouter::new().external_gateway(ExternalGateway::new(&public))).await?;
/// # client.network().routers().add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
/// # let port = client.network().ports().create(&CreatePort::new(&private)).await?.id;
/// let used = fips.create(&CreateFloatingIp::new(&public).port_id(&port)).await?;
/// fips.create(&CreateFloatingIp::new(&public).description("spare")).await?;
/// let down = fips.list().status(FloatingIpStatus::Down).all().await?;
/// assert_eq!(down[0].description.as_deref(), Some("spare"));
/// assert_eq!(fips.list().port_id(&port).all().await?[0].id, used.id);
/// assert_eq!(fips.list().floating_network_id(&public).all().await?.len(), 2);
/// # Ok(()) }
/// ```
pub type FloatingIpList = List<FloatingIp>;

impl Api<FloatingIp> {
    /// `PUT /v2.0/floatingips/{id}` with `{"floatingip": {"port_id": …}}` (and `fixed_ip_address`
    /// when given): maps the floating IP to the port (its only IPv4 address unless one is named).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::CreateFloatingIp;
    /// let fips = client.network().floating_ips();
    /// # use stackclient::network::{CreatePort, CreateRouter, ExternalGateway, RouterInterface};
    /// # let public = fake.network_id("public").expect("seeded");
    /// # let private = fake.network_id("private").expect("seeded");
    /// # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
    /// # let router = client.network().routers().create(&CreateRouter::new().external_gateway(ExternalGateway::new(&public))).await?;
    /// # client.network().routers().add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
    /// # let port = client.network().ports().create(&CreatePort::new(&private)).await?.id;
    /// let fip = fips.create(&CreateFloatingIp::new(&public)).await?;
    /// let fip = fips.associate(&fip.id, &port, None).await?; // the port's only IPv4 address
    /// let fixed = client.network().ports().get(&port).await?.fixed_ips[0].ip_address.clone();
    /// assert_eq!(fip.fixed_ip_address, fixed);
    /// assert_eq!(fip.router_id.as_deref(), Some(router.id.as_str()));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 (no such floating IP or port), 400 (the port has several addresses and
    /// none was named, the port's network is not reachable from the external network), 409 (the
    /// address already has a floating IP).
    pub async fn associate(
        &self,
        fip_id: &str,
        port_id: &str,
        fixed_ip_address: Option<&str>,
    ) -> Result<FloatingIp, Error> {
        crate::request::check_id("port", port_id)?;
        let mut update = UpdateFloatingIp::new().port_id(Some(port_id));
        if let Some(ip) = fixed_ip_address {
            update = update.fixed_ip_address(ip);
        }
        self.update(fip_id, &update).await
    }

    /// `PUT /v2.0/floatingips/{id}` with exactly `{"floatingip": {"port_id": null}}`: unmaps the
    /// floating IP (it stays allocated to the project).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateFloatingIp, FloatingIpStatus};
    /// let fips = client.network().floating_ips();
    /// # use stackclient::network::{CreatePort, CreateRouter, ExternalGateway, RouterInterface};
    /// # let public = fake.network_id("public").expect("seeded");
    /// # let private = fake.network_id("private").expect("seeded");
    /// # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
    /// # let router = client.network().routers().create(&CreateRouter::new().external_gateway(ExternalGateway::new(&public))).await?;
    /// # client.network().routers().add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
    /// # let port = client.network().ports().create(&CreatePort::new(&private)).await?.id;
    /// let fip = fips.create(&CreateFloatingIp::new(&public).port_id(&port)).await?;
    /// let fip = fips.disassociate(&fip.id).await?;
    /// assert_eq!((fip.port_id, fip.status), (None, FloatingIpStatus::Down));
    /// assert!(fips.get_opt(&fip.id).await?.is_some()); // still allocated to the project
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such floating IP.
    pub async fn disassociate(&self, fip_id: &str) -> Result<FloatingIp, Error> {
        self.update(fip_id, &UpdateFloatingIp::new().port_id(None))
            .await
    }

    /// The port forwardings of floating IP `fip_id`: the generic verbs on
    /// `/v2.0/floatingips/{fip_id}/port_forwardings` (`list`, `get`, `create`, `update`,
    /// `delete`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateFloatingIp, CreatePortForwarding, Protocol, UpdatePortForwarding};
    /// # use stackclient::network::{CreatePort, CreateRouter, ExternalGateway, RouterInterface};
    /// # let public = fake.network_id("public").expect("seeded");
    /// # let private = fake.network_id("private").expect("seeded");
    /// # let subnet = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
    /// # let router = client.network().routers().create(&CreateRouter::new().external_gateway(ExternalGateway::new(&public))).await?;
    /// # client.network().routers().add_interface(&router.id, &RouterInterface::subnet(&subnet)).await?;
    /// let port = client.network().ports().create(&CreatePort::new(&private)).await?;
    /// let address = port.fixed_ips[0].ip_address.clone().expect("an address");
    /// let fip = client.network().floating_ips().create(&CreateFloatingIp::new(&public)).await?.id;
    /// let pfs = client.network().floating_ips().port_forwardings(&fip)?;
    /// let pf = pfs.create(&CreatePortForwarding::new(Protocol::Tcp, &port.id, &address).ports(22, 2222)).await?;
    /// assert_eq!((pf.internal_port, pf.external_port), (Some(22), Some(2222)));
    /// // The same external port and protocol twice on one floating IP is refused.
    /// let again = CreatePortForwarding::new(Protocol::Tcp, &port.id, &address).ports(23, 2222);
    /// assert_eq!(pfs.create(&again).await.unwrap_err().status(), Some(400));
    /// let pf = pfs.update(&pf.id, &UpdatePortForwarding::new().external_port(2200)).await?;
    /// assert_eq!(pfs.list().all().await?[0].external_port, Some(2200));
    /// pfs.delete(&pf.id).await?;
    /// assert!(pfs.list().all().await?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty, `.` or `..` floating IP id.
    pub fn port_forwardings(&self, fip_id: &str) -> Result<Api<PortForwarding>, Error> {
        crate::request::check_id(FloatingIp::KIND, fip_id)?;
        Ok(Api::nested(
            self.client().clone(),
            &["floatingips"],
            FloatingIp::KIND,
            fip_id,
        ))
    }
}

impl List<FloatingIp> {
    /// `id`.
    pub fn id(self, id: &str) -> Self {
        self.param("id", id)
    }

    /// `floating_network_id`.
    pub fn floating_network_id(self, network_id: &str) -> Self {
        self.param("floating_network_id", network_id)
    }

    /// `floating_ip_address`.
    pub fn floating_ip_address(self, ip: &str) -> Self {
        self.param("floating_ip_address", ip)
    }

    /// `fixed_ip_address`.
    pub fn fixed_ip_address(self, ip: &str) -> Self {
        self.param("fixed_ip_address", ip)
    }

    /// `port_id`.
    pub fn port_id(self, port_id: &str) -> Self {
        self.param("port_id", port_id)
    }

    /// `router_id`.
    pub fn router_id(self, router_id: &str) -> Self {
        self.param("router_id", router_id)
    }

    /// `status`.
    pub fn status(self, status: FloatingIpStatus) -> Self {
        let s = status.as_str().to_string();
        self.param("status", s)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }

    /// `description`.
    pub fn description(self, description: &str) -> Self {
        self.param("description", description)
    }

    /// `revision_number`.
    pub fn revision_number(self, revision: u64) -> Self {
        self.param("revision_number", revision)
    }
}

// ------------------------------------------------------------------------------------------------
// Port forwardings
// ------------------------------------------------------------------------------------------------

/// A port range of a port forwarding, written `"80:90"` (`internal_port_range`,
/// `external_port_range`; a single port `"80"` is read as `80:80`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortRange {
    /// First port.
    pub first: u16,
    /// Last port (included).
    pub last: u16,
}

impl PortRange {
    /// Ports `first` to `last`.
    pub fn new(first: u16, last: u16) -> Self {
        Self { first, last }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.first, self.last)
    }
}

impl FromStr for PortRange {
    type Err = Error;

    /// `"80:90"` or `"80"`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::InvalidInput(format!("port range {s:?} is not FIRST[:LAST]"));
        let (a, b) = s.split_once(':').unwrap_or((s, s));
        let first = a.trim().parse().map_err(|_| bad())?;
        let last = b.trim().parse().map_err(|_| bad())?;
        Ok(Self { first, last })
    }
}

impl Serialize for PortRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PortRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A port forwarding of a floating IP (`floating-ip-port-forwarding`): traffic to the floating
/// IP's `external_port` (or range) goes to `internal_ip_address:internal_port` of a port. Either
/// the single ports or the ranges are set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PortForwarding {
    /// Port forwarding ID (UUID).
    pub id: String,
    /// `tcp`, `udp`, … (kept as sent).
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// The internal port's address.
    #[serde(default)]
    pub internal_ip_address: Option<String>,
    /// The internal (Neutron) port's ID.
    #[serde(default)]
    pub internal_port_id: Option<String>,
    /// Internal TCP/UDP port (numbers sent as strings are read too).
    #[serde(default, deserialize_with = "lenient::opt_number")]
    pub internal_port: Option<u16>,
    /// External TCP/UDP port on the floating IP.
    #[serde(default, deserialize_with = "lenient::opt_number")]
    pub external_port: Option<u16>,
    /// Internal port range (`floating-ip-port-forwarding-port-ranges`).
    #[serde(default)]
    pub internal_port_range: Option<PortRange>,
    /// External port range.
    #[serde(default)]
    pub external_port_range: Option<PortRange>,
    /// Description (`floating-ip-port-forwarding-description`).
    #[serde(default)]
    pub description: Option<String>,
}

impl Resource for PortForwarding {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "port forwarding";
    const COLLECTION: &'static [&'static str] = &["port_forwardings"];
    const SINGULAR: &'static str = "port_forwarding";
    const PLURAL: &'static str = "port_forwardings";
    const LINKS: &'static str = "port_forwardings_links";

    fn id(&self) -> &str {
        &self.id
    }

    /// Port forwardings have no name.
    fn name(&self) -> Option<&str> {
        None
    }
}

impl Creatable for PortForwarding {
    type Create = CreatePortForwarding;
    type Created = PortForwarding;
}

impl Updatable for PortForwarding {
    type Update = UpdatePortForwarding;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct PortForwardingFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    protocol: Field<Protocol>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    internal_ip_address: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    internal_port: Field<u16>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    internal_port_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    external_port: Field<u16>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    internal_port_range: Field<PortRange>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    external_port_range: Field<PortRange>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
}

impl PortForwardingFields {
    fn empty() -> Self {
        Self {
            protocol: Field::Absent,
            internal_ip_address: Field::Absent,
            internal_port: Field::Absent,
            internal_port_id: Field::Absent,
            external_port: Field::Absent,
            internal_port_range: Field::Absent,
            external_port_range: Field::Absent,
            description: Field::Absent,
        }
    }
}

/// The body of `POST /v2.0/floatingips/{id}/port_forwardings`: `{"port_forwarding": {...}}`.
/// Set single ports with [`ports`](Self::ports) or ranges with [`port_ranges`](Self::port_ranges).
///
/// ```
/// use stackclient::network::{CreatePortForwarding, Protocol};
/// let req = CreatePortForwarding::new(Protocol::Tcp, "1238…", "10.0.0.11").ports(25, 2230);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"port_forwarding": {"protocol": "tcp", "internal_ip_address": "10.0.0.11",
///         "internal_port": 25, "internal_port_id": "1238…", "external_port": 2230}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatePortForwarding {
    port_forwarding: PortForwardingFields,
}

impl RequestBody for CreatePortForwarding {}

impl CreatePortForwarding {
    /// Forward `protocol` traffic to `internal_ip_address` of port `internal_port_id`.
    pub fn new(
        protocol: Protocol,
        internal_port_id: impl Into<String>,
        internal_ip_address: impl Into<String>,
    ) -> Self {
        let mut f = PortForwardingFields::empty();
        f.protocol = Field::Value(protocol);
        f.internal_port_id = Field::Value(internal_port_id.into());
        f.internal_ip_address = Field::Value(internal_ip_address.into());
        Self { port_forwarding: f }
    }

    /// `internal_port` and `external_port`.
    pub fn ports(mut self, internal: u16, external: u16) -> Self {
        self.port_forwarding.internal_port = Field::Value(internal);
        self.port_forwarding.external_port = Field::Value(external);
        self
    }

    /// `internal_port_range` and `external_port_range` (of equal length, or an internal single
    /// port).
    pub fn port_ranges(mut self, internal: PortRange, external: PortRange) -> Self {
        self.port_forwarding.internal_port_range = Field::Value(internal);
        self.port_forwarding.external_port_range = Field::Value(external);
        self
    }

    /// Description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.port_forwarding.description = Field::Value(description.into());
        self
    }
}

/// The body of `PUT /v2.0/floatingips/{id}/port_forwardings/{pf_id}`: only the fields set are
/// sent.
///
/// ```
/// use stackclient::network::{Protocol, UpdatePortForwarding};
/// let req = UpdatePortForwarding::new().protocol(Protocol::Udp).external_port(1960);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"port_forwarding": {"protocol": "udp", "external_port": 1960}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdatePortForwarding {
    port_forwarding: PortForwardingFields,
}

impl Default for UpdatePortForwarding {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestBody for UpdatePortForwarding {}

impl UpdatePortForwarding {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self {
            port_forwarding: PortForwardingFields::empty(),
        }
    }

    /// `protocol`.
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.port_forwarding.protocol = Field::Value(protocol);
        self
    }

    /// `internal_port_id` (the internal port moves to another Neutron port).
    pub fn internal_port_id(mut self, port_id: impl Into<String>) -> Self {
        self.port_forwarding.internal_port_id = Field::Value(port_id.into());
        self
    }

    /// `internal_ip_address`.
    pub fn internal_ip_address(mut self, ip: impl Into<String>) -> Self {
        self.port_forwarding.internal_ip_address = Field::Value(ip.into());
        self
    }

    /// `internal_port`.
    pub fn internal_port(mut self, port: u16) -> Self {
        self.port_forwarding.internal_port = Field::Value(port);
        self
    }

    /// `external_port`.
    pub fn external_port(mut self, port: u16) -> Self {
        self.port_forwarding.external_port = Field::Value(port);
        self
    }

    /// `internal_port_range`.
    pub fn internal_port_range(mut self, range: PortRange) -> Self {
        self.port_forwarding.internal_port_range = Field::Value(range);
        self
    }

    /// `external_port_range`.
    pub fn external_port_range(mut self, range: PortRange) -> Self {
        self.port_forwarding.external_port_range = Field::Value(range);
        self
    }

    /// Description; `None` clears it (`"description": null`).
    pub fn description(mut self, description: Option<&str>) -> Self {
        self.port_forwarding.description = description.map(str::to_string).into();
        self
    }
}

/// Port forwarding operations of one floating IP (from
/// [`FloatingIps::port_forwardings`](Api::port_forwardings)).
pub type PortForwardings = Api<PortForwarding>;

/// Filters of `GET /v2.0/floatingips/{id}/port_forwardings`.
pub type PortForwardingList = List<PortForwarding>;

impl List<PortForwarding> {
    /// `id`.
    pub fn id(self, id: &str) -> Self {
        self.param("id", id)
    }

    /// `internal_port_id`.
    pub fn internal_port_id(self, port_id: &str) -> Self {
        self.param("internal_port_id", port_id)
    }

    /// `external_port`.
    pub fn external_port(self, port: u16) -> Self {
        self.param("external_port", port)
    }

    /// `external_port_range`, e.g. `8080:8090`.
    pub fn external_port_range(self, range: PortRange) -> Self {
        self.param("external_port_range", range)
    }

    /// `protocol`.
    pub fn protocol(self, protocol: &Protocol) -> Self {
        let p = protocol.as_str().into_owned();
        self.param("protocol", p)
    }
}
