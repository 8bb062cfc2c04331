//! Servers: `GET /servers/detail`, `GET /servers/{id}`, `POST /servers`, `DELETE /servers/{id}`,
//! `POST /servers/{id}/action` (reboot, os-start, os-stop), and waiters.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;

use super::{CreateServer, CreatedServer, RebootType, Server, ServerStatus};
use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::pagination::List;
use crate::request::{Method, ServiceType, check_id};
use crate::resource::{Api, Creatable, NameFilter, RequestBody, Resource, Taggable};
use crate::wait::{Poll, WaitOptions, poll_until};

impl Resource for Server {
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "server";
    const COLLECTION: &'static [&'static str] = &["servers"];
    const LIST_PATH: &'static [&'static str] = &["servers", "detail"];
    const SINGULAR: &'static str = "server";
    const PLURAL: &'static str = "servers";
    const LINKS: &'static str = "servers_links";
    /// Nova's `name` filter is a regular expression: `find_by_name` anchors and escapes the name.
    const NAME_FILTER: NameFilter = NameFilter::Regex;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// `POST /servers` (202) answers with the id, links and `adminPass` only: follow the build with
/// [`Api::wait_for_status`].
impl Creatable for Server {
    type Create = CreateServer;
    type Created = CreatedServer;
}

/// Server tags (`/servers/{id}/tags`, filters `tags`, `tags-any`, `not-tags`, `not-tags-any`) need
/// 2.26.
impl Taggable for Server {
    const TAGS_MIN_MICROVERSION: Option<ApiVersion> = Some(ApiVersion::new(2, 26));
}

impl RequestBody for CreateServer {
    fn min_microversion(&self) -> Option<ApiVersion> {
        CreateServer::min_microversion(self).map(|(a, b)| ApiVersion::new(a, b))
    }
}

/// Server operations (`client.compute().servers()`): the generic [`Api`] verbs (`GET /servers/{id}`,
/// `GET /servers/detail`, `POST /servers`, `DELETE /servers/{id}`) plus actions and waiters.
///
/// ```no_run
/// # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
/// use futures_util::TryStreamExt;
/// use stackclient::compute::{CreateServer, ServerStatus};
/// let servers = client.compute().servers();
/// let created = servers
///     .create(&CreateServer::new("web-1", "1").image("70a599e0-31e7-49b7-b260-868f441e862b").networks_auto())
///     .await?;
/// let server = servers.wait_for_status(&created.id, ServerStatus::Active).await?;
/// let mut active = servers.list().status(ServerStatus::Active).limit(100).into_stream();
/// while let Some(s) = active.try_next().await? {
///     println!("{} {}", s.id, s.name);
/// }
/// # Ok(()) }
/// ```
pub type Servers = Api<Server>;

impl Api<Server> {
    async fn action(&self, id: &str, body: serde_json::Value) -> Result<(), Error> {
        let call = self
            .item_call(Method::Post, id, &["action"])?
            .json_body(&body);
        self.client().execute(&call).await?;
        Ok(())
    }

    /// `POST /servers/{id}/action` `{"reboot": {"type": "SOFT"|"HARD"}}` (202).
    ///
    /// # Errors
    /// [`Error::Api`] 409 (conflictingRequest) when the server's state forbids it.
    pub async fn reboot(&self, id: &str, kind: RebootType) -> Result<(), Error> {
        self.action(id, json!({"reboot": {"type": kind.as_str()}}))
            .await
    }

    /// `POST /servers/{id}/action` `{"os-start": null}` (202): SHUTOFF → ACTIVE.
    ///
    /// # Errors
    /// [`Error::Api`] 409 when the server is not SHUTOFF.
    pub async fn start(&self, id: &str) -> Result<(), Error> {
        self.action(id, json!({"os-start": null})).await
    }

    /// `POST /servers/{id}/action` `{"os-stop": null}` (202): ACTIVE → SHUTOFF.
    ///
    /// # Errors
    /// [`Error::Api`] 409 when the server is not ACTIVE or ERROR.
    pub async fn stop(&self, id: &str) -> Result<(), Error> {
        self.action(id, json!({"os-stop": null})).await
    }

