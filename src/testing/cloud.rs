//! [`FakeCloud`]: the running server and what tests can ask of it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::builder::FakeCloudBuilder;
use super::fault::InjectedFault;
use super::ids;
use super::projects::{self, FakeProject};
use super::record::RequestRecord;
use super::seed::{
    self, FakeFlavor, FakeImage, FakeKeypair, FakeNetwork, FakeServer, SeedError, SeededNetwork,
    Seeds,
};
use super::server;
use super::state::{Settings, Shared, Token};
use crate::client::{Client, ClientOptions};
use crate::config::{
    AppCredentialRef, Auth, AuthMethod, CloudConfig, DomainRef, ProjectRef, Scope, SecretString,
    UserRef,
};
use crate::session::Session;

/// An in-process OpenStack cloud (Keystone v3, Nova v2.1, Neutron v2.0, Glance v2) on `127.0.0.1`, for
/// examples and tests. See the [module documentation](super) for what it serves.
///
/// Dropping it stops the server and closes its connections.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stackclient::testing::FakeCloud;
///
/// let fake = FakeCloud::start().await?;
/// assert!(fake.url().starts_with("http://127.0.0.1:"));
/// assert_eq!(fake.compute_url(), format!("{}/compute/v2.1", fake.url()));
/// let client = fake.client()?;
/// let networks = client.network().networks().list().all().await?;
/// assert_eq!(networks.len(), 2); // public and private
/// drop(fake); // stops serving
/// assert!(client.compute().servers().list().all().await.is_err());
/// # Ok(())
/// # }
/// ```
pub struct FakeCloud {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for FakeCloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCloud")
            .field("url", &self.shared.base)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeCloud {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeCloud {
    /// The id of the seeded public image `cirros-0.6.2-x86_64-disk` (the newest active image),
    /// which servers can boot from. The fake Glance serves it at
    /// `GET /image/v2/images/{IMAGE_ID}`; see [`image_id`](Self::image_id) for the others.
    pub const IMAGE_ID: &'static str = super::glance::images::CIRROS_ID;

    /// A builder to change the defaults before starting.
    pub fn builder() -> FakeCloudBuilder {
        FakeCloudBuilder::default()
    }

    /// Starts a fake cloud with the defaults: user `admin` / password `secret`, project `admin`,
    /// domain `Default` (id `default`), tokens valid one hour, builds taking 300 ms, the
    /// flavors, images and networks of the [module docs](super#seeding), on a free port.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::FakeCloud;
    ///
    /// let fake = FakeCloud::start().await?;
    /// assert_eq!((fake.username(), fake.password(), fake.project_name()), ("admin", "secret", "admin"));
    /// assert_eq!(fake.flavor_id("m1.tiny").as_deref(), Some("1"));
    /// assert!(fake.network_id("private").is_some());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// When the listener cannot be bound.
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub async fn start() -> std::io::Result<FakeCloud> {
        FakeCloud::builder().start().await
    }

    pub(crate) async fn launch(settings: Settings, seeds: &Seeds) -> std::io::Result<FakeCloud> {
        let listener = TcpListener::bind(("127.0.0.1", settings.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(format!("http://{addr}"), settings));
        seeds.apply(&shared)?;
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(FakeCloud { addr, shared, task })
    }

    /// The socket address served, `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        self.shared.base.clone()
    }

    /// Keystone's URL as a `clouds.yaml` would give it, `http://127.0.0.1:PORT/identity`.
    pub fn auth_url(&self) -> String {
        self.shared.identity_url()
    }

    /// The compute endpoint in the catalog, `http://127.0.0.1:PORT/compute/v2.1`.
    pub fn compute_url(&self) -> String {
        format!("{}/compute/v2.1", self.shared.base)
    }

    /// The network endpoint in the catalog, `http://127.0.0.1:PORT/network`.
    pub fn network_url(&self) -> String {
        format!("{}/network", self.shared.base)
    }

    /// The image endpoint in the catalog (Glance's root), `http://127.0.0.1:PORT/image`; the API
    /// is under `/image/v2`.
    pub fn image_url(&self) -> String {
        format!("{}/image", self.shared.base)
    }

    /// Password auth scoped to the project by name, user and project in domain `Default`, region
    /// `RegionOne`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::FakeCloud;
    /// use stackclient::{Client, ClientOptions, Session};
    ///
    /// let fake = FakeCloud::start().await?;
    /// let config = fake.config();
    /// assert_eq!(config.auth.auth_url.to_string(), fake.auth_url());
    /// let client = Client::new(ClientOptions::new(Session::new(config)))?;
    /// assert_eq!(client.authenticate().await?.user_id, fake.user_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn config(&self) -> CloudConfig {
        let settings = &self.shared.settings;
        self.password_config(
            &settings.username,
            settings.password.clone(),
            settings.project.clone(),
        )
    }

    /// Password auth for `username` in domain `Default`, scoped to `project` by name.
    fn password_config(&self, username: &str, password: String, project: String) -> CloudConfig {
        let domain = || DomainRef::Name(self.shared.identity.domain_name.to_string());
        let method = AuthMethod::Password {
            user: UserRef::Name {
                name: username.to_string(),
                domain: domain(),
            },
            password: SecretString::from(password),
        };
        let scope = Scope::Project(ProjectRef::Name {
            name: project,
            domain: domain(),
        });
        CloudConfig::new(Auth::new(self.auth_url(), method, scope)).with_region("RegionOne")
    }

    /// [`ClientOptions`] for this cloud: a new [`Session`] on [`config`](Self::config), the
    /// SDK's defaults otherwise. Clone it for more clients sharing the token, or change it
    /// (`fake.options().timeout(...)`) before [`Client::new`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::Client;
    /// use stackclient::testing::FakeCloud;
    ///
    /// let fake = FakeCloud::start().await?;
    /// let opts = fake.options();
    /// let (a, b) = (Client::new(opts.clone())?, Client::new(opts)?); // two pools, one session
    /// a.compute().flavors().list().all().await?;
    /// b.network().networks().list().all().await?;
    /// assert_eq!(fake.token_requests(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn options(&self) -> ClientOptions {
        ClientOptions::new(Session::new(self.config()))
    }

