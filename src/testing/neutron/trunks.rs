//! `/v2.0/trunks` (`trunk` extension): list (filters, sorting, paging, fields, tags), show,
//! create (with `sub_ports`), update, delete, and `add_subports` / `remove_subports` /
//! `get_subports`, with the trunk plugin's checks and errors.
//!
//! A trunk is `DOWN` until its parent port is bound to a server, then `ACTIVE`; a trunk whose
//! parent is bound cannot be deleted (409 `TrunkInUse`). A port is the parent of at most one
//! trunk and a sub-port of at most one (409 `TrunkPortInUse` / `PortInUseAsSubPort` /
//! `PortInUseAsTrunkParent`); `(segmentation_type, segmentation_id)` is unique per trunk (409
//! `DuplicateSubPort`); VLAN ids are 1–4094.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::body::{attrs, check_keys, opt_bool, opt_str, owner, required};
use super::networks::{Collection, list_collection, project};
use super::ports::port_not_found;
use super::{bad_request, error, if_match_failed};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// One sub-port: `(port_id, segmentation_type, segmentation_id)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SubPort {
    pub(crate) port_id: String,
    pub(crate) segmentation_type: String,
    pub(crate) segmentation_id: u32,
}

/// A trunk of the fake.
#[derive(Clone, Debug)]
pub(crate) struct Trunk {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) project_id: String,
    pub(crate) port_id: String,
    pub(crate) admin_state_up: bool,
    pub(crate) sub_ports: Vec<SubPort>,
    pub(crate) tags: Vec<String>,
    pub(crate) revision_number: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

fn sub_ports_json(subs: &[SubPort]) -> Value {
    Value::Array(
        subs.iter()
            .map(|s| {
                json!({
                    "segmentation_type": s.segmentation_type,
                    "port_id": s.port_id,
                    "segmentation_id": s.segmentation_id,
                })
            })
            .collect(),
    )
}

impl Trunk {
    /// The API body, as in the API reference's `trunk-show-response.json`.
    pub(crate) fn to_json(&self, state: &State) -> Map<String, Value> {
        let bound = state
            .ports
            .iter()
            .any(|p| p.id == self.port_id && p.device_owner.starts_with("compute:"));
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("description".into(), json!(self.description));
        m.insert("port_id".into(), json!(self.port_id));
        m.insert(
            "status".into(),
            json!(if bound { "ACTIVE" } else { "DOWN" }),
        );
        m.insert("admin_state_up".into(), json!(self.admin_state_up));
        m.insert("sub_ports".into(), sub_ports_json(&self.sub_ports));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("tenant_id".into(), json!(self.project_id));
        m.insert("tags".into(), json!(self.tags));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("revision_number".into(), json!(self.revision_number));
        m
    }
}

/// 404 `TrunkNotFound`.
pub(crate) fn trunk_not_found(id: &str) -> Resp {
    error(
        404,
        "TrunkNotFound",
        &format!("Trunk {id} could not be found."),
    )
}

fn invalid_input(message: &str) -> Resp {
    error(
        400,
        "InvalidInput",
        &format!("Invalid input for operation: {message}."),
    )
}

/// Why a port may not be deleted while a trunk uses it (409), as the trunk plugin refuses it.
pub(crate) fn port_in_use(state: &State, port_id: &str) -> Option<Resp> {
    for t in &state.trunks {
        if t.port_id == port_id {
            return Some(error(
                409,
                "PortInUseAsTrunkParent",
                &format!(
                    "Port {port_id} is currently a parent port for trunk {}.",
                    t.id
                ),
            ));
        }
        if t.sub_ports.iter().any(|s| s.port_id == port_id) {
            return Some(error(
                409,
                "PortInUseAsSubPort",
                &format!("Port {port_id} is currently a subport for trunk {}.", t.id),
            ));
        }
    }
    None
}

