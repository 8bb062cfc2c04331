//! Per-server sub-resources: metadata (`/servers/{id}/metadata`), addresses (`/servers/{id}/ips`),
//! instance actions (`/servers/{id}/os-instance-actions`), diagnostics, the encrypted admin password
//! (`/servers/{id}/os-server-password`) and the NUMA topology (`/servers/{id}/topology`).

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::compute::types::timestamp;
use crate::compute::{Address, Server};
use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::pagination::List;
use crate::request::{Method, ServiceType, check_id};
use crate::resource::Api;

/// One action recorded on a server (`GET /servers/{id}/os-instance-actions[/{request_id}]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InstanceAction {
    /// The action, e.g. `create`, `reboot`, `stop`.
    pub action: String,
    /// The server's id.
    pub instance_uuid: String,
    /// The request that started it (the id to get it by).
    pub request_id: String,
    /// The user who asked.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The project.
    #[serde(default)]
    pub project_id: Option<String>,
    /// When it started (UTC).
    #[serde(with = "timestamp")]
    pub start_time: DateTime<Utc>,
    /// When it was last updated (2.58+).
    #[serde(default, with = "timestamp::option")]
    pub updated_at: Option<DateTime<Utc>>,
    /// An error message, when it failed.
    #[serde(default)]
    pub message: Option<String>,
    /// The steps (only on `GET .../{request_id}`; admins see `traceback`, and `host` from 2.62).
    #[serde(default)]
    pub events: Vec<InstanceActionEvent>,
}

/// One event of an [`InstanceAction`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InstanceActionEvent {
    /// The step, e.g. `compute_stop_instance`.
    pub event: String,
    /// When it started (UTC).
    #[serde(default, with = "timestamp::option")]
    pub start_time: Option<DateTime<Utc>>,
    /// When it finished (UTC); `None` while running.
    #[serde(default, with = "timestamp::option")]
    pub finish_time: Option<DateTime<Utc>>,
    /// `Success` or `Error`; `None` while running.
    #[serde(default)]
    pub result: Option<String>,
    /// The traceback of a failure (admin).
    #[serde(default)]
    pub traceback: Option<String>,
    /// The compute host (2.62+, admin).
    #[serde(default)]
    pub host: Option<String>,
    /// `hostId`: an opaque hash of the host (2.62+).
    #[serde(rename = "hostId", default)]
    pub host_id: Option<String>,
    /// Details of a failure (2.84+).
    #[serde(default)]
    pub details: Option<String>,
}

/// The list of `GET /servers/{id}/os-instance-actions`: paged from 2.58 (`limit`, `marker` = a
/// request id, `links`), with [`changes_since`](List::changes_since) (2.58) and
/// [`changes_before`](List::changes_before) (2.66).
pub type InstanceActionList = List<InstanceAction>;

impl List<InstanceAction> {
    /// `changes-since` (2.58+): actions updated since this time.
    pub fn changes_since(self, since: DateTime<Utc>) -> Self {
        self.requires(ApiVersion::new(2, 58)).param(
            "changes-since",
            since.to_rfc3339_opts(SecondsFormat::Secs, true),
        )
    }

    /// `changes-before` (2.66+): actions updated before this time.
    pub fn changes_before(self, before: DateTime<Utc>) -> Self {
        self.requires(ApiVersion::new(2, 66)).param(
            "changes-before",
            before.to_rfc3339_opts(SecondsFormat::Secs, true),
        )
    }
}

/// A server's diagnostics in the standard shape of 2.48+ (`GET /servers/{id}/diagnostics`, admin).
/// Every field may be `null` when the hypervisor does not report it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Diagnostics {
    /// `pending`, `running`, `paused`, `shutdown`, `crashed` or `suspended`.
    #[serde(default)]
    pub state: Option<String>,
    /// The virt driver, e.g. `libvirt`.
    #[serde(default)]
    pub driver: Option<String>,
    /// The hypervisor, e.g. `kvm`.
    #[serde(default)]
    pub hypervisor: Option<String>,
    /// The hypervisor's OS, e.g. `ubuntu`.
    #[serde(default)]
    pub hypervisor_os: Option<String>,
    /// Seconds since the guest started.
    #[serde(default)]
    pub uptime: Option<u64>,
    /// Whether a config drive is attached.
    #[serde(default)]
    pub config_drive: Option<bool>,
    /// Number of vCPUs.
    #[serde(default)]
    pub num_cpus: Option<u32>,
    /// Number of disks.
    #[serde(default)]
    pub num_disks: Option<u32>,
    /// Number of NICs.
    #[serde(default)]
    pub num_nics: Option<u32>,
    /// Memory in MiB.
    #[serde(default)]
    pub memory_details: Option<MemoryDetails>,
    /// Per vCPU.
    #[serde(default)]
    pub cpu_details: Vec<CpuDetails>,
    /// Per disk.
    #[serde(default)]
    pub disk_details: Vec<DiskDetails>,
    /// Per NIC.
    #[serde(default)]
    pub nic_details: Vec<NicDetails>,
}

