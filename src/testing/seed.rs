//! Seeding: flavors, images, networks (with subnets), keypairs and servers a test starts from.
//!
//! Networks, subnets, keypairs and servers are made through the fake's own API handlers (with
//! the fake's user and project, unlogged), so a seeded resource looks exactly like one a client
//! created and the same validation applies; flavors and images, which the fake serves read-only,
//! are added to its state directly.

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::Utc;
use hyper::Method;
use hyper::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::glance::images::Image;
use super::http::{Req, Resp};
use super::ids;
use super::nova::flavors::{self, Flavor};
use super::projects::{self, FakeProject};
use super::server;
use super::state::{Caller, Shared, TokenScope};

/// Why the fake cloud refused a seed: the status and message its API answered (or would
/// answer) for the same request, e.g. `400 Flavor 9 could not be found.`
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeedError {
    /// The HTTP status the service answered, e.g. 400, 404, 409.
    pub status: u16,
    /// The fault message, e.g. `Invalid key_name provided.`
    pub message: String,
}

impl SeedError {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        SeedError {
            status,
            message: message.into(),
        }
    }

    /// The message of a fault body (Nova `{"badRequest": {"message"}}`, Neutron
    /// `{"NeutronError": {"message"}}`, Keystone `{"error": {"message"}}`, Glance `{"message"}`).
    fn from_resp(resp: &Resp) -> Self {
        let body = resp.json_value().unwrap_or(Value::Null);
        let message = body
            .get("message")
            .or_else(|| {
                body.as_object()
                    .and_then(|m| m.values().next())
                    .and_then(|inner| inner.get("message"))
            })
            .and_then(Value::as_str)
            .unwrap_or("the fake cloud refused the request")
            .to_string();
        SeedError::new(resp.status, message)
    }
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the fake cloud refused the seed ({}): {}",
            self.status, self.message
        )
    }
}

impl std::error::Error for SeedError {}

impl From<SeedError> for std::io::Error {
    fn from(e: SeedError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e)
    }
}

/// A flavor to add to the fake Nova, with [`FakeCloud::add_flavor`](super::FakeCloud::add_flavor)
/// or [`FakeCloudBuilder::flavor`](super::FakeCloudBuilder::flavor).
///
/// Defaults: a random UUID as id (as Nova picks one when `id` is `auto`), 512 MiB RAM, 1 GiB
/// disk, 1 vCPU, no ephemeral disk or swap, public, no description or extra specs.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stackclient::testing::{FakeCloud, FakeFlavor};
///
/// let fake = FakeCloud::start().await?;
/// let id = fake.add_flavor(
///     FakeFlavor::new("m1.large").id("5").ram(8192).vcpus(4).disk(80).extra_spec("hw:cpu_policy", "dedicated"),
/// )?;
/// assert_eq!(id, "5");
/// let flavor = fake.client()?.compute().flavors().get("5").await?;
/// assert_eq!((flavor.name.as_str(), flavor.ram, flavor.vcpus, flavor.disk), ("m1.large", 8192, 4, 80));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct FakeFlavor {
    id: Option<String>,
    name: String,
    ram: u64,
    disk: u64,
    vcpus: u64,
    ephemeral: u64,
    swap: u64,
    is_public: bool,
    description: Option<String>,
    extra_specs: BTreeMap<String, String>,
}

impl FakeFlavor {
    /// A flavor named `name` with the defaults above.
    pub fn new(name: impl Into<String>) -> Self {
        FakeFlavor {
            id: None,
            name: name.into(),
            ram: 512,
            disk: 1,
            vcpus: 1,
            ephemeral: 0,
            swap: 0,
            is_public: true,
            description: None,
            extra_specs: BTreeMap::new(),
        }
    }

    /// The flavor id (Nova's `flavorid`: any string, e.g. `"5"` or a UUID).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Memory in MiB.
    pub fn ram(mut self, mib: u64) -> Self {
        self.ram = mib;
        self
    }

