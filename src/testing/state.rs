//! The fake cloud's shared state: settings, identity data, tokens, resources, request log.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::AtomicUsize;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::fault::InjectedFault;
use super::glance::images::Image;
use super::ids;
use super::neutron::address_scopes::AddressScope;
use super::neutron::agents::Agent;
use super::neutron::floating_ips::FloatingIp;
use super::neutron::model::Network;
use super::neutron::port_forwardings::PortForwarding;
use super::neutron::ports::Port;
use super::neutron::qos::QosPolicy;
use super::neutron::rbac_policies::RbacPolicy;
use super::neutron::routers::Router;
use super::neutron::security_groups::{SecurityGroup, SecurityGroupRule};
use super::neutron::subnet_pools::SubnetPool;
use super::neutron::subnets::Subnet;
use super::neutron::trunks::Trunk;
use super::nova::aggregates::Aggregate;
use super::nova::flavors::Flavor;
use super::nova::instance_actions::InstanceAction;
use super::nova::keypairs::Keypair;
use super::nova::migrations::MigrationRecord;
use super::nova::model::Server;
use super::nova::server_groups::ServerGroup;
use super::record::RequestRecord;

/// How many request records are kept (oldest dropped first).
pub(crate) const LOG_CAPACITY: usize = 10_000;

/// Knobs set through [`FakeCloudBuilder`](super::FakeCloudBuilder).
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) token_lifetime: Duration,
    pub(crate) build_delay: Duration,
    pub(crate) delete_delay: Duration,
    pub(crate) action_delay: Duration,
    pub(crate) max_limit: usize,
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) project: String,
    pub(crate) seed_networks: bool,
    pub(crate) seed_flavors: bool,
    pub(crate) seed_images: bool,
    /// The port to bind on 127.0.0.1 (0: any free port).
    pub(crate) port: u16,
    /// Whether the user has the `admin` role (Nova then ignores server locks).
    pub(crate) admin: bool,
    pub(crate) fail_prefix: Option<String>,
    /// Nova's `reclaim_instance_interval`: zero deletes at once, more soft-deletes first.
    pub(crate) reclaim_interval: Duration,
    /// Nova's `shelved_offload_time`: `Some(0)` offloads at once, `None` never.
    pub(crate) shelved_offload: Option<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_lifetime: Duration::from_secs(3600),
            build_delay: Duration::from_millis(300),
            delete_delay: Duration::from_millis(0),
            action_delay: Duration::from_millis(300),
            max_limit: 1000,
            username: "admin".into(),
            password: "secret".into(),
            project: "admin".into(),
            seed_networks: true,
            seed_flavors: true,
            seed_images: true,
            port: 0,
            admin: true,
            fail_prefix: None,
            reclaim_interval: Duration::ZERO,
            shelved_offload: Some(Duration::ZERO),
        }
    }
}

/// One catalog service: type, name, id, and an endpoint id per interface.
pub(crate) struct CatalogService {
    pub(crate) service_type: &'static str,
    pub(crate) name: &'static str,
    pub(crate) id: String,
    /// `(interface, endpoint id)` for public, internal, admin.
    pub(crate) endpoints: Vec<(&'static str, String)>,
    /// Path below the server's base URL, e.g. `/compute/v2.1`.
    pub(crate) path: &'static str,
}

/// Users, projects, roles and the application credential the fake Keystone knows.
pub(crate) struct Identity {
    pub(crate) domain_id: &'static str,
    pub(crate) domain_name: &'static str,
    pub(crate) user_id: String,
    pub(crate) project_id: String,
    pub(crate) roles: Vec<(String, &'static str)>,
    pub(crate) app_cred_id: String,
    pub(crate) app_cred_name: &'static str,
    pub(crate) app_cred_secret: String,
    pub(crate) catalog: Vec<CatalogService>,
    /// Nova `hostId` of the single fake compute host.
    pub(crate) host_id: String,
}

impl Identity {
    pub(crate) fn generate() -> Self {
        let service = |service_type, name, path| CatalogService {
            service_type,
            name,
            id: ids::hex_id(),
            endpoints: ["public", "internal", "admin"]
                .into_iter()
                .map(|i| (i, ids::hex_id()))
                .collect(),
            path,
        };
        Identity {
            domain_id: "default",
            domain_name: "Default",
            user_id: ids::hex_id(),
            project_id: ids::hex_id(),
            roles: ["admin", "member", "reader"]
                .into_iter()
                .map(|r| (ids::hex_id(), r))
                .collect(),
            app_cred_id: ids::hex_id(),
            app_cred_name: "stackclient-fake",
            app_cred_secret: ids::url_safe(43),
            catalog: vec![
                service("identity", "keystone", "/identity/v3"),
                service("compute", "nova", "/compute/v2.1"),
                service("network", "neutron", "/network"),
                service("image", "glance", "/image"),
            ],
            host_id: ids::hex_string(56),
        }
    }
}

/// A Keystone project (in domain `Default`).
#[derive(Clone, Debug)]
pub(crate) struct Project {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// A Keystone user (in domain `Default`) with roles on exactly one project: `member` and `reader`,
/// and `admin` too when `admin` is set.
#[derive(Clone, Debug)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) password: String,
    pub(crate) project_id: String,
    pub(crate) admin: bool,
}

/// Who a request's token speaks for: its scope, user, project (empty unless project-scoped) and
/// whether it carries the `admin` role.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    pub(crate) scope: TokenScope,
    pub(crate) user_id: String,
    pub(crate) project_id: String,
    pub(crate) admin: bool,
}

/// What a token is scoped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenScope {
    Unscoped,
    Project,
    Domain,
    System,
}

