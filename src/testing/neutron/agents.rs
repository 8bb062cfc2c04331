//! `/v2.0/agents[/{id}]` (`agent`; list, show, update, delete; admin only) and
//! `/v2.0/availability_zones` (`availability_zone`; what the agents report).
//!
//! The fake's one host runs the agents of an ML2/OVS deployment: Open vSwitch, DHCP (zone
//! `nova`, so networks are in `nova`), L3 (zone `nova`, for routers) and metadata, all alive,
//! with the configurations the API reference shows. A deleted agent stays deleted (a real one
//! comes back at its next report). Without the admin role the list is empty and an agent is 404,
//! as Neutron's policy hides them.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::body::{attrs, check_keys, nullable_str, opt_bool};
use super::error;
use super::networks::{Collection, list_collection, project};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// The host the agents run on (Nova's compute host too).
const HOST: &str = crate::testing::nova::view::HOST;

/// A Neutron agent of the fake.
#[derive(Clone, Debug)]
pub(crate) struct Agent {
    pub(crate) id: String,
    pub(crate) agent_type: &'static str,
    pub(crate) binary: &'static str,
    pub(crate) topic: &'static str,
    pub(crate) availability_zone: Option<&'static str>,
    pub(crate) admin_state_up: bool,
    pub(crate) description: Option<String>,
    pub(crate) configurations: Value,
    pub(crate) started_at: DateTime<Utc>,
}

impl Agent {
    /// The agents of one ML2/OVS network node, started now.
    pub(crate) fn seeds() -> Vec<Agent> {
        let now = Utc::now();
        let agent = |agent_type, binary, topic, zone, configurations| Agent {
            id: ids::uuid4(),
            agent_type,
            binary,
            topic,
            availability_zone: zone,
            admin_state_up: true,
            description: None,
            configurations,
            started_at: now,
        };
        vec![
            agent(
                "Open vSwitch agent",
                "neutron-openvswitch-agent",
                "N/A",
                None,
                json!({
                    "bridge_mappings": {"public": "br-ex"},
                    "tunnel_types": ["vxlan"],
                    "tunneling_ip": "127.0.0.1",
                    "datapath_type": "system",
                    "l2_population": false,
                    "arp_responder_enabled": false,
                    "enable_distributed_routing": false,
                    "in_distributed_mode": false,
                    "ovs_hybrid_plug": false,
                    "devices": 0,
                    "extensions": [],
                    "log_agent_heartbeats": false,
                }),
            ),
            agent(
                "DHCP agent",
                "neutron-dhcp-agent",
                "dhcp_agent",
                Some("nova"),
                json!({
                    "dhcp_driver": "neutron.agent.linux.dhcp.Dnsmasq",
                    "dhcp_lease_duration": 86400,
                    "log_agent_heartbeats": false,
                    "networks": 0,
                    "notifies_port_ready": true,
                    "ports": 0,
                    "subnets": 0,
                }),
            ),
            agent(
                "L3 agent",
                "neutron-l3-agent",
                "l3_agent",
                Some("nova"),
                json!({
                    "agent_mode": "legacy",
                    "ex_gw_ports": 0,
                    "extensions": [],
                    "floating_ips": 0,
                    "gateway_external_network_id": "",
                    "handle_internal_only_routers": true,
                    "interface_driver": "openvswitch",
                    "interfaces": 0,
                    "log_agent_heartbeats": false,
                    "routers": 0,
                }),
            ),
            agent(
                "Metadata agent",
                "neutron-metadata-agent",
                "N/A",
                None,
                json!({
                    "log_agent_heartbeats": false,
                    "metadata_proxy_socket": "/opt/stack/data/neutron/metadata_proxy",
                    "nova_metadata_host": "127.0.0.1",
                    "nova_metadata_port": 8775,
                }),
            ),
        ]
    }

    /// The API body; the heartbeat is now (the agents are alive).
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("agent_type".into(), json!(self.agent_type));
        m.insert("binary".into(), json!(self.binary));
        m.insert("topic".into(), json!(self.topic));
        m.insert("host".into(), json!(HOST));
        m.insert("admin_state_up".into(), json!(self.admin_state_up));
        m.insert("created_at".into(), json!(stamp(self.started_at)));
        m.insert("started_at".into(), json!(stamp(self.started_at)));
        m.insert("heartbeat_timestamp".into(), json!(stamp(Utc::now())));
        m.insert("description".into(), json!(self.description));
        m.insert("resources_synced".into(), Value::Null);
        m.insert("availability_zone".into(), json!(self.availability_zone));
        m.insert("alive".into(), json!(true));
        m.insert("configurations".into(), self.configurations.clone());
        m
    }
}

