//! API versions and microversions, and version discovery documents.
//!
//! Per service, the microversion sent is the user's pin (`compute_api_version` /
//! `OS_COMPUTE_API_VERSION`), else the highest that both the cloud (its version document's
//! `min_version`/`version`) and this crate support. Where the cloud has no microversions, no header is
//! sent.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use crate::error::Error;

/// An API version or microversion: `major.minor`, e.g. `2.79` (compute) or `3.14` (identity).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// Major version, e.g. 2.
    pub major: u16,
    /// Minor version (the microversion), e.g. 79.
    pub minor: u16,
}

impl ApiVersion {
    /// `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        ApiVersion { major, minor }
    }
}

impl FromStr for ApiVersion {
    type Err = Error;

    /// Parses `2.79`, `v2.1`, `V3.14`, `2` (minor 0).
    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let bad = || Error::InvalidInput(format!("{s:?} is not an API version like 2.79"));
        let (major, minor) = match t.split_once('.') {
            Some((a, b)) => (a, b),
            None => (t, "0"),
        };
        let major = major.parse::<u16>().map_err(|_| bad())?;
        let minor = minor.parse::<u16>().map_err(|_| bad())?;
        Ok(ApiVersion { major, minor })
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// What a version discovery document says about the API version in use.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct VersionInfo {
    /// The version's id, e.g. `v2.1` → 2.1.
    pub id: Option<ApiVersion>,
    /// `CURRENT`, `SUPPORTED`, `stable`, … as sent.
    pub status: Option<String>,
    /// Lowest microversion (`min_version`); `None` when the service has no microversions.
    pub min_microversion: Option<ApiVersion>,
    /// Highest microversion (`version`); `None` when the service has no microversions.
    pub max_microversion: Option<ApiVersion>,
}

#[derive(Deserialize)]
struct RawVersion {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    min_version: Option<String>,
    /// Kept loose: a malformed `links` must not hide the rest of the document.
    #[serde(default)]
    links: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawVersions {
    List(Vec<RawVersion>),
    Values { values: Vec<RawVersion> },
}

#[derive(Deserialize)]
struct RawDoc {
    #[serde(default)]
    version: Option<RawVersion>,
    #[serde(default)]
    versions: Option<RawVersions>,
}

fn parse_opt(s: Option<&str>) -> Option<ApiVersion> {
    s.filter(|s| !s.trim().is_empty())
        .and_then(|s| s.parse().ok())
}

fn info(raw: &RawVersion) -> VersionInfo {
    VersionInfo {
        id: parse_opt(raw.id.as_deref()),
        status: raw.status.clone(),
        min_microversion: parse_opt(raw.min_version.as_deref()),
        max_microversion: parse_opt(raw.version.as_deref()),
    }
}

fn status_rank(status: Option<&str>) -> u8 {
    match status.map(str::to_ascii_uppercase).as_deref() {
        Some("CURRENT") | Some("STABLE") => 2,
        Some("SUPPORTED") => 1,
        _ => 0,
    }
}

/// Parses a version document: a single `{"version": {...}}`, a `{"versions": [...]}` list, or Keystone's
/// `{"versions": {"values": [...]}}`. From a list it takes the entry whose id matches `wanted_major`
/// (when given), preferring `CURRENT`/`stable` over `SUPPORTED`, then the highest id.
///
/// Returns `None` when the body is none of these shapes.
pub(crate) fn parse_version_document(
    body: &[u8],
    wanted_major: Option<u16>,
) -> Option<VersionInfo> {
    let doc: RawDoc = serde_json::from_slice(body).ok()?;
    if let Some(v) = doc.version {
        return Some(info(&v));
    }
    let list = match doc.versions? {
        RawVersions::List(l) => l,
        RawVersions::Values { values } => values,
    };
    list.iter()
        .map(info)
        .filter(|i| wanted_major.is_none_or(|m| i.id.is_some_and(|id| id.major == m)))
        .max_by_key(|i| (status_rank(i.status.as_deref()), i.id))
}

/// A version entry chosen from a version list, with its `self` link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VersionChoice {
    pub info: VersionInfo,
    /// The entry's id as sent, e.g. `v2.1` or `v3.14`.
    pub id: String,
    /// The `href` of its `rel: self` link, as sent.
    pub self_link: Option<String>,
}