/// Memory of [`Diagnostics`], in MiB.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct MemoryDetails {
    /// Memory available to the guest (MiB).
    #[serde(default)]
    pub maximum: Option<u64>,
    /// Memory used (MiB).
    #[serde(default)]
    pub used: Option<u64>,
}

/// One vCPU of [`Diagnostics`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CpuDetails {
    /// vCPU index.
    #[serde(default)]
    pub id: Option<u32>,
    /// CPU time in nanoseconds.
    #[serde(default)]
    pub time: Option<u64>,
    /// Utilisation in percent.
    #[serde(default)]
    pub utilisation: Option<u32>,
}

/// One disk of [`Diagnostics`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct DiskDetails {
    /// Bytes read.
    #[serde(default)]
    pub read_bytes: Option<u64>,
    /// Read requests.
    #[serde(default)]
    pub read_requests: Option<u64>,
    /// Bytes written.
    #[serde(default)]
    pub write_bytes: Option<u64>,
    /// Write requests.
    #[serde(default)]
    pub write_requests: Option<u64>,
    /// I/O errors.
    #[serde(default)]
    pub errors_count: Option<u64>,
}

/// One NIC of [`Diagnostics`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct NicDetails {
    /// MAC address.
    #[serde(default)]
    pub mac_address: Option<String>,
    /// Octets received.
    #[serde(default)]
    pub rx_octets: Option<u64>,
    /// Receive errors.
    #[serde(default)]
    pub rx_errors: Option<u64>,
    /// Received packets dropped.
    #[serde(default)]
    pub rx_drop: Option<u64>,
    /// Packets received.
    #[serde(default)]
    pub rx_packets: Option<u64>,
    /// Receive rate limit (bytes/s).
    #[serde(default)]
    pub rx_rate: Option<u64>,
    /// Octets sent.
    #[serde(default)]
    pub tx_octets: Option<u64>,
    /// Transmit errors.
    #[serde(default)]
    pub tx_errors: Option<u64>,
    /// Sent packets dropped.
    #[serde(default)]
    pub tx_drop: Option<u64>,
    /// Packets sent.
    #[serde(default)]
    pub tx_packets: Option<u64>,
    /// Transmit rate limit (bytes/s).
    #[serde(default)]
    pub tx_rate: Option<u64>,
}

/// A server's NUMA topology (`GET /servers/{id}/topology`, 2.78+).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ServerTopology {
    /// The guest's NUMA nodes (empty when it has no NUMA topology).
    #[serde(default)]
    pub nodes: Vec<TopologyNode>,
    /// Page size in KiB (admin), when known.
    #[serde(default)]
    pub pagesize_kb: Option<u64>,
}

/// One NUMA node of a [`ServerTopology`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TopologyNode {
    /// Memory in MiB.
    pub memory_mb: u64,
    /// The guest vCPUs of this node.
    #[serde(default)]
    pub vcpu_set: Vec<u32>,
    /// Thread siblings, as groups of vCPUs.
    #[serde(default)]
    pub siblings: Vec<Vec<u32>>,
    /// The host NUMA node (admin).
    #[serde(default)]
    pub host_node: Option<u32>,
    /// vCPU → host CPU pinning (admin; keys are vCPU numbers as strings).
    #[serde(default)]
    pub cpu_pinning: Option<BTreeMap<String, u32>>,
}

#[derive(Deserialize)]
struct Meta {
    meta: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Addresses {
    addresses: BTreeMap<String, Vec<Address>>,
}

#[derive(Deserialize)]
struct Password {
    #[serde(default)]
    password: Option<String>,
}

fn check_key(key: &str) -> Result<&str, Error> {
    if key.is_empty() {
        Err(Error::InvalidInput("metadata key is empty".into()))
    } else {
        check_id("metadata key", key)
    }
}

impl Api<Server> {
    /// `GET /servers/{id}/metadata`: every metadata item.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded")).metadata("role", "web")).await?.id;
    /// // Booted with `CreateServer::metadata("role", "web")`.
    /// let metadata = servers.metadata(&id).await?;
    /// assert_eq!(metadata.get("role").map(String::as_str), Some("web"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such server.
    pub async fn metadata(&self, id: &str) -> Result<BTreeMap<String, String>, Error> {
        let call = self.item_call(Method::Get, id, &["metadata"])?;
        self.send_for(&call, "metadata").await
    }

