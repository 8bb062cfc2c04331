//! `/v2.0/floatingips/{fip_id}/port_forwardings[/{id}]` (`floating-ip-port-forwarding`): list
//! (filters, sorting, paging, fields), show, create, update, delete, with the port forwarding
//! plugin's checks: the floating IP exists and has no port associated, the internal address is
//! one of the internal port's, a router joins that port's subnet to the floating IP's network,
//! and `(protocol, external_port)` is free on the floating IP. Single ports only.

use std::net::Ipv4Addr;

use serde_json::{Map, Value, json};

use super::body::{attrs, check_keys, opt_int, opt_str, required};
use super::error;
use super::floating_ips::fip_not_found;
use super::networks::{Collection, invalid, list_collection, project};
use super::ports::port_not_found;
use super::routers::interfaces;
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// A port forwarding of a floating IP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PortForwarding {
    pub(crate) id: String,
    pub(crate) floatingip_id: String,
    pub(crate) protocol: String,
    pub(crate) internal_port_id: String,
    pub(crate) internal_ip_address: Ipv4Addr,
    pub(crate) internal_port: u16,
    pub(crate) external_port: u16,
    pub(crate) description: String,
}

impl PortForwarding {
    /// The API body, as in the API reference's `port-fowarding-show-response.json`.
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("protocol".into(), json!(self.protocol));
        m.insert(
            "internal_ip_address".into(),
            json!(self.internal_ip_address.to_string()),
        );
        m.insert("internal_port".into(), json!(self.internal_port));
        m.insert("internal_port_id".into(), json!(self.internal_port_id));
        m.insert("external_port".into(), json!(self.external_port));
        m.insert("description".into(), json!(self.description));
        m
    }
}

/// 404 `PortForwardingNotFound`.
fn pf_not_found(id: &str) -> Resp {
    error(
        404,
        "PortForwardingNotFound",
        &format!("Port Forwarding {id} could not be found."),
    )
}

fn bad_pf(message: &str) -> Resp {
    error(
        400,
        "BadRequest",
        &format!("Bad port_forwarding request: {message}."),
    )
}

fn port_number(attrs: &Map<String, Value>, key: &str) -> Result<Option<u16>, Resp> {
    match opt_int(attrs, key)? {
        None => Ok(None),
        Some(n) => u16::try_from(n)
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| invalid(key, &format!("{n} is not a valid port number"))),
    }
}

fn protocol(attrs: &Map<String, Value>) -> Result<Option<String>, Resp> {
    match opt_str(attrs, "protocol", 40)? {
        None => Ok(None),
        Some(p) if matches!(p.as_str(), "tcp" | "udp" | "sctp") => Ok(Some(p)),
        Some(p) => Err(invalid(
            "protocol",
            &format!("{p} is not in ['tcp', 'udp', 'sctp']"),
        )),
    }
}

/// Checks a (new or changed) port forwarding against the state, as the plugin does.
fn check(state: &State, pf: &PortForwarding) -> Result<(), Resp> {
    let Some(fip) = state.floating_ips.iter().find(|f| f.id == pf.floatingip_id) else {
        return Err(fip_not_found(&pf.floatingip_id));
    };
    if let Some(a) = &fip.assoc {
        return Err(bad_pf(&format!(
            "The floatingip {} has associated with port {}. Port forwarding can only be created on a floatingip which has no associated port",
            fip.id, a.port_id
        )));
    }
    let port = state
        .ports
        .iter()
        .find(|p| p.id == pf.internal_port_id)
        .ok_or_else(|| port_not_found(&pf.internal_port_id))?;
    let Some((subnet_id, _)) = port
        .fixed_ips
        .iter()
        .find(|(_, ip)| *ip == pf.internal_ip_address)
    else {
        let ips: Vec<String> = port
            .fixed_ips
            .iter()
            .map(|(_, ip)| ip.to_string())
            .collect();
        return Err(bad_pf(&format!(
            "Requested internal IP address {} is not suitable for internal neutron port {}, as its fixed_ips are {}",
            pf.internal_ip_address,
            port.id,
            ips.join(", ")
        )));
    };
    let reachable = state.routers.iter().any(|r| {
        r.gateway
            .as_ref()
            .is_some_and(|g| g.network_id == fip.floating_network_id)
            && interfaces(state, &r.id).any(|p| p.fixed_ips.iter().any(|(s, _)| s == subnet_id))
    });
    if !reachable {
        return Err(error(
            404,
            "ExternalGatewayForFloatingIPNotFound",
            &format!(
                "External network {} is not reachable from subnet {subnet_id}.  Therefore, cannot associate Port {} with a Floating IP.",
                fip.floating_network_id, port.id
            ),
        ));
    }
    let duplicate = state.port_forwardings.iter().any(|o| {
        o.id != pf.id
            && o.floatingip_id == pf.floatingip_id
            && o.protocol == pf.protocol
            && (o.external_port == pf.external_port
                || (o.internal_ip_address, o.internal_port)
                    == (pf.internal_ip_address, pf.internal_port))
    });
    if duplicate {
        return Err(bad_pf(&format!(
            "A duplicate port forwarding entry with same attributes already exists, conflicting values are {{'floatingip_id': '{}', 'external_port': {}, 'protocol': '{}'}}",
            pf.floatingip_id, pf.external_port, pf.protocol
        )));
    }
    Ok(())
}

const FILTERABLE: [&str; 6] = [
    "id",
    "protocol",
    "internal_port_id",
    "external_port",
    "internal_ip_address",
    "description",
];

