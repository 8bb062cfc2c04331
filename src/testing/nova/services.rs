//! `GET /os-services` and `PUT /os-services/{id}` (2.53+, admin): the fake's one host runs
//! `nova-conductor` and `nova-scheduler` (zone `internal`) and `nova-compute` (zone `nova`);
//! the compute service can be disabled and forced down (which lets `evacuate` proceed).

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::{Microversion, fault, policy_denied, view};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;

/// The binaries of the one host, in Nova's order (by id), with their zone.
const SERVICES: [(&str, &str); 3] = [
    ("nova-conductor", "internal"),
    ("nova-scheduler", "internal"),
    ("nova-compute", "nova"),
];

/// The services' ids and what `PUT` changed on the compute service.
#[derive(Clone, Debug)]
pub(crate) struct ServiceState {
    /// The UUIDs of [`SERVICES`], in order (integer ids are their position + 1).
    pub(crate) uuids: [String; 3],
    /// The compute node's UUID (the hypervisor's id from 2.53).
    pub(crate) node_uuid: String,
    pub(crate) disabled: bool,
    pub(crate) disabled_reason: Option<String>,
    pub(crate) forced_down: bool,
    pub(crate) updated: chrono::DateTime<Utc>,
}

impl Default for ServiceState {
    fn default() -> Self {
        ServiceState {
            uuids: [ids::uuid4(), ids::uuid4(), ids::uuid4()],
            node_uuid: ids::uuid4(),
            disabled: false,
            disabled_reason: None,
            forced_down: false,
            updated: Utc::now(),
        }
    }
}

impl ServiceState {
    /// The compute service's id as `version` shows it.
    pub(crate) fn compute_id(&self, version: Microversion) -> Value {
        if version.at_least(53) {
            json!(self.uuids[2])
        } else {
            json!(3)
        }
    }
}

fn service_json(s: &ServiceState, index: usize, version: Microversion) -> Value {
    let (binary, zone) = SERVICES[index];
    let compute = binary == "nova-compute";
    let mut m = Map::new();
    let id = if version.at_least(53) {
        json!(s.uuids[index])
    } else {
        json!(index + 1)
    };
    m.insert("id".into(), id);
    m.insert("binary".into(), json!(binary));
    m.insert(
        "disabled_reason".into(),
        json!(if compute {
            s.disabled_reason.clone()
        } else {
            None
        }),
    );
    m.insert("host".into(), json!(view::HOST));
    let down = compute && s.forced_down;
    m.insert("state".into(), json!(if down { "down" } else { "up" }));
    let disabled = compute && s.disabled;
    m.insert(
        "status".into(),
        json!(if disabled { "disabled" } else { "enabled" }),
    );
    // Services report every few seconds: `updated_at` is recent.
    let updated = if compute {
        s.updated.max(Utc::now())
    } else {
        Utc::now()
    };
    m.insert("updated_at".into(), json!(ids::micros_naive(updated)));
    m.insert("zone".into(), json!(zone));
    if version.at_least(11) {
        m.insert("forced_down".into(), json!(down));
    }
    Value::Object(m)
}

/// `GET /os-services` with `host` and `binary` filters.
pub(crate) fn list(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-services:list");
    }
    let state = ctx.shared.lock();
    let host = ctx.req.query_first("host");
    let binary = ctx.req.query_first("binary");
    let services: Vec<Value> = (0..SERVICES.len())
        .filter(|_| host.is_none_or(|h| h == view::HOST))
        .filter(|i| binary.is_none_or(|b| b == SERVICES[*i].0))
        .map(|i| service_json(&state.compute_service, i, version))
        .collect();
    Resp::json(200, &json!({ "services": services }))
}

/// `PUT /os-services/{id}` (2.53+): `status` (`enabled`/`disabled`, with `disabled_reason`)
/// and/or `forced_down` on the `nova-compute` service; 400 for the others, a non-UUID or an
/// empty update, 404 for an unknown id.
pub(crate) fn update(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    if !version.at_least(53) {
        // The pre-2.53 `PUT /os-services/{enable,disable,...}` actions are not modelled.
        return fault(404, "Unknown action");
    }
    if !ids::is_uuid(id) {
        return fault(400, &format!("Invalid uuid {id}"));
    }
    if !ctx.is_admin() {
        return policy_denied("os_compute_api:os-services:update");
    }
    let Some(body) = ctx.req.json_body() else {
        return fault(400, "Malformed request body");
    };
    if let Err(resp) = super::schema::object("", &body).and_then(|_| {
        super::schema::no_extra("", &body, &["status", "disabled_reason", "forced_down"])
    }) {
        return resp;
    }
    let status = match body.get("status") {
        None => None,
        Some(v) => match super::schema::one_of("status", v, &["enabled", "disabled"]) {
            Ok(s) => Some(s == "disabled"),
            Err(resp) => return resp,
        },
    };
    let reason = match body.get("disabled_reason") {
        None => None,
        Some(v) => match super::schema::string("disabled_reason", v, 1, 255) {
            Ok(r) => Some(r.to_string()),
            Err(resp) => return resp,
        },
    };
    let forced_down = match body.get("forced_down") {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if ["true", "false"].contains(&s.to_lowercase().as_str()) => {
            Some(s.eq_ignore_ascii_case("true"))
        }
        Some(other) => {
            return super::invalid_input(
                "forced_down",
                other,
                &format!("{} is not of type 'boolean'", super::schema::py(other)),
            );
        }
    };
    let mut state = ctx.shared.lock();
    let s = &mut state.compute_service;
    let Some(index) = s.uuids.iter().position(|u| u == id) else {
        return fault(404, &format!("Service {id} could not be found."));
    };
    let binary = SERVICES[index].0;
    if binary != "nova-compute" {
        return fault(
            400,
            &format!(
                "Updating a {binary} service is not supported. Only nova-compute services can \
                 be updated."
            ),
        );
    }
    if status.is_none() && forced_down.is_none() {
        return fault(
            400,
            "No updates were requested. Fields 'status' or 'forced_down' should be specified.",
        );
    }
    match status {
        Some(false) if reason.is_some() => {
            return fault(
                400,
                "Specifying 'disabled_reason' with status 'enabled' is invalid.",
            );
        }
        Some(false) => {
            s.disabled = false;
            s.disabled_reason = None;
        }
        Some(true) => {
            s.disabled = true;
            s.disabled_reason = reason;
        }
        None => {}
    }
    if let Some(down) = forced_down {
        s.forced_down = down;
    }
    s.updated = Utc::now();
    let body = service_json(s, index, version);
    Resp::json(200, &json!({ "service": body }))
}
