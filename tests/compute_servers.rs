//! Server operations beyond the generic verbs, against a wiremock Nova: update, every action (method,
//! path, both microversion headers, whole JSON body), the local microversion check (nothing sent),
//! sub-resources (metadata, addresses, instance actions, diagnostics, password, topology, consoles),
//! attachments, tags, list filters, and the waiters that follow task_state (including `wait_all`
//! with one list call per round).

mod common;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Value, json};
use stackclient::compute::{
    AttachInterface, AttachVolume, BlockMigration, ConsoleProtocol, ConsoleType, CreateBackup,
    CreateImage, DiskConfig, Evacuate, LiveMigrate, RebootType, RebuildServer, Rescue, ResetState,
    Resize, ServerAction, ServerStatus, Unshelve, UpdateServer, UpdateVolumeAttachment,
};
use stackclient::{Client, Error, Field, WaitOptions};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{client, header, json_fixture, mount_keystone, mount_nova_version, query, received};

const TOKEN: &str = "tok-compute-1";
const ID: &str = "9168b536-cd40-4630-b43f-b259807c6e87";
const IMAGE_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";
const VOLUME_ID: &str = "5bd4c1f8-8e36-4b1c-9d6a-1f0e2a7c3b11";
const PORT_ID: &str = "c0ffee00-1234-4abc-8def-0123456789ab";

async fn nova(max: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    mount_keystone(&server, TOKEN).await;
    mount_nova_version(&server, max).await;
    let client = client(&server);
    (server, client)
}

fn p(rest: &str) -> String {
    format!("/compute/v2.1/servers/{ID}{rest}")
}

#[track_caller]
fn assert_nova_headers(r: &Request, mv: &str) {
    assert_eq!(header(r, "x-auth-token"), Some(TOKEN));
    assert_eq!(header(r, "x-openstack-nova-api-version"), Some(mv));
    assert_eq!(
        header(r, "openstack-api-version"),
        Some(format!("compute {mv}").as_str())
    );
}

async fn api_requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() != "/compute/v2.1" && !r.url.path().starts_with("/identity"))
        .collect()
}

fn body_json(r: &Request) -> Value {
    serde_json::from_slice(&r.body).expect("a JSON request body")
}

fn srv(id: &str, status: &str, task: Option<&str>) -> Value {
    json!({
        "id": id, "name": format!("w-{}", &id[..4]), "status": status,
        "OS-EXT-STS:task_state": task,
        "created": "2024-05-01T10:00:00Z", "updated": "2024-05-01T10:05:00Z",
        "tenant_id": "p1", "user_id": "u1", "addresses": {}, "links": []
    })
}

fn server_at(status: &str, task: Option<&str>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "server": srv(ID, status, task) }))
}

fn fast() -> WaitOptions {
    WaitOptions::default()
        .timeout(Duration::from_secs(10))
        .interval(Duration::from_millis(5), Duration::from_millis(20))
}

async fn mount_action(server: &MockServer, resp: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(p("/action")))
        .respond_with(resp)
        .mount(server)
        .await;
}

// ------------------------------------------------------------------------------------------------
// actions
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_action_sends_its_exact_body_and_both_headers() {
    let (server, client) = nova("2.100").await;
    mount_action(&server, ResponseTemplate::new(202)).await;
    let s = client.compute().servers();
    let pw = SecretString::from("n3w-pass".to_string());
    s.reboot(ID, RebootType::Soft).await.unwrap();
    s.reboot(ID, RebootType::Hard).await.unwrap();
    s.start(ID).await.unwrap();
    s.stop(ID).await.unwrap();
    s.pause(ID).await.unwrap();
    s.unpause(ID).await.unwrap();
    s.suspend(ID).await.unwrap();
    s.resume(ID).await.unwrap();
    s.lock(ID, None).await.unwrap();
    s.lock(ID, Some("maintenance")).await.unwrap();
    s.unlock(ID).await.unwrap();
    s.unrescue(ID).await.unwrap();
    s.shelve(ID).await.unwrap();
    s.shelve_offload(ID).await.unwrap();
    s.unshelve(ID, Unshelve::new()).await.unwrap();
    s.unshelve(ID, Unshelve::new().availability_zone("az-2"))
        .await
        .unwrap();
    s.unshelve(
        ID,
        Unshelve::new().availability_zone(Field::Null).host("h1"),
    )
    .await
    .unwrap();
    s.resize(ID, Resize::new("3").disk_config(DiskConfig::Auto))
        .await
        .unwrap();
    s.confirm_resize(ID).await.unwrap();
    s.revert_resize(ID).await.unwrap();
    s.migrate(ID, None).await.unwrap();
    s.migrate(ID, Some("host-9")).await.unwrap();
    s.live_migrate(ID, LiveMigrate::new()).await.unwrap();
    s.live_migrate(
        ID,
        LiveMigrate::new()
            .host("host-2")
            .block_migration(BlockMigration::No),
    )
    .await
    .unwrap();
    s.force_delete(ID).await.unwrap();
    s.restore(ID).await.unwrap();
    s.trigger_crash_dump(ID).await.unwrap();
    s.reset_state(ID, ResetState::Active).await.unwrap();
    s.reset_state(ID, ResetState::Error).await.unwrap();
    s.change_admin_password(ID, &pw).await.unwrap();
    s.add_security_group(ID, "web").await.unwrap();
    s.remove_security_group(ID, "web").await.unwrap();
    s.perform(ID, ServerAction::pause()).await.unwrap();
    let reqs = received(&server, "POST", &p("/action")).await;
    let bodies: Vec<Value> = reqs.iter().map(body_json).collect();
    assert_eq!(
        bodies,
        vec![
            json!({"reboot": {"type": "SOFT"}}),
            json!({"reboot": {"type": "HARD"}}),
            json!({"os-start": null}),
            json!({"os-stop": null}),
            json!({"pause": null}),
            json!({"unpause": null}),
            json!({"suspend": null}),
            json!({"resume": null}),
            json!({"lock": null}),
            json!({"lock": {"locked_reason": "maintenance"}}),
            json!({"unlock": null}),
            json!({"unrescue": null}),
            json!({"shelve": null}),
            json!({"shelveOffload": null}),
            json!({"unshelve": null}),
            json!({"unshelve": {"availability_zone": "az-2"}}),
            json!({"unshelve": {"availability_zone": null, "host": "h1"}}),
            json!({"resize": {"flavorRef": "3", "OS-DCF:diskConfig": "AUTO"}}),
            json!({"confirmResize": null}),
            json!({"revertResize": null}),
            json!({"migrate": null}),
            json!({"migrate": {"host": "host-9"}}),
            json!({"os-migrateLive": {"host": null, "block_migration": "auto"}}),
            json!({"os-migrateLive": {"host": "host-2", "block_migration": false}}),
            json!({"forceDelete": null}),
            json!({"restore": null}),
            json!({"trigger_crash_dump": null}),
            json!({"os-resetState": {"state": "active"}}),
            json!({"os-resetState": {"state": "error"}}),
            json!({"changePassword": {"adminPass": "n3w-pass"}}),
            json!({"addSecurityGroup": {"name": "web"}}),
            json!({"removeSecurityGroup": {"name": "web"}}),
            json!({"pause": null}),
        ]
    );
    for r in &reqs {
        assert_nova_headers(r, "2.100");
        assert_eq!(header(r, "content-type"), Some("application/json"));
    }
}

