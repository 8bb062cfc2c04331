//! Pagination: one page at a time, as a lazy stream.
//!
//! The next page's marker is taken from the `*_links` entry with `rel: next` and the request is rebuilt
//! against the catalog endpoint with the original filters (a next link naming another host or path is
//! never followed). Paging stops on a page without a next link or an empty page; it ends with
//! [`Error::PaginationLoop`] on a next marker followed before or a page equal to an earlier one. Items a
//! page repeats from the page before it, or a whole page repeated, are not yielded again. What the
//! stream keeps for this grows with the number of pages, not of items: memory stays flat however long
//! the listing.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::client::Client;
use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::request::{Call, Method, ServiceType, decode_seed};
use crate::resource::Envelope;

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page, in the service's order.
    pub items: Vec<T>,
    /// The marker for the next page (from the `*_links` `next` link), `None` on the last page.
    pub next_marker: Option<String>,
    /// The answer's request id.
    pub request_id: Option<String>,
}

/// What a list call sends: service, path, filters and the JSON keys of its answer.
#[derive(Debug, Clone)]
pub(crate) struct ListSpec {
    pub service: ServiceType,
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    /// e.g. `servers`
    pub items_key: &'static str,
    /// e.g. `servers_links`
    pub links_key: &'static str,
    /// The key wrapping each item of the list, e.g. `keypair` in Nova's
    /// `{"keypairs": [{"keypair": {...}}]}`; empty when items are not wrapped.
    pub item_key: &'static str,
    pub min_microversion: Option<ApiVersion>,
}

#[derive(Deserialize)]
struct Link {
    #[serde(default)]
    rel: Option<String>,
    #[serde(default)]
    href: Option<String>,
}

/// A page's links: Nova and Neutron send a list of `{rel, href}` under `*_links`; Glance sends the next
/// page's URL as a string under `next`. Read by type (not `untagged`), so that a bad entry's error keeps
/// its JSON path.
struct Links(Vec<Link>);

