//! Security group rules: `GET/POST /v2.0/security-group-rules`,
//! `GET/DELETE /v2.0/security-group-rules/{id}` (Neutron has no update for rules), and bulk
//! creation (`POST` with `{"security_group_rules": [...]}`).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
//! # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! use stackclient::network::{CreateSecurityGroup, CreateSecurityGroupRule, Direction, Protocol};
//! # let sg = client.network().security_groups().create(&CreateSecurityGroup::new("web")).await?.id;
//! let rules = client.network().security_group_rules();
//! let ssh = rules.create(&CreateSecurityGroupRule::new(&sg, Direction::Ingress).protocol(Protocol::Tcp).port(22)).await?;
//! assert_eq!((ssh.port_range_min, ssh.port_range_max), (Some(22), Some(22)));
//! // ICMP echo reply: type 0 is sent as `"port_range_min": 0`.
//! let pong = rules.create(&CreateSecurityGroupRule::new(&sg, Direction::Ingress).protocol(Protocol::Icmp).icmp_type(0)).await?;
//! assert_eq!(pong.port_range_min, Some(0));
//! // The same rule again: Neutron's 409.
//! let dup = rules.create(&CreateSecurityGroupRule::new(&sg, Direction::Ingress).protocol(Protocol::Tcp).port(22)).await;
//! assert!(dup.unwrap_err().is_conflict());
//! rules.delete(&ssh.id).await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient::{self, api_enum};
use crate::error::Error;
use crate::field::Field;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, Creatable, RequestBody, Resource, Revisioned, to_json};
use crate::timestamp;

/// An IP protocol as Neutron's security group rules (and port forwardings) take it: a name, a
/// number written as a string (`"6"`), or — as `None` around it — any protocol (`null`).
///
/// Round-trips what was sent: `"icmpv6"` stays [`Protocol::Icmpv6`] (Neutron itself stores it as
/// `ipv6-icmp`), `"6"` stays [`Protocol::Number`]`(6)` and is written back as `"6"`, a name this
/// crate does not know stays [`Protocol::Other`]. A string that is a number but not in its
/// shortest form (`"06"`) is kept as `Other` so that it is written back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// `tcp` (6).
    Tcp,
    /// `udp` (17).
    Udp,
    /// `icmp` (1).
    Icmp,
    /// `icmpv6`: the legacy name of ICMPv6, accepted by Neutron (stored as `ipv6-icmp`).
    Icmpv6,
    /// `ipv6-icmp` (58).
    Ipv6Icmp,
    /// `sctp` (132).
    Sctp,
    /// `gre` (47).
    Gre,
    /// `esp` (50).
    Esp,
    /// `ah` (51).
    Ah,
    /// `vrrp` (112).
    Vrrp,
    /// `udplite` (136).
    Udplite,
    /// `dccp` (33).
    Dccp,
    /// `igmp` (2).
    Igmp,
    /// `any`: Neutron's name for every protocol (same as `null`) in recent releases.
    Any,
    /// A protocol number, sent as a string (`"6"`), 0 to 255.
    Number(u8),
    /// A name this crate does not know (e.g. `ipip`, `ospf`, `pgm`), verbatim.
    Other(String),
}

