//! Random identifiers and the timestamp spellings the services use.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// 64 unpredictable bits (SipHash with per-process random keys over a counter and the clock).
/// Good enough for identifiers in a fake; not for cryptography.
pub(crate) fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    hasher.write_u128(nanos);
    hasher.finish()
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    for chunk in out.chunks_mut(8) {
        let word = random_u64().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
    out
}

/// A version-4 UUID with dashes (Nova and Neutron ids).
pub(crate) fn uuid4() -> String {
    let mut b: [u8; 16] = random_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Whether `s` is a UUID as Neutron's `type:uuid` validator takes it (hex, with or without
/// dashes in the 8-4-4-4-12 places).
pub(crate) fn is_uuid(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let dashed = s.len() == 36
        && s.char_indices()
            .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) && (dashed || s.len() == 32)
}

/// A version-4 UUID without dashes (Keystone ids).
pub(crate) fn hex_id() -> String {
    uuid4().replace('-', "")
}

/// `req-<uuid4>`, the request id every OpenStack service returns.
pub(crate) fn request_id() -> String {
    format!("req-{}", uuid4())
}

/// `n` lower-case hexadecimal characters.
pub(crate) fn hex_string(n: usize) -> String {
    let mut s = String::with_capacity(n + 16);
    while s.len() < n {
        s.push_str(&format!("{:016x}", random_u64()));
    }
    s.truncate(n);
    s
}

const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// `n` characters of URL-safe base64 alphabet (Fernet token bodies, audit ids).
pub(crate) fn url_safe(n: usize) -> String {
    (0..n)
        .map(|_| char::from(URL_SAFE[(random_u64() % 64) as usize]))
        .collect()
}

/// `n` unambiguous alphanumeric characters (Nova's generated admin passwords).
pub(crate) fn alnum(n: usize) -> String {
    (0..n)
        .map(|_| char::from(ALNUM[(random_u64() % ALNUM.len() as u64) as usize]))
        .collect()
}

/// A Fernet-looking token id: `gAAAAAB` followed by URL-safe base64, 183 characters in all.
pub(crate) fn fernet_token() -> String {
    format!("gAAAAAB{}", url_safe(176))
}

/// A MAC address in OpenStack's `fa:16:3e` range.
pub(crate) fn mac() -> String {
    let b: [u8; 3] = random_bytes();
    format!("fa:16:3e:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Longest delay honoured (about a century); longer ones saturate instead of overflowing.
pub(crate) const MAX_DELAY: std::time::Duration =
    std::time::Duration::from_secs(100 * 365 * 24 * 3600);

/// `base + delay` on the wall clock, saturating.
pub(crate) fn wall_after(base: DateTime<Utc>, delay: std::time::Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(delay.min(MAX_DELAY))
        .ok()
        .and_then(|d| base.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The moment `delay` from now, on Tokio's clock and on the wall clock, saturating.
pub(crate) fn deadline(delay: std::time::Duration) -> (tokio::time::Instant, DateTime<Utc>) {
    let delay = delay.min(MAX_DELAY);
    (
        tokio::time::Instant::now() + delay,
        wall_after(Utc::now(), delay),
    )
}

/// Keystone: `2015-11-06T15:32:17.893769Z` (microseconds, `Z`).
pub(crate) fn keystone_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Nova `created`/`updated`, Neutron `created_at`/`updated_at`: `2017-02-14T19:23:58Z`.
pub(crate) fn seconds_z(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Nova `OS-SRV-USG:launched_at`: `2017-02-14T19:23:59.895661` (microseconds, no zone).
pub(crate) fn micros_naive(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Parses an ISO 8601 timestamp with or without a zone (no zone means UTC), as Nova's
/// `changes-since` does.
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        let id = uuid4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(uuid4(), uuid4());
        assert_eq!(hex_id().len(), 32);
        assert_eq!(fernet_token().len(), 183);
        assert!(is_uuid(&id) && is_uuid(&hex_id()));
        assert!(!is_uuid("sg-1") && !is_uuid(&id[1..]));
    }

    #[test]
    fn times() {
        let t = parse_time("2024-01-02T03:04:05.123456Z").expect("parses");
        assert_eq!(keystone_time(t), "2024-01-02T03:04:05.123456Z");
        assert_eq!(seconds_z(t), "2024-01-02T03:04:05Z");
        assert_eq!(micros_naive(t), "2024-01-02T03:04:05.123456");
        assert_eq!(
            parse_time("2024-01-02T03:04:05"),
            parse_time("2024-01-02T03:04:05+00:00")
        );
        assert!(parse_time("yesterday").is_none());
    }
}