impl<'de> Deserialize<'de> for Links {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Links;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of links or a next-page URL")
            }
            fn visit_str<E: serde::de::Error>(self, href: &str) -> Result<Links, E> {
                Ok(Links(vec![Link {
                    rel: Some("next".into()),
                    href: Some(href.to_string()),
                }]))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Links, E> {
                Ok(Links(Vec::new()))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Links, E> {
                Ok(Links(Vec::new()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Links, A::Error> {
                let mut links = Vec::new();
                while let Some(link) = seq.next_element::<Link>()? {
                    links.push(link);
                }
                Ok(Links(links))
            }
        }
        d.deserialize_any(V)
    }
}

struct PageSeed<T> {
    items_key: &'static str,
    links_key: &'static str,
    item_key: &'static str,
    _t: PhantomData<fn() -> T>,
}

/// A list whose every item is wrapped in `{"<key>": {...}}`.
struct WrappedItems<T> {
    key: &'static str,
    _t: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for WrappedItems<T> {
    type Value = Vec<T>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for WrappedItems<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of objects with `{}`", self.key)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(Envelope::<T>::new(self.key))? {
            out.push(item);
        }
        Ok(out)
    }
}

impl<T> Clone for PageSeed<T> {
    fn clone(&self) -> Self {
        PageSeed {
            items_key: self.items_key,
            links_key: self.links_key,
            item_key: self.item_key,
            _t: PhantomData,
        }
    }
}

struct RawPage<T> {
    items: Vec<T>,
    links: Vec<Link>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<T> {
    type Value = RawPage<T>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<T> {
    type Value = RawPage<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object with `{}`", self.items_key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = None;
        let mut links = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == self.items_key && !self.item_key.is_empty() {
                items = Some(map.next_value_seed(WrappedItems::<T> {
                    key: self.item_key,
                    _t: PhantomData,
                })?);
            } else if key == self.items_key {
                items = Some(map.next_value::<Vec<T>>()?);
            } else if key == self.links_key {
                links = map.next_value::<Links>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let items = items.ok_or_else(|| serde::de::Error::missing_field(self.items_key))?;
        Ok(RawPage { items, links })
    }
}

/// The `marker` query parameter of the `next` link, if any.
fn next_marker(links: &[Link]) -> Option<String> {
    let href = links
        .iter()
        .find(|l| l.rel.as_deref() == Some("next"))?
        .href
        .as_deref()?;
    // Absolute (as Nova and Neutron send) or relative: only the query matters.
    let base = url::Url::parse("http://next.invalid/").ok()?;
    let url = base.join(href).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "marker")
        .map(|(_, v)| v.into_owned())
}

impl ListSpec {
    fn call(&self, marker: Option<&str>) -> Call {
        let mut call = Call::new(
            self.service.clone(),
            Method::Get,
            self.segments.iter().cloned(),
        )
        .min_microversion(self.min_microversion);
        for (k, v) in &self.query {
            if k != "marker" || marker.is_none() {
                call = call.query(k, v);
            }
        }
        if let Some(m) = marker {
            call = call.query("marker", m);
        }
        call
    }
}

/// One page, with the request URL (redacted) for loop reports.
struct FetchedPage<T> {
    page: Page<T>,
    url: String,
}

/// Fetches one page (starting after `marker`, or at the filters' own `marker`).
pub(crate) async fn fetch_page<T: DeserializeOwned>(
    client: &Client,
    spec: &ListSpec,
    marker: Option<&str>,
) -> Result<Page<T>, Error> {
    Ok(fetch(client, spec, marker).await?.page)
}

async fn fetch<T: DeserializeOwned>(
    client: &Client,
    spec: &ListSpec,
    marker: Option<&str>,
) -> Result<FetchedPage<T>, Error> {
    let raw = client.execute(&spec.call(marker)).await?;
    let seed = PageSeed::<T> {
        items_key: spec.items_key,
        links_key: spec.links_key,
        item_key: spec.item_key,
        _t: PhantomData,
    };
    let page =
        decode_seed(Method::Get, &raw.url, &raw.body, seed).map_err(|e| raw.scrub_error(e))?;
    Ok(FetchedPage {
        page: Page {
            next_marker: next_marker(&page.links),
            items: page.items,
            request_id: raw.request_id(),
        },
        url: crate::error::redact_url(&raw.url),
    })
}

/// How the stream reads an item's id, when the item type has one.
pub(crate) type IdOf<T> = fn(&T) -> &str;

/// Item ids are compared by 64-bit keyed hashes (SipHash with a per-stream random key): two
/// different ids of one listing share a hash with a probability of about 2^-64 per pair.
type IdHash = u64;

/// A hasher for values that are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashSetOfHashes = HashSet<IdHash, std::hash::BuildHasherDefault<Prehashed>>;

/// What the stream remembers to detect a loop. Its size depends on the number of pages, never on
/// the number of items: the markers followed, one fingerprint per page, and the ids of the last page.
struct StreamState<T> {
    client: Client,
    spec: ListSpec,
    id_of: Option<IdOf<T>>,
    marker: Option<String>,
    /// Markers followed (and the caller's own).
    seen_markers: HashSet<String>,
    /// Keys the id hashes.
    hasher: std::collections::hash_map::RandomState,
    /// Fingerprints (the combined id hashes) of the pages fetched: a page equal to an earlier one
    /// is a replay.
    pages_seen: HashSetOfHashes,
    /// Id hashes of the previous page's items: a page overlapping it skips the repeated items.
    previous: HashSetOfHashes,
    pages: u32,
    items: u64,
    /// The loop found on the last page, reported once its new items are taken.
    looped: Option<Error>,
    done: bool,
}

/// All items as a lazy stream: one page in memory at a time.
///
/// With `id_of`, no item is yielded twice when a page repeats an earlier page or overlaps the page
/// before it; a next marker followed before ends the stream with [`Error::PaginationLoop`] in any case.
pub(crate) fn stream<T: DeserializeOwned + Send + 'static>(
    client: Client,
    spec: ListSpec,
    id_of: Option<IdOf<T>>,
) -> BoxStream<'static, Result<T, Error>> {
    // The caller's own `marker` filter counts as seen: a page naming it as next is not fetched again.
    let seen = spec
        .query
        .iter()
        .filter(|(k, _)| k == "marker")
        .map(|(_, v)| v.clone())
        .collect();
    let state = StreamState {
        client,
        spec,
        id_of,
        marker: None,
        seen_markers: seen,
        hasher: std::collections::hash_map::RandomState::new(),
        pages_seen: HashSetOfHashes::default(),
        previous: HashSetOfHashes::default(),
        pages: 0,
        items: 0,
        looped: None,
        done: false,
    };
    Box::pin(Listing {
        items: Vec::new().into_iter(),
        fetching: None,
        state: Some(state),
    })
}

