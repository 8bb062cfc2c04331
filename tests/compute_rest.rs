//! The compute REST resources against a wiremock Nova: flavors (create, description update, delete,
//! extra specs, access, `is_public`, resolve), keypairs, server groups, availability zones, limits,
//! quota sets, hypervisors, services, aggregates and migrations. Each test checks the method, path,
//! both microversion headers, the exact JSON body, the decoded values, paging, and the local
//! `MicroversionUnsupported` error (nothing sent).

mod common;

use secrecy::ExposeSecret as _;
use serde_json::{Value, json};
use stackclient::compute::{
    CreateAggregate, CreateFlavor, CreateKeypair, CreateServerGroup, KeyType, ServerFlavor,
    ServerGroupPolicy, UpdateAggregate, UpdateFlavor, UpdateQuotaSet,
};
use stackclient::{Client, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{client, header, json_fixture, mount_keystone, mount_nova_version, query, utc};

const TOKEN: &str = "tok-compute-1";
const BASE: &str = "/compute/v2.1";

async fn nova(max: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    mount_keystone(&server, TOKEN).await;
    mount_nova_version(&server, max).await;
    let client = client(&server);
    (server, client)
}

async fn answer(server: &MockServer, m: &str, p: &str, status: u16, body: Value) {
    Mock::given(method(m))
        .and(path(format!("{BASE}{p}")))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

async fn answer_empty(server: &MockServer, m: &str, p: &str, status: u16) {
    Mock::given(method(m))
        .and(path(format!("{BASE}{p}")))
        .respond_with(ResponseTemplate::new(status))
        .mount(server)
        .await;
}

/// Every request except Keystone and the version document.
async fn api_requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() != BASE && !r.url.path().starts_with("/identity"))
        .collect()
}

/// Method, path, token and both microversion headers of one request.
#[track_caller]
fn assert_call(r: &Request, m: &str, p: &str, mv: &str) {
    assert_eq!(r.method.as_str(), m, "{}", r.url);
    assert_eq!(r.url.path(), format!("{BASE}{p}"));
    assert_eq!(header(r, "x-auth-token"), Some(TOKEN));
    assert_eq!(header(r, "x-openstack-nova-api-version"), Some(mv));
    assert_eq!(
        header(r, "openstack-api-version"),
        Some(format!("compute {mv}").as_str())
    );
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).expect("a JSON body")
}

#[track_caller]
fn assert_unsupported(e: Error, needs: &str) {
    match e {
        Error::MicroversionUnsupported { required, .. } => {
            assert!(required.contains(needs), "{required}")
        }
        other => panic!("expected MicroversionUnsupported, got {other:?}"),
    }
}

fn flavor_json(id: &str, name: &str, public: bool) -> Value {
    json!({"id": id, "name": name, "ram": 2048, "disk": 20, "vcpus": 2, "swap": 512,
        "OS-FLV-EXT-DATA:ephemeral": 5, "os-flavor-access:is_public": public,
        "description": "private one", "extra_specs": {}, "links": []})
}

// ------------------------------------------------------------------------------------------------
// Flavors
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn flavor_create_update_delete() {
    let (server, client) = nova("2.104").await;
    answer(
        &server,
        "POST",
        "/flavors",
        200,
        json!({"flavor": flavor_json("p-1", "gpu", false)}),
    )
    .await;
    answer(
        &server,
        "PUT",
        "/flavors/p-1",
        200,
        json!({"flavor": flavor_json("p-1", "gpu", false)}),
    )
    .await;
    answer_empty(&server, "DELETE", "/flavors/p-1", 202).await;
    let flavors = client.compute().flavors();
    let req = CreateFlavor::new("gpu", 2048, 2, 20)
        .id("p-1")
        .swap_mib(512)
        .ephemeral_gib(5)
        .public(false)
        .description("private one");
    let f = flavors.create(&req).await.unwrap();
    assert_eq!(
        (f.id.as_str(), f.ram, f.swap, f.ephemeral, f.is_public),
        ("p-1", 2048, 512, 5, false)
    );
    flavors
        .update("p-1", &UpdateFlavor::clear_description())
        .await
        .unwrap();
    flavors.delete("p-1").await.unwrap();
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 3);
    assert_call(&reqs[0], "POST", "/flavors", "2.104");
    assert_eq!(
        body(&reqs[0]),
        json!({"flavor": {"name": "gpu", "ram": 2048, "vcpus": 2, "disk": 20, "id": "p-1", "swap": 512,
            "OS-FLV-EXT-DATA:ephemeral": 5, "os-flavor-access:is_public": false, "description": "private one"}})
    );
    assert_call(&reqs[1], "PUT", "/flavors/p-1", "2.104");
    assert_eq!(body(&reqs[1]), json!({"flavor": {"description": null}}));
    assert_call(&reqs[2], "DELETE", "/flavors/p-1", "2.104");
}

