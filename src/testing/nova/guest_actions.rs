//! The actions `createBackup`, `changePassword`, `trigger_crash_dump`, `addSecurityGroup` and
//! `removeSecurityGroup` (nova 33 `api/openstack/compute/create_backup.py`,
//! `admin_password.py`, `servers.py`, `security_groups.py`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::actions::{live_server, start_task};
use super::checks::Guard;
use super::model::{Pending, Transition, VmState};
use super::schema::{self, invalid, required};
use super::{Microversion, fault, instance_actions, snapshots};
use crate::testing::http::Resp;
use crate::testing::neutron::security_groups::ensure_default;
use crate::testing::server::Ctx;

use VmState::{Active, Error, Paused, Rescued, Resized, Stopped, Suspended};

/// `rotation`: a non-negative integer, or a string of digits.
fn rotation(v: &Value) -> Result<u64, Resp> {
    let parsed = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    };
    parsed.ok_or_else(|| {
        invalid(
            "rotation",
            v,
            &format!("{} is not of type 'integer', 'string'", schema::py(v)),
        )
    })
}

/// `{"createBackup": {"name", "backup_type", "rotation", "metadata"?}}` (202): a `backup`
/// image in Glance (`image_type: backup`, `backup_type`), older backups of the same type of
/// the server beyond `rotation` deleted; `image_id` from 2.45, else `Location` (when
/// `rotation` > 0).
pub(crate) fn create_backup(
    ctx: &Ctx<'_>,
    version: Microversion,
    id: &str,
    args: &Value,
) -> Result<Resp, Resp> {
    schema::object("createBackup", args)?;
    schema::keys(
        "createBackup",
        args,
        &["name", "backup_type", "rotation"],
        &["name", "backup_type", "rotation", "metadata"],
    )?;
    let name = schema::name("name", required("createBackup", args, "name")?)?.to_string();
    let backup_type = schema::string(
        "backup_type",
        required("createBackup", args, "backup_type")?,
        0,
        usize::MAX,
    )?
    .to_string();
    let keep = rotation(required("createBackup", args, "rotation")?)?;
    let metadata: BTreeMap<String, String> = match args.get("metadata") {
        None => BTreeMap::new(),
        Some(v) => schema::metadata("metadata", v)?,
    };
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    // Nova checks no lock for backups (as for snapshots).
    Guard {
        lock: false,
        ..Guard::new("createBackup", &[Active, Stopped, Paused, Suspended])
    }
    .check(server, admin)?;
    let Some(base) = server.image_id.clone() else {
        return Err(fault(
            400,
            "Backup is not supported for volume-backed instances.",
        ));
    };
    let flavor = server.flavor_id.clone();
    let stages = [
        Some("image_backup"),
        Some("image_pending_upload"),
        Some("image_uploading"),
    ];
    let pending = Pending::after(delay, &stages, Transition::Snapshotted);
    let extra = [("backup_type", backup_type.clone())];
    let snap = snapshots::Snapshot {
        server_id: id,
        base_id: Some(&base),
        flavor_id: &flavor,
        name,
        metadata: &metadata,
        image_type: "backup",
        extra: &extra,
        upload: &pending,
    };
    let image_id = snapshots::push(ctx, &mut state, snap);
    // The rotation: the newest `rotation` backups of this type stay (the new one always).
    let mut backups: Vec<(chrono::DateTime<chrono::Utc>, String)> = state
        .images
        .iter()
        .filter(|i| {
            let prop = |k: &str| i.properties.get(k).and_then(Value::as_str);
            prop("instance_uuid") == Some(id)
                && prop("image_type") == Some("backup")
                && prop("backup_type") == Some(backup_type.as_str())
                && i.id != image_id
        })
        .map(|i| (i.created_at, i.id.clone()))
        .collect();
    backups.sort_by(|a, b| b.cmp(a));
    let keep_old = usize::try_from(keep.saturating_sub(1)).unwrap_or(usize::MAX);
    let drop_ids: Vec<String> = backups.into_iter().skip(keep_old).map(|(_, i)| i).collect();
    state.images.retain(|i| !drop_ids.contains(&i.id));
    let done = (pending.at, pending.at_wall);
    let server = live_server(&mut state, id)?;
    server.task_state = Some("image_backup");
    server.pending = Some(pending);
    let events = &["compute_backup_instance"];
    instance_actions::record(
        ctx,
        &mut state,
        id,
        "createBackup",
        events,
        Some(done),
        false,
    );
    drop(state);
    if version.at_least(45) {
        Ok(Resp::json(202, &json!({ "image_id": image_id })))
    } else if keep > 0 {
        let location = format!("{}/image/images/{image_id}", ctx.shared.base);
        Ok(Resp::empty(202).with_header("location", &location))
    } else {
        Ok(Resp::empty(202))
    }
}

