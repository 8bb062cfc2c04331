//! `/v2.0/qos/policies[/{id}]`, their rules under
//! `/v2.0/qos/policies/{id}/{bandwidth_limit,dscp_marking,minimum_bandwidth,minimum_packet_rate}_rules[/{rule_id}]`,
//! and `/v2.0/qos/rule-types[/{type}]` (`qos` and its rule extensions), with the Open vSwitch
//! driver's rule types and parameters.
//!
//! Rules are validated as Neutron does (required value, ranges, DSCP marks, directions); a
//! policy has at most one rule of a type per direction (one DSCP rule) (409); a policy a network
//! uses cannot be deleted (409 `QosPolicyInUse`); one default policy per project (409);
//! `shared` is a wildcard RBAC policy, as for networks.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::address_scopes::policy_denied;
use super::body::{attrs, check_keys, opt_bool, opt_int, opt_str, owner, required};
use super::networks::{Collection, invalid, list_collection, project};
use super::rbac_policies::{object_deleted, sync_flag};
use super::{error, if_match_failed};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// The DSCP marks Neutron accepts.
const DSCP_MARKS: [i64; 21] = [
    0, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 46, 48, 56,
];

/// The largest kbps / kpps value Neutron accepts.
const MAX_RATE: i64 = 2_147_483_647;

/// The rule types: `(type, value attribute, directions or none)`.
const RULE_TYPES: [(&str, &str, &[&str]); 4] = [
    ("bandwidth_limit", "max_kbps", &["egress", "ingress"]),
    ("dscp_marking", "dscp_mark", &[]),
    ("minimum_bandwidth", "min_kbps", &["egress", "ingress"]),
    (
        "minimum_packet_rate",
        "min_kpps",
        &["any", "egress", "ingress"],
    ),
];

/// One rule of a policy.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) rule_type: &'static str,
    /// The value attributes (`max_kbps`, `max_burst_kbps`, `direction`, ...).
    pub(crate) values: Map<String, Value>,
}

/// A QoS policy of the fake.
#[derive(Clone, Debug)]
pub(crate) struct QosPolicy {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) project_id: String,
    pub(crate) shared: bool,
    pub(crate) is_default: bool,
    pub(crate) rules: Vec<Rule>,
    pub(crate) tags: Vec<String>,
    pub(crate) revision_number: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl Rule {
    fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.extend(self.values.clone());
        m
    }
}

impl QosPolicy {
    /// The API body; each rule carries `qos_policy_id` and `type`, as Neutron lists them.
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|r| {
                let mut m = r.to_json();
                m.insert("qos_policy_id".into(), json!(self.id));
                m.insert("type".into(), json!(r.rule_type));
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("description".into(), json!(self.description));
        m.insert("shared".into(), json!(self.shared));
        m.insert("is_default".into(), json!(self.is_default));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("rules".into(), Value::Array(rules));
        m.insert("tags".into(), json!(self.tags));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("revision_number".into(), json!(self.revision_number));
        m.insert("tenant_id".into(), json!(self.project_id));
        m
    }
}

/// 404 `QosPolicyNotFound`.
pub(crate) fn policy_not_found(id: &str) -> Resp {
    error(
        404,
        "QosPolicyNotFound",
        &format!("QoS policy {id} could not be found."),
    )
}

fn rule_not_found(rule_id: &str, policy_id: &str) -> Resp {
    error(
        404,
        "QosRuleNotFound",
        &format!("QoS rule {rule_id} for policy {policy_id} could not be found."),
    )
}

const FILTERABLE: [&str; 9] = [
    "id",
    "name",
    "description",
    "shared",
    "is_default",
    "project_id",
    "tenant_id",
    "revision_number",
    "created_at",
];

/// `GET /v2.0/qos/policies`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = ctx
        .shared
        .lock()
        .qos_policies
        .iter()
        .map(QosPolicy::to_json)
        .collect();
    let c = Collection {
        name: "policies",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: policy_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/qos/policies/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.qos_policies.iter().find(|p| p.id == id) {
        Some(p) => Resp::json(200, &json!({"policy": project(ctx.req, p.to_json())})),
        None => policy_not_found(id),
    }
}

fn default_exists(state: &State, project_id: &str, except: &str) -> Option<Resp> {
    state
        .qos_policies
        .iter()
        .any(|p| p.is_default && p.project_id == project_id && p.id != except)
        .then(|| {
            error(
                409,
                "QoSPolicyDefaultAlreadyExists",
                &format!("A default QoS policy exists for project {project_id}."),
            )
        })
}

