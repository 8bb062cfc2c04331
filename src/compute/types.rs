//! Serde models of the Compute API (Nova): servers, flavors and the request bodies that create them.
//!
//! The models follow the Compute API reference at every microversion from 2.1 to 2.100 and later:
//! a field that only some microversions (or only some policies) return is an `Option`, a list or
//! map that may be absent is empty by default. Each field's documentation names the microversion it
//! appeared in; a field without one is there from 2.1. Sizes carry their unit: RAM in MiB, disks in
//! GiB, swap in MiB.
//!
//! Nothing here does I/O.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret as _, SecretString};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

pub(crate) use crate::timestamp;

/// `deserialize_with` for optional strings where the API sends `""` for "not set": `""`, `null` and
/// a missing field are all `None`.
fn empty_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

// ---------------------------------------------------------------------------------------------
// Common pieces
// ---------------------------------------------------------------------------------------------

/// A hypermedia link (`{"href", "rel", "type"?}`) as Nova returns in `links` and `*_links`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Link {
    /// The URL.
    pub href: String,
    /// Relation: `self`, `bookmark`, `next`, `alternate`, …
    pub rel: String,
    /// Media type, when given (e.g. on `alternate` links of images).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// A security group as a server lists it: by name only.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SecurityGroupRef {
    /// Security group name (e.g. `default`).
    pub name: String,
}

// ---------------------------------------------------------------------------------------------
// Server status
// ---------------------------------------------------------------------------------------------

/// A server's `status`, as listed in the Compute API reference.
///
/// Statuses Nova adds later are kept verbatim in [`ServerStatus::Other`], so a new status never
/// breaks deserialization. [`FromStr`] never fails (unknown text becomes `Other`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerStatus {
    /// `ACTIVE`: running.
    Active,
    /// `BUILD`: the original build has not finished.
    Build,
    /// `DELETED`: permanently deleted.
    Deleted,
    /// `ERROR`: failed; [`Server::fault`] says why.
    Error,
    /// `HARD_REBOOT`: hard rebooting (power cycled).
    HardReboot,
    /// `MIGRATING`: being migrated to another host.
    Migrating,
    /// `PASSWORD`: the password is being reset.
    Password,
    /// `PAUSED`: frozen, state kept in RAM.
    Paused,
    /// `REBOOT`: soft rebooting.
    Reboot,
    /// `REBUILD`: being rebuilt from an image.
    Rebuild,
    /// `RESCUE`: in rescue mode.
    Rescue,
    /// `RESIZE`: being resized or migrated.
    Resize,
    /// `REVERT_RESIZE`: a resize or migration is being reverted.
    RevertResize,
    /// `SHELVED`: shelved, still on its host.
    Shelved,
    /// `SHELVED_OFFLOADED`: shelved and removed from its host; needs unshelve.
    ShelvedOffloaded,
    /// `SHUTOFF`: powered off, disks kept.
    Shutoff,
    /// `SOFT_DELETED`: marked deleted, still restorable.
    SoftDeleted,
    /// `SUSPENDED`: suspended to disk.
    Suspended,
    /// `UNKNOWN`: Nova does not know (also the status of partial records from a down cell, 2.69+).
    Unknown,
    /// `VERIFY_RESIZE`: awaiting confirmation of a resize or migration.
    VerifyResize,
    /// A status this crate does not know, verbatim.
    Other(String),
}

impl ServerStatus {
    /// The status as the API writes it, e.g. `"ACTIVE"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "ACTIVE",
            Self::Build => "BUILD",
            Self::Deleted => "DELETED",
            Self::Error => "ERROR",
            Self::HardReboot => "HARD_REBOOT",
            Self::Migrating => "MIGRATING",
            Self::Password => "PASSWORD",
            Self::Paused => "PAUSED",
            Self::Reboot => "REBOOT",
            Self::Rebuild => "REBUILD",
            Self::Rescue => "RESCUE",
            Self::Resize => "RESIZE",
            Self::RevertResize => "REVERT_RESIZE",
            Self::Shelved => "SHELVED",
            Self::ShelvedOffloaded => "SHELVED_OFFLOADED",
            Self::Shutoff => "SHUTOFF",
            Self::SoftDeleted => "SOFT_DELETED",
            Self::Suspended => "SUSPENDED",
            Self::Unknown => "UNKNOWN",
            Self::VerifyResize => "VERIFY_RESIZE",
            Self::Other(s) => s,
        }
    }

    fn from_api(s: &str) -> Self {
        match s {
            "ACTIVE" => Self::Active,
            "BUILD" => Self::Build,
            "DELETED" => Self::Deleted,
            "ERROR" => Self::Error,
            "HARD_REBOOT" => Self::HardReboot,
            "MIGRATING" => Self::Migrating,
            "PASSWORD" => Self::Password,
            "PAUSED" => Self::Paused,
            "REBOOT" => Self::Reboot,
            "REBUILD" => Self::Rebuild,
            "RESCUE" => Self::Rescue,
            "RESIZE" => Self::Resize,
            "REVERT_RESIZE" => Self::RevertResize,
            "SHELVED" => Self::Shelved,
            "SHELVED_OFFLOADED" => Self::ShelvedOffloaded,
            "SHUTOFF" => Self::Shutoff,
            "SOFT_DELETED" => Self::SoftDeleted,
            "SUSPENDED" => Self::Suspended,
            "UNKNOWN" => Self::Unknown,
            "VERIFY_RESIZE" => Self::VerifyResize,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for ServerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ServerStatus {
    type Err = std::convert::Infallible;

    /// Parses a status; matching ignores ASCII case (`"active"` is [`ServerStatus::Active`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match Self::from_api(&s.to_ascii_uppercase()) {
            Self::Other(_) => Self::Other(s.to_owned()),
            known => known,
        })
    }
}