    /// Root disk in GiB (0: the image's size, as Nova treats it).
    pub fn disk(mut self, gib: u64) -> Self {
        self.disk = gib;
        self
    }

    /// Virtual CPUs.
    pub fn vcpus(mut self, n: u64) -> Self {
        self.vcpus = n;
        self
    }

    /// Ephemeral disk in GiB (`OS-FLV-EXT-DATA:ephemeral`).
    pub fn ephemeral(mut self, gib: u64) -> Self {
        self.ephemeral = gib;
        self
    }

    /// Swap in MiB.
    pub fn swap(mut self, mib: u64) -> Self {
        self.swap = mib;
        self
    }

    /// Whether the flavor is public (`os-flavor-access:is_public`; default `true`). The fake's
    /// user is admin by default and sees private flavors too.
    pub fn public(mut self, is_public: bool) -> Self {
        self.is_public = is_public;
        self
    }

    /// The description (shown from microversion 2.55).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// One extra spec (shown in `extra_specs` from 2.61, and in servers' embedded flavor from
    /// 2.47).
    pub fn extra_spec(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_specs.insert(key.into(), value.into());
        self
    }
}

/// An image to add to the fake Glance, with [`FakeCloud::add_image`](super::FakeCloud::add_image)
/// or [`FakeCloudBuilder::image`](super::FakeCloudBuilder::image).
///
/// Defaults: a random UUID as id, `active`, `public`, `qcow2` in `bare`, 21 430 272 bytes
/// (CirrOS's size), no minimum RAM or disk, no tags or properties, owned by the fake's project.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stackclient::testing::{FakeCloud, FakeImage};
///
/// let fake = FakeCloud::start().await?;
/// let id = fake.add_image(FakeImage::new("golden").min_disk(10).tag("prod").property("os_distro", "rocky"))?;
/// let image = fake.client()?.image().images().get(&id).await?;
/// assert_eq!(image.name.as_deref(), Some("golden"));
/// assert_eq!(image.min_disk, 10);
/// assert_eq!(image.tags, ["prod"]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct FakeImage {
    id: Option<String>,
    name: String,
    queued: bool,
    visibility: String,
    protected: bool,
    hidden: bool,
    size: u64,
    min_ram: u64,
    min_disk: u64,
    disk_format: String,
    container_format: String,
    tags: Vec<String>,
    properties: Map<String, Value>,
    project: Option<String>,
}

impl FakeImage {
    /// An image named `name` with the defaults above.
    pub fn new(name: impl Into<String>) -> Self {
        FakeImage {
            id: None,
            name: name.into(),
            queued: false,
            visibility: "public".into(),
            protected: false,
            hidden: false,
            size: 21_430_272,
            min_ram: 0,
            min_disk: 0,
            disk_format: "qcow2".into(),
            container_format: "bare".into(),
            tags: Vec::new(),
            properties: Map::new(),
            project: None,
        }
    }

    /// The project (by name) that owns it, one added with
    /// [`FakeCloudBuilder::with_project`](super::FakeCloudBuilder::with_project); default the
    /// fake's own. A `private` image is seen only by its project (and admins).
    pub fn project(mut self, name: impl Into<String>) -> Self {
        self.project = Some(name.into());
        self
    }

    /// The image id (a UUID, as Glance requires).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// `public` (default), `private`, `shared` or `community`.
    pub fn visibility(mut self, visibility: impl Into<String>) -> Self {
        self.visibility = visibility.into();
        self
    }

    /// Status `queued` (created, no data uploaded; servers cannot boot from it) instead of
    /// `active`.
    pub fn queued(mut self) -> Self {
        self.queued = true;
        self
    }

    /// `protected` (cannot be deleted: 403).
    pub fn protected(mut self, protected: bool) -> Self {
        self.protected = protected;
        self
    }

    /// `os_hidden` (left out of lists unless asked for).
    pub fn hidden(mut self, hidden: bool) -> Self {
        self.hidden = hidden;
        self
    }

