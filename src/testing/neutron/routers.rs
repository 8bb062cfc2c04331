//! `/v2.0/routers`: list (filters, sorting, paging, fields, tags), show, create, update
//! (If-Match), delete, and the actions `add_router_interface`, `remove_router_interface`,
//! `add_extraroutes`, `remove_extraroutes`, as Neutron 28 answers them.
//!
//! A gateway (`external_gateway_info`) is a port on the external network with
//! `device_owner: network:router_gateway`; an interface is a port with
//! `device_owner: network:router_interface` (made on the subnet's gateway IP when attached by
//! subnet). Both have `device_id` = the router's id; the router's own fields never list them.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::networks::{
    Collection, as_bool, as_string, as_strings, invalid, list_collection, network_not_found,
};
use super::ports::{Port, allocate, port_not_found};
use super::subnets::{Subnet, parse_cidr, subnet_not_found};
use super::{bad_request, error, if_match_failed};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// `device_owner` of a router's interface ports.
pub(crate) const INTERFACE_OWNER: &str = "network:router_interface";
/// `device_owner` of a router's gateway port.
pub(crate) const GATEWAY_OWNER: &str = "network:router_gateway";

/// A router's external gateway.
#[derive(Clone, Debug)]
pub(crate) struct Gateway {
    pub(crate) network_id: String,
    pub(crate) enable_snat: bool,
    /// The `network:router_gateway` port.
    pub(crate) port_id: String,
}

/// An extra route (`routes[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) destination: String,
    pub(crate) nexthop: Ipv4Addr,
}

/// A router of the fake.
#[derive(Clone, Debug)]
pub(crate) struct Router {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) project_id: String,
    pub(crate) admin_state_up: bool,
    pub(crate) gateway: Option<Gateway>,
    pub(crate) routes: Vec<Route>,
    pub(crate) distributed: bool,
    pub(crate) ha: bool,
    pub(crate) availability_zone_hints: Vec<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) revision_number: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl Router {
    /// The API body; the gateway's `external_fixed_ips` come from its port.
    pub(crate) fn to_json(&self, state: &State) -> Map<String, Value> {
        let gateway = self.gateway.as_ref().map(|g| {
            let ips: Vec<Value> = state
                .ports
                .iter()
                .filter(|p| p.id == g.port_id)
                .flat_map(|p| p.fixed_ips.iter())
                .map(|(s, ip)| json!({"subnet_id": s, "ip_address": ip.to_string()}))
                .collect();
            json!({"network_id": g.network_id, "external_fixed_ips": ips, "enable_snat": g.enable_snat})
        });
        let routes: Vec<Value> = self
            .routes
            .iter()
            .map(|r| json!({"destination": r.destination, "nexthop": r.nexthop.to_string()}))
            .collect();
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("admin_state_up".into(), json!(self.admin_state_up));
        m.insert("status".into(), json!("ACTIVE"));
        m.insert("external_gateway_info".into(), json!(gateway));
        m.insert("description".into(), json!(self.description));
        m.insert("availability_zones".into(), json!(["nova"]));
        m.insert("distributed".into(), json!(self.distributed));
        m.insert("ha".into(), json!(self.ha));
        m.insert(
            "availability_zone_hints".into(),
            json!(self.availability_zone_hints),
        );
        m.insert("routes".into(), Value::Array(routes));
        m.insert("flavor_id".into(), Value::Null);
        m.insert("tags".into(), json!(self.tags));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("revision_number".into(), json!(self.revision_number));
        m.insert("tenant_id".into(), json!(self.project_id));
        m
    }
}

pub(crate) fn router_not_found(id: &str) -> Resp {
    error(
        404,
        "RouterNotFound",
        &format!("Router {id} could not be found"),
    )
}

fn bad_router(message: &str) -> Resp {
    error(400, "BadRequest", &format!("Bad router request: {message}"))
}

/// The interface ports of router `id`.
pub(crate) fn interfaces<'a>(state: &'a State, id: &'a str) -> impl Iterator<Item = &'a Port> {
    state
        .ports
        .iter()
        .filter(move |p| p.device_owner == INTERFACE_OWNER && p.device_id == id)
}

