//! Reading a Neutron request body: `{"<resource>": {...}}`, the attributes a verb may set, and
//! typed values with Neutron's `Invalid input for <attr>. Reason: ...` errors.

use serde_json::{Map, Value};

use super::bad_request;
use super::networks::{as_bool, as_string, invalid};
use crate::testing::server::Ctx;

use crate::testing::http::Resp;

/// The attributes under `key` (`{"trunk": {...}}`): 400 `Malformed request body` for bad JSON,
/// `Resource body required` when the key is missing or not an object.
pub(super) fn attrs(ctx: &Ctx<'_>, key: &str) -> Result<Map<String, Value>, Resp> {
    let body = ctx
        .req
        .json_body()
        .ok_or_else(|| bad_request("Malformed request body"))?;
    body.get(key)
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| bad_request("Resource body required"))
}

/// Checks every key against what `verb` (`POST`/`PUT`) may set (`allowed`) and what exists but
/// is read-only (`known`): 400 `Attribute 'x' not allowed in POST`, `Unrecognized attribute(s)
/// 'x'`.
pub(super) fn check_keys(
    attrs: &Map<String, Value>,
    verb: &str,
    allowed: &[&str],
    known: &[&str],
) -> Result<(), Resp> {
    let unknown: Vec<&str> = attrs
        .keys()
        .map(String::as_str)
        .filter(|k| !allowed.contains(k) && !known.contains(k))
        .collect();
    if !unknown.is_empty() {
        return Err(bad_request(&format!(
            "Unrecognized attribute(s) '{}'",
            unknown.join(", ")
        )));
    }
    match attrs.keys().find(|k| known.contains(&k.as_str())) {
        Some(k) => Err(bad_request(&format!(
            "Attribute '{k}' not allowed in {verb}"
        ))),
        None => Ok(()),
    }
}

/// 400 `Failed to parse request. Required attribute 'x' not specified`.
pub(super) fn required(attr: &str) -> Resp {
    bad_request(&format!(
        "Failed to parse request. Required attribute '{attr}' not specified"
    ))
}

/// A string attribute of at most `max` characters, `None` when absent.
pub(super) fn opt_str(
    attrs: &Map<String, Value>,
    key: &str,
    max: usize,
) -> Result<Option<String>, Resp> {
    attrs.get(key).map(|v| as_string(key, v, max)).transpose()
}

/// A string or `null` (`Some(None)`), `None` when absent.
pub(super) fn nullable_str(
    attrs: &Map<String, Value>,
    key: &str,
) -> Result<Option<Option<String>>, Resp> {
    match attrs.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => as_string(key, v, 255).map(|s| Some(Some(s))),
    }
}

/// A boolean attribute (`true`, `"True"`, ...), `None` when absent.
pub(super) fn opt_bool(attrs: &Map<String, Value>, key: &str) -> Result<Option<bool>, Resp> {
    attrs.get(key).map(|v| as_bool(key, v)).transpose()
}

/// A non-negative integer attribute (a digit string too), `None` when absent.
pub(super) fn opt_int(attrs: &Map<String, Value>, key: &str) -> Result<Option<i64>, Resp> {
    let Some(v) = attrs.get(key) else {
        return Ok(None);
    };
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        .map(Some)
        .ok_or_else(|| invalid(key, &format!("'{v}' is not an integer")))
}

/// The owning project: `project_id` or `tenant_id` when given (they must agree), else the
/// caller's.
pub(super) fn owner(ctx: &Ctx<'_>, attrs: &Map<String, Value>) -> Result<String, Resp> {
    let project = opt_str(attrs, "project_id", 255)?;
    let tenant = opt_str(attrs, "tenant_id", 255)?;
    match (project, tenant) {
        (Some(p), Some(t)) if p != t => Err(bad_request(
            "Invalid input for operation: 'project_id' and 'tenant_id' do not match.",
        )),
        (Some(p), _) | (None, Some(p)) => Ok(p),
        (None, None) => Ok(ctx.project_id().to_string()),
    }
}