    /// A [`Client`] for this cloud, on [`options`](Self::options) (its own session: each call
    /// authenticates once more).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::FakeCloud;
    ///
    /// let fake = FakeCloud::start().await?;
    /// let client = fake.client()?;
    /// let info = client.authenticate().await?;
    /// assert_eq!(info.project_id.as_deref(), Some(fake.project_id()));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`Client::new`] (the TLS setup; the fake itself is plain HTTP).
    pub fn client(&self) -> crate::Result<Client> {
        Client::new(self.options())
    }

    /// A `clouds.yaml` naming this cloud `cloud` (password auth as [`config`](Self::config),
    /// `auth_url` `http://127.0.0.1:PORT/identity/v3`, region `RegionOne`, interface `public`),
    /// for other processes: the openstack CLI, openstacksdk, or this crate's
    /// [`CloudConfig::load`](crate::CloudConfig::load) with `OS_CLIENT_CONFIG_FILE` and
    /// `OS_CLOUD`. See `examples/fakecloud.rs`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::FakeCloud;
    /// use stackclient::ConfigLoader;
    ///
    /// let fake = FakeCloud::start().await?;
    /// let yaml = fake.clouds_yaml("fakecloud");
    /// assert!(yaml.contains(&format!("auth_url: {}/v3", fake.auth_url())));
    /// # let _ = ConfigLoader::new;
    /// # Ok(())
    /// # }
    /// ```
    pub fn clouds_yaml(&self, cloud: &str) -> String {
        let settings = &self.shared.settings;
        let entry = self.clouds_yaml_entry(
            cloud,
            &settings.username,
            &settings.password,
            &settings.project,
        );
        format!("{}{entry}", self.clouds_yaml_head())
    }

