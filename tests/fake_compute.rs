//! The typed compute and image API against the embedded fake cloud: server actions with the
//! state and task-state sequences real Nova shows (checked on a loopback nova 33), Nova's fault
//! messages, keypairs, server groups, metadata, tags, interfaces and Glance paging.

#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use serde_json::{Value, json};
use stackclient::compute::{
    AttachInterface, CreateImage, CreateKeypair, CreateServer, CreateServerGroup, KeyType,
    RebootType, RebuildServer, Resize, Server, ServerGroupPolicy, ServerStatus,
};
use stackclient::image::{ImageStatus, ImageVisibility};
use stackclient::testing::{FakeCloud, FakeCloudBuilder};
use stackclient::{Client, ClientOptions, Error, Session, SortDir, WaitOptions};

/// The public key of Nova's API samples; real Nova (checked on the loopback cloud) gives it
/// this fingerprint.
const SAMPLE_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova";
const SAMPLE_FINGERPRINT: &str = "1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:b0:d5:3c";

fn fast() -> WaitOptions {
    WaitOptions::default()
        .timeout(Duration::from_secs(20))
        .interval(Duration::from_millis(10), Duration::from_millis(40))
}

async fn start(builder: FakeCloudBuilder) -> FakeCloud {
    builder.start().await.unwrap()
}

fn quick() -> FakeCloudBuilder {
    FakeCloud::builder()
        .build_delay(Duration::from_millis(60))
        .action_delay(Duration::from_millis(150))
}

fn client(fake: &FakeCloud) -> Client {
    Client::new(ClientOptions::new(Session::new(fake.config()))).unwrap()
}

/// A client pinned to a compute microversion.
fn client_at(fake: &FakeCloud, version: &str) -> Client {
    let cfg = fake.config().with_api_version("compute", version);
    Client::new(ClientOptions::new(Session::new(cfg))).unwrap()
}

async fn boot(client: &Client, fake: &FakeCloud, name: &str, flavor: &str) -> Server {
    let servers = client.compute().servers();
    let created = servers
        .create(
            &CreateServer::new(name, flavor)
                .image(FakeCloud::IMAGE_ID)
                .network(fake.network_id("private").unwrap()),
        )
        .await
        .unwrap();
    servers
        .wait_for_status_with(&created.id, ServerStatus::Active, fast())
        .await
        .unwrap()
}

/// The API error's status and message.
fn api(e: &Error) -> (u16, String) {
    let a = e
        .as_api()
        .unwrap_or_else(|| panic!("not an API error: {e}"));
    (a.status, a.message.clone())
}

fn flavor_name(s: &Server) -> String {
    s.flavor
        .as_ref()
        .and_then(|f| f.embedded())
        .map(|f| f.original_name.clone())
        .unwrap_or_default()
}

/// Polls the server until `done`, returning every distinct (status, task_state) seen.
async fn watch(
    client: &Client,
    id: &str,
    done: impl Fn(&Server) -> bool,
) -> Vec<(String, Option<String>)> {
    let servers = client.compute().servers();
    let mut seen: Vec<(String, Option<String>)> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let s = servers.get(id).await.unwrap();
        let now = (s.status.to_string(), s.task_state.clone());
        if seen.last() != Some(&now) {
            seen.push(now);
        }
        if done(&s) || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn state(status: &str, task: Option<&str>) -> (String, Option<String>) {
    (status.to_string(), task.map(str::to_string))
}

#[tokio::test]
async fn build_shows_novas_task_states() {
    let fake = start(FakeCloud::builder().build_delay(Duration::from_millis(250))).await;
    let client = client(&fake);
    let created = client
        .compute()
        .servers()
        .create(
            &CreateServer::new("b", "42")
                .image(FakeCloud::IMAGE_ID)
                .networks_none(),
        )
        .await
        .unwrap();
    let seen = watch(&client, &created.id, |s| s.status == ServerStatus::Active).await;
    // As a loopback nova 33 shows a build: scheduling, none, networking,
    // block_device_mapping, spawning, then ACTIVE.
    assert_eq!(
        seen,
        [
            state("BUILD", Some("scheduling")),
            state("BUILD", None),
            state("BUILD", Some("networking")),
            state("BUILD", Some("block_device_mapping")),
            state("BUILD", Some("spawning")),
            state("ACTIVE", None),
        ]
    );
}

#[tokio::test]
async fn reboot_task_states_and_the_waiter_waits_them_out() {
    let fake = start(
        FakeCloud::builder()
            .build_delay(Duration::ZERO)
            .action_delay(Duration::from_millis(300)),
    )
    .await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let s = boot(&client, &fake, "r", "1").await;

    servers.reboot(&s.id, RebootType::Soft).await.unwrap();
    let right_after = servers.get(&s.id).await.unwrap();
    assert_eq!(right_after.status, ServerStatus::Reboot);
    assert_eq!(right_after.task_state.as_deref(), Some("rebooting"));
    // Another action during the reboot is refused on the task state, as Nova words it.
    let busy = servers.pause(&s.id).await.unwrap_err();
    assert_eq!(
        api(&busy),
        (
            409,
            format!(
                "Cannot 'pause' instance {} while it is in task_state rebooting",
                s.id
            )
        )
    );
    let seen = watch(&client, &s.id, |x| x.task_state.is_none()).await;
    assert_eq!(
        seen,
        [
            state("REBOOT", Some("rebooting")),
            state("REBOOT", Some("reboot_pending")),
            state("REBOOT", Some("reboot_started")),
            state("ACTIVE", None),
        ]
    );

    // The waiter does not return on status ACTIVE alone: it waits for the task to clear.
    servers.reboot(&s.id, RebootType::Hard).await.unwrap();
    let t = Instant::now();
    fake.clear_requests();
    let done = servers
        .wait_for_status_with(&s.id, ServerStatus::Active, fast())
        .await
        .unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(250),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(done.task_state, None);
    assert_eq!(done.power_state, Some(1));
    let polls = fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with(&s.id))
        .count();
    assert!(polls >= 3, "{polls} polls");

    // A hard reboot may interrupt a soft one; a soft one may not interrupt anything.
    servers.reboot(&s.id, RebootType::Soft).await.unwrap();
    let again = servers.reboot(&s.id, RebootType::Soft).await.unwrap_err();
    assert_eq!(api(&again).0, 409);
    servers.reboot(&s.id, RebootType::Hard).await.unwrap();
    assert_eq!(
        servers.get(&s.id).await.unwrap().status,
        ServerStatus::HardReboot
    );
}

