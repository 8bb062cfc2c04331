//! `/servers`: list, detail, show, create, delete, actions.

use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::model::{Address, Pending, Server, Transition, VmState};
use super::{
    Microversion, Paging, actions, fault, flavors, invalid_input, schema, server_groups, view,
};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::neutron::access;
use crate::testing::neutron::ports::Port;
use crate::testing::neutron::security_groups::ensure_default;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// Most servers one request may create (`max_count`), like a default instance quota.
const MAX_COUNT: u64 = 100;

pub(crate) fn not_found(id: &str) -> Resp {
    fault(404, &format!("Instance {id} could not be found."))
}

/// Advances every server by the clock. A build that failed before it launched (no valid host)
/// gives its ports back, as Nova deallocates the network of an instance it could not build:
/// the server shows no addresses and Neutron lists none of its ports.
pub(crate) fn settle_all(state: &mut State) {
    let now = Instant::now();
    let mut released = Vec::new();
    for s in &mut state.servers {
        let soft = s.vm_state == VmState::SoftDeleted;
        s.settle(now);
        if soft && s.vm_state == VmState::Deleted {
            released.extend(
                s.addresses
                    .iter()
                    .map(|a| (a.port_id.clone(), a.neutron_port)),
            );
        }
        if s.vm_state == VmState::Error && s.launched_at.is_none() && !s.addresses.is_empty() {
            released.extend(s.addresses.drain(..).map(|a| (a.port_id, a.neutron_port)));
        }
    }
    for (port_id, theirs) in released {
        release_port(state, &port_id, theirs);
    }
}

/// Matches `name` against the subset of regular expressions Nova's `name` filter is used with:
/// literals, `.`, `*` (after a character or `.`), `^`, `$` and `\\` escapes; unanchored, so a plain
/// word is a substring match. (Nova hands the whole pattern to the database's REGEXP.)
///
/// Runs in O(pattern × name) time whatever the pattern.
pub(crate) fn name_matches(pattern: &str, name: &str) -> bool {
    let mut tokens = tokenize(pattern);
    let anchored = tokens.first() == Some(&Token::Start);
    if anchored {
        tokens.remove(0);
    }
    let text: Vec<char> = name.chars().collect();
    // reach[i]: the tokens so far can end just before text[i].
    let mut reach = vec![!anchored; text.len() + 1];
    reach[0] = true;
    for token in tokens {
        let mut next = vec![false; text.len() + 1];
        match token {
            Token::Start => {}
            Token::End => next[text.len()] = reach[text.len()],
            Token::Any | Token::Lit(_) => {
                for (i, c) in text.iter().enumerate() {
                    let ok = match token {
                        Token::Lit(l) => l == *c,
                        _ => true,
                    };
                    next[i + 1] = reach[i] && ok;
                }
            }
            Token::Star(atom) => {
                next[0] = reach[0];
                for (i, c) in text.iter().enumerate() {
                    next[i + 1] = reach[i + 1] || (next[i] && atom_matches(atom, *c));
                }
            }
        }
        reach = next;
    }
    reach.iter().any(|r| *r)
}

#[derive(Clone, Copy, PartialEq)]
enum Token {
    Start,
    End,
    Any,
    Lit(char),
    Star(Atom),
}

#[derive(Clone, Copy, PartialEq)]
enum Atom {
    Any,
    Lit(char),
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let token = match c {
            '^' if first => Token::Start,
            '$' if chars.peek().is_none() => Token::End,
            '.' => Token::Any,
            '\\' => Token::Lit(chars.next().unwrap_or('\\')),
            '*' => match out.pop() {
                Some(Token::Any) => Token::Star(Atom::Any),
                Some(Token::Lit(l)) => Token::Star(Atom::Lit(l)),
                Some(other) => {
                    out.push(other);
                    Token::Lit('*')
                }
                None => Token::Lit('*'),
            },
            other => Token::Lit(other),
        };
        first = false;
        out.push(token);
    }
    out
}

fn atom_matches(atom: Atom, c: char) -> bool {
    match atom {
        Atom::Any => true,
        Atom::Lit(l) => l == c,
    }
}

fn time_filter(ctx: &Ctx<'_>, key: &str) -> Result<Option<DateTime<Utc>>, Resp> {
    match ctx.req.query_first(key) {
        None => Ok(None),
        Some(raw) => ids::parse_time(raw).map(Some).ok_or_else(|| {
            fault(
                400,
                &format!(
                    "Invalid input for query parameters {key}. Value: {raw}. '{raw}' is not a \
                     'date-time'"
                ),
            )
        }),
    }
}