impl Protocol {
    const NAMES: [(&'static str, Protocol); 14] = [
        ("tcp", Protocol::Tcp),
        ("udp", Protocol::Udp),
        ("icmp", Protocol::Icmp),
        ("icmpv6", Protocol::Icmpv6),
        ("ipv6-icmp", Protocol::Ipv6Icmp),
        ("sctp", Protocol::Sctp),
        ("gre", Protocol::Gre),
        ("esp", Protocol::Esp),
        ("ah", Protocol::Ah),
        ("vrrp", Protocol::Vrrp),
        ("udplite", Protocol::Udplite),
        ("dccp", Protocol::Dccp),
        ("igmp", Protocol::Igmp),
        ("any", Protocol::Any),
    ];

    /// The protocol as sent: a name, or the number's decimal digits.
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Protocol::Number(n) => std::borrow::Cow::Owned(n.to_string()),
            Protocol::Other(s) => std::borrow::Cow::Borrowed(s),
            known => std::borrow::Cow::Borrowed(
                Self::NAMES
                    .iter()
                    .find(|(_, p)| p == known)
                    .map_or("", |(name, _)| name),
            ),
        }
    }

    /// The IANA protocol number, where this crate knows it (`icmpv6` and `ipv6-icmp` are both 58;
    /// `any` and unknown names have none).
    pub fn number(&self) -> Option<u8> {
        Some(match self {
            Protocol::Tcp => 6,
            Protocol::Udp => 17,
            Protocol::Icmp => 1,
            Protocol::Icmpv6 | Protocol::Ipv6Icmp => 58,
            Protocol::Sctp => 132,
            Protocol::Gre => 47,
            Protocol::Esp => 50,
            Protocol::Ah => 51,
            Protocol::Vrrp => 112,
            Protocol::Udplite => 136,
            Protocol::Dccp => 33,
            Protocol::Igmp => 2,
            Protocol::Number(n) => *n,
            Protocol::Any | Protocol::Other(_) => return None,
        })
    }

    fn from_api(s: &str) -> Self {
        if let Some((_, p)) = Self::NAMES.iter().find(|(name, _)| *name == s) {
            return p.clone();
        }
        match s.parse::<u8>() {
            Ok(n) if n.to_string() == s => Protocol::Number(n),
            _ => Protocol::Other(s.to_owned()),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl FromStr for Protocol {
    type Err = std::convert::Infallible;

    /// Parses a protocol: a known name (ASCII case ignored), a number, or anything else as `Other`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match Self::from_api(&s.to_ascii_lowercase()) {
            Protocol::Other(_) => Protocol::from_api(s),
            known => known,
        })
    }
}

impl From<u8> for Protocol {
    fn from(n: u8) -> Self {
        Protocol::Number(n)
    }
}

impl Serialize for Protocol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for Protocol {
    /// A protocol string (a name, a number, anything else kept as `Other`); a JSON number (some plugins answer `6`) as `Number`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PVisitor;

        impl Visitor<'_> for PVisitor {
            type Value = Protocol;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a protocol name or number")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Protocol, E> {
                Ok(Protocol::from_api(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Protocol, E> {
                u8::try_from(v)
                    .map(Protocol::Number)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Protocol, E> {
                u8::try_from(v)
                    .map(Protocol::Number)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
        }

        d.deserialize_any(PVisitor)
    }
}

api_enum! {
    /// A rule's `ethertype`.
    Ethertype {
        /// `IPv4`.
        Ipv4 => "IPv4",
        /// `IPv6`.
        Ipv6 => "IPv6",
    }
}

api_enum! {
    /// A rule's `direction`.
    Direction {
        /// `ingress`: traffic to the ports of the group.
        Ingress => "ingress",
        /// `egress`: traffic from the ports of the group.
        Egress => "egress",
    }
}

/// A security group rule as `GET /v2.0/security-group-rules[/{id}]` returns it (also embedded in
/// a security group's `security_group_rules`).
///
/// `protocol: None` means any protocol; `port_range_min` / `port_range_max` `None` mean all ports
/// (for ICMP they are the type and code, and `Some(0)` is type 0). Port numbers sent as strings are
/// read as numbers; `project_id` is filled from `tenant_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct SecurityGroupRule {
    /// Rule ID (UUID).
    pub id: String,
    /// The group the rule belongs to.
    #[serde(default)]
    pub security_group_id: String,
    /// `ingress` or `egress`.
    pub direction: Direction,
    /// `IPv4` or `IPv6`.
    #[serde(default = "ipv4")]
    pub ethertype: Ethertype,
    /// The protocol; `None` for any.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// First port (TCP/UDP/SCTP…) or ICMP type; `None`: all.
    #[serde(default, deserialize_with = "lenient::opt_number")]
    pub port_range_min: Option<u16>,
    /// Last port or ICMP code; `None`: all.
    #[serde(default, deserialize_with = "lenient::opt_number")]
    pub port_range_max: Option<u16>,
    /// Remote security group: traffic from/to its ports.
    #[serde(default)]
    pub remote_group_id: Option<String>,
    /// Remote CIDR, e.g. `0.0.0.0/0`.
    #[serde(default)]
    pub remote_ip_prefix: Option<String>,
    /// Remote address group (`security-groups-remote-address-group`).
    #[serde(default)]
    pub remote_address_group_id: Option<String>,
    /// The remote prefix normalized to its network address (`security-groups-normalized-cidr`).
    #[serde(default)]
    pub normalized_cidr: Option<String>,
    /// Whether the rule belongs to the project's default group
    /// (`security-groups-rules-belongs-to-default-sg`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub belongs_to_default_sg: Option<bool>,
    /// Description (`null` inside a group's embedded rules on some releases).
    #[serde(default)]
    pub description: Option<String>,
    /// Owning project; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// When the rule was created (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// When the rule was last changed (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub updated_at: Option<DateTime<Utc>>,
    /// Revision number (`0` for a new rule on current Neutron).
    #[serde(default, deserialize_with = "lenient::opt_number")]
    pub revision_number: Option<u64>,
}

fn ipv4() -> Ethertype {
    Ethertype::Ipv4
}

impl<'de> Deserialize<'de> for SecurityGroupRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut r = SecurityGroupRule::deserialize(d)?;
        r.project_id = lenient::owner(r.project_id.take(), r.tenant_id.as_ref());
        Ok(r)
    }
}

