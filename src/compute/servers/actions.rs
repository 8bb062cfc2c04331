//! Server actions: `POST /servers/{id}/action` with `{"<action>": <arguments>}`, plus
//! `POST /servers/{id}/remote-consoles`. Every action states the lowest microversion it (and the
//! arguments set) needs; it is checked before anything is sent
//! ([`Error::MicroversionUnsupported`]).
//!
//! Most actions answer `202` with no body and only start the work: follow them with
//! [`Api::wait_for_status`], which also waits for `OS-EXT-STS:task_state` to clear.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::compute::{DiskConfig, RebootType, Server};
use crate::error::Error;
use crate::field::Field;
use crate::microversion::ApiVersion;
use crate::request::Method;
use crate::resource::Api;

const fn v(minor: u16) -> Option<ApiVersion> {
    Some(ApiVersion::new(2, minor))
}

/// One server action: the body `{"<name>": <arguments>}` of `POST /servers/{id}/action` and the
/// lowest microversion it needs. Built by its constructors (`ServerAction::pause()`, …) or from the
/// builders of the actions with many arguments ([`RebuildServer`], [`LiveMigrate`], …); sent by
/// [`Api::perform`] or by the named methods (`servers.pause(id)`).
///
/// `Debug` shows the action's name and microversion only (arguments may hold a password).
///
/// ```
/// use stackclient::compute::ServerAction;
/// let lock = ServerAction::lock_with_reason("maintenance");
/// assert_eq!(lock.name(), "lock");
/// assert_eq!(lock.min_microversion().map(|v| v.to_string()).as_deref(), Some("2.73"));
/// assert_eq!(
///     serde_json::to_value(&lock).unwrap(),
///     serde_json::json!({"lock": {"locked_reason": "maintenance"}})
/// );
/// ```
#[derive(Clone, PartialEq)]
pub struct ServerAction {
    name: &'static str,
    args: Value,
    min: Option<ApiVersion>,
}

impl fmt::Debug for ServerAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerAction")
            .field("name", &self.name)
            .field("min_microversion", &self.min)
            .finish_non_exhaustive()
    }
}

impl Serialize for ServerAction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(self.name, &self.args)?;
        m.end()
    }
}

impl ServerAction {
    fn new(name: &'static str, args: Value, min: Option<ApiVersion>) -> Self {
        ServerAction { name, args, min }
    }

    fn bare(name: &'static str) -> Self {
        Self::new(name, Value::Null, None)
    }

    /// The action's key, e.g. `reboot`, `os-start`.
    pub fn name(&self) -> &str {
        self.name
    }

    /// The lowest microversion this action with these arguments needs (`None`: 2.1).
    pub fn min_microversion(&self) -> Option<ApiVersion> {
        self.min
    }

    /// `{"reboot": {"type": "SOFT"|"HARD"}}`: ACTIVE → REBOOT / HARD_REBOOT → ACTIVE.
    pub fn reboot(kind: RebootType) -> Self {
        Self::new("reboot", json!({"type": kind.as_str()}), None)
    }

    /// `{"os-start": null}`: SHUTOFF → ACTIVE.
    pub fn start() -> Self {
        Self::bare("os-start")
    }

    /// `{"os-stop": null}`: ACTIVE (or ERROR) → SHUTOFF.
    pub fn stop() -> Self {
        Self::bare("os-stop")
    }

    /// `{"pause": null}`: ACTIVE → PAUSED (state kept in RAM).
    pub fn pause() -> Self {
        Self::bare("pause")
    }

    /// `{"unpause": null}`: PAUSED → ACTIVE.
    pub fn unpause() -> Self {
        Self::bare("unpause")
    }

    /// `{"suspend": null}`: ACTIVE → SUSPENDED (state written to disk).
    pub fn suspend() -> Self {
        Self::bare("suspend")
    }

    /// `{"resume": null}`: SUSPENDED → ACTIVE.
    pub fn resume() -> Self {
        Self::bare("resume")
    }

    /// `{"lock": null}`: only admins (and the owner) may act on the server until unlocked.
    pub fn lock() -> Self {
        Self::bare("lock")
    }

    /// `{"lock": {"locked_reason": reason}}` (2.73+; the reason shows as `locked_reason`).
    pub fn lock_with_reason(reason: impl Into<String>) -> Self {
        Self::new("lock", json!({"locked_reason": reason.into()}), v(73))
    }

    /// `{"unlock": null}`.
    pub fn unlock() -> Self {
        Self::bare("unlock")
    }

    /// `{"unrescue": null}`: RESCUE → ACTIVE.
    pub fn unrescue() -> Self {
        Self::bare("unrescue")
    }

    /// `{"shelve": null}`: → SHELVED, then SHELVED_OFFLOADED (after `shelved_offload_time`).
    pub fn shelve() -> Self {
        Self::bare("shelve")
    }

    /// `{"shelveOffload": null}`: SHELVED → SHELVED_OFFLOADED (frees the host).
    pub fn shelve_offload() -> Self {
        Self::bare("shelveOffload")
    }

    /// `{"confirmResize": null}`: VERIFY_RESIZE → ACTIVE on the new flavor/host.
    pub fn confirm_resize() -> Self {
        Self::bare("confirmResize")
    }

    /// `{"revertResize": null}`: VERIFY_RESIZE → REVERT_RESIZE → ACTIVE on the old flavor/host.
    pub fn revert_resize() -> Self {
        Self::bare("revertResize")
    }

    /// `{"migrate": null}` (cold migration, admin): → RESIZE → VERIFY_RESIZE; confirm after.
    pub fn migrate() -> Self {
        Self::bare("migrate")
    }

    /// `{"migrate": {"host": host}}` (2.56+): cold migration to a given host.
    pub fn migrate_to(host: impl Into<String>) -> Self {
        Self::new("migrate", json!({"host": host.into()}), v(56))
    }

    /// `{"forceDelete": null}`: deletes a SOFT_DELETED server at once.
    pub fn force_delete() -> Self {
        Self::bare("forceDelete")
    }

    /// `{"restore": null}`: SOFT_DELETED → ACTIVE.
    pub fn restore() -> Self {
        Self::bare("restore")
    }

    /// `{"trigger_crash_dump": null}` (2.17+): an NMI to the guest.
    pub fn trigger_crash_dump() -> Self {
        Self::new("trigger_crash_dump", Value::Null, v(17))
    }

