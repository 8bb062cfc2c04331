//! `/v2.0/security-groups` and `/v2.0/security-group-rules`, as Neutron 28 answers an admin.
//!
//! Every project gets its `default` group the first time it lists groups, creates a group or
//! creates a port (Neutron's `_ensure_default_security_group`), with four rules: ingress IPv4 and
//! IPv6 from the group itself, egress IPv4 and IPv6 anywhere. A new group gets the two egress
//! rules. Rules are validated in Neutron's order with its error types; duplicates (compared as
//! Neutron's `_rule_to_key` does: protocol names and numbers alike, `0.0.0.0/0` like no prefix)
//! are 409 `SecurityGroupRuleExists`. Adding or removing a rule bumps the group's revision.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::networks::{Collection, as_bool, as_string, as_strings, invalid, list_collection};
use super::{bad_request, error, if_match_failed};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// The description Neutron gives each project's `default` group.
const DEFAULT_DESCRIPTION: &str = "Default security group";

/// A security group of the fake (its rules live in [`State::security_group_rules`]).
#[derive(Clone, Debug)]
pub(crate) struct SecurityGroup {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) project_id: String,
    pub(crate) stateful: bool,
    /// The project's `default` group (made by Neutron, not by a request).
    pub(crate) is_default: bool,
    pub(crate) tags: Vec<String>,
    pub(crate) revision_number: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A security group rule, stored as Neutron stores it (protocol as a string, prefix with its
/// mask).
#[derive(Clone, Debug)]
pub(crate) struct SecurityGroupRule {
    pub(crate) id: String,
    pub(crate) security_group_id: String,
    pub(crate) project_id: String,
    pub(crate) direction: &'static str,
    pub(crate) ethertype: &'static str,
    pub(crate) protocol: Option<String>,
    pub(crate) port_range_min: Option<u64>,
    pub(crate) port_range_max: Option<u64>,
    pub(crate) remote_group_id: Option<String>,
    pub(crate) remote_ip_prefix: Option<String>,
    pub(crate) normalized_cidr: Option<String>,
    /// `None` for the rules Neutron makes with a group; `""` when a request gave none.
    pub(crate) description: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
}

impl SecurityGroupRule {
    /// A rule with no protocol, ports or remote (what Neutron's default rules start from).
    fn bare(group: &SecurityGroup, direction: &'static str, ethertype: &'static str) -> Self {
        SecurityGroupRule {
            id: ids::uuid4(),
            security_group_id: group.id.clone(),
            project_id: group.project_id.clone(),
            direction,
            ethertype,
            protocol: None,
            port_range_min: None,
            port_range_max: None,
            remote_group_id: None,
            remote_ip_prefix: None,
            normalized_cidr: None,
            description: None,
            created_at: group.created_at,
        }
    }

    /// The API body; `embedded` (inside a group) adds `tags`, as Neutron 28 does.
    pub(crate) fn to_json(&self, in_default_group: bool, embedded: bool) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("security_group_id".into(), json!(self.security_group_id));
        m.insert("ethertype".into(), json!(self.ethertype));
        m.insert("direction".into(), json!(self.direction));
        m.insert("protocol".into(), json!(self.protocol));
        m.insert("port_range_min".into(), json!(self.port_range_min));
        m.insert("port_range_max".into(), json!(self.port_range_max));
        m.insert("remote_ip_prefix".into(), json!(self.remote_ip_prefix));
        m.insert("remote_address_group_id".into(), Value::Null);
        m.insert("normalized_cidr".into(), json!(self.normalized_cidr));
        m.insert("remote_group_id".into(), json!(self.remote_group_id));
        m.insert("belongs_to_default_sg".into(), json!(in_default_group));
        m.insert("description".into(), json!(self.description));
        if embedded {
            m.insert("tags".into(), json!([]));
        }
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("revision_number".into(), json!(0));
        m.insert("tenant_id".into(), json!(self.project_id));
        m
    }

    /// Neutron's `_rule_to_key`: what makes two rules the same.
    fn key(&self) -> String {
        let opt = |v: Option<String>| v.unwrap_or_else(|| "+".into());
        let prefix = match self.remote_ip_prefix.as_deref() {
            None | Some("0.0.0.0/0") | Some("::/0") => "+".to_string(),
            Some(p) => p.to_string(),
        };
        let protocol = self.protocol.as_deref().map(|p| {
            let number = protocol_number(p).map(|n| n.to_string());
            let name = number
                .as_deref()
                .and_then(|n| n.parse::<u64>().ok())
                .and_then(protocol_name)
                .unwrap_or(p);
            format!("{name}/{}", number.unwrap_or_else(|| p.to_string()))
        });
        [
            self.direction.to_string(),
            self.ethertype.to_string(),
            opt(self.port_range_max.map(|p| p.to_string())),
            opt(self.port_range_min.map(|p| p.to_string())),
            opt(protocol),
            opt(self.remote_group_id.clone()),
            prefix,
            self.security_group_id.clone(),
        ]
        .join("_")
    }
}

