//! Lenient readers shared by the Neutron models: integers that some clouds (and the API reference's
//! samples) write as strings, counts larger than `u64`, and `project_id` taken from `tenant_id`.
//! Timestamps use [`crate::compute::timestamp`], as [`Network`](super::Network) does.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize as _;
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
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// `deserialize_with` for a string the API documents but some clouds send as `null`: `null` and a
/// missing field (with `#[serde(default)]`) are `""`.
pub(crate) fn null_as_empty_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
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