/// The subnets router `id` has an address on (interfaces and gateway), for next hops.
fn connected_subnets<'a>(state: &'a State, router: &Router) -> Vec<&'a Subnet> {
    let gw_port = router.gateway.as_ref().map(|g| g.port_id.as_str());
    let subnet_ids: Vec<&str> = state
        .ports
        .iter()
        .filter(|p| {
            (p.device_owner == INTERFACE_OWNER && p.device_id == router.id)
                || Some(p.id.as_str()) == gw_port
        })
        .flat_map(|p| p.fixed_ips.iter().map(|(s, _)| s.as_str()))
        .collect();
    state
        .subnets
        .iter()
        .filter(|s| subnet_ids.contains(&s.id.as_str()))
        .collect()
}

/// The router's own addresses (a next hop may not be one of them).
fn own_addresses(state: &State, router: &Router) -> Vec<Ipv4Addr> {
    let gw_port = router.gateway.as_ref().map(|g| g.port_id.as_str());
    state
        .ports
        .iter()
        .filter(|p| {
            (p.device_owner == INTERFACE_OWNER && p.device_id == router.id)
                || Some(p.id.as_str()) == gw_port
        })
        .flat_map(|p| p.fixed_ips.iter().map(|(_, ip)| *ip))
        .collect()
}