#[tokio::test]
async fn actions_above_the_clouds_microversion_fail_locally_and_send_nothing() {
    let (server, client) = nova("2.20").await;
    mount_action(&server, ResponseTemplate::new(202)).await;
    let s = client.compute().servers();
    let mut errors: Vec<(String, Error)> = Vec::new();
    let mut push = |what: &str, r: Result<(), Error>| errors.push((what.into(), r.unwrap_err()));
    push("lock reason", s.lock(ID, Some("why")).await);
    push(
        "unshelve az",
        s.unshelve(ID, Unshelve::new().availability_zone("a")).await,
    );
    push(
        "unshelve host",
        s.unshelve(ID, Unshelve::new().host("h")).await,
    );
    push("migrate host", s.migrate(ID, Some("h")).await);
    push("live auto", s.live_migrate(ID, LiveMigrate::new()).await);
    push(
        "rebuild key",
        s.rebuild(ID, RebuildServer::new(IMAGE_ID).key_name("k"))
            .await
            .map(|_| ()),
    );
    push(
        "rebuild user_data",
        s.rebuild(ID, RebuildServer::new(IMAGE_ID).user_data("x"))
            .await
            .map(|_| ()),
    );
    push(
        "rebuild hostname",
        s.rebuild(ID, RebuildServer::new(IMAGE_ID).hostname("h"))
            .await
            .map(|_| ()),
    );
    push("diagnostics", s.diagnostics(ID).await.map(|_| ()));
    push("topology", s.topology(ID).await.map(|_| ()));
    push(
        "update hostname",
        s.update(ID, &UpdateServer::new().hostname("h"))
            .await
            .map(|_| ()),
    );
    push(
        "attach tag",
        s.attach_volume(ID, &AttachVolume::new(VOLUME_ID).tag("t"))
            .await
            .map(|_| ()),
    );
    push(
        "attach dot",
        s.attach_volume(
            ID,
            &AttachVolume::new(VOLUME_ID).delete_on_termination(true),
        )
        .await
        .map(|_| ()),
    );
    push(
        "interface tag",
        s.attach_interface(ID, &AttachInterface::port(PORT_ID).tag("t"))
            .await
            .map(|_| ()),
    );
    push(
        "swap dot",
        s.update_volume_attachment(
            ID,
            VOLUME_ID,
            &UpdateVolumeAttachment::new(VOLUME_ID).delete_on_termination(true),
        )
        .await,
    );
    push(
        "spice-direct console",
        s.remote_console(ID, ConsoleProtocol::Spice, ConsoleType::SpiceDirect)
            .await
            .map(|_| ()),
    );
    push(
        "locked filter",
        s.list().locked(true).send().await.map(|_| ()),
    );
    push(
        "changes-before",
        s.list()
            .changes_before(chrono::Utc::now())
            .send()
            .await
            .map(|_| ()),
    );
    let required: Vec<(String, String)> = errors
        .iter()
        .map(|(what, e)| match e {
            Error::MicroversionUnsupported {
                service,
                required,
                available,
            } => {
                assert_eq!(service, "compute");
                assert_eq!(available, "2.20 is in use", "{what}");
                (what.clone(), required.clone())
            }
            other => panic!("{what}: {other:?}"),
        })
        .collect();
    let expect = [
        ("lock reason", "2.73"),
        ("unshelve az", "2.77"),
        ("unshelve host", "2.91"),
        ("migrate host", "2.56"),
        ("live auto", "2.25"),
        ("rebuild key", "2.54"),
        ("rebuild user_data", "2.57"),
        ("rebuild hostname", "2.90"),
        ("diagnostics", "2.48"),
        ("topology", "2.78"),
        ("update hostname", "2.90"),
        ("attach tag", "2.49"),
        ("attach dot", "2.79"),
        ("interface tag", "2.49"),
        ("swap dot", "2.85"),
        ("spice-direct console", "2.99"),
        ("locked filter", "2.73"),
        ("changes-before", "2.66"),
    ];
    assert_eq!(
        required,
        expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    );
    assert!(
        api_requests(&server).await.is_empty(),
        "nothing may reach Nova"
    );
    // Within 2.20: a crash dump (2.17) is sent, with 2.20 in both headers.
    s.trigger_crash_dump(ID).await.unwrap();
    let sent = api_requests(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(body_json(&sent[0]), json!({"trigger_crash_dump": null}));
    assert_nova_headers(&sent[0], "2.20");
}

#[tokio::test]
async fn rebuild_sends_every_field_and_returns_the_server() {
    let (server, client) = nova("2.90").await;
    mount_action(
        &server,
        ResponseTemplate::new(202)
            .set_body_json(json!({"server": srv(ID, "REBUILD", Some("rebuilding"))})),
    )
    .await;
    let md = BTreeMap::from([("role".to_string(), "db".to_string())]);
    let rebuilt = client
        .compute()
        .servers()
        .rebuild(
            ID,
            RebuildServer::new(IMAGE_ID)
                .name("db-1")
                .admin_pass("seekr3t")
                .metadata(md)
                .access_ipv4(Ipv4Addr::new(1, 2, 3, 4))
                .access_ipv6(Ipv6Addr::LOCALHOST)
                .disk_config(DiskConfig::Manual)
                .preserve_ephemeral(false)
                .description(Field::Null)
                .key_name(Field::Null)
                .user_data("echo hi")
                .hostname("db-1.example.com"),
        )
        .await
        .unwrap();
    assert_eq!(rebuilt.status, ServerStatus::Rebuild);
    assert_eq!(rebuilt.task_state.as_deref(), Some("rebuilding"));
    let reqs = received(&server, "POST", &p("/action")).await;
    assert_eq!(
        body_json(&reqs[0]),
        json!({"rebuild": {
            "imageRef": IMAGE_ID, "name": "db-1", "adminPass": "seekr3t", "metadata": {"role": "db"},
            "accessIPv4": "1.2.3.4", "accessIPv6": "::1", "OS-DCF:diskConfig": "MANUAL",
            "preserve_ephemeral": false, "description": null, "key_name": null,
            "user_data": "ZWNobyBoaQ==", "hostname": "db-1.example.com"
        }})
    );
    assert_nova_headers(&reqs[0], "2.90");
}

#[tokio::test]
async fn create_image_reads_the_location_header_before_2_45_and_the_body_from_2_45() {
    let (server, client) = nova("2.44").await;
    mount_action(
        &server,
        ResponseTemplate::new(202).insert_header(
            "location",
            "http://glance.example/v2/images/0e7761dd-ee98-41f0-ba35-05994e446431",
        ),
    )
    .await;
    let s = client.compute().servers();
    let id = s
        .create_image(ID, CreateImage::new("snap").metadata("k", "v"))
        .await
        .unwrap();
    assert_eq!(id, "0e7761dd-ee98-41f0-ba35-05994e446431");
    let backup = s
        .create_backup(ID, CreateBackup::new("b", "daily", 2))
        .await
        .unwrap();
    assert_eq!(
        backup.as_deref(),
        Some("0e7761dd-ee98-41f0-ba35-05994e446431")
    );
    let reqs = received(&server, "POST", &p("/action")).await;
    assert_eq!(
        body_json(&reqs[0]),
        json!({"createImage": {"name": "snap", "metadata": {"k": "v"}}})
    );
    assert_eq!(
        body_json(&reqs[1]),
        json!({"createBackup": {"name": "b", "backup_type": "daily", "rotation": 2}})
    );
    assert_nova_headers(&reqs[0], "2.44");

    let (server, client) = nova("2.45").await;
    mount_action(
        &server,
        ResponseTemplate::new(202)
            .set_body_json(json!({"image_id": "1e1e1e1e-0000-4000-8000-000000000002"})),
    )
    .await;
    let id = client
        .compute()
        .servers()
        .create_image(ID, CreateImage::new("snap"))
        .await
        .unwrap();
    assert_eq!(id, "1e1e1e1e-0000-4000-8000-000000000002");
    assert_nova_headers(&received(&server, "POST", &p("/action")).await[0], "2.45");

    // Neither a body nor a Location: a decode error, not an empty id.
    let (server, client) = nova("2.45").await;
    mount_action(&server, ResponseTemplate::new(202)).await;
    let err = client
        .compute()
        .servers()
        .create_image(ID, CreateImage::new("snap"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn rescue_and_evacuate_return_the_admin_password() {
    let (server, client) = nova("2.13").await;
    mount_action(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"adminPass": "R3scue"})),
    )
    .await;
    let s = client.compute().servers();
    let pw = s
        .rescue(
            ID,
            Rescue::new()
                .admin_pass("R3scue")
                .rescue_image_ref(IMAGE_ID),
        )
        .await
        .unwrap();
    assert_eq!(pw.unwrap().expose_secret(), "R3scue");
    let pw = s
        .evacuate(
            ID,
            Evacuate::new()
                .host("h2")
                .admin_pass("R3scue")
                .on_shared_storage(false),
        )
        .await
        .unwrap();
    assert_eq!(pw.unwrap().expose_secret(), "R3scue");
    let reqs = received(&server, "POST", &p("/action")).await;
    assert_eq!(
        body_json(&reqs[0]),
        json!({"rescue": {"adminPass": "R3scue", "rescue_image_ref": IMAGE_ID}})
    );
    assert_eq!(
        body_json(&reqs[1]),
        json!({"evacuate": {"host": "h2", "adminPass": "R3scue", "onSharedStorage": false}})
    );
    // Debug of an action with a password does not show it.
    let dbg = format!("{:?}", Evacuate::new().admin_pass("R3scue"));
    assert!(!dbg.contains("R3scue"), "{dbg}");
}

#[tokio::test]
async fn console_output_and_remote_console() {
    let (server, client) = nova("2.100").await;
    mount_action(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"output": "line 1\nline 2"})),
    )
    .await;
    Mock::given(method("POST"))
        .and(path(p("/remote-consoles")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"remote_console": {
            "protocol": "vnc", "type": "novnc", "url": "http://vnc.example:6080/vnc_auto.html?path=%3Ftoken%3Dabc"
        }})))
        .mount(&server)
        .await;
    let s = client.compute().servers();
    assert_eq!(
        s.console_output(ID, Some(2)).await.unwrap(),
        "line 1\nline 2"
    );
    assert_eq!(s.console_output(ID, None).await.unwrap(), "line 1\nline 2");
    let c = s
        .remote_console(ID, ConsoleProtocol::Vnc, ConsoleType::NoVnc)
        .await
        .unwrap();
    assert_eq!(c.protocol, "vnc");
    assert_eq!(c.console_type, "novnc");
    assert_eq!(
        c.url,
        "http://vnc.example:6080/vnc_auto.html?path=%3Ftoken%3Dabc"
    );
    let reqs = received(&server, "POST", &p("/action")).await;
    assert_eq!(
        body_json(&reqs[0]),
        json!({"os-getConsoleOutput": {"length": 2}})
    );
    assert_eq!(body_json(&reqs[1]), json!({"os-getConsoleOutput": {}}));
    let rc = received(&server, "POST", &p("/remote-consoles")).await;
    assert_eq!(
        body_json(&rc[0]),
        json!({"remote_console": {"protocol": "vnc", "type": "novnc"}})
    );
    assert_nova_headers(&rc[0], "2.100");
}

