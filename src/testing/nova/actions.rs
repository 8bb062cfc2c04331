//! `POST /servers/{id}/action`: the actions with the guards, task states and results of Nova
//! (nova 33 `compute/api.py` and the compute manager's task-state sequences, as a loopback Nova
//! with the fake virt driver shows them).

use serde_json::{Value, json};

use super::checks::{Guard, Tasks};
use super::model::{Migration, Pending, Server, Transition, VmState};
use super::schema::{self, invalid, no_extra, object, one_of, required};
use super::{Microversion, fault, flavors, servers, view};
use crate::testing::glance::images::Image;
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// The actions this fake performs.
const ACTIONS: [&str; 15] = [
    "os-getConsoleOutput",
    "reboot",
    "os-start",
    "os-stop",
    "pause",
    "unpause",
    "suspend",
    "resume",
    "lock",
    "unlock",
    "resize",
    "confirmResize",
    "revertResize",
    "rebuild",
    "createImage",
];

/// The task states of a resize (and of a cold migration).
pub(crate) const RESIZE_STAGES: [Option<&str>; 4] = [
    Some("resize_prep"),
    Some("resize_migrating"),
    Some("resize_migrated"),
    Some("resize_finish"),
];

/// Task states a hard reboot may interrupt (`task_states.ALLOW_REBOOT`).
const ALLOW_REBOOT: &[&str] = &[
    "rebooting",
    "reboot_pending",
    "reboot_started",
    "resuming",
    "rebooting_hard",
    "unpausing",
    "pausing",
    "suspending",
];

use VmState::{Active, Error, Paused, Resized, Stopped, Suspended};

/// `POST /servers/{id}/action`: 202 (204 for `confirmResize`; 202 with the server for
/// `rebuild`; `image_id` from 2.45 for `createImage`), 400 for a bad body, 404, or 409 when the
/// server's lock or state forbids it.
pub(crate) fn action(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let (name, args) = match schema::action_body(ctx.req) {
        Ok(action) => action,
        Err(resp) => return resp,
    };
    if !ACTIONS.contains(&name.as_str()) {
        return super::more_actions::action(ctx, version, id, &name, &args)
            .unwrap_or_else(|| fault(400, &format!("There is no such action: {name}")));
    }
    let result = match name.as_str() {
        "reboot" => reboot(ctx, id, &args),
        "os-start" => simple(ctx, id, START),
        "os-stop" => simple(ctx, id, STOP),
        "pause" => simple(ctx, id, PAUSE),
        "unpause" => simple(ctx, id, UNPAUSE),
        "suspend" => simple(ctx, id, SUSPEND),
        "resume" => simple(ctx, id, RESUME),
        "lock" => lock(ctx, version, id, &args),
        "unlock" => unlock(ctx, id),
        "resize" => resize(ctx, id, &args),
        "confirmResize" => finish_resize(ctx, id, true),
        "revertResize" => finish_resize(ctx, id, false),
        "rebuild" => rebuild(ctx, version, id, &args),
        "os-getConsoleOutput" => console_output(ctx, id, &args),
        _ => create_image(ctx, version, id, &args),
    };
    match result {
        Ok(resp) => {
            super::instance_actions::record_accepted(ctx, id, &name);
            resp
        }
        Err(resp) => resp,
    }
}

/// `os-getConsoleOutput`: the fake driver's log; 409 `Instance {id} is not ready` while the
/// server has no host yet (Nova's `check_instance_host`).
fn console_output(ctx: &Ctx<'_>, id: &str, args: &Value) -> Result<Resp, Resp> {
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    if !server.has_host() {
        return Err(fault(409, &format!("Instance {id} is not ready")));
    }
    super::extras::console_output(args)
}

/// One of the actions that only move the server from one vm_state to another.
struct Simple {
    guard: Guard,
    stages: &'static [Option<&'static str>],
    ends: VmState,
}