/// `{"changePassword": {"adminPass"}}` (202): ACTIVE only; status `PASSWORD` (task
/// `updating_password`) until done.
pub(crate) fn change_password(ctx: &Ctx<'_>, id: &str, args: &Value) -> Result<Resp, Resp> {
    schema::object("changePassword", args)?;
    schema::keys("changePassword", args, &["adminPass"], &["adminPass"])?;
    schema::string(
        "adminPass",
        required("changePassword", args, "adminPass")?,
        0,
        usize::MAX,
    )?;
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    Guard::new("changePassword", &[Active]).check(server, admin)?;
    start_task(
        server,
        delay,
        &[Some("updating_password")],
        Transition::Became(Active),
    );
    let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
    let events = &["compute_set_admin_password"];
    instance_actions::record(ctx, &mut state, id, "changePassword", events, done, false);
    Ok(Resp::empty(202))
}

/// `{"trigger_crash_dump": null}` (2.17+, 202): an NMI; 404 below 2.17 as Nova hides the
/// action there.
pub(crate) fn trigger_crash_dump(
    ctx: &Ctx<'_>,
    version: Microversion,
    id: &str,
) -> Result<Resp, Resp> {
    if !version.at_least(17) {
        return Err(super::not_found());
    }
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    Guard::new(
        "trigger_crash_dump",
        &[Active, Paused, Rescued, Resized, Error],
    )
    .on_host()
    .check(server, admin)?;
    let events = &["compute_trigger_crash_dump"];
    instance_actions::record(
        ctx,
        &mut state,
        id,
        "trigger_crash_dump",
        events,
        None,
        false,
    );
    Ok(Resp::empty(202))
}

/// The `name` of an `addSecurityGroup`/`removeSecurityGroup` body.
fn group_name<'a>(action: &str, args: &'a Value) -> Result<&'a str, Resp> {
    schema::object(action, args)?;
    schema::keys(action, args, &["name"], &["name"])?;
    schema::string("name", required(action, args, "name")?, 1, usize::MAX)
}

/// `addSecurityGroup` / `removeSecurityGroup` (202): the group (by id, else by name in the
/// caller's project; 404, or 409 for a name several groups have) added to or removed from every
/// port of the server in the fake Neutron. 404 when the server has no port, or (remove) when
/// no port has the group; 400 (add) for a port without port security or addresses.
pub(crate) fn security_group(
    ctx: &Ctx<'_>,
    id: &str,
    args: &Value,
    add: bool,
) -> Result<Resp, Resp> {
    let action = if add {
        "addSecurityGroup"
    } else {
        "removeSecurityGroup"
    };
    let name = group_name(action, args)?;
    let project = ctx.project_id().to_string();
    let mut state = ctx.shared.lock();
    live_server(&mut state, id)?;
    ensure_default(&mut state, &project);
    let group_id = match state.security_groups.iter().find(|g| g.id == name) {
        Some(g) => g.id.clone(),
        None => {
            let named: Vec<&str> = state
                .security_groups
                .iter()
                .filter(|g| g.name == name && g.project_id == project)
                .map(|g| g.id.as_str())
                .collect();
            match named.as_slice() {
                [one] => (*one).to_string(),
                [] => {
                    return Err(fault(
                        404,
                        &format!("Security group {name} is not found for project {project}"),
                    ));
                }
                _ => {
                    return Err(fault(
                        409,
                        &format!(
                            "Multiple security_group matches found for name '{name}', use an \
                             ID to be more specific."
                        ),
                    ));
                }
            }
        }
    };
    let ports: Vec<usize> = (0..state.ports.len())
        .filter(|i| state.ports[*i].device_id == id)
        .collect();
    if ports.is_empty() {
        return Err(fault(
            404,
            &format!("instance_id {id} could not be found as device id on any ports"),
        ));
    }
    if add {
        if ports.iter().any(|i| {
            let p = &state.ports[*i];
            !p.port_security_enabled || p.fixed_ips.is_empty()
        }) {
            return Err(fault(
                400,
                "Network requires port_security_enabled and subnet associated in order to \
                 apply security groups.",
            ));
        }
    } else if !ports
        .iter()
        .any(|i| state.ports[*i].security_groups.contains(&group_id))
    {
        return Err(fault(
            404,
            &format!("Security group {name} not associated with the instance {id}"),
        ));
    }
    let now = chrono::Utc::now();
    for i in &ports {
        let port = &mut state.ports[*i];
        let has = port.security_groups.contains(&group_id);
        if add && !has {
            port.security_groups.push(group_id.clone());
        } else if !add && has {
            port.security_groups.retain(|g| g != &group_id);
        } else {
            continue;
        }
        port.revision_number += 1;
        port.updated_at = now;
    }
    // The server shows the names of its ports' groups, as Nova reads them from Neutron.
    let mut names: Vec<String> = Vec::new();
    for i in &ports {
        for g in &state.ports[*i].security_groups {
            if let Some(group) = state.security_groups.iter().find(|x| &x.id == g) {
                if !names.contains(&group.name) {
                    names.push(group.name.clone());
                }
            }
        }
    }
    let server = live_server(&mut state, id)?;
    server.security_groups = names;
    Ok(Resp::empty(202))
}
