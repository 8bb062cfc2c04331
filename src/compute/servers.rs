//! Servers: `GET /servers/detail`, `GET /servers/{id}`, `POST /servers`, `DELETE /servers/{id}`,
//! `POST /servers/{id}/action` (reboot, os-start, os-stop), and waiters.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{CreateServer, CreatedServer, RebootType, Server, ServerStatus};
use crate::client::Client;
use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::pagination::{List, at_most_one};
use crate::request::{Call, Method, ServiceType, check_id};
use crate::wait::{Poll, WaitOptions, poll_until};

/// Server operations (`client.compute().servers()`).
#[derive(Clone, Debug)]
pub struct Servers {
    client: Client,
}

#[derive(Deserialize)]
struct ServerBody {
    server: Server,
}

#[derive(Deserialize)]
struct CreatedBody {
    server: CreatedServer,
}

impl Servers {
    pub(crate) fn new(client: Client) -> Self {
        Servers { client }
    }

    /// `GET /servers/{id}`: one server with all the fields of the microversion in use.
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 (see [`Error::is_not_found`]) when there is no such server;
    /// [`Error::InvalidInput`] for an empty id.
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
    /// let server = client.compute().servers().get("9168b536-cd40-4630-b43f-b259807c6e87").await?;
    /// println!("{} is {}", server.name, server.status);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: &str) -> Result<Server, Error> {
        let id = check_id("server", id)?;
        let call = Call::new(ServiceType::COMPUTE, Method::Get, ["servers", id]);
        Ok(self.client.execute_json::<ServerBody>(&call).await?.server)
    }

    /// Like [`get`](Self::get), but `Ok(None)` for a 404.
    ///
    /// # Errors
    /// Any other error of [`get`](Self::get).
    pub async fn get_opt(&self, id: &str) -> Result<Option<Server>, Error> {
        match self.get(id).await {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /servers/detail` with filters; finish with [`ServerList::send`] (one page),
    /// [`ServerList::into_stream`] (all, lazily) or [`ServerList::all`].
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
    /// use futures_util::TryStreamExt;
    /// use stackclient::compute::ServerStatus;
    /// let mut servers = client.compute().servers().list().status(ServerStatus::Active).limit(100).into_stream();
    /// while let Some(s) = servers.try_next().await? {
    ///     println!("{} {}", s.id, s.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ServerList {
        List::new(
            self.client.clone(),
            ServiceType::COMPUTE,
            &["servers", "detail"],
            "servers",
            "servers_links",
        )
    }

    /// The server named exactly `name` (Nova's `name` filter is a regular expression, so the name is
    /// anchored and escaped), or `None`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when more than one server has that name; errors of the list call.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<Server>, Error> {
        let pattern = format!("^{}$", regex_escape(name));
        let found: Vec<Server> = self
            .list()
            .name(&pattern)
            .all()
            .await?
            .into_iter()
            .filter(|s| s.name == name)
            .collect();
        at_most_one(found, "server", name)
    }

    /// `POST /servers` (202): boots a server. The answer holds only the id, links and `adminPass`; use
    /// [`wait_for_status`](Self::wait_for_status) to follow the build.
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] (before sending) when the request uses a field the microversion
    /// in use lacks (e.g. tags need 2.52); [`Error::Api`] for Nova's refusal (400 badRequest, 403 quota…).
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
    /// use stackclient::compute::CreateServer;
    /// let created = client.compute().servers()
    ///     .create(&CreateServer::new("web-1", "1").image("70a599e0-31e7-49b7-b260-868f441e862b").networks_auto())
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: &CreateServer) -> Result<CreatedServer, Error> {
        let body = serde_json::to_value(request)
            .map_err(|e| Error::InvalidInput(format!("server request: {e}")))?;
        let call = Call::new(ServiceType::COMPUTE, Method::Post, ["servers"])
            .json_body(&body)
            .min_microversion(
                request
                    .min_microversion()
                    .map(|(a, b)| ApiVersion::new(a, b)),
            );
        Ok(self.client.execute_json::<CreatedBody>(&call).await?.server)
    }

    /// `DELETE /servers/{id}` (204). Deletion is asynchronous: see [`wait_for_delete`](Self::wait_for_delete).
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such server, 409 when it is locked.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let id = check_id("server", id)?;
        self.client
            .execute(&Call::new(
                ServiceType::COMPUTE,
                Method::Delete,
                ["servers", id],
            ))
            .await?;
        Ok(())
    }

    async fn action(&self, id: &str, body: serde_json::Value) -> Result<(), Error> {
        let id = check_id("server", id)?;
        let call = Call::new(
            ServiceType::COMPUTE,
            Method::Post,
            ["servers", id, "action"],
        )
        .json_body(&body);
        self.client.execute(&call).await?;
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

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
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

    /// `tags`: servers having all these tags (2.26+).
    pub fn tags(self, tags: &[&str]) -> Self {
        self.requires(ApiVersion::new(2, 26))
            .param("tags", tags.join(","))
    }

    /// `all_tenants`: servers of every project (admin).
    pub fn all_tenants(self, all: bool) -> Self {
        self.param("all_tenants", if all { "True" } else { "False" })
    }
}
