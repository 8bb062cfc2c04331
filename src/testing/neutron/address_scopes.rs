//! `/v2.0/address-scopes` (`address-scope` extension): list (filters, sorting, paging, fields),
//! show, create, update (`name`, `shared`), delete; 409 `AddressScopeInUse` while a subnet pool
//! is in the scope. Bodies as a Neutron 28 answers them (no timestamps or revision number).

use serde_json::{Map, Value, json};

use super::body::{attrs, check_keys, opt_bool, opt_int, opt_str, owner, required};
use super::error;
use super::networks::{Collection, invalid, list_collection, project};
use super::rbac_policies::{object_deleted, sync_flag};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;

/// An address scope of the fake.
#[derive(Clone, Debug)]
pub(crate) struct AddressScope {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) project_id: String,
    pub(crate) ip_version: u8,
    pub(crate) shared: bool,
}

impl AddressScope {
    /// The API body, in Neutron's key order.
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("name".into(), json!(self.name));
        m.insert("shared".into(), json!(self.shared));
        m.insert("ip_version".into(), json!(self.ip_version));
        m.insert("tenant_id".into(), json!(self.project_id));
        m
    }
}

/// 404 `AddressScopeNotFound`.
pub(crate) fn scope_not_found(id: &str) -> Resp {
    error(
        404,
        "AddressScopeNotFound",
        &format!("Address scope {id} could not be found."),
    )
}

/// Neutron's 403 for a policy rule the caller does not pass.
pub(super) fn policy_denied(rule: &str) -> Resp {
    error(
        403,
        "PolicyNotAuthorized",
        &format!("{rule} is disallowed by policy"),
    )
}

const FILTERABLE: [&str; 6] = [
    "id",
    "name",
    "shared",
    "ip_version",
    "project_id",
    "tenant_id",
];

/// `GET /v2.0/address-scopes`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = ctx
        .shared
        .lock()
        .address_scopes
        .iter()
        .map(AddressScope::to_json)
        .collect();
    let c = Collection {
        name: "address_scopes",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: scope_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/address-scopes/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.address_scopes.iter().find(|s| s.id == id) {
        Some(s) => Resp::json(
            200,
            &json!({"address_scope": project(ctx.req, s.to_json())}),
        ),
        None => scope_not_found(id),
    }
}

/// `POST /v2.0/address-scopes`: 201; `name` and `ip_version` (4 or 6) required; `shared` only
/// for admins (403).
pub(crate) fn create(ctx: &Ctx<'_>) -> Resp {
    let parsed = (|| {
        let a = attrs(ctx, "address_scope")?;
        check_keys(
            &a,
            "POST",
            &["name", "ip_version", "shared", "project_id", "tenant_id"],
            &["id"],
        )?;
        let name = opt_str(&a, "name", 255)?.ok_or_else(|| required("name"))?;
        let version = opt_int(&a, "ip_version")?.ok_or_else(|| required("ip_version"))?;
        let ip_version = match version {
            4 => 4,
            6 => 6,
            other => {
                return Err(invalid(
                    "ip_version",
                    &format!("{other} is not in valid_values"),
                ));
            }
        };
        let shared = opt_bool(&a, "shared")?.unwrap_or(false);
        if shared && !ctx.is_admin() {
            return Err(policy_denied(
                "(rule:create_address_scope and rule:create_address_scope:shared)",
            ));
        }
        Ok(AddressScope {
            id: ids::uuid4(),
            name,
            project_id: owner(ctx, &a)?,
            ip_version,
            shared,
        })
    })();
    let scope = match parsed {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let body = json!({"address_scope": scope.to_json()});
    let mut state = ctx.shared.lock();
    let (id, owner, shared) = (scope.id.clone(), scope.project_id.clone(), scope.shared);
    state.address_scopes.push(scope);
    sync_flag(
        &mut state,
        "address_scope",
        &id,
        &owner,
        "access_as_shared",
        shared,
    );
    Resp::json(201, &body)
}

/// `PUT /v2.0/address-scopes/{id}`: `name`, `shared` (admin only; a shared scope cannot be made
/// private again, 400 `AddressScopeUpdateError`).
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let parsed = (|| {
        let a = attrs(ctx, "address_scope")?;
        check_keys(
            &a,
            "PUT",
            &["name", "shared"],
            &["id", "ip_version", "project_id", "tenant_id"],
        )?;
        Ok::<_, Resp>((opt_str(&a, "name", 255)?, opt_bool(&a, "shared")?))
    })();
    let (name, shared) = match parsed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(s) = state.address_scopes.iter_mut().find(|s| s.id == id) else {
        return scope_not_found(id);
    };
    if let Some(shared) = shared {
        if !ctx.is_admin() {
            return policy_denied(
                "(rule:update_address_scope and rule:update_address_scope:shared)",
            );
        }
        if s.shared && !shared {
            return error(
                400,
                "AddressScopeUpdateError",
                &format!(
                    "Unable to update address scope {id} : Shared address scope can't be unshared."
                ),
            );
        }
        s.shared = shared;
    }
    if let Some(n) = name {
        s.name = n;
    }
    let body = json!({"address_scope": s.to_json()});
    let (owner, shared) = (s.project_id.clone(), s.shared);
    sync_flag(
        &mut state,
        "address_scope",
        id,
        &owner,
        "access_as_shared",
        shared,
    );
    Resp::json(200, &body)
}

/// `DELETE /v2.0/address-scopes/{id}`: 204; 409 `AddressScopeInUse` while a subnet pool is in it.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    if !state.address_scopes.iter().any(|s| s.id == id) {
        return scope_not_found(id);
    }
    if state
        .subnet_pools
        .iter()
        .any(|p| p.address_scope_id.as_deref() == Some(id))
    {
        return error(
            409,
            "AddressScopeInUse",
            &format!(
                "Unable to complete operation on address scope {id}. There are one or more subnet pools in use on the address scope."
            ),
        );
    }
    state.address_scopes.retain(|s| s.id != id);
    object_deleted(&mut state, "address_scope", id);
    Resp::empty(204)
}
