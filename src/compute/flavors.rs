//! Flavors: `GET /flavors/detail`, `GET /flavors/{id}`, `POST /flavors`, `PUT /flavors/{id}` (2.55),
//! `DELETE /flavors/{id}`, extra specs (`/flavors/{id}/os-extra_specs`), flavor access
//! (`/flavors/{id}/os-flavor-access`, `addTenantAccess` / `removeTenantAccess`), and resolving the flavor
//! a server embeds (2.47+) back to a [`Flavor`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Flavor, ServerFlavor};
use crate::error::Error;
use crate::field::Field;
use crate::microversion::ApiVersion;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, Creatable, NameFilter, RequestBody, Resource, Updatable};

impl Resource for Flavor {
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "flavor";
    const COLLECTION: &'static [&'static str] = &["flavors"];
    const LIST_PATH: &'static [&'static str] = &["flavors", "detail"];
    const SINGULAR: &'static str = "flavor";
    const PLURAL: &'static str = "flavors";
    const LINKS: &'static str = "flavors_links";
    /// Nova has no name filter for flavors before 2.102: `find_by_name` pages through the list.
    const NAME_FILTER: NameFilter = NameFilter::None;
    /// Flavor names are unique in Nova: the search stops at the first match.
    const UNIQUE_NAMES: bool = true;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// `POST /flavors` (admin) answers the new flavor.
impl Creatable for Flavor {
    type Create = CreateFlavor;
    type Created = Flavor;
}

/// `PUT /flavors/{id}` (admin, 2.55): only the description can change.
impl Updatable for Flavor {
    type Update = UpdateFlavor;
}

/// `POST /flavors` body `{"flavor": {...}}`: name, RAM (MiB), vCPUs and root disk (GiB) are required;
/// the rest is sent only when set.
///
/// ```
/// use stackclient::compute::CreateFlavor;
/// let req = CreateFlavor::new("m1.private", 2048, 2, 20).id("p-1").swap_mib(512).ephemeral_gib(5).public(false);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreateFlavor {
    f: CreateFlavorFields,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct CreateFlavorFields {
    name: String,
    ram: u64,
    vcpus: u32,
    disk: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    swap: Option<u64>,
    #[serde(
        rename = "OS-FLV-EXT-DATA:ephemeral",
        skip_serializing_if = "Option::is_none"
    )]
    ephemeral: Option<u64>,
    #[serde(
        rename = "os-flavor-access:is_public",
        skip_serializing_if = "Option::is_none"
    )]
    is_public: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rxtx_factor: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

impl CreateFlavor {
    /// A flavor named `name` with `ram_mib` MiB of RAM, `vcpus` virtual CPUs and a root disk of
    /// `disk_gib` GiB (0: the image's size).
    pub fn new(name: impl Into<String>, ram_mib: u64, vcpus: u32, disk_gib: u64) -> Self {
        CreateFlavor {
            f: CreateFlavorFields {
                name: name.into(),
                ram: ram_mib,
                vcpus,
                disk: disk_gib,
                id: None,
                swap: None,
                ephemeral: None,
                is_public: None,
                rxtx_factor: None,
                description: None,
            },
        }
    }

    /// `id`: the flavor's id (a string; Nova generates a UUID when absent).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.f.id = Some(id.into());
        self
    }

    /// `swap`: swap size in MiB (0: none).
    pub fn swap_mib(mut self, mib: u64) -> Self {
        self.f.swap = Some(mib);
        self
    }

    /// `OS-FLV-EXT-DATA:ephemeral`: ephemeral disk size in GiB.
    pub fn ephemeral_gib(mut self, gib: u64) -> Self {
        self.f.ephemeral = Some(gib);
        self
    }

    /// `os-flavor-access:is_public`: `false` makes a private flavor, usable only by the projects
    /// given access ([`Api::add_tenant_access`]); Nova's default is public.
    pub fn public(mut self, public: bool) -> Self {
        self.f.is_public = Some(public);
        self
    }

    /// `rxtx_factor`: bandwidth factor (before 2.102 only: Nova refuses it from 2.102).
    pub fn rxtx_factor(mut self, factor: f64) -> Self {
        self.f.rxtx_factor = Some(factor);
        self
    }

    /// `description` (2.55+).
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.f.description = Some(text.into());
        self
    }
}

