//! `/v2.0/floatingips`: list (filters, sorting, paging, fields, tags), show, create, update
//! (associate with `port_id`, disassociate with `"port_id": null`; If-Match), delete.
//!
//! A floating IP is an address of an external network's subnet, held by a port with
//! `device_owner: network:floatingip` (status `N/A`, no project) whose `device_id` is the
//! floating IP's id. Association needs a router with a gateway on that external network and an
//! interface on the subnet of the port's address, as Neutron checks. `status` is `DOWN` while
//! not associated and `ACTIVE` while associated (what an L3 agent or OVN reports; a Neutron
//! server without agents leaves it `DOWN`).

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::networks::{Collection, as_string, as_strings, list_collection, network_not_found};
use super::ports::{Port, allocate, port_not_found};
use super::routers::interfaces;
use super::{bad_request, error, if_match_failed};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// What a floating IP is associated with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Association {
    pub(crate) port_id: String,
    pub(crate) fixed_ip: Ipv4Addr,
    /// The subnet of `fixed_ip` (the router interface the translation needs).
    pub(crate) subnet_id: String,
    pub(crate) router_id: String,
}

/// A floating IP of the fake.
#[derive(Clone, Debug)]
pub(crate) struct FloatingIp {
    pub(crate) id: String,
    pub(crate) project_id: String,
    pub(crate) floating_network_id: String,
    pub(crate) address: Ipv4Addr,
    /// The `network:floatingip` port holding the address.
    pub(crate) port_id: String,
    pub(crate) assoc: Option<Association>,
    pub(crate) description: String,
    pub(crate) tags: Vec<String>,
    pub(crate) revision_number: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl FloatingIp {
    /// The API body (Neutron 28's fields with `fip-port-details`).
    pub(crate) fn to_json(&self, state: &State) -> Map<String, Value> {
        let port = self
            .assoc
            .as_ref()
            .and_then(|a| state.ports.iter().find(|p| p.id == a.port_id));
        let details = port.map(|p| {
            let status = p.to_json().get("status").cloned().unwrap_or(Value::Null);
            json!({
                "name": p.name,
                "network_id": p.network_id,
                "mac_address": p.mac_address,
                "admin_state_up": p.admin_state_up,
                "status": status,
                "device_id": p.device_id,
                "device_owner": p.device_owner,
            })
        });
        let a = self.assoc.as_ref();
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("tenant_id".into(), json!(self.project_id));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert(
            "floating_ip_address".into(),
            json!(self.address.to_string()),
        );
        m.insert(
            "floating_network_id".into(),
            json!(self.floating_network_id),
        );
        m.insert("router_id".into(), json!(a.map(|a| &a.router_id)));
        m.insert("port_id".into(), json!(a.map(|a| &a.port_id)));
        m.insert(
            "fixed_ip_address".into(),
            json!(a.map(|a| a.fixed_ip.to_string())),
        );
        m.insert(
            "status".into(),
            json!(if a.is_some() { "ACTIVE" } else { "DOWN" }),
        );
        m.insert("description".into(), json!(self.description));
        m.insert("port_details".into(), json!(details));
        m.insert("tags".into(), json!(self.tags));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("revision_number".into(), json!(self.revision_number));
        m
    }
}

pub(super) fn fip_not_found(id: &str) -> Resp {
    error(
        404,
        "FloatingIPNotFound",
        &format!("Floating IP {id} could not be found"),
    )
}

fn bad_fip(message: &str) -> Resp {
    error(
        400,
        "BadRequest",
        &format!("Bad floatingip request: {message}"),
    )
}

/// Forgets the association of floating IPs on a deleted port, as Neutron does.
pub(crate) fn port_deleted(state: &mut State, port_id: &str) {
    let now = Utc::now();
    for f in &mut state.floating_ips {
        if f.assoc.as_ref().is_some_and(|a| a.port_id == port_id) {
            f.assoc = None;
            f.revision_number += 1;
            f.updated_at = now;
        }
    }
}

/// Resolves an association of floating IP `fip` with `port_id` (and `fixed_ip`, when given), as
/// Neutron's `_get_assoc_data` does: 404 `PortNotFound`, 400 for a port without IPv4 addresses
/// or without the address named or with several and none named, 404
/// `ExternalGatewayForFloatingIPNotFound` when no router joins the address's subnet to the
/// external network, 409 `FloatingIPPortAlreadyAssociated` when the address has a floating IP on
/// that network already.
fn associate(
    state: &State,
    fip: &FloatingIp,
    port_id: &str,
    fixed_ip: Option<&str>,
) -> Result<Association, Resp> {
    let port = state
        .ports
        .iter()
        .find(|p| p.id == port_id)
        .ok_or_else(|| port_not_found(port_id))?;
    if port.fixed_ips.is_empty() {
        return Err(bad_fip(&format!(
            "Cannot add floating IP to port {port_id} that has no fixed IPv4 addresses."
        )));
    }
    let (subnet_id, ip) = match fixed_ip {
        Some(wanted) => port
            .fixed_ips
            .iter()
            .find(|(_, ip)| ip.to_string() == wanted)
            .cloned()
            .ok_or_else(|| bad_fip(&format!("Port {port_id} does not have fixed ip {wanted}.")))?,
        None => match port.fixed_ips.as_slice() {
            [only] => only.clone(),
            _ => {
                return Err(bad_fip(&format!(
                    "Port {port_id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP."
                )));
            }
        },
    };
    let router = state.routers.iter().find(|r| {
        r.gateway
            .as_ref()
            .is_some_and(|g| g.network_id == fip.floating_network_id)
            && interfaces(state, &r.id).any(|p| p.fixed_ips.iter().any(|(s, _)| *s == subnet_id))
    });
    let Some(router) = router else {
        return Err(error(
            404,
            "ExternalGatewayForFloatingIPNotFound",
            &format!(
                "External network {} is not reachable from subnet {subnet_id}.  Therefore, cannot associate Port {port_id} with a Floating IP.",
                fip.floating_network_id
            ),
        ));
    };
    let taken = state.floating_ips.iter().find(|f| {
        f.id != fip.id
            && f.floating_network_id == fip.floating_network_id
            && f.assoc
                .as_ref()
                .is_some_and(|a| a.port_id == port_id && a.fixed_ip == ip)
    });
    if let Some(other) = taken {
        return Err(error(
            409,
            "FloatingIPPortAlreadyAssociated",
            &format!(
                "Cannot associate floating IP {} ({}) with port {port_id} using fixed IP {ip}, as that fixed IP already has a floating IP on external network {}.",
                fip.address, fip.id, other.floating_network_id
            ),
        ));
    }
    Ok(Association {
        port_id: port_id.to_string(),
        fixed_ip: ip,
        subnet_id,
        router_id: router.id.clone(),
    })
}

const FILTERABLE: [&str; 11] = [
    "id",
    "floating_ip_address",
    "floating_network_id",
    "router_id",
    "port_id",
    "fixed_ip_address",
    "status",
    "project_id",
    "tenant_id",
    "description",
    "revision_number",
];

/// `GET /v2.0/floatingips`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        state
            .floating_ips
            .iter()
            .map(|f| f.to_json(&state))
            .collect()
    };
    let c = Collection {
        name: "floatingips",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: fip_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/floatingips/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.floating_ips.iter().find(|f| f.id == id) {
        Some(f) => Resp::json(200, &json!({"floatingip": f.to_json(&state)})),
        None => fip_not_found(id),
    }
}