impl Serialize for SecurityGroupRule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SecurityGroupRule::serialize(self, s)
    }
}

impl Resource for SecurityGroupRule {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "security group rule";
    const COLLECTION: &'static [&'static str] = &["security-group-rules"];
    const SINGULAR: &'static str = "security_group_rule";
    const PLURAL: &'static str = "security_group_rules";
    const LINKS: &'static str = "security_group_rules_links";

    fn id(&self) -> &str {
        &self.id
    }

    /// Rules have no name.
    fn name(&self) -> Option<&str> {
        None
    }
}

impl Creatable for SecurityGroupRule {
    type Create = CreateSecurityGroupRule;
    type Created = SecurityGroupRule;
}

impl Revisioned for SecurityGroupRule {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

/// One rule to create: the inner object of `{"security_group_rule": {...}}` and of each item of
/// a bulk `{"security_group_rules": [...]}`. Unset fields are left out; [`Field::Null`] is sent as
/// `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityGroupRuleFields {
    security_group_id: String,
    direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    ethertype: Option<Ethertype>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    protocol: Field<Protocol>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    port_range_min: Field<u16>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    port_range_max: Field<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_ip_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_address_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
}

/// The body of `POST /v2.0/security-group-rules`: `{"security_group_rule": {...}}`.
///
/// Ports: [`port`](Self::port) sets both ends, [`port_range`](Self::port_range) a range,
/// [`icmp_type`](Self::icmp_type) / [`icmp_code`](Self::icmp_code) the ICMP type and code (sent
/// as `port_range_min` / `port_range_max`; `0` is sent as `0`), [`all_ports`](Self::all_ports)
/// sends both as `null`. Not setting a protocol (or [`any_protocol`](Self::any_protocol), which
/// sends `null`) means every protocol.
///
/// ```
/// use stackclient::network::{CreateSecurityGroupRule, Direction, Protocol};
/// let req = CreateSecurityGroupRule::new("sg-1", Direction::Ingress).protocol(Protocol::Icmp).icmp_type(0);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"security_group_rule": {
///         "security_group_id": "sg-1", "direction": "ingress", "protocol": "icmp", "port_range_min": 0}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateSecurityGroupRule {
    security_group_rule: SecurityGroupRuleFields,
}

impl RequestBody for CreateSecurityGroupRule {}

impl CreateSecurityGroupRule {
    /// A rule in group `security_group_id` for traffic in `direction`; every protocol, port and
    /// remote unless set (ethertype defaults to `IPv4` on the server).
    pub fn new(security_group_id: impl Into<String>, direction: Direction) -> Self {
        Self {
            security_group_rule: SecurityGroupRuleFields {
                security_group_id: security_group_id.into(),
                direction,
                ethertype: None,
                protocol: Field::Absent,
                port_range_min: Field::Absent,
                port_range_max: Field::Absent,
                remote_group_id: None,
                remote_ip_prefix: None,
                remote_address_group_id: None,
                description: None,
                project_id: None,
            },
        }
    }

    /// `ethertype`.
    pub fn ethertype(mut self, ethertype: Ethertype) -> Self {
        self.security_group_rule.ethertype = Some(ethertype);
        self
    }

    /// `protocol`: a name or a number ([`Protocol::Number`], sent as `"6"`).
    pub fn protocol(mut self, protocol: impl Into<Protocol>) -> Self {
        self.security_group_rule.protocol = Field::Value(protocol.into());
        self
    }

    /// `"protocol": null`: every protocol, said explicitly.
    pub fn any_protocol(mut self) -> Self {
        self.security_group_rule.protocol = Field::Null;
        self
    }