#[tokio::test]
async fn flavor_description_needs_2_55_locally() {
    let (server, client) = nova("2.54").await;
    let flavors = client.compute().flavors();
    let e = flavors
        .update("1", &UpdateFlavor::description("x"))
        .await
        .unwrap_err();
    assert_unsupported(e, "2.55");
    let e = flavors
        .create(&CreateFlavor::new("a", 1, 1, 1).description("x"))
        .await
        .unwrap_err();
    assert_unsupported(e, "2.55");
    assert!(api_requests(&server).await.is_empty(), "nothing sent");
}

#[tokio::test]
async fn flavor_extra_specs_all_verbs() {
    let (server, client) = nova("2.104").await;
    let specs = json!({"extra_specs": {"hw:cpu_policy": "dedicated", "hw:numa_nodes": "1"}});
    answer(
        &server,
        "GET",
        "/flavors/7/os-extra_specs",
        200,
        specs.clone(),
    )
    .await;
    answer(&server, "POST", "/flavors/7/os-extra_specs", 200, specs).await;
    answer(
        &server,
        "GET",
        "/flavors/7/os-extra_specs/hw:numa_nodes",
        200,
        json!({"hw:numa_nodes": "1"}),
    )
    .await;
    answer(
        &server,
        "PUT",
        "/flavors/7/os-extra_specs/hw:numa_nodes",
        200,
        json!({"hw:numa_nodes": "2"}),
    )
    .await;
    answer_empty(
        &server,
        "DELETE",
        "/flavors/7/os-extra_specs/hw:numa_nodes",
        200,
    )
    .await;
    let f = client.compute().flavors();
    let all = f.extra_specs("7").await.unwrap();
    assert_eq!(
        all.get("hw:cpu_policy").map(String::as_str),
        Some("dedicated")
    );
    let set = f
        .set_extra_specs(
            "7",
            &[("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "1")],
        )
        .await
        .unwrap();
    assert_eq!(set.len(), 2);
    assert_eq!(f.extra_spec("7", "hw:numa_nodes").await.unwrap(), "1");
    assert_eq!(
        f.set_extra_spec("7", "hw:numa_nodes", "2").await.unwrap(),
        "2"
    );
    f.delete_extra_spec("7", "hw:numa_nodes").await.unwrap();
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 5);
    assert_call(&reqs[0], "GET", "/flavors/7/os-extra_specs", "2.104");
    assert_call(&reqs[1], "POST", "/flavors/7/os-extra_specs", "2.104");
    assert_eq!(
        body(&reqs[1]),
        json!({"extra_specs": {"hw:cpu_policy": "dedicated", "hw:numa_nodes": "1"}})
    );
    assert_call(
        &reqs[3],
        "PUT",
        "/flavors/7/os-extra_specs/hw:numa_nodes",
        "2.104",
    );
    assert_eq!(body(&reqs[3]), json!({"hw:numa_nodes": "2"}));
    assert_call(
        &reqs[4],
        "DELETE",
        "/flavors/7/os-extra_specs/hw:numa_nodes",
        "2.104",
    );
}

#[tokio::test]
async fn flavor_access_list_add_remove() {
    let (server, client) = nova("2.104").await;
    let acc = json!({"flavor_access": [{"flavor_id": "7", "tenant_id": "proj-b"}]});
    answer(
        &server,
        "GET",
        "/flavors/7/os-flavor-access",
        200,
        acc.clone(),
    )
    .await;
    answer(&server, "POST", "/flavors/7/action", 200, acc).await;
    let f = client.compute().flavors();
    let list = f.access("7").await.unwrap();
    assert_eq!(
        (list[0].flavor_id.as_str(), list[0].tenant_id.as_str()),
        ("7", "proj-b")
    );
    assert_eq!(f.add_tenant_access("7", "proj-b").await.unwrap().len(), 1);
    f.remove_tenant_access("7", "proj-b").await.unwrap();
    let reqs = api_requests(&server).await;
    assert_call(&reqs[0], "GET", "/flavors/7/os-flavor-access", "2.104");
    assert_call(&reqs[1], "POST", "/flavors/7/action", "2.104");
    assert_eq!(
        body(&reqs[1]),
        json!({"addTenantAccess": {"tenant": "proj-b"}})
    );
    assert_eq!(
        body(&reqs[2]),
        json!({"removeTenantAccess": {"tenant": "proj-b"}})
    );
}

#[tokio::test]
async fn flavor_is_public_filter_and_resolve_embedded() {
    let (server, client) = nova("2.104").await;
    answer(&server, "GET", "/flavors/detail", 200,
        json!({"flavors": [flavor_json("1", "m1.tiny", true), flavor_json("p-9", "secret.large", false)]})).await;
    answer(&server, "GET", "/flavors/secret.large", 404,
        json!({"itemNotFound": {"code": 404, "message": "Flavor secret.large could not be found."}})).await;
    let f = client.compute().flavors();
    f.list().is_public(false).send().await.unwrap();
    f.list().is_public(None).send().await.unwrap();
    let embedded: ServerFlavor = serde_json::from_value(json!({"original_name": "secret.large",
        "vcpus": 2, "ram": 2048, "disk": 20, "ephemeral": 0, "swap": 0}))
    .unwrap();
    let resolved = f.resolve(&embedded).await.unwrap().expect("found by name");
    assert_eq!(resolved.id, "p-9");
    let reqs = api_requests(&server).await;
    assert_eq!(query(&reqs[0]), common::pairs(&[("is_public", "false")]));
    assert_eq!(query(&reqs[1]), common::pairs(&[("is_public", "None")]));
    assert_call(&reqs[2], "GET", "/flavors/secret.large", "2.104");
    assert_eq!(query(&reqs[3]), common::pairs(&[("is_public", "None")]));
}

// ------------------------------------------------------------------------------------------------
// Keypairs
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn keypairs_list_pages_through_wrapped_items() {
    let (server, client) = nova("2.104").await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/os-keypairs")))
        .and(wiremock::matchers::query_param("marker", "beta"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keypairs": [
            {"keypair": {"name": "gamma", "type": "ssh", "fingerprint": "00:11", "public_key": "ssh-ed25519 AAAA g"}}]})))
        .mount(&server)
        .await;
    answer(
        &server,
        "GET",
        "/os-keypairs",
        200,
        json_fixture("compute/keypairs_list_2.35_page1.json"),
    )
    .await;
    let kps = client
        .compute()
        .keypairs()
        .list()
        .limit(2)
        .user_id("u-2")
        .all()
        .await
        .unwrap();
    let names: Vec<&str> = kps.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["alpha", "beta", "gamma"]);
    assert_eq!(kps[1].key_type, Some(KeyType::X509));
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_call(&reqs[0], "GET", "/os-keypairs", "2.104");
    assert_eq!(
        query(&reqs[0]),
        common::pairs(&[("limit", "2"), ("user_id", "u-2")])
    );
    assert_eq!(
        query(&reqs[1]),
        common::pairs(&[("limit", "2"), ("user_id", "u-2"), ("marker", "beta")])
    );
}

