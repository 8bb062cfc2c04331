//! Lenient, lossless readers shared by the Neutron models: integers that some clouds (and the API
//! reference's samples) write as strings (`""` is none), counts larger than `u64`, `null` where a list
//! or string is documented, `project_id` taken from `tenant_id`, and string enums that keep unknown
//! values ([`api_enum`]).
//! Timestamps use `crate::timestamp`, as [`Network`](super::Network) does.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// Reads an integer sent as a JSON number, a string of digits (`"10000"`) or a whole float
/// (`10000.0`); `null` is `None`.
struct IntVisitor<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for IntVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
{
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer (or a string of one), or null")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::try_from(v)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::try_from(v)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            // Exact below 2^53: the cast keeps the value.
            #[allow(clippy::cast_possible_truncation)]
            self.visit_i64(v as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
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

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// `deserialize_with` for an optional integer: a number, a string of digits, or `null` / missing
/// (with `#[serde(default)]`) for `None`.
pub(crate) fn opt_int<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
{
    d.deserialize_option(IntVisitor(PhantomData))
}

/// `deserialize_with` for a required integer: a number or a string of digits; `null` is refused.
pub(crate) fn int<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
{
    opt_int(d)?.ok_or_else(|| de::Error::invalid_type(de::Unexpected::Unit, &"an integer"))
}

/// Reads a count that may exceed `u64` (an IPv6 `/64` holds 2^64 addresses), exactly when the JSON
/// is read from text; from an already-parsed value a big count arrives as a float and is rounded.
struct CountVisitor;

impl<'de> Visitor<'de> for CountVisitor {
    type Value = Option<u128>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer, or null")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(u128::from(v)))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        u128::try_from(v)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 3.4e38 {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(Some(v as u128))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
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
        // `deserialize_u128` makes serde_json read the digits exactly instead of as a float.
        d.deserialize_u128(self)
    }
}

/// `deserialize_with` for an IP count (`u128`, exact beyond `u64`); `null` / missing is `None`.
pub(crate) fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u128>, D::Error> {
    d.deserialize_option(CountVisitor)
}

/// `deserialize_with` for a list the API documents but some clouds send as `null`: `null` and a
/// missing field (with `#[serde(default)]`) are an empty list.
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    null_default(d)
}

/// `deserialize_with` for a string the API documents but some clouds send as `null`: `null` and a
/// missing field (with `#[serde(default)]`) are `""`.
pub(crate) fn null_as_empty_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    null_default(d)
}

/// `project_id` as sent, else `tenant_id` (older Neutron sends only that); empty strings are none.
pub(crate) fn project_id(
    project_id: &Option<String>,
    tenant_id: &Option<String>,
) -> Option<String> {
    project_id
        .clone()
        .filter(|p| !p.is_empty())
        .or_else(|| tenant_id.clone().filter(|t| !t.is_empty()))
}

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
/// missing. The by-value form of [`project_id`].
pub(crate) fn owner(project_id_: Option<String>, tenant_id: Option<&String>) -> Option<String> {
    project_id(&project_id_, &tenant_id.cloned())
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

/// [`opt_int`] under the name the router and floating IP models use.
pub(crate) use opt_int as opt_number;

/// [`opt_int`] under the name the subnet and port models use.
pub(crate) use opt_int as opt_num;

/// [`int`] under the name the subnet and port models use.
pub(crate) use int as num;

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
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        api_enum! {
            $(#[$meta])*
            pub enum $name { $( $(#[$vmeta])* $variant => $text, )+ }
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