    /// One port: `port_range_min` = `port_range_max` = `port`.
    pub fn port(self, port: u16) -> Self {
        self.port_range(port, port)
    }

    /// Ports `min` to `max`, both included.
    pub fn port_range(mut self, min: u16, max: u16) -> Self {
        self.security_group_rule.port_range_min = Field::Value(min);
        self.security_group_rule.port_range_max = Field::Value(max);
        self
    }

    /// `"port_range_min": null, "port_range_max": null`: every port, said explicitly.
    pub fn all_ports(mut self) -> Self {
        self.security_group_rule.port_range_min = Field::Null;
        self.security_group_rule.port_range_max = Field::Null;
        self
    }

    /// ICMP type (sent as `port_range_min`; 0, echo reply, is sent as `0`).
    pub fn icmp_type(mut self, icmp_type: u8) -> Self {
        self.security_group_rule.port_range_min = Field::Value(u16::from(icmp_type));
        self
    }

    /// ICMP code (sent as `port_range_max`; needs a type).
    pub fn icmp_code(mut self, icmp_code: u8) -> Self {
        self.security_group_rule.port_range_max = Field::Value(u16::from(icmp_code));
        self
    }

    /// `remote_group_id`: traffic from/to the ports of that group.
    pub fn remote_group_id(mut self, group_id: impl Into<String>) -> Self {
        self.security_group_rule.remote_group_id = Some(group_id.into());
        self
    }

    /// `remote_ip_prefix`, a CIDR such as `0.0.0.0/0`.
    pub fn remote_ip_prefix(mut self, cidr: impl Into<String>) -> Self {
        self.security_group_rule.remote_ip_prefix = Some(cidr.into());
        self
    }

    /// `remote_address_group_id`.
    pub fn remote_address_group_id(mut self, group_id: impl Into<String>) -> Self {
        self.security_group_rule.remote_address_group_id = Some(group_id.into());
        self
    }

    /// `description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.security_group_rule.description = Some(description.into());
        self
    }

    /// Owning project (admin, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.security_group_rule.project_id = Some(project_id.into());
        self
    }
}

/// The body of a bulk `POST /v2.0/security-group-rules`: `{"security_group_rules": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateSecurityGroupRules {
    security_group_rules: Vec<SecurityGroupRuleFields>,
}

impl CreateSecurityGroupRules {
    /// These rules, in order.
    pub fn new(rules: impl IntoIterator<Item = CreateSecurityGroupRule>) -> Self {
        Self {
            security_group_rules: rules.into_iter().map(|r| r.security_group_rule).collect(),
        }
    }
}

#[derive(Deserialize)]
struct CreatedRules {
    security_group_rules: Vec<SecurityGroupRule>,
}

/// Security group rule operations (`client.network().security_group_rules()`): `get`, `list`,
/// `create`, `delete`, `delete_if` from [`Api`], and [`create_bulk`](Api::create_bulk).
pub type SecurityGroupRules = Api<SecurityGroupRule>;

/// Filters of `GET /v2.0/security-group-rules`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::network::{CreateSecurityGroup, Direction, Ethertype};
/// let groups = client.network().security_groups();
/// let web = groups.create(&CreateSecurityGroup::new("web")).await?;
/// let rules = client.network().security_group_rules();
/// let egress = rules.list().security_group_id(&web.id).direction(Direction::Egress).all().await?;
/// assert_eq!(egress.len(), 2);
/// let v6 = rules.list().security_group_id(&web.id).ethertype(Ethertype::Ipv6).all().await?;
/// assert_eq!(v6.len(), 1);
/// # Ok(()) }
/// ```
pub type SecurityGroupRuleList = List<SecurityGroupRule>;

