//! `/v2.0/rbac-policies` (`rbac-policies`, `rbac-address-scope`, `rbac-subnetpool`): list
//! (filters, sorting, paging, fields), show, create, update (`target_tenant`), delete.
//!
//! Policies are stored with their `target_tenant` as given. A wildcard (`*`) policy is what a
//! resource's flag shows, both ways, as in Neutron: `access_as_shared` to `*` makes a network
//! (address scope, subnet pool, QoS policy) `shared: true`, `access_as_external` to `*` makes a
//! network `router:external: true`; deleting the policy reverts the flag; and setting the flag
//! through the resource's own API makes or drops the wildcard policy ([`sync_flag`]). Which
//! projects a policy lets see a network is answered by [`rbac_grants`].

use serde_json::{Map, Value, json};

use super::address_scopes::policy_denied;
use super::body::{attrs, check_keys, opt_str, owner, required};
use super::error;
use super::networks::{Collection, invalid, list_collection, project};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// The wildcard target: every project.
pub(crate) const ALL: &str = "*";

/// An RBAC policy of the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RbacPolicy {
    pub(crate) id: String,
    pub(crate) project_id: String,
    pub(crate) object_type: String,
    pub(crate) object_id: String,
    pub(crate) action: String,
    pub(crate) target_tenant: String,
}

impl RbacPolicy {
    /// The API body, in Neutron's key order.
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("action".into(), json!(self.action));
        m.insert("object_id".into(), json!(self.object_id));
        m.insert("target_tenant".into(), json!(self.target_tenant));
        m.insert("object_type".into(), json!(self.object_type));
        m.insert("tenant_id".into(), json!(self.project_id));
        m
    }
}

/// Whether project `project_id` may use network `network_id` through an RBAC policy
/// (`access_as_shared` or `access_as_external`, to it or to `*`). The owner's own access is not
/// an RBAC matter and not answered here. What a project sees of other projects' networks.
pub(crate) fn rbac_grants(state: &State, network_id: &str, project_id: &str) -> bool {
    state.rbac_policies.iter().any(|p| {
        p.object_type == "network"
            && p.object_id == network_id
            && (p.target_tenant == ALL || p.target_tenant == project_id)
    })
}

/// The actions each object type takes, in Neutron's order.
fn actions(object_type: &str) -> Option<&'static [&'static str]> {
    match object_type {
        "network" => Some(&["access_as_shared", "access_as_external"]),
        "qos_policy" | "address_scope" | "subnetpool" | "security_group" | "address_group" => {
            Some(&["access_as_shared"])
        }
        _ => None,
    }
}

/// Whether a wildcard policy of `action` exists on the object.
fn has_wildcard(state: &State, object_type: &str, object_id: &str, action: &str) -> bool {
    state.rbac_policies.iter().any(|p| {
        p.object_type == object_type
            && p.object_id == object_id
            && p.action == action
            && p.target_tenant == ALL
    })
}

/// Sets the object's `shared` / `router:external` flag from its wildcard policies.
fn apply_flags(state: &mut State, object_type: &str, object_id: &str) {
    let shared = has_wildcard(state, object_type, object_id, "access_as_shared");
    let external = has_wildcard(state, object_type, object_id, "access_as_external");
    match object_type {
        "network" => {
            if let Some(n) = state.networks.iter_mut().find(|n| n.id == object_id) {
                if (n.shared, n.external) != (shared, external) {
                    n.shared = shared;
                    n.external = external;
                    n.revision_number += 1;
                    n.updated_at = chrono::Utc::now();
                }
            }
        }
        "address_scope" => {
            if let Some(s) = state.address_scopes.iter_mut().find(|s| s.id == object_id) {
                s.shared = shared;
            }
        }
        "subnetpool" => {
            if let Some(p) = state.subnet_pools.iter_mut().find(|p| p.id == object_id) {
                p.shared = shared;
            }
        }
        "qos_policy" => {
            if let Some(p) = state.qos_policies.iter_mut().find(|p| p.id == object_id) {
                p.shared = shared;
            }
        }
        _ => {}
    }
}

