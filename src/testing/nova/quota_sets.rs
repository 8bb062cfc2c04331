//! `PUT` and `DELETE /os-quota-sets/{project}` (admin): set a project's limits (checked
//! against what it uses unless `force`), or drop them back to the defaults; and the
//! instances/cores/RAM check of a server create. Reads are in `extras.rs`.

use serde_json::{Map, Value, json};

use super::extras::{QUOTAS, limit_of, shown, usage};
use super::flavors::Flavor;
use super::schema;
use super::{Microversion, fault, policy_denied};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// One quota value: an integer (or a string of one) from -1 (unlimited) to 2147483647.
fn quota_value(key: &str, v: &Value) -> Result<i64, Resp> {
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(schema::invalid(
                    key,
                    v,
                    &format!("{} does not match '^-?[0-9]+$'", schema::py(v)),
                ));
            }
            s.parse().ok()
        }
        _ => None,
    };
    let Some(n) = n else {
        return Err(schema::invalid(
            key,
            v,
            &format!("{} is not of type 'integer', 'string'", schema::py(v)),
        ));
    };
    if n < -1 {
        return Err(schema::invalid(
            key,
            v,
            &format!("{n} is less than the minimum of -1"),
        ));
    }
    if n > 0x7FFF_FFFF {
        return Err(schema::invalid(
            key,
            v,
            &format!("{n} is greater than the maximum of 2147483647"),
        ));
    }
    Ok(n)
}

/// `PUT /os-quota-sets/{project}` `{"quota_set": {...}}`: 200 with the project's quotas
/// (no `id`); 400 for a limit below what the project uses (`Quota limit 1 for instances must
/// be greater than or equal to already used and reserved 2.`) unless `force`.
pub(crate) fn update(ctx: &Ctx<'_>, version: Microversion, project: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-quota-sets:update");
    }
    let Some(body) = ctx.req.json_body() else {
        return fault(400, "Malformed request body");
    };
    let mut allowed: Vec<&str> = QUOTAS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| shown(k, version))
        .collect();
    allowed.push("force");
    let parsed = schema::object("", &body)
        .and_then(|_| schema::keys("", &body, &["quota_set"], &["quota_set"]))
        .and_then(|()| schema::required("", &body, "quota_set"))
        .and_then(|q| {
            schema::object("quota_set", q)?;
            schema::no_extra("quota_set", q, &allowed)?;
            Ok(q)
        });
    let quota_set = match parsed {
        Ok(q) => q,
        Err(resp) => return resp,
    };
    let force = match quota_set.get("force") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => {
            matches!(
                s.to_lowercase().as_str(),
                "true" | "1" | "yes" | "on" | "y" | "t"
            )
        }
        Some(other) => {
            return schema::invalid(
                "force",
                other,
                &format!("{} is not of type 'boolean', 'string'", schema::py(other)),
            );
        }
    };
    let mut wanted = Vec::new();
    for (key, v) in quota_set.as_object().into_iter().flatten() {
        if key == "force" {
            continue;
        }
        match quota_value(key, v) {
            Ok(n) => wanted.push((key.clone(), n)),
            Err(resp) => return resp,
        }
    }
    let mut state = ctx.shared.lock();
    super::servers::settle_all(&mut state);
    if !force && project == ctx.project_id() {
        let (instances, cores, ram, groups) = usage(&state, project);
        let own_keypairs = state
            .keypairs
            .iter()
            .filter(|k| k.user_id == ctx.user_id())
            .count();
        let keypairs = i64::try_from(own_keypairs).unwrap_or(i64::MAX);
        for (key, limit) in &wanted {
            let used = match key.as_str() {
                "instances" => instances,
                "cores" => cores,
                "ram" => ram,
                "server_groups" => groups,
                "key_pairs" => keypairs,
                _ => 0,
            };
            if *limit != -1 && *limit < used {
                return fault(
                    400,
                    &format!(
                        "Quota limit {limit} for {key} must be greater than or equal to \
                         already used and reserved {used}."
                    ),
                );
            }
        }
    }
    let entry = state.quotas.entry(project.to_string()).or_default();
    entry.extend(wanted);
    let mut m = Map::new();
    for (key, _) in QUOTAS.iter().filter(|(k, _)| shown(k, version)) {
        m.insert((*key).to_string(), json!(limit_of(&state, project, key)));
    }
    Resp::json(200, &json!({ "quota_set": Value::Object(m) }))
}

/// `DELETE /os-quota-sets/{project}` (202): back to the defaults.
pub(crate) fn delete(ctx: &Ctx<'_>, project: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-quota-sets:delete");
    }
    ctx.shared.lock().quotas.remove(project);
    Resp::empty(202)
}

/// Nova's quota check of `POST /servers` for `count` servers of `flavor`: 403 `Quota exceeded
/// for instances: Requested 1, but already used 10 of 10 instances` (likewise `cores`, `ram`).
pub(crate) fn check_create(
    ctx: &Ctx<'_>,
    state: &State,
    flavor: &Flavor,
    count: u64,
) -> Result<(), Resp> {
    let (instances, cores, ram, _) = usage(state, ctx.project_id());
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    let per = |n: u64| i64::try_from(n).unwrap_or(i64::MAX).saturating_mul(count);
    for (key, used, requested) in [
        ("instances", instances, count),
        ("cores", cores, per(flavor.vcpus)),
        ("ram", ram, per(flavor.ram)),
    ] {
        let allowed = limit_of(state, ctx.project_id(), key);
        if allowed >= 0 && used.saturating_add(requested) > allowed {
            return Err(fault(
                403,
                &format!(
                    "Quota exceeded for {key}: Requested {requested}, but already used {used} \
                     of {allowed} {key}"
                ),
            ));
        }
    }
    Ok(())
}