impl Serialize for CreateFlavor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("flavor", &self.f)?;
        m.end()
    }
}

/// A description needs 2.55.
impl RequestBody for CreateFlavor {
    fn min_microversion(&self) -> Option<ApiVersion> {
        self.f.description.as_ref().map(|_| ApiVersion::new(2, 55))
    }
}

/// `PUT /flavors/{id}` body `{"flavor": {"description": …}}` (2.55): a value, or `null` to clear it.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct UpdateFlavor {
    description: Field<String>,
}

impl UpdateFlavor {
    /// Sets the description.
    pub fn description(text: impl Into<String>) -> Self {
        UpdateFlavor {
            description: Field::Value(text.into()),
        }
    }

    /// Clears the description (`null`).
    pub fn clear_description() -> Self {
        UpdateFlavor {
            description: Field::Null,
        }
    }
}

impl Serialize for UpdateFlavor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Nova requires the key: an update that says nothing would be refused, so it sends `null`.
        json!({ "flavor": { "description": self.description } }).serialize(s)
    }
}

impl RequestBody for UpdateFlavor {
    fn min_microversion(&self) -> Option<ApiVersion> {
        Some(ApiVersion::new(2, 55))
    }
}

/// One project's access to a private flavor, as `GET /flavors/{id}/os-flavor-access` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct FlavorAccess {
    /// The flavor's id.
    pub flavor_id: String,
    /// The project (tenant) given access.
    pub tenant_id: String,
}

#[derive(Deserialize)]
struct FlavorAccessList {
    flavor_access: Vec<FlavorAccess>,
}

#[derive(Deserialize)]
struct ExtraSpecs {
    extra_specs: BTreeMap<String, String>,
}

/// Flavor operations (`client.compute().flavors()`): the generic [`Api`] verbs (`GET /flavors/{id}`,
/// `GET /flavors/detail`, `POST /flavors`, `PUT /flavors/{id}` (2.55), `DELETE /flavors/{id}`) plus
/// extra specs, access lists and [`resolve`](Api::resolve).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// let flavors = client.compute().flavors();
/// let small = flavors.find_by_name("m1.small").await?.expect("m1.small");
/// assert_eq!((small.id.as_str(), small.ram, small.disk, small.vcpus), ("2", 2048, 20, 1));
/// let names: Vec<_> = flavors.list().all().await?.into_iter().map(|f| f.name).collect();
/// assert_eq!(names, ["m1.tiny", "m1.small", "m1.nano"]); // Nova sorts by flavorid
/// # Ok(()) }
/// ```
///
/// Admin calls: a private flavor, its extra specs and who may use it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::compute::CreateFlavor;
/// let flavors = client.compute().flavors();
/// let private = flavors.create(&CreateFlavor::new("gpu.large", 16384, 8, 80).public(false)).await?;
/// flavors.set_extra_specs(&private.id, &[("hw:cpu_policy", "dedicated")]).await?;
/// flavors.add_tenant_access(&private.id, fake.project_id()).await?;
/// // Listed for the projects that have access (admins see the rest with `is_public=none`).
/// let names: Vec<_> = flavors.list().all().await?.into_iter().map(|f| f.name).collect();
/// assert!(names.contains(&"gpu.large".to_string()));
/// # Ok(()) }
/// ```
pub type Flavors = Api<Flavor>;