    /// `{"os-resetState": {"state": "active"|"error"}}` (admin): sets `vm_state` without doing
    /// anything else.
    pub fn reset_state(state: ResetState) -> Self {
        Self::new("os-resetState", json!({"state": state.as_str()}), None)
    }

    /// `{"changePassword": {"adminPass": password}}`: sets the guest's admin password (needs guest
    /// support).
    pub fn change_password(password: &SecretString) -> Self {
        Self::new(
            "changePassword",
            json!({"adminPass": password.expose_secret()}),
            None,
        )
    }

    /// `{"os-getConsoleOutput": {"length": n}}`: the last `n` lines of the console log (`None`:
    /// `{}`, all of it).
    pub fn console_output(length: Option<u32>) -> Self {
        let args = match length {
            Some(n) => json!({"length": n}),
            None => json!({}),
        };
        Self::new("os-getConsoleOutput", args, None)
    }

    /// `{"addSecurityGroup": {"name": name}}` (a name or, with Neutron, an id).
    pub fn add_security_group(name: impl Into<String>) -> Self {
        Self::new("addSecurityGroup", json!({"name": name.into()}), None)
    }

    /// `{"removeSecurityGroup": {"name": name}}`.
    pub fn remove_security_group(name: impl Into<String>) -> Self {
        Self::new("removeSecurityGroup", json!({"name": name.into()}), None)
    }
}

/// The state [`ServerAction::reset_state`] sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetState {
    /// `active`
    Active,
    /// `error`
    Error,
}

impl ResetState {
    /// `active` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResetState::Active => "active",
            ResetState::Error => "error",
        }
    }
}

/// Inserts `key: value` into `m` unless absent; notes the microversion.
fn put<T: Serialize>(m: &mut Map<String, Value>, key: &str, field: &Field<T>) {
    match field {
        Field::Absent => {}
        Field::Null => {
            m.insert(key.into(), Value::Null);
        }
        Field::Value(v) => {
            m.insert(key.into(), serde_json::to_value(v).unwrap_or(Value::Null));
        }
    }
}

fn put_opt(m: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        m.insert(key.into(), Value::String(v.clone()));
    }
}

fn secret_opt(m: &mut Map<String, Value>, key: &str, value: &Option<SecretString>) {
    if let Some(v) = value {
        m.insert(key.into(), Value::String(v.expose_secret().to_string()));
    }
}

macro_rules! body_via_action {
    ($t:ty) => {
        impl Serialize for $t {
            /// The whole body, `{"<action>": {...}}`.
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                ServerAction::from(self.clone()).serialize(s)
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Passwords stay out of logs: only the action and its microversion.
                fmt::Debug::fmt(&ServerAction::from(self.clone()), f)
            }
        }
    };
}

/// `{"rebuild": {...}}`: reinstalls the server from an image, keeping its id, addresses and
/// volumes; answers `202` with the server (status REBUILD). Fields and their microversions:
/// `imageRef` (required), `name`, `adminPass`, `metadata` (replaces all), `accessIPv4/6`,
/// `OS-DCF:diskConfig`, `preserve_ephemeral`, `description` (2.19+), `key_name` (2.54+; `null`
/// removes the key), `user_data` (2.57+; `null` removes it), `trusted_image_certificates` (2.63+),
/// `hostname` (2.90+).
///
/// ```
/// use stackclient::compute::RebuildServer;
/// let r = RebuildServer::new("70a599e0-31e7-49b7-b260-868f441e862b").name("foobar").key_name("k");
/// assert_eq!(r.min_microversion().map(|v| v.to_string()).as_deref(), Some("2.54"));
/// ```
#[derive(Clone, Default)]
pub struct RebuildServer {
    image_ref: String,
    name: Option<String>,
    admin_pass: Option<SecretString>,
    metadata: Option<BTreeMap<String, String>>,
    access_ipv4: Option<String>,
    access_ipv6: Option<String>,
    disk_config: Option<DiskConfig>,
    preserve_ephemeral: Option<bool>,
    description: Field<String>,
    key_name: Field<String>,
    user_data: Field<String>,
    trusted_image_certificates: Field<Vec<String>>,
    hostname: Option<String>,
}

body_via_action!(RebuildServer);

impl RebuildServer {
    /// A rebuild from `image_ref` (image id or URL).
    pub fn new(image_ref: impl Into<String>) -> Self {
        RebuildServer {
            image_ref: image_ref.into(),
            ..Self::default()
        }
    }

    /// `name`: renames the server.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `adminPass`.
    pub fn admin_pass(mut self, password: impl Into<String>) -> Self {
        self.admin_pass = Some(SecretString::from(password.into()));
        self
    }

    /// `metadata`: replaces all metadata with this map (an empty map removes it all).
    pub fn metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// `accessIPv4`.
    pub fn access_ipv4(mut self, ip: std::net::Ipv4Addr) -> Self {
        self.access_ipv4 = Some(ip.to_string());
        self
    }

    /// `accessIPv6`.
    pub fn access_ipv6(mut self, ip: std::net::Ipv6Addr) -> Self {
        self.access_ipv6 = Some(ip.to_string());
        self
    }

    /// `OS-DCF:diskConfig`.
    pub fn disk_config(mut self, disk_config: DiskConfig) -> Self {
        self.disk_config = Some(disk_config);
        self
    }

    /// `preserve_ephemeral`: keep the ephemeral disk (`false` is sent as `false`).
    pub fn preserve_ephemeral(mut self, preserve: bool) -> Self {
        self.preserve_ephemeral = Some(preserve);
        self
    }

    /// `description` (2.19+); [`Field::Null`] clears it.
    pub fn description(mut self, description: impl Into<Field<String>>) -> Self {
        self.description = description.into();
        self
    }

    /// `key_name` (2.54+); [`Field::Null`] removes the key pair.
    pub fn key_name(mut self, key_name: impl Into<Field<String>>) -> Self {
        self.key_name = key_name.into();
        self
    }

    /// `user_data` (2.57+) as raw bytes, base64-encoded by the builder.
    pub fn user_data(mut self, data: impl AsRef<[u8]>) -> Self {
        self.user_data = Field::Value(base64::engine::general_purpose::STANDARD.encode(data));
        self
    }

    /// `"user_data": null` (2.57+): removes the user data.
    pub fn clear_user_data(mut self) -> Self {
        self.user_data = Field::Null;
        self
    }

    /// `trusted_image_certificates` (2.63+): certificate ids; [`Field::Null`] unsets them.
    pub fn trusted_image_certificates(mut self, ids: impl Into<Field<Vec<String>>>) -> Self {
        self.trusted_image_certificates = ids.into();
        self
    }

