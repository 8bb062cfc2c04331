//! Network (Neutron): networks, subnets, ports, subnet pools.
//!
//! ```no_run
//! # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
//! use stackclient::network::CreateNetwork;
//! let net = client.network().networks().create(&CreateNetwork::new().name("private")).await?;
//! client.network().networks().delete(&net.id).await?;
//! # Ok(()) }
//! ```

mod lenient;
mod networks;
mod ports;
mod subnet_pools;
mod subnets;
mod types;

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

use crate::client::Client;

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
}

impl Client {
    /// The network service (Neutron).
    pub fn network(&self) -> NetworkService {
        NetworkService {
            client: self.clone(),
        }
    }
}
