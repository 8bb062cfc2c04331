//! `POST /servers/{id}/remote-consoles` (2.6+): a console URL, as a devstack Nova with noVNC
//! enabled (and SPICE, serial, RDP and MKS consoles disabled) answers.

use serde_json::{Value, json};

use super::actions::live_server;
use super::schema::{self, one_of, required};
use super::{Microversion, fault, not_found};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;

/// Nova's `[vnc] novncproxy_base_url` default.
const NOVNC_BASE: &str = "http://127.0.0.1:6080/vnc_auto.html";

/// `{"remote_console": {"protocol", "type"}}`: 200 with `url` for `vnc`/`novnc`; 400
/// `Invalid console type …` for a type of another protocol, `Unavailable console type …` for
/// the disabled consoles; 409 while the server has no host or is being deleted or migrated.
pub(crate) fn create(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    if !version.at_least(6) {
        return not_found();
    }
    match remote_console(ctx, version, id) {
        Ok(resp) | Err(resp) => resp,
    }
}

fn remote_console(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Result<Resp, Resp> {
    let Some(body) = ctx.req.json_body() else {
        return Err(fault(400, "Malformed request body"));
    };
    schema::object("", &body)?;
    schema::keys("", &body, &["remote_console"], &["remote_console"])?;
    let args = required("", &body, "remote_console")?;
    schema::object("remote_console", args)?;
    schema::keys(
        "remote_console",
        args,
        &["protocol", "type"],
        &["protocol", "type"],
    )?;
    let mut protocols = vec!["vnc", "spice", "rdp", "serial"];
    let mut types = vec!["novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial"];
    if version.at_least(8) {
        protocols.push("mks");
        types.push("webmks");
    }
    if version.at_least(99) {
        types.push("spice-direct");
    }
    let protocol = one_of(
        "protocol",
        required("remote_console", args, "protocol")?,
        &protocols,
    )?;
    let kind = one_of("type", required("remote_console", args, "type")?, &types)?;
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    if !server.has_host() {
        return Err(fault(409, &format!("Instance {id} is not ready")));
    }
    if let Some(task @ ("deleting" | "migrating")) = server.task_state {
        return Err(fault(
            409,
            &format!(
                "Cannot 'get_{protocol}_console' instance {id} while it is in task_state {task}"
            ),
        ));
    }
    drop(state);
    let url = match (protocol, kind) {
        ("vnc", "novnc") => format!("{NOVNC_BASE}?path=%3Ftoken%3D{}", ids::uuid4()),
        ("vnc", other) => return Err(fault(400, &format!("Invalid console type {other}"))),
        (_, other) => {
            return Err(fault(400, &format!("Unavailable console type {other}.")));
        }
    };
    Ok(Resp::json(
        200,
        &json!({"remote_console": {"protocol": protocol, "type": kind, "url": Value::String(url)}}),
    ))
}