    /// Size in bytes (also the virtual size).
    pub fn size(mut self, bytes: u64) -> Self {
        self.size = bytes;
        self
    }

    /// The RAM a server needs to boot it, in MiB (a smaller flavor is refused with Nova's 400).
    pub fn min_ram(mut self, mib: u64) -> Self {
        self.min_ram = mib;
        self
    }

    /// The disk a server needs to boot it, in GiB.
    pub fn min_disk(mut self, gib: u64) -> Self {
        self.min_disk = gib;
        self
    }

    /// The disk format (`qcow2`, `raw`, …).
    pub fn disk_format(mut self, format: impl Into<String>) -> Self {
        self.disk_format = format.into();
        self
    }

    /// The container format (`bare`, `ovf`, …).
    pub fn container_format(mut self, format: impl Into<String>) -> Self {
        self.container_format = format.into();
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Adds a property (shown as a top-level string attribute, filterable in lists).
    pub fn property(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties
            .insert(key.into(), Value::String(value.into()));
        self
    }
}

/// A subnet of a [`FakeNetwork`] (IPv4; the fake does not model IPv6).
///
/// Defaults: a random UUID as id, name `<network>-subnet`, Neutron's defaults for the rest
/// (gateway the first address, one allocation pool of the others, DHCP on).
#[derive(Clone, Debug)]
pub struct FakeSubnet {
    id: Option<String>,
    name: Option<String>,
    cidr: String,
    gateway_ip: Option<Option<String>>,
    enable_dhcp: Option<bool>,
}

impl FakeSubnet {
    /// A subnet of `cidr`, e.g. `10.9.0.0/24`.
    pub fn new(cidr: impl Into<String>) -> Self {
        FakeSubnet {
            id: None,
            name: None,
            cidr: cidr.into(),
            gateway_ip: None,
            enable_dhcp: None,
        }
    }

    /// The subnet id (a UUID).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The subnet name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The gateway address (must be inside the CIDR).
    pub fn gateway_ip(mut self, ip: impl Into<String>) -> Self {
        self.gateway_ip = Some(Some(ip.into()));
        self
    }

    /// No gateway (`gateway_ip: null`).
    pub fn no_gateway(mut self) -> Self {
        self.gateway_ip = Some(None);
        self
    }

    /// Whether DHCP is enabled (default `true`).
    pub fn enable_dhcp(mut self, enable: bool) -> Self {
        self.enable_dhcp = Some(enable);
        self
    }
}

/// A network to add to the fake Neutron (with its subnets), with
/// [`FakeCloud::add_network`](super::FakeCloud::add_network) or
/// [`FakeCloudBuilder::network`](super::FakeCloudBuilder::network).
///
/// Defaults: a random UUID as id, owned by the fake's project, not shared, not external, no
/// subnets.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stackclient::testing::{FakeCloud, FakeNetwork};
///
/// let fake = FakeCloud::start().await?;
/// let app = fake.add_network(FakeNetwork::new("app").subnet("10.9.0.0/24"))?;
/// let client = fake.client()?;
/// let subnet = client.network().subnets().get(&app.subnet_ids[0]).await?;
/// assert_eq!((subnet.cidr.as_str(), subnet.network_id.as_str()), ("10.9.0.0/24", app.id.as_str()));
/// assert_eq!(subnet.name, "app-subnet");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct FakeNetwork {
    id: Option<String>,
    name: String,
    external: bool,
    shared: bool,
    subnets: Vec<FakeSubnet>,
    project: Option<String>,
}

impl FakeNetwork {
    /// A network named `name` with the defaults above.
    pub fn new(name: impl Into<String>) -> Self {
        FakeNetwork {
            id: None,
            name: name.into(),
            external: false,
            shared: false,
            subnets: Vec::new(),
            project: None,
        }
    }

