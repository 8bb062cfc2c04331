//! Finding and parsing `clouds.yaml`, `secure.yaml` and `clouds-public.yaml`.
//!
//! The search follows openstacksdk (`openstack/config/loader.py`): the file named by an override
//! variable first (`OS_CLIENT_CONFIG_FILE`, `OS_CLIENT_SECURE_FILE`), then each search directory
//! (current directory, `$XDG_CONFIG_HOME/openstack`, `$HOME/.config/openstack`, the system directory)
//! with the suffixes `.yaml`, `.yml`, `.json`. The first file that exists wins, even if it is empty;
//! a file that cannot be read for lack of permission is skipped, as openstacksdk does.
//!
//! YAML is parsed with `serde_norway` (merge keys `<<:` applied) and converted to
//! [`serde_json::Value`]; `.json` files are parsed with `serde_json`. Before parsing, an unquoted
//! number given to a `*_api_version` key is quoted so that `compute_api_version: 2.10` stays `2.10`
//! instead of becoming the float `2.1` (see [`quote_api_versions`]).

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::env::Vars;

/// The kinds of files we look for; each is `<stem>.yaml`, `<stem>.yml` or `<stem>.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FileKind {
    /// `clouds.yaml`, override `OS_CLIENT_CONFIG_FILE`.
    Clouds,
    /// `secure.yaml`, override `OS_CLIENT_SECURE_FILE`.
    Secure,
    /// `clouds-public.yaml` (no override).
    Public,
}

impl FileKind {
    fn stem(self) -> &'static str {
        match self {
            FileKind::Clouds => "clouds",
            FileKind::Secure => "secure",
            FileKind::Public => "clouds-public",
        }
    }

    fn override_var(self) -> Option<&'static str> {
        match self {
            FileKind::Clouds => Some("OS_CLIENT_CONFIG_FILE"),
            FileKind::Secure => Some("OS_CLIENT_SECURE_FILE"),
            FileKind::Public => None,
        }
    }

    /// The name used in messages, e.g. `clouds.yaml`.
    pub(super) fn label(self) -> &'static str {
        match self {
            FileKind::Clouds => "clouds.yaml",
            FileKind::Secure => "secure.yaml",
            FileKind::Public => "clouds-public.yaml",
        }
    }
}

/// Every source consulted so far, in order, with what came of it. Shown at the end of every
/// configuration error.
#[derive(Debug, Default)]
pub(super) struct Tried {
    items: Vec<String>,
}

impl Tried {
    pub(super) fn push(&mut self, item: impl Into<String>) {
        self.items.push(item.into());
    }
}

impl fmt::Display for Tried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.items.is_empty() {
            return f.write_str("none");
        }
        f.write_str(&self.items.join(", "))
    }
}

/// Where the configuration files are searched for.
#[derive(Debug, Clone)]
pub(super) struct SearchPaths {
    current_dir: PathBuf,
    dirs: Vec<PathBuf>,
}

impl SearchPaths {
    /// The search directories: `current_dir`, `$XDG_CONFIG_HOME/openstack`, `$HOME/.config/openstack`
    /// (both when both are set and differ, as openstacksdk checks its platform dir and its Unix dir),
    /// then `system_dir`.
    pub(super) fn new(current_dir: &Path, system_dir: &Path, vars: &Vars) -> Self {
        let mut dirs = vec![current_dir.to_path_buf()];
        if let Some(xdg) = vars.get("XDG_CONFIG_HOME") {
            dirs.push(Path::new(xdg).join("openstack"));
        }
        if let Some(home) = vars.get("HOME") {
            dirs.push(Path::new(home).join(".config").join("openstack"));
        }
        dirs.push(system_dir.to_path_buf());
        let mut unique: Vec<PathBuf> = Vec::with_capacity(dirs.len());
        for d in dirs {
            if !unique.contains(&d) {
                unique.push(d);
            }
        }
        SearchPaths {
            current_dir: current_dir.to_path_buf(),
            dirs: unique,
        }
    }

    /// Candidate files for `kind`, in search order, each with the variable that named it (if any).
    fn candidates(&self, kind: FileKind, vars: &Vars) -> Vec<(PathBuf, Option<&'static str>)> {
        let mut out = Vec::new();
        if let Some(var) = kind.override_var() {
            if let Some(p) = vars.get(var) {
                out.push((self.current_dir.join(p), Some(var)));
            }
        }
        for dir in &self.dirs {
            for ext in ["yaml", "yml", "json"] {
                out.push((dir.join(format!("{}.{ext}", kind.stem())), None));
            }
        }
        out
    }
}

/// A configuration file that was found and parsed.
#[derive(Debug, Clone)]
pub(super) struct Found {
    /// Its path.
    pub path: PathBuf,
    /// Its top-level mapping (empty for an empty file).
    pub doc: Map<String, Value>,
}