/// `POST /v2.0/qos/policies`: 201, revision 0; `name` required; `shared` admin only.
pub(crate) fn create(ctx: &Ctx<'_>) -> Resp {
    let parsed = (|| {
        let a = attrs(ctx, "policy")?;
        check_keys(
            &a,
            "POST",
            &[
                "name",
                "description",
                "shared",
                "is_default",
                "project_id",
                "tenant_id",
            ],
            &[
                "id",
                "rules",
                "tags",
                "revision_number",
                "created_at",
                "updated_at",
            ],
        )?;
        let shared = opt_bool(&a, "shared")?.unwrap_or(false);
        if shared && !ctx.is_admin() {
            return Err(policy_denied(
                "(rule:create_policy and rule:create_policy:shared)",
            ));
        }
        let now = Utc::now();
        Ok(QosPolicy {
            id: ids::uuid4(),
            name: opt_str(&a, "name", 255)?.ok_or_else(|| required("name"))?,
            description: opt_str(&a, "description", 255)?.unwrap_or_default(),
            project_id: owner(ctx, &a)?,
            shared,
            is_default: opt_bool(&a, "is_default")?.unwrap_or(false),
            rules: Vec::new(),
            tags: Vec::new(),
            revision_number: 0,
            created_at: now,
            updated_at: now,
        })
    })();
    let policy = match parsed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    if policy.is_default {
        if let Some(resp) = default_exists(&state, &policy.project_id, &policy.id) {
            return resp;
        }
    }
    let body = json!({"policy": policy.to_json()});
    let (id, owner, shared) = (policy.id.clone(), policy.project_id.clone(), policy.shared);
    state.qos_policies.push(policy);
    sync_flag(
        &mut state,
        "qos_policy",
        &id,
        &owner,
        "access_as_shared",
        shared,
    );
    Resp::json(201, &body)
}

/// `PUT /v2.0/qos/policies/{id}`: `name`, `description`, `shared` (admin), `is_default`.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let parsed = (|| {
        let a = attrs(ctx, "policy")?;
        check_keys(
            &a,
            "PUT",
            &["name", "description", "shared", "is_default"],
            &[
                "id",
                "rules",
                "tags",
                "project_id",
                "tenant_id",
                "revision_number",
                "created_at",
                "updated_at",
            ],
        )?;
        let description = match a.get("description") {
            Some(Value::Null) => Some(String::new()),
            _ => opt_str(&a, "description", 255)?,
        };
        let shared = opt_bool(&a, "shared")?;
        if shared.is_some() && !ctx.is_admin() {
            return Err(policy_denied(
                "(rule:update_policy and rule:update_policy:shared)",
            ));
        }
        Ok((
            opt_str(&a, "name", 255)?,
            description,
            shared,
            opt_bool(&a, "is_default")?,
        ))
    })();
    let (name, description, shared, is_default) = match parsed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(current) = state.qos_policies.iter().find(|p| p.id == id).cloned() else {
        return policy_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, current.revision_number) {
        return resp;
    }
    if is_default == Some(true) {
        if let Some(resp) = default_exists(&state, &current.project_id, id) {
            return resp;
        }
    }
    let mut p = current;
    if let Some(n) = name {
        p.name = n;
    }
    if let Some(d) = description {
        p.description = d;
    }
    if let Some(s) = shared {
        p.shared = s;
    }
    if let Some(d) = is_default {
        p.is_default = d;
    }
    p.revision_number += 1;
    p.updated_at = Utc::now();
    let body = json!({"policy": p.to_json()});
    let (owner, shared) = (p.project_id.clone(), p.shared);
    if let Some(slot) = state.qos_policies.iter_mut().find(|x| x.id == id) {
        *slot = p;
    }
    sync_flag(
        &mut state,
        "qos_policy",
        id,
        &owner,
        "access_as_shared",
        shared,
    );
    Resp::json(200, &body)
}

/// `DELETE /v2.0/qos/policies/{id}`: 204; 409 `QosPolicyInUse` while a network uses it.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    if !state.qos_policies.iter().any(|p| p.id == id) {
        return policy_not_found(id);
    }
    if let Some(n) = state
        .networks
        .iter()
        .find(|n| n.qos_policy_id.as_deref() == Some(id))
    {
        return error(
            409,
            "QosPolicyInUse",
            &format!("QoS Policy {id} is used by network {}.", n.id),
        );
    }
    state.qos_policies.retain(|p| p.id != id);
    object_deleted(&mut state, "qos_policy", id);
    Resp::empty(204)
}

/// The rule type of a `…_rules` path segment.
pub(crate) fn rule_kind(segment: &str) -> Option<&'static str> {
    let kind = segment.strip_suffix("_rules")?;
    RULE_TYPES.iter().map(|t| t.0).find(|t| *t == kind)
}

