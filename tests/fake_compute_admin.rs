//! The fake Nova's rescue/shelve/admin actions, instance actions, migrations, per-server
//! details, flavor management and access, aggregates, hypervisors, services and quota sets,
//! through the public API, against values of Nova's API reference samples
//! (`doc/api_samples/`) and the messages of nova 33's API code.

#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::{Value, json};
use stackclient::compute::{
    CreateAggregate, CreateFlavor, Evacuate, LiveMigrate, Rescue, ServerAction, ServerStatus,
    Unshelve, UpdateQuotaSet,
};
use stackclient::testing::{FakeCloud, FakeCloudBuilder, FakeFlavor, FakeServer};
use stackclient::{Client, ClientOptions, Error, Session, WaitOptions};

fn fast() -> WaitOptions {
    WaitOptions::default()
        .timeout(Duration::from_secs(20))
        .interval(Duration::from_millis(10), Duration::from_millis(40))
}

fn quick() -> FakeCloudBuilder {
    FakeCloud::builder()
        .build_delay(Duration::ZERO)
        .action_delay(Duration::from_millis(60))
}

fn client_at(fake: &FakeCloud, version: &str) -> Client {
    let cfg = fake.config().with_api_version("compute", version);
    Client::new(ClientOptions::new(Session::new(cfg))).unwrap()
}

/// The API error's status and message.
fn api(e: &Error) -> (u16, String) {
    let a = e
        .as_api()
        .unwrap_or_else(|| panic!("not an API error: {e}"));
    (a.status, a.message.clone())
}

/// A raw compute request at `version`: status and JSON body (`Null` when empty).
async fn raw(
    fake: &FakeCloud,
    method: reqwest::Method,
    path: &str,
    version: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", fake.compute_url()))
        .header("x-auth-token", fake.issue_token())
        .header("openstack-api-version", format!("compute {version}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn rescue_and_shelve_follow_novas_state_machine() {
    let fake = quick().shelved_offload_time(None).start().await.unwrap();
    let client = fake.client().unwrap();
    let servers = client.compute().servers();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();

    servers
        .rescue(&id, Rescue::new().admin_pass("s3cret"))
        .await
        .unwrap();
    let err = servers.rescue(&id, Rescue::new()).await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            409,
            format!("Cannot 'rescue' instance {id} while it is in task_state rescuing")
        )
    );
    servers
        .wait_for_status_with(&id, ServerStatus::Rescue, fast())
        .await
        .unwrap();
    let err = servers.shelve(&id).await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            409,
            format!("Cannot 'shelve' instance {id} while it is in vm_state rescued")
        )
    );
    servers.unrescue(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();

    servers.shelve(&id).await.unwrap();
    let shelved = servers
        .wait_for_status_with(&id, ServerStatus::Shelved, fast())
        .await
        .unwrap();
    assert_eq!(
        shelved.host.as_deref(),
        Some("fake-host"),
        "SHELVED keeps its host"
    );
    // A zone is only for an offloaded server (UnshelveInstanceInvalidState).
    let err = servers
        .unshelve(&id, Unshelve::new().availability_zone("nova"))
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (
            409,
            format!(
                "Specifying an availability zone or a host when unshelving server \"{id}\" with \
                 status \"SHELVED\" is not supported. The server status must be \
                 SHELVED_OFFLOADED."
            )
        )
    );
    servers.shelve_offload(&id).await.unwrap();
    let off = servers
        .wait_for_status_with(&id, ServerStatus::ShelvedOffloaded, fast())
        .await
        .unwrap();
    assert_eq!((off.host, off.power_state), (None, Some(0)));
    assert!(fake.image_id("web-1-shelved").is_some());
    servers.unshelve(&id, Unshelve::new()).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();
    assert!(
        fake.image_id("web-1-shelved").is_none(),
        "unshelve deletes the image"
    );

    let actions: Vec<String> = servers
        .instance_actions(&id)
        .unwrap()
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        [
            "unshelve",
            "shelveOffload",
            "shelve",
            "unrescue",
            "rescue",
            "create"
        ]
    );
}

