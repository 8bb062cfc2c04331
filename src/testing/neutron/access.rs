//! Who sees and who changes which Neutron resource, as Neutron's default policy has it
//! (checked against Neutron 28 with two projects): an admin sees and changes everything; a
//! project sees its own resources, networks that are `shared` or `router:external` or granted
//! to it by an RBAC policy and their subnets, shared subnet pools and address scopes, and the
//! ports on its own networks; it changes only its own. What a caller cannot see
//! answers the collection's 404 (`NetworkNotFound`, …); what it sees but may not change answers
//! 403 `PolicyNotAuthorized` `rule:update_network is disallowed by policy`.

use serde_json::{Map, Value};

use super::address_scopes::scope_not_found;
use super::error;
use super::floating_ips::fip_not_found;
use super::networks::network_not_found;
use super::ports::port_not_found;
use super::rbac_policies::{rbac_grants, rbac_not_found};
use super::routers::router_not_found;
use super::security_groups::{group_not_found, rule_not_found};
use super::subnet_pools::pool_not_found;
use super::subnets::subnet_not_found;
use super::trunks::trunk_not_found;
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// Neutron's 403 for a policy rule, e.g. `rule:update_network is disallowed by policy`.
pub(crate) fn policy_denied(rule: &str) -> Resp {
    error(
        403,
        "PolicyNotAuthorized",
        &format!("rule:{rule} is disallowed by policy"),
    )
}

/// Whether the caller sees network `id` (a missing network is not seen).
pub(crate) fn sees_network(ctx: &Ctx<'_>, state: &State, id: &str) -> bool {
    state.networks.iter().find(|n| n.id == id).is_some_and(|n| {
        ctx.may_see(&n.project_id)
            || n.shared
            || n.external
            || rbac_grants(state, id, ctx.project_id())
    })
}

/// Whether the caller owns network `id` (or is an admin).
pub(crate) fn owns_network(ctx: &Ctx<'_>, state: &State, id: &str) -> bool {
    state
        .networks
        .iter()
        .find(|n| n.id == id)
        .is_some_and(|n| ctx.may_see(&n.project_id))
}

/// Whether the caller may put ports on network `id`: its own, a shared one, or any for an
/// admin (an external network of another project is not one: Neutron answers 403).
pub(crate) fn may_attach(ctx: &Ctx<'_>, state: &State, id: &str) -> bool {
    state.networks.iter().find(|n| n.id == id).is_some_and(|n| {
        ctx.may_see(&n.project_id) || n.shared || shared_with_caller(ctx, state, id)
    })
}

/// Whether an `access_as_shared` RBAC policy names the caller's project for network `id`
/// (not `*`: that one is the network's `shared` flag, kept in step by `rbac_policies`).
pub(crate) fn shared_with_caller(ctx: &Ctx<'_>, state: &State, id: &str) -> bool {
    state.rbac_policies.iter().any(|p| {
        p.object_type == "network"
            && p.object_id == id
            && p.action == "access_as_shared"
            && p.target_tenant == ctx.project_id()
    })
}

