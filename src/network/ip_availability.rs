//! Network IP availability (`network-ip-availability` extension, admin):
//! `GET /v2.0/network-ip-availabilities` and `GET /v2.0/network-ip-availabilities/{network_id}`.
//!
//! Counts are `u128`: an IPv6 `/64` holds 2^64 addresses, more than `u64` can count, and Neutron
//! sends the exact figure. They are read exactly from the response text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, NameFilter, Resource};

/// The detailed counts (`network-ip-availability-details` extension): the whole subnets versus
/// their allocation pools.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct IpAvailabilityDetails {
    /// Addresses in the subnets' CIDRs.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total_ips_in_subnet: Option<u128>,
    /// Addresses in the subnets' allocation pools.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total_ips_in_allocation_pool: Option<u128>,
    /// Addresses in use in the subnets.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub used_ips_in_subnet: Option<u128>,
    /// Addresses in use in the allocation pools.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub used_ips_in_allocation_pool: Option<u128>,
}

/// One subnet's figures (`subnet_ip_availability[]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SubnetIpAvailability {
    /// Subnet ID.
    pub subnet_id: String,
    /// Subnet name.
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub subnet_name: String,
    /// The subnet's CIDR, e.g. `10.0.0.0/24`.
    pub cidr: String,
    /// `4` or `6`.
    #[serde(deserialize_with = "lenient::int")]
    pub ip_version: u8,
    /// Addresses the allocation pools offer.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total_ips: Option<u128>,
    /// Addresses in use.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub used_ips: Option<u128>,
    /// Detailed counts, when the cloud sends them.
    #[serde(default)]
    pub ip_availability_details: Option<IpAvailabilityDetails>,
}

/// A network's figures as `GET /v2.0/network-ip-availabilities[/{network_id}]` returns them
/// (inside `network_ip_availability` / `network_ip_availabilities[]`).
///
/// `project_id` is filled from `tenant_id` when only that is sent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct NetworkIpAvailability {
    /// Network ID.
    pub network_id: String,
    /// Network name.
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub network_name: String,
    /// Owning project ID; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project ID under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Addresses all subnets' allocation pools offer.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total_ips: Option<u128>,
    /// Addresses in use in all subnets.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub used_ips: Option<u128>,
    /// Per-subnet figures.
    #[serde(default, deserialize_with = "lenient::null_as_empty")]
    pub subnet_ip_availability: Vec<SubnetIpAvailability>,
    /// Detailed counts, when the cloud sends them.
    #[serde(default)]
    pub ip_availability_details: Option<IpAvailabilityDetails>,
}

impl<'de> Deserialize<'de> for NetworkIpAvailability {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut a = NetworkIpAvailability::deserialize(d)?;
        a.project_id = lenient::project_id(&a.project_id, &a.tenant_id);
        Ok(a)
    }
}

impl Serialize for NetworkIpAvailability {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        NetworkIpAvailability::serialize(self, s)
    }
}

impl Resource for NetworkIpAvailability {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "network IP availability";
    const COLLECTION: &'static [&'static str] = &["network-ip-availabilities"];
    const SINGULAR: &'static str = "network_ip_availability";
    const PLURAL: &'static str = "network_ip_availabilities";
    const LINKS: &'static str = "network_ip_availabilities_links";
    const NAME_FILTER: NameFilter = NameFilter::None;

    /// The network's id: `get` takes it.
    fn id(&self) -> &str {
        &self.network_id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.network_name)
    }
}

/// IP availability (`client.network().network_ip_availabilities()`, admin): `list()` with
/// filters, `get(network_id)` (`find_by_name` reads the whole list: filter with
/// [`List::network_name`] instead).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::CreatePort;
/// # let net_id = &fake.network_id("private").expect("seeded");
/// client.network().ports().create(&CreatePort::new(net_id)).await?;
/// let a = client.network().network_ip_availabilities().get(net_id).await?;
/// let s = &a.subnet_ip_availability[0];
/// // 10.0.0.0/24: 254 hosts, the pool leaves out the gateway; the port holds one address.
/// assert_eq!((s.cidr.as_str(), s.total_ips, s.used_ips), ("10.0.0.0/24", Some(253), Some(1)));
/// assert_eq!(a.ip_availability_details.and_then(|d| d.total_ips_in_subnet), Some(254));
/// # Ok(()) }
/// ```
pub type NetworkIpAvailabilities = Api<NetworkIpAvailability>;

impl List<NetworkIpAvailability> {
    /// `network_id`.
    pub fn network_id(self, network_id: &str) -> Self {
        self.param("network_id", network_id)
    }

    /// `network_name`.
    pub fn network_name(self, name: &str) -> Self {
        self.param("network_name", name)
    }

    /// `ip_version`: networks with subnets of this version.
    pub fn ip_version(self, version: u8) -> Self {
        self.param("ip_version", version)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }
}