#[tokio::test]
async fn keypair_import_get_delete() {
    let (server, client) = nova("2.104").await;
    let kp = json!({"keypair": {"name": "laptop", "type": "ssh", "user_id": "u-1",
        "fingerprint": "aa:bb", "public_key": "ssh-ed25519 AAAA me"}});
    answer(&server, "POST", "/os-keypairs", 200, kp.clone()).await;
    answer(&server, "GET", "/os-keypairs/laptop", 200, kp).await;
    answer_empty(&server, "DELETE", "/os-keypairs/laptop", 202).await;
    let k = client.compute().keypairs();
    let created = k
        .create(
            &CreateKeypair::import("laptop", "ssh-ed25519 AAAA me")
                .key_type(KeyType::Ssh)
                .user_id("u-1"),
        )
        .await
        .unwrap();
    assert!(created.private_key.is_none());
    assert_eq!(created.keypair.fingerprint, "aa:bb");
    assert_eq!(
        k.get("laptop").await.unwrap().user_id.as_deref(),
        Some("u-1")
    );
    k.delete("laptop").await.unwrap();
    let reqs = api_requests(&server).await;
    assert_call(&reqs[0], "POST", "/os-keypairs", "2.104");
    assert_eq!(
        body(&reqs[0]),
        json!({"keypair": {"name": "laptop", "type": "ssh",
        "public_key": "ssh-ed25519 AAAA me", "user_id": "u-1"}})
    );
    assert_call(&reqs[1], "GET", "/os-keypairs/laptop", "2.104");
    assert_call(&reqs[2], "DELETE", "/os-keypairs/laptop", "2.104");
}

