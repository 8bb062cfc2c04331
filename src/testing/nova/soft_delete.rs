//! Soft delete (`reclaim_instance_interval`): `DELETE /servers/{id}` soft-deletes, and the
//! `restore` and `forceDelete` actions (nova 33 `api/openstack/compute/deferred_delete.py`).

use super::actions::{live_server, start_task};
use super::checks::{Guard, Tasks};
use super::model::{Transition, VmState};
use super::{fault, instance_actions};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;

/// Soft-deletes the server when the fake has a reclaim interval and Nova's `soft_delete` would
/// take it (launched, no task running, not locked for a non-admin): task `soft-deleting`, then
/// `SOFT_DELETED` until reclaimed. `None` when it must be deleted at once instead.
pub(crate) fn try_soft_delete(ctx: &Ctx<'_>, id: &str) -> Option<Resp> {
    let reclaim = ctx.shared.settings.reclaim_interval;
    if reclaim.is_zero() {
        return None;
    }
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id).ok()?;
    if server.locked && !admin {
        return Some(fault(409, &format!("Instance {id} is locked")));
    }
    let guard = Guard {
        lock: false,
        ..Guard::new("soft_delete", &[])
    };
    if server.vm_state == VmState::SoftDeleted {
        // Deleting a soft-deleted server deletes it for good: its reclaim is replaced.
        server.pending = None;
        return None;
    }
    if guard.check(server, admin).is_err() {
        return None;
    }
    start_task(
        server,
        delay,
        &[Some("soft-deleting")],
        Transition::SoftDeleted(reclaim),
    );
    let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
    let events = &["compute_soft_delete_instance"];
    instance_actions::record(ctx, &mut state, id, "delete", events, done, false);
    Some(Resp::empty(204))
}

/// `{"restore": null}` (202): SOFT_DELETED → ACTIVE (task `restoring`); 409 in any other
/// state, as when the fake has no reclaim interval.
pub(crate) fn restore(ctx: &Ctx<'_>, id: &str) -> Result<Resp, Resp> {
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    Guard::new("restore", &[VmState::SoftDeleted]).check(server, admin)?;
    server.terminated_at = None;
    start_task(
        server,
        delay,
        &[Some("restoring")],
        Transition::Became(VmState::Active),
    );
    let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
    let events = &["compute_restore_instance"];
    instance_actions::record(ctx, &mut state, id, "restore", events, done, false);
    Ok(Resp::empty(202))
}

/// `{"forceDelete": null}` (202): deletes the server now, soft-deleted or not (409 while a
/// task runs or, for non-admins, when locked).
pub(crate) fn force_delete(ctx: &Ctx<'_>, id: &str) -> Result<Resp, Resp> {
    {
        let admin = ctx.is_admin();
        let mut state = ctx.shared.lock();
        let server = live_server(&mut state, id)?;
        Guard {
            tasks: Tasks::Idle,
            launched: false,
            ..Guard::new("forceDelete", &[])
        }
        .check(server, admin)?;
        // A soft-deleted server has its reclaim pending: drop it, the delete replaces it.
        if server.vm_state == VmState::SoftDeleted {
            server.pending = None;
        }
    }
    let resp = super::servers::delete_now(ctx, id);
    if resp.status == 204 {
        Ok(Resp::empty(202))
    } else {
        Err(resp)
    }
}
