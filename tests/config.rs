//! Configuration loading: clouds.yaml search order, secure.yaml and profile merges, `OS_*` variables,
//! auth types and scopes, regions, overrides, error messages and secret hygiene.
//!
//! Every test injects its variables and paths through `ConfigLoader`; nothing reads or changes the
//! process environment. Files live in per-test directories under `std::env::temp_dir()`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use secrecy::ExposeSecret;
use stackclient::{
    AppCredentialRef, AuthMethod, CloudConfig, ConfigLoader, DomainRef, Error, Interface,
    ProjectRef, Scope, UserRef,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A temporary tree: `cwd/`, `home/`, `xdg/`, `etc/` (the system dir), removed on drop.
struct Sandbox {
    root: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Sandbox {
    fn new(name: &str) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!(
            "stackclient-config-{}-{name}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        for d in ["cwd", "home", "xdg", "etc"] {
            std::fs::create_dir_all(root.join(d)).expect("create sandbox dir");
        }
        Sandbox { root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn write(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&p, content).expect("write file");
        p
    }

    fn copy_fixture(&self, fixture: &str, rel: &str) -> PathBuf {
        self.write(rel, &fixture_text(fixture))
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).expect("remove file");
    }

    /// A loader rooted in the sandbox: cwd, system dir and HOME point inside it; no other variable.
    fn loader(&self) -> ConfigLoader {
        ConfigLoader::new()
            .current_dir(self.path("cwd"))
            .system_config_dir(self.path("etc"))
            .var("HOME", self.path("home").to_string_lossy())
    }

    /// The standard fixtures in `cwd/`.
    fn with_fixtures(name: &str) -> Self {
        let s = Sandbox::new(name);
        s.copy_fixture("clouds.yaml", "cwd/clouds.yaml");
        s.copy_fixture("secure.yaml", "cwd/secure.yaml");
        s.copy_fixture("clouds-public.yaml", "cwd/clouds-public.yaml");
        s
    }

    fn home_dir(&self) -> String {
        self.path("home").to_string_lossy().into_owned()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn fixture_text(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/clouds")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// A minimal cloud file with one cloud whose auth_url tells where it came from.
fn one_cloud(name: &str, marker: &str) -> String {
    format!(
        "clouds:\n  {name}:\n    auth:\n      auth_url: https://{marker}.example.com/v3\n      \
         user_id: u\n      password: p\n"
    )
}

fn load(l: ConfigLoader) -> CloudConfig {
    match l.load() {
        Ok(c) => c,
        Err(e) => panic!("load failed: {e}"),
    }
}

fn load_err(l: ConfigLoader) -> String {
    match l.load() {
        Ok(c) => panic!("expected an error, got {c:?}"),
        Err(Error::Config(msg)) => msg,
        Err(other) => panic!("expected Error::Config, got {other:?}"),
    }
}

fn env_loader() -> ConfigLoader {
    // Nothing on disk is read when the OS_* variables are used, but point away from /etc anyway.
    ConfigLoader::new()
        .current_dir("/nonexistent/stackclient-cwd")
        .system_config_dir("/nonexistent/stackclient-etc")
}

fn password_of(c: &CloudConfig) -> (UserRef, String) {
    match &c.auth.method {
        AuthMethod::Password { user, password } => {
            (user.clone(), password.expose_secret().to_string())
        }
        other => panic!("expected password auth, got {other:?}"),
    }
}

fn name_in(name: &str, domain: DomainRef) -> UserRef {
    UserRef::Name {
        name: name.to_string(),
        domain,
    }
}

fn id(s: &str) -> DomainRef {
    DomainRef::Id(s.to_string())
}

fn dname(s: &str) -> DomainRef {
    DomainRef::Name(s.to_string())
}

fn project_named(name: &str, domain: DomainRef) -> Scope {
    Scope::Project(ProjectRef::Name {
        name: name.to_string(),
        domain,
    })
}

fn project_id(s: &str) -> Scope {
    Scope::Project(ProjectRef::Id(s.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Search order
// ---------------------------------------------------------------------------------------------

#[test]
fn search_order_each_location_and_first_wins() {
    let s = Sandbox::new("order");
    s.write("cwd/clouds.yaml", &one_cloud("c", "cwd"));
    s.write("xdg/openstack/clouds.yaml", &one_cloud("c", "xdg"));
    s.write(
        "home/.config/openstack/clouds.yaml",
        &one_cloud("c", "home"),
    );
    s.write("etc/clouds.yaml", &one_cloud("c", "etc"));
    let l = || {
        s.loader()
            .var("OS_CLOUD", "c")
            .var("XDG_CONFIG_HOME", s.path("xdg").to_string_lossy())
    };

    assert_eq!(load(l()).auth.auth_url, "https://cwd.example.com/v3");
    s.remove("cwd/clouds.yaml");
    assert_eq!(load(l()).auth.auth_url, "https://xdg.example.com/v3");
    s.remove("xdg/openstack/clouds.yaml");
    assert_eq!(load(l()).auth.auth_url, "https://home.example.com/v3");
    s.remove("home/.config/openstack/clouds.yaml");
    assert_eq!(load(l()).auth.auth_url, "https://etc.example.com/v3");
    s.remove("etc/clouds.yaml");
    let err = load_err(l());
    assert!(
        err.contains(r#"cloud "c" (from OS_CLOUD) was asked for but no clouds.yaml"#),
        "{err}"
    );
}

#[test]
fn home_config_is_used_without_xdg() {
    let s = Sandbox::new("home");
    s.write(
        "home/.config/openstack/clouds.yaml",
        &one_cloud("c", "home"),
    );
    s.write("etc/clouds.yaml", &one_cloud("c", "etc"));
    let c = load(s.loader().cloud("c"));
    assert_eq!(c.auth.auth_url, "https://home.example.com/v3");
    assert_eq!(c.name.as_deref(), Some("c"));
}

#[test]
fn os_client_config_file_comes_first() {
    let s = Sandbox::new("override");
    s.write("cwd/clouds.yaml", &one_cloud("c", "cwd"));
    let custom = s.write("elsewhere/my-clouds.yaml", &one_cloud("c", "custom"));
    let c = load(
        s.loader()
            .cloud("c")
            .var("OS_CLIENT_CONFIG_FILE", custom.to_string_lossy()),
    );
    assert_eq!(c.auth.auth_url, "https://custom.example.com/v3");

    // Relative to the current directory.
    s.write("cwd/sub/rel.yaml", &one_cloud("c", "relative"));
    let c = load(
        s.loader()
            .cloud("c")
            .var("OS_CLIENT_CONFIG_FILE", "sub/rel.yaml"),
    );
    assert_eq!(c.auth.auth_url, "https://relative.example.com/v3");

    // A missing override falls through to the usual places (as openstacksdk does).
    let c = load(
        s.loader()
            .cloud("c")
            .var("OS_CLIENT_CONFIG_FILE", "/nonexistent/clouds.yaml"),
    );
    assert_eq!(c.auth.auth_url, "https://cwd.example.com/v3");
}

#[test]
fn yml_and_json_extensions() {
    let s = Sandbox::new("ext");
    s.write("cwd/clouds.yml", &one_cloud("c", "yml"));
    assert_eq!(
        load(s.loader().cloud("c")).auth.auth_url,
        "https://yml.example.com/v3"
    );

    // .yaml beats .yml in the same directory.
    s.write("cwd/clouds.yaml", &one_cloud("c", "yaml"));
    assert_eq!(
        load(s.loader().cloud("c")).auth.auth_url,
        "https://yaml.example.com/v3"
    );

    // .json alone, parsed as JSON; a directory earlier in the order beats a better extension.
    s.remove("cwd/clouds.yaml");
    s.remove("cwd/clouds.yml");
    s.copy_fixture("clouds.json", "cwd/clouds.json");
    s.write(
        "home/.config/openstack/clouds.yaml",
        &one_cloud("json-cloud", "home"),
    );
    let c = load(s.loader().cloud("json-cloud"));
    assert_eq!(c.auth.auth_url, "https://keystone.json.example.com/v3");
    assert_eq!(c.region_name.as_deref(), Some("JsonRegion"));
    assert_eq!(c.interface, Interface::Admin);
    assert_eq!(
        c.api_versions.get("compute").map(String::as_str),
        Some("2.10")
    );
    assert_eq!(
        password_of(&c),
        (UserRef::Id("json-user".into()), "json-password".into())
    );
    assert_eq!(c.auth.scope, project_id("json-project"));
}

#[test]
fn first_file_found_wins_even_without_the_cloud() {
    let s = Sandbox::new("firstwins");
    s.write("cwd/clouds.yaml", &one_cloud("other", "cwd"));
    s.write(
        "home/.config/openstack/clouds.yaml",
        &one_cloud("c", "home"),
    );
    let err = load_err(s.loader().cloud("c"));
    let cwd_file = s.path("cwd/clouds.yaml");
    assert!(
        err.starts_with(&format!(
            "clouds.yaml {}: cloud \"c\" (from ConfigLoader::cloud) is not defined; clouds defined: other",
            cwd_file.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{} (used)", cwd_file.display())),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// secure.yaml, profiles, cloud selection
// ---------------------------------------------------------------------------------------------

#[test]
fn secure_yaml_is_merged_over_the_cloud() {
    let s = Sandbox::with_fixtures("secure");
    let c = load(s.loader().cloud("secured"));
    assert_eq!(
        password_of(&c),
        (UserRef::Id("9f1c2d3e".into()), "secured-password".into())
    );
    assert_eq!(c.auth.scope, project_id("0a1b2c3d"));

    // secure.yaml wins over a password in clouds.yaml.
    let c = load(s.loader().cloud("devstack"));
    assert_eq!(password_of(&c).1, "secure-file-password");

    // secure.yaml is searched on its own: here it lives in ~/.config/openstack.
    let s2 = Sandbox::new("secure-elsewhere");
    s2.copy_fixture("clouds.yaml", "cwd/clouds.yaml");
    s2.copy_fixture("secure.yaml", "home/.config/openstack/secure.yaml");
    let c = load(s2.loader().cloud("appcred"));
    match &c.auth.method {
        AuthMethod::ApplicationCredential { credential, secret } => {
            assert_eq!(credential, &AppCredentialRef::Id("ac-1234".into()));
            assert_eq!(secret.expose_secret(), "appcred-id-secret");
        }
        other => panic!("{other:?}"),
    }

    // OS_CLIENT_SECURE_FILE comes first.
    let custom = s2.write(
        "vault/secrets.yaml",
        "clouds:\n  secured:\n    auth:\n      password: from-custom-secure-file\n",
    );
    let c = load(
        s2.loader()
            .cloud("secured")
            .var("OS_CLIENT_SECURE_FILE", custom.to_string_lossy()),
    );
    assert_eq!(password_of(&c).1, "from-custom-secure-file");
}

#[test]
fn secure_yaml_can_define_a_cloud_alone() {
    let s = Sandbox::new("secure-only");
    s.write("cwd/secure.yaml", &one_cloud("hidden", "secure"));
    let c = load(s.loader().cloud("hidden"));
    assert_eq!(c.auth.auth_url, "https://secure.example.com/v3");
}

#[test]
fn profile_from_clouds_public_is_merged_under() {
    let s = Sandbox::with_fixtures("profile");
    let c = load(s.loader().cloud("vendor"));
    assert_eq!(c.name.as_deref(), Some("vendor"));
    assert_eq!(c.auth.auth_url, "https://identity.examplecloud.test/v3");
    assert_eq!(
        password_of(&c),
        (name_in("alice", dname("Default")), "vendor-password".into())
    );
    assert_eq!(
        c.auth.scope,
        project_named("alice-project", dname("Default"))
    );
    // The cloud's own interface wins over the profile's.
    assert_eq!(c.interface, Interface::Internal);
    // The profile's first region, with its values.
    assert_eq!(c.region_name.as_deref(), Some("north"));
    assert_eq!(
        c.endpoint_overrides.get("compute").map(String::as_str),
        Some("https://compute.north.examplecloud.test/v2.1")
    );
    assert_eq!(
        c.api_versions.get("identity").map(String::as_str),
        Some("3")
    );

    // The profile's other region has no values.
    let c = load(s.loader().cloud("vendor").region("south"));
    assert_eq!(c.region_name.as_deref(), Some("south"));
    assert!(
        c.endpoint_overrides.is_empty(),
        "{:?}",
        c.endpoint_overrides
    );

    // The old `cloud:` key.
    let c = load(s.loader().cloud("old-vendor"));
    assert_eq!(c.auth.auth_url, "https://identity.examplecloud.test/v3");
    assert_eq!(c.auth.scope, project_id("p-1"));
    assert_eq!(c.interface, Interface::Public);
}

#[test]
fn missing_profile_is_noted_in_errors() {
    let s = Sandbox::new("noprofile");
    s.write(
        "cwd/clouds.yaml",
        "clouds:\n  v:\n    profile: nosuchvendor\n    auth:\n      user_id: u\n      password: p\n",
    );
    let err = load_err(s.loader().cloud("v"));
    assert!(err.contains("auth.auth_url is missing"), "{err}");
    assert!(
        err.contains(r#"profile "nosuchvendor" was not found in any clouds-public.yaml"#),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{} (not found)",
            s.path("cwd/clouds-public.yaml").display()
        )),
        "{err}"
    );

    // A profile that exists is fine even when the cloud gives everything itself.
    s.write(
        "cwd/clouds.yaml",
        "clouds:\n  v:\n    profile: nosuchvendor\n    auth:\n      auth_url: https://k.example.com/v3\n      user_id: u\n      password: p\n",
    );
    assert_eq!(
        load(s.loader().cloud("v")).auth.auth_url,
        "https://k.example.com/v3"
    );
}

#[test]
fn os_cloud_selects_and_builder_overrides_it() {
    let s = Sandbox::with_fixtures("oscloud");
    let c = load(s.loader().var("OS_CLOUD", "token"));
    assert_eq!(c.name.as_deref(), Some("token"));
    assert!(matches!(c.auth.method, AuthMethod::Token { .. }));

    let c = load(s.loader().var("OS_CLOUD", "token").cloud("system-scoped"));
    assert_eq!(c.name.as_deref(), Some("system-scoped"));
    assert_eq!(c.auth.scope, Scope::System);

    // OS_CLOUD wins over OS_* variables.
    let c = load(
        s.loader()
            .var("OS_CLOUD", "secured")
            .var("OS_AUTH_URL", "https://env.example.com/v3")
            .var("OS_PASSWORD", "env-password"),
    );
    assert_eq!(c.auth.auth_url, "https://keystone.example.com/v3");
    assert_eq!(password_of(&c).1, "secured-password");
}

#[test]
fn single_cloud_is_used_when_none_is_named() {
    let s = Sandbox::new("single");
    s.write("cwd/clouds.yaml", &one_cloud("only", "only"));
    let c = load(s.loader());
    assert_eq!(c.name.as_deref(), Some("only"));
    assert_eq!(c.auth.auth_url, "https://only.example.com/v3");

    // Several clouds and no name: an error listing them.
    let s = Sandbox::with_fixtures("several");
    let err = load_err(s.loader());
    assert!(err.contains("no cloud named: set OS_CLOUD (or use ConfigLoader::cloud) to one of: appcred, appcred-by-name, bad-auth-type"), "{err}");
    assert!(err.contains("OS_* variables (none set)"), "{err}");
}

#[test]
fn nothing_configured_names_every_path() {
    let s = Sandbox::new("nothing");
    let err = load_err(
        s.loader()
            .var("XDG_CONFIG_HOME", s.path("xdg").to_string_lossy()),
    );
    assert!(
        err.starts_with("no cloud configured: OS_CLOUD is not set"),
        "{err}"
    );
    assert!(err.contains("OS_* variables (none set)"), "{err}");
    for dir in ["cwd", "xdg/openstack", "home/.config/openstack", "etc"] {
        for file in [
            "clouds.yaml",
            "clouds.yml",
            "clouds.json",
            "secure.yaml",
            "secure.yml",
            "secure.json",
        ] {
            let p = s.path(dir).join(file);
            assert!(
                err.contains(&format!("{} (not found)", p.display())),
                "{p:?} missing in {err}"
            );
        }
    }
}

#[test]
fn yaml_anchors_and_merge_keys() {
    let s = Sandbox::new("anchors");
    s.write(
        "cwd/clouds.yaml",
        "common: &common\n  auth_url: https://keystone.example.com/v3\n  user_domain_name: Default\n  project_domain_name: Default\n\
         clouds:\n  a:\n    auth:\n      <<: *common\n      username: u\n      password: p\n      project_name: alpha\n",
    );
    let c = load(s.loader().cloud("a"));
    assert_eq!(c.auth.auth_url, "https://keystone.example.com/v3");
    assert_eq!(password_of(&c).0, name_in("u", dname("Default")));
    assert_eq!(c.auth.scope, project_named("alpha", dname("Default")));
}

// ---------------------------------------------------------------------------------------------
// A full clouds.yaml entry
// ---------------------------------------------------------------------------------------------

#[test]
fn devstack_entry_every_value() {
    let s = Sandbox::with_fixtures("devstack");
    let c = load(s.loader().cloud("devstack"));
    assert_eq!(c.name.as_deref(), Some("devstack"));
    assert_eq!(c.auth.auth_url, "https://keystone.example.com/identity/v3");
    assert_eq!(
        password_of(&c),
        (
            name_in("demo", dname("Default")),
            "secure-file-password".into()
        )
    );
    assert_eq!(c.auth.scope, project_named("demo", id("default")));
    assert_eq!(c.region_name.as_deref(), Some("RegionOne"));
    assert_eq!(c.interface, Interface::Internal);
    assert!(c.verify);
    assert_eq!(
        c.cacert,
        Some(Path::new(&s.home_dir()).join("certs/ca.pem"))
    );
    assert_eq!(c.cert, None);
    assert_eq!(c.key, None);
    assert_eq!(c.api_timeout, Some(Duration::from_secs(30)));
    let overrides: Vec<(&str, &str)> = c
        .endpoint_overrides
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        overrides,
        [
            ("block-storage", "https://cinder.example.com/v3"),
            ("compute", "https://nova.example.com/v2.1"),
        ]
    );
    let versions: Vec<(&str, &str)> = c
        .api_versions
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        versions,
        [
            ("block-storage", "3"),
            ("compute", "2.10"),
            ("identity", "3"),
            ("network", "2.0"),
            ("volume", "3.59"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Auth types and scopes
// ---------------------------------------------------------------------------------------------

#[test]
fn auth_types_and_scopes_from_clouds_yaml() {
    let s = Sandbox::with_fixtures("authtypes");
    let l = |name: &str| load(s.loader().cloud(name));

    // Application credential by id: never scoped, even with a project in the file.
    let c = l("appcred");
    assert_eq!(c.auth.scope, Scope::Unscoped);

    // Application credential by name (auth_type inferred) with its user.
    let c = l("appcred-by-name");
    match &c.auth.method {
        AuthMethod::ApplicationCredential { credential, secret } => {
            assert_eq!(
                credential,
                &AppCredentialRef::Name {
                    name: "ci-runner".into(),
                    user: name_in("ci", id("default")),
                }
            );
            assert_eq!(secret.expose_secret(), "appcred-name-secret");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(c.auth.scope, Scope::Unscoped);

    // Token inferred.
    let c = l("token");
    match &c.auth.method {
        AuthMethod::Token { token } => assert_eq!(token.expose_secret(), "fixture-token-value"),
        other => panic!("{other:?}"),
    }
    assert_eq!(c.auth.scope, project_id("proj-42"));

    // Domain scope.
    let c = l("domain-scoped");
    assert_eq!(
        password_of(&c),
        (name_in("admin", id("default")), "domain-password".into())
    );
    assert_eq!(c.auth.scope, Scope::Domain(dname("Engineering")));

    // System scope.
    let c = l("system-scoped");
    assert_eq!(
        password_of(&c),
        (UserRef::Id("admin-id".into()), "system-password".into())
    );
    assert_eq!(c.auth.scope, Scope::System);

    // domain_id with a project: the domain of both user and project, not a domain scope.
    let c = l("shared-domain");
    assert_eq!(password_of(&c).0, name_in("bob", id("corp")));
    assert_eq!(c.auth.scope, project_named("web", id("corp")));

    // Unscoped, user domain from default_domain_id.
    let c = l("unscoped");
    assert_eq!(
        password_of(&c),
        (name_in("carol", id("default")), "unscoped-password".into())
    );
    assert_eq!(c.auth.scope, Scope::Unscoped);
}

fn cloud_with(auth_type: Option<&str>, auth: &str) -> String {
    let mut s = String::from("clouds:\n  c:\n");
    if let Some(t) = auth_type {
        s.push_str(&format!("    auth_type: {t}\n"));
    }
    s.push_str("    auth:\n      auth_url: https://keystone.example.com/v3\n");
    for line in auth.lines() {
        s.push_str("      ");
        s.push_str(line.trim());
        s.push('\n');
    }
    s
}

#[test]
fn every_auth_type_name() {
    let s = Sandbox::new("typenames");
    for t in ["password", "v3password", "PASSWORD"] {
        s.write(
            "cwd/clouds.yaml",
            &cloud_with(Some(t), "user_id: u\npassword: pw"),
        );
        let c = load(s.loader().cloud("c"));
        assert_eq!(
            password_of(&c),
            (UserRef::Id("u".into()), "pw".into()),
            "{t}"
        );
    }
    for t in ["token", "v3token"] {
        // An explicit token type wins even with a password present.
        s.write(
            "cwd/clouds.yaml",
            &cloud_with(Some(t), "token: tk\npassword: pw\nproject_id: p"),
        );
        let c = load(s.loader().cloud("c"));
        assert!(
            matches!(&c.auth.method, AuthMethod::Token { token } if token.expose_secret() == "tk"),
            "{t}"
        );
        assert_eq!(c.auth.scope, project_id("p"));
    }
    s.write(
        "cwd/clouds.yaml",
        &cloud_with(
            Some("v3applicationcredential"),
            "application_credential_id: a\napplication_credential_secret: sec",
        ),
    );
    let c = load(s.loader().cloud("c"));
    assert!(matches!(
        &c.auth.method,
        AuthMethod::ApplicationCredential { credential: AppCredentialRef::Id(i), secret }
            if i == "a" && secret.expose_secret() == "sec"
    ));

    // Inference: token and password both present → password.
    s.write(
        "cwd/clouds.yaml",
        &cloud_with(None, "user_id: u\npassword: pw\ntoken: tk"),
    );
    assert!(matches!(
        load(s.loader().cloud("c")).auth.method,
        AuthMethod::Password { .. }
    ));
    // The old auth_token key.
    s.write("cwd/clouds.yaml", &cloud_with(None, "auth_token: tk"));
    assert!(matches!(
        &load(s.loader().cloud("c")).auth.method,
        AuthMethod::Token { token } if token.expose_secret() == "tk"
    ));
}

#[test]
fn unknown_auth_types_are_rejected_by_name() {
    let s = Sandbox::with_fixtures("badtype");
    let err = load_err(s.loader().cloud("bad-auth-type"));
    let file = s.path("cwd/clouds.yaml");
    assert!(
        err.starts_with(&format!(
            "clouds.yaml {}, cloud \"bad-auth-type\": auth_type \"v3oidcpassword\" is not supported (supported: password, v3password, token, v3token, v3applicationcredential)",
            file.display()
        )),
        "{err}"
    );

    let s = Sandbox::new("appcredname");
    s.write(
        "cwd/clouds.yaml",
        &cloud_with(
            Some("applicationcredential"),
            "application_credential_id: a",
        ),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(err.contains(r#"auth_type "applicationcredential" is not an auth type; did you mean v3applicationcredential?"#), "{err}");
}

#[test]
fn domain_rules() {
    let s = Sandbox::new("domains");
    let check = |auth: &str, user: UserRef, scope: Scope| {
        s.write(
            "cwd/clouds.yaml",
            &cloud_with(None, &format!("username: u\npassword: pw\n{auth}")),
        );
        let c = load(s.loader().cloud("c"));
        assert_eq!(password_of(&c).0, user, "{auth}");
        assert_eq!(c.auth.scope, scope, "{auth}");
    };
    // Ids win over names.
    check(
        "user_domain_id: ud\nuser_domain_name: UD\nproject_name: p\nproject_domain_id: pd\nproject_domain_name: PD",
        name_in("u", id("ud")),
        project_named("p", id("pd")),
    );
    // project_id wins over project_name; tenant_* are fallbacks; project_* win over tenant_*.
    check(
        "user_domain_id: d\nproject_id: pid\nproject_name: pname",
        name_in("u", id("d")),
        project_id("pid"),
    );
    check(
        "user_domain_id: d\ntenant_id: tid",
        name_in("u", id("d")),
        project_id("tid"),
    );
    check(
        "user_domain_id: d\ntenant_name: tname\nproject_domain_name: PD",
        name_in("u", id("d")),
        project_named("tname", dname("PD")),
    );
    check(
        "user_domain_id: d\ntenant_id: tid\nproject_id: pid",
        name_in("u", id("d")),
        project_id("pid"),
    );
    // domain_name with a project fills both domains; explicit ones still win.
    check(
        "domain_name: Corp\nproject_name: p",
        name_in("u", dname("Corp")),
        project_named("p", dname("Corp")),
    );
    check(
        "domain_name: Corp\nuser_domain_id: ud\nproject_name: p",
        name_in("u", id("ud")),
        project_named("p", dname("Corp")),
    );
    // default_domain_id / default_domain_name (keystoneauth) fill missing domains.
    check(
        "default_domain_id: dflt\nproject_name: p",
        name_in("u", id("dflt")),
        project_named("p", id("dflt")),
    );
    check(
        "default_domain_name: Dflt\nproject_name: p\nproject_domain_id: pd",
        name_in("u", dname("Dflt")),
        project_named("p", id("pd")),
    );
    // domain_id without a project is a domain scope, and does not serve as the user's domain.
    check(
        "user_domain_name: Default\ndomain_id: did",
        name_in("u", dname("Default")),
        Scope::Domain(id("did")),
    );
    // Top-level keys are read too (openstacksdk moves them into auth).
    s.write(
        "cwd/clouds.yaml",
        "clouds:\n  c:\n    auth_url: https://top.example.com/v3\n    username: u\n    password: pw\n    user_domain_name: D\n    project_id: p\n",
    );
    let c = load(s.loader().cloud("c"));
    assert_eq!(c.auth.auth_url, "https://top.example.com/v3");
    assert_eq!(password_of(&c), (name_in("u", dname("D")), "pw".into()));
    assert_eq!(c.auth.scope, project_id("p"));
}

#[test]
fn missing_domains_are_errors() {
    let s = Sandbox::new("nodomain");
    s.write(
        "cwd/clouds.yaml",
        &cloud_with(None, "username: u\npassword: pw"),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.contains("auth.user_domain_name or auth.user_domain_id is missing (needed with auth.username; auth.default_domain_id or auth.default_domain_name also serve)"),
        "{err}"
    );
    s.write(
        "cwd/clouds.yaml",
        &cloud_with(None, "user_id: u\npassword: pw\nproject_name: p"),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(err.contains("auth.project_domain_name or auth.project_domain_id is missing (needed with auth.project_name"), "{err}");
}

#[test]
fn scope_conflicts_are_errors() {
    let s = Sandbox::new("conflict");
    s.write(
        "cwd/clouds.yaml",
        &cloud_with(
            None,
            "user_id: u\npassword: pw\nproject_id: p\nsystem_scope: all",
        ),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.contains("auth.project_id and auth.system_scope are both set: a token has one scope"),
        "{err}"
    );
    s.write(
        "cwd/clouds.yaml",
        &cloud_with(
            None,
            "user_id: u\npassword: pw\ndomain_id: d\nsystem_scope: all",
        ),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.contains("auth.domain_id and auth.system_scope are both set"),
        "{err}"
    );
    s.write(
        "cwd/clouds.yaml",
        &cloud_with(None, "user_id: u\npassword: pw\nsystem_scope: everything"),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(err.contains(r#"auth.system_scope must be "all""#), "{err}");
    s.write(
        "cwd/clouds.yaml",
        &cloud_with(None, "user_id: u\npassword: pw\ntrust_id: t"),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.contains("auth.trust_id is set but trust-scoped tokens are not supported"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// OS_* variables
// ---------------------------------------------------------------------------------------------

#[test]
fn env_password_project_by_name_every_setting() {
    let c = load(env_loader().vars([
        ("OS_AUTH_URL", "https://keystone.env.example.com:5000/v3/"),
        ("OS_USERNAME", "envuser"),
        ("OS_PASSWORD", "env-password"),
        ("OS_USER_DOMAIN_NAME", "UserDom"),
        ("OS_PROJECT_NAME", "envproject"),
        ("OS_PROJECT_DOMAIN_NAME", "ProjDom"),
        ("OS_REGION_NAME", "EnvRegion"),
        ("OS_INTERFACE", "internal"),
        ("OS_CACERT", "/etc/ssl/ca.pem"),
        ("OS_CERT", "/etc/ssl/client.pem"),
        ("OS_KEY", "/etc/ssl/client.key"),
        ("OS_INSECURE", "true"),
        ("OS_COMPUTE_API_VERSION", "2.10"),
        ("OS_NETWORK_API_VERSION", "2.0"),
        ("OS_BLOCK_STORAGE_API_VERSION", "3.59"),
        (
            "OS_COMPUTE_ENDPOINT_OVERRIDE",
            "https://nova.env.example.com/v2.1",
        ),
        (
            "OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE",
            "https://cinder.env.example.com/v3",
        ),
        ("OS_API_TIMEOUT", "12.5"),
        ("OS_TEST_TIMEOUT", "60"),
        ("HOME", "/home/nobody"),
    ]));
    assert_eq!(c.name, None);
    assert_eq!(c.auth.auth_url, "https://keystone.env.example.com:5000/v3/");
    assert_eq!(
        password_of(&c),
        (name_in("envuser", dname("UserDom")), "env-password".into())
    );
    assert_eq!(c.auth.scope, project_named("envproject", dname("ProjDom")));
    assert_eq!(c.region_name.as_deref(), Some("EnvRegion"));
    assert_eq!(c.interface, Interface::Internal);
    assert!(!c.verify);
    assert_eq!(c.cacert, Some(PathBuf::from("/etc/ssl/ca.pem")));
    assert_eq!(c.cert, Some(PathBuf::from("/etc/ssl/client.pem")));
    assert_eq!(c.key, Some(PathBuf::from("/etc/ssl/client.key")));
    assert_eq!(c.api_timeout, Some(Duration::from_millis(12_500)));
    assert_eq!(
        c.api_versions.get("compute").map(String::as_str),
        Some("2.10")
    );
    assert_eq!(
        c.api_versions.get("network").map(String::as_str),
        Some("2.0")
    );
    assert_eq!(
        c.api_versions.get("block-storage").map(String::as_str),
        Some("3.59")
    );
    assert_eq!(c.api_versions.len(), 3);
    assert_eq!(
        c.endpoint_overrides.get("compute").map(String::as_str),
        Some("https://nova.env.example.com/v2.1")
    );
    assert_eq!(
        c.endpoint_overrides
            .get("block-storage")
            .map(String::as_str),
        Some("https://cinder.env.example.com/v3")
    );
}

#[test]
fn env_ids_and_tenant_fallbacks() {
    let base = || {
        env_loader().vars([
            ("OS_AUTH_URL", "https://k.example.com/v3"),
            ("OS_USER_ID", "uid-1"),
            ("OS_PASSWORD", "pw"),
        ])
    };
    let c = load(base().var("OS_PROJECT_ID", "pid-1"));
    assert_eq!(password_of(&c).0, UserRef::Id("uid-1".into()));
    assert_eq!(c.auth.scope, project_id("pid-1"));
    assert_eq!(c.interface, Interface::Public);
    assert!(c.verify);
    assert_eq!(c.region_name, None);

    let c = load(base().var("OS_TENANT_ID", "tid-1"));
    assert_eq!(c.auth.scope, project_id("tid-1"));
    let c = load(
        base()
            .var("OS_TENANT_NAME", "tname")
            .var("OS_PROJECT_DOMAIN_ID", "pd"),
    );
    assert_eq!(c.auth.scope, project_named("tname", id("pd")));
    let c = load(
        base()
            .var("OS_TENANT_NAME", "tname")
            .var("OS_PROJECT_NAME", "pname")
            .var("OS_PROJECT_DOMAIN_ID", "pd"),
    );
    assert_eq!(c.auth.scope, project_named("pname", id("pd")));
    // OS_USER_ID wins over OS_USERNAME.
    let c = load(base().var("OS_USERNAME", "name"));
    assert_eq!(password_of(&c).0, UserRef::Id("uid-1".into()));
    // OS_DOMAIN_ID with a project serves as the project's domain.
    let c = load(
        base()
            .var("OS_PROJECT_NAME", "p")
            .var("OS_DOMAIN_ID", "corp"),
    );
    assert_eq!(c.auth.scope, project_named("p", id("corp")));
    // OS_USER_DOMAIN_ID.
    let c = load(
        base()
            .var("OS_USER_ID", "")
            .var("OS_USERNAME", "n")
            .var("OS_USER_DOMAIN_ID", "ud"),
    );
    assert_eq!(password_of(&c).0, name_in("n", id("ud")));
    // OS_DEFAULT_DOMAIN_NAME.
    let c = load(
        base()
            .var("OS_USER_ID", "")
            .var("OS_USERNAME", "n")
            .var("OS_DEFAULT_DOMAIN_NAME", "Default"),
    );
    assert_eq!(password_of(&c).0, name_in("n", dname("Default")));
}

#[test]
fn env_domain_and_system_scopes() {
    let base = || {
        env_loader().vars([
            ("OS_AUTH_URL", "https://k.example.com/v3"),
            ("OS_USER_ID", "u"),
            ("OS_PASSWORD", "pw"),
        ])
    };
    assert_eq!(
        load(base().var("OS_DOMAIN_NAME", "Eng")).auth.scope,
        Scope::Domain(dname("Eng"))
    );
    assert_eq!(
        load(base().var("OS_DOMAIN_ID", "eng")).auth.scope,
        Scope::Domain(id("eng"))
    );
    assert_eq!(
        load(base().var("OS_SYSTEM_SCOPE", "all")).auth.scope,
        Scope::System
    );
    assert_eq!(load(base()).auth.scope, Scope::Unscoped);
}

#[test]
fn env_application_credentials_and_tokens() {
    let c = load(env_loader().vars([
        ("OS_AUTH_TYPE", "v3applicationcredential"),
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_APPLICATION_CREDENTIAL_ID", "acid"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", "acsecret"),
        ("OS_PROJECT_NAME", "left-over"),
        ("OS_PROJECT_DOMAIN_ID", "default"),
    ]));
    match &c.auth.method {
        AuthMethod::ApplicationCredential { credential, secret } => {
            assert_eq!(credential, &AppCredentialRef::Id("acid".into()));
            assert_eq!(secret.expose_secret(), "acsecret");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(c.auth.scope, Scope::Unscoped);

    // Inferred, by name, with the owning user.
    let c = load(env_loader().vars([
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_APPLICATION_CREDENTIAL_NAME", "acname"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", "acsecret"),
        ("OS_USERNAME", "owner"),
        ("OS_USER_DOMAIN_NAME", "Default"),
    ]));
    assert!(matches!(
        &c.auth.method,
        AuthMethod::ApplicationCredential { credential: AppCredentialRef::Name { name, user }, .. }
            if name == "acname" && *user == name_in("owner", dname("Default"))
    ));

    // Token, inferred and explicit.
    for extra in [None, Some("token"), Some("v3token")] {
        let mut l = env_loader().vars([
            ("OS_AUTH_URL", "https://k.example.com/v3"),
            ("OS_TOKEN", "env-token"),
            ("OS_PROJECT_ID", "p"),
        ]);
        if let Some(t) = extra {
            l = l.var("OS_AUTH_TYPE", t);
        }
        let c = load(l);
        assert!(
            matches!(&c.auth.method, AuthMethod::Token { token } if token.expose_secret() == "env-token")
        );
        assert_eq!(c.auth.scope, project_id("p"));
    }
}

#[test]
fn env_empty_values_are_unset_and_selectors_alone_are_nothing() {
    let c = load(env_loader().vars([
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_USER_ID", "u"),
        ("OS_PASSWORD", "pw"),
        ("OS_PROJECT_ID", ""),
        ("OS_REGION_NAME", ""),
        ("OS_INTERFACE", ""),
        ("OS_CLOUD", ""),
    ]));
    assert_eq!(c.auth.scope, Scope::Unscoped);
    assert_eq!(c.region_name, None);
    assert_eq!(c.interface, Interface::Public);

    let err = load_err(env_loader().vars([("OS_REGION_NAME", "R"), ("OS_PASSWORD", "")]));
    assert!(err.starts_with("no cloud configured"), "{err}");
    assert!(err.contains("OS_* variables (none set)"), "{err}");
}

#[test]
fn env_endpoint_type_and_interface_spellings() {
    let base = || {
        env_loader().vars([
            ("OS_AUTH_URL", "https://k.example.com/v3"),
            ("OS_USER_ID", "u"),
            ("OS_PASSWORD", "pw"),
        ])
    };
    for (v, want) in [
        ("public", Interface::Public),
        ("publicURL", Interface::Public),
        ("internal", Interface::Internal),
        ("internalURL", Interface::Internal),
        ("INTERNAL", Interface::Internal),
        ("admin", Interface::Admin),
        ("adminURL", Interface::Admin),
    ] {
        assert_eq!(
            load(base().var("OS_INTERFACE", v)).interface,
            want,
            "OS_INTERFACE={v}"
        );
        assert_eq!(
            load(base().var("OS_ENDPOINT_TYPE", v)).interface,
            want,
            "OS_ENDPOINT_TYPE={v}"
        );
    }
    // OS_INTERFACE wins over OS_ENDPOINT_TYPE.
    let c = load(
        base()
            .var("OS_INTERFACE", "admin")
            .var("OS_ENDPOINT_TYPE", "internalURL"),
    );
    assert_eq!(c.interface, Interface::Admin);

    let err = load_err(base().var("OS_ENDPOINT_TYPE", "privateURL"));
    assert!(
        err.starts_with(r#"OS_* variables: OS_ENDPOINT_TYPE "privateURL" is not an interface"#),
        "{err}"
    );
    assert!(
        err.ends_with("(sources tried: OS_* variables (used: OS_CLOUD is not set))"),
        "{err}"
    );
}

#[test]
fn env_variables_do_not_read_files() {
    let s = Sandbox::new("envnofiles");
    s.write("cwd/clouds.yaml", "clouds: [this is: not valid\n");
    let c = load(s.loader().vars([
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_USER_ID", "u"),
        ("OS_PASSWORD", "pw"),
    ]));
    assert_eq!(c.auth.auth_url, "https://k.example.com/v3");
}

#[test]
fn env_booleans_and_timeouts() {
    let base = || {
        env_loader().vars([
            ("OS_AUTH_URL", "https://k.example.com/v3"),
            ("OS_USER_ID", "u"),
            ("OS_PASSWORD", "pw"),
        ])
    };
    for (v, verify) in [
        ("true", false),
        ("True", false),
        ("1", false),
        ("yes", false),
        ("false", true),
        ("0", true),
        ("no", true),
    ] {
        assert_eq!(
            load(base().var("OS_INSECURE", v)).verify,
            verify,
            "OS_INSECURE={v}"
        );
    }
    let err = load_err(base().var("OS_INSECURE", "maybe"));
    assert!(
        err.contains(r#"OS_INSECURE must be true or false, found "maybe""#),
        "{err}"
    );
    let err = load_err(base().var("OS_API_TIMEOUT", "soon"));
    assert!(
        err.contains(r#"OS_API_TIMEOUT must be a number of seconds, found "soon""#),
        "{err}"
    );
    let err = load_err(base().var("OS_API_TIMEOUT", "-1"));
    assert!(
        err.contains("OS_API_TIMEOUT must be a non-negative number of seconds"),
        "{err}"
    );
}

#[test]
fn env_missing_keys_name_the_variables() {
    let err = load_err(env_loader().vars([("OS_USERNAME", "u"), ("OS_PASSWORD", "pw")]));
    assert!(
        err.starts_with("OS_* variables: OS_AUTH_URL is missing"),
        "{err}"
    );

    let err = load_err(env_loader().vars([
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_USER_ID", "u"),
    ]));
    assert!(
        err.contains("OS_PASSWORD is missing (needed for password auth)"),
        "{err}"
    );

    let err = load_err(env_loader().vars([
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_PASSWORD", "pw"),
    ]));
    assert!(
        err.contains("OS_USERNAME or OS_USER_ID is missing (needed for password auth)"),
        "{err}"
    );

    let err = load_err(env_loader().vars([
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_APPLICATION_CREDENTIAL_ID", "a"),
    ]));
    assert!(
        err.contains(
            "OS_APPLICATION_CREDENTIAL_SECRET is missing (needed for application credential auth)"
        ),
        "{err}"
    );

    let err = load_err(env_loader().vars([
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_APPLICATION_CREDENTIAL_NAME", "a"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", "s"),
    ]));
    assert!(
        err.contains(
            "OS_USER_ID or OS_USERNAME is missing (needed with OS_APPLICATION_CREDENTIAL_NAME)"
        ),
        "{err}"
    );

    let err = load_err(env_loader().vars([
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_AUTH_TYPE", "token"),
    ]));
    assert!(
        err.contains("OS_TOKEN is missing (needed for token auth)"),
        "{err}"
    );

    let err = load_err(env_loader().vars([("OS_AUTH_URL", "keystone:5000/v3"), ("OS_TOKEN", "t")]));
    assert!(
        err.contains(r#"OS_AUTH_URL "keystone:5000/v3" must be an http:// or https:// URL"#),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Regions and interface in files
// ---------------------------------------------------------------------------------------------

#[test]
fn regions_names_and_values() {
    let s = Sandbox::with_fixtures("regions");
    // First region by default: a plain name, no values.
    let c = load(s.loader().cloud("multi-region"));
    assert_eq!(c.region_name.as_deref(), Some("RegionOne"));
    assert_eq!(c.interface, Interface::Public);
    assert!(c.endpoint_overrides.is_empty());
    assert_eq!(c.auth.scope, Scope::Unscoped);

    // OS_REGION_NAME picks the second, whose values are merged (auth included).
    let c = load(
        s.loader()
            .cloud("multi-region")
            .var("OS_REGION_NAME", "RegionTwo"),
    );
    assert_eq!(c.region_name.as_deref(), Some("RegionTwo"));
    assert_eq!(c.interface, Interface::Admin);
    assert_eq!(
        c.endpoint_overrides.get("compute").map(String::as_str),
        Some("https://nova.r2.example.com/v2.1")
    );
    assert_eq!(c.auth.scope, project_id("r2-project"));

    // ConfigLoader::region wins over OS_REGION_NAME.
    let c = load(
        s.loader()
            .cloud("multi-region")
            .var("OS_REGION_NAME", "RegionTwo")
            .region("RegionOne"),
    );
    assert_eq!(c.region_name.as_deref(), Some("RegionOne"));

    // A region the cloud does not list.
    let err = load_err(
        s.loader()
            .cloud("multi-region")
            .var("OS_REGION_NAME", "regionone"),
    );
    assert!(
        err.contains(r#"cloud "multi-region": region "regionone" (from OS_REGION_NAME) is not a region of this cloud; its regions are: RegionOne, RegionTwo (names are case sensitive)"#),
        "{err}"
    );

    // A cloud with a single region_name accepts only that one...
    let err = load_err(s.loader().cloud("devstack").region("RegionTwo"));
    assert!(err.contains("its regions are: RegionOne"), "{err}");
    // ...and a cloud without regions takes any.
    let c = load(s.loader().cloud("token").region("Anywhere"));
    assert_eq!(c.region_name.as_deref(), Some("Anywhere"));
    assert_eq!(load(s.loader().cloud("token")).region_name, None);
}

#[test]
fn region_name_lists_and_bad_region_entries() {
    let s = Sandbox::new("regionlist");
    let base = "clouds:\n  c:\n    auth:\n      auth_url: https://k.example.com/v3\n      user_id: u\n      password: p\n";
    s.write(
        "cwd/clouds.yaml",
        &format!("{base}    region_name: R1,R2\n"),
    );
    assert_eq!(
        load(s.loader().cloud("c")).region_name.as_deref(),
        Some("R1")
    );
    assert_eq!(
        load(s.loader().cloud("c").region("R2"))
            .region_name
            .as_deref(),
        Some("R2")
    );

    s.write(
        "cwd/clouds.yaml",
        &format!("{base}    regions:\n      - name: R1\n        value: {{}}\n"),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.contains(r#"regions[0] has an unknown key "value""#),
        "{err}"
    );

    s.write(
        "cwd/clouds.yaml",
        &format!("{base}    regions:\n      - [R1]\n"),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.contains(
            "regions[0] must be a region name or a mapping with `name` and `values`, found a list"
        ),
        "{err}"
    );

    s.write("cwd/clouds.yaml", &format!("{base}    regions: R1\n"));
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.contains("regions must be a list, found a string"),
        "{err}"
    );
}

#[test]
fn interface_in_files() {
    let s = Sandbox::with_fixtures("iface");
    let err = load_err(s.loader().cloud("bad-interface"));
    let file = s.path("cwd/clouds.yaml");
    assert!(
        err.starts_with(&format!(
            "clouds.yaml {}, cloud \"bad-interface\": interface \"publik\" is not an interface (public, internal, admin, or publicURL, internalURL, adminURL)",
            file.display()
        )),
        "{err}"
    );

    let base = "clouds:\n  c:\n    auth:\n      auth_url: https://k.example.com/v3\n      user_id: u\n      password: p\n";
    for (line, want) in [
        ("endpoint_type: internalURL", Interface::Internal),
        ("endpoint-type: adminURL", Interface::Admin),
        ("interface: PUBLIC", Interface::Public),
        (
            "interface: admin\n    endpoint_type: internal",
            Interface::Admin,
        ),
    ] {
        s.write("cwd/clouds.yaml", &format!("{base}    {line}\n"));
        assert_eq!(load(s.loader().cloud("c")).interface, want, "{line}");
    }
}

#[test]
fn tls_timeout_and_overrides_in_files() {
    let s = Sandbox::new("tls");
    let base = "clouds:\n  c:\n    auth:\n      auth_url: https://k.example.com/v3\n      user_id: u\n      password: p\n";
    s.write(
        "cwd/clouds.yaml",
        &format!(
            "{base}    verify: false\n    cert: ~/c.pem\n    key: /k.pem\n    api_timeout: '7'\n"
        ),
    );
    let c = load(s.loader().cloud("c"));
    assert!(!c.verify);
    assert_eq!(c.cert, Some(Path::new(&s.home_dir()).join("c.pem")));
    assert_eq!(c.key, Some(PathBuf::from("/k.pem")));
    assert_eq!(c.api_timeout, Some(Duration::from_secs(7)));

    // insecure wins over verify.
    s.write(
        "cwd/clouds.yaml",
        &format!("{base}    verify: true\n    insecure: true\n"),
    );
    assert!(!load(s.loader().cloud("c")).verify);

    s.write(
        "cwd/clouds.yaml",
        &format!("{base}    verify: /path/ca.pem\n"),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.contains(r#"verify must be true or false, found "/path/ca.pem""#),
        "{err}"
    );

    s.write(
        "cwd/clouds.yaml",
        &format!("{base}    network_endpoint_override: not a url\n"),
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.contains(r#"network_endpoint_override "not a url" is not a valid URL"#),
        "{err}"
    );

    s.write(
        "cwd/clouds.yaml",
        &format!("{base}    object-store_endpoint_override: https://swift.example.com/v1/AUTH_x\n    placement_api_version: 1.6\n    image_api_version: latest\n"),
    );
    let c = load(s.loader().cloud("c"));
    assert_eq!(
        c.endpoint_overrides.get("object-store").map(String::as_str),
        Some("https://swift.example.com/v1/AUTH_x")
    );
    assert_eq!(
        c.api_versions.get("placement").map(String::as_str),
        Some("1.6")
    );
    assert_eq!(
        c.api_versions.get("image").map(String::as_str),
        Some("latest")
    );
}

// ---------------------------------------------------------------------------------------------
// Error messages
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_auth_url_names_file_cloud_key_and_sources() {
    let s = Sandbox::with_fixtures("nourl");
    let err = load_err(s.loader().cloud("no-auth-url"));
    let clouds = s.path("cwd/clouds.yaml");
    assert!(
        err.starts_with(&format!(
            "clouds.yaml {}, cloud \"no-auth-url\": auth.auth_url is missing (sources tried: {} (used), {} (used))",
            clouds.display(),
            clouds.display(),
            s.path("cwd/secure.yaml").display()
        )),
        "{err}"
    );

    // With secure.yaml contributing to the cloud, both files are named.
    s.write(
        "cwd/secure.yaml",
        "clouds:\n  no-auth-url:\n    auth:\n      password: from-secure\n",
    );
    let err = load_err(s.loader().cloud("no-auth-url"));
    assert!(
        err.starts_with(&format!(
            "clouds.yaml {} + secure.yaml {}, cloud \"no-auth-url\": auth.auth_url is missing",
            clouds.display(),
            s.path("cwd/secure.yaml").display()
        )),
        "{err}"
    );
}

#[test]
fn cloud_not_found_lists_the_clouds() {
    let s = Sandbox::with_fixtures("notfound");
    let err = load_err(s.loader().var("OS_CLOUD", "prod"));
    assert!(
        err.contains(r#"cloud "prod" (from OS_CLOUD) is not defined; clouds defined: appcred, appcred-by-name, bad-auth-type, bad-interface, devstack, domain-scoped, multi-region, no-auth-url, old-vendor, secured, shared-domain, system-scoped, token, unscoped, vendor"#),
        "{err}"
    );
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let s = Sandbox::new("badyaml");
    let file = s.write(
        "cwd/clouds.yaml",
        "clouds:\n  c:\n    auth:\n      auth_url: https://k/v3\n     bad: indentation\n",
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.starts_with(&format!("clouds.yaml {}: malformed YAML: ", file.display())),
        "{err}"
    );
    assert!(err.contains("line 5"), "{err}");
    assert!(
        err.contains(&format!("{} (malformed)", file.display())),
        "{err}"
    );

    let file = s.write("cwd/clouds.yaml", "- just\n- a list\n");
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.starts_with(&format!(
            "clouds.yaml {}: the top level must be a mapping (with a `clouds:` key), found a list",
            file.display()
        )),
        "{err}"
    );

    s.remove("cwd/clouds.yaml");
    let file = s.write(
        "cwd/clouds.json",
        "{\n  \"clouds\": {\n    \"c\": {,}\n  }\n}\n",
    );
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.starts_with(&format!("clouds.yaml {}: malformed JSON: ", file.display())),
        "{err}"
    );
    assert!(err.contains("line 3"), "{err}");

    s.remove("cwd/clouds.json");
    let file = s.write("cwd/clouds.yaml", "clouds:\n  - c\n");
    let err = load_err(s.loader().cloud("c"));
    assert!(
        err.starts_with(&format!(
            "clouds.yaml {}: `clouds` must be a mapping of cloud names to settings, found a list",
            file.display()
        )),
        "{err}"
    );
}

#[test]
fn wrong_types_are_named() {
    let s = Sandbox::new("types");
    let cases = [
        ("    auth: [a, b]\n", "auth must be a mapping, found a list"),
        (
            "    auth:\n      auth_url: https://k/v3\n      user_id: [a]\n      password: p\n",
            "auth.user_id must be a string, found a list",
        ),
        (
            "    auth:\n      auth_url: https://k/v3\n      user_id: u\n      password: {a: 1}\n",
            "auth.password must be a string, found a mapping",
        ),
        (
            "    interface: true\n    auth:\n      auth_url: https://k/v3\n      user_id: u\n      password: p\n",
            "interface must be a string, found a boolean",
        ),
        (
            "    api_timeout: [1]\n    auth:\n      auth_url: https://k/v3\n      user_id: u\n      password: p\n",
            "api_timeout must be a number of seconds, found a list",
        ),
        (
            "    compute_api_version: {v: 2}\n    auth:\n      auth_url: https://k/v3\n      user_id: u\n      password: p\n",
            "compute_api_version must be a string, found a mapping",
        ),
        (
            "    profile: [x]\n",
            "profile must be the name of a public cloud, found a list",
        ),
        (
            "    auth_type: 7\n    auth:\n      auth_url: https://k/v3\n",
            r#"auth_type "7" is not supported"#,
        ),
    ];
    for (body, want) in cases {
        s.write("cwd/clouds.yaml", &format!("clouds:\n  c:\n{body}"));
        let err = load_err(s.loader().cloud("c"));
        assert!(err.contains(want), "want {want:?} in {err}");
        assert!(
            err.contains(&format!(
                "clouds.yaml {}, cloud \"c\": ",
                s.path("cwd/clouds.yaml").display()
            )),
            "{err}"
        );
    }
    // Numbers are accepted where text is expected (YAML reads some ids as numbers).
    s.write(
        "cwd/clouds.yaml",
        "clouds:\n  c:\n    auth:\n      auth_url: https://k/v3\n      user_id: 12345\n      password: 678\n      project_id: 42\n",
    );
    let c = load(s.loader().cloud("c"));
    assert_eq!(password_of(&c), (UserRef::Id("12345".into()), "678".into()));
    assert_eq!(c.auth.scope, project_id("42"));
}

// ---------------------------------------------------------------------------------------------
// Secrets never shown
// ---------------------------------------------------------------------------------------------

const SECRET: &str = "Sup3r-S3cret-Value";

fn assert_hidden(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "secret shown in {what}: {text}");
}

#[test]
fn secrets_never_appear_in_debug() {
    let s = Sandbox::new("secrets-debug");
    let variants = [
        format!("user_id: u\npassword: {SECRET}\nproject_id: p"),
        format!("username: u\nuser_domain_id: d\npassword: {SECRET}\ndomain_id: d"),
        format!("user_id: u\npassword: {SECRET}\nsystem_scope: all"),
        format!("token: {SECRET}\nproject_name: p\nproject_domain_name: D"),
        format!("application_credential_id: a\napplication_credential_secret: {SECRET}"),
        format!(
            "application_credential_name: a\nuser_id: u\napplication_credential_secret: {SECRET}"
        ),
    ];
    for auth in &variants {
        s.write("cwd/clouds.yaml", &cloud_with(None, auth));
        let c = load(s.loader().cloud("c"));
        assert_hidden("Debug of CloudConfig", &format!("{c:?}"));
        assert_hidden("Debug of CloudConfig", &format!("{c:#?}"));
        assert_hidden("Debug of Auth", &format!("{:?}", c.auth));
        // …yet the secret is there.
        let exposed = match &c.auth.method {
            AuthMethod::Password { password, .. } => password.expose_secret().to_string(),
            AuthMethod::Token { token } => token.expose_secret().to_string(),
            AuthMethod::ApplicationCredential { secret, .. } => secret.expose_secret().to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(exposed, SECRET);
    }

    // Same from the environment, and the loader's own Debug.
    for (k, auth_type) in [
        ("OS_PASSWORD", "password"),
        ("OS_TOKEN", "token"),
        (
            "OS_APPLICATION_CREDENTIAL_SECRET",
            "v3applicationcredential",
        ),
    ] {
        let l = env_loader().vars([
            ("OS_AUTH_URL", "https://k.example.com/v3"),
            ("OS_USER_ID", "u"),
            ("OS_APPLICATION_CREDENTIAL_ID", "a"),
            ("OS_AUTH_TYPE", auth_type),
            (k, SECRET),
        ]);
        assert_hidden("Debug of ConfigLoader", &format!("{l:?}"));
        let c = load(l);
        assert_hidden("Debug of CloudConfig", &format!("{c:?}"));
    }
}

#[test]
fn secrets_never_appear_in_errors() {
    let s = Sandbox::new("secrets-errors");
    let file_cases = [
        // Missing auth_url with every kind of secret present.
        format!("    auth:\n      user_id: u\n      password: {SECRET}\n"),
        format!("    auth:\n      token: {SECRET}\n"),
        format!(
            "    auth:\n      application_credential_id: a\n      application_credential_secret: {SECRET}\n"
        ),
        // A secret of the wrong type.
        format!(
            "    auth:\n      auth_url: https://k/v3\n      user_id: u\n      password: [{SECRET}]\n"
        ),
        format!("    auth:\n      auth_url: https://k/v3\n      token: {{x: {SECRET}}}\n"),
        // Other errors around secrets.
        format!(
            "    auth_type: bogus\n    auth:\n      auth_url: https://k/v3\n      password: {SECRET}\n"
        ),
        format!(
            "    interface: nope\n    auth:\n      auth_url: https://k/v3\n      user_id: u\n      password: {SECRET}\n"
        ),
        format!(
            "    auth:\n      auth_url: https://k/v3\n      username: u\n      password: {SECRET}\n"
        ),
        format!(
            "    auth:\n      auth_url: https://k/v3\n      user_id: u\n      password: {SECRET}\n      project_id: p\n      system_scope: all\n"
        ),
        // Malformed YAML on the secret's line.
        format!("    auth:\n      password: {SECRET}\n    bad: [\n"),
        format!("    auth:\n      password: \"{SECRET}\n"),
    ];
    for body in &file_cases {
        s.write("cwd/clouds.yaml", &format!("clouds:\n  c:\n{body}"));
        let e = match s.loader().cloud("c").load() {
            Ok(c) => panic!("expected an error for {body:?}, got {c:?}"),
            Err(e) => e,
        };
        assert_hidden("Display of Error", &e.to_string());
        assert_hidden("Debug of Error", &format!("{e:?}"));
    }

    // In secure.yaml, malformed.
    s.write("cwd/clouds.yaml", &one_cloud("c", "x"));
    s.write(
        "cwd/secure.yaml",
        &format!("clouds:\n  c:\n    auth:\n      password: {SECRET}\n   - broken\n"),
    );
    let e = s
        .loader()
        .cloud("c")
        .load()
        .expect_err("malformed secure.yaml is an error");
    assert_hidden("Display of Error", &e.to_string());
    assert_hidden("Debug of Error", &format!("{e:?}"));
    assert!(e.to_string().contains("secure.yaml"), "{e}");

    // Environment.
    let env_cases: [&[(&str, &str)]; 4] = [
        &[("OS_PASSWORD", SECRET), ("OS_USER_ID", "u")],
        &[("OS_TOKEN", SECRET), ("OS_AUTH_URL", "not-a-url")],
        &[
            ("OS_APPLICATION_CREDENTIAL_SECRET", SECRET),
            ("OS_AUTH_URL", "https://k/v3"),
        ],
        &[
            ("OS_PASSWORD", SECRET),
            ("OS_AUTH_URL", "https://k/v3"),
            ("OS_USER_ID", "u"),
            ("OS_INTERFACE", "x"),
        ],
    ];
    for vars in env_cases {
        let e = env_loader()
            .vars(vars.iter().copied())
            .load()
            .expect_err("an error");
        assert_hidden("Display of Error", &e.to_string());
        assert_hidden("Debug of Error", &format!("{e:?}"));
    }
}

#[test]
fn a_bad_compute_microversion_fails_at_load_naming_its_source() {
    let s = Sandbox::new("bad-microversion");
    s.write(
        "cwd/clouds.yaml",
        "clouds:\n  c:\n    auth:\n      auth_url: https://k.example.com/v3\n      user_id: u\n      \
         password: p\n    compute_api_version: banana\n    identity_api_version: 3\n",
    );
    let msg = load_err(s.loader().cloud("c"));
    assert!(
        msg.contains("compute_api_version \"banana\" is not a microversion like 2.79, 2 or latest"),
        "{msg}"
    );
    assert!(msg.contains("clouds.yaml"), "names the file: {msg}");
    // Pins, `latest` and the bare major version load.
    for ok in ["2.79", "latest", "2"] {
        s.write(
            "cwd/clouds.yaml",
            &format!(
                "clouds:\n  c:\n    auth:\n      auth_url: https://k.example.com/v3\n      user_id: u\n      \
                 password: p\n    compute_api_version: {ok}\n"
            ),
        );
        assert_eq!(load(s.loader().cloud("c")).api_versions["compute"], ok);
    }
    let msg = load_err(env_loader().vars([
        ("OS_AUTH_URL", "https://k.example.com/v3"),
        ("OS_USER_ID", "u"),
        ("OS_PASSWORD", "p"),
        ("OS_COMPUTE_API_VERSION", "3.1"),
    ]));
    assert!(
        msg.contains("OS_COMPUTE_API_VERSION \"3.1\" is not a microversion"),
        "{msg}"
    );
}