    /// `hostname` (2.90+).
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// The lowest microversion the fields set need.
    pub fn min_microversion(&self) -> Option<ApiVersion> {
        let mut need = None;
        if !self.description.is_absent() {
            need = need.max(v(19));
        }
        if !self.key_name.is_absent() {
            need = need.max(v(54));
        }
        if !self.user_data.is_absent() {
            need = need.max(v(57));
        }
        if !self.trusted_image_certificates.is_absent() {
            need = need.max(v(63));
        }
        if self.hostname.is_some() {
            need = need.max(v(90));
        }
        need
    }
}

impl From<RebuildServer> for ServerAction {
    fn from(r: RebuildServer) -> Self {
        let mut m = Map::new();
        m.insert("imageRef".into(), Value::String(r.image_ref.clone()));
        put_opt(&mut m, "name", &r.name);
        secret_opt(&mut m, "adminPass", &r.admin_pass);
        if let Some(md) = &r.metadata {
            m.insert("metadata".into(), json!(md));
        }
        put_opt(&mut m, "accessIPv4", &r.access_ipv4);
        put_opt(&mut m, "accessIPv6", &r.access_ipv6);
        if let Some(d) = r.disk_config {
            m.insert("OS-DCF:diskConfig".into(), json!(d.as_str()));
        }
        if let Some(p) = r.preserve_ephemeral {
            m.insert("preserve_ephemeral".into(), json!(p));
        }
        put(&mut m, "description", &r.description);
        put(&mut m, "key_name", &r.key_name);
        put(&mut m, "user_data", &r.user_data);
        put(
            &mut m,
            "trusted_image_certificates",
            &r.trusted_image_certificates,
        );
        put_opt(&mut m, "hostname", &r.hostname);
        let min = r.min_microversion();
        ServerAction::new("rebuild", Value::Object(m), min)
    }
}

/// `{"resize": {"flavorRef", "OS-DCF:diskConfig"?}}`: → RESIZE → VERIFY_RESIZE; then
/// [`Api::confirm_resize`] or [`Api::revert_resize`].
#[derive(Clone)]
pub struct Resize {
    flavor_ref: String,
    disk_config: Option<DiskConfig>,
}

body_via_action!(Resize);

impl Resize {
    /// A resize to flavor `flavor_ref` (id or URL).
    pub fn new(flavor_ref: impl Into<String>) -> Self {
        Resize {
            flavor_ref: flavor_ref.into(),
            disk_config: None,
        }
    }

    /// `OS-DCF:diskConfig`.
    pub fn disk_config(mut self, disk_config: DiskConfig) -> Self {
        self.disk_config = Some(disk_config);
        self
    }
}

impl From<Resize> for ServerAction {
    fn from(r: Resize) -> Self {
        let mut m = Map::new();
        m.insert("flavorRef".into(), Value::String(r.flavor_ref));
        if let Some(d) = r.disk_config {
            m.insert("OS-DCF:diskConfig".into(), json!(d.as_str()));
        }
        ServerAction::new("resize", Value::Object(m), None)
    }
}

/// `{"createImage": {"name", "metadata"?}}`: snapshots the server into a new image. The new image's
/// id comes in the `Location` header before 2.45 and in the body (`image_id`) from 2.45;
/// [`Api::create_image`] reads whichever is there.
#[derive(Clone)]
pub struct CreateImage {
    name: String,
    metadata: BTreeMap<String, String>,
}

body_via_action!(CreateImage);

impl CreateImage {
    /// A snapshot named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        CreateImage {
            name: name.into(),
            metadata: BTreeMap::new(),
        }
    }

    /// Adds an image property.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }
}

impl From<CreateImage> for ServerAction {
    fn from(c: CreateImage) -> Self {
        let mut m = Map::new();
        m.insert("name".into(), Value::String(c.name));
        if !c.metadata.is_empty() {
            m.insert("metadata".into(), json!(c.metadata));
        }
        ServerAction::new("createImage", Value::Object(m), None)
    }
}

/// `{"createBackup": {"name", "backup_type", "rotation", "metadata"?}}`: a snapshot kept in a
/// rotation of `rotation` backups of `backup_type` (e.g. `daily`); the oldest beyond it are
/// deleted. The image id comes as for [`CreateImage`] (none when `rotation` is 0).
#[derive(Clone)]
pub struct CreateBackup {
    name: String,
    backup_type: String,
    rotation: u32,
    metadata: BTreeMap<String, String>,
}

body_via_action!(CreateBackup);

impl CreateBackup {
    /// A backup named `name` of type `backup_type`, keeping `rotation` of them.
    pub fn new(name: impl Into<String>, backup_type: impl Into<String>, rotation: u32) -> Self {
        CreateBackup {
            name: name.into(),
            backup_type: backup_type.into(),
            rotation,
            metadata: BTreeMap::new(),
        }
    }

    /// Adds an image property.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }
}

impl From<CreateBackup> for ServerAction {
    fn from(c: CreateBackup) -> Self {
        let mut m = Map::new();
        m.insert("name".into(), Value::String(c.name));
        m.insert("backup_type".into(), Value::String(c.backup_type));
        m.insert("rotation".into(), json!(c.rotation));
        if !c.metadata.is_empty() {
            m.insert("metadata".into(), json!(c.metadata));
        }
        ServerAction::new("createBackup", Value::Object(m), None)
    }
}

/// `block_migration` of a live migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlockMigration {
    /// `"auto"` (2.25+): Nova decides from the storage.
    Auto,
    /// `true`: copy the disks.
    Yes,
    /// `false`: shared storage.
    No,
}

/// `{"os-migrateLive": {"host", "block_migration", ...}}` (admin): moves a running server.
/// `host` `null` lets the scheduler choose. Before 2.25 `block_migration` must be a boolean and
/// `disk_over_commit` is required (give both); `force` exists from 2.30 to 2.67.
#[derive(Clone)]
pub struct LiveMigrate {
    host: Option<String>,
    block_migration: BlockMigration,
    disk_over_commit: Option<bool>,
    force: Option<bool>,
}

body_via_action!(LiveMigrate);

impl Default for LiveMigrate {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveMigrate {
    /// A live migration to a host the scheduler picks, `block_migration: "auto"` (2.25+).
    pub fn new() -> Self {
        LiveMigrate {
            host: None,
            block_migration: BlockMigration::Auto,
            disk_over_commit: None,
            force: None,
        }
    }

