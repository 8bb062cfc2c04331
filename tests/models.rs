//! Serde models against the API-reference fixtures in `fixtures/compute` and `fixtures/network`:
//! every response example deserializes with the right values, and the request builders produce
//! the documented request bodies exactly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use base64::Engine as _;
use chrono::{DateTime, TimeZone as _, Utc};
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};
use stackclient::compute::{
    BlockDeviceMapping, CreateServer, CreatedServer, DestinationType, DiskConfig, Flavor,
    RebootType, Server, ServerFault, ServerFlavor, ServerNetwork, ServerRef, ServerStatus,
    SourceType,
};
use stackclient::network::{CreateNetwork, Network, NetworkStatus, Segment};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {rel} is not JSON: {e}"))
}

fn server(rel: &str) -> Server {
    let body = fixture(rel);
    serde_json::from_value(body["server"].clone())
        .unwrap_or_else(|e| panic!("{rel}: server does not deserialize: {e}"))
}

fn servers(rel: &str) -> Vec<Server> {
    let body = fixture(rel);
    serde_json::from_value(body["servers"].clone())
        .unwrap_or_else(|e| panic!("{rel}: servers do not deserialize: {e}"))
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid date")
}

fn utc_micros(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, us: i64) -> DateTime<Utc> {
    utc(y, mo, d, h, mi, s) + chrono::Duration::microseconds(us)
}

const IMAGE_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";
const TENANT: &str = "6f70656e737461636b20342065766572";

// ----------------------------------------------------------------------------------------------
// Servers
// ----------------------------------------------------------------------------------------------

#[test]
fn every_server_example_deserializes_and_round_trips() {
    let singles = [
        "compute/server_2.3.json",
        "compute/server_2.16.json",
        "compute/server_2.19.json",
        "compute/server_2.47.json",
        "compute/server_2.63.json",
        "compute/server_2.69_down_cell.json",
        "compute/server_2.71_down_cell.json",
        "compute/server_2.73.json",
        "compute/server_2.90.json",
        "compute/server_2.96.json",
        "compute/server_2.98.json",
        "compute/server_2.100.json",
        "compute/server_update_2.104.json",
        "compute/fault_error_server.json",
        "compute/server_boot_from_volume.json",
    ];
    let lists = [
        "compute/server_detail_2.1.json",
        "compute/servers_detail_2.69_down_cell.json",
        "compute/servers_detail_2.100_page1.json",
    ];
    let mut all: Vec<Server> = singles.iter().map(|f| server(f)).collect();
    for f in lists {
        all.extend(servers(f));
    }
    assert_eq!(all.len(), singles.len() + lists.len());
    for s in all {
        // Serializing and reading back gives the same model.
        let value = serde_json::to_value(&s).expect("serialize");
        let back: Server = serde_json::from_value(value).expect("deserialize again");
        assert_eq!(back, s, "round trip of {}", s.id);
    }
}

#[test]
fn server_detail_2_1() {
    let body = fixture("compute/server_detail_2.1.json");
    let list = servers("compute/server_detail_2.1.json");
    assert_eq!(list.len(), 1);
    let s = &list[0];
    assert_eq!(s.id, "f5dc173b-6804-445a-a6d8-c705dad5b5eb");
    assert_eq!(s.name, "new-server-test");
    assert_eq!(s.status, ServerStatus::Active);
    assert_eq!(s.tenant_id.as_deref(), Some(TENANT));
    assert_eq!(s.user_id.as_deref(), Some("admin"));
    assert_eq!(
        s.host_id.as_deref(),
        Some("bcf92836fc9ed4203a75cb0337afc7f917d2be504164b995c2334b25")
    );
    assert_eq!(s.access_ipv4.as_deref(), Some("1.2.3.4"));
    assert_eq!(s.access_ipv6.as_deref(), Some("80fe::"));
    assert_eq!(s.created, utc(2013, 9, 3, 4, 1, 32));
    assert_eq!(s.updated, Some(utc(2013, 9, 3, 4, 1, 32)));
    assert_eq!(
        s.launched_at,
        Some(utc_micros(2013, 9, 23, 13, 53, 12, 774_549))
    );
    assert_eq!(s.terminated_at, None);

    let private = &s.addresses["private"];
    assert_eq!(private.len(), 1);
    assert_eq!(private[0].addr, "192.168.1.30");
    assert_eq!(private[0].version, 4);
    assert_eq!(private[0].ip_type.as_deref(), Some("fixed"));
    assert_eq!(private[0].mac_addr.as_deref(), Some("00:0c:29:0d:11:74"));

    match s.flavor.as_ref().expect("flavor") {
        ServerFlavor::Reference(r) => {
            assert_eq!(r.id, "1");
            assert_eq!(r.links[0].rel, "bookmark");
            assert!(r.links[0].href.ends_with("/flavors/1"));
        }
        other => panic!("expected a flavor reference before 2.47, got {other:?}"),
    }
    assert_eq!(s.flavor.as_ref().and_then(ServerFlavor::id), Some("1"));
    let image = s.image.as_ref().expect("image");
    assert_eq!(image.id, IMAGE_ID);
    assert_eq!(image.properties, None);

    assert_eq!(s.key_name, None);
    assert_eq!(s.metadata["My Server Name"], "Apache1");
    assert_eq!(s.security_groups[0].name, "default");
    assert_eq!(s.config_drive, Some(false));
    assert_eq!(s.disk_config, Some(DiskConfig::Auto));
    assert_eq!(s.availability_zone.as_deref(), Some("us-west"));
    assert_eq!(s.host.as_deref(), Some("c3f14e9812ad496baf92ccfb3c61e15f"));
    assert_eq!(s.hypervisor_hostname.as_deref(), Some("fake-mini"));
    assert_eq!(s.instance_name.as_deref(), Some("instance-00000001"));
    assert_eq!(s.reservation_id, None, "2.3+ attribute absent at 2.1");
    assert_eq!(s.power_state, Some(1));
    assert_eq!(s.task_state, None);
    assert_eq!(s.vm_state.as_deref(), Some("active"));
    assert_eq!(s.progress, Some(0));
    assert_eq!(s.volumes_attached.len(), 2);
    assert_eq!(s.volumes_attached[0].id, "volume_id1");
    assert_eq!(s.volumes_attached[0].delete_on_termination, None);
    assert_eq!(s.locked, None);
    assert!(s.tags.is_empty());
    assert_eq!(s.fault, None);
    assert_eq!(s.links.len(), 2);
    assert_eq!(s.links[0].rel, "self");

    let next: Vec<stackclient::compute::Link> =
        serde_json::from_value(body["servers_links"].clone()).expect("links");
    assert_eq!(next[0].rel, "next");
    assert!(
        next[0]
            .href
            .contains("marker=f5dc173b-6804-445a-a6d8-c705dad5b5eb")
    );
}