/// 404 `AgentNotFound`.
fn agent_not_found(id: &str) -> Resp {
    error(
        404,
        "AgentNotFound",
        &format!("Agent {id} could not be found."),
    )
}

const FILTERABLE: [&str; 8] = [
    "id",
    "agent_type",
    "binary",
    "topic",
    "host",
    "admin_state_up",
    "alive",
    "availability_zone",
];

fn visible<'a>(ctx: &Ctx<'_>, state: &'a State) -> &'a [Agent] {
    if ctx.is_admin() { &state.agents } else { &[] }
}

/// `GET /v2.0/agents`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        visible(ctx, &state).iter().map(Agent::to_json).collect()
    };
    let c = Collection {
        name: "agents",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: agent_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/agents/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match visible(ctx, &state).iter().find(|a| a.id == id) {
        Some(a) => Resp::json(200, &json!({"agent": project(ctx.req, a.to_json())})),
        None => agent_not_found(id),
    }
}

/// `PUT /v2.0/agents/{id}`: `admin_state_up`, `description` (a string or `null`).
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let parsed = (|| {
        let a = attrs(ctx, "agent")?;
        check_keys(
            &a,
            "PUT",
            &["admin_state_up", "description"],
            &[
                "id",
                "agent_type",
                "binary",
                "topic",
                "host",
                "alive",
                "availability_zone",
                "configurations",
                "created_at",
                "started_at",
                "heartbeat_timestamp",
                "resources_synced",
            ],
        )?;
        Ok::<_, Resp>((
            opt_bool(&a, "admin_state_up")?,
            nullable_str(&a, "description")?,
        ))
    })();
    let (up, description) = match parsed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    let Some(agent) = state.agents.iter_mut().find(|a| admin && a.id == id) else {
        return agent_not_found(id);
    };
    if let Some(up) = up {
        agent.admin_state_up = up;
    }
    if let Some(d) = description {
        agent.description = d;
    }
    Resp::json(200, &json!({"agent": agent.to_json()}))
}

/// `DELETE /v2.0/agents/{id}`: 204.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let admin = ctx.is_admin();
    let mut state = ctx.shared.lock();
    if !admin || !state.agents.iter().any(|a| a.id == id) {
        return agent_not_found(id);
    }
    state.agents.retain(|a| a.id != id);
    Resp::empty(204)
}

/// `GET /v2.0/availability_zones`: one zone per `(zone, resource)` the agents report, `network`
/// for DHCP agents and `router` for L3 agents, `available` while one of them is up; filters
/// on `name`, `resource`, `state`.
pub(crate) fn availability_zones(ctx: &Ctx<'_>) -> Resp {
    let mut zones: Vec<(String, &str, bool)> = Vec::new();
    {
        let state = ctx.shared.lock();
        for a in &state.agents {
            let resource = match a.agent_type {
                "DHCP agent" => "network",
                "L3 agent" => "router",
                _ => continue,
            };
            let Some(zone) = a.availability_zone else {
                continue;
            };
            match zones.iter_mut().find(|z| z.0 == zone && z.1 == resource) {
                Some(z) => z.2 |= a.admin_state_up,
                None => zones.push((zone.to_string(), resource, a.admin_state_up)),
            }
        }
    }
    let all: Vec<Map<String, Value>> = zones
        .into_iter()
        .map(|(name, resource, up)| {
            let mut m = Map::new();
            m.insert("name".into(), json!(name));
            m.insert("resource".into(), json!(resource));
            m.insert(
                "state".into(),
                json!(if up { "available" } else { "unavailable" }),
            );
            m
        })
        .collect();
    let mut out = Vec::new();
    for item in all {
        let keep = ["name", "resource", "state"].iter().all(|key| {
            let wanted: Vec<&str> = ctx.req.query_all(key).collect();
            wanted.is_empty() || wanted.contains(&item[*key].as_str().unwrap_or_default())
        });
        if keep {
            out.push(Value::Object(item));
        }
    }
    Resp::json(200, &json!({"availability_zones": out}))
}