    /// `host`: the target host.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// `block_migration`.
    pub fn block_migration(mut self, block: BlockMigration) -> Self {
        self.block_migration = block;
        self
    }

    /// `disk_over_commit` (before 2.25 only).
    pub fn disk_over_commit(mut self, allow: bool) -> Self {
        self.disk_over_commit = Some(allow);
        self
    }

    /// `force`: skip the scheduler's checks of `host` (2.30 to 2.67).
    pub fn force(mut self, force: bool) -> Self {
        self.force = Some(force);
        self
    }
}

impl From<LiveMigrate> for ServerAction {
    fn from(l: LiveMigrate) -> Self {
        let mut m = Map::new();
        m.insert("host".into(), json!(l.host));
        let mut min = None;
        let block = match l.block_migration {
            BlockMigration::Auto => {
                min = v(25);
                json!("auto")
            }
            BlockMigration::Yes => json!(true),
            BlockMigration::No => json!(false),
        };
        m.insert("block_migration".into(), block);
        if let Some(d) = l.disk_over_commit {
            m.insert("disk_over_commit".into(), json!(d));
        }
        if let Some(f) = l.force {
            m.insert("force".into(), json!(f));
            min = min.max(v(30));
        }
        ServerAction::new("os-migrateLive", Value::Object(m), min)
    }
}

/// `{"evacuate": {...}}` (admin): rebuilds a server of a failed host elsewhere. `host`,
/// `adminPass`, `onSharedStorage` (before 2.14), `force` (2.29 to 2.67), `targetState` (2.95+).
/// Before 2.14 the answer carries the new admin password.
#[derive(Clone, Default)]
pub struct Evacuate {
    host: Option<String>,
    admin_pass: Option<SecretString>,
    on_shared_storage: Option<bool>,
    force: Option<bool>,
}

body_via_action!(Evacuate);

impl Evacuate {
    /// An evacuation to a host the scheduler picks (`{"evacuate": {}}`).
    pub fn new() -> Self {
        Self::default()
    }

    /// `host`: the target host.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// `adminPass`.
    pub fn admin_pass(mut self, password: impl Into<String>) -> Self {
        self.admin_pass = Some(SecretString::from(password.into()));
        self
    }

    /// `onSharedStorage` (before 2.14, where it is required).
    pub fn on_shared_storage(mut self, shared: bool) -> Self {
        self.on_shared_storage = Some(shared);
        self
    }

    /// `force` (2.29 to 2.67).
    pub fn force(mut self, force: bool) -> Self {
        self.force = Some(force);
        self
    }
}

impl From<Evacuate> for ServerAction {
    fn from(e: Evacuate) -> Self {
        let mut m = Map::new();
        put_opt(&mut m, "host", &e.host);
        secret_opt(&mut m, "adminPass", &e.admin_pass);
        if let Some(s) = e.on_shared_storage {
            m.insert("onSharedStorage".into(), json!(s));
        }
        let mut min = None;
        if let Some(f) = e.force {
            m.insert("force".into(), json!(f));
            min = v(29);
        }
        ServerAction::new("evacuate", Value::Object(m), min)
    }
}

/// `{"unshelve": null}` or `{"unshelve": {"availability_zone"?, "host"?}}`: SHELVED(_OFFLOADED) →
/// ACTIVE. `availability_zone` needs 2.77 (`null`, unpinning the server, 2.91); `host` 2.91.
#[derive(Clone, Default)]
pub struct Unshelve {
    availability_zone: Field<String>,
    host: Option<String>,
}

body_via_action!(Unshelve);

impl Unshelve {
    /// An unshelve wherever the scheduler picks.
    pub fn new() -> Self {
        Self::default()
    }

    /// `availability_zone`: a zone (2.77+), or [`Field::Null`] to unpin the server (2.91+).
    pub fn availability_zone(mut self, zone: impl Into<Field<String>>) -> Self {
        self.availability_zone = zone.into();
        self
    }

    /// `host` (2.91+, admin).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }
}

impl From<Unshelve> for ServerAction {
    fn from(u: Unshelve) -> Self {
        if u.availability_zone.is_absent() && u.host.is_none() {
            return ServerAction::bare("unshelve");
        }
        let mut m = Map::new();
        let mut min = None;
        match &u.availability_zone {
            Field::Absent => {}
            Field::Null => min = v(91),
            Field::Value(_) => min = v(77),
        }
        put(&mut m, "availability_zone", &u.availability_zone);
        if u.host.is_some() {
            min = v(91);
        }
        put_opt(&mut m, "host", &u.host);
        ServerAction::new("unshelve", Value::Object(m), min)
    }
}

/// `{"rescue": {"adminPass"?, "rescue_image_ref"?}}` (or `{"rescue": null}`): boots the server from
/// a rescue image with its disk attached; answers the rescue admin password.
#[derive(Clone, Default)]
pub struct Rescue {
    admin_pass: Option<SecretString>,
    rescue_image_ref: Option<String>,
}

body_via_action!(Rescue);

impl Rescue {
    /// A rescue with the default image and a generated password.
    pub fn new() -> Self {
        Self::default()
    }

    /// `adminPass`.
    pub fn admin_pass(mut self, password: impl Into<String>) -> Self {
        self.admin_pass = Some(SecretString::from(password.into()));
        self
    }

    /// `rescue_image_ref`: the image to boot.
    pub fn rescue_image_ref(mut self, image: impl Into<String>) -> Self {
        self.rescue_image_ref = Some(image.into());
        self
    }
}

impl From<Rescue> for ServerAction {
    fn from(r: Rescue) -> Self {
        if r.admin_pass.is_none() && r.rescue_image_ref.is_none() {
            return ServerAction::bare("rescue");
        }
        let mut m = Map::new();
        secret_opt(&mut m, "adminPass", &r.admin_pass);
        put_opt(&mut m, "rescue_image_ref", &r.rescue_image_ref);
        ServerAction::new("rescue", Value::Object(m), None)
    }
}

/// `protocol` of a remote console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ConsoleProtocol {
    /// `vnc`
    Vnc,
    /// `spice`
    Spice,
    /// `rdp` (removed from Nova in 2024)
    Rdp,
    /// `serial`
    Serial,
    /// `mks` (2.8+)
    Mks,
}

