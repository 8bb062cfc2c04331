//! The request log.

use serde_json::Value;

/// What replaces a secret in a recorded header or body.
pub const REDACTED: &str = "[REDACTED]";

/// One request the fake cloud received, as recorded by
/// [`FakeCloud::requests`](super::FakeCloud::requests): what was asked (method, path, query,
/// headers, JSON body) and what was answered (status, request id).
///
/// Secrets are redacted: the values of `X-Auth-Token` and `X-Subject-Token`, and in a
/// `POST /identity/v3/auth/tokens` body the password, the application credential secret and the
/// token id read [`REDACTED`]. [`authenticated`](Self::authenticated) tells whether the token
/// was valid.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stackclient::compute::CreateServer;
/// use stackclient::testing::{FakeCloud, REDACTED};
///
/// let fake = FakeCloud::start().await?;
/// let client = fake.client()?;
/// let net = fake.network_id("private").expect("seeded");
/// let request = CreateServer::new("web-1", "1").image(FakeCloud::IMAGE_ID).network(&net);
/// client.compute().servers().create(&request).await?;
/// client.compute().servers().list().limit(5).send().await?;
///
/// let log = fake.requests(); // version discovery, the token, the calls
/// let login = log.iter().find(|r| r.path == "/identity/v3/auth/tokens").expect("logged in");
/// assert_eq!((login.method.as_str(), login.status), ("POST", 201));
/// let body = login.body.as_ref().expect("JSON body");
/// assert_eq!(body["auth"]["identity"]["password"]["user"]["password"], REDACTED);
///
/// let create = log.iter().find(|r| r.method == "POST" && r.path == "/compute/v2.1/servers")
///     .expect("server create recorded");
/// assert_eq!(create.status, 202);
/// assert!(create.authenticated);
/// assert_eq!(create.header("x-auth-token"), Some(REDACTED));
/// assert_eq!(create.header("content-type"), Some("application/json"));
/// let server = &create.body.as_ref().expect("JSON body")["server"];
/// assert_eq!(server["name"], "web-1");
/// assert_eq!(server["networks"][0]["uuid"], net.as_str());
///
/// let list = log.last().expect("the list");
/// assert_eq!(list.path, "/compute/v2.1/servers/detail");
/// assert_eq!(list.query_param("limit").as_deref(), Some("5"));
/// assert!(list.microversion.is_some()); // the SDK pins a compute microversion
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Path without the query, as sent (still percent-encoded), e.g.
    /// `/compute/v2.1/servers/detail`.
    pub path: String,
    /// Raw query string without the `?`, if any, e.g. `limit=2&marker=...`; see
    /// [`query_pairs`](Self::query_pairs) for the decoded pairs.
    pub query: Option<String>,
    /// The request headers in the order received, names in lower case (`x-auth-token`,
    /// `openstack-api-version`, `content-type`, `user-agent`, …), token values
    /// [`REDACTED`]. Values that are not UTF-8 are converted lossily.
    pub headers: Vec<(String, String)>,
    /// The request body as JSON, with the secrets of an authentication request
    /// [`REDACTED`]; `None` when there was no body or it was not JSON.
    pub body: Option<Value>,
    /// Whether the request carried an `X-Auth-Token` this fake issued and that had not expired.
    pub authenticated: bool,
    /// The status answered, e.g. 200; `0` when an [`InjectedFault::reset`](super::InjectedFault::reset)
    /// closed the connection instead.
    pub status: u16,
    /// Whether an [`InjectedFault`](super::InjectedFault) decided this answer (a status, a rate
    /// limit, a reset, or a delay).
    pub injected: bool,
    /// The `x-openstack-request-id` answered, `req-<uuid>`.
    pub request_id: String,
    /// The microversion the request asked for via `OpenStack-API-Version` or
    /// `X-OpenStack-Nova-API-Version`, verbatim (e.g. `compute 2.47`, `2.47`, `latest`).
    pub microversion: Option<String>,
}

impl RequestRecord {
    /// The first value of a request header (`name` in any case), e.g.
    /// `record.header("OpenStack-API-Version")`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The query parameters, percent-decoded, in order (`limit=1&name=a%20b` gives
    /// `[("limit", "1"), ("name", "a b")]`).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The first value of a query parameter, percent-decoded.
    pub fn query_param(&self, key: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// Replaces the secrets of a Keystone authentication body with [`REDACTED`].
pub(crate) fn redact_auth_body(body: &mut Value) {
    let Some(identity) = body.pointer_mut("/auth/identity") else {
        return;
    };
    for pointer in [
        "/password/user/password",
        "/application_credential/secret",
        "/token/id",
    ] {
        if let Some(secret) = identity.pointer_mut(pointer) {
            *secret = Value::String(REDACTED.into());
        }
    }
}

/// Whether a header carries a token whose value is redacted in the log.
pub(crate) fn is_secret_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("x-auth-token") || name.eq_ignore_ascii_case("x-subject-token")
}
