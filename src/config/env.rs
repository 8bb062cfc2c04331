//! The `OS_*` environment variables, read from an injected map (never from the process directly).
//!
//! As openstacksdk does (`OpenStackConfig._get_os_environ`), every `OS_*` variable becomes a key of an
//! "environment cloud": the prefix is dropped and the rest lower-cased (`OS_PROJECT_NAME` →
//! `project_name`, `OS_COMPUTE_API_VERSION` → `compute_api_version`). That cloud then goes through
//! the same rules as a `clouds.yaml` entry. `OS_TEST*`, `OS_STD*` and `OS_LOG*` (test-runner
//! variables) are ignored, and if the only variables set are selectors (`OS_CLOUD`, `OS_REGION_NAME`,
//! `OS_CLIENT_CONFIG_FILE`, `OS_CLIENT_SECURE_FILE`, `OS_CLOUD_NAME`) there is no environment cloud.
//! Empty values count as unset.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Variables that only select or locate a configuration; alone they do not make an environment cloud.
const SELECTORS: &[&str] = &[
    "OS_CLOUD",
    "OS_REGION_NAME",
    "OS_CLIENT_CONFIG_FILE",
    "OS_CLIENT_SECURE_FILE",
    "OS_CLOUD_NAME",
];

/// Variables that never become keys of the environment cloud.
const NOT_KEYS: &[&str] = &[
    "OS_CLOUD",
    "OS_CLIENT_CONFIG_FILE",
    "OS_CLIENT_SECURE_FILE",
    "OS_CLOUD_NAME",
];

/// An injected set of environment variables. Empty values are treated as unset.
#[derive(Clone, Default)]
pub(super) struct Vars<'a> {
    map: Option<&'a BTreeMap<String, String>>,
}

impl<'a> Vars<'a> {
    pub(super) fn new(map: &'a BTreeMap<String, String>) -> Self {
        Vars { map: Some(map) }
    }

    /// The variable's value, `None` when unset or empty.
    pub(super) fn get(&self, name: &str) -> Option<&'a str> {
        self.map
            .and_then(|m| m.get(name))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn os_vars(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.map
            .into_iter()
            .flat_map(|m| m.iter())
            .filter(|(k, v)| {
                k.starts_with("OS_")
                    && !v.is_empty()
                    && !k.starts_with("OS_TEST")
                    && !k.starts_with("OS_STD")
                    && !k.starts_with("OS_LOG")
            })
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The environment cloud, or `None` when no `OS_*` variable other than the selectors is set.
pub(super) fn cloud_from_vars(vars: &Vars<'_>) -> Option<Map<String, Value>> {
    let mut any = false;
    let mut cloud = Map::new();
    for (k, v) in vars.os_vars() {
        if !SELECTORS.contains(&k) {
            any = true;
        }
        if NOT_KEYS.contains(&k) {
            continue;
        }
        let key = k["OS_".len()..].to_ascii_lowercase();
        cloud.insert(key, Value::String(v.to_string()));
    }
    any.then_some(cloud)
}

/// The variable that sets a key of the environment cloud: `auth.project_name` → `OS_PROJECT_NAME`.
pub(super) fn var_for_key(key: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    format!("OS_{}", last.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn selectors_alone_make_no_cloud() {
        let m = vars(&[
            ("OS_CLOUD", "x"),
            ("OS_REGION_NAME", "R"),
            ("OS_TEST_TIMEOUT", "5"),
            ("OS_PASSWORD", ""),
            ("HOME", "/h"),
        ]);
        assert!(cloud_from_vars(&Vars::new(&m)).is_none());
    }

    #[test]
    fn keys_are_lowercased_without_prefix() {
        let m = vars(&[
            ("OS_AUTH_URL", "https://k/v3"),
            ("OS_REGION_NAME", "R"),
            ("OS_CLOUD_NAME", "envvars"),
        ]);
        let c = cloud_from_vars(&Vars::new(&m)).unwrap_or_default();
        assert_eq!(
            c.get("auth_url"),
            Some(&Value::String("https://k/v3".into()))
        );
        assert_eq!(c.get("region_name"), Some(&Value::String("R".into())));
        assert!(!c.contains_key("cloud_name"));
    }

    #[test]
    fn names_variables() {
        assert_eq!(
            var_for_key("auth.project_domain_id"),
            "OS_PROJECT_DOMAIN_ID"
        );
        assert_eq!(var_for_key("interface"), "OS_INTERFACE");
    }
}
