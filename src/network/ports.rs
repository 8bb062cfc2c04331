//! Ports: `GET/POST /v2.0/ports`, `GET/PUT/DELETE /v2.0/ports/{id}`, tags below
//! `/v2.0/ports/{id}/tags`, and read-modify-write helpers for a port's security groups.
//!
//! A port is a virtual switch port on a network: its MAC, its fixed IPs (each from a subnet), the
//! security groups applied to it, the addresses it may also send from (allowed address pairs) and,
//! for admins, the `binding:*` attributes saying where and how it is plugged.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::lenient::{api_enum, null_default, opt_num, owner};
use crate::error::Error;
use crate::field::Field;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Creatable, RequestBody, Resource, Revisioned, Taggable, Updatable};
use crate::timestamp;

api_enum! {
    /// A port's `status`. Unknown statuses are kept in [`PortStatus::Other`].
    pub enum PortStatus {
        /// `ACTIVE`: bound and up.
        Active => "ACTIVE",
        /// `DOWN`: not bound, or administratively down.
        Down => "DOWN",
        /// `BUILD`: being bound.
        Build => "BUILD",
        /// `ERROR`.
        Error => "ERROR",
        /// `N/A`: the backend does not report a status.
        NotApplicable => "N/A",
    }
}

api_enum! {
    /// `binding:vnic_type`: the kind of virtual NIC the port is bound to.
    pub enum VnicType {
        /// `normal`: a virtio/tap device (the default).
        Normal => "normal",
        /// `direct`: an SR-IOV virtual function.
        Direct => "direct",
        /// `direct-physical`: a whole SR-IOV physical function.
        DirectPhysical => "direct-physical",
        /// `macvtap`.
        Macvtap => "macvtap",
        /// `baremetal`: an Ironic node's NIC.
        Baremetal => "baremetal",
        /// `virtio-forwarder`.
        VirtioForwarder => "virtio-forwarder",
        /// `smart-nic`.
        SmartNic => "smart-nic",
        /// `vdpa`.
        Vdpa => "vdpa",
        /// `remote-managed`.
        RemoteManaged => "remote-managed",
        /// `accelerator-direct`.
        AcceleratorDirect => "accelerator-direct",
        /// `accelerator-direct-physical`.
        AcceleratorDirectPhysical => "accelerator-direct-physical",
    }
}

/// One of a port's `fixed_ips`: an address and the subnet it comes from.
///
/// In a request both parts are optional: a subnet alone asks Neutron to pick an address there, an
/// address alone lets Neutron find its subnet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[non_exhaustive]
pub struct FixedIp {
    /// The subnet the address is from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// The address, e.g. `10.0.0.5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

impl FixedIp {
    /// A fixed IP `ip_address` on `subnet_id`.
    pub fn new(subnet_id: impl Into<String>, ip_address: impl Into<String>) -> Self {
        Self {
            subnet_id: Some(subnet_id.into()),
            ip_address: Some(ip_address.into()),
        }
    }

    /// Any free address on `subnet_id`.
    pub fn on_subnet(subnet_id: impl Into<String>) -> Self {
        Self {
            subnet_id: Some(subnet_id.into()),
            ip_address: None,
        }
    }

    /// The address `ip_address`, on whichever of the network's subnets holds it.
    pub fn address(ip_address: impl Into<String>) -> Self {
        Self {
            subnet_id: None,
            ip_address: Some(ip_address.into()),
        }
    }
}

/// One of `allowed_address_pairs`: another address (or CIDR) the port may send from
/// (`allowed-address-pairs`), for VRRP or a VIP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[non_exhaustive]
pub struct AllowedAddressPair {
    /// An address or CIDR, e.g. `10.0.0.100` or `10.0.0.0/28`.
    pub ip_address: String,
    /// The MAC it may use; Neutron fills in the port's own when a request leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_address: Option<String>,
}

impl AllowedAddressPair {
    /// `ip_address` with the port's own MAC.
    pub fn new(ip_address: impl Into<String>) -> Self {
        Self {
            ip_address: ip_address.into(),
            mac_address: None,
        }
    }

