//! Host aggregates (admin): `GET/POST /os-aggregates`, `GET/PUT/DELETE /os-aggregates/{id}`, and the
//! `add_host`, `remove_host` and `set_metadata` actions (`POST /os-aggregates/{id}/action`). Ids are
//! integers (a `String` here); `uuid` from 2.41.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Error;
use crate::field::Field;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, Creatable, NameFilter, RequestBody, Resource, Updatable};

/// A host aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Aggregate {
    /// Its id (an integer, as a string).
    #[serde(deserialize_with = "super::de::id")]
    pub id: String,
    /// `uuid` (2.41+).
    #[serde(default)]
    pub uuid: Option<String>,
    /// Its name.
    pub name: String,
    /// The availability zone it defines, if any.
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// Member hosts (absent from a create's answer: empty).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Metadata (the zone is `availability_zone` here too).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Creation time.
    #[serde(default, with = "super::types::timestamp::option")]
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    #[serde(default, with = "super::types::timestamp::option")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Always `false` for aggregates one can read.
    #[serde(default)]
    pub deleted: bool,
}

impl Resource for Aggregate {
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "aggregate";
    const COLLECTION: &'static [&'static str] = &["os-aggregates"];
    const SINGULAR: &'static str = "aggregate";
    const PLURAL: &'static str = "aggregates";
    /// Not paged.
    const LINKS: &'static str = "aggregates_links";
    const NAME_FILTER: NameFilter = NameFilter::None;
    const UNIQUE_NAMES: bool = true;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// `POST /os-aggregates` answers the aggregate (without hosts and metadata).
impl Creatable for Aggregate {
    type Create = CreateAggregate;
    type Created = Aggregate;
}

/// `PUT /os-aggregates/{id}` answers the aggregate.
impl Updatable for Aggregate {
    type Update = UpdateAggregate;
}

/// `POST /os-aggregates` body `{"aggregate": {"name", "availability_zone"?}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateAggregate {
    name: String,
    availability_zone: Option<String>,
}

impl CreateAggregate {
    /// An aggregate named `name` (unique).
    pub fn new(name: impl Into<String>) -> Self {
        CreateAggregate {
            name: name.into(),
            availability_zone: None,
        }
    }

    /// `availability_zone`: the aggregate defines this zone.
    pub fn availability_zone(mut self, zone: impl Into<String>) -> Self {
        self.availability_zone = Some(zone.into());
        self
    }
}

impl Serialize for CreateAggregate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut a = json!({ "name": self.name });
        if let Some(z) = &self.availability_zone {
            a["availability_zone"] = json!(z);
        }
        json!({ "aggregate": a }).serialize(s)
    }
}

impl RequestBody for CreateAggregate {}

/// `PUT /os-aggregates/{id}` body `{"aggregate": {...}}`: the name and/or the zone (`null` removes
/// the zone).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateAggregate {
    name: Option<String>,
    availability_zone: Field<String>,
}

impl UpdateAggregate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `availability_zone`: a zone, or `None` for `null` (no zone).
    pub fn availability_zone(mut self, zone: Option<&str>) -> Self {
        self.availability_zone = zone.map(str::to_string).into();
        self
    }
}

impl Serialize for UpdateAggregate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut a = serde_json::Map::new();
        if let Some(n) = &self.name {
            a.insert("name".into(), json!(n));
        }
        if !self.availability_zone.is_absent() {
            a.insert("availability_zone".into(), json!(self.availability_zone));
        }
        json!({ "aggregate": a }).serialize(s)
    }
}

impl RequestBody for UpdateAggregate {}

/// Host aggregates (`client.compute().aggregates()`, admin): the generic [`Api`] verbs plus
/// [`add_host`](Api::add_host), [`remove_host`](Api::remove_host) and
/// [`set_metadata`](Api::set_metadata).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::compute::CreateAggregate;
/// let aggs = client.compute().aggregates();
/// let a = aggs.create(&CreateAggregate::new("ssd").availability_zone("fast")).await?;
/// aggs.add_host(&a.id, "fake-host").await?; // the fake cloud's one compute host
/// let a = aggs.set_metadata(&a.id, &[("ssd", Some("true"))]).await?;
/// assert_eq!(a.hosts, ["fake-host"]);
/// assert_eq!(a.metadata.get("ssd").map(String::as_str), Some("true"));
/// // The host is now in zone `fast`.
/// let zones = client.compute().availability_zones().list().all().await?;
/// assert_eq!(zones.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(), ["fast"]);
/// // Unknown hosts are 404, an aggregate with hosts cannot be deleted (400).
/// assert_eq!(aggs.add_host(&a.id, "compute-9").await.unwrap_err().status(), Some(404));
/// assert_eq!(aggs.delete(&a.id).await.unwrap_err().status(), Some(400));
/// # Ok(()) }
/// ```
pub type Aggregates = Api<Aggregate>;

impl Api<Aggregate> {
    async fn action(&self, id: &str, body: serde_json::Value) -> Result<Aggregate, Error> {
        let call = self
            .item_call(Method::Post, id, &["action"])?
            .json_body(&body);
        self.send_for(&call, "aggregate").await
    }

    /// `POST /os-aggregates/{id}/action` `{"add_host": {"host": …}}`: the aggregate after.
    ///
    /// # Errors
    /// [`Error::Api`] 404 for no such host, 409 when it is a member already or would be in two zones.
    pub async fn add_host(&self, id: &str, host: &str) -> Result<Aggregate, Error> {
        let host = crate::request::check_id("host", host)?;
        self.action(id, json!({"add_host": {"host": host}})).await
    }

    /// `POST /os-aggregates/{id}/action` `{"remove_host": {"host": …}}`: the aggregate after.
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the host is not a member.
    pub async fn remove_host(&self, id: &str, host: &str) -> Result<Aggregate, Error> {
        let host = crate::request::check_id("host", host)?;
        self.action(id, json!({"remove_host": {"host": host}}))
            .await
    }

    /// `POST /os-aggregates/{id}/action` `{"set_metadata": {"metadata": {...}}}`: sets these keys
    /// (`None` sends `null`, which deletes the key); other keys are kept. The aggregate after.
    ///
    /// # Errors
    /// [`Error::Api`] 400 for a refused key, 409 for a zone conflicting with a member host.
    pub async fn set_metadata(
        &self,
        id: &str,
        metadata: &[(&str, Option<&str>)],
    ) -> Result<Aggregate, Error> {
        let metadata: BTreeMap<&str, Option<&str>> = metadata.iter().copied().collect();
        self.action(id, json!({"set_metadata": {"metadata": metadata}}))
            .await
    }
}

/// `GET /os-aggregates` (not paged).
pub type AggregateList = List<Aggregate>;
