//! Read-only Nova endpoints the openstack CLI and SDK users call around servers: `/limits`,
//! `/os-availability-zone[/detail]`, `/flavors/{id}/os-extra_specs[/{key}]`,
//! `/os-quota-sets/{project}[/detail|/defaults]`, and the `os-getConsoleOutput` action, with a
//! loopback Nova's bodies (nova 33, default quotas, the fake virt driver's console).

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::{Microversion, fault, flavors};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// Nova's default quotas (`[quota]` options), in the order Nova lists them.
const QUOTAS: [(&str, i64); 14] = [
    ("cores", 20),
    ("fixed_ips", -1),
    ("floating_ips", -1),
    ("injected_file_content_bytes", 10240),
    ("injected_file_path_bytes", 255),
    ("injected_files", 5),
    ("instances", 10),
    ("key_pairs", 100),
    ("metadata_items", 128),
    ("ram", 51200),
    ("security_group_rules", -1),
    ("security_groups", -1),
    ("server_group_members", 10),
    ("server_groups", 10),
];

/// Whether a quota is shown at `version`: the network quotas go at 2.36, the injected file
/// ones at 2.57.
fn shown(key: &str, version: Microversion) -> bool {
    match key {
        "fixed_ips" | "floating_ips" | "security_group_rules" | "security_groups" => {
            !version.at_least(36)
        }
        "injected_file_content_bytes" | "injected_file_path_bytes" | "injected_files" => {
            !version.at_least(57)
        }
        _ => true,
    }
}

/// Instances, cores and RAM of the live servers, and the server groups.
fn usage(state: &State) -> (i64, i64, i64, i64) {
    let (mut instances, mut cores, mut ram) = (0i64, 0i64, 0i64);
    for s in state.servers.iter().filter(|s| s.is_live()) {
        instances += 1;
        if let Some(f) = flavors::find(state, &s.flavor_id) {
            cores += i64::try_from(f.vcpus).unwrap_or(i64::MAX);
            ram += i64::try_from(f.ram).unwrap_or(i64::MAX);
        }
    }
    let groups = i64::try_from(state.server_groups.len()).unwrap_or(i64::MAX);
    (instances, cores, ram, groups)
}

/// `GET /limits`: `{"limits": {"rate": [], "absolute": {...}}}`; the network limits go at 2.36,
/// `maxImageMeta` at 2.39, `maxPersonality*` at 2.57.
pub(crate) fn limits(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    let mut state = ctx.shared.lock();
    super::servers::settle_all(&mut state);
    let (instances, cores, ram, groups) = usage(&state);
    drop(state);
    let mut m = Map::new();
    let mut put = |k: &str, v: i64| {
        m.insert(k.into(), json!(v));
    };
    put("maxTotalCores", 20);
    if !version.at_least(57) {
        put("maxPersonality", 5);
        put("maxPersonalitySize", 10240);
    }
    put("maxTotalInstances", 10);
    put("maxTotalKeypairs", 100);
    put("maxServerMeta", 128);
    if !version.at_least(39) {
        put("maxImageMeta", 128);
    }
    put("maxTotalRAMSize", 51200);
    put("maxServerGroups", 10);
    put("maxServerGroupMembers", 10);
    if !version.at_least(36) {
        put("maxTotalFloatingIps", -1);
        put("maxSecurityGroups", -1);
        put("maxSecurityGroupRules", -1);
    }
    put("totalRAMUsed", ram);
    put("totalCoresUsed", cores);
    put("totalInstancesUsed", instances);
    if !version.at_least(36) {
        put("totalFloatingIpsUsed", 0);
        put("totalSecurityGroupsUsed", 0);
    }
    put("totalServerGroupsUsed", groups);
    Resp::json(
        200,
        &json!({"limits": {"rate": [], "absolute": Value::Object(m)}}),
    )
}