    /// Sets the MAC address.
    pub fn mac_address(mut self, mac: impl Into<String>) -> Self {
        self.mac_address = Some(mac.into());
        self
    }
}

/// One of `dns_assignment` (`dns-integration`): the name a fixed IP has in internal DNS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct DnsAssignment {
    /// Host name, e.g. `myport`.
    #[serde(default)]
    pub hostname: String,
    /// The address.
    #[serde(default)]
    pub ip_address: String,
    /// Fully qualified name, e.g. `myport.my-domain.org`.
    #[serde(default)]
    pub fqdn: String,
}

/// One of `extra_dhcp_opts` (`extra_dhcp_opt`): a DHCP option for the port.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ExtraDhcpOpt {
    /// Option name, e.g. `bootfile-name`.
    pub opt_name: String,
    /// Option value, e.g. `pxelinux.0`; `None` (`null`) in an update removes the option.
    #[serde(default)]
    pub opt_value: Option<String>,
    /// `4` or `6` (Neutron's default: 4).
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub ip_version: Option<u8>,
}

impl ExtraDhcpOpt {
    /// Option `name` with `value`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            opt_name: name.into(),
            opt_value: Some(value.into()),
            ip_version: None,
        }
    }

    /// Sets the IP version (`4` or `6`).
    pub fn ip_version(mut self, version: u8) -> Self {
        self.ip_version = Some(version);
        self
    }
}

/// A port as `GET /v2.0/ports[/{id}]` returns it (the inner object of `ports[]` / `port`).
///
/// Read leniently: `project_id` from `tenant_id` when only that is sent, `null` lists as empty,
/// `revision_number` as a string too, unknown statuses and VNIC types kept verbatim. The
/// `binding:*` attributes are admin-only by default (`None` when not shown); `binding:profile`,
/// `binding:vif_details` and `hints` are free-form JSON objects.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct Port {
    /// Port ID (UUID).
    pub id: String,
    /// Name (may be empty).
    #[serde(default)]
    pub name: String,
    /// Free-text description.
    #[serde(default)]
    pub description: Option<String>,
    /// The network it is on.
    pub network_id: String,
    /// Owning project ID; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project ID under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// MAC address, e.g. `fa:16:3e:c9:cb:f0`.
    #[serde(default)]
    pub mac_address: String,
    /// Administrative state: `false` means down.
    #[serde(default = "default_true")]
    pub admin_state_up: bool,
    /// Status.
    pub status: PortStatus,
    /// What uses the port, e.g. a server ID (`""` when unused).
    #[serde(default)]
    pub device_id: String,
    /// The kind of user, e.g. `compute:nova`, `network:router_interface`, `network:dhcp` (`""`
    /// when unused).
    #[serde(default)]
    pub device_owner: String,
    /// Fixed IPs, each with its subnet.
    #[serde(default, deserialize_with = "null_default")]
    pub fixed_ips: Vec<FixedIp>,
    /// Other addresses the port may send from (`allowed-address-pairs`).
    #[serde(default, deserialize_with = "null_default")]
    pub allowed_address_pairs: Vec<AllowedAddressPair>,
    /// IDs of the security groups applied.
    #[serde(default, deserialize_with = "null_default")]
    pub security_groups: Vec<String>,
    /// Whether port security (security groups, anti-spoofing) is on (`port-security`).
    #[serde(default)]
    pub port_security_enabled: Option<bool>,
    /// `binding:host_id`: the host it is bound on (`""` when unbound).
    #[serde(rename = "binding:host_id", default)]
    pub binding_host_id: Option<String>,
    /// `binding:vnic_type`.
    #[serde(rename = "binding:vnic_type", default)]
    pub binding_vnic_type: Option<VnicType>,
    /// `binding:profile`: free-form data for the mechanism driver (e.g. PCI slot, local link
    /// information).
    #[serde(rename = "binding:profile", default)]
    pub binding_profile: Option<Map<String, Value>>,
    /// `binding:vif_type`, e.g. `ovs`, `unbound`, `binding_failed`.
    #[serde(rename = "binding:vif_type", default)]
    pub binding_vif_type: Option<String>,
    /// `binding:vif_details`: free-form details of the plug, e.g. `{"port_filter": true}`.
    #[serde(rename = "binding:vif_details", default)]
    pub binding_vif_details: Option<Map<String, Value>>,
    /// Extra DHCP options (`extra_dhcp_opt`).
    #[serde(default, deserialize_with = "null_default")]
    pub extra_dhcp_opts: Vec<ExtraDhcpOpt>,
    /// DNS name (`dns-integration`).
    #[serde(default)]
    pub dns_name: Option<String>,
    /// DNS domain (`dns-domain-ports`).
    #[serde(default)]
    pub dns_domain: Option<String>,
    /// Names in internal DNS, one per fixed IP (`dns-integration`).
    #[serde(default, deserialize_with = "null_default")]
    pub dns_assignment: Vec<DnsAssignment>,
    /// QoS policy of the port itself (`qos`).
    #[serde(default)]
    pub qos_policy_id: Option<String>,
    /// QoS policy inherited from the network (`qos-port-network-policy`).
    #[serde(default)]
    pub qos_network_policy_id: Option<String>,
    /// Whether the uplink status is propagated to the VF (`uplink-status-propagation`).
    #[serde(default)]
    pub propagate_uplink_status: Option<bool>,
    /// `immediate`, `deferred` or `none` (`ip-allocation`).
    #[serde(default)]
    pub ip_allocation: Option<String>,
    /// Data plane status, e.g. `ACTIVE`, `DOWN` (`data-plane-status`).
    #[serde(default)]
    pub data_plane_status: Option<String>,
    /// MAC learning (`port-mac-learning`).
    #[serde(default)]
    pub mac_learning_enabled: Option<bool>,
    /// NUMA affinity policy, e.g. `preferred` (`port-numa-affinity-policy`).
    #[serde(default)]
    pub numa_affinity_policy: Option<String>,
    /// Cyborg device profile (`port-device-profile`).
    #[serde(default)]
    pub device_profile: Option<String>,
    /// Hardware offload type, e.g. `switchdev` (`port-hardware-offload-type`).
    #[serde(default)]
    pub hardware_offload_type: Option<String>,
    /// Whether the VF is trusted (`port-trusted-vif`).
    #[serde(default)]
    pub trusted: Option<bool>,
    /// Private VLAN type (`port-pvlan`).
    #[serde(default)]
    pub pvlan_type: Option<String>,
    /// Private VLAN community (`port-pvlan`).
    #[serde(default)]
    pub pvlan_community: Option<String>,
    /// Backend hints, free-form (`port-hints`).
    #[serde(default)]
    pub hints: Option<Map<String, Value>>,
    /// Placement resources the port needs (`port-resource-request`), free-form: older Neutron
    /// sends `{"required", "resources"}`, newer `{"request_groups", "same_subtree"}`.
    #[serde(default)]
    pub resource_request: Option<Map<String, Value>>,
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

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut p = Port::deserialize(d)?;
        p.project_id = owner(p.project_id.take(), p.tenant_id.as_ref());
        Ok(p)
    }
}

