//! QoS (`qos` extension): policies (`/v2.0/qos/policies[/{policy_id}]`), their rules, nested under
//! one policy (`/v2.0/qos/policies/{policy_id}/{bandwidth_limit,dscp_marking,minimum_bandwidth,
//! minimum_packet_rate}_rules[/{rule_id}]`), and the rule types the drivers support
//! (`/v2.0/qos/rule-types[/{rule_type}]`).
//!
//! Units: bandwidths in kilobits per second (kbps), packet rates in kilo-packets per second (kpps).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
//! # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! use stackclient::network::{CreateBandwidthLimitRule, CreateDscpMarkingRule, CreateQosPolicy, QosDirection, QosRule};
//! let policies = client.network().qos_policies();
//! let policy = policies.create(&CreateQosPolicy::new("10Mbit")).await?;
//! let limits = policies.bandwidth_limit_rules(&policy.id);
//! let rule = limits
//!     .create(&CreateBandwidthLimitRule::new(10_000).max_burst_kbps(800).direction(QosDirection::Egress))
//!     .await?;
//! assert_eq!((rule.max_kbps, rule.max_burst_kbps), (10_000, Some(800)));
//! // One bandwidth limit per direction; DSCP marks are Neutron's list.
//! assert_eq!(limits.create(&CreateBandwidthLimitRule::new(5_000)).await.unwrap_err().status(), Some(409));
//! let dscp = policies.dscp_marking_rules(&policy.id);
//! assert_eq!(dscp.create(&CreateDscpMarkingRule::new(7)).await.unwrap_err().status(), Some(400));
//! dscp.create(&CreateDscpMarkingRule::new(26)).await?;
//! let policy = policies.get(&policy.id).await?;
//! let types: Vec<&str> = policy.rules.iter().map(QosRule::rule_type).collect();
//! assert_eq!(types, ["bandwidth_limit", "dscp_marking"]);
//! let supported = client.network().qos_rule_types().list().all().await?;
//! assert!(supported.iter().any(|t| t.rule_type == "minimum_bandwidth"));
//! policies.delete(&policy.id).await?;
//! # Ok(()) }
//! ```

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient;
use crate::field::Field;
use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{
    Api, Creatable, NameFilter, RequestBody, Resource, Revisioned, Taggable, Updatable,
};
use crate::timestamp;

// ------------------------------------------------------------------------------------------------
// Direction
// ------------------------------------------------------------------------------------------------

/// The traffic direction a rule applies to, seen from the VM: `egress` (out of the port, the
/// default), `ingress`, or `any` (minimum packet rate rules).
///
/// Directions this crate does not know are kept verbatim in [`QosDirection::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QosDirection {
    /// `egress`.
    Egress,
    /// `ingress`.
    Ingress,
    /// `any`.
    Any,
    /// A direction this crate does not know, verbatim.
    Other(String),
}

impl QosDirection {
    /// The direction as the API writes it, e.g. `"egress"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Egress => "egress",
            Self::Ingress => "ingress",
            Self::Any => "any",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for QosDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for QosDirection {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for QosDirection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "egress" => Self::Egress,
            "ingress" => Self::Ingress,
            "any" => Self::Any,
            _ => Self::Other(s),
        })
    }
}

// ------------------------------------------------------------------------------------------------
// Rules
// ------------------------------------------------------------------------------------------------

/// A bandwidth limit rule (`type: bandwidth_limit`), from
/// `/v2.0/qos/policies/{policy_id}/bandwidth_limit_rules[/{rule_id}]` or embedded in a policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct BandwidthLimitRule {
    /// Rule ID (UUID).
    pub id: String,
    /// The policy it belongs to (sent when embedded in a policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_policy_id: Option<String>,
    /// Maximum rate in kbps (a string `"10000"` is read too).
    #[serde(deserialize_with = "lenient::int")]
    pub max_kbps: u64,
    /// Maximum burst in kilobits (`0`: the driver's default, 80 % of `max_kbps` for OVS).
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_burst_kbps: Option<u64>,
    /// Direction (`qos-bw-limit-direction`; `egress` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<QosDirection>,
}

