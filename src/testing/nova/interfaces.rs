//! `/servers/{id}/os-interface[/{port_id}]`: the ports of a server; attach a new port on a
//! network (or a free port of the fake Neutron), detach (done after the action delay, as Nova
//! detaches asynchronously).
//!
//! The ports Nova makes for a server live in the server's record here: the fake Neutron does not
//! list them (a port attached by `port_id` is the fake Neutron's and shows the server as its
//! device).

use serde_json::{Map, Value, json};

use super::actions::live_server;
use super::checks::Guard;
use super::model::VmState::{Active, Paused, Stopped};
use super::model::{Address, Server};
use super::schema::{self, no_extra, object, required};
use super::{Microversion, fault};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::neutron::ports::Port;
use crate::testing::server::Ctx;

fn view(a: &Address, version: Microversion) -> Value {
    let fixed: Vec<Value> = vec![json!({"subnet_id": a.subnet_id, "ip_address": a.addr})];
    let mut m = Map::new();
    m.insert("net_id".into(), json!(a.network_id));
    m.insert("port_id".into(), json!(a.port_id));
    m.insert("mac_addr".into(), json!(a.mac));
    m.insert("port_state".into(), json!("ACTIVE"));
    m.insert("fixed_ips".into(), Value::Array(fixed));
    if version.at_least(70) {
        m.insert("tag".into(), json!(a.tag));
    }
    Value::Object(m)
}

fn port_not_found(port_id: &str) -> Resp {
    fault(404, &format!("Port id {port_id} could not be found."))
}

/// `GET /servers/{id}/os-interface`.
pub(crate) fn index(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    match live_server(&mut state, id) {
        Ok(s) => {
            let list: Vec<Value> = s.addresses.iter().map(|a| view(a, version)).collect();
            Resp::json(200, &json!({ "interfaceAttachments": list }))
        }
        Err(resp) => resp,
    }
}

/// `GET /servers/{id}/os-interface/{port_id}`.
pub(crate) fn show(ctx: &Ctx<'_>, version: Microversion, id: &str, port_id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let in_neutron = state.ports.iter().any(|p| p.id == port_id);
    let server = match live_server(&mut state, id) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    match server.addresses.iter().find(|a| a.port_id == port_id) {
        Some(a) => Resp::json(200, &json!({ "interfaceAttachment": view(a, version) })),
        None if in_neutron => fault(
            404,
            &format!("Instance {id} does not have a port with id {port_id}"),
        ),
        None => port_not_found(port_id),
    }
}

const GUARD_ATTACH: Guard = Guard::new("attach_interface", &[Active, Paused, Stopped]);
const GUARD_DETACH: Guard = Guard::new("detach_interface", &[Active, Paused, Stopped]);

/// `POST /servers/{id}/os-interface` `{"interfaceAttachment": {"net_id" | "port_id",
/// "fixed_ips"?, "tag"? (2.49)}}`: 200 with the attachment.
pub(crate) fn create(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    match create_inner(ctx, version, id) {
        Ok(resp) | Err(resp) => resp,
    }
}