impl Api<Flavor> {
    /// `GET /flavors/{id}/os-extra_specs`: every extra spec of the flavor.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = client.compute().flavors().create(&stackclient::compute::CreateFlavor::new("gpu.large", 16384, 8, 80).id("100").public(false)).await?.id;
    /// let flavors = client.compute().flavors();
    /// flavors.set_extra_specs(&id, &[("hw:cpu_policy", "dedicated")]).await?;
    /// let specs = flavors.extra_specs(&id).await?;
    /// assert_eq!(specs.get("hw:cpu_policy").map(String::as_str), Some("dedicated"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such flavor.
    pub async fn extra_specs(&self, id: &str) -> Result<BTreeMap<String, String>, Error> {
        let call = self.item_call(Method::Get, id, &["os-extra_specs"])?;
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<ExtraSpecs>()?
            .extra_specs)
    }

    /// `POST /flavors/{id}/os-extra_specs` `{"extra_specs": {...}}` (admin): adds or overwrites these
    /// specs (others are kept); returns the specs sent, as Nova echoes them.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = client.compute().flavors().create(&stackclient::compute::CreateFlavor::new("gpu.large", 16384, 8, 80).id("100").public(false)).await?.id;
    /// let flavors = client.compute().flavors();
    /// flavors.set_extra_specs(&id, &[("hw:cpu_policy", "dedicated"), ("hw:mem_page_size", "large")]).await?;
    /// assert_eq!(flavors.extra_specs(&id).await?.len(), 2);
    /// // From 2.86 Nova validates the specs it knows.
    /// let err = flavors.set_extra_specs(&id, &[("hw:cpu_policy", "fastest")]).await.unwrap_err();
    /// assert_eq!(err.status(), Some(400));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 400 for a spec Nova's validation refuses (2.86+), 404 for no such flavor.
    pub async fn set_extra_specs(
        &self,
        id: &str,
        specs: &[(&str, &str)],
    ) -> Result<BTreeMap<String, String>, Error> {
        let specs: BTreeMap<&str, &str> = specs.iter().copied().collect();
        let call = self
            .item_call(Method::Post, id, &["os-extra_specs"])?
            .json_body(&json!({ "extra_specs": specs }));
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<ExtraSpecs>()?
            .extra_specs)
    }

    /// `GET /flavors/{id}/os-extra_specs/{key}` (answer `{"<key>": "<value>"}`): one spec's value.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = client.compute().flavors().create(&stackclient::compute::CreateFlavor::new("gpu.large", 16384, 8, 80).id("100").public(false)).await?.id;
    /// let flavors = client.compute().flavors();
    /// flavors.set_extra_specs(&id, &[("hw:cpu_policy", "dedicated")]).await?;
    /// let policy = flavors.extra_spec(&id, "hw:cpu_policy").await?;
    /// assert_eq!(policy, "dedicated");
    /// assert_eq!(flavors.extra_spec(&id, "hw:numa_nodes").await.unwrap_err().status(), Some(404));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the flavor or the key is not there.
    pub async fn extra_spec(&self, id: &str, key: &str) -> Result<String, Error> {
        let call = self.spec_call(Method::Get, id, key)?;
        one_spec(&self.client().execute(&call).await?, key)
    }

    /// `PUT /flavors/{id}/os-extra_specs/{key}` `{"<key>": "<value>"}` (admin): sets one spec; returns
    /// the value stored.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = client.compute().flavors().create(&stackclient::compute::CreateFlavor::new("gpu.large", 16384, 8, 80).id("100").public(false)).await?.id;
    /// let stored = client.compute().flavors().set_extra_spec(&id, "hw:cpu_policy", "shared").await?;
    /// assert_eq!(stored, "shared");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 400 for a refused value, 404 for no such flavor.
    pub async fn set_extra_spec(&self, id: &str, key: &str, value: &str) -> Result<String, Error> {
        let mut body = serde_json::Map::new();
        body.insert(key.to_string(), value.into());
        let call = self
            .spec_call(Method::Put, id, key)?
            .json_body(&serde_json::Value::Object(body));
        one_spec(&self.client().execute(&call).await?, key)
    }

    /// `DELETE /flavors/{id}/os-extra_specs/{key}` (admin): removes one spec.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = client.compute().flavors().create(&stackclient::compute::CreateFlavor::new("gpu.large", 16384, 8, 80).id("100").public(false)).await?.id;
    /// let flavors = client.compute().flavors();
    /// flavors.set_extra_spec(&id, "hw:cpu_policy", "shared").await?;
    /// flavors.delete_extra_spec(&id, "hw:cpu_policy").await?;
    /// assert!(flavors.extra_specs(&id).await?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the flavor or the key is not there.
    pub async fn delete_extra_spec(&self, id: &str, key: &str) -> Result<(), Error> {
        let call = self.spec_call(Method::Delete, id, key)?;
        self.client().execute(&call).await?;
        Ok(())
    }

    fn spec_call(
        &self,
        method: Method,
        id: &str,
        key: &str,
    ) -> Result<crate::request::Call, Error> {
        let key = crate::request::check_id("extra spec key", key)?;
        self.item_call(method, id, &["os-extra_specs", key])
    }

    /// `GET /flavors/{id}/os-flavor-access` (admin): the projects given access to a private flavor.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = client.compute().flavors().create(&stackclient::compute::CreateFlavor::new("gpu.large", 16384, 8, 80).id("100").public(false)).await?.id;
    /// let flavors = client.compute().flavors();
    /// flavors.add_tenant_access(&id, "3f1c2b4a5d6e7f8091a2b3c4d5e6f708").await?;
    /// for access in flavors.access(&id).await? {
    ///     assert_eq!((access.flavor_id.as_str(), access.tenant_id.as_str()), ("100", "3f1c2b4a5d6e7f8091a2b3c4d5e6f708"));
    /// }
    /// // Public flavors have no access list.
    /// assert_eq!(flavors.access("1").await.unwrap_err().status(), Some(404));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 for no such flavor; 409 (older Nova) or an empty list for a public one.
    pub async fn access(&self, id: &str) -> Result<Vec<FlavorAccess>, Error> {
        let call = self.item_call(Method::Get, id, &["os-flavor-access"])?;
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<FlavorAccessList>()?
            .flavor_access)
    }

    /// `POST /flavors/{id}/action` `{"addTenantAccess": {"tenant": …}}` (admin): gives a project access
    /// to a private flavor; returns the access list after the change.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = client.compute().flavors().create(&stackclient::compute::CreateFlavor::new("gpu.large", 16384, 8, 80).id("100").public(false)).await?.id;
    /// let flavors = client.compute().flavors();
    /// let access = flavors.add_tenant_access(&id, "3f1c2b4a5d6e7f8091a2b3c4d5e6f708").await?;
    /// assert_eq!(access.len(), 1);
    /// // Twice is a conflict.
    /// let err = flavors.add_tenant_access(&id, "3f1c2b4a5d6e7f8091a2b3c4d5e6f708").await.unwrap_err();
    /// assert_eq!(err.status(), Some(409));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 409 when the flavor is public or the project has access already.
    pub async fn add_tenant_access(
        &self,
        id: &str,
        project_id: &str,
    ) -> Result<Vec<FlavorAccess>, Error> {
        self.access_action(id, "addTenantAccess", project_id).await
    }

    /// `POST /flavors/{id}/action` `{"removeTenantAccess": {"tenant": …}}` (admin): withdraws a
    /// project's access; returns the access list after the change.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = client.compute().flavors().create(&stackclient::compute::CreateFlavor::new("gpu.large", 16384, 8, 80).id("100").public(false)).await?.id;
    /// let flavors = client.compute().flavors();
    /// flavors.add_tenant_access(&id, "3f1c2b4a5d6e7f8091a2b3c4d5e6f708").await?;
    /// let left = flavors.remove_tenant_access(&id, "3f1c2b4a5d6e7f8091a2b3c4d5e6f708").await?;
    /// assert!(left.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the project had no access.
    pub async fn remove_tenant_access(
        &self,
        id: &str,
        project_id: &str,
    ) -> Result<Vec<FlavorAccess>, Error> {
        self.access_action(id, "removeTenantAccess", project_id)
            .await
    }

    async fn access_action(
        &self,
        id: &str,
        action: &str,
        project_id: &str,
    ) -> Result<Vec<FlavorAccess>, Error> {
        let project_id = crate::request::check_id("project", project_id)?;
        let call = self
            .item_call(Method::Post, id, &["action"])?
            .json_body(&json!({ action: { "tenant": project_id } }));
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<FlavorAccessList>()?
            .flavor_access)
    }

    /// The [`Flavor`] a server's `flavor` names. Before 2.47 a server carries `{id, links}`: the flavor
    /// is read by id. From 2.47 it embeds a copy **without the id**; `original_name` identifies it, so
    /// the flavor is first tried by that name as an id (some clouds name flavors by id), then looked up
    /// by exact name among public and private flavors (`is_public=None`, which needs admin to see
    /// private ones). `None` when the flavor was deleted (or renamed) since; the server's embedded copy
    /// still holds its sizes.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::CreateServer;
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// let created = client.compute().servers().create(&CreateServer::new("web-1", "42").image(image).network(&net)).await?;
    /// let server = client.compute().servers().get(&created.id).await?;
    /// // From 2.47 the server embeds a copy of its flavor, named but without its id.
    /// let embedded = server.flavor.as_ref().expect("flavor");
    /// assert_eq!(embedded.embedded().map(|f| f.original_name.as_str()), Some("m1.nano"));
    /// let flavor = client.compute().flavors().resolve(embedded).await?.expect("not deleted");
    /// assert_eq!(flavor.id, "42");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Errors of the calls other than a 404.
    pub async fn resolve(&self, flavor: &ServerFlavor) -> Result<Option<Flavor>, Error> {
        let name = match flavor {
            ServerFlavor::Reference(r) => return self.get_opt(&r.id).await,
            ServerFlavor::Embedded(e) => &e.original_name,
            #[allow(unreachable_patterns)]
            _ => return Ok(None),
        };
        if let Ok(Some(f)) = self.get_opt(name).await {
            if f.name == *name {
                return Ok(Some(f));
            }
        }
        use futures_util::TryStreamExt as _;
        let mut all = self.list().is_public(None).into_stream();
        while let Some(f) = all.try_next().await? {
            if f.name == *name {
                return Ok(Some(f));
            }
        }
        Ok(None)
    }
}