#[test]
fn server_2_3_extended_attributes() {
    let s = server("compute/server_2.3.json");
    assert_eq!(s.reservation_id.as_deref(), Some("r-00000001"));
    assert_eq!(s.launch_index, Some(0));
    assert_eq!(s.hostname.as_deref(), Some("fake-hostname"));
    assert_eq!(s.kernel_id, None, "\"\" maps to None");
    assert_eq!(s.ramdisk_id, None, "\"\" maps to None");
    assert_eq!(s.root_device_name.as_deref(), Some("/dev/sda"));
    let user_data = base64::engine::general_purpose::STANDARD
        .decode(s.user_data.as_deref().expect("user_data"))
        .expect("base64");
    assert_eq!(user_data, b"#!/bin/bash\n/bin/su\necho \"I am in you!\"\n");
    assert_eq!(s.volumes_attached[1].delete_on_termination, Some(false));
    assert_eq!(
        s.launched_at,
        Some(utc_micros(2013, 9, 23, 13, 37, 0, 880_302))
    );
    assert_eq!(s.updated, Some(utc(2013, 9, 3, 4, 1, 33)));
}

#[test]
fn server_2_16_and_2_19() {
    let s = server("compute/server_2.16.json");
    assert_eq!(s.host_status.as_deref(), Some("UP"));
    assert_eq!(s.config_drive, None, "not in this example");
    assert_eq!(s.disk_config, None);

    let s = server("compute/server_2.19.json");
    assert_eq!(s.description.as_deref(), Some("new-server-description"));
    assert_eq!(s.locked, Some(false));
    assert_eq!(s.availability_zone.as_deref(), Some("nova"));
    assert_eq!(s.user_data.as_deref(), Some(""));
    assert_eq!(s.created, utc(2015, 12, 7, 17, 24, 14));
}

#[test]
fn server_2_47_embeds_the_flavor() {
    let s = server("compute/server_2.47.json");
    assert_eq!(s.id, "9168b536-cd40-4630-b43f-b259807c6e87");
    let flavor = s.flavor.as_ref().expect("flavor");
    assert_eq!(flavor.id(), None, "no flavor id from 2.47");
    let e = flavor.embedded().expect("embedded flavor");
    assert_eq!(e.original_name, "m1.tiny.specs");
    assert_eq!(e.vcpus, 1);
    assert_eq!(e.ram, 512);
    assert_eq!(e.disk, 1);
    assert_eq!(e.ephemeral, 0);
    assert_eq!(e.swap, 0);
    let specs = e.extra_specs.as_ref().expect("extra_specs");
    assert_eq!(specs["hw:numa_nodes"], "1");
    assert_eq!(s.host_status.as_deref(), Some("UP"));
    assert_eq!(s.tags, Vec::<String>::new());
    assert_eq!(s.description, None);
    assert_eq!(s.created, utc(2017, 2, 14, 19, 23, 58));
    assert_eq!(
        s.launched_at,
        Some(utc_micros(2017, 2, 14, 19, 23, 59, 895_661))
    );
}

#[test]
fn server_2_63_trusted_certificates() {
    let s = server("compute/server_2.63.json");
    assert_eq!(
        s.trusted_image_certificates,
        Some(vec![
            "0b5d2c72-12cc-4ba6-a8d7-3ff5cc1d8cb8".to_owned(),
            "674736e3-f25c-405c-8362-bbf991e0ce0a".to_owned()
        ])
    );
    assert!(s.volumes_attached.is_empty());
    let specs = s
        .flavor
        .as_ref()
        .and_then(ServerFlavor::embedded)
        .and_then(|e| e.extra_specs.as_ref());
    assert_eq!(
        specs.map(|m| m["hw:cpu_policy"].as_str()),
        Some("dedicated")
    );
}