/// `type` of a remote console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ConsoleType {
    /// `novnc` (vnc)
    #[serde(rename = "novnc")]
    NoVnc,
    /// `xvpvnc` (vnc, before 2.99)
    #[serde(rename = "xvpvnc")]
    XvpVnc,
    /// `spice-html5` (spice)
    #[serde(rename = "spice-html5")]
    SpiceHtml5,
    /// `spice-direct` (spice, 2.99+)
    #[serde(rename = "spice-direct")]
    SpiceDirect,
    /// `rdp-html5` (rdp)
    #[serde(rename = "rdp-html5")]
    RdpHtml5,
    /// `serial` (serial)
    #[serde(rename = "serial")]
    Serial,
    /// `webmks` (mks, 2.8+)
    #[serde(rename = "webmks")]
    WebMks,
}

/// A remote console as `POST /servers/{id}/remote-consoles` answers it (`{"remote_console": {...}}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct RemoteConsole {
    /// The protocol, e.g. `vnc`.
    pub protocol: String,
    /// The console type, e.g. `novnc`.
    #[serde(rename = "type")]
    pub console_type: String,
    /// The URL to open (it holds a one-time token).
    pub url: String,
}

#[derive(Deserialize)]
struct AdminPass {
    #[serde(rename = "adminPass", default)]
    admin_pass: Option<SecretString>,
}

#[derive(Deserialize)]
struct ImageId {
    #[serde(default)]
    image_id: Option<String>,
}

#[derive(Deserialize)]
struct ConsoleOutput {
    output: String,
}

impl Api<Server> {
    /// Sends `action` to `POST /servers/{id}/action` after checking its microversion.
    async fn run_action(
        &self,
        id: &str,
        action: &ServerAction,
    ) -> Result<crate::request::RawResponse, Error> {
        let body = serde_json::to_value(action)
            .map_err(|e| Error::InvalidInput(format!("server action: {e}")))?;
        let call = self
            .item_call(Method::Post, id, &["action"])?
            .json_body(&body)
            .min_microversion(action.min_microversion());
        self.client().execute(&call).await
    }

    /// `POST /servers/{id}/action` with any [`ServerAction`] (202); the answer's body, if any, is
    /// ignored. The named methods (`pause`, `lock`, …) are shortcuts for it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::{ServerAction, ServerStatus};
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.perform(&id, ServerAction::pause()).await?;
    /// assert_eq!(servers.wait_for_status(&id, ServerStatus::Paused).await?.status, ServerStatus::Paused);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] before sending when the action needs more than the
    /// microversion in use; [`Error::Api`] 409 (`conflictingRequest`) when the server's state
    /// forbids it, 404 when there is no such server, 403 when policy forbids it.
    pub async fn perform(&self, id: &str, action: impl Into<ServerAction>) -> Result<(), Error> {
        self.run_action(id, &action.into()).await?;
        Ok(())
    }