impl Serialize for ServerStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ServerStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::from_api(&String::deserialize(d)?))
    }
}

// ---------------------------------------------------------------------------------------------
// Server and its parts
// ---------------------------------------------------------------------------------------------

/// One IP address of a server, an entry of [`Server::addresses`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Address {
    /// The IP address, e.g. `192.168.1.30`.
    pub addr: String,
    /// IP version: `4` or `6`.
    pub version: u8,
    /// `OS-EXT-IPS:type`: `fixed` or `floating`.
    #[serde(rename = "OS-EXT-IPS:type", default)]
    pub ip_type: Option<String>,
    /// `OS-EXT-IPS-MAC:mac_addr`: MAC address of the port, e.g. `00:0c:29:0d:11:74`.
    #[serde(rename = "OS-EXT-IPS-MAC:mac_addr", default)]
    pub mac_addr: Option<String>,
}

/// The flavor reference a server carried before microversion 2.47: `{id, links}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct FlavorRef {
    /// Flavor ID (Nova flavor IDs are strings, often numeric like `"1"`).
    pub id: String,
    /// Bookmark link to the flavor.
    #[serde(default)]
    pub links: Vec<Link>,
}

/// The flavor embedded in a server from microversion 2.47: a copy of the flavor as it was when the
/// server was created or last resized (it survives the flavor's deletion).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct EmbeddedFlavor {
    /// The flavor's name at the time (the flavor may have been renamed or deleted since).
    pub original_name: String,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// RAM in MiB.
    pub ram: u64,
    /// Root disk size in GiB (0: the image's size, as for boot from volume).
    pub disk: u64,
    /// Ephemeral disk size in GiB.
    #[serde(default)]
    pub ephemeral: u64,
    /// Swap size in MiB (0: none).
    #[serde(default)]
    pub swap: u64,
    /// Flavor extra specs; `None` when policy hides them (`os_compute_api:os-flavor-extra-specs:index`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_specs: Option<BTreeMap<String, String>>,
}

/// A server's `flavor`, whose shape depends on the microversion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ServerFlavor {
    /// Before 2.47: a reference `{id, links}` to the flavor.
    Reference(FlavorRef),
    /// From 2.47: the flavor's properties `{original_name, vcpus, ram, disk, ephemeral, swap, extra_specs}`.
    Embedded(EmbeddedFlavor),
}

impl ServerFlavor {
    /// The flavor ID (only known for a [`ServerFlavor::Reference`], i.e. before 2.47).
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Reference(r) => Some(&r.id),
            Self::Embedded(_) => None,
        }
    }

    /// The embedded flavor (2.47+), if this is one.
    pub fn embedded(&self) -> Option<&EmbeddedFlavor> {
        match self {
            Self::Embedded(e) => Some(e),
            Self::Reference(_) => None,
        }
    }
}

/// Every key either flavor shape may have; decides which shape it is.
#[derive(Deserialize, Default)]
struct RawServerFlavor {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    original_name: Option<String>,
    #[serde(default)]
    vcpus: Option<u32>,
    #[serde(default)]
    ram: Option<u64>,
    #[serde(default)]
    disk: Option<u64>,
    #[serde(default)]
    ephemeral: Option<u64>,
    #[serde(default, deserialize_with = "swap_opt")]
    swap: Option<u64>,
    #[serde(default)]
    extra_specs: Option<BTreeMap<String, String>>,
}

impl RawServerFlavor {
    fn is_empty(&self) -> bool {
        self.id.is_none()
            && self.links.is_empty()
            && self.original_name.is_none()
            && self.vcpus.is_none()
            && self.ram.is_none()
            && self.disk.is_none()
    }

    fn into_flavor<E: de::Error>(self) -> Result<ServerFlavor, E> {
        if self.original_name.is_some() || self.vcpus.is_some() || self.ram.is_some() {
            return Ok(ServerFlavor::Embedded(EmbeddedFlavor {
                original_name: self
                    .original_name
                    .ok_or_else(|| E::missing_field("original_name"))?,
                vcpus: self.vcpus.ok_or_else(|| E::missing_field("vcpus"))?,
                ram: self.ram.ok_or_else(|| E::missing_field("ram"))?,
                disk: self.disk.ok_or_else(|| E::missing_field("disk"))?,
                ephemeral: self.ephemeral.unwrap_or(0),
                swap: self.swap.unwrap_or(0),
                extra_specs: self.extra_specs,
            }));
        }
        match self.id {
            Some(id) => Ok(ServerFlavor::Reference(FlavorRef {
                id,
                links: self.links,
            })),
            None => Err(E::missing_field("id")),
        }
    }
}

impl<'de> Deserialize<'de> for ServerFlavor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RawServerFlavor::deserialize(d)?.into_flavor()
    }
}

/// `deserialize_with` for [`Server::flavor`]: `null` and `{}` (Nova's answer when the flavor
/// record is gone) are `None`.
fn server_flavor<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ServerFlavor>, D::Error> {
    match Option::<RawServerFlavor>::deserialize(d)? {
        None => Ok(None),
        Some(raw) if raw.is_empty() => Ok(None),
        Some(raw) => raw.into_flavor().map(Some),
    }
}

