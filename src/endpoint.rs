//! Resolving a service's endpoint once per session: catalog (or `<service>_endpoint_override`) →
//! version discovery → microversion negotiation.

use std::sync::Arc;

use crate::client::Client;
use crate::error::Error;
use crate::microversion::{ApiVersion, VersionInfo, negotiate, parse_version_document};
use crate::request::{Method, ServiceType};

/// A resolved service endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointInfo {
    /// Service type, e.g. `compute`.
    pub service_type: String,
    /// The base URL calls are made against, e.g. `http://nova:8774/v2.1` or, for network,
    /// `http://neutron:9696/v2.0`. For a catalog URL with a project id in its path, that URL.
    pub url: url::Url,
    /// What version discovery found, if the service published a version document.
    pub version: Option<VersionInfo>,
    /// The microversion sent with every call (pinned or negotiated); `None` sends no header.
    pub microversion: Option<ApiVersion>,
}

impl EndpointInfo {
    /// Fails locally when the microversion in use is below `need`.
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`].
    pub fn require(&self, need: ApiVersion) -> Result<(), Error> {
        match self.microversion {
            Some(v) if v >= need => Ok(()),
            Some(v) => Err(Error::MicroversionUnsupported {
                service: self.service_type.clone(),
                required: need.to_string(),
                available: format!("{v} is in use"),
            }),
            None => Err(Error::MicroversionUnsupported {
                service: self.service_type.clone(),
                required: need.to_string(),
                available: "the endpoint has no microversions".to_string(),
            }),
        }
    }
}

impl EndpointInfo {
    /// Fails locally unless the service offers microversion `v` (by its version document).
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`].
    pub fn offers(&self, v: ApiVersion) -> Result<(), Error> {
        let range = self
            .version
            .as_ref()
            .and_then(|i| Some((i.min_microversion?, i.max_microversion?)));
        match range {
            Some((lo, hi)) if lo <= v && v <= hi => Ok(()),
            Some((lo, hi)) => Err(Error::MicroversionUnsupported {
                service: self.service_type.clone(),
                required: v.to_string(),
                available: format!("the cloud supports {lo} to {hi}"),
            }),
            None => Err(Error::MicroversionUnsupported {
                service: self.service_type.clone(),
                required: v.to_string(),
                available: "the endpoint publishes no microversions".to_string(),
            }),
        }
    }
}

/// Microversion range this crate's models support, per service.
fn crate_range(service: &str) -> Option<(ApiVersion, ApiVersion)> {
    match service {
        "compute" => Some((ApiVersion::new(2, 1), crate::compute::MAX_MICROVERSION)),
        _ => None,
    }
}

/// The user's microversion pin for `service` from the config (`<service>_api_version`,
/// `OS_COMPUTE_API_VERSION`). `latest` and the bare major version (`2` for compute, openstacksdk's
/// default) mean "negotiate"; `2.79` pins; anything else is a config error. Only services with
/// microversions (compute) are pinned; for the others the value names the major API version and is
/// not sent. A pin is sent as given, even above [`crate::compute::MAX_MICROVERSION`].
fn pinned(client: &Client, service: &str) -> Result<Option<ApiVersion>, Error> {
    let cfg = client.session().config();
    match cfg.api_versions.get(service) {
        Some(raw) => parse_pin(
            service,
            raw,
            &format!("{}_api_version", service.replace('-', "_")),
        )
        .map_err(Error::Config),
        None => Ok(None),
    }
}

/// Reads a `<service>_api_version` value (shown as `key` in the message): `Ok(None)` for "negotiate"
/// (`latest`, the bare major version) and for services without microversions, `Ok(Some(v))` for a
/// pin, `Err` naming the key for anything else. The config loader checks every value with it, so a
/// bad one fails at load time, naming its source.
pub(crate) fn parse_pin(service: &str, raw: &str, key: &str) -> Result<Option<ApiVersion>, String> {
    let raw = raw.trim();
    let Some((lo, _)) = crate_range(service) else {
        return Ok(None);
    };
    let bad = || {
        format!(
            "{key} {raw:?} is not a microversion like {}.79, {} or latest",
            lo.major, lo.major
        )
    };
    if raw.eq_ignore_ascii_case("latest") {
        return Ok(None);
    }
    let version: ApiVersion = raw.parse().map_err(|_| bad())?;
    if version.major != lo.major {
        return Err(bad());
    }
    if raw.trim_start_matches(['v', 'V']).contains('.') {
        Ok(Some(version))
    } else {
        Ok(None)
    }
}