#[tokio::test]
async fn a_wrong_state_is_a_conflict_with_novas_message() {
    let (server, client) = nova("2.60").await;
    let msg = format!("Cannot 'pause' instance {ID} while it is in vm_state stopped");
    mount_action(
        &server,
        ResponseTemplate::new(409)
            .set_body_json(json!({"conflictingRequest": {"code": 409, "message": msg}})),
    )
    .await;
    let err = client.compute().servers().pause(ID).await.unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(err.as_api().unwrap().message, msg);
    assert_eq!(
        err.as_api().unwrap().code.as_deref(),
        Some("conflictingRequest")
    );
}

// ------------------------------------------------------------------------------------------------
// update
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn update_sends_only_the_fields_set_with_explicit_nulls() {
    let (server, client) = nova("2.100").await;
    Mock::given(method("PUT"))
        .and(path(p("")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json_fixture("compute/server_2.100.json")),
        )
        .mount(&server)
        .await;
    let s = client.compute().servers();
    let updated = s
        .update(
            ID,
            &UpdateServer::new()
                .name("web-2")
                .description(Field::Null)
                .access_ipv4(Ipv4Addr::new(4, 3, 2, 1))
                .access_ipv6("80fe::".parse().unwrap())
                .disk_config(DiskConfig::Auto)
                .hostname("web-2"),
        )
        .await
        .unwrap();
    assert!(!updated.id.is_empty());
    s.update(ID, &UpdateServer::new().description("d"))
        .await
        .unwrap();
    let reqs = received(&server, "PUT", &p("")).await;
    assert_eq!(
        body_json(&reqs[0]),
        json!({"server": {"name": "web-2", "description": null, "accessIPv4": "4.3.2.1",
            "accessIPv6": "80fe::", "OS-DCF:diskConfig": "AUTO", "hostname": "web-2"}})
    );
    assert_eq!(body_json(&reqs[1]), json!({"server": {"description": "d"}}));
    assert_nova_headers(&reqs[0], "2.100");
}