impl Serialize for Port {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Port::serialize(self, s)
    }
}

impl Resource for Port {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "port";
    const COLLECTION: &'static [&'static str] = &["ports"];
    const SINGULAR: &'static str = "port";
    const PLURAL: &'static str = "ports";
    const LINKS: &'static str = "ports_links";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Creatable for Port {
    type Create = CreatePort;
    type Created = Port;
}

impl Updatable for Port {
    type Update = UpdatePort;
}

impl Revisioned for Port {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

impl Taggable for Port {}

/// Port operations (`client.network().ports()`): `GET/POST /v2.0/ports`,
/// `GET/PUT/DELETE /v2.0/ports/{id}` through the generic [`Api`] verbs, with `update_if`,
/// `modify`, the tags API, and [`add_security_group`](Api::add_security_group) /
/// [`remove_security_group`](Api::remove_security_group).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{AllowedAddressPair, CreatePort, FixedIp};
/// let ports = client.network().ports();
/// # let net_id = fake.network_id("private").expect("seeded");
/// # let subnet_id = client.network().subnets().find("private-subnet").await?.expect("seeded").id;
/// let port = ports
///     .create(&CreatePort::new(&net_id).name("vip").fixed_ip(FixedIp::new(&subnet_id, "10.0.0.5"))
///         .allowed_address_pair(AllowedAddressPair::new("10.0.0.100")))
///     .await?;
/// let found = ports.list().fixed_ip_address("10.0.0.5").all().await?;
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].id, port.id);
/// assert_eq!(found[0].allowed_address_pairs[0].ip_address, "10.0.0.100");
/// # Ok(()) }
/// ```
pub type Ports = Api<Port>;