#[tokio::test]
async fn instance_actions_match_the_api_samples() {
    let fake = quick().start().await.unwrap();
    let client = fake.client().unwrap();
    let servers = client.compute().servers();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();
    servers.stop(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Shutoff, fast())
        .await
        .unwrap();

    // 2.84: the keys of instance-action-get-resp.json, events with host, hostId, details.
    let list = raw(
        &fake,
        reqwest::Method::GET,
        &format!("/servers/{id}/os-instance-actions"),
        "2.84",
        None,
    )
    .await;
    assert_eq!(list.0, 200);
    let stop = &list.1["instanceActions"][0];
    let keys: Vec<&str> = stop
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "action",
            "instance_uuid",
            "message",
            "project_id",
            "request_id",
            "start_time",
            "updated_at",
            "user_id"
        ]
    );
    let req = stop["request_id"].as_str().unwrap();
    let one = raw(
        &fake,
        reqwest::Method::GET,
        &format!("/servers/{id}/os-instance-actions/{req}"),
        "2.84",
        None,
    )
    .await;
    let event = &one.1["instanceAction"]["events"][0];
    assert_eq!(event["event"], "compute_stop_instance");
    assert_eq!(event["result"], "Success");
    assert_eq!(event["host"], "fake-host");
    let mut keys: Vec<&str> = event
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "details",
            "event",
            "finish_time",
            "host",
            "hostId",
            "result",
            "start_time",
            "traceback"
        ]
    );
    // The request id is the one the stop was answered with.
    let stop_req = fake
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("/action"))
        .unwrap();
    assert_eq!(stop_req.request_id, req);
    // 2.1: no `updated_at`; an unknown request id is Nova's 404.
    let old = raw(
        &fake,
        reqwest::Method::GET,
        &format!("/servers/{id}/os-instance-actions"),
        "2.1",
        None,
    )
    .await;
    assert!(old.1["instanceActions"][0].get("updated_at").is_none());
    let err = servers.instance_action(&id, "req-nope").await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            404,
            format!("Action for request_id req-nope on instance {id} not found")
        )
    );
    // Paging from 2.58.
    let page = raw(
        &fake,
        reqwest::Method::GET,
        &format!("/servers/{id}/os-instance-actions?limit=1"),
        "2.58",
        None,
    )
    .await;
    assert_eq!(page.1["instanceActions"].as_array().unwrap().len(), 1);
    assert!(
        page.1["links"][0]["href"]
            .as_str()
            .unwrap()
            .contains(&format!("marker={req}"))
    );
}

#[tokio::test]
async fn diagnostics_are_the_fake_drivers_as_in_the_sample() {
    let fake = quick().start().await.unwrap();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();
    let (status, body) = raw(
        &fake,
        reqwest::Method::GET,
        &format!("/servers/{id}/diagnostics"),
        "2.48",
        None,
    )
    .await;
    assert_eq!(status, 200);
    // doc/api_samples/os-server-diagnostics/v2.48/server-diagnostics-get-resp.json
    assert_eq!(body["nic_details"][0]["rx_drop"], 200);
    assert_eq!(
        body["memory_details"],
        json!({"maximum": 524288, "used": 0})
    );
    assert_eq!(body["uptime"], 46664);
    let servers = fake.client().unwrap().compute().servers();
    servers.stop(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Shutoff, fast())
        .await
        .unwrap();
    let err = servers.diagnostics(&id).await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            409,
            format!("Cannot 'get_diagnostics' instance {id} while it is in power state shutdown")
        )
    );
}

#[tokio::test]
async fn admin_calls_answer_403_to_members() {
    let fake = quick().admin(false).start().await.unwrap();
    let client = fake.client().unwrap();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();
    let err = client
        .compute()
        .servers()
        .migrate(&id, None)
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (
            403,
            "Policy doesn't allow os_compute_api:os-migrate-server:migrate to be performed.".into()
        )
    );
    let err = client
        .compute()
        .hypervisors()
        .list()
        .all()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    let err = client
        .compute()
        .aggregates()
        .list()
        .all()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    // A member does not see a private flavor without access.
    let private = fake
        .add_flavor(FakeFlavor::new("secret").id("77").public(false))
        .unwrap();
    let err = client.compute().flavors().get(&private).await.unwrap_err();
    assert_eq!(api(&err), (404, "Flavor 77 could not be found.".into()));
    let names: Vec<String> = client
        .compute()
        .flavors()
        .list()
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert!(!names.contains(&"secret".to_string()));
}