// ------------------------------------------------------------------------------------------------
// metadata, addresses, password, diagnostics, topology, instance actions
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn metadata_list_set_update_get_one_set_one_delete_one() {
    let (server, client) = nova("2.60").await;
    let md = json!({"metadata": {"a": "1", "b": "2"}});
    for m in ["GET", "PUT", "POST"] {
        Mock::given(method(m))
            .and(path(p("/metadata")))
            .respond_with(ResponseTemplate::new(200).set_body_json(md.clone()))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(p("/metadata/a")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"meta": {"a": "1"}})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/metadata/a%20b")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"meta": {"a b": "x"}})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(p("/metadata/a")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let s = client.compute().servers();
    let want = BTreeMap::from([("a".into(), "1".into()), ("b".into(), "2".into())]);
    assert_eq!(s.metadata(ID).await.unwrap(), want);
    let one = BTreeMap::from([("a".to_string(), "1".to_string())]);
    assert_eq!(s.replace_metadata(ID, &one).await.unwrap(), want);
    assert_eq!(s.update_metadata(ID, &BTreeMap::new()).await.unwrap(), want);
    assert_eq!(s.metadata_item(ID, "a").await.unwrap(), "1");
    s.set_metadata_item(ID, "a b", "x").await.unwrap();
    s.delete_metadata_item(ID, "a").await.unwrap();
    assert!(matches!(
        s.metadata_item(ID, "").await,
        Err(Error::InvalidInput(_))
    ));
    let reqs = api_requests(&server).await;
    let seen: Vec<(String, String, Option<Value>)> = reqs
        .iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.url.path().to_string(),
                (!r.body.is_empty()).then(|| body_json(r)),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("GET".into(), p("/metadata"), None),
            (
                "PUT".into(),
                p("/metadata"),
                Some(json!({"metadata": {"a": "1"}}))
            ),
            ("POST".into(), p("/metadata"), Some(json!({"metadata": {}}))),
            ("GET".into(), p("/metadata/a"), None),
            (
                "PUT".into(),
                p("/metadata/a%20b"),
                Some(json!({"meta": {"a b": "x"}}))
            ),
            ("DELETE".into(), p("/metadata/a"), None),
        ]
    );
    for r in &reqs {
        assert_nova_headers(r, "2.60");
    }
}

