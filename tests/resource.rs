//! The generic resource handle `Api<R>` on the wire: find (id, then exact name), delete_opt, update with
//! three-state bodies, If-Match revisions and the read-modify-write race, the tags API, and the raw
//! escape hatch's rules (no `?` in paths, per-request microversion).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use stackclient::network::UpdateNetwork;
use stackclient::{ApiVersion, Client, Error, Method, ServiceType};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use common::{client, header, mount_keystone, mount_nova_version, query, received};

const NETWORKS: &str = "/network/v2.0/networks";
const NET_ID: &str = "d32019d3-bc6e-4319-9c1d-6722fc136a22";

fn network(id: &str, name: &str, description: &str, revision: u64) -> Value {
    json!({
        "id": id, "name": name, "status": "ACTIVE", "admin_state_up": true, "shared": false,
        "router:external": false, "subnets": [], "project_id": "p1", "tenant_id": "p1",
        "description": description, "tags": [], "revision_number": revision
    })
}

async fn neutron() -> (MockServer, Client) {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok-resource").await;
    Mock::given(method("GET"))
        .and(path("/network"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "versions": [{"id": "v2.0", "status": "CURRENT", "links": []}]
        })))
        .mount(&server)
        .await;
    let client = client(&server);
    (server, client)
}

fn not_found(kind: &str) -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({"NeutronError": {
        "type": kind, "message": "not found", "detail": ""
    }}))
}

#[tokio::test]
async fn find_tries_the_id_then_the_exact_name_never_a_fuzzy_match() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(format!("{NETWORKS}/{NET_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"network": network(NET_ID, "private", "", 1)})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{NETWORKS}/private")))
        .respond_with(not_found("NetworkNotFound"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{NETWORKS}/twin")))
        .respond_with(not_found("NetworkNotFound"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("name", "private"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"networks": [
                network(NET_ID, "private", "", 1),
                // A server that ignores the filter: the name is compared exactly anyway.
                network("other", "private-2", "", 1),
            ]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .and(query_param("name", "twin"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"networks": [
                network("a", "twin", "", 1), network("b", "twin", "", 1)
            ]})),
        )
        .mount(&server)
        .await;
    let networks = client.network().networks();
    let by_id = networks.find(NET_ID).await.unwrap().unwrap();
    assert_eq!(
        (by_id.id.as_str(), by_id.name.as_str()),
        (NET_ID, "private")
    );
    assert_eq!(
        received(&server, "GET", NETWORKS).await.len(),
        0,
        "no list for an id"
    );
    let by_name = networks.find("private").await.unwrap().unwrap();
    assert_eq!(by_name.id, NET_ID);
    let lists = received(&server, "GET", NETWORKS).await;
    assert_eq!(
        query(&lists[0]),
        [("name".to_string(), "private".to_string())]
    );
    let err = networks.find("twin").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid input: 2 networks are named \"twin\"; use the id"
    );
    assert!(matches!(
        networks.find(" ").await.unwrap_err(),
        Error::InvalidInput(_)
    ));
}

#[tokio::test]
async fn delete_opt_is_idempotent() {
    let (server, client) = neutron().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{NETWORKS}/{NET_ID}")))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{NETWORKS}/{NET_ID}")))
        .respond_with(not_found("NetworkNotFound"))
        .mount(&server)
        .await;
    let networks = client.network().networks();
    assert!(networks.delete_opt(NET_ID).await.unwrap());
    assert!(!networks.delete_opt(NET_ID).await.unwrap());
    let err = networks.delete(NET_ID).await.unwrap_err();
    assert!(err.is_not_found());
    assert!(matches!(
        networks.delete("..").await.unwrap_err(),
        Error::InvalidInput(_)
    ));
    assert_eq!(
        received(&server, "DELETE", &format!("{NETWORKS}/{NET_ID}"))
            .await
            .len(),
        3
    );
}

/// A network whose `PUT` honours `If-Match: revision_number=N` as Neutron does: 412 when stale.
#[derive(Clone)]
struct Stateful {
    state: Arc<Mutex<(String, u64)>>,
    reads: Arc<Mutex<u32>>,
}