fn endpoint_override(client: &Client, service: &str) -> Option<String> {
    let cfg = client.session().config();
    crate::catalog::service_type_aliases(service)
        .into_iter()
        .find_map(|a| {
            cfg.endpoint_overrides
                .get(a)
                .or_else(|| cfg.endpoint_overrides.get(&a.replace('-', "_")))
        })
        .cloned()
}

fn parse_base(raw: &str) -> Result<url::Url, Error> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| Error::Config(format!("endpoint {raw:?} is not a URL: {e}")))?;
    if url.cannot_be_a_base() {
        return Err(Error::Config(format!(
            "endpoint {raw:?} cannot be a base URL"
        )));
    }
    Ok(url)
}

/// `true` when the last non-empty path segment starts with `prefix` (e.g. `v2` for `/v2.0/`).
fn ends_with_version(url: &url::Url, prefix: &str) -> bool {
    url.path_segments()
        .and_then(|mut s| s.rfind(|p| !p.is_empty()))
        .is_some_and(|p| p.starts_with(prefix))
}

/// `true` when some path segment is a version (`v2.1`, `v2`, `v3`), e.g. `/compute/v2.1/<project>`.
fn has_version_segment(url: &url::Url) -> bool {
    url.path_segments().is_some_and(|mut segs| {
        segs.any(|p| {
            p.strip_prefix(['v', 'V']).is_some_and(|rest| {
                !rest.is_empty()
                    && rest
                        .split('.')
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
        })
    })
}

fn parent(url: &url::Url) -> Option<url::Url> {
    let mut p = url.clone();
    {
        let mut segs = p.path_segments_mut().ok()?;
        segs.pop_if_empty();
        segs.pop();
    }
    (p != *url).then_some(p)
}

impl Client {
    /// The resolved endpoint of `service` (cached in the session: resolved once for every client).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::{ApiVersion, ServiceType};
    /// let compute = client.endpoint_info(ServiceType::COMPUTE).await?;
    /// assert_eq!(compute.url.as_str(), fake.compute_url());
    /// let version = compute.version.as_ref().expect("Nova publishes a version document");
    /// assert_eq!(version.min_microversion, Some(ApiVersion::new(2, 1)));
    /// assert!(compute.microversion.is_some_and(|v| v >= ApiVersion::new(2, 96)));
    /// let network = client.endpoint_info("network").await?;
    /// assert_eq!(network.url.as_str(), format!("{}/v2.0", fake.network_url()));
    /// assert_eq!(network.microversion, None); // Neutron has no microversions
    /// let err = client.endpoint_info("volumev3").await.unwrap_err();
    /// assert!(matches!(err, stackclient::Error::EndpointNotFound { .. }));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::EndpointNotFound`] when the catalog has no such endpoint (an unscoped token has none),
    /// [`Error::MicroversionUnsupported`] when the cloud's range and the crate's (or the pin) do not meet,
    /// auth and transport errors of the discovery request.
    pub async fn endpoint_info(
        &self,
        service: impl Into<ServiceType>,
    ) -> Result<EndpointInfo, Error> {
        Ok(self.endpoint(&service.into()).await?.as_ref().clone())
    }

    pub(crate) async fn endpoint(&self, service: &ServiceType) -> Result<Arc<EndpointInfo>, Error> {
        let cell = self.session().endpoint_cell(service.as_str());
        cell.get_or_try_init(|| self.resolve(service.as_str()))
            .await
            .cloned()
    }

    async fn resolve(&self, service: &str) -> Result<Arc<EndpointInfo>, Error> {
        let raw = match endpoint_override(self, service) {
            Some(u) => u,
            None => {
                let token = self.token().await?;
                let cfg = self.session().config();
                token
                    .catalog
                    .endpoint(service, cfg.interface, cfg.region_name.as_deref())?
                    .to_string()
            }
        };
        let mut url = parse_base(&raw)?;
        let pin = pinned(self, service)?;
        let (version, microversion) = match service {
            "compute" => {
                let version = if has_version_segment(&url) {
                    self.discover(&url, Some(2)).await?
                } else {
                    // A version root (`http://nova:8774`): calls must go to the v2.1 API under it.
                    let (v21, version) = self.discover_root(&url).await?;
                    url = v21;
                    version
                };
                let (lo, hi) =
                    crate_range(service).unwrap_or((ApiVersion::new(2, 1), ApiVersion::new(2, 1)));
                let mv = negotiate(
                    service,
                    pin,
                    version.as_ref().unwrap_or(&VersionInfo::default()),
                    lo,
                    hi,
                )?;
                (version, mv)
            }
            "network" => {
                if ends_with_version(&url, "v2") {
                    (None, pin)
                } else {
                    let version = self.discover(&url, Some(2)).await?;
                    url = crate::request::join_url(&url, &["v2.0"])?;
                    (version, pin)
                }
            }
            "identity" => {
                if !ends_with_version(&url, "v3") {
                    url = crate::request::join_url(&url, &["v3"])?;
                }
                (None, pin)
            }
            // Glance's catalog entry is its root (`http://glance:9292`); its API is `/v2`.
            "image" => {
                if !ends_with_version(&url, "v2") {
                    url = crate::request::join_url(&url, &["v2"])?;
                }
                (None, pin)
            }
            _ => (None, pin),
        };
        tracing::debug!(service, url = %url, microversion = ?microversion.map(|v| v.to_string()), "endpoint resolved");
        Ok(Arc::new(EndpointInfo {
            service_type: service.to_string(),
            url,
            version,
            microversion,
        }))
    }

    /// For a compute endpoint without a version segment (`http://nova:8774`): `GET <root>` → Nova's
    /// `{"versions": [...]}` list → the v2.1 entry's `self` link (same host; else `<root>/v2.1`), with
    /// its microversion range. When the root has no usable document, `<root>/v2.1` is used and its own
    /// document read (a warning is logged).
    async fn discover_root(
        &self,
        root: &url::Url,
    ) -> Result<(url::Url, Option<VersionInfo>), Error> {
        let mut headers = http::header::HeaderMap::new();
        headers.insert(
            "accept",
            http::header::HeaderValue::from_static("application/json"),
        );
        let raw = self
            .send_authenticated(Method::Get, root, headers, None)
            .await?;
        if raw.status == 403 {
            return Err(raw.api_error());
        }
        let chosen = crate::microversion::choose_version(&raw.body, 2)
            .filter(|c| c.info.id == Some(ApiVersion::new(2, 1)))
            .and_then(|c| crate::microversion::version_url(root, &c).map(|u| (u, c.info)));
        if let Some((url, info)) = chosen {
            return Ok((url, Some(info)));
        }
        let url = crate::request::join_url(root, &["v2.1"])?;
        tracing::warn!(
            root = %crate::error::redact_url(root),
            status = raw.status,
            "compute endpoint has no version and its root no v2.1 entry; using {}",
            crate::error::redact_url(&url)
        );
        let version = self.discover(&url, Some(2)).await?;
        Ok((url, version))
    }

    /// GETs the version document at `url`; on 404 (a project id in the path), tries the parent.
    /// Returns `None` when the service publishes no readable document.
    async fn discover(
        &self,
        url: &url::Url,
        major: Option<u16>,
    ) -> Result<Option<VersionInfo>, Error> {
        let mut candidate = Some(url.clone());
        let mut tries = 0;
        while let Some(u) = candidate.take() {
            tries += 1;
            let mut headers = http::header::HeaderMap::new();
            headers.insert(
                "accept",
                http::header::HeaderValue::from_static("application/json"),
            );
            let raw = self
                .send_authenticated(Method::Get, &u, headers, None)
                .await?;
            if raw.status == 404 && tries < 3 {
                candidate = parent(&u);
                continue;
            }
            if raw.status == 401 || raw.status == 403 {
                return Err(raw.api_error());
            }
            if let Some(info) = parse_version_document(&raw.body, major) {
                return Ok(Some(info));
            }
            tracing::warn!(url = %crate::error::redact_url(&u), status = raw.status, "no version document; sending no microversion");
            return Ok(None);
        }
        Ok(None)
    }
}
