//! Server bodies as Nova renders them, by microversion.

use serde_json::{Map, Value, json};

use super::flavors::Flavor;
use super::model::Server;
use super::{Microversion, links};
use crate::testing::ids;
use crate::testing::state::Shared;

/// Statuses that show `progress`.
const PROGRESS_STATUSES: [&str; 6] = [
    "ACTIVE",
    "BUILD",
    "REBUILD",
    "RESIZE",
    "VERIFY_RESIZE",
    "MIGRATING",
];

/// The fake's one compute host (`OS-EXT-SRV-ATTR:host`, availability zone hosts).
pub(crate) const HOST: &str = "fake-host";

/// The fake's one compute node (`OS-EXT-SRV-ATTR:hypervisor_hostname`, the hypervisor).
pub(crate) const NODE: &str = "fake-host.localdomain";

/// `{id, name, links}` (`GET /servers`).
pub(crate) fn summary(shared: &Shared, s: &Server) -> Value {
    json!({"id": s.id, "name": s.name, "links": links(&shared.base, "servers", &s.id)})
}

/// The full server body (`GET /servers/detail`, `GET /servers/{id}`); `server_groups` (`Some` for a
/// single server) is what only the single-server view has (`server_groups`, 2.71).
pub(crate) fn detail(
    shared: &Shared,
    flavors: &[Flavor],
    s: &Server,
    version: Microversion,
    server_groups: Option<&[String]>,
) -> Value {
    let base = &shared.base;
    let status = s.status();
    let mut m = Map::new();
    m.insert("id".into(), json!(s.id));
    m.insert("name".into(), json!(s.name));
    m.insert("status".into(), json!(status));
    m.insert("tenant_id".into(), json!(s.project_id));
    m.insert("user_id".into(), json!(s.user_id));
    m.insert("metadata".into(), json!(s.metadata));
    m.insert("hostId".into(), json!(shared.identity.host_id));
    m.insert("created".into(), json!(ids::seconds_z(s.created)));
    m.insert("updated".into(), json!(ids::seconds_z(s.updated)));
    m.insert("links".into(), links(base, "servers", &s.id));
    m.insert("key_name".into(), json!(s.key_name));
    m.insert("accessIPv4".into(), json!(s.access_ipv4));
    m.insert("accessIPv6".into(), json!(s.access_ipv6));
    m.insert(
        "config_drive".into(),
        json!(if s.config_drive { "True" } else { "" }),
    );
    m.insert("addresses".into(), addresses(s));
    m.insert("image".into(), image(base, s, version));
    m.insert(
        "flavor".into(),
        flavor(base, flavors, &s.flavor_id, version),
    );
    if PROGRESS_STATUSES.contains(&status) {
        m.insert("progress".into(), json!(0));
    }
    if let (Some(fault), "ERROR" | "DELETED") = (&s.fault, status) {
        m.insert(
            "fault".into(),
            json!({
                "code": 500,
                "message": fault.message,
                "created": ids::seconds_z(fault.created),
                "details": fault.message
            }),
        );
    }
    m.insert("OS-DCF:diskConfig".into(), json!(s.disk_config));
    m.insert(
        "OS-EXT-AZ:availability_zone".into(),
        json!(s.availability_zone),
    );
    m.insert("OS-EXT-STS:vm_state".into(), json!(s.vm_state.as_str()));
    m.insert("OS-EXT-STS:task_state".into(), json!(s.task_state));
    m.insert("OS-EXT-STS:power_state".into(), json!(s.power_state));
    m.insert(
        "OS-SRV-USG:launched_at".into(),
        json!(s.launched_at.map(ids::micros_naive)),
    );
    m.insert(
        "OS-SRV-USG:terminated_at".into(),
        json!(s.terminated_at.map(ids::micros_naive)),
    );
    let host = s.has_host();
    m.insert("OS-EXT-SRV-ATTR:host".into(), json!(host.then_some(HOST)));
    m.insert(
        "OS-EXT-SRV-ATTR:hypervisor_hostname".into(),
        json!(host.then_some(NODE)),
    );
    m.insert(
        "OS-EXT-SRV-ATTR:instance_name".into(),
        json!(format!("instance-{:08x}", s.seq)),
    );
    let volumes: Vec<Value> = Vec::new();
    m.insert(
        "os-extended-volumes:volumes_attached".into(),
        json!(volumes),
    );
    let groups: Vec<Value> = s
        .security_groups
        .iter()
        .map(|name| json!({"name": name}))
        .collect();
    m.insert("security_groups".into(), Value::Array(groups));
    if version.at_least(3) {
        m.insert(
            "OS-EXT-SRV-ATTR:reservation_id".into(),
            json!(s.reservation_id),
        );
        m.insert("OS-EXT-SRV-ATTR:launch_index".into(), json!(s.launch_index));
        m.insert("OS-EXT-SRV-ATTR:hostname".into(), json!(hostname(&s.name)));
        m.insert("OS-EXT-SRV-ATTR:kernel_id".into(), json!(""));
        m.insert("OS-EXT-SRV-ATTR:ramdisk_id".into(), json!(""));
        m.insert("OS-EXT-SRV-ATTR:root_device_name".into(), json!("/dev/vda"));
        m.insert("OS-EXT-SRV-ATTR:user_data".into(), json!(s.user_data));
    }
    if version.at_least(9) {
        m.insert("locked".into(), json!(s.locked));
    }
    if version.at_least(16) {
        m.insert("host_status".into(), json!("UP"));
    }
    if version.at_least(19) {
        m.insert("description".into(), json!(s.description));
    }
    if version.at_least(26) {
        m.insert("tags".into(), json!(s.tags));
    }
    if version.at_least(63) {
        m.insert("trusted_image_certificates".into(), Value::Null);
    }
    if let (true, Some(ids)) = (version.at_least(71), server_groups) {
        m.insert("server_groups".into(), json!(ids));
    }
    if version.at_least(73) {
        m.insert("locked_reason".into(), json!(s.locked_reason));
    }
    if version.at_least(96) {
        m.insert(
            "pinned_availability_zone".into(),
            json!(s.pinned_az.then_some(&s.availability_zone)),
        );
    }
    if version.at_least(100) {
        m.insert("scheduler_hints".into(), json!(s.scheduler_hints));
    }
    Value::Object(m)
}