/// The image a server was booted from.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ImageRef {
    /// Image ID (Glance UUID).
    pub id: String,
    /// Bookmark link to the image.
    #[serde(default)]
    pub links: Vec<Link>,
    /// Image properties Nova recorded for the server (2.98+; values as Nova sends them, mostly strings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, serde_json::Value>>,
}

/// `deserialize_with` for [`Server::image`]: `""` (boot from volume), `null` and a missing field are
/// `None`; an object is the image; a non-empty string is taken as a bare image ID.
fn server_image<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ImageRef>, D::Error> {
    struct ImageVisitor;

    impl<'de> Visitor<'de> for ImageVisitor {
        type Value = Option<ImageRef>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an image object, an empty string or null")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok((!v.is_empty()).then(|| ImageRef {
                id: v.to_owned(),
                links: Vec::new(),
                properties: None,
            }))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            ImageRef::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }

    d.deserialize_option(ImageVisitor)
}

/// `deserialize_with` for `config_drive`, which Nova sends as a string (`""` for no, `"True"` for
/// yes); booleans are accepted too. `""`, `"false"`, `"False"`, `"0"`, `"no"` are `false`, any
/// other text is `true`, `null` is `None`.
fn config_drive<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct ConfigDriveVisitor;

    impl<'de> Visitor<'de> for ConfigDriveVisitor {
        type Value = Option<bool>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean, a string or null")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let no = ["", "false", "0", "no", "off"]
                .iter()
                .any(|n| v.trim().eq_ignore_ascii_case(n));
            Ok(Some(!no))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    }

    d.deserialize_option(ConfigDriveVisitor)
}

/// Swap in MiB as Nova sends it: an integer, or `""` for none before microversion 2.75.
struct SwapVisitor;

impl<'de> Visitor<'de> for SwapVisitor {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a swap size in MiB (an integer, or \"\" for none)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        u64::try_from(v)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(Some(0));
        }
        v.trim()
            .parse()
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn swap_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_option(SwapVisitor)
}

fn swap_mib<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(swap_opt(d)?.unwrap_or(0))
}

/// Why a server is in `ERROR` (or `DELETED`): Nova's `fault` object.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ServerFault {
    /// HTTP-like status code of the fault, e.g. `500`.
    pub code: u16,
    /// Human-readable message, e.g. `No valid host was found. `.
    pub message: String,
    /// Details (often a traceback); absent for code 500 unless the caller is an admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// When the fault happened.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<DateTime<Utc>>,
}

/// A volume attached to a server (`os-extended-volumes:volumes_attached`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct AttachedVolume {
    /// Volume ID (Cinder UUID).
    pub id: String,
    /// Whether the volume is deleted with the server (2.3+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_on_termination: Option<bool>,
}

/// Disk partitioning of a server (`OS-DCF:diskConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum DiskConfig {
    /// `AUTO`: the root partition is grown to the whole disk.
    Auto,
    /// `MANUAL`: the disk is left as the image has it.
    Manual,
}

impl DiskConfig {
    /// The value as the API writes it: `"AUTO"` or `"MANUAL"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Auto => "AUTO",
            Self::Manual => "MANUAL",
        }
    }
}