fn create_inner(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Result<Resp, Resp> {
    let body = match ctx.req.json_body() {
        Some(b) => b,
        None if ctx.req.body.is_empty() => json!({"interfaceAttachment": {}}),
        None => return Err(fault(400, "Malformed request body")),
    };
    object("", &body)?;
    schema::keys(
        "",
        &body,
        &["interfaceAttachment"],
        &["interfaceAttachment"],
    )?;
    let att = required("", &body, "interfaceAttachment")?;
    object("interfaceAttachment", att)?;
    let mut allowed = vec!["net_id", "port_id", "fixed_ips"];
    if version.at_least(49) {
        allowed.push("tag");
    }
    no_extra("interfaceAttachment", att, &allowed)?;
    let uuid_field = |key: &str| -> Result<Option<String>, Resp> {
        match att.get(key) {
            None => Ok(None),
            Some(v) => {
                let s = schema::string(key, v, 0, usize::MAX)?;
                if schema::is_uuid(s) {
                    Ok(Some(s.to_string()))
                } else {
                    Err(schema::invalid(
                        key,
                        v,
                        &format!("{} is not a 'uuid'", schema::py(v)),
                    ))
                }
            }
        }
    };
    let net_id = uuid_field("net_id")?;
    let port_id = uuid_field("port_id")?;
    let tag = att
        .get("tag")
        .map(|t| schema::string("tag", t, 1, 60).map(str::to_string))
        .transpose()?;
    let wanted_ip = att
        .get("fixed_ips")
        .and_then(|f| f.get(0))
        .and_then(|f| f.get("ip_address"))
        .and_then(Value::as_str)
        .map(str::to_string);
    if net_id.is_some() && port_id.is_some() {
        return Err(fault(400, "Must not input both network_id and port_id"));
    }
    if wanted_ip.is_some() && net_id.is_none() {
        return Err(fault(400, "Must input network_id when request IP address"));
    }

    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    GUARD_ATTACH.check(live_server(&mut state, id)?, admin)?;
    let address = if let Some(port_id) = port_id {
        let visible = state
            .ports
            .iter()
            .find(|p| p.id == port_id)
            .is_some_and(|p| ctx.may_see(&p.project_id));
        let Some(port) = state
            .ports
            .iter_mut()
            .find(|p| p.id == port_id)
            .filter(|_| visible)
        else {
            return Err(port_not_found(&port_id));
        };
        if !port.device_id.is_empty() {
            return Err(fault(409, &format!("Port {port_id} is still in use.")));
        }
        port.device_id = id.to_string();
        port.device_owner = "compute:nova".into();
        let (subnet_id, addr) = port
            .fixed_ips
            .first()
            .map(|(s, ip)| (Some(s.clone()), ip.to_string()))
            .unwrap_or((None, String::new()));
        let (network_id, mac) = (port.network_id.clone(), port.mac_address.clone());
        let network_name = state
            .networks
            .iter()
            .find(|n| n.id == network_id)
            .map(|n| n.name.clone())
            .unwrap_or_default();
        Address {
            port_id,
            network_id,
            network_name,
            subnet_id,
            addr,
            mac,
            tag,
            detach_at: None,
            neutron_port: true,
        }
    } else {
        // Without a network, Nova picks the project's only network (else 400).
        let network_id = match net_id {
            Some(n) => n,
            None => {
                let own: Vec<&str> = state
                    .networks
                    .iter()
                    .filter(|n| !n.external && n.project_id == ctx.project_id())
                    .map(|n| n.id.as_str())
                    .collect();
                match own.as_slice() {
                    [one] => (*one).to_string(),
                    [] => {
                        return Err(fault(
                            400,
                            &format!(
                                "No network is available to attach an interface to instance \
                                 {id}."
                            ),
                        ));
                    }
                    _ => {
                        return Err(fault(
                            400,
                            "Multiple possible networks found, use a Network ID to be more \
                             specific.",
                        ));
                    }
                }
            }
        };
        let Some(network_name) = state
            .networks
            .iter()
            .find(|n| n.id == network_id)
            .filter(|_| crate::testing::neutron::access::sees_network(ctx, &state, &network_id))
            .map(|n| n.name.clone())
        else {
            return Err(fault(
                404,
                &format!("Network {network_id} could not be found."),
            ));
        };
        let server = live_server(&mut state, id)?;
        let (groups, owner) = (server.security_groups.clone(), server.project_id.clone());
        let mut address = match wanted_ip {
            Some(ip) => {
                let subnet_id = state
                    .subnets
                    .iter()
                    .find(|s| s.network_id == network_id)
                    .map(|s| s.id.clone());
                let fixed_ips = match (&subnet_id, ip.parse()) {
                    (Some(s), Ok(addr)) => vec![(s.clone(), addr)],
                    _ => Vec::new(),
                };
                let port = Port::service(&network_id, &owner, "compute:nova", id, fixed_ips);
                let address = Address {
                    port_id: port.id.clone(),
                    network_id: network_id.clone(),
                    network_name,
                    subnet_id,
                    addr: ip,
                    mac: port.mac_address.clone(),
                    tag: None,
                    detach_at: None,
                    neutron_port: false,
                };
                state.ports.push(port);
                address
            }
            None => super::servers::nova_port(&owner, &mut state, id, &network_id, &groups)
                .ok_or_else(|| fault(404, &format!("Network {network_id} could not be found.")))?,
        };
        address.tag = tag;
        address
    };
    let body = json!({ "interfaceAttachment": view(&address, version) });
    let server: &mut Server = live_server(&mut state, id)?;
    server.addresses.push(address);
    server.updated = chrono::Utc::now();
    let events = &["compute_attach_interface"];
    super::instance_actions::record(ctx, &mut state, id, "attach_interface", events, None, false);
    Ok(Resp::json(200, &body))
}

/// `DELETE /servers/{id}/os-interface/{port_id}`: 202; the interface goes away after the
/// action delay (and is still listed until then).
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str, port_id: &str) -> Resp {
    let admin = ctx.is_admin();
    let delay = ctx.shared.settings.action_delay;
    let mut state = ctx.shared.lock();
    let server = match live_server(&mut state, id) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if let Err(resp) = GUARD_DETACH.check(server, admin) {
        return resp;
    }
    let Some(address) = server.addresses.iter_mut().find(|a| a.port_id == port_id) else {
        return port_not_found(port_id);
    };
    let first_detach = address.detach_at.is_none();
    let theirs = address.neutron_port;
    if first_detach {
        let done = ids::deadline(delay);
        address.detach_at = Some(done.0);
        super::servers::release_port(&mut state, port_id, theirs);
        let events = &["compute_detach_interface"];
        let action = "detach_interface";
        super::instance_actions::record(ctx, &mut state, id, action, events, Some(done), false);
    }
    Resp::empty(202)
}
