//! Pagination: one page at a time, as a lazy stream.
//!
//! The next page's marker is taken from the `*_links` entry with `rel: next` and the request is rebuilt
//! against the catalog endpoint with the original filters (a next link naming another host or path is
//! never followed). Paging stops on a page without a next link, an empty page, or a marker seen before.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::client::Client;
use crate::error::{Error, redact_url};
use crate::microversion::ApiVersion;
use crate::request::{Call, Method, ServiceType};

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
    pub min_microversion: Option<ApiVersion>,
}

#[derive(Deserialize)]
struct Link {
    #[serde(default)]
    rel: Option<String>,
    #[serde(default)]
    href: Option<String>,
}

struct PageSeed<T> {
    items_key: &'static str,
    links_key: &'static str,
    _t: PhantomData<fn() -> T>,
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
            if key == self.items_key {
                items = Some(map.next_value::<Vec<T>>()?);
            } else if key == self.links_key {
                links = map.next_value::<Option<Vec<Link>>>()?.unwrap_or_default();
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
    let url = url::Url::parse(href).ok()?;
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

/// Fetches one page (starting after `marker`, or at the filters' own `marker`).
pub(crate) async fn fetch_page<T: DeserializeOwned>(
    client: &Client,
    spec: &ListSpec,
    marker: Option<&str>,
) -> Result<Page<T>, Error> {
    let raw = client.execute(&spec.call(marker)).await?;
    let seed = PageSeed::<T> {
        items_key: spec.items_key,
        links_key: spec.links_key,
        _t: PhantomData,
    };
    let mut track = serde_path_to_error::Track::new();
    let mut de = serde_json::Deserializer::from_slice(&raw.body);
    let parsed = seed
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .and_then(|p| de.end().map(|()| p));
    let page = parsed.map_err(|e| Error::Decode {
        method: "GET".into(),
        url: redact_url(&raw.url),
        path: track.path().to_string(),
        message: e.to_string(),
    })?;
    Ok(Page {
        next_marker: next_marker(&page.links),
        items: page.items,
        request_id: raw.request_id(),
    })
}

struct StreamState {
    client: Client,
    spec: ListSpec,
    marker: Option<String>,
    seen: HashSet<String>,
    done: bool,
}

/// All items as a lazy stream: one page in memory at a time.
pub(crate) fn stream<T: DeserializeOwned + Send + 'static>(
    client: Client,
    spec: ListSpec,
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
        marker: None,
        seen,
        done: false,
    };
    stream::try_unfold(state, |mut st| async move {
        if st.done {
            return Ok::<_, Error>(None);
        }
        let page: Page<T> = fetch_page(&st.client, &st.spec, st.marker.as_deref()).await?;
        match page.next_marker {
            Some(m) if !page.items.is_empty() => {
                if st.seen.insert(m.clone()) {
                    st.marker = Some(m);
                } else {
                    tracing::warn!(marker = %m, "pagination marker repeated; stopping");
                    st.done = true;
                }
            }
            _ => st.done = true,
        }
        Ok(Some((page.items, st)))
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}
