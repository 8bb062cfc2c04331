//! `/v2.0/networks`: list (filters, sorting, paging, fields), show, create, update, delete.

use std::cmp::Ordering;

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::model::Network;
use super::{bad_request, error, if_match_failed};
use crate::testing::http::{Req, Resp, encode_query};
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// Attributes a list can be filtered on (`?name=a&name=b` means either).
const FILTERABLE: [&str; 18] = [
    "id",
    "name",
    "description",
    "status",
    "admin_state_up",
    "shared",
    "router:external",
    "project_id",
    "tenant_id",
    "mtu",
    "port_security_enabled",
    "dns_domain",
    "qos_policy_id",
    "is_default",
    "revision_number",
    "provider:network_type",
    "provider:physical_network",
    "provider:segmentation_id",
];

/// Query parameters that are not filters.
const CONTROL: [&str; 10] = [
    "fields",
    "limit",
    "marker",
    "page_reverse",
    "sort_key",
    "sort_dir",
    "tags",
    "tags-any",
    "not-tags",
    "not-tags-any",
];

pub(super) fn network_not_found(id: &str) -> Resp {
    error(
        404,
        "NetworkNotFound",
        &format!("Network {id} could not be found."),
    )
}

/// oslo's strict `bool_from_string`.
fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Some(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Some(false),
        _ => None,
    }
}

fn bool_error(value: &str) -> Resp {
    bad_request(&format!(
        "Invalid input for operation: '{value}' cannot be converted to boolean."
    ))
}

/// Whether a rendered attribute equals a query value.
fn value_matches(attr: &Value, wanted: &str) -> Result<bool, Resp> {
    Ok(match attr {
        Value::String(s) => s == wanted,
        Value::Bool(b) => parse_bool(wanted).ok_or_else(|| bool_error(wanted))? == *b,
        Value::Number(n) => n.to_string() == wanted,
        Value::Null => wanted.is_empty(),
        _ => false,
    })
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// Keeps only the requested `fields` (repeated or comma-separated); all when none are given.
pub(super) fn project(req: &Req, mut item: Map<String, Value>) -> Map<String, Value> {
    let fields: Vec<&str> = req
        .query_all("fields")
        .flat_map(|f| f.split(','))
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    if !fields.is_empty() {
        item.retain(|k, _| fields.contains(&k.as_str()));
    }
    item
}

fn tag_list(req: &Req, key: &str) -> Vec<String> {
    req.query_all(key)
        .flat_map(|v| v.split(','))
        .map(str::to_string)
        .collect()
}

/// Sort order: `(key, ascending)` from `sort_key`/`sort_dir`, then `id` ascending.
fn sort_order(req: &Req, filterable: &[&str]) -> Result<Vec<(String, bool)>, Resp> {
    let keys: Vec<&str> = req.query_all("sort_key").collect();
    let dirs: Vec<&str> = req.query_all("sort_dir").collect();
    if !dirs.is_empty() && dirs.len() != keys.len() {
        return Err(bad_request(
            "The number of sort_keys and sort_dirs must be same",
        ));
    }
    let mut order = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let sortable = filterable.contains(key) || matches!(*key, "created_at" | "updated_at");
        if !sortable {
            return Err(bad_request(&format!(
                "{key} is an invalid attribute for sort_keys"
            )));
        }
        let asc = match dirs.get(i).copied().unwrap_or("asc") {
            "asc" => true,
            "desc" => false,
            other => {
                return Err(bad_request(&format!(
                    "{other} is an invalid value for sort_dirs, valid values are: asc, desc"
                )));
            }
        };
        order.push(((*key).to_string(), asc));
    }
    if !order.iter().any(|(k, _)| k == "id") {
        order.push(("id".into(), true));
    }
    Ok(order)
}