fn spec(kind: &str) -> (&'static str, &'static str, &'static [&'static str]) {
    RULE_TYPES
        .iter()
        .copied()
        .find(|t| t.0 == kind)
        .unwrap_or(RULE_TYPES[0])
}

/// Validates a rule body; `base` holds the current values (update) or none (create).
fn rule_values(
    kind: &str,
    a: &Map<String, Value>,
    base: Option<&Map<String, Value>>,
) -> Result<Map<String, Value>, Resp> {
    let (_, value_key, directions) = spec(kind);
    let mut allowed = vec![value_key];
    if kind == "bandwidth_limit" {
        allowed.push("max_burst_kbps");
    }
    if !directions.is_empty() {
        allowed.push("direction");
    }
    let verb = if base.is_some() { "PUT" } else { "POST" };
    check_keys(a, verb, &allowed, &["id", "qos_policy_id", "type"])?;
    let mut m = base.cloned().unwrap_or_default();
    let check_rate = |key: &str| -> Result<Option<i64>, Resp> {
        match opt_int(a, key)? {
            Some(n) if !(0..=MAX_RATE).contains(&n) => Err(invalid(
                key,
                &format!("'{n}' is not in range 0 through {MAX_RATE}"),
            )),
            other => Ok(other),
        }
    };
    match check_rate(value_key)? {
        Some(n) if kind == "dscp_marking" && !DSCP_MARKS.contains(&n) => {
            return Err(invalid(
                "dscp_mark",
                &format!("'{n}' is not a valid DSCP mark"),
            ));
        }
        Some(n) => {
            m.insert(value_key.into(), json!(n));
        }
        None if base.is_none() => return Err(required(value_key)),
        None => {}
    }
    if kind == "bandwidth_limit" {
        if let Some(n) = check_rate("max_burst_kbps")? {
            m.insert("max_burst_kbps".into(), json!(n));
        } else if base.is_none() {
            m.insert("max_burst_kbps".into(), json!(0));
        }
    }
    if !directions.is_empty() {
        match opt_str(a, "direction", 16)? {
            Some(d) if !directions.contains(&d.as_str()) => {
                return Err(invalid(
                    "direction",
                    &format!("{d} is not in {directions:?}"),
                ));
            }
            Some(d) => {
                m.insert("direction".into(), json!(d));
            }
            None if base.is_none() => {
                m.insert("direction".into(), json!("egress"));
            }
            None => {}
        }
    }
    Ok(m)
}

/// 409 when the policy has a rule of this type (and direction) already.
fn duplicate(
    policy: &QosPolicy,
    kind: &str,
    values: &Map<String, Value>,
    except: &str,
) -> Option<Resp> {
    let clash = policy.rules.iter().any(|r| {
        r.id != except
            && r.rule_type == kind
            && r.values.get("direction") == values.get("direction")
    });
    clash.then(|| {
        let class = match kind {
            "bandwidth_limit" => "QosBandwidthLimitRule",
            "dscp_marking" => "QosDscpMarkingRule",
            "minimum_bandwidth" => "QosMinimumBandwidthRule",
            _ => "QosMinimumPacketRateRule",
        };
        let (attrs, vals) = match values.get("direction").and_then(Value::as_str) {
            Some(d) => ("['qos_policy_id', 'direction']", format!("{}, {d}", policy.id)),
            None => ("['qos_policy_id']", policy.id.clone()),
        };
        error(
            409,
            "NeutronDbObjectDuplicateEntry",
            &format!("Failed to create a duplicate {class}: for attribute(s) {attrs} with value(s) {vals}"),
        )
    })
}