/// An issued token.
pub(crate) struct Token {
    pub(crate) expires: Instant,
    pub(crate) issued_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) methods: Vec<&'static str>,
    pub(crate) scope: TokenScope,
    pub(crate) audit_id: String,
    pub(crate) app_cred: bool,
    pub(crate) user_id: String,
    /// The project of a project-scoped token, else empty.
    pub(crate) project_id: String,
    /// Whether the token carries the `admin` role.
    pub(crate) admin: bool,
}

impl Token {
    /// A token issued now to `caller`, valid for `lifetime`.
    pub(crate) fn new(
        lifetime: Duration,
        methods: Vec<&'static str>,
        caller: Caller,
        app_cred: bool,
    ) -> Self {
        let (expires, _) = ids::deadline(lifetime);
        let issued_at = Utc::now();
        Token {
            expires,
            issued_at,
            expires_at: ids::wall_after(issued_at, lifetime),
            methods,
            scope: caller.scope,
            audit_id: ids::url_safe(22),
            app_cred,
            user_id: caller.user_id,
            project_id: caller.project_id,
            admin: caller.admin,
        }
    }
}

/// Mutable state, behind one mutex that is never held across an `.await`.
#[derive(Default)]
pub(crate) struct State {
    /// Keystone projects, the fake's own first.
    pub(crate) projects: Vec<Project>,
    /// Keystone users, the fake's own first.
    pub(crate) users: Vec<User>,
    pub(crate) tokens: HashMap<String, Token>,
    /// Every server ever created, deleted ones kept as tombstones (for `changes-since`).
    pub(crate) servers: Vec<Server>,
    pub(crate) networks: Vec<Network>,
    pub(crate) subnets: Vec<Subnet>,
    pub(crate) ports: Vec<Port>,
    pub(crate) routers: Vec<Router>,
    pub(crate) floating_ips: Vec<FloatingIp>,
    /// Security groups of every project (each project's `default` made on first use).
    pub(crate) security_groups: Vec<SecurityGroup>,
    pub(crate) security_group_rules: Vec<SecurityGroupRule>,
    /// Neutron address scopes.
    pub(crate) address_scopes: Vec<AddressScope>,
    /// Neutron subnet pools.
    pub(crate) subnet_pools: Vec<SubnetPool>,
    /// Neutron RBAC policies (the wildcard ones mirror `shared` / `router:external`).
    pub(crate) rbac_policies: Vec<RbacPolicy>,
    /// Port forwardings of floating IPs.
    pub(crate) port_forwardings: Vec<PortForwarding>,
    /// Neutron quotas set per project (resource to limit; the rest are defaults).
    pub(crate) network_quotas: BTreeMap<String, BTreeMap<String, i64>>,
    /// Neutron agents (seeded: one ML2/OVS node).
    pub(crate) agents: Vec<Agent>,
    /// Neutron QoS policies with their rules.
    pub(crate) qos_policies: Vec<QosPolicy>,
    /// Neutron trunks.
    pub(crate) trunks: Vec<Trunk>,
    /// Glance images: the seeds and server snapshots.
    pub(crate) images: Vec<Image>,
    /// Nova flavors, sorted by id.
    pub(crate) flavors: Vec<Flavor>,
    pub(crate) log: VecDeque<RequestRecord>,
    pub(crate) faults: Vec<InjectedFault>,
    /// When set, every new server build fails with this message.
    pub(crate) build_failure: Option<String>,
    /// Nova keypairs of every user.
    pub(crate) keypairs: Vec<Keypair>,
    /// Sequence for keypair ids.
    pub(crate) keypair_seq: u64,
    /// Nova server groups, in creation order.
    pub(crate) server_groups: Vec<ServerGroup>,
    /// Sequence for servers (creation order) and `instance-%08x` names.
    pub(crate) server_seq: u64,
    /// Next third octet for a created network's `10.x.0.0/24`.
    pub(crate) next_net_octet: u8,
    /// Next provider segmentation id.
    pub(crate) next_segment: u32,
    /// Nova instance actions of every server (deleted ones too), oldest first.
    pub(crate) instance_actions: Vec<InstanceAction>,
    /// Nova migration records (resizes, cold and live migrations, evacuations), oldest first.
    pub(crate) migrations: Vec<MigrationRecord>,
    /// Nova host aggregates, in creation order.
    pub(crate) aggregates: Vec<Aggregate>,
    /// Sequence for integer ids (migrations, aggregates).
    pub(crate) nova_seq: u64,
    /// Quota limits set with `PUT /os-quota-sets/{project}`, by project.
    pub(crate) quotas: HashMap<String, std::collections::BTreeMap<String, i64>>,
    /// The state of the fake's `nova-compute` service (`PUT /os-services/{id}`).
    pub(crate) compute_service: super::nova::services::ServiceState,
    /// Encrypted admin passwords posted by guests (`os-server-password`), by server id.
    pub(crate) server_passwords: HashMap<String, String>,
    /// Projects given access to private flavors, by flavor id, in the order added.
    pub(crate) flavor_access: HashMap<String, Vec<String>>,
}

