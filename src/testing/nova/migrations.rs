//! Migration records (resizes, cold and live migrations, evacuations) and `GET /os-migrations`
//! (admin): the statuses Nova's conductor and compute manager move them through, one after the
//! other on the action's clock.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::{Microversion, fault, view};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// One migration record.
#[derive(Clone, Debug)]
pub(crate) struct MigrationRecord {
    pub(crate) id: u64,
    pub(crate) uuid: String,
    pub(crate) server_id: String,
    /// `resize`, `migration`, `live-migration` or `evacuation`.
    pub(crate) kind: &'static str,
    pub(crate) old_flavor: i64,
    pub(crate) new_flavor: i64,
    /// Whether the destination was chosen (a failed scheduling leaves it empty).
    pub(crate) dest: bool,
    pub(crate) user_id: String,
    pub(crate) project_id: String,
    pub(crate) created: DateTime<Utc>,
    /// `(from, status, wall time)`: the status shown from each instant on.
    pub(crate) statuses: Vec<(Instant, &'static str, DateTime<Utc>)>,
}

impl MigrationRecord {
    /// The status now and when it was set.
    pub(crate) fn status(&self, now: Instant) -> (&'static str, DateTime<Utc>) {
        self.statuses
            .iter()
            .rev()
            .find(|(at, _, _)| *at <= now)
            .or(self.statuses.first())
            .map_or(("error", self.created), |(_, s, t)| (*s, *t))
    }

    /// Appends statuses spread evenly from now (the first) to `done` (the last; a single one at
    /// `done`).
    pub(crate) fn then(&mut self, statuses: &[&'static str], done: (Instant, DateTime<Utc>)) {
        let (start, start_wall) = (Instant::now(), Utc::now());
        let total = done.0.saturating_duration_since(start);
        let n = u32::try_from(statuses.len().saturating_sub(1).max(1)).unwrap_or(1);
        for (i, status) in (0u32..).zip(statuses) {
            let step = if statuses.len() == 1 {
                total
            } else {
                total / n * i
            };
            self.statuses
                .push((start + step, status, ids::wall_after(start_wall, step)));
        }
    }

    fn to_json(&self, version: Microversion, now: Instant) -> Value {
        let (status, updated) = self.status(now);
        let dest = |v: &str| if self.dest { json!(v) } else { Value::Null };
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("instance_uuid".into(), json!(self.server_id));
        m.insert("status".into(), json!(status));
        m.insert("source_compute".into(), json!(view::HOST));
        m.insert("source_node".into(), json!(view::NODE));
        m.insert("source_region".into(), Value::Null);
        m.insert("dest_compute".into(), dest(view::HOST));
        m.insert("dest_node".into(), dest(view::NODE));
        m.insert("dest_host".into(), dest("127.0.0.1"));
        m.insert("dest_region".into(), Value::Null);
        m.insert("old_instance_type_id".into(), json!(self.old_flavor));
        m.insert("new_instance_type_id".into(), json!(self.new_flavor));
        m.insert("created_at".into(), json!(ids::micros_naive(self.created)));
        m.insert("updated_at".into(), json!(ids::micros_naive(updated)));
        if version.at_least(23) {
            m.insert("migration_type".into(), json!(self.kind));
        }
        if version.at_least(59) {
            m.insert("uuid".into(), json!(self.uuid));
        }
        if version.at_least(80) {
            m.insert("user_id".into(), json!(self.user_id));
            m.insert("project_id".into(), json!(self.project_id));
        }
        Value::Object(m)
    }
}

/// Nova's integer id of a flavor (the fake's flavor ids when numeric, else their position).
pub(crate) fn flavor_db_id(state: &State, flavor_id: &str) -> i64 {
    flavor_id.parse().unwrap_or_else(|_| {
        let pos = state.flavors.iter().position(|f| f.id == flavor_id);
        pos.map_or(0, |p| i64::try_from(p).unwrap_or(0) + 1)
    })
}

/// Starts a migration record of `kind` for `server_id` (status `first` from now on) and
/// returns its index in `state.migrations`.
pub(crate) fn start(
    ctx: &Ctx<'_>,
    state: &mut State,
    server_id: &str,
    kind: &'static str,
    flavors: (&str, &str),
    first: &'static str,
) -> usize {
    state.nova_seq += 1;
    let now = Utc::now();
    let (old_flavor, new_flavor) = (
        flavor_db_id(state, flavors.0),
        flavor_db_id(state, flavors.1),
    );
    state.migrations.push(MigrationRecord {
        id: state.nova_seq,
        uuid: ids::uuid4(),
        server_id: server_id.to_string(),
        kind,
        old_flavor,
        new_flavor,
        dest: true,
        user_id: ctx.user_id().to_string(),
        project_id: ctx.project_id().to_string(),
        created: now,
        statuses: vec![(Instant::now(), first, now)],
    });
    state.migrations.len() - 1
}

/// The open migration record of a resize or cold migration of `server_id` (status
/// `finished`), for confirm and revert.
pub(crate) fn open_resize<'a>(
    state: &'a mut State,
    server_id: &str,
) -> Option<&'a mut MigrationRecord> {
    let now = Instant::now();
    state
        .migrations
        .iter_mut()
        .rev()
        .find(|m| m.server_id == server_id && matches!(m.kind, "resize" | "migration"))
        .filter(|m| m.status(now).0 == "finished")
}

