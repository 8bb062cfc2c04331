//! Read-mostly views of one server: `GET /servers/{id}/ips[/{label}]`, `GET
//! /servers/{id}/diagnostics` (admin), `GET`/`DELETE /servers/{id}/os-server-password` and
//! `GET /servers/{id}/topology` (2.78), with the bodies of a Nova on the fake virt driver.

use serde_json::{Map, Value, json};

use super::actions::live_server;
use super::{Microversion, fault, not_found, policy_denied};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;

/// `{network label: [{"version", "addr"}]}` of a server.
fn addresses(server: &super::model::Server) -> Map<String, Value> {
    let mut out = Map::new();
    for a in &server.addresses {
        let entry = json!({"version": 4, "addr": a.addr});
        match out.get_mut(&a.network_name) {
            Some(Value::Array(list)) => list.push(entry),
            _ => {
                out.insert(a.network_name.clone(), json!([entry]));
            }
        }
    }
    out
}

/// `GET /servers/{id}/ips`: `{"addresses": {...}}`.
pub(crate) fn ips(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    match live_server(&mut state, id) {
        Ok(server) => Resp::json(200, &json!({ "addresses": addresses(server) })),
        Err(resp) => resp,
    }
}

/// `GET /servers/{id}/ips/{label}`: `{label: [...]}`; 404 `Instance is not a member of
/// specified network`.
pub(crate) fn ips_on(ctx: &Ctx<'_>, id: &str, label: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let server = match live_server(&mut state, id) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let mut all = addresses(server);
    match all.remove(label) {
        Some(list) => {
            let mut m = Map::new();
            m.insert(label.to_string(), list);
            Resp::json(200, &Value::Object(m))
        }
        None => fault(404, "Instance is not a member of specified network"),
    }
}

/// `GET /servers/{id}/diagnostics` (admin): the fake virt driver's diagnostics, in the standard
/// shape from 2.48 (its legacy dictionary before); 409 unless the server is running (power
/// state 1).
pub(crate) fn diagnostics(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = match live_server(&mut state, id) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if !admin {
        return policy_denied("os_compute_api:os-server-diagnostics");
    }
    if !server.has_host() {
        return fault(409, &format!("Instance {id} is not ready"));
    }
    if server.power_state != 1 {
        let name = match server.power_state {
            3 => "paused",
            4 => "shutdown",
            6 => "crashed",
            7 => "suspended",
            _ => "pending",
        };
        return fault(
            409,
            &format!("Cannot 'get_diagnostics' instance {id} while it is in power state {name}"),
        );
    }
    if !version.at_least(48) {
        return Resp::json(
            200,
            &json!({
                "cpu0_time": 17_300_000_000u64, "memory": 524_288, "vda_errors": -1,
                "vda_read": 262_144, "vda_read_req": 112, "vda_write": 5_778_432,
                "vda_write_req": 488, "vnet1_rx": 2_070_139, "vnet1_rx_drop": 0,
                "vnet1_rx_errors": 0, "vnet1_rx_packets": 26701, "vnet1_tx": 140_208,
                "vnet1_tx_drop": 0, "vnet1_tx_errors": 0, "vnet1_tx_packets": 662
            }),
        );
    }
    Resp::json(
        200,
        &json!({
            "config_drive": true,
            "cpu_details": [{"id": 0, "time": 17_300_000_000u64, "utilisation": 15}],
            "disk_details": [{
                "errors_count": 1, "read_bytes": 262_144, "read_requests": 112,
                "write_bytes": 5_778_432, "write_requests": 488
            }],
            "driver": "libvirt",
            "hypervisor": "kvm",
            "hypervisor_os": "ubuntu",
            "memory_details": {"maximum": 524_288, "used": 0},
            "nic_details": [{
                "mac_address": "01:23:45:67:89:ab", "rx_drop": 200, "rx_errors": 100,
                "rx_octets": 2_070_139, "rx_packets": 26701, "rx_rate": 300, "tx_drop": 500,
                "tx_errors": 400, "tx_octets": 140_208, "tx_packets": 662, "tx_rate": 600
            }],
            "num_cpus": 1,
            "num_disks": 1,
            "num_nics": 1,
            "state": "running",
            "uptime": 46664
        }),
    )
}

/// `GET /servers/{id}/os-server-password`: `{"password": ...}`, `""` until the guest posted
/// one ([`FakeCloud::post_server_password`](crate::testing::FakeCloud::post_server_password)).
pub(crate) fn password(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    if let Err(resp) = live_server(&mut state, id) {
        return resp;
    }
    let pw = state.server_passwords.get(id).cloned().unwrap_or_default();
    Resp::json(200, &json!({ "password": pw }))
}

/// `DELETE /servers/{id}/os-server-password` (204): forgets the posted password.
pub(crate) fn clear_password(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    if let Err(resp) = live_server(&mut state, id) {
        return resp;
    }
    state.server_passwords.remove(id);
    Resp::empty(204)
}

/// `GET /servers/{id}/topology` (2.78+): `{"nodes": [], "pagesize_kb": null}`. The fake virt
/// driver reports no NUMA topology, so no server on it has one (a flavor asking for one would
/// find no host).
pub(crate) fn topology(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    if !version.at_least(78) {
        return not_found();
    }
    let mut state = ctx.shared.lock();
    if let Err(resp) = live_server(&mut state, id) {
        return resp;
    }
    Resp::json(200, &json!({"nodes": [], "pagesize_kb": null}))
}
