//! Endpoint selection, version discovery and microversions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use stackclient::error::EndpointNotFoundReason;
use stackclient::{ApiVersion, Client, Error, Interface, Method, ServiceType};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn compute_microversion_negotiated_and_both_headers_sent() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    mount_nova_version(&server, "2.60").await;
    Mock::given(method("GET"))
        .and(path("/compute/v2.1/os-availability-zone"))
        .and(header("x-openstack-nova-api-version", "2.60"))
        .and(header("openstack-api-version", "compute 2.60"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"availabilityZoneInfo": []})))
        .expect(2)
        .mount(&server)
        .await;
    let opts = options(password_config(&server));
    let client = Client::new(opts.clone()).unwrap();
    let info = client.endpoint_info(ServiceType::COMPUTE).await.unwrap();
    assert_eq!(info.url.as_str(), format!("{}/compute/v2.1", server.uri()));
    assert_eq!(info.microversion, Some(ApiVersion::new(2, 60)));
    assert_eq!(
        info.version.as_ref().unwrap().min_microversion,
        Some(ApiVersion::new(2, 1))
    );
    client
        .request("compute", Method::Get, "os-availability-zone")
        .send()
        .await
        .unwrap();
    // Another client of the same session does not discover again.
    let other = Client::new(opts).unwrap();
    other
        .request("compute", Method::Get, "os-availability-zone")
        .send()
        .await
        .unwrap();
    assert_eq!(received(&server, "GET", "/compute/v2.1").await.len(), 1);
}

#[tokio::test]
async fn crate_max_caps_the_cloud_max() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    mount_nova_version(&server, "2.999").await;
    let info = client(&server).endpoint_info("compute").await.unwrap();
    assert_eq!(
        info.microversion,
        Some(stackclient::compute::MAX_MICROVERSION)
    );
}

#[tokio::test]
async fn pinned_microversion_is_sent_and_checked_before_sending() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    mount_nova_version(&server, "2.90").await;
    Mock::given(method("GET"))
        .and(path("/compute/v2.1/flavors"))
        .and(header("x-openstack-nova-api-version", "2.10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"flavors": []})))
        .expect(1)
        .mount(&server)
        .await;
    let cfg = password_config(&server).with_api_version("compute", "2.10");
    let client = Client::new(options(cfg)).unwrap();
    client
        .request("compute", Method::Get, "flavors")
        .send()
        .await
        .unwrap();
    let err = client
        .request("compute", Method::Get, "flavors")
        .min_microversion(ApiVersion::new(2, 47))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "compute microversion 2.47 is needed but 2.10 is in use"
    );
    assert_eq!(
        received(&server, "GET", "/compute/v2.1/flavors")
            .await
            .len(),
        1
    );

    // A pin outside the cloud's range fails locally.
    let cfg = password_config(&server).with_api_version("compute", "2.95");
    let err = Client::new(options(cfg))
        .unwrap()
        .endpoint_info("compute")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::MicroversionUnsupported { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "compute microversion 2.95 (pinned) is needed but the cloud supports 2.1 to 2.90"
    );
}

#[tokio::test]
async fn no_microversion_header_where_the_cloud_has_none() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    Mock::given(method("GET"))
        .and(path("/network"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"versions": [
            {"id": "v2.0", "status": "CURRENT", "links": [{"href": "http://x/v2.0/", "rel": "self"}]}]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/network/v2.0/networks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"networks": []})))
        .mount(&server)
        .await;
    let client = client(&server);
    let info = client.endpoint_info(ServiceType::NETWORK).await.unwrap();
    assert_eq!(info.url.as_str(), format!("{}/network/v2.0", server.uri()));
    assert_eq!(info.microversion, None);
    assert_eq!(info.version.unwrap().id, Some(ApiVersion::new(2, 0)));
    client
        .request("network", Method::Get, "networks")
        .send()
        .await
        .unwrap();
    let reqs = received(&server, "GET", "/network/v2.0/networks").await;
    assert!(common::header(&reqs[0], "openstack-api-version").is_none());
    assert!(common::header(&reqs[0], "x-openstack-nova-api-version").is_none());
}