/// Python's `repr` of a route list, as Neutron quotes it in `InvalidRoutes`.
fn routes_repr(routes: &[Route]) -> String {
    let items: Vec<String> = routes
        .iter()
        .map(|r| {
            format!(
                "{{'destination': '{}', 'nexthop': '{}'}}",
                r.destination, r.nexthop
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn invalid_routes(routes: &[Route], reason: &str) -> Resp {
    error(
        400,
        "InvalidRoutes",
        &format!(
            "Invalid format for routes: {}, {reason}",
            routes_repr(routes)
        ),
    )
}

/// Parses a `routes` list (`[{"destination": CIDR, "nexthop": IP}]`).
fn parse_routes(v: &Value) -> Result<Vec<Route>, Resp> {
    let list = v
        .as_array()
        .ok_or_else(|| invalid("routes", &format!("'{v}' is not a list")))?;
    let mut out: Vec<Route> = Vec::new();
    for item in list {
        let destination = item.get("destination").and_then(Value::as_str);
        let nexthop = item.get("nexthop").and_then(Value::as_str);
        let (Some(destination), Some(nexthop)) = (destination, nexthop) else {
            return Err(invalid(
                "routes",
                &format!(
                    "Validation of dictionary's keys failed. Expected keys: {{'destination', 'nexthop'}} Provided keys: {item}"
                ),
            ));
        };
        if parse_cidr(destination).is_none() {
            return Err(invalid(
                "routes",
                &format!("'{destination}' is not a valid IP subnet"),
            ));
        }
        let Ok(nexthop) = nexthop.parse::<Ipv4Addr>() else {
            return Err(invalid(
                "routes",
                &format!("'{nexthop}' is not a valid IP address"),
            ));
        };
        let route = Route {
            destination: destination.to_string(),
            nexthop,
        };
        if out.contains(&route) {
            return Err(invalid(
                "routes",
                &format!("Duplicate items in the list: '{destination}, {nexthop}'"),
            ));
        }
        out.push(route);
    }
    Ok(out)
}

/// Neutron's `_validate_routes_nexthop`: each next hop on a subnet the router is connected to,
/// and not one of the router's own addresses.
fn check_nexthops(
    subnets: &[&Subnet],
    own: &[Ipv4Addr],
    routes: &[Route],
    quoted: &[Route],
) -> Result<(), Resp> {
    for r in routes {
        if !subnets.iter().any(|s| s.contains(r.nexthop)) {
            return Err(invalid_routes(
                quoted,
                "the nexthop is not connected with router",
            ));
        }
        if own.contains(&r.nexthop) {
            return Err(invalid_routes(quoted, "the nexthop is used by router"));
        }
    }
    Ok(())
}

/// Parses `external_gateway_info` (`null`: none) and makes its port (not stored yet): 404
/// `NetworkNotFound`, 400 when the network is not `router:external`.
fn parse_gateway(
    state: &State,
    router_id: &str,
    v: &Value,
) -> Result<Option<(Gateway, Port)>, Resp> {
    if v.is_null() {
        return Ok(None);
    }
    let Some(info) = v.as_object() else {
        return Err(invalid(
            "external_gateway_info",
            &format!("'{v}' is not a dictionary"),
        ));
    };
    let mut enable_snat = true;
    let mut fixed = None;
    let mut network_id = None;
    for (key, value) in info {
        match key.as_str() {
            "network_id" => network_id = Some(as_string(key, value, 36)?),
            "enable_snat" => enable_snat = as_bool(key, value)?,
            "external_fixed_ips" => fixed = Some(value),
            "qos_policy_id" => {}
            other => {
                return Err(invalid(
                    "external_gateway_info",
                    &format!("Validation of dictionary's keys failed. Unexpected key: {other}"),
                ));
            }
        }
    }
    let Some(network_id) = network_id else {
        return Err(invalid(
            "external_gateway_info",
            "Validation of dictionary's keys failed. Expected keys: {'network_id'}",
        ));
    };
    let Some(network) = state.networks.iter().find(|n| n.id == network_id) else {
        return Err(network_not_found(&network_id));
    };
    if !network.external {
        return Err(bad_router(&format!(
            "Network {network_id} is not an external network."
        )));
    }
    let mut port = Port::service(&network_id, "", GATEWAY_OWNER, router_id, Vec::new());
    port.fixed_ips = allocate(state, &port, fixed)?;
    let gateway = Gateway {
        network_id,
        enable_snat,
        port_id: port.id.clone(),
    };
    Ok(Some((gateway, port)))
}

/// 409 `RouterExternalGatewayInUseByFloatingIp` while floating IPs go through the gateway.
fn gateway_in_use(state: &State, router: &Router) -> Option<Resp> {
    let gw = router.gateway.as_ref()?;
    state
        .floating_ips
        .iter()
        .any(|f| f.assoc.as_ref().is_some_and(|a| a.router_id == router.id))
        .then(|| {
            error(
                409,
                "RouterExternalGatewayInUseByFloatingIp",
                &format!(
                    "Gateway cannot be updated for router {}, since a gateway to external network {} is required by one or more floating IPs.",
                    router.id, gw.network_id
                ),
            )
        })
}

const FILTERABLE: [&str; 9] = [
    "id",
    "name",
    "description",
    "status",
    "admin_state_up",
    "project_id",
    "tenant_id",
    "revision_number",
    "flavor_id",
];

/// `GET /v2.0/routers`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        state.routers.iter().map(|r| r.to_json(&state)).collect()
    };
    let c = Collection {
        name: "routers",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: router_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/routers/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.routers.iter().find(|r| r.id == id) {
        Some(r) => Resp::json(200, &json!({"router": r.to_json(&state)})),
        None => router_not_found(id),
    }
}

/// Applies the simple attributes; `external_gateway_info` and `routes` are the caller's.
fn apply(r: &mut Router, attrs: &Map<String, Value>, creating: bool) -> Result<(), Resp> {
    let verb = if creating { "POST" } else { "PUT" };
    for (key, v) in attrs {
        match key.as_str() {
            "name" => r.name = as_string(key, v, 255)?,
            "description" => r.description = as_string(key, v, 255)?,
            "admin_state_up" => r.admin_state_up = as_bool(key, v)?,
            "distributed" => r.distributed = as_bool(key, v)?,
            "ha" => r.ha = as_bool(key, v)?,
            "availability_zone_hints" if creating => {
                r.availability_zone_hints = as_strings(key, v)?;
            }
            "tags" if creating => r.tags = as_strings(key, v)?,
            "project_id" | "tenant_id" if creating => r.project_id = as_string(key, v, 255)?,
            "flavor_id" if creating && v.is_null() => {}
            "external_gateway_info" => {}
            "routes" if !creating => {}
            "id"
            | "status"
            | "routes"
            | "project_id"
            | "tenant_id"
            | "revision_number"
            | "created_at"
            | "updated_at"
            | "availability_zones"
            | "availability_zone_hints"
            | "flavor_id"
            | "tags" => {
                return Err(bad_request(&format!(
                    "Attribute '{key}' not allowed in {verb}"
                )));
            }
            other => return Err(bad_request(&format!("Unrecognized attribute(s) '{other}'"))),
        }
    }
    Ok(())
}

/// `POST /v2.0/routers`: 201; with a gateway, its port is made and the revision is 2, as
/// Neutron answers.
pub(crate) fn create(ctx: &Ctx<'_>) -> Resp {
    let attrs = match super::body::attrs(ctx, "router") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let now = Utc::now();
    let mut router = Router {
        id: ids::uuid4(),
        name: String::new(),
        description: String::new(),
        project_id: ctx.project_id().to_string(),
        admin_state_up: true,
        gateway: None,
        routes: Vec::new(),
        distributed: false,
        ha: false,
        availability_zone_hints: Vec::new(),
        tags: Vec::new(),
        revision_number: 1,
        created_at: now,
        updated_at: now,
    };
    if let Err(resp) = apply(&mut router, &attrs, true) {
        return resp;
    }
    let mut state = ctx.shared.lock();
    if let Some(info) = attrs.get("external_gateway_info") {
        match parse_gateway(&state, &router.id, info) {
            Ok(Some((gateway, port))) => {
                router.gateway = Some(gateway);
                router.revision_number += 1;
                state.ports.push(port);
            }
            Ok(None) => {}
            Err(resp) => return resp,
        }
    }
    let body = json!({"router": router.to_json(&state)});
    state.routers.push(router);
    Resp::json(201, &body)
}

/// `PUT /v2.0/routers/{id}`: 200; the revision goes up only when something changed. A new or
/// removed gateway replaces its port (409 `RouterExternalGatewayInUseByFloatingIp` while
/// floating IPs use it, 400 `InvalidRoutes` when a route needs it); `routes` are checked against
/// the connected subnets (400 `InvalidRoutes`); 412 on a stale `If-Match`.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let attrs = match super::body::attrs(ctx, "router") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(current) = state.routers.iter().find(|r| r.id == id).cloned() else {
        return router_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, current.revision_number) {
        return resp;
    }
    let mut changed = current.clone();
    if let Err(resp) = apply(&mut changed, &attrs, false) {
        return resp;
    }
    let mut new_port = None;
    let mut old_port = None;
    if let Some(info) = attrs.get("external_gateway_info") {
        let same_network = match (&current.gateway, info.get("network_id")) {
            (Some(g), Some(Value::String(n))) => {
                g.network_id == *n && info.get("external_fixed_ips").is_none()
            }
            _ => false,
        };
        if same_network {
            if let (Some(g), Some(snat)) = (changed.gateway.as_mut(), info.get("enable_snat")) {
                match as_bool("enable_snat", snat) {
                    Ok(b) => g.enable_snat = b,
                    Err(resp) => return resp,
                }
            }
        } else {
            if let Some(resp) = gateway_in_use(&state, &current) {
                return resp;
            }
            match parse_gateway(&state, id, info) {
                Ok(Some((gateway, port))) => {
                    changed.gateway = Some(gateway);
                    new_port = Some(port);
                }
                Ok(None) => changed.gateway = None,
                Err(resp) => return resp,
            }
            old_port = current.gateway.as_ref().map(|g| g.port_id.clone());
        }
    }
    let routes = match attrs.get("routes") {
        Some(v) => match parse_routes(v) {
            Ok(r) => Some(r),
            Err(resp) => return resp,
        },
        None => None,
    };
    if let Some(routes) = routes {
        changed.routes = routes;
    }
    if attrs.contains_key("routes") || old_port.is_some() {
        // Next hops are judged against the router as it will be.
        let mut ports: Vec<Port> = state
            .ports
            .iter()
            .filter(|p| Some(&p.id) != old_port.as_ref())
            .cloned()
            .collect();
        ports.extend(new_port.clone());
        let view = State {
            ports,
            subnets: state.subnets.clone(),
            ..State::default()
        };
        let subnets = connected_subnets(&view, &changed);
        let own = own_addresses(&view, &changed);
        let quoted = if attrs.contains_key("routes") {
            changed.routes.clone()
        } else {
            current.routes.clone()
        };
        if let Err(resp) = check_nexthops(&subnets, &own, &changed.routes, &quoted) {
            return resp;
        }
    }
    let differs = changed.name != current.name
        || changed.description != current.description
        || changed.admin_state_up != current.admin_state_up
        || changed.distributed != current.distributed
        || changed.ha != current.ha
        || changed.routes != current.routes
        || new_port.is_some()
        || old_port.is_some()
        || changed.gateway.as_ref().map(|g| g.enable_snat)
            != current.gateway.as_ref().map(|g| g.enable_snat);
    if differs {
        changed.revision_number += 1;
        changed.updated_at = Utc::now();
    }
    if let Some(old) = old_port {
        state.ports.retain(|p| p.id != old);
    }
    state.ports.extend(new_port);
    let body = json!({"router": changed.to_json(&state)});
    if let Some(r) = state.routers.iter_mut().find(|r| r.id == id) {
        *r = changed;
    }
    Resp::json(200, &body)
}

/// `DELETE /v2.0/routers/{id}`: 204 (its gateway port goes with it); 404; 409 `RouterInUse`
/// while interfaces are attached; 412 on a stale `If-Match`.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(router) = state.routers.iter().find(|r| r.id == id) else {
        return router_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, router.revision_number) {
        return resp;
    }
    let attached: Vec<&str> = interfaces(&state, id).map(|p| p.id.as_str()).collect();
    if !attached.is_empty() {
        return error(
            409,
            "RouterInUse",
            &format!(
                "Router {id} has ports still attached: {}",
                attached.join(", ")
            ),
        );
    }
    let gw_port = router.gateway.as_ref().map(|g| g.port_id.clone());
    state.routers.retain(|r| r.id != id);
    if let Some(port) = gw_port {
        state.ports.retain(|p| p.id != port);
    }
    Resp::empty(204)
}