/// Filters of `GET /v2.0/ports`; [`List`] gives `limit`, `marker`, `sort`, `param`, `send`,
/// `into_stream` and `all`, and the tag filters.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::CreatePort;
/// let ports = client.network().ports();
/// # let net_id = fake.network_id("private").expect("seeded");
/// let web = ports.create(&CreatePort::new(&net_id).name("web").device_owner("compute:nova")).await?;
/// ports.create(&CreatePort::new(&net_id).name("db")).await?;
/// let on_net = ports.list().network_id(&net_id).all().await?;
/// assert_eq!(on_net.len(), 2);
/// let compute = ports.list().device_owner("compute:nova").all().await?;
/// assert_eq!(compute.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [web.id.as_str()]);
/// let ip = web.fixed_ips[0].ip_address.as_deref().expect("an address from the pool");
/// assert_eq!(ports.list().fixed_ip_address(ip).all().await?[0].name, "web");
/// # Ok(()) }
/// ```
pub type PortList = List<Port>;

impl List<Port> {
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

    /// `device_id`, e.g. a server ID.
    pub fn device_id(self, device_id: &str) -> Self {
        self.param("device_id", device_id)
    }

    /// `device_owner`, e.g. `compute:nova`.
    pub fn device_owner(self, device_owner: &str) -> Self {
        self.param("device_owner", device_owner)
    }

    /// `mac_address`.
    pub fn mac_address(self, mac: &str) -> Self {
        self.param("mac_address", mac)
    }

    /// `status`.
    pub fn status(self, status: PortStatus) -> Self {
        self.param("status", status)
    }

    /// `admin_state_up`.
    pub fn admin_state_up(self, up: bool) -> Self {
        self.param("admin_state_up", up)
    }

    /// `binding:host_id`.
    pub fn binding_host_id(self, host: &str) -> Self {
        self.param("binding:host_id", host)
    }

    /// `ip_allocation`, e.g. `deferred`.
    pub fn ip_allocation(self, ip_allocation: &str) -> Self {
        self.param("ip_allocation", ip_allocation)
    }

    /// `revision_number`.
    pub fn revision_number(self, revision: u64) -> Self {
        self.param("revision_number", revision)
    }

    /// `mac_learning_enabled`.
    pub fn mac_learning_enabled(self, enabled: bool) -> Self {
        self.param("mac_learning_enabled", enabled)
    }

    /// `security_groups`: ports having this security group (`port-security-groups-filtering`).
    /// Repeatable.
    pub fn security_group(self, security_group_id: &str) -> Self {
        self.param("security_groups", security_group_id)
    }

    /// `fixed_ips=ip_address=…`: ports holding this address. Repeatable: several addresses mean
    /// any of them.
    pub fn fixed_ip_address(self, ip_address: &str) -> Self {
        self.param("fixed_ips", format!("ip_address={ip_address}"))
    }

    /// `fixed_ips=ip_address_substr=…`: ports with an address containing this text
    /// (`ip-substring-filtering`). Repeatable.
    pub fn fixed_ip_address_substr(self, part: &str) -> Self {
        self.param("fixed_ips", format!("ip_address_substr={part}"))
    }

    /// `fixed_ips=subnet_id=…`: ports with an address on this subnet. Repeatable; combined with
    /// [`fixed_ip_address`](Self::fixed_ip_address), both must hold.
    pub fn fixed_ip_subnet(self, subnet_id: &str) -> Self {
        self.param("fixed_ips", format!("subnet_id={subnet_id}"))
    }
}

impl Api<Port> {
    /// Adds security group `security_group_id` to port `port_id` (read, then
    /// `PUT /v2.0/ports/{id}` with `If-Match: revision_number=N` and the whole new list), retrying
    /// on `412` through [`Api::modify`] so a concurrent change to the port is never lost. Nothing
    /// is sent when the group is there already. Returns the port as stored.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreatePort, CreateSecurityGroup};
    /// let network = client.network();
    /// # let net_id = fake.network_id("private").expect("seeded");
    /// let port = network.ports().create(&CreatePort::new(&net_id)).await?; // gets the `default` group
    /// let web = network.security_groups().create(&CreateSecurityGroup::new("web")).await?;
    /// let port = network.ports().add_security_group(&port.id, &web.id).await?;
    /// assert_eq!(port.security_groups.len(), 2);
    /// assert!(port.security_groups.contains(&web.id));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty group id; [`Error::Api`] 404 (no such port), 412 when
    /// every attempt lost the race ([`crate::resource::MODIFY_ATTEMPTS`]), 409/400 when Neutron
    /// refuses (e.g. port security disabled).
    pub async fn add_security_group(
        &self,
        port_id: &str,
        security_group_id: &str,
    ) -> Result<Port, Error> {
        check_group(security_group_id)?;
        self.modify(port_id, |port| {
            if port.security_groups.iter().any(|g| g == security_group_id) {
                return None;
            }
            let mut groups = port.security_groups.clone();
            groups.push(security_group_id.to_string());
            Some(UpdatePort::new().security_groups(groups))
        })
        .await
    }

