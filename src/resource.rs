//! One shape for every OpenStack resource: a resource type declares where it lives and how its JSON is
//! wrapped ([`Resource`], plus [`Creatable`] / [`Updatable`] for what it accepts), and one generic handle,
//! [`Api<R>`], implements the common verbs for all of them: `get`, `get_opt`, `list`, `find_by_name`,
//! `find`, `create`, `update`, `delete`, `delete_opt`.
//!
//! Resource-specific operations (server actions, router interfaces, …) are ordinary methods on
//! `Api<ThatResource>`, written next to the resource's declaration, so one file holds everything about
//! one resource. This module knows no resource.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
//! # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! // The same verbs on every resource:
//! let networks = client.network().networks();           // Api<Network>
//! let net = networks.find("private").await?.expect("a network named private"); // by id, else by name
//! assert_eq!(networks.get(&net.id).await?.name, "private");
//! let flavors = client.compute().flavors();             // Api<Flavor>
//! assert_eq!(flavors.find("m1.small").await?.expect("a flavor").id, "2");
//! assert!(flavors.get_opt("no-such-flavor").await?.is_none());
//! # Ok(()) }
//! ```

use std::fmt;
use std::marker::PhantomData;

use futures_util::TryStreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::pagination::{List, at_most_one};
use crate::request::{Call, Method, ServiceType, check_id};

/// How a service filters a list by `name`, which decides how [`Api::find_by_name`] asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameFilter {
    /// `?name=` matches exactly (Neutron, Glance).
    Exact,
    /// `?name=` is a regular expression (Nova servers): the name is sent anchored and escaped.
    Regex,
    /// No name filter (Nova flavors): the whole list is read and compared.
    None,
}

/// A resource type: where its collection lives and how its JSON is wrapped.
///
/// Implemented by the models of this crate (e.g. [`Server`](crate::compute::Server),
/// [`Network`](crate::network::Network)); a model is plain data and does no I/O.
pub trait Resource: DeserializeOwned + Send + 'static {
    /// The service it belongs to, e.g. `compute`.
    const SERVICE: ServiceType;
    /// Its name in messages and errors, e.g. `server`.
    const KIND: &'static str;
    /// The collection's path under the service endpoint, e.g. `["servers"]` (`GET`, `POST`; `{id}` is
    /// appended for one item).
    const COLLECTION: &'static [&'static str];
    /// The path listed by [`Api::list`]; Nova lists details at `["servers", "detail"]`.
    const LIST_PATH: &'static [&'static str] = Self::COLLECTION;
    /// The key wrapping one item, e.g. `server` in `{"server": {...}}`; empty when the service
    /// answers the item unwrapped (Glance).
    const SINGULAR: &'static str;
    /// The key wrapping a list, e.g. `servers`.
    const PLURAL: &'static str;
    /// The key wrapping each item of a list, e.g. `keypair` in Nova's
    /// `{"keypairs": [{"keypair": {...}}]}`; empty (the default) when list items are not wrapped.
    const LIST_ITEM: &'static str = "";
    /// The key of the list's paging links, e.g. `servers_links` (a list of `{rel, href}`), or Glance's
    /// `next` (the next page's URL).
    const LINKS: &'static str;
    /// The lowest microversion any call on it needs (`None`: the base version).
    const MIN_MICROVERSION: Option<ApiVersion> = None;
    /// The microversion from which its list takes `limit` and `marker` (Nova's keypairs 2.35,
    /// hypervisors 2.33, migrations 2.59); `None` when it always does. Below it, a list with either
    /// is refused before anything is sent.
    const PAGING_FROM: Option<ApiVersion> = None;
    /// How the service filters lists by name.
    const NAME_FILTER: NameFilter = NameFilter::Exact;
    /// The service keeps names unique (Nova flavors): [`Api::find_by_name`] may stop at the first
    /// match instead of reading on to rule out a second one.
    const UNIQUE_NAMES: bool = false;
    /// Whether [`id`](Self::id) tells items apart, so that a listing skips items a page repeats.
    /// `false` for what has no id (Neutron's availability zones: `nova` is listed once for
    /// networks and once for routers).
    const DISTINCT_IDS: bool = true;

    /// The item's id.
    fn id(&self) -> &str;
    /// The item's name, when it has one.
    fn name(&self) -> Option<&str>;
}

/// A request body: serializes itself whole (envelope included, e.g. `{"server": {...}}`), and says the
/// lowest microversion the fields it sets need.
pub trait RequestBody: Serialize {
    /// The lowest microversion this body needs (checked before sending), `None` for the base version.
    fn min_microversion(&self) -> Option<ApiVersion> {
        None
    }
}