/// Makes the wildcard policy of `action` on an object exist exactly when `on`, as Neutron does
/// when a resource is created or updated with `shared` (or a network with `router:external`).
pub(crate) fn sync_flag(
    state: &mut State,
    object_type: &str,
    object_id: &str,
    owner: &str,
    action: &str,
    on: bool,
) {
    let present = has_wildcard(state, object_type, object_id, action);
    if on && !present {
        state.rbac_policies.push(RbacPolicy {
            id: ids::uuid4(),
            project_id: owner.to_string(),
            object_type: object_type.to_string(),
            object_id: object_id.to_string(),
            action: action.to_string(),
            target_tenant: ALL.to_string(),
        });
    } else if !on && present {
        state.rbac_policies.retain(|p| {
            !(p.object_type == object_type
                && p.object_id == object_id
                && p.action == action
                && p.target_tenant == ALL)
        });
    }
}

/// Drops the policies of a deleted object.
pub(crate) fn object_deleted(state: &mut State, object_type: &str, object_id: &str) {
    state
        .rbac_policies
        .retain(|p| !(p.object_type == object_type && p.object_id == object_id));
}

/// The owner of an object, `None` when there is no such object.
fn object_owner(state: &State, object_type: &str, object_id: &str) -> Option<String> {
    match object_type {
        "network" => state
            .networks
            .iter()
            .find(|n| n.id == object_id)
            .map(|n| n.project_id.clone()),
        "address_scope" => state
            .address_scopes
            .iter()
            .find(|s| s.id == object_id)
            .map(|s| s.project_id.clone()),
        "subnetpool" => state
            .subnet_pools
            .iter()
            .find(|p| p.id == object_id)
            .map(|p| p.project_id.clone()),
        "qos_policy" => state
            .qos_policies
            .iter()
            .find(|p| p.id == object_id)
            .map(|p| p.project_id.clone()),
        "security_group" => state
            .security_groups
            .iter()
            .find(|g| g.id == object_id)
            .map(|g| g.project_id.clone()),
        _ => None,
    }
}

fn not_found_message(object_type: &str, object_id: &str) -> String {
    let what = match object_type {
        "network" => "Network",
        "address_scope" => "Address scope",
        "subnetpool" => "Subnet pool",
        "qos_policy" => "QoS policy",
        "security_group" => "Security group",
        _ => "Address group",
    };
    format!("{what} {object_id} could not be found.")
}

/// 404 `RbacPolicyNotFound`, worded as Neutron 28 words it.
pub(crate) fn rbac_not_found(id: &str) -> Resp {
    error(
        404,
        "RbacPolicyNotFound",
        &format!("RBAC policy of type unknown with ID {id} not found"),
    )
}

fn is_uuid(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let dashed = s.len() == 36
        && s.char_indices()
            .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) && (dashed || s.len() == 32)
}

fn check_target(target: &str) -> Result<(), Resp> {
    if target == ALL || is_uuid(target) {
        return Ok(());
    }
    Err(error(
        400,
        "InvalidInput",
        &format!(
            "Invalid input for operation: '{target}' is not a valid target project ID; expected a UUID or '*'."
        ),
    ))
}

const FILTERABLE: [&str; 7] = [
    "id",
    "project_id",
    "tenant_id",
    "object_type",
    "object_id",
    "action",
    "target_tenant",
];

/// `GET /v2.0/rbac-policies`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = ctx
        .shared
        .lock()
        .rbac_policies
        .iter()
        .map(RbacPolicy::to_json)
        .collect();
    let c = Collection {
        name: "rbac_policies",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: rbac_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/rbac-policies/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.rbac_policies.iter().find(|p| p.id == id) {
        Some(p) => Resp::json(200, &json!({"rbac_policy": project(ctx.req, p.to_json())})),
        None => rbac_not_found(id),
    }
}