    /// Removes security group `security_group_id` from port `port_id`, like
    /// [`add_security_group`](Self::add_security_group) (nothing is sent when the port does not
    /// have it). Returns the port as stored.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreatePort, CreateSecurityGroup};
    /// let network = client.network();
    /// # let net_id = fake.network_id("private").expect("seeded");
    /// let web = network.security_groups().create(&CreateSecurityGroup::new("web")).await?;
    /// let port = network.ports().create(&CreatePort::new(&net_id).security_groups([web.id.as_str()])).await?;
    /// let port = network.ports().remove_security_group(&port.id, &web.id).await?;
    /// assert!(port.security_groups.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`add_security_group`](Self::add_security_group).
    pub async fn remove_security_group(
        &self,
        port_id: &str,
        security_group_id: &str,
    ) -> Result<Port, Error> {
        check_group(security_group_id)?;
        self.modify(port_id, |port| {
            if !port.security_groups.iter().any(|g| g == security_group_id) {
                return None;
            }
            let groups: Vec<String> = port
                .security_groups
                .iter()
                .filter(|g| *g != security_group_id)
                .cloned()
                .collect();
            Some(UpdatePort::new().security_groups(groups))
        })
        .await
    }
}

fn check_group(id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::InvalidInput("security group id is empty".into()));
    }
    Ok(())
}

/// The fields of a [`CreatePort`], as sent inside `"port"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct CreatePortFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    network_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_state_up: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mac_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_ips: Option<Vec<FixedIp>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_address_pairs: Option<Vec<AllowedAddressPair>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    security_groups: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port_security_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_owner: Option<String>,
    #[serde(rename = "binding:host_id", skip_serializing_if = "Option::is_none")]
    binding_host_id: Option<String>,
    #[serde(rename = "binding:vnic_type", skip_serializing_if = "Option::is_none")]
    binding_vnic_type: Option<VnicType>,
    #[serde(rename = "binding:profile", skip_serializing_if = "Option::is_none")]
    binding_profile: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_dhcp_opts: Option<Vec<ExtraDhcpOpt>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    qos_policy_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    propagate_uplink_status: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mac_learning_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    numa_affinity_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hardware_offload_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trusted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pvlan_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pvlan_community: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hints: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<String>>,
}

/// A `POST /v2.0/ports` request: `{"port": {...}}` with what was set; `network_id` is
/// required. Lists set here are sent even when empty (`"security_groups": []` makes a port
/// without any group, where leaving it out gives the project's `default` group).
///
/// ```
/// use stackclient::network::{CreatePort, FixedIp};
/// let req = CreatePort::new("net-1").fixed_ip(FixedIp::on_subnet("sub-1")).security_groups(Vec::<String>::new());
/// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({"port": {
///     "network_id": "net-1", "fixed_ips": [{"subnet_id": "sub-1"}], "security_groups": []}}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreatePort {
    port: CreatePortFields,
}

impl RequestBody for CreatePort {}