/// A DSCP marking rule (`type: dscp_marking`), from
/// `/v2.0/qos/policies/{policy_id}/dscp_marking_rules[/{rule_id}]` or embedded in a policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct DscpMarkingRule {
    /// Rule ID (UUID).
    pub id: String,
    /// The policy it belongs to (sent when embedded in a policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_policy_id: Option<String>,
    /// The DSCP mark: an even value in 0–56 except 2–6, 42, 50–54 (a string `"26"` is read too).
    #[serde(deserialize_with = "lenient::int")]
    pub dscp_mark: u8,
}

/// A minimum bandwidth rule (`type: minimum_bandwidth`), from
/// `/v2.0/qos/policies/{policy_id}/minimum_bandwidth_rules[/{rule_id}]` or embedded in a policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct MinimumBandwidthRule {
    /// Rule ID (UUID).
    pub id: String,
    /// The policy it belongs to (sent when embedded in a policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_policy_id: Option<String>,
    /// Guaranteed rate in kbps.
    #[serde(deserialize_with = "lenient::int")]
    pub min_kbps: u64,
    /// Direction (`egress` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<QosDirection>,
}

/// A minimum packet rate rule (`type: minimum_packet_rate`), from
/// `/v2.0/qos/policies/{policy_id}/minimum_packet_rate_rules[/{rule_id}]` or embedded in a policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct MinimumPacketRateRule {
    /// Rule ID (UUID).
    pub id: String,
    /// The policy it belongs to (sent when embedded in a policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_policy_id: Option<String>,
    /// Guaranteed packet rate in kpps.
    #[serde(deserialize_with = "lenient::int")]
    pub min_kpps: u64,
    /// Direction: `egress`, `ingress` or `any` (`egress` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<QosDirection>,
}

/// One rule as a policy embeds it in `rules[]`, told apart by its `type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum QosRule {
    /// `bandwidth_limit`.
    BandwidthLimit(BandwidthLimitRule),
    /// `dscp_marking`.
    DscpMarking(DscpMarkingRule),
    /// `minimum_bandwidth`.
    MinimumBandwidth(MinimumBandwidthRule),
    /// `minimum_packet_rate`.
    MinimumPacketRate(MinimumPacketRateRule),
    /// A rule type this crate does not model (e.g. `packet_rate_limit`): its `type` and the whole
    /// rule object as sent.
    Other {
        /// The rule's `type`.
        rule_type: String,
        /// The rule object as sent.
        body: serde_json::Value,
    },
}

impl QosRule {
    /// The rule's `type` as the API writes it, e.g. `"bandwidth_limit"`.
    pub fn rule_type(&self) -> &str {
        match self {
            Self::BandwidthLimit(_) => "bandwidth_limit",
            Self::DscpMarking(_) => "dscp_marking",
            Self::MinimumBandwidth(_) => "minimum_bandwidth",
            Self::MinimumPacketRate(_) => "minimum_packet_rate",
            Self::Other { rule_type, .. } => rule_type,
        }
    }

    /// The rule's id (`None` for an [`Other`](Self::Other) rule without one).
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::BandwidthLimit(r) => Some(&r.id),
            Self::DscpMarking(r) => Some(&r.id),
            Self::MinimumBandwidth(r) => Some(&r.id),
            Self::MinimumPacketRate(r) => Some(&r.id),
            Self::Other { body, .. } => body.get("id").and_then(|v| v.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for QosRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let body = serde_json::Value::deserialize(d)?;
        let rule_type = body
            .get("type")
            .and_then(|t| t.as_str())
            .ok_or_else(|| D::Error::missing_field("type"))?
            .to_string();
        fn typed<T: serde::de::DeserializeOwned, E: serde::de::Error>(
            v: serde_json::Value,
        ) -> Result<T, E> {
            serde_json::from_value(v).map_err(E::custom)
        }
        Ok(match rule_type.as_str() {
            "bandwidth_limit" => Self::BandwidthLimit(typed(body)?),
            "dscp_marking" => Self::DscpMarking(typed(body)?),
            "minimum_bandwidth" => Self::MinimumBandwidth(typed(body)?),
            "minimum_packet_rate" => Self::MinimumPacketRate(typed(body)?),
            _ => Self::Other { rule_type, body },
        })
    }
}

