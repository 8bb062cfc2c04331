//! The image service (Glance v2, read-only) against wiremock: unwrapped single answers, `next`-string
//! paging rebased onto the catalog endpoint, filters, extra properties, unknown statuses.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use serde_json::{Value, json};
use stackclient::Client;
use stackclient::image::{ImageStatus, ImageVisibility};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{fixture, json_fixture, options, pairs, password_config, query, received, utc};

const IMAGE_ID: &str = "1bea47ed-f6a9-463b-b423-14b9cca9ad27";
const IMAGES: &str = "/image/v2/images";

/// Keystone whose catalog has Glance at `{base}/image` (no version, as Glance catalogs are).
async fn glance() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let base = server.uri();
    let mut body = fixture(
        "identity/token_password_project.json",
        &base,
        Duration::from_secs(3600),
    );
    body["token"]["catalog"] = json!([{"type": "image", "endpoints": [
        {"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": format!("{base}/image")}
    ]}]);
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("X-Subject-Token", "tok-image")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    let client = Client::new(options(password_config(&server))).unwrap();
    (server, client)
}

fn image(id: &str, name: &str) -> Value {
    let mut v = json_fixture("image/image_show.json");
    v["id"] = json!(id);
    v["name"] = json!(name);
    v
}

#[tokio::test]
async fn get_reads_an_unwrapped_image_with_its_properties() {
    let (server, client) = glance().await;
    Mock::given(method("GET"))
        .and(path(format!("{IMAGES}/{IMAGE_ID}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json_fixture("image/image_show.json")),
        )
        .mount(&server)
        .await;
    let img = client.image().images().get(IMAGE_ID).await.unwrap();
    assert_eq!(img.id, IMAGE_ID);
    assert_eq!(img.name.as_deref(), Some("cirros-0.6.2-x86_64-disk"));
    assert_eq!(img.status, ImageStatus::Active);
    assert_eq!(img.visibility, Some(ImageVisibility::Public));
    assert_eq!(
        (img.size, img.virtual_size),
        (Some(21430272), Some(117440512))
    );
    assert_eq!((img.min_ram, img.min_disk), (64, 1));
    assert_eq!(img.disk_format.as_deref(), Some("qcow2"));
    assert_eq!(img.os_hash_algo.as_deref(), Some("sha512"));
    assert_eq!(img.tags, ["base"]);
    assert_eq!(img.created_at, Some(utc(2024, 3, 5, 9, 14, 27)));
    assert_eq!(img.properties.get("hw_disk_bus"), Some(&json!("virtio")));
    assert_eq!(img.properties.get("os_distro"), Some(&json!("cirros")));
    assert_eq!(img.properties.len(), 2, "{:?}", img.properties);
    assert!(
        client
            .image()
            .images()
            .get_opt("00000000-0000-0000-0000-000000000000")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn list_pages_through_glances_next_link_with_filters() {
    let (server, client) = glance().await;
    // Glance's next link is relative to its root and repeats the filters; it is rebuilt against the
    // catalog endpoint with the original filters and the new marker.
    Mock::given(method("GET"))
        .and(path(IMAGES))
        .and(query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "images": [image("i1", "a"), image("i2", "b")],
            "first": "/v2/images?status=active&limit=2",
            "next": "/v2/images?status=active&limit=2&marker=i2",
            "schema": "/v2/schemas/images"
        })))
        .mount(&server)
        .await;
    let mut last = image("i3", "c");
    last["status"] = json!("uploading-elsewhere");
    last["name"] = Value::Null;
    Mock::given(method("GET"))
        .and(path(IMAGES))
        .and(query_param("marker", "i2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "images": [last],
            "first": "/v2/images?status=active&limit=2",
            "schema": "/v2/schemas/images"
        })))
        .mount(&server)
        .await;
    let all = client
        .image()
        .images()
        .list()
        .status(ImageStatus::Active)
        .tag("base")
        .tag("x86")
        .visibility(ImageVisibility::Community)
        .limit(2)
        .all()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["i1", "i2", "i3"]);
    assert_eq!(
        all[2].status,
        ImageStatus::Other("uploading-elsewhere".into())
    );
    assert_eq!(all[2].name, None);
    let reqs = received(&server, "GET", IMAGES).await;
    assert_eq!(reqs.len(), 2);
    let filters = [
        ("status", "active"),
        ("tag", "base"),
        ("tag", "x86"),
        ("visibility", "community"),
        ("limit", "2"),
    ];
    assert_eq!(query(&reqs[0]), pairs(&filters));
    let mut second = filters.to_vec();
    second.push(("marker", "i2"));
    assert_eq!(query(&reqs[1]), pairs(&second));
}

#[tokio::test]
async fn find_uses_the_id_then_the_exact_name() {
    let (server, client) = glance().await;
    Mock::given(method("GET"))
        .and(path(format!("{IMAGES}/cirros")))
        .respond_with(ResponseTemplate::new(404).set_body_string(
            "<html><head><title>404 Not Found</title></head><body>No image found with ID cirros</body></html>",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(IMAGES))
        .and(query_param("name", "cirros"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "images": [image(IMAGE_ID, "cirros")], "schema": "/v2/schemas/images"
        })))
        .mount(&server)
        .await;
    let found = client
        .image()
        .images()
        .find("cirros")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, IMAGE_ID);
}