/// Keys of the rebuild answer below 2.75 (from 2.75 it is the whole server, as `GET` shows it):
/// the base view plus what each microversion added.
const REBUILD_KEYS: [&str; 16] = [
    "id",
    "name",
    "status",
    "tenant_id",
    "user_id",
    "metadata",
    "hostId",
    "image",
    "flavor",
    "created",
    "updated",
    "addresses",
    "accessIPv4",
    "accessIPv6",
    "links",
    "OS-DCF:diskConfig",
];

/// The `server` of a rebuild's answer: below 2.75 the base view (addresses without the
/// `OS-EXT-IPS*` keys) plus `progress`, `locked` (2.9), `description` (2.19), `tags` (2.26),
/// `key_name` (2.54), `user_data` (2.57), `trusted_image_certificates` (2.63),
/// `server_groups` (2.71), `locked_reason` (2.73); from 2.75 all of it.
pub(crate) fn rebuild(
    shared: &Shared,
    flavors: &[Flavor],
    s: &Server,
    version: Microversion,
    groups: &[String],
) -> Value {
    let mut full = detail(shared, flavors, s, version, Some(groups));
    if version.at_least(57) {
        if let Value::Object(m) = &mut full {
            m.insert("user_data".into(), json!(s.user_data));
        }
    }
    if version.at_least(75) {
        return full;
    }
    let Value::Object(m) = full else {
        return full;
    };
    let mut keep: Vec<&str> = REBUILD_KEYS.to_vec();
    keep.extend(["progress", "locked", "description", "tags"]);
    if version.at_least(54) {
        keep.push("key_name");
    }
    keep.extend([
        "user_data",
        "trusted_image_certificates",
        "server_groups",
        "locked_reason",
    ]);
    let mut out: Map<String, Value> = m
        .into_iter()
        .filter(|(k, _)| keep.contains(&k.as_str()))
        .collect();
    if let Some(Value::Object(nets)) = out.get_mut("addresses") {
        for list in nets.values_mut() {
            if let Value::Array(items) = list {
                for item in items {
                    if let Value::Object(a) = item {
                        a.retain(|k, _| k == "addr" || k == "version");
                    }
                }
            }
        }
    }
    Value::Object(out)
}

/// `{network name: [{addr, version, OS-EXT-IPS:type, OS-EXT-IPS-MAC:mac_addr}]}`.
fn addresses(s: &Server) -> Value {
    let mut out = Map::new();
    for a in &s.addresses {
        let entry = json!({
            "addr": a.addr,
            "version": 4,
            "OS-EXT-IPS:type": "fixed",
            "OS-EXT-IPS-MAC:mac_addr": a.mac
        });
        match out.get_mut(&a.network_name) {
            Some(Value::Array(list)) => list.push(entry),
            _ => {
                out.insert(a.network_name.clone(), json!([entry]));
            }
        }
    }
    Value::Object(out)
}

/// `{id, links}`, `""` when booted from a volume; `properties` from 2.98.
fn image(base: &str, s: &Server, version: Microversion) -> Value {
    let Some(id) = &s.image_id else {
        return json!("");
    };
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m.insert(
        "links".into(),
        json!([{"rel": "bookmark", "href": format!("{base}/compute/images/{id}")}]),
    );
    if version.at_least(98) {
        m.insert("properties".into(), json!({}));
    }
    Value::Object(m)
}

/// `{id, links}` below 2.47, the embedded flavor from 2.47.
fn flavor(base: &str, flavors: &[Flavor], id: &str, version: Microversion) -> Value {
    match flavors.iter().find(|f| f.id == id) {
        Some(f) if version.at_least(47) => json!({
            "original_name": f.name,
            "vcpus": f.vcpus,
            "ram": f.ram,
            "disk": f.disk,
            "ephemeral": f.ephemeral,
            "swap": f.swap,
            "extra_specs": f.extra_specs
        }),
        _ => json!({
            "id": id,
            "links": [{"rel": "bookmark", "href": format!("{base}/compute/flavors/{id}")}]
        }),
    }
}

/// Nova's hostname from a display name: lower case, `[a-z0-9-]`, at most 63 characters.
fn hostname(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out.truncate(63);
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "server".into()
    } else {
        trimmed.to_string()
    }
}
