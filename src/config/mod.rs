//! Cloud configuration: what to authenticate with and where.
//!
//! [`CloudConfig`] is data only. It is read the way openstacksdk reads it:
//!
//! 1. a named cloud (the argument, else `OS_CLOUD`) from the first `clouds.yaml` found in
//!    `OS_CLIENT_CONFIG_FILE`, `./`, `$XDG_CONFIG_HOME/openstack/` and `~/.config/openstack/`,
//!    `/etc/openstack/` (`.yaml`, `.yml`, then `.json`), with `secure.yaml` (or
//!    `OS_CLIENT_SECURE_FILE`) merged over it and a `profile:` from `clouds-public.yaml` merged under it;
//! 2. otherwise the `OS_*` variables (`OS_AUTH_URL`, `OS_USERNAME`, `OS_PASSWORD`, …).
//!
//! Loaders take injected variables and paths ([`ConfigLoader`]), so tests never touch the process
//! environment. Passwords, application credential secrets and tokens are [`SecretString`]s: they never
//! appear in `Debug`, `Display`, logs or errors.

mod clouds_yaml;
mod env;
mod loader;

pub use loader::ConfigLoader;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub use secrecy::SecretString;

use crate::error::Error;

/// Everything needed to authenticate against one cloud and pick its endpoints.
///
/// Build it with [`CloudConfig::load`] (process environment and standard paths), with a
/// [`ConfigLoader`] (injected variables and paths), or field by field with [`CloudConfig::new`]:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// use stackclient::{
///     Auth, AuthMethod, Client, ClientOptions, CloudConfig, DomainRef, Interface, ProjectRef, Scope,
///     SecretString, Session, UserRef,
/// };
///
/// let method = AuthMethod::Password {
///     user: UserRef::Name { name: "admin".into(), domain: DomainRef::Id("default".into()) },
///     password: SecretString::from("secret"),
/// };
/// let scope = Scope::Project(ProjectRef::Name { name: "admin".into(), domain: DomainRef::Id("default".into()) });
/// let config = CloudConfig::new(Auth::new(format!("{}/v3", fake.auth_url()), method, scope))
///     .with_region("RegionOne")
///     .with_interface(Interface::Internal)
///     .with_api_version("compute", "2.79");
/// let client = Client::new(ClientOptions::new(Session::new(config)))?;
/// let compute = client.endpoint_info("compute").await?;
/// assert_eq!(compute.microversion.map(|v| v.to_string()).as_deref(), Some("2.79"));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CloudConfig {
    /// The cloud's name in `clouds.yaml`, if it came from one.
    pub name: Option<String>,
    /// Keystone URL, credentials and scope.
    pub auth: Auth,
    /// Region to pick endpoints in (`region_name`, `OS_REGION_NAME`); `None` takes any region.
    pub region_name: Option<String>,
    /// Endpoint interface to use from the service catalog (`interface`, `OS_INTERFACE`). Default public.
    pub interface: Interface,
    /// Verify TLS certificates (`verify`, inverse of `OS_INSECURE`). Default `true`.
    pub verify: bool,
    /// CA bundle (PEM) to trust in addition to the system roots (`cacert`, `OS_CACERT`).
    pub cacert: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS (`cert`, `OS_CERT`).
    pub cert: Option<PathBuf>,
    /// Client private key (PEM) for mutual TLS (`key`, `OS_KEY`).
    pub key: Option<PathBuf>,
    /// Per-request timeout (`api_timeout`, seconds in the file).
    pub api_timeout: Option<Duration>,
    /// Endpoint overrides by service type (`<service>_endpoint_override`, e.g. `compute` →
    /// `https://nova.example.com/v2.1`). Keys use the service type with `-` (e.g. `block-storage`).
    pub endpoint_overrides: BTreeMap<String, String>,
    /// API versions by service type (`<service>_api_version`, `OS_COMPUTE_API_VERSION`); for compute
    /// this is the microversion to pin (e.g. `2.79`), `latest` means negotiate.
    pub api_versions: BTreeMap<String, String>,
}