#[tokio::test]
async fn addresses_all_and_by_network() {
    let (server, client) = nova("2.60").await;
    let addr = json!([{"addr": "192.168.1.30", "version": 4}, {"addr": "fd00::5", "version": 6}]);
    Mock::given(method("GET"))
        .and(path(p("/ips")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"addresses": {"private": addr}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/ips/private")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"private": addr})))
        .mount(&server)
        .await;
    let s = client.compute().servers();
    let all = s.addresses(ID).await.unwrap();
    assert_eq!(all["private"].len(), 2);
    assert_eq!(all["private"][1].addr, "fd00::5");
    assert_eq!(all["private"][1].version, 6);
    let on = s.addresses_on(ID, "private").await.unwrap();
    assert_eq!(on[0].addr, "192.168.1.30");
    assert_eq!(on.len(), 2);
}

#[tokio::test]
async fn password_diagnostics_and_topology() {
    let (server, client) = nova("2.100").await;
    Mock::given(method("GET"))
        .and(path(p("/os-server-password")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"password": "xlozO3w=="})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/os-server-password")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"password": ""})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(p("/os-server-password")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/diagnostics")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json_fixture("compute/diagnostics_2.48.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/topology")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json_fixture("compute/topology_2.78.json")),
        )
        .mount(&server)
        .await;
    let s = client.compute().servers();
    assert_eq!(s.password(ID).await.unwrap().as_deref(), Some("xlozO3w=="));
    assert_eq!(s.password(ID).await.unwrap(), None);
    s.clear_password(ID).await.unwrap();
    let d = s.diagnostics(ID).await.unwrap();
    assert_eq!(d.state.as_deref(), Some("running"));
    assert_eq!(d.uptime, Some(3600));
    assert_eq!(d.memory_details.as_ref().unwrap().maximum, Some(2048));
    assert_eq!(d.cpu_details[0].time, Some(9_100_000_000));
    assert_eq!(d.disk_details[0].write_bytes, Some(2_097_152));
    assert_eq!(d.nic_details[0].rx_rate, None);
    assert_eq!(d.nic_details[0].tx_octets, Some(2048));
    let t = s.topology(ID).await.unwrap();
    assert_eq!(t.pagesize_kb, Some(4));
    assert_eq!(t.nodes[0].memory_mb, 2048);
    assert_eq!(t.nodes[0].vcpu_set, vec![0, 1]);
    assert_eq!(t.nodes[0].siblings, vec![vec![0, 1]]);
    assert_eq!(t.nodes[0].cpu_pinning.as_ref().unwrap()["1"], 3);
}

#[tokio::test]
async fn instance_actions_page_by_request_id_and_get_one() {
    let (server, client) = nova("2.84").await;
    let list_path = p("/os-instance-actions");
    let page1 = common::fixture(
        "compute/instance_actions_2.84_page.json",
        &server.uri(),
        Duration::from_secs(1),
    );
    Mock::given(method("GET"))
        .and(path(list_path.clone()))
        .and(wiremock::matchers::query_param_is_missing("marker"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page1))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(list_path.clone()))
        .and(wiremock::matchers::query_param(
            "marker",
            "req-7b0c3e55-0d4e-4b8a-9c11-5c7d1f2e3a40",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"instanceActions": [], "links": []})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p(
            "/os-instance-actions/req-7b0c3e55-0d4e-4b8a-9c11-5c7d1f2e3a40",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("compute/instance_action_2.84.json")),
        )
        .mount(&server)
        .await;
    let s = client.compute().servers();
    let since = common::utc(2024, 5, 1, 0, 0, 0);
    let all = s
        .instance_actions(ID)
        .unwrap()
        .limit(1)
        .changes_since(since)
        .all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].action, "reboot");
    assert_eq!(
        all[0].start_time,
        "2024-05-01T10:20:30.123456Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    let reqs = received(&server, "GET", &list_path).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        query(&reqs[1]),
        common::pairs(&[
            ("limit", "1"),
            ("changes-since", "2024-05-01T00:00:00Z"),
            ("marker", "req-7b0c3e55-0d4e-4b8a-9c11-5c7d1f2e3a40")
        ])
    );
    let one = s
        .instance_action(ID, "req-7b0c3e55-0d4e-4b8a-9c11-5c7d1f2e3a40")
        .await
        .unwrap();
    assert_eq!(one.events.len(), 1);
    assert_eq!(one.events[0].event, "compute_reboot_instance");
    assert_eq!(one.events[0].host.as_deref(), Some("compute-3"));
    assert_eq!(one.events[0].result.as_deref(), Some("Success"));
    assert!(s.instance_actions("").is_err());
}

