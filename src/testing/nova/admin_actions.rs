//! The admin actions `migrate`, `os-migrateLive`, `evacuate` and `os-resetState` (nova 33
//! `api/openstack/compute/migrate_server.py`, `evacuate.py`, `admin_actions.py`), as a
//! one-host cloud answers them: a cold migration finds no other host (400), a live migration
//! or an evacuation is accepted and fails in the conductor (migration `error`), each with its
//! instance action and migration record.

use serde_json::{Value, json};

use super::actions::{live_server, start_task};
use super::checks::{Guard, Tasks};
use super::model::{Fault, Transition, VmState};
use super::schema::{self, invalid, no_extra, one_of};
use super::{Microversion, fault, instance_actions, migrations, policy_denied, view};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;

use VmState::{Active, Error, Paused, Stopped};

/// The scheduler's answer on the one host when it must find another.
const NO_HOST: &str = "No valid host was found. There are not enough hosts available.";

/// `{"migrate": null | {"host"}}` (admin; `host` from 2.56): 400 `No valid host was found. No
/// valid host found for cold migrate` (the fake's one host is excluded), with the `migrate`
/// action and an `error` migration recorded; 400 for the server's own or an unknown host.
pub(crate) fn migrate(
    ctx: &Ctx<'_>,
    version: Microversion,
    id: &str,
    args: &Value,
) -> Result<Resp, Resp> {
    let mut host = None;
    if version.at_least(56) {
        match args {
            Value::Null => {}
            Value::Object(_) => {
                no_extra("migrate", args, &["host"])?;
                if let Some(h) = args.get("host").filter(|h| !h.is_null()) {
                    host = Some(schema::string("host", h, 1, 255)?.to_string());
                }
            }
            other => {
                return Err(invalid(
                    "migrate",
                    other,
                    &format!("{} is not of type 'object', 'null'", schema::py(other)),
                ));
            }
        }
    }
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    if !admin {
        return Err(policy_denied("os_compute_api:os-migrate-server:migrate"));
    }
    Guard::new("migrate", &[Active, Stopped])
        .on_host()
        .check(server, admin)?;
    match host.as_deref() {
        Some(view::HOST) => {
            return Err(fault(
                400,
                "Cannot migrate to the host where the server exists.",
            ));
        }
        Some(other) => {
            return Err(fault(
                400,
                &format!("Compute host {other} could not be found."),
            ));
        }
        None => {}
    }
    let flavor = server.flavor_id.clone();
    let at = migrations::start(
        ctx,
        &mut state,
        id,
        "migration",
        (&flavor, &flavor),
        "pre-migrating",
    );
    let now = ids::deadline(std::time::Duration::ZERO);
    state.migrations[at].then(&["error"], now);
    state.migrations[at].dest = false;
    let events = &["conductor_migrate_server"];
    instance_actions::record(ctx, &mut state, id, "migrate", events, None, true);
    Err(fault(
        400,
        "No valid host was found. No valid host found for cold migrate",
    ))
}

/// The `host` of a live migration: `None` for the scheduler to pick.
fn live_host(version: Microversion, args: &Value) -> Result<Option<String>, Resp> {
    schema::object("os-migrateLive", args)?;
    let mut allowed = vec!["host", "block_migration"];
    if !version.at_least(25) {
        allowed.push("disk_over_commit");
    }
    if version.at_least(30) && !version.at_least(68) {
        allowed.push("force");
    }
    let required: &[&str] = if version.at_least(25) {
        &["block_migration", "host"]
    } else {
        &["block_migration", "disk_over_commit", "host"]
    };
    schema::keys("os-migrateLive", args, required, &allowed)?;
    let block = schema::required("os-migrateLive", args, "block_migration")?;
    let block_ok = match block {
        Value::Bool(_) => true,
        Value::String(s) => {
            let s = s.to_ascii_lowercase();
            ["true", "false", "1", "0", "yes", "no", "on", "off"].contains(&s.as_str())
                || (version.at_least(25) && s == "auto")
        }
        _ => false,
    };
    if !block_ok {
        let allowed = if version.at_least(25) {
            "[True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', False, \
             'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'auto']"
        } else {
            "[True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', False, \
             'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']"
        };
        return Err(invalid(
            "block_migration",
            block,
            &format!("{} is not one of {allowed}", schema::py(block)),
        ));
    }
    match schema::required("os-migrateLive", args, "host")? {
        Value::Null => Ok(None),
        h => Ok(Some(schema::string("host", h, 1, 255)?.to_string())),
    }
}

/// `{"os-migrateLive": {"host", "block_migration", ...}}` (admin): 202 and `MIGRATING` while
/// the conductor looks for a host; on the one host it finds none (or is asked for the
/// server's own), so the migration ends `error` and the server returns to its state. Below
/// 2.34 the checks are synchronous: 400 with the conductor's message. An unknown host is 400.
pub(crate) fn live_migrate(
    ctx: &Ctx<'_>,
    version: Microversion,
    id: &str,
    args: &Value,
) -> Result<Resp, Resp> {
    let host = live_host(version, args)?;
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    if !admin {
        return Err(policy_denied(
            "os_compute_api:os-migrate-server:migrate_live",
        ));
    }
    Guard::new("os-migrateLive", &[Active, Paused]).check(server, admin)?;
    if let Some(h) = host.as_deref().filter(|h| *h != view::HOST) {
        return Err(fault(400, &format!("Compute host {h} could not be found.")));
    }
    let failure = match &host {
        None => NO_HOST.to_string(),
        Some(h) => format!("Unable to migrate instance ({id}) to current host ({h})."),
    };
    if !version.at_least(34) {
        return Err(fault(400, &failure));
    }
    let back = server.vm_state;
    start_task(
        server,
        delay,
        &[Some("migrating")],
        Transition::Became(back),
    );
    let doomed = Doomed {
        kind: "live-migration",
        dest: host.is_some(),
        event: "conductor_live_migrate_instance",
    };
    doomed.record(ctx, &mut state, id)?;
    Ok(Resp::empty(202))
}