/// Finds and parses the first existing file of `kind`. Records every path checked in `tried`.
///
/// Errors (as a message naming the file) when the first existing file cannot be read or parsed.
pub(super) fn load_first(
    kind: FileKind,
    paths: &SearchPaths,
    vars: &Vars,
    tried: &mut Tried,
) -> Result<Option<Found>, String> {
    for (path, var) in paths.candidates(kind, vars) {
        let shown = match var {
            Some(v) => format!("{v} {}", path.display()),
            None => path.display().to_string(),
        };
        if !path.exists() {
            tried.push(format!("{shown} (not found)"));
            continue;
        }
        let text = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                tried.push(format!("{shown} (skipped: permission denied)"));
                continue;
            }
            Err(e) => {
                tried.push(format!("{shown} (unreadable)"));
                return Err(format!(
                    "{} {}: cannot read: {e}",
                    kind.label(),
                    path.display()
                ));
            }
        };
        let parsed = match String::from_utf8(text) {
            Ok(text) => parse_document(&text, &path),
            Err(e) => Err(format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )),
        };
        return match parsed {
            Ok(doc) => {
                tried.push(format!("{shown} (used)"));
                Ok(Some(Found { path, doc }))
            }
            Err(e) => {
                tried.push(format!("{shown} (malformed)"));
                Err(format!("{} {}: {e}", kind.label(), path.display()))
            }
        };
    }
    Ok(None)
}

/// Parses a whole file: JSON when the path ends in `json` (as openstacksdk decides), YAML otherwise.
/// An empty document is an empty mapping; anything but a mapping at the top is an error.
pub(super) fn parse_document(text: &str, path: &Path) -> Result<Map<String, Value>, String> {
    let is_json = path.to_string_lossy().ends_with("json");
    let value = if is_json {
        parse_json(text)?
    } else {
        parse_yaml(text)?
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(format!(
            "the top level must be a mapping (with a `clouds:` key), found {}",
            type_name(&other)
        )),
    }
}

fn parse_json(text: &str) -> Result<Value, String> {
    let text = quote_api_versions(text, true);
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    // serde_json's messages carry the position ("at line 3 column 7") and never echo the input.
    serde_json::from_str(&text).map_err(|e| format!("malformed JSON: {e}"))
}

fn parse_yaml(text: &str) -> Result<Value, String> {
    let text = quote_api_versions(text, false);
    // Without merge keys or tags (the usual file), the YAML goes straight into JSON values with the
    // rules of `yaml_to_json`; anything else (or any error) takes the general path below.
    if !text.contains("<<") && !text.contains('!') {
        if let Ok(v) = serde::Deserializer::deserialize_any(
            serde_norway::Deserializer::from_str(&text),
            direct::JsonVisitor,
        ) {
            return Ok(v);
        }
    }
    let mut yaml: serde_norway::Value = serde_norway::from_str(&text).map_err(|e| {
        let msg = e.to_string();
        match e.location() {
            Some(loc) if !msg.contains("line") => format!(
                "malformed YAML at line {} column {}: {msg}",
                loc.line(),
                loc.column()
            ),
            _ => format!("malformed YAML: {msg}"),
        }
    })?;
    yaml.apply_merge()
        .map_err(|e| format!("malformed YAML merge key (`<<`): {e}"))?;
    yaml_to_json(yaml)
}

