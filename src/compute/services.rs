//! Compute services (admin): `GET /os-services` (`host`, `binary` filters), `PUT /os-services/{id}`
//! (enable, disable with a reason, force down; 2.53+ with the service's UUID), `DELETE
//! /os-services/{id}`. Before 2.53 ids are integers (a `String` here either way); from 2.69 a service
//! in a cell that does not answer is listed with `binary`, `host` and `status: UNKNOWN` only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, NameFilter, Resource};

/// A compute service (`nova-compute`, `nova-scheduler`, `nova-conductor`, …).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ComputeService {
    /// Its id: integer before 2.53, UUID from 2.53; `None` for a service in a down cell (2.69+).
    #[serde(default, deserialize_with = "super::de::opt_id")]
    pub id: Option<String>,
    /// The binary, e.g. `nova-compute`.
    pub binary: String,
    /// The host it runs on.
    pub host: String,
    /// `enabled`, `disabled`, or `UNKNOWN` (down cell, 2.69+).
    pub status: String,
    /// `up` or `down`.
    #[serde(default)]
    pub state: Option<String>,
    /// Its availability zone.
    #[serde(default)]
    pub zone: Option<String>,
    /// Why it is disabled.
    #[serde(default)]
    pub disabled_reason: Option<String>,
    /// `forced_down` (2.11+).
    #[serde(default)]
    pub forced_down: Option<bool>,
    /// Its last heartbeat.
    #[serde(default, with = "super::types::timestamp::option")]
    pub updated_at: Option<DateTime<Utc>>,
}

impl Resource for ComputeService {
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "compute service";
    const COLLECTION: &'static [&'static str] = &["os-services"];
    const SINGULAR: &'static str = "service";
    const PLURAL: &'static str = "services";
    /// Not paged.
    const LINKS: &'static str = "services_links";
    const NAME_FILTER: NameFilter = NameFilter::None;

    /// The id (empty for a service in a down cell).
    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or("")
    }

    /// The binary.
    fn name(&self) -> Option<&str> {
        Some(&self.binary)
    }
}

/// Compute services (`client.compute().services()`, admin): `list` and `delete` through the generic
/// [`Api`] verbs (Nova has no `GET /os-services/{id}`), plus [`enable`](Api::enable),
/// [`disable`](Api::disable) and [`force_down`](Api::force_down) (2.53+).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// let services = client.compute().services();
/// for s in services.list().binary("nova-compute").all().await? {
///     if let Some(id) = &s.id {
///         let disabled = services.disable(id, Some("maintenance")).await?;
///         assert_eq!((disabled.status.as_str(), disabled.disabled_reason.as_deref()), ("disabled", Some("maintenance")));
///     }
/// }
/// let all = services.list().all().await?;
/// assert_eq!(all.iter().map(|s| s.binary.as_str()).collect::<Vec<_>>(), ["nova-conductor", "nova-scheduler", "nova-compute"]);
/// # Ok(()) }
/// ```
pub type ComputeServices = Api<ComputeService>;

impl Api<ComputeService> {
    async fn put(&self, id: &str, body: serde_json::Value) -> Result<ComputeService, Error> {
        let call = self
            .item_call(Method::Put, id, &[])?
            .json_body(&body)
            .min_microversion(Some(ApiVersion::new(2, 53)));
        self.send_for(&call, "service").await
    }

    /// `PUT /os-services/{id}` `{"status": "enabled"}` (2.53+).
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] below 2.53 (before sending); [`Error::Api`] 404.
    pub async fn enable(&self, id: &str) -> Result<ComputeService, Error> {
        self.put(id, json!({"status": "enabled"})).await
    }

    /// `PUT /os-services/{id}` `{"status": "disabled", "disabled_reason"?: …}` (2.53+).
    ///
    /// # Errors
    /// As [`enable`](Self::enable).
    pub async fn disable(&self, id: &str, reason: Option<&str>) -> Result<ComputeService, Error> {
        let body = match reason {
            Some(r) => json!({"status": "disabled", "disabled_reason": r}),
            None => json!({"status": "disabled"}),
        };
        self.put(id, body).await
    }

    /// `PUT /os-services/{id}` `{"forced_down": …}` (2.53+): marks a `nova-compute` service down
    /// (fencing, before evacuating) or clears the mark.
    ///
    /// # Errors
    /// As [`enable`](Self::enable); 400 for a service that is not `nova-compute`.
    pub async fn force_down(&self, id: &str, down: bool) -> Result<ComputeService, Error> {
        self.put(id, json!({"forced_down": down})).await
    }
}

/// Filters of `GET /os-services` (not paged).
pub type ComputeServiceList = List<ComputeService>;

impl List<ComputeService> {
    /// `host`: services on this host.
    pub fn host(self, host: &str) -> Self {
        self.param("host", host)
    }

    /// `binary`, e.g. `nova-compute`.
    pub fn binary(self, binary: &str) -> Self {
        self.param("binary", binary)
    }
}