/// `GET /os-quota-sets/{project}` (`detail`: `{limit, in_use, reserved}` each; `defaults`:
/// the defaults). Every project has Nova's default quotas in the fake.
pub(crate) fn quota_set(ctx: &Ctx<'_>, version: Microversion, project: &str, detail: bool) -> Resp {
    let mut state = ctx.shared.lock();
    super::servers::settle_all(&mut state);
    let (instances, cores, ram, groups) = usage(&state);
    let keypairs = i64::try_from(state.keypairs.len()).unwrap_or(i64::MAX);
    drop(state);
    let own = project == ctx.project_id();
    let mut m = Map::new();
    m.insert("id".into(), json!(project));
    for (key, limit) in QUOTAS.iter().filter(|(k, _)| shown(k, version)) {
        let value = if detail {
            let in_use = match *key {
                "instances" if own => instances,
                "cores" if own => cores,
                "ram" if own => ram,
                "server_groups" if own => groups,
                "key_pairs" if own => keypairs,
                _ => 0,
            };
            json!({"limit": limit, "in_use": in_use, "reserved": 0})
        } else {
            json!(limit)
        };
        m.insert((*key).into(), value);
    }
    Resp::json(200, &json!({ "quota_set": Value::Object(m) }))
}

/// `GET /os-availability-zone[/detail]`: the zone `nova` (and, in detail, `internal` with the
/// conductor and scheduler) on the fake's one host.
pub(crate) fn availability_zones(ctx: &Ctx<'_>, detail: bool) -> Resp {
    if !detail {
        return Resp::json(
            200,
            &json!({"availabilityZoneInfo": [
                {"zoneName": "nova", "zoneState": {"available": true}, "hosts": null}
            ]}),
        );
    }
    let _ = ctx;
    let updated = Utc::now().format("%Y-%m-%dT%H:%M:%S.000000").to_string();
    let service = || json!({"available": true, "active": true, "updated_at": updated});
    let on_host = |services: Value| {
        let mut hosts = Map::new();
        hosts.insert(super::view::HOST.to_string(), services);
        Value::Object(hosts)
    };
    Resp::json(
        200,
        &json!({"availabilityZoneInfo": [
            {"zoneName": "internal", "zoneState": {"available": true},
             "hosts": on_host(json!({"nova-conductor": service(), "nova-scheduler": service()}))},
            {"zoneName": "nova", "zoneState": {"available": true},
             "hosts": on_host(json!({"nova-compute": service()}))}
        ]}),
    )
}

/// `GET /flavors/{id}/os-extra_specs[/{key}]`.
pub(crate) fn extra_specs(ctx: &Ctx<'_>, flavor_id: &str, key: Option<&str>) -> Resp {
    let state = ctx.shared.lock();
    let Some(flavor) = flavors::find(&state, flavor_id) else {
        return fault(404, &format!("Flavor {flavor_id} could not be found."));
    };
    match key {
        None => Resp::json(200, &json!({"extra_specs": flavor.extra_specs})),
        Some(key) => match flavor.extra_specs.get(key) {
            Some(v) => {
                let mut m = Map::new();
                m.insert(key.to_string(), json!(v));
                Resp::json(200, &Value::Object(m))
            }
            None => fault(
                404,
                &format!("Flavor {flavor_id} has no extra specs with key {key}."),
            ),
        },
    }
}

/// The fake virt driver's console log, as Nova's `FakeDriver.get_console_output` returns it.
const CONSOLE: &str = "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE";

/// `os-getConsoleOutput`: `{"output": ...}`, the last `length` lines when given (a string or
/// an integer; `-1` or null for all).
pub(crate) fn console_output(args: &Value) -> Result<Resp, Resp> {
    let length = match args.get("length") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return Err(super::invalid_input(
                    "length",
                    &json!(s),
                    &format!("'{s}' does not match '^-?[0-9]+$'"),
                ));
            }
        },
        Some(other) => {
            return Err(super::invalid_input(
                "length",
                other,
                &format!("{other} is not of type 'integer', 'string', 'null'"),
            ));
        }
    };
    let lines: Vec<&str> = CONSOLE.split('\n').collect();
    let output = match length {
        Some(n) if n >= 0 => {
            let n = usize::try_from(n).unwrap_or(usize::MAX).min(lines.len());
            lines[lines.len() - n..].join("\n")
        }
        _ => CONSOLE.to_string(),
    };
    Ok(Resp::json(200, &json!({ "output": output })))
}
