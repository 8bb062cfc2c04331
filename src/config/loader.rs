//! [`ConfigLoader`]: reads a [`CloudConfig`] the way openstacksdk does, from injected variables and
//! paths. The rules are documented on [`ConfigLoader`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde_json::{Map, Value};

use super::clouds_yaml::{
    self, FileKind, Found, SearchPaths, Tried, deep_merge, normalize_keys, type_name,
};
use super::env::{self, Vars};
use super::{
    AppCredentialRef, Auth, AuthMethod, CloudConfig, DomainRef, Interface, ProjectRef, Scope,
    SecretString, UserRef,
};
use crate::error::Error;

/// Default system-wide configuration directory.
const SYSTEM_CONFIG_DIR: &str = "/etc/openstack";

/// The `auth_type` values we accept, for messages.
const AUTH_TYPES: &str = "password, v3password, token, v3token, v3applicationcredential";

/// Loads a [`CloudConfig`] from injected environment variables and paths, following openstacksdk's
/// rules.
///
/// Nothing is read from the process environment unless you ask for it with
/// [`ConfigLoader::from_process`], so tests can build any configuration without touching globals.
/// `Debug` shows the variable names only, never their values.
///
/// # Where the configuration comes from
///
/// 1. **A named cloud** — the name given to [`ConfigLoader::cloud`], else `OS_CLOUD` — is looked up in
///    the first `clouds` file found (`OS_CLIENT_CONFIG_FILE`, then `clouds.yaml`, `clouds.yml`,
///    `clouds.json` in the current directory, `$XDG_CONFIG_HOME/openstack/`,
///    `$HOME/.config/openstack/` and the system directory, `/etc/openstack/` by default). The first
///    `secure` file found in the same places (`OS_CLIENT_SECURE_FILE` first) is deep-merged over it,
///    so passwords can live apart. A `profile:` key (or the old `cloud:` key) names an entry of
///    `public-clouds:` in the first `clouds-public` file found; that entry is deep-merged *under* the
///    cloud. Keys are normalized as openstacksdk does (`-` → `_`). The first file that exists is the
///    one used, even if it lacks the cloud; a file we may not read is skipped, as openstacksdk does.
/// 2. **No name**: if any `OS_*` variable other than the selectors (`OS_CLOUD`, `OS_REGION_NAME`,
///    `OS_CLIENT_CONFIG_FILE`, `OS_CLIENT_SECURE_FILE`, `OS_CLOUD_NAME`) is set, the variables are the
///    cloud (`OS_PROJECT_NAME` → `project_name`, …) and no file is read. Otherwise, if the files define
///    exactly one cloud, that cloud is used (openstacksdk does the same).
///
/// # Region
///
/// The region is [`ConfigLoader::region`], else `OS_REGION_NAME` (also honoured for a named cloud, as
/// the `openstack` CLI does), else the first of the cloud's `regions:` (names, or mappings with `name`
/// and `values`), else `region_name`. A cloud that lists its regions rejects any other name. The chosen
/// region's `values` are deep-merged over the cloud.
///
/// # Auth rules (keystoneauth / openstacksdk)
///
/// * `auth_type`: `password`/`v3password`, `token`/`v3token`, `v3applicationcredential` (keystoneauth
///   has no plugin named `applicationcredential`). Without `auth_type`: any `application_credential_*`
///   key means an application credential; a `token` (or `auth_token`) without a `password` means token
///   auth; anything else is password auth.
/// * Auth keys are read from the `auth:` block, then from the top level of the cloud (openstacksdk moves
///   top-level plugin options into `auth`). `tenant_id`/`tenant_name` are the old names of
///   `project_id`/`project_name`, which win when both are set.
/// * An id wins over a name (`user_id` over `username`, `project_id` over `project_name`, `*_domain_id`
///   over `*_domain_name`), as keystoneauth builds the request.
/// * A user or project given by name needs a domain. In order: its own `user_domain_*` /
///   `project_domain_*`; then, when a project is given, `domain_id`/`domain_name` (openstacksdk's
///   `_handle_domain_id`: "specify the domain once", and then it is *not* a domain scope); then
///   keystoneauth's `default_domain_id`/`default_domain_name`; then `default_domain` (an id, as the
///   `openstack` CLI uses it). There is no built-in `default`: a missing domain is an error, as it
///   would be at Keystone.
/// * Scope: a project (`project_id`, or `project_name` + domain); else a domain (`domain_id` /
///   `domain_name`); else the system (`system_scope: all`); else unscoped. Two targets at once (a
///   project or a domain together with `system_scope`) is an error, as in keystoneauth. Application
///   credentials are never scoped: project and domain keys are ignored for them. `trust_id` is rejected
///   (trust scope is not supported).
///
/// # Other keys
///
/// `interface` (or the old `endpoint_type`, which `interface` beats; `public`, `internal`, `admin`, with
/// or without `URL`, any case), `verify`,
/// `insecure` (wins over `verify`), `cacert`, `cert`, `key` (a leading `~` is expanded with `HOME`),
/// `api_timeout` (seconds, number or string), `<service>_endpoint_override` and `<service>_api_version`
/// (service type with `-`, e.g. `block_storage_endpoint_override` → `block-storage`). Booleans accept
/// `true`/`false`/`yes`/`no`/`on`/`off`/`1`/`0` in any case; anything else is an error (openstacksdk
/// silently reads it as false). Unknown keys are ignored.
///
/// API versions keep their text: an unquoted number given to a `*_api_version` key on its own line is
/// read as written (`compute_api_version: 2.10` is `2.10`, not `2.1`). In YAML flow mappings (`{…}`)
/// or one-line JSON the number goes through as a float; quote it there.
///
/// # Example
///
/// ```
/// use stackclient::{AuthMethod, ConfigLoader, DomainRef, ProjectRef, Scope, UserRef};
///
/// let cfg = ConfigLoader::new()
///     .var("OS_AUTH_URL", "https://keystone.example.com/v3")
///     .var("OS_USERNAME", "demo")
///     .var("OS_PASSWORD", "s3cret")
///     .var("OS_USER_DOMAIN_NAME", "Default")
///     .var("OS_PROJECT_NAME", "demo")
///     .var("OS_PROJECT_DOMAIN_ID", "default")
///     .var("OS_REGION_NAME", "RegionOne")
///     .load()?;
///
/// assert_eq!(cfg.auth.auth_url, "https://keystone.example.com/v3");
/// assert_eq!(cfg.region_name.as_deref(), Some("RegionOne"));
/// assert!(matches!(
///     &cfg.auth.method,
///     AuthMethod::Password { user: UserRef::Name { name, domain: DomainRef::Name(d) }, .. }
///         if name == "demo" && d == "Default"
/// ));
/// assert_eq!(
///     cfg.auth.scope,
///     Scope::Project(ProjectRef::Name { name: "demo".into(), domain: DomainRef::Id("default".into()) })
/// );
/// # Ok::<(), stackclient::Error>(())
/// ```
///
/// A named cloud of a `clouds.yaml` (here in the current directory; [`from_process`](Self::from_process)
/// reads the real environment and `~/.config/openstack` too), its password in `secure.yaml`:
///
/// ```
/// use stackclient::ConfigLoader;
///
/// let dir = std::env::temp_dir().join(format!("stackclient-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).expect("temp dir");
/// std::fs::write(dir.join("clouds.yaml"), "clouds:
///   mycloud:
///     auth:
///       auth_url: https://keystone.example.com:5000
///       username: demo
///       project_name: demo
///       user_domain_name: Default
///       project_domain_name: Default
///     region_name: RegionTwo
/// ").expect("clouds.yaml");
/// std::fs::write(dir.join("secure.yaml"), "clouds:\n  mycloud:\n    auth:\n      password: s3cret\n")
///     .expect("secure.yaml");
///
/// let cfg = ConfigLoader::new().current_dir(&dir).cloud("mycloud").load()?;
/// assert_eq!(cfg.auth.auth_url, "https://keystone.example.com:5000");
/// assert_eq!(cfg.region_name.as_deref(), Some("RegionTwo"));
/// assert!(!format!("{cfg:?}").contains("s3cret")); // secrets stay out of Debug
/// let err = ConfigLoader::new().current_dir(&dir).cloud("other").load().unwrap_err();
/// assert!(err.to_string().contains("other"), "{err}");
/// std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), stackclient::Error>(())
/// ```
#[derive(Clone)]
pub struct ConfigLoader {
    vars: BTreeMap<String, String>,
    current_dir: PathBuf,
    system_config_dir: PathBuf,
    cloud: Option<String>,
    region: Option<String>,
}