#[tokio::test]
async fn evacuate_needs_a_forced_down_host_and_records_a_migration() {
    let fake = quick().start().await.unwrap();
    let client = fake.client().unwrap();
    let servers = client.compute().servers();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();
    let err = servers
        .evacuate(&id, Evacuate::new().host("fake-host"))
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (400, "The target host can't be the same one.".into())
    );
    let err = servers.evacuate(&id, Evacuate::new()).await.unwrap_err();
    assert_eq!(
        api(&err),
        (400, "Compute service of fake-host is still in use.".into())
    );

    let services = client.compute().services();
    let compute = services
        .list()
        .binary("nova-compute")
        .all()
        .await
        .unwrap()
        .remove(0);
    let down = services
        .force_down(compute.id.as_deref().unwrap(), true)
        .await
        .unwrap();
    assert_eq!(
        (down.state.as_deref(), down.forced_down),
        (Some("down"), Some(true))
    );
    let hv = client
        .compute()
        .hypervisors()
        .list()
        .all()
        .await
        .unwrap()
        .remove(0);
    assert_eq!(hv.state.as_deref(), Some("down"));
    // Only nova-compute services can be updated.
    let sched = services
        .list()
        .binary("nova-scheduler")
        .all()
        .await
        .unwrap()
        .remove(0);
    let err = services
        .disable(sched.id.as_deref().unwrap(), None)
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (400, "Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.".into())
    );

    servers.evacuate(&id, Evacuate::new()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    let server = servers.get(&id).await.unwrap();
    assert_eq!(server.status, ServerStatus::Error);
    let migrations = client.compute().migrations().list().all().await.unwrap();
    assert_eq!(
        (
            migrations[0].migration_type.as_deref(),
            migrations[0].status.as_str()
        ),
        (Some("evacuation"), "error")
    );
}

#[tokio::test]
async fn live_migration_below_2_34_fails_synchronously() {
    let fake = quick().start().await.unwrap();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();
    let old = client_at(&fake, "2.30");
    let err = old
        .compute()
        .servers()
        .live_migrate(&id, LiveMigrate::new().host("fake-host"))
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (
            400,
            format!("Unable to migrate instance ({id}) to current host (fake-host).")
        )
    );
    let err = old
        .compute()
        .servers()
        .live_migrate(&id, LiveMigrate::new().host("compute-9"))
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (400, "Compute host compute-9 could not be found.".into())
    );
}

#[tokio::test]
async fn resize_migration_records_go_from_pre_migrating_to_confirmed() {
    let fake = FakeCloud::builder()
        .build_delay(Duration::ZERO)
        .action_delay(Duration::from_millis(800))
        .start()
        .await
        .unwrap();
    let client = fake.client().unwrap();
    let servers = client.compute().servers();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();
    servers
        .resize(&id, stackclient::compute::Resize::new("2"))
        .await
        .unwrap();
    let m = client
        .compute()
        .migrations()
        .list()
        .all()
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        (
            m.status.as_str(),
            m.old_instance_type_id,
            m.new_instance_type_id
        ),
        ("pre-migrating", Some(1), Some(2))
    );
    servers
        .wait_for_status_with(&id, ServerStatus::VerifyResize, fast())
        .await
        .unwrap();
    assert_eq!(
        client.compute().migrations().list().all().await.unwrap()[0].status,
        "finished"
    );
    servers.confirm_resize(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(
        client.compute().migrations().list().all().await.unwrap()[0].status,
        "confirmed"
    );
}

#[tokio::test]
async fn security_groups_follow_the_servers_ports() {
    let fake = quick().start().await.unwrap();
    let client = fake.client().unwrap();
    let servers = client.compute().servers();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();
    let err = servers.add_security_group(&id, "web").await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            404,
            format!(
                "Security group web is not found for project {}",
                fake.project_id()
            )
        )
    );
    let web = client
        .network()
        .security_groups()
        .create(&stackclient::network::CreateSecurityGroup::new("web"))
        .await
        .unwrap();
    servers.add_security_group(&id, "web").await.unwrap();
    let ports = client
        .network()
        .ports()
        .list()
        .device_id(&id)
        .all()
        .await
        .unwrap();
    assert!(ports[0].security_groups.contains(&web.id));
    servers.remove_security_group(&id, &web.id).await.unwrap();
    let err = servers.remove_security_group(&id, "web").await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            404,
            format!("Security group web not associated with the instance {id}")
        )
    );
}

