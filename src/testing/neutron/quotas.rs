//! `/v2.0/quotas[/{project}[/details|/default]]` (`quotas`, `quota_details`): Neutron's
//! default limits, a project's own limits (`PUT` sets them, admin only; `DELETE` goes back to the
//! defaults), usage counted from the fake's state, and the list of projects with own limits.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::address_scopes::policy_denied;
use super::body::{attrs, check_keys};
use super::error;
use super::networks::invalid;
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// Neutron's default quotas, in its order.
pub(crate) const QUOTAS: [(&str, i64); 9] = [
    ("network", 100),
    ("subnet", 100),
    ("subnetpool", -1),
    ("port", 500),
    ("router", 10),
    ("floatingip", 50),
    ("rbac_policy", 10),
    ("security_group", 10),
    ("security_group_rule", 100),
];

/// A project's limits: the defaults overlaid with what was set for it.
fn limits(state: &State, project: &str) -> Vec<(&'static str, i64)> {
    let own = state.network_quotas.get(project);
    QUOTAS
        .iter()
        .map(|(r, d)| (*r, own.and_then(|o| o.get(*r)).copied().unwrap_or(*d)))
        .collect()
}

/// How many of `resource` project `project` has.
fn used(state: &State, project: &str, resource: &str) -> i64 {
    macro_rules! count {
        ($list:expr) => {
            $list.iter().filter(|x| x.project_id == project).count()
        };
    }
    let n = match resource {
        "network" => count!(state.networks),
        "subnet" => count!(state.subnets),
        "subnetpool" => count!(state.subnet_pools),
        "port" => count!(state.ports),
        "router" => count!(state.routers),
        "floatingip" => count!(state.floating_ips),
        "rbac_policy" => count!(state.rbac_policies),
        "security_group" => count!(state.security_groups),
        "security_group_rule" => count!(state.security_group_rules),
        _ => 0,
    };
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn body(pairs: &[(&'static str, i64)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(r, l)| ((*r).to_string(), json!(l)))
        .collect()
}

/// `GET /v2.0/quotas/{project}` (`details`: `{limit, used, reserved}` each); another
/// project's is 403 for a member.
pub(crate) fn show(ctx: &Ctx<'_>, project: &str, details: bool) -> Resp {
    // A member reads its own project's quotas only (Neutron 28's `get_quota` policy).
    if !ctx.may_see(project) {
        return policy_denied("rule:get_quota");
    }
    let state = ctx.shared.lock();
    let mut m = Map::new();
    for (resource, limit) in limits(&state, project) {
        let value = if details {
            json!({"limit": limit, "used": used(&state, project, resource), "reserved": 0})
        } else {
            json!(limit)
        };
        m.insert(resource.into(), value);
    }
    Resp::json(200, &json!({ "quota": Value::Object(m) }))
}

/// `GET /v2.0/quotas/{project}/default`.
pub(crate) fn defaults() -> Resp {
    Resp::json(200, &json!({"quota": body(&QUOTAS)}))
}

/// `GET /v2.0/quotas`: the projects with limits of their own (admin).
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("rule:get_quota");
    }
    let state = ctx.shared.lock();
    let all: Vec<Value> = state
        .network_quotas
        .keys()
        .map(|project| {
            let mut m = body(&limits(&state, project));
            m.insert("project_id".into(), json!(project));
            m.insert("tenant_id".into(), json!(project));
            Value::Object(m)
        })
        .collect();
    Resp::json(200, &json!({"quotas": all}))
}

/// `PUT /v2.0/quotas/{project}` `{"quota": {"network": 20, ...}}`: 200 with every limit;
/// limits are integers of at least -1 (unlimited); admin only.
pub(crate) fn update(ctx: &Ctx<'_>, project: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("rule:update_quota");
    }
    let a = match attrs(ctx, "quota") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let known: Vec<&str> = QUOTAS.iter().map(|(r, _)| *r).collect();
    if let Err(resp) = check_keys(&a, "PUT", &known, &["project_id", "tenant_id"]) {
        return resp;
    }
    let mut set = BTreeMap::new();
    for (key, v) in &a {
        let n = match v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        {
            Some(n) => n,
            None => {
                let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                return error(
                    400,
                    "InvalidInput",
                    &format!("Invalid input for operation: '{shown}' is not an integer."),
                );
            }
        };
        if n < -1 {
            return invalid(key, &format!("'{n}' is too small - must be at least '-1'"));
        }
        set.insert(key.clone(), n);
    }
    let mut state = ctx.shared.lock();
    state
        .network_quotas
        .entry(project.to_string())
        .or_default()
        .extend(set);
    Resp::json(200, &json!({"quota": body(&limits(&state, project))}))
}

/// `DELETE /v2.0/quotas/{project}`: 204, back to the defaults; 404 `TenantQuotaNotFound` for a
/// project without own limits (as Neutron 28 answers); admin only.
pub(crate) fn reset(ctx: &Ctx<'_>, project: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("rule:delete_quota");
    }
    if ctx.shared.lock().network_quotas.remove(project).is_none() {
        return error(
            404,
            "TenantQuotaNotFound",
            &format!("Quota for project {project} could not be found."),
        );
    }
    Resp::empty(204)
}
