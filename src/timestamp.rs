//! Timestamps as OpenStack services write them, with or without a zone.
//!
//! Accepted: RFC 3339 (`2013-09-03T04:01:32Z`, `…+00:00`, `…-05:00`, fractional seconds), offsets
//! without a colon (`…+0000`), a space instead of `T`, and no zone at all
//! (`2013-09-23T13:37:00.880302`, as Nova's `OS-SRV-USG:*` and Neutron's `created_at` are), which
//! is read as UTC. Written back as RFC 3339 in UTC with a `Z`.
//!
//! The forms services actually send are read by a direct parser ([`parse`]); anything it does not
//! recognise goes through chrono's general parsers, which accept the same set. Deserializing borrows
//! the string from the input: no allocation per timestamp.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, TimeDelta, Utc};
use serde::de::{Error as _, Unexpected, Visitor};
use serde::{Deserializer, Serializer};

/// Parses a timestamp in any of the accepted forms; `None` if it is none of them.
pub(crate) fn parse(s: &str) -> Option<DateTime<Utc>> {
    fast(s.as_bytes().trim_ascii()).or_else(|| general(s.trim()))
}

/// `YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM]`, the shapes Keystone, Nova, Neutron and
/// Glance send; `None` for anything else (then [`general`] decides).
fn fast(b: &[u8]) -> Option<DateTime<Utc>> {
    fn digits(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    }
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let year = i32::try_from(digits(&b[0..4])?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, digits(&b[5..7])?, digits(&b[8..10])?)?;
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if second > 59 {
        return None; // a leap second: chrono's parsers know what to do
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let n = i - start;
        if n == 0 {
            return None;
        }
        for _ in n..9 {
            nanos *= 10;
        }
    }
    let offset_seconds = match &b[i..] {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, m) = match rest {
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                    (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                }
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = i64::from(h * 3600 + m * 60);
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local = NaiveDateTime::new(date, time);
    if offset_seconds == 0 {
        return Some(local.and_utc());
    }
    let utc = local.checked_sub_signed(TimeDelta::try_seconds(offset_seconds)?)?;
    Some(utc.and_utc())
}

/// chrono's parsers for every accepted form.
fn general(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(naive.and_utc());
        }
    }
    None
}

/// Formats a timestamp as RFC 3339 in UTC (`Z`), with fractional seconds only when present.
pub(crate) fn format(dt: &DateTime<Utc>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

const EXPECTED: &str = "an ISO 8601 timestamp such as 2013-09-03T04:01:32Z";

/// Reads a string (borrowed when the input allows) as a timestamp; with `optional`, `null` and `""`
/// are `None`.
struct TimestampVisitor {
    optional: bool,
}

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        if self.optional && s.trim().is_empty() {
            return Ok(None);
        }
        parse(s)
            .map(Some)
            .ok_or_else(|| E::invalid_value(Unexpected::Str(s), &EXPECTED))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        if self.optional {
            Ok(None)
        } else {
            Err(E::invalid_type(Unexpected::Option, &EXPECTED))
        }
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

/// `deserialize_with` for a required timestamp.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(TimestampVisitor { optional: false })?
        .ok_or_else(|| D::Error::invalid_type(Unexpected::Option, &EXPECTED))
}

/// `serialize_with` for a required timestamp.
pub(crate) fn serialize<S: Serializer>(dt: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(dt))
}

/// The same for `Option<DateTime<Utc>>`: `null`, a missing field (with `#[serde(default)]`)
/// and `""` are `None`.
pub(crate) mod option {
    use chrono::{DateTime, Utc};
    use serde::{Deserializer, Serializer};

    use super::{TimestampVisitor, format};

