//! Waiters that follow Nova's task transitions: a server is where it was asked to be only when its
//! `status` is the one wanted *and* `OS-EXT-STS:task_state` is empty (a reboot keeps ACTIVE →
//! REBOOT → ACTIVE, but a resize or a rebuild may show the old status with a task still running).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use backon::BackoffBuilder;
use futures_util::TryStreamExt;

use crate::compute::{Server, ServerStatus};
use crate::error::Error;
use crate::request::check_id;
use crate::resource::Api;
use crate::wait::{Poll, WaitOptions, poll_until};

/// One server's outcome in [`Api::wait_all`].
#[derive(Debug)]
#[non_exhaustive]
pub struct BatchOutcome {
    /// The server's id.
    pub id: String,
    /// The server as last seen in the wanted state, or why not: [`Error::WaitFailed`] (ERROR, with
    /// its fault; or status `GONE` when the server is no longer listed), [`Error::WaitTimeout`].
    pub result: Result<Server, Error>,
}

/// `status` and, while a task runs, `status/task_state`, as waiters report it.
fn shown(server: &Server) -> String {
    match &server.task_state {
        Some(task) => format!("{} ({task})", server.status),
        None => server.status.to_string(),
    }
}

/// `true` when `server` is in `wanted` with no task running.
fn settled(server: &Server, wanted: &ServerStatus) -> bool {
    &server.status == wanted && server.task_state.as_deref().is_none_or(str::is_empty)
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

impl Api<Server> {
    /// Polls `GET /servers/{id}` until the server's status is `wanted` **and** its
    /// `OS-EXT-STS:task_state` is empty, with [`WaitOptions::default`] (600 s timeout, 1 s first
    /// interval growing to 10 s, with jitter). Waiting for ACTIVE after a reboot, resize or rebuild
    /// therefore returns only once the task has finished.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(std::time::Duration::ZERO).fail_builds_with_prefix("doomed").start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::Error;
    /// use stackclient::compute::{CreateServer, ServerStatus};
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// let created = servers.create(&CreateServer::new("web-1", "1").image(image).network(&net)).await?;
    /// let server = servers.wait_for_status(&created.id, ServerStatus::Active).await?;
    /// assert_eq!(server.task_state, None);
    /// // This cloud fails builds of servers named `doomed…`: the waiter stops at ERROR, with the fault.
    /// let doomed = servers.create(&CreateServer::new("doomed-1", "1").image(image).network(&net)).await?;
    /// match servers.wait_for_status(&doomed.id, ServerStatus::Active).await {
    ///     Err(Error::WaitFailed { status, fault, .. }) => {
    ///         assert_eq!(status, "ERROR");
    ///         assert!(fault.expect("a fault").contains("No valid host was found"));
    ///     }
    ///     other => panic!("expected ERROR, got {other:?}"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WaitFailed`] as soon as the server is `ERROR` (unless `ERROR` is what is wanted),
    /// with its fault's code and message; [`Error::WaitTimeout`] with the last status and task;
    /// [`Error::Api`] 404 if the server disappears.
    pub async fn wait_for_status(&self, id: &str, wanted: ServerStatus) -> Result<Server, Error> {
        self.wait_for_status_with(id, wanted, WaitOptions::default())
            .await
    }

    /// [`wait_for_status`](Self::wait_for_status) with explicit [`WaitOptions`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(std::time::Duration::from_millis(100)).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use std::time::Duration;
    /// use stackclient::WaitOptions;
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// // Builds take 100 ms here: poll every 20 ms at first, give up after a minute.
    /// let opts = WaitOptions::default()
    ///     .timeout(Duration::from_secs(60))
    ///     .interval(Duration::from_millis(20), Duration::from_millis(200));
    /// assert_eq!(servers.get(&id).await?.status, ServerStatus::Build);
    /// let server = servers.wait_for_status_with(&id, ServerStatus::Active, opts).await?;
    /// assert_eq!(server.status, ServerStatus::Active);
    /// # Ok(()) }
    /// ```
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
            if settled(&server, &wanted) {
                Ok(Poll::Done(server))
            } else if server.status == ServerStatus::Error && wanted != ServerStatus::Error {
                Err(failed(&server))
            } else {
                Ok(Poll::Pending(shown(&server)))
            }
        })
        .await
    }

    /// Polls until the server is gone: a 404, or status `DELETED` or `SOFT_DELETED`. A server that
    /// was in ERROR when it was deleted stays ERROR with task_state `deleting` for a while: that is
    /// waited out, not a failure. Nova may still show a `DELETED` server (in lists and `get`) for a
    /// short while after this returns. Uses [`WaitOptions::default`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.delete(&id).await?;
    /// servers.wait_for_delete(&id).await?;
    /// assert!(servers.get_opt(&id).await?.is_none());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WaitFailed`] if the server is ERROR with no task running (the deletion failed);
    /// [`Error::WaitTimeout`].
    pub async fn wait_for_delete(&self, id: &str) -> Result<(), Error> {
        self.wait_for_delete_with(id, WaitOptions::default()).await
    }

    /// [`wait_for_delete`](Self::wait_for_delete) with explicit [`WaitOptions`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(std::time::Duration::ZERO).delete_delay(std::time::Duration::from_millis(100)).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use std::time::Duration;
    /// use stackclient::WaitOptions;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.delete(&id).await?;
    /// // Deleting takes 100 ms here, meanwhile the server shows task_state `deleting`.
    /// assert_eq!(servers.get(&id).await?.task_state.as_deref(), Some("deleting"));
    /// let opts = WaitOptions::default().interval(Duration::from_millis(20), Duration::from_millis(200));
    /// servers.wait_for_delete_with(&id, opts).await?;
    /// assert!(servers.get_opt(&id).await?.is_none());
    /// # Ok(()) }
    /// ```
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
                Some(s) if s.status == ServerStatus::Error && s.task_state.is_none() => {
                    Err(failed(&s))
                }
                Some(s) => Ok(Poll::Pending(shown(&s))),
            }
        })
        .await
    }

    /// Waits for several servers at once: each round is **one** list call
    /// (`GET /servers/detail`, following its pages), not one `GET` per server; the outcome of
    /// every id is reported, in the order given. Uses [`WaitOptions::default`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(std::time::Duration::ZERO).fail_builds_with_prefix("doomed").start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::{CreateServer, ServerStatus};
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// let mut ids = Vec::new();
    /// for name in ["web-1", "doomed-2", "web-3"] { // this cloud fails the builds of `doomed…`
    ///     ids.push(servers.create(&CreateServer::new(name, "1").image(image).network(&net)).await?.id);
    /// }
    /// let mut up = Vec::new();
    /// for outcome in servers.wait_all(&ids, ServerStatus::Active).await? {
    ///     match outcome.result {
    ///         Ok(s) => up.push(s.name),
    ///         Err(e) => println!("{}: {e}", outcome.id), // server … went to ERROR: 500 No valid host was found. …
    ///     }
    /// }
    /// assert_eq!(up, ["web-1", "web-3"]); // in the order of `ids`
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Only the list call's own errors end the whole wait; each server's failure is in its
    /// [`BatchOutcome::result`].
    pub async fn wait_all<S: AsRef<str>>(
        &self,
        ids: &[S],
        wanted: ServerStatus,
    ) -> Result<Vec<BatchOutcome>, Error> {
        self.wait_all_with(ids, wanted, WaitOptions::default())
            .await
    }

    /// [`wait_all`](Self::wait_all) with explicit [`WaitOptions`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(std::time::Duration::from_millis(100)).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use std::time::Duration;
    /// use stackclient::{Error, WaitOptions};
    /// use stackclient::compute::{CreateServer, ServerStatus};
    /// let servers = client.compute().servers();
    /// # let (image, net) = (stackclient::testing::FakeCloud::IMAGE_ID, fake.network_id("private").expect("seeded"));
    /// let a = servers.create(&CreateServer::new("web-1", "1").image(image).network(&net)).await?.id;
    /// let b = servers.create(&CreateServer::new("web-2", "1").image(image).network(&net)).await?.id;
    /// servers.delete(&b).await?; // gone before it was ever ACTIVE
    /// let opts = WaitOptions::default().timeout(Duration::from_secs(10)).interval(Duration::from_millis(20), Duration::from_millis(200));
    /// let outcomes = servers.wait_all_with(&[&a, &b], ServerStatus::Active, opts).await?;
    /// assert_eq!(outcomes[0].result.as_ref().map(|s| s.status.clone()).ok(), Some(ServerStatus::Active));
    /// assert!(matches!(&outcomes[1].result, Err(Error::WaitFailed { status, .. }) if status == "GONE"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`wait_all`](Self::wait_all); [`Error::InvalidInput`] for an empty id.
    pub async fn wait_all_with<S: AsRef<str>>(
        &self,
        ids: &[S],
        wanted: ServerStatus,
        opts: WaitOptions,
    ) -> Result<Vec<BatchOutcome>, Error> {
        for id in ids {
            check_id("server", id.as_ref())?;
        }
        let started = Instant::now();
        let mut delays = backon::ExponentialBuilder::default()
            .with_min_delay(opts.initial_interval)
            .with_max_delay(opts.max_interval)
            .with_factor(1.5)
            .with_jitter()
            .without_max_times()
            .build();
        let mut open: HashSet<String> = ids.iter().map(|i| i.as_ref().to_string()).collect();
        let mut done: HashMap<String, Result<Server, Error>> = HashMap::new();
        let mut last: HashMap<String, String> = HashMap::new();
        while !open.is_empty() {
            let mut listed: HashMap<String, Server> = HashMap::new();
            let mut stream = self.list().into_stream();
            while let Some(s) = stream.try_next().await? {
                if open.contains(&s.id) {
                    listed.insert(s.id.clone(), s);
                }
            }
            for id in open.clone() {
                let outcome = match listed.remove(&id) {
                    None => Some(Err(Error::WaitFailed {
                        resource: "server",
                        id: id.clone(),
                        status: "GONE".into(),
                        fault: Some("the server is no longer listed".into()),
                    })),
                    Some(s) if settled(&s, &wanted) => Some(Ok(s)),
                    Some(s) if s.status == ServerStatus::Error && wanted != ServerStatus::Error => {
                        Some(Err(failed(&s)))
                    }
                    Some(s) => {
                        last.insert(id.clone(), shown(&s));
                        None
                    }
                };
                if let Some(result) = outcome {
                    open.remove(&id);
                    done.insert(id, result);
                }
            }
            if open.is_empty() {
                break;
            }
            let elapsed = started.elapsed();
            if elapsed >= opts.timeout {
                for id in open.drain() {
                    let last_status = last.get(&id).cloned().unwrap_or_default();
                    done.insert(
                        id.clone(),
                        Err(Error::WaitTimeout {
                            resource: "server",
                            id,
                            wanted: wanted.to_string(),
                            last_status,
                            waited: elapsed,
                        }),
                    );
                }
                break;
            }
            let pause: Duration = delays
                .next()
                .unwrap_or(opts.max_interval)
                .min(opts.max_interval);
            tokio::time::sleep(pause.min(opts.timeout - elapsed)).await;
        }
        Ok(ids
            .iter()
            .map(|id| {
                let id = id.as_ref().to_string();
                let result = done.remove(&id).unwrap_or_else(|| {
                    // The same id given twice: the first took the outcome.
                    Err(Error::InvalidInput(format!("server {id} is listed twice")))
                });
                BatchOutcome { id, result }
            })
            .collect())
    }
}