    /// A `clouds.yaml` with one cloud per `(cloud name, user name)` pair, each as
    /// [`clouds_yaml`](Self::clouds_yaml) writes it but as that user in its project, e.g. the
    /// fake's admin and a member of a [`FakeProject`] side by side, as devstack's `admin` and
    /// `demo` clouds are.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::{FakeCloud, FakeProject};
    ///
    /// let fake = FakeCloud::builder()
    ///     .with_project(FakeProject::new("demo").user("demo", "demo-pw"))
    ///     .start()
    ///     .await?;
    /// let yaml = fake.clouds_yaml_for(&[("fakecloud", "admin"), ("fakecloud-demo", "demo")])?;
    /// assert!(yaml.contains("\"fakecloud-demo\":\n    auth:"));
    /// assert!(yaml.contains("username: \"demo\"\n      password: \"demo-pw\"\n      project_name: \"demo\""));
    /// assert_eq!(fake.clouds_yaml_for(&[("x", "nobody")]).unwrap_err().status, 404);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// 404 `Could not find user: {name}.` for a user the fake does not have.
    pub fn clouds_yaml_for(&self, clouds: &[(&str, &str)]) -> Result<String, SeedError> {
        let mut out = self.clouds_yaml_head();
        for (cloud, username) in clouds {
            let (password, project) = self.credentials_of(username)?;
            out.push_str(&self.clouds_yaml_entry(cloud, username, &password, &project));
        }
        Ok(out)
    }

    fn clouds_yaml_head(&self) -> String {
        format!(
            "# The stackclient fake cloud at {} (examples/fakecloud.rs).\nclouds:\n",
            self.shared.base
        )
    }

    fn clouds_yaml_entry(&self, cloud: &str, user: &str, password: &str, project: &str) -> String {
        let quote = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        format!(
            "  {cloud}:\n    auth:\n      auth_url: {auth}/v3\n      \
             username: {user}\n      password: {password}\n      project_name: {project}\n      \
             user_domain_name: Default\n      project_domain_name: Default\n    \
             region_name: RegionOne\n    interface: public\n    identity_api_version: 3\n",
            cloud = quote(cloud),
            auth = self.auth_url(),
            user = quote(user),
            password = quote(password),
            project = quote(project),
        )
    }

    /// The password and project name of the user named `username`.
    fn credentials_of(&self, username: &str) -> Result<(String, String), SeedError> {
        let state = self.shared.lock();
        let Some(user) = state.users.iter().find(|u| u.name == username) else {
            return Err(SeedError::new(
                404,
                format!("Could not find user: {username}."),
            ));
        };
        let project = state
            .projects
            .iter()
            .find(|p| p.id == user.project_id)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        Ok((user.password.clone(), project))
    }

    /// Application credential auth (by id, with its secret; no scope, the credential carries the
    /// project), region `RegionOne`.
    pub fn app_credential_config(&self) -> CloudConfig {
        let identity = &self.shared.identity;
        let method = AuthMethod::ApplicationCredential {
            credential: AppCredentialRef::Id(identity.app_cred_id.clone()),
            secret: SecretString::from(identity.app_cred_secret.clone()),
        };
        CloudConfig::new(Auth::new(self.auth_url(), method, Scope::Unscoped))
            .with_region("RegionOne")
    }

    /// The application credential's id.
    pub fn app_credential_id(&self) -> &str {
        &self.shared.identity.app_cred_id
    }

    /// The application credential's name (owned by the user), `stackclient-fake`.
    pub fn app_credential_name(&self) -> &str {
        self.shared.identity.app_cred_name
    }

    /// The application credential's secret.
    pub fn app_credential_secret(&self) -> &str {
        &self.shared.identity.app_cred_secret
    }

    /// The user's name.
    pub fn username(&self) -> &str {
        &self.shared.settings.username
    }

    /// The user's password.
    pub fn password(&self) -> &str {
        &self.shared.settings.password
    }

    /// The user's id (32 hex characters).
    pub fn user_id(&self) -> &str {
        &self.shared.identity.user_id
    }

    /// The project's name.
    pub fn project_name(&self) -> &str {
        &self.shared.settings.project
    }

    /// The project's id (32 hex characters), also `tenant_id`/`project_id` of its resources.
    pub fn project_id(&self) -> &str {
        &self.shared.identity.project_id
    }