    /// `PUT /servers/{id}/metadata` `{"metadata": {...}}`: replaces all metadata (an empty map
    /// removes every item); returns it as stored.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use std::collections::BTreeMap;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded")).metadata("role", "web")).await?.id;
    /// let new = BTreeMap::from([("owner".to_string(), "team-a".to_string())]);
    /// let stored = servers.replace_metadata(&id, &new).await?;
    /// assert_eq!(stored, new); // `role` is gone
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 400 for keys or values over 255 characters, 403 over the metadata quota.
    pub async fn replace_metadata(
        &self,
        id: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, Error> {
        let call = self
            .item_call(Method::Put, id, &["metadata"])?
            .json_body(&json!({ "metadata": metadata }));
        self.send_for(&call, "metadata").await
    }

    /// `POST /servers/{id}/metadata` `{"metadata": {...}}`: adds or changes these items, keeping
    /// the others; returns all metadata.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use std::collections::BTreeMap;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded")).metadata("role", "web")).await?.id;
    /// let change = BTreeMap::from([("owner".to_string(), "team-a".to_string())]);
    /// let all = servers.update_metadata(&id, &change).await?;
    /// assert_eq!(all.keys().collect::<Vec<_>>(), ["owner", "role"]); // `role` is kept
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`replace_metadata`](Self::replace_metadata).
    pub async fn update_metadata(
        &self,
        id: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, Error> {
        let call = self
            .item_call(Method::Post, id, &["metadata"])?
            .json_body(&json!({ "metadata": metadata }));
        self.send_for(&call, "metadata").await
    }

    /// `GET /servers/{id}/metadata/{key}` (`{"meta": {key: value}}`): one item's value.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded")).metadata("role", "web")).await?.id;
    /// assert_eq!(servers.metadata_item(&id, "role").await?, "web");
    /// assert!(servers.metadata_item(&id, "owner").await.unwrap_err().is_not_found());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the server or the key is not there.
    pub async fn metadata_item(&self, id: &str, key: &str) -> Result<String, Error> {
        let call = self.item_call(Method::Get, id, &["metadata", check_key(key)?])?;
        let raw = self.client().execute(&call).await?;
        let meta = raw.json::<Meta>()?.meta;
        meta.get(key).cloned().ok_or_else(|| Error::Decode {
            method: "GET".into(),
            url: crate::error::redact_url(&raw.url),
            path: "meta".into(),
            message: format!("the answer has no key {key:?}"),
        })
    }

    /// `PUT /servers/{id}/metadata/{key}` `{"meta": {key: value}}`: sets one item.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.set_metadata_item(&id, "owner", "team-a").await?;
    /// assert_eq!(servers.metadata_item(&id, "owner").await?, "team-a");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`replace_metadata`](Self::replace_metadata).
    pub async fn set_metadata_item(&self, id: &str, key: &str, value: &str) -> Result<(), Error> {
        let call = self
            .item_call(Method::Put, id, &["metadata", check_key(key)?])?
            .json_body(&json!({ "meta": { key: value } }));
        self.client().execute(&call).await?;
        Ok(())
    }

    /// `DELETE /servers/{id}/metadata/{key}` (204).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded")).metadata("role", "web")).await?.id;
    /// servers.delete_metadata_item(&id, "role").await?;
    /// assert!(servers.metadata(&id).await?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the server or the key is not there.
    pub async fn delete_metadata_item(&self, id: &str, key: &str) -> Result<(), Error> {
        let call = self.item_call(Method::Delete, id, &["metadata", check_key(key)?])?;
        self.client().execute(&call).await?;
        Ok(())
    }

    /// `GET /servers/{id}/ips`: the addresses by network label.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let addresses = client.compute().servers().addresses(&id).await?;
    /// let private = &addresses["private"]; // FakeServer boots on the seeded `private` network
    /// assert_eq!((private[0].addr.as_str(), private[0].version), ("10.0.0.2", 4));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such server.
    pub async fn addresses(&self, id: &str) -> Result<BTreeMap<String, Vec<Address>>, Error> {
        let call = self.item_call(Method::Get, id, &["ips"])?;
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<Addresses>()?
            .addresses)
    }

    /// `GET /servers/{id}/ips/{network_label}` (`{"<label>": [...]}`): the addresses on one
    /// network.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let servers = client.compute().servers();
    /// let on_private = servers.addresses_on(&id, "private").await?;
    /// assert_eq!(on_private.iter().map(|a| a.addr.as_str()).collect::<Vec<_>>(), ["10.0.0.2"]);
    /// // Not on that network: 404.
    /// assert_eq!(servers.addresses_on(&id, "public").await.unwrap_err().status(), Some(404));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the server is not on that network.
    pub async fn addresses_on(&self, id: &str, network_label: &str) -> Result<Vec<Address>, Error> {
        let label = check_id("network label", network_label)?;
        let call = self.item_call(Method::Get, id, &["ips", label])?;
        let raw = self.client().execute(&call).await?;
        let mut by_label = raw.json::<BTreeMap<String, Vec<Address>>>()?;
        Ok(by_label.remove(network_label).unwrap_or_default())
    }

