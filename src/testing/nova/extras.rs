//! Nova endpoints the openstack CLI and SDK users call around servers: `/limits`,
//! `/os-availability-zone[/detail]`, `GET /os-quota-sets/{project}[/detail|/defaults]`, and
//! the `os-getConsoleOutput` action, with a loopback Nova's bodies (nova 33, default quotas
//! unless set with `PUT /os-quota-sets`, the fake virt driver's console).

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::{Microversion, flavors};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// Nova's default quotas (`[quota]` options), in the order Nova lists them.
pub(crate) const QUOTAS: [(&str, i64); 14] = [
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
pub(crate) fn shown(key: &str, version: Microversion) -> bool {
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

/// Instances, cores and RAM of `project`'s live servers, and its server groups.
pub(crate) fn usage(state: &State, project: &str) -> (i64, i64, i64, i64) {
    let (mut instances, mut cores, mut ram) = (0i64, 0i64, 0i64);
    let live = state
        .servers
        .iter()
        .filter(|s| s.is_live() && s.project_id == project);
    for s in live {
        instances += 1;
        if let Some(f) = flavors::find(state, &s.flavor_id) {
            cores += i64::try_from(f.vcpus).unwrap_or(i64::MAX);
            ram += i64::try_from(f.ram).unwrap_or(i64::MAX);
        }
    }
    let groups = state
        .server_groups
        .iter()
        .filter(|g| g.project_id == project)
        .count();
    let groups = i64::try_from(groups).unwrap_or(i64::MAX);
    (instances, cores, ram, groups)
}

/// The limit of quota `key` for `project`: what `PUT /os-quota-sets` set, else the default.
pub(crate) fn limit_of(state: &State, project: &str, key: &str) -> i64 {
    state
        .quotas
        .get(project)
        .and_then(|q| q.get(key).copied())
        .or_else(|| QUOTAS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
        .unwrap_or(-1)
}

/// `GET /limits`: `{"limits": {"rate": [], "absolute": {...}}}`; the network limits go at 2.36,
/// `maxImageMeta` at 2.39, `maxPersonality*` at 2.57.
pub(crate) fn limits(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    let mut state = ctx.shared.lock();
    super::servers::settle_all(&mut state);
    let project = ctx.project_id();
    let (instances, cores, ram, groups) = usage(&state, project);
    let q = |key: &str| limit_of(&state, project, key);
    let (max_cores, max_instances, max_keypairs, max_meta, max_ram, max_groups, max_members) = (
        q("cores"),
        q("instances"),
        q("key_pairs"),
        q("metadata_items"),
        q("ram"),
        q("server_groups"),
        q("server_group_members"),
    );
    let (max_files, max_file_bytes) = (q("injected_files"), q("injected_file_content_bytes"));
    drop(state);
    let mut m = Map::new();
    let mut put = |k: &str, v: i64| {
        m.insert(k.into(), json!(v));
    };
    put("maxTotalCores", max_cores);
    if !version.at_least(57) {
        put("maxPersonality", max_files);
        put("maxPersonalitySize", max_file_bytes);
    }
    put("maxTotalInstances", max_instances);
    put("maxTotalKeypairs", max_keypairs);
    put("maxServerMeta", max_meta);
    if !version.at_least(39) {
        put("maxImageMeta", 128);
    }
    put("maxTotalRAMSize", max_ram);
    put("maxServerGroups", max_groups);
    put("maxServerGroupMembers", max_members);
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
pub(crate) fn quota_set(
    ctx: &Ctx<'_>,
    version: Microversion,
    project: &str,
    detail: bool,
    defaults: bool,
) -> Resp {
    let mut state = ctx.shared.lock();
    super::servers::settle_all(&mut state);
    let (instances, cores, ram, groups) = usage(&state, project);
    // Keypairs count per user: the caller's.
    let own_keypairs = state
        .keypairs
        .iter()
        .filter(|k| k.user_id == ctx.user_id())
        .count();
    let keypairs = i64::try_from(own_keypairs).unwrap_or(i64::MAX);
    let limits: Vec<(&str, i64)> = QUOTAS
        .iter()
        .filter(|(k, _)| shown(k, version))
        .map(|(k, default)| {
            let limit = if defaults {
                *default
            } else {
                limit_of(&state, project, k)
            };
            (*k, limit)
        })
        .collect();
    drop(state);
    let own = project == ctx.project_id();
    let mut m = Map::new();
    m.insert("id".into(), json!(project));
    for (key, limit) in &limits {
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
        m.insert((*key).to_string(), value);
    }
    Resp::json(200, &json!({ "quota_set": Value::Object(m) }))
}

/// `GET /os-availability-zone[/detail]`: the host's zone (`nova`, or its aggregate's zone; in
/// detail also `internal` with the conductor and scheduler) on the fake's one host.
pub(crate) fn availability_zones(ctx: &Ctx<'_>, detail: bool) -> Resp {
    let state = ctx.shared.lock();
    let zone = super::aggregates::zones(&state)
        .into_iter()
        .next()
        .unwrap_or_else(|| "nova".into());
    let service = state.compute_service.clone();
    drop(state);
    // A zone whose compute services are all disabled is listed as not available.
    let available = !service.disabled;
    if !detail {
        return Resp::json(
            200,
            &json!({"availabilityZoneInfo": [
                {"zoneName": zone, "zoneState": {"available": available}, "hosts": null}
            ]}),
        );
    }
    let updated = Utc::now().format("%Y-%m-%dT%H:%M:%S.000000").to_string();
    let up = json!({"available": true, "active": true, "updated_at": updated});
    let compute = json!({
        "available": !service.forced_down,
        "active": !service.disabled,
        "updated_at": updated
    });
    let on_host = |services: Value| {
        let mut hosts = Map::new();
        hosts.insert(super::view::HOST.to_string(), services);
        Value::Object(hosts)
    };
    Resp::json(
        200,
        &json!({"availabilityZoneInfo": [
            {"zoneName": "internal", "zoneState": {"available": true},
             "hosts": on_host(json!({"nova-conductor": up.clone(), "nova-scheduler": up}))},
            {"zoneName": zone, "zoneState": {"available": available},
             "hosts": on_host(json!({"nova-compute": compute}))}
        ]}),
    )
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