impl Api<SecurityGroupRule> {
    /// `POST /v2.0/security-group-rules` with `{"security_group_rules": [...]}`: creates every rule
    /// in one call, all or none. Returns them in order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateSecurityGroup, CreateSecurityGroupRule, CreateSecurityGroupRules, Direction, Protocol};
    /// # let sg = client.network().security_groups().create(&CreateSecurityGroup::new("web")).await?.id;
    /// let rules = client.network().security_group_rules();
    /// let web = CreateSecurityGroupRules::new([80, 443].map(|port| {
    ///     CreateSecurityGroupRule::new(&sg, Direction::Ingress).protocol(Protocol::Tcp).port(port).remote_ip_prefix("0.0.0.0/0")
    /// }));
    /// let created = rules.create_bulk(&web).await?;
    /// assert_eq!(created.iter().map(|r| r.port_range_min).collect::<Vec<_>>(), [Some(80), Some(443)]);
    /// // All or none: one duplicate and nothing is made.
    /// let again = CreateSecurityGroupRules::new([
    ///     CreateSecurityGroupRule::new(&sg, Direction::Ingress).protocol(Protocol::Tcp).port(8080),
    ///     CreateSecurityGroupRule::new(&sg, Direction::Ingress).protocol(Protocol::Tcp).port(80).remote_ip_prefix("0.0.0.0/0"),
    /// ]);
    /// assert!(rules.create_bulk(&again).await.unwrap_err().is_conflict());
    /// assert!(rules.list().security_group_id(&sg).port_range_min(8080).all().await?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 409 `SecurityGroupRuleExists` (the message names the existing rule), 400 for
    /// an invalid rule (ports without a protocol, a remote group and a prefix together), 404 for a
    /// missing group.
    pub async fn create_bulk(
        &self,
        rules: &CreateSecurityGroupRules,
    ) -> Result<Vec<SecurityGroupRule>, Error> {
        let call = self
            .call(Method::Post, &[])?
            .json_body(&to_json(rules, SecurityGroupRule::KIND)?);
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<CreatedRules>()?
            .security_group_rules)
    }
}

impl List<SecurityGroupRule> {
    /// `security_group_id`.
    pub fn security_group_id(self, id: &str) -> Self {
        self.param("security_group_id", id)
    }

    /// `direction`.
    pub fn direction(self, direction: Direction) -> Self {
        let d = direction.as_str().to_string();
        self.param("direction", d)
    }

    /// `ethertype`.
    pub fn ethertype(self, ethertype: Ethertype) -> Self {
        let e = ethertype.as_str().to_string();
        self.param("ethertype", e)
    }

    /// `protocol` (as the rule stores it: `icmpv6` rules are stored as `ipv6-icmp`).
    pub fn protocol(self, protocol: &Protocol) -> Self {
        let p = protocol.as_str().into_owned();
        self.param("protocol", p)
    }

    /// `port_range_min`.
    pub fn port_range_min(self, port: u16) -> Self {
        self.param("port_range_min", port)
    }

    /// `port_range_max`.
    pub fn port_range_max(self, port: u16) -> Self {
        self.param("port_range_max", port)
    }

    /// `remote_group_id`.
    pub fn remote_group_id(self, id: &str) -> Self {
        self.param("remote_group_id", id)
    }

    /// `remote_ip_prefix`.
    pub fn remote_ip_prefix(self, cidr: &str) -> Self {
        self.param("remote_ip_prefix", cidr)
    }

    /// `remote_address_group_id`.
    pub fn remote_address_group_id(self, id: &str) -> Self {
        self.param("remote_address_group_id", id)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }

    /// `description`.
    pub fn description(self, description: &str) -> Self {
        self.param("description", description)
    }

    /// `revision_number`.
    pub fn revision_number(self, revision: u64) -> Self {
        self.param("revision_number", revision)
    }

    /// `id`.
    pub fn id(self, id: &str) -> Self {
        self.param("id", id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_round_trip_what_was_sent() {
        for (sent, parsed) in [
            ("tcp", Protocol::Tcp),
            ("icmpv6", Protocol::Icmpv6),
            ("ipv6-icmp", Protocol::Ipv6Icmp),
            ("6", Protocol::Number(6)),
            ("0", Protocol::Number(0)),
            ("255", Protocol::Number(255)),
            ("06", Protocol::Other("06".into())),
            ("256", Protocol::Other("256".into())),
            ("ospf", Protocol::Other("ospf".into())),
            ("any", Protocol::Any),
        ] {
            let p: Protocol = serde_json::from_value(serde_json::json!(sent)).unwrap();
            assert_eq!(p, parsed, "{sent}");
            assert_eq!(serde_json::to_value(&p).unwrap(), serde_json::json!(sent));
        }
        let n: Protocol = serde_json::from_value(serde_json::json!(17)).unwrap();
        assert_eq!(n, Protocol::Number(17));
        assert_eq!("TCP".parse::<Protocol>().unwrap(), Protocol::Tcp);
        assert_eq!(Protocol::Icmpv6.number(), Some(58));
    }
}