async fn keystone_with_catalog(server: &MockServer, catalog: serde_json::Value) {
    let mut body = fixture(
        "identity/token_password_project.json",
        &server.uri(),
        Duration::from_secs(3600),
    );
    body["token"]["catalog"] = catalog;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("X-Subject-Token", "tok")
                .set_body_json(body),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn project_id_url_404_tries_the_parent_but_calls_keep_the_catalog_url() {
    let server = MockServer::start().await;
    let base = server.uri();
    keystone_with_catalog(
        &server,
        json!([{"type": "compute", "endpoints": [
            {"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": format!("{base}/compute/v2.1/a6944d763bf64ee6a275f1263fae0352/")},
            {"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": format!("{base}/second/v2.1")}
        ]}]),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/compute/v2.1/a6944d763bf64ee6a275f1263fae0352/"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    mount_nova_version(&server, "2.70").await;
    Mock::given(method("GET"))
        .and(path(
            "/compute/v2.1/a6944d763bf64ee6a275f1263fae0352/servers",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"servers": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let info = client.endpoint_info("compute").await.unwrap();
    assert_eq!(info.microversion, Some(ApiVersion::new(2, 70)));
    assert_eq!(
        info.url.as_str(),
        format!("{base}/compute/v2.1/a6944d763bf64ee6a275f1263fae0352/")
    );
    client
        .request("compute", Method::Get, "servers")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn interface_region_alias_and_override() {
    let server = MockServer::start().await;
    let base = server.uri();
    keystone_with_catalog(
        &server,
        json!([{"type": "volumev3", "endpoints": [
            {"interface": "internal", "region": "R2", "region_id": "R2", "url": format!("{base}/cinder-r2-int/v3")},
            {"interface": "public", "region": "R2", "region_id": "R2", "url": format!("{base}/cinder-r2/v3")}
        ]}]),
    )
    .await;
    let cfg = password_config(&server)
        .with_region("R2")
        .with_interface(Interface::Internal);
    let client = Client::new(options(cfg)).unwrap();
    let info = client
        .endpoint_info(ServiceType::BLOCK_STORAGE)
        .await
        .unwrap();
    assert_eq!(info.url.as_str(), format!("{base}/cinder-r2-int/v3"));
    let err = client.endpoint_info("compute").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "no endpoint for service \"compute\" (interface internal, region R2): the catalog has no \
         compute service (it has: volumev3)"
    );

    let cfg = password_config(&server).with_region("R1");
    let err = Client::new(options(cfg))
        .unwrap()
        .endpoint_info(ServiceType::BLOCK_STORAGE)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::EndpointNotFound { ref region, .. } if region.as_deref() == Some("R1"))
    );
    assert_eq!(
        err.to_string(),
        "no endpoint for service \"block-storage\" (interface public, region R1): no public endpoint \
         in region R1; the catalog's block-storage endpoints are in regions R2 (interfaces internal, \
         public)"
    );

    let cfg = password_config(&server)
        .with_endpoint_override("block-storage", format!("{base}/override/v3"));
    let info = Client::new(options(cfg))
        .unwrap()
        .endpoint_info(ServiceType::BLOCK_STORAGE)
        .await
        .unwrap();
    assert_eq!(info.url.as_str(), format!("{base}/override/v3"));
}

#[tokio::test]
async fn unscoped_token_has_no_endpoints() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("X-Subject-Token", "tok")
                .set_body_json(fixture(
                    "identity/token_unscoped.json",
                    &server.uri(),
                    Duration::from_secs(3600),
                )),
        )
        .mount(&server)
        .await;
    let err = client(&server).endpoint_info("compute").await.unwrap_err();
    assert!(
        matches!(err, Error::EndpointNotFound { ref service, ref interface, region: None, ref reason, .. }
            if service == "compute" && interface == "public" && **reason == EndpointNotFoundReason::NoCatalog)
    );
    assert_eq!(
        err.to_string(),
        "no endpoint for service \"compute\" (interface public, region any): the token has no service \
         catalog (an unscoped token, or an empty catalog)"
    );
    assert_eq!(err.status(), None);
    assert!(!err.is_not_found());
}