impl Default for ConfigLoader {
    fn default() -> Self {
        ConfigLoader::new()
    }
}

impl fmt::Debug for ConfigLoader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigLoader")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("current_dir", &self.current_dir)
            .field("system_config_dir", &self.system_config_dir)
            .field("cloud", &self.cloud)
            .field("region", &self.region)
            .finish()
    }
}

impl ConfigLoader {
    /// A loader with no variables, `.` as the current directory and `/etc/openstack` as the system
    /// directory. Without variables there is no `HOME` or `XDG_CONFIG_HOME`, so only `./` and the
    /// system directory are searched.
    pub fn new() -> Self {
        ConfigLoader {
            vars: BTreeMap::new(),
            current_dir: PathBuf::from("."),
            system_config_dir: PathBuf::from(SYSTEM_CONFIG_DIR),
            cloud: None,
            region: None,
        }
    }

    /// A loader with the process's environment variables that configuration reads (`OS_*`, `HOME`
    /// and `XDG_CONFIG_HOME`, when valid UTF-8) and current directory (`.` if it cannot be read).
    /// This is what [`CloudConfig::load`] uses.
    pub fn from_process() -> Self {
        let vars = std::env::vars_os()
            .filter(|(k, _)| {
                let k = k.as_encoded_bytes();
                k.starts_with(b"OS_") || k == b"HOME" || k == b"XDG_CONFIG_HOME"
            })
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        ConfigLoader {
            vars,
            current_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            ..ConfigLoader::new()
        }
    }

