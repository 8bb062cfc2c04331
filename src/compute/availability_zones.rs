//! Availability zones: `GET /os-availability-zone` and (admin) `GET /os-availability-zone/detail`.
//! Nova has no item URL for a zone: use `list`, [`Api::list_detail`] or `find_by_name`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, NameFilter, Resource};

/// `zoneState`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ZoneState {
    /// Whether the zone is available.
    pub available: bool,
}

/// One service of a host in a zone (`detail` only).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ZoneService {
    /// Whether the service is enabled.
    pub active: bool,
    /// Whether the service is up.
    pub available: bool,
    /// Its last heartbeat.
    #[serde(default, with = "super::types::timestamp::option")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// An availability zone.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct AvailabilityZone {
    /// `zoneName`, e.g. `nova`.
    #[serde(rename = "zoneName")]
    pub name: String,
    /// `zoneState`.
    #[serde(rename = "zoneState")]
    pub state: ZoneState,
    /// `hosts` (`detail` only; `null` in the plain list): host → service binary → its state.
    #[serde(default)]
    pub hosts: Option<BTreeMap<String, BTreeMap<String, ZoneService>>>,
}

impl Resource for AvailabilityZone {
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "availability zone";
    const COLLECTION: &'static [&'static str] = &["os-availability-zone"];
    const SINGULAR: &'static str = "availabilityZoneInfo";
    const PLURAL: &'static str = "availabilityZoneInfo";
    /// Not paged.
    const LINKS: &'static str = "availabilityZoneInfo_links";
    const NAME_FILTER: NameFilter = NameFilter::None;
    const UNIQUE_NAMES: bool = true;

    /// The zone's name (zones have no id).
    fn id(&self) -> &str {
        &self.name
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// Availability zones (`client.compute().availability_zones()`): `list()` (`GET
/// /os-availability-zone`, available zones for everyone), [`list_detail`](Api::list_detail) (admin),
/// `find_by_name`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// for az in client.compute().availability_zones().list().all().await? {
///     println!("{} available={}", az.name, az.state.available);
///     assert_eq!((az.name.as_str(), az.state.available), ("nova", true));
/// }
/// let detail = client.compute().availability_zones().list_detail().all().await?;
/// assert_eq!(detail.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(), ["internal", "nova"]);
/// # Ok(()) }
/// ```
pub type AvailabilityZones = Api<AvailabilityZone>;

impl Api<AvailabilityZone> {
    /// `GET /os-availability-zone/detail` (admin): every zone (also `internal` and unavailable ones)
    /// with its hosts and their services.
    pub fn list_detail(&self) -> List<AvailabilityZone> {
        List::new(
            self.client().clone(),
            ServiceType::COMPUTE,
            &["os-availability-zone", "detail"],
            "availabilityZoneInfo",
            "availabilityZoneInfo_links",
        )
    }
}
