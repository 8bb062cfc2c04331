//! API extensions: `GET /v2.0/extensions` (every extension the cloud loads) and
//! `GET /v2.0/extensions/{alias}`.
//!
//! What a Neutron offers depends on its extensions: check for an alias (e.g. `qos`, `trunk`,
//! `quota_details`) before calling an optional API.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lenient;
use crate::compute::Link;
use crate::error::Error;
use crate::request::ServiceType;
use crate::resource::{Api, NameFilter, Resource};
use crate::timestamp;

/// An API extension as `GET /v2.0/extensions[/{alias}]` returns it (inside `extension` /
/// `extensions[]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Extension {
    /// The alias, e.g. `qos`: what code checks for.
    pub alias: String,
    /// A human name, e.g. `Quality of Service`.
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub name: String,
    /// What it adds.
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub description: String,
    /// When the extension was last changed, as sent (e.g. `2013-02-03T10:00:00-00:00`). Kept as
    /// text: real clouds send dates that are no dates (Neutron 28 has `2024-23-07T10:00:00-00:00`);
    /// [`updated_at`](Self::updated_at) parses it.
    #[serde(default)]
    pub updated: Option<String>,
    /// Links (usually none).
    #[serde(default, deserialize_with = "lenient::null_as_empty")]
    pub links: Vec<Link>,
}

impl Extension {
    /// [`updated`](Self::updated) as a UTC time, `None` when absent or not a valid timestamp.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.updated.as_deref().and_then(timestamp::parse)
    }
}

impl Resource for Extension {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "extension";
    const COLLECTION: &'static [&'static str] = &["extensions"];
    const SINGULAR: &'static str = "extension";
    const PLURAL: &'static str = "extensions";
    const LINKS: &'static str = "extensions_links";
    const NAME_FILTER: NameFilter = NameFilter::None;

    /// The alias: `get` takes it.
    fn id(&self) -> &str {
        &self.alias
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// Extension lookups (`client.network().extensions()`): `list()`, `get(alias)`,
/// `get_opt(alias)` (`None`: not loaded), [`is_loaded`](Api::is_loaded). Neutron does not page
/// this list.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// let extensions = client.network().extensions();
/// if extensions.is_loaded("trunk").await? {
///     let trunks = client.network().trunks().list().all().await?;
///     assert!(trunks.is_empty());
/// }
/// assert_eq!(extensions.get("trunk").await?.name, "Trunk Extension");
/// assert!(extensions.get_opt("bgpvpn").await?.is_none());
/// # Ok(()) }
/// ```
pub type Extensions = Api<Extension>;

impl Api<Extension> {
    /// Whether the cloud loads the extension `alias` (`GET /v2.0/extensions/{alias}`: 200 or 404).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty alias; other errors of the call.
    pub async fn is_loaded(&self, alias: &str) -> Result<bool, Error> {
        Ok(self.get_opt(alias).await?.is_some())
    }
}