    /// Adds variables (replacing those with the same name). Empty values count as unset.
    pub fn vars<K, V>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.vars
            .extend(vars.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Adds one variable (replacing one with the same name). An empty value counts as unset.
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Sets the current directory: searched first for `clouds.yaml`, `secure.yaml` and
    /// `clouds-public.yaml`, and the base of a relative `OS_CLIENT_CONFIG_FILE`/`OS_CLIENT_SECURE_FILE`.
    pub fn current_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.current_dir = path.into();
        self
    }

    /// Sets the system configuration directory, searched last (default `/etc/openstack`).
    pub fn system_config_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.system_config_dir = path.into();
        self
    }

    /// Names the cloud to load from `clouds.yaml`; takes precedence over `OS_CLOUD`. An empty name
    /// counts as none.
    pub fn cloud(mut self, name: impl Into<String>) -> Self {
        self.cloud = Some(name.into()).filter(|n| !n.is_empty());
        self
    }

    /// Names the region; takes precedence over `OS_REGION_NAME` and the cloud's own region. An empty
    /// name counts as none.
    pub fn region(mut self, name: impl Into<String>) -> Self {
        self.region = Some(name.into()).filter(|n| !n.is_empty());
        self
    }

    /// Reads the configuration.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when nothing is configured, a named cloud or region does not exist, a file
    /// cannot be read or parsed (the message names the file and the line), `auth_type` is unknown, a
    /// required key is missing (e.g. `auth.auth_url`, `auth.password` for password auth, the secret of
    /// an application credential, the domain of a user or project given by name) or a key has the
    /// wrong type or value. The message names the source and the key at fault and ends with every
    /// source tried, e.g. `clouds.yaml /x/clouds.yaml, cloud "mycloud": auth.auth_url is missing
    /// (sources tried: /x/clouds.yaml (used), …)`. It never contains a password, secret or token.
    pub fn load(&self) -> Result<CloudConfig, Error> {
        let vars = Vars::new(&self.vars);
        let run = Run {
            paths: SearchPaths::new(&self.current_dir, &self.system_config_dir, &vars),
            vars,
            tried: Tried::default(),
            notes: Vec::new(),
        };
        let region = match (&self.region, run.vars.get("OS_REGION_NAME")) {
            (Some(r), _) => Some((r.clone(), "ConfigLoader::region")),
            (None, Some(r)) => Some((r.to_string(), "OS_REGION_NAME")),
            (None, None) => None,
        };
        let named = match (&self.cloud, run.vars.get("OS_CLOUD")) {
            (Some(c), _) => Some((c.clone(), "ConfigLoader::cloud")),
            (None, Some(c)) => Some((c.to_string(), "OS_CLOUD")),
            (None, None) => None,
        };
        match named {
            Some((name, origin)) => run.named(&name, origin, region),
            None => run.unnamed(region),
        }
    }
}

/// How keys are shown in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyStyle {
    /// As written in the file: `auth.auth_url`.
    File,
    /// As the variable that sets it: `OS_AUTH_URL`.
    Env,
}

impl KeyStyle {
    fn show(self, key: &str) -> String {
        match self {
            KeyStyle::File => key.to_string(),
            KeyStyle::Env => env::var_for_key(key),
        }
    }
}

/// The `clouds` and `secure` files, merged.
struct Files {
    clouds_file: Option<PathBuf>,
    secure_file: Option<PathBuf>,
    in_clouds: BTreeSet<String>,
    in_secure: BTreeSet<String>,
    clouds: Map<String, Value>,
}

impl Files {
    /// `clouds.yaml /x/clouds.yaml + secure.yaml /x/secure.yaml, cloud "name"`.
    fn context(&self, name: &str) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.clouds_file {
            if self.in_clouds.contains(name) {
                parts.push(format!("{} {}", FileKind::Clouds.label(), p.display()));
            }
        }
        if let Some(p) = &self.secure_file {
            if self.in_secure.contains(name) {
                parts.push(format!("{} {}", FileKind::Secure.label(), p.display()));
            }
        }
        format!("{}, cloud {name:?}", parts.join(" + "))
    }

    /// The files found, for messages about the file set as a whole.
    fn found(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.clouds_file {
            parts.push(format!("{} {}", FileKind::Clouds.label(), p.display()));
        }
        if let Some(p) = &self.secure_file {
            parts.push(format!("{} {}", FileKind::Secure.label(), p.display()));
        }
        parts.join(" + ")
    }

    fn names(&self) -> String {
        if self.clouds.is_empty() {
            "none".to_string()
        } else {
            self.clouds.keys().cloned().collect::<Vec<_>>().join(", ")
        }
    }
}

/// One `load()` call: the inputs and what has been tried so far.
struct Run<'a> {
    vars: Vars<'a>,
    paths: SearchPaths,
    tried: Tried,
    notes: Vec<String>,
}