/// `GET /v2.0/floatingips/{fip_id}/port_forwardings`.
pub(crate) fn list(ctx: &Ctx<'_>, fip_id: &str) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        if !state.floating_ips.iter().any(|f| f.id == fip_id) {
            return fip_not_found(fip_id);
        }
        state
            .port_forwardings
            .iter()
            .filter(|p| p.floatingip_id == fip_id)
            .map(PortForwarding::to_json)
            .collect()
    };
    let c = Collection {
        name: "port_forwardings",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: pf_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/floatingips/{fip_id}/port_forwardings/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, fip_id: &str, id: &str) -> Resp {
    let state = ctx.shared.lock();
    if !state.floating_ips.iter().any(|f| f.id == fip_id) {
        return fip_not_found(fip_id);
    }
    match state
        .port_forwardings
        .iter()
        .find(|p| p.id == id && p.floatingip_id == fip_id)
    {
        Some(p) => Resp::json(
            200,
            &json!({"port_forwarding": project(ctx.req, p.to_json())}),
        ),
        None => pf_not_found(id),
    }
}

const WRITABLE: [&str; 6] = [
    "protocol",
    "internal_port_id",
    "internal_ip_address",
    "internal_port",
    "external_port",
    "description",
];

const KNOWN: [&str; 5] = [
    "id",
    "floatingip_id",
    "internal_port_range",
    "external_port_range",
    "project_id",
];

/// `POST /v2.0/floatingips/{fip_id}/port_forwardings`: 201; every attribute but `description`
/// required.
pub(crate) fn create(ctx: &Ctx<'_>, fip_id: &str) -> Resp {
    let parsed = (|| {
        let a = attrs(ctx, "port_forwarding")?;
        check_keys(&a, "POST", &WRITABLE, &KNOWN)?;
        let address = opt_str(&a, "internal_ip_address", 64)?
            .ok_or_else(|| required("internal_ip_address"))?;
        let internal_ip_address = address.parse().map_err(|_| {
            invalid(
                "internal_ip_address",
                &format!("'{address}' is not a valid IP address"),
            )
        })?;
        Ok(PortForwarding {
            id: ids::uuid4(),
            floatingip_id: fip_id.to_string(),
            protocol: protocol(&a)?.ok_or_else(|| required("protocol"))?,
            internal_port_id: opt_str(&a, "internal_port_id", 36)?
                .ok_or_else(|| required("internal_port_id"))?,
            internal_ip_address,
            internal_port: port_number(&a, "internal_port")?.ok_or_else(|| {
                bad_pf("Either internal_port or internal_port_range must be given")
            })?,
            external_port: port_number(&a, "external_port")?.ok_or_else(|| {
                bad_pf("Either external_port or external_port_range must be given")
            })?,
            description: opt_str(&a, "description", 255)?.unwrap_or_default(),
        })
    })();
    let pf = match parsed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    if let Err(resp) = check(&state, &pf) {
        return resp;
    }
    let body = json!({"port_forwarding": pf.to_json()});
    state.port_forwardings.push(pf);
    Resp::json(201, &body)
}

/// `PUT /v2.0/floatingips/{fip_id}/port_forwardings/{id}`: 200, checked as on create.
pub(crate) fn update(ctx: &Ctx<'_>, fip_id: &str, id: &str) -> Resp {
    let a = match attrs(ctx, "port_forwarding") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    if let Err(resp) = check_keys(&a, "PUT", &WRITABLE, &KNOWN) {
        return resp;
    }
    let mut state = ctx.shared.lock();
    if !state.floating_ips.iter().any(|f| f.id == fip_id) {
        return fip_not_found(fip_id);
    }
    let Some(current) = state
        .port_forwardings
        .iter()
        .find(|p| p.id == id && p.floatingip_id == fip_id)
        .cloned()
    else {
        return pf_not_found(id);
    };
    let changed = (|| {
        let mut p = current.clone();
        if let Some(v) = protocol(&a)? {
            p.protocol = v;
        }
        if let Some(v) = opt_str(&a, "internal_port_id", 36)? {
            p.internal_port_id = v;
        }
        if let Some(v) = opt_str(&a, "internal_ip_address", 64)? {
            p.internal_ip_address = v.parse().map_err(|_| {
                invalid(
                    "internal_ip_address",
                    &format!("'{v}' is not a valid IP address"),
                )
            })?;
        }
        if let Some(v) = port_number(&a, "internal_port")? {
            p.internal_port = v;
        }
        if let Some(v) = port_number(&a, "external_port")? {
            p.external_port = v;
        }
        if let Some(v) = opt_str(&a, "description", 255)? {
            p.description = v;
        }
        check(&state, &p)?;
        Ok(p)
    })();
    let changed = match changed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let body = json!({"port_forwarding": changed.to_json()});
    if let Some(slot) = state.port_forwardings.iter_mut().find(|p| p.id == id) {
        *slot = changed;
    }
    Resp::json(200, &body)
}

/// `DELETE /v2.0/floatingips/{fip_id}/port_forwardings/{id}`: 204.
pub(crate) fn delete(ctx: &Ctx<'_>, fip_id: &str, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    if !state.floating_ips.iter().any(|f| f.id == fip_id) {
        return fip_not_found(fip_id);
    }
    let before = state.port_forwardings.len();
    state
        .port_forwardings
        .retain(|p| !(p.id == id && p.floatingip_id == fip_id));
    if state.port_forwardings.len() == before {
        return pf_not_found(id);
    }
    Resp::empty(204)
}