impl Serialize for QosRule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let mut v = match self {
            Self::BandwidthLimit(r) => serde_json::to_value(r),
            Self::DscpMarking(r) => serde_json::to_value(r),
            Self::MinimumBandwidth(r) => serde_json::to_value(r),
            Self::MinimumPacketRate(r) => serde_json::to_value(r),
            Self::Other { body, .. } => return body.serialize(s),
        }
        .map_err(S::Error::custom)?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("type".into(), self.rule_type().into());
        }
        v.serialize(s)
    }
}

/// Declares one rule type as a resource nested under a policy.
macro_rules! qos_rule_resource {
    ($ty:ty, $kind:literal, $coll:literal, $singular:literal, $links:literal, $create:ty, $update:ty) => {
        impl Resource for $ty {
            const SERVICE: ServiceType = ServiceType::NETWORK;
            const KIND: &'static str = $kind;
            const COLLECTION: &'static [&'static str] = &[$coll];
            const SINGULAR: &'static str = $singular;
            const PLURAL: &'static str = $coll;
            const LINKS: &'static str = $links;
            const NAME_FILTER: NameFilter = NameFilter::None;

            fn id(&self) -> &str {
                &self.id
            }

            fn name(&self) -> Option<&str> {
                None
            }
        }

        impl Creatable for $ty {
            type Create = $create;
            type Created = $ty;
        }

        impl Updatable for $ty {
            type Update = $update;
        }

        impl RequestBody for $create {}
        impl RequestBody for $update {}
    };
}

qos_rule_resource!(
    BandwidthLimitRule,
    "bandwidth limit rule",
    "bandwidth_limit_rules",
    "bandwidth_limit_rule",
    "bandwidth_limit_rules_links",
    CreateBandwidthLimitRule,
    UpdateBandwidthLimitRule
);
qos_rule_resource!(
    DscpMarkingRule,
    "DSCP marking rule",
    "dscp_marking_rules",
    "dscp_marking_rule",
    "dscp_marking_rules_links",
    CreateDscpMarkingRule,
    UpdateDscpMarkingRule
);
qos_rule_resource!(
    MinimumBandwidthRule,
    "minimum bandwidth rule",
    "minimum_bandwidth_rules",
    "minimum_bandwidth_rule",
    "minimum_bandwidth_rules_links",
    CreateMinimumBandwidthRule,
    UpdateMinimumBandwidthRule
);
qos_rule_resource!(
    MinimumPacketRateRule,
    "minimum packet rate rule",
    "minimum_packet_rate_rules",
    "minimum_packet_rate_rule",
    "minimum_packet_rate_rules_links",
    CreateMinimumPacketRateRule,
    UpdateMinimumPacketRateRule
);

/// The rule fields a create or update body carries (each rule type uses its own subset).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct RuleFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    max_kbps: Field<u64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    max_burst_kbps: Field<u64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    min_kbps: Field<u64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    min_kpps: Field<u64>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    dscp_mark: Field<u8>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    direction: Field<QosDirection>,
}

/// The body of `POST /v2.0/qos/policies/{policy_id}/bandwidth_limit_rules`:
/// `{"bandwidth_limit_rule": {"max_kbps": …}}`.
///
/// ```
/// use stackclient::network::{CreateBandwidthLimitRule, QosDirection};
/// let req = CreateBandwidthLimitRule::new(10_000).max_burst_kbps(0).direction(QosDirection::Ingress);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"bandwidth_limit_rule": {"max_kbps": 10000, "max_burst_kbps": 0, "direction": "ingress"}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateBandwidthLimitRule {
    bandwidth_limit_rule: RuleFields,
}

impl CreateBandwidthLimitRule {
    /// A limit of `max_kbps` kbps.
    pub fn new(max_kbps: u64) -> Self {
        Self {
            bandwidth_limit_rule: RuleFields {
                max_kbps: Field::Value(max_kbps),
                ..Default::default()
            },
        }
    }