impl Run<'_> {
    fn fail(&self, context: &str, problem: impl fmt::Display) -> Error {
        let mut msg = String::new();
        if !context.is_empty() {
            msg.push_str(context);
            msg.push_str(": ");
        }
        msg.push_str(&problem.to_string());
        for note in &self.notes {
            msg.push_str("; note: ");
            msg.push_str(note);
        }
        msg.push_str(&format!(" (sources tried: {})", self.tried));
        Error::Config(msg)
    }

    fn load_files(&mut self) -> Result<Files, Error> {
        let clouds =
            clouds_yaml::load_first(FileKind::Clouds, &self.paths, &self.vars, &mut self.tried)
                .map_err(|m| self.fail("", m))?;
        let secure =
            clouds_yaml::load_first(FileKind::Secure, &self.paths, &self.vars, &mut self.tried)
                .map_err(|m| self.fail("", m))?;
        let mut files = Files {
            clouds_file: None,
            secure_file: None,
            in_clouds: BTreeSet::new(),
            in_secure: BTreeSet::new(),
            clouds: Map::new(),
        };
        if let Some(found) = clouds {
            let map = clouds_map(FileKind::Clouds, &found).map_err(|m| self.fail("", m))?;
            files.in_clouds = map.keys().cloned().collect();
            files.clouds = map;
            files.clouds_file = Some(found.path);
        }
        if let Some(found) = secure {
            // openstacksdk merges the whole secure document over the clouds document.
            let map = clouds_map(FileKind::Secure, &found).map_err(|m| self.fail("", m))?;
            files.in_secure = map.keys().cloned().collect();
            deep_merge(&mut files.clouds, map);
            files.secure_file = Some(found.path);
        }
        Ok(files)
    }

    fn named(
        mut self,
        name: &str,
        origin: &str,
        region: Option<(String, &str)>,
    ) -> Result<CloudConfig, Error> {
        let files = self.load_files()?;
        let Some(entry) = files.clouds.get(name) else {
            return Err(
                if files.clouds_file.is_none() && files.secure_file.is_none() {
                    self.fail(
                        "",
                        format!(
                            "cloud {name:?} (from {origin}) was asked for but no clouds.yaml, \
                         clouds.yml or clouds.json was found"
                        ),
                    )
                } else {
                    self.fail(
                        &files.found(),
                        format!(
                            "cloud {name:?} (from {origin}) is not defined; clouds defined: {}",
                            files.names()
                        ),
                    )
                },
            );
        };
        let context = files.context(name);
        let cloud = cloud_entry(entry).map_err(|m| self.fail(&context, m))?;
        self.resolve(cloud, Some(name), KeyStyle::File, context, region)
    }

    fn unnamed(mut self, region: Option<(String, &str)>) -> Result<CloudConfig, Error> {
        if let Some(cloud) = env::cloud_from_vars(&self.vars) {
            self.tried
                .push("OS_* variables (used: OS_CLOUD is not set)");
            return self.resolve(
                cloud,
                None,
                KeyStyle::Env,
                "OS_* variables".to_string(),
                region,
            );
        }
        self.tried.push("OS_* variables (none set)");
        let files = self.load_files()?;
        let mut names = files.clouds.keys();
        match (names.next(), names.next()) {
            (Some(only), None) => {
                let name = only.clone();
                let context = files.context(&name);
                let entry = files.clouds.get(&name).cloned().unwrap_or(Value::Null);
                let cloud = cloud_entry(&entry).map_err(|m| self.fail(&context, m))?;
                self.resolve(cloud, Some(&name), KeyStyle::File, context, region)
            }
            (None, _) => Err(self.fail(
                "",
                "no cloud configured: OS_CLOUD is not set, no OS_* variables (OS_AUTH_URL, \
                 OS_USERNAME, …) are set and no clouds.yaml defines a cloud",
            )),
            (Some(_), Some(_)) => Err(self.fail(
                &files.found(),
                format!(
                    "no cloud named: set OS_CLOUD (or use ConfigLoader::cloud) to one of: {}",
                    files.names()
                ),
            )),
        }
    }

    /// Profile, region, then the typed config.
    fn resolve(
        mut self,
        cloud: Map<String, Value>,
        name: Option<&str>,
        style: KeyStyle,
        mut context: String,
        region: Option<(String, &str)>,
    ) -> Result<CloudConfig, Error> {
        let mut cloud = match normalize_keys(Value::Object(cloud)) {
            Value::Object(m) => m,
            _ => Map::new(),
        };

        // profile: (or the old cloud:) from clouds-public.yaml, merged under the cloud.
        let profile_key = ["profile", "cloud"]
            .into_iter()
            .find(|k| cloud.get(*k).is_some_and(|v| !v.is_null()));
        if let Some(key) = profile_key {
            let value = cloud.remove(key).unwrap_or(Value::Null);
            cloud.remove("profile");
            cloud.remove("cloud");
            let profile = match value {
                Value::String(s) if !s.is_empty() => s,
                Value::String(_) => String::new(),
                other => {
                    return Err(self.fail(
                        &context,
                        format!(
                            "{} must be the name of a public cloud, found {}",
                            style.show(key),
                            type_name(&other)
                        ),
                    ));
                }
            };
            if !profile.is_empty() {
                let public = clouds_yaml::load_first(
                    FileKind::Public,
                    &self.paths,
                    &self.vars,
                    &mut self.tried,
                )
                .map_err(|m| self.fail(&context, m))?;
                match public_profile(public.as_ref(), &profile) {
                    Ok(Some((path, base))) => {
                        let mut base = match normalize_keys(Value::Object(base)) {
                            Value::Object(m) => m,
                            _ => Map::new(),
                        };
                        deep_merge(&mut base, cloud);
                        cloud = base;
                        context.push_str(&format!(
                            ", profile {profile:?} from {} {}",
                            FileKind::Public.label(),
                            path.display()
                        ));
                    }
                    Ok(None) => {
                        let note = format!(
                            "profile {profile:?} was not found in any clouds-public.yaml \
                             (stackclient has no built-in vendor profiles)"
                        );
                        tracing::warn!("{context}: {note}");
                        self.notes.push(note);
                    }
                    Err(m) => return Err(self.fail(&context, m)),
                }
            }
        }

        select_region(&mut cloud, region, style).map_err(|m| self.fail(&context, m))?;

        let mut config =
            build(&cloud, style, self.vars.get("HOME")).map_err(|m| self.fail(&context, m))?;
        config.name = name.map(str::to_string);
        Ok(config)
    }
}