fn cmp_items(order: &[(String, bool)], a: &Map<String, Value>, b: &Map<String, Value>) -> Ordering {
    for (key, asc) in order {
        let o = compare(
            a.get(key).unwrap_or(&Value::Null),
            b.get(key).unwrap_or(&Value::Null),
        );
        let o = if *asc { o } else { o.reverse() };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Neutron's `*_links`: `next` unless a forward page came back short, `previous` unless a
/// backward page came back short; both rebuilt from the request's own parameters.
fn page_links(
    req: &Req,
    base: &str,
    collection: &str,
    page: &[Map<String, Value>],
    limit: usize,
    reverse: bool,
) -> Vec<Value> {
    let short = page.len() < limit;
    let id_of = |item: Option<&Map<String, Value>>| {
        item.and_then(|m| m.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let href = |marker: Option<String>, previous: bool| {
        let mut params: Vec<(&str, &str)> = req
            .query
            .iter()
            .filter(|(k, _)| k != "marker" && k != "page_reverse")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if let Some(m) = &marker {
            params.push(("marker", m));
        }
        if previous {
            params.push(("page_reverse", "True"));
        }
        format!("{base}/network/v2.0/{collection}?{}", encode_query(params))
    };
    let mut links = Vec::new();
    if !short || reverse {
        links.push(json!({"rel": "next", "href": href(id_of(page.last()), false)}));
    }
    if !short || !reverse {
        links.push(json!({"rel": "previous", "href": href(id_of(page.first()), true)}));
    }
    links
}

/// One collection as [`list_collection`] lists it.
pub(super) struct Collection<'a> {
    /// e.g. `networks` (the JSON key, the path segment, and `networks_links`).
    pub(super) name: &'static str,
    /// Attributes matched by `?key=value` (repeated: either).
    pub(super) filterable: &'a [&'a str],
    /// Other query keys the caller's `keep` handles.
    pub(super) extra: &'a [&'a str],
    /// The 404 for an unknown `marker`.
    pub(super) not_found: fn(&str) -> Resp,
}

/// `GET /v2.0/networks`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        state
            .networks
            .iter()
            .map(|n| view(ctx, &state, n))
            .collect()
    };
    let c = Collection {
        name: "networks",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: network_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// A Neutron list over `all` (rendered items): filters, tag filters, `keep` for the collection's
/// own filters, sorting, `limit`/`marker`/`page_reverse` paging with `*_links`, `fields`.
pub(super) fn list_collection(
    ctx: &Ctx<'_>,
    c: &Collection<'_>,
    all: Vec<Map<String, Value>>,
    keep: impl Fn(&Map<String, Value>) -> Result<bool, Resp>,
) -> Resp {
    let req = ctx.req;
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        all.into_iter()
            .filter(|item| super::access::listed(ctx, &state, c.name, item))
            .collect()
    };
    for (key, _) in &req.query {
        let k = key.as_str();
        if !CONTROL.contains(&k) && !c.filterable.contains(&k) && !c.extra.contains(&k) {
            return bad_request(&format!("[{key}] is invalid attribute for filtering"));
        }
    }
    let limit = match req.query_first("limit") {
        None => 0,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                return bad_request(&format!(
                    "Limit must be an integer 0 or greater and not '{raw}'"
                ));
            }
        },
    };
    let reverse = match req.query_first("page_reverse") {
        None => false,
        Some(raw) => match parse_bool(raw) {
            Some(b) => b,
            None => return bool_error(raw),
        },
    };
    let order = match sort_order(req, c.filterable) {
        Ok(o) => o,
        Err(resp) => return resp,
    };
    let (all_tags, any_tags) = (tag_list(req, "tags"), tag_list(req, "tags-any"));
    let (not_all, not_any) = (tag_list(req, "not-tags"), tag_list(req, "not-tags-any"));

    let marker = match req.query_first("marker").filter(|_| limit > 0) {
        None => None,
        Some(m) => match all
            .iter()
            .find(|n| n.get("id").and_then(Value::as_str) == Some(m))
        {
            Some(n) => Some(n.clone()),
            None => return (c.not_found)(m),
        },
    };
    let mut items = Vec::new();
    for item in all {
        let tags: Vec<String> = item
            .get("tags")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let has = |t: &String| tags.contains(t);
        let tags_ok = all_tags.iter().all(has)
            && (any_tags.is_empty() || any_tags.iter().any(has))
            && (not_all.is_empty() || !not_all.iter().all(has))
            && !not_any.iter().any(has);
        if !tags_ok {
            continue;
        }
        let mut ok = true;
        for key in c.filterable {
            let wanted: Vec<&str> = req.query_all(key).collect();
            if wanted.is_empty() {
                continue;
            }
            let attr = item.get(*key).unwrap_or(&Value::Null);
            let mut any = false;
            for w in wanted {
                match value_matches(attr, w) {
                    Ok(true) => any = true,
                    Ok(false) => {}
                    Err(resp) => return resp,
                }
            }
            ok &= any;
        }
        if ok {
            match keep(&item) {
                Ok(true) => items.push(item),
                Ok(false) => {}
                Err(resp) => return resp,
            }
        }
    }
    items.sort_by(|a, b| cmp_items(&order, a, b));

    let page: Vec<Map<String, Value>> = if limit == 0 {
        items
    } else if reverse {
        let before: Vec<_> = items
            .into_iter()
            .filter(|i| {
                marker
                    .as_ref()
                    .is_none_or(|m| cmp_items(&order, i, m) == Ordering::Less)
            })
            .collect();
        let skip = before.len().saturating_sub(limit);
        before.into_iter().skip(skip).collect()
    } else {
        items
            .into_iter()
            .filter(|i| {
                marker
                    .as_ref()
                    .is_none_or(|m| cmp_items(&order, i, m) == Ordering::Greater)
            })
            .take(limit)
            .collect()
    };
    let links =
        (limit > 0).then(|| page_links(req, &ctx.shared.base, c.name, &page, limit, reverse));
    let listed: Vec<Value> = page
        .into_iter()
        .map(|item| Value::Object(project(req, item)))
        .collect();
    let mut out = Map::new();
    out.insert(c.name.into(), Value::Array(listed));
    if let Some(links) = links {
        out.insert(format!("{}_links", c.name), Value::Array(links));
    }
    Resp::json(200, &Value::Object(out))
}