// ------------------------------------------------------------------------------------------------
// attachments
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn volume_attachments_list_attach_get_swap_detach() {
    let (server, client) = nova("2.100").await;
    let base = p("/os-volume_attachments");
    let one = format!("{base}/{VOLUME_ID}");
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("compute/volume_attachments_2.89.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(base.clone()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("compute/volume_attachment_2.79.json")),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    // 2.101: 202 without a body.
    Mock::given(method("POST"))
        .and(path(base.clone()))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(one.clone()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("compute/volume_attachment_2.79.json")),
        )
        .mount(&server)
        .await;
    for m in ["PUT", "DELETE"] {
        Mock::given(method(m))
            .and(path(one.clone()))
            .respond_with(ResponseTemplate::new(202))
            .mount(&server)
            .await;
    }
    let s = client.compute().servers();
    let list = s.volume_attachments(ID).await.unwrap();
    assert_eq!(list[0].volume_id, "77aa88bb-1111-4222-8333-944455556666");
    assert_eq!(
        list[0].attachment_id.as_deref(),
        Some("0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e")
    );
    assert_eq!(list[0].id, None);
    assert_eq!(list[0].tag, None);
    assert_eq!(list[0].delete_on_termination, Some(false));
    let req = AttachVolume::new(VOLUME_ID)
        .device("/dev/vdb")
        .tag("data")
        .delete_on_termination(true);
    let att = s.attach_volume(ID, &req).await.unwrap().unwrap();
    assert_eq!(att.device.as_deref(), Some("/dev/vdb"));
    assert_eq!(att.server_id, ID);
    assert_eq!(att.tag.as_deref(), Some("data"));
    assert_eq!(s.attach_volume(ID, &req).await.unwrap(), None);
    let got = s.volume_attachment(ID, VOLUME_ID).await.unwrap();
    assert_eq!(got.volume_id, VOLUME_ID);
    s.update_volume_attachment(
        ID,
        VOLUME_ID,
        &UpdateVolumeAttachment::new("aaaaaaaa-0000-4000-8000-000000000001"),
    )
    .await
    .unwrap();
    s.update_volume_attachment(
        ID,
        VOLUME_ID,
        &UpdateVolumeAttachment::new(VOLUME_ID).delete_on_termination(false),
    )
    .await
    .unwrap();
    s.detach_volume(ID, VOLUME_ID).await.unwrap();
    let posts = received(&server, "POST", &base).await;
    assert_eq!(
        body_json(&posts[0]),
        json!({"volumeAttachment": {"volumeId": VOLUME_ID, "device": "/dev/vdb", "tag": "data", "delete_on_termination": true}})
    );
    let puts = received(&server, "PUT", &one).await;
    assert_eq!(
        body_json(&puts[0]),
        json!({"volumeAttachment": {"volumeId": "aaaaaaaa-0000-4000-8000-000000000001"}})
    );
    assert_eq!(
        body_json(&puts[1]),
        json!({"volumeAttachment": {"volumeId": VOLUME_ID, "delete_on_termination": false}})
    );
    assert_eq!(received(&server, "DELETE", &one).await.len(), 1);
    for r in api_requests(&server).await {
        assert_nova_headers(&r, "2.100");
    }
}

#[tokio::test]
async fn interface_attachments_list_attach_get_detach() {
    let (server, client) = nova("2.70").await;
    let base = p("/os-interface");
    let one = format!("{base}/{PORT_ID}");
    let att = json_fixture("compute/interface_attachment_2.70.json");
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"interfaceAttachments": [att["interfaceAttachment"].clone()]}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(base.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(att.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(one.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(att.clone()))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(one.clone()))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let s = client.compute().servers();
    let list = s.interfaces(ID).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].fixed_ips[0].ip_address, "10.0.7.12");
    let a = s
        .attach_interface(
            ID,
            &AttachInterface::network("3f1c0b9e-7a6d-4c5b-8e4f-2a1b0c9d8e7f")
                .fixed_ip("10.0.7.12".parse().unwrap())
                .tag("mgmt"),
        )
        .await
        .unwrap();
    assert_eq!(a.port_id, PORT_ID);
    assert_eq!(a.mac_addr.as_deref(), Some("fa:16:3e:12:34:56"));
    assert_eq!(a.port_state.as_deref(), Some("ACTIVE"));
    s.attach_interface(ID, &AttachInterface::port(PORT_ID))
        .await
        .unwrap();
    assert_eq!(
        s.interface(ID, PORT_ID).await.unwrap().tag.as_deref(),
        Some("mgmt")
    );
    s.detach_interface(ID, PORT_ID).await.unwrap();
    let posts = received(&server, "POST", &base).await;
    assert_eq!(
        body_json(&posts[0]),
        json!({"interfaceAttachment": {"net_id": "3f1c0b9e-7a6d-4c5b-8e4f-2a1b0c9d8e7f",
            "fixed_ips": [{"ip_address": "10.0.7.12"}], "tag": "mgmt"}})
    );
    assert_eq!(
        body_json(&posts[1]),
        json!({"interfaceAttachment": {"port_id": PORT_ID}})
    );
    assert_nova_headers(&posts[0], "2.70");
}