/// The `clouds:` mapping of a file (empty when absent).
fn clouds_map(kind: FileKind, found: &Found) -> Result<Map<String, Value>, String> {
    match found.doc.get("clouds") {
        None | Some(Value::Null) => {
            tracing::warn!(
                "{} {} has no `clouds:` key",
                kind.label(),
                found.path.display()
            );
            Ok(Map::new())
        }
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(other) => Err(format!(
            "{} {}: `clouds` must be a mapping of cloud names to settings, found {}",
            kind.label(),
            found.path.display(),
            type_name(other)
        )),
    }
}

/// One cloud's settings: a mapping (an empty entry counts as an empty mapping).
fn cloud_entry(entry: &Value) -> Result<Map<String, Value>, String> {
    match entry {
        Value::Object(m) => Ok(m.clone()),
        Value::Null => Ok(Map::new()),
        other => Err(format!(
            "the cloud's settings must be a mapping, found {}",
            type_name(other)
        )),
    }
}

/// A public cloud profile: the file it came from and its settings.
type Profile = (PathBuf, Map<String, Value>);

/// `public-clouds.<profile>` of the clouds-public file.
fn public_profile(public: Option<&Found>, profile: &str) -> Result<Option<Profile>, String> {
    let Some(found) = public else {
        return Ok(None);
    };
    let label = format!("{} {}", FileKind::Public.label(), found.path.display());
    match found.doc.get("public-clouds") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(clouds)) => match clouds.get(profile) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some((found.path.clone(), m.clone()))),
            Some(Value::Null) => Ok(Some((found.path.clone(), Map::new()))),
            Some(other) => Err(format!(
                "{label}: public-clouds.{profile} must be a mapping, found {}",
                type_name(other)
            )),
        },
        Some(other) => Err(format!(
            "{label}: `public-clouds` must be a mapping, found {}",
            type_name(other)
        )),
    }
}

/// Picks the region and merges its `values` over the cloud; leaves `region_name` set to the chosen
/// region (or absent) and removes `regions`.
fn select_region(
    cloud: &mut Map<String, Value>,
    requested: Option<(String, &str)>,
    style: KeyStyle,
) -> Result<(), String> {
    let mut known: Vec<(String, Option<Map<String, Value>>)> = Vec::new();
    match cloud.remove("regions") {
        None | Some(Value::Null) => match cloud.get("region_name") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                // A comma-separated list is an old openstacksdk form.
                for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    known.push((name.to_string(), None));
                }
            }
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) if !s.is_empty() => known.push((s.clone(), None)),
                        other => {
                            return Err(format!(
                                "{}[{i}] must be a region name, found {}",
                                style.show("region_name"),
                                type_name(other)
                            ));
                        }
                    }
                }
            }
            Some(other) => {
                return Err(format!(
                    "{} must be a region name, found {}",
                    style.show("region_name"),
                    type_name(other)
                ));
            }
        },
        Some(Value::Array(items)) => {
            for (i, item) in items.into_iter().enumerate() {
                let bad = |what: &str| format!("regions[{i}] {what}");
                match item {
                    Value::String(s) if !s.is_empty() => known.push((s, None)),
                    Value::Object(mut m) => {
                        if let Some(extra) = m.keys().find(|k| *k != "name" && *k != "values") {
                            return Err(bad(&format!(
                                "has an unknown key {extra:?} (a region entry has only `name` and `values`)"
                            )));
                        }
                        let name = match m.remove("name") {
                            Some(Value::String(s)) if !s.is_empty() => s,
                            None | Some(Value::Null) => return Err(bad("has no `name`")),
                            Some(other) => {
                                return Err(bad(&format!(
                                    "name must be a string, found {}",
                                    type_name(&other)
                                )));
                            }
                        };
                        let values = match m.remove("values") {
                            None | Some(Value::Null) => None,
                            Some(Value::Object(v)) => Some(v),
                            Some(other) => {
                                return Err(bad(&format!(
                                    "values must be a mapping, found {}",
                                    type_name(&other)
                                )));
                            }
                        };
                        known.push((name, values));
                    }
                    other => {
                        return Err(bad(&format!(
                            "must be a region name or a mapping with `name` and `values`, found {}",
                            type_name(&other)
                        )));
                    }
                }
            }
        }
        Some(other) => {
            return Err(format!(
                "regions must be a list, found {}",
                type_name(&other)
            ));
        }
    }

    let names: Vec<String> = known.iter().map(|(n, _)| n.clone()).collect();
    let selected = match requested {
        Some((name, origin)) => {
            if known.is_empty() {
                Some((name, None))
            } else {
                match known.into_iter().find(|(n, _)| *n == name) {
                    Some(found) => Some(found),
                    None => {
                        let names = names.join(", ");
                        return Err(format!(
                            "region {name:?} (from {origin}) is not a region of this cloud; \
                             its regions are: {names} (names are case sensitive)"
                        ));
                    }
                }
            }
        }
        None => known.into_iter().next(),
    };
    let _ = cloud.remove("region_name");
    if let Some((name, values)) = selected {
        if let Some(values) = values {
            if let Value::Object(values) = normalize_keys(Value::Object(values)) {
                deep_merge(cloud, values);
            }
            cloud.remove("regions");
        }
        cloud.insert("region_name".to_string(), Value::String(name));
    }
    Ok(())
}