/// The entries of a version list (`{"versions": [...]}` or Keystone's `{"versions": {"values":
/// [...]}}`); `None` when the body is not one.
fn version_list(body: &[u8]) -> Option<Vec<RawVersion>> {
    let doc: RawDoc = serde_json::from_slice(body).ok()?;
    match doc.versions? {
        RawVersions::List(l) => Some(l),
        RawVersions::Values { values } => Some(values),
    }
}

/// The ids listed by a version list, e.g. `["v2.0", "v2.1"]`; `None` when the body is not one.
pub(crate) fn listed_versions(body: &[u8]) -> Option<Vec<String>> {
    version_list(body).map(|l| l.into_iter().filter_map(|v| v.id).collect())
}

/// From a version list (Nova's `GET /` `{"versions": [...]}`, Keystone's `300 Multiple Choices`
/// `{"versions": {"values": [...]}}`), the entry of major version `major` whose status is
/// `CURRENT`/`stable` (preferred) or `SUPPORTED`, the highest id among equals. Entries with another
/// status (`DEPRECATED`, `EXPERIMENTAL`, none) are not chosen. `None` when there is no such entry.
pub(crate) fn choose_version(body: &[u8], major: u16) -> Option<VersionChoice> {
    version_list(body)?
        .into_iter()
        .filter_map(|raw| {
            let info = info(&raw);
            let rank = status_rank(info.status.as_deref());
            (rank > 0 && info.id.is_some_and(|id| id.major == major)).then(|| {
                let self_link = raw
                    .links
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|l| l.get("rel").and_then(|r| r.as_str()) == Some("self"))
                    .and_then(|l| l.get("href").and_then(|h| h.as_str()))
                    .map(str::to_string);
                (
                    (rank, info.id),
                    VersionChoice {
                        info,
                        id: raw.id.unwrap_or_default(),
                        self_link,
                    },
                )
            })
        })
        .max_by_key(|(key, _)| *key)
        .map(|(_, choice)| choice)
}

