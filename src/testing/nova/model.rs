//! A server and its lifecycle, advanced lazily from timestamps.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::time::Instant;

use crate::testing::ids;

/// Nova's `vm_state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VmState {
    Building,
    Active,
    Stopped,
    Paused,
    Suspended,
    Resized,
    Error,
    /// Rescued: booted from a rescue image (status `RESCUE`).
    Rescued,
    /// Shelved, still on its host (status `SHELVED`).
    Shelved,
    /// Shelved and off its host (status `SHELVED_OFFLOADED`).
    ShelvedOffloaded,
    /// Deleted with `reclaim_instance_interval` set, restorable until reclaimed.
    SoftDeleted,
    Deleted,
}

impl VmState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            VmState::Building => "building",
            VmState::Active => "active",
            VmState::Stopped => "stopped",
            VmState::Paused => "paused",
            VmState::Suspended => "suspended",
            VmState::Resized => "resized",
            VmState::Error => "error",
            VmState::Rescued => "rescued",
            VmState::Shelved => "shelved",
            VmState::ShelvedOffloaded => "shelved_offloaded",
            VmState::SoftDeleted => "soft-delete",
            VmState::Deleted => "deleted",
        }
    }

    /// The `power_state` a hypervisor reports in this state: 0 NOSTATE, 1 RUNNING, 3 PAUSED,
    /// 4 SHUTDOWN, 7 SUSPENDED.
    pub(crate) fn power_state(self) -> u8 {
        match self {
            VmState::Active | VmState::Resized | VmState::Rescued => 1,
            VmState::Paused => 3,
            VmState::Stopped | VmState::Shelved | VmState::SoftDeleted => 4,
            VmState::Suspended => 7,
            VmState::Building | VmState::Error | VmState::Deleted | VmState::ShelvedOffloaded => 0,
        }
    }
}

/// What happens when a pending transition is due.
#[derive(Clone, Debug)]
pub(crate) enum Transition {
    /// Build finishes: ACTIVE, or ERROR with this fault message.
    Built(Option<String>),
    /// The server ends in this vm_state (stop, start, reboot, pause, suspend and their undo).
    Became(VmState),
    /// Resize done: the server is RESIZED (VERIFY_RESIZE) on this flavor.
    Resized {
        new_flavor: String,
    },
    /// Confirm done: the old flavor is dropped, the server is back in its state before the
    /// resize.
    ResizeConfirmed,
    /// Revert done: back on the old flavor and in the state before the resize.
    ResizeReverted,
    /// Rebuild done: ACTIVE (STOPPED when it was stopped).
    Rebuilt(VmState),
    /// Snapshot uploaded (the task state clears; the image turns active on its own clock).
    Snapshotted,
    /// Shelve done: SHELVED, then SHELVED_OFFLOADED after this long (`None`: stays SHELVED;
    /// zero: offloaded at once, Nova's default `shelved_offload_time = 0`).
    Shelved(Option<Duration>),
    /// Soft delete done: SOFT_DELETED, reclaimed (deleted) after this long.
    SoftDeleted(Duration),
    Deleted,
}

/// A transition due at `at` (monotonic) / `at_wall` (for timestamps), showing `stages` on the
/// way: each task state from its instant on, as Nova's API and compute manager set them one
/// after the other.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub(crate) at: Instant,
    pub(crate) at_wall: DateTime<Utc>,
    pub(crate) then: Transition,
    pub(crate) stages: Vec<(Instant, Option<&'static str>)>,
}

