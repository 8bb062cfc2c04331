//! Agents (`agent` extension, admin): `GET /v2.0/agents`, `GET/PUT/DELETE /v2.0/agents/{agent_id}`.
//!
//! Agents register themselves (no `POST`); an admin may disable one (`admin_state_up: false`),
//! describe it, or delete the record of an agent that is gone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lenient;
use crate::field::Field;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, NameFilter, RequestBody, Resource, Updatable};
use crate::timestamp;

/// An agent as `GET /v2.0/agents[/{id}]` returns it (inside `agent` / `agents[]`).
///
/// Timestamps are sent as `2017-09-12 19:40:38` (no zone): UTC.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Agent {
    /// Agent ID (UUID).
    pub id: String,
    /// The kind, e.g. `Open vSwitch agent`, `DHCP agent`, `L3 agent`, `Metadata agent`.
    pub agent_type: String,
    /// The program, e.g. `neutron-openvswitch-agent`.
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub binary: String,
    /// The RPC topic, e.g. `dhcp_agent` (`N/A` for L2 agents).
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub topic: String,
    /// The host it runs on.
    pub host: String,
    /// Administrative state: `false` means no new networks or routers are scheduled to it.
    #[serde(default)]
    pub admin_state_up: bool,
    /// Whether its last heartbeat is recent enough.
    #[serde(default)]
    pub alive: bool,
    /// Free-text description (`None` when never set).
    #[serde(default)]
    pub description: Option<String>,
    /// Its availability zone (DHCP and L3 agents), else `None`.
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// When it last reported (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub heartbeat_timestamp: Option<DateTime<Utc>>,
    /// When it last started (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub started_at: Option<DateTime<Utc>>,
    /// When it first registered (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// Whether its resources are in sync after a (re)start (`agent-resources-synced`; `None` when
    /// the agent does not say).
    #[serde(default)]
    pub resources_synced: Option<bool>,
    /// The agent's own report, free-form JSON whose keys depend on the agent type (e.g.
    /// `bridge_mappings`, `tunnel_types`, `devices`); `null` when not sent.
    #[serde(default)]
    pub configurations: serde_json::Value,
}

impl Resource for Agent {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "agent";
    const COLLECTION: &'static [&'static str] = &["agents"];
    const SINGULAR: &'static str = "agent";
    const PLURAL: &'static str = "agents";
    const LINKS: &'static str = "agents_links";
    const NAME_FILTER: NameFilter = NameFilter::None;

    fn id(&self) -> &str {
        &self.id
    }

    /// Agents have no name: their host.
    fn name(&self) -> Option<&str> {
        None
    }
}

impl Updatable for Agent {
    type Update = UpdateAgent;
}

/// Agent operations (`client.network().agents()`, admin): `list()` with filters, `get`, `update`
/// ([`UpdateAgent`]), `delete` (Neutron refuses to delete an alive agent's record only by policy;
/// it comes back at its next report).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::UpdateAgent;
/// let agents = client.network().agents();
/// assert!(agents.list().alive(false).all().await?.is_empty()); // the fake's agents are all alive
/// let l3 = agents.list().agent_type("L3 agent").all().await?.remove(0);
/// assert_eq!((l3.binary.as_str(), l3.availability_zone.as_deref()), ("neutron-l3-agent", Some("nova")));
/// let l3 = agents.update(&l3.id, &UpdateAgent::new().admin_state_up(false).description("drained")).await?;
/// assert!(!l3.admin_state_up);
/// # Ok(()) }
/// ```
pub type Agents = Api<Agent>;

impl List<Agent> {
    /// `agent_type`, e.g. `DHCP agent`.
    pub fn agent_type(self, agent_type: &str) -> Self {
        self.param("agent_type", agent_type)
    }

    /// `host`.
    pub fn host(self, host: &str) -> Self {
        self.param("host", host)
    }

    /// `binary`, e.g. `neutron-l3-agent`.
    pub fn binary(self, binary: &str) -> Self {
        self.param("binary", binary)
    }

    /// `topic`.
    pub fn topic(self, topic: &str) -> Self {
        self.param("topic", topic)
    }

    /// `alive`.
    pub fn alive(self, alive: bool) -> Self {
        self.param("alive", alive)
    }

    /// `admin_state_up`.
    pub fn admin_state_up(self, up: bool) -> Self {
        self.param("admin_state_up", up)
    }

    /// `availability_zone`.
    pub fn availability_zone(self, zone: &str) -> Self {
        self.param("availability_zone", zone)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct UpdateAgentFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    admin_state_up: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
}

/// The body of `PUT /v2.0/agents/{id}`: only the fields set are sent.
///
/// ```
/// use stackclient::network::UpdateAgent;
/// let req = UpdateAgent::new().admin_state_up(false).clear_description();
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"agent": {"admin_state_up": false, "description": null}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateAgent {
    agent: UpdateAgentFields,
}

impl UpdateAgent {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Enable or disable scheduling to the agent.
    pub fn admin_state_up(mut self, up: bool) -> Self {
        self.agent.admin_state_up = Field::Value(up);
        self
    }

    /// New description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.agent.description = Field::Value(description.into());
        self
    }

    /// Clears the description (`"description": null`).
    pub fn clear_description(mut self) -> Self {
        self.agent.description = Field::Null;
        self
    }
}

impl RequestBody for UpdateAgent {}
