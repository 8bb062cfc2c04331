//! `GET /servers/{id}/os-instance-actions[/{request_id}]`: the actions Nova records for every
//! operation on a server (`create`, `stop`, `reboot`, …), with the request id that started
//! them and their events (`compute_stop_instance`, …), finished when the operation is.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::{Microversion, fault, view};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// One event of an action: a step of the conductor or compute manager.
#[derive(Clone, Debug)]
pub(crate) struct Event {
    pub(crate) name: &'static str,
    pub(crate) start: DateTime<Utc>,
    /// When the step finishes (monotonic, to compare with the clock) and its wall time.
    pub(crate) finish_at: Instant,
    pub(crate) finish_wall: DateTime<Utc>,
    /// Whether the step fails (`result: Error`, the action's `message: Error`).
    pub(crate) failed: bool,
}

/// One instance action.
#[derive(Clone, Debug)]
pub(crate) struct InstanceAction {
    pub(crate) server_id: String,
    pub(crate) action: &'static str,
    pub(crate) request_id: String,
    pub(crate) user_id: String,
    pub(crate) project_id: String,
    pub(crate) start: DateTime<Utc>,
    pub(crate) events: Vec<Event>,
}

impl InstanceAction {
    fn finished_events(&self, now: Instant) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.finish_at <= now)
    }

    /// `updated_at`: the last finished event's finish, else the start.
    fn updated(&self, now: Instant) -> DateTime<Utc> {
        self.finished_events(now)
            .map(|e| e.finish_wall)
            .max()
            .unwrap_or(self.start)
    }

    fn message(&self, now: Instant) -> Option<&'static str> {
        self.finished_events(now)
            .any(|e| e.failed)
            .then_some("Error")
    }

    fn to_json(&self, version: Microversion, now: Instant) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("action".into(), json!(self.action));
        m.insert("instance_uuid".into(), json!(self.server_id));
        m.insert("message".into(), json!(self.message(now)));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("request_id".into(), json!(self.request_id));
        m.insert("start_time".into(), json!(ids::micros_naive(self.start)));
        m.insert("user_id".into(), json!(self.user_id));
        if version.at_least(58) {
            m.insert(
                "updated_at".into(),
                json!(ids::micros_naive(self.updated(now))),
            );
        }
        m
    }
}

