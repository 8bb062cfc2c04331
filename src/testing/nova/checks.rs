//! Nova's guards on an instance: `check_instance_lock` and `check_instance_state`, with the
//! 409 messages the API turns them into.

use super::fault;
use super::model::{Server, VmState};
use crate::testing::http::Resp;

/// Which task states an operation accepts.
#[derive(Clone, Copy)]
pub(crate) enum Tasks {
    /// Only none running (Nova's default, `task_state=(None,)`).
    Idle,
    /// Any task state.
    Any,
    /// None, or one of these (hard reboot's `ALLOW_REBOOT`).
    IdleOr(&'static [&'static str]),
}

/// One guard: the API action name used in messages, whether a locked server refuses it (for
/// non-admins), whether the server must be on a host, the vm_states it needs (empty: any), the
/// task states it accepts and whether the server must have been launched once.
pub(crate) struct Guard {
    pub(crate) action: &'static str,
    pub(crate) lock: bool,
    /// `check_instance_host`: 409 `Instance {id} is not ready` when never scheduled.
    pub(crate) host: bool,
    pub(crate) vm: &'static [VmState],
    pub(crate) tasks: Tasks,
    pub(crate) launched: bool,
}

impl Guard {
    /// A guard on `action` with the lock check, these vm_states, no task running and a launched
    /// server: what most actions need.
    pub(crate) const fn new(action: &'static str, vm: &'static [VmState]) -> Guard {
        Guard {
            action,
            lock: true,
            host: false,
            vm,
            tasks: Tasks::Idle,
            launched: true,
        }
    }

    /// The same guard, also needing a host (`check_instance_host`).
    pub(crate) const fn on_host(self) -> Guard {
        Guard { host: true, ..self }
    }

    /// Checks `server` as Nova's decorators do, in their order: lock (unless `admin`), host,
    /// vm_state, task_state, launched_at.
    ///
    /// # Errors
    /// 409 `Instance {id} is locked`, `Instance {id} is not ready`, or `Cannot '{action}'
    /// instance {id} while it is in {vm_state|task_state|launched_at} {value}`.
    pub(crate) fn check(&self, server: &Server, admin: bool) -> Result<(), Resp> {
        if self.lock && server.locked && !admin {
            return Err(fault(409, &format!("Instance {} is locked", server.id)));
        }
        if self.host && !server.has_host() {
            return Err(fault(409, &format!("Instance {} is not ready", server.id)));
        }
        let conflict = |attr: &str, state: &str| {
            fault(
                409,
                &format!(
                    "Cannot '{}' instance {} while it is in {attr} {state}",
                    self.action, server.id
                ),
            )
        };
        if !self.vm.is_empty() && !self.vm.contains(&server.vm_state) {
            return Err(conflict("vm_state", server.vm_state.as_str()));
        }
        let task_ok = match (self.tasks, server.task_state) {
            (Tasks::Any, _) | (_, None) => true,
            (Tasks::Idle, Some(_)) => false,
            (Tasks::IdleOr(allowed), Some(t)) => allowed.contains(&t),
        };
        if !task_ok {
            return Err(conflict("task_state", server.task_state.unwrap_or("None")));
        }
        if self.launched && server.launched_at.is_none() {
            return Err(conflict("launched_at", "None"));
        }
        Ok(())
    }
}