    /// The project (by name) that owns it and its subnets, one added with
    /// [`FakeCloudBuilder::with_project`](super::FakeCloudBuilder::with_project); default the
    /// fake's own. Other projects see it only when it is shared or external.
    pub fn project(mut self, name: impl Into<String>) -> Self {
        self.project = Some(name.into());
        self
    }

    /// The network id (a UUID).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// `router:external`: floating IPs and router gateways come from it.
    pub fn external(mut self, external: bool) -> Self {
        self.external = external;
        self
    }

    /// `shared`.
    pub fn shared(mut self, shared: bool) -> Self {
        self.shared = shared;
        self
    }

    /// Adds a subnet of `cidr` with the defaults of [`FakeSubnet`].
    pub fn subnet(self, cidr: impl Into<String>) -> Self {
        self.with_subnet(FakeSubnet::new(cidr))
    }

    /// Adds a subnet.
    pub fn with_subnet(mut self, subnet: FakeSubnet) -> Self {
        self.subnets.push(subnet);
        self
    }
}

/// The ids of a seeded network and its subnets (in the order they were given).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeededNetwork {
    /// The network id.
    pub id: String,
    /// The subnet ids.
    pub subnet_ids: Vec<String>,
}

/// A keypair to add to the fake Nova, with
/// [`FakeCloud::add_keypair`](super::FakeCloud::add_keypair) or
/// [`FakeCloudBuilder::keypair`](super::FakeCloudBuilder::keypair).
///
/// Without [`public_key`](Self::public_key) the fake generates one (Ed25519, where Nova makes
/// RSA keys), as Nova does below microversion 2.92.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stackclient::testing::{FakeCloud, FakeKeypair};
///
/// let fake = FakeCloud::start().await?;
/// let name = fake.add_keypair(FakeKeypair::new("deploy"))?;
/// let keypair = fake.client()?.compute().keypairs().get(&name).await?;
/// assert_eq!(keypair.name, "deploy");
/// assert!(keypair.public_key.starts_with("ssh-ed25519 "));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct FakeKeypair {
    name: String,
    public_key: Option<String>,
    user: Option<String>,
}

impl FakeKeypair {
    /// A keypair named `name`, generated.
    pub fn new(name: impl Into<String>) -> Self {
        FakeKeypair {
            name: name.into(),
            public_key: None,
            user: None,
        }
    }

    /// The user (by name) it belongs to, one of a
    /// [`FakeProject`](super::FakeProject)'s; default the fake's own. Keypairs are per user.
    pub fn user(mut self, name: impl Into<String>) -> Self {
        self.user = Some(name.into());
        self
    }

    /// Imports this OpenSSH public key (`ssh-ed25519 AAAA… comment`, `ssh-rsa …`) instead; the
    /// fingerprint is Nova's MD5 one.
    pub fn public_key(mut self, key: impl Into<String>) -> Self {
        self.public_key = Some(key.into());
        self
    }
}

/// Which networks a [`FakeServer`] gets.
#[derive(Clone, Debug)]
enum ServerNetworks {
    Auto,
    None,
    Ids(Vec<String>),
}

