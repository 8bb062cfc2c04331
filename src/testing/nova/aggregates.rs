//! Host aggregates (admin): `GET`/`POST /os-aggregates`, `GET`/`PUT`/`DELETE
//! /os-aggregates/{id}` and the `add_host`, `remove_host` and `set_metadata` actions, with
//! Nova's validation and errors; the one host is `fake-host`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::schema::{self, required};
use super::{Microversion, fault, policy_denied, view};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// One aggregate.
#[derive(Clone, Debug)]
pub(crate) struct Aggregate {
    pub(crate) id: u64,
    pub(crate) uuid: String,
    pub(crate) name: String,
    pub(crate) hosts: Vec<String>,
    /// Metadata, `availability_zone` among it when the aggregate is a zone.
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: Option<DateTime<Utc>>,
}

impl Aggregate {
    fn zone(&self) -> Option<&str> {
        self.metadata.get("availability_zone").map(String::as_str)
    }

    fn to_json(&self, version: Microversion, full: bool) -> Value {
        let mut m = Map::new();
        m.insert("availability_zone".into(), json!(self.zone()));
        m.insert("created_at".into(), json!(ids::micros_naive(self.created)));
        m.insert("deleted".into(), json!(false));
        m.insert("deleted_at".into(), Value::Null);
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert(
            "updated_at".into(),
            json!(self.updated.map(ids::micros_naive)),
        );
        if full {
            m.insert("hosts".into(), json!(self.hosts));
            m.insert("metadata".into(), json!(self.metadata));
        }
        if version.at_least(41) {
            m.insert("uuid".into(), json!(self.uuid));
        }
        Value::Object(m)
    }
}

/// The compute availability zones: the zone of an aggregate holding the host, else Nova's
/// default `nova`.
pub(crate) fn zones(state: &State) -> Vec<String> {
    let mut out: Vec<String> = state
        .aggregates
        .iter()
        .filter(|a| a.hosts.iter().any(|h| h == view::HOST))
        .filter_map(|a| a.zone().map(str::to_string))
        .collect();
    out.dedup();
    if out.is_empty() {
        out.push("nova".into());
    }
    out
}

fn check_admin(ctx: &Ctx<'_>, rule: &str) -> Result<(), Resp> {
    if ctx.is_admin() {
        Ok(())
    } else {
        Err(policy_denied(&format!(
            "os_compute_api:os-aggregates:{rule}"
        )))
    }
}

fn find<'a>(state: &'a mut State, id: &str) -> Result<&'a mut Aggregate, Resp> {
    let Ok(n) = id.parse::<u64>() else {
        return Err(fault(400, "Invalid input received: id must be an integer"));
    };
    state
        .aggregates
        .iter_mut()
        .find(|a| a.id == n)
        .ok_or_else(|| fault(404, &format!("Aggregate {id} could not be found.")))
}

/// The `{name, availability_zone}` of a create or update body.
fn name_and_zone(
    body: &Value,
    create: bool,
) -> Result<(Option<String>, Option<Option<String>>), Resp> {
    schema::object("", body)?;
    schema::keys("", body, &["aggregate"], &["aggregate"])?;
    let agg = required("", body, "aggregate")?;
    schema::object("aggregate", agg)?;
    let need: &[&str] = if create { &["name"] } else { &[] };
    schema::keys("aggregate", agg, need, &["name", "availability_zone"])?;
    if !create && agg.as_object().is_some_and(Map::is_empty) {
        return Err(schema::invalid(
            "aggregate",
            agg,
            &format!("{} does not have enough properties", schema::py(agg)),
        ));
    }
    let name = agg
        .get("name")
        .map(|n| schema::string("name", n, 1, 255).map(|s| s.trim().to_string()))
        .transpose()?;
    let zone = match agg.get("availability_zone") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(z) => Some(Some(
            schema::string("availability_zone", z, 1, 255)?.to_string(),
        )),
    };
    Ok((name, zone))
}