impl Respond for Stateful {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        if req.method.as_str() == "GET" {
            let mut reads = self.reads.lock().unwrap();
            *reads += 1;
            // The first two reads are slow, so both writers read revision 1 before either writes.
            let delay = if *reads <= 2 { 150 } else { 0 };
            return ResponseTemplate::new(200)
                .set_body_json(json!({"network": network(NET_ID, "net", &state.0, state.1)}))
                .set_delay(Duration::from_millis(delay));
        }
        let expected = header(req, "if-match").map(str::to_string);
        if let Some(e) = expected {
            if e != format!("revision_number={}", state.1) {
                return ResponseTemplate::new(412).set_body_json(json!({"NeutronError": {
                    "type": "RevisionNumberConstraintFailed",
                    "message": format!("Constrained to {e}, but current revision is {}", state.1),
                    "detail": ""
                }}));
            }
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        if let Some(d) = body["network"]["description"].as_str() {
            state.0 = d.to_string();
        }
        state.1 += 1;
        ResponseTemplate::new(200)
            .set_body_json(json!({"network": network(NET_ID, "net", &state.0, state.1)}))
    }
}

#[tokio::test]
async fn two_writers_racing_with_modify_both_changes_hold() {
    let (server, client) = neutron().await;
    let responder = Stateful {
        state: Arc::new(Mutex::new((String::new(), 1))),
        reads: Arc::default(),
    };
    Mock::given(path(format!("{NETWORKS}/{NET_ID}")))
        .respond_with(responder.clone())
        .mount(&server)
        .await;
    let append = |word: &'static str| {
        let networks = client.network().networks();
        async move {
            networks
                .modify(NET_ID, |net| {
                    let old = net.description.clone().unwrap_or_default();
                    Some(UpdateNetwork::new().description(format!("{old}[{word}]")))
                })
                .await
        }
    };
    let (a, b) = tokio::join!(append("a"), append("b"));
    let (a, b) = (a.unwrap(), b.unwrap());
    let last = a.revision_number.max(b.revision_number);
    assert_eq!(last, Some(3), "two updates: revision 1 → 3");
    let (description, revision) = responder.state.lock().unwrap().clone();
    assert!(
        description == "[a][b]" || description == "[b][a]",
        "{description}"
    );
    assert_eq!(revision, 3);
    // Both read revision 1; one PUT won, the other got 412, read again (revision 2) and won.
    let puts = received(&server, "PUT", &format!("{NETWORKS}/{NET_ID}")).await;
    let conditions: Vec<_> = puts
        .iter()
        .map(|r| header(r, "if-match").unwrap().to_string())
        .collect();
    assert_eq!(conditions.len(), 3, "{conditions:?}");
    assert_eq!(
        conditions
            .iter()
            .filter(|c| *c == "revision_number=1")
            .count(),
        2
    );
    assert!(conditions.contains(&"revision_number=2".to_string()));

    // A plain conditional update that loses is its own predicate.
    let err = client
        .network()
        .networks()
        .update_if(NET_ID, &UpdateNetwork::new().description("x"), 1)
        .await
        .unwrap_err();
    assert!(err.is_precondition_failed(), "{err}");
    assert_eq!(
        err.as_api().unwrap().code.as_deref(),
        Some("RevisionNumberConstraintFailed")
    );
}