/// A server to add to the fake Nova, already built: `ACTIVE` (or `ERROR` when its name matches
/// [`FakeCloudBuilder::fail_builds_with_prefix`](super::FakeCloudBuilder::fail_builds_with_prefix)
/// or builds are set to fail), with an address on each of its networks. Added with
/// [`FakeCloud::add_server`](super::FakeCloud::add_server) or
/// [`FakeCloudBuilder::server`](super::FakeCloudBuilder::server).
///
/// Defaults: flavor `1` (m1.tiny), image [`FakeCloud::IMAGE_ID`](super::FakeCloud::IMAGE_ID),
/// networks `auto` (the project's first network that is not external: `private` in the default
/// fake), no keypair, metadata or tags. The flavor, image, networks and keypair must exist
/// (seeds are applied flavors, images, networks, keypairs, then servers), else the seed fails
/// with Nova's 400.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stackclient::compute::ServerStatus;
/// use stackclient::testing::{FakeCloud, FakeServer};
///
/// let fake = FakeCloud::start().await?;
/// let id = fake.add_server(FakeServer::new("db-1").flavor("2").metadata("role", "db").tag("prod"))?;
/// let server = fake.client()?.compute().servers().get(&id).await?;
/// assert_eq!(server.status, ServerStatus::Active);
/// assert_eq!(server.metadata.get("role").map(String::as_str), Some("db"));
/// assert!(server.addresses.contains_key("private"));
///
/// let err = fake.add_server(FakeServer::new("x").flavor("9")).unwrap_err();
/// assert_eq!((err.status, err.message.as_str()), (400, "Flavor 9 could not be found."));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct FakeServer {
    id: Option<String>,
    name: String,
    flavor: String,
    image: Option<String>,
    networks: ServerNetworks,
    key_name: Option<String>,
    metadata: BTreeMap<String, String>,
    tags: Vec<String>,
    project: Option<String>,
}

impl FakeServer {
    /// A server named `name` with the defaults above.
    pub fn new(name: impl Into<String>) -> Self {
        FakeServer {
            id: None,
            name: name.into(),
            flavor: "1".into(),
            image: Some(super::glance::images::CIRROS_ID.into()),
            networks: ServerNetworks::Auto,
            key_name: None,
            metadata: BTreeMap::new(),
            tags: Vec::new(),
            project: None,
        }
    }

    /// The project (by name) it is created in, one added with
    /// [`FakeCloudBuilder::with_project`](super::FakeCloudBuilder::with_project), as its first
    /// user; default the fake's own. Its networks, keypair and image must be ones that project
    /// sees (`auto`: that project's first network that is not external).
    pub fn project(mut self, name: impl Into<String>) -> Self {
        self.project = Some(name.into());
        self
    }

    /// The server id (a UUID).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The flavor id.
    pub fn flavor(mut self, flavor_id: impl Into<String>) -> Self {
        self.flavor = flavor_id.into();
        self
    }

    /// The image id.
    pub fn image(mut self, image_id: impl Into<String>) -> Self {
        self.image = Some(image_id.into());
        self
    }

    /// An address on this network (by id); may be given more than once. Replaces the default
    /// `auto`.
    pub fn network(mut self, network_id: impl Into<String>) -> Self {
        match &mut self.networks {
            ServerNetworks::Ids(ids) => ids.push(network_id.into()),
            other => *other = ServerNetworks::Ids(vec![network_id.into()]),
        }
        self
    }

    /// No network at all (`networks: "none"`).
    pub fn no_network(mut self) -> Self {
        self.networks = ServerNetworks::None;
        self
    }

    /// The keypair's name.
    pub fn key_name(mut self, name: impl Into<String>) -> Self {
        self.key_name = Some(name.into());
        self
    }

    /// One metadata item.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }
}

/// What a builder seeds at start, applied in this order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Seeds {
    pub(crate) projects: Vec<FakeProject>,
    pub(crate) flavors: Vec<FakeFlavor>,
    pub(crate) images: Vec<FakeImage>,
    pub(crate) networks: Vec<FakeNetwork>,
    pub(crate) keypairs: Vec<FakeKeypair>,
    pub(crate) servers: Vec<FakeServer>,
}

impl Seeds {
    pub(crate) fn apply(&self, shared: &Shared) -> Result<(), SeedError> {
        for p in &self.projects {
            projects::add_project(shared, p)?;
        }
        for f in &self.flavors {
            add_flavor(shared, f)?;
        }
        for i in &self.images {
            add_image(shared, i)?;
        }
        for n in &self.networks {
            add_network(shared, n)?;
        }
        for k in &self.keypairs {
            add_keypair(shared, k)?;
        }
        for s in &self.servers {
            add_server(shared, s)?;
        }
        Ok(())
    }
}