/// `GET /os-aggregates`.
pub(crate) fn list(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    if let Err(resp) = check_admin(ctx, "index") {
        return resp;
    }
    let state = ctx.shared.lock();
    let body: Vec<Value> = state
        .aggregates
        .iter()
        .map(|a| a.to_json(version, true))
        .collect();
    Resp::json(200, &json!({ "aggregates": body }))
}

/// `POST /os-aggregates` (200, without `hosts` and `metadata`); 409 for a taken name, 400
/// for the zone `internal`.
pub(crate) fn create(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    if let Err(resp) = check_admin(ctx, "create") {
        return resp;
    }
    let Some(body) = ctx.req.json_body() else {
        return fault(400, "Malformed request body");
    };
    let (name, zone) = match name_and_zone(&body, true) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let name = name.unwrap_or_default();
    let zone = zone.flatten();
    if zone.as_deref() == Some("internal") {
        return fault(
            400,
            "Aggregates with availability zone internal are not supported.",
        );
    }
    let mut state = ctx.shared.lock();
    if state.aggregates.iter().any(|a| a.name == name) {
        return fault(409, &format!("Aggregate {name} already exists."));
    }
    state.nova_seq += 1;
    let mut metadata = BTreeMap::new();
    if let Some(z) = zone {
        metadata.insert("availability_zone".to_string(), z);
    }
    let agg = Aggregate {
        id: state.nova_seq,
        uuid: ids::uuid4(),
        name,
        hosts: Vec::new(),
        metadata,
        created: Utc::now(),
        updated: None,
    };
    let body = agg.to_json(version, false);
    state.aggregates.push(agg);
    Resp::json(200, &json!({ "aggregate": body }))
}

/// `GET /os-aggregates/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    if let Err(resp) = check_admin(ctx, "show") {
        return resp;
    }
    let mut state = ctx.shared.lock();
    match find(&mut state, id) {
        Ok(a) => Resp::json(200, &json!({ "aggregate": a.to_json(version, true) })),
        Err(resp) => resp,
    }
}

/// `PUT /os-aggregates/{id}` `{"aggregate": {"name"?, "availability_zone"?}}`.
pub(crate) fn update(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    if let Err(resp) = check_admin(ctx, "update") {
        return resp;
    }
    let Some(body) = ctx.req.json_body() else {
        return fault(400, "Malformed request body");
    };
    let (name, zone) = match name_and_zone(&body, false) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let n = match find(&mut state, id) {
        Ok(a) => a.id,
        Err(resp) => return resp,
    };
    if let Some(name) = &name {
        if state
            .aggregates
            .iter()
            .any(|a| &a.name == name && a.id != n)
        {
            return fault(409, &format!("Aggregate {name} already exists."));
        }
    }
    let Ok(agg) = find(&mut state, id) else {
        return super::not_found();
    };
    if let Some(name) = name {
        agg.name = name;
    }
    match zone {
        Some(Some(z)) => {
            agg.metadata.insert("availability_zone".into(), z);
        }
        Some(None) => {
            agg.metadata.remove("availability_zone");
        }
        None => {}
    }
    agg.updated = Some(Utc::now());
    Resp::json(200, &json!({ "aggregate": agg.to_json(version, true) }))
}

/// `DELETE /os-aggregates/{id}` (200); 400 while it has hosts.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    if let Err(resp) = check_admin(ctx, "delete") {
        return resp;
    }
    let mut state = ctx.shared.lock();
    let agg = match find(&mut state, id) {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    if !agg.hosts.is_empty() {
        return fault(
            400,
            &format!(
                "Cannot remove host from aggregate {id}. Reason: Host aggregate is not empty."
            ),
        );
    }
    let n = agg.id;
    state.aggregates.retain(|a| a.id != n);
    Resp::empty(200)
}