/// Parses `sub_ports` (`[{port_id, segmentation_type, segmentation_id}]`), as
/// `validate_subports` does; `removing` needs only `port_id`.
fn parse_sub_ports(v: &Value, removing: bool) -> Result<Vec<SubPort>, Resp> {
    let Some(items) = v.as_array() else {
        return Err(invalid_input(&format!(
            "Invalid data format for subports: '{v}' is not a list"
        )));
    };
    let mut out: Vec<SubPort> = Vec::with_capacity(items.len());
    for item in items {
        let Some(obj) = item.as_object() else {
            return Err(invalid_input(&format!(
                "Invalid data format for subport: '{item}' is not a dictionary"
            )));
        };
        let port_id = match obj.get("port_id").and_then(Value::as_str) {
            Some(p) => p.to_string(),
            None => {
                return Err(invalid_input(&format!(
                    "A valid port UUID must be specified: '{item}'"
                )));
            }
        };
        if out.iter().any(|s| s.port_id == port_id) {
            return Err(invalid_input(&format!(
                "Invalid data format for subport: duplicate port_id {port_id}"
            )));
        }
        if removing {
            out.push(SubPort {
                port_id,
                segmentation_type: String::new(),
                segmentation_id: 0,
            });
            continue;
        }
        let seg_type = obj.get("segmentation_type").and_then(Value::as_str);
        let seg_id = obj.get("segmentation_id").and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        });
        let (seg_type, seg_id) = match (seg_type, seg_id) {
            (Some("inherit"), _) => {
                return Err(invalid_input(&format!(
                    "Invalid subport details '{item}': inherit segmentation type needs network segment information, which this cloud does not have"
                )));
            }
            (Some(t), Some(id)) => (t, id),
            _ => {
                return Err(invalid_input(&format!(
                    "Invalid subport details '{item}': missing segmentation information. Must specify both segmentation_id and segmentation_type"
                )));
            }
        };
        if seg_type != "vlan" {
            return Err(invalid_input(&format!(
                "Invalid segmentation type: {seg_type}; valid types are vlan, inherit"
            )));
        }
        let Some(id) = u32::try_from(seg_id)
            .ok()
            .filter(|id| (1..=4094).contains(id))
        else {
            return Err(invalid_input(&format!(
                "Invalid segmentation id: {seg_id} is not in range [1, 4094]"
            )));
        };
        out.push(SubPort {
            port_id,
            segmentation_type: seg_type.into(),
            segmentation_id: id,
        });
    }
    Ok(out)
}

/// Checks that new sub-ports exist, are free and do not clash with `existing`.
fn check_new_sub_ports(
    state: &State,
    trunk_id: &str,
    parent: &str,
    existing: &[SubPort],
    new: &[SubPort],
) -> Result<(), Resp> {
    for s in new {
        if !state.ports.iter().any(|p| p.id == s.port_id) {
            return Err(port_not_found(&s.port_id));
        }
        if s.port_id == parent {
            return Err(error(
                409,
                "PortInUseAsTrunkParent",
                &format!(
                    "Port {} is currently a parent port for trunk {trunk_id}.",
                    s.port_id
                ),
            ));
        }
        if let Some(resp) = port_in_use(state, &s.port_id) {
            return Err(resp);
        }
        let clash = existing
            .iter()
            .chain(new.iter().take_while(|x| *x != s))
            .any(|x| {
                x.segmentation_type == s.segmentation_type && x.segmentation_id == s.segmentation_id
            });
        if clash {
            return Err(error(
                409,
                "DuplicateSubPort",
                &format!(
                    "segmentation_type {} and segmentation_id {} already in use on trunk {trunk_id}.",
                    s.segmentation_type, s.segmentation_id
                ),
            ));
        }
    }
    Ok(())
}

const FILTERABLE: [&str; 10] = [
    "id",
    "name",
    "description",
    "port_id",
    "status",
    "admin_state_up",
    "project_id",
    "tenant_id",
    "revision_number",
    "created_at",
];

/// `GET /v2.0/trunks`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        state.trunks.iter().map(|t| t.to_json(&state)).collect()
    };
    let c = Collection {
        name: "trunks",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: trunk_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/trunks/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.trunks.iter().find(|t| t.id == id) {
        Some(t) => Resp::json(200, &json!({"trunk": project(ctx.req, t.to_json(&state))})),
        None => trunk_not_found(id),
    }
}

const READ_ONLY: [&str; 6] = [
    "id",
    "status",
    "revision_number",
    "created_at",
    "updated_at",
    "tags",
];

/// `POST /v2.0/trunks`: 201, revision 1; 404 `PortNotFound` for the parent or a sub-port, 409
/// `TrunkPortInUse` when the parent already has a trunk.
pub(crate) fn create(ctx: &Ctx<'_>) -> Resp {
    let a = match attrs(ctx, "trunk") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let allowed = [
        "port_id",
        "name",
        "description",
        "admin_state_up",
        "sub_ports",
        "project_id",
        "tenant_id",
    ];
    let parsed = (|| {
        check_keys(&a, "POST", &allowed, &READ_ONLY)?;
        let port_id = opt_str(&a, "port_id", 36)?.ok_or_else(|| required("port_id"))?;
        let subs = match a.get("sub_ports") {
            Some(v) => parse_sub_ports(v, false)?,
            None => Vec::new(),
        };
        Ok::<_, Resp>((
            port_id,
            opt_str(&a, "name", 255)?.unwrap_or_default(),
            opt_str(&a, "description", 255)?.unwrap_or_default(),
            opt_bool(&a, "admin_state_up")?.unwrap_or(true),
            subs,
            owner(ctx, &a)?,
        ))
    })();
    let (port_id, name, description, admin_state_up, subs, project_id) = match parsed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    if !state.ports.iter().any(|p| p.id == port_id) {
        return port_not_found(&port_id);
    }
    if state.trunks.iter().any(|t| t.port_id == port_id) {
        return error(
            409,
            "TrunkPortInUse",
            &format!("Port {port_id} is in use by another trunk."),
        );
    }
    if let Some(resp) = port_in_use(&state, &port_id) {
        return resp;
    }
    let id = ids::uuid4();
    if let Err(resp) = check_new_sub_ports(&state, &id, &port_id, &[], &subs) {
        return resp;
    }
    let now = Utc::now();
    let trunk = Trunk {
        id,
        name,
        description,
        project_id,
        port_id,
        admin_state_up,
        sub_ports: subs,
        tags: Vec::new(),
        revision_number: 1,
        created_at: now,
        updated_at: now,
    };
    let body = json!({"trunk": trunk.to_json(&state)});
    state.trunks.push(trunk);
    Resp::json(201, &body)
}