#[test]
fn partial_servers_from_a_down_cell() {
    let list = servers("compute/servers_detail_2.69_down_cell.json");
    let s = &list[0];
    assert_eq!(s.id, "b6b0410f-b65f-4473-855e-5d82a71759e0");
    assert_eq!(s.status, ServerStatus::Unknown);
    assert_eq!(s.name, "");
    assert_eq!(s.flavor, None);
    assert_eq!(s.image, None);
    assert_eq!(s.updated, None);
    assert_eq!(s.created, utc(2018, 12, 3, 21, 6, 18));
    assert_eq!(s.tenant_id.as_deref(), Some(TENANT));
    assert_eq!(s.security_groups[0].name, "default");
    assert!(s.addresses.is_empty());

    let s = server("compute/server_2.69_down_cell.json");
    assert_eq!(s.status, ServerStatus::Unknown);
    assert_eq!(s.power_state, Some(0));
    assert_eq!(s.availability_zone.as_deref(), Some("UNKNOWN"));
    assert_eq!(
        s.flavor
            .as_ref()
            .and_then(ServerFlavor::embedded)
            .map(|e| e.original_name.as_str()),
        Some("m1.tiny")
    );

    let s = server("compute/server_2.71_down_cell.json");
    assert_eq!(
        s.server_groups,
        vec!["f3d86fe6-4246-4be8-b87c-eb894626c741".to_owned()]
    );
    assert_eq!(s.created, utc(2019, 2, 28, 3, 16, 19));
}

#[test]
fn server_2_73_lock_reason() {
    let s = server("compute/server_2.73.json");
    assert_eq!(s.locked, Some(true));
    assert_eq!(s.locked_reason.as_deref(), Some("I don't want to work"));
    assert!(s.server_groups.is_empty());
    assert_eq!(s.trusted_image_certificates, None);
}

#[test]
fn server_2_90_to_2_104() {
    let s = server("compute/server_2.90.json");
    assert_eq!(s.hostname.as_deref(), Some("custom-hostname"));
    assert_eq!(s.pinned_availability_zone, None);

    let s = server("compute/server_2.96.json");
    assert_eq!(s.pinned_availability_zone.as_deref(), Some("us-west"));
    assert_eq!(s.image.as_ref().and_then(|i| i.properties.as_ref()), None);

    let s = server("compute/server_2.98.json");
    let props = s
        .image
        .as_ref()
        .and_then(|i| i.properties.as_ref())
        .expect("properties");
    assert_eq!(props["architecture"], "x86_64");
    assert_eq!(props["auto_disk_config"], "True");

    let s = server("compute/server_2.100.json");
    assert_eq!(s.id, "0e44cc9c-e052-415d-afbf-469b0d384170");
    assert_eq!(s.pinned_availability_zone.as_deref(), Some("us-west"));
    assert_eq!(
        s.scheduler_hints["same_host"],
        json!(["48e6a9f6-30af-47e0-bc04-acaed113bb4e"])
    );
    let props = s
        .image
        .as_ref()
        .and_then(|i| i.properties.as_ref())
        .expect("properties");
    assert_eq!(props["min_ram"], "0");
    assert_eq!(props.len(), 9);
    assert_eq!(s.locked_reason, None);
    assert_eq!(s.updated, Some(utc(2013, 9, 3, 4, 1, 33)));

    let list = servers("compute/servers_detail_2.100_page1.json");
    assert_eq!(list[0].description.as_deref(), Some(""), "kept as sent");
    assert_eq!(list[0].locked_reason.as_deref(), Some(""), "kept as sent");

    let s = server("compute/server_update_2.104.json");
    assert_eq!(s.pinned_availability_zone, None);
    assert!(s.scheduler_hints.is_empty());
    assert_eq!(
        s.hostname.as_deref(),
        Some("new-server-hostname.example.com")
    );
}

#[test]
fn server_in_error_carries_its_fault() {
    let s = server("compute/fault_error_server.json");
    assert_eq!(s.status, ServerStatus::Error);
    let fault: &ServerFault = s.fault.as_ref().expect("fault");
    assert_eq!(fault.code, 500);
    assert_eq!(
        fault.message,
        "No valid host was found. There are not enough hosts available."
    );
    assert!(
        fault
            .details
            .as_deref()
            .is_some_and(|d| d.contains("NoValidHost"))
    );
    assert_eq!(fault.created, Some(utc(2023, 5, 10, 12, 0, 4)));
    assert_eq!(s.host_id, None, "\"\" maps to None");
    assert_eq!(s.access_ipv4, None, "\"\" maps to None");
    assert_eq!(s.availability_zone, None, "\"\" maps to None");
    assert_eq!(s.host, None);
    assert_eq!(s.progress, None);
    assert_eq!(s.launched_at, None);
    assert_eq!(s.vm_state.as_deref(), Some("error"));
    assert_eq!(s.disk_config, Some(DiskConfig::Manual));
    assert!(s.addresses.is_empty());
}

#[test]
fn boot_from_volume_server_has_no_image() {
    let s = server("compute/server_boot_from_volume.json");
    assert_eq!(s.image, None, "Nova sends \"\" for boot from volume");
    assert_eq!(s.status, ServerStatus::Shutoff);
    assert_eq!(s.power_state, Some(4));
    assert_eq!(s.config_drive, Some(true), "\"True\"");
    let e = s
        .flavor
        .as_ref()
        .and_then(ServerFlavor::embedded)
        .expect("flavor");
    assert_eq!((e.disk, e.ram, e.swap), (0, 2048, 1024));
    assert_eq!(e.extra_specs, None, "hidden by policy");
    assert_eq!(
        s.volumes_attached[0].id,
        "227cc671-f30b-4488-96fd-7d0bf13648d8"
    );
    assert_eq!(s.volumes_attached[0].delete_on_termination, Some(true));
    let floating: Vec<_> = s.addresses["private"]
        .iter()
        .filter(|a| a.ip_type.as_deref() == Some("floating"))
        .map(|a| a.addr.as_str())
        .collect();
    assert_eq!(floating, ["172.24.4.11"]);
    assert_eq!(s.launched_at, Some(utc(2019, 4, 23, 15, 19, 10)));
    assert_eq!(
        s.key_name.as_deref(),
        Some("keypair-d20a3d59-9433-4b79-8726-20b431d89c78")
    );
    assert_eq!(s.tags, ["web"]);
}