/// `GET …/{kind}_rules` and `GET …/{kind}_rules/{rule_id}`.
pub(crate) fn show_rules(
    ctx: &Ctx<'_>,
    policy_id: &str,
    kind: &str,
    rule_id: Option<&str>,
) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        let Some(p) = state.qos_policies.iter().find(|p| p.id == policy_id) else {
            return policy_not_found(policy_id);
        };
        let rules: Vec<&Rule> = p.rules.iter().filter(|r| r.rule_type == kind).collect();
        if let Some(rule_id) = rule_id {
            return match rules.iter().find(|r| r.id == rule_id) {
                Some(r) => {
                    let mut out = Map::new();
                    out.insert(
                        format!("{kind}_rule"),
                        Value::Object(project(ctx.req, r.to_json())),
                    );
                    Resp::json(200, &Value::Object(out))
                }
                None => rule_not_found(rule_id, policy_id),
            };
        }
        rules.iter().map(|r| r.to_json()).collect()
    };
    let name: &'static str = match kind {
        "bandwidth_limit" => "bandwidth_limit_rules",
        "dscp_marking" => "dscp_marking_rules",
        "minimum_bandwidth" => "minimum_bandwidth_rules",
        _ => "minimum_packet_rate_rules",
    };
    let (_, value_key, _) = spec(kind);
    let filterable = ["id", value_key, "max_burst_kbps", "direction"];
    let c = Collection {
        name,
        filterable: &filterable,
        extra: &[],
        not_found: |id| rule_not_found(id, "?"),
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `POST …/{kind}_rules` (201), `PUT …/{kind}_rules/{rule_id}` (200) or `DELETE` (204); each
/// change raises the policy's revision.
pub(crate) fn change_rule(
    ctx: &Ctx<'_>,
    policy_id: &str,
    kind: &'static str,
    rule_id: Option<&str>,
    deleting: bool,
) -> Resp {
    let key = format!("{kind}_rule");
    let body = if deleting {
        None
    } else {
        match attrs(ctx, &key) {
            Ok(a) => Some(a),
            Err(resp) => return resp,
        }
    };
    let mut state = ctx.shared.lock();
    let Some(p) = state.qos_policies.iter_mut().find(|p| p.id == policy_id) else {
        return policy_not_found(policy_id);
    };
    let existing = rule_id.map(|id| {
        p.rules
            .iter()
            .position(|r| r.id == id && r.rule_type == kind)
    });
    let (status, out) = match (existing, body) {
        (Some(None), _) => return rule_not_found(rule_id.unwrap_or_default(), policy_id),
        (Some(Some(i)), None) => {
            p.rules.remove(i);
            (204, None)
        }
        (Some(Some(i)), Some(a)) => {
            let values = match rule_values(kind, &a, Some(&p.rules[i].values)) {
                Ok(v) => v,
                Err(resp) => return resp,
            };
            if let Some(resp) = duplicate(p, kind, &values, &p.rules[i].id.clone()) {
                return resp;
            }
            p.rules[i].values = values;
            (200, Some(p.rules[i].to_json()))
        }
        (None, Some(a)) => {
            let values = match rule_values(kind, &a, None) {
                Ok(v) => v,
                Err(resp) => return resp,
            };
            if let Some(resp) = duplicate(p, kind, &values, "") {
                return resp;
            }
            let rule = Rule {
                id: ids::uuid4(),
                rule_type: kind,
                values,
            };
            let json = rule.to_json();
            p.rules.push(rule);
            (201, Some(json))
        }
        (None, None) => return super::method_not_allowed(),
    };
    p.revision_number += 1;
    p.updated_at = Utc::now();
    match out {
        Some(rule) => {
            let mut m = Map::new();
            m.insert(key, Value::Object(rule));
            Resp::json(status, &Value::Object(m))
        }
        None => Resp::empty(status),
    }
}

/// The Open vSwitch driver's parameters for a rule type.
fn parameters(kind: &str) -> Value {
    let range = |name: &str| {
        json!({"parameter_name": name, "parameter_type": "range",
               "parameter_values": {"start": 0, "end": MAX_RATE}})
    };
    let (_, value_key, directions) = spec(kind);
    let mut params = vec![if kind == "dscp_marking" {
        json!({"parameter_name": "dscp_mark", "parameter_type": "choices",
               "parameter_values": DSCP_MARKS})
    } else {
        range(value_key)
    }];
    if kind == "bandwidth_limit" {
        params.push(range("max_burst_kbps"));
    }
    if !directions.is_empty() {
        params.push(
            json!({"parameter_name": "direction", "parameter_type": "choices",
                           "parameter_values": directions}),
        );
    }
    Value::Array(params)
}

/// `GET /v2.0/qos/rule-types`: `{"rule_types": [{"type": …}]}`.
pub(crate) fn rule_types() -> Resp {
    let all: Vec<Value> = RULE_TYPES.iter().map(|t| json!({"type": t.0})).collect();
    Resp::json(200, &json!({"rule_types": all}))
}

/// `GET /v2.0/qos/rule-types/{type}`: the type with its driver and parameters; 404 for a type
/// the drivers do not support.
pub(crate) fn rule_type(kind: &str) -> Resp {
    if !RULE_TYPES.iter().any(|t| t.0 == kind) {
        return error(
            404,
            "HTTPNotFound",
            &format!("QoS rule type {kind} could not be found."),
        );
    }
    Resp::json(
        200,
        &json!({"rule_type": {"type": kind, "drivers": [
            {"name": "openvswitch", "supported_parameters": parameters(kind)}
        ]}}),
    )
}