    /// How many `POST /identity/v3/auth/tokens` requests arrived, successful or not.
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::SeqCst)
    }

    /// Every request received so far, oldest first (the most recent 10 000), with what was
    /// answered; see [`RequestRecord`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::FakeCloud;
    ///
    /// let fake = FakeCloud::start().await?;
    /// let client = fake.client()?;
    /// client.authenticate().await?;
    /// fake.clear_requests();
    /// client.network().networks().get_opt("no-such-network").await?;
    /// let log = fake.requests();
    /// assert_eq!(log.len(), 2); // Neutron's version document, then the network
    /// assert_eq!(log[1].path, "/network/v2.0/networks/no-such-network");
    /// assert_eq!((log[1].status, log[1].authenticated), (404, true));
    /// assert_eq!(fake.token_requests(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().log.iter().cloned().collect()
    }

    /// Forgets the request log (not the token request count).
    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }

    /// Revokes every token issued so far: requests carrying them answer 401 from now on (with
    /// Keystone's body and `WWW-Authenticate`), as after a revocation or a Keystone restart
    /// with new keys.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::FakeCloud;
    ///
    /// let fake = FakeCloud::start().await?;
    /// let client = fake.client()?;
    /// client.compute().flavors().list().all().await?;
    /// fake.expire_tokens();
    /// // The 401 makes the client log in again once and replay the request.
    /// client.compute().flavors().list().all().await?;
    /// assert_eq!(fake.token_requests(), 2);
    /// let replayed: Vec<u16> = fake
    ///     .requests()
    ///     .iter()
    ///     .filter(|r| r.path == "/compute/v2.1/flavors/detail")
    ///     .map(|r| r.status)
    ///     .collect();
    /// assert_eq!(replayed, [200, 401, 200]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn expire_tokens(&self) {
        self.shared.lock().tokens.clear();
    }

    /// Issues a project-scoped token directly (not counted in [`token_requests`](Self::token_requests)),
    /// for tests that want to skip authentication.
    pub fn issue_token(&self) -> String {
        let token = Token::new(
            self.shared.settings.token_lifetime,
            vec!["password"],
            self.shared.primary_caller(),
            false,
        );
        let id = ids::fernet_token();
        self.shared.lock().tokens.insert(id.clone(), token);
        id
    }

    /// Answers the next `n` requests (any path) with `status` and a service-shaped fault body:
    /// `inject_fault(InjectedFault::new(status).times(n))`. Mind the order: the count comes first.
    ///
    /// # Panics
    ///
    /// When `status` is not an HTTP status code (100–599), e.g. when the arguments are swapped.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::compute::CreateServer;
    /// use stackclient::testing::FakeCloud;
    ///
    /// let fake = FakeCloud::start().await?;
    /// let client = fake.client()?;
    /// client.compute().flavors().list().all().await?; // logs in, discovers Nova
    /// fake.fail_next(1, 500);
    /// let request = CreateServer::new("web-1", "1").image(FakeCloud::IMAGE_ID).networks_none();
    /// let err = client.compute().servers().create(&request).await.unwrap_err(); // a POST: not retried
    /// assert_eq!(err.status(), Some(500));
    /// assert_eq!((fake.pending_faults(), fake.server_count()), (0, 0));
    /// # Ok(())
    /// # }
    /// ```
    pub fn fail_next(&self, n: usize, status: u16) {
        self.inject_fault(InjectedFault::new(status).times(n));
    }

    /// Queues a fault: the next matching requests fail, wait, or lose their connection; see
    /// [`InjectedFault`].
    pub fn inject_fault(&self, fault: InjectedFault) {
        if fault.remaining > 0 {
            self.shared.lock().faults.push(fault);
        }
    }

    /// Drops every queued fault that has not been used up.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// How many requests the queued faults will still take, in all.
    pub fn pending_faults(&self) -> usize {
        self.shared
            .lock()
            .faults
            .iter()
            .map(|f| f.remaining)
            .fold(0, usize::saturating_add)
    }

    /// Adds a project and its users (all or nothing); returns the project's id. See
    /// [`FakeProject`] for what each project then sees.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::{FakeCloud, FakeProject, FakeServer};
    ///
    /// let fake = FakeCloud::start().await?;
    /// let id = fake.add_project(FakeProject::new("ops").user("olga", "pw").admin_user("root", "pw2"))?;
    /// assert_eq!(fake.project_id_of("ops").as_deref(), Some(id.as_str()));
    /// fake.add_server(FakeServer::new("ops-vm").project("ops"))?;
    ///
    /// // The admin lists its own project's servers, or with `all_tenants` every project's.
    /// let admin = fake.client()?;
    /// assert!(admin.compute().servers().list().all().await?.is_empty());
    /// let all = admin.compute().servers().list().all_tenants(true).all().await?;
    /// assert_eq!(all[0].tenant_id.as_deref(), Some(id.as_str()));
    /// assert_eq!(all[0].user_id, fake.user_id_of("olga"));
    ///
    /// let err = fake.add_project(FakeProject::new("ops")).unwrap_err();
    /// assert_eq!(err.status, 409);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// Keystone's 409 when the project name or id, or a user name, is taken; 400 for an empty
    /// name or id, or one longer than 64 characters.
    pub fn add_project(&self, project: FakeProject) -> Result<String, SeedError> {
        projects::add_project(&self.shared, &project)
    }

    /// The id of the project named `name` (the fake's own or an added one).
    pub fn project_id_of(&self, name: &str) -> Option<String> {
        let state = self.shared.lock();
        state
            .projects
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.id.clone())
    }

    /// The id of the user named `name` (the fake's own or a [`FakeProject`]'s).
    pub fn user_id_of(&self, name: &str) -> Option<String> {
        let state = self.shared.lock();
        state
            .users
            .iter()
            .find(|u| u.name == name)
            .map(|u| u.id.clone())
    }

    /// Password auth as the user named `username`, scoped to its project by name (like
    /// [`config`](Self::config) for the fake's own user), region `RegionOne`.
    ///
    /// # Errors
    /// 404 `Could not find user: {username}.` when there is no such user.
    pub fn config_as(&self, username: &str) -> Result<CloudConfig, SeedError> {
        let (password, project) = self.credentials_of(username)?;
        Ok(self.password_config(username, password, project))
    }

    /// [`ClientOptions`] on a new [`Session`] for [`config_as`](Self::config_as).
    ///
    /// # Errors
    /// As [`config_as`](Self::config_as).
    pub fn options_as(&self, username: &str) -> Result<ClientOptions, SeedError> {
        Ok(ClientOptions::new(Session::new(self.config_as(username)?)))
    }

    /// A [`Client`] authenticating as the user named `username` (see
    /// [`config_as`](Self::config_as)), for tests of what one project sees of another's.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) when there is no such user; else as
    /// [`Client::new`].
    pub fn client_as(&self, username: &str) -> crate::Result<Client> {
        let options = self
            .options_as(username)
            .map_err(|e| crate::Error::Config(e.message))?;
        Client::new(options)
    }

    /// Adds a flavor; returns its id. See [`FakeFlavor`].
    ///
    /// # Errors
    /// Nova's 409 when the id or the name is taken; 400 for an empty id or name.
    pub fn add_flavor(&self, flavor: FakeFlavor) -> Result<String, SeedError> {
        seed::add_flavor(&self.shared, &flavor)
    }

    /// Adds an image to the fake Glance; returns its id. See [`FakeImage`].
    ///
    /// # Errors
    /// 409 when the id is taken; 400 for an id that is not a UUID or an unknown visibility.
    pub fn add_image(&self, image: FakeImage) -> Result<String, SeedError> {
        seed::add_image(&self.shared, &image)
    }

    /// Adds a network and its subnets (all or nothing); returns their ids. See [`FakeNetwork`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::{FakeCloud, FakeNetwork, FakeServer, FakeSubnet};
    ///
    /// let fake = FakeCloud::builder().seed_networks(false).start().await?;
    /// let net = fake.add_network(
    ///     FakeNetwork::new("db").with_subnet(FakeSubnet::new("192.168.50.0/24").gateway_ip("192.168.50.254")),
    /// )?;
    /// let server = fake.add_server(FakeServer::new("db-1").network(&net.id))?;
    /// let server = fake.client()?.compute().servers().get(&server).await?;
    /// assert_eq!(server.addresses["db"][0].addr, "192.168.50.1");
    ///
    /// let err = fake.add_network(FakeNetwork::new("bad").subnet("10.0.0.0/33")).unwrap_err();
    /// assert_eq!(err.status, 400);
    /// assert_eq!(fake.network_id("bad"), None); // nothing kept
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// Neutron's 400 for a bad CIDR or gateway; 409 when an id is taken.
    pub fn add_network(&self, network: FakeNetwork) -> Result<SeededNetwork, SeedError> {
        seed::add_network(&self.shared, &network)
    }

    /// Adds a keypair of the fake's user; returns its name (a keypair's id). See
    /// [`FakeKeypair`].
    ///
    /// # Errors
    /// Nova's 409 `Key pair '<name>' already exists.`, 400 for a bad name or public key.
    pub fn add_keypair(&self, keypair: FakeKeypair) -> Result<String, SeedError> {
        seed::add_keypair(&self.shared, &keypair)
    }

    /// Adds a server, already built (`ACTIVE`); returns its id. See [`FakeServer`].
    ///
    /// # Errors
    /// Nova's 400 for an unknown flavor, image, network or keypair (`Flavor 9 could not be
    /// found.`, `Can not find requested image`, `Network <id> could not be found.`, `Invalid
    /// key_name provided.`) or an image too large for the flavor; 409 when the id is taken.
    pub fn add_server(&self, server: FakeServer) -> Result<String, SeedError> {
        seed::add_server(&self.shared, &server)
    }

    /// Makes every server created from now on end its build in `ERROR` with a fault carrying
    /// `message` (code 500).
    pub fn fail_server_builds(&self, message: impl Into<String>) {
        self.shared.lock().build_failure = Some(message.into());
    }

    /// Posts `password` as the server's encrypted admin password, as its guest does through the
    /// metadata service (`POST /openstack/latest/password`): `GET
    /// /servers/{id}/os-server-password` shows it until it is cleared. Returns `false` when
    /// there is no such server.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::{FakeCloud, FakeServer};
    ///
    /// let fake = FakeCloud::builder().server(FakeServer::new("win-1")).start().await?;
    /// let id = fake.server_id("win-1").expect("seeded");
    /// assert!(fake.post_server_password(&id, "c2VjcmV0IGVuY3J5cHRlZA=="));
    /// let servers = fake.client()?.compute().servers();
    /// assert_eq!(servers.password(&id).await?.as_deref(), Some("c2VjcmV0IGVuY3J5cHRlZA=="));
    /// # Ok(())
    /// # }
    /// ```
    pub fn post_server_password(&self, server_id: &str, password: impl Into<String>) -> bool {
        let mut state = self.shared.lock();
        if !state
            .servers
            .iter()
            .any(|s| s.id == server_id && s.is_live())
        {
            return false;
        }
        state
            .server_passwords
            .insert(server_id.to_string(), password.into());
        true
    }

    /// Undoes [`fail_server_builds`](Self::fail_server_builds).
    pub fn succeed_server_builds(&self) {
        self.shared.lock().build_failure = None;
    }

    /// The id of the network with this name, if any.
    pub fn network_id(&self, name: &str) -> Option<String> {
        self.shared
            .lock()
            .networks
            .iter()
            .find(|n| n.name == name)
            .map(|n| n.id.clone())
    }

    /// The id of the flavor with this name, if any (e.g. `m1.tiny` is `1`).
    pub fn flavor_id(&self, name: &str) -> Option<String> {
        self.shared
            .lock()
            .flavors
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.id.clone())
    }

    /// The id of the subnet with this name, if any (e.g. `private-subnet`).
    pub fn subnet_id(&self, name: &str) -> Option<String> {
        self.shared
            .lock()
            .subnets
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.id.clone())
    }

    /// The id of the newest server with this name that is not deleted, if any.
    pub fn server_id(&self, name: &str) -> Option<String> {
        self.shared
            .lock()
            .servers
            .iter()
            .rev()
            .find(|s| s.name == name && s.is_live())
            .map(|s| s.id.clone())
    }

    /// The id of the image with this name, if any (e.g. `cirros-0.6.2-x86_64-disk`,
    /// `ubuntu-24.04-server-cloudimg-amd64`, or a snapshot made by `createImage`).
    pub fn image_id(&self, name: &str) -> Option<String> {
        self.shared
            .lock()
            .images
            .iter()
            .find(|i| i.name.as_deref() == Some(name))
            .map(|i| i.id.clone())
    }

    /// How many servers exist (including ones building or being deleted).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stackclient::testing::{FakeCloud, FakeServer};
    ///
    /// let fake = FakeCloud::builder().server(FakeServer::new("a")).server(FakeServer::new("b")).start().await?;
    /// assert_eq!(fake.server_count(), 2);
    /// let id = fake.server_id("a").expect("seeded");
    /// fake.client()?.compute().servers().delete(&id).await?;
    /// assert_eq!(fake.server_count(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn server_count(&self) -> usize {
        let mut state = self.shared.lock();
        super::nova::settle_servers(&mut state);
        state.servers.iter().filter(|s| s.is_live()).count()
    }
}
