//! Server groups: `GET /os-server-groups` (`all_projects`, `limit`/`offset`), `POST /os-server-groups`
//! (request shape from the microversion in use: `policy` + `rules` from 2.64, `policies` before),
//! `GET /os-server-groups/{id}`, `DELETE /os-server-groups/{id}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::de::string_enum;
use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, Resource};

string_enum! {
    /// A server group's scheduling policy.
    pub enum ServerGroupPolicy {
        /// All members on one host.
        Affinity = "affinity",
        /// Members on different hosts.
        AntiAffinity = "anti-affinity",
        /// Same host where possible (2.15+).
        SoftAffinity = "soft-affinity",
        /// Different hosts where possible (2.15+).
        SoftAntiAffinity = "soft-anti-affinity",
    }
}

/// `rules` of a server group (2.64+).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ServerGroupRules {
    /// `max_server_per_host`: at most this many members per host (`anti-affinity` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_server_per_host: Option<u32>,
}

/// A server group.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ServerGroup {
    /// Its id (UUID).
    pub id: String,
    /// Its name.
    pub name: String,
    /// `policy` (2.64+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<ServerGroupPolicy>,
    /// `rules` (2.64+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<ServerGroupRules>,
    /// `policies` (before 2.64): a list of one policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<ServerGroupPolicy>,
    /// Ids of the member servers.
    #[serde(default)]
    pub members: Vec<String>,
    /// `metadata` (before 2.64; always empty).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// Owning project (2.13+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// Creating user (2.13+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

impl ServerGroup {
    /// The policy, whichever microversion answered: `policy` (2.64+) or the first of `policies`.
    pub fn effective_policy(&self) -> Option<&ServerGroupPolicy> {
        self.policy.as_ref().or(self.policies.first())
    }
}

impl Resource for ServerGroup {
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "server group";
    const COLLECTION: &'static [&'static str] = &["os-server-groups"];
    const SINGULAR: &'static str = "server_group";
    const PLURAL: &'static str = "server_groups";
    const LINKS: &'static str = "server_groups_links";
    /// Nova has no name filter for server groups.
    const NAME_FILTER: crate::resource::NameFilter = crate::resource::NameFilter::None;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// What a new server group asks for; [`Api::create`] writes it in the shape of the microversion in
/// use.
///
/// ```
/// use stackclient::compute::{CreateServerGroup, ServerGroupPolicy};
/// let req = CreateServerGroup::new("web", ServerGroupPolicy::AntiAffinity).max_server_per_host(2);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreateServerGroup {
    name: String,
    policy: ServerGroupPolicy,
    max_server_per_host: Option<u32>,
}

impl CreateServerGroup {
    /// A group named `name` with `policy` (the soft policies need 2.15).
    pub fn new(name: impl Into<String>, policy: ServerGroupPolicy) -> Self {
        CreateServerGroup {
            name: name.into(),
            policy,
            max_server_per_host: None,
        }
    }

    /// `rules.max_server_per_host` (2.64+, `anti-affinity` only).
    pub fn max_server_per_host(mut self, n: u32) -> Self {
        self.max_server_per_host = Some(n);
        self
    }

    /// The request body at microversion `v` (`None`: the base version 2.1):
    /// `{"server_group": {"name", "policy", "rules"?}}` from 2.64, `{"server_group": {"name",
    /// "policies": [policy]}}` before.
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] for `rules` below 2.64 and a soft policy below 2.15.
    pub fn body_at(&self, v: Option<ApiVersion>) -> Result<serde_json::Value, Error> {
        let v = v.unwrap_or(ApiVersion::new(2, 1));
        let unsupported = |need: ApiVersion, what: &str| Error::MicroversionUnsupported {
            service: "compute".into(),
            required: format!("{need} ({what})"),
            available: format!("{v} is in use"),
        };
        let soft = matches!(
            self.policy,
            ServerGroupPolicy::SoftAffinity | ServerGroupPolicy::SoftAntiAffinity
        );
        if soft && v < ApiVersion::new(2, 15) {
            return Err(unsupported(
                ApiVersion::new(2, 15),
                "soft server group policies",
            ));
        }
        if v >= ApiVersion::new(2, 64) {
            let mut group = json!({ "name": self.name, "policy": self.policy });
            if let Some(n) = self.max_server_per_host {
                group["rules"] = json!({ "max_server_per_host": n });
            }
            Ok(json!({ "server_group": group }))
        } else if self.max_server_per_host.is_some() {
            Err(unsupported(ApiVersion::new(2, 64), "server group rules"))
        } else {
            Ok(json!({ "server_group": { "name": self.name, "policies": [self.policy] } }))
        }
    }
}