    /// `deserialize_with` for an optional timestamp.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        d.deserialize_option(TimestampVisitor { optional: true })
    }

    /// `serialize_with` for an optional timestamp (`None` is `null`).
    pub(crate) fn serialize<S: Serializer>(
        dt: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match dt {
            Some(dt) => s.serialize_str(&format(dt)),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every form the services send, and some they might: the direct parser and chrono's general
    /// parsers agree on each (or both refuse it).
    #[test]
    fn the_direct_parser_agrees_with_chrono() {
        let cases = [
            "2013-09-03T04:01:32Z",
            "2013-09-03T04:01:32z",
            "2013-09-03t04:01:32Z",
            "2013-09-03 04:01:32Z",
            "2013-09-23T13:37:00.880302",
            "2013-09-23 13:37:00.880302",
            "2015-11-06T15:32:17.893769Z",
            "2015-11-06T15:32:17.893769123456Z",
            "2015-11-06T15:32:17.1Z",
            "2016-03-08T20:19:05+00:00",
            "2016-03-08T20:19:05-05:00",
            "2016-03-08T20:19:05+05:30",
            "2016-03-08T20:19:05.123+0530",
            "2016-03-08T20:19:05-0000",
            "2016-03-08 20:19:05+0100",
            "2024-02-29T23:59:59.999999999+14:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2013-09-03T04:01:32",
            "2013-02-30T04:01:32Z",
            "2013-09-03T24:01:32Z",
            "2013-09-03T04:60:32Z",
            "2013-09-03T04:01:32.Z",
            "2013-09-03T04:01:32+5",
            "2013-09-03T04:01:32+05:3",
            "2013-09-03T04:01:32+25:00",
            "2013-09-03T04:01:32 Z",
            "2013-9-03T04:01:32Z",
            "2013-09-03",
            "not a time",
            "",
        ];
        for case in cases {
            assert_eq!(
                fast(case.as_bytes()).or_else(|| general(case)),
                general(case),
                "{case:?}"
            );
        }
        assert_eq!(
            parse("2016-03-08T20:19:05-05:00").map(|t| format(&t)),
            Some("2016-03-09T01:19:05Z".to_string())
        );
        assert_eq!(
            parse(" 2013-09-23T13:37:00.880302 ").map(|t| format(&t)),
            Some("2013-09-23T13:37:00.880302Z".to_string())
        );
        // The fast path takes the common forms itself.
        for case in [
            "2013-09-03T04:01:32Z",
            "2013-09-23T13:37:00.880302",
            "2016-03-08T20:19:05+00:00",
        ] {
            assert!(fast(case.as_bytes()).is_some(), "{case}");
        }
    }

    #[derive(serde::Deserialize, Debug)]
    struct T {
        #[serde(with = "super")]
        at: DateTime<Utc>,
        #[serde(default, with = "super::option")]
        maybe: Option<DateTime<Utc>>,
    }

    #[test]
    fn serde_reads_borrowed_escaped_null_and_empty_strings() {
        let t: T = serde_json::from_str(r#"{"at": "2013-09-03T04:01:32Z", "maybe": null}"#)
            .expect("decodes");
        assert_eq!(format(&t.at), "2013-09-03T04:01:32Z");
        assert_eq!(t.maybe, None);
        // An escaped string cannot be borrowed; it still decodes.
        let t: T = serde_json::from_str(r#"{"at": "2013-09-03T04:01:32\u005a", "maybe": ""}"#)
            .expect("decodes");
        assert_eq!(format(&t.at), "2013-09-03T04:01:32Z");
        assert_eq!(t.maybe, None);
        let t: T = serde_json::from_str(
            r#"{"at": "2013-09-03 04:01:32", "maybe": "2013-09-23T13:37:00.5"}"#,
        )
        .expect("decodes");
        assert_eq!(
            t.maybe.map(|m| format(&m)).as_deref(),
            Some("2013-09-23T13:37:00.500Z")
        );
        // From a value tree too (owned strings).
        let v = serde_json::json!({"at": "2013-09-03T04:01:32Z"});
        let t: T = serde_json::from_value(v).expect("decodes");
        assert_eq!(t.maybe, None);
        let err = serde_json::from_str::<T>(r#"{"at": null}"#).unwrap_err();
        assert!(err.to_string().contains("ISO 8601"), "{err}");
        let err = serde_json::from_str::<T>(r#"{"at": "yesterday"}"#).unwrap_err();
        assert!(err.to_string().contains("yesterday"), "{err}");
    }
}
