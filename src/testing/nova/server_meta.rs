//! `/servers/{id}/metadata[/{key}]` and `/servers/{id}/tags[/{tag}]` (tags from 2.26).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::actions::live_server;
use super::checks::{Guard, Tasks};
use super::model::VmState::{Active, Paused, Stopped, Suspended};
use super::schema::{self, invalid, object, required};
use super::{Microversion, fault};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;

/// Nova's default `metadata_items` quota.
const METADATA_QUOTA: usize = 128;
/// `objects.instance.MAX_TAG_COUNT`.
const MAX_TAGS: usize = 50;
/// `objects.tag.MAX_TAG_LENGTH`.
const MAX_TAG_LENGTH: usize = 60;

fn body_object(ctx: &Ctx<'_>) -> Result<Value, Resp> {
    let body = ctx
        .req
        .json_body()
        .ok_or_else(|| fault(400, "Malformed request body"))?;
    object("", &body)?;
    Ok(body)
}

/// The guard of metadata changes (`update_instance_metadata`, `delete_instance_metadata`):
/// the lock and the vm_state, whatever task runs (`task_state=None` there means no check).
const fn metadata_guard(action: &'static str) -> Guard {
    Guard {
        tasks: Tasks::Any,
        ..Guard::new(action, &[Active, Paused, Suspended, Stopped])
    }
}

/// `GET /servers/{id}/metadata`.
pub(crate) fn index(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    match live_server(&mut state, id) {
        Ok(s) => Resp::json(200, &json!({ "metadata": s.metadata })),
        Err(resp) => resp,
    }
}

/// `GET /servers/{id}/metadata/{key}`: `{"meta": {key: value}}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str, key: &str) -> Resp {
    let mut state = ctx.shared.lock();
    match live_server(&mut state, id) {
        Ok(s) => match s.metadata.get(key) {
            Some(v) => Resp::json(200, &json!({ "meta": { key: v } })),
            None => fault(404, "Metadata item was not found"),
        },
        Err(resp) => resp,
    }
}

/// `POST /servers/{id}/metadata` (merge) or `PUT` (replace, `replace`): 200 with all metadata.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str, replace: bool) -> Resp {
    let result = (|| {
        let body = body_object(ctx)?;
        schema::keys("", &body, &["metadata"], &["metadata"])?;
        let new = schema::metadata("metadata", required("", &body, "metadata")?)?;
        write(ctx, id, |current| {
            if replace {
                new
            } else {
                let mut merged = current.clone();
                merged.extend(new);
                merged
            }
        })
        .map(|all| Resp::json(200, &json!({ "metadata": all })))
    })();
    result.unwrap_or_else(|resp| resp)
}

/// `PUT /servers/{id}/metadata/{key}` `{"meta": {key: value}}`: 200 with the item.
pub(crate) fn set_item(ctx: &Ctx<'_>, id: &str, key: &str) -> Resp {
    let result = (|| {
        let body = body_object(ctx)?;
        schema::keys("", &body, &["meta"], &["meta"])?;
        let meta_value = required("", &body, "meta")?;
        let meta = object("meta", meta_value)?;
        if meta.len() > 1 {
            return Err(invalid(
                "meta",
                meta_value,
                &format!("{} has too many properties", schema::py(meta_value)),
            ));
        }
        if meta.is_empty() {
            return Err(invalid(
                "meta",
                meta_value,
                &format!("{} does not have enough properties", schema::py(meta_value)),
            ));
        }
        let item = schema::metadata("meta", meta_value)?;
        let Some(value) = item.get(key).cloned() else {
            return Err(fault(400, "Request body and URI mismatch"));
        };
        write(ctx, id, |current| {
            let mut merged = current.clone();
            merged.insert(key.to_string(), value.clone());
            merged
        })?;
        Ok(Resp::json(200, &json!({ "meta": { key: value } })))
    })();
    result.unwrap_or_else(|resp| resp)
}