#[tokio::test]
async fn keypair_generate_before_2_92_and_refused_from_2_92() {
    let (server, client) = nova("2.91").await;
    answer(
        &server,
        "POST",
        "/os-keypairs",
        200,
        json!({"keypair": {"name": "gen", "type": "ssh",
        "fingerprint": "aa", "public_key": "ssh-rsa AAAA", "user_id": "u",
        "private_key": "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n"}}),
    )
    .await;
    let created = client
        .compute()
        .keypairs()
        .create(&CreateKeypair::generate("gen"))
        .await
        .unwrap();
    assert!(
        created
            .private_key
            .expect("generated")
            .expose_secret()
            .contains("RSA PRIVATE KEY")
    );
    assert_eq!(
        body(&api_requests(&server).await[0]),
        json!({"keypair": {"name": "gen"}})
    );

    let (server, client) = nova("2.92").await;
    let e = client
        .compute()
        .keypairs()
        .create(&CreateKeypair::generate("gen"))
        .await
        .unwrap_err();
    assert_unsupported(e, "below 2.92");
    let (server2, client2) = nova("2.9").await;
    let e = client2
        .compute()
        .keypairs()
        .create(&CreateKeypair::import("a", "k").user_id("u"))
        .await
        .unwrap_err();
    assert_unsupported(e, "2.10");
    assert!(api_requests(&server).await.is_empty() && api_requests(&server2).await.is_empty());
}

// ------------------------------------------------------------------------------------------------
// Server groups
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn server_group_create_shape_follows_the_microversion() {
    let (server, client) = nova("2.104").await;
    answer(
        &server,
        "POST",
        "/os-server-groups",
        200,
        json_fixture("compute/server_group_2.64.json"),
    )
    .await;
    let g = client
        .compute()
        .server_groups()
        .create(
            &CreateServerGroup::new("web", ServerGroupPolicy::AntiAffinity).max_server_per_host(2),
        )
        .await
        .unwrap();
    assert_eq!(g.policy, Some(ServerGroupPolicy::AntiAffinity));
    assert_eq!(g.rules.and_then(|r| r.max_server_per_host), Some(2));
    assert_eq!(g.members.len(), 1);
    let reqs = api_requests(&server).await;
    assert_call(&reqs[0], "POST", "/os-server-groups", "2.104");
    assert_eq!(
        body(&reqs[0]),
        json!({"server_group": {"name": "web", "policy": "anti-affinity",
        "rules": {"max_server_per_host": 2}}})
    );

    let (server, client) = nova("2.63").await;
    answer(
        &server,
        "POST",
        "/os-server-groups",
        200,
        json!({"server_group": {"id": "g", "name": "web",
        "policies": ["soft-affinity"], "members": [], "metadata": {}}}),
    )
    .await;
    let g = client
        .compute()
        .server_groups()
        .create(&CreateServerGroup::new(
            "web",
            ServerGroupPolicy::SoftAffinity,
        ))
        .await
        .unwrap();
    assert_eq!(g.effective_policy(), Some(&ServerGroupPolicy::SoftAffinity));
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 1, "no trial and error");
    assert_call(&reqs[0], "POST", "/os-server-groups", "2.63");
    assert_eq!(
        body(&reqs[0]),
        json!({"server_group": {"name": "web", "policies": ["soft-affinity"]}})
    );
    let e = client
        .compute()
        .server_groups()
        .create(
            &CreateServerGroup::new("web", ServerGroupPolicy::AntiAffinity).max_server_per_host(2),
        )
        .await
        .unwrap_err();
    assert_unsupported(e, "2.64");
    assert_eq!(api_requests(&server).await.len(), 1, "nothing more sent");
}