/// `GET /servers[/detail]` with `name`, `status`, `flavor`, `image`, `changes-since`,
/// `changes-before` (2.66), `limit`, `marker`; newest first, as Nova sorts by default.
pub(crate) fn list(ctx: &Ctx<'_>, version: Microversion, detailed: bool) -> Resp {
    let shared = ctx.shared;
    let req = ctx.req;
    let since = match time_filter(ctx, "changes-since") {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    let before = if version.at_least(66) {
        match time_filter(ctx, "changes-before") {
            Ok(t) => t,
            Err(resp) => return resp,
        }
    } else {
        None
    };
    if let (Some(since), Some(before)) = (since, before) {
        if before < since {
            return fault(
                400,
                "The value of changes-since must be less than or equal to changes-before.",
            );
        }
    }
    let paging = match Paging::from_request(req, shared.settings.max_limit) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let name = req.query_first("name");
    let statuses: Vec<String> = req.query_all("status").map(str::to_uppercase).collect();
    let flavor = req.query_first("flavor").map(last_segment);
    let image = req.query_first("image").map(last_segment);
    let include_deleted = since.is_some() || before.is_some();
    let tag_list = |key: &str| -> Option<Vec<String>> {
        req.query_first(key)
            .filter(|_| version.at_least(26))
            .map(|v| v.split(',').map(str::to_string).collect())
    };
    let (all_tags, any_tags) = (tag_list("tags"), tag_list("tags-any"));
    let (not_all_tags, not_any_tags) = (tag_list("not-tags"), tag_list("not-tags-any"));
    let locked = match req.query_first("locked").filter(|_| version.at_least(73)) {
        None => None,
        Some(raw) => match raw.to_ascii_lowercase().as_str() {
            "t" | "true" | "1" | "y" | "yes" | "on" => Some(true),
            "f" | "false" | "0" | "n" | "no" | "off" => Some(false),
            _ => {
                return fault(
                    400,
                    &format!(
                        "Unrecognized value '{raw}', acceptable values are: '0', '1', 'f', \
                         'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
                    ),
                );
            }
        },
    };
    let has = |s: &Server, t: &String| s.tags.contains(t);
    let all_tenants = match req.query_first("all_tenants") {
        None => false,
        Some(raw) => match raw.to_ascii_lowercase().as_str() {
            "" | "t" | "true" | "1" | "y" | "yes" | "on" => true,
            "f" | "false" | "0" | "n" | "no" | "off" => false,
            _ => {
                return fault(
                    400,
                    &format!(
                        "Unrecognized value '{raw}', acceptable values are: '0', '1', 'f', \
                         'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
                    ),
                );
            }
        },
    };
    if all_tenants && !ctx.is_admin() {
        let rule = if detailed { "detail" } else { "index" };
        return fault(
            403,
            &format!(
                "Policy doesn't allow os_compute_api:servers:{rule}:get_all_tenants to be \
                 performed."
            ),
        );
    }
    // Nova lists the caller's project, or with `all_tenants` (admins) every project, where
    // `project_id`/`tenant_id` and `user_id` narrow it down.
    let project = if all_tenants {
        req.query_first("project_id")
            .or_else(|| req.query_first("tenant_id"))
    } else {
        Some(ctx.project_id())
    };
    let user = req.query_first("user_id").filter(|_| ctx.is_admin());

    let mut state = shared.lock();
    settle_all(&mut state);
    let marker_seq = match paging.marker {
        None => None,
        Some(m) => match state
            .servers
            .iter()
            .find(|s| s.id == m && (include_deleted || s.is_live()))
        {
            Some(s) => Some(s.seq),
            None => return Paging::marker_not_found(m),
        },
    };
    let mut matched: Vec<&Server> = state
        .servers
        .iter()
        .filter(|s| include_deleted || s.is_live())
        .filter(|s| project.is_none_or(|p| s.project_id == p))
        .filter(|s| user.is_none_or(|u| s.user_id == u))
        .filter(|s| name.is_none_or(|p| name_matches(p, &s.name)))
        .filter(|s| statuses.is_empty() || statuses.iter().any(|st| st == s.status()))
        .filter(|s| flavor.is_none_or(|f| s.flavor_id == f))
        .filter(|s| image.is_none_or(|i| s.image_id.as_deref() == Some(i)))
        .filter(|s| {
            all_tags
                .as_ref()
                .is_none_or(|t| t.iter().all(|t| has(s, t)))
        })
        .filter(|s| {
            any_tags
                .as_ref()
                .is_none_or(|t| t.iter().any(|t| has(s, t)))
        })
        .filter(|s| {
            not_all_tags
                .as_ref()
                .is_none_or(|t| !t.iter().all(|t| has(s, t)))
        })
        .filter(|s| {
            not_any_tags
                .as_ref()
                .is_none_or(|t| !t.iter().any(|t| has(s, t)))
        })
        .filter(|s| locked.is_none_or(|l| s.locked == l))
        .filter(|s| since.is_none_or(|t| s.updated >= t))
        .filter(|s| before.is_none_or(|t| s.updated <= t))
        .filter(|s| marker_seq.is_none_or(|m| s.seq < m))
        .collect();
    matched.sort_by_key(|s| std::cmp::Reverse(s.seq));
    matched.truncate(paging.limit);

    let body: Vec<Value> = matched
        .iter()
        .map(|s| {
            if detailed {
                view::detail(shared, &state.flavors, s, version, None)
            } else {
                view::summary(shared, s)
            }
        })
        .collect();
    let collection = if detailed {
        "servers/detail"
    } else {
        "servers"
    };
    let mut out = Map::new();
    out.insert("servers".into(), Value::Array(body));
    if let Some(links) = paging.next_links(
        req,
        &shared.base,
        collection,
        matched.len(),
        matched.last().map(|s| s.id.as_str()),
    ) {
        out.insert("servers_links".into(), links);
    }
    Resp::json(200, &Value::Object(out))
}

/// The refusal of a request on server `id` of another project (an admin may reach any):
/// Nova's 404, except that a `GET` of one still `scheduling` is answered from its build
/// request, where the `servers:show` policy answers 403. `None` when the caller may go on,
/// and for ids that name no server (the handler answers those).
pub(crate) fn refusal(ctx: &Ctx<'_>, id: &str, show: bool) -> Option<Resp> {
    let mut state = ctx.shared.lock();
    settle_all(&mut state);
    let s = state.servers.iter().find(|s| s.id == id)?;
    if ctx.may_see(&s.project_id) {
        return None;
    }
    if show && s.task_state == Some("scheduling") {
        return Some(fault(
            403,
            "Policy doesn't allow os_compute_api:servers:show to be performed.",
        ));
    }
    Some(not_found(id))
}

/// `GET /servers/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    settle_all(&mut state);
    let groups = server_groups::groups_of(&state, id);
    match state.servers.iter().find(|s| s.id == id && s.is_live()) {
        Some(s) => Resp::json(
            200,
            &json!({"server": view::detail(ctx.shared, &state.flavors, s, version, Some(&groups))}),
        ),
        None => not_found(id),
    }
}