#[test]
fn server_image_and_flavor_edge_shapes() {
    let mut v = fixture("compute/server_2.47.json")["server"].clone();
    v["image"] = Value::Null;
    v["flavor"] = json!({});
    let s: Server = serde_json::from_value(v.clone()).expect("null image, {} flavor");
    assert_eq!(s.image, None);
    assert_eq!(
        s.flavor, None,
        "Nova sends {{}} when the flavor record is gone"
    );

    v["image"] = json!(IMAGE_ID);
    let s: Server = serde_json::from_value(v).expect("bare image id");
    assert_eq!(s.image.map(|i| i.id).as_deref(), Some(IMAGE_ID));
}

#[test]
fn unknown_status_is_kept() {
    let mut v = fixture("compute/server_2.47.json")["server"].clone();
    v["status"] = json!("FOO");
    let s: Server = serde_json::from_value(v).expect("unknown status");
    assert_eq!(s.status, ServerStatus::Other("FOO".to_owned()));
    assert_eq!(s.status.as_str(), "FOO");
    assert_eq!(serde_json::to_value(&s.status).expect("ser"), json!("FOO"));
}

#[test]
fn server_status_text_forms() {
    let all = [
        (ServerStatus::Active, "ACTIVE"),
        (ServerStatus::Build, "BUILD"),
        (ServerStatus::Deleted, "DELETED"),
        (ServerStatus::Error, "ERROR"),
        (ServerStatus::HardReboot, "HARD_REBOOT"),
        (ServerStatus::Migrating, "MIGRATING"),
        (ServerStatus::Password, "PASSWORD"),
        (ServerStatus::Paused, "PAUSED"),
        (ServerStatus::Reboot, "REBOOT"),
        (ServerStatus::Rebuild, "REBUILD"),
        (ServerStatus::Rescue, "RESCUE"),
        (ServerStatus::Resize, "RESIZE"),
        (ServerStatus::RevertResize, "REVERT_RESIZE"),
        (ServerStatus::Shelved, "SHELVED"),
        (ServerStatus::ShelvedOffloaded, "SHELVED_OFFLOADED"),
        (ServerStatus::Shutoff, "SHUTOFF"),
        (ServerStatus::SoftDeleted, "SOFT_DELETED"),
        (ServerStatus::Suspended, "SUSPENDED"),
        (ServerStatus::Unknown, "UNKNOWN"),
        (ServerStatus::VerifyResize, "VERIFY_RESIZE"),
    ];
    for (status, text) in all {
        assert_eq!(status.as_str(), text);
        assert_eq!(status.to_string(), text);
        assert_eq!(text.parse::<ServerStatus>(), Ok(status.clone()));
        assert_eq!(serde_json::to_value(&status).expect("ser"), json!(text));
        let back: ServerStatus = serde_json::from_value(json!(text)).expect("de");
        assert_eq!(back, status);
    }
    assert_eq!("shutoff".parse::<ServerStatus>(), Ok(ServerStatus::Shutoff));
    assert_eq!(
        "Frozen".parse::<ServerStatus>(),
        Ok(ServerStatus::Other("Frozen".to_owned()))
    );
    assert_eq!(RebootType::Hard.to_string(), "HARD");
    assert_eq!(
        serde_json::to_value(RebootType::Soft).expect("ser"),
        json!("SOFT")
    );
}

#[test]
fn server_list_without_details() -> TestResult {
    let body = fixture("compute/servers_list_2.47.json");
    let refs: Vec<ServerRef> = serde_json::from_value(body["servers"].clone())?;
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].id, "6e3a87e6-a133-452e-86e1-a31291c1b1c8");
    assert_eq!(refs[0].name, "new-server-test");
    assert_eq!(refs[0].links[1].rel, "bookmark");
    Ok(())
}

