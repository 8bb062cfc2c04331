//! A Neutron network and its JSON shape.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::testing::ids;

/// A network.
#[derive(Clone, Debug)]
pub(crate) struct Network {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) project_id: String,
    pub(crate) admin_state_up: bool,
    pub(crate) shared: bool,
    pub(crate) external: bool,
    pub(crate) mtu: u64,
    pub(crate) port_security_enabled: bool,
    pub(crate) dns_domain: String,
    pub(crate) availability_zone_hints: Vec<String>,
    pub(crate) qos_policy_id: Option<String>,
    pub(crate) is_default: bool,
    pub(crate) revision_number: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) subnets: Vec<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) network_type: String,
    pub(crate) physical_network: Option<String>,
    pub(crate) segmentation_id: Option<u64>,
    /// First three octets of the addresses handed to servers, e.g. `10.0.0`.
    pub(crate) prefix: String,
    /// Next host octet to hand out.
    pub(crate) next_host: u8,
}

impl Network {
    /// A new network with Neutron's defaults (ACTIVE, admin up, geneve, MTU 1442).
    pub(crate) fn new(name: String, project_id: String, prefix: String, segment: u64) -> Self {
        let now = Utc::now();
        Network {
            id: ids::uuid4(),
            name,
            description: String::new(),
            project_id,
            admin_state_up: true,
            shared: false,
            external: false,
            mtu: 1442,
            port_security_enabled: true,
            dns_domain: String::new(),
            availability_zone_hints: Vec::new(),
            qos_policy_id: None,
            is_default: false,
            revision_number: 1,
            created_at: now,
            updated_at: now,
            subnets: Vec::new(),
            tags: Vec::new(),
            network_type: "geneve".into(),
            physical_network: None,
            segmentation_id: Some(segment),
            prefix,
            next_host: 10,
        }
    }

    /// `public` (external, flat on physnet `public`, 172.24.4.0/24) and `private` (geneve,
    /// 10.0.0.0/24), both owned by the fake's project, like a fresh devstack.
    pub(crate) fn seeds(project_id: &str, next_segment: &mut u32) -> Vec<Network> {
        let mut public = Network::new("public".into(), project_id.into(), "172.24.4".into(), 0);
        public.external = true;
        public.mtu = 1500;
        public.is_default = true;
        public.network_type = "flat".into();
        public.physical_network = Some("public".into());
        public.segmentation_id = None;
        public.subnets = vec![ids::uuid4()];
        let segment = u64::from(*next_segment);
        *next_segment += 1;
        let mut private = Network::new(
            "private".into(),
            project_id.into(),
            "10.0.0".into(),
            segment,
        );
        private.subnets = vec![ids::uuid4()];
        vec![public, private]
    }

    /// The next free address, e.g. `10.0.0.10`; wraps after `.250`.
    pub(crate) fn allocate_ip(&mut self) -> String {
        let host = self.next_host;
        self.next_host = if host >= 250 { 10 } else { host + 1 };
        format!("{}.{host}", self.prefix)
    }

    /// The full API body, every field of the reference (the caller is admin, so `provider:*`
    /// are shown).
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("description".into(), json!(self.description));
        m.insert("status".into(), json!("ACTIVE"));
        m.insert("admin_state_up".into(), json!(self.admin_state_up));
        m.insert("shared".into(), json!(self.shared));
        m.insert("router:external".into(), json!(self.external));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("tenant_id".into(), json!(self.project_id));
        m.insert("mtu".into(), json!(self.mtu));
        m.insert(
            "port_security_enabled".into(),
            json!(self.port_security_enabled),
        );
        m.insert("dns_domain".into(), json!(self.dns_domain));
        m.insert(
            "availability_zone_hints".into(),
            json!(self.availability_zone_hints),
        );
        m.insert("availability_zones".into(), json!(["nova"]));
        m.insert("ipv4_address_scope".into(), Value::Null);
        m.insert("ipv6_address_scope".into(), Value::Null);
        m.insert("l2_adjacency".into(), json!(true));
        m.insert("qos_policy_id".into(), json!(self.qos_policy_id));
        m.insert("is_default".into(), json!(self.is_default));
        m.insert("revision_number".into(), json!(self.revision_number));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("subnets".into(), json!(self.subnets));
        m.insert("tags".into(), json!(self.tags));
        m.insert("provider:network_type".into(), json!(self.network_type));
        m.insert(
            "provider:physical_network".into(),
            json!(self.physical_network),
        );
        m.insert(
            "provider:segmentation_id".into(),
            json!(self.segmentation_id),
        );
        m
    }
}