/// Who a seed acts as: the first user of the project named `project` (the fake's own user
/// when that project has none), or the fake's own user in its own project.
fn caller_in(shared: &Shared, project: Option<&str>) -> Result<Caller, SeedError> {
    let Some(name) = project else {
        return Ok(shared.primary_caller());
    };
    let state = shared.lock();
    let Some(p) = state.projects.iter().find(|p| p.name == name) else {
        return Err(SeedError::new(
            404,
            format!("Could not find project: {name}."),
        ));
    };
    let user = state.users.iter().find(|u| u.project_id == p.id);
    Ok(Caller {
        scope: TokenScope::Project,
        user_id: user.map_or_else(|| shared.identity.user_id.clone(), |u| u.id.clone()),
        project_id: p.id.clone(),
        admin: user.is_some_and(|u| u.admin),
    })
}

/// Who a keypair seed acts as: the user named `user` in its project, or the fake's own user.
fn caller_as(shared: &Shared, user: Option<&str>) -> Result<Caller, SeedError> {
    let Some(name) = user else {
        return Ok(shared.primary_caller());
    };
    let state = shared.lock();
    let Some(u) = state.users.iter().find(|u| u.name == name) else {
        return Err(SeedError::new(404, format!("Could not find user: {name}.")));
    };
    Ok(Caller {
        scope: TokenScope::Project,
        user_id: u.id.clone(),
        project_id: u.project_id.clone(),
        admin: u.admin,
    })
}

/// Sends a request to the fake's own handlers as `caller`, unlogged and without fault
/// injection.
fn call(
    shared: &Shared,
    caller: Caller,
    method: Method,
    path: &str,
    microversion: Option<&str>,
    body: &Value,
) -> Resp {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(v) = microversion.and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(HeaderName::from_static("openstack-api-version"), v);
    }
    let req = Req {
        method,
        path: path.to_string(),
        raw_query: None,
        query: Vec::new(),
        headers,
        body: Bytes::from(body.to_string()),
        request_id: super::ids::request_id(),
    };
    server::route(shared, &req, Some(caller))
}

/// The created item `{"<key>": {...}}` of a 2xx answer, else the refusal.
fn created(resp: &Resp, key: &str) -> Result<Value, SeedError> {
    if !(200..300).contains(&resp.status) {
        return Err(SeedError::from_resp(resp));
    }
    resp.json_value()
        .and_then(|mut v| v.get_mut(key).map(Value::take))
        .ok_or_else(|| SeedError::new(500, format!("the fake answered no {key}")))
}

fn id_of(item: &Value) -> Result<String, SeedError> {
    item.get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| SeedError::new(500, "the fake answered no id"))
}

fn check_uuid(kind: &str, id: &str) -> Result<(), SeedError> {
    if ids::is_uuid(id) {
        Ok(())
    } else {
        Err(SeedError::new(
            400,
            format!("Invalid input for {kind} id: '{id}' is not a valid UUID"),
        ))
    }
}

pub(crate) fn add_flavor(shared: &Shared, spec: &FakeFlavor) -> Result<String, SeedError> {
    let id = spec.id.clone().unwrap_or_else(ids::uuid4);
    if id.is_empty() || spec.name.trim().is_empty() {
        return Err(SeedError::new(
            400,
            "Flavor id and name must be non-empty strings.",
        ));
    }
    let mut state = shared.lock();
    if flavors::find_live(&state, &id).is_some() {
        return Err(SeedError::new(
            409,
            format!("Flavor with ID {id} already exists."),
        ));
    }
    if state
        .flavors
        .iter()
        .any(|f| f.name == spec.name && !f.deleted)
    {
        return Err(SeedError::new(
            409,
            format!("Flavor with name {} already exists.", spec.name),
        ));
    }
    state.flavors.push(Flavor {
        id: id.clone(),
        name: spec.name.clone(),
        ram: spec.ram,
        disk: spec.disk,
        vcpus: spec.vcpus,
        ephemeral: spec.ephemeral,
        swap: spec.swap,
        is_public: spec.is_public,
        description: spec.description.clone(),
        extra_specs: spec.extra_specs.clone(),
        deleted: false,
    });
    flavors::sort(&mut state.flavors);
    Ok(id)
}