/// `DELETE /servers/{id}`: 204, whatever the server's state (a second delete of a server being
/// deleted is 204 too, as Nova answers); 409 `Instance {id} is locked` for non-admins. The
/// server shows task_state `deleting` until `delete_delay` has passed, then 404.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    if let Some(resp) = super::soft_delete::try_soft_delete(ctx, id) {
        return resp;
    }
    delete_now(ctx, id)
}

/// Deletes the server at once (not soft): `DELETE` without a reclaim interval, `forceDelete`.
pub(crate) fn delete_now(ctx: &Ctx<'_>, id: &str) -> Resp {
    let delay = ctx.shared.settings.delete_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    settle_all(&mut state);
    let Some(server) = state.servers.iter_mut().find(|s| s.id == id && s.is_live()) else {
        return not_found(id);
    };
    if server.locked && !admin {
        return fault(409, &format!("Instance {id} is locked"));
    }
    if !server.deleting() {
        let released: Vec<(String, bool)> = server
            .addresses
            .iter()
            .map(|a| (a.port_id.clone(), a.neutron_port))
            .collect();
        server.task_state = Some("deleting");
        server.pending = Some(Pending::after(
            delay,
            &[Some("deleting")],
            Transition::Deleted,
        ));
        let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
        server.settle(Instant::now());
        for (port_id, theirs) in released {
            release_port(&mut state, &port_id, theirs);
        }
        let events = &["compute_terminate_instance"];
        super::instance_actions::record(ctx, &mut state, id, "delete", events, done, false);
    }
    Resp::empty(204)
}

/// A port Nova makes for a server on `network_id` (`device_owner` `compute:nova`, the server's
/// security groups), with the first free address of the network's first subnet, and the
/// server's address on it; `None` when the network is gone.
pub(crate) fn nova_port(
    project_id: &str,
    state: &mut State,
    server_id: &str,
    network_id: &str,
    group_names: &[String],
) -> Option<Address> {
    let (subnet_id, addr) = allocate_address(state, network_id)?;
    let net = state.networks.iter().find(|n| n.id == network_id)?;
    let (network_name, port_security) = (net.name.clone(), net.port_security_enabled);
    let project_id = project_id.to_string();
    let mut groups = Vec::new();
    if port_security {
        for name in group_names {
            let id = if name == "default" {
                Some(ensure_default(state, &project_id))
            } else {
                state
                    .security_groups
                    .iter()
                    .find(|g| (g.name == *name || g.id == *name) && g.project_id == project_id)
                    .map(|g| g.id.clone())
            };
            groups.extend(id);
        }
    }
    let fixed_ips = match (&subnet_id, addr.parse()) {
        (Some(subnet), Ok(ip)) => vec![(subnet.clone(), ip)],
        _ => Vec::new(),
    };
    let mut port = Port::service(
        network_id,
        &project_id,
        "compute:nova",
        server_id,
        fixed_ips,
    );
    port.security_groups = groups;
    port.port_security_enabled = port_security;
    let address = Address {
        port_id: port.id.clone(),
        network_id: network_id.to_string(),
        network_name,
        subnet_id,
        addr,
        mac: port.mac_address.clone(),
        tag: None,
        detach_at: None,
        neutron_port: false,
    };
    state.ports.push(port);
    Some(address)
}