/// Applies `change` to a server's metadata after Nova's lock, state and quota checks.
fn write<F>(ctx: &Ctx<'_>, id: &str, change: F) -> Result<BTreeMap<String, String>, Resp>
where
    F: FnOnce(&BTreeMap<String, String>) -> BTreeMap<String, String>,
{
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = live_server(&mut state, id)?;
    metadata_guard("update metadata").check(server, admin)?;
    let new = change(&server.metadata);
    if new.len() > METADATA_QUOTA {
        return Err(fault(
            403,
            &format!("Maximum number of metadata items exceeds {METADATA_QUOTA}"),
        ));
    }
    server.metadata = new.clone();
    server.updated = chrono::Utc::now();
    Ok(new)
}

/// `DELETE /servers/{id}/metadata/{key}`: 204.
pub(crate) fn delete_item(ctx: &Ctx<'_>, id: &str, key: &str) -> Resp {
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let server = match live_server(&mut state, id) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if !server.metadata.contains_key(key) {
        return fault(404, "Metadata item was not found");
    }
    if let Err(resp) = metadata_guard("delete metadata").check(server, admin) {
        return resp;
    }
    server.metadata.remove(key);
    server.updated = chrono::Utc::now();
    Resp::empty(204)
}

/// The guard of tag changes: a vm_state check only (no lock, no task state).
const fn tag_guard(action: &'static str) -> Guard {
    Guard {
        lock: false,
        tasks: Tasks::Any,
        launched: false,
        ..Guard::new(action, &[Active, Paused, Suspended, Stopped])
    }
}

fn tags_supported(version: Microversion) -> Result<(), Resp> {
    if version.at_least(26) {
        Ok(())
    } else {
        Err(super::not_found())
    }
}

/// `parameter_types.tag`: 1 to 60 characters, no `,` or `/`; `Err` holds jsonschema's words.
fn tag_problem(tag: &Value) -> Option<String> {
    let Some(s) = tag.as_str() else {
        return Some(format!("{} is not of type 'string'", schema::py(tag)));
    };
    if s.contains([',', '/']) {
        Some(format!("{} does not match '^[^,/]*$'", schema::py(tag)))
    } else if s.is_empty() {
        Some(format!("{} should be non-empty", schema::py(tag)))
    } else if s.chars().count() > MAX_TAG_LENGTH {
        Some(format!("{} is too long", schema::py(tag)))
    } else {
        None
    }
}

/// Tags as Nova lists them: sorted, each once.
pub(crate) fn normalized(tags: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = tags.into_iter().collect();
    out.sort();
    out.dedup();
    out
}

/// `GET /servers/{id}/tags`.
pub(crate) fn tags(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let result = (|| {
        tags_supported(version)?;
        let mut state = ctx.shared.lock();
        let server = live_server(&mut state, id)?;
        Ok(Resp::json(200, &json!({ "tags": server.tags })))
    })();
    result.unwrap_or_else(|resp| resp)
}

/// `PUT /servers/{id}/tags` `{"tags": [...]}`: 200 with the tags as stored.
pub(crate) fn replace_tags(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let result = (|| {
        tags_supported(version)?;
        let body = body_object(ctx)?;
        schema::keys("", &body, &["tags"], &["tags"])?;
        let list = required("", &body, "tags")?;
        let Some(items) = list.as_array() else {
            return Err(schema::not_type("tags", list, "array"));
        };
        if items.len() > MAX_TAGS {
            return Err(invalid(
                "tags",
                list,
                &format!("{} is too long", schema::py(list)),
            ));
        }
        for (i, t) in items.iter().enumerate() {
            if let Some(problem) = tag_problem(t) {
                return Err(invalid(&i.to_string(), t, &problem));
            }
        }
        let new = normalized(items.iter().filter_map(Value::as_str).map(str::to_string));
        let mut state = ctx.shared.lock();
        let server = live_server(&mut state, id)?;
        tag_guard("update tags").check(server, true)?;
        server.tags = new.clone();
        server.updated = chrono::Utc::now();
        Ok(Resp::json(200, &json!({ "tags": new })))
    })();
    result.unwrap_or_else(|resp| resp)
}

/// `DELETE /servers/{id}/tags`: 204.
pub(crate) fn clear_tags(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let result = (|| {
        tags_supported(version)?;
        let mut state = ctx.shared.lock();
        let server = live_server(&mut state, id)?;
        tag_guard("delete tags").check(server, true)?;
        server.tags.clear();
        server.updated = chrono::Utc::now();
        Ok(Resp::empty(204))
    })();
    result.unwrap_or_else(|resp| resp)
}

/// `GET /servers/{id}/tags/{tag}`: 204, or 404 `Server {id} has no tag '{tag}'`.
pub(crate) fn has_tag(ctx: &Ctx<'_>, version: Microversion, id: &str, tag: &str) -> Resp {
    let result = (|| {
        tags_supported(version)?;
        let mut state = ctx.shared.lock();
        let server = live_server(&mut state, id)?;
        if server.tags.iter().any(|t| t == tag) {
            Ok(Resp::empty(204))
        } else {
            Err(fault(404, &format!("Server {id} has no tag '{tag}'")))
        }
    })();
    result.unwrap_or_else(|resp| resp)
}

/// `PUT /servers/{id}/tags/{tag}`: 201 with `Location`, or 204 when the server has it already.
pub(crate) fn add_tag(ctx: &Ctx<'_>, version: Microversion, id: &str, tag: &str) -> Resp {
    let result = (|| {
        tags_supported(version)?;
        let mut state = ctx.shared.lock();
        let server = live_server(&mut state, id)?;
        tag_guard("update tag").check(server, true)?;
        if let Some(problem) = tag_problem(&json!(tag)) {
            return Err(fault(
                400,
                &format!(
                    "Tag '{tag}' is invalid. It must be a non empty string without characters \
                     '/' and ','. Validation error message: {problem}"
                ),
            ));
        }
        if server.tags.len() >= MAX_TAGS {
            return Err(fault(
                400,
                &format!("The number of tags exceeded the per-server limit {MAX_TAGS}"),
            ));
        }
        if server.tags.iter().any(|t| t == tag) {
            return Ok(Resp::empty(204));
        }
        server.tags = normalized(server.tags.iter().cloned().chain([tag.to_string()]));
        server.updated = chrono::Utc::now();
        let location = format!(
            "{}/compute/v2.1/servers/{id}/tags/{}",
            ctx.shared.base,
            super::encode_segment(tag)
        );
        Ok(Resp::empty(201).with_header("location", &location))
    })();
    result.unwrap_or_else(|resp| resp)
}

/// `DELETE /servers/{id}/tags/{tag}`: 204, or 404 `Instance {id} has no tag '{tag}'`.
pub(crate) fn remove_tag(ctx: &Ctx<'_>, version: Microversion, id: &str, tag: &str) -> Resp {
    let result = (|| {
        tags_supported(version)?;
        let mut state = ctx.shared.lock();
        let server = live_server(&mut state, id)?;
        tag_guard("delete tag").check(server, true)?;
        let before = server.tags.len();
        server.tags.retain(|t| t != tag);
        if server.tags.len() == before {
            return Err(fault(404, &format!("Instance {id} has no tag '{tag}'")));
        }
        server.updated = chrono::Utc::now();
        Ok(Resp::empty(204))
    })();
    result.unwrap_or_else(|resp| resp)
}