/// `GET /os-migrations` (admin): newest first; filters `host`, `status`, `instance_uuid`,
/// `migration_type`, `source_compute`, and from 2.59 `limit`, `marker` (a migration uuid),
/// `changes-since`, from 2.66 `changes-before`, from 2.80 `user_id`, `project_id`.
pub(crate) fn index(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    if !ctx.is_admin() {
        return super::policy_denied("os_compute_api:os-migrations:index");
    }
    let now = Instant::now();
    let req = ctx.req;
    let state = ctx.shared.lock();
    let mut found: Vec<&MigrationRecord> = state
        .migrations
        .iter()
        .rev()
        .filter(|m| {
            let (status, _) = m.status(now);
            // Every migration is from (and any destination is) the one host.
            let host_ok = req.query_first("host").is_none_or(|h| h == view::HOST);
            host_ok
                && req.query_first("status").is_none_or(|s| s == status)
                && req
                    .query_first("instance_uuid")
                    .is_none_or(|u| u == m.server_id)
                && req
                    .query_first("migration_type")
                    .is_none_or(|t| t == m.kind)
                && req
                    .query_first("source_compute")
                    .is_none_or(|h| h == view::HOST)
                && (!version.at_least(80)
                    || (req.query_first("user_id").is_none_or(|u| u == m.user_id)
                        && req
                            .query_first("project_id")
                            .is_none_or(|p| p == m.project_id)))
        })
        .collect();
    if !version.at_least(59) {
        let body: Vec<Value> = found.iter().map(|m| m.to_json(version, now)).collect();
        return Resp::json(200, &json!({ "migrations": body }));
    }
    for (key, minor) in [("changes-since", 59), ("changes-before", 66)] {
        let Some(raw) = req.query_first(key).filter(|_| version.at_least(minor)) else {
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
        found.retain(|m| {
            let updated = m.status(now).1;
            if key == "changes-since" {
                updated >= t
            } else {
                updated <= t
            }
        });
    }
    let paging = match super::Paging::from_request(req, ctx.shared.settings.max_limit) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if let Some(marker) = paging.marker {
        let Some(pos) = found.iter().position(|m| m.uuid == marker) else {
            return fault(400, &format!("Marker {marker} could not be found."));
        };
        found.drain(..=pos);
    }
    found.truncate(paging.limit);
    let body: Vec<Value> = found.iter().map(|m| m.to_json(version, now)).collect();
    let mut out = Map::new();
    out.insert("migrations".into(), Value::Array(body));
    if let Some(links) = paging.next_links(
        req,
        &ctx.shared.base,
        "os-migrations",
        found.len(),
        found.last().map(|m| m.uuid.as_str()),
    ) {
        out.insert("migrations_links".into(), links);
    }
    Resp::json(200, &Value::Object(out))
}
