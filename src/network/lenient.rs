//! Lenient readers for what real Neutron servers send (shared by the routing models: routers,
//! floating IPs, port forwardings, security groups and rules).
//!
//! - `null` where the reference documents a list or an object with defaults: the default.
//! - Numbers sent as strings (`"80"`, as the API reference's own request samples do and older
//!   plugins answer): the number.
//! - `project_id` missing (pre-Newton servers send `tenant_id` only): taken from `tenant_id`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// `deserialize_with` for a list (or any `Default` value) where `null` means empty.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `project_id` as Neutron means it: the non-empty `project_id`, else the non-empty `tenant_id`.
pub(crate) fn project_id(project_id: Option<String>, tenant_id: Option<&String>) -> Option<String> {
    project_id
        .filter(|p| !p.is_empty())
        .or_else(|| tenant_id.filter(|t| !t.is_empty()).cloned())
}

/// `deserialize_with` for an optional unsigned number sent as a JSON number, a numeric string
/// (`"80"`, surrounding blanks allowed) or `null` / `""` (both `None`). A number out of the
/// target's range is an error naming the value.
pub(crate) fn opt_number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    struct NumVisitor<T>(PhantomData<fn() -> T>);

    impl<'de, T: TryFrom<u64>> Visitor<'de> for NumVisitor<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an unsigned number (or a string holding one), or null")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            T::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .ok()
                .and_then(|u| T::try_from(u).ok())
                .map(Some)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<u64>()
                .ok()
                .and_then(|u| T::try_from(u).ok())
                .map(Some)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
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

    d.deserialize_option(NumVisitor(PhantomData))
}

/// `deserialize_with` for a boolean sent as JSON `true`/`false`, as a string (`"true"`, `"False"`,
/// `"1"`, `"0"`, as some plugins answer) or `null` (`None`).
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct BoolVisitor;

    impl<'de> Visitor<'de> for BoolVisitor {
        type Value = Option<bool>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean (or a string holding one), or null")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" | "t" | "y" => Ok(Some(true)),
                "false" | "0" | "no" | "off" | "f" | "n" => Ok(Some(false)),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
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

    d.deserialize_option(BoolVisitor)
}

/// Declares a string-valued API enum with known values and an `Other(String)` fallback that keeps
/// whatever was sent: `as_str`, `Display`, `FromStr` (never fails, ASCII case ignored for the known
/// values), and serde both ways.
macro_rules! api_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
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

            /// Parses a value; known values match ignoring ASCII case.
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
    use super::*;

    #[derive(serde::Deserialize)]
    struct N {
        #[serde(default, deserialize_with = "opt_number")]
        n: Option<u16>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "null_default")]
        l: Vec<String>,
    }

    fn n(json: &str) -> Result<N, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn numbers_strings_and_nulls() {
        assert_eq!(n(r#"{"n": 80}"#).unwrap().n, Some(80));
        assert_eq!(n(r#"{"n": "80"}"#).unwrap().n, Some(80));
        assert_eq!(n(r#"{"n": 0}"#).unwrap().n, Some(0));
        assert_eq!(n(r#"{"n": null}"#).unwrap().n, None);
        assert_eq!(n(r#"{"n": ""}"#).unwrap().n, None);
        assert_eq!(n("{}").unwrap().n, None);
        assert!(n(r#"{"n": 70000}"#).is_err());
        assert!(n(r#"{"n": -1}"#).is_err());
        assert!(n(r#"{"n": "x"}"#).is_err());
        assert_eq!(n(r#"{"b": "False"}"#).unwrap().b, Some(false));
        assert_eq!(n(r#"{"b": true}"#).unwrap().b, Some(true));
        assert!(n(r#"{"l": null}"#).unwrap().l.is_empty());
    }

    #[test]
    fn project_id_falls_back_to_tenant_id() {
        let t = "t1".to_string();
        assert_eq!(project_id(None, Some(&t)).as_deref(), Some("t1"));
        assert_eq!(
            project_id(Some(String::new()), Some(&t)).as_deref(),
            Some("t1")
        );
        assert_eq!(project_id(Some("p".into()), Some(&t)).as_deref(), Some("p"));
        assert_eq!(project_id(None, None), None);
    }
}