/// The URL of a chosen version entry: its `self` link when it is on the same origin (scheme, host,
/// port) as `base`, the URL that was asked; otherwise (another host, as a Keystone or Nova behind a
/// proxy without `public_endpoint` advertises, or no link) `base` joined with the link's last path
/// segment (`v3` for Keystone's `v3.14`), or the entry's `id` without a link, so credentials and
/// tokens never go to a host the configuration did not name. No trailing slash.
pub(crate) fn version_url(base: &url::Url, choice: &VersionChoice) -> Option<url::Url> {
    let joined = choice
        .self_link
        .as_deref()
        .and_then(|href| base.join(href).ok());
    let last_segment = joined
        .as_ref()
        .and_then(|u| {
            u.path_segments()?
                .rfind(|p| !p.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| choice.id.clone());
    let linked = joined.filter(|u| u.origin() == base.origin());
    let mut url = match linked {
        Some(u) => u,
        None => {
            if let Some(href) = &choice.self_link {
                tracing::warn!(href = %href, "version link names another host; using the configured one");
            }
            let mut u = base.clone();
            {
                let mut segs = u.path_segments_mut().ok()?;
                segs.pop_if_empty();
                segs.push(&last_segment);
            }
            u
        }
    };
    url.set_query(None);
    url.set_fragment(None);
    if url.path().len() > 1 && url.path().ends_with('/') {
        let trimmed = url.path().trim_end_matches('/').to_string();
        url.set_path(&trimmed);
    }
    Some(url)
}

/// Chooses the microversion to send.
///
/// * `pin`: the user's pin (`Some`) wins, checked against the cloud's range when known.
/// * otherwise the highest version both the cloud (`cloud`) and this crate (`crate_max`) support.
/// * `None` when the cloud has no microversions and nothing is pinned.
///
/// # Errors
/// [`Error::MicroversionUnsupported`] when the pin is outside the cloud's range, or the cloud's range
/// and the crate's do not meet.
pub(crate) fn negotiate(
    service: &str,
    pin: Option<ApiVersion>,
    cloud: &VersionInfo,
    crate_min: ApiVersion,
    crate_max: ApiVersion,
) -> Result<Option<ApiVersion>, Error> {
    let range = match (cloud.min_microversion, cloud.max_microversion) {
        (Some(lo), Some(hi)) => Some((lo, hi)),
        (None, Some(hi)) => Some((hi, hi)),
        _ => None,
    };
    if let Some(pin) = pin {
        if let Some((lo, hi)) = range {
            if pin < lo || pin > hi {
                return Err(Error::MicroversionUnsupported {
                    service: service.into(),
                    required: format!("{pin} (pinned)"),
                    available: format!("the cloud supports {lo} to {hi}"),
                });
            }
        }
        return Ok(Some(pin));
    }
    let Some((lo, hi)) = range else {
        return Ok(None);
    };
    let best = hi.min(crate_max);
    if best < lo || best < crate_min {
        return Err(Error::MicroversionUnsupported {
            service: service.into(),
            required: format!("{crate_min} to {crate_max}"),
            available: format!("the cloud supports {lo} to {hi}"),
        });
    }
    Ok(Some(best))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(
            "2.79".parse::<ApiVersion>().unwrap(),
            ApiVersion::new(2, 79)
        );
        assert_eq!("v2.1".parse::<ApiVersion>().unwrap(), ApiVersion::new(2, 1));
        assert_eq!(
            "v3.14".parse::<ApiVersion>().unwrap(),
            ApiVersion::new(3, 14)
        );
        assert_eq!("3".parse::<ApiVersion>().unwrap(), ApiVersion::new(3, 0));
        assert!("latest".parse::<ApiVersion>().is_err());
        assert!(ApiVersion::new(2, 10) > ApiVersion::new(2, 9));
        assert_eq!(ApiVersion::new(2, 100).to_string(), "2.100");
    }

    #[test]
    fn documents() {
        let nova_single = br#"{"version": {"id": "v2.1", "status": "CURRENT", "version": "2.96", "min_version": "2.1"}}"#;
        let i = parse_version_document(nova_single, None).unwrap();
        assert_eq!(i.id, Some(ApiVersion::new(2, 1)));
        assert_eq!(i.max_microversion, Some(ApiVersion::new(2, 96)));
        let nova_root = br#"{"versions": [
            {"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": ""},
            {"id": "v2.1", "status": "CURRENT", "version": "2.90", "min_version": "2.1"}]}"#;
        let i = parse_version_document(nova_root, Some(2)).unwrap();
        assert_eq!(i.max_microversion, Some(ApiVersion::new(2, 90)));
        let keystone = br#"{"versions": {"values": [{"id": "v3.14", "status": "stable"}]}}"#;
        let i = parse_version_document(keystone, Some(3)).unwrap();
        assert_eq!(i.id, Some(ApiVersion::new(3, 14)));
        assert_eq!(i.max_microversion, None);
        let neutron = br#"{"versions": [{"id": "v2.0", "status": "CURRENT", "links": []}]}"#;
        assert_eq!(
            parse_version_document(neutron, None).unwrap().id,
            Some(ApiVersion::new(2, 0))
        );
        assert!(parse_version_document(b"<html>", None).is_none());
    }

    #[test]
    fn negotiation() {
        let cloud = VersionInfo {
            id: None,
            status: None,
            min_microversion: Some(ApiVersion::new(2, 1)),
            max_microversion: Some(ApiVersion::new(2, 60)),
        };
        let (lo, hi) = (ApiVersion::new(2, 1), ApiVersion::new(2, 100));
        assert_eq!(
            negotiate("compute", None, &cloud, lo, hi).unwrap(),
            Some(ApiVersion::new(2, 60))
        );
        assert_eq!(
            negotiate("compute", Some(ApiVersion::new(2, 10)), &cloud, lo, hi).unwrap(),
            Some(ApiVersion::new(2, 10))
        );
        let err = negotiate("compute", Some(ApiVersion::new(2, 79)), &cloud, lo, hi).unwrap_err();
        assert_eq!(
            err.to_string(),
            "compute microversion 2.79 (pinned) is needed but the cloud supports 2.1 to 2.60"
        );
        assert_eq!(
            negotiate("network", None, &VersionInfo::default(), lo, hi).unwrap(),
            None
        );
    }
}