    /// Maximum burst in kilobits (`0` is sent: the driver's default).
    pub fn max_burst_kbps(mut self, kbps: u64) -> Self {
        self.bandwidth_limit_rule.max_burst_kbps = Field::Value(kbps);
        self
    }

    /// Direction (`egress` when not sent).
    pub fn direction(mut self, direction: QosDirection) -> Self {
        self.bandwidth_limit_rule.direction = Field::Value(direction);
        self
    }
}

/// The body of `PUT /v2.0/qos/policies/{policy_id}/bandwidth_limit_rules/{rule_id}`: only the
/// fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateBandwidthLimitRule {
    bandwidth_limit_rule: RuleFields,
}

impl UpdateBandwidthLimitRule {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New maximum rate in kbps.
    pub fn max_kbps(mut self, kbps: u64) -> Self {
        self.bandwidth_limit_rule.max_kbps = Field::Value(kbps);
        self
    }

    /// New maximum burst in kilobits.
    pub fn max_burst_kbps(mut self, kbps: u64) -> Self {
        self.bandwidth_limit_rule.max_burst_kbps = Field::Value(kbps);
        self
    }

    /// New direction.
    pub fn direction(mut self, direction: QosDirection) -> Self {
        self.bandwidth_limit_rule.direction = Field::Value(direction);
        self
    }
}

/// The body of `POST /v2.0/qos/policies/{policy_id}/dscp_marking_rules`:
/// `{"dscp_marking_rule": {"dscp_mark": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateDscpMarkingRule {
    dscp_marking_rule: RuleFields,
}

impl CreateDscpMarkingRule {
    /// Mark packets with `dscp_mark` (Neutron refuses marks outside its list with a 400).
    pub fn new(dscp_mark: u8) -> Self {
        Self {
            dscp_marking_rule: RuleFields {
                dscp_mark: Field::Value(dscp_mark),
                ..Default::default()
            },
        }
    }
}

/// The body of `PUT /v2.0/qos/policies/{policy_id}/dscp_marking_rules/{rule_id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateDscpMarkingRule {
    dscp_marking_rule: RuleFields,
}

impl UpdateDscpMarkingRule {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New DSCP mark (`0` is sent).
    pub fn dscp_mark(mut self, dscp_mark: u8) -> Self {
        self.dscp_marking_rule.dscp_mark = Field::Value(dscp_mark);
        self
    }
}

/// The body of `POST /v2.0/qos/policies/{policy_id}/minimum_bandwidth_rules`:
/// `{"minimum_bandwidth_rule": {"min_kbps": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateMinimumBandwidthRule {
    minimum_bandwidth_rule: RuleFields,
}

impl CreateMinimumBandwidthRule {
    /// A guarantee of `min_kbps` kbps.
    pub fn new(min_kbps: u64) -> Self {
        Self {
            minimum_bandwidth_rule: RuleFields {
                min_kbps: Field::Value(min_kbps),
                ..Default::default()
            },
        }
    }

    /// Direction (`egress` when not sent).
    pub fn direction(mut self, direction: QosDirection) -> Self {
        self.minimum_bandwidth_rule.direction = Field::Value(direction);
        self
    }
}

/// The body of `PUT /v2.0/qos/policies/{policy_id}/minimum_bandwidth_rules/{rule_id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateMinimumBandwidthRule {
    minimum_bandwidth_rule: RuleFields,
}

impl UpdateMinimumBandwidthRule {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New guaranteed rate in kbps.
    pub fn min_kbps(mut self, kbps: u64) -> Self {
        self.minimum_bandwidth_rule.min_kbps = Field::Value(kbps);
        self
    }

    /// New direction.
    pub fn direction(mut self, direction: QosDirection) -> Self {
        self.minimum_bandwidth_rule.direction = Field::Value(direction);
        self
    }
}

