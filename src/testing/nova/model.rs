//! A server and its lifecycle, advanced lazily from timestamps.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

/// Nova's `vm_state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VmState {
    Building,
    Active,
    Stopped,
    Error,
    Deleted,
}

impl VmState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            VmState::Building => "building",
            VmState::Active => "active",
            VmState::Stopped => "stopped",
            VmState::Error => "error",
            VmState::Deleted => "deleted",
        }
    }
}

/// What happens when a pending transition is due.
#[derive(Clone, Debug)]
pub(crate) enum Transition {
    /// Build finishes: ACTIVE, or ERROR with this fault message.
    Built(Option<String>),
    PoweredOff,
    PoweredOn,
    Rebooted,
    Deleted,
}

/// A transition due at `at` (monotonic) / `at_wall` (for timestamps).
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub(crate) at: Instant,
    pub(crate) at_wall: DateTime<Utc>,
    pub(crate) then: Transition,
}

/// An instance fault (`fault` in the server body while ERROR).
#[derive(Clone, Debug)]
pub(crate) struct Fault {
    pub(crate) message: String,
    pub(crate) created: DateTime<Utc>,
}

/// One address on one network.
#[derive(Clone, Debug)]
pub(crate) struct Address {
    pub(crate) network_id: String,
    pub(crate) network_name: String,
    pub(crate) addr: String,
    pub(crate) mac: String,
}

/// A server.
#[derive(Clone, Debug)]
pub(crate) struct Server {
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) flavor_id: String,
    /// `None` when booted from a volume (`image` is then `""`).
    pub(crate) image_id: Option<String>,
    pub(crate) key_name: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) description: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) security_groups: Vec<String>,
    pub(crate) addresses: Vec<Address>,
    pub(crate) availability_zone: String,
    /// Whether the request named the availability zone (`pinned_availability_zone`, 2.96).
    pub(crate) pinned_az: bool,
    pub(crate) disk_config: String,
    pub(crate) config_drive: bool,
    pub(crate) user_data: Option<String>,
    pub(crate) access_ipv4: String,
    pub(crate) access_ipv6: String,
    pub(crate) reservation_id: String,
    pub(crate) launch_index: u64,
    pub(crate) vm_state: VmState,
    pub(crate) task_state: Option<&'static str>,
    /// 0 NOSTATE, 1 RUNNING, 4 SHUTDOWN.
    pub(crate) power_state: u8,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: DateTime<Utc>,
    pub(crate) launched_at: Option<DateTime<Utc>>,
    pub(crate) terminated_at: Option<DateTime<Utc>>,
    pub(crate) fault: Option<Fault>,
    pub(crate) pending: Option<Pending>,
}

impl Server {
    /// Applies a pending transition that is due by `now`.
    pub(crate) fn settle(&mut self, now: Instant) {
        let due = self.pending.as_ref().is_some_and(|p| p.at <= now);
        if !due {
            return;
        }
        let Some(p) = self.pending.take() else {
            return;
        };
        self.updated = p.at_wall;
        self.task_state = None;
        match p.then {
            Transition::Built(None) => {
                self.vm_state = VmState::Active;
                self.power_state = 1;
                self.launched_at = Some(p.at_wall);
            }
            Transition::Built(Some(message)) => {
                self.vm_state = VmState::Error;
                self.power_state = 0;
                self.fault = Some(Fault {
                    message,
                    created: p.at_wall,
                });
            }
            Transition::PoweredOff => {
                self.vm_state = VmState::Stopped;
                self.power_state = 4;
            }
            Transition::PoweredOn | Transition::Rebooted => {
                self.vm_state = VmState::Active;
                self.power_state = 1;
            }
            Transition::Deleted => {
                self.vm_state = VmState::Deleted;
                self.power_state = 0;
                self.terminated_at = Some(p.at_wall);
            }
        }
    }

    /// Whether the server still exists (not deleted; "deleting" servers still exist).
    pub(crate) fn is_live(&self) -> bool {
        self.vm_state != VmState::Deleted
    }

    /// The API `status`, from `vm_state` and `task_state` as Nova maps them.
    pub(crate) fn status(&self) -> &'static str {
        match (self.vm_state, self.task_state) {
            (VmState::Building, _) => "BUILD",
            (VmState::Active, Some("reboot_started" | "rebooting" | "reboot_pending")) => "REBOOT",
            (
                VmState::Active | VmState::Stopped | VmState::Error,
                Some("reboot_started_hard" | "rebooting_hard" | "reboot_pending_hard"),
            ) => "HARD_REBOOT",
            (VmState::Active, _) => "ACTIVE",
            (VmState::Stopped, _) => "SHUTOFF",
            (VmState::Error, _) => "ERROR",
            (VmState::Deleted, _) => "DELETED",
        }
    }

    /// The networks this server has an address on.
    pub(crate) fn uses_network(&self, network_id: &str) -> bool {
        self.is_live() && self.addresses.iter().any(|a| a.network_id == network_id)
    }
}