fn opt_string(attrs: &Map<String, Value>, key: &str) -> Result<Option<String>, Resp> {
    match attrs.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => as_string(key, v, 255).map(Some),
    }
}

/// `POST /v2.0/floatingips`: 201, revision 0; the address comes from the external network's
/// subnet (`subnet_id` / `floating_ip_address` when given); associated at once with `port_id`.
/// 404 `NetworkNotFound`, 400 for a network that is not external, 409 when the pool is empty or
/// the address taken.
pub(crate) fn create(ctx: &Ctx<'_>) -> Resp {
    let attrs = match super::body::attrs(ctx, "floatingip") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    for key in attrs.keys() {
        match key.as_str() {
            "floating_network_id"
            | "port_id"
            | "fixed_ip_address"
            | "floating_ip_address"
            | "subnet_id"
            | "description"
            | "tags"
            | "project_id"
            | "tenant_id" => {}
            "id" | "status" | "router_id" | "revision_number" | "created_at" | "updated_at"
            | "port_details" => {
                return bad_request(&format!("Attribute '{key}' not allowed in POST"));
            }
            other => return bad_request(&format!("Unrecognized attribute(s) '{other}'")),
        }
    }
    let parsed = (|| {
        let network = opt_string(&attrs, "floating_network_id")?.ok_or_else(|| {
            bad_request(
                "Failed to parse request. Required attribute 'floating_network_id' not specified",
            )
        })?;
        let tags = match attrs.get("tags") {
            Some(v) => as_strings("tags", v)?,
            None => Vec::new(),
        };
        Ok::<_, Resp>((
            network,
            opt_string(&attrs, "port_id")?,
            opt_string(&attrs, "fixed_ip_address")?,
            opt_string(&attrs, "floating_ip_address")?,
            opt_string(&attrs, "subnet_id")?,
            opt_string(&attrs, "description")?.unwrap_or_default(),
            opt_string(&attrs, "project_id")?.or(opt_string(&attrs, "tenant_id")?),
            tags,
        ))
    })();
    let (network_id, port_id, fixed_ip, address, subnet_id, description, project, tags) =
        match parsed {
            Ok(p) => p,
            Err(resp) => return resp,
        };
    let mut state = ctx.shared.lock();
    let Some(network) = state.networks.iter().find(|n| n.id == network_id) else {
        return network_not_found(&network_id);
    };
    if !network.external {
        return bad_fip(&format!(
            "Network {network_id} is not a valid external network."
        ));
    }
    if !state.subnets.iter().any(|s| s.network_id == network_id) {
        return bad_fip(&format!(
            "Network {network_id} does not contain any IPv4 subnet."
        ));
    }
    let now = Utc::now();
    let id = ids::uuid4();
    let mut holder = Port::service(&network_id, "", "network:floatingip", &id, Vec::new());
    let mut wanted = Map::new();
    if let Some(s) = &subnet_id {
        wanted.insert("subnet_id".into(), json!(s));
    }
    if let Some(a) = &address {
        wanted.insert("ip_address".into(), json!(a));
    }
    let wanted = (!wanted.is_empty()).then(|| json!([wanted]));
    match allocate(&state, &holder, wanted.as_ref()) {
        Ok(ips) => holder.fixed_ips = ips,
        Err(resp) => return resp,
    }
    let Some((_, ip)) = holder.fixed_ips.first().cloned() else {
        return bad_fip(&format!(
            "Network {network_id} does not contain any IPv4 subnet."
        ));
    };
    let mut fip = FloatingIp {
        id,
        project_id: project.unwrap_or_else(|| ctx.project_id().to_string()),
        floating_network_id: network_id,
        address: ip,
        port_id: holder.id.clone(),
        assoc: None,
        description,
        tags,
        revision_number: 0,
        created_at: now,
        updated_at: now,
    };
    if let Some(port_id) = &port_id {
        match associate(&state, &fip, port_id, fixed_ip.as_deref()) {
            Ok(a) => fip.assoc = Some(a),
            Err(resp) => return resp,
        }
    }
    state.ports.push(holder);
    let body = json!({"floatingip": fip.to_json(&state)});
    state.floating_ips.push(fip);
    Resp::json(201, &body)
}

