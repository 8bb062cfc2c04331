//! [`Client`]: one HTTP connection pool plus [`ClientOptions`].
//!
//! # Pooling contract
//!
//! Every [`Client::new`] builds a **new** connection pool. A pool is never shared between clients built
//! by separate `new` calls, so a connection is never read by two clients. Cloning a `Client` shares its
//! pool (like `reqwest::Client`): clone within one task, call `Client::new` in each task.
//!
//! What *is* shared is the [`Session`] inside the options: the token, the service catalog and the
//! resolved endpoints. A hundred tasks, each with its own client from clones of one `ClientOptions`,
//! make one Keystone request between them.

use std::fmt;
use std::path::PathBuf;

use crate::transport::{Http, HttpSettings};
use std::sync::Arc;
use std::time::Duration;

use crate::auth::Token;
use crate::auth::keystone::{TokenEndpoint, discover_token_endpoint, request_token};
use crate::error::Error;
use crate::request::{Method, RequestBuilder, ServiceType};
use crate::retry::RetryPolicy;
use crate::session::Session;

/// TLS settings of a client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TlsOptions {
    /// PEM file of CA certificates trusted in addition to the built-in roots.
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate for mutual TLS (with [`TlsOptions::client_key`]).
    pub client_cert: Option<PathBuf>,
    /// PEM private key of the client certificate.
    pub client_key: Option<PathBuf>,
    /// Accept any server certificate. Dangerous: only for test clouds.
    pub danger_accept_invalid_certs: bool,
}

/// Options for [`Client::new`]: the shared [`Session`] plus this client's HTTP settings. Cheap to clone.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// use std::time::Duration;
/// use stackclient::{Client, ClientOptions, Session};
/// let opts = ClientOptions::new(Session::new(fake.config()))
///     .timeout(Duration::from_secs(30))
///     .connect_timeout(Duration::from_secs(5))
///     .user_agent("inventory-sync/1.2");
/// let client = Client::new(opts)?;
/// assert_eq!(client.options().user_agent, "inventory-sync/1.2");
/// assert_eq!(client.compute().flavors().list().all().await?.len(), 3);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientOptions {
    /// The shared authentication state.
    pub session: Session,
    /// Whole-request timeout, per attempt (default 60 s, or the config's `api_timeout`).
    pub timeout: Duration,
    /// TCP + TLS connect timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Idle connections kept per host (default 32).
    pub pool_max_idle_per_host: usize,
    /// How long an idle connection is kept before it is closed (default 4 s, see
    /// [`DEFAULT_POOL_IDLE_TIMEOUT`]).
    pub pool_idle_timeout: Duration,
    /// The largest answer body read, in bytes (default 64 MiB, [`DEFAULT_MAX_RESPONSE_BYTES`]). The limit
    /// is enforced while reading: a larger answer fails with [`Error::ResponseTooLarge`] having
    /// buffered at most this much. One page of a listing is one answer.
    pub max_response_bytes: u64,
    /// `User-Agent` (default `stackclient/<version>`).
    pub user_agent: String,
    /// Retry policy for idempotent requests.
    pub retry: RetryPolicy,
    /// TLS settings (default from the config's `cacert`, `cert`, `key`, `verify`).
    pub tls: TlsOptions,
}

/// The default [`ClientOptions::pool_idle_timeout`]: 4 s, below the keep-alive timeouts servers commonly
/// close idle connections at (Apache httpd 5 s — the usual front of Keystone, Nova and Neutron — load
/// balancers 60 s, nginx 75 s), so a connection is seldom reused just as the server closes it. When
/// that still happens, an idempotent request is sent again once on another connection.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);

/// The default [`ClientOptions::max_response_bytes`]: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// The default `User-Agent`: `stackclient/<crate version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("stackclient/", env!("CARGO_PKG_VERSION"));