/// Records `action` on `server_id` for the request in `ctx`, its `events` finishing at `done`
/// (`(monotonic, wall)`; `None`: now), the last one failing when `failed`.
pub(crate) fn record(
    ctx: &Ctx<'_>,
    state: &mut State,
    server_id: &str,
    action: &'static str,
    events: &[&'static str],
    done: Option<(Instant, DateTime<Utc>)>,
    failed: bool,
) {
    let start = Utc::now();
    let (finish_at, finish_wall) = done.unwrap_or_else(|| (Instant::now(), start));
    let n = events.len();
    state.instance_actions.push(InstanceAction {
        server_id: server_id.to_string(),
        action,
        request_id: ctx.req.request_id.clone(),
        user_id: ctx.user_id().to_string(),
        project_id: ctx.project_id().to_string(),
        start,
        events: events
            .iter()
            .enumerate()
            .map(|(i, name)| Event {
                name,
                start,
                finish_at,
                finish_wall,
                failed: failed && i + 1 == n,
            })
            .collect(),
    });
}

/// The action name and events Nova records for a server action of `actions.rs` (by the body's
/// key), `None` for those it records nothing for.
pub(crate) fn for_action(name: &str) -> Option<(&'static str, &'static [&'static str])> {
    Some(match name {
        "reboot" => ("reboot", &["compute_reboot_instance"]),
        "os-start" => ("start", &["compute_start_instance"]),
        "os-stop" => ("stop", &["compute_stop_instance"]),
        "pause" => ("pause", &["compute_pause_instance"]),
        "unpause" => ("unpause", &["compute_unpause_instance"]),
        "suspend" => ("suspend", &["compute_suspend_instance"]),
        "resume" => ("resume", &["compute_resume_instance"]),
        "lock" => ("lock", &[]),
        "unlock" => ("unlock", &[]),
        "resize" => (
            "resize",
            &[
                "conductor_migrate_server",
                "compute_prep_resize",
                "compute_resize_instance",
                "compute_finish_resize",
            ],
        ),
        "confirmResize" => ("confirmResize", &["compute_confirm_resize"]),
        "revertResize" => (
            "revertResize",
            &["compute_revert_resize", "compute_finish_revert_resize"],
        ),
        "rebuild" => ("rebuild", &["compute_rebuild_instance"]),
        "createImage" => ("createImage", &["compute_snapshot_instance"]),
        _ => return None,
    })
}

/// Records the action of `actions.rs`' `name` once it was accepted, finishing with the
/// server's pending transition.
pub(crate) fn record_accepted(ctx: &Ctx<'_>, server_id: &str, name: &str) {
    let Some((action, events)) = for_action(name) else {
        return;
    };
    let mut state = ctx.shared.lock();
    let done = state
        .servers
        .iter()
        .find(|s| s.id == server_id)
        .and_then(|s| s.pending.as_ref())
        .map(|p| (p.at, p.at_wall));
    record(ctx, &mut state, server_id, action, events, done, false);
}

/// The server (live or deleted: Nova reads deleted instances here) or its 404.
fn known_server(state: &State, id: &str) -> Result<(), Resp> {
    if state.servers.iter().any(|s| s.id == id) {
        Ok(())
    } else {
        Err(super::servers::not_found(id))
    }
}

/// `GET /servers/{id}/os-instance-actions`: newest first; from 2.58 `limit`, `marker` (a
/// request id), `changes-since`, and from 2.66 `changes-before`, with `links`.
pub(crate) fn index(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let now = Instant::now();
    let state = ctx.shared.lock();
    if let Err(resp) = known_server(&state, id) {
        return resp;
    }
    let mut actions: Vec<&InstanceAction> = state
        .instance_actions
        .iter()
        .filter(|a| a.server_id == id)
        .collect();
    actions.reverse();
    if !version.at_least(58) {
        let body: Vec<Value> = actions
            .iter()
            .map(|a| Value::Object(a.to_json(version, now)))
            .collect();
        return Resp::json(200, &json!({ "instanceActions": body }));
    }
    let paging = match super::Paging::from_request(ctx.req, ctx.shared.settings.max_limit) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    for (key, minor) in [("changes-since", 58), ("changes-before", 66)] {
        let Some(raw) = ctx.req.query_first(key).filter(|_| version.at_least(minor)) else {
            continue;
        };
        let Some(t) = ids::parse_time(raw) else {
            return fault(
                400,
                &format!(
                    "Invalid input for query parameters {key}. Value: {raw}. '{raw}' is not a \
                     'date-time'"
                ),
            );
        };
        actions.retain(|a| {
            let updated = a.updated(now);
            if key == "changes-since" {
                updated >= t
            } else {
                updated <= t
            }
        });
    }
    if let Some(marker) = paging.marker {
        let Some(pos) = actions.iter().position(|a| a.request_id == marker) else {
            return fault(400, &format!("Marker {marker} could not be found."));
        };
        actions.drain(..=pos);
    }
    actions.truncate(paging.limit);
    let body: Vec<Value> = actions
        .iter()
        .map(|a| Value::Object(a.to_json(version, now)))
        .collect();
    let mut out = Map::new();
    out.insert("instanceActions".into(), Value::Array(body));
    let collection = format!("servers/{id}/os-instance-actions");
    if let Some(links) = paging.next_links(
        ctx.req,
        &ctx.shared.base,
        &collection,
        actions.len(),
        actions.last().map(|a| a.request_id.as_str()),
    ) {
        out.insert("links".into(), links);
    }
    Resp::json(200, &Value::Object(out))
}

/// `GET /servers/{id}/os-instance-actions/{request_id}`: the action with its `events`
/// (`traceback` for admins; `host` for admins and `hostId` from 2.62; `details` from 2.84).
pub(crate) fn show(ctx: &Ctx<'_>, version: Microversion, id: &str, request_id: &str) -> Resp {
    let now = Instant::now();
    let state = ctx.shared.lock();
    if let Err(resp) = known_server(&state, id) {
        return resp;
    }
    let Some(action) = state
        .instance_actions
        .iter()
        .find(|a| a.server_id == id && a.request_id == request_id)
    else {
        return fault(
            404,
            &format!("Action for request_id {request_id} on instance {id} not found"),
        );
    };
    let admin = ctx.is_admin();
    let events: Vec<Value> = action
        .events
        .iter()
        .map(|e| {
            let done = e.finish_at <= now;
            let mut m = Map::new();
            m.insert("event".into(), json!(e.name));
            m.insert("start_time".into(), json!(ids::micros_naive(e.start)));
            m.insert(
                "finish_time".into(),
                json!(done.then(|| ids::micros_naive(e.finish_wall))),
            );
            let result = match (done, e.failed) {
                (false, _) => None,
                (true, false) => Some("Success"),
                (true, true) => Some("Error"),
            };
            m.insert("result".into(), json!(result));
            if admin {
                m.insert("traceback".into(), Value::Null);
            }
            if version.at_least(62) {
                if admin {
                    m.insert("host".into(), json!(view::HOST));
                }
                m.insert("hostId".into(), json!(ctx.shared.identity.host_id));
            }
            if version.at_least(84) {
                m.insert("details".into(), Value::Null);
            }
            Value::Object(m)
        })
        .collect();
    let mut body = action.to_json(version, now);
    body.insert("events".into(), Value::Array(events));
    Resp::json(200, &json!({ "instanceAction": Value::Object(body) }))
}
