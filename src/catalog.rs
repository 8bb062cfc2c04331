//! The service catalog from a Keystone v3 token, and endpoint choice.
//!
//! An endpoint is chosen by service type (with the official aliases of the OpenStack service-types
//! authority, e.g. `block-storage` also matches `volumev3`), interface and region. When two endpoints
//! match, the first in catalog order wins.

use serde::Deserialize;

use crate::config::Interface;
use crate::error::{EndpointNotFoundReason, Error, MAX_CODE_CHARS, cap};

/// One service of the catalog (`token.catalog[]`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct CatalogService {
    /// Service type, e.g. `compute`.
    #[serde(rename = "type")]
    pub service_type: String,
    /// Service name, e.g. `nova`.
    #[serde(default)]
    pub name: Option<String>,
    /// Service id.
    #[serde(default)]
    pub id: Option<String>,
    /// Its endpoints.
    #[serde(default)]
    pub endpoints: Vec<CatalogEndpoint>,
}

/// One endpoint of a catalog service.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct CatalogEndpoint {
    /// Endpoint id.
    #[serde(default)]
    pub id: Option<String>,
    /// `public`, `internal` or `admin`.
    pub interface: String,
    /// Region name (`region`), e.g. `RegionOne`.
    #[serde(default)]
    pub region: Option<String>,
    /// Region id (`region_id`).
    #[serde(default)]
    pub region_id: Option<String>,
    /// The endpoint URL, e.g. `https://nova.example.com/v2.1`.
    pub url: String,
}

/// Official service type aliases (service-types-authority), the official name first.
const ALIASES: &[&[&str]] = &[
    &[
        "block-storage",
        "volumev3",
        "volumev2",
        "volume",
        "block-store",
    ],
    &["compute"],
    &["network"],
    &["identity"],
    &["image"],
    &["placement"],
    &["object-store"],
    &["load-balancer"],
    &["orchestration"],
    &["dns"],
    &["key-manager"],
    &["baremetal", "bare-metal"],
    &["shared-file-system", "sharev2", "share"],
    &[
        "container-infrastructure-management",
        "container-infra",
        "container-infrastructure",
    ],
    &["workflow", "workflowv2"],
    &["clustering", "cluster"],
    &["application-catalog"],
    &["alarming"],
    &["metric"],
    &["event"],
];

/// Every name a service type is known by, the given one first.
pub(crate) fn service_type_aliases(service_type: &str) -> Vec<&str> {
    for group in ALIASES {
        if group.contains(&service_type) {
            let mut out = vec![service_type];
            out.extend(group.iter().copied().filter(|a| *a != service_type));
            return out;
        }
    }
    vec![service_type]
}

/// The parsed service catalog.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::Interface;
/// client.authenticate().await?;
/// let catalog = client.session().catalog().expect("a project-scoped token has one");
/// let nova = catalog.endpoint("compute", Interface::Public, Some("RegionOne"))?;
/// assert_eq!(nova, fake.compute_url());
/// // An alias finds the same service; a missing one says what there is.
/// assert_eq!(catalog.endpoint("image", Interface::Internal, None)?, fake.image_url());
/// let err = catalog.endpoint("dns", Interface::Public, None).unwrap_err();
/// assert!(err.to_string().contains("compute"), "{err}");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    services: Vec<CatalogService>,
}

impl Catalog {
    /// Wraps the services of a token.
    pub fn new(services: Vec<CatalogService>) -> Self {
        Catalog { services }
    }

    /// All services, in catalog order.
    pub fn services(&self) -> &[CatalogService] {
        &self.services
    }

    /// The URL of the endpoint for `service_type` (or an alias), `interface` and `region` (`None` takes any
    /// region). Aliases are tried in order: the official name first. Two matches → the first.
    ///
    /// # Errors
    /// [`Error::EndpointNotFound`] when nothing matches, with its reason: the catalog is empty (an
    /// unscoped token has none), has no such service (then it lists the service types it has), or has the
    /// service but no endpoint with that interface or in that region (then it lists the interfaces and
    /// regions the service's endpoints have).
    pub fn endpoint(
        &self,
        service_type: &str,
        interface: Interface,
        region: Option<&str>,
    ) -> Result<&str, Error> {
        for name in service_type_aliases(service_type) {
            for svc in self.services.iter().filter(|s| s.service_type == name) {
                let found = svc.endpoints.iter().find(|e| {
                    e.interface.parse::<Interface>().ok() == Some(interface)
                        && region.is_none_or(|r| {
                            e.region.as_deref() == Some(r) || e.region_id.as_deref() == Some(r)
                        })
                });
                if let Some(e) = found {
                    return Ok(&e.url);
                }
            }
        }
        Err(Error::EndpointNotFound {
            service: service_type.to_string(),
            interface: interface.to_string(),
            region: region.map(str::to_string),
            reason: Box::new(self.why_not_found(service_type, interface)),
        })
    }