const START: Simple = Simple {
    guard: Guard::new("start", &[Stopped]).on_host(),
    stages: &[Some("powering-on")],
    ends: Active,
};
const STOP: Simple = Simple {
    guard: Guard::new("stop", &[Active, Error]).on_host(),
    stages: &[Some("powering-off")],
    ends: Stopped,
};
const PAUSE: Simple = Simple {
    guard: Guard::new("pause", &[Active]),
    stages: &[Some("pausing")],
    ends: Paused,
};
const UNPAUSE: Simple = Simple {
    guard: Guard::new("unpause", &[Paused]),
    stages: &[Some("unpausing")],
    ends: Active,
};
const SUSPEND: Simple = Simple {
    guard: Guard::new("suspend", &[Active]),
    stages: &[Some("suspending")],
    ends: Suspended,
};
const RESUME: Simple = Simple {
    guard: Guard::new("resume", &[Suspended]),
    stages: &[Some("resuming")],
    ends: Active,
};

/// The live server `id`, settled, or Nova's 404.
pub(crate) fn live_server<'a>(state: &'a mut State, id: &str) -> Result<&'a mut Server, Resp> {
    servers::settle_all(state);
    state
        .servers
        .iter_mut()
        .find(|s| s.id == id && s.is_live())
        .ok_or_else(|| servers::not_found(id))
}