#[tokio::test]
async fn remote_consoles_serve_novnc_only() {
    let fake = quick().start().await.unwrap();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();
    let path = format!("/servers/{id}/remote-consoles");
    let spice = json!({"remote_console": {"protocol": "spice", "type": "spice-html5"}});
    let (status, body) = raw(&fake, reqwest::Method::POST, &path, "2.6", Some(spice)).await;
    assert_eq!(
        (status, &body["badRequest"]["message"]),
        (400, &json!("Unavailable console type spice-html5."))
    );
    let mismatch = json!({"remote_console": {"protocol": "vnc", "type": "serial"}});
    let (status, body) = raw(&fake, reqwest::Method::POST, &path, "2.6", Some(mismatch)).await;
    assert_eq!(
        (status, &body["badRequest"]["message"]),
        (400, &json!("Invalid console type serial"))
    );
    let (status, _) = raw(&fake, reqwest::Method::POST, &path, "2.5", Some(json!({}))).await;
    assert_eq!(status, 404, "no remote-consoles below 2.6");
}

#[tokio::test]
async fn flavor_management_extra_specs_and_access() {
    let fake = quick().start().await.unwrap();
    let client = fake.client().unwrap();
    let flavors = client.compute().flavors();
    let f = flavors
        .create(
            &CreateFlavor::new("gpu.large", 16384, 8, 80)
                .id("100")
                .public(false),
        )
        .await
        .unwrap();
    assert_eq!((f.id.as_str(), f.ram, f.vcpus), ("100", 16384, 8));
    let err = flavors
        .create(&CreateFlavor::new("gpu.large", 1, 1, 1))
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (409, "Flavor with name gpu.large already exists.".into())
    );
    // PUT with another key than the URL's.
    let (status, body) = raw(
        &fake,
        reqwest::Method::PUT,
        "/flavors/100/os-extra_specs/hw:cpu_policy",
        "2.86",
        Some(json!({"hw:numa_nodes": "1"})),
    )
    .await;
    assert_eq!(
        (status, &body["badRequest"]["message"]),
        (400, &json!("Request body and URI mismatch"))
    );
    let err = flavors
        .set_extra_specs("100", &[("hw:cpu_policy", "fastest")])
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (
            400,
            "Validation failed; 'fastest' is not one of: dedicated, shared, mixed.".into()
        )
    );
    let err = flavors.add_tenant_access("1", "p1").await.unwrap_err();
    assert_eq!(
        api(&err),
        (409, "Can not add access to a public flavor.".into())
    );
    let err = flavors.remove_tenant_access("100", "p1").await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            404,
            "Flavor access not found for 100 / p1 combination.".into()
        )
    );
    let id = fake
        .add_server(FakeServer::new("gpu-1").flavor("100"))
        .unwrap();
    flavors.delete("100").await.unwrap();
    assert_eq!(flavors.get("100").await.unwrap_err().status(), Some(404));
    assert_eq!(flavors.delete("100").await.unwrap_err().status(), Some(404));
    // The server keeps the flavor it was booted with (2.47+ embeds it).
    let server = client.compute().servers().get(&id).await.unwrap();
    let embedded = server.flavor.as_ref().and_then(|f| f.embedded()).unwrap();
    assert_eq!(
        (embedded.original_name.as_str(), embedded.ram),
        ("gpu.large", 16384)
    );
    // And a new server cannot use it.
    let err = fake
        .add_server(FakeServer::new("gpu-2").flavor("100"))
        .unwrap_err();
    assert!(
        err.to_string().contains("Flavor 100 could not be found."),
        "{err}"
    );
}