impl SecurityGroup {
    fn new(name: String, project_id: String, is_default: bool) -> Self {
        let now = Utc::now();
        SecurityGroup {
            id: ids::uuid4(),
            name,
            description: String::new(),
            project_id,
            stateful: true,
            is_default,
            tags: Vec::new(),
            revision_number: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// The API body with the group's rules embedded.
    pub(crate) fn to_json(&self, state: &State) -> Map<String, Value> {
        let rules: Vec<Value> = state
            .security_group_rules
            .iter()
            .filter(|r| r.security_group_id == self.id)
            .map(|r| Value::Object(r.to_json(self.is_default, true)))
            .collect();
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("stateful".into(), json!(self.stateful));
        m.insert("tenant_id".into(), json!(self.project_id));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("description".into(), json!(self.description));
        m.insert("shared".into(), json!(false));
        m.insert("security_group_rules".into(), Value::Array(rules));
        m.insert("tags".into(), json!(self.tags));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("revision_number".into(), json!(self.revision_number));
        m
    }
}

/// The id of `project_id`'s `default` group, made (with its four rules) if it has none.
pub(crate) fn ensure_default(state: &mut State, project_id: &str) -> String {
    if let Some(g) = state
        .security_groups
        .iter()
        .find(|g| g.is_default && g.project_id == project_id)
    {
        return g.id.clone();
    }
    let mut group = SecurityGroup::new("default".into(), project_id.into(), true);
    group.description = DEFAULT_DESCRIPTION.into();
    for ethertype in ["IPv4", "IPv6"] {
        let mut from_group = SecurityGroupRule::bare(&group, "ingress", ethertype);
        from_group.remote_group_id = Some(group.id.clone());
        state.security_group_rules.push(from_group);
        let egress = SecurityGroupRule::bare(&group, "egress", ethertype);
        state.security_group_rules.push(egress);
    }
    let id = group.id.clone();
    state.security_groups.push(group);
    id
}

pub(crate) fn group_not_found(id: &str) -> Resp {
    error(
        404,
        "SecurityGroupNotFound",
        &format!("Security group {id} does not exist"),
    )
}

pub(crate) fn rule_not_found(id: &str) -> Resp {
    error(
        404,
        "SecurityGroupRuleNotFound",
        &format!("Security group rule {id} does not exist"),
    )
}

/// Neutron's `name_not_default` validator (on POST and PUT alike).
fn check_name(name: &str) -> Result<(), Resp> {
    if name.eq_ignore_ascii_case("default") {
        return Err(error(
            409,
            "SecurityGroupDefaultAlreadyExists",
            "Default security group already exists.",
        ));
    }
    Ok(())
}

const GROUP_FILTERS: [&str; 8] = [
    "id",
    "name",
    "description",
    "project_id",
    "tenant_id",
    "stateful",
    "shared",
    "revision_number",
];

/// `GET /v2.0/security-groups`: makes the `default` group of the project asked for (or the
/// caller's) first, as Neutron does.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let project = ctx
        .req
        .query_first("project_id")
        .or_else(|| ctx.req.query_first("tenant_id"))
        .unwrap_or(ctx.project_id())
        .to_string();
    let all: Vec<Map<String, Value>> = {
        let mut state = ctx.shared.lock();
        ensure_default(&mut state, &project);
        state
            .security_groups
            .iter()
            .map(|g| g.to_json(&state))
            .collect()
    };
    let c = Collection {
        name: "security_groups",
        filterable: &GROUP_FILTERS,
        extra: &[],
        not_found: group_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/security-groups/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.security_groups.iter().find(|g| g.id == id) {
        Some(g) => Resp::json(200, &json!({"security_group": g.to_json(&state)})),
        None => group_not_found(id),
    }
}

/// `POST /v2.0/security-groups`: 201 with the two egress rules; 409
/// `SecurityGroupDefaultAlreadyExists` for the name `default`.
pub(crate) fn create(ctx: &Ctx<'_>) -> Resp {
    let attrs = match super::body::attrs(ctx, "security_group") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let mut group = SecurityGroup::new(String::new(), ctx.project_id().to_string(), false);
    for (key, v) in &attrs {
        let result = match key.as_str() {
            "name" => as_string(key, v, 255).and_then(|n| {
                check_name(&n)?;
                group.name = n;
                Ok(())
            }),
            "description" => as_string(key, v, 255).map(|d| group.description = d),
            "stateful" => as_bool(key, v).map(|b| group.stateful = b),
            "tags" => as_strings(key, v).map(|t| group.tags = t),
            "project_id" | "tenant_id" => as_string(key, v, 255).map(|p| group.project_id = p),
            "id"
            | "security_group_rules"
            | "revision_number"
            | "created_at"
            | "updated_at"
            | "shared" => Err(bad_request(&format!(
                "Attribute '{key}' not allowed in POST"
            ))),
            other => Err(bad_request(&format!("Unrecognized attribute(s) '{other}'"))),
        };
        if let Err(resp) = result {
            return resp;
        }
    }
    let mut state = ctx.shared.lock();
    ensure_default(&mut state, &group.project_id);
    for ethertype in ["IPv6", "IPv4"] {
        let egress = SecurityGroupRule::bare(&group, "egress", ethertype);
        state.security_group_rules.push(egress);
    }
    let body = json!({"security_group": group.to_json(&state)});
    state.security_groups.push(group);
    Resp::json(201, &body)
}

/// `PUT /v2.0/security-groups/{id}`: name, description, stateful; 409
/// `SecurityGroupCannotUpdateDefault` for a new name of a `default` group (admin too), 409
/// `SecurityGroupInUse` for a new `stateful` while ports use it; 412 on a stale `If-Match`.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let attrs = match super::body::attrs(ctx, "security_group") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(current) = state.security_groups.iter().find(|g| g.id == id) else {
        return group_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, current.revision_number) {
        return resp;
    }
    let mut changed = current.clone();
    for (key, v) in &attrs {
        let result = match key.as_str() {
            "name" => as_string(key, v, 255).and_then(|n| {
                check_name(&n)?;
                changed.name = n;
                Ok(())
            }),
            "description" => match v {
                Value::Null => {
                    changed.description = String::new();
                    Ok(())
                }
                other => as_string(key, other, 255).map(|d| changed.description = d),
            },
            "stateful" => as_bool(key, v).map(|b| changed.stateful = b),
            "id"
            | "project_id"
            | "tenant_id"
            | "security_group_rules"
            | "revision_number"
            | "created_at"
            | "updated_at"
            | "shared"
            | "tags" => Err(bad_request(&format!(
                "Attribute '{key}' not allowed in PUT"
            ))),
            other => Err(bad_request(&format!("Unrecognized attribute(s) '{other}'"))),
        };
        if let Err(resp) = result {
            return resp;
        }
    }
    if changed.stateful != current.stateful
        && state
            .ports
            .iter()
            .any(|p| p.security_groups.iter().any(|g| g == id))
    {
        return error(
            409,
            "SecurityGroupInUse",
            &format!("Security Group {id} in use."),
        );
    }
    if current.is_default && attrs.contains_key("name") {
        return error(
            409,
            "SecurityGroupCannotUpdateDefault",
            "Updating default security group not allowed.",
        );
    }
    let differs = changed.name != current.name
        || changed.description != current.description
        || changed.stateful != current.stateful;
    if differs {
        changed.revision_number += 1;
        changed.updated_at = Utc::now();
    }
    let body = json!({"security_group": changed.to_json(&state)});
    if let Some(g) = state.security_groups.iter_mut().find(|g| g.id == id) {
        *g = changed;
    }
    Resp::json(200, &body)
}