/// The listing stream: the items of the page in hand, then the next page's request.
struct Listing<T> {
    items: std::vec::IntoIter<T>,
    fetching: Option<futures_util::future::BoxFuture<'static, PageResult<T>>>,
    /// `None` once the stream has ended (or while a page is being fetched).
    state: Option<StreamState<T>>,
}

type PageResult<T> = (StreamState<T>, Result<Vec<T>, Error>);

// The items are only moved, never pinned: the stream is `Unpin` whatever `T` is.
impl<T> Unpin for Listing<T> {}

impl<T: DeserializeOwned + Send + 'static> futures_core::Stream for Listing<T> {
    type Item = Result<T, Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(fetching) = this.fetching.as_mut() {
                let (st, result) = futures_util::ready!(fetching.as_mut().poll(cx));
                this.fetching = None;
                match result {
                    Ok(items) => {
                        this.items = items.into_iter();
                        this.state = Some(st);
                    }
                    // An error ends the stream (the state is dropped).
                    Err(e) => return Poll::Ready(Some(Err(e))),
                }
                continue;
            }
            // The spent page's buffer goes before the next page arrives: one page in memory.
            this.items = Vec::new().into_iter();
            let Some(mut st) = this.state.take() else {
                return Poll::Ready(None);
            };
            // A loop found on the last page is reported once its new items are taken; then the
            // stream ends.
            if let Some(e) = st.looped.take() {
                return Poll::Ready(Some(Err(e)));
            }
            if st.done {
                return Poll::Ready(None);
            }
            this.fetching = Some(Box::pin(async move {
                let result = next_page(&mut st).await;
                (st, result)
            }));
        }
    }
}

/// Fetches the page after `st.marker` and returns its items not listed before; records the next
/// marker, or `done`, or the loop to report.
async fn next_page<T: DeserializeOwned + Send + 'static>(
    st: &mut StreamState<T>,
) -> Result<Vec<T>, Error> {
    let fetched: FetchedPage<T> = fetch(&st.client, &st.spec, st.marker.as_deref()).await?;
    st.pages += 1;
    let FetchedPage { page, url } = fetched;
    let listed = page.items.len();
    let fresh: Vec<T> = match st.id_of {
        Some(id_of) if listed > 0 => {
            use std::hash::BuildHasher;
            let hashes: Vec<IdHash> = page
                .items
                .iter()
                .map(|item| st.hasher.hash_one(id_of(item)))
                .collect();
            let replay = !st.pages_seen.insert(st.hasher.hash_one(&hashes));
            let mut current = HashSetOfHashes::with_capacity_and_hasher(listed, Default::default());
            let keep: Vec<bool> = hashes
                .iter()
                .map(|h| !replay && !st.previous.contains(h) && current.insert(*h))
                .collect();
            st.previous = current;
            if keep.iter().all(|k| *k) {
                page.items
            } else {
                page.items
                    .into_iter()
                    .zip(keep)
                    .filter_map(|(item, keep)| keep.then_some(item))
                    .collect()
            }
        }
        _ => page.items,
    };
    st.items += fresh.len() as u64;
    let all_seen = listed > 0 && fresh.is_empty();
    if !all_seen && fresh.len() < listed {
        tracing::warn!(
            url = %url,
            repeated = listed - fresh.len(),
            "a page repeats items already listed; they are skipped"
        );
    }
    match page.next_marker {
        Some(m) if listed > 0 => {
            let repeated = !st.seen_markers.insert(m.clone());
            if repeated || all_seen {
                // The next marker that leads back, else the one that led to a page of old items.
                let marker = if repeated {
                    m
                } else {
                    st.marker.clone().unwrap_or(m)
                };
                tracing::warn!(url = %url, marker = %marker, "pagination loops; stopping");
                st.looped = Some(Error::PaginationLoop {
                    method: Method::Get.as_str().to_string(),
                    url,
                    marker: crate::error::cap(&marker, crate::error::MAX_CODE_CHARS),
                    pages: st.pages,
                    items: st.items,
                });
            } else {
                st.marker = Some(m);
            }
        }
        _ => st.done = true,
    }
    Ok(fresh)
}

/// Sort direction for list calls (`sort_dir`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortDir {
    /// `asc`
    Asc,
    /// `desc`
    Desc,
}

impl SortDir {
    /// `asc` or `desc`.
    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }
}