/// The body of `POST /v2.0/qos/policies/{policy_id}/minimum_packet_rate_rules`:
/// `{"minimum_packet_rate_rule": {"min_kpps": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateMinimumPacketRateRule {
    minimum_packet_rate_rule: RuleFields,
}

impl CreateMinimumPacketRateRule {
    /// A guarantee of `min_kpps` kpps.
    pub fn new(min_kpps: u64) -> Self {
        Self {
            minimum_packet_rate_rule: RuleFields {
                min_kpps: Field::Value(min_kpps),
                ..Default::default()
            },
        }
    }

    /// Direction: `egress`, `ingress` or `any` (`egress` when not sent).
    pub fn direction(mut self, direction: QosDirection) -> Self {
        self.minimum_packet_rate_rule.direction = Field::Value(direction);
        self
    }
}

/// The body of `PUT /v2.0/qos/policies/{policy_id}/minimum_packet_rate_rules/{rule_id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateMinimumPacketRateRule {
    minimum_packet_rate_rule: RuleFields,
}

impl UpdateMinimumPacketRateRule {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New guaranteed packet rate in kpps.
    pub fn min_kpps(mut self, kpps: u64) -> Self {
        self.minimum_packet_rate_rule.min_kpps = Field::Value(kpps);
        self
    }

    /// New direction.
    pub fn direction(mut self, direction: QosDirection) -> Self {
        self.minimum_packet_rate_rule.direction = Field::Value(direction);
        self
    }
}

// ------------------------------------------------------------------------------------------------
// Policies
// ------------------------------------------------------------------------------------------------

/// A QoS policy as `GET /v2.0/qos/policies[/{id}]` returns it (inside `policy` / `policies[]`),
/// with its rules embedded.
///
/// `project_id` is filled from `tenant_id` when only that is sent; `null` rules, tags or
/// description read as empty.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct QosPolicy {
    /// Policy ID (UUID).
    pub id: String,
    /// Name (may be empty).
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub name: String,
    /// Free-text description.
    #[serde(default, deserialize_with = "lenient::null_as_empty_string")]
    pub description: String,
    /// Whether the policy is shared with all projects.
    #[serde(default)]
    pub shared: bool,
    /// Whether it is the project's default policy (`qos-default`).
    #[serde(default)]
    pub is_default: Option<bool>,
    /// Owning project ID; taken from `tenant_id` when only that is sent.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Owning project ID under its old name, as sent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// The policy's rules (absent from an update's answer: empty then).
    #[serde(default, deserialize_with = "lenient::null_as_empty")]
    pub rules: Vec<QosRule>,
    /// Tags (`standard-attr-tag`).
    #[serde(default, deserialize_with = "lenient::null_as_empty")]
    pub tags: Vec<String>,
    /// When the policy was created (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// When the policy was last updated (UTC).
    #[serde(
        default,
        deserialize_with = "timestamp::option::deserialize",
        serialize_with = "timestamp::option::serialize"
    )]
    pub updated_at: Option<DateTime<Utc>>,
    /// Revision number, increased on every change.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub revision_number: Option<u64>,
}

impl<'de> Deserialize<'de> for QosPolicy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut policy = QosPolicy::deserialize(d)?;
        policy.project_id = lenient::project_id(&policy.project_id, &policy.tenant_id);
        Ok(policy)
    }
}

impl Serialize for QosPolicy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        QosPolicy::serialize(self, s)
    }
}

impl Resource for QosPolicy {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "QoS policy";
    const COLLECTION: &'static [&'static str] = &["qos", "policies"];
    const SINGULAR: &'static str = "policy";
    const PLURAL: &'static str = "policies";
    const LINKS: &'static str = "policies_links";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Creatable for QosPolicy {
    type Create = CreateQosPolicy;
    type Created = QosPolicy;
}

impl Updatable for QosPolicy {
    type Update = UpdateQosPolicy;
}

impl Revisioned for QosPolicy {
    fn revision_number(&self) -> Option<u64> {
        self.revision_number
    }
}

/// Tags at `/v2.0/qos/policies/{id}/tags`.
impl Taggable for QosPolicy {}