/// `PUT /v2.0/trunks/{id}`: `name`, `description`, `admin_state_up`; 200, the revision up by one
/// when something changed; 412 on a stale `If-Match`.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let a = match attrs(ctx, "trunk") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let mut known = READ_ONLY.to_vec();
    known.extend(["port_id", "sub_ports", "project_id", "tenant_id"]);
    let parsed = (|| {
        check_keys(
            &a,
            "PUT",
            &["name", "description", "admin_state_up"],
            &known,
        )?;
        Ok::<_, Resp>((
            opt_str(&a, "name", 255)?,
            opt_str(&a, "description", 255)?,
            opt_bool(&a, "admin_state_up")?,
        ))
    })();
    let (name, description, up) = match parsed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(t) = state.trunks.iter_mut().find(|t| t.id == id) else {
        return trunk_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, t.revision_number) {
        return resp;
    }
    let before = (t.name.clone(), t.description.clone(), t.admin_state_up);
    if let Some(n) = name {
        t.name = n;
    }
    if let Some(d) = description {
        t.description = d;
    }
    if let Some(u) = up {
        t.admin_state_up = u;
    }
    if before != (t.name.clone(), t.description.clone(), t.admin_state_up) {
        t.revision_number += 1;
        t.updated_at = Utc::now();
    }
    let t = t.clone();
    Resp::json(200, &json!({"trunk": t.to_json(&state)}))
}

/// `DELETE /v2.0/trunks/{id}`: 204; 409 `TrunkInUse` while the parent port is bound to a server.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(t) = state.trunks.iter().find(|t| t.id == id) else {
        return trunk_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, t.revision_number) {
        return resp;
    }
    if t.to_json(&state).get("status") == Some(&json!("ACTIVE")) {
        return error(
            409,
            "TrunkInUse",
            &format!("Trunk {id} is currently in use."),
        );
    }
    state.trunks.retain(|t| t.id != id);
    Resp::empty(204)
}

/// `PUT /v2.0/trunks/{id}/add_subports` (`adding`) or `remove_subports`: 200 with the trunk,
/// bare (no `trunk` envelope), as Neutron answers; 409 `TrunkDisabled` when the trunk is
/// administratively down; 404 `SubPortNotFound` when removing a port that is not a sub-port.
pub(crate) fn change_sub_ports(ctx: &Ctx<'_>, id: &str, adding: bool) -> Resp {
    let Some(body) = ctx.req.json_body() else {
        return bad_request("Malformed request body");
    };
    let Some(raw) = body.get("sub_ports") else {
        return bad_request("Resource body required");
    };
    let subs = match parse_sub_ports(raw, !adding) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(t) = state.trunks.iter().find(|t| t.id == id).cloned() else {
        return trunk_not_found(id);
    };
    if !t.admin_state_up {
        return error(
            409,
            "TrunkDisabled",
            &format!("Trunk {id} is currently disabled."),
        );
    }
    let mut changed = t.clone();
    if adding {
        if let Err(resp) = check_new_sub_ports(&state, id, &t.port_id, &t.sub_ports, &subs) {
            return resp;
        }
        changed.sub_ports.extend(subs);
    } else {
        for s in &subs {
            if !t.sub_ports.iter().any(|x| x.port_id == s.port_id) {
                return error(
                    404,
                    "SubPortNotFound",
                    &format!(
                        "SubPort on trunk {id} with parent port {} could not be found.",
                        s.port_id
                    ),
                );
            }
        }
        changed
            .sub_ports
            .retain(|x| !subs.iter().any(|s| s.port_id == x.port_id));
    }
    if changed.sub_ports != t.sub_ports {
        changed.revision_number += 1;
        changed.updated_at = Utc::now();
    }
    let out = changed.to_json(&state);
    if let Some(slot) = state.trunks.iter_mut().find(|x| x.id == id) {
        *slot = changed;
    }
    Resp::json(200, &Value::Object(out))
}

/// `GET /v2.0/trunks/{id}/get_subports`: `{"sub_ports": [...]}`.
pub(crate) fn get_sub_ports(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.trunks.iter().find(|t| t.id == id) {
        Some(t) => Resp::json(200, &json!({"sub_ports": sub_ports_json(&t.sub_ports)})),
        None => trunk_not_found(id),
    }
}