impl ClientOptions {
    /// Options with defaults, taking timeout and TLS settings from the session's config.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// use std::time::Duration;
    /// use stackclient::{Client, ClientOptions, Session};
    ///
    /// let opts = ClientOptions::new(Session::new(fake.config()))
    ///     .timeout(Duration::from_secs(20))
    ///     .connect_timeout(Duration::from_secs(3))
    ///     .pool_max_idle_per_host(4)
    ///     .user_agent("inventory-sync/1.2");
    /// assert_eq!(opts.timeout, Duration::from_secs(20));
    /// let client = Client::new(opts)?;
    /// client.compute().flavors().list().all().await?;
    /// let last = fake.requests().pop().expect("recorded");
    /// assert_eq!(last.header("user-agent"), Some("inventory-sync/1.2"));
    /// # Ok(()) }
    /// ```
    pub fn new(session: Session) -> Self {
        let cfg = session.config();
        let tls = TlsOptions {
            ca_file: cfg.cacert.clone(),
            client_cert: cfg.cert.clone(),
            client_key: cfg.key.clone(),
            danger_accept_invalid_certs: !cfg.verify,
        };
        let timeout = cfg.api_timeout.unwrap_or(Duration::from_secs(60));
        ClientOptions {
            session,
            timeout,
            connect_timeout: Duration::from_secs(10),
            pool_max_idle_per_host: 32,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            retry: RetryPolicy::default(),
            tls,
        }
    }

    /// Sets the per-attempt request timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the idle connections kept per host.
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_max_idle_per_host = n;
        self
    }

    /// Sets how long idle connections are kept.
    pub fn pool_idle_timeout(mut self, d: Duration) -> Self {
        self.pool_idle_timeout = d;
        self
    }

    /// Sets the largest answer body read, in bytes ([`ClientOptions::max_response_bytes`]).
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the TLS options.
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.tls = tls;
        self
    }

    /// Accept any server certificate (dangerous: only for test clouds).
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.tls.danger_accept_invalid_certs = accept;
        self
    }
}

/// An OpenStack client: one HTTP connection pool and the shared [`Session`].
///
/// `Client` is `Send + Sync + Clone`; clones share the pool. See the [module docs](self) for the pooling
/// contract.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// use stackclient::{Client, ClientOptions, Session};
/// let cfg = fake.config(); // a real cloud: `CloudConfig::load()?` (OS_CLOUD + clouds.yaml, else OS_*)
/// let opts = ClientOptions::new(Session::new(cfg));
/// let client = Client::new(opts.clone())?; // this task's own pool
/// let info = client.authenticate().await?;
/// assert_eq!(info.project_name.as_deref(), Some("admin"));
/// assert!(info.expires_at > chrono::Utc::now());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    http: Http,
    opts: ClientOptions,
}

impl Client {
    /// Builds a client with its **own** connection pool. No I/O happens until the first call.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// use stackclient::{Client, ClientOptions, Session};
    /// let opts = ClientOptions::new(Session::new(fake.config()));
    /// let mut tasks = Vec::new();
    /// for _ in 0..4 {
    ///     let opts = opts.clone(); // cheap: the session is shared
    ///     tasks.push(tokio::spawn(async move {
    ///         let client = Client::new(opts)?; // each task its own pool
    ///         client.network().networks().list().all().await
    ///     }));
    /// }
    /// for task in tasks {
    ///     assert_eq!(task.await.expect("task")?.len(), 2);
    /// }
    /// assert_eq!(fake.token_requests(), 1); // one token for every task
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when a TLS file cannot be read or parsed, or the user agent is not a valid
    /// header value.
    pub fn new(opts: ClientOptions) -> Result<Self, Error> {
        let tls = crate::transport::tls::client_config(&opts.tls)?;
        let settings = HttpSettings {
            timeout: opts.timeout,
            connect_timeout: opts.connect_timeout,
            pool_max_idle_per_host: opts.pool_max_idle_per_host,
            pool_idle_timeout: opts.pool_idle_timeout,
            user_agent: opts.user_agent.clone(),
            max_response_bytes: opts.max_response_bytes,
        };
        let http = Http::new(&settings, tls)?;
        Ok(Client {
            inner: Arc::new(ClientInner { http, opts }),
        })
    }

    /// The shared session.
    pub fn session(&self) -> &Session {
        &self.inner.opts.session
    }

    /// The options this client was built with.
    pub fn options(&self) -> &ClientOptions {
        &self.inner.opts
    }