/// `PUT /v2.0/floatingips/{id}`: `port_id` associates (checked as on create) or, `null`,
/// disassociates; `fixed_ip_address`, `description`. 200, the revision up by one when something
/// changed; 412 on a stale `If-Match`.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let attrs = match super::body::attrs(ctx, "floatingip") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    for key in attrs.keys() {
        match key.as_str() {
            "port_id" | "fixed_ip_address" | "description" => {}
            "id"
            | "status"
            | "router_id"
            | "revision_number"
            | "created_at"
            | "updated_at"
            | "floating_network_id"
            | "floating_ip_address"
            | "subnet_id"
            | "project_id"
            | "tenant_id"
            | "port_details"
            | "tags" => {
                return bad_request(&format!("Attribute '{key}' not allowed in PUT"));
            }
            other => return bad_request(&format!("Unrecognized attribute(s) '{other}'")),
        }
    }
    let (port_id, fixed_ip, description) = match (
        opt_string(&attrs, "port_id"),
        opt_string(&attrs, "fixed_ip_address"),
        opt_string(&attrs, "description"),
    ) {
        (Ok(p), Ok(f), Ok(d)) => (p, f, d),
        (Err(resp), _, _) | (_, Err(resp), _) | (_, _, Err(resp)) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(current) = state.floating_ips.iter().find(|f| f.id == id).cloned() else {
        return fip_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, current.revision_number) {
        return resp;
    }
    let mut changed = current.clone();
    if attrs.contains_key("port_id") {
        changed.assoc = match &port_id {
            None => None,
            Some(p) => match associate(&state, &current, p, fixed_ip.as_deref()) {
                Ok(a) => Some(a),
                Err(resp) => return resp,
            },
        };
    } else if let (Some(ip), Some(a)) = (&fixed_ip, &current.assoc) {
        match associate(&state, &current, &a.port_id.clone(), Some(ip)) {
            Ok(a) => changed.assoc = Some(a),
            Err(resp) => return resp,
        }
    }
    if attrs.contains_key("description") {
        changed.description = description.unwrap_or_default();
    }
    if changed.assoc != current.assoc || changed.description != current.description {
        changed.revision_number += 1;
        changed.updated_at = Utc::now();
    }
    let body = json!({"floatingip": changed.to_json(&state)});
    if let Some(f) = state.floating_ips.iter_mut().find(|f| f.id == id) {
        *f = changed;
    }
    Resp::json(200, &body)
}

/// `DELETE /v2.0/floatingips/{id}`: 204 (associated or not; its port goes with it); 404
/// `FloatingIPNotFound`; 412 on a stale `If-Match`.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(fip) = state.floating_ips.iter().find(|f| f.id == id) else {
        return fip_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, fip.revision_number) {
        return resp;
    }
    let holder = fip.port_id.clone();
    state.floating_ips.retain(|f| f.id != id);
    state.ports.retain(|p| p.id != holder);
    state.port_forwardings.retain(|p| p.floatingip_id != id);
    Resp::empty(204)
}
