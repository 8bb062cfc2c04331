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

pub use networks::{NetworkList, Networks};
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
}

impl Client {
    /// The network service (Neutron).
    pub fn network(&self) -> NetworkService {
        NetworkService {
            client: self.clone(),
        }
    }
}