#[tokio::test]
async fn server_groups_list_get_delete() {
    let (server, client) = nova("2.104").await;
    let g = json_fixture("compute/server_group_2.64.json");
    answer(
        &server,
        "GET",
        "/os-server-groups",
        200,
        json!({"server_groups": [g["server_group"].clone()]}),
    )
    .await;
    answer(
        &server,
        "GET",
        "/os-server-groups/0b5af9d1-2c3e-4f5a-8b7c-9d0e1f2a3b4c",
        200,
        g,
    )
    .await;
    answer_empty(
        &server,
        "DELETE",
        "/os-server-groups/0b5af9d1-2c3e-4f5a-8b7c-9d0e1f2a3b4c",
        204,
    )
    .await;
    let sg = client.compute().server_groups();
    let page = sg
        .list()
        .all_projects(true)
        .limit(5)
        .offset(5)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items[0].name, "web");
    let one = sg
        .get("0b5af9d1-2c3e-4f5a-8b7c-9d0e1f2a3b4c")
        .await
        .unwrap();
    assert_eq!(one.user_id.as_deref(), Some("admin-user"));
    sg.delete(&one.id).await.unwrap();
    let reqs = api_requests(&server).await;
    assert_eq!(
        query(&reqs[0]),
        common::pairs(&[("all_projects", "True"), ("limit", "5"), ("offset", "5")])
    );
    assert_call(
        &reqs[2],
        "DELETE",
        "/os-server-groups/0b5af9d1-2c3e-4f5a-8b7c-9d0e1f2a3b4c",
        "2.104",
    );
}

// ------------------------------------------------------------------------------------------------
// Availability zones, limits, quota sets
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn availability_zones_and_limits() {
    let (server, client) = nova("2.104").await;
    answer(
        &server,
        "GET",
        "/os-availability-zone",
        200,
        json!({"availabilityZoneInfo": [
        {"zoneName": "nova", "zoneState": {"available": true}, "hosts": null}]}),
    )
    .await;
    answer(
        &server,
        "GET",
        "/os-availability-zone/detail",
        200,
        json_fixture("compute/availability_zones_detail.json"),
    )
    .await;
    answer(
        &server,
        "GET",
        "/limits",
        200,
        json_fixture("compute/limits_2.57.json"),
    )
    .await;
    let c = client.compute();
    let zones = c.availability_zones().list().all().await.unwrap();
    assert_eq!(
        (
            zones[0].name.as_str(),
            zones[0].state.available,
            zones[0].hosts.is_none()
        ),
        ("nova", true, true)
    );
    let detail = c.availability_zones().list_detail().all().await.unwrap();
    let nova_hosts = detail[1].hosts.as_ref().expect("hosts");
    assert!(!nova_hosts["minicloud"]["nova-compute"].available);
    assert_eq!(
        detail[0].hosts.as_ref().unwrap()["minicloud"]["nova-scheduler"].updated_at,
        Some(utc(2024, 5, 1, 10, 0, 0))
    );
    let l = c.limits().get().await.unwrap();
    assert_eq!(
        (l.absolute.max_total_cores, l.absolute.total_ram_used),
        (Some(20), Some(4096))
    );
    assert_eq!(l.absolute.max_personality, None);
    c.limits().get_for_project("p-2").await.unwrap();
    let reqs = api_requests(&server).await;
    assert_call(&reqs[0], "GET", "/os-availability-zone", "2.104");
    assert_call(&reqs[1], "GET", "/os-availability-zone/detail", "2.104");
    assert_call(&reqs[2], "GET", "/limits", "2.104");
    assert_eq!(query(&reqs[3]), common::pairs(&[("tenant_id", "p-2")]));
}