#[test]
fn timestamps_in_every_form() -> TestResult {
    let cases = [
        ("2013-09-03T04:01:32Z", utc(2013, 9, 3, 4, 1, 32)),
        ("2013-09-03T04:01:32", utc(2013, 9, 3, 4, 1, 32)),
        ("2013-09-03 04:01:32", utc(2013, 9, 3, 4, 1, 32)),
        ("2013-09-03T06:01:32+02:00", utc(2013, 9, 3, 4, 1, 32)),
        ("2013-09-02T23:01:32-05:00", utc(2013, 9, 3, 4, 1, 32)),
        ("2013-09-03T04:01:32+0000", utc(2013, 9, 3, 4, 1, 32)),
        (
            "2013-09-03T04:01:32.123456Z",
            utc_micros(2013, 9, 3, 4, 1, 32, 123_456),
        ),
        (
            "2013-09-03T04:01:32.123456",
            utc_micros(2013, 9, 3, 4, 1, 32, 123_456),
        ),
        ("2013-09-03T04:01:32.000000", utc(2013, 9, 3, 4, 1, 32)),
    ];
    for (text, want) in cases {
        let fault: ServerFault =
            serde_json::from_value(json!({"code": 500, "message": "m", "created": text}))?;
        assert_eq!(fault.created, Some(want), "{text}");
    }
    let fault: ServerFault = serde_json::from_value(json!({"code": 404, "message": "gone"}))?;
    assert_eq!(fault.created, None);
    assert_eq!(fault.details, None);
    // Written back as RFC 3339 UTC.
    let fault: ServerFault = serde_json::from_value(
        json!({"code": 500, "message": "m", "created": "2013-09-03T04:01:32.5"}),
    )?;
    assert_eq!(
        serde_json::to_value(&fault)?["created"],
        json!("2013-09-03T04:01:32.500Z")
    );
    Ok(())
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let good = fixture("compute/server_2.47.json")["server"].clone();
    let mut bad_cases: Vec<Value> = Vec::new();
    for (key, value) in [
        ("id", Value::Null),
        ("status", json!(7)),
        ("created", json!("yesterday")),
        ("image", json!(42)),
        ("flavor", json!({"original_name": "x", "vcpus": 1})),
        ("addresses", json!(["not", "a", "map"])),
        ("OS-EXT-STS:power_state", json!("running")),
        ("OS-SRV-USG:launched_at", json!("2013-13-45T99:00:00")),
        ("config_drive", json!(1.5)),
    ] {
        let mut v = good.clone();
        v[key] = value;
        bad_cases.push(v);
    }
    let mut v = good.clone();
    if let Some(obj) = v.as_object_mut() {
        obj.remove("created");
    }
    bad_cases.push(v);
    for v in bad_cases {
        assert!(serde_json::from_value::<Server>(v).is_err());
    }
    assert!(serde_json::from_str::<Server>("{\"id\": \"x\", \"status\": ").is_err());
    assert!(serde_json::from_str::<Server>("[]").is_err());
    assert!(
        serde_json::from_value::<Flavor>(
            json!({"id": "1", "name": "x", "ram": 1, "disk": 1, "vcpus": 1, "swap": "lots"})
        )
        .is_err()
    );
    assert!(
        serde_json::from_value::<Flavor>(
            json!({"id": "1", "name": "x", "ram": -1, "disk": 1, "vcpus": 1})
        )
        .is_err()
    );
    assert!(
        serde_json::from_value::<Network>(json!({"name": "no id", "status": "ACTIVE"})).is_err()
    );
    assert!(
        serde_json::from_value::<Network>(
            json!({"id": "n", "status": "ACTIVE", "provider:segmentation_id": "x"})
        )
        .is_err()
    );
    assert!(
        serde_json::from_value::<Network>(json!({"id": "n", "status": "ACTIVE", "created_at": 5}))
            .is_err()
    );
    assert!(serde_json::from_value::<CreatedServer>(json!({"links": []})).is_err());
}

// ----------------------------------------------------------------------------------------------
// Flavors
// ----------------------------------------------------------------------------------------------

#[test]
fn flavors_before_2_75_send_empty_swap() -> TestResult {
    let body = fixture("compute/flavors_detail.json");
    let flavors: Vec<Flavor> = serde_json::from_value(body["flavors"].clone())?;
    assert_eq!(flavors.len(), 5);
    let small = flavors
        .iter()
        .find(|f| f.name == "m1.small")
        .expect("m1.small");
    assert_eq!(small.id, "2");
    assert_eq!(small.ram, 2048);
    assert_eq!(small.disk, 20);
    assert_eq!(small.vcpus, 1);
    assert_eq!(small.ephemeral, 0);
    assert_eq!(small.swap, 0, "\"\" is no swap");
    assert_eq!(small.rxtx_factor, 1.0);
    assert!(small.is_public);
    assert!(!small.disabled);
    assert_eq!(small.description, None);
    assert_eq!(small.extra_specs, None);
    assert_eq!(small.links[0].rel, "self");
    let xlarge = &flavors[4];
    assert_eq!((xlarge.ram, xlarge.disk, xlarge.vcpus), (16384, 160, 8));
    Ok(())
}

#[test]
fn flavors_from_2_75() -> TestResult {
    let body = fixture("compute/flavors_detail_2.75.json");
    let flavors: Vec<Flavor> = serde_json::from_value(body["flavors"].clone())?;
    assert_eq!(flavors.len(), 7);
    assert!(flavors.iter().all(|f| f.swap == 0));
    let tiny = &flavors[0];
    assert_eq!(tiny.extra_specs.as_ref().map(|m| m.len()), Some(0));
    let described = flavors.iter().find(|f| f.id == "7").expect("flavor 7");
    assert_eq!(described.name, "m1.small.description");
    assert_eq!(described.description.as_deref(), Some("test description"));
    let specs = described.extra_specs.as_ref().expect("extra_specs");
    assert_eq!(specs["hw:cpu_policy"], "shared");
    assert_eq!(specs["hw:numa_nodes"], "1");

    let with_swap: Flavor = serde_json::from_value(
        json!({"id": "s", "name": "swappy", "ram": 1024, "disk": 10, "vcpus": 2, "swap": 512}),
    )?;
    assert_eq!(with_swap.swap, 512);
    assert_eq!(with_swap.ephemeral, 0);
    assert!(with_swap.is_public);
    Ok(())
}

// ----------------------------------------------------------------------------------------------
// Create server
// ----------------------------------------------------------------------------------------------

const USER_DATA: &[u8] = b"#!/bin/bash\n/bin/su\necho \"I am in you!\"\n";