    /// Why no endpoint matched (called only when none did), with what the catalog has instead.
    fn why_not_found(&self, service_type: &str, interface: Interface) -> EndpointNotFoundReason {
        if self.services.iter().all(|s| s.endpoints.is_empty()) {
            return EndpointNotFoundReason::NoCatalog;
        }
        let aliases = service_type_aliases(service_type);
        let endpoints: Vec<&CatalogEndpoint> = self
            .services
            .iter()
            .filter(|s| aliases.iter().any(|a| *a == s.service_type))
            .flat_map(|s| &s.endpoints)
            .collect();
        if endpoints.is_empty() {
            return EndpointNotFoundReason::NoService {
                service_types: sorted_names(
                    self.services
                        .iter()
                        .filter(|s| !s.endpoints.is_empty())
                        .map(|s| s.service_type.as_str()),
                ),
            };
        }
        let interfaces = sorted_names(endpoints.iter().map(|e| {
            e.interface
                .parse::<Interface>()
                .map_or(e.interface.as_str(), |i| i.as_str())
        }));
        let regions = sorted_names(
            endpoints
                .iter()
                .filter_map(|e| e.region.as_deref().or(e.region_id.as_deref())),
        );
        // Nothing matched: if the interface exists, the region is what is missing.
        if endpoints
            .iter()
            .any(|e| e.interface.parse::<Interface>().ok() == Some(interface))
        {
            EndpointNotFoundReason::NoRegion {
                interfaces,
                regions,
            }
        } else {
            EndpointNotFoundReason::NoInterface {
                interfaces,
                regions,
            }
        }
    }
}

/// Sorted, deduplicated, each cut to [`MAX_CODE_CHARS`] characters (the names come from Keystone).
fn sorted_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let set: std::collections::BTreeSet<String> = names.map(|n| cap(n, MAX_CODE_CHARS)).collect();
    set.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(interface: &str, region: &str, url: &str) -> CatalogEndpoint {
        CatalogEndpoint {
            id: None,
            interface: interface.into(),
            region: Some(region.into()),
            region_id: Some(region.into()),
            url: url.into(),
        }
    }

    #[test]
    fn picks_by_type_interface_region_and_alias() {
        let cat = Catalog::new(vec![
            CatalogService {
                service_type: "volumev3".into(),
                name: Some("cinderv3".into()),
                id: None,
                endpoints: vec![ep("public", "R1", "http://cinder/v3/p")],
            },
            CatalogService {
                service_type: "compute".into(),
                name: None,
                id: None,
                endpoints: vec![
                    ep("internal", "R1", "http://nova-int/v2.1"),
                    ep("public", "R2", "http://nova-r2/v2.1"),
                    ep("public", "R1", "http://nova-r1/v2.1"),
                    ep("public", "R1", "http://nova-r1-second/v2.1"),
                ],
            },
        ]);
        assert_eq!(
            cat.endpoint("compute", Interface::Public, Some("R1"))
                .unwrap(),
            "http://nova-r1/v2.1"
        );
        assert_eq!(
            cat.endpoint("compute", Interface::Public, None).unwrap(),
            "http://nova-r2/v2.1"
        );
        assert_eq!(
            cat.endpoint("compute", Interface::Internal, None).unwrap(),
            "http://nova-int/v2.1"
        );
        assert_eq!(
            cat.endpoint("block-storage", Interface::Public, None)
                .unwrap(),
            "http://cinder/v3/p"
        );
        let err = cat
            .endpoint("network", Interface::Public, Some("R1"))
            .unwrap_err();
        assert!(matches!(err, Error::EndpointNotFound { ref service, .. } if service == "network"));
        assert_eq!(
            err.to_string(),
            "no endpoint for service \"network\" (interface public, region R1): the catalog has no \
             network service (it has: compute, volumev3)"
        );
    }
}