#[tokio::test]
async fn quota_sets_show_detail_defaults_update_revert() {
    let (server, client) = nova("2.104").await;
    let show = json!({"quota_set": {"id": "p-1", "cores": 20, "instances": 10, "ram": 51200, "key_pairs": 100,
        "metadata_items": 128, "server_groups": 10, "server_group_members": 10}});
    answer(&server, "GET", "/os-quota-sets/p-1", 200, show.clone()).await;
    answer(&server, "GET", "/os-quota-sets/p-1/defaults", 200, show).await;
    answer(
        &server,
        "GET",
        "/os-quota-sets/p-1/detail",
        200,
        json_fixture("compute/quota_set_detail_2.57.json"),
    )
    .await;
    answer(&server, "PUT", "/os-quota-sets/p-1", 200, json!({"quota_set": {"cores": -1, "instances": 20,
        "ram": 51200, "key_pairs": 100, "metadata_items": 128, "server_groups": 10, "server_group_members": 10}})).await;
    answer_empty(&server, "DELETE", "/os-quota-sets/p-1", 202).await;
    let q = client.compute().quota_sets();
    assert_eq!(q.get("p-1").await.unwrap().cores, Some(20));
    assert_eq!(q.defaults("p-1").await.unwrap().instances, Some(10));
    let d = q.detail("p-1").await.unwrap();
    let ram = d.ram.expect("ram");
    assert_eq!((ram.in_use, ram.limit, ram.reserved), (4096, 51200, 0));
    assert_eq!(d.injected_files, None);
    let after = q
        .update(
            "p-1",
            &UpdateQuotaSet::new().instances(20).cores(-1).force(true),
        )
        .await
        .unwrap();
    assert_eq!(
        (after.instances, after.cores, after.id),
        (Some(20), Some(-1), None)
    );
    q.delete("p-1").await.unwrap();
    let reqs = api_requests(&server).await;
    assert_call(&reqs[3], "PUT", "/os-quota-sets/p-1", "2.104");
    assert_eq!(
        body(&reqs[3]),
        json!({"quota_set": {"force": true, "instances": 20, "cores": -1}})
    );
    assert_call(&reqs[4], "DELETE", "/os-quota-sets/p-1", "2.104");
}

// ------------------------------------------------------------------------------------------------
// Hypervisors, services
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn hypervisors_detail_pages_and_with_servers() {
    let (server, client) = nova("2.104").await;
    let hid = "5d8f3c1a-7b2e-4c9d-a1f0-2e3d4c5b6a79";
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/os-hypervisors/detail")))
        .and(wiremock::matchers::query_param("marker", hid))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"hypervisors": []})))
        .mount(&server)
        .await;
    answer(
        &server,
        "GET",
        "/os-hypervisors/detail",
        200,
        json_fixture("compute/hypervisors_detail_2.88.json"),
    )
    .await;
    answer(
        &server,
        "GET",
        &format!("/os-hypervisors/{hid}"),
        200,
        json!({"hypervisor": {"id": hid,
        "hypervisor_hostname": "minicloud", "state": "up", "status": "enabled",
        "servers": [{"name": "web-1", "uuid": "6c8f0e3a-1111-4222-8333-944455556666"}]}}),
    )
    .await;
    let h = client.compute().hypervisors();
    let all = h
        .list()
        .limit(1)
        .hostname_pattern("mini")
        .all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].id.as_str(), all[0].hypervisor_type.as_deref()),
        (hid, Some("QEMU"))
    );
    assert_eq!(
        all[0].service.as_ref().map(|s| s.host.as_str()),
        Some("minicloud")
    );
    assert!(all[0].vcpus.is_none() && all[0].uptime.is_some());
    let one = h.get_with_servers(hid).await.unwrap();
    assert_eq!(one.servers[0].name, "web-1");
    let reqs = api_requests(&server).await;
    assert_call(&reqs[0], "GET", "/os-hypervisors/detail", "2.104");
    assert_eq!(
        query(&reqs[0]),
        common::pairs(&[("limit", "1"), ("hypervisor_hostname_pattern", "mini")])
    );
    assert_eq!(
        query(&reqs[1]).last().cloned(),
        Some(("marker".into(), hid.into()))
    );
    assert_eq!(query(&reqs[2]), common::pairs(&[("with_servers", "true")]));

    let (server, client) = nova("2.52").await;
    let e = client
        .compute()
        .hypervisors()
        .get_with_servers("1")
        .await
        .unwrap_err();
    assert_unsupported(e, "2.53");
    let e = client
        .compute()
        .hypervisors()
        .list()
        .hostname_pattern("x")
        .send()
        .await
        .unwrap_err();
    assert_unsupported(e, "2.53");
    assert!(api_requests(&server).await.is_empty());
}