/// Server group operations (`client.compute().server_groups()`): `get`, `get_opt`, `list`,
/// `find`, `delete` through the generic [`Api`] verbs, and [`create`](Api::create).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
/// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::compute::{CreateServer, CreateServerGroup, ServerGroupPolicy, ServerStatus};
/// let groups = client.compute().server_groups();
/// let group = groups.create(&CreateServerGroup::new("web", ServerGroupPolicy::AntiAffinity)).await?;
/// // Boot into the group with the scheduler hint `group`.
/// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
/// let servers = client.compute().servers();
/// let request = CreateServer::new("web-1", "1").image(image).network(&net).scheduler_hint("group", group.id.as_str());
/// let server = servers.create(&request).await?;
/// servers.wait_for_status(&server.id, ServerStatus::Active).await?;
/// assert_eq!(groups.get(&group.id).await?.members, [server.id.clone()]);
/// assert_eq!(groups.find("web").await?.map(|g| g.id), Some(group.id.clone()));
/// servers.delete(&server.id).await?;
/// groups.delete(&group.id).await?;
/// assert!(groups.list().all().await?.is_empty());
/// # Ok(()) }
/// ```
pub type ServerGroups = Api<ServerGroup>;

impl Api<ServerGroup> {
    /// `POST /os-server-groups`, the body shaped for the microversion in use (read from the
    /// endpoint, never found by trial and error; see [`CreateServerGroup::body_at`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::{CreateServerGroup, ServerGroupPolicy};
    /// let groups = client.compute().server_groups();
    /// let request = CreateServerGroup::new("web", ServerGroupPolicy::AntiAffinity).max_server_per_host(2);
    /// let group = groups.create(&request).await?; // 2.64+: `policy` and `rules`
    /// assert_eq!(group.effective_policy(), Some(&ServerGroupPolicy::AntiAffinity));
    /// assert_eq!(group.rules.and_then(|r| r.max_server_per_host), Some(2));
    /// assert_eq!(group.project_id.as_deref(), Some(fake.project_id()));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`CreateServerGroup::body_at`] (before sending); [`Error::Api`] 403 over quota, 400 for a
    /// refused rule.
    pub async fn create(&self, request: &CreateServerGroup) -> Result<ServerGroup, Error> {
        let body = request.body_at(self.microversion().await?)?;
        let call = self.call(Method::Post, &[])?.json_body(&body);
        self.send_for(&call, "server_group").await
    }
}

/// Filters of `GET /os-server-groups`: Nova pages server groups with `limit` and
/// [`offset`](List::offset) (it has no marker).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::compute::{CreateServerGroup, ServerGroupPolicy};
/// let groups = client.compute().server_groups();
/// for name in ["a", "b", "c"] {
///     groups.create(&CreateServerGroup::new(name, ServerGroupPolicy::Affinity)).await?;
/// }
/// let page = groups.list().limit(2).offset(1).send().await?;
/// assert_eq!(page.items.len(), 2);
/// # Ok(()) }
/// ```
pub type ServerGroupList = List<ServerGroup>;

impl List<ServerGroup> {
    /// `all_projects` (admin): the groups of every project.
    pub fn all_projects(self, all: bool) -> Self {
        self.param("all_projects", if all { "True" } else { "False" })
    }

    /// `offset`: skip this many groups.
    pub fn offset(self, offset: u32) -> Self {
        self.param("offset", offset)
    }
}