pub(crate) fn add_image(shared: &Shared, spec: &FakeImage) -> Result<String, SeedError> {
    let id = spec.id.clone().unwrap_or_else(ids::uuid4);
    check_uuid("image", &id)?;
    let visibility = match spec.visibility.as_str() {
        "public" => "public",
        "private" => "private",
        "shared" => "shared",
        "community" => "community",
        other => {
            return Err(SeedError::new(
                400,
                format!("Invalid visibility value: {other}"),
            ));
        }
    };
    let mut state = shared.lock();
    if state.images.iter().any(|i| i.id == id) {
        return Err(SeedError::new(
            409,
            format!("Image with identifier {id} already exists!"),
        ));
    }
    let owner = caller_in(shared, spec.project.as_deref())?.project_id;
    let mut image = Image::new(&id, &spec.name, &owner, Utc::now());
    image.visibility = visibility;
    image.protected = spec.protected;
    image.os_hidden = spec.hidden;
    image.min_ram = spec.min_ram;
    image.min_disk = spec.min_disk;
    image.disk_format = Some(spec.disk_format.clone());
    image.container_format = Some(spec.container_format.clone());
    image.tags = spec.tags.clone();
    image.properties = spec.properties.clone();
    if spec.queued {
        image.status = "queued";
        image.checksum = None;
        image.os_hash_value = None;
    } else {
        image.size = Some(spec.size);
        image.virtual_size = Some(spec.size);
    }
    state.images.push(image);
    Ok(id)
}

pub(crate) fn add_network(shared: &Shared, spec: &FakeNetwork) -> Result<SeededNetwork, SeedError> {
    if let Some(id) = &spec.id {
        check_uuid("network", id)?;
        if shared.lock().networks.iter().any(|n| &n.id == id) {
            return Err(SeedError::new(409, format!("Network {id} already exists.")));
        }
    }
    let body = json!({"network": {
        "name": spec.name,
        "router:external": spec.external,
        "shared": spec.shared
    }});
    let caller = caller_in(shared, spec.project.as_deref())?;
    let resp = call(
        shared,
        caller.clone(),
        Method::POST,
        "/network/v2.0/networks",
        None,
        &body,
    );
    let mut id = id_of(&created(&resp, "network")?)?;
    if let Some(wanted) = &spec.id {
        let mut state = shared.lock();
        if let Some(n) = state.networks.iter_mut().find(|n| n.id == id) {
            n.id.clone_from(wanted);
        }
        id.clone_from(wanted);
    }
    let mut subnet_ids = Vec::new();
    for subnet in &spec.subnets {
        match add_subnet(shared, &caller, &id, &spec.name, subnet) {
            Ok(sid) => subnet_ids.push(sid),
            Err(e) => {
                // All or nothing, like a failed request: take the network back out.
                let mut state = shared.lock();
                state.networks.retain(|n| n.id != id);
                state.subnets.retain(|s| s.network_id != id);
                return Err(e);
            }
        }
    }
    Ok(SeededNetwork { id, subnet_ids })
}