    /// `GET /servers/{id}/os-instance-actions`: the actions recorded on the server, newest first;
    /// finish with `send()`, `into_stream()` or `all()`. Paged from 2.58.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let servers = client.compute().servers();
    /// servers.stop(&id).await?;
    /// let actions = servers.instance_actions(&id)?.all().await?; // newest first
    /// assert_eq!(actions.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(), ["stop", "create"]);
    /// assert!(actions[0].request_id.starts_with("req-"));
    /// assert_eq!(actions[0].user_id.as_deref(), Some(fake.user_id()));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id.
    pub fn instance_actions(&self, id: &str) -> Result<InstanceActionList, Error> {
        let id = check_id("server", id)?;
        Ok(List::new(
            self.client().clone(),
            ServiceType::COMPUTE,
            &["servers", id, "os-instance-actions"],
            "instanceActions",
            "links",
        )
        .paging_from(Some(ApiVersion::new(2, 58))))
    }

    /// `GET /servers/{id}/os-instance-actions/{request_id}`: one action with its events.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let servers = client.compute().servers();
    /// servers.stop(&id).await?;
    /// let stop = servers.instance_actions(&id)?.all().await?.remove(0);
    /// let action = servers.instance_action(&id, &stop.request_id).await?;
    /// assert_eq!(action.events[0].event, "compute_stop_instance");
    /// assert_eq!(action.events[0].result.as_deref(), Some("Success"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the server or the action is not there.
    pub async fn instance_action(
        &self,
        id: &str,
        request_id: &str,
    ) -> Result<InstanceAction, Error> {
        let req = check_id("instance action", request_id)?;
        let call = self.item_call(Method::Get, id, &["os-instance-actions", req])?;
        self.send_for(&call, "instanceAction").await
    }

    /// `GET /servers/{id}/diagnostics` (2.48+, admin): the standard diagnostics.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let diag = client.compute().servers().diagnostics(&id).await?;
    /// // What Nova's fake virt driver reports.
    /// assert_eq!((diag.state.as_deref(), diag.hypervisor.as_deref(), diag.num_cpus), (Some("running"), Some("kvm"), Some(1)));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] below 2.48; [`Error::Api`] 409 when the server is not
    /// running, 501 when the driver has none.
    pub async fn diagnostics(&self, id: &str) -> Result<Diagnostics, Error> {
        let call = self
            .item_call(Method::Get, id, &["diagnostics"])?
            .min_microversion(Some(ApiVersion::new(2, 48)));
        self.client().execute(&call).await?.json()
    }

    /// `GET /servers/{id}/os-server-password`: the admin password the guest posted, encrypted with
    /// the server's key pair and base64-encoded; `None` when there is none (`""`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let servers = client.compute().servers();
    /// assert_eq!(servers.password(&id).await?, None); // the guest posted none yet
    /// fake.post_server_password(&id, "c2VjcmV0IGVuY3J5cHRlZA==");
    /// if let Some(encrypted) = servers.password(&id).await? {
    ///     println!("decrypt with the keypair's private key: {encrypted}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such server.
    pub async fn password(&self, id: &str) -> Result<Option<String>, Error> {
        let call = self.item_call(Method::Get, id, &["os-server-password"])?;
        let pw = self.client().execute(&call).await?.json::<Password>()?;
        Ok(pw.password.filter(|p| !p.is_empty()))
    }

    /// `DELETE /servers/{id}/os-server-password` (204): forgets the stored password (the guest's
    /// own password is not changed).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let servers = client.compute().servers();
    /// fake.post_server_password(&id, "c2VjcmV0IGVuY3J5cHRlZA==");
    /// servers.clear_password(&id).await?;
    /// assert_eq!(servers.password(&id).await?, None);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such server.
    pub async fn clear_password(&self, id: &str) -> Result<(), Error> {
        let call = self.item_call(Method::Delete, id, &["os-server-password"])?;
        self.client().execute(&call).await?;
        Ok(())
    }

    /// `GET /servers/{id}/topology` (2.78+): the guest's NUMA topology.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let topology = client.compute().servers().topology(&id).await?;
    /// // The fake virt driver has no NUMA topology, so neither has a server on it.
    /// assert!(topology.nodes.is_empty());
    /// for node in &topology.nodes {
    ///     println!("host node {:?}: {} MiB, vCPUs {:?}", node.host_node, node.memory_mb, node.vcpu_set);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] below 2.78; [`Error::Api`] 404 when there is no such
    /// server.
    pub async fn topology(&self, id: &str) -> Result<ServerTopology, Error> {
        let call = self
            .item_call(Method::Get, id, &["topology"])?
            .min_microversion(Some(ApiVersion::new(2, 78)));
        self.client().execute(&call).await?.json()
    }
}
