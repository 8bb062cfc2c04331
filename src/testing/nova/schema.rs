//! Nova's request validation messages: jsonschema errors as `nova.api.validation` words them,
//! with values printed the way Python prints them (`{'name': 'x'}`, `None`, `True`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::fault;
use crate::testing::http::{Req, Resp};

/// The action of a `POST …/action` body: its one key and that key's value. Nova dispatches on
/// the one key, so bad JSON or any other shape is 400 `Malformed request body`.
pub(crate) fn action_body(req: &Req) -> Result<(String, Value), Resp> {
    let malformed = || fault(400, "Malformed request body");
    let body = req.json_body().ok_or_else(malformed)?;
    let Value::Object(obj) = body else {
        return Err(malformed());
    };
    let mut entries = obj.into_iter();
    match (entries.next(), entries.next()) {
        (Some(action), None) => Ok(action),
        _ => Err(malformed()),
    }
}

/// Python's `repr()` of a JSON value: `'text'`, `None`, `True`, `[1, 'a']`, `{'k': 'v'}`.
pub(crate) fn py(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_string(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(py).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(m) => {
            let inner: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", py_string(k), py(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Python's `str()` of a JSON value: strings bare, everything else as [`py`].
pub(crate) fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => py(other),
    }
}

/// Python's `repr()` of a string: single quotes unless the text has one and no double quote.
fn py_string(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A validation failure: `Invalid input for field/attribute {field}. Value: {value}. {detail}`,
/// or `detail` alone for the body's top level (`field` empty), as Nova words them.
pub(crate) fn invalid(field: &str, value: &Value, detail: &str) -> Resp {
    if field.is_empty() {
        fault(400, detail)
    } else {
        fault(
            400,
            &format!(
                "Invalid input for field/attribute {field}. Value: {}. {detail}",
                py_str(value)
            ),
        )
    }
}

/// `{py(v)} is not of type '{ty}'`.
pub(crate) fn not_type(field: &str, v: &Value, ty: &str) -> Resp {
    invalid(field, v, &format!("{} is not of type '{ty}'", py(v)))
}

/// The object at `v`, or the jsonschema type error.
pub(crate) fn object<'a>(field: &str, v: &'a Value) -> Result<&'a Map<String, Value>, Resp> {
    v.as_object().ok_or_else(|| not_type(field, v, "object"))
}

/// Fails on keys not in `allowed`: `Additional properties are not allowed ('x' was unexpected)`.
pub(crate) fn no_extra(field: &str, whole: &Value, allowed: &[&str]) -> Result<(), Resp> {
    let Some(obj) = whole.as_object() else {
        return Ok(());
    };
    let extra: Vec<String> = obj
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| py_string(k))
        .collect();
    match extra.len() {
        0 => Ok(()),
        1 => Err(invalid(
            field,
            whole,
            &format!(
                "Additional properties are not allowed ({} was unexpected)",
                extra.join(", ")
            ),
        )),
        _ => Err(invalid(
            field,
            whole,
            &format!(
                "Additional properties are not allowed ({} were unexpected)",
                extra.join(", ")
            ),
        )),
    }
}

/// The keys of an object checked in jsonschema's order: a missing `required` key first, then
/// keys outside `allowed` (both are errors at the object itself, which Nova reports before
/// errors of its fields).
pub(crate) fn keys(
    field: &str,
    whole: &Value,
    required_keys: &[&str],
    allowed: &[&str],
) -> Result<(), Resp> {
    for key in required_keys {
        required(field, whole, key)?;
    }
    no_extra(field, whole, allowed)
}

/// Fails unless `key` is there: `'key' is a required property`.
pub(crate) fn required<'a>(field: &str, whole: &'a Value, key: &str) -> Result<&'a Value, Resp> {
    whole
        .get(key)
        .ok_or_else(|| invalid(field, whole, &format!("'{key}' is a required property")))
}

/// A string of `min..=max` characters.
pub(crate) fn string<'a>(
    field: &str,
    v: &'a Value,
    min: usize,
    max: usize,
) -> Result<&'a str, Resp> {
    let Some(s) = v.as_str() else {
        return Err(not_type(field, v, "string"));
    };
    let n = s.chars().count();
    if n < min {
        // jsonschema's words for `minLength: 1` (and for others).
        let why = if min == 1 {
            "should be non-empty"
        } else {
            "is too short"
        };
        return Err(invalid(field, v, &format!("{} {why}", py(v))));
    }
    if n > max {
        return Err(invalid(field, v, &format!("{} is too long", py(v))));
    }
    Ok(s)
}

/// Nova's `name` parameter type: 1 to 255 printable characters, no leading or trailing
/// whitespace (the format error is Nova's own sentence, without the field).
pub(crate) fn name<'a>(field: &str, v: &'a Value) -> Result<&'a str, Resp> {
    let s = string(field, v, 1, 255)?;
    if s.trim() != s || s.chars().any(char::is_control) {
        return Err(fault(
            400,
            "An invalid 'name' value was provided. The name must be: printable characters. \
             Can not start or end with whitespace.",
        ));
    }
    Ok(s)
}

/// `'x' is not one of ['a', 'b']`.
pub(crate) fn one_of<'a>(field: &str, v: &'a Value, allowed: &[&str]) -> Result<&'a str, Resp> {
    match v.as_str() {
        Some(s) if allowed.contains(&s) => Ok(s),
        _ => {
            let list: Vec<String> = allowed.iter().map(|a| py_string(a)).collect();
            Err(invalid(
                field,
                v,
                &format!("{} is not one of [{}]", py(v), list.join(", ")),
            ))
        }
    }
}

/// Nova's `uuid` format (with or without dashes, any case, as oslo's validator takes it).
pub(crate) fn is_uuid(s: &str) -> bool {
    crate::testing::ids::is_uuid(s)
}

/// The metadata pattern of `parameter_types.metadata`.
const METADATA_KEY: &str = "^[a-zA-Z0-9-_:. ]{1,255}$";

fn metadata_key_ok(k: &str) -> bool {
    let n = k.chars().count();
    (1..=255).contains(&n)
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_:. ".contains(c))
}

/// `parameter_types.metadata`: keys matching `^[a-zA-Z0-9-_:. ]{1,255}$`, string values of at
/// most 255 characters.
pub(crate) fn metadata(field: &str, v: &Value) -> Result<BTreeMap<String, String>, Resp> {
    let obj = object(field, v)?;
    let mut out = BTreeMap::new();
    for (k, value) in obj {
        if !metadata_key_ok(k) {
            return Err(invalid(
                field,
                v,
                &format!(
                    "{} does not match any of the regexes: '{METADATA_KEY}'",
                    py_string(k)
                ),
            ));
        }
        out.insert(k.clone(), string(k, value, 0, 255)?.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn python_repr() {
        assert_eq!(
            py(&json!({"name": "x", "n": 1, "ok": true, "none": null, "l": ["a"]})),
            "{'l': ['a'], 'n': 1, 'name': 'x', 'none': None, 'ok': True}"
        );
        assert_eq!(py(&json!("it's")), "\"it's\"");
        assert_eq!(py_str(&json!("a/b")), "a/b");
        assert!(is_uuid("70a599e0-31e7-49b7-b260-868f441e862b"));
        assert!(is_uuid("70a599e031e749b7b260868f441e862b"));
        assert!(!is_uuid("not-a-uuid"));
    }
}