/// Binds an existing (free) port to a server, as booting with `{"port": id}` does; the
/// server's address on it.
fn bind_port(state: &mut State, server_id: &str, port_id: &str) -> Option<Address> {
    let port = state.ports.iter_mut().find(|p| p.id == port_id)?;
    port.device_id = server_id.to_string();
    port.device_owner = "compute:nova".into();
    port.revision_number += 1;
    port.updated_at = Utc::now();
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
    Some(Address {
        port_id: port_id.to_string(),
        network_id,
        network_name,
        subnet_id,
        addr,
        mac,
        tag: None,
        detach_at: None,
        neutron_port: true,
    })
}

/// What Nova does with a server's port when the server is deleted or the interface detached:
/// a port the caller brought (`theirs`) is unbound and kept, a port Nova made is deleted.
pub(crate) fn release_port(state: &mut State, port_id: &str, theirs: bool) {
    if theirs {
        if let Some(port) = state.ports.iter_mut().find(|p| p.id == port_id) {
            port.device_id.clear();
            port.device_owner.clear();
            port.revision_number += 1;
            port.updated_at = Utc::now();
        }
    } else {
        state.ports.retain(|p| p.id != port_id);
    }
}

/// A fixed address for a new port of a server on `network_id`: `(subnet id, address)`, the
/// first free address of the network's first subnet's pools (free of other servers' ports and
/// of the fake Neutron's), as Neutron hands them out; a network without a subnet gets one from
/// its own prefix.
pub(crate) fn allocate_address(
    state: &mut State,
    network_id: &str,
) -> Option<(Option<String>, String)> {
    let subnet = state
        .subnets
        .iter()
        .find(|s| s.network_id == network_id && !s.pools.is_empty());
    if let Some(subnet) = subnet {
        let taken: Vec<String> = state
            .servers
            .iter()
            .filter(|s| s.is_live())
            .flat_map(|s| s.addresses.iter())
            .filter(|a| a.subnet_id.as_deref() == Some(subnet.id.as_str()))
            .map(|a| a.addr.clone())
            .chain(
                state
                    .ports
                    .iter()
                    .flat_map(|p| p.fixed_ips.iter())
                    .filter(|(sid, _)| sid == &subnet.id)
                    .map(|(_, ip)| ip.to_string()),
            )
            .collect();
        for (start, end) in &subnet.pools {
            for n in u32::from(*start)..=u32::from(*end) {
                let ip = std::net::Ipv4Addr::from(n).to_string();
                if !taken.contains(&ip) {
                    return Some((Some(subnet.id.clone()), ip));
                }
            }
        }
    }
    let net = state.networks.iter_mut().find(|n| n.id == network_id)?;
    Some((None, net.allocate_ip()))
}

/// `http://host/compute/flavors/1` → `1`.
pub(crate) fn last_segment(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Keys `server` may hold at a microversion.
fn allowed_key(key: &str, version: Microversion) -> bool {
    match key {
        "name"
        | "imageRef"
        | "flavorRef"
        | "adminPass"
        | "metadata"
        | "networks"
        | "OS-DCF:diskConfig"
        | "accessIPv4"
        | "accessIPv6"
        | "key_name"
        | "security_groups"
        | "user_data"
        | "availability_zone"
        | "block_device_mapping"
        | "block_device_mapping_v2"
        | "config_drive"
        | "min_count"
        | "max_count"
        | "return_reservation_id" => true,
        "personality" => !version.at_least(57),
        "description" => version.at_least(19),
        "tags" => version.at_least(52),
        "trusted_image_certificates" => version.at_least(63),
        "host" | "hypervisor_hostname" => version.at_least(74),
        "hostname" => version.at_least(90),
        _ => false,
    }
}

/// Which networks a new server asked for.
enum NetworkRequest {
    Auto,
    None,
    Ids(Vec<NetworkItem>),
}

/// One item of `networks`: a network to make a port on, or an existing port.
#[derive(Clone)]
enum NetworkItem {
    Network(String),
    Port(String),
}

/// A validated create request.
struct CreateRequest {
    name: String,
    flavor_id: String,
    image_id: Option<String>,
    networks: NetworkRequest,
    key_name: Option<String>,
    metadata: BTreeMap<String, String>,
    security_groups: Vec<String>,
    user_data: Option<String>,
    availability_zone: Option<String>,
    description: Option<String>,
    tags: Vec<String>,
    admin_pass: Option<String>,
    disk_config: String,
    config_drive: bool,
    access_ipv4: String,
    access_ipv6: String,
    count: u64,
    return_reservation_id: bool,
    /// `os:scheduler_hints`, each value as a list (as Nova keeps them).
    hints: BTreeMap<String, Value>,
    /// `os:scheduler_hints.group`.
    group: Option<String>,
}

/// `os:scheduler_hints` (or `OS-SCH-HNT:scheduler_hints`): an object; `group` must be a UUID.
fn parse_hints(
    top: &Map<String, Value>,
) -> Result<(BTreeMap<String, Value>, Option<String>), Resp> {
    let Some(hints) = top
        .get("os:scheduler_hints")
        .or_else(|| top.get("OS-SCH-HNT:scheduler_hints"))
    else {
        return Ok((BTreeMap::new(), None));
    };
    let obj = schema::object("os:scheduler_hints", hints)?;
    let mut out = BTreeMap::new();
    let mut group = None;
    for (k, v) in obj {
        if k == "group" {
            match v.as_str() {
                Some(g) if schema::is_uuid(g) => group = Some(g.to_string()),
                _ => {
                    return Err(schema::invalid(
                        "group",
                        v,
                        &format!(
                            "{} is not valid under any of the given schemas",
                            schema::py(v)
                        ),
                    ));
                }
            }
        }
        let list = match v {
            Value::Array(_) => v.clone(),
            other => json!([other]),
        };
        out.insert(k.clone(), list);
    }
    Ok((out, group))
}

fn optional_string(
    server: &Map<String, Value>,
    key: &str,
    max: usize,
) -> Result<Option<String>, Resp> {
    match server.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s.clone())),
        Some(Value::String(s)) => Err(invalid_input(key, &json!(s), &format!("'{s}' is too long"))),
        Some(other) => Err(invalid_input(
            key,
            other,
            &format!("{other} is not of type 'string', 'null'"),
        )),
    }
}

