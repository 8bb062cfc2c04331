//! Neutron (networking v2.0) under `/network`.

pub(crate) mod access;
pub(crate) mod address_scopes;
pub(crate) mod agents;
mod body;
mod extensions;
pub(crate) mod floating_ips;
mod ip_availability;
pub(crate) mod model;
pub(crate) mod networks;
pub(crate) mod port_forwardings;
pub(crate) mod ports;
pub(crate) mod qos;
mod quotas;
pub(crate) mod rbac_policies;
pub(crate) mod routers;
pub(crate) mod security_groups;
pub(crate) mod subnet_pools;
pub(crate) mod subnets;
mod tags;
pub(crate) mod trunks;

use hyper::Method;
use serde_json::{Value, json};

use super::http::{Resp, segments};
use super::server::Ctx;
use super::state::{State, TokenScope};

/// Neutron's fault body: `{"NeutronError": {"type", "message", "detail": ""}}`.
pub(crate) fn error(status: u16, kind: &str, message: &str) -> Resp {
    Resp::json(
        status,
        &json!({"NeutronError": {"type": kind, "message": message, "detail": ""}}),
    )
}

/// 400 `HTTPBadRequest`.
pub(crate) fn bad_request(message: &str) -> Resp {
    error(400, "HTTPBadRequest", message)
}

/// `If-Match: revision_number=N` (`revision-if-match`): the 412 Neutron answers when `N` is
/// not `current`; `None` when there is no such header or it matches.
pub(crate) fn if_match_failed(req: &super::http::Req, current: u64) -> Option<Resp> {
    let raw = req.header("if-match")?;
    let wanted = raw.trim().strip_prefix("revision_number=")?;
    match wanted.parse::<u64>() {
        Ok(n) if n == current => None,
        Ok(n) => Some(error(
            412,
            "RevisionNumberConstraintFailed",
            &format!("Constrained to {n}, but current revision is {current}"),
        )),
        Err(_) => Some(bad_request(&format!(
            "Invalid input for operation: '{wanted}' is not an integer revision number."
        ))),
    }
}

fn not_found() -> Resp {
    error(404, "HTTPNotFound", "The resource could not be found.")
}

fn method_not_allowed() -> Resp {
    error(
        405,
        "HTTPMethodNotAllowed",
        "The method is not allowed for this resource.",
    )
}