impl CloudConfig {
    /// A config with the given auth and every other setting at its default
    /// (public interface, any region, TLS verification on).
    pub fn new(auth: Auth) -> Self {
        CloudConfig {
            name: None,
            auth,
            region_name: None,
            interface: Interface::Public,
            verify: true,
            cacert: None,
            cert: None,
            key: None,
            api_timeout: None,
            endpoint_overrides: BTreeMap::new(),
            api_versions: BTreeMap::new(),
        }
    }

    /// Loads the configuration from the process environment and the standard paths: the cloud named by
    /// `OS_CLOUD` from `clouds.yaml`, else the `OS_*` variables.
    ///
    /// # Errors
    /// [`Error::Config`] naming every source tried and the key at fault.
    pub fn load() -> Result<Self, Error> {
        ConfigLoader::from_process().load()
    }

    /// Loads the named cloud from `clouds.yaml` (process environment and standard paths).
    ///
    /// # Errors
    /// [`Error::Config`] when no file has that cloud, naming the files tried, or a key is malformed.
    pub fn load_cloud(name: &str) -> Result<Self, Error> {
        ConfigLoader::from_process().cloud(name).load()
    }

    /// Sets the region (builder style).
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region_name = Some(region.into());
        self
    }

    /// Sets the interface (builder style).
    pub fn with_interface(mut self, interface: Interface) -> Self {
        self.interface = interface;
        self
    }

    /// Sets an endpoint override for a service type (builder style), e.g. `("compute", url)`.
    pub fn with_endpoint_override(mut self, service_type: &str, url: impl Into<String>) -> Self {
        self.endpoint_overrides
            .insert(service_type.to_string(), url.into());
        self
    }

    /// Sets the API version / microversion for a service type (builder style), e.g. `("compute", "2.79")`.
    pub fn with_api_version(mut self, service_type: &str, version: impl Into<String>) -> Self {
        self.api_versions
            .insert(service_type.to_string(), version.into());
        self
    }
}

/// A Keystone URL as configured, which may carry credentials (`https://user:password@host/v3`).
///
/// `Display` and `Debug` show it redacted (`https://[REDACTED]@host/v3`), so printing a config, an
/// error or a log field never shows the credentials; the URL as configured is only available through
/// [`AuthUrl::expose_raw`]. Comparing with a string compares the URL as configured.
///
/// ```
/// use stackclient::AuthUrl;
/// let url = AuthUrl::new("http://admin:pw@keystone.example.com:5000/v3");
/// assert_eq!(url.to_string(), "http://[REDACTED]@keystone.example.com:5000/v3");
/// assert_eq!(format!("{url:?}"), r#"AuthUrl("http://[REDACTED]@keystone.example.com:5000/v3")"#);
/// assert_eq!(url.expose_raw(), "http://admin:pw@keystone.example.com:5000/v3");
/// assert!(url.has_userinfo());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AuthUrl(String);

impl AuthUrl {
    /// Wraps a URL as configured (it is checked when used: [`Error::Config`] for one that is not an
    /// http(s) URL).
    pub fn new(url: impl Into<String>) -> Self {
        AuthUrl(url.into())
    }

    /// The URL exactly as configured, credentials included: for building requests, never for showing.
    pub fn expose_raw(&self) -> &str {
        &self.0
    }

    /// The URL with any `user:password@` replaced by `[REDACTED]@` (what `Display` shows).
    pub fn redacted(&self) -> String {
        crate::error::redact_userinfo(&self.0)
    }

    /// `true` when the URL carries a `user[:password]@` part.
    pub fn has_userinfo(&self) -> bool {
        crate::error::redact_userinfo(&self.0) != self.0
    }
}

impl fmt::Display for AuthUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for AuthUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AuthUrl").field(&self.redacted()).finish()
    }
}

impl From<String> for AuthUrl {
    fn from(url: String) -> Self {
        AuthUrl(url)
    }
}

impl From<&str> for AuthUrl {
    fn from(url: &str) -> Self {
        AuthUrl(url.to_string())
    }
}