impl Pending {
    /// A transition due after `delay`, its task states sharing the time equally (the first one
    /// starts now).
    pub(crate) fn after(
        delay: Duration,
        stages: &[Option<&'static str>],
        then: Transition,
    ) -> Pending {
        let delay = delay.min(ids::MAX_DELAY);
        let (at, at_wall) = ids::deadline(delay);
        let start = Instant::now();
        let n = u32::try_from(stages.len().max(1)).unwrap_or(1);
        let step = delay / n;
        let stages = stages
            .iter()
            .zip(0u32..)
            .map(|(task, i)| (start + step * i, *task))
            .collect();
        Pending {
            at,
            at_wall,
            then,
            stages,
        }
    }

    /// A transition due `delay` after `start` (a transition that was itself due then), with no
    /// task state on the way: what a periodic task does later (offloading, reclaiming).
    pub(crate) fn after_from(
        start: Instant,
        start_wall: DateTime<Utc>,
        delay: Duration,
        then: Transition,
    ) -> Pending {
        let delay = delay.min(ids::MAX_DELAY);
        Pending {
            at: start + delay,
            at_wall: ids::wall_after(start_wall, delay),
            then,
            stages: vec![(start, None)],
        }
    }

    /// When the stage showing `task` starts, if there is one.
    pub(crate) fn stage_start(&self, task: &str) -> Option<Instant> {
        self.stages
            .iter()
            .find(|(_, t)| *t == Some(task))
            .map(|(at, _)| *at)
    }
}

/// An instance fault (`fault` in the server body while ERROR).
#[derive(Clone, Debug)]
pub(crate) struct Fault {
    pub(crate) message: String,
    pub(crate) created: DateTime<Utc>,
}

/// One port on one network.
#[derive(Clone, Debug)]
pub(crate) struct Address {
    pub(crate) port_id: String,
    pub(crate) network_id: String,
    pub(crate) network_name: String,
    /// The subnet the address is from (Neutron's, when the network has one).
    pub(crate) subnet_id: Option<String>,
    pub(crate) addr: String,
    pub(crate) mac: String,
    /// The device tag (2.49+ when attaching).
    pub(crate) tag: Option<String>,
    /// When a detach finishes (the interface is still listed until then).
    pub(crate) detach_at: Option<Instant>,
    /// Whether the port belongs to the fake Neutron (attached by `port_id`): a detach gives it
    /// back instead of deleting it.
    pub(crate) neutron_port: bool,
}

/// The migration record of a resize, while the server is RESIZED.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Migration {
    /// `finished`: waiting for confirm or revert.
    Finished,
    /// `confirming` / `reverting`: no longer `finished`, so a second confirm or revert is
    /// `400 Instance has not been resized.`
    Closing,
}

/// A server.
#[derive(Clone, Debug)]
pub(crate) struct Server {
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    /// The project (`tenant_id`) and user (`user_id`) that created it.
    pub(crate) project_id: String,
    pub(crate) user_id: String,
    pub(crate) flavor_id: String,
    /// The flavor before a resize, while RESIZED.
    pub(crate) old_flavor_id: Option<String>,
    /// The state a resize started from (ACTIVE or STOPPED): confirm and revert return to it.
    pub(crate) resized_from: VmState,
    pub(crate) migration: Option<Migration>,
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
    /// 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN, 7 SUSPENDED.
    pub(crate) power_state: u8,
    pub(crate) locked: bool,
    /// The reason given when locking (2.73+).
    pub(crate) locked_reason: Option<String>,
    /// The scheduler hints of the create request, each value as a list (2.100 shows them).
    pub(crate) scheduler_hints: BTreeMap<String, Value>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: DateTime<Utc>,
    pub(crate) launched_at: Option<DateTime<Utc>>,
    pub(crate) terminated_at: Option<DateTime<Utc>>,
    pub(crate) fault: Option<Fault>,
    pub(crate) pending: Option<Pending>,
}

impl Server {
    /// Applies a pending transition that is due by `now`, or shows the task state of the stage
    /// it is in; finishes interface detaches that are due.
    pub(crate) fn settle(&mut self, now: Instant) {
        self.addresses
            .retain(|a| a.detach_at.is_none_or(|at| at > now));
        let Some(p) = self.pending.take() else {
            return;
        };
        if p.at > now {
            if let Some((_, task)) = p.stages.iter().rev().find(|(at, _)| *at <= now) {
                self.task_state = *task;
            }
            self.pending = Some(p);
            return;
        }
        self.updated = p.at_wall;
        self.task_state = None;
        match p.then {
            Transition::Built(None) => {
                self.set_vm_state(VmState::Active);
                self.launched_at = Some(p.at_wall);
            }
            Transition::Built(Some(message)) => {
                self.set_vm_state(VmState::Error);
                self.fault = Some(Fault {
                    message,
                    created: p.at_wall,
                });
            }
            Transition::Became(state) | Transition::Rebuilt(state) => self.set_vm_state(state),
            Transition::Resized { new_flavor } => {
                self.old_flavor_id = Some(std::mem::replace(&mut self.flavor_id, new_flavor));
                self.migration = Some(Migration::Finished);
                self.vm_state = VmState::Resized;
                self.power_state = self.resized_from.power_state();
            }
            Transition::ResizeConfirmed => {
                self.old_flavor_id = None;
                self.migration = None;
                self.set_vm_state(self.resized_from);
            }
            Transition::ResizeReverted => {
                if let Some(old) = self.old_flavor_id.take() {
                    self.flavor_id = old;
                }
                self.migration = None;
                self.set_vm_state(self.resized_from);
            }
            Transition::Snapshotted => {}
            Transition::Shelved(None) => self.set_vm_state(VmState::Shelved),
            Transition::Shelved(Some(after)) if after.is_zero() => {
                self.set_vm_state(VmState::ShelvedOffloaded);
            }
            Transition::Shelved(Some(after)) => {
                self.set_vm_state(VmState::Shelved);
                let then = Transition::Became(VmState::ShelvedOffloaded);
                self.pending = Some(Pending::after_from(p.at, p.at_wall, after, then));
                self.settle(now);
            }
            Transition::SoftDeleted(reclaim) => {
                self.set_vm_state(VmState::SoftDeleted);
                let then = Transition::Deleted;
                self.pending = Some(Pending::after_from(p.at, p.at_wall, reclaim, then));
                self.settle(now);
            }
            Transition::Deleted => {
                self.vm_state = VmState::Deleted;
                self.power_state = 0;
                self.terminated_at = Some(p.at_wall);
            }
        }
    }