    /// `{"reboot": {"type": "SOFT"|"HARD"}}` (202): → REBOOT / HARD_REBOOT → ACTIVE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(std::time::Duration::ZERO).action_delay(std::time::Duration::from_millis(100)).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use std::time::Duration;
    /// use stackclient::WaitOptions;
    /// use stackclient::compute::{RebootType, ServerStatus};
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.reboot(&id, RebootType::Soft).await?;
    /// let rebooting = servers.get(&id).await?;
    /// assert_eq!((rebooting.status, rebooting.task_state.as_deref()), (ServerStatus::Reboot, Some("rebooting")));
    /// // Done when ACTIVE again *and* the reboot task has finished (a reboot takes 100 ms here).
    /// let fast = WaitOptions::default().interval(Duration::from_millis(20), Duration::from_millis(100));
    /// let server = servers.wait_for_status_with(&id, ServerStatus::Active, fast).await?;
    /// assert_eq!(server.task_state, None);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn reboot(&self, id: &str, kind: RebootType) -> Result<(), Error> {
        self.perform(id, ServerAction::reboot(kind)).await
    }

    /// `{"os-start": null}` (202): SHUTOFF → ACTIVE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.stop(&id).await?;
    /// servers.wait_for_status(&id, ServerStatus::Shutoff).await?;
    /// servers.start(&id).await?;
    /// let server = servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// assert_eq!(server.power_state, Some(1)); // RUNNING
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); 409 when the server is not SHUTOFF.
    pub async fn start(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::start()).await
    }

    /// `{"os-stop": null}` (202): ACTIVE or ERROR → SHUTOFF.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.stop(&id).await?;
    /// let server = servers.wait_for_status(&id, ServerStatus::Shutoff).await?;
    /// assert_eq!((server.vm_state.as_deref(), server.power_state), (Some("stopped"), Some(4))); // SHUTDOWN
    /// // Stopping it again: Nova's 409.
    /// assert!(servers.stop(&id).await.unwrap_err().is_conflict());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); 409 when the server is not ACTIVE or ERROR.
    pub async fn stop(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::stop()).await
    }

    /// `{"pause": null}` (202): ACTIVE → PAUSED.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.pause(&id).await?;
    /// assert_eq!(servers.wait_for_status(&id, ServerStatus::Paused).await?.power_state, Some(3)); // PAUSED
    /// let err = servers.pause(&id).await.unwrap_err();
    /// assert!(err.to_string().contains("while it is in vm_state paused"), "{err}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn pause(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::pause()).await
    }

    /// `{"unpause": null}` (202): PAUSED → ACTIVE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.pause(&id).await?;
    /// servers.wait_for_status(&id, ServerStatus::Paused).await?;
    /// servers.unpause(&id).await?;
    /// assert_eq!(servers.wait_for_status(&id, ServerStatus::Active).await?.status, ServerStatus::Active);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn unpause(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::unpause()).await
    }

    /// `{"suspend": null}` (202): ACTIVE → SUSPENDED.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.suspend(&id).await?;
    /// let server = servers.wait_for_status(&id, ServerStatus::Suspended).await?;
    /// assert_eq!(server.vm_state.as_deref(), Some("suspended"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn suspend(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::suspend()).await
    }

    /// `{"resume": null}` (202): SUSPENDED → ACTIVE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.suspend(&id).await?;
    /// servers.wait_for_status(&id, ServerStatus::Suspended).await?;
    /// servers.resume(&id).await?;
    /// assert_eq!(servers.wait_for_status(&id, ServerStatus::Active).await?.status, ServerStatus::Active);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn resume(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::resume()).await
    }

    /// `{"lock": null}` (202), or with `reason` `{"lock": {"locked_reason": reason}}` (2.73+).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.lock(&id, Some("maintenance")).await?;
    /// let server = servers.get(&id).await?;
    /// assert_eq!((server.locked, server.locked_reason.as_deref()), (Some(true), Some("maintenance")));
    /// let locked: Vec<_> = servers.list().locked(true).all().await?.into_iter().map(|s| s.id).collect();
    /// assert_eq!(locked, [id]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); [`Error::MicroversionUnsupported`] for a reason below 2.73.
    pub async fn lock(&self, id: &str, reason: Option<&str>) -> Result<(), Error> {
        let action = match reason {
            Some(r) => ServerAction::lock_with_reason(r),
            None => ServerAction::lock(),
        };
        self.perform(id, action).await
    }

    /// `{"unlock": null}` (202).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.lock(&id, None).await?;
    /// servers.unlock(&id).await?;
    /// assert_eq!(servers.get(&id).await?.locked, Some(false));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn unlock(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::unlock()).await
    }

    /// `{"rescue": {...}}` (200): → RESCUE; returns the rescue admin password (`None` when the
    /// cloud disables password injection).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::{Rescue, ServerStatus};
    /// let servers = client.compute().servers();
    /// let image = stackclient::testing::FakeCloud::IMAGE_ID;
    /// let password = servers.rescue(&id, Rescue::new().rescue_image_ref(image)).await?;
    /// assert!(password.is_some()); // generated, as none was given
    /// let server = servers.wait_for_status(&id, ServerStatus::Rescue).await?;
    /// assert_eq!(server.vm_state.as_deref(), Some("rescued"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); [`Error::Decode`] for an unreadable answer.
    pub async fn rescue(&self, id: &str, rescue: Rescue) -> Result<Option<SecretString>, Error> {
        let raw = self.run_action(id, &rescue.into()).await?;
        if raw.body.is_empty() {
            return Ok(None);
        }
        Ok(raw.json::<AdminPass>()?.admin_pass)
    }

    /// `{"unrescue": null}` (202): RESCUE → ACTIVE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::{Rescue, ServerStatus};
    /// let servers = client.compute().servers();
    /// servers.rescue(&id, Rescue::new()).await?;
    /// servers.wait_for_status(&id, ServerStatus::Rescue).await?;
    /// servers.unrescue(&id).await?;
    /// let server = servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// assert_eq!(server.vm_state.as_deref(), Some("active"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn unrescue(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::unrescue()).await
    }

    /// `{"shelve": null}` (202): → SHELVED / SHELVED_OFFLOADED.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// servers.shelve(&id).await?;
    /// // Nova's default `shelved_offload_time = 0` offloads at once: the server leaves its host.
    /// let server = servers.wait_for_status(&id, ServerStatus::ShelvedOffloaded).await?;
    /// assert_eq!(server.host, None);
    /// // Its disk was saved as an image named after it.
    /// let image = client.image().images().find("web-1-shelved").await?.expect("shelved image");
    /// assert_eq!(image.properties.get("instance_uuid"), Some(&serde_json::json!(id)));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn shelve(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::shelve()).await
    }

    /// `{"shelveOffload": null}` (202): SHELVED → SHELVED_OFFLOADED.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).shelved_offload_time(None).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// servers.shelve(&id).await?; // stays SHELVED: this fake never offloads on its own
    /// servers.wait_for_status(&id, ServerStatus::Shelved).await?;
    /// servers.shelve_offload(&id).await?;
    /// let server = servers.wait_for_status(&id, ServerStatus::ShelvedOffloaded).await?;
    /// assert_eq!(server.vm_state.as_deref(), Some("shelved_offloaded"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn shelve_offload(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::shelve_offload()).await
    }

    /// `{"unshelve": ...}` (202): → ACTIVE; see [`Unshelve`] for the zone (2.77) and host (2.91).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::{ServerStatus, Unshelve};
    /// let servers = client.compute().servers();
    /// servers.shelve(&id).await?;
    /// servers.wait_for_status(&id, ServerStatus::ShelvedOffloaded).await?;
    /// servers.unshelve(&id, Unshelve::new().availability_zone("nova")).await?; // the zone needs 2.77
    /// let server = servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// assert_eq!(server.pinned_availability_zone.as_deref(), Some("nova"));
    /// // An unknown zone is refused.
    /// servers.shelve(&id).await?;
    /// servers.wait_for_status(&id, ServerStatus::ShelvedOffloaded).await?;
    /// let err = servers.unshelve(&id, Unshelve::new().availability_zone("az-9")).await.unwrap_err();
    /// assert_eq!(err.status(), Some(400));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn unshelve(&self, id: &str, unshelve: Unshelve) -> Result<(), Error> {
        self.perform(id, unshelve).await
    }

    /// `{"resize": {"flavorRef", ...}}` (202): → RESIZE → VERIFY_RESIZE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::{Resize, ServerStatus};
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// // From m1.tiny (`1`) to m1.small (`2`).
    /// servers.resize(&id, Resize::new("2")).await?;
    /// let server = servers.wait_for_status(&id, ServerStatus::VerifyResize).await?;
    /// let flavor = server.flavor.as_ref().and_then(|f| f.embedded()).expect("flavor embedded (2.47+)");
    /// assert_eq!(flavor.original_name, "m1.small");
    /// servers.confirm_resize(&id).await?;
    /// servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); 400 when the flavor is the same or too small.
    pub async fn resize(&self, id: &str, resize: Resize) -> Result<(), Error> {
        self.perform(id, resize).await
    }

    /// `{"confirmResize": null}` (204): VERIFY_RESIZE → ACTIVE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::{Resize, ServerStatus};
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.resize(&id, Resize::new("2")).await?;
    /// servers.wait_for_status(&id, ServerStatus::VerifyResize).await?;
    /// servers.confirm_resize(&id).await?;
    /// let server = servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// assert_eq!(server.flavor.as_ref().and_then(|f| f.embedded()).map(|f| f.ram), Some(2048));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn confirm_resize(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::confirm_resize()).await
    }

    /// `{"revertResize": null}` (202): VERIFY_RESIZE → REVERT_RESIZE → ACTIVE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::{Resize, ServerStatus};
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// servers.resize(&id, Resize::new("2")).await?;
    /// servers.wait_for_status(&id, ServerStatus::VerifyResize).await?;
    /// servers.revert_resize(&id).await?;
    /// let server = servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// let flavor = server.flavor.as_ref().and_then(|f| f.embedded()).expect("flavor");
    /// assert_eq!(flavor.original_name, "m1.tiny"); // back on the old flavor
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn revert_resize(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::revert_resize()).await
    }

    /// `{"rebuild": {...}}` (202): the server as Nova answers (status REBUILD, task_state
    /// `rebuilding`); wait for ACTIVE with [`wait_for_status`](Self::wait_for_status).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::{RebuildServer, ServerStatus};
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "2").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// // On m1.small: Ubuntu's 3.5 GiB need more disk than m1.tiny has.
    /// let ubuntu = client.image().images().find("ubuntu-24.04-server-cloudimg-amd64").await?.expect("image");
    /// let server = servers.rebuild(&id, RebuildServer::new(&ubuntu.id).name("web-1-ubuntu")).await?;
    /// assert_eq!(server.status, ServerStatus::Rebuild);
    /// let server = servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// assert_eq!(server.name, "web-1-ubuntu");
    /// assert_eq!(server.image.map(|i| i.id), Some(ubuntu.id));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); [`Error::MicroversionUnsupported`] for fields the microversion
    /// in use lacks (see [`RebuildServer`]).
    pub async fn rebuild(&self, id: &str, rebuild: RebuildServer) -> Result<Server, Error> {
        let raw = self.run_action(id, &rebuild.into()).await?;
        crate::request::decode_seed(
            raw.method,
            &raw.url,
            &raw.body,
            crate::resource::Envelope::<Server>::new("server"),
        )
        .map_err(|e| raw.scrub_error(e))
    }

    /// `{"createImage": {...}}` (202): the new image's id, from the body's `image_id` (2.45+) or
    /// the last path segment of the `Location` header (before 2.45).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::CreateImage;
    /// use stackclient::image::ImageVisibility;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// let image_id = servers.create_image(&id, CreateImage::new("web-1-snapshot").metadata("purpose", "backup")).await?;
    /// let image = client.image().images().get(&image_id).await?;
    /// assert_eq!(image.name.as_deref(), Some("web-1-snapshot"));
    /// assert_eq!(image.visibility, Some(ImageVisibility::Private));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); [`Error::Decode`] when the answer names no image.
    pub async fn create_image(&self, id: &str, image: CreateImage) -> Result<String, Error> {
        let raw = self.run_action(id, &image.into()).await?;
        new_image_id(&raw)?.ok_or_else(|| no_image(&raw))
    }

    /// `{"createBackup": {...}}` (202): the new image's id as for
    /// [`create_image`](Self::create_image); `None` when Nova names none (rotation 0).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::{CreateBackup, ServerStatus};
    /// let servers = client.compute().servers();
    /// // Keep the last 7 daily backups.
    /// let image_id = servers.create_backup(&id, CreateBackup::new("web-1-daily", "daily", 7)).await?.expect("image id (2.45+)");
    /// servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// let image = client.image().images().get(&image_id).await?;
    /// assert_eq!(image.properties.get("image_type"), Some(&serde_json::json!("backup")));
    /// assert_eq!(image.properties.get("backup_type"), Some(&serde_json::json!("daily")));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn create_backup(
        &self,
        id: &str,
        backup: CreateBackup,
    ) -> Result<Option<String>, Error> {
        let raw = self.run_action(id, &backup.into()).await?;
        new_image_id(&raw)
    }

    /// `{"migrate": null}` or, with a host, `{"migrate": {"host"}}` (2.56+) (202, admin): cold
    /// migration → VERIFY_RESIZE; confirm with [`confirm_resize`](Self::confirm_resize).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let servers = client.compute().servers();
    /// // This fake cloud has one compute host: the scheduler finds no other one.
    /// let err = servers.migrate(&id, None).await.unwrap_err();
    /// assert_eq!(err.status(), Some(400));
    /// let migrations = client.compute().migrations().list().instance_uuid(&id).all().await?;
    /// assert_eq!(migrations[0].status, "error");
    /// assert_eq!(migrations[0].migration_type.as_deref(), Some("migration"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn migrate(&self, id: &str, host: Option<&str>) -> Result<(), Error> {
        let action = match host {
            Some(h) => ServerAction::migrate_to(h),
            None => ServerAction::migrate(),
        };
        self.perform(id, action).await
    }

    /// `{"os-migrateLive": {...}}` (202, admin): → MIGRATING → ACTIVE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::{BlockMigration, LiveMigrate, ServerStatus};
    /// let servers = client.compute().servers();
    /// servers.live_migrate(&id, LiveMigrate::new().block_migration(BlockMigration::Auto)).await?;
    /// servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// // Accepted, but on a one-host cloud the conductor finds no destination.
    /// let migrations = client.compute().migrations().list().migration_type("live-migration").all().await?;
    /// assert_eq!(migrations[0].status, "error");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); [`Error::MicroversionUnsupported`] for `"auto"` below 2.25.
    pub async fn live_migrate(&self, id: &str, migrate: LiveMigrate) -> Result<(), Error> {
        self.perform(id, migrate).await
    }

    /// `{"evacuate": {...}}` (200, admin): the admin password Nova answers before 2.14 (`None`
    /// from 2.14, which answers no body).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::{Evacuate, ServerStatus};
    /// let servers = client.compute().servers();
    /// // Nova evacuates only from a host whose compute service is down.
    /// let err = servers.evacuate(&id, Evacuate::new()).await.unwrap_err();
    /// assert_eq!(err.status(), Some(400));
    /// let services = client.compute().services();
    /// let compute = services.list().binary("nova-compute").all().await?.remove(0);
    /// services.force_down(compute.id.as_deref().expect("id"), true).await?;
    /// assert_eq!(servers.evacuate(&id, Evacuate::new()).await?.map(|_| ()), None); // no password from 2.14
    /// // No other host to rebuild it on: the server ends in ERROR.
    /// let server = servers.get(&id).await?;
    /// assert_eq!(server.status, ServerStatus::Error);
    /// assert!(server.fault.expect("fault").message.starts_with("No valid host was found."));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn evacuate(
        &self,
        id: &str,
        evacuate: Evacuate,
    ) -> Result<Option<SecretString>, Error> {
        let raw = self.run_action(id, &evacuate.into()).await?;
        if raw.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        Ok(raw.json::<AdminPass>()?.admin_pass)
    }

    /// `{"forceDelete": null}` (202): deletes a SOFT_DELETED server now.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).reclaim_instance_interval(std::time::Duration::from_secs(3600)).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// servers.delete(&id).await?; // with `reclaim_instance_interval` set, DELETE only soft-deletes
    /// assert_eq!(servers.get(&id).await?.status, ServerStatus::SoftDeleted);
    /// servers.force_delete(&id).await?;
    /// servers.wait_for_delete(&id).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn force_delete(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::force_delete()).await
    }

    /// `{"restore": null}` (202): SOFT_DELETED → ACTIVE.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).reclaim_instance_interval(std::time::Duration::from_secs(3600)).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// servers.delete(&id).await?; // soft-deleted: `reclaim_instance_interval` is set
    /// servers.wait_for_status(&id, ServerStatus::SoftDeleted).await?;
    /// servers.restore(&id).await?;
    /// let server = servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// assert_eq!(server.power_state, Some(1));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn restore(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::restore()).await
    }

    /// `{"trigger_crash_dump": null}` (202, 2.17+).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let servers = client.compute().servers();
    /// servers.trigger_crash_dump(&id).await?;
    /// let actions = servers.instance_actions(&id)?.all().await?;
    /// assert_eq!(actions[0].action, "trigger_crash_dump");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); [`Error::MicroversionUnsupported`] below 2.17.
    pub async fn trigger_crash_dump(&self, id: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::trigger_crash_dump()).await
    }

    /// `{"os-resetState": {"state"}}` (202, admin).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::{ResetState, ServerStatus};
    /// let servers = client.compute().servers();
    /// servers.reset_state(&id, ResetState::Error).await?;
    /// assert_eq!(servers.get(&id).await?.status, ServerStatus::Error);
    /// servers.reset_state(&id, ResetState::Active).await?;
    /// assert_eq!(servers.get(&id).await?.status, ServerStatus::Active);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform).
    pub async fn reset_state(&self, id: &str, state: ResetState) -> Result<(), Error> {
        self.perform(id, ServerAction::reset_state(state)).await
    }

    /// `{"changePassword": {"adminPass"}}` (202).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::SecretString;
    /// use stackclient::compute::ServerStatus;
    /// let servers = client.compute().servers();
    /// let password = SecretString::from("n3w-Passw0rd");
    /// servers.change_admin_password(&id, &password).await?;
    /// servers.wait_for_status(&id, ServerStatus::Active).await?;
    /// assert_eq!(servers.instance_actions(&id)?.all().await?[0].action, "changePassword");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); 501/409 when the hypervisor or guest cannot.
    pub async fn change_admin_password(
        &self,
        id: &str,
        password: &SecretString,
    ) -> Result<(), Error> {
        self.perform(id, ServerAction::change_password(password))
            .await
    }

    /// `{"os-getConsoleOutput": {"length"?}}` (200): the console log's last `length` lines (all of
    /// it for `None`), as `{"output": "..."}` holds it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let tail = client.compute().servers().console_output(&id, Some(2)).await?;
    /// assert_eq!(tail.lines().collect::<Vec<_>>(), ["ANOTHER", "LAST LINE"]); // the fake virt driver's log
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); [`Error::Decode`] for an answer without `output`.
    pub async fn console_output(&self, id: &str, length: Option<u32>) -> Result<String, Error> {
        let raw = self
            .run_action(id, &ServerAction::console_output(length))
            .await?;
        Ok(raw.json::<ConsoleOutput>()?.output)
    }

    /// `{"addSecurityGroup": {"name"}}` (202).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::network::CreateSecurityGroup;
    /// client.network().security_groups().create(&CreateSecurityGroup::new("web")).await?;
    /// let servers = client.compute().servers();
    /// servers.add_security_group(&id, "web").await?;
    /// let names: Vec<String> = servers.get(&id).await?.security_groups.into_iter().map(|g| g.name).collect();
    /// assert_eq!(names, ["default", "web"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); 404 for an unknown group.
    pub async fn add_security_group(&self, id: &str, group: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::add_security_group(group))
            .await
    }

    /// `{"removeSecurityGroup": {"name"}}` (202).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// let servers = client.compute().servers();
    /// servers.remove_security_group(&id, "default").await?;
    /// assert!(servers.get(&id).await?.security_groups.is_empty());
    /// // Not on the server any more: 404.
    /// let err = servers.remove_security_group(&id, "default").await.unwrap_err();
    /// assert_eq!(err.status(), Some(404));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`perform`](Self::perform); 404 when the server is not in the group.
    pub async fn remove_security_group(&self, id: &str, group: &str) -> Result<(), Error> {
        self.perform(id, ServerAction::remove_security_group(group))
            .await
    }

    /// `POST /servers/{id}/remote-consoles` `{"remote_console": {"protocol", "type"}}` (200,
    /// 2.6+): a console URL. `mks` needs 2.8, `spice-direct` 2.99.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// # let id = fake.add_server(stackclient::testing::FakeServer::new("web-1")).expect("seeded");
    /// use stackclient::compute::{ConsoleProtocol, ConsoleType};
    /// let console = client.compute().servers().remote_console(&id, ConsoleProtocol::Vnc, ConsoleType::NoVnc).await?;
    /// assert!(console.url.starts_with("http://127.0.0.1:6080/vnc_auto.html?path=%3Ftoken%3D"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] before sending below those; [`Error::Api`] 400 for a
    /// protocol/type pair the cloud does not serve, 409 when the server is not running.
    pub async fn remote_console(
        &self,
        id: &str,
        protocol: ConsoleProtocol,
        console_type: ConsoleType,
    ) -> Result<RemoteConsole, Error> {
        let min = match (protocol, console_type) {
            (_, ConsoleType::SpiceDirect) => ApiVersion::new(2, 99),
            (ConsoleProtocol::Mks, _) | (_, ConsoleType::WebMks) => ApiVersion::new(2, 8),
            _ => ApiVersion::new(2, 6),
        };
        let call = self
            .item_call(Method::Post, id, &["remote-consoles"])?
            .json_body(&json!({"remote_console": {"protocol": protocol, "type": console_type}}))
            .min_microversion(Some(min));
        self.send_for(&call, "remote_console").await
    }
}

/// The image id of a createImage / createBackup answer: the body's `image_id`, else the
/// `Location` header's last segment.
fn new_image_id(raw: &crate::request::RawResponse) -> Result<Option<String>, Error> {
    if !raw.body.iter().all(u8::is_ascii_whitespace) {
        if let Some(id) = raw.json::<ImageId>()?.image_id {
            return Ok(Some(id));
        }
    }
    Ok(raw
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .and_then(|loc| loc.trim_end_matches('/').rsplit('/').next())
        .filter(|s| !s.is_empty())
        .map(str::to_string))
}

fn no_image(raw: &crate::request::RawResponse) -> Error {
    Error::Decode {
        method: raw.method.as_str().into(),
        url: crate::error::redact_url(&raw.url),
        path: "image_id".into(),
        message: "the answer has neither `image_id` nor a `Location` header".into(),
    }
}