    /// Makes sure the session has a fresh token (authenticating if needed) and returns what Keystone said
    /// about it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let info = client.authenticate().await?;
    /// assert_eq!((info.user_id.as_str(), info.project_id.as_deref()), (fake.user_id(), Some(fake.project_id())));
    /// assert!(info.roles.iter().any(|r| r == "admin"));
    /// client.authenticate().await?; // still fresh: no second Keystone request
    /// assert_eq!(fake.token_requests(), 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Auth`] with Keystone's message; [`Error::Config`] for a bad `auth_url`; transport errors.
    pub async fn authenticate(&self) -> Result<crate::auth::AuthInfo, Error> {
        Ok(self.token().await?.info.clone())
    }

    /// A raw request through the pipeline (auth, endpoint, microversion, retries, errors) for calls this
    /// crate has not wrapped.
    ///
    /// `path` is relative to the service's **versioned API root**, the same rule for every service: the
    /// catalog endpoint (or `<type>_endpoint_override`) after version discovery, version segment
    /// included — compute `…/v2.1` (plus the project id when the catalog URL has one), network `…/v2.0`,
    /// identity `…/v3`, image `…/v2`; other services use their catalog URL as it is (block-storage
    /// catalogs carry `…/v3/<project>`). So `servers/detail`, not `v2.1/servers/detail`.
    /// [`Client::endpoint_info`] shows the URL in use.
    ///
    /// The path is split on `/` and each segment percent-encoded once (pass names raw:
    /// `os-keypairs/my key`). Query parameters go through [`RequestBuilder::query`]: a path containing
    /// `?` is refused. [`RequestBuilder::microversion`] sends another microversion for this request
    /// only.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::{ApiVersion, Method, ServiceType};
    /// let resp = client
    ///     .request(ServiceType::COMPUTE, Method::Get, "flavors/detail")
    ///     .query("minRam", 1024)
    ///     .microversion(ApiVersion::new(2, 61))
    ///     .send()
    ///     .await?;
    /// assert_eq!(resp.status(), 200);
    /// assert_eq!(resp.header("openstack-api-version"), Some("compute 2.61"));
    /// let body: serde_json::Value = resp.json()?;
    /// assert_eq!(body["flavors"][0]["name"], "m1.small"); // the only flavor with 1 GiB or more
    /// # Ok(()) }
    /// ```
    pub fn request(
        &self,
        service: impl Into<ServiceType>,
        method: Method,
        path: &str,
    ) -> RequestBuilder {
        RequestBuilder::new(self.clone(), service.into(), method, path)
    }

    pub(crate) fn http(&self) -> &Http {
        &self.inner.http
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.opts.retry
    }

    async fn fetch_token(&self) -> Result<crate::auth::token_cache::FetchedToken, Error> {
        let inner = &self.session().inner;
        let cached = match inner.token_url.lock() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        // The token URL: discovered from Keystone's version document once per session (when the
        // auth_url has no version), then the one a login succeeded with.
        let endpoint = match cached {
            Some(url) => TokenEndpoint {
                url,
                fallback: None,
            },
            None => {
                discover_token_endpoint(
                    self.http(),
                    self.retry_policy(),
                    inner.config.auth.auth_url.expose_raw(),
                )
                .await?
            }
        };
        inner
            .auth_requests
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let result =
            request_token(self.http(), self.retry_policy(), &inner.config, &endpoint).await;
        if result.is_ok() {
            match inner.token_url.lock() {
                Ok(mut g) => *g = Some(endpoint.url.clone()),
                Err(poisoned) => *poisoned.into_inner() = Some(endpoint.url.clone()),
            }
        }
        // A failing Keystone may echo the token being replaced: keep it out of the error.
        match (result, inner.tokens.peek()) {
            (
                Err(Error::Auth {
                    status,
                    url,
                    message,
                    request_id,
                }),
                Some(old),
            ) => {
                use secrecy::ExposeSecret;
                let message = message.replace(old.secret.expose_secret(), "[REDACTED]");
                Err(Error::Auth {
                    status,
                    url,
                    message,
                    request_id,
                })
            }
            (result, _) => result,
        }
    }

    pub(crate) async fn token(&self) -> Result<Arc<Token>, Error> {
        self.session().inner.tokens.get(|| self.fetch_token()).await
    }

    pub(crate) async fn reauthenticate(
        &self,
        rejected_generation: u64,
    ) -> Result<Arc<Token>, Error> {
        self.session()
            .inner
            .tokens
            .refresh_after_rejection(rejected_generation, || self.fetch_token())
            .await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("options", &self.inner.opts)
            .finish_non_exhaustive()
    }
}