/// `POST /os-aggregates/{id}/action`: `add_host` (404 for an unknown host, 409 when a member
/// or in another zone), `remove_host` (404 when not a member), `set_metadata` (a `null`
/// value removes the key); 200 with the aggregate.
pub(crate) fn action(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let (name, args) = match super::schema::action_body(ctx.req) {
        Ok(action) => action,
        Err(resp) => return resp,
    };
    let (name, args) = (name.as_str(), &args);
    let rule = match name {
        "add_host" => "add_host",
        "remove_host" => "remove_host",
        "set_metadata" => "set_metadata",
        other => return fault(400, &format!("There is no such action: {other}")),
    };
    if let Err(resp) = check_admin(ctx, rule) {
        return resp;
    }
    let result = match rule {
        "set_metadata" => set_metadata(ctx, id, args),
        _ => host_action(ctx, id, rule == "add_host", args),
    };
    match result {
        Ok(()) => {
            let mut state = ctx.shared.lock();
            match find(&mut state, id) {
                Ok(a) => Resp::json(200, &json!({ "aggregate": a.to_json(version, true) })),
                Err(resp) => resp,
            }
        }
        Err(resp) => resp,
    }
}

fn host_action(ctx: &Ctx<'_>, id: &str, add: bool, args: &Value) -> Result<(), Resp> {
    let field = if add { "add_host" } else { "remove_host" };
    schema::object(field, args)?;
    schema::keys(field, args, &["host"], &["host"])?;
    let host = schema::string("host", required(field, args, "host")?, 1, 255)?.to_string();
    let mut state = ctx.shared.lock();
    let other_zones: Vec<String> = {
        let me = find(&mut state, id)?.id;
        state
            .aggregates
            .iter()
            .filter(|a| a.id != me && a.hosts.contains(&host))
            .filter_map(|a| a.zone().map(str::to_string))
            .collect()
    };
    let agg = find(&mut state, id)?;
    if host != view::HOST {
        return Err(fault(
            404,
            &format!("Compute host {host} could not be found."),
        ));
    }
    let member = agg.hosts.contains(&host);
    if add {
        if member {
            return Err(fault(
                409,
                &format!("Aggregate {id} already has host {host}."),
            ));
        }
        if let Some(zone) = agg.zone() {
            if other_zones.iter().any(|z| z != zone) {
                let list: Vec<String> = other_zones.iter().map(|z| format!("'{z}'")).collect();
                return Err(fault(
                    409,
                    &format!(
                        "Cannot add host to aggregate {id}. Reason: One or more hosts already \
                         in availability zone(s) [{}].",
                        list.join(", ")
                    ),
                ));
            }
        }
        agg.hosts.push(host);
    } else {
        if !member {
            return Err(fault(404, &format!("Aggregate {id} has no host {host}.")));
        }
        agg.hosts.retain(|h| h != &host);
    }
    agg.updated = Some(Utc::now());
    Ok(())
}

fn set_metadata(ctx: &Ctx<'_>, id: &str, args: &Value) -> Result<(), Resp> {
    schema::object("set_metadata", args)?;
    schema::keys("set_metadata", args, &["metadata"], &["metadata"])?;
    let md = required("set_metadata", args, "metadata")?;
    let Some(map) = md.as_object() else {
        return Err(schema::not_type("metadata", md, "object"));
    };
    let mut changes = Vec::new();
    for (k, v) in map {
        if k.is_empty() || k.len() > 255 {
            return Err(schema::invalid(
                "metadata",
                md,
                &format!("'{k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{{1,255}}$'"),
            ));
        }
        match v {
            Value::Null => changes.push((k.clone(), None)),
            Value::String(s) if s.len() <= 255 => changes.push((k.clone(), Some(s.clone()))),
            other => {
                return Err(schema::invalid(
                    &format!("metadata/{k}"),
                    other,
                    &format!("{} is not of type 'string', 'null'", schema::py(other)),
                ));
            }
        }
    }
    let mut state = ctx.shared.lock();
    let agg = find(&mut state, id)?;
    for (k, v) in changes {
        match v {
            Some(v) => {
                agg.metadata.insert(k, v);
            }
            None => {
                agg.metadata.remove(&k);
            }
        }
    }
    agg.updated = Some(Utc::now());
    Ok(())
}
