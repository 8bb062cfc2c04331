//! `/os-server-groups`: list (`limit`/`offset`), create (`policies` before 2.64, `policy` +
//! `rules` from 2.64), show, delete. Servers join a group at boot with
//! `os:scheduler_hints: {"group": id}`; the single fake host refuses a second member of an
//! `anti-affinity` group (more with `max_server_per_host`), as Nova's scheduler would.

use serde_json::{Map, Value, json};

use super::schema::{self, invalid, no_extra, object, one_of, required};
use super::{Microversion, fault};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// Nova's default `server_groups` quota.
const QUOTA: usize = 10;

/// A server group.
#[derive(Clone, Debug)]
pub(crate) struct ServerGroup {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) policy: String,
    /// `rules.max_server_per_host` (anti-affinity only).
    pub(crate) max_server_per_host: Option<u64>,
    /// Member server ids, in the order they joined.
    pub(crate) members: Vec<String>,
    /// The project and user that created it.
    pub(crate) project_id: String,
    pub(crate) user_id: String,
}

impl ServerGroup {
    /// How many live members the one fake host may hold: any number, except for
    /// `anti-affinity` (one, or `max_server_per_host`).
    pub(crate) fn host_capacity(&self) -> Option<usize> {
        (self.policy == "anti-affinity").then(|| {
            self.max_server_per_host
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(1)
        })
    }
}

fn not_found(id: &str) -> Resp {
    fault(404, &format!("Instance group {id} could not be found."))
}

/// The live members of `group` (Nova shows members that are not deleted).
fn live_members(state: &State, group: &ServerGroup) -> Vec<String> {
    group
        .members
        .iter()
        .filter(|m| state.servers.iter().any(|s| &s.id == *m && s.is_live()))
        .cloned()
        .collect()
}

/// The ids of the groups `server_id` is a member of (`server_groups`, 2.71).
pub(crate) fn groups_of(state: &State, server_id: &str) -> Vec<String> {
    state
        .server_groups
        .iter()
        .filter(|g| g.members.iter().any(|m| m == server_id))
        .map(|g| g.id.clone())
        .collect()
}

fn view(state: &State, g: &ServerGroup, version: Microversion) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(g.id));
    m.insert("name".into(), json!(g.name));
    if version.at_least(64) {
        m.insert("policy".into(), json!(g.policy));
        let rules = match g.max_server_per_host {
            Some(n) => json!({ "max_server_per_host": n }),
            None => json!({}),
        };
        m.insert("rules".into(), rules);
    } else {
        m.insert("policies".into(), json!([g.policy]));
        m.insert("metadata".into(), json!({}));
    }
    m.insert("members".into(), json!(live_members(state, g)));
    if version.at_least(13) {
        m.insert("project_id".into(), json!(g.project_id));
        m.insert("user_id".into(), json!(g.user_id));
    }
    Value::Object(m)
}

fn non_negative(ctx: &Ctx<'_>, key: &str) -> Result<Option<usize>, Resp> {
    match ctx.req.query_first(key) {
        None => Ok(None),
        Some(raw) => raw.parse::<usize>().map(Some).map_err(|_| {
            fault(
                400,
                &format!(
                    "Invalid input for query parameters {key}. Value: {raw}. '{raw}' does not \
                     match '^[0-9]*$'"
                ),
            )
        }),
    }
}

/// `GET /os-server-groups`: in creation order, `offset` then `limit` (capped at `max_limit`).
pub(crate) fn list(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    let (offset, limit) = match (non_negative(ctx, "offset"), non_negative(ctx, "limit")) {
        (Ok(o), Ok(l)) => (o.unwrap_or(0), l),
        (Err(resp), _) | (_, Err(resp)) => return resp,
    };
    let max = ctx.shared.settings.max_limit;
    let limit = limit.filter(|l| *l > 0).unwrap_or(max).min(max);
    let all_projects = ctx.is_admin()
        && ctx.req.query_first("all_projects").is_some_and(|v| {
            !matches!(
                v.to_ascii_lowercase().as_str(),
                "0" | "false" | "f" | "no" | "n" | "off"
            )
        });
    let state = ctx.shared.lock();
    let groups: Vec<Value> = state
        .server_groups
        .iter()
        .filter(|g| all_projects || g.project_id == ctx.project_id())
        .skip(offset)
        .take(limit)
        .map(|g| view(&state, g, version))
        .collect();
    Resp::json(200, &json!({ "server_groups": groups }))
}