impl fmt::Display for DiskConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A server as `GET /servers/detail` and `GET /servers/{id}` return it (the inner object of
/// `servers[]` / `server`), at any microversion from 2.1.
///
/// Fields that depend on the microversion or on policy are `Option`s (or empty lists/maps).
/// Where Nova sends `""` for "not set" (`accessIPv4`, `hostId`, the availability zone, kernel and
/// ramdisk IDs) the field is `None`; other strings are kept as sent.
///
/// From 2.69, a server in a cell that is down is returned as a partial record (`status`
/// `UNKNOWN`, with only `id`, `created`, `tenant_id`, `links` and a few more): then [`Server::name`]
/// is empty and most other fields are `None` or empty.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Server {
    /// Server ID (UUID).
    pub id: String,
    /// Server name; empty only for a partial record from a down cell (2.69+).
    #[serde(default)]
    pub name: String,
    /// Status, derived by Nova from `vm_state` and `task_state`.
    pub status: ServerStatus,
    /// IP addresses by network name (label). Empty while the server is building.
    #[serde(default)]
    pub addresses: BTreeMap<String, Vec<Address>>,
    /// The flavor: a [`ServerFlavor::Reference`] before 2.47, a [`ServerFlavor::Embedded`] from
    /// 2.47. `None` in a partial record from a down cell or if the flavor record is gone.
    #[serde(default, deserialize_with = "server_flavor")]
    pub flavor: Option<ServerFlavor>,
    /// The image; `None` when the server boots from a volume (Nova sends `""`).
    #[serde(default, deserialize_with = "server_image")]
    pub image: Option<ImageRef>,
    /// Name of the key pair injected at boot, if any.
    #[serde(default)]
    pub key_name: Option<String>,
    /// User metadata (key → value).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Security groups by name. Empty when Nova does not report them (or the server has none).
    #[serde(default)]
    pub security_groups: Vec<SecurityGroupRef>,
    /// When the server was created.
    #[serde(with = "timestamp")]
    pub created: DateTime<Utc>,
    /// When the server was last updated; `None` in a partial record from a down cell.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<DateTime<Utc>>,
    /// Owning project ID.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub tenant_id: Option<String>,
    /// ID of the user who created the server.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub user_id: Option<String>,
    /// `hostId`: an opaque hash of host and project, equal for servers of a project on the same
    /// host; `None` (sent as `""`) while not on a host.
    #[serde(rename = "hostId", default, deserialize_with = "empty_as_none")]
    pub host_id: Option<String>,
    /// `accessIPv4`: the IPv4 address to reach the server by, if set (`""` → `None`).
    #[serde(rename = "accessIPv4", default, deserialize_with = "empty_as_none")]
    pub access_ipv4: Option<String>,
    /// `accessIPv6`: the IPv6 address to reach the server by, if set (`""` → `None`).
    #[serde(rename = "accessIPv6", default, deserialize_with = "empty_as_none")]
    pub access_ipv6: Option<String>,
    /// Build or resize progress in percent (0–100); only sent in `ACTIVE`, `BUILD`, `REBUILD`,
    /// `RESIZE`, `VERIFY_RESIZE` and `MIGRATING`.
    #[serde(default)]
    pub progress: Option<u32>,
    /// Why the server failed; only sent in `ERROR` or `DELETED` when a fault was recorded.
    #[serde(default)]
    pub fault: Option<ServerFault>,
    /// Whether the server is locked (2.9+).
    #[serde(default)]
    pub locked: Option<bool>,
    /// Why the server was locked (2.73+; `null` when unlocked or no reason given).
    #[serde(default)]
    pub locked_reason: Option<String>,
    /// Server tags (2.26+; empty before).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Server description (2.19+; `null` when unset, kept as sent otherwise, `""` included).
    #[serde(default)]
    pub description: Option<String>,
    /// IDs of the trusted certificates used to verify the image (2.63+; `null` when none).
    #[serde(default)]
    pub trusted_image_certificates: Option<Vec<String>>,
    /// Status of the server's compute host: `UP`, `DOWN`, `MAINTENANCE`, `UNKNOWN` or `""` (2.16+,
    /// by policy, usually admin only).
    #[serde(default)]
    pub host_status: Option<String>,
    /// Whether a config drive is attached (Nova sends `""` or `"True"`).
    #[serde(default, deserialize_with = "config_drive")]
    pub config_drive: Option<bool>,
    /// IDs of the server groups the server belongs to (GET /servers/{id} from 2.71; at most one).
    #[serde(default)]
    pub server_groups: Vec<String>,
    /// The availability zone the server is pinned to, by request or by
    /// `default_schedule_zone` (2.96+; `null` when not pinned).
    #[serde(default)]
    pub pinned_availability_zone: Option<String>,
    /// Scheduler hints given when the server was created (2.100+).
    #[serde(default)]
    pub scheduler_hints: BTreeMap<String, serde_json::Value>,
    /// `OS-EXT-AZ:availability_zone`: the zone the server is in (`""` → `None`).
    #[serde(
        rename = "OS-EXT-AZ:availability_zone",
        default,
        deserialize_with = "empty_as_none"
    )]
    pub availability_zone: Option<String>,
    /// `OS-EXT-SRV-ATTR:host`: compute service host (admin by default).
    #[serde(rename = "OS-EXT-SRV-ATTR:host", default)]
    pub host: Option<String>,
    /// `OS-EXT-SRV-ATTR:hypervisor_hostname`: hypervisor node name (admin by default).
    #[serde(rename = "OS-EXT-SRV-ATTR:hypervisor_hostname", default)]
    pub hypervisor_hostname: Option<String>,
    /// `OS-EXT-SRV-ATTR:instance_name`: libvirt-style instance name (admin by default).
    #[serde(rename = "OS-EXT-SRV-ATTR:instance_name", default)]
    pub instance_name: Option<String>,
    /// `OS-EXT-SRV-ATTR:reservation_id` (2.3+, admin by default).
    #[serde(rename = "OS-EXT-SRV-ATTR:reservation_id", default)]
    pub reservation_id: Option<String>,
    /// `OS-EXT-SRV-ATTR:launch_index`: index among servers created in one request (2.3+, admin by default).
    #[serde(rename = "OS-EXT-SRV-ATTR:launch_index", default)]
    pub launch_index: Option<u32>,
    /// `OS-EXT-SRV-ATTR:hostname`: the guest's hostname (2.3+; from 2.90 also for non-admins).
    #[serde(rename = "OS-EXT-SRV-ATTR:hostname", default)]
    pub hostname: Option<String>,
    /// `OS-EXT-SRV-ATTR:kernel_id`: kernel image ID (2.3+, admin by default; `""` → `None`).
    #[serde(
        rename = "OS-EXT-SRV-ATTR:kernel_id",
        default,
        deserialize_with = "empty_as_none"
    )]
    pub kernel_id: Option<String>,
    /// `OS-EXT-SRV-ATTR:ramdisk_id`: ramdisk image ID (2.3+, admin by default; `""` → `None`).
    #[serde(
        rename = "OS-EXT-SRV-ATTR:ramdisk_id",
        default,
        deserialize_with = "empty_as_none"
    )]
    pub ramdisk_id: Option<String>,
    /// `OS-EXT-SRV-ATTR:root_device_name`, e.g. `/dev/sda` (2.3+, admin by default).
    #[serde(rename = "OS-EXT-SRV-ATTR:root_device_name", default)]
    pub root_device_name: Option<String>,
    /// `OS-EXT-SRV-ATTR:user_data`: the user data, base64-encoded as sent (2.3+, admin by default).
    #[serde(rename = "OS-EXT-SRV-ATTR:user_data", default)]
    pub user_data: Option<String>,
    /// `OS-EXT-STS:task_state`: the task in progress (e.g. `spawning`), `null` when idle.
    #[serde(rename = "OS-EXT-STS:task_state", default)]
    pub task_state: Option<String>,
    /// `OS-EXT-STS:vm_state`: e.g. `active`, `building`, `stopped`, `error`.
    #[serde(rename = "OS-EXT-STS:vm_state", default)]
    pub vm_state: Option<String>,
    /// `OS-EXT-STS:power_state`: 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN, 6 CRASHED, 7 SUSPENDED.
    #[serde(rename = "OS-EXT-STS:power_state", default)]
    pub power_state: Option<u32>,
    /// `OS-DCF:diskConfig`: how the root disk was partitioned.
    #[serde(rename = "OS-DCF:diskConfig", default)]
    pub disk_config: Option<DiskConfig>,
    /// `OS-SRV-USG:launched_at`: when the server was launched (Nova sends it without a zone: UTC).
    #[serde(rename = "OS-SRV-USG:launched_at", default, with = "timestamp::option")]
    pub launched_at: Option<DateTime<Utc>>,
    /// `OS-SRV-USG:terminated_at`: when the server was terminated (UTC), `null` while it exists.
    #[serde(
        rename = "OS-SRV-USG:terminated_at",
        default,
        with = "timestamp::option"
    )]
    pub terminated_at: Option<DateTime<Utc>>,
    /// `os-extended-volumes:volumes_attached`: attached volumes.
    #[serde(rename = "os-extended-volumes:volumes_attached", default)]
    pub volumes_attached: Vec<AttachedVolume>,
    /// `self` and `bookmark` links.
    #[serde(default)]
    pub links: Vec<Link>,
}