/// A resource created by `POST` to its collection.
pub trait Creatable: Resource {
    /// The request, e.g. [`CreateServer`](crate::compute::CreateServer).
    type Create: RequestBody + Sync;
    /// What the answer's `SINGULAR` key holds: the resource itself, or less (Nova answers a server's
    /// creation with its id, links and admin password only).
    type Created: DeserializeOwned + Send;
}

/// A resource updated by `PUT` to its item URL.
pub trait Updatable: Resource {
    /// The request, e.g. [`UpdateNetwork`](crate::network::UpdateNetwork).
    type Update: RequestBody + Sync;
}

/// A resource with Neutron's `revision_number`, which goes up by one on every change: updates and
/// deletes can be made conditional on it (`If-Match: revision_number=N`), so two writers never lose
/// each other's change.
pub trait Revisioned: Resource {
    /// The item's `revision_number`, when the service sent one.
    fn revision_number(&self) -> Option<u64>;
}

/// A resource with the `tags` API: `GET/PUT/DELETE {collection}/{id}/tags[/{tag}]` (Neutron's
/// standard-attr tags; Nova server tags from 2.26), and the `tags`, `tags-any`, `not-tags`,
/// `not-tags-any` list filters.
pub trait Taggable: Resource {
    /// The lowest microversion the tags API needs (`None`: the base version).
    const TAGS_MIN_MICROVERSION: Option<ApiVersion> = None;
}

/// How many times [`Api::modify`] reads and writes again after a `412` (another writer won).
pub const MODIFY_ATTEMPTS: u32 = 5;

/// The generic handle of a resource type: the verbs every resource has. Get one from the service
/// handles, e.g. `client.network().networks()`. Cheap to clone (the client's pool is shared).
///
/// The same verbs on every resource, here Neutron networks:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreateNetwork, UpdateNetwork};
/// let networks = client.network().networks();
/// let net = networks.create(&CreateNetwork::new().name("app")).await?;
/// assert_eq!(networks.get(&net.id).await?.name, "app");
/// assert_eq!(networks.find("app").await?.map(|n| n.id), Some(net.id.clone()));
/// let renamed = networks.update(&net.id, &UpdateNetwork::new().name("app-2")).await?;
/// assert_eq!(renamed.name, "app-2");
/// // Read, change, write with `If-Match` on the revision, again after a 412:
/// let described = networks
///     .modify(&net.id, |n| Some(UpdateNetwork::new().description(format!("{} (web)", n.name))))
///     .await?;
/// assert_eq!(described.description.as_deref(), Some("app-2 (web)"));
/// networks.add_tag(&net.id, "prod").await?;
/// assert_eq!(networks.list().tags(&["prod"]).all().await?.len(), 1);
/// networks.delete(&net.id).await?;
/// assert!(networks.get_opt(&net.id).await?.is_none());
/// assert!(!networks.delete_opt(&net.id).await?); // already gone
/// # Ok(()) }
/// ```
pub struct Api<R> {
    client: Client,
    /// Segments before `R::COLLECTION` for a resource nested under one item of another collection
    /// (e.g. `["qos", "policies", "{policy_id}"]`); empty for a top-level resource.
    parent: Vec<String>,
    /// Why the parent path can never be sent (an empty parent id); reported by every call.
    invalid_parent: Option<String>,
    _r: PhantomData<fn() -> R>,
}

impl<R> Clone for Api<R> {
    fn clone(&self) -> Self {
        Api {
            client: self.client.clone(),
            parent: self.parent.clone(),
            invalid_parent: self.invalid_parent.clone(),
            _r: PhantomData,
        }
    }
}

impl<R: Resource> fmt::Debug for Api<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api")
            .field("service", &R::SERVICE.as_str())
            .field("parent", &self.parent)
            .field("collection", &R::COLLECTION)
            .finish_non_exhaustive()
    }
}

/// Decodes `{"<singular>": {...}}` into the inner value, naming the key in errors.
pub(crate) struct Envelope<T> {
    key: &'static str,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for Envelope<T> {
    fn clone(&self) -> Self {
        Envelope {
            key: self.key,
            _t: PhantomData,
        }
    }
}

impl<T> Envelope<T> {
    pub(crate) fn new(key: &'static str) -> Self {
        Envelope {
            key,
            _t: PhantomData,
        }
    }
}