/// `{"subnet_id": …}` or `{"port_id": …}` of an interface action.
enum Target {
    Subnet(String),
    Port(String),
}

fn interface_target(ctx: &Ctx<'_>) -> Result<Target, Resp> {
    let body = ctx
        .req
        .json_body()
        .ok_or_else(|| bad_request("Malformed request body"))?;
    let Some(attrs) = body.as_object() else {
        return Err(bad_request("Body contains invalid data"));
    };
    let id_of = |key: &str| -> Result<Option<String>, Resp> {
        match attrs.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => as_string(key, v, 36).map(Some),
        }
    };
    match (id_of("subnet_id")?, id_of("port_id")?) {
        (Some(_), Some(_)) => Err(bad_router("Cannot specify both subnet-id and port-id.")),
        (Some(s), None) => Ok(Target::Subnet(s)),
        (None, Some(p)) => Ok(Target::Port(p)),
        (None, None) => Err(bad_router("Either subnet_id or port_id must be specified.")),
    }
}

/// The body of an interface action, with the fields of the API reference.
fn interface_body(router: &Router, port: &Port) -> Value {
    let subnets: Vec<&str> = port.fixed_ips.iter().map(|(s, _)| s.as_str()).collect();
    json!({
        "id": router.id,
        "network_id": port.network_id,
        "port_id": port.id,
        "subnet_id": subnets.first(),
        "subnet_ids": subnets,
        "project_id": router.project_id,
        "tenant_id": router.project_id,
        "tags": router.tags,
    })
}