/// Typed view of one cloud's (merged, normalized) settings.
struct View<'a> {
    top: &'a Map<String, Value>,
    auth: Option<&'a Map<String, Value>>,
    style: KeyStyle,
}

impl<'a> View<'a> {
    fn new(top: &'a Map<String, Value>, style: KeyStyle) -> Result<Self, String> {
        let auth = match top.get("auth") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(other) => {
                return Err(format!(
                    "auth must be a mapping, found {}",
                    type_name(other)
                ));
            }
        };
        Ok(View { top, auth, style })
    }

    fn show(&self, key: &str) -> String {
        self.style.show(key)
    }

    /// The first non-empty value among `names`, each looked up in `auth:` then at the top level.
    /// Returns the text and the key it came from (as shown in messages).
    fn auth_str(&self, names: &[&str]) -> Result<Option<(String, String)>, String> {
        for name in names {
            if let Some(auth) = self.auth {
                if let Some(v) = auth.get(*name) {
                    let shown = self.show(&format!("auth.{name}"));
                    if let Some(s) = text(v, &shown)? {
                        return Ok(Some((s, shown)));
                    }
                }
            }
            if let Some(v) = self.top.get(*name) {
                let shown = self.show(name);
                if let Some(s) = text(v, &shown)? {
                    return Ok(Some((s, shown)));
                }
            }
        }
        Ok(None)
    }

    /// The first non-empty value among `names` at the top level, with the key it came from.
    fn top_str(&self, names: &[&str]) -> Result<Option<(String, String)>, String> {
        for name in names {
            if let Some(v) = self.top.get(*name) {
                let shown = self.show(name);
                if let Some(s) = text(v, &shown)? {
                    return Ok(Some((s, shown)));
                }
            }
        }
        Ok(None)
    }

    fn top_bool(&self, name: &str) -> Result<Option<bool>, String> {
        let shown = self.show(name);
        match self.top.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(Some(false)),
            Some(Value::Number(n)) if n.as_u64() == Some(1) => Ok(Some(true)),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Ok(Some(true)),
                "false" | "no" | "off" | "0" => Ok(Some(false)),
                _ => Err(format!("{shown} must be true or false, found {s:?}")),
            },
            Some(other) => Err(format!(
                "{shown} must be true or false, found {}",
                type_name(other)
            )),
        }
    }

    /// A secret; its value never appears in messages.
    fn secret(&self, names: &[&str], why: &str) -> Result<SecretString, String> {
        match self.auth_str(names)? {
            Some((s, _)) => Ok(SecretString::from(s)),
            None => Err(format!(
                "{} is missing ({why})",
                self.show(&format!(
                    "auth.{}",
                    names.first().copied().unwrap_or("password")
                ))
            )),
        }
    }
}

/// A scalar as text: strings as they are, numbers in their JSON form; empty and null are unset.
/// Never puts the value in the error (it may be a secret).
fn text(v: &Value, shown: &str) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(format!(
            "{shown} must be a string, found {}",
            type_name(other)
        )),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MethodKind {
    Password,
    Token,
    ApplicationCredential,
}

fn method_kind(v: &View<'_>) -> Result<MethodKind, String> {
    if let Some((t, key)) = v.top_str(&["auth_type", "auth_plugin"])? {
        return match t.to_ascii_lowercase().as_str() {
            "password" | "v3password" => Ok(MethodKind::Password),
            "token" | "v3token" => Ok(MethodKind::Token),
            "v3applicationcredential" => Ok(MethodKind::ApplicationCredential),
            "applicationcredential" | "application_credential" | "v3_application_credential" => {
                Err(format!(
                    "{key} {t:?} is not an auth type; did you mean v3applicationcredential? \
                     (supported: {AUTH_TYPES})"
                ))
            }
            _ => Err(format!(
                "{key} {t:?} is not supported (supported: {AUTH_TYPES})"
            )),
        };
    }
    if v.auth_str(&[
        "application_credential_id",
        "application_credential_name",
        "application_credential_secret",
    ])?
    .is_some()
    {
        return Ok(MethodKind::ApplicationCredential);
    }
    if v.auth_str(&["token", "auth_token"])?.is_some() && v.auth_str(&["password"])?.is_none() {
        return Ok(MethodKind::Token);
    }
    Ok(MethodKind::Password)
}