/// Routes a request below `/network`.
pub(crate) fn route(ctx: &Ctx<'_>, rest: &str) -> Resp {
    let get = matches!(ctx.req.method, Method::GET | Method::HEAD);
    match rest {
        "" | "/" if get => return versions(ctx),
        "" | "/" => return method_not_allowed(),
        _ => {}
    }
    let Some(api) = rest.strip_prefix("/v2.0") else {
        return not_found();
    };
    let Some(scope) = ctx.scope() else {
        return ctx.unauthorized();
    };
    if scope != TokenScope::Project {
        return error(
            403,
            "HTTPForbidden",
            "Project-scoped token required by the network API of this fake.",
        );
    }
    if api.is_empty() || api == "/" {
        return if get {
            resources(ctx)
        } else {
            method_not_allowed()
        };
    }
    let Some(mut parts) = segments(api) else {
        return not_found();
    };
    if let Some(last) = parts.last_mut() {
        *last = last.strip_suffix(".json").unwrap_or(last);
    }
    let method = &ctx.req.method;
    if let [collection, id, ..] = parts.as_slice() {
        if let Some(refused) = access::check(ctx, collection, id, !get) {
            return refused;
        }
    }
    match parts.as_slice() {
        [collection, id, "tags"] if tags::COLLECTIONS.contains(collection) => {
            return tags::route(ctx, collection, id, None);
        }
        [collection, id, "tags", tag] if tags::COLLECTIONS.contains(collection) => {
            return tags::route(ctx, collection, id, Some(tag));
        }
        _ => {}
    }
    match parts.as_slice() {
        ["networks"] if get => networks::list(ctx),
        ["networks"] if *method == Method::POST => create(ctx, "network", networks::create),
        ["networks", id] if get => networks::show(ctx, id),
        ["networks", id] if *method == Method::PUT => networks::update(ctx, id),
        ["networks", id] if *method == Method::DELETE => networks::delete(ctx, id),
        ["networks"] | ["networks", _] => method_not_allowed(),
        ["subnets"] if get => subnets::list(ctx),
        ["subnets"] if *method == Method::POST => create(ctx, "subnet", subnets::create),
        ["subnets", id] if get => subnets::show(ctx, id),
        ["subnets", id] if *method == Method::PUT => subnets::update(ctx, id),
        ["subnets", id] if *method == Method::DELETE => subnets::delete(ctx, id),
        ["subnets"] | ["subnets", _] => method_not_allowed(),
        ["ports"] if get => ports::list(ctx),
        ["ports"] if *method == Method::POST => create(ctx, "port", ports::create),
        ["ports", id] if get => ports::show(ctx, id),
        ["ports", id] if *method == Method::PUT => ports::update(ctx, id),
        ["ports", id] if *method == Method::DELETE => ports::delete(ctx, id),
        ["ports"] | ["ports", _] => method_not_allowed(),
        ["routers"] if get => routers::list(ctx),
        ["routers"] if *method == Method::POST => routers::create(ctx),
        ["routers", id] if get => routers::show(ctx, id),
        ["routers", id] if *method == Method::PUT => routers::update(ctx, id),
        ["routers", id] if *method == Method::DELETE => routers::delete(ctx, id),
        ["routers", id, "add_router_interface"] if *method == Method::PUT => {
            routers::add_interface(ctx, id)
        }
        ["routers", id, "remove_router_interface"] if *method == Method::PUT => {
            routers::remove_interface(ctx, id)
        }
        ["routers", id, "add_extraroutes"] if *method == Method::PUT => {
            routers::extra_routes(ctx, id, true)
        }
        ["routers", id, "remove_extraroutes"] if *method == Method::PUT => {
            routers::extra_routes(ctx, id, false)
        }
        ["routers"] | ["routers", _] | ["routers", _, _] => method_not_allowed(),
        ["floatingips"] if get => floating_ips::list(ctx),
        ["floatingips"] if *method == Method::POST => floating_ips::create(ctx),
        ["floatingips", id] if get => floating_ips::show(ctx, id),
        ["floatingips", id] if *method == Method::PUT => floating_ips::update(ctx, id),
        ["floatingips", id] if *method == Method::DELETE => floating_ips::delete(ctx, id),
        ["floatingips"] | ["floatingips", _] => method_not_allowed(),
        ["floatingips", fip, "port_forwardings"] if get => port_forwardings::list(ctx, fip),
        ["floatingips", fip, "port_forwardings"] if *method == Method::POST => {
            port_forwardings::create(ctx, fip)
        }
        ["floatingips", fip, "port_forwardings", id] if get => port_forwardings::show(ctx, fip, id),
        ["floatingips", fip, "port_forwardings", id] if *method == Method::PUT => {
            port_forwardings::update(ctx, fip, id)
        }
        ["floatingips", fip, "port_forwardings", id] if *method == Method::DELETE => {
            port_forwardings::delete(ctx, fip, id)
        }
        ["floatingips", _, "port_forwardings"] | ["floatingips", _, "port_forwardings", _] => {
            method_not_allowed()
        }
        ["security-groups"] if get => security_groups::list(ctx),
        ["security-groups"] if *method == Method::POST => security_groups::create(ctx),
        ["security-groups", id] if get => security_groups::show(ctx, id),
        ["security-groups", id] if *method == Method::PUT => security_groups::update(ctx, id),
        ["security-groups", id] if *method == Method::DELETE => security_groups::delete(ctx, id),
        ["security-groups"] | ["security-groups", _] => method_not_allowed(),
        ["security-group-rules"] if get => security_groups::list_rules(ctx),
        ["security-group-rules"] if *method == Method::POST => security_groups::create_rule(ctx),
        ["security-group-rules", id] if get => security_groups::show_rule(ctx, id),
        ["security-group-rules", id] if *method == Method::DELETE => {
            security_groups::delete_rule(ctx, id)
        }
        ["security-group-rules"] | ["security-group-rules", _] => method_not_allowed(),
        ["address-scopes"] if get => address_scopes::list(ctx),
        ["address-scopes"] if *method == Method::POST => address_scopes::create(ctx),
        ["address-scopes", id] if get => address_scopes::show(ctx, id),
        ["address-scopes", id] if *method == Method::PUT => address_scopes::update(ctx, id),
        ["address-scopes", id] if *method == Method::DELETE => address_scopes::delete(ctx, id),
        ["address-scopes"] | ["address-scopes", _] => method_not_allowed(),
        ["subnetpools"] if get => subnet_pools::list(ctx),
        ["subnetpools"] if *method == Method::POST => subnet_pools::create(ctx),
        ["subnetpools", id] if get => subnet_pools::show(ctx, id),
        ["subnetpools", id] if *method == Method::PUT => subnet_pools::update(ctx, id),
        ["subnetpools", id] if *method == Method::DELETE => subnet_pools::delete(ctx, id),
        ["subnetpools", id, "add_prefixes"] if *method == Method::PUT => {
            subnet_pools::change_prefixes(ctx, id, true)
        }
        ["subnetpools", id, "remove_prefixes"] if *method == Method::PUT => {
            subnet_pools::change_prefixes(ctx, id, false)
        }
        ["subnetpools"] | ["subnetpools", _] | ["subnetpools", _, _] => method_not_allowed(),
        ["qos", "policies"] if get => qos::list(ctx),
        ["qos", "policies"] if *method == Method::POST => qos::create(ctx),
        ["qos", "policies", id] if get => qos::show(ctx, id),
        ["qos", "policies", id] if *method == Method::PUT => qos::update(ctx, id),
        ["qos", "policies", id] if *method == Method::DELETE => qos::delete(ctx, id),
        ["qos", "policies", id, rules] if qos::rule_kind(rules).is_some() => {
            let kind = qos::rule_kind(rules).unwrap_or_default();
            match *method {
                Method::GET | Method::HEAD => qos::show_rules(ctx, id, kind, None),
                Method::POST => qos::change_rule(ctx, id, kind, None, false),
                _ => method_not_allowed(),
            }
        }
        ["qos", "policies", id, rules, rule] if qos::rule_kind(rules).is_some() => {
            let kind = qos::rule_kind(rules).unwrap_or_default();
            match *method {
                Method::GET | Method::HEAD => qos::show_rules(ctx, id, kind, Some(rule)),
                Method::PUT => qos::change_rule(ctx, id, kind, Some(rule), false),
                Method::DELETE => qos::change_rule(ctx, id, kind, Some(rule), true),
                _ => method_not_allowed(),
            }
        }
        ["qos", "rule-types"] if get => qos::rule_types(),
        ["qos", "rule-types", kind] if get => qos::rule_type(kind),
        ["qos", "policies"]
        | ["qos", "policies", _]
        | ["qos", "rule-types"]
        | ["qos", "rule-types", _] => method_not_allowed(),
        ["rbac-policies"] if get => rbac_policies::list(ctx),
        ["rbac-policies"] if *method == Method::POST => rbac_policies::create(ctx),
        ["rbac-policies", id] if get => rbac_policies::show(ctx, id),
        ["rbac-policies", id] if *method == Method::PUT => rbac_policies::update(ctx, id),
        ["rbac-policies", id] if *method == Method::DELETE => rbac_policies::delete(ctx, id),
        ["rbac-policies"] | ["rbac-policies", _] => method_not_allowed(),
        ["trunks"] if get => trunks::list(ctx),
        ["trunks"] if *method == Method::POST => trunks::create(ctx),
        ["trunks", id] if get => trunks::show(ctx, id),
        ["trunks", id] if *method == Method::PUT => trunks::update(ctx, id),
        ["trunks", id] if *method == Method::DELETE => trunks::delete(ctx, id),
        ["trunks", id, "add_subports"] if *method == Method::PUT => {
            trunks::change_sub_ports(ctx, id, true)
        }
        ["trunks", id, "remove_subports"] if *method == Method::PUT => {
            trunks::change_sub_ports(ctx, id, false)
        }
        ["trunks", id, "get_subports"] if get => trunks::get_sub_ports(ctx, id),
        ["trunks"] | ["trunks", _] | ["trunks", _, _] => method_not_allowed(),
        ["availability_zones"] if get => agents::availability_zones(ctx),
        ["network-ip-availabilities"] if get => ip_availability::list(ctx),
        ["network-ip-availabilities", id] if get => ip_availability::show(ctx, id),
        ["network-ip-availabilities"] | ["network-ip-availabilities", _] => method_not_allowed(),
        ["agents"] if get => agents::list(ctx),
        ["agents", id] if get => agents::show(ctx, id),
        ["agents", id] if *method == Method::PUT => agents::update(ctx, id),
        ["agents", id] if *method == Method::DELETE => agents::delete(ctx, id),
        ["agents"] | ["agents", _] => method_not_allowed(),
        ["extensions"] if get => extensions::list(),
        ["extensions", alias] if get => extensions::show(alias),
        ["quotas"] if get => quotas::list(ctx),
        ["quotas", project] if get => quotas::show(ctx, project, false),
        ["quotas", project] if *method == Method::PUT => quotas::update(ctx, project),
        ["quotas", project] if *method == Method::DELETE => quotas::reset(ctx, project),
        ["quotas", project, "details"] if get => quotas::show(ctx, project, true),
        ["quotas", _, "default"] if get => quotas::defaults(),
        ["availability_zones"]
        | ["extensions"]
        | ["extensions", _]
        | ["quotas"]
        | ["quotas", _]
        | ["quotas", _, _] => method_not_allowed(),
        _ => not_found(),
    }
}