#[tokio::test]
async fn update_sends_exactly_what_was_set() {
    let (server, client) = neutron().await;
    Mock::given(method("PUT"))
        .and(path(format!("{NETWORKS}/{NET_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"network": network(NET_ID, "renamed", "", 7)})),
        )
        .mount(&server)
        .await;
    let updated = client
        .network()
        .networks()
        .update(
            NET_ID,
            &UpdateNetwork::new()
                .name("renamed")
                .clear_description()
                .qos_policy_id(None)
                .mtu(0),
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.revision_number),
        ("renamed", Some(7))
    );
    let put = &received(&server, "PUT", &format!("{NETWORKS}/{NET_ID}")).await[0];
    let body: Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(
        body,
        json!({"network": {"name": "renamed", "description": null, "qos_policy_id": null, "mtu": 0}})
    );
    assert_eq!(header(put, "if-match"), None);
    assert_eq!(header(put, "content-type"), Some("application/json"));
}

#[tokio::test]
async fn tags_api_and_filters() {
    let (server, client) = neutron().await;
    let tags = format!("{NETWORKS}/{NET_ID}/tags");
    Mock::given(method("GET"))
        .and(path(&tags))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tags": ["blue", "red"]})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(&tags))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tags": ["green"]})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{tags}/blue")))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{tags}/blue")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{tags}/nope")))
        .respond_with(not_found("TagNotFound"))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"networks": []})))
        .mount(&server)
        .await;
    let networks = client.network().networks();
    assert_eq!(networks.tags(NET_ID).await.unwrap(), ["blue", "red"]);
    networks.add_tag(NET_ID, "blue").await.unwrap();
    assert!(networks.has_tag(NET_ID, "blue").await.unwrap());
    assert!(!networks.has_tag(NET_ID, "nope").await.unwrap());
    assert_eq!(
        networks.replace_tags(NET_ID, &["green"]).await.unwrap(),
        ["green"]
    );
    networks.remove_tag(NET_ID, "a b/c").await.unwrap();
    networks.clear_tags(NET_ID).await.unwrap();
    assert!(matches!(
        networks.add_tag(NET_ID, "").await.unwrap_err(),
        Error::InvalidInput(_)
    ));
    let put = &received(&server, "PUT", &tags).await[0];
    assert_eq!(
        serde_json::from_slice::<Value>(&put.body).unwrap(),
        json!({"tags": ["green"]})
    );
    let deletes: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(deletes, [format!("{tags}/a%20b%2Fc"), tags.clone()]);
    networks
        .list()
        .tags(&["a", "b"])
        .tags_any(&["c"])
        .not_tags(&["d"])
        .not_tags_any(&["e", "f"])
        .param("fixed_ips", "ip_address=10.0.0.5")
        .param("fixed_ips", "subnet_id=s1")
        .all()
        .await
        .unwrap();
    let list = &received(&server, "GET", NETWORKS).await[0];
    assert_eq!(
        query(list),
        common::pairs(&[
            ("tags", "a,b"),
            ("tags-any", "c"),
            ("not-tags", "d"),
            ("not-tags-any", "e,f"),
            ("fixed_ips", "ip_address=10.0.0.5"),
            ("fixed_ips", "subnet_id=s1"),
        ])
    );
}

#[tokio::test]
async fn server_tags_need_2_26_and_fail_locally_below() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    mount_nova_version(&server, "2.25").await;
    let client = client(&server);
    let err = client
        .compute()
        .servers()
        .add_tag("9168b536-cd40-4630-b43f-b259807c6e87", "web")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "compute microversion 2.26 is needed but 2.25 is in use"
    );
    let err = client
        .compute()
        .servers()
        .list()
        .tags(&["web"])
        .all()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::MicroversionUnsupported { .. }),
        "{err}"
    );
    let sent = server.received_requests().await.unwrap();
    assert!(sent.iter().all(|r| !r.url.path().contains("/servers")));
}

#[tokio::test]
async fn raw_requests_refuse_query_strings_in_paths_and_take_a_microversion() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    mount_nova_version(&server, "2.90").await;
    Mock::given(method("GET"))
        .and(path("/compute/v2.1/os-hypervisors"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"hypervisors": []})))
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .request(ServiceType::COMPUTE, Method::Get, "servers?name=web")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid input: path \"servers?name=web\" contains `?`: pass query parameters with .query(key, value)"
    );
    client
        .request(ServiceType::COMPUTE, Method::Get, "os-hypervisors")
        .microversion(ApiVersion::new(2, 53))
        .send()
        .await
        .unwrap();
    let sent = &received(&server, "GET", "/compute/v2.1/os-hypervisors").await[0];
    assert_eq!(header(sent, "x-openstack-nova-api-version"), Some("2.53"));
    assert_eq!(header(sent, "openstack-api-version"), Some("compute 2.53"));
    let err = client
        .request(ServiceType::COMPUTE, Method::Get, "os-hypervisors")
        .microversion(ApiVersion::new(2, 95))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "compute microversion 2.95 is needed but the cloud supports 2.1 to 2.90"
    );
    assert_eq!(
        received(&server, "GET", "/compute/v2.1/os-hypervisors")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn fields_selection_repeats_the_key_and_always_asks_for_the_id() {
    let (server, client) = neutron().await;
    Mock::given(method("GET"))
        .and(path(NETWORKS))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"networks": [
                {"id": NET_ID, "name": "private", "status": "ACTIVE"}
            ]})),
        )
        .mount(&server)
        .await;
    let nets = client
        .network()
        .networks()
        .list()
        .fields(&["name", "status"])
        .all()
        .await
        .unwrap();
    assert_eq!(
        (nets[0].id.as_str(), nets[0].name.as_str()),
        (NET_ID, "private")
    );
    let sent = &received(&server, "GET", NETWORKS).await[0];
    assert_eq!(
        query(sent),
        common::pairs(&[("fields", "id"), ("fields", "name"), ("fields", "status")])
    );
}