/// A list request: set filters with the resource's methods (e.g. [`crate::compute::ServerList`]), then
/// [`send`](List::send) for one page, [`into_stream`](List::into_stream) for every item lazily (one page
/// in memory), or [`all`](List::all).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use futures_util::TryStreamExt;
/// use stackclient::SortDir;
/// let flavors = client.compute().flavors();
/// // One page of two, and the marker for the next one.
/// let page = flavors.list().limit(2).send().await?;
/// assert_eq!(page.items.len(), 2);
/// let next = page.next_marker.clone().expect("a third flavor follows");
/// let rest = flavors.list().limit(2).marker(&next).send().await?;
/// assert_eq!(rest.items.len(), 1);
/// // Every item, fetched page by page as the stream is read.
/// let names: Vec<String> = flavors.list().limit(1).into_stream().map_ok(|f| f.name).try_collect().await?;
/// assert_eq!(names.len(), 3);
/// // Neutron sorts on the server.
/// let nets = client.network().networks().list().sort("name", SortDir::Desc).all().await?;
/// assert_eq!(nets.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["public", "private"]);
/// # Ok(()) }
/// ```
#[must_use = "a list does nothing until sent"]
pub struct List<T> {
    client: Client,
    spec: ListSpec,
    /// A filter the caller set that can never be sent (reported by `send` / `into_stream`).
    invalid: Option<String>,
    /// The item's id, for skipping items a misbehaving service lists twice.
    id_of: Option<IdOf<T>>,
    /// `limit` and `marker` need this microversion.
    paging_from: Option<ApiVersion>,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        List {
            client: self.client.clone(),
            spec: self.spec.clone(),
            invalid: self.invalid.clone(),
            id_of: self.id_of,
            paging_from: self.paging_from,
            _t: PhantomData,
        }
    }
}

impl<T> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("List")
            .field("service", &self.spec.service)
            .field("path", &self.spec.segments)
            .field("query", &self.spec.query)
            .finish_non_exhaustive()
    }
}

impl<T> List<T> {
    pub(crate) fn new(
        client: Client,
        service: ServiceType,
        segments: &[&str],
        items_key: &'static str,
        links_key: &'static str,
    ) -> Self {
        List {
            client,
            spec: ListSpec {
                service,
                segments: segments.iter().map(|s| s.to_string()).collect(),
                query: Vec::new(),
                items_key,
                links_key,
                item_key: "",
                min_microversion: None,
            },
            invalid: None,
            id_of: None,
            paging_from: None,
            _t: PhantomData,
        }
    }

    /// `limit` and `marker` need microversion `v` (when `Some`).
    pub(crate) fn paging_from(mut self, v: Option<ApiVersion>) -> Self {
        self.paging_from = v;
        self
    }

    fn paging(self) -> Self {
        match self.paging_from {
            Some(v) => self.requires(v),
            None => self,
        }
    }

    /// How to read an item's id: lets the stream skip items a page repeats.
    pub(crate) fn ids(mut self, id_of: IdOf<T>) -> Self {
        self.id_of = Some(id_of);
        self
    }

    /// Adds a query parameter (encoded for you) for a filter that has no typed setter; keys may repeat
    /// (Neutron takes `fixed_ips=ip_address=10.0.0.5` several times).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// // Neutron's provider attributes have no typed filter.
    /// let flat = client.network().networks().list().param("provider:network_type", "flat").all().await?;
    /// assert_eq!(flat.len(), 1);
    /// assert_eq!(flat[0].name, "public");
    /// # Ok(()) }
    /// ```
    pub fn param(mut self, key: &str, value: impl ToString) -> Self {
        self.spec.query.push((key.to_string(), value.to_string()));
        self
    }

    /// Marks the list as one that can never be sent: `send` / `into_stream` fail with
    /// [`Error::InvalidInput`] saying `why`.
    pub(crate) fn invalid(mut self, why: String) -> Self {
        self.invalid = Some(why);
        self
    }

    /// Each item of the answer's list is wrapped in `{"<key>": {...}}` (Nova's keypairs).
    pub(crate) fn item_key(mut self, key: &'static str) -> Self {
        self.spec.item_key = key;
        self
    }

    /// The call needs at least this microversion (checked before sending).
    pub(crate) fn requires(mut self, version: ApiVersion) -> Self {
        self.spec.min_microversion = self.spec.min_microversion.max(Some(version));
        self
    }

