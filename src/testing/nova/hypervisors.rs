//! `GET /os-hypervisors[/detail]` and `/os-hypervisors/{id}` (admin): the fake's one compute
//! node, with the fake virt driver's resources (1000 vCPUs, 800000 MiB, 600000 GiB) and what
//! the servers on it use (plus Nova's default 512 MiB reserved for the host).

use serde_json::{Map, Value, json};

use super::{Microversion, fault, flavors, policy_denied, view};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// The fake driver's `get_host_uptime`.
const UPTIME: &str = "08:32:11 up 93 days, 18:25, 12 users,  load average: 0.20, 0.12, 0.14";

fn id(state: &State, version: Microversion) -> Value {
    if version.at_least(53) {
        json!(state.compute_service.node_uuid)
    } else {
        json!(1)
    }
}

fn summary(state: &State, version: Microversion) -> Map<String, Value> {
    let s = &state.compute_service;
    let mut m = Map::new();
    m.insert("hypervisor_hostname".into(), json!(view::NODE));
    m.insert("id".into(), id(state, version));
    m.insert(
        "state".into(),
        json!(if s.forced_down { "down" } else { "up" }),
    );
    m.insert(
        "status".into(),
        json!(if s.disabled { "disabled" } else { "enabled" }),
    );
    m
}

fn detail(state: &State, version: Microversion, with_servers: bool) -> Map<String, Value> {
    let mut m = summary(state, version);
    m.insert("hypervisor_type".into(), json!("fake"));
    m.insert("hypervisor_version".into(), json!(1000));
    m.insert("host_ip".into(), json!("127.0.0.1"));
    m.insert(
        "service".into(),
        json!({
            "host": view::HOST,
            "id": state.compute_service.compute_id(version),
            "disabled_reason": state.compute_service.disabled_reason
        }),
    );
    let on_host: Vec<&super::model::Server> = state
        .servers
        .iter()
        .filter(|s| s.is_live() && s.has_host())
        .collect();
    if version.at_least(88) {
        m.insert("uptime".into(), json!(UPTIME));
    } else {
        let (mut vcpus, mut ram, mut disk) = (0u64, 512u64, 0u64);
        for s in &on_host {
            if let Some(f) = flavors::find(state, &s.flavor_id) {
                vcpus += f.vcpus;
                ram += f.ram;
                disk += f.disk + f.ephemeral;
            }
        }
        let (total_vcpus, total_ram, total_disk) = (1000u64, 800_000u64, 600_000u64);
        m.insert("vcpus".into(), json!(total_vcpus));
        m.insert("vcpus_used".into(), json!(vcpus));
        m.insert("memory_mb".into(), json!(total_ram));
        m.insert("memory_mb_used".into(), json!(ram));
        m.insert(
            "free_ram_mb".into(),
            json!(i128::from(total_ram) - i128::from(ram)),
        );
        m.insert("local_gb".into(), json!(total_disk));
        m.insert("local_gb_used".into(), json!(disk));
        m.insert(
            "free_disk_gb".into(),
            json!(i128::from(total_disk) - i128::from(disk)),
        );
        m.insert("disk_available_least".into(), json!(0));
        m.insert("current_workload".into(), json!(0));
        m.insert("running_vms".into(), json!(on_host.len()));
        m.insert("cpu_info".into(), json!({}));
    }
    if with_servers {
        let servers: Vec<Value> = on_host
            .iter()
            .map(|s| json!({"name": format!("instance-{:08x}", s.seq), "uuid": s.id}))
            .collect();
        m.insert("servers".into(), Value::Array(servers));
    }
    m
}

/// `with_servers` (2.53+): `true`/`false` in Nova's spellings.
fn with_servers(ctx: &Ctx<'_>, version: Microversion) -> Result<bool, Resp> {
    match ctx.req.query_first("with_servers") {
        Some(raw) if version.at_least(53) => match raw.to_ascii_lowercase().as_str() {
            "1" | "t" | "true" | "on" | "y" | "yes" => Ok(true),
            "0" | "f" | "false" | "off" | "n" | "no" => Ok(false),
            _ => Err(fault(
                400,
                &format!(
                    "Invalid input for query parameters with_servers. Value: {raw}. '{raw}' is \
                     not one of ['True', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', \
                     'False', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']"
                ),
            )),
        },
        _ => Ok(false),
    }
}

/// `GET /os-hypervisors[/detail]`: paged from 2.33 (`limit`, `marker`), filtered by
/// `hypervisor_hostname_pattern` (a substring; 404 when nothing matches) and `with_servers`
/// from 2.53.
pub(crate) fn list(ctx: &Ctx<'_>, version: Microversion, detailed: bool) -> Resp {
    let rule = if detailed { "list-detail" } else { "list" };
    if !ctx.is_admin() {
        return policy_denied(&format!("os_compute_api:os-hypervisors:{rule}"));
    }
    let servers = match with_servers(ctx, version) {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    super::servers::settle_all(&mut state);
    let pattern = ctx
        .req
        .query_first("hypervisor_hostname_pattern")
        .filter(|_| version.at_least(53));
    if let Some(p) = pattern {
        if !view::NODE.contains(p) {
            return fault(
                404,
                &format!("No hypervisor matching '{p}' could be found."),
            );
        }
    }
    let mut items = vec![if detailed {
        detail(&state, version, servers)
    } else {
        let mut m = summary(&state, version);
        if servers {
            if let Some(list) = detail(&state, version, true).remove("servers") {
                m.insert("servers".into(), list);
            }
        }
        m
    }];
    let mut out = Map::new();
    if version.at_least(33) && pattern.is_none() {
        let paging = match super::Paging::from_request(ctx.req, ctx.shared.settings.max_limit) {
            Ok(p) => p,
            Err(resp) => return resp,
        };
        let my_id = id(&state, version);
        if let Some(marker) = paging.marker {
            if my_id.to_string().trim_matches('"') != marker {
                return super::Paging::marker_not_found(marker);
            }
            items.clear();
        }
        items.truncate(paging.limit);
        let collection = if detailed {
            "os-hypervisors/detail"
        } else {
            "os-hypervisors"
        };
        let last = my_id.to_string().trim_matches('"').to_string();
        if let Some(links) = paging.next_links(
            ctx.req,
            &ctx.shared.base,
            collection,
            items.len(),
            items.last().map(|_| last.as_str()),
        ) {
            out.insert("hypervisors_links".into(), links);
        }
    }
    out.insert(
        "hypervisors".into(),
        Value::Array(items.into_iter().map(Value::Object).collect()),
    );
    Resp::json(200, &Value::Object(out))
}

/// `GET /os-hypervisors/{id}` (`with_servers` from 2.53); 400 `Invalid uuid` (2.53+), 404.
pub(crate) fn show(ctx: &Ctx<'_>, version: Microversion, hypervisor: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-hypervisors:show");
    }
    if version.at_least(53) && !crate::testing::ids::is_uuid(hypervisor) {
        return fault(400, &format!("Invalid uuid {hypervisor}"));
    }
    let servers = match with_servers(ctx, version) {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    super::servers::settle_all(&mut state);
    if id(&state, version).to_string().trim_matches('"') != hypervisor {
        return fault(
            404,
            &format!("Hypervisor with ID '{hypervisor}' could not be found."),
        );
    }
    let body = detail(&state, version, servers);
    Resp::json(200, &json!({ "hypervisor": Value::Object(body) }))
}