/// `GET /v2.0/networks/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.networks.iter().find(|n| n.id == id) {
        Some(n) => Resp::json(
            200,
            &json!({"network": project(ctx.req, view(ctx, &state, n))}),
        ),
        None => network_not_found(id),
    }
}

/// A network as the caller sees it: `shared` is `true` too for a project an RBAC
/// `access_as_shared` policy names (Neutron computes it per caller).
fn view(ctx: &Ctx<'_>, state: &State, n: &Network) -> Map<String, Value> {
    let mut item = n.to_json();
    if !n.shared && super::access::shared_with_caller(ctx, state, &n.id) {
        item.insert("shared".into(), Value::Bool(true));
    }
    item
}

/// Validated attribute values from a POST or PUT body.
#[derive(Default)]
struct Changes {
    name: Option<String>,
    description: Option<String>,
    admin_state_up: Option<bool>,
    shared: Option<bool>,
    external: Option<bool>,
    mtu: Option<u64>,
    port_security_enabled: Option<bool>,
    dns_domain: Option<String>,
    availability_zone_hints: Option<Vec<String>>,
    qos_policy_id: Option<Option<String>>,
    is_default: Option<bool>,
    project_id: Option<String>,
    tags: Option<Vec<String>>,
    network_type: Option<String>,
    physical_network: Option<Option<String>>,
    segmentation_id: Option<Option<u64>>,
}

pub(super) fn invalid(attr: &str, reason: &str) -> Resp {
    bad_request(&format!("Invalid input for {attr}. Reason: {reason}."))
}

pub(super) fn as_bool(attr: &str, v: &Value) -> Result<bool, Resp> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) => parse_bool(s)
            .ok_or_else(|| invalid(attr, &format!("'{s}' cannot be converted to boolean"))),
        other => Err(invalid(
            attr,
            &format!("'{other}' cannot be converted to boolean"),
        )),
    }
}

pub(super) fn as_string(attr: &str, v: &Value, max: usize) -> Result<String, Resp> {
    match v {
        Value::String(s) if s.chars().count() <= max => Ok(s.clone()),
        Value::String(s) => Err(invalid(
            attr,
            &format!("'{s}' exceeds maximum length of {max}"),
        )),
        other => Err(invalid(attr, &format!("'{other}' is not a valid string"))),
    }
}

fn as_opt_string(attr: &str, v: &Value) -> Result<Option<String>, Resp> {
    match v {
        Value::Null => Ok(None),
        other => as_string(attr, other, 255).map(Some),
    }
}