/// Everything a request handler can reach.
pub(crate) struct Shared {
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    pub(crate) settings: Settings,
    pub(crate) identity: Identity,
    pub(crate) token_requests: AtomicUsize,
    state: Mutex<State>,
}

impl Shared {
    pub(crate) fn new(base: String, settings: Settings) -> Self {
        let identity = Identity::generate();
        let mut state = State {
            projects: vec![Project {
                id: identity.project_id.clone(),
                name: settings.project.clone(),
            }],
            users: vec![User {
                id: identity.user_id.clone(),
                name: settings.username.clone(),
                password: settings.password.clone(),
                project_id: identity.project_id.clone(),
                admin: settings.admin,
            }],
            next_net_octet: 1,
            next_segment: 1,
            agents: Agent::seeds(),
            ..State::default()
        };
        if settings.seed_images {
            state.images = Image::seeds(&identity.project_id);
        }
        if settings.seed_flavors {
            state.flavors = Flavor::seeds();
        }
        if settings.seed_networks {
            state.networks = Network::seeds(&identity.project_id, &mut state.next_segment);
            state.subnets = Subnet::seeds(&state.networks);
            let flags: Vec<_> = state
                .networks
                .iter()
                .map(|n| (n.id.clone(), n.project_id.clone(), n.shared, n.external))
                .collect();
            for (id, owner, shared, external) in flags {
                super::neutron::networks::sync_rbac(&mut state, &id, &owner, shared, external);
            }
        }
        Shared {
            base,
            settings,
            identity,
            token_requests: AtomicUsize::new(0),
            state: Mutex::new(state),
        }
    }

    /// Locks the state; a poisoned lock is recovered (handlers never leave it half-updated).
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Who the request's `X-Auth-Token` speaks for, `None` when it is absent, unknown or expired.
    pub(crate) fn caller(&self, token: Option<&str>) -> Option<Caller> {
        let token = token?;
        let state = self.lock();
        let t = state.tokens.get(token)?;
        (Instant::now() < t.expires).then(|| Caller {
            scope: t.scope,
            user_id: t.user_id.clone(),
            project_id: t.project_id.clone(),
            admin: t.admin,
        })
    }

    /// The fake's own user in its own project, project-scoped: who seeds act as by default.
    pub(crate) fn primary_caller(&self) -> Caller {
        Caller {
            scope: TokenScope::Project,
            user_id: self.identity.user_id.clone(),
            project_id: self.identity.project_id.clone(),
            admin: self.settings.admin,
        }
    }

    /// Keystone's public URL (`http://127.0.0.1:PORT/identity`), used in `WWW-Authenticate`.
    pub(crate) fn identity_url(&self) -> String {
        format!("{}/identity", self.base)
    }
}