/// What the caller may do with one item: `None` when the item does not exist (the handler
/// answers), else whether it is seen and whether it is the caller's to change.
fn access(ctx: &Ctx<'_>, state: &State, collection: &str, id: &str) -> Option<(bool, bool)> {
    let own = |project_id: &str| ctx.may_see(project_id);
    match collection {
        "networks" => state
            .networks
            .iter()
            .find(|n| n.id == id)
            .map(|n| (sees_network(ctx, state, id), own(&n.project_id))),
        "trunks" => state
            .trunks
            .iter()
            .find(|t| t.id == id)
            .map(|t| (own(&t.project_id), own(&t.project_id))),
        "subnetpools" => state
            .subnet_pools
            .iter()
            .find(|p| p.id == id)
            .map(|p| (own(&p.project_id) || p.shared, own(&p.project_id))),
        "address-scopes" => state
            .address_scopes
            .iter()
            .find(|a| a.id == id)
            .map(|a| (own(&a.project_id) || a.shared, own(&a.project_id))),
        "rbac-policies" => state
            .rbac_policies
            .iter()
            .find(|p| p.id == id)
            .map(|p| (own(&p.project_id), own(&p.project_id))),
        "subnets" => state.subnets.iter().find(|s| s.id == id).map(|s| {
            let seen = own(&s.project_id) || sees_network(ctx, state, &s.network_id);
            (seen, own(&s.project_id))
        }),
        "ports" => state.ports.iter().find(|p| p.id == id).map(|p| {
            let mine = own(&p.project_id);
            (mine || owns_network(ctx, state, &p.network_id), mine)
        }),
        "routers" => state
            .routers
            .iter()
            .find(|r| r.id == id)
            .map(|r| (own(&r.project_id), own(&r.project_id))),
        "floatingips" => state
            .floating_ips
            .iter()
            .find(|f| f.id == id)
            .map(|f| (own(&f.project_id), own(&f.project_id))),
        "security-groups" => state
            .security_groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| (own(&g.project_id), own(&g.project_id))),
        "security-group-rules" => state
            .security_group_rules
            .iter()
            .find(|r| r.id == id)
            .map(|r| {
                let group_owned = state
                    .security_groups
                    .iter()
                    .find(|g| g.id == r.security_group_id)
                    .is_some_and(|g| own(&g.project_id));
                let mine = own(&r.project_id) || group_owned;
                (mine, mine)
            }),
        _ => None,
    }
}

fn not_found(collection: &str, id: &str) -> Resp {
    match collection {
        "networks" => network_not_found(id),
        "subnets" => subnet_not_found(id),
        "ports" => port_not_found(id),
        "routers" => router_not_found(id),
        "floatingips" => fip_not_found(id),
        "security-groups" => group_not_found(id),
        "trunks" => trunk_not_found(id),
        "subnetpools" => pool_not_found(id),
        "address-scopes" => scope_not_found(id),
        "rbac-policies" => rbac_not_found(id),
        _ => rule_not_found(id),
    }
}

/// The refusal for a request on item `id` of `collection` (`changing`: anything but a read),
/// `None` when the caller may go on (also when there is no such item: the handler answers).
pub(crate) fn check(ctx: &Ctx<'_>, collection: &str, id: &str, changing: bool) -> Option<Resp> {
    if ctx.is_admin() {
        return None;
    }
    let state = ctx.shared.lock();
    let (seen, owned) = access(ctx, &state, collection, id)?;
    drop(state);
    if !seen {
        return Some(not_found(collection, id));
    }
    if changing && !owned {
        let singular = match collection {
            "floatingips" => "floatingip",
            "security-groups" => "security_group",
            "security-group-rules" => "security_group_rule",
            "address-scopes" => "address_scope",
            "rbac-policies" => "rbac_policy",
            other => other.strip_suffix('s').unwrap_or(other),
        };
        let verb = if ctx.req.method == hyper::Method::DELETE {
            "delete"
        } else {
            "update"
        };
        return Some(policy_denied(&format!("{verb}_{singular}")));
    }
    None
}

/// Whether a listed item (rendered) is one the caller sees: its own, or for networks a shared
/// or external one, for subnets one on such a network, for ports one on its own network.
pub(crate) fn listed(
    ctx: &Ctx<'_>,
    state: &State,
    collection: &str,
    item: &Map<String, Value>,
) -> bool {
    if ctx.is_admin() {
        return true;
    }
    let field = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default();
    // Items of no project (agents, rule types, …) are not a matter of projects.
    let Some(owner) = item.get("project_id").and_then(Value::as_str) else {
        return true;
    };
    if owner == ctx.project_id() || item.get("shared") == Some(&Value::Bool(true)) {
        return true;
    }
    match collection {
        "networks" => {
            item.get("router:external") == Some(&Value::Bool(true))
                || rbac_grants(state, field("id"), ctx.project_id())
        }
        "subnets" => sees_network(ctx, state, field("network_id")),
        "ports" => owns_network(ctx, state, field("network_id")),
        "security_group_rules" => state
            .security_groups
            .iter()
            .any(|g| g.id == field("security_group_id") && g.project_id == ctx.project_id()),
        _ => false,
    }
}