    /// `limit`: page size, at least 1 (services cap it, e.g. Nova's `max_limit`, 1000 by default).
    /// `0` makes [`send`](List::send) / [`into_stream`](List::into_stream) fail with
    /// [`Error::InvalidInput`]. Where the API pages only from some microversion (Nova's keypairs
    /// 2.35, hypervisors 2.33, instance actions 2.58, migrations 2.59), a lower one fails with
    /// [`Error::MicroversionUnsupported`] before anything is sent.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let networks = client.network().networks();
    /// let first = networks.list().sort("name", stackclient::SortDir::Asc).limit(1).send().await?;
    /// assert_eq!(first.items[0].name, "private");
    /// let marker = first.next_marker.expect("another page");
    /// let second = networks.list().sort("name", stackclient::SortDir::Asc).limit(1).marker(&marker).send().await?;
    /// assert_eq!(second.items[0].name, "public");
    /// # Ok(()) }
    /// ```
    pub fn limit(mut self, limit: u32) -> Self {
        if limit == 0 {
            self.invalid = Some("limit must be at least 1".into());
        }
        self.paging().param("limit", limit)
    }

    /// `marker`: start after the item with this id (a keypair's name for keypairs). The same
    /// microversion rule as [`limit`](List::limit).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// # for name in ["web-1", "web-2", "web-3"] {
    /// #     servers.create(&stackclient::compute::CreateServer::new(name, "1").image(image).network(&net)).await?;
    /// # }
    /// // Servers web-1, web-2 and web-3 exist; Nova lists them newest first.
    /// let page = servers.list().limit(2).send().await?;
    /// let names: Vec<_> = page.items.iter().map(|s| s.name.as_str()).collect();
    /// assert_eq!(names, ["web-3", "web-2"]);
    /// let rest = servers.list().marker(page.next_marker.as_deref().expect("more")).all().await?;
    /// assert_eq!(rest.len(), 1);
    /// assert_eq!(rest[0].name, "web-1");
    /// # Ok(()) }
    /// ```
    pub fn marker(self, marker: &str) -> Self {
        self.paging().param("marker", marker)
    }

    /// `fields` (repeated, Neutron): the service answers only these fields. The model's required fields
    /// must be among them (`id` always is: it is added for you), or decoding fails with
    /// [`Error::Decode`] naming the missing field; for free-form projections use
    /// [`Client::request`](crate::Client::request).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let nets = client.network().networks().list().fields(&["name", "status", "admin_state_up"]).all().await?;
    /// assert_eq!(nets.len(), 2);
    /// assert!(nets.iter().all(|n| n.mtu.is_none())); // not asked for, not sent
    /// # Ok(()) }
    /// ```
    pub fn fields(mut self, fields: &[&str]) -> Self {
        if !fields.contains(&"id") {
            self = self.param("fields", "id");
        }
        for f in fields {
            self = self.param("fields", f);
        }
        self
    }

    /// `sort_key` + `sort_dir` (repeatable), e.g. `("created_at", SortDir::Desc)`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::SortDir;
    /// let nets = client.network().networks().list().sort("name", SortDir::Desc).all().await?;
    /// let names: Vec<_> = nets.iter().map(|n| n.name.as_str()).collect();
    /// assert_eq!(names, ["public", "private"]);
    /// # Ok(()) }
    /// ```
    pub fn sort(self, key: &str, dir: SortDir) -> Self {
        self.param("sort_key", key).param("sort_dir", dir.as_str())
    }
}