macro_rules! string_setters {
    ($target:ident; $( $(#[$m:meta])* $name:ident ),+ $(,)?) => {
        $(
            $(#[$m])*
            pub fn $name(mut self, value: impl Into<String>) -> Self {
                self.$target.$name = Some(value.into());
                self
            }
        )+
    };
}

macro_rules! bool_setters {
    ($target:ident; $( $(#[$m:meta])* $name:ident ),+ $(,)?) => {
        $(
            $(#[$m])*
            pub fn $name(mut self, value: bool) -> Self {
                self.$target.$name = Some(value);
                self
            }
        )+
    };
}

impl CreatePort {
    /// A port on `network_id`; Neutron picks a MAC and a fixed IP unless told otherwise.
    pub fn new(network_id: impl Into<String>) -> Self {
        Self {
            port: CreatePortFields {
                network_id: network_id.into(),
                ..CreatePortFields::default()
            },
        }
    }

    string_setters! { port;
        /// Name.
        name,
        /// Free-text description.
        description,
        /// MAC address (default: generated).
        mac_address,
        /// What uses the port, e.g. a server ID.
        device_id,
        /// The kind of user, e.g. `compute:nova`.
        device_owner,
        /// `binding:host_id`: the host to bind on (admin).
        binding_host_id,
        /// DNS name (`dns-integration`).
        dns_name,
        /// DNS domain (`dns-domain-ports`), e.g. `my-domain.org.`.
        dns_domain,
        /// QoS policy ID (`qos`).
        qos_policy_id,
        /// NUMA affinity policy, e.g. `preferred`.
        numa_affinity_policy,
        /// Hardware offload type, e.g. `switchdev`.
        hardware_offload_type,
        /// Private VLAN type (`port-pvlan`).
        pvlan_type,
        /// Private VLAN community (`port-pvlan`).
        pvlan_community,
        /// Owning project (admin only, for another project).
        project_id,
    }

    bool_setters! { port;
        /// Administrative state (default up).
        admin_state_up,
        /// Port security (default: the network's `port_security_enabled`).
        port_security_enabled,
        /// Propagate the uplink status to the VF.
        propagate_uplink_status,
        /// MAC learning (`port-mac-learning`).
        mac_learning_enabled,
        /// Trusted VF (`port-trusted-vif`, sent as `trusted`).
        trusted,
    }

    /// Adds a fixed IP. Repeatable; without any, Neutron picks one.
    pub fn fixed_ip(mut self, ip: FixedIp) -> Self {
        self.port.fixed_ips.get_or_insert_with(Vec::new).push(ip);
        self
    }

    /// Sets all fixed IPs; an empty list makes a port without addresses.
    pub fn fixed_ips(mut self, ips: Vec<FixedIp>) -> Self {
        self.port.fixed_ips = Some(ips);
        self
    }

    /// Adds an allowed address pair. Repeatable.
    pub fn allowed_address_pair(mut self, pair: AllowedAddressPair) -> Self {
        self.port
            .allowed_address_pairs
            .get_or_insert_with(Vec::new)
            .push(pair);
        self
    }

    /// Sets the security groups (an empty list: none at all).
    pub fn security_groups<I, T>(mut self, groups: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.port.security_groups = Some(groups.into_iter().map(Into::into).collect());
        self
    }

    /// `binding:vnic_type`.
    pub fn binding_vnic_type(mut self, vnic_type: VnicType) -> Self {
        self.port.binding_vnic_type = Some(vnic_type);
        self
    }

    /// `binding:profile`: free-form data for the mechanism driver (admin).
    pub fn binding_profile(mut self, profile: Map<String, Value>) -> Self {
        self.port.binding_profile = Some(profile);
        self
    }

    /// Adds an extra DHCP option. Repeatable.
    pub fn extra_dhcp_opt(mut self, opt: ExtraDhcpOpt) -> Self {
        self.port
            .extra_dhcp_opts
            .get_or_insert_with(Vec::new)
            .push(opt);
        self
    }

    /// Backend hints, free-form (`port-hints`, admin).
    pub fn hints(mut self, hints: Map<String, Value>) -> Self {
        self.port.hints = Some(hints);
        self
    }

    /// Tags set at creation (`tag-creation`).
    pub fn tags<I, T>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.port.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct UpdatePortFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    admin_state_up: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    mac_address: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    fixed_ips: Field<Vec<FixedIp>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    allowed_address_pairs: Field<Vec<AllowedAddressPair>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    security_groups: Field<Vec<String>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    port_security_enabled: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    device_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    device_owner: Field<String>,
    #[serde(rename = "binding:host_id", skip_serializing_if = "Field::is_absent")]
    binding_host_id: Field<String>,
    #[serde(rename = "binding:vnic_type", skip_serializing_if = "Field::is_absent")]
    binding_vnic_type: Field<VnicType>,
    #[serde(rename = "binding:profile", skip_serializing_if = "Field::is_absent")]
    binding_profile: Field<Map<String, Value>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    data_plane_status: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    extra_dhcp_opts: Field<Vec<ExtraDhcpOpt>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    dns_name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    dns_domain: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    qos_policy_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    propagate_uplink_status: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    mac_learning_enabled: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    numa_affinity_policy: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    trusted: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pvlan_type: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pvlan_community: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    hints: Field<Map<String, Value>>,
}

/// The body of `PUT /v2.0/ports/{id}`: only the fields set are sent; lists replace the port's
/// whole list (`[]` empties it) and `None` arguments send `null`.
///
/// ```
/// use stackclient::network::UpdatePort;
/// let req = UpdatePort::new().security_groups(Vec::<String>::new()).qos_policy_id(None).binding_profile(None);
/// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({"port": {
///     "security_groups": [], "qos_policy_id": null, "binding:profile": null}}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdatePort {
    port: UpdatePortFields,
}

impl RequestBody for UpdatePort {}

macro_rules! field_setters {
    ($ty:ty; $( $(#[$m:meta])* $name:ident ),+ $(,)?) => {
        $(
            $(#[$m])*
            pub fn $name(mut self, value: impl Into<$ty>) -> Self {
                self.port.$name = Field::Value(value.into());
                self
            }
        )+
    };
}

macro_rules! nullable_setters {
    ($( $(#[$m:meta])* $name:ident ),+ $(,)?) => {
        $(
            $(#[$m])*
            pub fn $name(mut self, value: Option<&str>) -> Self {
                self.port.$name = value.map(str::to_string).into();
                self
            }
        )+
    };
}

impl UpdatePort {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    field_setters! { String;
        /// New name.
        name,
        /// New description.
        description,
        /// New MAC address (admin).
        mac_address,
        /// What uses the port (`""` detaches it).
        device_id,
        /// The kind of user (`""` clears it).
        device_owner,
        /// `binding:host_id` (admin; `""` unbinds).
        binding_host_id,
        /// Data plane status (`data-plane-status`, admin), `ACTIVE` or `DOWN`.
        data_plane_status,
        /// DNS name (`""` clears it).
        dns_name,
        /// DNS domain (`""` clears it).
        dns_domain,
        /// Private VLAN type.
        pvlan_type,
        /// Private VLAN community.
        pvlan_community,
    }

    field_setters! { bool;
        /// Administrative state.
        admin_state_up,
        /// Port security (security groups must be emptied first to turn it off).
        port_security_enabled,
        /// Propagate the uplink status to the VF.
        propagate_uplink_status,
        /// MAC learning.
        mac_learning_enabled,
        /// Trusted VF (`trusted`).
        trusted,
    }

    nullable_setters! {
        /// QoS policy; `None` detaches it (`"qos_policy_id": null`).
        qos_policy_id,
        /// NUMA affinity policy; `None` sends `null` (the default policy).
        numa_affinity_policy,
    }

    /// Replaces the fixed IPs (`[]` removes every address).
    pub fn fixed_ips(mut self, ips: Vec<FixedIp>) -> Self {
        self.port.fixed_ips = Field::Value(ips);
        self
    }

    /// Replaces the allowed address pairs (`[]` removes them).
    pub fn allowed_address_pairs(mut self, pairs: Vec<AllowedAddressPair>) -> Self {
        self.port.allowed_address_pairs = Field::Value(pairs);
        self
    }

    /// Replaces the security groups (`[]` removes every group).
    pub fn security_groups<I, T>(mut self, groups: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.port.security_groups = Field::Value(groups.into_iter().map(Into::into).collect());
        self
    }

    /// `binding:vnic_type` (admin).
    pub fn binding_vnic_type(mut self, vnic_type: VnicType) -> Self {
        self.port.binding_vnic_type = Field::Value(vnic_type);
        self
    }

    /// `binding:profile`; `None` sends `null` (clears it).
    pub fn binding_profile(mut self, profile: Option<Map<String, Value>>) -> Self {
        self.port.binding_profile = profile.into();
        self
    }

    /// Replaces the extra DHCP options (an option with `opt_value: None` removes it).
    pub fn extra_dhcp_opts(mut self, opts: Vec<ExtraDhcpOpt>) -> Self {
        self.port.extra_dhcp_opts = Field::Value(opts);
        self
    }

    /// Backend hints; `None` sends `null` (clears them).
    pub fn hints(mut self, hints: Option<Map<String, Value>>) -> Self {
        self.port.hints = hints.into();
        self
    }
}
