//! Neutron bulk create (`{"networks": [...]}`, `{"subnets": [...]}`, `{"ports": [...]}`) against
//! a wiremock Neutron: the whole request bodies of the API reference samples
//! (`fixtures/network/bulk/`, copied from neutron-lib's `api-ref/source/v2/samples`), their
//! answers decoded in order, Neutron's refusal, and nothing sent for an empty list.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::{Value, json};
use stackclient::network::{CreateNetwork, CreatePort, CreateSubnet, FixedIp};
use stackclient::{Client, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{client, json_fixture, mount_keystone};

const TOKEN: &str = "tok-bulk-1";

async fn neutron() -> (MockServer, Client) {
    let server = MockServer::start().await;
    mount_keystone(&server, TOKEN).await;
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

async fn posts(server: &MockServer, p: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == p)
        .collect()
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

async fn answer(server: &MockServer, p: &str, status: u16, body: Value) {
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn networks_bulk_sends_the_reference_body_and_reads_the_answer_in_order() {
    let (server, client) = neutron().await;
    let p = "/network/v2.0/networks";
    answer(
        &server,
        p,
        201,
        json_fixture("network/bulk/networks-bulk-create-response.json"),
    )
    .await;
    let requests: Vec<CreateNetwork> = ["sample_network3", "sample_network4"]
        .into_iter()
        .map(|name| {
            CreateNetwork::new()
                .admin_state_up(true)
                .name(name)
                .qos_policy_id("6a8454ade84346f59e8d40665f878b2e")
        })
        .collect();
    let created = client
        .network()
        .networks()
        .create_bulk(&requests)
        .await
        .unwrap();
    let sent = posts(&server, p).await;
    assert_eq!(sent.len(), 1, "one request for both");
    assert_eq!(
        body(&sent[0]),
        json_fixture("network/bulk/networks-bulk-create-request.json")
    );
    let got: Vec<(&str, &str)> = created
        .iter()
        .map(|n| (n.name.as_str(), n.id.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("sample_network3", "bc1a76cb-8767-4c3a-bb95-018b822f2130"),
            ("sample_network4", "af374017-c9ae-4a1d-b799-ab73111476e2")
        ]
    );
    assert_eq!(
        created[0].qos_policy_id.as_deref(),
        Some("6a8454ade84346f59e8d40665f878b2e")
    );
}

#[tokio::test]
async fn subnets_bulk_sends_the_reference_body() {
    let (server, client) = neutron().await;
    let p = "/network/v2.0/subnets";
    answer(
        &server,
        p,
        201,
        json_fixture("network/bulk/subnets-create-bulk-response.json"),
    )
    .await;
    let created = client
        .network()
        .subnets()
        .create_bulk(&[
            CreateSubnet::new("e6031bc2-901a-4c66-82da-f4c32ed89406", 4).cidr("192.168.199.0/24"),
            CreateSubnet::new("64239a54-dcc4-4b39-920b-b37c2144effa", 4).cidr("10.56.4.0/22"),
        ])
        .await
        .unwrap();
    let sent = posts(&server, p).await;
    assert_eq!(
        body(&sent[0]),
        json_fixture("network/bulk/subnets-create-bulk-request.json")
    );
    let got: Vec<(&str, Option<&str>)> = created
        .iter()
        .map(|s| (s.cidr.as_str(), s.gateway_ip.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("192.168.199.0/24", Some("192.168.199.1")),
            ("10.56.4.0/22", Some("10.56.4.1"))
        ]
    );
    assert_eq!(created[1].id, "b0e7435c-1512-45fb-aa9e-9a7c5932fb30");
}

#[tokio::test]
async fn ports_bulk_sends_the_reference_body() {
    let (server, client) = neutron().await;
    let p = "/network/v2.0/ports";
    answer(
        &server,
        p,
        201,
        json_fixture("network/bulk/ports-bulk-create-response.json"),
    )
    .await;
    let net = "a87cc70a-3e15-4acf-8205-9b711a3531b7";
    let created = client
        .network()
        .ports()
        .create_bulk(&[
            CreatePort::new(net)
                .admin_state_up(false)
                .name("sample_port_1")
                .qos_policy_id("29d5e02e-d5ab-4929-bee4-4a9fc12e22ae"),
            CreatePort::new(net)
                .admin_state_up(false)
                .name("sample_port_2")
                .hardware_offload_type("switchdev"),
        ])
        .await
        .unwrap();
    let sent = posts(&server, p).await;
    assert_eq!(
        body(&sent[0]),
        json_fixture("network/bulk/ports-bulk-create-request.json")
    );
    assert_eq!(
        created
            .iter()
            .map(|p| (p.name.as_str(), p.fixed_ips.clone()))
            .collect::<Vec<_>>(),
        [
            (
                "sample_port_1",
                vec![FixedIp::new(
                    "a0304c3a-4f08-4c43-88af-d796509c97d2",
                    "10.0.0.5"
                )]
            ),
            (
                "sample_port_2",
                vec![FixedIp::new(
                    "a0304c3a-4f08-4c43-88af-d796509c97d2",
                    "10.0.0.6"
                )]
            )
        ]
    );
}

#[tokio::test]
async fn bulk_refusals_and_empty_lists() {
    let (server, client) = neutron().await;
    let p = "/network/v2.0/ports";
    answer(
        &server,
        p,
        409,
        json!({"NeutronError": {"type": "IpAddressAlreadyAllocated",
            "message": "IP address 10.0.0.5 already allocated in subnet a0304c3a-4f08-4c43-88af-d796509c97d2",
            "detail": ""}}),
    )
    .await;
    let ports = client.network().ports();
    let err = ports
        .create_bulk(&[
            CreatePort::new("net-1").fixed_ip(FixedIp::address("10.0.0.5")),
            CreatePort::new("net-1").fixed_ip(FixedIp::address("10.0.0.5")),
        ])
        .await
        .unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(
        (api.status, api.code.as_deref()),
        (409, Some("IpAddressAlreadyAllocated"))
    );
    assert_eq!(
        body(&posts(&server, p).await[0]),
        json!({"ports": [
            {"network_id": "net-1", "fixed_ips": [{"ip_address": "10.0.0.5"}]},
            {"network_id": "net-1", "fixed_ips": [{"ip_address": "10.0.0.5"}]}
        ]})
    );

    let before = server.received_requests().await.unwrap_or_default().len();
    let err = ports.create_bulk(&[]).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    assert!(err.to_string().contains("no ports to create"), "{err}");
    let err = client
        .network()
        .networks()
        .create_bulk(&[])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        before,
        "nothing sent for an empty list"
    );
}