/// `DELETE /v2.0/security-groups/{id}`: 204 (its rules, and rules of other groups naming it as
/// remote group, go with it); 409 `SecurityGroupInUse` while a port uses it. Neutron lets an admin
/// delete a `default` group (the project gets a new one on its next list); a user without the
/// admin role gets 409 `SecurityGroupCannotRemoveDefault`.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    if state
        .ports
        .iter()
        .any(|p| p.security_groups.iter().any(|g| g == id))
    {
        return error(
            409,
            "SecurityGroupInUse",
            &format!("Security Group {id} in use."),
        );
    }
    let Some(group) = state.security_groups.iter().find(|g| g.id == id) else {
        return group_not_found(id);
    };
    if group.is_default && !ctx.is_admin() {
        return error(
            409,
            "SecurityGroupCannotRemoveDefault",
            "Insufficient rights for removing default security group.",
        );
    }
    if let Some(resp) = if_match_failed(ctx.req, group.revision_number) {
        return resp;
    }
    state.security_groups.retain(|g| g.id != id);
    state
        .security_group_rules
        .retain(|r| r.security_group_id != id && r.remote_group_id.as_deref() != Some(id));
    Resp::empty(204)
}

const RULE_FILTERS: [&str; 16] = [
    "id",
    "security_group_id",
    "direction",
    "ethertype",
    "protocol",
    "port_range_min",
    "port_range_max",
    "remote_group_id",
    "remote_ip_prefix",
    "remote_address_group_id",
    "normalized_cidr",
    "belongs_to_default_sg",
    "project_id",
    "tenant_id",
    "description",
    "revision_number",
];

