//! Three-state request fields: what an update body says about one field.
//!
//! An update must send exactly what the caller set. [`Field::Absent`] leaves the field out of the JSON
//! (the service keeps its value), [`Field::Null`] sends `null` (the service clears it), and
//! [`Field::Value`] sends the value — an empty list and a zero are values too (`[]` clears a list,
//! ICMP type `0` is sent as `0`).
//!
//! ```
//! use serde::Serialize;
//! use stackclient::Field;
//!
//! #[derive(Serialize, Default)]
//! struct Update {
//!     #[serde(skip_serializing_if = "Field::is_absent")]
//!     name: Field<String>,
//!     #[serde(skip_serializing_if = "Field::is_absent")]
//!     description: Field<String>,
//!     #[serde(skip_serializing_if = "Field::is_absent")]
//!     dns_nameservers: Field<Vec<String>>,
//! }
//!
//! let update = Update { description: Field::Null, dns_nameservers: Field::Value(vec![]), ..Default::default() };
//! assert_eq!(serde_json::to_value(&update).unwrap(), serde_json::json!({"description": null, "dns_nameservers": []}));
//! ```

use serde::{Serialize, Serializer};

/// One optional field of a request body: absent, explicit `null`, or a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Field<T> {
    /// Not mentioned: left out of the JSON (pair with `#[serde(skip_serializing_if = "Field::is_absent")]`).
    #[default]
    Absent,
    /// Sent as `null`: the service clears the field.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Field<T> {
    /// `true` for [`Field::Absent`].
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// The value, if one is set.
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(v: T) -> Self {
        Field::Value(v)
    }
}

impl From<&str> for Field<String> {
    /// A text value (`"x"` is `Value("x")`).
    fn from(v: &str) -> Self {
        Field::Value(v.to_string())
    }
}

impl<T> From<Option<T>> for Field<T> {
    /// `Some(v)` is a value, `None` an explicit `null`.
    fn from(v: Option<T>) -> Self {
        match v {
            Some(v) => Field::Value(v),
            None => Field::Null,
        }
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // Absent is skipped by the container; should it reach here, `null` is the safe reading.
            Field::Absent | Field::Null => s.serialize_none(),
            Field::Value(v) => v.serialize(s),
        }
    }
}