/// `POST /v2.0/rbac-policies`: 201; `object_type`, `object_id` (a UUID of an existing object),
/// `action` (valid for the type) and `target_tenant` (a project UUID or `*`; `*` only for
/// admins) required; 409 `DuplicateRbacPolicy` for the same four values twice.
pub(crate) fn create(ctx: &Ctx<'_>) -> Resp {
    let parsed = (|| {
        let a = attrs(ctx, "rbac_policy")?;
        check_keys(
            &a,
            "POST",
            &[
                "object_type",
                "object_id",
                "action",
                "target_tenant",
                "project_id",
                "tenant_id",
            ],
            &["id"],
        )?;
        let object_type =
            opt_str(&a, "object_type", 255)?.ok_or_else(|| required("object_type"))?;
        let object_id = opt_str(&a, "object_id", 36)?.ok_or_else(|| required("object_id"))?;
        let action = opt_str(&a, "action", 255)?.ok_or_else(|| required("action"))?;
        let target = opt_str(&a, "target_tenant", 255)?.ok_or_else(|| required("target_tenant"))?;
        if !is_uuid(&object_id) {
            return Err(invalid(
                "object_id",
                &format!("'{object_id}' is not a valid UUID"),
            ));
        }
        let Some(valid) = actions(&object_type) else {
            return Err(error(
                400,
                "InvalidInput",
                &format!(
                    "Invalid input for operation: '{object_type}' is not a valid RBAC object type."
                ),
            ));
        };
        if !valid.contains(&action.as_str()) {
            return Err(error(
                400,
                "InvalidActionForType",
                &format!(
                    "Invalid action '{action}' for object type '{object_type}'. Valid actions: ({})",
                    valid
                        .iter()
                        .map(|v| format!("'{v}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        check_target(&target)?;
        if target == ALL && !ctx.is_admin() {
            return Err(policy_denied(
                "(rule:create_rbac_policy and rule:create_rbac_policy:target_tenant)",
            ));
        }
        Ok(RbacPolicy {
            id: ids::uuid4(),
            project_id: owner(ctx, &a)?,
            object_type,
            object_id,
            action,
            target_tenant: target,
        })
    })();
    let policy = match parsed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    if object_owner(&state, &policy.object_type, &policy.object_id).is_none() {
        return error(
            400,
            "InvalidInput",
            &format!(
                "Invalid input for operation: Callback neutron.plugins.ml2.plugin.NeutronDbPluginV2.validate_network_rbac_policy_change failed with \"{}\".",
                not_found_message(&policy.object_type, &policy.object_id)
            ),
        );
    }
    let duplicate = state.rbac_policies.iter().any(|p| {
        (&p.object_type, &p.object_id, &p.action, &p.target_tenant)
            == (
                &policy.object_type,
                &policy.object_id,
                &policy.action,
                &policy.target_tenant,
            )
    });
    if duplicate {
        return error(
            409,
            "DuplicateRbacPolicy",
            "An RBAC policy already exists with those values.",
        );
    }
    let body = json!({"rbac_policy": policy.to_json()});
    let (object_type, object_id) = (policy.object_type.clone(), policy.object_id.clone());
    state.rbac_policies.push(policy);
    apply_flags(&mut state, &object_type, &object_id);
    Resp::json(201, &body)
}

/// The 409 `RbacPolicyInUse` when dropping `policy` would cut off a project that has ports on
/// the network (Neutron's check for networks), `None` when it may go.
fn in_use(state: &State, policy: &RbacPolicy, replacement: Option<&str>) -> Option<Resp> {
    if policy.object_type != "network" || policy.action != "access_as_shared" {
        return None;
    }
    let net = state.networks.iter().find(|n| n.id == policy.object_id)?;
    let others = state.rbac_policies.iter().filter(|p| {
        p.id != policy.id
            && p.object_type == "network"
            && p.object_id == net.id
            && p.action == "access_as_shared"
    });
    let others: Vec<&RbacPolicy> = others.collect();
    let stranded = state.ports.iter().any(|port| {
        port.network_id == net.id
            && !port.project_id.is_empty()
            && port.project_id != net.project_id
            && (policy.target_tenant == ALL || policy.target_tenant == port.project_id)
            && replacement.is_none_or(|t| t != ALL && t != port.project_id)
            && !others
                .iter()
                .any(|p| p.target_tenant == ALL || p.target_tenant == port.project_id)
    });
    stranded.then(|| {
        error(
            409,
            "RbacPolicyInUse",
            &format!(
                "RBAC policy on object {} cannot be removed because other objects depend on it.\nDetails: Unable to reconfigure sharing settings for network {}. Multiple tenants are using it.",
                net.id, net.id
            ),
        )
    })
}

/// `PUT /v2.0/rbac-policies/{id}`: only `target_tenant`; 200.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let parsed = (|| {
        let a = attrs(ctx, "rbac_policy")?;
        check_keys(
            &a,
            "PUT",
            &["target_tenant"],
            &[
                "id",
                "object_type",
                "object_id",
                "action",
                "project_id",
                "tenant_id",
            ],
        )?;
        let target = opt_str(&a, "target_tenant", 255)?;
        if let Some(t) = &target {
            check_target(t)?;
            if t == ALL && !ctx.is_admin() {
                return Err(policy_denied(
                    "(rule:update_rbac_policy and rule:update_rbac_policy:target_tenant)",
                ));
            }
        }
        Ok(target)
    })();
    let target = match parsed {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(current) = state.rbac_policies.iter().find(|p| p.id == id).cloned() else {
        return rbac_not_found(id);
    };
    let Some(target) = target else {
        return Resp::json(200, &json!({"rbac_policy": current.to_json()}));
    };
    if let Some(resp) = in_use(&state, &current, Some(&target)) {
        return resp;
    }
    let mut changed = current.clone();
    changed.target_tenant = target;
    let duplicate = state.rbac_policies.iter().any(|p| {
        p.id != id
            && (&p.object_type, &p.object_id, &p.action, &p.target_tenant)
                == (
                    &changed.object_type,
                    &changed.object_id,
                    &changed.action,
                    &changed.target_tenant,
                )
    });
    if duplicate {
        return error(
            409,
            "DuplicateRbacPolicy",
            "An RBAC policy already exists with those values.",
        );
    }
    let body = json!({"rbac_policy": changed.to_json()});
    if let Some(slot) = state.rbac_policies.iter_mut().find(|p| p.id == id) {
        *slot = changed;
    }
    apply_flags(&mut state, &current.object_type, &current.object_id);
    Resp::json(200, &body)
}

/// `DELETE /v2.0/rbac-policies/{id}`: 204 (a wildcard's flag reverts); 409 `RbacPolicyInUse`
/// while another project has ports on the network only this policy shares with it.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(policy) = state.rbac_policies.iter().find(|p| p.id == id).cloned() else {
        return rbac_not_found(id);
    };
    if let Some(resp) = in_use(&state, &policy, None) {
        return resp;
    }
    state.rbac_policies.retain(|p| p.id != id);
    apply_flags(&mut state, &policy.object_type, &policy.object_id);
    Resp::empty(204)
}

#[cfg(test)]
mod tests {
    use super::is_uuid;

    #[test]
    fn target_projects_are_uuids() {
        assert!(is_uuid("0123456789abcdef0123456789abcdef"));
        assert!(is_uuid("691688d6-5bc5-457d-b090-14d1ac0fc533"));
        assert!(!is_uuid("abc"));
        assert!(!is_uuid("691688d65-bc5-457d-b090-14d1ac0fc533"));
    }
}
