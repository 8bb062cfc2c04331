//! Flavor management (admin): `POST /flavors`, `PUT /flavors/{id}` (2.55, the description) and
//! `DELETE /flavors/{id}`, with Nova's schema and its 409s for a taken name or id.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::flavors::{self, Flavor};
use super::schema::{self, invalid, required};
use super::{Microversion, fault, policy_denied};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;

/// Nova's largest flavor value (`db.MAX_INT`).
const MAX_INT: u64 = 0x7FFF_FFFF;

/// An integer flavor parameter (or a string of digits), at least `min`.
fn int_param(key: &str, v: &Value, min: u64) -> Result<u64, Resp> {
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if !s.is_empty() && s.trim().bytes().all(|b| b.is_ascii_digit()) => {
            s.trim().parse().ok()
        }
        _ => None,
    };
    match n {
        Some(n) if n < min => Err(invalid(
            key,
            v,
            &format!("{} is less than the minimum of {min}", schema::py(v)),
        )),
        Some(n) if n > MAX_INT => Err(invalid(
            key,
            v,
            &format!("{} is greater than the maximum of {MAX_INT}", schema::py(v)),
        )),
        Some(n) => Ok(n),
        None => Err(invalid(
            key,
            v,
            &format!("{} is not of type 'integer', 'string'", schema::py(v)),
        )),
    }
}

/// `POST /flavors` (200 with the flavor): `name`, `ram`, `vcpus`, `disk` required; `id`
/// (a UUID when absent), `swap`, `OS-FLV-EXT-DATA:ephemeral`, `rxtx_factor`,
/// `os-flavor-access:is_public`, `description` (2.55).
pub(crate) fn create(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-flavor-manage:create");
    }
    let Some(body) = ctx.req.json_body() else {
        return fault(400, "Malformed request body");
    };
    match parse(&body, version) {
        Ok(flavor) => {
            let mut state = ctx.shared.lock();
            if state
                .flavors
                .iter()
                .any(|f| f.name == flavor.name && !f.deleted)
            {
                return fault(
                    409,
                    &format!("Flavor with name {} already exists.", flavor.name),
                );
            }
            if flavors::find_live(&state, &flavor.id).is_some() {
                return fault(
                    409,
                    &format!("Flavor with ID {} already exists.", flavor.id),
                );
            }
            let out = flavors::detail(&ctx.shared.base, &flavor, version);
            state.flavors.push(flavor);
            flavors::sort(&mut state.flavors);
            Resp::json(200, &json!({ "flavor": out }))
        }
        Err(resp) => resp,
    }
}

fn parse(body: &Value, version: Microversion) -> Result<Flavor, Resp> {
    schema::object("", body)?;
    schema::keys("", body, &["flavor"], &["flavor"])?;
    let f = required("", body, "flavor")?;
    schema::object("flavor", f)?;
    let mut allowed = vec![
        "name",
        "id",
        "ram",
        "vcpus",
        "disk",
        "OS-FLV-EXT-DATA:ephemeral",
        "swap",
        "rxtx_factor",
        "os-flavor-access:is_public",
    ];
    if version.at_least(55) {
        allowed.push("description");
    }
    schema::keys("flavor", f, &["name", "ram", "vcpus", "disk"], &allowed)?;
    let name = schema::name("name", required("flavor", f, "name")?)?.to_string();
    let id = match f.get("id") {
        None | Some(Value::Null) => ids::uuid4(),
        Some(v) => {
            let id = schema::string("id", v, 1, 255)?;
            let ok = !id.starts_with(' ')
                && !id.ends_with(' ')
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ". _-".contains(c));
            if !ok {
                return Err(invalid(
                    "id",
                    v,
                    &format!(
                        "{} does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'",
                        schema::py(v)
                    ),
                ));
            }
            id.to_string()
        }
    };
    let ram = int_param("ram", required("flavor", f, "ram")?, 1)?;
    let vcpus = int_param("vcpus", required("flavor", f, "vcpus")?, 1)?;
    let disk = int_param("disk", required("flavor", f, "disk")?, 0)?;
    let ephemeral = f
        .get("OS-FLV-EXT-DATA:ephemeral")
        .map(|v| int_param("OS-FLV-EXT-DATA:ephemeral", v, 0))
        .transpose()?
        .unwrap_or(0);
    let swap = f
        .get("swap")
        .map(|v| int_param("swap", v, 0))
        .transpose()?
        .unwrap_or(0);
    if let Some(r) = f.get("rxtx_factor") {
        if !r.as_f64().is_some_and(|x| x > 0.0) {
            return Err(invalid(
                "rxtx_factor",
                r,
                &format!("{} is not of type 'number'", schema::py(r)),
            ));
        }
    }
    let is_public = match f.get("os-flavor-access:is_public") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(invalid(
                "os-flavor-access:is_public",
                other,
                &format!("{} is not of type 'boolean'", schema::py(other)),
            ));
        }
    };
    let description = match f.get("description") {
        None | Some(Value::Null) => None,
        Some(v) => Some(schema::string("description", v, 0, 65535)?.to_string()),
    };
    Ok(Flavor {
        id,
        name,
        ram,
        disk,
        vcpus,
        ephemeral,
        swap,
        is_public,
        description,
        extra_specs: BTreeMap::new(),
        deleted: false,
    })
}

/// `PUT /flavors/{id}` `{"flavor": {"description"}}` (2.55+): 200 with the flavor.
pub(crate) fn update(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    if !version.at_least(55) {
        return super::method_not_allowed();
    }
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-flavor-manage:update");
    }
    let Some(body) = ctx.req.json_body() else {
        return fault(400, "Malformed request body");
    };
    let description = schema::object("", &body)
        .and_then(|_| schema::keys("", &body, &["flavor"], &["flavor"]))
        .and_then(|()| required("", &body, "flavor"))
        .and_then(|f| {
            schema::object("flavor", f)?;
            schema::keys("flavor", f, &["description"], &["description"])?;
            match required("flavor", f, "description")? {
                Value::Null => Ok(None),
                v => Ok(Some(
                    schema::string("description", v, 0, 65535)?.to_string(),
                )),
            }
        });
    let description = match description {
        Ok(d) => d,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(flavor) = state.flavors.iter_mut().find(|f| f.id == id && !f.deleted) else {
        return fault(404, &format!("Flavor {id} could not be found."));
    };
    flavor.description = description;
    let out = flavors::detail(&ctx.shared.base, flavor, version);
    Resp::json(200, &json!({ "flavor": out }))
}

/// `DELETE /flavors/{id}` (202): gone from the API; servers booted from it keep showing it
/// (Nova keeps a copy with each instance).
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-flavor-manage:delete");
    }
    let mut state = ctx.shared.lock();
    let Some(flavor) = state.flavors.iter_mut().find(|f| f.id == id && !f.deleted) else {
        return fault(404, &format!("Flavor {id} could not be found."));
    };
    flavor.deleted = true;
    state.flavor_access.remove(id);
    Resp::empty(202)
}