/// A server as `GET /servers` (without `/detail`) lists it: `{id, name, links}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ServerRef {
    /// Server ID (UUID).
    pub id: String,
    /// Server name (empty for a partial record from a down cell, 2.69+).
    #[serde(default)]
    pub name: String,
    /// `self` and `bookmark` links.
    #[serde(default)]
    pub links: Vec<Link>,
}

/// The answer to `POST /servers`: the inner object of `{"server": {...}}`.
///
/// The admin password is a secret: `Debug` prints it redacted; read it with
/// [`secrecy::ExposeSecret`].
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct CreatedServer {
    /// ID (UUID) of the new server.
    pub id: String,
    /// `self` and `bookmark` links.
    #[serde(default)]
    pub links: Vec<Link>,
    /// `adminPass`: the generated (or given) admin password; absent when the cloud disables
    /// password injection (`enable_instance_password = False`).
    #[serde(rename = "adminPass", default)]
    pub admin_pass: Option<SecretString>,
    /// `OS-DCF:diskConfig` of the new server.
    #[serde(rename = "OS-DCF:diskConfig", default)]
    pub disk_config: Option<DiskConfig>,
    /// Security groups requested (`default` when none was).
    #[serde(default)]
    pub security_groups: Vec<SecurityGroupRef>,
}

/// The kind of reboot for the `reboot` server action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RebootType {
    /// `SOFT`: ask the guest OS to restart.
    #[default]
    Soft,
    /// `HARD`: power-cycle the server.
    Hard,
}

impl RebootType {
    /// The value as the API writes it: `"SOFT"` or `"HARD"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Soft => "SOFT",
            Self::Hard => "HARD",
        }
    }
}

impl fmt::Display for RebootType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// Flavor
// ---------------------------------------------------------------------------------------------

fn default_true() -> bool {
    true
}

fn default_rxtx_factor() -> f64 {
    1.0
}

/// A flavor as `GET /flavors/detail` and `GET /flavors/{id}` return it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Flavor {
    /// Flavor ID (a string; often numeric like `"1"`, sometimes a UUID).
    pub id: String,
    /// Flavor name, e.g. `m1.small`.
    pub name: String,
    /// RAM in MiB.
    pub ram: u64,
    /// Root disk size in GiB (0: the image's size).
    pub disk: u64,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// `OS-FLV-EXT-DATA:ephemeral`: ephemeral disk size in GiB.
    #[serde(rename = "OS-FLV-EXT-DATA:ephemeral", default)]
    pub ephemeral: u64,
    /// Swap size in MiB; 0 for none (Nova sends `""` for none before 2.75 and `0` from 2.75).
    #[serde(default, deserialize_with = "swap_mib")]
    pub swap: u64,
    /// Network bandwidth factor relative to the network's cap (default 1.0).
    #[serde(default = "default_rxtx_factor")]
    pub rxtx_factor: f64,
    /// `os-flavor-access:is_public`: whether every project may use the flavor.
    #[serde(rename = "os-flavor-access:is_public", default = "default_true")]
    pub is_public: bool,
    /// `OS-FLV-DISABLED:disabled`: whether the flavor is disabled.
    #[serde(rename = "OS-FLV-DISABLED:disabled", default)]
    pub disabled: bool,
    /// Free-text description (2.55+; `null` when unset).
    #[serde(default)]
    pub description: Option<String>,
    /// Extra specs (2.61+, subject to policy); `None` when not returned.
    #[serde(default)]
    pub extra_specs: Option<BTreeMap<String, String>>,
    /// `self` and `bookmark` links.
    #[serde(default)]
    pub links: Vec<Link>,
}

// ---------------------------------------------------------------------------------------------
// Create server request
// ---------------------------------------------------------------------------------------------

/// Where a block device's content comes from (`source_type` of `block_device_mapping_v2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SourceType {
    /// `image`: a Glance image (`uuid` is the image ID).
    Image,
    /// `volume`: an existing Cinder volume (`uuid` is the volume ID).
    Volume,
    /// `snapshot`: a Cinder snapshot (`uuid` is the snapshot ID).
    Snapshot,
    /// `blank`: an empty device.
    Blank,
}

/// Where a block device lives (`destination_type` of `block_device_mapping_v2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DestinationType {
    /// `local`: an ephemeral disk on the compute host.
    Local,
    /// `volume`: a Cinder volume.
    Volume,
}

