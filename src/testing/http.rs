//! The request and response types the handlers work with (decoupled from hyper).

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Response, StatusCode};
use serde_json::Value;

/// One request, fully read.
pub(crate) struct Req {
    pub(crate) method: Method,
    /// The path as received (still percent-encoded), without the query.
    pub(crate) path: String,
    /// The raw query string, if any.
    pub(crate) raw_query: Option<String>,
    /// The decoded query pairs, in order.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// The `x-openstack-request-id` this request is answered with (Nova records it in
    /// instance actions).
    pub(crate) request_id: String,
}

impl Req {
    pub(crate) fn new(method: Method, uri: &hyper::Uri, headers: HeaderMap, body: Bytes) -> Self {
        let raw_query = uri.query().map(str::to_string);
        let query = raw_query
            .as_deref()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Req {
            method,
            path: uri.path().to_string(),
            raw_query,
            query,
            headers,
            body,
            request_id: super::ids::request_id(),
        }
    }

    /// A header as text, if present and printable.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first value of a query parameter.
    pub(crate) fn query_first(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter.
    pub(crate) fn query_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, `None` when it is empty or malformed.
    pub(crate) fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A response under construction.
pub(crate) struct Resp {
    pub(crate) status: u16,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl Resp {
    /// A JSON body with the given status.
    pub(crate) fn json(status: u16, body: &Value) -> Self {
        Resp {
            status,
            headers: vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body: Bytes::from(body.to_string()),
        }
    }

    /// A response without a body (204, 202 for actions).
    pub(crate) fn empty(status: u16) -> Self {
        Resp {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// The body as JSON, `None` when it is empty or not JSON.
    pub(crate) fn json_value(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Replaces the `Content-Type` (e.g. Nova's faults are `application/json; charset=UTF-8`).
    pub(crate) fn with_content_type(mut self, value: &'static str) -> Self {
        self.headers.retain(|(name, _)| name != CONTENT_TYPE);
        self.headers
            .push((CONTENT_TYPE, HeaderValue::from_static(value)));
        self
    }

    /// Adds a header; a value that is not a valid header value is dropped.
    pub(crate) fn with_header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((HeaderName::from_static(name), v));
        }
        self
    }

    pub(crate) fn into_hyper(self) -> Response<Full<Bytes>> {
        let mut resp = Response::new(Full::new(self.body));
        *resp.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = resp.headers_mut();
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        resp
    }
}

/// Splits `/a/b/c` into `["a", "b", "c"]`; `None` when a segment is empty (`/servers/`, `//x`),
/// which the real services answer with 404 and which usually means a client built a URL from an
/// empty id.
pub(crate) fn segments(rest: &str) -> Option<Vec<&str>> {
    let rest = rest.strip_prefix('/')?;
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.iter().any(|p| p.is_empty()) {
        None
    } else {
        Some(parts)
    }
}

/// The canonical reason phrase for a status (`Service Unavailable`).
pub(crate) fn reason(status: u16) -> &'static str {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
}

/// Encodes query pairs (`a=b&c=d`).
pub(crate) fn encode_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_segments() {
        assert_eq!(segments("/servers/detail"), Some(vec!["servers", "detail"]));
        assert_eq!(segments("/servers/"), None);
        assert_eq!(segments("//servers"), None);
        assert_eq!(segments(""), None);
    }
}