impl<T: DeserializeOwned + Send + 'static> List<T> {
    /// One page.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().max_limit(2).start().await.expect("fake cloud"); // pages of at most 2
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::CreateServer;
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// for i in 1..=5 {
    ///     servers.create(&CreateServer::new(format!("web-{i}"), "1").image(image).network(&net)).await?;
    /// }
    /// let page = servers.list().send().await?; // this cloud answers pages of two at most
    /// assert_eq!(page.items.len(), 2);
    /// assert_eq!(page.items[0].name, "web-5"); // newest first
    /// assert!(page.next_marker.is_some());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Pipeline errors; [`Error::Decode`] naming the bad field.
    pub async fn send(&self) -> Result<Page<T>, Error> {
        if let Some(why) = &self.invalid {
            return Err(Error::InvalidInput(why.clone()));
        }
        fetch_page(&self.client, &self.spec, None).await
    }

    /// Every item, lazily: one page in memory at a time, the next page fetched when the items of the
    /// last one have been taken. The stream yields an error once (a page that fails) and then ends.
    ///
    /// # Loops
    /// No item is yielded twice. A page whose `next` marker was followed before (or is the caller's own
    /// [`marker`](List::marker)), or a page of items all listed already, ends the stream: its new items
    /// (if any) are yielded, then [`Error::PaginationLoop`] (with the marker, the pages fetched and the
    /// items yielded), and nothing more is fetched. Items already listed that appear on a page that also
    /// has new ones are skipped with a `tracing` warning. To tell items apart the stream remembers the
    /// `id` of every item it yielded (a few tens of bytes per item); items without an `id` are checked
    /// by marker only.
    ///
    /// # Errors
    /// Pipeline errors, [`Error::Decode`] for a bad page, [`Error::PaginationLoop`]; each ends the
    /// stream.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().max_limit(2).start().await.expect("fake cloud"); // pages of at most 2
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::CreateServer;
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// for i in 1..=5 {
    ///     servers.create(&CreateServer::new(format!("web-{i}"), "1").image(image).network(&net)).await?;
    /// }
    /// use futures_util::TryStreamExt;
    /// # fake.clear_requests();
    /// let mut stream = servers.list().into_stream();
    /// let newest = stream.try_next().await?.expect("a server");
    /// assert_eq!(newest.name, "web-5");
    /// # assert_eq!(fake.requests().len(), 1); // only the first page so far
    /// let rest: Vec<_> = stream.try_collect().await?;
    /// assert_eq!(rest.len(), 4); // three pages of two at most, each fetched when needed
    /// # Ok(()) }
    /// ```
    pub fn into_stream(self) -> BoxStream<'static, Result<T, Error>> {
        if let Some(why) = self.invalid {
            return stream::once(async move { Err(Error::InvalidInput(why)) }).boxed();
        }
        stream(self.client, self.spec, self.id_of)
    }

    /// Every item, collected (the items of [`into_stream`](List::into_stream)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().max_limit(2).start().await.expect("fake cloud"); // pages of at most 2
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::CreateServer;
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// for i in 1..=5 {
    ///     servers.create(&CreateServer::new(format!("web-{i}"), "1").image(image).network(&net)).await?;
    /// }
    /// let all = servers.list().all().await?; // follows the next links: three pages of two at most
    /// let names: Vec<_> = all.iter().map(|s| s.name.as_str()).collect();
    /// assert_eq!(names, ["web-5", "web-4", "web-3", "web-2", "web-1"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The first error of any page; [`Error::PaginationLoop`] when the service's paging loops (the items
    /// gathered before are dropped: use [`into_stream`](List::into_stream) to keep them).
    pub async fn all(self) -> Result<Vec<T>, Error> {
        self.into_stream().try_collect().await
    }
}

/// The only item of `found`, `None` for none, an error naming `kind` and `name` for several.
pub(crate) fn at_most_one<T>(found: Vec<T>, kind: &str, name: &str) -> Result<Option<T>, Error> {
    match found.len() {
        0 | 1 => Ok(found.into_iter().next()),
        n => Err(Error::InvalidInput(format!(
            "{n} {kind}s are named {name:?}; use the id"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(rel: &str, href: &str) -> Link {
        Link {
            rel: Some(rel.into()),
            href: Some(href.into()),
        }
    }

    #[test]
    fn marker_from_absolute_and_relative_next_links() {
        let abs = [
            link(
                "previous",
                "http://other.example/v2.0/networks?marker=p&page_reverse=True",
            ),
            link(
                "next",
                "http://other.example/v2.0/networks?limit=2&marker=a%20b",
            ),
        ];
        assert_eq!(next_marker(&abs).as_deref(), Some("a b"));
        let rel = [link("next", "/v2.0/networks?limit=2&marker=m-2")];
        assert_eq!(next_marker(&rel).as_deref(), Some("m-2"));
        assert_eq!(
            next_marker(&[link("next", "http://h/servers?limit=2")]),
            None
        );
        assert_eq!(
            next_marker(&[link("self", "http://h/servers?marker=x")]),
            None
        );
    }

    #[test]
    fn at_most_one_names_the_ambiguity() {
        assert_eq!(at_most_one(Vec::<u8>::new(), "server", "a").unwrap(), None);
        assert_eq!(at_most_one(vec![1], "server", "a").unwrap(), Some(1));
        let err = at_most_one(vec![1, 2], "server", "a").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: 2 servers are named \"a\"; use the id"
        );
    }
}
