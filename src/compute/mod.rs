//! Compute (Nova): servers and flavors.
//!
//! ```no_run
//! # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
//! use stackclient::compute::{CreateServer, ServerStatus};
//! let compute = client.compute();
//! let flavor = compute.flavors().find_by_name("m1.small").await?.expect("flavor");
//! let image_id = "70a599e0-31e7-49b7-b260-868f441e862b";
//! let request = CreateServer::new("web-1", &flavor.id).image(image_id).networks_auto();
//! let created = compute.servers().create(&request).await?;
//! let server = compute.servers().wait_for_status(&created.id, ServerStatus::Active).await?;
//! # Ok(()) }
//! ```

mod flavors;
mod servers;
mod types;

pub use crate::pagination::SortDir;
pub use flavors::{FlavorList, Flavors};
pub use servers::{
    AttachInterface, AttachVolume, BatchOutcome, BlockMigration, ConsoleProtocol, ConsoleType,
    CpuDetails, CreateBackup, CreateImage, Diagnostics, DiskDetails, Evacuate, FixedIp,
    InstanceAction, InstanceActionEvent, InstanceActionList, InterfaceAttachment, LiveMigrate,
    MemoryDetails, NicDetails, RebuildServer, RemoteConsole, Rescue, ResetState, Resize,
    ServerAction, ServerList, ServerTopology, Servers, TopologyNode, Unshelve, UpdateServer,
    UpdateVolumeAttachment, VolumeAttachment,
};
pub use types::*;

use crate::client::Client;

/// The highest compute microversion whose responses this crate's models are known to read: the
/// negotiated microversion is at most this. A pin (`compute_api_version`) is sent as given, even above.
pub const MAX_MICROVERSION: crate::ApiVersion = crate::ApiVersion::new(2, 100);

/// The compute service (`client.compute()`). The endpoint and microversion are resolved on first use
/// and cached in the session.
#[derive(Clone, Debug)]
pub struct Compute {
    client: Client,
}

impl Compute {
    /// Server operations.
    pub fn servers(&self) -> Servers {
        Servers::new(self.client.clone())
    }

    /// Flavor operations.
    pub fn flavors(&self) -> Flavors {
        Flavors::new(self.client.clone())
    }
}

impl Client {
    /// The compute service (Nova).
    pub fn compute(&self) -> Compute {
        Compute {
            client: self.clone(),
        }
    }
}
