//! The request log.

/// One request the fake cloud answered, as recorded by [`FakeCloud::requests`](super::FakeCloud::requests).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Path without the query, e.g. `/compute/v2.1/servers/detail`.
    pub path: String,
    /// Raw query string without the `?`, if any, e.g. `limit=2&marker=...`.
    pub query: Option<String>,
    /// Whether the request carried an `X-Auth-Token` this fake issued and that had not expired.
    pub authenticated: bool,
    /// The status answered, e.g. 200.
    pub status: u16,
    /// The `x-openstack-request-id` answered, `req-<uuid>`.
    pub request_id: String,
    /// The microversion the request asked for via `OpenStack-API-Version` or
    /// `X-OpenStack-Nova-API-Version`, verbatim (e.g. `compute 2.47`, `2.47`, `latest`).
    pub microversion: Option<String>,
}