#[tokio::test]
async fn services_list_enable_disable_force_down_delete() {
    let (server, client) = nova("2.104").await;
    let sid = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    answer(
        &server,
        "GET",
        "/os-services",
        200,
        json!({"services": [
        json_fixture("compute/service_2.53.json")["service"].clone(),
        {"binary": "nova-compute", "host": "cell2-host", "status": "UNKNOWN"}]}),
    )
    .await;
    answer(
        &server,
        "PUT",
        &format!("/os-services/{sid}"),
        200,
        json_fixture("compute/service_2.53.json"),
    )
    .await;
    answer_empty(&server, "DELETE", &format!("/os-services/{sid}"), 204).await;
    let s = client.compute().services();
    let list = s
        .list()
        .binary("nova-compute")
        .host("minicloud")
        .all()
        .await
        .unwrap();
    assert_eq!(list[0].id.as_deref(), Some(sid));
    assert_eq!(
        (list[1].id.as_deref(), list[1].status.as_str()),
        (None, "UNKNOWN")
    );
    let d = s.disable(sid, Some("maintenance")).await.unwrap();
    assert_eq!(
        (d.status.as_str(), d.disabled_reason.as_deref()),
        ("disabled", Some("maintenance"))
    );
    s.enable(sid).await.unwrap();
    s.force_down(sid, true).await.unwrap();
    s.delete(sid).await.unwrap();
    let reqs = api_requests(&server).await;
    assert_eq!(
        query(&reqs[0]),
        common::pairs(&[("binary", "nova-compute"), ("host", "minicloud")])
    );
    assert_call(&reqs[1], "PUT", &format!("/os-services/{sid}"), "2.104");
    assert_eq!(
        body(&reqs[1]),
        json!({"status": "disabled", "disabled_reason": "maintenance"})
    );
    assert_eq!(body(&reqs[2]), json!({"status": "enabled"}));
    assert_eq!(body(&reqs[3]), json!({"forced_down": true}));
    assert_call(&reqs[4], "DELETE", &format!("/os-services/{sid}"), "2.104");

    let (server, client) = nova("2.52").await;
    assert_unsupported(
        client.compute().services().enable("1").await.unwrap_err(),
        "2.53",
    );
    assert!(api_requests(&server).await.is_empty());
}

// ------------------------------------------------------------------------------------------------
// Aggregates, migrations
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn aggregates_crud_hosts_and_metadata() {
    let (server, client) = nova("2.104").await;
    let agg = json_fixture("compute/aggregate_2.41.json");
    answer(&server, "POST", "/os-aggregates", 200, agg.clone()).await;
    answer(
        &server,
        "GET",
        "/os-aggregates",
        200,
        json!({"aggregates": [agg["aggregate"].clone()]}),
    )
    .await;
    answer(&server, "PUT", "/os-aggregates/7", 200, agg.clone()).await;
    answer(&server, "POST", "/os-aggregates/7/action", 200, agg).await;
    answer_empty(&server, "DELETE", "/os-aggregates/7", 200).await;
    let a = client.compute().aggregates();
    let created = a
        .create(&CreateAggregate::new("ssd-hosts").availability_zone("fast"))
        .await
        .unwrap();
    assert_eq!(
        (created.id.as_str(), created.hosts.as_slice()),
        ("7", ["minicloud".to_string()].as_slice())
    );
    assert_eq!(
        created.created_at,
        Some(utc(2024, 3, 1, 9, 30, 0) + chrono::Duration::microseconds(123456))
    );
    assert_eq!(
        a.find_by_name("ssd-hosts").await.unwrap().map(|x| x.id),
        Some("7".into())
    );
    a.update(
        "7",
        &UpdateAggregate::new().name("ssd").availability_zone(None),
    )
    .await
    .unwrap();
    a.add_host("7", "minicloud").await.unwrap();
    a.remove_host("7", "minicloud").await.unwrap();
    let md = a
        .set_metadata("7", &[("ssd", Some("true")), ("old", None)])
        .await
        .unwrap();
    assert_eq!(md.metadata.get("ssd").map(String::as_str), Some("true"));
    a.delete("7").await.unwrap();
    let reqs = api_requests(&server).await;
    assert_call(&reqs[0], "POST", "/os-aggregates", "2.104");
    assert_eq!(
        body(&reqs[0]),
        json!({"aggregate": {"name": "ssd-hosts", "availability_zone": "fast"}})
    );
    assert_call(&reqs[2], "PUT", "/os-aggregates/7", "2.104");
    assert_eq!(
        body(&reqs[2]),
        json!({"aggregate": {"name": "ssd", "availability_zone": null}})
    );
    assert_eq!(body(&reqs[3]), json!({"add_host": {"host": "minicloud"}}));
    assert_eq!(
        body(&reqs[4]),
        json!({"remove_host": {"host": "minicloud"}})
    );
    assert_eq!(
        body(&reqs[5]),
        json!({"set_metadata": {"metadata": {"old": null, "ssd": "true"}}})
    );
    assert_call(&reqs[6], "DELETE", "/os-aggregates/7", "2.104");
}