fn count_field(server: &Map<String, Value>, key: &str) -> Result<Option<u64>, Resp> {
    match server.get(key) {
        None => Ok(None),
        Some(v) => {
            let n = v
                .as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .filter(|n| *n >= 1);
            n.map(Some)
                .ok_or_else(|| invalid_input(key, v, &format!("{v} is less than the minimum of 1")))
        }
    }
}

fn parse_create(body: &Value, version: Microversion) -> Result<CreateRequest, Resp> {
    let Some(top) = body.as_object() else {
        return Err(fault(400, "Malformed request body"));
    };
    for key in top.keys() {
        if !matches!(
            key.as_str(),
            "server" | "os:scheduler_hints" | "OS-SCH-HNT:scheduler_hints"
        ) {
            return Err(invalid_input(
                "",
                body,
                &format!("Additional properties are not allowed ('{key}' was unexpected)"),
            ));
        }
    }
    let Some(server) = top.get("server").and_then(Value::as_object) else {
        return Err(invalid_input("", body, "'server' is a required property"));
    };
    let whole = Value::Object(server.clone());
    if let Some(key) = server.keys().find(|k| !allowed_key(k, version)) {
        return Err(invalid_input(
            "server",
            &whole,
            &format!("Additional properties are not allowed ('{key}' was unexpected)"),
        ));
    }

    let name = match server.get("name") {
        None => {
            return Err(invalid_input(
                "server",
                &whole,
                "'name' is a required property",
            ));
        }
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(invalid_input(
                "name",
                other,
                &format!("{other} is not of type 'string'"),
            ));
        }
    };
    if name.is_empty() || name.chars().count() > 255 || name.trim() != name {
        return Err(invalid_input(
            "name",
            &json!(name),
            "The name must be 1 to 255 characters without leading or trailing whitespace.",
        ));
    }

    let flavor_id = match server.get("flavorRef") {
        None => {
            return Err(invalid_input(
                "server",
                &whole,
                "'flavorRef' is a required property",
            ));
        }
        Some(Value::String(s)) if !s.is_empty() => last_segment(s).to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            return Err(invalid_input(
                "flavorRef",
                other,
                "flavorRef must be a non-empty string",
            ));
        }
    };
    let boots_from_volume = server
        .get("block_device_mapping_v2")
        .and_then(Value::as_array)
        .is_some_and(|bdms| {
            bdms.iter().any(|b| {
                let index = b.get("boot_index");
                index.and_then(Value::as_i64) == Some(0)
                    || index.and_then(Value::as_str) == Some("0")
            })
        });
    let image_id = match server.get("imageRef") {
        Some(Value::String(s)) if !s.is_empty() => {
            let id = last_segment(s);
            if !looks_like_uuid(id) {
                return Err(fault(400, "Invalid imageRef provided."));
            }
            Some(id.to_string())
        }
        None | Some(Value::String(_)) if boots_from_volume => None,
        // Nova's messages: no key at all, or an empty one.
        None => return Err(fault(400, "Missing imageRef attribute")),
        Some(Value::String(_)) => {
            return Err(fault(400, "Can not find requested image"));
        }
        Some(other) => {
            return Err(invalid_input(
                "imageRef",
                other,
                &format!("{other} is not of type 'string'"),
            ));
        }
    };

    let networks = match server.get("networks") {
        None if version.at_least(37) => {
            return Err(invalid_input(
                "server",
                &whole,
                "'networks' is a required property",
            ));
        }
        None => NetworkRequest::Auto,
        Some(Value::String(s)) if version.at_least(37) && s == "auto" => NetworkRequest::Auto,
        Some(Value::String(s)) if version.at_least(37) && s == "none" => NetworkRequest::None,
        Some(Value::Array(items)) => {
            let mut ids = Vec::new();
            for item in items {
                if let Some(port) = item.get("port").and_then(Value::as_str) {
                    ids.push(NetworkItem::Port(port.to_string()));
                    continue;
                }
                match item.get("uuid").and_then(Value::as_str) {
                    Some(uuid) => ids.push(NetworkItem::Network(uuid.to_string())),
                    None => {
                        return Err(fault(
                            400,
                            "Bad networks format: network uuid is not in proper format",
                        ));
                    }
                }
            }
            NetworkRequest::Ids(ids)
        }
        Some(other) => {
            return Err(invalid_input(
                "networks",
                other,
                "networks must be a list of {\"uuid\": ...} or, from 2.37, \"auto\" or \"none\"",
            ));
        }
    };

    let metadata = match server.get("metadata") {
        None => BTreeMap::new(),
        Some(Value::Object(m)) => {
            let mut out = BTreeMap::new();
            for (k, v) in m {
                match v.as_str() {
                    Some(s) if !k.is_empty() && k.len() <= 255 && s.len() <= 255 => {
                        out.insert(k.clone(), s.to_string());
                    }
                    _ => {
                        return Err(invalid_input(
                            "metadata",
                            &Value::Object(m.clone()),
                            "Metadata keys and values must be strings of 1 to 255 and 0 to 255 \
                             characters.",
                        ));
                    }
                }
            }
            out
        }
        Some(other) => {
            return Err(invalid_input(
                "metadata",
                other,
                &format!("{other} is not of type 'object'"),
            ));
        }
    };

    let security_groups = match server.get("security_groups") {
        None => vec!["default".to_string()],
        Some(Value::Array(items)) => {
            let mut names = Vec::new();
            for item in items {
                match item.get("name").and_then(Value::as_str) {
                    Some(n) if !n.is_empty() => names.push(n.to_string()),
                    _ => {
                        return Err(invalid_input(
                            "security_groups",
                            item,
                            "'name' is a required property",
                        ));
                    }
                }
            }
            names
        }
        Some(other) => {
            return Err(invalid_input(
                "security_groups",
                other,
                &format!("{other} is not of type 'array'"),
            ));
        }
    };

    let user_data = optional_string(server, "user_data", 65535)?;
    if let Some(data) = &user_data {
        if base64::engine::general_purpose::STANDARD
            .decode(data)
            .is_err()
        {
            return Err(fault(400, "User data needs to be valid base 64."));
        }
    }

    // Checked against the host's zone in `create` (Nova's `nova`, or an aggregate's).
    let availability_zone = optional_string(server, "availability_zone", 255)?;

    let tags = match server.get("tags") {
        None => Vec::new(),
        Some(Value::Array(items)) if items.len() <= 50 => {
            let mut tags = Vec::new();
            for t in items {
                match t.as_str() {
                    Some(s) if !s.is_empty() && s.len() <= 60 && !s.contains([',', '/']) => {
                        tags.push(s.to_string());
                    }
                    _ => {
                        return Err(invalid_input(
                            "tags",
                            t,
                            "Tags must be 1 to 60 characters without ',' or '/'.",
                        ));
                    }
                }
            }
            tags
        }
        Some(other) => {
            return Err(invalid_input(
                "tags",
                other,
                "tags must be a list of at most 50 strings",
            ));
        }
    };

    let disk_config = match server.get("OS-DCF:diskConfig") {
        None => "MANUAL".to_string(),
        Some(Value::String(s)) if s == "AUTO" || s == "MANUAL" => s.clone(),
        Some(other) => {
            return Err(invalid_input(
                "OS-DCF:diskConfig",
                other,
                &format!("{other} is not one of ['AUTO', 'MANUAL']"),
            ));
        }
    };
    let config_drive = match server.get("config_drive") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => {
            matches!(s.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on")
        }
        Some(other) => {
            return Err(invalid_input(
                "config_drive",
                other,
                &format!("{other} is not of type 'boolean', 'string'"),
            ));
        }
    };

    let min_count = count_field(server, "min_count")?;
    let max_count = count_field(server, "max_count")?;
    if let (Some(min), Some(max)) = (min_count, max_count) {
        if min > max {
            return Err(fault(400, "min_count must be <= max_count"));
        }
    }
    let count = max_count.or(min_count).unwrap_or(1);
    if count > MAX_COUNT {
        return Err(fault(
            403,
            &format!(
                "Quota exceeded for instances: Requested {count}, but already used 0 of \
                 {MAX_COUNT} instances"
            ),
        ));
    }
    let return_reservation_id = match server.get("return_reservation_id") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    let (hints, group) = parse_hints(top)?;

    Ok(CreateRequest {
        name,
        flavor_id,
        image_id,
        networks,
        key_name: optional_string(server, "key_name", 255)?,
        metadata,
        security_groups,
        user_data,
        availability_zone,
        description: optional_string(server, "description", 255)?,
        tags,
        admin_pass: optional_string(server, "adminPass", 255)?,
        disk_config,
        config_drive,
        access_ipv4: optional_string(server, "accessIPv4", 64)?.unwrap_or_default(),
        access_ipv6: optional_string(server, "accessIPv6", 64)?.unwrap_or_default(),
        count,
        return_reservation_id,
        hints,
        group,
    })
}