// ------------------------------------------------------------------------------------------------
// tags and list filters
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn server_tags_end_to_end_at_2_26() {
    let (server, client) = nova("2.26").await;
    let tags = p("/tags");
    Mock::given(method("GET"))
        .and(path(tags.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tags": ["a", "b"]})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(tags.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tags": ["x", "y"]})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/tags/z")))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/tags/z")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/tags/q")))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(
                json!({"itemNotFound": {"code": 404, "message": "Tag q not found"}}),
            ),
        )
        .mount(&server)
        .await;
    for (m, pth) in [("DELETE", p("/tags/z")), ("DELETE", tags.clone())] {
        Mock::given(method(m))
            .and(path(pth))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
    }
    let s = client.compute().servers();
    assert_eq!(s.tags(ID).await.unwrap(), vec!["a", "b"]);
    assert_eq!(
        s.replace_tags(ID, &["x", "y"]).await.unwrap(),
        vec!["x", "y"]
    );
    s.add_tag(ID, "z").await.unwrap();
    assert!(s.has_tag(ID, "z").await.unwrap());
    assert!(!s.has_tag(ID, "q").await.unwrap());
    s.remove_tag(ID, "z").await.unwrap();
    s.clear_tags(ID).await.unwrap();
    let reqs = api_requests(&server).await;
    assert_eq!(reqs.len(), 7);
    assert_eq!(body_json(&reqs[1]), json!({"tags": ["x", "y"]}));
    for r in &reqs {
        assert_nova_headers(r, "2.26");
    }
    // Below 2.26 the tags API fails locally.
    let (server, client) = nova("2.25").await;
    let err = client.compute().servers().tags(ID).await.unwrap_err();
    assert!(
        matches!(err, Error::MicroversionUnsupported { ref required, .. } if required == "2.26")
    );
    assert!(api_requests(&server).await.is_empty());
}

#[tokio::test]
async fn list_sends_every_typed_filter() {
    let (server, client) = nova("2.100").await;
    Mock::given(method("GET"))
        .and(path("/compute/v2.1/servers/detail"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"servers": [srv(ID, "ACTIVE", None)]})),
        )
        .mount(&server)
        .await;
    let t = common::utc(2024, 5, 1, 12, 0, 0);
    let page = client
        .compute()
        .servers()
        .list()
        .ip("10\\.0\\.")
        .ip6("fd00:")
        .host("compute-1")
        .node("node-1")
        .project_id("p1")
        .user_id("u1")
        .reservation_id("r-1")
        .key_name("k")
        .availability_zone("az-1")
        .vm_state("active")
        .task_state("rebooting")
        .power_state(1)
        .uuid(ID)
        .changes_since(t)
        .changes_before(t)
        .locked(false)
        .all_tenants(true)
        .deleted(false)
        .tags(&["a", "b"])
        .send()
        .await
        .unwrap();
    assert_eq!(page.items[0].id, ID);
    let reqs = received(&server, "GET", "/compute/v2.1/servers/detail").await;
    assert_eq!(
        query(&reqs[0]),
        common::pairs(&[
            ("ip", "10\\.0\\."),
            ("ip6", "fd00:"),
            ("host", "compute-1"),
            ("node", "node-1"),
            ("project_id", "p1"),
            ("user_id", "u1"),
            ("reservation_id", "r-1"),
            ("key_name", "k"),
            ("availability_zone", "az-1"),
            ("vm_state", "active"),
            ("task_state", "rebooting"),
            ("power_state", "1"),
            ("uuid", ID),
            ("changes-since", "2024-05-01T12:00:00Z"),
            ("changes-before", "2024-05-01T12:00:00Z"),
            ("locked", "false"),
            ("all_tenants", "True"),
            ("deleted", "False"),
            ("tags", "a,b"),
        ])
    );
}

// ------------------------------------------------------------------------------------------------
// waiters
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn wait_for_status_is_not_done_while_a_task_runs() {
    let (server, client) = nova("2.60").await;
    // After a reboot: ACTIVE/reboot_pending (still running), REBOOT/rebooting, ACTIVE/null.
    for (status, task) in [
        ("ACTIVE", Some("reboot_pending")),
        ("REBOOT", Some("rebooting")),
    ] {
        Mock::given(method("GET"))
            .and(path(p("")))
            .respond_with(server_at(status, task))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(p("")))
        .respond_with(server_at("ACTIVE", None))
        .mount(&server)
        .await;
    let s = client
        .compute()
        .servers()
        .wait_for_status_with(ID, ServerStatus::Active, fast())
        .await
        .unwrap();
    assert_eq!(s.status, ServerStatus::Active);
    assert_eq!(s.task_state, None);
    assert_eq!(received(&server, "GET", &p("")).await.len(), 3);
}