/// Converts a YAML value to JSON: mapping keys that are numbers or booleans become their text,
/// tags are dropped, non-finite floats become their YAML text.
fn yaml_to_json(v: serde_norway::Value) -> Result<Value, String> {
    use serde_norway::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                match n.as_f64().and_then(serde_json::Number::from_f64) {
                    Some(f) => Value::Number(f),
                    None => Value::String(n.to_string()),
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => Value::Array(
            seq.into_iter()
                .map(yaml_to_json)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut out = Map::new();
            for (k, v) in mapping {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => return Err("a mapping key is a list or a mapping".to_string()),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// YAML events straight into JSON values, with the conversions of [`yaml_to_json`]: mapping keys
/// that are numbers, booleans or null become their text; non-finite floats become their YAML text.
mod direct {
    use std::fmt;

    use serde::de::{self, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};

    pub(super) struct JsonVisitor;

    fn float(f: f64) -> Value {
        match serde_json::Number::from_f64(f) {
            Some(n) => Value::Number(n),
            None if f.is_nan() => Value::String(".nan".into()),
            None if f > 0.0 => Value::String(".inf".into()),
            None => Value::String("-.inf".into()),
        }
    }

    impl<'de> Visitor<'de> for JsonVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a YAML value")
        }
        fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
            Ok(Value::Bool(b))
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
            Ok(Value::from(n))
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
            Ok(Value::from(n))
        }
        fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
            Ok(float(f))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
            Ok(Value::String(s.to_owned()))
        }
        fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
            Ok(Value::String(s))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element_seed(Seed)? {
                out.push(v);
            }
            Ok(Value::Array(out))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = Map::new();
            while let Some(k) = map.next_key_seed(KeySeed)? {
                let v = map.next_value_seed(Seed)?;
                // A duplicate key: the general path reports it with its position.
                if out.insert(k, v).is_some() {
                    return Err(de::Error::custom("duplicate mapping key"));
                }
            }
            Ok(Value::Object(out))
        }
    }

    struct Seed;

    impl<'de> de::DeserializeSeed<'de> for Seed {
        type Value = Value;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(JsonVisitor)
        }
    }

    /// A mapping key as text; a list or mapping as a key is an error (the general path names it).
    struct KeySeed;

    impl<'de> de::DeserializeSeed<'de> for KeySeed {
        type Value = String;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            d.deserialize_any(KeyVisitor)
        }
    }

    struct KeyVisitor;

    impl<'de> Visitor<'de> for KeyVisitor {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a scalar mapping key")
        }
        fn visit_bool<E: de::Error>(self, b: bool) -> Result<String, E> {
            Ok(b.to_string())
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<String, E> {
            Ok(n.to_string())
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<String, E> {
            Ok(n.to_string())
        }
        fn visit_f64<E: de::Error>(self, f: f64) -> Result<String, E> {
            // The general path's text for floats (`serde_norway::Number`'s Display).
            Ok(serde_norway::Number::from(f).to_string())
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
            Ok(s.to_owned())
        }
        fn visit_string<E: de::Error>(self, s: String) -> Result<String, E> {
            Ok(s)
        }
        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok("null".to_string())
        }
        fn visit_none<E: de::Error>(self) -> Result<String, E> {
            Ok("null".to_string())
        }
    }
}

/// A short name for a JSON value's type, for messages (never the value itself).
pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Quotes unquoted numbers given to `*_api_version` keys, line by line, so that the text survives
/// parsing (`compute_api_version: 2.10` → `compute_api_version: "2.10"`; YAML would read 2.1).
///
/// Handles block mappings (`key: 2.10`, `- key: 2.10`, optional comment) in YAML and
/// `"key": 2.10,` in JSON. Other layouts (YAML flow mappings, JSON with several keys on one line)
/// are left alone: their numbers go through as floats, so write them quoted there.
pub(super) fn quote_api_versions(text: &str, json: bool) -> Cow<'_, str> {
    if !text.contains("api_version") && !text.contains("api-version") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        match quote_line(line, json) {
            Some(new) => {
                out.push_str(&new);
                changed = true;
            }
            None => out.push_str(line),
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

fn quote_line(line: &str, json: bool) -> Option<String> {
    let bytes = line.as_bytes();
    let mut i = 0;
    let skip_ws = |mut i: usize| {
        while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
        i
    };
    i = skip_ws(i);
    if !json {
        // List item markers: "- key: 2.10".
        while i + 1 < bytes.len() && bytes[i] == b'-' && (bytes[i + 1] == b' ') {
            i = skip_ws(i + 1);
        }
    }
    // The key, plain or quoted.
    let key: &str;
    if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
        let quote = bytes[i];
        let start = i + 1;
        let end = start + line[start..].find(quote as char)?;
        key = &line[start..end];
        i = end + 1;
    } else {
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
        {
            i += 1;
        }
        key = &line[start..i];
    }
    if !(key.ends_with("_api_version")
        || key.ends_with("-api-version")
        || key.ends_with("_api-version"))
    {
        return None;
    }
    i = skip_ws(i);
    if i >= bytes.len() || bytes[i] != b':' {
        return None;
    }
    i += 1;
    let after_colon = i;
    i = skip_ws(i);
    if !json && i == after_colon {
        return None; // YAML needs a space after the colon
    }
    let value_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        i += 1;
    }
    let value_end = i;
    if value_end == value_start || !bytes[value_start].is_ascii_digit() {
        return None;
    }
    // What follows must end the value.
    let rest = &line[value_end..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let ok = if json {
        trimmed.starts_with(',')
            || trimmed.starts_with('}')
            || trimmed.trim_end_matches(['\r', '\n']).is_empty()
    } else {
        trimmed.trim_end_matches(['\r', '\n']).is_empty()
            || (trimmed.starts_with('#') && trimmed.len() < rest.len())
    };
    if !ok {
        return None;
    }
    Some(format!(
        "{}\"{}\"{}",
        &line[..value_start],
        &line[value_start..value_end],
        rest
    ))
}