/// One entry of `block_device_mapping_v2` in a create-server request.
///
/// Build one with [`BlockDeviceMapping::boot_volume_from_image`] or
/// [`BlockDeviceMapping::boot_from_volume`], or field by field:
/// `BlockDeviceMapping { uuid: Some(id), ..Default::default() }`. `None` fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct BlockDeviceMapping {
    /// Boot order: `0` is the boot device; `None` (or a negative value) is not bootable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_index: Option<i32>,
    /// ID of the source image, volume or snapshot (not for `blank`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// Where the content comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<SourceType>,
    /// Where the device lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_type: Option<DestinationType>,
    /// Size of the device in GiB (needed when a volume is created from an image or blank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_size: Option<u64>,
    /// Delete the volume when the server is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_on_termination: Option<bool>,
    /// Device name hint, e.g. `vdb` (hypervisors may ignore it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// Cinder volume type of the volume to create (needs 2.67).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_type: Option<String>,
    /// Device tag exposed in the metadata service (needs 2.42).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Disk bus, e.g. `virtio`, `scsi`, `ide`, `usb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_bus: Option<String>,
    /// Device type: `disk` or `cdrom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type: Option<String>,
    /// Filesystem to format a local device with, e.g. `ext4`, or `swap`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_format: Option<String>,
}

impl BlockDeviceMapping {
    /// The usual boot-from-volume device: a new `size_gib` GiB volume made from `image_id`, boot
    /// index 0, deleted with the server.
    pub fn boot_volume_from_image(image_id: impl Into<String>, size_gib: u64) -> Self {
        Self {
            boot_index: Some(0),
            uuid: Some(image_id.into()),
            source_type: Some(SourceType::Image),
            destination_type: Some(DestinationType::Volume),
            volume_size: Some(size_gib),
            delete_on_termination: Some(true),
            ..Self::default()
        }
    }

    /// Boot from an existing volume `volume_id` (boot index 0, kept when the server is deleted).
    pub fn boot_from_volume(volume_id: impl Into<String>) -> Self {
        Self {
            boot_index: Some(0),
            uuid: Some(volume_id.into()),
            source_type: Some(SourceType::Volume),
            destination_type: Some(DestinationType::Volume),
            ..Self::default()
        }
    }
}

/// One entry of `networks` in a create-server request: a network, a port or a fixed IP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ServerNetwork {
    /// Network ID (UUID) to attach to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// Existing port ID to attach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// Fixed IP to request on `uuid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_ip: Option<IpAddr>,
    /// Device tag exposed in the metadata service (needs 2.42).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// Which networks a new server gets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum NetworkChoice {
    /// Nothing said (before 2.37 Nova attaches all available networks; from 2.37 the field is required).
    #[default]
    Unspecified,
    /// Explicit networks, ports and fixed IPs.
    List(Vec<ServerNetwork>),
    /// `"auto"` (2.37+).
    Auto,
    /// `"none"` (2.37+).
    None,
}

/// A `POST /servers` request, built with chained setters; it serializes itself to the wire body
/// `{"server": {...}, "os:scheduler_hints": {...}}`, with unset fields left out.
///
/// `name` and `flavor_ref` are always required, so they are the constructor's arguments. Nova also
/// needs an image ([`image`](Self::image)) unless the server boots from a volume
/// ([`block_device_mapping`](Self::block_device_mapping) with `boot_index: 0`). From microversion 2.37
/// Nova requires `networks`: call [`network`](Self::network),
/// [`port`](Self::port), [`fixed_ip`](Self::fixed_ip), [`networks_auto`](Self::networks_auto) or
/// [`networks_none`](Self::networks_none). [`min_microversion`](Self::min_microversion) says which
/// microversion the fields you set need.
///
/// `Debug` redacts the admin password and the user data.
///
/// ```
/// use stackclient::compute::{BlockDeviceMapping, CreateServer};
///
/// let req = CreateServer::new("web-1", "1")
///     .network("ff608d40-75e9-48cb-b745-77bb55b5eaf2")
///     .block_device_mapping(BlockDeviceMapping::boot_volume_from_image(
///         "70a599e0-31e7-49b7-b260-868f441e862b",
///         20,
///     ))
///     .tag("web");
/// assert_eq!(req.min_microversion(), Some((2, 52)));
/// let body = serde_json::to_value(&req).unwrap();
/// assert_eq!(body["server"]["block_device_mapping_v2"][0]["volume_size"], 20);
/// ```
#[derive(Clone)]
pub struct CreateServer {
    name: String,
    flavor_ref: String,
    image_ref: Option<String>,
    networks: NetworkChoice,
    key_name: Option<String>,
    security_groups: Vec<String>,
    user_data: Option<String>,
    metadata: BTreeMap<String, String>,
    availability_zone: Option<String>,
    block_device_mapping: Vec<BlockDeviceMapping>,
    scheduler_hints: BTreeMap<String, serde_json::Value>,
    config_drive: Option<bool>,
    description: Option<String>,
    tags: Vec<String>,
    admin_pass: Option<SecretString>,
    access_ipv4: Option<String>,
    access_ipv6: Option<String>,
    disk_config: Option<DiskConfig>,
}