pub(crate) fn start_task(
    server: &mut Server,
    delay: std::time::Duration,
    stages: &[Option<&'static str>],
    then: Transition,
) {
    let pending = Pending::after(delay, stages, then);
    server.task_state = stages.first().copied().flatten();
    server.updated = chrono::Utc::now();
    server.pending = Some(pending);
}

fn simple(ctx: &Ctx<'_>, id: &str, action: Simple) -> Result<Resp, Resp> {
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    action.guard.check(server, admin)?;
    start_task(
        server,
        delay,
        action.stages,
        Transition::Became(action.ends),
    );
    Ok(Resp::empty(202))
}

fn reboot(ctx: &Ctx<'_>, id: &str, args: &Value) -> Result<Resp, Resp> {
    object("reboot", args)?;
    schema::keys("reboot", args, &["type"], &["type"])?;
    let kind = one_of(
        "type",
        required("reboot", args, "type")?,
        &["HARD", "Hard", "hard", "SOFT", "Soft", "soft"],
    )?;
    let hard = kind.eq_ignore_ascii_case("hard");
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    let (guard, stages): (Guard, &[Option<&str>]) = if hard {
        (
            Guard {
                tasks: Tasks::IdleOr(ALLOW_REBOOT),
                ..Guard::new("reboot", &[Active, Stopped, Paused, Suspended, Error])
            },
            &[
                Some("rebooting_hard"),
                Some("reboot_pending_hard"),
                Some("reboot_started_hard"),
            ],
        )
    } else {
        (
            Guard::new("reboot", &[Active]),
            &[
                Some("rebooting"),
                Some("reboot_pending"),
                Some("reboot_started"),
            ],
        )
    };
    guard.check(server, admin)?;
    start_task(server, delay, stages, Transition::Became(Active));
    Ok(Resp::empty(202))
}

fn lock(ctx: &Ctx<'_>, version: Microversion, id: &str, args: &Value) -> Result<Resp, Resp> {
    let mut reason = None;
    if version.at_least(73) {
        match args {
            Value::Null => {}
            Value::Object(_) => {
                no_extra("lock", args, &["locked_reason"])?;
                if let Some(r) = args.get("locked_reason") {
                    reason = Some(schema::string("locked_reason", r, 1, 255)?.to_string());
                }
            }
            other => {
                return Err(invalid(
                    "lock",
                    other,
                    &format!("{} is not of type 'object', 'null'", schema::py(other)),
                ));
            }
        }
    }
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    // The fake does not track who locked a server (Nova's `locked_by` owner/admin): locking a
    // locked server changes nothing (not even the reason), as in Nova.
    if !server.locked {
        server.locked = true;
        server.locked_reason = reason;
        server.updated = chrono::Utc::now();
    }
    Ok(Resp::empty(202))
}

fn unlock(ctx: &Ctx<'_>, id: &str) -> Result<Resp, Resp> {
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    server.locked = false;
    server.locked_reason = None;
    server.updated = chrono::Utc::now();
    Ok(Resp::empty(202))
}

/// Nova's flavor/image fit checks (`_validate_flavor_image_nostatus`): 400 when the image needs
/// more RAM or disk than the flavor has.
pub(crate) fn check_fits(image: &Image, flavor: &flavors::Flavor) -> Result<(), Resp> {
    if image.min_ram > flavor.ram {
        return Err(fault(
            400,
            "Flavor's memory is too small for requested image.",
        ));
    }
    if flavor.disk == 0 {
        return Ok(());
    }
    let dest = flavor.disk.saturating_mul(1 << 30);
    for size in [image.size, image.virtual_size].into_iter().flatten() {
        if size > dest {
            return Err(fault(
                400,
                &format!(
                    "Flavor's disk is too small for requested image. Flavor disk is {dest} \
                     bytes, image is {size} bytes."
                ),
            ));
        }
    }
    let min = image.min_disk.saturating_mul(1 << 30);
    if min > dest {
        return Err(fault(
            400,
            &format!(
                "Flavor's disk is smaller than the minimum size specified in image metadata. \
                 Flavor disk is {dest} bytes, minimum size is {min} bytes."
            ),
        ));
    }
    Ok(())
}

fn resize(ctx: &Ctx<'_>, id: &str, args: &Value) -> Result<Resp, Resp> {
    object("resize", args)?;
    schema::keys(
        "resize",
        args,
        &["flavorRef"],
        &["flavorRef", "OS-DCF:diskConfig"],
    )?;
    let flavor_ref = match required("resize", args, "flavorRef")? {
        Value::String(s) if !s.is_empty() => servers::last_segment(s).to_string(),
        Value::Number(n) => n.to_string(),
        other @ Value::String(_) => {
            return Err(invalid(
                "flavorRef",
                other,
                &format!("{} should be non-empty", schema::py(other)),
            ));
        }
        other => {
            return Err(invalid(
                "flavorRef",
                other,
                &format!("{} is not of type 'string', 'integer'", schema::py(other)),
            ));
        }
    };
    if let Some(dc) = args.get("OS-DCF:diskConfig") {
        one_of("OS-DCF:diskConfig", dc, &["AUTO", "MANUAL"])?;
    }
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let image = {
        let server = live_server(&mut state, id)?;
        Guard::new("resize", &[Active, Stopped])
            .on_host()
            .check(server, admin)?;
        server.image_id.clone()
    };
    let Some(flavor) = flavors::find_live(&state, &flavor_ref).cloned() else {
        return Err(fault(
            400,
            &format!("Flavor {flavor_ref} could not be found."),
        ));
    };
    let image = image.and_then(|i| state.images.iter().find(|x| x.id == i).cloned());
    let server = live_server(&mut state, id)?;
    if server.flavor_id == flavor.id {
        return Err(fault(400, "When resizing, instances must change flavor!"));
    }
    if let Some(image) = &image {
        check_fits(image, &flavor)?;
    }
    if let Some(Value::String(dc)) = args.get("OS-DCF:diskConfig") {
        server.disk_config = dc.clone();
    }
    server.resized_from = server.vm_state;
    start_task(
        server,
        delay,
        &RESIZE_STAGES,
        Transition::Resized {
            new_flavor: flavor.id.to_string(),
        },
    );
    let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
    let old_flavor = server.flavor_id.clone();
    let at = super::migrations::start(
        ctx,
        &mut state,
        id,
        "resize",
        (&old_flavor, &flavor.id),
        "pre-migrating",
    );
    if let Some(done) = done {
        state.migrations[at].then(
            &["pre-migrating", "migrating", "post-migrating", "finished"],
            done,
        );
    }
    Ok(Resp::empty(202))
}

/// `confirmResize` (204) or `revertResize` (202).
fn finish_resize(ctx: &Ctx<'_>, id: &str, confirm: bool) -> Result<Resp, Resp> {
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    let action = if confirm {
        "confirmResize"
    } else {
        "revertResize"
    };
    Guard::new(action, &[Resized]).check(server, admin)?;
    if server.migration != Some(Migration::Finished) {
        return Err(fault(400, "Instance has not been resized."));
    }
    server.migration = Some(Migration::Closing);
    let (closing, closed) = if confirm {
        ("confirming", "confirmed")
    } else {
        ("reverting", "reverted")
    };
    let done = ids::deadline(delay);
    if let Some(m) = super::migrations::open_resize(&mut state, id) {
        m.then(&[closing, closed], done);
    }
    let server = live_server(&mut state, id)?;
    if confirm {
        // Nova sets no task state while confirming: the server stays VERIFY_RESIZE until the
        // source host is cleaned up.
        start_task(server, delay, &[], Transition::ResizeConfirmed);
        Ok(Resp::empty(204))
    } else {
        start_task(
            server,
            delay,
            &[Some("resize_reverting")],
            Transition::ResizeReverted,
        );
        Ok(Resp::empty(202))
    }
}

fn rebuild(ctx: &Ctx<'_>, version: Microversion, id: &str, args: &Value) -> Result<Resp, Resp> {
    object("rebuild", args)?;
    let mut allowed = vec![
        "name",
        "imageRef",
        "adminPass",
        "metadata",
        "preserve_ephemeral",
        "OS-DCF:diskConfig",
        "accessIPv4",
        "accessIPv6",
    ];
    if !version.at_least(57) {
        allowed.push("personality");
    }
    for (key, minor) in [
        ("description", 19),
        ("key_name", 54),
        ("user_data", 57),
        ("trusted_image_certificates", 63),
        ("hostname", 90),
    ] {
        if version.at_least(minor) {
            allowed.push(key);
        }
    }
    schema::keys("rebuild", args, &["imageRef"], &allowed)?;
    let image_ref = required("rebuild", args, "imageRef")?;
    let image_id = schema::string("imageRef", image_ref, 0, usize::MAX)?;
    if !schema::is_uuid(image_id) {
        return Err(invalid(
            "imageRef",
            image_ref,
            &format!("{} is not a 'uuid'", schema::py(image_ref)),
        ));
    }
    let name = args
        .get("name")
        .map(|v| schema::name("name", v))
        .transpose()?;
    let metadata = args
        .get("metadata")
        .map(|v| schema::metadata("metadata", v))
        .transpose()?;
    let description = match args.get("description") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => Some(Some(schema::string("description", v, 0, 255)?.to_string())),
    };
    let key_name = match args.get("key_name") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => Some(Some(schema::name("key_name", v)?.to_string())),
    };
    let user_data = match args.get("user_data") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => Some(Some(schema::string("user_data", v, 0, 65535)?.to_string())),
    };
    let admin_pass = match args.get("adminPass") {
        None => ids::alnum(12),
        Some(v) => schema::string("adminPass", v, 0, usize::MAX)?.to_string(),
    };
    if let Some(dc) = args.get("OS-DCF:diskConfig") {
        one_of("OS-DCF:diskConfig", dc, &["AUTO", "MANUAL"])?;
    }
    for key in ["accessIPv4", "accessIPv6"] {
        if let Some(v) = args.get(key) {
            schema::string(key, v, 0, 64)?;
        }
    }

    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let flavor_id = {
        let server = live_server(&mut state, id)?;
        Guard::new("rebuild", &[Active, Stopped, Error]).check(server, admin)?;
        server.flavor_id.clone()
    };
    let Some(image) = state.images.iter().find(|i| i.id == image_id).cloned() else {
        return Err(fault(400, "Cannot find image for rebuild"));
    };
    if image.status != "active" {
        return Err(fault(400, &format!("Image {image_id} is not active.")));
    }
    if let Some(flavor) = flavors::find(&state, &flavor_id) {
        check_fits(&image, flavor)?;
    }
    if let Some(Some(key)) = &key_name {
        if !state
            .keypairs
            .iter()
            .any(|k| super::keypairs::owned(k, ctx.user_id(), key))
        {
            return Err(fault(400, "Invalid key_name provided."));
        }
    }
    let server = live_server(&mut state, id)?;
    server.image_id = Some(image.id.clone());
    if let Some(name) = name {
        server.name = name.to_string();
    }
    if let Some(md) = metadata {
        server.metadata = md;
    }
    if let Some(d) = description {
        server.description = d;
    }
    if let Some(k) = key_name {
        server.key_name = k;
    }
    if let Some(u) = user_data {
        server.user_data = u;
    }
    if let Some(Value::String(dc)) = args.get("OS-DCF:diskConfig") {
        server.disk_config = dc.clone();
    }
    if let Some(Value::String(ip)) = args.get("accessIPv4") {
        server.access_ipv4 = ip.clone();
    }
    if let Some(Value::String(ip)) = args.get("accessIPv6") {
        server.access_ipv6 = ip.clone();
    }
    let ends = if server.vm_state == Stopped {
        Stopped
    } else {
        Active
    };
    // A rebuilt server is no longer in ERROR: its fault stays recorded, but it is not shown.
    start_task(
        server,
        delay,
        &[
            Some("rebuilding"),
            Some("rebuild_block_device_mapping"),
            Some("rebuild_spawning"),
        ],
        Transition::Rebuilt(ends),
    );
    let server = server.clone();
    let groups = super::server_groups::groups_of(&state, &server.id);
    let flavors = state.flavors.clone();
    drop(state);
    let mut body = view::rebuild(ctx.shared, &flavors, &server, version, &groups);
    if let Value::Object(m) = &mut body {
        m.insert("adminPass".into(), json!(admin_pass));
    }
    let location = format!("{}/compute/v2.1/servers/{id}", ctx.shared.base);
    Ok(Resp::json(202, &json!({ "server": body })).with_header("location", &location))
}

