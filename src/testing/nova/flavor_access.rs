//! Private flavors: who may see them, `GET /flavors/{id}/os-flavor-access` and the
//! `addTenantAccess` / `removeTenantAccess` flavor actions (admin). Project ids are stored as
//! given.

use serde_json::{Value, json};

use super::flavors::{self, Flavor};
use super::schema::{self, required};
use super::{fault, policy_denied};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// Whether the caller sees `flavor` (`GET /flavors/{id}` and the extra specs): public ones,
/// and private ones for admins and for projects given access.
pub(crate) fn visible(ctx: &Ctx<'_>, state: &State, flavor: &Flavor) -> bool {
    flavor.is_public || ctx.is_admin() || has_access(ctx, state, flavor)
}

/// Whether the caller's project was given access to `flavor`.
pub(crate) fn has_access(ctx: &Ctx<'_>, state: &State, flavor: &Flavor) -> bool {
    state
        .flavor_access
        .get(&flavor.id)
        .is_some_and(|p| p.iter().any(|t| t == ctx.project_id()))
}

/// The flavor `id` if the caller sees it, else Nova's 404.
pub(crate) fn find_visible<'a>(
    ctx: &Ctx<'_>,
    state: &'a State,
    id: &str,
) -> Result<&'a Flavor, Resp> {
    flavors::find_live(state, id)
        .filter(|f| visible(ctx, state, f))
        .ok_or_else(|| fault(404, &format!("Flavor {id} could not be found.")))
}

fn access_body(state: &State, flavor_id: &str) -> Value {
    let list: Vec<Value> = state
        .flavor_access
        .get(flavor_id)
        .into_iter()
        .flatten()
        .map(|t| json!({"flavor_id": flavor_id, "tenant_id": t}))
        .collect();
    json!({ "flavor_access": list })
}

/// `GET /flavors/{id}/os-flavor-access` (admin): 404 for a public flavor.
pub(crate) fn index(ctx: &Ctx<'_>, id: &str) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-flavor-access");
    }
    let state = ctx.shared.lock();
    let flavor = match find_visible(ctx, &state, id) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    if flavor.is_public {
        return fault(404, "Access list not available for public flavors.");
    }
    Resp::json(200, &access_body(&state, id))
}

/// `POST /flavors/{id}/action`: `addTenantAccess` (409 for a public flavor from 2.7 or a
/// project that has access) and `removeTenantAccess` (404 when it had none); 200 with the
/// access list.
pub(crate) fn action(ctx: &Ctx<'_>, version: super::Microversion, id: &str) -> Resp {
    let (name, args) = match super::schema::action_body(ctx.req) {
        Ok(action) => action,
        Err(resp) => return resp,
    };
    let (name, args) = (name.as_str(), &args);
    let add = match name {
        "addTenantAccess" => true,
        "removeTenantAccess" => false,
        other => return fault(400, &format!("There is no such action: {other}")),
    };
    let tenant = match schema::object(name, args)
        .and_then(|_| schema::keys(name, args, &["tenant"], &["tenant"]))
        .and_then(|()| required(name, args, "tenant"))
        .and_then(|t| schema::string("tenant", t, 1, 255))
    {
        Ok(t) => t.to_string(),
        Err(resp) => return resp,
    };
    let rule = if add {
        "add_tenant_access"
    } else {
        "remove_tenant_access"
    };
    if !ctx.is_admin() {
        return policy_denied(&format!("os_compute_api:os-flavor-access:{rule}"));
    }
    let mut state = ctx.shared.lock();
    let is_public = match find_visible(ctx, &state, id) {
        Ok(f) => f.is_public,
        Err(resp) => return resp,
    };
    let list = state.flavor_access.entry(id.to_string()).or_default();
    if add {
        if is_public && version.at_least(7) {
            return fault(409, "Can not add access to a public flavor.");
        }
        if list.contains(&tenant) {
            return fault(
                409,
                &format!(
                    "Flavor access already exists for flavor {id} and project {tenant} \
                     combination."
                ),
            );
        }
        list.push(tenant);
    } else {
        if !list.contains(&tenant) {
            return fault(
                404,
                &format!("Flavor access not found for {id} / {tenant} combination."),
            );
        }
        list.retain(|t| t != &tenant);
    }
    Resp::json(200, &access_body(&state, id))
}