/// Creates one item from `{"<singular>": {...}}`, answering 201 with it under `singular`.
type CreateOne = fn(&Ctx<'_>, &mut State, Option<Value>) -> Resp;

/// What a bulk create may change, to put back when one of its items is refused.
struct Snapshot {
    networks: Vec<model::Network>,
    subnets: Vec<subnets::Subnet>,
    ports: Vec<ports::Port>,
    security_groups: Vec<security_groups::SecurityGroup>,
    security_group_rules: Vec<security_groups::SecurityGroupRule>,
    next_net_octet: u8,
    next_segment: u32,
}

impl Snapshot {
    fn take(state: &State) -> Self {
        Snapshot {
            networks: state.networks.clone(),
            subnets: state.subnets.clone(),
            ports: state.ports.clone(),
            security_groups: state.security_groups.clone(),
            security_group_rules: state.security_group_rules.clone(),
            next_net_octet: state.next_net_octet,
            next_segment: state.next_segment,
        }
    }

    fn restore(self, state: &mut State) {
        state.networks = self.networks;
        state.subnets = self.subnets;
        state.ports = self.ports;
        state.security_groups = self.security_groups;
        state.security_group_rules = self.security_group_rules;
        state.next_net_octet = self.next_net_octet;
        state.next_segment = self.next_segment;
    }
}

/// `POST` to a collection: one item (`{"port": {...}}`), or Neutron's bulk form
/// (`{"ports": [{...}, …]}`), created in order under one lock, all or none (the first refusal is
/// the answer and nothing of the request is kept); 201 `{"ports": [...]}`. An empty list is 400
/// `Resources required`, as Neutron answers.
fn create(ctx: &Ctx<'_>, singular: &str, one: CreateOne) -> Resp {
    let Some(body) = ctx.req.json_body() else {
        return bad_request("Malformed request body");
    };
    let plural = format!("{singular}s");
    let mut state = ctx.shared.lock();
    let Some(items) = body.get(&plural) else {
        return one(ctx, &mut state, Some(body));
    };
    let Some(items) = items.as_array().filter(|i| !i.is_empty()) else {
        return bad_request("Resources required");
    };
    let snapshot = Snapshot::take(&state);
    let mut created = Vec::with_capacity(items.len());
    for item in items {
        let mut wrapped = serde_json::Map::new();
        wrapped.insert(singular.to_string(), item.clone());
        let resp = one(ctx, &mut state, Some(Value::Object(wrapped)));
        let made = (resp.status == 201)
            .then(|| resp.json_value())
            .flatten()
            .and_then(|mut v| v.get_mut(singular).map(Value::take));
        match made {
            Some(item) => created.push(item),
            None => {
                snapshot.restore(&mut state);
                return resp;
            }
        }
    }
    let mut out = serde_json::Map::new();
    out.insert(plural, Value::Array(created));
    Resp::json(201, &Value::Object(out))
}

fn versions(ctx: &Ctx<'_>) -> Resp {
    Resp::json(
        200,
        &json!({"versions": [{
            "id": "v2.0",
            "status": "CURRENT",
            "links": [{"rel": "self", "href": format!("{}/network/v2.0/", ctx.shared.base)}]
        }]}),
    )
}

fn resources(ctx: &Ctx<'_>) -> Resp {
    Resp::json(
        200,
        &json!({"resources": [{
            "name": "network",
            "collection": "networks",
            "links": [{"rel": "self", "href": format!("{}/network/v2.0/networks", ctx.shared.base)}]
        }]}),
    )
}