/// The reason of an `EndpointNotFound` for `service` with the given catalog, interface and region.
async fn not_found(
    catalog: serde_json::Value,
    service: &'static str,
    interface: Interface,
    region: Option<&str>,
) -> Error {
    let server = MockServer::start().await;
    keystone_with_catalog(&server, catalog).await;
    let mut cfg = password_config(&server).with_interface(interface);
    if let Some(r) = region {
        cfg = cfg.with_region(r);
    }
    let err = Client::new(options(cfg))
        .unwrap()
        .endpoint_info(service)
        .await
        .unwrap_err();
    assert_eq!(
        server
            .received_requests()
            .await
            .unwrap()
            .iter()
            // Keystone's version document and the token request are all there is.
            .filter(|r| !r.url.path().starts_with("/identity"))
            .count(),
        0,
        "nothing is sent when no endpoint matches"
    );
    assert!(!err.to_string().contains('\n'));
    err
}

fn reason(err: &Error) -> &EndpointNotFoundReason {
    match err {
        Error::EndpointNotFound { reason, .. } => reason,
        other => panic!("{other:?}"),
    }
}

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn endpoint_not_found_says_why_and_what_the_catalog_has() {
    let ep = |interface: &str, region: &str| json!({"interface": interface, "region": region, "region_id": region, "url": "http://x/v2.1"});
    let catalog = json!([
        {"type": "compute", "endpoints": [ep("internal", "R2"), ep("public", "R2"), ep("public", "R3"), ep("admin", "R3")]},
        {"type": "identity", "endpoints": [ep("public", "R1")]},
        {"type": "network", "endpoints": [ep("internal", "R1")]},
        {"type": "image", "endpoints": []}
    ]);

    // A scoped token whose catalog is empty.
    let err = not_found(json!([]), "compute", Interface::Public, None).await;
    assert_eq!(reason(&err), &EndpointNotFoundReason::NoCatalog);

    // No such service type: the types the catalog has (with endpoints), sorted.
    let err = not_found(catalog.clone(), "block-storage", Interface::Public, None).await;
    assert_eq!(
        reason(&err),
        &EndpointNotFoundReason::NoService {
            service_types: names(&["compute", "identity", "network"])
        }
    );
    assert_eq!(
        err.to_string(),
        "no endpoint for service \"block-storage\" (interface public, region any): the catalog has no \
         block-storage service (it has: compute, identity, network)"
    );

    // The type is there, but not with that interface.
    let err = not_found(catalog.clone(), "network", Interface::Public, None).await;
    assert_eq!(
        reason(&err),
        &EndpointNotFoundReason::NoInterface {
            interfaces: names(&["internal"]),
            regions: names(&["R1"]),
        }
    );
    assert_eq!(
        err.to_string(),
        "no endpoint for service \"network\" (interface public, region any): no public endpoint; the \
         catalog's network endpoints have interfaces internal (regions R1)"
    );

    // The interface is missing in every region, a region was asked for too.
    let err = not_found(catalog.clone(), "network", Interface::Admin, Some("R1")).await;
    assert!(matches!(
        reason(&err),
        EndpointNotFoundReason::NoInterface { .. }
    ));
    assert_eq!(
        err.to_string(),
        "no endpoint for service \"network\" (interface admin, region R1): no admin endpoint in region \
         R1; the catalog's network endpoints have interfaces internal (regions R1)"
    );

    // The interface exists, in other regions.
    let err = not_found(catalog.clone(), "compute", Interface::Internal, Some("R3")).await;
    assert_eq!(
        reason(&err),
        &EndpointNotFoundReason::NoRegion {
            interfaces: names(&["admin", "internal", "public"]),
            regions: names(&["R2", "R3"]),
        }
    );
    assert_eq!(
        err.to_string(),
        "no endpoint for service \"compute\" (interface internal, region R3): no internal endpoint in \
         region R3; the catalog's compute endpoints are in regions R2, R3 (interfaces admin, internal, \
         public)"
    );
    let err = not_found(catalog, "compute", Interface::Public, Some("RegionOne")).await;
    assert!(
        matches!(err, Error::EndpointNotFound { ref region, ref reason, .. }
            if region.as_deref() == Some("RegionOne")
                && matches!(**reason, EndpointNotFoundReason::NoRegion { .. }))
    );
    assert_eq!(err.status(), None);
    // The reason alone, without what was asked.
    assert_eq!(
        reason(&err).to_string(),
        "no matching endpoint in that region; the service's endpoints are in regions R2, R3 \
         (interfaces admin, internal, public)"
    );
}