#[tokio::test]
async fn migrations_list_filters_and_paging() {
    let (server, client) = nova("2.104").await;
    let mid = "fe1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b";
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/os-migrations")))
        .and(wiremock::matchers::query_param("marker", mid))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"migrations": []})))
        .mount(&server)
        .await;
    answer(
        &server,
        "GET",
        "/os-migrations",
        200,
        json_fixture("compute/migrations_2.80_page1.json"),
    )
    .await;
    let ms = client
        .compute()
        .migrations()
        .list()
        .limit(1)
        .migration_type("resize")
        .changes_since(utc(2024, 4, 1, 0, 0, 0))
        .project_id("p-1")
        .all()
        .await
        .unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!(
        (
            ms[0].id.as_str(),
            ms[0].uuid.as_deref(),
            ms[0].status.as_str()
        ),
        ("42", Some(mid), "finished")
    );
    assert_eq!(ms[0].updated_at, Some(utc(2024, 4, 2, 11, 5, 0)));
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_call(&reqs[0], "GET", "/os-migrations", "2.104");
    assert_eq!(
        query(&reqs[0]),
        common::pairs(&[
            ("limit", "1"),
            ("migration_type", "resize"),
            ("changes-since", "2024-04-01T00:00:00Z"),
            ("project_id", "p-1")
        ])
    );
    assert_eq!(
        query(&reqs[1]).last().cloned(),
        Some(("marker".into(), mid.into()))
    );

    let (server, client) = nova("2.79").await;
    let e = client
        .compute()
        .migrations()
        .list()
        .user_id("u")
        .send()
        .await
        .unwrap_err();
    assert_unsupported(e, "2.80");
    assert!(api_requests(&server).await.is_empty());
}

#[tokio::test]
async fn paging_below_its_microversion_is_refused_before_sending() {
    // Nova pages keypairs from 2.35, hypervisors from 2.33, migrations from 2.59 and instance
    // actions from 2.58: below, `limit`/`marker` would be ignored (or refused) by the server.
    let (server, client) = nova("2.34").await;
    let compute = client.compute();
    let err = compute
        .keypairs()
        .list()
        .limit(10)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::MicroversionUnsupported { required, .. } if required == "2.35"),
        "{err:?}"
    );
    let err = compute
        .migrations()
        .list()
        .marker("m-1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::MicroversionUnsupported { required, .. } if required == "2.59"),
        "{err:?}"
    );
    let err = compute
        .servers()
        .instance_actions("s-1")
        .unwrap()
        .limit(5)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::MicroversionUnsupported { required, .. } if required == "2.58"),
        "{err:?}"
    );
    assert!(api_requests(&server).await.is_empty(), "nothing was sent");
    // 2.33 is offered: hypervisors page; keypairs without limit/marker list as before.
    answer(
        &server,
        "GET",
        "/os-hypervisors/detail",
        200,
        json!({"hypervisors": []}),
    )
    .await;
    answer(&server, "GET", "/os-keypairs", 200, json!({"keypairs": []})).await;
    assert!(
        compute
            .hypervisors()
            .list()
            .limit(1)
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    assert!(compute.keypairs().list().all().await.unwrap().is_empty());
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(query(&reqs[0]), common::pairs(&[("limit", "1")]));
}