#[test]
fn create_server_matches_the_reference_example() -> TestResult {
    let req = CreateServer::new("new-server-test", "http://openstack.example.com/flavors/1")
        .image(IMAGE_ID)
        .access_ipv4(Ipv4Addr::new(1, 2, 3, 4))
        .access_ipv6("80fe::".parse::<Ipv6Addr>()?)
        .availability_zone("nova")
        .disk_config(DiskConfig::Auto)
        .metadata("My Server Name", "Apache1")
        .security_group("default")
        .user_data(USER_DATA)
        .networks_auto();
    assert_eq!(
        serde_json::to_value(&req)?,
        fixture("compute/server_create_request.json")
    );
    assert_eq!(req.min_microversion(), Some((2, 37)));
    assert_eq!(req.name(), "new-server-test");
    Ok(())
}

#[test]
fn create_server_auto_network_example() -> TestResult {
    let req = CreateServer::new(
        "auto-allocate-network",
        "http://openstack.example.com/flavors/1",
    )
    .image(IMAGE_ID)
    .networks_auto();
    assert_eq!(
        serde_json::to_value(&req)?,
        fixture("compute/server_create_request_auto_2.37.json")
    );
    Ok(())
}

#[test]
fn create_server_boot_from_volume_example() -> TestResult {
    let req = CreateServer::new(
        "bfv-server-with-volume-type",
        "http://openstack.example.com/flavors/1",
    )
    .nic(ServerNetwork {
        uuid: Some("ff608d40-75e9-48cb-b745-77bb55b5eaf2".to_owned()),
        tag: Some("nic1".to_owned()),
        ..ServerNetwork::default()
    })
    .block_device_mapping(BlockDeviceMapping {
        uuid: Some(IMAGE_ID.to_owned()),
        source_type: Some(SourceType::Image),
        destination_type: Some(DestinationType::Volume),
        boot_index: Some(0),
        volume_size: Some(1),
        tag: Some("disk1".to_owned()),
        volume_type: Some("lvm-1".to_owned()),
        ..BlockDeviceMapping::default()
    });
    assert_eq!(
        serde_json::to_value(&req)?,
        fixture("compute/server_create_request_bfv_2.67.json")
    );
    assert_eq!(req.min_microversion(), Some((2, 67)));
    assert!(
        serde_json::to_value(&req)?["server"]
            .get("imageRef")
            .is_none()
    );
    Ok(())
}

#[test]
fn create_server_with_hints_ports_and_secrets() -> TestResult {
    let req = CreateServer::new("new-server-test", "1")
        .image(IMAGE_ID)
        .fixed_ip(
            "ff608d40-75e9-48cb-b745-77bb55b5eaf2",
            IpAddr::V4(Ipv4Addr::new(192, 168, 1, 30)),
        )
        .port("ce531f90-199f-48c0-816c-13e38010b442")
        .key_name("keypair-d20a3d59-9433-4b79-8726-20b431d89c78")
        .config_drive(true)
        .description("new-server-description")
        .tags(["tag1", "tag2"])
        .admin_pass("MySecretPass1")
        .scheduler_hint("same_host", json!(["48e6a9f6-30af-47e0-bc04-acaed113bb4e"]))
        .scheduler_hint("group", "f3d86fe6-4246-4be8-b87c-eb894626c741");
    let body = serde_json::to_value(&req)?;
    assert_eq!(body, fixture("compute/server_create_request_hints.json"));
    assert!(
        body["server"].get("os:scheduler_hints").is_none(),
        "hints are top level"
    );
    assert_eq!(req.min_microversion(), Some((2, 52)));

    let debug = format!("{req:?}");
    assert!(!debug.contains("MySecretPass1"), "{debug}");
    assert!(debug.contains("new-server-test"));
    Ok(())
}

#[test]
fn create_server_user_data_is_base64() -> TestResult {
    let req = CreateServer::new("u", "1").user_data(USER_DATA);
    let body = serde_json::to_value(&req)?;
    assert_eq!(
        body["server"]["user_data"],
        json!("IyEvYmluL2Jhc2gKL2Jpbi9zdQplY2hvICJJIGFtIGluIHlvdSEiCg==")
    );
    let binary = CreateServer::new("u", "1").user_data([0u8, 255, 128]);
    assert_eq!(
        serde_json::to_value(&binary)?["server"]["user_data"],
        json!("AP+A")
    );
    assert!(
        !format!("{req:?}").contains("IyEvYmluL2Jhc2g"),
        "user data redacted in Debug"
    );
    Ok(())
}

#[test]
fn create_server_minimal_body_and_microversions() -> TestResult {
    let req = CreateServer::new("min", "42");
    assert_eq!(
        serde_json::to_value(&req)?,
        json!({"server": {"name": "min", "flavorRef": "42"}})
    );
    assert_eq!(req.min_microversion(), None);

    let none = CreateServer::new("n", "1").network("net-a").networks_none();
    assert_eq!(
        serde_json::to_value(&none)?["server"]["networks"],
        json!("none")
    );
    assert_eq!(none.min_microversion(), Some((2, 37)));

    let back = CreateServer::new("n", "1")
        .networks_auto()
        .network("net-a")
        .network("net-b");
    assert_eq!(
        serde_json::to_value(&back)?["server"]["networks"],
        json!([{"uuid": "net-a"}, {"uuid": "net-b"}])
    );
    assert_eq!(back.min_microversion(), None);

    assert_eq!(
        CreateServer::new("d", "1")
            .description("x")
            .min_microversion(),
        Some((2, 19))
    );
    assert_eq!(
        CreateServer::new("t", "1").tag("a").min_microversion(),
        Some((2, 52))
    );
    let tagged_disk = CreateServer::new("b", "1").block_device_mapping(BlockDeviceMapping {
        tag: Some("d".to_owned()),
        ..BlockDeviceMapping::boot_from_volume("vol")
    });
    assert_eq!(tagged_disk.min_microversion(), Some((2, 42)));

    let bfv = CreateServer::new("b", "1")
        .block_device_mapping(BlockDeviceMapping::boot_volume_from_image(IMAGE_ID, 20));
    assert_eq!(
        serde_json::to_value(&bfv)?["server"]["block_device_mapping_v2"],
        json!([{
            "boot_index": 0,
            "uuid": IMAGE_ID,
            "source_type": "image",
            "destination_type": "volume",
            "volume_size": 20,
            "delete_on_termination": true
        }])
    );
    assert_eq!(bfv.min_microversion(), None);
    Ok(())
}