#[tokio::test]
async fn pause_suspend_stop_and_their_conflicts() {
    let fake = start(quick()).await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let id = boot(&client, &fake, "p", "1").await.id;

    servers.pause(&id).await.unwrap();
    let pausing = servers.get(&id).await.unwrap();
    assert_eq!(
        (pausing.status.clone(), pausing.task_state.as_deref()),
        (ServerStatus::Active, Some("pausing"))
    );
    let paused = servers
        .wait_for_status_with(&id, ServerStatus::Paused, fast())
        .await
        .unwrap();
    assert_eq!(paused.vm_state.as_deref(), Some("paused"));
    assert_eq!(paused.power_state, Some(3));
    let twice = servers.pause(&id).await.unwrap_err();
    assert_eq!(
        api(&twice),
        (
            409,
            format!("Cannot 'pause' instance {id} while it is in vm_state paused")
        )
    );
    assert_eq!(
        twice.as_api().unwrap().code.as_deref(),
        Some("conflictingRequest")
    );
    servers.unpause(&id).await.unwrap();
    assert_eq!(
        servers.get(&id).await.unwrap().task_state.as_deref(),
        Some("unpausing")
    );
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();

    servers.suspend(&id).await.unwrap();
    let suspended = servers
        .wait_for_status_with(&id, ServerStatus::Suspended, fast())
        .await
        .unwrap();
    assert_eq!(suspended.power_state, Some(7));
    let resume_twice = servers.suspend(&id).await.unwrap_err();
    assert_eq!(
        api(&resume_twice).1,
        format!("Cannot 'suspend' instance {id} while it is in vm_state suspended")
    );
    servers.resume(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();

    servers.stop(&id).await.unwrap();
    let stopped = servers
        .wait_for_status_with(&id, ServerStatus::Shutoff, fast())
        .await
        .unwrap();
    assert_eq!(stopped.power_state, Some(4));
    assert_eq!(
        api(&servers.pause(&id).await.unwrap_err()).1,
        format!("Cannot 'pause' instance {id} while it is in vm_state stopped")
    );
    assert_eq!(
        api(&servers.unpause(&id).await.unwrap_err()).1,
        format!("Cannot 'unpause' instance {id} while it is in vm_state stopped")
    );
    servers.start(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();

    // A server that is still building refuses actions on its vm_state.
    let building = servers
        .create(
            &CreateServer::new("b", "1")
                .image(FakeCloud::IMAGE_ID)
                .networks_none(),
        )
        .await
        .unwrap();
    assert_eq!(
        api(&servers.pause(&building.id).await.unwrap_err()).1,
        format!(
            "Cannot 'pause' instance {} while it is in vm_state building",
            building.id
        )
    );
    // Stop needs a host: a build that is still scheduling has none.
    assert_eq!(
        api(&servers.stop(&building.id).await.unwrap_err()).1,
        format!("Instance {} is not ready", building.id)
    );
}

#[tokio::test]
async fn resize_confirm_and_revert() {
    let fake = start(quick()).await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let id = boot(&client, &fake, "rs", "1").await.id;

    let same = servers.resize(&id, Resize::new("1")).await.unwrap_err();
    assert_eq!(
        api(&same),
        (400, "When resizing, instances must change flavor!".into())
    );
    let unknown = servers.resize(&id, Resize::new("999")).await.unwrap_err();
    assert_eq!(
        api(&unknown),
        (400, "Flavor 999 could not be found.".into())
    );
    let not_resized = servers.confirm_resize(&id).await.unwrap_err();
    assert_eq!(
        api(&not_resized),
        (
            409,
            format!("Cannot 'confirmResize' instance {id} while it is in vm_state active")
        )
    );

    servers.resize(&id, Resize::new("2")).await.unwrap();
    let seen = watch(&client, &id, |s| s.status == ServerStatus::VerifyResize).await;
    assert_eq!(
        seen,
        [
            state("RESIZE", Some("resize_prep")),
            state("RESIZE", Some("resize_migrating")),
            state("RESIZE", Some("resize_migrated")),
            state("RESIZE", Some("resize_finish")),
            state("VERIFY_RESIZE", None),
        ]
    );
    let verify = servers.get(&id).await.unwrap();
    assert_eq!(flavor_name(&verify), "m1.small");
    assert_eq!(verify.vm_state.as_deref(), Some("resized"));

    // Confirm answers 204 at once; the server stays VERIFY_RESIZE (no task state) until the
    // old host is cleaned up, and a second confirm finds no finished migration.
    servers.confirm_resize(&id).await.unwrap();
    let confirming = servers.get(&id).await.unwrap();
    assert_eq!(confirming.status, ServerStatus::VerifyResize);
    assert_eq!(confirming.task_state, None);
    let again = servers.confirm_resize(&id).await.unwrap_err();
    assert_eq!(api(&again), (400, "Instance has not been resized.".into()));
    let active = servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();
    assert_eq!(flavor_name(&active), "m1.small");
    assert_eq!(
        active.flavor.as_ref().unwrap().embedded().unwrap().ram,
        2048
    );

    // Resize down, then revert: REVERT_RESIZE (resize_reverting), back on m1.small.
    servers.resize(&id, Resize::new("42")).await.unwrap();
    let verify = servers
        .wait_for_status_with(&id, ServerStatus::VerifyResize, fast())
        .await
        .unwrap();
    assert_eq!(flavor_name(&verify), "m1.nano");
    servers.revert_resize(&id).await.unwrap();
    let reverting = servers.get(&id).await.unwrap();
    assert_eq!(reverting.status, ServerStatus::RevertResize);
    assert_eq!(reverting.task_state.as_deref(), Some("resize_reverting"));
    let back = servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();
    assert_eq!(flavor_name(&back), "m1.small");

    // A stopped server resizes too, and comes back stopped.
    servers.stop(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Shutoff, fast())
        .await
        .unwrap();
    servers.resize(&id, Resize::new("1")).await.unwrap();
    assert_eq!(servers.get(&id).await.unwrap().status, ServerStatus::Resize);
    let verify = servers
        .wait_for_status_with(&id, ServerStatus::VerifyResize, fast())
        .await
        .unwrap();
    assert_eq!(verify.power_state, Some(4));
    servers.confirm_resize(&id).await.unwrap();
    let stopped = servers
        .wait_for_status_with(&id, ServerStatus::Shutoff, fast())
        .await
        .unwrap();
    assert_eq!(flavor_name(&stopped), "m1.tiny");
}

#[tokio::test]
async fn locks_apply_to_non_admins_and_keep_their_reason() {
    let fake = start(quick().admin(false)).await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let id = boot(&client, &fake, "l", "1").await.id;

    servers.lock(&id, Some("maintenance")).await.unwrap();
    let locked = servers.get(&id).await.unwrap();
    assert_eq!(locked.locked, Some(true));
    assert_eq!(locked.locked_reason.as_deref(), Some("maintenance"));
    // Locking a locked server changes nothing for its owner, not even the reason.
    servers.lock(&id, Some("second")).await.unwrap();
    assert_eq!(
        servers.get(&id).await.unwrap().locked_reason.as_deref(),
        Some("maintenance")
    );
    let is_locked = (409, format!("Instance {id} is locked"));
    assert_eq!(api(&servers.pause(&id).await.unwrap_err()), is_locked);
    assert_eq!(
        api(&servers.reboot(&id, RebootType::Soft).await.unwrap_err()),
        is_locked
    );
    let md = BTreeMap::from([("a".to_string(), "b".to_string())]);
    assert_eq!(
        api(&servers.update_metadata(&id, &md).await.unwrap_err()),
        is_locked
    );
    assert_eq!(api(&servers.delete(&id).await.unwrap_err()), is_locked);
    // Tags and snapshots are not lock-checked by Nova.
    servers.add_tag(&id, "kept").await.unwrap();
    let image = servers
        .create_image(&id, CreateImage::new("while-locked"))
        .await
        .unwrap();
    assert_eq!(image.len(), 36);
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();
    let listed = servers.list().locked(true).all().await.unwrap();
    assert_eq!(listed.len(), 1);

    servers.unlock(&id).await.unwrap();
    let unlocked = servers.get(&id).await.unwrap();
    assert_eq!(
        (unlocked.locked, unlocked.locked_reason),
        (Some(false), None)
    );
    servers.pause(&id).await.unwrap();

    // Below 2.73 there is no reason to give or to show.
    let old = client_at(&fake, "2.72");
    let err = old
        .compute()
        .servers()
        .lock(&id, Some("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::MicroversionUnsupported { .. }),
        "{err}"
    );
}

#[tokio::test]
async fn admins_act_on_locked_servers() {
    let fake = start(quick()).await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let id = boot(&client, &fake, "a", "1").await.id;
    servers.lock(&id, None).await.unwrap();
    let s = servers.get(&id).await.unwrap();
    assert_eq!((s.locked, s.locked_reason), (Some(true), None));
    // As on the loopback cloud: the admin role skips Nova's lock check.
    servers.pause(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Paused, fast())
        .await
        .unwrap();
}

#[tokio::test]
async fn rebuild_changes_image_name_and_metadata() {
    let fake = start(quick()).await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let id = boot(&client, &fake, "rb", "2").await.id;
    let ubuntu = fake.image_id("ubuntu-24.04-server-cloudimg-amd64").unwrap();

    let rebuilt = servers
        .rebuild(
            &id,
            RebuildServer::new(&ubuntu)
                .name("rb-2")
                .metadata(BTreeMap::from([("os".to_string(), "ubuntu".to_string())])),
        )
        .await
        .unwrap();
    assert_eq!(rebuilt.status, ServerStatus::Rebuild);
    assert_eq!(rebuilt.task_state.as_deref(), Some("rebuilding"));
    assert_eq!(rebuilt.name, "rb-2");
    assert_eq!(rebuilt.image.as_ref().unwrap().id, ubuntu);
    assert_eq!(rebuilt.metadata["os"], "ubuntu");
    let seen = watch(&client, &id, |s| s.task_state.is_none()).await;
    assert_eq!(
        seen,
        [
            state("REBUILD", Some("rebuilding")),
            state("REBUILD", Some("rebuild_block_device_mapping")),
            state("REBUILD", Some("rebuild_spawning")),
            state("ACTIVE", None),
        ]
    );

    let missing = servers
        .rebuild(
            &id,
            RebuildServer::new("00000000-0000-4000-8000-000000000000"),
        )
        .await
        .unwrap_err();
    assert_eq!(api(&missing), (400, "Cannot find image for rebuild".into()));
    // Ubuntu needs 512 MiB: m1.nano has 128.
    let nano = boot(&client, &fake, "nano", "42").await.id;
    let small = servers
        .rebuild(&nano, RebuildServer::new(&ubuntu))
        .await
        .unwrap_err();
    assert_eq!(
        api(&small),
        (
            400,
            "Flavor's memory is too small for requested image.".into()
        )
    );
    // The 2.72 answer has no locked_reason and no OS-EXT-STS attributes.
    let old = client_at(&fake, "2.72");
    let r = old
        .compute()
        .servers()
        .rebuild(&id, RebuildServer::new(FakeCloud::IMAGE_ID))
        .await
        .unwrap();
    assert_eq!(r.status, ServerStatus::Rebuild);
    assert_eq!(r.task_state, None);
    assert_eq!(r.locked, Some(false));
}

#[tokio::test]
async fn create_image_names_the_snapshot_as_the_microversion_says() {
    let fake = start(
        FakeCloud::builder()
            .build_delay(Duration::ZERO)
            .action_delay(Duration::from_millis(240)),
    )
    .await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let images = client.image().images();
    let id = boot(&client, &fake, "snap", "2").await.id;

    // 2.100: {"image_id": ...} in the body.
    let image_id = servers
        .create_image(&id, CreateImage::new("snap-1").metadata("purpose", "test"))
        .await
        .unwrap();
    let right_after = servers.get(&id).await.unwrap();
    assert_eq!(right_after.status, ServerStatus::Active);
    assert_eq!(
        right_after.task_state.as_deref(),
        Some("image_snapshot_pending")
    );
    let queued = images.get(&image_id).await.unwrap();
    assert_eq!(queued.status, ImageStatus::Queued);
    assert_eq!(queued.name.as_deref(), Some("snap-1"));
    assert_eq!(queued.size, None);
    // The waiter waits for the snapshot task even though the status is ACTIVE throughout.
    let t = Instant::now();
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(200),
        "{:?}",
        t.elapsed()
    );
    let active = images.get(&image_id).await.unwrap();
    assert_eq!(active.status, ImageStatus::Active);
    assert_eq!(active.visibility, Some(ImageVisibility::Private));
    assert_eq!(active.min_disk, 20, "the flavor's disk");
    assert_eq!(active.properties["image_type"], "snapshot");
    assert_eq!(active.properties["instance_uuid"], json!(id));
    assert_eq!(active.properties["base_image_ref"], FakeCloud::IMAGE_ID);
    assert_eq!(active.properties["purpose"], "test");
    assert_eq!(active.owner.as_deref(), Some(fake.project_id()));

    // 2.44: no body, the id in the Location header.
    let old = client_at(&fake, "2.44");
    let old_id = old
        .compute()
        .servers()
        .create_image(&id, CreateImage::new("snap-2"))
        .await
        .unwrap();
    assert_eq!(fake.image_id("snap-2").as_deref(), Some(old_id.as_str()));
    let token = fake.issue_token();
    let raw = reqwest::Client::new()
        .post(format!("{}/servers/{id}/action", fake.compute_url()))
        .header("x-auth-token", &token)
        .header("openstack-api-version", "compute 2.44")
        .json(&json!({"createImage": {"name": "snap-3"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 409, "the previous snapshot still runs");
    servers
        .wait_for_status_with(&id, ServerStatus::Active, fast())
        .await
        .unwrap();
    let raw = reqwest::Client::new()
        .post(format!("{}/servers/{id}/action", fake.compute_url()))
        .header("x-auth-token", &token)
        .header("openstack-api-version", "compute 2.44")
        .json(&json!({"createImage": {"name": "snap-3"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 202);
    let location = raw.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(raw.bytes().await.unwrap().len(), 0);
    assert_eq!(
        location,
        format!(
            "{}/images/{}",
            fake.image_url(),
            fake.image_id("snap-3").unwrap()
        )
    );
    // Snapshots are listed like any image, and deleted through the same handle.
    let mine = images
        .list()
        .visibility(ImageVisibility::Private)
        .param("image_type", "snapshot")
        .all()
        .await
        .unwrap();
    assert_eq!(mine.len(), 3);
    images.delete(&image_id).await.unwrap();
    assert!(images.get_opt(&image_id).await.unwrap().is_none());
}

#[tokio::test]
async fn metadata_and_tags() {
    let fake = start(quick()).await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let id = boot(&client, &fake, "md", "1").await.id;

    let merged = servers
        .update_metadata(
            &id,
            &BTreeMap::from([("tier".to_string(), "web".to_string())]),
        )
        .await
        .unwrap();
    assert_eq!(merged, BTreeMap::from([("tier".into(), "web".into())]));
    servers.set_metadata_item(&id, "zone", "a").await.unwrap();
    assert_eq!(servers.metadata_item(&id, "zone").await.unwrap(), "a");
    assert_eq!(servers.metadata(&id).await.unwrap().len(), 2);
    let missing = servers.metadata_item(&id, "nope").await.unwrap_err();
    assert_eq!(api(&missing), (404, "Metadata item was not found".into()));
    servers.delete_metadata_item(&id, "zone").await.unwrap();
    let replaced = servers
        .replace_metadata(
            &id,
            &BTreeMap::from([("only".to_string(), "1".to_string())]),
        )
        .await
        .unwrap();
    assert_eq!(replaced, BTreeMap::from([("only".into(), "1".into())]));
    assert_eq!(servers.get(&id).await.unwrap().metadata, replaced);
    let bad = servers
        .update_metadata(
            &id,
            &BTreeMap::from([("bad/key".to_string(), "1".to_string())]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        api(&bad),
        (
            400,
            "Invalid input for field/attribute metadata. Value: {'bad/key': '1'}. 'bad/key' \
             does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"
                .into()
        )
    );

    // Tags come back sorted, each once, as real Nova stores them.
    assert_eq!(
        servers
            .replace_tags(&id, &["c", "a", "b", "a"])
            .await
            .unwrap(),
        ["a", "b", "c"]
    );
    servers.add_tag(&id, "d").await.unwrap();
    servers.add_tag(&id, "d").await.unwrap();
    assert!(servers.has_tag(&id, "d").await.unwrap());
    assert!(!servers.has_tag(&id, "zz").await.unwrap());
    servers.remove_tag(&id, "a").await.unwrap();
    assert_eq!(servers.tags(&id).await.unwrap(), ["b", "c", "d"]);
    let gone = servers.remove_tag(&id, "zz").await.unwrap_err();
    assert_eq!(api(&gone), (404, format!("Instance {id} has no tag 'zz'")));
    let other = boot(&client, &fake, "md-2", "1").await.id;
    servers.add_tag(&other, "b").await.unwrap();
    let ids = |list: Vec<Server>| {
        let mut v: Vec<String> = list.into_iter().map(|s| s.id).collect();
        v.sort();
        v
    };
    assert_eq!(
        ids(servers.list().tags(&["b", "c"]).all().await.unwrap()),
        [id.as_str()]
    );
    let mut both = vec![id.clone(), other.clone()];
    both.sort();
    assert_eq!(
        ids(servers.list().tags_any(&["b"]).all().await.unwrap()),
        both
    );
    assert_eq!(
        ids(servers.list().not_tags_any(&["c"]).all().await.unwrap()),
        [other.as_str()]
    );
    servers.clear_tags(&id).await.unwrap();
    assert!(servers.tags(&id).await.unwrap().is_empty());

    // Tags need 2.26 (checked before sending); a building server refuses them.
    let old = client_at(&fake, "2.25");
    let err = old.compute().servers().tags(&id).await.unwrap_err();
    assert!(
        matches!(err, Error::MicroversionUnsupported { .. }),
        "{err}"
    );
    let building = servers
        .create(
            &CreateServer::new("b", "1")
                .image(FakeCloud::IMAGE_ID)
                .networks_none(),
        )
        .await
        .unwrap();
    assert_eq!(
        api(&servers.add_tag(&building.id, "x").await.unwrap_err()),
        (
            409,
            format!(
                "Cannot 'update tag' instance {} while it is in vm_state building",
                building.id
            )
        )
    );
}

#[tokio::test]
async fn interfaces_attach_and_detach() {
    let fake = start(quick()).await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let id = boot(&client, &fake, "if", "1").await.id;
    let private = fake.network_id("private").unwrap();
    let public = fake.network_id("public").unwrap();

    let boot_nics = servers.interfaces(&id).await.unwrap();
    assert_eq!(boot_nics.len(), 1);
    assert_eq!(boot_nics[0].net_id.as_deref(), Some(private.as_str()));
    assert_eq!(boot_nics[0].port_state.as_deref(), Some("ACTIVE"));
    assert!(boot_nics[0].fixed_ips[0].subnet_id.is_some());

    let attached = servers
        .attach_interface(&id, &AttachInterface::network(&public).tag("mgmt"))
        .await
        .unwrap();
    assert_eq!(attached.net_id.as_deref(), Some(public.as_str()));
    assert_eq!(attached.tag.as_deref(), Some("mgmt"));
    assert!(
        attached.fixed_ips[0].ip_address.starts_with("172.24.4."),
        "{:?}",
        attached.fixed_ips
    );
    assert_eq!(servers.interfaces(&id).await.unwrap().len(), 2);
    assert_eq!(
        servers.interface(&id, &attached.port_id).await.unwrap(),
        attached
    );
    let addresses = servers.get(&id).await.unwrap().addresses;
    assert_eq!(addresses.keys().collect::<Vec<_>>(), ["private", "public"]);

    servers
        .detach_interface(&id, &attached.port_id)
        .await
        .unwrap();
    // Nova detaches asynchronously: the port is listed until the detach is done.
    assert_eq!(servers.interfaces(&id).await.unwrap().len(), 2);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(servers.interfaces(&id).await.unwrap().len(), 1);
    let unknown = servers
        .detach_interface(&id, &attached.port_id)
        .await
        .unwrap_err();
    assert_eq!(
        api(&unknown),
        (
            404,
            format!("Port id {} could not be found.", attached.port_id)
        )
    );
    let no_net = servers
        .attach_interface(
            &id,
            &AttachInterface::network("00000000-0000-4000-8000-000000000000"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        api(&no_net),
        (
            404,
            "Network 00000000-0000-4000-8000-000000000000 could not be found.".into()
        )
    );
}

#[tokio::test]
async fn delete_twice_then_gone() {
    let fake = start(quick().delete_delay(Duration::from_millis(150))).await;
    let client = client(&fake);
    let servers = client.compute().servers();
    let id = boot(&client, &fake, "del", "1").await.id;
    servers.delete(&id).await.unwrap();
    let deleting = servers.get(&id).await.unwrap();
    assert_eq!(deleting.task_state.as_deref(), Some("deleting"));
    // As real Nova answers a second delete of a server being deleted: 204 again.
    servers.delete(&id).await.unwrap();
    servers.wait_for_delete_with(&id, fast()).await.unwrap();
    assert!(servers.get_opt(&id).await.unwrap().is_none());
    let err = servers.delete(&id).await.unwrap_err();
    assert_eq!(
        api(&err),
        (404, format!("Instance {id} could not be found."))
    );
}

#[tokio::test]
async fn keypairs_import_generate_list_delete() {
    let fake = start(FakeCloud::builder()).await;
    let client = client(&fake);
    let keypairs = client.compute().keypairs();

    let kp = keypairs
        .create(&CreateKeypair::import("laptop", SAMPLE_KEY))
        .await
        .unwrap();
    assert_eq!(kp.keypair.fingerprint, SAMPLE_FINGERPRINT);
    assert_eq!(kp.keypair.key_type, Some(KeyType::Ssh));
    assert_eq!(kp.keypair.user_id.as_deref(), Some(fake.user_id()));
    assert!(kp.private_key.is_none());
    let got = keypairs.get("laptop").await.unwrap();
    assert_eq!(got.public_key, SAMPLE_KEY);
    assert!(got.created_at.is_some() && got.id.is_some());

    let dup = keypairs
        .create(&CreateKeypair::import("laptop", SAMPLE_KEY))
        .await
        .unwrap_err();
    assert_eq!(api(&dup), (409, "Key pair 'laptop' already exists.".into()));
    let bad = keypairs
        .create(&CreateKeypair::import("bad", "ssh-rsa AAAAnotakey x"))
        .await
        .unwrap_err();
    assert_eq!(
        api(&bad),
        (
            400,
            "Keypair data is invalid: failed to generate fingerprint".into()
        )
    );
    // From 2.92 Nova generates no keys: refused before sending.
    let err = keypairs
        .create(&CreateKeypair::generate("gen"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::MicroversionUnsupported { .. }),
        "{err}"
    );
    // Below, it does, and shows the private key once.
    let old = client_at(&fake, "2.91");
    let generated = old
        .compute()
        .keypairs()
        .create(&CreateKeypair::generate("gen"))
        .await
        .unwrap();
    let private = generated.private_key.expect("a private key");
    use secrecy::ExposeSecret as _;
    assert!(
        private
            .expose_secret()
            .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
    );
    assert!(generated.keypair.public_key.ends_with(" Generated-by-Nova"));
    assert_eq!(generated.keypair.fingerprint.len(), 47);
    assert!(keypairs.get("gen").await.unwrap().key_type.is_some());
    // At 2.1 there is no `type`.
    let v21 = client_at(&fake, "2.1");
    assert_eq!(
        v21.compute().keypairs().get("gen").await.unwrap().key_type,
        None
    );

    // Lists are sorted by name and page by name (2.35+).
    keypairs
        .create(&CreateKeypair::import("alpha", SAMPLE_KEY))
        .await
        .unwrap();
    let first = keypairs.list().limit(2).send().await.unwrap();
    let names: Vec<&str> = first.items.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["alpha", "gen"]);
    assert_eq!(first.next_marker.as_deref(), Some("gen"));
    let all: Vec<String> = keypairs
        .list()
        .limit(1)
        .into_stream()
        .map_ok(|k| k.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, ["alpha", "gen", "laptop"]);

    keypairs.delete("laptop").await.unwrap();
    assert!(keypairs.get_opt("laptop").await.unwrap().is_none());
    let gone = keypairs.delete("laptop").await.unwrap_err();
    assert_eq!(
        api(&gone),
        (
            404,
            format!("Keypair laptop not found for user {}", fake.user_id())
        )
    );
    // A server booted with an unknown key is refused.
    let err = client
        .compute()
        .servers()
        .create(
            &CreateServer::new("k", "1")
                .image(FakeCloud::IMAGE_ID)
                .networks_none()
                .key_name("laptop"),
        )
        .await
        .unwrap_err();
    assert_eq!(api(&err), (400, "Invalid key_name provided.".into()));
}

#[tokio::test]
async fn server_groups_members_and_policy_shapes() {
    let fake = start(quick()).await;
    let client = client(&fake);
    let groups = client.compute().server_groups();
    let servers = client.compute().servers();

    let g = groups
        .create(&CreateServerGroup::new(
            "web",
            ServerGroupPolicy::AntiAffinity,
        ))
        .await
        .unwrap();
    assert_eq!(g.policy, Some(ServerGroupPolicy::AntiAffinity));
    assert_eq!(g.rules, Some(Default::default()));
    assert!(g.policies.is_empty() && g.members.is_empty());
    assert_eq!(g.project_id.as_deref(), Some(fake.project_id()));

    let created = servers
        .create(
            &CreateServer::new("g-1", "1")
                .image(FakeCloud::IMAGE_ID)
                .networks_none()
                .scheduler_hint("group", json!(g.id)),
        )
        .await
        .unwrap();
    assert_eq!(
        groups.get(&g.id).await.unwrap().members,
        [created.id.as_str()]
    );
    let member = servers
        .wait_for_status_with(&created.id, ServerStatus::Active, fast())
        .await
        .unwrap();
    assert_eq!(member.server_groups, [g.id.as_str()]);
    assert_eq!(member.scheduler_hints["group"], json!([g.id]));

    // The fake has one host: a second anti-affinity member finds no valid host.
    let second = servers
        .create(
            &CreateServer::new("g-2", "1")
                .image(FakeCloud::IMAGE_ID)
                .networks_none()
                .scheduler_hint("group", json!(g.id)),
        )
        .await
        .unwrap();
    let err = servers
        .wait_for_status_with(&second.id, ServerStatus::Active, fast())
        .await
        .unwrap_err();
    match err {
        Error::WaitFailed { status, fault, .. } => {
            assert_eq!(status, "ERROR");
            assert!(fault.unwrap().contains("No valid host was found"));
        }
        other => panic!("{other}"),
    }

    // Before 2.64 the group shows `policies` and `metadata`, and is created that way.
    let old = client_at(&fake, "2.63");
    let og = old
        .compute()
        .server_groups()
        .create(&CreateServerGroup::new("old", ServerGroupPolicy::Affinity))
        .await
        .unwrap();
    assert_eq!(og.policies, [ServerGroupPolicy::Affinity]);
    assert_eq!(og.policy, None);
    assert_eq!(og.effective_policy(), Some(&ServerGroupPolicy::Affinity));
    let listed = groups.list().all().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        groups.list().limit(1).offset(1).all().await.unwrap().len(),
        1
    );

    let ruled = groups
        .create(
            &CreateServerGroup::new("two", ServerGroupPolicy::AntiAffinity).max_server_per_host(2),
        )
        .await
        .unwrap();
    assert_eq!(ruled.rules.unwrap().max_server_per_host, Some(2));

    groups.delete(&g.id).await.unwrap();
    assert!(groups.get_opt(&g.id).await.unwrap().is_none());
    assert!(
        servers
            .get(&member.id)
            .await
            .unwrap()
            .server_groups
            .is_empty()
    );
    let gone = groups.delete(&g.id).await.unwrap_err();
    assert_eq!(
        api(&gone),
        (404, format!("Instance group {} could not be found.", g.id))
    );
    let err = servers
        .create(
            &CreateServer::new("g-3", "1")
                .image(FakeCloud::IMAGE_ID)
                .networks_none()
                .scheduler_hint("group", json!(g.id)),
        )
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (400, format!("Instance group {} could not be found.", g.id))
    );
}

#[tokio::test]
async fn images_filters_sorting_and_paging() {
    let fake = start(FakeCloud::builder()).await;
    let client = client(&fake);
    let images = client.image().images();
    let names = |list: Vec<stackclient::image::Image>| -> Vec<String> {
        list.into_iter()
            .map(|i| i.name.unwrap_or_default())
            .collect()
    };

    // Newest first; community and hidden images are left out unless asked for.
    assert_eq!(
        names(images.list().all().await.unwrap()),
        [
            "my-upload",
            "cirros-0.6.2-x86_64-disk",
            "debian-12-genericcloud-amd64",
            "ubuntu-24.04-server-cloudimg-amd64"
        ]
    );
    assert_eq!(
        names(
            images
                .list()
                .status(ImageStatus::Active)
                .all()
                .await
                .unwrap()
        ),
        [
            "cirros-0.6.2-x86_64-disk",
            "debian-12-genericcloud-amd64",
            "ubuntu-24.04-server-cloudimg-amd64"
        ]
    );
    assert_eq!(
        names(
            images
                .list()
                .visibility(ImageVisibility::Community)
                .all()
                .await
                .unwrap()
        ),
        ["cirros-0.5.2-x86_64-disk"]
    );
    assert_eq!(
        names(images.list().os_hidden(true).all().await.unwrap()),
        ["ubuntu-22.04-server-cloudimg-amd64"]
    );
    assert_eq!(
        names(images.list().tag("lts").tag("ubuntu").all().await.unwrap()),
        ["ubuntu-24.04-server-cloudimg-amd64"]
    );
    assert_eq!(
        names(
            images
                .list()
                .param("os_distro", "debian")
                .all()
                .await
                .unwrap()
        ),
        ["debian-12-genericcloud-amd64"]
    );
    assert_eq!(
        names(
            images
                .list()
                .param("name", "in:my-upload,cirros-0.6.2-x86_64-disk")
                .sort("name", SortDir::Asc)
                .all()
                .await
                .unwrap()
        ),
        ["cirros-0.6.2-x86_64-disk", "my-upload"]
    );
    assert_eq!(
        names(
            images
                .list()
                .visibility(ImageVisibility::Other("all".into()))
                .size_min(100_000_000)
                .sort("size", SortDir::Desc)
                .all()
                .await
                .unwrap()
        ),
        // The hidden 22.04 (660 MB) is left out: `os_hidden` defaults to false.
        [
            "ubuntu-24.04-server-cloudimg-amd64",
            "debian-12-genericcloud-amd64"
        ]
    );

    // Pages of one follow Glance's `next`; the last full page is followed by an empty one.
    fake.clear_requests();
    let paged = names(
        images
            .list()
            .limit(1)
            .into_stream()
            .try_collect()
            .await
            .unwrap(),
    );
    assert_eq!(paged.len(), 4);
    assert_eq!(paged[0], "my-upload");
    let gets = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/image/v2/images")
        .count();
    assert_eq!(gets, 5);
    let page = images.list().limit(2).send().await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.next_marker.as_deref(), Some(FakeCloud::IMAGE_ID));

    let cirros = images
        .find("cirros-0.6.2-x86_64-disk")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cirros.id, FakeCloud::IMAGE_ID);
    assert_eq!(cirros.disk_format.as_deref(), Some("qcow2"));
    assert_eq!(cirros.container_format.as_deref(), Some("bare"));
    assert_eq!((cirros.min_disk, cirros.min_ram), (0, 0));
    assert_eq!(cirros.tags, ["base", "cirros"]);
    assert_eq!(cirros.os_hash_algo.as_deref(), Some("sha512"));
    assert_eq!(
        cirros.self_link.as_deref(),
        Some(format!("/v2/images/{}", FakeCloud::IMAGE_ID).as_str())
    );
    assert_eq!(cirros.properties["os_distro"], "cirros");

    let missing = images
        .get("00000000-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    let (status, message) = api(&missing);
    assert_eq!(status, 404);
    assert!(
        message.starts_with("No image found with ID 00000000-0000-4000-8000-000000000000"),
        "{message}"
    );
    let bad = images
        .list()
        .sort("nope", SortDir::Asc)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        api(&bad),
        (
            400,
            "Invalid sort key: nope. It must be one of the following: name, status, \
             container_format, disk_format, size, id, created_at, updated_at."
                .into()
        )
    );
}

#[tokio::test]
async fn raw_glance_list_and_error_bodies() {
    let fake = start(FakeCloud::builder()).await;
    let token = fake.issue_token();
    let http = reqwest::Client::new();
    let get = |path: &str| {
        http.get(format!("{}/v2{path}", fake.image_url()))
            .header("x-auth-token", &token)
            .header("accept", "application/json")
            .send()
    };
    let page: Value = get("/images?limit=2&status=active")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["first"], "/v2/images?limit=2&status=active");
    assert_eq!(page["schema"], "/v2/schemas/images");
    let cirros = page["images"][0]["id"].as_str().unwrap();
    let debian = page["images"][1]["id"].as_str().unwrap();
    assert_eq!(cirros, FakeCloud::IMAGE_ID);
    assert_eq!(
        page["next"],
        format!("/v2/images?limit=2&status=active&marker={debian}")
    );
    let resp = get("/images/nope").await.unwrap();
    assert_eq!(resp.status(), 404);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({"message": "No image found with ID nope<br /><br />\n\n\n",
               "code": "404 Not Found", "title": "Not Found"})
    );
    let resp = get("/images?marker=nope").await.unwrap();
    assert_eq!(resp.status(), 400);
    let resp = get("/images?limit=-1").await.unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["message"],
        "limit param must be positive<br /><br />\n\n\n"
    );
    let unauth = http
        .get(format!("{}/v2/images", fake.image_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unauth.status(), 401);
}

/// Bad bodies are Nova's 400s with its messages, never a panic or a 500.
#[tokio::test]
async fn bad_bodies_get_novas_400s() {
    let fake = start(quick()).await;
    let client = client(&fake);
    let id = boot(&client, &fake, "v", "1").await.id;
    let token = fake.issue_token();
    let http = reqwest::Client::new();
    let compute = fake.compute_url();
    let post = |path: String, version: &'static str, body: String| {
        let method = if path.contains("/metadata/") {
            reqwest::Method::PUT
        } else {
            reqwest::Method::POST
        };
        http.request(method, format!("{compute}{path}"))
            .header("x-auth-token", &token)
            .header("openstack-api-version", format!("compute {version}"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let action = format!("/servers/{id}/action");
    let cases: Vec<(String, &str, Value, &str)> = vec![
        (
            action.clone(),
            "2.100",
            json!({"reboot": {"type": "GENTLE"}}),
            "Invalid input for field/attribute type. Value: GENTLE. 'GENTLE' is not one of \
             ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']",
        ),
        (
            action.clone(),
            "2.100",
            json!({"reboot": {}}),
            "Invalid input for field/attribute reboot. Value: {}. 'type' is a required property",
        ),
        (
            action.clone(),
            "2.100",
            json!({"resize": {}}),
            "Invalid input for field/attribute resize. Value: {}. 'flavorRef' is a required \
             property",
        ),
        (
            action.clone(),
            "2.100",
            json!({"pause": null, "x": 1}),
            "Malformed request body",
        ),
        (
            action.clone(),
            "2.100",
            json!({"frobnicate": null}),
            "There is no such action: frobnicate",
        ),
        (
            action.clone(),
            "2.100",
            json!({"rebuild": {"imageRef": "not-a-uuid"}}),
            "Invalid input for field/attribute imageRef. Value: not-a-uuid. 'not-a-uuid' is not \
             a 'uuid'",
        ),
        (
            action.clone(),
            "2.100",
            json!({"createImage": {"name": " x"}}),
            "An invalid 'name' value was provided. The name must be: printable characters. \
             Can not start or end with whitespace.",
        ),
        (
            action.clone(),
            "2.100",
            json!({"resize": {"flavorRef": ""}}),
            "Invalid input for field/attribute flavorRef. Value: . '' should be non-empty",
        ),
        (
            action.clone(),
            "2.100",
            json!({"lock": 7}),
            "Invalid input for field/attribute lock. Value: 7. 7 is not of type 'object', 'null'",
        ),
        (
            action.clone(),
            "2.100",
            json!({"createImage": {}}),
            "Invalid input for field/attribute createImage. Value: {}. 'name' is a required \
             property",
        ),
        (
            format!("/servers/{id}/metadata/y"),
            "2.100",
            json!({"meta": {"z": "2"}}),
            "Request body and URI mismatch",
        ),
        (
            format!("/servers/{id}/metadata"),
            "2.100",
            json!({"metadata": {"k": 1}}),
            "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'",
        ),
        (
            format!("/servers/{id}/metadata"),
            "2.100",
            json!("garbage"),
            "'garbage' is not of type 'object'",
        ),
        (
            "/os-keypairs".into(),
            "2.91",
            json!({"keypair": {"name": "a.b"}}),
            r"Invalid input for field/attribute name. Value: a.b. 'a.b' does not match '^[_\\- a-zA-Z0-9]+$'",
        ),
        (
            "/os-keypairs".into(),
            "2.92",
            json!({"keypair": {"name": "probe"}}),
            "Invalid input for field/attribute keypair. Value: {'name': 'probe'}. 'public_key' \
             is a required property",
        ),
        (
            "/os-server-groups".into(),
            "2.64",
            json!({"server_group": {"name": "g", "policies": ["anti-affinity"]}}),
            "Invalid input for field/attribute server_group. Value: {'name': 'g', 'policies': \
             ['anti-affinity']}. 'policy' is a required property",
        ),
        (
            "/os-server-groups".into(),
            "2.64",
            json!({"server_group": {"name": "g", "policy": "affinity", "rules": {"max_server_per_host": 2}}}),
            "Only anti-affinity policy supports rules.",
        ),
        (
            "/os-server-groups".into(),
            "2.14",
            json!({"server_group": {"name": "g", "policies": ["soft-affinity"]}}),
            "Invalid input for field/attribute 0. Value: soft-affinity. 'soft-affinity' is not \
             one of ['anti-affinity', 'affinity']",
        ),
        (
            "/servers".into(),
            "2.100",
            json!({"server": {"name": "x", "flavorRef": "1", "imageRef": FakeCloud::IMAGE_ID,
                "networks": "none"}, "os:scheduler_hints": {"group": "not-a-uuid"}}),
            "Invalid input for field/attribute group. Value: not-a-uuid. 'not-a-uuid' is not \
             valid under any of the given schemas",
        ),
        (
            "/servers".into(),
            "2.100",
            json!({"server": {"name": "x", "flavorRef": "1",
                "imageRef": "00000000-0000-4000-8000-000000000000", "networks": "none"}}),
            "Can not find requested image",
        ),
    ];
    for (path, version, body, message) in cases {
        let resp = post(path.clone(), version, body.to_string()).await.unwrap();
        assert_eq!(resp.status(), 400, "{path} {body}");
        let got: Value = resp.json().await.unwrap();
        assert_eq!(
            got,
            json!({"badRequest": {"code": 400, "message": message}}),
            "{path} {body}"
        );
    }
    // Garbage of every kind on every new endpoint: 400 (or 404/405), never a 500.
    let paths = [
        action.clone(),
        format!("/servers/{id}/metadata"),
        format!("/servers/{id}/os-interface"),
        "/os-keypairs".into(),
        "/os-server-groups".into(),
    ];
    let bodies = [
        "{not json",
        "null",
        "[]",
        "1",
        "\"x\"",
        "{}",
        "{\"a\": {\"b\": [1, {}]}}",
        "{\"interfaceAttachment\": 5}",
        "{\"keypair\": []}",
        "{\"server_group\": null}",
        "{\"metadata\": []}",
        "{\"resize\": {\"flavorRef\": []}}",
        "{\"lock\": 7}",
        "{\"rebuild\": {\"imageRef\": 5}}",
        "{\"createImage\": {\"name\": \" x\"}}",
    ];
    for path in &paths {
        for body in bodies {
            let resp = post(path.clone(), "2.100", body.to_string()).await.unwrap();
            let status = resp.status().as_u16();
            assert!(
                (400..500).contains(&status),
                "{path} {body}: {status} {}",
                resp.text().await.unwrap()
            );
        }
    }
    // The server is still fine.
    assert_eq!(
        client.compute().servers().get(&id).await.unwrap().status,
        ServerStatus::Active
    );
}