/// A domain for a user or project: its own id/name keys, then (when a project is given) `domain_*`,
/// then the `default_domain_*` keys.
fn domain_ref(
    v: &View<'_>,
    id_key: &str,
    name_key: &str,
    project_given: bool,
) -> Result<Option<DomainRef>, String> {
    if let Some((id, _)) = v.auth_str(&[id_key])? {
        return Ok(Some(DomainRef::Id(id)));
    }
    if let Some((name, _)) = v.auth_str(&[name_key])? {
        return Ok(Some(DomainRef::Name(name)));
    }
    if project_given {
        if let Some((id, _)) = v.auth_str(&["domain_id"])? {
            return Ok(Some(DomainRef::Id(id)));
        }
        if let Some((name, _)) = v.auth_str(&["domain_name"])? {
            return Ok(Some(DomainRef::Name(name)));
        }
    }
    if let Some((id, _)) = v.auth_str(&["default_domain_id"])? {
        return Ok(Some(DomainRef::Id(id)));
    }
    if let Some((name, _)) = v.auth_str(&["default_domain_name"])? {
        return Ok(Some(DomainRef::Name(name)));
    }
    if let Some((id, _)) = v.auth_str(&["default_domain"])? {
        return Ok(Some(DomainRef::Id(id)));
    }
    Ok(None)
}

fn missing_domain(v: &View<'_>, what: &str, of: &str, by: &str) -> String {
    format!(
        "{} or {} is missing (needed with {by}; {} or {} also serve)",
        v.show(&format!("auth.{what}_domain_name")),
        v.show(&format!("auth.{what}_domain_id")),
        v.show(&format!("auth.default_domain_{of}")),
        v.show("auth.default_domain_name"),
    )
}

fn user_ref(v: &View<'_>, project_given: bool) -> Result<Option<UserRef>, String> {
    if let Some((id, _)) = v.auth_str(&["user_id"])? {
        return Ok(Some(UserRef::Id(id)));
    }
    if let Some((name, key)) = v.auth_str(&["username", "user_name"])? {
        let domain = domain_ref(v, "user_domain_id", "user_domain_name", project_given)?
            .ok_or_else(|| missing_domain(v, "user", "id", &key))?;
        return Ok(Some(UserRef::Name { name, domain }));
    }
    Ok(None)
}

fn scope(v: &View<'_>) -> Result<Scope, String> {
    let system = v.auth_str(&["system_scope"])?;
    if let Some((s, key)) = &system {
        if !s.eq_ignore_ascii_case("all") {
            return Err(format!(
                "{key} must be \"all\" (the only system scope Keystone has), found {s:?}"
            ));
        }
    }
    let project_id = v.auth_str(&["project_id", "tenant_id"])?;
    let project_name = v.auth_str(&["project_name", "tenant_name"])?;
    if let Some((_, pkey)) = project_id.as_ref().or(project_name.as_ref()) {
        if let Some((_, skey)) = &system {
            return Err(format!(
                "{pkey} and {skey} are both set: a token has one scope (project, domain or system)"
            ));
        }
        if let Some((id, _)) = project_id {
            return Ok(Scope::Project(ProjectRef::Id(id)));
        }
        if let Some((name, key)) = project_name {
            let domain = domain_ref(v, "project_domain_id", "project_domain_name", true)?
                .ok_or_else(|| missing_domain(v, "project", "id", &key))?;
            return Ok(Scope::Project(ProjectRef::Name { name, domain }));
        }
    }
    let domain = match v.auth_str(&["domain_id"])? {
        Some((id, key)) => Some((DomainRef::Id(id), key)),
        None => v
            .auth_str(&["domain_name"])?
            .map(|(name, key)| (DomainRef::Name(name), key)),
    };
    match (domain, system) {
        (Some((_, dkey)), Some((_, skey))) => Err(format!(
            "{dkey} and {skey} are both set: a token has one scope (project, domain or system)"
        )),
        (Some((d, _)), None) => Ok(Scope::Domain(d)),
        (None, Some(_)) => Ok(Scope::System),
        (None, None) => Ok(Scope::Unscoped),
    }
}