impl fmt::Debug for CreateServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateServer")
            .field("name", &self.name)
            .field("flavor_ref", &self.flavor_ref)
            .field("image_ref", &self.image_ref)
            .field("networks", &self.networks)
            .field("key_name", &self.key_name)
            .field("security_groups", &self.security_groups)
            .field("user_data", &self.user_data.as_ref().map(|_| "[REDACTED]"))
            .field("metadata", &self.metadata)
            .field("availability_zone", &self.availability_zone)
            .field("block_device_mapping", &self.block_device_mapping)
            .field("scheduler_hints", &self.scheduler_hints)
            .field("config_drive", &self.config_drive)
            .field("description", &self.description)
            .field("tags", &self.tags)
            .field(
                "admin_pass",
                &self.admin_pass.as_ref().map(|_| "[REDACTED]"),
            )
            .field("access_ipv4", &self.access_ipv4)
            .field("access_ipv6", &self.access_ipv6)
            .field("disk_config", &self.disk_config)
            .finish()
    }
}

impl CreateServer {
    /// A request for a server called `name` of flavor `flavor_ref` (a flavor ID or URL).
    pub fn new(name: impl Into<String>, flavor_ref: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            flavor_ref: flavor_ref.into(),
            image_ref: None,
            networks: NetworkChoice::Unspecified,
            key_name: None,
            security_groups: Vec::new(),
            user_data: None,
            metadata: BTreeMap::new(),
            availability_zone: None,
            block_device_mapping: Vec::new(),
            scheduler_hints: BTreeMap::new(),
            config_drive: None,
            description: None,
            tags: Vec::new(),
            admin_pass: None,
            access_ipv4: None,
            access_ipv6: None,
            disk_config: None,
        }
    }

    /// `imageRef`: the image (ID or URL) to boot from. Leave it out to boot from a volume given
    /// with [`block_device_mapping`](Self::block_device_mapping).
    pub fn image(mut self, image_ref: impl Into<String>) -> Self {
        self.image_ref = Some(image_ref.into());
        self
    }

    fn push_network(&mut self, nic: ServerNetwork) {
        match &mut self.networks {
            NetworkChoice::List(list) => list.push(nic),
            other => *other = NetworkChoice::List(vec![nic]),
        }
    }

    /// Attach the server to the network `network_id` (UUID). Repeatable; replaces an earlier
    /// [`networks_auto`](Self::networks_auto) / [`networks_none`](Self::networks_none).
    pub fn network(mut self, network_id: impl Into<String>) -> Self {
        self.push_network(ServerNetwork {
            uuid: Some(network_id.into()),
            ..ServerNetwork::default()
        });
        self
    }

    /// Attach the existing port `port_id`. Repeatable.
    pub fn port(mut self, port_id: impl Into<String>) -> Self {
        self.push_network(ServerNetwork {
            port: Some(port_id.into()),
            ..ServerNetwork::default()
        });
        self
    }

    /// Attach the server to `network_id` with the fixed IP `ip`. Repeatable.
    pub fn fixed_ip(mut self, network_id: impl Into<String>, ip: IpAddr) -> Self {
        self.push_network(ServerNetwork {
            uuid: Some(network_id.into()),
            fixed_ip: Some(ip),
            ..ServerNetwork::default()
        });
        self
    }

    /// Add a fully specified `networks` entry (e.g. with a device `tag`, 2.42+). Repeatable.
    pub fn nic(mut self, nic: ServerNetwork) -> Self {
        self.push_network(nic);
        self
    }

    /// `"networks": "auto"`: let Nova allocate a network for the project (needs 2.37).
    /// Replaces any networks set before.
    pub fn networks_auto(mut self) -> Self {
        self.networks = NetworkChoice::Auto;
        self
    }

    /// `"networks": "none"`: no network at all (needs 2.37). Replaces any networks set before.
    pub fn networks_none(mut self) -> Self {
        self.networks = NetworkChoice::None;
        self
    }

    /// Inject the key pair `key_name`.
    pub fn key_name(mut self, key_name: impl Into<String>) -> Self {
        self.key_name = Some(key_name.into());
        self
    }

    /// Add the security group `name` (name or ID). Repeatable; Nova uses `default` if none is given.
    pub fn security_group(mut self, name: impl Into<String>) -> Self {
        self.security_groups.push(name.into());
        self
    }

    /// User data (e.g. a cloud-init script), as raw bytes: the builder base64-encodes it.
    /// Nova limits the encoded form to 65535 bytes.
    pub fn user_data(mut self, data: impl AsRef<[u8]>) -> Self {
        self.user_data = Some(base64::engine::general_purpose::STANDARD.encode(data));
        self
    }

    /// Add a metadata entry (Nova limits keys and values to 255 bytes each).
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Availability zone to boot in (`zone`, `zone:host` or `zone:host:node` for admins).
    pub fn availability_zone(mut self, zone: impl Into<String>) -> Self {
        self.availability_zone = Some(zone.into());
        self
    }

    /// Add a `block_device_mapping_v2` entry. Repeatable.
    pub fn block_device_mapping(mut self, bdm: BlockDeviceMapping) -> Self {
        self.block_device_mapping.push(bdm);
        self
    }

    /// Add a scheduler hint, sent in the top-level `os:scheduler_hints` object (not inside
    /// `server`), e.g. `("same_host", json!(["<server id>"]))` or `("group", json!("<group id>"))`.
    pub fn scheduler_hint(
        mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.scheduler_hints.insert(key.into(), value.into());
        self
    }

    /// Attach a config drive.
    pub fn config_drive(mut self, enabled: bool) -> Self {
        self.config_drive = Some(enabled);
        self
    }

    /// Free-text description, at most 255 characters (needs 2.19).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Add a server tag (needs 2.52). Repeatable.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Add several server tags (needs 2.52).
    pub fn tags<I, T>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// `adminPass`: the admin password to set instead of a generated one.
    pub fn admin_pass(mut self, password: impl Into<String>) -> Self {
        self.admin_pass = Some(SecretString::from(password.into()));
        self
    }

    /// `accessIPv4`: the IPv4 address users should use to reach the server.
    pub fn access_ipv4(mut self, ip: std::net::Ipv4Addr) -> Self {
        self.access_ipv4 = Some(ip.to_string());
        self
    }

    /// `accessIPv6`: the IPv6 address users should use to reach the server.
    pub fn access_ipv6(mut self, ip: std::net::Ipv6Addr) -> Self {
        self.access_ipv6 = Some(ip.to_string());
        self
    }

    /// `OS-DCF:diskConfig`: how to partition the root disk.
    pub fn disk_config(mut self, disk_config: DiskConfig) -> Self {
        self.disk_config = Some(disk_config);
        self
    }

    /// The server name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The flavor reference.
    pub fn flavor_ref(&self) -> &str {
        &self.flavor_ref
    }

    /// The lowest Compute microversion that accepts every field set on this request, as
    /// `(major, minor)`; `None` if 2.1 does.
    ///
    /// `description` needs 2.19, `networks` `"auto"`/`"none"` 2.37, a device `tag` on a network or
    /// block device 2.42 (2.32 had it, 2.33–2.41 dropped it), `tags` 2.52, a block device
    /// `volume_type` 2.67.
    pub fn min_microversion(&self) -> Option<(u16, u16)> {
        let mut needs: Vec<(u16, u16)> = Vec::new();
        if self.description.is_some() {
            needs.push((2, 19));
        }
        match &self.networks {
            NetworkChoice::Auto | NetworkChoice::None => needs.push((2, 37)),
            NetworkChoice::List(list) if list.iter().any(|n| n.tag.is_some()) => {
                needs.push((2, 42))
            }
            _ => {}
        }
        if self.block_device_mapping.iter().any(|b| b.tag.is_some()) {
            needs.push((2, 42));
        }
        if !self.tags.is_empty() {
            needs.push((2, 52));
        }
        if self
            .block_device_mapping
            .iter()
            .any(|b| b.volume_type.is_some())
        {
            needs.push((2, 67));
        }
        needs.into_iter().max()
    }

    /// The request body as JSON: `{"server": {...}}` plus `"os:scheduler_hints"` when hints are set.
    #[allow(dead_code)] // for the servers handler; `Serialize` gives the same body
    pub(crate) fn to_body(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// `networks` on the wire: a list, or the strings `"auto"` / `"none"`.
enum NetworksField<'a> {
    List(&'a [ServerNetwork]),
    Auto,
    None,
}

impl Serialize for NetworksField<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::List(list) => list.serialize(s),
            Self::Auto => s.serialize_str("auto"),
            Self::None => s.serialize_str("none"),
        }
    }
}