#[test]
fn created_server_hides_the_admin_password() -> TestResult {
    let body = fixture("compute/server_create_response.json");
    let created: CreatedServer = serde_json::from_value(body["server"].clone())?;
    assert_eq!(created.id, "f5dc173b-6804-445a-a6d8-c705dad5b5eb");
    assert_eq!(created.links.len(), 2);
    assert_eq!(created.disk_config, Some(DiskConfig::Auto));
    assert_eq!(created.security_groups[0].name, "default");
    assert_eq!(
        created.admin_pass.as_ref().map(|p| p.expose_secret()),
        Some("6NpUwoz2QDRN")
    );
    let debug = format!("{created:?}");
    assert!(!debug.contains("6NpUwoz2QDRN"), "{debug}");
    assert!(debug.contains("f5dc173b-6804-445a-a6d8-c705dad5b5eb"));

    let no_pass: CreatedServer = serde_json::from_value(json!({"id": "x", "links": []}))?;
    assert!(no_pass.admin_pass.is_none());
    Ok(())
}

// ----------------------------------------------------------------------------------------------
// Networks
// ----------------------------------------------------------------------------------------------

#[test]
fn networks_list() -> TestResult {
    let body = fixture("network/networks.json");
    let nets: Vec<Network> = serde_json::from_value(body["networks"].clone())?;
    assert_eq!(nets.len(), 2);
    let n = &nets[0];
    assert_eq!(n.id, "d32019d3-bc6e-4319-9c1d-6722fc136a22");
    assert_eq!(n.name, "net1");
    assert_eq!(n.status, NetworkStatus::Active);
    assert!(n.admin_state_up);
    assert!(!n.shared);
    assert!(!n.external);
    assert_eq!(n.subnets, ["54d6f61d-db07-451c-9ab3-b9609b6b6f0b"]);
    assert_eq!(n.mtu, Some(1500));
    assert_eq!(n.port_security_enabled, Some(true));
    assert_eq!(
        n.project_id.as_deref(),
        Some("4fd44f30292945e481c7b8a0c8908869")
    );
    assert_eq!(
        n.tenant_id.as_deref(),
        Some("4fd44f30292945e481c7b8a0c8908869")
    );
    assert_eq!(n.availability_zones, ["nova"]);
    assert!(n.availability_zone_hints.is_empty());
    assert_eq!(n.ipv4_address_scope, None);
    assert_eq!(n.dns_domain.as_deref(), Some("my-domain.org."));
    assert_eq!(
        n.qos_policy_id.as_deref(),
        Some("6a8454ade84346f59e8d40665f878b2e")
    );
    assert_eq!(n.l2_adjacency, Some(false));
    assert_eq!(n.vlan_transparent, Some(true));
    assert_eq!(n.qinq, Some(true));
    assert_eq!(n.is_default, Some(false));
    assert_eq!(n.description.as_deref(), Some(""));
    assert_eq!(n.revision_number, Some(1));
    assert_eq!(n.created_at, Some(utc(2016, 3, 8, 20, 19, 41)));
    assert_eq!(n.updated_at, Some(utc(2016, 3, 8, 20, 19, 41)));
    assert_eq!(n.provider_network_type, None);
    assert!(n.segments.is_empty());
    assert_eq!(nets[1].revision_number, Some(3));

    for net in &nets {
        let back: Network = serde_json::from_value(serde_json::to_value(net)?)?;
        assert_eq!(&back, net);
    }
    Ok(())
}

#[test]
fn network_show_and_create_response() -> TestResult {
    let n: Network = serde_json::from_value(fixture("network/network.json")["network"].clone())?;
    assert_eq!(n.name, "private-network");
    assert!(n.shared);
    assert_eq!(n.is_default, Some(true));
    assert_eq!(n.tags, ["tag1,tag2"]);

    let n: Network =
        serde_json::from_value(fixture("network/network_create_response.json")["network"].clone())?;
    assert_eq!(n.id, "4e8e5957-649f-477b-9e5b-f1f75b21c03c");
    assert_eq!(n.mtu, Some(1400));
    assert_eq!(n.l2_adjacency, Some(true));
    assert!(n.subnets.is_empty());
    assert_eq!(n.qinq, None, "not in this example");
    Ok(())
}