/// A migration the one host cannot carry out, once the server's task has started: its record
/// (of `kind`) goes `accepted` → `error` when the task ends, with the instance action `kind`
/// and its conductor `event`.
struct Doomed {
    kind: &'static str,
    /// Whether the request named a destination host.
    dest: bool,
    event: &'static str,
}

impl Doomed {
    fn record(
        &self,
        ctx: &Ctx<'_>,
        state: &mut crate::testing::state::State,
        id: &str,
    ) -> Result<(), Resp> {
        // Not `live_server`: settling now could end a task that is due at once.
        let Some(server) = state.servers.iter().find(|s| s.id == id) else {
            return Err(super::servers::not_found(id));
        };
        let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
        let flavor = server.flavor_id.clone();
        let at = migrations::start(ctx, state, id, self.kind, (&flavor, &flavor), "accepted");
        state.migrations[at].dest = self.dest;
        if let Some(done) = done {
            state.migrations[at].then(&["error"], done);
        }
        let action = if self.kind == "evacuation" {
            "evacuate"
        } else {
            self.kind
        };
        instance_actions::record(ctx, state, id, action, &[self.event], done, true);
        Ok(())
    }
}

/// `{"evacuate": {...}}` (admin): 200 (`{"adminPass"}` below 2.14). Nova refuses it while the
/// server's compute service is up (400 `Compute service of fake-host is still in use.`; force
/// it down with `PUT /os-services/{id}`); the server's own host is 400 and another 404. Once
/// accepted, the one-host conductor finds no host: the server ends `ERROR` with
/// `No valid host was found.` and the `evacuation` migration `error`.
pub(crate) fn evacuate(
    ctx: &Ctx<'_>,
    version: Microversion,
    id: &str,
    args: &Value,
) -> Result<Resp, Resp> {
    schema::object("evacuate", args)?;
    let mut allowed = vec!["host", "adminPass"];
    let mut required: Vec<&str> = Vec::new();
    if !version.at_least(14) {
        allowed.push("onSharedStorage");
        required.push("onSharedStorage");
    }
    if version.at_least(29) && !version.at_least(68) {
        allowed.push("force");
    }
    if version.at_least(95) {
        allowed.push("targetState");
    }
    schema::keys("evacuate", args, &required, &allowed)?;
    let host = args
        .get("host")
        .map(|h| schema::string("host", h, 1, 255).map(str::to_string))
        .transpose()?;
    if let Some(t) = args.get("targetState") {
        one_of("targetState", t, &["stopped"])?;
    }
    let password = match args.get("adminPass") {
        None => ids::alnum(12),
        Some(p) => schema::string("adminPass", p, 0, usize::MAX)?.to_string(),
    };
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let down = state.compute_service.forced_down;
    let server = live_server(&mut state, id)?;
    if !admin {
        return Err(policy_denied("os_compute_api:os-evacuate"));
    }
    match host.as_deref() {
        Some(view::HOST) => {
            return Err(fault(400, "The target host can't be the same one."));
        }
        Some(other) => return Err(fault(404, &format!("Compute host {other} not found."))),
        None => {}
    }
    Guard {
        lock: false,
        tasks: Tasks::Idle,
        ..Guard::new("evacuate", &[Active, Stopped, Error])
    }
    .check(server, admin)?;
    if !down {
        return Err(fault(
            400,
            &format!("Compute service of {} is still in use.", view::HOST),
        ));
    }
    server.fault = Some(Fault {
        message: NO_HOST.to_string(),
        created: chrono::Utc::now(),
    });
    start_task(
        server,
        delay,
        &[Some("rebuilding")],
        Transition::Became(Error),
    );
    let doomed = Doomed {
        kind: "evacuation",
        dest: false,
        event: "conductor_rebuild_server",
    };
    doomed.record(ctx, &mut state, id)?;
    if version.at_least(14) {
        Ok(Resp::empty(200))
    } else {
        Ok(Resp::json(200, &json!({ "adminPass": password })))
    }
}

/// `{"os-resetState": {"state": "active"|"error"}}` (admin, 202): sets `vm_state`, clears the
/// task (and whatever it was doing), records nothing.
pub(crate) fn reset_state(ctx: &Ctx<'_>, id: &str, args: &Value) -> Result<Resp, Resp> {
    schema::object("os-resetState", args)?;
    schema::keys("os-resetState", args, &["state"], &["state"])?;
    let target = one_of(
        "state",
        schema::required("os-resetState", args, "state")?,
        &["active", "error"],
    )?;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    if !admin {
        return Err(policy_denied("os_compute_api:os-admin-actions:reset_state"));
    }
    server.pending = None;
    server.task_state = None;
    server.vm_state = if target == "active" { Active } else { Error };
    server.updated = chrono::Utc::now();
    Ok(Resp::empty(202))
}
