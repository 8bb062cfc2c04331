//! Lenient, lossless reading helpers shared by the Neutron models of subnets, ports and subnet
//! pools: numbers sent as strings, `null` where a list or an object is documented, `tenant_id`-only
//! objects, and string enums that keep unknown values. Timestamps use
//! [`crate::compute::timestamp`].

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// `deserialize_with` for a list (or any `Default` value) where Neutron may send `null`: `null`
/// and a missing field (with `#[serde(default)]`) are the empty value.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The owner: `project_id`, else `tenant_id` (older Neutron, some plugins); empty strings count as
/// missing.
pub(crate) fn owner(project_id: Option<String>, tenant_id: Option<&String>) -> Option<String> {
    project_id
        .filter(|p| !p.is_empty())
        .or_else(|| tenant_id.filter(|t| !t.is_empty()).cloned())
}

/// An unsigned integer from a JSON integer or a string of one (`"64"`, as real Neutron sends
/// subnet pool prefix lengths).
struct NumVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T> Visitor<'de> for NumVisitor<T>
where
    T: TryFrom<u64> + FromStr,
{
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an unsigned integer (or a string of one), or null")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::try_from(v)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        u64::try_from(v)
            .ok()
            .and_then(|v| T::try_from(v).ok())
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse()
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
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

/// `deserialize_with` for an optional unsigned number sent as an integer or a string; `null` and
/// `""` are `None`.
pub(crate) fn opt_num<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + FromStr,
{
    d.deserialize_option(NumVisitor(std::marker::PhantomData))
}

/// `deserialize_with` for a required unsigned number sent as an integer or a string.
pub(crate) fn num<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + FromStr,
{
    opt_num(d)?.ok_or_else(|| de::Error::custom("expected a number, found null"))
}

/// A string enum of the API with an `Other(String)` fallback: `as_str`, `Display`, a `FromStr`
/// that never fails (ASCII case ignored), and serde as the API's string.
macro_rules! api_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know, verbatim.
            Other(String),
        }

        impl $name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(s) => s,
                }
            }

            fn from_api(s: &str) -> Self {
                match s {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            /// Parses a value; matching ignores ASCII case, unknown values are kept verbatim.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $( if s.eq_ignore_ascii_case($text) { return Ok(Self::$variant); } )+
                Ok(Self::Other(s.to_owned()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self::from_api(&String::deserialize(d)?))
            }
        }
    };
}

pub(crate) use api_enum;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(serde::Deserialize)]
    struct N {
        #[serde(default, deserialize_with = "opt_num")]
        a: Option<u8>,
        #[serde(deserialize_with = "num")]
        b: u32,
        #[serde(default, deserialize_with = "null_default")]
        c: Vec<String>,
    }

    #[test]
    fn numbers_as_strings_and_null_lists() {
        let n: N = serde_json::from_str(r#"{"a": "64", "b": 4, "c": null}"#).unwrap();
        assert_eq!((n.a, n.b, n.c.len()), (Some(64), 4, 0));
        let n: N = serde_json::from_str(r#"{"a": null, "b": "6"}"#).unwrap();
        assert_eq!((n.a, n.b), (None, 6));
        assert!(serde_json::from_str::<N>(r#"{"a": "300", "b": 1}"#).is_err());
        assert!(serde_json::from_str::<N>(r#"{"a": -1, "b": 1}"#).is_err());
        assert!(serde_json::from_str::<N>(r#"{"b": null}"#).is_err());
    }

    #[test]
    fn owner_falls_back_to_tenant() {
        assert_eq!(owner(None, Some(&"t".into())), Some("t".into()));
        assert_eq!(
            owner(Some(String::new()), Some(&"t".into())),
            Some("t".into())
        );
        assert_eq!(owner(Some("p".into()), Some(&"t".into())), Some("p".into()));
        assert_eq!(owner(None, None), None);
    }
}
