//! Compute (Nova): servers, flavors, keypairs, server groups, availability zones, limits, quota sets,
//! hypervisors, compute services, aggregates and migrations.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
//! # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
//! # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! use stackclient::compute::{CreateServer, ServerStatus};
//! let compute = client.compute();
//! let flavor = compute.flavors().find_by_name("m1.small").await?.expect("flavor");
//! let image_id = stackclient::testing::FakeCloud::IMAGE_ID; // the fake cloud's CirrOS
//! let request = CreateServer::new("web-1", &flavor.id).image(image_id).networks_auto();
//! let created = compute.servers().create(&request).await?;
//! let server = compute.servers().wait_for_status(&created.id, ServerStatus::Active).await?;
//! assert_eq!(server.name, "web-1");
//! # Ok(()) }
//! ```

mod flavors;
mod servers;
mod types;

mod aggregates;
mod availability_zones;
mod de;
mod hypervisors;
mod keypairs;
mod limits;
mod migrations;
mod quota_sets;
mod server_groups;
mod services;

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

pub use aggregates::{Aggregate, AggregateList, Aggregates, CreateAggregate, UpdateAggregate};
pub use availability_zones::{AvailabilityZone, AvailabilityZones, ZoneService, ZoneState};
pub use flavors::{CreateFlavor, FlavorAccess, UpdateFlavor};
pub use hypervisors::{
    Hypervisor, HypervisorList, HypervisorServer, HypervisorService, Hypervisors,
};
pub use keypairs::{CreateKeypair, CreatedKeypair, KeyType, Keypair, KeypairList, Keypairs};
pub use limits::{AbsoluteLimits, Limits, LimitsApi};
pub use migrations::{Migration, MigrationList, Migrations};
pub use quota_sets::{QuotaSet, QuotaSetDetail, QuotaSets, QuotaUsage, Quotas, UpdateQuotaSet};
pub use server_groups::{
    CreateServerGroup, ServerGroup, ServerGroupList, ServerGroupPolicy, ServerGroupRules,
    ServerGroups,
};
pub use services::{ComputeService, ComputeServiceList, ComputeServices};

use crate::client::Client;

/// The highest compute microversion whose responses this crate's models are known to read: the
/// negotiated microversion is at most this. A pin (`compute_api_version`) is sent as given, even above.
///
/// Reviewed from 2.101 on: 2.101 (volume attach answers 202 without a body), 2.102 (flavors lose
/// `rxtx_factor` and `OS-FLV-DISABLED:disabled`, which [`Flavor`] defaults; `GET /flavors` gains a
/// `name` filter, [`FlavorList::name`]; unknown query parameters are refused with 400), 2.103
/// (`/os-volumes_boot` removed; not used here), 2.104 (`pinned_availability_zone` updatable on
/// servers; [`Server`] reads it since 2.96).
pub const MAX_MICROVERSION: crate::ApiVersion = crate::ApiVersion::new(2, 104);

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

    /// Keypairs (`/os-keypairs`).
    pub fn keypairs(&self) -> Keypairs {
        Keypairs::new(self.client.clone())
    }

    /// Server groups (`/os-server-groups`).
    pub fn server_groups(&self) -> ServerGroups {
        ServerGroups::new(self.client.clone())
    }

    /// Availability zones (`/os-availability-zone`).
    pub fn availability_zones(&self) -> AvailabilityZones {
        AvailabilityZones::new(self.client.clone())
    }

    /// Absolute limits (`/limits`).
    pub fn limits(&self) -> LimitsApi {
        LimitsApi::new(self.client.clone())
    }

    /// Quota sets (`/os-quota-sets`, admin).
    pub fn quota_sets(&self) -> QuotaSets {
        QuotaSets::new(self.client.clone())
    }

    /// Hypervisors (`/os-hypervisors`, admin).
    pub fn hypervisors(&self) -> Hypervisors {
        Hypervisors::new(self.client.clone())
    }

    /// Compute services (`/os-services`, admin).
    pub fn services(&self) -> ComputeServices {
        ComputeServices::new(self.client.clone())
    }

    /// Host aggregates (`/os-aggregates`, admin).
    pub fn aggregates(&self) -> Aggregates {
        Aggregates::new(self.client.clone())
    }

    /// Migrations (`/os-migrations`, admin).
    pub fn migrations(&self) -> Migrations {
        Migrations::new(self.client.clone())
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
