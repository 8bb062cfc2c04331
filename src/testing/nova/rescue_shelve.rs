//! The `rescue`, `unrescue`, `shelve`, `shelveOffload` and `unshelve` actions, with Nova's
//! guards, task states and answers (nova 33 `compute/api.py`, `api/openstack/compute/rescue.py`
//! and `shelve.py`).

use serde_json::{Value, json};

use super::actions::{live_server, start_task};
use super::checks::Guard;
use super::model::{Transition, VmState};
use super::schema::{self, invalid, no_extra};
use super::{Microversion, fault, instance_actions, snapshots, view};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;

use VmState::{Active, Error, Paused, Rescued, Shelved, ShelvedOffloaded, Stopped, Suspended};

/// Nova's answer to an exception its API does not expect (an unknown `rescue_image_ref`).
fn unexpected(class: &str) -> Resp {
    fault(
        500,
        &format!(
            "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and \
             attach the Nova API log if possible.\n<class 'nova.exception.{class}'>"
        ),
    )
}

/// `{"rescue": null | {"adminPass"?, "rescue_image_ref"?}}`: 200 `{"adminPass"}`; the server
/// is `RESCUE` once done.
pub(crate) fn rescue(ctx: &Ctx<'_>, id: &str, args: &Value) -> Result<Resp, Resp> {
    let mut password = None;
    let mut image = None;
    match args {
        Value::Null => {}
        Value::Object(_) => {
            no_extra("rescue", args, &["adminPass", "rescue_image_ref"])?;
            if let Some(p) = args.get("adminPass") {
                password = Some(schema::string("adminPass", p, 0, usize::MAX)?.to_string());
            }
            if let Some(r) = args.get("rescue_image_ref") {
                let r_str = schema::string("rescue_image_ref", r, 0, usize::MAX)?;
                if !schema::is_uuid(r_str) {
                    return Err(invalid(
                        "rescue_image_ref",
                        r,
                        &format!("{} is not a 'uuid'", schema::py(r)),
                    ));
                }
                image = Some(r_str.to_string());
            }
        }
        other => {
            return Err(invalid(
                "rescue",
                other,
                &format!("{} is not of type 'object', 'null'", schema::py(other)),
            ));
        }
    }
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    Guard::new("rescue", &[Active, Stopped, Error]).check(server, admin)?;
    if let Some(image) = &image {
        if !state.images.iter().any(|i| &i.id == image) {
            return Err(unexpected("ImageNotFound"));
        }
    }
    let server = live_server(&mut state, id)?;
    start_task(
        server,
        delay,
        &[Some("rescuing")],
        Transition::Became(Rescued),
    );
    let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
    let events = &["compute_rescue_instance"];
    instance_actions::record(ctx, &mut state, id, "rescue", events, done, false);
    let password = password.unwrap_or_else(|| ids::alnum(12));
    Ok(Resp::json(200, &json!({ "adminPass": password })))
}

/// `{"unrescue": null}` (202): RESCUE → ACTIVE.
pub(crate) fn unrescue(ctx: &Ctx<'_>, id: &str) -> Result<Resp, Resp> {
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    Guard::new("unrescue", &[Rescued]).check(server, admin)?;
    start_task(
        server,
        delay,
        &[Some("unrescuing")],
        Transition::Became(Active),
    );
    let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
    let events = &["compute_unrescue_instance"];
    instance_actions::record(ctx, &mut state, id, "unrescue", events, done, false);
    Ok(Resp::empty(202))
}

/// `{"shelve": null}` (202): snapshots an image-backed server to `<name>-shelved` in Glance,
/// then SHELVED, offloaded (`SHELVED_OFFLOADED`, no host) after `shelved_offload_time`.
pub(crate) fn shelve(ctx: &Ctx<'_>, id: &str) -> Result<Resp, Resp> {
    let delay = ctx.shared.settings.action_delay;
    let offload = ctx.shared.settings.shelved_offload;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    Guard::new("shelve", &[Active, Stopped, Paused, Suspended]).check(server, admin)?;
    let mut stages = vec![
        Some("shelving"),
        Some("shelving_image_pending_upload"),
        Some("shelving_image_uploading"),
    ];
    if offload.is_some_and(|d| d.is_zero()) {
        stages.push(Some("shelving_offloading"));
    }
    start_task(server, delay, &stages, Transition::Shelved(offload));
    let (name, base, flavor) = (
        format!("{}-shelved", server.name),
        server.image_id.clone(),
        server.flavor_id.clone(),
    );
    let pending = server.pending.clone();
    if let (Some(pending), Some(_)) = (&pending, &base) {
        let snap = snapshots::Snapshot {
            server_id: id,
            base_id: base.as_deref(),
            flavor_id: &flavor,
            name,
            metadata: &Default::default(),
            image_type: "snapshot",
            extra: &[],
            upload: pending,
        };
        snapshots::push(ctx, &mut state, snap);
    }
    let done = pending.as_ref().map(|p| (p.at, p.at_wall));
    let events = &["compute_shelve_instance"];
    instance_actions::record(ctx, &mut state, id, "shelve", events, done, false);
    Ok(Resp::empty(202))
}

