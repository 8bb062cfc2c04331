//! Compute microversions: parsing the request headers and echoing the chosen version.

use std::fmt;

use crate::testing::http::{Req, Resp};

/// A compute microversion, `major.minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Microversion {
    major: u16,
    minor: u16,
}

/// The oldest version served (and the default when no header is sent).
pub(crate) const MIN: Microversion = Microversion::new(2, 1);
/// The newest version served (`latest`).
pub(crate) const MAX: Microversion = Microversion::new(2, 100);

impl Microversion {
    pub(crate) const fn new(major: u16, minor: u16) -> Self {
        Microversion { major, minor }
    }

    /// Whether this is `2.minor` or later.
    pub(crate) fn at_least(self, minor: u16) -> bool {
        self >= Microversion::new(2, minor)
    }

    /// Parses `2.47`; Nova's pattern is `^([1-9]\d*)\.([1-9]\d*|0)$`.
    fn parse(s: &str) -> Option<Self> {
        let (major, minor) = s.split_once('.')?;
        let number = |p: &str| {
            let well_formed = !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p == "0" || !p.starts_with('0'));
            well_formed.then(|| p.parse::<u16>().ok()).flatten()
        };
        let major = number(major).filter(|m| *m > 0)?;
        Some(Microversion::new(major, number(minor)?))
    }
}

impl fmt::Display for Microversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The requested version: `OpenStack-API-Version: compute X.Y` wins over
/// `X-OpenStack-Nova-API-Version: X.Y`; `latest` is [`MAX`]; absent is [`MIN`].
///
/// # Errors
/// 400 for a malformed version, 406 for one outside `MIN..=MAX`, with Nova's fault bodies.
pub(crate) fn negotiate(req: &Req) -> Result<Microversion, Resp> {
    let from_new = req.header("openstack-api-version").and_then(|h| {
        h.split(',').find_map(|part| {
            let mut words = part.split_whitespace();
            let service = words.next()?;
            service
                .eq_ignore_ascii_case("compute")
                .then(|| words.next().unwrap_or(""))
        })
    });
    let requested = from_new.or_else(|| req.header("x-openstack-nova-api-version").map(str::trim));
    let Some(requested) = requested else {
        return Ok(MIN);
    };
    if requested.eq_ignore_ascii_case("latest") {
        return Ok(MAX);
    }
    let Some(version) = Microversion::parse(requested) else {
        return Err(super::fault(
            400,
            &format!(
                "API Version String {requested} is of invalid format. Must be of format \
                 MajorNum.MinorNum."
            ),
        ));
    };
    if version < MIN || version > MAX {
        return Err(super::fault(
            406,
            &format!(
                "Version {version} is not supported by the API. Minimum is {MIN} and maximum \
                 is {MAX}."
            ),
        ));
    }
    Ok(version)
}

/// Adds the headers Nova answers with: the version in both spellings and `Vary`.
pub(crate) fn echo(resp: Resp, version: Microversion) -> Resp {
    resp.with_header("openstack-api-version", &format!("compute {version}"))
        .with_header("x-openstack-nova-api-version", &version.to_string())
        .with_header(
            "vary",
            "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(Microversion::parse("2.47"), Some(Microversion::new(2, 47)));
        assert_eq!(Microversion::parse("2.0"), Some(Microversion::new(2, 0)));
        assert_eq!(Microversion::parse("2.07"), None);
        assert_eq!(Microversion::parse("0.1"), None);
        assert_eq!(Microversion::parse("2"), None);
        assert_eq!(Microversion::parse("2.x"), None);
        assert_eq!(Microversion::parse("+2.1"), None);
        assert!(MAX.at_least(47) && !MIN.at_least(2));
        assert_eq!(MAX.to_string(), "2.100");
    }
}