/// openstacksdk's `merge_clouds`: mappings merge recursively, anything else in `over` replaces.
pub(super) fn deep_merge(under: &mut Map<String, Value>, over: Map<String, Value>) {
    for (k, v) in over {
        match (under.get_mut(&k), v) {
            (Some(Value::Object(u)), Value::Object(o)) => deep_merge(u, o),
            (_, v) => {
                under.insert(k, v);
            }
        }
    }
}

/// openstacksdk's `normalize_keys`: `-` in keys becomes `_`, recursively through mappings and lists.
pub(super) fn normalize_keys(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k.replace('-', "_"), normalize_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_keys).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_block_api_versions() {
        let text = "clouds:\n  a:\n    compute_api_version: 2.10\n    - volume_api_version: 3  # pin\n    image_api_version: '2'\n    other: 2.10\n";
        let out = quote_api_versions(text, false);
        assert_eq!(
            out,
            "clouds:\n  a:\n    compute_api_version: \"2.10\"\n    - volume_api_version: \"3\"  # pin\n    image_api_version: '2'\n    other: 2.10\n"
        );
    }

    #[test]
    fn quotes_json_api_versions() {
        let text = "{\n  \"compute_api_version\": 2.10,\n  \"network_api_version\": 2\n}";
        assert_eq!(
            quote_api_versions(text, true),
            "{\n  \"compute_api_version\": \"2.10\",\n  \"network_api_version\": \"2\"\n}"
        );
    }

    #[test]
    fn leaves_other_lines() {
        for line in [
            "compute_api_version:2.10\n",
            "compute_api_version: 2.10 trailing\n",
            "compute_api_version: latest\n",
            "compute_api_version: 2.10#x\n",
        ] {
            assert_eq!(quote_api_versions(line, false), line, "{line:?}");
        }
    }

    #[test]
    fn yaml_keeps_api_version_text() {
        let doc = parse_document(
            "clouds:\n  a:\n    compute_api_version: 2.10\n",
            Path::new("x.yaml"),
        )
        .unwrap_or_default();
        assert_eq!(
            doc["clouds"]["a"]["compute_api_version"],
            Value::String("2.10".into())
        );
    }

    #[test]
    fn the_direct_path_equals_the_general_one() {
        let docs = [
            "clouds:\n  a:\n    auth:\n      auth_url: http://k/v3\n      password: \"x\"\n    region_name: R\n",
            "clouds:\n  a:\n    verify: false\n    api_timeout: 30\n    ratio: 1.5\n    big: 18446744073709551615\n    neg: -3\n",
            "clouds:\n  a:\n    1: one\n    true: yes\n    ~: nothing\n    2.5: half\n    x: .nan\n    y: -.inf\n    z: .inf\n",
            "clouds:\n  a:\n    list: [1, two, {k: v}]\n    empty: {}\n    nothing:\n    quoted: 'it''s'\n",
            "clouds:\n  a:\n    compute_api_version: 2.10\n    multi: |\n      line one\n      line two\n",
            "",
            "# only a comment\n",
        ];
        for doc in docs {
            let text = quote_api_versions(doc, false);
            let mut general: serde_norway::Value = serde_norway::from_str(&text).unwrap();
            general.apply_merge().unwrap();
            let general = yaml_to_json(general).unwrap();
            let direct = serde::Deserializer::deserialize_any(
                serde_norway::Deserializer::from_str(&text),
                direct::JsonVisitor,
            )
            .unwrap();
            assert_eq!(direct, general, "{doc}");
            assert_eq!(parse_yaml(doc).unwrap(), general, "{doc}");
        }
        // A duplicate key is an error (the general path names it), never "the last one wins".
        let dup = "clouds:\n  c:\n    auth: {auth_url: x}\n  c:\n    auth: {}\n";
        let err = parse_yaml(dup).unwrap_err();
        assert!(err.contains("duplicate entry with key \"c\""), "{err}");
        assert!(err.contains("line 2"), "{err}");
        // A list as a key is refused by both paths.
        assert!(parse_yaml("? [a, b]\n: v\n").is_err());
    }

    #[test]
    fn yaml_merge_keys_apply() {
        let doc = parse_document(
            "base: &b\n  region_name: R1\nclouds:\n  a:\n    <<: *b\n    interface: admin\n",
            Path::new("x.yaml"),
        )
        .unwrap_or_default();
        assert_eq!(doc["clouds"]["a"]["region_name"], "R1");
        assert_eq!(doc["clouds"]["a"]["interface"], "admin");
    }

    #[test]
    fn merge_is_deep() {
        let mut under = serde_json::json!({"a": {"b": 1, "c": 2}, "l": [1]})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let over = serde_json::json!({"a": {"c": 3}, "l": [2]})
            .as_object()
            .cloned()
            .unwrap_or_default();
        deep_merge(&mut under, over);
        assert_eq!(
            Value::Object(under),
            serde_json::json!({"a": {"b": 1, "c": 3}, "l": [2]})
        );
    }
}