#[derive(Serialize)]
struct NameRef<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct CreateServerFields<'a> {
    name: &'a str,
    #[serde(rename = "flavorRef")]
    flavor_ref: &'a str,
    #[serde(rename = "imageRef", skip_serializing_if = "Option::is_none")]
    image_ref: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    networks: Option<NetworksField<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    security_groups: Vec<NameRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_data: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    metadata: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability_zone: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    block_device_mapping_v2: &'a [BlockDeviceMapping],
    #[serde(skip_serializing_if = "Option::is_none")]
    config_drive: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [String],
    #[serde(rename = "adminPass", skip_serializing_if = "Option::is_none")]
    admin_pass: Option<&'a str>,
    #[serde(rename = "accessIPv4", skip_serializing_if = "Option::is_none")]
    access_ipv4: Option<&'a str>,
    #[serde(rename = "accessIPv6", skip_serializing_if = "Option::is_none")]
    access_ipv6: Option<&'a str>,
    #[serde(rename = "OS-DCF:diskConfig", skip_serializing_if = "Option::is_none")]
    disk_config: Option<DiskConfig>,
}

#[derive(Serialize)]
struct CreateServerBody<'a> {
    server: CreateServerFields<'a>,
    #[serde(
        rename = "os:scheduler_hints",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    scheduler_hints: &'a BTreeMap<String, serde_json::Value>,
}

impl Serialize for CreateServer {
    /// Serializes the whole request body (the admin password in clear, as the API needs it).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let networks = match &self.networks {
            NetworkChoice::Unspecified => None,
            NetworkChoice::List(list) => Some(NetworksField::List(list)),
            NetworkChoice::Auto => Some(NetworksField::Auto),
            NetworkChoice::None => Some(NetworksField::None),
        };
        CreateServerBody {
            server: CreateServerFields {
                name: &self.name,
                flavor_ref: &self.flavor_ref,
                image_ref: self.image_ref.as_deref(),
                networks,
                key_name: self.key_name.as_deref(),
                security_groups: self
                    .security_groups
                    .iter()
                    .map(|name| NameRef { name })
                    .collect(),
                user_data: self.user_data.as_deref(),
                metadata: &self.metadata,
                availability_zone: self.availability_zone.as_deref(),
                block_device_mapping_v2: &self.block_device_mapping,
                config_drive: self.config_drive,
                description: self.description.as_deref(),
                tags: &self.tags,
                admin_pass: self.admin_pass.as_ref().map(|p| p.expose_secret()),
                access_ipv4: self.access_ipv4.as_deref(),
                access_ipv6: self.access_ipv6.as_deref(),
                disk_config: self.disk_config,
            },
            scheduler_hints: &self.scheduler_hints,
        }
        .serialize(s)
    }
}