#[test]
fn provider_networks_and_segments() -> TestResult {
    let body = fixture("network/networks_provider.json");
    let nets: Vec<Network> = serde_json::from_value(body["networks"].clone())?;
    let single = &nets[0];
    assert_eq!(single.provider_network_type.as_deref(), Some("vlan"));
    assert_eq!(single.provider_physical_network.as_deref(), Some("public"));
    assert_eq!(single.provider_segmentation_id, Some(3));

    let multi = &nets[1];
    assert_eq!(multi.provider_network_type.as_deref(), Some("local"));
    assert_eq!(multi.provider_physical_network, None);
    assert_eq!(multi.provider_segmentation_id, None);
    assert_eq!(multi.mtu, Some(1450));
    assert_eq!(
        multi.segments,
        vec![
            Segment::new("vlan")
                .physical_network("public")
                .segmentation_id(2),
            Segment::new("vxlan")
                .physical_network("default")
                .segmentation_id(1000),
        ]
    );
    Ok(())
}

#[test]
fn project_id_comes_from_tenant_id_when_alone() -> TestResult {
    let body = fixture("network/network_tenant_id_only.json");
    let nets: Vec<Network> = serde_json::from_value(body["networks"].clone())?;
    assert_eq!(
        nets[0].project_id.as_deref(),
        Some("4fd44f30292945e481c7b8a0c8908869")
    );
    assert_eq!(
        nets[0].tenant_id.as_deref(),
        Some("4fd44f30292945e481c7b8a0c8908869")
    );
    assert!(nets[0].external);
    assert_eq!(nets[0].mtu, Some(0));
    assert_eq!(nets[0].created_at, None);
    assert_eq!(nets[0].revision_number, None);
    assert!(nets[0].tags.is_empty());

    let down = &nets[1];
    assert_eq!(
        down.project_id.as_deref(),
        Some("26a7980765d0414dbc1fc1f88cdb7e6e")
    );
    assert_eq!(down.status, NetworkStatus::Down);
    assert!(!down.admin_state_up);
    assert_eq!(down.provider_segmentation_id, Some(1001));
    Ok(())
}

#[test]
fn network_status_forms() -> TestResult {
    let n: Network = serde_json::from_value(json!({"id": "n", "status": "FOO"}))?;
    assert_eq!(n.status, NetworkStatus::Other("FOO".to_owned()));
    assert_eq!(n.name, "");
    assert!(n.admin_state_up, "default");
    for (s, t) in [
        (NetworkStatus::Active, "ACTIVE"),
        (NetworkStatus::Down, "DOWN"),
        (NetworkStatus::Build, "BUILD"),
        (NetworkStatus::Error, "ERROR"),
    ] {
        assert_eq!(s.as_str(), t);
        assert_eq!(s.to_string(), t);
        assert_eq!(t.to_lowercase().parse::<NetworkStatus>(), Ok(s.clone()));
        assert_eq!(serde_json::to_value(&s)?, json!(t));
    }
    let tz: Network = serde_json::from_value(
        json!({"id": "n", "status": "BUILD", "created_at": "2016-03-08T20:19:41Z", "tenant_id": ""}),
    )?;
    assert_eq!(tz.created_at, Some(utc(2016, 3, 8, 20, 19, 41)));
    assert_eq!(tz.project_id, None, "an empty tenant_id is no project");
    Ok(())
}

#[test]
fn create_network_matches_the_reference_examples() -> TestResult {
    let req = CreateNetwork::new()
        .name("sample_network")
        .admin_state_up(true)
        .dns_domain("my-domain.org.")
        .qos_policy_id("6a8454ade84346f59e8d40665f878b2e");
    assert_eq!(
        serde_json::to_value(&req)?,
        fixture("network/network_create_request.json")
    );

    let provider = CreateNetwork::new()
        .admin_state_up(true)
        .name("net1")
        .provider_network_type("vlan")
        .provider_physical_network("public")
        .provider_segmentation_id(2)
        .qos_policy_id("6a8454ade84346f59e8d40665f878b2e");
    assert_eq!(
        serde_json::to_value(&provider)?,
        fixture("network/network_provider_create_request.json")
    );

    assert_eq!(
        serde_json::to_value(CreateNetwork::new())?,
        json!({"network": {}})
    );

    let all = CreateNetwork::new()
        .shared(true)
        .external(true)
        .mtu(9000)
        .port_security_enabled(false)
        .description("d")
        .availability_zone_hint("az1")
        .availability_zone_hint("az2")
        .project_id("p");
    assert_eq!(
        serde_json::to_value(&all)?,
        json!({"network": {
            "shared": true,
            "router:external": true,
            "mtu": 9000,
            "port_security_enabled": false,
            "description": "d",
            "availability_zone_hints": ["az1", "az2"],
            "project_id": "p"
        }})
    );
    Ok(())
}

#[test]
fn multi_segment_request_example() -> TestResult {
    // The reference example writes the segmentation ID as a string; both forms are read.
    let body = fixture("network/network_multi_create_request.json");
    let segments: Vec<Segment> = serde_json::from_value(body["network"]["segments"].clone())?;
    let physnet = "8bab8453-1bc9-45af-8c70-f83aa9b50453";
    assert_eq!(
        segments,
        vec![
            Segment::new("vlan")
                .physical_network(physnet)
                .segmentation_id(2),
            Segment::new("stt").physical_network(physnet),
        ]
    );
    let req = segments
        .into_iter()
        .fold(
            CreateNetwork::new().name("net1").admin_state_up(true),
            CreateNetwork::segment,
        )
        .qos_policy_id("6a8454ade84346f59e8d40665f878b2e");
    let mut want = body;
    want["network"]["segments"][0]["provider:segmentation_id"] = json!(2);
    assert_eq!(serde_json::to_value(&req)?, want);
    Ok(())
}