    /// Polls `GET /servers/{id}` until the server's status is `wanted`, with [`WaitOptions::default`]
    /// (600 s timeout, 1 s first interval growing to 10 s, with jitter).
    ///
    /// # Errors
    /// [`Error::WaitFailed`] as soon as the server is `ERROR` (with its fault's code and message);
    /// [`Error::WaitTimeout`]; [`Error::Api`] 404 if the server disappears.
    pub async fn wait_for_status(&self, id: &str, wanted: ServerStatus) -> Result<Server, Error> {
        self.wait_for_status_with(id, wanted, WaitOptions::default())
            .await
    }

    /// [`wait_for_status`](Self::wait_for_status) with explicit [`WaitOptions`].
    ///
    /// # Errors
    /// As [`wait_for_status`](Self::wait_for_status).
    pub async fn wait_for_status_with(
        &self,
        id: &str,
        wanted: ServerStatus,
        opts: WaitOptions,
    ) -> Result<Server, Error> {
        let id = check_id("server", id)?;
        let wanted_text = wanted.to_string();
        poll_until(opts, "server", id, &wanted_text, || async {
            let server = self.get(id).await?;
            if server.status == wanted {
                Ok(Poll::Done(server))
            } else if server.status == ServerStatus::Error {
                Err(failed(&server))
            } else {
                Ok(Poll::Pending(server.status.to_string()))
            }
        })
        .await
    }

    /// Polls until the server is gone: a 404, or status `DELETED` or `SOFT_DELETED`. Nova may still
    /// show a `DELETED` server (in lists and `get`) for a short while after this returns.
    /// Uses [`WaitOptions::default`].
    ///
    /// # Errors
    /// [`Error::WaitFailed`] if the server goes to `ERROR`; [`Error::WaitTimeout`].
    pub async fn wait_for_delete(&self, id: &str) -> Result<(), Error> {
        self.wait_for_delete_with(id, WaitOptions::default()).await
    }

    /// [`wait_for_delete`](Self::wait_for_delete) with explicit [`WaitOptions`].
    ///
    /// # Errors
    /// As [`wait_for_delete`](Self::wait_for_delete).
    pub async fn wait_for_delete_with(&self, id: &str, opts: WaitOptions) -> Result<(), Error> {
        let id = check_id("server", id)?;
        poll_until(opts, "server", id, "deletion", || async {
            match self.get_opt(id).await? {
                None => Ok(Poll::Done(())),
                Some(s)
                    if matches!(s.status, ServerStatus::Deleted | ServerStatus::SoftDeleted) =>
                {
                    Ok(Poll::Done(()))
                }
                Some(s) if s.status == ServerStatus::Error => Err(failed(&s)),
                Some(s) => Ok(Poll::Pending(s.status.to_string())),
            }
        })
        .await
    }
}

fn failed(server: &Server) -> Error {
    Error::WaitFailed {
        resource: "server",
        id: server.id.clone(),
        status: server.status.to_string(),
        fault: server
            .fault
            .as_ref()
            // Nova's messages may end in a space (`No valid host was found. `); they can also be long
            // (a traceback) or hold HTML: one line, capped.
            .map(|f| crate::error::fault_line(&format!("{} {}", f.code, f.message.trim()))),
    }
}

/// Filters of `GET /servers/detail`; [`List`] gives `limit`, `marker`, `sort`, `send`, `into_stream`
/// and `all`.
pub type ServerList = List<Server>;

impl List<Server> {
    /// `name`: a regular expression Nova matches against server names.
    pub fn name(self, pattern: &str) -> Self {
        self.param("name", pattern)
    }

    /// `status`, e.g. `ACTIVE`.
    pub fn status(self, status: ServerStatus) -> Self {
        self.param("status", status)
    }

    /// `flavor`: flavor id.
    pub fn flavor(self, flavor_id: &str) -> Self {
        self.param("flavor", flavor_id)
    }

    /// `image`: image id.
    pub fn image(self, image_id: &str) -> Self {
        self.param("image", image_id)
    }

    /// `changes-since`: servers changed (including deleted ones) since this time.
    pub fn changes_since(self, since: DateTime<Utc>) -> Self {
        self.param(
            "changes-since",
            since.to_rfc3339_opts(SecondsFormat::Secs, true),
        )
    }

    /// `all_tenants`: servers of every project (admin).
    pub fn all_tenants(self, all: bool) -> Self {
        self.param("all_tenants", if all { "True" } else { "False" })
    }
}