/// The value of `key` in an answer `{"<key>": "<value>"}`.
fn one_spec(raw: &crate::request::RawResponse, key: &str) -> Result<String, Error> {
    let mut map: BTreeMap<String, String> = raw.json()?;
    map.remove(key).ok_or_else(|| Error::Decode {
        method: raw.method.as_str().to_string(),
        url: crate::error::redact_url(&raw.url),
        path: ".".to_string(),
        message: format!("the answer has no `{key}`"),
    })
}

/// Filters of `GET /flavors/detail`; [`List`] gives `limit`, `marker`, `sort`, `send`, `into_stream`
/// and `all`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// let flavors = client.compute().flavors();
/// let big: Vec<_> = flavors.list().min_ram(1024).all().await?.into_iter().map(|f| f.name).collect();
/// assert_eq!(big, ["m1.small"]);
/// let roomy: Vec<_> = flavors.list().min_disk(10).all().await?.into_iter().map(|f| f.name).collect();
/// assert_eq!(roomy, ["m1.small"]);
/// # Ok(()) }
/// ```
pub type FlavorList = List<Flavor>;

impl List<Flavor> {
    /// `minRam`: at least this much RAM (MiB).
    pub fn min_ram(self, mib: u64) -> Self {
        self.param("minRam", mib)
    }

    /// `minDisk`: at least this much root disk (GiB).
    pub fn min_disk(self, gib: u64) -> Self {
        self.param("minDisk", gib)
    }

    /// `is_public`: `Some(true)` public flavors only (Nova's default for everyone), `Some(false)`
    /// private ones only (admin), `None` (`is_public=None`) both, which is how admins find private
    /// flavors; non-admins get public flavors and the private ones their project may use.
    pub fn is_public(self, public: impl Into<Option<bool>>) -> Self {
        match public.into() {
            Some(p) => self.param("is_public", p),
            None => self.param("is_public", "None"),
        }
    }

    /// `name` (2.102+): flavors with exactly this name.
    pub fn name(self, name: &str) -> Self {
        self.requires(ApiVersion::new(2, 102)).param("name", name)
    }
}