impl From<&String> for AuthUrl {
    fn from(url: &String) -> Self {
        AuthUrl(url.clone())
    }
}

impl PartialEq<str> for AuthUrl {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for AuthUrl {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for AuthUrl {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

/// Keystone URL, credentials and scope (`auth:` block, `auth_type`). `Debug` redacts the secrets and
/// any `user:password@` in `auth_url`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Auth {
    /// Keystone URL as configured: with or without `/v3`, with or without a trailing slash, possibly with
    /// a path prefix (e.g. `https://cloud.example.com/identity`). Shown redacted (see [`AuthUrl`]).
    pub auth_url: AuthUrl,
    /// How to prove who we are.
    pub method: AuthMethod,
    /// What the token is for.
    pub scope: Scope,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("auth_url", &self.auth_url)
            .field("method", &self.method)
            .field("scope", &self.scope)
            .finish()
    }
}

impl Auth {
    /// Builds an auth block (`auth_url`: a `String`, a `&str` or an [`AuthUrl`]).
    pub fn new(auth_url: impl Into<AuthUrl>, method: AuthMethod, scope: Scope) -> Self {
        Auth {
            auth_url: auth_url.into(),
            method,
            scope,
        }
    }
}

/// Keystone v3 authentication method (`auth_type`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum AuthMethod {
    /// `password` / `v3password`.
    Password {
        /// The user, by id or by name + domain.
        user: UserRef,
        /// The password.
        password: SecretString,
    },
    /// `token` / `v3token`: an existing token, exchanged for a (re-)scoped one.
    Token {
        /// The token.
        token: SecretString,
    },
    /// `v3applicationcredential`. Never sent with a scope: the credential carries its own.
    ApplicationCredential {
        /// The credential, by id or by name + user.
        credential: AppCredentialRef,
        /// The credential's secret.
        secret: SecretString,
    },
}

/// A user, by id or by name within a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserRef {
    /// `user_id`.
    Id(String),
    /// `username` + `user_domain_name` / `user_domain_id`.
    Name {
        /// User name.
        name: String,
        /// The user's domain.
        domain: DomainRef,
    },
}

/// A domain, by id or by name.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DomainRef {
    /// Domain id, e.g. `default`.
    Id(String),
    /// Domain name, e.g. `Default`.
    Name(String),
}

/// An application credential, by id or by name + owning user.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppCredentialRef {
    /// `application_credential_id`.
    Id(String),
    /// `application_credential_name` + the owning user.
    Name {
        /// Credential name.
        name: String,
        /// The user that owns it.
        user: UserRef,
    },
}

/// A project, by id or by name within a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProjectRef {
    /// `project_id` (or the old `tenant_id`).
    Id(String),
    /// `project_name` + `project_domain_name` / `project_domain_id`.
    Name {
        /// Project name.
        name: String,
        /// The project's domain.
        domain: DomainRef,
    },
}

/// What a token is scoped to.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Scope {
    /// No scope: the token has no service catalog.
    #[default]
    Unscoped,
    /// A project.
    Project(ProjectRef),
    /// A domain (`domain_id` / `domain_name`).
    Domain(DomainRef),
    /// The whole deployment (`system_scope: all`).
    System,
}

/// Endpoint interface in the service catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Interface {
    /// `public` / `publicURL`.
    #[default]
    Public,
    /// `internal` / `internalURL`.
    Internal,
    /// `admin` / `adminURL`.
    Admin,
}

impl Interface {
    /// The catalog's spelling: `public`, `internal`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Interface::Public => "public",
            Interface::Internal => "internal",
            Interface::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Interface {
    type Err = Error;

    /// Accepts `public`, `publicURL`, `internal`, `internalURL`, `admin`, `adminURL` (any case).
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "public" | "publicurl" => Ok(Interface::Public),
            "internal" | "internalurl" => Ok(Interface::Internal),
            "admin" | "adminurl" => Ok(Interface::Admin),
            _ => Err(Error::Config(format!(
                "interface {s:?} is not one of public, publicURL, internal, internalURL, admin, adminURL"
            ))),
        }
    }
}

impl fmt::Display for Interface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