/// The task states of a build, as a loopback Nova shows them: `scheduling`, none (the
/// conductor), `networking`, `block_device_mapping`, `spawning`.
const BUILD_STAGES: [Option<&str>; 5] = [
    Some("scheduling"),
    None,
    Some("networking"),
    Some("block_device_mapping"),
    Some("spawning"),
];

/// `POST /servers`: 202 with `{id, links, adminPass, OS-DCF:diskConfig, security_groups}`; the
/// server is BUILD (task states [`BUILD_STAGES`]) until `build_delay` has passed, then ACTIVE,
/// or ERROR with a fault when builds are set to fail or its anti-affinity group has no room on
/// the one fake host.
pub(crate) fn create(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    let shared = ctx.shared;
    let Some(body) = ctx.req.json_body() else {
        return fault(400, "Malformed request body");
    };
    let request = match parse_create(&body, version) {
        Ok(r) => r,
        Err(resp) => return resp,
    };

    let mut state = shared.lock();
    let Some(flavor) = flavors::find_live(&state, &request.flavor_id)
        .filter(|f| super::flavor_access::visible(ctx, &state, f))
        .cloned()
    else {
        return fault(
            400,
            &format!("Flavor {} could not be found.", request.flavor_id),
        );
    };
    settle_all(&mut state);
    if let Err(resp) = super::quota_sets::check_create(ctx, &state, &flavor, request.count) {
        return resp;
    }
    let zones = super::aggregates::zones(&state);
    let zone = match &request.availability_zone {
        None => zones.first().cloned().unwrap_or_else(|| "nova".into()),
        // `zone`, `zone:host` or `zone:host:node` (the host part for admins).
        Some(az) => match az.split(':').next() {
            Some(z) if zones.iter().any(|x| x == z) => z.to_string(),
            _ => return fault(400, "The requested availability zone is not available"),
        },
    };
    let image = match &request.image_id {
        None => None,
        Some(id) => match state
            .images
            .iter()
            .find(|i| &i.id == id && crate::testing::glance::images::seen_by(i, ctx))
        {
            None => return fault(400, "Can not find requested image"),
            Some(i) if i.status != "active" => {
                return fault(400, &format!("Image {id} is not active."));
            }
            Some(i) => Some(i.clone()),
        },
    };
    if let Some(image) = &image {
        if let Err(resp) = actions::check_fits(image, &flavor) {
            return resp;
        }
    }
    if let Some(key) = &request.key_name {
        if !state
            .keypairs
            .iter()
            .any(|k| super::keypairs::owned(k, ctx.user_id(), key))
        {
            return fault(400, "Invalid key_name provided.");
        }
    }
    let group_room = match &request.group {
        None => None,
        Some(g) => match state.server_groups.iter().find(|x| &x.id == g) {
            None => return fault(400, &format!("Instance group {g} could not be found.")),
            Some(group) => group.host_capacity().map(|cap| {
                let live = group
                    .members
                    .iter()
                    .filter(|m| state.servers.iter().any(|s| &s.id == *m && s.is_live()))
                    .count();
                cap.saturating_sub(live)
            }),
        },
    };
    let items: Vec<NetworkItem> = match &request.networks {
        NetworkRequest::None => Vec::new(),
        NetworkRequest::Auto => state
            .networks
            .iter()
            .find(|n| !n.external && n.project_id == ctx.project_id())
            .map(|n| vec![NetworkItem::Network(n.id.clone())])
            .unwrap_or_default(),
        NetworkRequest::Ids(items) => {
            for item in items {
                match item {
                    NetworkItem::Network(id) => {
                        if !access::sees_network(ctx, &state, id) {
                            return fault(400, &format!("Network {id} could not be found."));
                        }
                    }
                    NetworkItem::Port(id) => match state
                        .ports
                        .iter()
                        .find(|p| &p.id == id && ctx.may_see(&p.project_id))
                    {
                        None => return fault(400, &format!("Port id {id} could not be found.")),
                        Some(p) if !p.device_id.is_empty() => {
                            return fault(409, &format!("Port {id} is still in use."));
                        }
                        Some(_) => {}
                    },
                }
            }
            if request.count > 1 && items.iter().any(|i| matches!(i, NetworkItem::Port(_))) {
                return fault(
                    400,
                    "Unable to launch multiple instances with a single configured port ID. \
                     Please launch your instance one by one with different ports.",
                );
            }
            items.clone()
        }
    };
    let failure = state.build_failure.clone().or_else(|| {
        shared
            .settings
            .fail_prefix
            .as_deref()
            .filter(|p| request.name.starts_with(p))
            .map(|_| "No valid host was found. There are not enough hosts available.".to_string())
    });
    // Nova accepts another project's external network, then Neutron refuses it the port: the
    // build fails.
    let unattachable = items.iter().any(|item| match item {
        NetworkItem::Network(id) => !access::may_attach(ctx, &state, id),
        NetworkItem::Port(_) => false,
    });
    let reservation_id = format!("r-{}", ids::alnum(8).to_ascii_lowercase());
    let admin_pass = request.admin_pass.clone().unwrap_or_else(|| ids::alnum(12));
    let now = Utc::now();
    let mut first_id = None;
    for index in 0..request.count {
        let server_id = ids::uuid4();
        let mut addresses = Vec::new();
        for item in items.iter().filter(|_| !unattachable) {
            let address = match item {
                NetworkItem::Network(net_id) => nova_port(
                    ctx.project_id(),
                    &mut state,
                    &server_id,
                    net_id,
                    &request.security_groups,
                ),
                NetworkItem::Port(port_id) => bind_port(&mut state, &server_id, port_id),
            };
            addresses.extend(address);
        }
        // The one fake host holds this many more members of an anti-affinity group.
        let no_room =
            group_room.is_some_and(|room| index >= u64::try_from(room).unwrap_or(u64::MAX));
        let failure = if unattachable {
            Some(format!(
                "Build of instance {server_id} aborted: Failed to allocate the network(s), not \
                 rescheduling."
            ))
        } else if no_room {
            Some("No valid host was found. There are not enough hosts available.".to_string())
        } else {
            failure.clone()
        };
        state.server_seq += 1;
        let name = if request.count > 1 {
            format!("{}-{}", request.name, index + 1)
        } else {
            request.name.clone()
        };
        let server = Server {
            seq: state.server_seq,
            id: server_id,
            name,
            project_id: ctx.project_id().to_string(),
            user_id: ctx.user_id().to_string(),
            flavor_id: request.flavor_id.clone(),
            old_flavor_id: None,
            resized_from: VmState::Active,
            migration: None,
            image_id: request.image_id.clone(),
            key_name: request.key_name.clone(),
            metadata: request.metadata.clone(),
            description: request.description.clone(),
            tags: super::server_meta::normalized(request.tags.iter().cloned()),
            security_groups: request.security_groups.clone(),
            addresses,
            availability_zone: zone.clone(),
            pinned_az: request.availability_zone.is_some(),
            disk_config: request.disk_config.clone(),
            config_drive: request.config_drive,
            user_data: request.user_data.clone(),
            access_ipv4: request.access_ipv4.clone(),
            access_ipv6: request.access_ipv6.clone(),
            reservation_id: reservation_id.clone(),
            launch_index: index,
            vm_state: VmState::Building,
            task_state: BUILD_STAGES[0],
            power_state: 0,
            locked: false,
            locked_reason: None,
            scheduler_hints: request.hints.clone(),
            created: now,
            updated: now,
            launched_at: None,
            terminated_at: None,
            fault: None,
            pending: Some(Pending::after(
                shared.settings.build_delay,
                &BUILD_STAGES,
                Transition::Built(failure),
            )),
        };
        first_id.get_or_insert_with(|| server.id.clone());
        if let Some(g) = &request.group {
            if let Some(group) = state.server_groups.iter_mut().find(|x| &x.id == g) {
                group.members.push(server.id.clone());
            }
        }
        let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
        let failed = matches!(
            server.pending.as_ref().map(|p| &p.then),
            Some(Transition::Built(Some(_)))
        );
        let events = &[
            "conductor_schedule_and_build_instances",
            "compute__do_build_and_run_instance",
        ];
        let id = server.id.clone();
        state.servers.push(server);
        super::instance_actions::record(ctx, &mut state, &id, "create", events, done, failed);
    }
    drop(state);

    if request.return_reservation_id {
        return Resp::json(202, &json!({"reservation_id": reservation_id}));
    }
    let id = first_id.unwrap_or_default();
    let groups: Vec<Value> = request
        .security_groups
        .iter()
        .map(|n| json!({"name": n}))
        .collect();
    let location = format!("{}/compute/v2.1/servers/{id}", shared.base);
    Resp::json(
        202,
        &json!({"server": {
            "id": id,
            "links": super::links(&shared.base, "servers", &id),
            "adminPass": admin_pass,
            "OS-DCF:diskConfig": request.disk_config,
            "security_groups": groups
        }}),
    )
    .with_header("location", &location)
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn name_patterns() {
        assert!(name_matches("web", "my-web-1"));
        assert!(name_matches("^web", "web-1"));
        assert!(!name_matches("^web", "my-web"));
        assert!(name_matches("web-1$", "my-web-1"));
        assert!(!name_matches("web$", "web-1"));
        assert!(name_matches("^w.b-.*1$", "web-0001"));
        assert!(name_matches("a\\.b", "xa.by"));
        assert!(!name_matches("a\\.b", "axb"));
        assert!(name_matches("", "anything"));
        assert!(name_matches("x*", ""));
        assert!(!name_matches("^$", "a"));
        assert!(name_matches("^$", ""));
        let long = "a".repeat(255);
        assert!(!name_matches(
            &"a*".repeat(40).replace("a*a*", "a*a*b"),
            &long
        ));
    }
}