/// QoS policy operations (`client.network().qos_policies()`): the generic [`Api`] verbs on
/// `/v2.0/qos/policies`, and handles for each policy's rules.
pub type QosPolicies = Api<QosPolicy>;

const POLICY_PARENT: &[&str] = &["qos", "policies"];

impl Api<QosPolicy> {
    /// The bandwidth limit rules of policy `policy_id`:
    /// `/v2.0/qos/policies/{policy_id}/bandwidth_limit_rules`. An empty `policy_id` makes every
    /// call fail with [`Error::InvalidInput`](crate::Error::InvalidInput) before sending.
    pub fn bandwidth_limit_rules(&self, policy_id: &str) -> Api<BandwidthLimitRule> {
        Api::nested(
            self.client().clone(),
            POLICY_PARENT,
            "QoS policy",
            policy_id,
        )
    }

    /// The DSCP marking rules of policy `policy_id`:
    /// `/v2.0/qos/policies/{policy_id}/dscp_marking_rules`.
    pub fn dscp_marking_rules(&self, policy_id: &str) -> Api<DscpMarkingRule> {
        Api::nested(
            self.client().clone(),
            POLICY_PARENT,
            "QoS policy",
            policy_id,
        )
    }

    /// The minimum bandwidth rules of policy `policy_id`:
    /// `/v2.0/qos/policies/{policy_id}/minimum_bandwidth_rules`.
    pub fn minimum_bandwidth_rules(&self, policy_id: &str) -> Api<MinimumBandwidthRule> {
        Api::nested(
            self.client().clone(),
            POLICY_PARENT,
            "QoS policy",
            policy_id,
        )
    }

    /// The minimum packet rate rules of policy `policy_id`:
    /// `/v2.0/qos/policies/{policy_id}/minimum_packet_rate_rules`.
    pub fn minimum_packet_rate_rules(&self, policy_id: &str) -> Api<MinimumPacketRateRule> {
        Api::nested(
            self.client().clone(),
            POLICY_PARENT,
            "QoS policy",
            policy_id,
        )
    }
}

impl List<QosPolicy> {
    /// `name` (exact match).
    pub fn name(self, name: &str) -> Self {
        self.param("name", name)
    }

    /// `shared`.
    pub fn shared(self, shared: bool) -> Self {
        self.param("shared", shared)
    }

    /// `is_default`.
    pub fn is_default(self, is_default: bool) -> Self {
        self.param("is_default", is_default)
    }

    /// `project_id`.
    pub fn project_id(self, project_id: &str) -> Self {
        self.param("project_id", project_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct PolicyFields {
    #[serde(skip_serializing_if = "Field::is_absent")]
    name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    shared: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    is_default: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    project_id: Field<String>,
}

/// The body of `POST /v2.0/qos/policies`: `{"policy": {...}}`, unset fields left out.
///
/// ```
/// use stackclient::network::CreateQosPolicy;
/// let req = CreateQosPolicy::new("10Mbit").description("limits to 10 Mbit/s").shared(false);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"policy": {"name": "10Mbit", "description": "limits to 10 Mbit/s", "shared": false}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateQosPolicy {
    policy: PolicyFields,
}

impl CreateQosPolicy {
    /// A policy named `name`, without rules (add them with the rule handles).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            policy: PolicyFields {
                name: Field::Value(name.into()),
                ..Default::default()
            },
        }
    }

    /// Free-text description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.policy.description = Field::Value(description.into());
        self
    }

    /// Share with all projects (admin by default).
    pub fn shared(mut self, shared: bool) -> Self {
        self.policy.shared = Field::Value(shared);
        self
    }

    /// Make it the project's default policy (`qos-default`).
    pub fn is_default(mut self, is_default: bool) -> Self {
        self.policy.is_default = Field::Value(is_default);
        self
    }

    /// Owning project (admin only, for another project).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.policy.project_id = Field::Value(project_id.into());
        self
    }
}

impl RequestBody for CreateQosPolicy {}