/// 400 when `subnet` is on the router already or overlaps a subnet that is.
fn check_new_interface_subnet(state: &State, router_id: &str, subnet: &Subnet) -> Result<(), Resp> {
    for port in interfaces(state, router_id) {
        for (sid, _) in &port.fixed_ips {
            if *sid == subnet.id {
                return Err(bad_router(&format!(
                    "Router already has a port on subnet {sid}."
                )));
            }
            let Some(other) = state.subnets.iter().find(|s| s.id == *sid) else {
                continue;
            };
            if other.contains(subnet.net.0) || subnet.contains(other.net.0) {
                return Err(bad_router(&format!(
                    "Cidr {}/{} of subnet {} overlaps with cidr {}/{} of subnet {}.",
                    subnet.net.0, subnet.net.1, subnet.id, other.net.0, other.net.1, other.id
                )));
            }
        }
    }
    Ok(())
}

/// `PUT /v2.0/routers/{id}/add_router_interface`: 200 with the interface. By subnet: a new port
/// on the subnet's gateway IP (400 without a gateway IP, when the router has a port on it already
/// or it overlaps one that has). By port: the port becomes the interface (409 `PortInUse` when it
/// has a device, 400 without fixed IPs). The router's revision goes up.
pub(crate) fn add_interface(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(router) = state.routers.iter().find(|r| r.id == id).cloned() else {
        return router_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, router.revision_number) {
        return resp;
    }
    let target = match interface_target(ctx) {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    let port = match target {
        Target::Subnet(subnet_id) => {
            let Some(subnet) = state.subnets.iter().find(|s| s.id == subnet_id) else {
                return subnet_not_found(&subnet_id);
            };
            let Some(gateway_ip) = subnet.gateway_ip else {
                return bad_router("Subnet for router interface must have a gateway IP.");
            };
            if let Err(resp) = check_new_interface_subnet(&state, id, subnet) {
                return resp;
            }
            let mut port = Port::service(
                &subnet.network_id,
                &router.project_id,
                INTERFACE_OWNER,
                id,
                Vec::new(),
            );
            let wanted = json!([{"subnet_id": subnet.id, "ip_address": gateway_ip.to_string()}]);
            match allocate(&state, &port, Some(&wanted)) {
                Ok(ips) => port.fixed_ips = ips,
                Err(resp) => return resp,
            }
            state.ports.push(port.clone());
            port
        }
        Target::Port(port_id) => {
            let Some(port) = state.ports.iter().find(|p| p.id == port_id).cloned() else {
                return port_not_found(&port_id);
            };
            if !port.device_id.is_empty() {
                return error(
                    409,
                    "PortInUse",
                    &format!(
                        "Unable to complete operation on port {} for network {}. Port already has an attached device {}.",
                        port.id, port.network_id, port.device_id
                    ),
                );
            }
            if port.fixed_ips.is_empty() {
                return bad_router("Router port must have at least one fixed IP.");
            }
            for (sid, _) in &port.fixed_ips {
                if let Some(subnet) = state.subnets.iter().find(|s| s.id == *sid) {
                    if let Err(resp) = check_new_interface_subnet(&state, id, subnet) {
                        return resp;
                    }
                }
            }
            let Some(p) = state.ports.iter_mut().find(|p| p.id == port_id) else {
                return port_not_found(&port_id);
            };
            p.device_owner = INTERFACE_OWNER.into();
            p.device_id = id.into();
            p.revision_number += 1;
            p.updated_at = Utc::now();
            p.clone()
        }
    };
    let body = interface_body(&router, &port);
    bump(&mut state, id);
    Resp::json(200, &body)
}

fn bump(state: &mut State, router_id: &str) {
    if let Some(r) = state.routers.iter_mut().find(|r| r.id == router_id) {
        r.revision_number += 1;
        r.updated_at = Utc::now();
    }
}

/// `PUT /v2.0/routers/{id}/remove_router_interface`: 200 with the interface removed; its port is
/// deleted (also one attached by `port_id`, as Neutron does). 404
/// `RouterInterfaceNotFoundForSubnet` / `RouterInterfaceNotFound` when it is not there; 409
/// `RouterInterfaceInUseByRoute` / `RouterInterfaceInUseByFloatingIP` while an extra route or a
/// floating IP needs it.
pub(crate) fn remove_interface(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(router) = state.routers.iter().find(|r| r.id == id).cloned() else {
        return router_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, router.revision_number) {
        return resp;
    }
    let target = match interface_target(ctx) {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    let port = match &target {
        Target::Subnet(subnet_id) => {
            if !state.subnets.iter().any(|s| s.id == *subnet_id) {
                return subnet_not_found(subnet_id);
            }
            let found = interfaces(&state, id)
                .find(|p| p.fixed_ips.iter().any(|(s, _)| s == subnet_id))
                .cloned();
            let Some(port) = found else {
                return error(
                    404,
                    "RouterInterfaceNotFoundForSubnet",
                    &format!("Router {id} has no interface on subnet {subnet_id}"),
                );
            };
            port
        }
        Target::Port(port_id) => {
            let Some(port) = interfaces(&state, id).find(|p| p.id == *port_id).cloned() else {
                return error(
                    404,
                    "RouterInterfaceNotFound",
                    &format!("Router {id} does not have an interface with id {port_id}"),
                );
            };
            port
        }
    };
    for (subnet_id, _) in &port.fixed_ips {
        let Some(subnet) = state.subnets.iter().find(|s| s.id == *subnet_id) else {
            continue;
        };
        if router.routes.iter().any(|r| subnet.contains(r.nexthop)) {
            return error(
                409,
                "RouterInterfaceInUseByRoute",
                &format!(
                    "Router interface for subnet {subnet_id} on router {id} cannot be deleted, as it is required by one or more routes."
                ),
            );
        }
        let by_fip = state.floating_ips.iter().any(|f| {
            f.assoc
                .as_ref()
                .is_some_and(|a| a.router_id == id && a.subnet_id == *subnet_id)
        });
        if by_fip {
            return error(
                409,
                "RouterInterfaceInUseByFloatingIP",
                &format!(
                    "Router interface for subnet {subnet_id} on router {id} cannot be deleted, as it is required by one or more floating IPs."
                ),
            );
        }
    }
    state.ports.retain(|p| p.id != port.id);
    let body = interface_body(&router, &port);
    bump(&mut state, id);
    Resp::json(200, &body)
}

/// `PUT /v2.0/routers/{id}/add_extraroutes` (`add`) or `…/remove_extraroutes`: the routes are
/// added (next hops checked, those already there kept once) or removed (those not there
/// ignored); 200 with the router, whose revision goes up only when the routes changed.
pub(crate) fn extra_routes(ctx: &Ctx<'_>, id: &str, add: bool) -> Resp {
    let routes =
        match super::body::attrs(ctx, "router").and_then(|attrs| match attrs.get("routes") {
            Some(v) => parse_routes(v),
            None => Err(bad_request(
                "Failed to parse request. Required attribute 'routes' not specified",
            )),
        }) {
            Ok(r) => r,
            Err(resp) => return resp,
        };
    let mut state = ctx.shared.lock();
    let Some(router) = state.routers.iter().find(|r| r.id == id).cloned() else {
        return router_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, router.revision_number) {
        return resp;
    }
    let mut changed = router.clone();
    if add {
        let subnets = connected_subnets(&state, &router);
        let own = own_addresses(&state, &router);
        if let Err(resp) = check_nexthops(&subnets, &own, &routes, &routes) {
            return resp;
        }
        for r in routes {
            if !changed.routes.contains(&r) {
                changed.routes.push(r);
            }
        }
    } else {
        changed.routes.retain(|r| !routes.contains(r));
    }
    if changed.routes != router.routes {
        changed.revision_number += 1;
        changed.updated_at = Utc::now();
    }
    let body = json!({"router": changed.to_json(&state)});
    if let Some(r) = state.routers.iter_mut().find(|r| r.id == id) {
        *r = changed;
    }
    Resp::json(200, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_routes_quote_the_request_as_neutron_does() {
        let routes = [Route {
            destination: "10.253.0.0/24".into(),
            nexthop: Ipv4Addr::new(10, 99, 0, 5),
        }];
        assert_eq!(
            routes_repr(&routes),
            "[{'destination': '10.253.0.0/24', 'nexthop': '10.99.0.5'}]"
        );
        assert!(parse_routes(&json!([{"destination": "10.0.0.0/8"}])).is_err());
        assert!(parse_routes(&json!([{"destination": "x", "nexthop": "10.0.0.1"}])).is_err());
    }
}