impl<'de, T: DeserializeOwned> serde::de::DeserializeSeed<'de> for Envelope<T> {
    type Value = T;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        if self.key.is_empty() {
            T::deserialize(d)
        } else {
            d.deserialize_map(self)
        }
    }
}

impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for Envelope<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object with `{}`", self.key)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.key && found.is_none() {
                found = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        found.ok_or_else(|| serde::de::Error::missing_field(self.key))
    }
}

impl<R: Resource> Api<R> {
    /// The handle for `R` on `client`.
    pub(crate) fn new(client: Client) -> Self {
        Api {
            client,
            parent: Vec::new(),
            invalid_parent: None,
            _r: PhantomData,
        }
    }

    /// The handle for `R` nested under one item of another collection: every path becomes
    /// `{parent…}/{parent_id}/{R::COLLECTION…}[/{id}…]`, e.g. QoS rules under
    /// `qos/policies/{policy_id}` (`parent = ["qos", "policies"]`, `parent_kind = "QoS policy"`), or
    /// port forwardings under `floatingips/{floatingip_id}`. An empty, `.` or `..` `parent_id`
    /// makes every call fail with [`Error::InvalidInput`] naming `parent_kind`, before sending.
    pub(crate) fn nested(
        client: Client,
        parent: &[&str],
        parent_kind: &str,
        parent_id: &str,
    ) -> Self {
        let invalid_parent = check_id(parent_kind, parent_id).err().map(|e| match e {
            Error::InvalidInput(why) => why,
            other => other.to_string(),
        });
        let mut segments: Vec<String> = parent.iter().map(|s| s.to_string()).collect();
        segments.push(parent_id.to_string());
        Api {
            client,
            parent: segments,
            invalid_parent,
            _r: PhantomData,
        }
    }

    /// The segments before the collection (empty for a top-level resource), e.g.
    /// `["qos", "policies", "46ebaec0-…"]` for the rules of one QoS policy.
    pub fn parent(&self) -> &[String] {
        &self.parent
    }

    /// The client this handle sends with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The microversion calls on this handle are sent with (pinned or negotiated; `None`: the service
    /// takes none), resolving the endpoint on first use. For request bodies whose shape depends on it.
    pub(crate) async fn microversion(&self) -> Result<Option<ApiVersion>, Error> {
        Ok(self.client.endpoint(&R::SERVICE).await?.microversion)
    }

    /// Fails locally ([`Error::MicroversionUnsupported`]) unless the microversion in use is below
    /// `below`: for what a service stopped offering at some microversion.
    pub(crate) async fn require_below(&self, below: ApiVersion, what: &str) -> Result<(), Error> {
        match self.microversion().await? {
            Some(v) if v >= below => Err(Error::MicroversionUnsupported {
                service: R::SERVICE.as_str().to_string(),
                required: format!("below {below} ({what})"),
                available: format!("{v} is in use"),
            }),
            _ => Ok(()),
        }
    }

    /// A call to the collection (`segments` empty) or below it (after the parent path, if any).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the parent id of a nested handle is not valid.
    pub(crate) fn call(&self, method: Method, segments: &[&str]) -> Result<Call, Error> {
        if let Some(why) = &self.invalid_parent {
            return Err(Error::InvalidInput(why.clone()));
        }
        Ok(Call::new(
            R::SERVICE,
            method,
            self.parent
                .iter()
                .map(String::as_str)
                .chain(R::COLLECTION.iter().copied())
                .chain(segments.iter().copied()),
        )
        .min_microversion(R::MIN_MICROVERSION))
    }

    /// A call to one item (`{collection}/{id}/{segments…}`), the id checked first.
    pub(crate) fn item_call(
        &self,
        method: Method,
        id: &str,
        segments: &[&str],
    ) -> Result<Call, Error> {
        let id = check_id(R::KIND, id)?;
        let mut all = Vec::with_capacity(segments.len() + 1);
        all.push(id);
        all.extend_from_slice(segments);
        self.call(method, &all)
    }

    /// Sends `call` and decodes the value under `key` (`{"<key>": …}`, e.g. the singular key or
    /// `metadata`) as `T`; decode errors name the path and never quote the token.
    pub(crate) async fn send_for<T: DeserializeOwned>(
        &self,
        call: &Call,
        key: &'static str,
    ) -> Result<T, Error> {
        let raw = self.client.execute(call).await?;
        crate::request::decode_seed(raw.method, &raw.url, &raw.body, Envelope::<T>::new(key))
            .map_err(|e| raw.scrub_error(e))
    }