#[tokio::test]
async fn aggregates_and_zones() {
    let fake = quick().start().await.unwrap();
    let client = fake.client().unwrap();
    let aggs = client.compute().aggregates();
    let a = aggs.create(&CreateAggregate::new("ssd")).await.unwrap();
    let err = aggs.create(&CreateAggregate::new("ssd")).await.unwrap_err();
    assert_eq!(api(&err), (409, "Aggregate ssd already exists.".into()));
    aggs.add_host(&a.id, "fake-host").await.unwrap();
    let err = aggs.add_host(&a.id, "fake-host").await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            409,
            format!("Aggregate {} already has host fake-host.", a.id)
        )
    );
    let a = aggs.remove_host(&a.id, "fake-host").await.unwrap();
    assert!(a.hosts.is_empty());
    let err = aggs.remove_host(&a.id, "fake-host").await.unwrap_err();
    assert_eq!(
        api(&err),
        (404, format!("Aggregate {} has no host fake-host.", a.id))
    );
    aggs.delete(&a.id).await.unwrap();
    assert_eq!(aggs.get(&a.id).await.unwrap_err().status(), Some(404));

    // A zone aggregate holding the host replaces `nova` for new servers.
    let fast = aggs
        .create(&CreateAggregate::new("fast-hosts").availability_zone("fast"))
        .await
        .unwrap();
    aggs.add_host(&fast.id, "fake-host").await.unwrap();
    let servers = client.compute().servers();
    let boot = |az: &str| {
        stackclient::compute::CreateServer::new("z", "1")
            .image(FakeCloud::IMAGE_ID)
            .network(fake.network_id("private").unwrap())
            .availability_zone(az)
    };
    let err = servers.create(&boot("nova")).await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            400,
            "The requested availability zone is not available".into()
        )
    );
    let created = servers.create(&boot("fast")).await.unwrap();
    let server = servers.get(&created.id).await.unwrap();
    assert_eq!(server.availability_zone.as_deref(), Some("fast"));
}

#[tokio::test]
async fn quota_updates_are_checked_against_usage() {
    let fake = quick().start().await.unwrap();
    let client = fake.client().unwrap();
    fake.add_server(FakeServer::new("a")).unwrap();
    fake.add_server(FakeServer::new("b")).unwrap();
    let quotas = client.compute().quota_sets();
    let project = fake.project_id();
    let err = quotas
        .update(project, &UpdateQuotaSet::new().instances(1))
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (400, "Quota limit 1 for instances must be greater than or equal to already used and reserved 2.".into())
    );
    quotas
        .update(project, &UpdateQuotaSet::new().instances(1).force(true))
        .await
        .unwrap();
    assert_eq!(quotas.get(project).await.unwrap().instances, Some(1));
    assert_eq!(quotas.defaults(project).await.unwrap().instances, Some(10));
    let detail = quotas.detail(project).await.unwrap();
    assert_eq!(detail.instances.map(|q| (q.limit, q.in_use)), Some((1, 2)));
}

#[tokio::test]
async fn soft_delete_is_reclaimed_after_the_interval() {
    let fake = quick()
        .reclaim_instance_interval(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let client = fake.client().unwrap();
    let servers = client.compute().servers();
    let id = fake.add_server(FakeServer::new("web-1")).unwrap();
    servers.delete(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::SoftDeleted, fast())
        .await
        .unwrap();
    servers.perform(&id, ServerAction::restore()).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();
    // A DELETE of a soft-deleted server deletes it at once.
    let other = fake.add_server(FakeServer::new("web-2")).unwrap();
    servers.delete(&other).await.unwrap();
    servers
        .wait_for_status_with(&other, ServerStatus::SoftDeleted, fast())
        .await
        .unwrap();
    servers.delete(&other).await.unwrap();
    assert_eq!(servers.get(&other).await.unwrap_err().status(), Some(404));
    servers.delete(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::SoftDeleted, fast())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(servers.get(&id).await.unwrap_err().status(), Some(404));
    // Reclaimed: its port is gone too.
    let ports = client
        .network()
        .ports()
        .list()
        .device_id(&id)
        .all()
        .await
        .unwrap();
    assert!(ports.is_empty());
}

#[tokio::test]
async fn server_creates_are_held_to_the_quotas() {
    let fake = quick().start().await.unwrap();
    let client = fake.client().unwrap();
    let project = fake.project_id();
    client
        .compute()
        .quota_sets()
        .update(project, &UpdateQuotaSet::new().instances(1))
        .await
        .unwrap();
    fake.add_server(FakeServer::new("a")).unwrap();
    let err = client
        .compute()
        .servers()
        .create(
            &stackclient::compute::CreateServer::new("b", "1")
                .image(FakeCloud::IMAGE_ID)
                .network(fake.network_id("private").unwrap()),
        )
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (
            403,
            "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances".into()
        )
    );
    // m1.small has 2048 MiB: 512 used (m1.tiny) + 2048 is over a 2559 MiB quota.
    let quotas = client.compute().quota_sets();
    quotas
        .update(project, &UpdateQuotaSet::new().instances(10).ram_mib(2559))
        .await
        .unwrap();
    let err = fake
        .add_server(FakeServer::new("c").flavor("2"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Quota exceeded for ram: Requested 2048, but already used 512 of 2559 ram"),
        "{err}"
    );
}