pub(super) fn as_strings(attr: &str, v: &Value) -> Result<Vec<String>, Resp> {
    match v {
        Value::Array(items) => items.iter().map(|i| as_string(attr, i, 255)).collect(),
        other => Err(invalid(attr, &format!("'{other}' is not a list"))),
    }
}

fn as_int(attr: &str, v: &Value) -> Result<u64, Resp> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .ok_or_else(|| invalid(attr, &format!("'{v}' is not an integer")))
}

/// Parses `{"network": {...}}`; `creating` allows the attributes only POST may set.
fn parse_changes(body: Option<Value>, creating: bool) -> Result<Changes, Resp> {
    let Some(body) = body else {
        return Err(bad_request("Malformed request body"));
    };
    let Some(attrs) = body.get("network").and_then(Value::as_object) else {
        return Err(bad_request("Resource body required"));
    };
    let verb = if creating { "POST" } else { "PUT" };
    let mut c = Changes::default();
    let mut unknown = Vec::new();
    for (key, v) in attrs {
        match key.as_str() {
            "name" => c.name = Some(as_string(key, v, 255)?),
            "description" => c.description = Some(as_string(key, v, 255)?),
            "admin_state_up" => c.admin_state_up = Some(as_bool(key, v)?),
            "shared" => c.shared = Some(as_bool(key, v)?),
            "router:external" => c.external = Some(as_bool(key, v)?),
            "port_security_enabled" => c.port_security_enabled = Some(as_bool(key, v)?),
            "is_default" => c.is_default = Some(as_bool(key, v)?),
            "mtu" => {
                let mtu = as_int(key, v)?;
                if mtu < 68 {
                    return Err(invalid(
                        key,
                        &format!("'{mtu}' is too small - must be at least '68'"),
                    ));
                }
                c.mtu = Some(mtu);
            }
            "dns_domain" => c.dns_domain = Some(as_string(key, v, 255)?),
            "availability_zone_hints" if creating => {
                c.availability_zone_hints = Some(as_strings(key, v)?);
            }
            "qos_policy_id" => c.qos_policy_id = Some(as_opt_string(key, v)?),
            "tags" => c.tags = Some(as_strings(key, v)?),
            "provider:network_type" => {
                let t = as_string(key, v, 255)?;
                if !matches!(
                    t.as_str(),
                    "flat" | "vlan" | "vxlan" | "geneve" | "gre" | "local"
                ) {
                    return Err(bad_request(&format!(
                        "Network type value '{t}' not supported."
                    )));
                }
                c.network_type = Some(t);
            }
            "provider:physical_network" => c.physical_network = Some(as_opt_string(key, v)?),
            "provider:segmentation_id" => {
                c.segmentation_id = Some(match v {
                    Value::Null => None,
                    other => Some(as_int(key, other)?),
                });
            }
            "project_id" | "tenant_id" if creating => {
                let id = as_string(key, v, 255)?;
                if c.project_id.as_ref().is_some_and(|p| *p != id) {
                    return Err(bad_request("'project_id' and 'tenant_id' do not match"));
                }
                c.project_id = Some(id);
            }
            "project_id" | "tenant_id" => {
                return Err(bad_request(&format!(
                    "Cannot update read-only attribute {key}"
                )));
            }
            "id"
            | "status"
            | "subnets"
            | "availability_zones"
            | "revision_number"
            | "created_at"
            | "updated_at"
            | "l2_adjacency"
            | "ipv4_address_scope"
            | "ipv6_address_scope"
            | "availability_zone_hints" => {
                return Err(bad_request(&format!(
                    "Attribute '{key}' not allowed in {verb}"
                )));
            }
            _ => unknown.push(key.clone()),
        }
    }
    if !unknown.is_empty() {
        return Err(bad_request(&format!(
            "Unrecognized attribute(s) '{}'",
            unknown.join(", ")
        )));
    }
    Ok(c)
}