    /// `GET {collection}/{id}`: one item.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let flavors = client.compute().flavors();
    /// let flavor = flavors.get("2").await?;
    /// assert_eq!((flavor.name.as_str(), flavor.vcpus, flavor.ram), ("m1.small", 1, 2048));
    /// let err = flavors.get("no-such-flavor").await.unwrap_err();
    /// assert!(err.is_not_found());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 ([`Error::is_not_found`]) when there is none;
    /// [`Error::InvalidInput`] for an empty, `.` or `..` id (before sending).
    pub async fn get(&self, id: &str) -> Result<R, Error> {
        let call = self.item_call(Method::Get, id, &[])?;
        self.send_for(&call, R::SINGULAR).await
    }

    /// Like [`get`](Self::get), but `Ok(None)` for a 404.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let networks = client.network().networks();
    /// let private = networks.find_by_name("private").await?.expect("seeded");
    /// assert_eq!(networks.get_opt(&private.id).await?.map(|n| n.name), Some("private".into()));
    /// assert!(networks.get_opt("c0ffee00-0000-4000-8000-000000000000").await?.is_none());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Any other error of [`get`](Self::get).
    pub async fn get_opt(&self, id: &str) -> Result<Option<R>, Error> {
        match self.get(id).await {
            Ok(r) => Ok(Some(r)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET {list path}`: a list with filters; finish with [`List::send`] (one page),
    /// [`List::into_stream`] (every item, lazily) or [`List::all`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use futures_util::TryStreamExt;
    /// use stackclient::SortDir;
    /// let networks = client.network().networks();
    /// // One page: at most `limit` items, and the marker of the next page.
    /// let page = networks.list().sort("name", SortDir::Asc).limit(1).send().await?;
    /// assert_eq!(page.items[0].name, "private");
    /// assert!(page.next_marker.is_some());
    /// // Every item, lazily: one page in memory at a time (pages of one item here).
    /// let mut stream = networks.list().sort("name", SortDir::Asc).limit(1).into_stream();
    /// let mut names = Vec::new();
    /// while let Some(net) = stream.try_next().await? {
    ///     names.push(net.name);
    /// }
    /// assert_eq!(names, ["private", "public"]);
    /// // Every item at once, with a typed filter.
    /// let external = networks.list().external(true).all().await?;
    /// assert_eq!(external.len(), 1);
    /// assert_eq!(external[0].name, "public");
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> List<R> {
        let path: Vec<&str> = self
            .parent
            .iter()
            .map(String::as_str)
            .chain(R::LIST_PATH.iter().copied())
            .collect();
        let mut list = List::new(self.client.clone(), R::SERVICE, &path, R::PLURAL, R::LINKS)
            .item_key(R::LIST_ITEM)
            .paging_from(R::PAGING_FROM);
        if R::DISTINCT_IDS {
            list = list.ids(R::id);
        }
        if let Some(why) = &self.invalid_parent {
            list = list.invalid(why.clone());
        }
        match R::MIN_MICROVERSION {
            Some(v) => list.requires(v),
            None => list,
        }
    }

    /// The item named exactly `name`, or `None`. Asks the service with its name filter (anchored and
    /// escaped where the filter is a regular expression), then keeps exact matches only. Where the
    /// service has no name filter, pages through the list (stopping at the first match where names are
    /// unique).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::CreateServer;
    /// use stackclient::network::CreateNetwork;
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// for name in ["web-1", "web-10"] {
    ///     servers.create(&CreateServer::new(name, "1").image(image).network(&net)).await?;
    /// }
    /// // Nova's `name` filter is a regular expression: it is sent anchored and escaped.
    /// assert_eq!(servers.find_by_name("web-1").await?.expect("web-1").name, "web-1");
    /// assert!(servers.find_by_name("web").await?.is_none()); // never a partial match
    /// // Two items with the name: an error, not a guess.
    /// let networks = client.network().networks();
    /// for _ in 0..2 {
    ///     networks.create(&CreateNetwork::new().name("twin")).await?;
    /// }
    /// let err = networks.find_by_name("twin").await.unwrap_err();
    /// assert_eq!(err.to_string(), r#"invalid input: 2 networks are named "twin"; use the id"#);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when more than one item has that name (use the id); errors of the list
    /// call.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<R>, Error> {
        let found: Vec<R> = match R::NAME_FILTER {
            NameFilter::Exact => self.list().param("name", name).all().await?,
            NameFilter::Regex => {
                self.list()
                    .param("name", format!("^{}$", regex_escape(name)))
                    .all()
                    .await?
            }
            NameFilter::None if R::UNIQUE_NAMES => {
                let mut stream = self.list().into_stream();
                while let Some(r) = stream.try_next().await? {
                    if r.name() == Some(name) {
                        return Ok(Some(r));
                    }
                }
                return Ok(None);
            }
            NameFilter::None => self.list().into_stream().try_collect().await?,
        };
        let exact = found
            .into_iter()
            .filter(|r| r.name() == Some(name))
            .collect();
        at_most_one(exact, R::KIND, name)
    }

    /// The item whose id is `name_or_id`, else the one named exactly `name_or_id`, else `None`. Never a
    /// partial or fuzzy match.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let networks = client.network().networks();
    /// let public = networks.find("public").await?.expect("by name");
    /// assert_eq!(networks.find(&public.id).await?.expect("by id").name, "public");
    /// assert!(networks.find("publ").await?.is_none()); // never a partial match
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when no id matches and several items have that name; errors of the calls.
    pub async fn find(&self, name_or_id: &str) -> Result<Option<R>, Error> {
        if name_or_id.trim().is_empty() {
            return Err(Error::InvalidInput(format!(
                "{} name or id is empty",
                R::KIND
            )));
        }
        match self.get(name_or_id).await {
            Ok(found) => return Ok(Some(found)),
            // Some services answer 400 for a malformed id (e.g. not a UUID): then it is a name.
            Err(e) if e.is_not_found() || e.status() == Some(400) => {}
            Err(e) => return Err(e),
        }
        self.find_by_name(name_or_id).await
    }

    /// `DELETE {collection}/{id}`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::CreateNetwork;
    /// let networks = client.network().networks();
    /// let net = networks.create(&CreateNetwork::new().name("scratch")).await?;
    /// networks.delete(&net.id).await?;
    /// assert!(networks.get_opt(&net.id).await?.is_none());
    /// // A second delete is a 404 (see `delete_opt`).
    /// assert!(networks.delete(&net.id).await.unwrap_err().is_not_found());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is none (see [`delete_opt`](Self::delete_opt)), 409 when the
    /// service refuses (in use, locked).
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let call = self.item_call(Method::Delete, id, &[])?;
        self.client.execute(&call).await?;
        Ok(())
    }

    /// Like [`delete`](Self::delete), but idempotent: `Ok(false)` when it was already gone (404),
    /// `Ok(true)` when this call deleted it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::CreateNetwork;
    /// let networks = client.network().networks();
    /// let net = networks.create(&CreateNetwork::new().name("scratch")).await?;
    /// assert!(networks.delete_opt(&net.id).await?); // this call deleted it
    /// assert!(!networks.delete_opt(&net.id).await?); // already gone: still Ok
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Any other error of [`delete`](Self::delete).
    pub async fn delete_opt(&self, id: &str) -> Result<bool, Error> {
        match self.delete(id).await {
            Ok(()) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl<R: Creatable> Api<R> {
    /// `POST {collection}` with `request`: what the service answers under the singular key.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateNetwork, NetworkStatus};
    /// let networks = client.network().networks();
    /// let net = networks.create(&CreateNetwork::new().name("backend").mtu(1400)).await?;
    /// assert_eq!((net.name.as_str(), net.mtu, net.status), ("backend", Some(1400), NetworkStatus::Active));
    /// assert_eq!(networks.find("backend").await?.map(|n| n.id), Some(net.id));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] (before sending) when `request` sets a field the microversion
    /// in use lacks; [`Error::InvalidInput`] when it cannot be serialized; [`Error::Api`] for the
    /// service's refusal (400, 403, 409, quota …).
    pub async fn create(&self, request: &R::Create) -> Result<R::Created, Error> {
        let call = self
            .call(Method::Post, &[])?
            .json_body(&to_json(request, R::KIND)?)
            .min_microversion(max(R::MIN_MICROVERSION, request.min_microversion()));
        self.send_for(&call, R::SINGULAR).await
    }
}

impl<R: Updatable> Api<R> {
    /// `PUT {collection}/{id}` with `request` (only the fields it sets are sent): the updated item.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateNetwork, UpdateNetwork};
    /// let networks = client.network().networks();
    /// let net = networks.create(&CreateNetwork::new().name("backend").description("old").mtu(1400)).await?;
    /// let net = networks.update(&net.id, &UpdateNetwork::new().name("backend-1").description("new")).await?;
    /// assert_eq!((net.name.as_str(), net.description.as_deref()), ("backend-1", Some("new")));
    /// assert_eq!(net.mtu, Some(1400)); // not in the request: unchanged
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`create`](Api::create); [`Error::Api`] 404 when there is no such item.
    pub async fn update(&self, id: &str, request: &R::Update) -> Result<R, Error> {
        let call = self
            .item_call(Method::Put, id, &[])?
            .json_body(&to_json(request, R::KIND)?)
            .min_microversion(max(R::MIN_MICROVERSION, request.min_microversion()));
        self.send_for(&call, R::SINGULAR).await
    }
}

impl<R: Resource> Api<R> {
    /// `DELETE {collection}/{id}` with `If-Match: revision_number={revision}`: deletes only if nobody
    /// changed the item since that revision.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateNetwork, UpdateNetwork};
    /// let networks = client.network().networks();
    /// let net = networks.create(&CreateNetwork::new().name("scratch")).await?;
    /// let seen = net.revision_number.expect("Neutron sends revision_number");
    /// // Somebody changes it meanwhile: the delete is refused.
    /// networks.update(&net.id, &UpdateNetwork::new().description("in use")).await?;
    /// assert!(networks.delete_if(&net.id, seen).await.unwrap_err().is_precondition_failed());
    /// let now = networks.get(&net.id).await?.revision_number.expect("revision");
    /// networks.delete_if(&net.id, now).await?;
    /// assert!(networks.get_opt(&net.id).await?.is_none());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 412 ([`Error::is_precondition_failed`]) when the revision moved on; as
    /// [`delete`](Self::delete).
    pub async fn delete_if(&self, id: &str, revision: u64) -> Result<(), Error>
    where
        R: Revisioned,
    {
        let call = self
            .item_call(Method::Delete, id, &[])?
            .header(IF_MATCH, if_match(revision)?);
        self.client.execute(&call).await?;
        Ok(())
    }
}

impl<R: Updatable + Revisioned> Api<R> {
    /// [`update`](Api::update) with `If-Match: revision_number={revision}`: applied only if nobody
    /// changed the item since that revision.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateNetwork, UpdateNetwork};
    /// let networks = client.network().networks();
    /// let net = networks.create(&CreateNetwork::new().name("shared-notes")).await?;
    /// let rev = net.revision_number.expect("Neutron sends revision_number");
    /// let mine = networks.update_if(&net.id, &UpdateNetwork::new().description("mine"), rev).await?;
    /// assert_eq!(mine.revision_number, Some(rev + 1));
    /// // A second writer still holding `rev` loses instead of overwriting.
    /// let theirs = networks.update_if(&net.id, &UpdateNetwork::new().description("theirs"), rev).await;
    /// assert!(theirs.unwrap_err().is_precondition_failed());
    /// assert_eq!(networks.get(&net.id).await?.description.as_deref(), Some("mine"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 412 ([`Error::is_precondition_failed`]) when the revision moved on; as
    /// [`update`](Api::update).
    pub async fn update_if(
        &self,
        id: &str,
        request: &R::Update,
        revision: u64,
    ) -> Result<R, Error> {
        let call = self
            .item_call(Method::Put, id, &[])?
            .json_body(&to_json(request, R::KIND)?)
            .min_microversion(max(R::MIN_MICROVERSION, request.min_microversion()))
            .header(IF_MATCH, if_match(revision)?);
        self.send_for(&call, R::SINGULAR).await
    }

    /// Read-modify-write that never loses a concurrent change: reads the item, asks `change` for the
    /// update to make from what it read (`None`: nothing to do, the item is returned as read), and
    /// sends it conditional on the revision read. When another writer got there first (`412`), it
    /// reads and asks again, at most [`MODIFY_ATTEMPTS`] times in all. Items without a
    /// `revision_number` are updated unconditionally.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateNetwork, UpdateNetwork};
    /// let networks = client.network().networks();
    /// # let net_id = networks.create(&CreateNetwork::new().name("db").description("prod")).await?.id;
    /// // Append to the description, keeping whatever another task writes meanwhile.
    /// let audit = |net: &stackclient::network::Network| {
    ///     let old = net.description.clone().unwrap_or_default();
    ///     (!old.ends_with("[audited]")).then(|| UpdateNetwork::new().description(format!("{old} [audited]")))
    /// };
    /// let net = networks.modify(&net_id, audit).await?;
    /// assert_eq!(net.description.as_deref(), Some("prod [audited]"));
    /// // Nothing left to do: the item comes back as read, nothing is sent.
    /// let again = networks.modify(&net_id, audit).await?;
    /// assert_eq!(again.revision_number, net.revision_number);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The last `412` when every attempt lost the race; other errors of [`get`](Api::get) and
    /// [`update`](Api::update) at once.
    pub async fn modify<F>(&self, id: &str, mut change: F) -> Result<R, Error>
    where
        F: FnMut(&R) -> Option<R::Update> + Send,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let current = self.get(id).await?;
            let Some(update) = change(&current) else {
                return Ok(current);
            };
            let result = match current.revision_number() {
                Some(rev) => self.update_if(id, &update, rev).await,
                None => self.update(id, &update).await,
            };
            match result {
                Err(e) if e.is_precondition_failed() && attempt < MODIFY_ATTEMPTS => {
                    tracing::debug!(kind = R::KIND, attempt, "revision moved on: reading again");
                }
                other => return other,
            }
        }
    }
}

#[derive(serde::Deserialize)]
struct Tags {
    tags: Vec<String>,
}

impl<R: Taggable> Api<R> {
    fn tags_call(&self, method: Method, id: &str, tag: Option<&str>) -> Result<Call, Error> {
        let call = match tag {
            Some("") => return Err(Error::InvalidInput("tag is empty".into())),
            Some(t) => self.item_call(method, id, &["tags", t])?,
            None => self.item_call(method, id, &["tags"])?,
        };
        Ok(call.min_microversion(max(R::MIN_MICROVERSION, R::TAGS_MIN_MICROVERSION)))
    }

    /// `GET {collection}/{id}/tags`: the item's tags.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers(); // server tags need compute 2.26
    /// # let id = client.compute().servers().create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.replace_tags(&id, &["web", "prod"]).await?;
    /// assert_eq!(servers.tags(&id).await?, ["prod", "web"]); // as Nova lists them: sorted
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such item.
    pub async fn tags(&self, id: &str) -> Result<Vec<String>, Error> {
        let call = self.tags_call(Method::Get, id, None)?;
        Ok(self.client.execute(&call).await?.json::<Tags>()?.tags)
    }

    /// `PUT {collection}/{id}/tags/{tag}`: adds one tag (nothing happens when it is there already).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = client.compute().servers().create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.add_tag(&id, "web").await?;
    /// servers.add_tag(&id, "web").await?; // already there: nothing changes
    /// assert_eq!(servers.tags(&id).await?, ["web"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such item, 400 for a tag the service refuses (Neutron: 60
    /// characters at most, no `,`).
    pub async fn add_tag(&self, id: &str, tag: &str) -> Result<(), Error> {
        let call = self.tags_call(Method::Put, id, Some(tag))?;
        self.client.execute(&call).await?;
        Ok(())
    }

    /// `DELETE {collection}/{id}/tags/{tag}`: removes one tag.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = client.compute().servers().create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.replace_tags(&id, &["web", "canary"]).await?;
    /// servers.remove_tag(&id, "canary").await?;
    /// assert_eq!(servers.tags(&id).await?, ["web"]);
    /// assert!(servers.remove_tag(&id, "canary").await.unwrap_err().is_not_found());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the item or the tag is not there.
    pub async fn remove_tag(&self, id: &str, tag: &str) -> Result<(), Error> {
        let call = self.tags_call(Method::Delete, id, Some(tag))?;
        self.client.execute(&call).await?;
        Ok(())
    }

    /// `PUT {collection}/{id}/tags` `{"tags": [...]}`: replaces all tags; returns them as stored.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = client.compute().servers().create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.add_tag(&id, "old").await?;
    /// let stored = servers.replace_tags(&id, &["web", "prod"]).await?;
    /// assert_eq!(stored, ["prod", "web"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such item, 400 for a refused tag.
    pub async fn replace_tags(&self, id: &str, tags: &[&str]) -> Result<Vec<String>, Error> {
        let call = self
            .tags_call(Method::Put, id, None)?
            .json_body(&serde_json::json!({ "tags": tags }));
        Ok(self.client.execute(&call).await?.json::<Tags>()?.tags)
    }

    /// `DELETE {collection}/{id}/tags`: removes every tag.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = client.compute().servers().create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.replace_tags(&id, &["web", "prod"]).await?;
    /// servers.clear_tags(&id).await?;
    /// assert!(servers.tags(&id).await?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such item.
    pub async fn clear_tags(&self, id: &str) -> Result<(), Error> {
        let call = self.tags_call(Method::Delete, id, None)?;
        self.client.execute(&call).await?;
        Ok(())
    }

    /// `GET {collection}/{id}/tags/{tag}`: `true` when the item has the tag (204), `false` when not
    /// (404).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = client.compute().servers().create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.add_tag(&id, "web").await?;
    /// assert!(servers.has_tag(&id, "web").await?);
    /// assert!(!servers.has_tag(&id, "db").await?);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Other errors of the call (a missing item also answers 404, so check the item first when that
    /// matters).
    pub async fn has_tag(&self, id: &str, tag: &str) -> Result<bool, Error> {
        let call = self.tags_call(Method::Get, id, Some(tag))?;
        match self.client.execute(&call).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl<R: Taggable> List<R> {
    fn tag_filter(self, key: &str, tags: &[&str]) -> Self {
        let list = match max(R::MIN_MICROVERSION, R::TAGS_MIN_MICROVERSION) {
            Some(v) => self.requires(v),
            None => self,
        };
        list.param(key, tags.join(","))
    }

    /// `tags`: items having all of these tags. The example shows the four tag filters (on Nova server
    /// tags, 2.26+).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::CreateServer;
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// for (name, tags) in [("web-1", ["web", "prod"]), ("web-2", ["web", "test"]), ("db-1", ["db", "prod"])] {
    ///     servers.create(&CreateServer::new(name, "1").image(image).network(&net).tags(tags)).await?;
    /// }
    /// # let names = |list: Vec<stackclient::compute::Server>| list.into_iter().map(|s| s.name).collect::<Vec<_>>();
    /// // Lists are newest first.
    /// assert_eq!(names(servers.list().tags(&["web", "prod"]).all().await?), ["web-1"]);
    /// assert_eq!(names(servers.list().tags_any(&["test", "db"]).all().await?), ["db-1", "web-2"]);
    /// assert_eq!(names(servers.list().not_tags(&["web", "prod"]).all().await?), ["db-1", "web-2"]);
    /// assert_eq!(names(servers.list().not_tags_any(&["db", "test"]).all().await?), ["web-1"]);
    /// # Ok(()) }
    /// ```
    pub fn tags(self, tags: &[&str]) -> Self {
        self.tag_filter("tags", tags)
    }

    /// `tags-any`: items having at least one of these tags (example at [`tags`](Self::tags)).
    pub fn tags_any(self, tags: &[&str]) -> Self {
        self.tag_filter("tags-any", tags)
    }

    /// `not-tags`: items lacking at least one of these tags (example at [`tags`](Self::tags)).
    pub fn not_tags(self, tags: &[&str]) -> Self {
        self.tag_filter("not-tags", tags)
    }

    /// `not-tags-any`: items having none of these tags (example at [`tags`](Self::tags)).
    pub fn not_tags_any(self, tags: &[&str]) -> Self {
        self.tag_filter("not-tags-any", tags)
    }
}

const IF_MATCH: http::header::HeaderName = http::header::IF_MATCH;

/// The `If-Match: revision_number={revision}` header value.
pub(crate) fn if_match(revision: u64) -> Result<http::header::HeaderValue, Error> {
    http::header::HeaderValue::from_str(&format!("revision_number={revision}"))
        .map_err(|e| Error::InvalidInput(format!("If-Match: {e}")))
}

fn max(a: Option<ApiVersion>, b: Option<ApiVersion>) -> Option<ApiVersion> {
    a.max(b)
}

/// `request` as JSON, or an [`Error::InvalidInput`] naming the resource.
pub(crate) fn to_json<T: Serialize + ?Sized>(
    request: &T,
    kind: &str,
) -> Result<serde_json::Value, Error> {
    serde_json::to_value(request).map_err(|e| Error::InvalidInput(format!("{kind} request: {e}")))
}

/// Escapes the characters a regular expression treats specially.
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_regex_characters() {
        assert_eq!(regex_escape("web.1 (a)"), r"web\.1 \(a\)");
    }

    #[test]
    fn envelope_takes_the_named_key() {
        let url = url::Url::parse("http://h/x").unwrap();
        let v: serde_json::Value = crate::request::decode_seed(
            Method::Get,
            &url,
            br#"{"links": [], "server": {"id": "a"}}"#,
            Envelope::<serde_json::Value>::new("server"),
        )
        .unwrap();
        assert_eq!(v["id"], "a");
        let err = crate::request::decode_seed(
            Method::Get,
            &url,
            br#"{"network": {}}"#,
            Envelope::<serde_json::Value>::new("server"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("missing field `server`"), "{err}");
    }
}