/// `{"shelveOffload": null}` (202): SHELVED → SHELVED_OFFLOADED.
pub(crate) fn shelve_offload(ctx: &Ctx<'_>, id: &str) -> Result<Resp, Resp> {
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    Guard::new("shelveOffload", &[Shelved]).check(server, admin)?;
    start_task(
        server,
        delay,
        &[Some("shelving_offloading")],
        Transition::Became(ShelvedOffloaded),
    );
    let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
    let events = &["compute_shelve_offload_instance"];
    instance_actions::record(ctx, &mut state, id, "shelveOffload", events, done, false);
    Ok(Resp::empty(202))
}

/// What an `unshelve` body asks for: `Some(zone)` (`Some(None)`: unpin, 2.91) and a host.
struct UnshelveArgs {
    zone: Option<Option<String>>,
    host: Option<String>,
}

fn unshelve_args(version: Microversion, args: &Value) -> Result<UnshelveArgs, Resp> {
    let mut out = UnshelveArgs {
        zone: None,
        host: None,
    };
    if !version.at_least(77) || args.is_null() {
        return Ok(out);
    }
    if !args.is_object() {
        return Err(invalid(
            "unshelve",
            args,
            &format!("{} is not of type 'object', 'null'", schema::py(args)),
        ));
    }
    if version.at_least(91) {
        no_extra("unshelve", args, &["availability_zone", "host"])?;
        out.zone = match args.get("availability_zone") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(v) => Some(Some(
                schema::string("availability_zone", v, 0, usize::MAX)?.to_string(),
            )),
        };
        if let Some(h) = args.get("host") {
            out.host = Some(schema::string("host", h, 0, usize::MAX)?.to_string());
        }
    } else {
        schema::keys(
            "unshelve",
            args,
            &["availability_zone"],
            &["availability_zone"],
        )?;
        let zone = schema::required("unshelve", args, "availability_zone")?;
        out.zone = Some(Some(schema::name("availability_zone", zone)?.to_string()));
    }
    Ok(out)
}

/// `{"unshelve": null | {"availability_zone"?, "host"?}}` (202): → ACTIVE (on the one host),
/// the shelved image deleted. A zone or host is only for a `SHELVED_OFFLOADED` server (409);
/// the zone must exist (400), the host too (400) and only admins may name one (403).
pub(crate) fn unshelve(
    ctx: &Ctx<'_>,
    version: Microversion,
    id: &str,
    args: &Value,
) -> Result<Resp, Resp> {
    let request = unshelve_args(version, args)?;
    let delay = ctx.shared.settings.action_delay;
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let zones = super::aggregates::zones(&state);
    let server = live_server(&mut state, id)?;
    Guard::new("unshelve", &[Shelved, ShelvedOffloaded]).check(server, admin)?;
    if (request.zone.is_some() || request.host.is_some()) && server.vm_state != ShelvedOffloaded {
        return Err(fault(
            409,
            &format!(
                "Specifying an availability zone or a host when unshelving server \"{id}\" \
                 with status \"{}\" is not supported. The server status must be \
                 SHELVED_OFFLOADED.",
                server.status()
            ),
        ));
    }
    if let Some(Some(zone)) = &request.zone {
        if !zones.contains(zone) {
            return Err(fault(
                400,
                "The requested availability zone is not available",
            ));
        }
    }
    if let Some(host) = &request.host {
        if !admin {
            return Err(super::policy_denied(
                "os_compute_api:os-shelve:unshelve_to_host",
            ));
        }
        if host != view::HOST {
            return Err(fault(
                400,
                &format!("Compute host {host} could not be found."),
            ));
        }
    }
    match &request.zone {
        Some(Some(zone)) => {
            server.availability_zone = zone.clone();
            server.pinned_az = true;
        }
        Some(None) => server.pinned_az = false,
        None => {}
    }
    start_task(
        server,
        delay,
        &[Some("unshelving"), Some("spawning")],
        Transition::Became(Active),
    );
    let done = server.pending.as_ref().map(|p| (p.at, p.at_wall));
    let shelved_name = format!("{}-shelved", server.name);
    state.images.retain(|i| {
        let of_server = i.properties.get("instance_uuid").and_then(Value::as_str) == Some(id);
        !(of_server && i.name.as_deref() == Some(shelved_name.as_str()))
    });
    let events = &["conductor_unshelve_instance", "compute_unshelve_instance"];
    instance_actions::record(ctx, &mut state, id, "unshelve", events, done, false);
    Ok(Resp::empty(202))
}