fn apply(n: &mut Network, c: Changes) {
    if let Some(v) = c.name {
        n.name = v;
    }
    if let Some(v) = c.description {
        n.description = v;
    }
    if let Some(v) = c.admin_state_up {
        n.admin_state_up = v;
    }
    if let Some(v) = c.shared {
        n.shared = v;
    }
    if let Some(v) = c.external {
        n.external = v;
    }
    if let Some(v) = c.mtu {
        n.mtu = v;
    }
    if let Some(v) = c.port_security_enabled {
        n.port_security_enabled = v;
    }
    if let Some(v) = c.dns_domain {
        n.dns_domain = v;
    }
    if let Some(v) = c.availability_zone_hints {
        n.availability_zone_hints = v;
    }
    if let Some(v) = c.qos_policy_id {
        n.qos_policy_id = v;
    }
    if let Some(v) = c.is_default {
        n.is_default = v;
    }
    if let Some(v) = c.tags {
        n.tags = v;
    }
    if let Some(v) = c.network_type {
        n.network_type = v;
    }
    if let Some(v) = c.physical_network {
        n.physical_network = v;
    }
    if let Some(v) = c.segmentation_id {
        n.segmentation_id = v;
    }
}

/// `POST /v2.0/networks` (one item of it, for [`super::create`]): 201 `{"network": {...}}`.
pub(crate) fn create(ctx: &Ctx<'_>, state: &mut State, body: Option<Value>) -> Resp {
    let mut changes = match parse_changes(body, true) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let project_id = changes
        .project_id
        .take()
        .unwrap_or_else(|| ctx.project_id().to_string());
    let octet = state.next_net_octet;
    state.next_net_octet = octet.wrapping_add(1).max(1);
    let segment = u64::from(state.next_segment);
    state.next_segment += 1;
    let mut network = Network::new(String::new(), project_id, format!("10.{octet}.0"), segment);
    apply(&mut network, changes);
    let body = json!({"network": network.to_json()});
    let (id, owner, shared, external) = (
        network.id.clone(),
        network.project_id.clone(),
        network.shared,
        network.external,
    );
    state.networks.push(network);
    sync_rbac(state, &id, &owner, shared, external);
    Resp::json(201, &body)
}

/// `PUT /v2.0/networks/{id}`: 200 with the updated network, `revision_number` bumped; 412 on a
/// stale `If-Match`.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let changes = match parse_changes(ctx.req.json_body(), false) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(network) = state.networks.iter_mut().find(|n| n.id == id) else {
        return network_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, network.revision_number) {
        return resp;
    }
    apply(network, changes);
    network.revision_number += 1;
    network.updated_at = Utc::now();
    let body = json!({"network": network.to_json()});
    let (owner, shared, external) = (network.project_id.clone(), network.shared, network.external);
    sync_rbac(&mut state, id, &owner, shared, external);
    Resp::json(200, &body)
}

/// `DELETE /v2.0/networks/{id}`: 204 (its subnets go with it), 404, 412 on a stale `If-Match`, or
/// 409 `NetworkInUse` while a port (listed by id, as Neutron does) or a server has an address on it.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    crate::testing::nova::settle_servers(&mut state);
    let Some(network) = state.networks.iter().find(|n| n.id == id) else {
        return network_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, network.revision_number) {
        return resp;
    }
    let mut in_use: Vec<&str> = state
        .ports
        .iter()
        .filter(|p| p.network_id == id)
        .map(|p| p.id.as_str())
        .collect();
    if !in_use.is_empty() {
        in_use.sort_unstable();
        return error(
            409,
            "NetworkInUse",
            &format!(
                "Unable to complete operation on network {id}. There are one or more ports \
                 still in use on the network, id for these ports is: {}.",
                in_use.join(",")
            ),
        );
    }
    if state.servers.iter().any(|s| s.uses_network(id)) {
        return error(
            409,
            "NetworkInUse",
            &format!(
                "Unable to complete operation on network {id}. There are one or more ports \
                 still in use on the network."
            ),
        );
    }
    state.networks.retain(|n| n.id != id);
    state.subnets.retain(|s| s.network_id != id);
    super::rbac_policies::object_deleted(&mut state, "network", id);
    Resp::empty(204)
}

/// Neutron keeps `shared` and `router:external` as wildcard RBAC policies: makes or drops them.
pub(crate) fn sync_rbac(state: &mut State, id: &str, owner: &str, shared: bool, external: bool) {
    use super::rbac_policies::sync_flag;
    sync_flag(state, "network", id, owner, "access_as_shared", shared);
    sync_flag(state, "network", id, owner, "access_as_external", external);
}
