//! Limits: `GET /limits` (absolute limits and usage of the current project, or of another with
//! `tenant_id`, admin).

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Error;
use crate::request::{Call, Method, ServiceType};

/// `limits.absolute`: limits (`-1`: unlimited) and usage. Counts are numbers of items, RAM in MiB.
/// The network fields (floating IPs, security groups) are gone from 2.36, the personality fields
/// from 2.57: they are `None` there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AbsoluteLimits {
    /// `maxTotalInstances`.
    pub max_total_instances: Option<i64>,
    /// `maxTotalCores`.
    pub max_total_cores: Option<i64>,
    /// `maxTotalRAMSize` (MiB).
    #[serde(rename = "maxTotalRAMSize")]
    pub max_total_ram_size: Option<i64>,
    /// `maxTotalKeypairs`.
    pub max_total_keypairs: Option<i64>,
    /// `maxServerMeta`: metadata items per server.
    pub max_server_meta: Option<i64>,
    /// `maxImageMeta` (before 2.39).
    pub max_image_meta: Option<i64>,
    /// `maxServerGroups`.
    pub max_server_groups: Option<i64>,
    /// `maxServerGroupMembers`.
    pub max_server_group_members: Option<i64>,
    /// `maxPersonality` (before 2.57).
    pub max_personality: Option<i64>,
    /// `maxPersonalitySize` (bytes, before 2.57).
    pub max_personality_size: Option<i64>,
    /// `maxTotalFloatingIps` (before 2.36).
    pub max_total_floating_ips: Option<i64>,
    /// `maxSecurityGroups` (before 2.36).
    pub max_security_groups: Option<i64>,
    /// `maxSecurityGroupRules` (before 2.36).
    pub max_security_group_rules: Option<i64>,
    /// `totalInstancesUsed`.
    pub total_instances_used: Option<i64>,
    /// `totalCoresUsed`.
    pub total_cores_used: Option<i64>,
    /// `totalRAMUsed` (MiB).
    #[serde(rename = "totalRAMUsed")]
    pub total_ram_used: Option<i64>,
    /// `totalServerGroupsUsed`.
    pub total_server_groups_used: Option<i64>,
    /// `totalFloatingIpsUsed` (before 2.36).
    pub total_floating_ips_used: Option<i64>,
    /// `totalSecurityGroupsUsed` (before 2.36).
    pub total_security_groups_used: Option<i64>,
}

/// `GET /limits`' `limits`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Limits {
    /// Absolute limits and usage.
    pub absolute: AbsoluteLimits,
    /// Rate limits (always empty in current Nova).
    #[serde(default)]
    pub rate: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct LimitsBody {
    limits: Limits,
}

/// Limits (`client.compute().limits()`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// let limits = client.compute().limits().get().await?;
/// println!("{:?} of {:?} cores used", limits.absolute.total_cores_used, limits.absolute.max_total_cores);
/// assert_eq!((limits.absolute.total_cores_used, limits.absolute.max_total_cores), (Some(0), Some(20)));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct LimitsApi {
    client: Client,
}

impl LimitsApi {
    pub(crate) fn new(client: Client) -> Self {
        LimitsApi { client }
    }

    /// `GET /limits`: the current project's limits.
    ///
    /// # Errors
    /// Pipeline errors; [`Error::Decode`] for an unreadable answer.
    pub async fn get(&self) -> Result<Limits, Error> {
        self.fetch(None).await
    }

    /// `GET /limits?tenant_id={project_id}` (admin): another project's limits.
    ///
    /// # Errors
    /// As [`get`](Self::get); [`Error::InvalidInput`] for an empty id.
    pub async fn get_for_project(&self, project_id: &str) -> Result<Limits, Error> {
        let project_id = crate::request::check_id("project", project_id)?;
        self.fetch(Some(project_id)).await
    }

    async fn fetch(&self, tenant: Option<&str>) -> Result<Limits, Error> {
        let mut call = Call::new(ServiceType::COMPUTE, Method::Get, ["limits"]);
        if let Some(t) = tenant {
            call = call.query("tenant_id", t);
        }
        Ok(self
            .client
            .execute(&call)
            .await?
            .json::<LimitsBody>()?
            .limits)
    }
}
