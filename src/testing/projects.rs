//! More projects and users: [`FakeProject`], for tests of what one project sees of another's.

use super::ids;
use super::seed::SeedError;
use super::state::{Project, Shared, User};
use secrecy::ExposeSecret;

use crate::config::SecretString;

/// A Keystone project (in domain `Default`) with users of its own, to add with
/// [`FakeCloudBuilder::with_project`](super::FakeCloudBuilder::with_project) or
/// [`FakeCloud::add_project`](super::FakeCloud::add_project).
///
/// Each user has roles on this one project: `member` and `reader` ([`user`](Self::user)), and
/// `admin` too ([`admin_user`](Self::admin_user)). A user authenticates with its name and
/// password ([`FakeCloud::config_as`](super::FakeCloud::config_as) makes the config) and can
/// scope a token to its own project only (another project answers Keystone's 401); domain and
/// system scopes need the admin role. What a non-admin user then sees follows the services'
/// default policies, as a real cloud with two projects shows them:
///
/// - Nova: the project's own servers (another project's answer 404 `Instance … could not be
///   found.`), its own server groups, the user's own keypairs; `all_tenants` is 403 for
///   non-admins. Admins list their own project's servers, or every project's with
///   `all_tenants` (narrowed by `project_id`/`tenant_id`, `user_id`), and reach any server by id.
/// - Neutron: the project's own resources, networks that are `shared` or `router:external` (and
///   their subnets), the ports on its own networks; another project's resource answers the
///   collection's 404 (`NetworkNotFound`, …), and changing a shared network of another project
///   answers 403 `rule:update_network is disallowed by policy`. Admins see everything.
/// - Glance: public and community images, and the project's own; admins see all.
///
/// Defaults: a random 32-hex-digit id, no users.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stackclient::testing::{FakeCloud, FakeNetwork, FakeProject, FakeServer};
///
/// let fake = FakeCloud::builder()
///     .with_project(FakeProject::new("tenant-b").user("bob", "bob-secret"))
///     .server(FakeServer::new("admin-vm"))
///     .server(FakeServer::new("bob-vm").project("tenant-b"))
///     .network(FakeNetwork::new("bob-net").project("tenant-b").subnet("10.20.0.0/24"))
///     .start()
///     .await?;
/// let bob = fake.client_as("bob")?;
/// let info = bob.authenticate().await?;
/// assert_eq!(info.project_id, fake.project_id_of("tenant-b"));
///
/// let names = |servers: Vec<stackclient::compute::Server>| {
///     servers.into_iter().map(|s| s.name).collect::<Vec<_>>()
/// };
/// assert_eq!(names(bob.compute().servers().list().all().await?), ["bob-vm"]);
/// let admin_vm = fake.server_id("admin-vm").expect("seeded");
/// let err = bob.compute().servers().get(&admin_vm).await.unwrap_err();
/// assert_eq!(err.status(), Some(404));
///
/// // Bob sees his network and the admin project's external `public`, not its `private`.
/// let mut networks: Vec<_> =
///     bob.network().networks().list().all().await?.into_iter().map(|n| n.name).collect();
/// networks.sort();
/// assert_eq!(networks, ["bob-net", "public"]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct FakeProject {
    pub(crate) name: String,
    pub(crate) id: Option<String>,
    pub(crate) users: Vec<FakeUser>,
}

/// A user of a [`FakeProject`]; the password is redacted in `Debug`.
#[derive(Clone, Debug)]
pub(crate) struct FakeUser {
    pub(crate) name: String,
    pub(crate) password: SecretString,
    pub(crate) admin: bool,
}

impl FakeProject {
    /// A project called `name` (unique in the fake, as in a Keystone domain).
    pub fn new(name: impl Into<String>) -> Self {
        FakeProject {
            name: name.into(),
            id: None,
            users: Vec::new(),
        }
    }

    /// A fixed id (1 to 64 characters, no `/`), e.g. to name it in a test's expectations.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// A user with the roles `member` and `reader` on this project (user names are unique in the
    /// fake, as in a Keystone domain).
    pub fn user(mut self, name: impl Into<String>, password: impl Into<String>) -> Self {
        self.users.push(FakeUser {
            name: name.into(),
            password: SecretString::from(password.into()),
            admin: false,
        });
        self
    }

    /// A user with the roles `admin`, `member` and `reader` on this project: it sees and changes
    /// every project's resources, as a cloud admin does.
    pub fn admin_user(mut self, name: impl Into<String>, password: impl Into<String>) -> Self {
        self.users.push(FakeUser {
            name: name.into(),
            password: SecretString::from(password.into()),
            admin: true,
        });
        self
    }
}

/// Adds `spec` and its users, all or nothing, with Keystone's 409 messages for a taken project
/// name, project id or user name, and its 400 for an empty or too long name (64 characters) or
/// id.
pub(crate) fn add_project(shared: &Shared, spec: &FakeProject) -> Result<String, SeedError> {
    let id = spec.id.clone().unwrap_or_else(ids::hex_id);
    let too_long = |s: &str| s.chars().count() > 64;
    if spec.name.trim().is_empty() || too_long(&spec.name) {
        return Err(SeedError::new(
            400,
            format!("Invalid project name '{}': 1 to 64 characters.", spec.name),
        ));
    }
    if id.is_empty() || too_long(&id) || id.contains('/') {
        return Err(SeedError::new(
            400,
            format!("Invalid project id '{id}': 1 to 64 characters, no '/'."),
        ));
    }
    let mut state = shared.lock();
    if state.projects.iter().any(|p| p.name == spec.name) {
        return Err(SeedError::new(
            409,
            format!(
                "Conflict occurred attempting to store project - it is not permitted to have \
                 two projects with the same name in the same domain : {}.",
                spec.name
            ),
        ));
    }
    if state.projects.iter().any(|p| p.id == id) {
        return Err(SeedError::new(409, format!("Duplicate ID, {id}.")));
    }
    let mut users = Vec::with_capacity(spec.users.len());
    for user in &spec.users {
        if user.name.trim().is_empty() || too_long(&user.name) {
            return Err(SeedError::new(
                400,
                format!("Invalid user name '{}': 1 to 64 characters.", user.name),
            ));
        }
        let taken = state
            .users
            .iter()
            .chain(&users)
            .any(|u| u.name == user.name);
        if taken {
            return Err(SeedError::new(
                409,
                format!(
                    "Conflict occurred attempting to store user - Duplicate entry found with \
                     name {} at domain ID default.",
                    user.name
                ),
            ));
        }
        users.push(User {
            id: ids::hex_id(),
            name: user.name.clone(),
            password: user.password.expose_secret().to_string(),
            project_id: id.clone(),
            admin: user.admin,
        });
    }
    state.projects.push(Project {
        id: id.clone(),
        name: spec.name.clone(),
    });
    state.users.extend(users);
    Ok(id)
}