    fn set_vm_state(&mut self, state: VmState) {
        self.vm_state = state;
        self.power_state = state.power_state();
    }

    /// Whether the server was scheduled to the fake's host (`OS-EXT-SRV-ATTR:host`): not while
    /// it is still scheduling, nor when its build failed before launching.
    pub(crate) fn has_host(&self) -> bool {
        match self.vm_state {
            VmState::Building => self.task_state != Some("scheduling"),
            VmState::Error => self.launched_at.is_some(),
            VmState::ShelvedOffloaded => false,
            _ => true,
        }
    }

    /// Whether a deletion is under way.
    pub(crate) fn deleting(&self) -> bool {
        matches!(
            self.pending,
            Some(Pending {
                then: Transition::Deleted,
                ..
            })
        )
    }

    /// Whether the server still exists (not deleted; "deleting" servers still exist).
    pub(crate) fn is_live(&self) -> bool {
        self.vm_state != VmState::Deleted
    }

    /// The API `status`, from `vm_state` and `task_state` as Nova maps them
    /// (`nova.api.openstack.common._STATE_MAP`).
    pub(crate) fn status(&self) -> &'static str {
        let task = self.task_state.unwrap_or("");
        let rebuilding = matches!(
            task,
            "rebuilding" | "rebuild_block_device_mapping" | "rebuild_spawning"
        );
        let resizing = matches!(
            task,
            "resize_prep" | "resize_migrating" | "resize_migrated" | "resize_finish"
        );
        match self.vm_state {
            VmState::Building => "BUILD",
            VmState::Active => match task {
                "rebooting" | "reboot_pending" | "reboot_started" => "REBOOT",
                "rebooting_hard" | "reboot_pending_hard" | "reboot_started_hard" => "HARD_REBOOT",
                "updating_password" => "PASSWORD",
                "migrating" => "MIGRATING",
                _ if rebuilding => "REBUILD",
                _ if resizing => "RESIZE",
                _ => "ACTIVE",
            },
            VmState::Stopped if rebuilding => "REBUILD",
            VmState::Stopped if resizing => "RESIZE",
            VmState::Stopped => "SHUTOFF",
            VmState::Paused if task == "migrating" => "MIGRATING",
            VmState::Paused => "PAUSED",
            VmState::Suspended => "SUSPENDED",
            VmState::Resized if task == "resize_reverting" => "REVERT_RESIZE",
            VmState::Resized => "VERIFY_RESIZE",
            VmState::Error if rebuilding => "REBUILD",
            VmState::Error => "ERROR",
            VmState::Rescued => "RESCUE",
            VmState::Shelved => "SHELVED",
            VmState::ShelvedOffloaded => "SHELVED_OFFLOADED",
            VmState::SoftDeleted => "SOFT_DELETED",
            VmState::Deleted => "DELETED",
        }
    }

    /// The networks this server has an address on.
    pub(crate) fn uses_network(&self, network_id: &str) -> bool {
        self.is_live() && self.addresses.iter().any(|a| a.network_id == network_id)
    }
}