/// `GET /os-server-groups/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.server_groups.iter().find(|g| g.id == id) {
        Some(g) if !ctx.may_see(&g.project_id) => not_found(id),
        Some(g) => Resp::json(200, &json!({ "server_group": view(&state, g, version) })),
        None => not_found(id),
    }
}

/// `DELETE /os-server-groups/{id}`: 204; the members stay, outside any group.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    match state.server_groups.iter().find(|g| g.id == id) {
        None => return not_found(id),
        Some(g) if !ctx.may_see(&g.project_id) => return not_found(id),
        Some(_) => {}
    }
    state.server_groups.retain(|g| g.id != id);
    Resp::empty(204)
}

/// `POST /os-server-groups`: 200 with the group.
pub(crate) fn create(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    match create_inner(ctx, version) {
        Ok(resp) | Err(resp) => resp,
    }
}

fn create_inner(ctx: &Ctx<'_>, version: Microversion) -> Result<Resp, Resp> {
    let Some(body) = ctx.req.json_body() else {
        return Err(fault(400, "Malformed request body"));
    };
    object("", &body)?;
    schema::keys("", &body, &["server_group"], &["server_group"])?;
    let group = required("", &body, "server_group")?;
    object("server_group", group)?;
    let mut policies = vec!["anti-affinity", "affinity"];
    if version.at_least(15) {
        policies.extend(["soft-anti-affinity", "soft-affinity"]);
    }
    let (policy, max_per_host) = if version.at_least(64) {
        schema::keys(
            "server_group",
            group,
            &["name", "policy"],
            &["name", "policy", "rules"],
        )?;
        let policy = one_of(
            "policy",
            required("server_group", group, "policy")?,
            &policies,
        )?;
        let rules = match group.get("rules") {
            None => None,
            Some(r) => {
                object("rules", r)?;
                no_extra("rules", r, &["max_server_per_host"])?;
                match r.get("max_server_per_host") {
                    None => None,
                    Some(v) => Some(positive_integer("max_server_per_host", v)?),
                }
            }
        };
        let has_rules = group
            .get("rules")
            .and_then(Value::as_object)
            .is_some_and(|r| !r.is_empty());
        if policy != "anti-affinity" && has_rules {
            return Err(fault(400, "Only anti-affinity policy supports rules."));
        }
        (policy.to_string(), rules)
    } else {
        schema::keys(
            "server_group",
            group,
            &["name", "policies"],
            &["name", "policies"],
        )?;
        let list = required("server_group", group, "policies")?;
        let Some(items) = list.as_array() else {
            return Err(schema::not_type("policies", list, "array"));
        };
        match items.as_slice() {
            [] => {
                return Err(invalid(
                    "policies",
                    list,
                    &format!("{} should be non-empty", schema::py(list)),
                ));
            }
            [one] => (one_of("0", one, &policies)?.to_string(), None),
            _ => {
                return Err(invalid(
                    "policies",
                    list,
                    &format!("{} is too long", schema::py(list)),
                ));
            }
        }
    };
    let name = schema::name("name", required("server_group", group, "name")?)?.to_string();

    let mut state = ctx.shared.lock();
    let project_id = ctx.project_id().to_string();
    if state
        .server_groups
        .iter()
        .filter(|g| g.project_id == project_id)
        .count()
        >= QUOTA
    {
        return Err(fault(403, "Quota exceeded, too many server groups."));
    }
    let g = ServerGroup {
        id: ids::uuid4(),
        name,
        policy,
        max_server_per_host: max_per_host,
        members: Vec::new(),
        project_id,
        user_id: ctx.user_id().to_string(),
    };
    let body = json!({ "server_group": view(&state, &g, version) });
    state.server_groups.push(g);
    Ok(Resp::json(200, &body))
}

/// `parameter_types.positive_integer`: an integer (or digits) of at least 1.
fn positive_integer(field: &str, v: &Value) -> Result<u64, Resp> {
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        Value::String(_) => {
            return Err(invalid(
                field,
                v,
                &format!("{} does not match '^[0-9]*$'", schema::py(v)),
            ));
        }
        other => {
            return Err(invalid(
                field,
                other,
                &format!("{} is not of type 'integer', 'string'", schema::py(other)),
            ));
        }
    };
    match n {
        Some(n) if n >= 1 => Ok(n),
        _ => Err(invalid(
            field,
            v,
            &format!("{} is less than the minimum of 1", schema::py(v)),
        )),
    }
}