fn add_subnet(
    shared: &Shared,
    caller: &Caller,
    network_id: &str,
    network_name: &str,
    spec: &FakeSubnet,
) -> Result<String, SeedError> {
    if let Some(id) = &spec.id {
        check_uuid("subnet", id)?;
        if shared.lock().subnets.iter().any(|s| &s.id == id) {
            return Err(SeedError::new(409, format!("Subnet {id} already exists.")));
        }
    }
    let mut attrs = Map::new();
    attrs.insert("network_id".into(), json!(network_id));
    attrs.insert("ip_version".into(), json!(4));
    attrs.insert("cidr".into(), json!(spec.cidr));
    let name = spec
        .name
        .clone()
        .unwrap_or_else(|| format!("{network_name}-subnet"));
    attrs.insert("name".into(), json!(name));
    if let Some(gateway) = &spec.gateway_ip {
        attrs.insert("gateway_ip".into(), json!(gateway));
    }
    if let Some(dhcp) = spec.enable_dhcp {
        attrs.insert("enable_dhcp".into(), json!(dhcp));
    }
    let body = json!({ "subnet": attrs });
    let resp = call(
        shared,
        caller.clone(),
        Method::POST,
        "/network/v2.0/subnets",
        None,
        &body,
    );
    let id = id_of(&created(&resp, "subnet")?)?;
    let Some(wanted) = &spec.id else {
        return Ok(id);
    };
    let mut state = shared.lock();
    if let Some(s) = state.subnets.iter_mut().find(|s| s.id == id) {
        s.id.clone_from(wanted);
    }
    for n in &mut state.networks {
        for sid in &mut n.subnets {
            if *sid == id {
                sid.clone_from(wanted);
            }
        }
    }
    Ok(wanted.clone())
}

pub(crate) fn add_keypair(shared: &Shared, spec: &FakeKeypair) -> Result<String, SeedError> {
    let mut keypair = Map::new();
    keypair.insert("name".into(), json!(spec.name));
    if let Some(key) = &spec.public_key {
        keypair.insert("public_key".into(), json!(key));
    }
    let body = json!({ "keypair": keypair });
    let resp = call(
        shared,
        caller_as(shared, spec.user.as_deref())?,
        Method::POST,
        "/compute/v2.1/os-keypairs",
        Some("compute 2.91"),
        &body,
    );
    created(&resp, "keypair")?;
    Ok(spec.name.clone())
}

pub(crate) fn add_server(shared: &Shared, spec: &FakeServer) -> Result<String, SeedError> {
    if let Some(id) = &spec.id {
        check_uuid("server", id)?;
        if shared.lock().servers.iter().any(|s| &s.id == id) {
            return Err(SeedError::new(
                409,
                format!("Instance {id} already exists."),
            ));
        }
    }
    let networks = match &spec.networks {
        ServerNetworks::Auto => json!("auto"),
        ServerNetworks::None => json!("none"),
        ServerNetworks::Ids(ids) => ids.iter().map(|id| json!({"uuid": id})).collect(),
    };
    let mut server = Map::new();
    server.insert("name".into(), json!(spec.name));
    server.insert("flavorRef".into(), json!(spec.flavor));
    if let Some(image) = &spec.image {
        server.insert("imageRef".into(), json!(image));
    }
    server.insert("networks".into(), networks);
    if let Some(key) = &spec.key_name {
        server.insert("key_name".into(), json!(key));
    }
    if !spec.metadata.is_empty() {
        server.insert("metadata".into(), json!(spec.metadata));
    }
    if !spec.tags.is_empty() {
        server.insert("tags".into(), json!(spec.tags));
    }
    let body = json!({ "server": server });
    let resp = call(
        shared,
        caller_in(shared, spec.project.as_deref())?,
        Method::POST,
        "/compute/v2.1/servers",
        Some("compute 2.100"),
        &body,
    );
    let id = id_of(&created(&resp, "server")?)?;
    let mut state = shared.lock();
    let now = Instant::now();
    let Some(server) = state.servers.iter_mut().find(|s| s.id == id) else {
        return Err(SeedError::new(500, "the created server is gone"));
    };
    // Built at once: the pending build is due now.
    if let Some(pending) = server.pending.as_mut() {
        pending.at = now;
        pending.at_wall = Utc::now();
    }
    server.settle(now);
    let Some(wanted) = &spec.id else {
        return Ok(id);
    };
    server.id.clone_from(wanted);
    for port in state.ports.iter_mut().filter(|p| p.device_id == id) {
        port.device_id.clone_from(wanted);
    }
    Ok(wanted.clone())
}