fn auth(v: &View<'_>) -> Result<Auth, String> {
    if let Some((_, key)) = v.auth_str(&["trust_id"])? {
        return Err(format!(
            "{key} is set but trust-scoped tokens are not supported"
        ));
    }
    let (auth_url, key) = v
        .auth_str(&["auth_url"])?
        .ok_or_else(|| format!("{} is missing", v.show("auth.auth_url")))?;
    check_url(&auth_url, &key)?;
    let project_given = v
        .auth_str(&["project_id", "tenant_id", "project_name", "tenant_name"])?
        .is_some();
    let (method, scope) = match method_kind(v)? {
        MethodKind::Password => {
            let user = user_ref(v, project_given)?.ok_or_else(|| {
                format!(
                    "{} or {} is missing (needed for password auth)",
                    v.show("auth.username"),
                    v.show("auth.user_id")
                )
            })?;
            let password = v.secret(&["password"], "needed for password auth")?;
            (AuthMethod::Password { user, password }, scope(v)?)
        }
        MethodKind::Token => {
            let token = v.secret(&["token", "auth_token"], "needed for token auth")?;
            (AuthMethod::Token { token }, scope(v)?)
        }
        MethodKind::ApplicationCredential => {
            let credential = if let Some((id, _)) = v.auth_str(&["application_credential_id"])? {
                AppCredentialRef::Id(id)
            } else if let Some((name, key)) = v.auth_str(&["application_credential_name"])? {
                let user = user_ref(v, project_given)?.ok_or_else(|| {
                    format!(
                        "{} or {} is missing (needed with {key})",
                        v.show("auth.user_id"),
                        v.show("auth.username")
                    )
                })?;
                AppCredentialRef::Name { name, user }
            } else {
                return Err(format!(
                    "{} or {} is missing (needed for application credential auth)",
                    v.show("auth.application_credential_id"),
                    v.show("auth.application_credential_name")
                ));
            };
            let secret = v.secret(
                &["application_credential_secret"],
                "needed for application credential auth",
            )?;
            // Application credentials carry their own scope; Keystone rejects a requested one.
            (
                AuthMethod::ApplicationCredential { credential, secret },
                Scope::Unscoped,
            )
        }
    };
    Ok(Auth::new(auth_url, method, scope))
}

fn check_url(url: &str, key: &str) -> Result<(), String> {
    let shown = crate::error::redact_userinfo(url);
    match url::Url::parse(url) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Ok(()),
        Ok(_) => Err(format!(
            "{key} {shown:?} must be an http:// or https:// URL"
        )),
        Err(e) => Err(format!("{key} {shown:?} is not a valid URL: {e}")),
    }
}

fn expand_home(path: &str, home: Option<&str>) -> PathBuf {
    match (path.strip_prefix('~'), home) {
        (Some(""), Some(home)) => PathBuf::from(home),
        (Some(rest), Some(home)) if rest.starts_with('/') => {
            Path::new(home).join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(path),
    }
}

/// Turns one cloud's merged, normalized settings into a [`CloudConfig`].
fn build(
    cloud: &Map<String, Value>,
    style: KeyStyle,
    home: Option<&str>,
) -> Result<CloudConfig, String> {
    let v = View::new(cloud, style)?;
    let mut config = CloudConfig::new(auth(&v)?);

    config.region_name = v.top_str(&["region_name"])?.map(|(r, _)| r);

    if let Some((s, key)) = v.top_str(&["interface", "endpoint_type"])? {
        config.interface = Interface::from_str(&s).map_err(|_| {
            format!(
                "{key} {s:?} is not an interface (public, internal, admin, or publicURL, \
                 internalURL, adminURL)"
            )
        })?;
    }

    let verify = v.top_bool("verify")?;
    let insecure = v.top_bool("insecure")?;
    config.verify = if insecure == Some(true) {
        false
    } else {
        verify.unwrap_or(true)
    };
    config.cacert = v.top_str(&["cacert"])?.map(|(p, _)| expand_home(&p, home));
    config.cert = v.top_str(&["cert"])?.map(|(p, _)| expand_home(&p, home));
    config.key = v.top_str(&["key"])?.map(|(p, _)| expand_home(&p, home));

    if let Some(t) = cloud.get("api_timeout") {
        let key = style.show("api_timeout");
        let secs = match t {
            Value::Null => None,
            Value::Number(n) => n.as_f64(),
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(
                s.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("{key} must be a number of seconds, found {s:?}"))?,
            ),
            other => {
                return Err(format!(
                    "{key} must be a number of seconds, found {}",
                    type_name(other)
                ));
            }
        };
        if let Some(secs) = secs {
            config.api_timeout = Some(Duration::try_from_secs_f64(secs).map_err(|_| {
                format!("{key} must be a non-negative number of seconds, found {secs}")
            })?);
        }
    }

    for (k, value) in cloud {
        if let Some(service) = k.strip_suffix("_endpoint_override") {
            if service.is_empty() {
                continue;
            }
            let shown = style.show(k);
            if let Some(url) = text(value, &shown)? {
                check_url(&url, &shown)?;
                config
                    .endpoint_overrides
                    .insert(service.replace('_', "-"), url);
            }
        } else if let Some(service) = k.strip_suffix("_api_version") {
            if service.is_empty() {
                continue;
            }
            let shown = style.show(k);
            if let Some(version) = text(value, &shown)? {
                let service_type = service.replace('_', "-");
                crate::endpoint::parse_pin(&service_type, &version, &shown)?;
                config
                    .api_versions
                    .insert(service.replace('_', "-"), version);
            }
        }
    }
    Ok(config)
}
