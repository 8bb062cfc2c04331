//! `/flavors/{id}/os-extra_specs[/{key}]`: list and show (anyone who sees the flavor), create
//! (merge), update one and delete one (admin), with Nova's validation (2.86+ for the known
//! `hw:` specs the fake checks).

use serde_json::{Map, Value, json};

use super::flavor_access::find_visible;
use super::{Microversion, fault, policy_denied};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;

/// Nova 2.86's validation of the specs the fake knows; others are accepted as they are.
fn validate(name: &str, value: &str) -> Result<(), Resp> {
    let enums: &[&str] = match name {
        "hw:cpu_policy" => &["dedicated", "shared", "mixed"],
        "hw:cpu_thread_policy" => &["prefer", "isolate", "require"],
        "hw:emulator_threads_policy" => &["isolate", "share"],
        _ => &[],
    };
    if !enums.is_empty() && !enums.contains(&value) {
        return Err(fault(
            400,
            &format!(
                "Validation failed; '{value}' is not one of: {}.",
                enums.join(", ")
            ),
        ));
    }
    if name == "hw:numa_nodes" {
        match value.parse::<i64>() {
            Err(_) => {
                return Err(fault(
                    400,
                    &format!("Validation failed; '{value}' is not a valid integer value."),
                ));
            }
            Ok(n) if n < 1 => {
                return Err(fault(
                    400,
                    &format!("Validation failed; '{value}' is less than the min value of '1'."),
                ));
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// The specs of a body (`{"key": "value" | number}`), checked as Nova's schema does.
fn specs(field: &str, v: &Value, version: Microversion) -> Result<Vec<(String, String)>, Resp> {
    let Some(map) = v.as_object() else {
        return Err(super::schema::not_type(field, v, "object"));
    };
    let mut out = Vec::new();
    for (k, val) in map {
        let key_ok = !k.is_empty()
            && k.len() <= 255
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:. ".contains(c));
        if !key_ok {
            return Err(super::schema::invalid(
                field,
                v,
                &format!("Additional properties are not allowed ('{k}' was unexpected)"),
            ));
        }
        let value = match val {
            Value::String(s) if s.len() <= 255 => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(super::schema::invalid(
                    &format!("{field}/{k}"),
                    other,
                    &format!(
                        "{} is not of type 'string', 'number'",
                        super::schema::py(other)
                    ),
                ));
            }
        };
        if version.at_least(86) {
            validate(k, &value)?;
        }
        out.push((k.clone(), value));
    }
    Ok(out)
}

/// `GET /flavors/{id}/os-extra_specs[/{key}]`.
pub(crate) fn show(ctx: &Ctx<'_>, flavor_id: &str, key: Option<&str>) -> Resp {
    let state = ctx.shared.lock();
    let flavor = match find_visible(ctx, &state, flavor_id) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    match key {
        None => Resp::json(200, &json!({"extra_specs": flavor.extra_specs})),
        Some(key) => match flavor.extra_specs.get(key) {
            Some(v) => {
                let mut m = Map::new();
                m.insert(key.to_string(), json!(v));
                Resp::json(200, &Value::Object(m))
            }
            None => not_found(flavor_id, key),
        },
    }
}

/// Adds `new` to the flavor's extra specs (replacing keys it has) and echoes `body`, as Nova
/// answers a create or an update; 404 for a flavor the caller does not see.
fn merge(ctx: &Ctx<'_>, flavor_id: &str, new: Vec<(String, String)>, body: &Value) -> Resp {
    let mut state = ctx.shared.lock();
    if let Err(resp) = find_visible(ctx, &state, flavor_id) {
        return resp;
    }
    if let Some(f) = state
        .flavors
        .iter_mut()
        .find(|f| f.id == flavor_id && !f.deleted)
    {
        f.extra_specs.extend(new);
    }
    Resp::json(200, body)
}

fn not_found(flavor_id: &str, key: &str) -> Resp {
    fault(
        404,
        &format!("Flavor {flavor_id} has no extra specs with key {key}."),
    )
}

/// `POST /flavors/{id}/os-extra_specs` `{"extra_specs": {...}}` (admin): merges; echoes the
/// body.
pub(crate) fn create(ctx: &Ctx<'_>, version: Microversion, flavor_id: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-flavor-extra-specs:create");
    }
    let Some(body) = ctx.req.json_body() else {
        return fault(400, "Malformed request body");
    };
    let parsed = super::schema::object("", &body)
        .and_then(|_| super::schema::keys("", &body, &["extra_specs"], &["extra_specs"]))
        .and_then(|()| super::schema::required("", &body, "extra_specs"))
        .and_then(|v| specs("extra_specs", v, version));
    let new = match parsed {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    merge(ctx, flavor_id, new, &body)
}

/// `PUT /flavors/{id}/os-extra_specs/{key}` `{"key": "value"}` (admin): 400 `Request body and
/// URI mismatch` for another key; echoes the body.
pub(crate) fn update(ctx: &Ctx<'_>, version: Microversion, flavor_id: &str, key: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-flavor-extra-specs:update");
    }
    let Some(body) = ctx.req.json_body() else {
        return fault(400, "Malformed request body");
    };
    let count = body.as_object().map_or(0, Map::len);
    if body.is_object() && count != 1 {
        let detail = if count == 0 {
            "{} does not have enough properties".to_string()
        } else {
            format!("{} has too many properties", super::schema::py(&body))
        };
        return super::schema::invalid("", &body, &detail);
    }
    let new = match specs("", &body, version) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if !new.iter().any(|(k, _)| k == key) {
        return fault(400, "Request body and URI mismatch");
    }
    merge(ctx, flavor_id, new, &body)
}

/// `DELETE /flavors/{id}/os-extra_specs/{key}` (admin, 200 with no body).
pub(crate) fn delete(ctx: &Ctx<'_>, flavor_id: &str, key: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-flavor-extra-specs:delete");
    }
    let mut state = ctx.shared.lock();
    if let Err(resp) = find_visible(ctx, &state, flavor_id) {
        return resp;
    }
    let removed = state
        .flavors
        .iter_mut()
        .find(|f| f.id == flavor_id)
        .and_then(|f| f.extra_specs.remove(key));
    match removed {
        Some(_) => Resp::empty(200),
        None => not_found(flavor_id, key),
    }
}