#[tokio::test]
async fn a_timeout_names_the_running_task() {
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(p("")))
        .respond_with(server_at("ACTIVE", Some("resize_migrating")))
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .wait_for_status_with(
            ID,
            ServerStatus::Active,
            fast().timeout(Duration::from_millis(60)),
        )
        .await
        .unwrap_err();
    match err {
        Error::WaitTimeout {
            last_status,
            wanted,
            ..
        } => {
            assert_eq!(last_status, "ACTIVE (resize_migrating)");
            assert_eq!(wanted, "ACTIVE");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn deleting_a_server_in_error_waits_for_its_deletion() {
    let (server, client) = nova("2.60").await;
    for _ in 0..2 {
        Mock::given(method("GET"))
            .and(path(p("")))
            .respond_with(server_at("ERROR", Some("deleting")))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(p("")))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"itemNotFound": {"code": 404, "message": "Instance could not be found."}}),
        ))
        .mount(&server)
        .await;
    client
        .compute()
        .servers()
        .wait_for_delete_with(ID, fast())
        .await
        .unwrap();
    assert_eq!(received(&server, "GET", &p("")).await.len(), 3);

    // ERROR with no task running: the deletion failed; said at once.
    let (server, client) = nova("2.60").await;
    Mock::given(method("GET"))
        .and(path(p("")))
        .respond_with(server_at("ERROR", None))
        .mount(&server)
        .await;
    let err = client
        .compute()
        .servers()
        .wait_for_delete_with(ID, fast())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WaitFailed { ref status, .. } if status == "ERROR"));
    assert_eq!(received(&server, "GET", &p("")).await.len(), 1);
}

#[tokio::test]
async fn wait_all_polls_one_list_per_round_and_reports_each_server() {
    let (server, client) = nova("2.60").await;
    let a = "aaaaaaaa-0000-4000-8000-000000000001";
    let b = "bbbbbbbb-0000-4000-8000-000000000002";
    let c = "cccccccc-0000-4000-8000-000000000003";
    let d = "dddddddd-0000-4000-8000-000000000004";
    let other = "eeeeeeee-0000-4000-8000-000000000005";
    let round = |a_st: (&str, Option<&str>), b_st: (&str, Option<&str>)| {
        let mut err = srv(c, "ERROR", None);
        err["fault"] = json!({"code": 500, "message": "No valid host was found. ", "created": "2024-05-01T10:01:00Z"});
        ResponseTemplate::new(200).set_body_json(json!({"servers": [
            srv(a, a_st.0, a_st.1), srv(b, b_st.0, b_st.1), err, srv(other, "BUILD", Some("spawning"))
        ]}))
    };
    let detail = "/compute/v2.1/servers/detail";
    Mock::given(method("GET"))
        .and(path(detail))
        .respond_with(round(
            ("BUILD", Some("spawning")),
            ("BUILD", Some("spawning")),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(detail))
        .respond_with(round(("ACTIVE", None), ("BUILD", Some("networking"))))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(detail))
        .respond_with(round(("ACTIVE", None), ("ACTIVE", None)))
        .mount(&server)
        .await;
    let out = client
        .compute()
        .servers()
        .wait_all_with(&[a, b, c, d], ServerStatus::Active, fast())
        .await
        .unwrap();
    let ids: Vec<&str> = out.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, [a, b, c, d]);
    assert_eq!(out[0].result.as_ref().unwrap().status, ServerStatus::Active);
    assert_eq!(out[1].result.as_ref().unwrap().id, b);
    match &out[2].result {
        Err(Error::WaitFailed { status, fault, .. }) => {
            assert_eq!(status, "ERROR");
            assert_eq!(fault.as_deref(), Some("500 No valid host was found."));
        }
        other => panic!("{other:?}"),
    }
    match &out[3].result {
        Err(Error::WaitFailed { status, .. }) => assert_eq!(status, "GONE"),
        other => panic!("{other:?}"),
    }
    // Three rounds, one list call each, and no GET of a single server.
    let reqs = api_requests(&server).await;
    assert_eq!(
        reqs.len(),
        3,
        "{:?}",
        reqs.iter().map(|r| r.url.to_string()).collect::<Vec<_>>()
    );
    assert!(
        reqs.iter()
            .all(|r| r.url.path() == detail && r.method.as_str() == "GET")
    );
}

#[tokio::test]
async fn wait_all_times_out_per_server_with_its_last_status() {
    let (server, client) = nova("2.60").await;
    let a = "aaaaaaaa-0000-4000-8000-000000000001";
    let b = "bbbbbbbb-0000-4000-8000-000000000002";
    Mock::given(method("GET"))
        .and(path("/compute/v2.1/servers/detail"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"servers": [
            srv(a, "ACTIVE", None), srv(b, "SHUTOFF", Some("powering-on"))
        ]})))
        .mount(&server)
        .await;
    let out = client
        .compute()
        .servers()
        .wait_all_with(
            &[a, b],
            ServerStatus::Active,
            fast().timeout(Duration::from_millis(50)),
        )
        .await
        .unwrap();
    assert!(out[0].result.is_ok());
    match &out[1].result {
        Err(Error::WaitTimeout { last_status, .. }) => {
            assert_eq!(last_status, "SHUTOFF (powering-on)")
        }
        other => panic!("{other:?}"),
    }
}
