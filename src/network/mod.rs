//! Network (Neutron): networks, subnets, ports, subnet pools, address scopes, QoS, trunks, RBAC
//! policies, quotas, extensions, availability zones, agents, network IP availability.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
//! # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! use stackclient::network::{CreateNetwork, CreateSubnet};
//! let network = client.network();
//! let net = network.networks().create(&CreateNetwork::new().name("backend")).await?;
//! let subnet = network.subnets().create(&CreateSubnet::new(&net.id, 4).cidr("192.168.10.0/24")).await?;
//! assert_eq!(subnet.gateway_ip.as_deref(), Some("192.168.10.1")); // Neutron's default: the first host
//! network.networks().delete(&net.id).await?; // its subnets go with it
//! assert!(network.subnets().get_opt(&subnet.id).await?.is_none());
//! # Ok(()) }
//! ```

mod lenient;
mod networks;
mod ports;
mod subnet_pools;
mod subnets;
mod types;

mod address_scopes;
mod agents;
mod availability_zones;
mod bulk;
mod extensions;
mod floating_ips;
mod ip_availability;
mod qos;
mod quotas;
mod rbac_policies;
mod routers;
mod security_group_rules;
mod security_groups;
mod trunks;

pub use networks::{NetworkList, Networks};
pub use ports::{
    AllowedAddressPair, CreatePort, DnsAssignment, ExtraDhcpOpt, FixedIp, Port, PortList,
    PortStatus, Ports, UpdatePort, VnicType,
};
pub use subnet_pools::{
    CreateSubnetPool, SubnetPool, SubnetPoolList, SubnetPools, UpdateSubnetPool,
};
pub use subnets::{
    AllocationPool, CreateSubnet, HostRoute, Ipv6Mode, Subnet, SubnetList, Subnets, UpdateSubnet,
};
pub use types::*;

pub use address_scopes::*;
pub use agents::*;
pub use availability_zones::*;
pub use extensions::*;
pub use floating_ips::*;
pub use ip_availability::*;
pub use qos::*;
pub use quotas::*;
pub use rbac_policies::*;
pub use routers::*;
pub use security_group_rules::*;
pub use security_groups::*;
pub use trunks::*;

use crate::client::Client;
use crate::resource::Api;

/// The network service (`client.network()`), API v2.0.
#[derive(Clone, Debug)]
pub struct NetworkService {
    client: Client,
}

impl NetworkService {
    /// Network operations.
    pub fn networks(&self) -> Networks {
        Networks::new(self.client.clone())
    }

    /// Subnet operations: `/v2.0/subnets`.
    pub fn subnets(&self) -> Subnets {
        Subnets::new(self.client.clone())
    }

    /// Port operations: `/v2.0/ports`.
    pub fn ports(&self) -> Ports {
        Ports::new(self.client.clone())
    }

    /// Subnet pool operations: `/v2.0/subnetpools`.
    pub fn subnet_pools(&self) -> SubnetPools {
        SubnetPools::new(self.client.clone())
    }

    /// Address scopes: `/v2.0/address-scopes`.
    pub fn address_scopes(&self) -> AddressScopes {
        Api::new(self.client.clone())
    }

    /// QoS policies: `/v2.0/qos/policies`; their rules through
    /// [`QosPolicies::bandwidth_limit_rules`] and the other rule handles.
    pub fn qos_policies(&self) -> QosPolicies {
        Api::new(self.client.clone())
    }

    /// QoS rule types the cloud's drivers support: `/v2.0/qos/rule-types`.
    pub fn qos_rule_types(&self) -> QosRuleTypes {
        Api::new(self.client.clone())
    }

    /// Trunks and their sub-ports: `/v2.0/trunks`.
    pub fn trunks(&self) -> Trunks {
        Api::new(self.client.clone())
    }

    /// RBAC policies (sharing networks, QoS policies, address scopes, … with projects):
    /// `/v2.0/rbac-policies`.
    pub fn rbac_policies(&self) -> RbacPolicies {
        Api::new(self.client.clone())
    }

    /// Quotas per project: `/v2.0/quotas`.
    pub fn quotas(&self) -> Quotas {
        Api::new(self.client.clone())
    }

    /// The API extensions the cloud loads: `/v2.0/extensions`.
    pub fn extensions(&self) -> Extensions {
        Api::new(self.client.clone())
    }

    /// Availability zones (list only): `/v2.0/availability_zones`.
    pub fn availability_zones(&self) -> AvailabilityZones {
        Api::new(self.client.clone())
    }

    /// Agents (admin): `/v2.0/agents`.
    pub fn agents(&self) -> Agents {
        Api::new(self.client.clone())
    }

    /// IP address usage per network (admin): `/v2.0/network-ip-availabilities`.
    pub fn network_ip_availabilities(&self) -> NetworkIpAvailabilities {
        Api::new(self.client.clone())
    }

    /// Routers: `/v2.0/routers` (interfaces, extra routes, gateways).
    pub fn routers(&self) -> Routers {
        Routers::new(self.client.clone())
    }

    /// Floating IPs: `/v2.0/floatingips` (associate, disassociate, port forwardings).
    pub fn floating_ips(&self) -> FloatingIps {
        FloatingIps::new(self.client.clone())
    }

    /// Security groups: `/v2.0/security-groups`.
    pub fn security_groups(&self) -> SecurityGroups {
        SecurityGroups::new(self.client.clone())
    }

    /// Security group rules: `/v2.0/security-group-rules`.
    pub fn security_group_rules(&self) -> SecurityGroupRules {
        SecurityGroupRules::new(self.client.clone())
    }
}

impl Client {
    /// The network service (Neutron).
    pub fn network(&self) -> NetworkService {
        NetworkService {
            client: self.clone(),
        }
    }
}