/// The body of `PUT /v2.0/qos/policies/{id}`: only the fields set are sent.
///
/// ```
/// use stackclient::network::UpdateQosPolicy;
/// let req = UpdateQosPolicy::new().clear_description().is_default(true);
/// assert_eq!(
///     serde_json::to_value(&req).unwrap(),
///     serde_json::json!({"policy": {"description": null, "is_default": true}})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateQosPolicy {
    policy: PolicyFields,
}

impl UpdateQosPolicy {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.policy.name = Field::Value(name.into());
        self
    }

    /// New description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.policy.description = Field::Value(description.into());
        self
    }

    /// Clears the description (`"description": null`).
    pub fn clear_description(mut self) -> Self {
        self.policy.description = Field::Null;
        self
    }

    /// Share with all projects, or stop sharing (`false`).
    pub fn shared(mut self, shared: bool) -> Self {
        self.policy.shared = Field::Value(shared);
        self
    }

    /// Make it (or stop it being) the project's default policy.
    pub fn is_default(mut self, is_default: bool) -> Self {
        self.policy.is_default = Field::Value(is_default);
        self
    }
}

impl RequestBody for UpdateQosPolicy {}

// ------------------------------------------------------------------------------------------------
// Rule types
// ------------------------------------------------------------------------------------------------

/// A QoS rule type, as `GET /v2.0/qos/rule-types` lists it (`type` only) and
/// `GET /v2.0/qos/rule-types/{rule_type}` shows it (with the drivers and their parameters).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct QosRuleType {
    /// The rule type, e.g. `bandwidth_limit`.
    #[serde(rename = "type")]
    pub rule_type: String,
    /// The drivers supporting it (details only; empty in the list).
    #[serde(default, deserialize_with = "lenient::null_as_empty")]
    pub drivers: Vec<QosRuleTypeDriver>,
}

/// One driver of a [`QosRuleType`] and the parameters it accepts.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct QosRuleTypeDriver {
    /// Driver name, e.g. `openvswitch`.
    pub name: String,
    /// The parameters the driver supports.
    #[serde(default, deserialize_with = "lenient::null_as_empty")]
    pub supported_parameters: Vec<QosRuleParameter>,
}

/// A parameter a driver supports for a rule type.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct QosRuleParameter {
    /// e.g. `max_kbps`.
    pub parameter_name: String,
    /// `range` or `choices`.
    pub parameter_type: String,
    /// `{"start": 0, "end": 2147483647}` for a range; the list of values for choices.
    pub parameter_values: QosParameterValues,
}

/// The values a [`QosRuleParameter`] accepts.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum QosParameterValues {
    /// An inclusive range.
    Range {
        /// Lowest value.
        start: i64,
        /// Highest value.
        end: i64,
    },
    /// A list of allowed values (numbers such as DSCP marks, or strings such as directions).
    Choices(Vec<serde_json::Value>),
    /// Any other shape, as sent.
    Other(serde_json::Value),
}

impl Resource for QosRuleType {
    const SERVICE: ServiceType = ServiceType::NETWORK;
    const KIND: &'static str = "QoS rule type";
    const COLLECTION: &'static [&'static str] = &["qos", "rule-types"];
    const SINGULAR: &'static str = "rule_type";
    const PLURAL: &'static str = "rule_types";
    const LINKS: &'static str = "rule_types_links";
    const NAME_FILTER: NameFilter = NameFilter::None;

    fn id(&self) -> &str {
        &self.rule_type
    }

    fn name(&self) -> Option<&str> {
        Some(&self.rule_type)
    }
}

/// QoS rule types (`client.network().qos_rule_types()`): `list()` on `/v2.0/qos/rule-types`,
/// `get(rule_type)` for one type's drivers and parameters. Neither creates nor deletes.
pub type QosRuleTypes = Api<QosRuleType>;

impl List<QosRuleType> {
    /// `all_supported`: the types any loaded driver supports (admin), instead of those all support.
    pub fn all_supported(self, all: bool) -> Self {
        self.param("all_supported", all)
    }

    /// `all_rules`: every rule type Neutron implements, whatever the drivers (admin).
    pub fn all_rules(self, all: bool) -> Self {
        self.param("all_rules", all)
    }
}