#[tokio::test]
async fn malformed_or_foreign_pins_are_config_errors_and_major_only_negotiates() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    mount_nova_version(&server, "2.60").await;
    for bad in ["abc", "", "2,79", "3", "3.1"] {
        let cfg = password_config(&server).with_api_version("compute", bad);
        let err = Client::new(options(cfg))
            .unwrap()
            .endpoint_info("compute")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad:?}: {err:?}");
        assert!(err.to_string().contains("compute_api_version"), "{err}");
    }
    for negotiate in ["2", "latest", "LATEST", "v2"] {
        let cfg = password_config(&server).with_api_version("compute", negotiate);
        let info = Client::new(options(cfg))
            .unwrap()
            .endpoint_info("compute")
            .await
            .unwrap();
        assert_eq!(
            info.microversion,
            Some(ApiVersion::new(2, 60)),
            "{negotiate}"
        );
    }
    // A `v` prefix is accepted on a pin too.
    let cfg = password_config(&server).with_api_version("compute", "v2.55");
    let info = Client::new(options(cfg))
        .unwrap()
        .endpoint_info("compute")
        .await
        .unwrap();
    assert_eq!(info.microversion, Some(ApiVersion::new(2, 55)));
}

/// A catalog whose compute entry is `url`.
async fn compute_at(server: &MockServer, url: String) {
    keystone_with_catalog(
        server,
        json!([{"type": "compute", "endpoints": [
            {"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": url}]}]),
    )
    .await;
}

#[tokio::test]
async fn compute_entry_without_a_version_is_resolved_through_its_root_document() {
    let server = MockServer::start().await;
    let base = server.uri();
    compute_at(&server, format!("{base}/nova")).await;
    // Nova's `GET /` (api-ref "List All Major Versions").
    Mock::given(method("GET"))
        .and(path("/nova"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"versions": [
            {"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": "",
             "links": [{"rel": "self", "href": format!("{base}/nova/v2/")}]},
            {"id": "v2.1", "status": "CURRENT", "version": "2.90", "min_version": "2.1",
             "links": [{"rel": "self", "href": format!("{base}/nova/v2.1/")}]}]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nova/v2.1/servers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"servers": []})))
        .mount(&server)
        .await;
    let opts = options(password_config(&server));
    let client = Client::new(opts.clone()).unwrap();
    let info = client.endpoint_info("compute").await.unwrap();
    assert_eq!(info.url.as_str(), format!("{base}/nova/v2.1"));
    assert_eq!(info.microversion, Some(ApiVersion::new(2, 90)));
    for c in [client, Client::new(opts).unwrap()] {
        c.request("compute", Method::Get, "servers")
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        received(&server, "GET", "/nova").await.len(),
        1,
        "cached in the session"
    );
    assert_eq!(
        received(&server, "GET", "/nova/v2.1/servers").await.len(),
        2
    );
    assert!(received(&server, "GET", "/nova/servers").await.is_empty());
}

#[tokio::test]
async fn compute_root_without_a_document_falls_back_to_v2_1() {
    let server = MockServer::start().await;
    let base = server.uri();
    compute_at(&server, format!("{base}/compute/")).await;
    mount_nova_version(&server, "2.60").await;
    let info = client(&server).endpoint_info("compute").await.unwrap();
    assert_eq!(info.url.as_str(), format!("{base}/compute/v2.1"));
    assert_eq!(info.microversion, Some(ApiVersion::new(2, 60)));
    assert_eq!(received(&server, "GET", "/compute/").await.len(), 1);
    assert_eq!(received(&server, "GET", "/compute/v2.1").await.len(), 1);
}

#[tokio::test]
async fn every_service_base_url_is_its_versioned_api_root() {
    let server = MockServer::start().await;
    let base = server.uri();
    let entry = |t: &str, url: String| {
        json!({"type": t, "endpoints": [
            {"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": url}
        ]})
    };
    keystone_with_catalog(
        &server,
        json!([
            entry("image", format!("{base}/image")),
            entry("identity", format!("{base}/identity")),
            entry("placement", format!("{base}/placement")),
        ]),
    )
    .await;
    let client = Client::new(options(password_config(&server))).unwrap();
    let image = client.endpoint_info("image").await.unwrap();
    assert_eq!(image.url.as_str(), format!("{base}/image/v2"));
    let identity = client.endpoint_info("identity").await.unwrap();
    assert_eq!(identity.url.as_str(), format!("{base}/identity/v3"));
    let placement = client.endpoint_info("placement").await.unwrap();
    assert_eq!(placement.url.as_str(), format!("{base}/placement"));
}