fn rule_json(state: &State, rule: &SecurityGroupRule) -> Map<String, Value> {
    let in_default = state
        .security_groups
        .iter()
        .any(|g| g.id == rule.security_group_id && g.is_default);
    rule.to_json(in_default, false)
}

/// `GET /v2.0/security-group-rules`.
pub(crate) fn list_rules(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        state
            .security_group_rules
            .iter()
            .map(|r| rule_json(&state, r))
            .collect()
    };
    let c = Collection {
        name: "security_group_rules",
        filterable: &RULE_FILTERS,
        extra: &[],
        not_found: rule_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/security-group-rules/{id}`.
pub(crate) fn show_rule(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.security_group_rules.iter().find(|r| r.id == id) {
        Some(r) => Resp::json(200, &json!({"security_group_rule": rule_json(&state, r)})),
        None => rule_not_found(id),
    }
}

/// Protocol names Neutron accepts (`IP_PROTOCOL_MAP`) with their numbers.
const PROTOCOLS: [(&str, u64); 25] = [
    ("ah", 51),
    ("dccp", 33),
    ("egp", 8),
    ("esp", 50),
    ("gre", 47),
    ("hopopt", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ip", 0),
    ("ipip", 4),
    ("ipv6-encap", 41),
    ("ipv6-frag", 44),
    ("ipv6-icmp", 58),
    ("icmpv6", 58),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("ipv6-route", 43),
    ("ospf", 89),
    ("pgm", 113),
    ("rsvp", 46),
    ("sctp", 132),
    ("tcp", 6),
    ("udp", 17),
    ("udplite", 136),
    ("vrrp", 112),
];

/// Protocols that take port ranges (`SG_PORT_PROTO_NUMS`).
const PORT_PROTOCOLS: [u64; 5] = [33, 132, 6, 17, 136];

/// Protocols only IPv6 rules may use.
const IPV6_ONLY: [&str; 13] = [
    "ipv6-encap",
    "ipv6-frag",
    "ipv6-icmp",
    "icmpv6",
    "ipv6-nonxt",
    "ipv6-opts",
    "ipv6-route",
    "41",
    "44",
    "58",
    "59",
    "60",
    "43",
];

fn protocol_number(p: &str) -> Option<u64> {
    PROTOCOLS
        .iter()
        .find(|(name, _)| *name == p)
        .map(|(_, n)| *n)
        .or_else(|| p.parse().ok())
}

/// The canonical name of a protocol number (`IP_PROTOCOL_NUM_TO_NAME_MAP`: the first name listed).
fn protocol_name(n: u64) -> Option<&'static str> {
    PROTOCOLS
        .iter()
        .find(|(name, num)| *num == n && *name != "icmpv6" && *name != "ip")
        .map(|(name, _)| *name)
}

fn invalid_protocol(value: &str) -> Resp {
    let names: Vec<String> = PROTOCOLS.iter().map(|(n, _)| format!("'{n}'")).collect();
    error(
        400,
        "SecurityGroupRuleInvalidProtocol",
        &format!(
            "Security group rule protocol {value} not supported. Only protocol values (None, 'any', {}) \
             and integer representations [0 to 255] are supported.",
            names.join(", ")
        ),
    )
}

/// Neutron's `convert_protocol`: `None` for any protocol, else the name (lower case) or number
/// as a string.
fn convert_protocol(v: &Value) -> Result<Option<String>, Resp> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_u64() {
            Some(n) if n <= 255 => Ok(Some(n.to_string())),
            _ => Err(invalid_protocol(&n.to_string())),
        },
        Value::String(s) if s == "any" => Ok(None),
        Value::String(s) => {
            if let Ok(n) = s.trim().parse::<i64>() {
                return if (0..=255).contains(&n) {
                    Ok(Some(s.clone()))
                } else {
                    Err(invalid_protocol(s))
                };
            }
            let lower = s.to_ascii_lowercase();
            if PROTOCOLS.iter().any(|(name, _)| *name == lower) {
                Ok(Some(lower))
            } else {
                Err(invalid_protocol(s))
            }
        }
        other => Err(invalid_protocol(&other.to_string())),
    }
}

/// Neutron's `convert_validate_port_value`: 0 to 65535, as a number or a numeric string.
fn convert_port(v: &Value) -> Result<Option<u64>, Resp> {
    let bad = |shown: &str| {
        error(
            400,
            "SecurityGroupInvalidPortValue",
            &format!("Invalid value for port {shown}"),
        )
    };
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_u64() {
            Some(p) if p <= 65535 => Ok(Some(p)),
            _ => Err(bad(&n.to_string())),
        },
        Value::String(s) => match s.trim().parse::<u64>() {
            Ok(p) if p <= 65535 => Ok(Some(p)),
            _ => Err(bad(s)),
        },
        other => Err(bad(&other.to_string())),
    }
}

/// A CIDR or bare address as `netaddr.IPNetwork` prints it, and its network (`normalized_cidr`).
fn parse_prefix(s: &str) -> Option<(IpAddr, String, String)> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a.parse::<IpAddr>().ok()?, Some(l.parse::<u8>().ok()?)),
        None => (s.parse::<IpAddr>().ok()?, None),
    };
    let (max, bits) = match addr {
        IpAddr::V4(a) => (32, u128::from(u32::from(a))),
        IpAddr::V6(a) => (128, u128::from(a)),
    };
    let len = len.unwrap_or(max);
    if len > max {
        return None;
    }
    let host_bits = u32::from(max - len);
    let network = if host_bits >= 128 {
        0
    } else {
        (bits >> host_bits) << host_bits
    };
    let network = match addr {
        IpAddr::V4(_) => IpAddr::from(std::net::Ipv4Addr::from(
            u32::try_from(network).unwrap_or_default(),
        )),
        IpAddr::V6(_) => IpAddr::from(std::net::Ipv6Addr::from(network)),
    };
    Some((addr, format!("{addr}/{len}"), format!("{network}/{len}")))
}

/// Parses and validates one rule (`{"security_group_rule": {...}}` or an item of the bulk list)
/// in Neutron's order; the groups it names must exist.
fn parse_rule(
    state: &State,
    attrs: &Map<String, Value>,
    caller_project: &str,
) -> Result<SecurityGroupRule, Resp> {
    let required = |key: &str| {
        bad_request(&format!(
            "Failed to parse request. Required attribute '{key}' not specified"
        ))
    };
    for key in attrs.keys() {
        match key.as_str() {
            "security_group_id"
            | "direction"
            | "ethertype"
            | "protocol"
            | "port_range_min"
            | "port_range_max"
            | "remote_group_id"
            | "remote_ip_prefix"
            | "remote_address_group_id"
            | "description"
            | "project_id"
            | "tenant_id" => {}
            "id"
            | "normalized_cidr"
            | "belongs_to_default_sg"
            | "revision_number"
            | "created_at"
            | "updated_at" => {
                return Err(bad_request(&format!(
                    "Attribute '{key}' not allowed in POST"
                )));
            }
            other => return Err(bad_request(&format!("Unrecognized attribute(s) '{other}'"))),
        }
    }
    let group_id = match attrs.get("security_group_id") {
        None => return Err(required("security_group_id")),
        Some(v) => as_string("security_group_id", v, 36)?,
    };
    let direction = match attrs.get("direction") {
        None => return Err(required("direction")),
        Some(Value::String(d)) if d == "ingress" => "ingress",
        Some(Value::String(d)) if d == "egress" => "egress",
        Some(other) => {
            let shown = other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_string);
            return Err(invalid(
                "direction",
                &format!("{shown} is not in valid_values"),
            ));
        }
    };
    let ethertype = match attrs.get("ethertype") {
        None | Some(Value::Null) => "IPv4",
        Some(Value::String(e)) if e.eq_ignore_ascii_case("ipv4") => "IPv4",
        Some(Value::String(e)) if e.eq_ignore_ascii_case("ipv6") => "IPv6",
        Some(other) => {
            let shown = other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_string);
            return Err(error(
                400,
                "SecurityGroupRuleInvalidEtherType",
                &format!(
                    "Security group rule for ethertype '{shown}' not supported. Allowed values are ['IPv4', 'IPv6']."
                ),
            ));
        }
    };
    let mut protocol = match attrs.get("protocol") {
        None => None,
        Some(v) => convert_protocol(v)?,
    };
    let mut min = attrs.get("port_range_min").map_or(Ok(None), convert_port)?;
    let mut max = attrs.get("port_range_max").map_or(Ok(None), convert_port)?;
    let opt_string = |key: &str| -> Result<Option<String>, Resp> {
        match attrs.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => as_string(key, v, 255).map(Some),
        }
    };
    let remote_group_id = opt_string("remote_group_id")?;
    let remote_address_group_id = opt_string("remote_address_group_id")?;
    let prefix = match opt_string("remote_ip_prefix")?.filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(parse_prefix(&p).ok_or_else(|| {
            error(
                400,
                "InvalidCIDR",
                &format!("Invalid CIDR {p} given as IP prefix."),
            )
        })?),
    };
    let description = opt_string("description")?.unwrap_or_default();
    let project_id = opt_string("project_id")?
        .or(opt_string("tenant_id")?)
        .unwrap_or_else(|| caller_project.to_string());

    // _make_canonical_ipv6_icmp_protocol, _make_canonical_port_range.
    if ethertype == "IPv6" {
        match protocol.as_deref() {
            Some("icmp" | "icmpv6") => protocol = Some("ipv6-icmp".into()),
            Some("1") => protocol = Some("58".into()),
            _ => {}
        }
    }
    if (min, max) == (Some(1), Some(65535)) {
        (min, max) = (None, None);
    }
    // _validate_port_range.
    if min.is_some() || max.is_some() {
        let Some(p) = protocol.as_deref() else {
            return Err(error(
                400,
                "SecurityGroupProtocolRequiredWithPorts",
                "Must also specify protocol if port range is given.",
            ));
        };
        let number = protocol_number(p).unwrap_or(u64::MAX);
        if PORT_PROTOCOLS.contains(&number) {
            if min == Some(0) || max == Some(0) {
                return Err(error(
                    400,
                    "SecurityGroupInvalidPortValue",
                    "Invalid value for port 0",
                ));
            }
            if !matches!((min, max), (Some(a), Some(b)) if a <= b) {
                return Err(error(
                    400,
                    "SecurityGroupInvalidPortRange",
                    "For TCP/UDP protocols, port_range_min must be <= port_range_max",
                ));
            }
        } else if number == 1 || number == 58 {
            for (value, field, attr) in [
                (min, "type", "port_range_min"),
                (max, "code", "port_range_max"),
            ] {
                if let Some(v) = value.filter(|v| *v > 255) {
                    return Err(error(
                        400,
                        "SecurityGroupInvalidIcmpValue",
                        &format!(
                            "Invalid value for ICMP {field} ({attr}) {v}. It must be 0 to 255."
                        ),
                    ));
                }
            }
            if let (None, Some(code)) = (min, max) {
                return Err(error(
                    400,
                    "SecurityGroupMissingIcmpType",
                    &format!(
                        "ICMP code (port-range-max) {code} is provided but ICMP type (port-range-min) is missing."
                    ),
                ));
            }
        } else {
            return Err(error(
                400,
                "SecurityGroupInvalidProtocolForPort",
                &format!(
                    "Ports cannot be specified for protocol {number}. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE."
                ),
            ));
        }
    }
    // _validate_ip_prefix.
    if let Some((addr, _, _)) = &prefix {
        let version = if addr.is_ipv4() { "IPv4" } else { "IPv6" };
        if version != ethertype {
            let given = attrs
                .get("remote_ip_prefix")
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Err(error(
                400,
                "SecurityGroupRuleParameterConflict",
                &format!("Conflicting value ethertype {ethertype} for CIDR {given}"),
            ));
        }
    }
    // _validate_ethertype_and_protocol.
    if let Some(p) = protocol.as_deref().filter(|p| IPV6_ONLY.contains(p)) {
        if ethertype == "IPv4" {
            return Err(error(
                400,
                "SecurityGroupEthertypeConflictWithProtocol",
                &format!("Invalid ethertype IPv4 for protocol {p}."),
            ));
        }
    }
    // _validate_multiple_remote_entites.
    let remotes = [
        prefix.is_some(),
        remote_group_id.is_some(),
        remote_address_group_id.is_some(),
    ];
    if remotes.iter().filter(|r| **r).count() > 1 {
        return Err(error(
            400,
            "SecurityGroupMultipleRemoteEntites",
            "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.",
        ));
    }
    if let Some(ag) = &remote_address_group_id {
        return Err(error(
            404,
            "AddressGroupNotFound",
            &format!("Address group {ag} could not be found."),
        ));
    }
    for g in remote_group_id.iter().chain(std::iter::once(&group_id)) {
        if !state.security_groups.iter().any(|sg| sg.id == *g) {
            return Err(group_not_found(g));
        }
    }
    let (remote_ip_prefix, normalized_cidr) = match prefix {
        Some((_, shown, network)) => (Some(shown), Some(network)),
        None => (None, None),
    };
    Ok(SecurityGroupRule {
        id: ids::uuid4(),
        security_group_id: group_id,
        project_id,
        direction,
        ethertype,
        protocol,
        port_range_min: min,
        port_range_max: max,
        remote_group_id,
        remote_ip_prefix,
        normalized_cidr,
        description: Some(description),
        created_at: Utc::now(),
    })
}

/// Adds validated `rules` (all or none): 409 `SecurityGroupRuleExists` naming the rule already
/// there, 409 `DuplicateSecurityGroupRuleInPost` for two equal rules in one request.
fn insert_rules(state: &mut State, rules: Vec<SecurityGroupRule>) -> Result<(), Resp> {
    let mut keys: Vec<String> = Vec::new();
    for rule in &rules {
        let key = rule.key();
        if keys.contains(&key) {
            return Err(error(
                409,
                "DuplicateSecurityGroupRuleInPost",
                "Duplicate Security Group Rule in POST.",
            ));
        }
        keys.push(key);
    }
    if let Some(existing) = state
        .security_group_rules
        .iter()
        .find(|r| keys.contains(&r.key()))
    {
        return Err(error(
            409,
            "SecurityGroupRuleExists",
            &format!(
                "Security group rule already exists. Rule id is {}.",
                existing.id
            ),
        ));
    }
    let now = Utc::now();
    for rule in rules {
        if let Some(g) = state
            .security_groups
            .iter_mut()
            .find(|g| g.id == rule.security_group_id)
        {
            g.revision_number += 1;
            g.updated_at = now;
        }
        state.security_group_rules.push(rule);
    }
    Ok(())
}

/// `POST /v2.0/security-group-rules`, one rule (`security_group_rule`) or several
/// (`security_group_rules`, all or none; one group per request, as Neutron wants): 201.
pub(crate) fn create_rule(ctx: &Ctx<'_>) -> Resp {
    let Some(body) = ctx.req.json_body() else {
        return bad_request("Malformed request body");
    };
    let project = ctx.project_id().to_string();
    let mut state = ctx.shared.lock();
    if let Some(items) = body.get("security_group_rules") {
        let Some(items) = items.as_array() else {
            return bad_request("Resource body required");
        };
        let mut rules = Vec::new();
        for item in items {
            let Some(attrs) = item.as_object() else {
                return bad_request("Resource body required");
            };
            match parse_rule(&state, attrs, &project) {
                Ok(r) => rules.push(r),
                Err(resp) => return resp,
            }
        }
        let first_group = rules.first().map(|r| r.security_group_id.clone());
        if rules
            .iter()
            .any(|r| Some(&r.security_group_id) != first_group.as_ref())
        {
            return error(
                400,
                "SecurityGroupNotSingleGroupRules",
                "Only allowed to update rules for one security profile at a time",
            );
        }
        let rendered: Vec<Value> = rules
            .iter()
            .map(|r| Value::Object(rule_json(&state, r)))
            .collect();
        if let Err(resp) = insert_rules(&mut state, rules) {
            return resp;
        }
        return Resp::json(201, &json!({"security_group_rules": rendered}));
    }
    let Some(attrs) = body.get("security_group_rule").and_then(Value::as_object) else {
        return bad_request("Resource body required");
    };
    let rule = match parse_rule(&state, attrs, &project) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let rendered = rule_json(&state, &rule);
    if let Err(resp) = insert_rules(&mut state, vec![rule]) {
        return resp;
    }
    Resp::json(201, &json!({"security_group_rule": rendered}))
}

/// `DELETE /v2.0/security-group-rules/{id}`: 204 (the group's revision goes up); 404
/// `SecurityGroupRuleNotFound`; 412 on a stale `If-Match` (a rule's revision is 0).
pub(crate) fn delete_rule(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(rule) = state.security_group_rules.iter().find(|r| r.id == id) else {
        return rule_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, 0) {
        return resp;
    }
    let group_id = rule.security_group_id.clone();
    state.security_group_rules.retain(|r| r.id != id);
    if let Some(g) = state.security_groups.iter_mut().find(|g| g.id == group_id) {
        g.revision_number += 1;
        g.updated_at = Utc::now();
    }
    Resp::empty(204)
}

/// Checks the `security_groups` of a port request: UUIDs (else 400), existing (else 404
/// `SecurityGroupNotFound`).
pub(crate) fn check_port_groups(state: &State, groups: &[String]) -> Result<(), Resp> {
    for g in groups {
        if !ids::is_uuid(g) {
            return Err(invalid(
                "security_groups",
                &format!("'{g}' is not a valid UUID"),
            ));
        }
        if !state.security_groups.iter().any(|sg| sg.id == *g) {
            return Err(group_not_found(g));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn prefixes_keep_the_address_and_normalize_the_network() {
        let (_, shown, net) = parse_prefix("10.1.2.3/16").unwrap();
        assert_eq!(
            (shown.as_str(), net.as_str()),
            ("10.1.2.3/16", "10.1.0.0/16")
        );
        let (_, shown, net) = parse_prefix("10.1.2.3").unwrap();
        assert_eq!(
            (shown.as_str(), net.as_str()),
            ("10.1.2.3/32", "10.1.2.3/32")
        );
        let (_, _, net) = parse_prefix("2001:db8::1/32").unwrap();
        assert_eq!(net, "2001:db8::/32");
        assert_eq!(parse_prefix("::/0").unwrap().2, "::/0");
        assert!(parse_prefix("10.0.0.0/33").is_none());
        assert!(parse_prefix("nope").is_none());
    }

    #[test]
    fn protocols_convert_as_neutron_does() {
        assert_eq!(
            convert_protocol(&json!("TCP")).ok(),
            Some(Some("tcp".into()))
        );
        assert_eq!(convert_protocol(&json!(17)).ok(), Some(Some("17".into())));
        assert_eq!(convert_protocol(&json!("any")).ok(), Some(None));
        assert!(convert_protocol(&json!("256")).is_err());
        assert!(convert_protocol(&json!("bogus")).is_err());
        assert_eq!(protocol_name(58), Some("ipv6-icmp"));
        assert_eq!(protocol_number("6"), Some(6));
    }
}