fn create_image(
    ctx: &Ctx<'_>,
    version: Microversion,
    id: &str,
    args: &Value,
) -> Result<Resp, Resp> {
    object("createImage", args)?;
    schema::keys("createImage", args, &["name"], &["name", "metadata"])?;
    let name = schema::name("name", required("createImage", args, "name")?)?.to_string();
    let metadata = match args.get("metadata") {
        None => Default::default(),
        Some(v) => schema::metadata("metadata", v)?,
    };
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let shared = ctx.shared;
    let mut state = shared.lock();
    let (flavor_id, base_id) = {
        let server = live_server(&mut state, id)?;
        // Snapshots are not refused for a locked server (no `check_instance_lock`).
        Guard {
            lock: false,
            ..Guard::new("createImage", &[Active, Stopped, Paused, Suspended])
        }
        .check(server, admin)?;
        (server.flavor_id.clone(), server.image_id.clone())
    };
    let stages = [
        Some("image_snapshot_pending"),
        Some("image_snapshot"),
        Some("image_uploading"),
    ];
    let pending = Pending::after(delay, &stages, Transition::Snapshotted);
    let image_id = super::snapshots::push(
        ctx,
        &mut state,
        super::snapshots::Snapshot {
            server_id: id,
            base_id: base_id.as_deref(),
            flavor_id: &flavor_id,
            name,
            metadata: &metadata,
            image_type: "snapshot",
            extra: &[],
            upload: &pending,
        },
    );
    let server = live_server(&mut state, id)?;
    server.task_state = Some("image_snapshot_pending");
    server.pending = Some(pending);
    drop(state);
    if version.at_least(45) {
        Ok(Resp::json(202, &json!({ "image_id": image_id })))
    } else {
        let location = format!("{}/image/images/{image_id}", shared.base);
        Ok(Resp::empty(202).with_header("location", &location))
    }
}
