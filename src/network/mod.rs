//! Network (Neutron): networks.
//!
//! ```no_run
//! # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
//! use stackclient::network::CreateNetwork;
//! let net = client.network().networks().create(&CreateNetwork::new().name("private")).await?;
//! client.network().networks().delete(&net.id).await?;
//! # Ok(()) }
//! ```

mod networks;
mod types;

mod floating_ips;
mod lenient;
mod routers;
mod security_group_rules;
mod security_groups;

pub use networks::{NetworkList, Networks};
pub use types::*;

pub use floating_ips::*;
pub use routers::*;
pub use security_group_rules::*;
pub use security_groups::*;

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
