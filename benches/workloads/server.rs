//! The benchmark's loopback cloud: a small, fast HTTP/1.1 server in its own process (so that its
//! work never counts as the client's CPU time or instructions), answering from precomputed bodies.
//!
//! - `POST /identity/v3/auth/tokens`: `201`, `X-Subject-Token: tok-<generation>`, a token with a
//!   catalog of 8 services × 3 interfaces whose compute endpoint points at this server.
//! - `GET /compute/v2.1`: the version document (2.1–2.100).
//! - `GET /compute/v2.1/servers/<id>`: one full server (the API reference's 2.100 sample, ≈ 2 KB).
//! - `GET /compute/v2.1/servers/detail?limit=1000[&marker=<id>]`: pages of 1000 servers with Nova's
//!   `servers_links` `next` link, over `total` servers (set by `PUT /control/total/<n>`).
//! - `POST /control/expire`: every token issued so far is answered `401` from now on.
//! - `GET /control/tokens`: how many token requests were answered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Servers per listing page, as Nova's default `max_limit`.
pub const PAGE: usize = 1000;

/// The id of the `i`-th server of a listing.
pub fn server_id(i: usize) -> String {
    format!("00000000-0000-4000-8000-{i:012}")
}

fn index_of(id: &str) -> Option<usize> {
    id.strip_prefix("00000000-0000-4000-8000-")?.parse().ok()
}

/// One server object (no envelope), with `i`'s id.
pub fn server_json(template: &serde_json::Value, i: usize) -> serde_json::Value {
    let mut s = template.clone();
    s["id"] = serde_json::json!(server_id(i));
    s["name"] = serde_json::json!(format!("server-{i}"));
    s
}

/// The API reference's full server at 2.100 (the fixture), as the template of every server.
pub fn template() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/compute/server_2.100.json"
    );
    let text = std::fs::read_to_string(path).expect("fixtures/compute/server_2.100.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    doc["server"].clone()
}

/// Page bodies by (first server, total), built once.
type PageCache = HashMap<(usize, usize), Arc<Vec<u8>>>;

struct State {
    base: String,
    token_body: Vec<u8>,
    server_body: Vec<u8>,
    version_body: Vec<u8>,
    /// One server object with `@ID@` and `@N@` where its id and number go.
    item: String,
    total: AtomicUsize,
    generation: AtomicU64,
    valid_from: AtomicU64,
    token_requests: AtomicU64,
    pages: Mutex<PageCache>,
}

fn catalog(base: &str) -> serde_json::Value {
    let services = [
        ("identity", "keystone", "/identity/v3"),
        ("compute", "nova", "/compute/v2.1"),
        ("network", "neutron", "/network"),
        ("image", "glance", "/image"),
        ("placement", "placement", "/placement"),
        (
            "volumev3",
            "cinderv3",
            "/volume/v3/6f70656e737461636b20342065766572",
        ),
        (
            "block-storage",
            "cinder",
            "/volume/v3/6f70656e737461636b20342065766572",
        ),
        (
            "object-store",
            "swift",
            "/swift/v1/AUTH_6f70656e737461636b20342065766572",
        ),
    ];
    let entries: Vec<serde_json::Value> = services
        .iter()
        .enumerate()
        .map(|(i, (kind, name, path))| {
            let endpoints: Vec<serde_json::Value> = ["public", "internal", "admin"]
                .iter()
                .enumerate()
                .map(|(j, iface)| {
                    serde_json::json!({
                        "id": format!("{i:02}{j:02}0000000000000000000000000000"),
                        "interface": iface,
                        "region": "RegionOne",
                        "region_id": "RegionOne",
                        "url": format!("{base}{path}"),
                    })
                })
                .collect();
            serde_json::json!({
                "endpoints": endpoints,
                "id": format!("{i:02}000000000000000000000000000000"),
                "type": kind,
                "name": name,
            })
        })
        .collect();
    serde_json::Value::Array(entries)
}

fn token_body(base: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"token": {
        "methods": ["password"],
        "user": {"domain": {"id": "default", "name": "Default"},
                 "id": "ee4dfb6e5540447cb3741905149d9b6e", "name": "admin", "password_expires_at": null},
        "audit_ids": ["3T2dc1CGQxyJsHdDu1xkcw"],
        "expires_at": "2099-01-01T00:00:00.000000Z",
        "issued_at": "2026-12-01T00:00:00.000000Z",
        "project": {"domain": {"id": "default", "name": "Default"},
                    "id": "6f70656e737461636b20342065766572", "name": "admin"},
        "is_domain": false,
        "roles": [{"id": "51cc68287d524c759f47c811e6463340", "name": "admin"},
                  {"id": "9fe2ff9ee4384b1894a90878d3e92bab", "name": "member"},
                  {"id": "b2f7b4c7e1c84bd2a38f7d0a39e7f8aa", "name": "reader"}],
        "catalog": catalog(base),
    }}))
    .expect("token body")
}

impl State {
    fn new(base: String) -> State {
        let template = template();
        let server_body =
            serde_json::to_vec(&serde_json::json!({"server": server_json(&template, 0)}))
                .expect("server body");
        let version_body = serde_json::to_vec(&serde_json::json!({"version": {
            "id": "v2.1", "status": "CURRENT", "version": "2.100", "min_version": "2.1",
            "updated": "2013-07-23T11:33:21Z",
            "links": [{"rel": "self", "href": format!("{base}/compute/v2.1/")}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.compute+json;version=2.1"}],
        }}))
        .expect("version body");
        let mut item = template.clone();
        item["id"] = serde_json::json!("@ID@");
        item["name"] = serde_json::json!("server-@N@");
        let item = item.to_string();
        State {
            token_body: token_body(&base),
            base,
            server_body,
            version_body,
            item,
            total: AtomicUsize::new(10_000),
            generation: AtomicU64::new(0),
            valid_from: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            pages: Mutex::new(HashMap::new()),
        }
    }

    /// The page starting at server `start` of a listing of `total` servers.
    fn page(&self, start: usize, total: usize) -> Arc<Vec<u8>> {
        let key = (start, total);
        if let Some(p) = self.pages.lock().expect("lock").get(&key) {
            return p.clone();
        }
        let end = (start + PAGE).min(total);
        let mut out = String::with_capacity((end - start) * 2200 + 256);
        out.push_str("{\"servers\": [");
        for i in start..end {
            if i > start {
                out.push(',');
            }
            out.push_str(&self.item.replacen("@ID@", &server_id(i), 1).replacen(
                "@N@",
                &i.to_string(),
                1,
            ));
        }
        out.push(']');
        if end - start == PAGE {
            out.push_str(&format!(
                ", \"servers_links\": [{{\"href\": \"{}/compute/v2.1/servers/detail?limit={PAGE}&marker={}\", \"rel\": \"next\"}}]",
                self.base,
                server_id(end - 1)
            ));
        }
        out.push('}');
        let page = Arc::new(out.into_bytes());
        self.pages.lock().expect("lock").insert(key, page.clone());
        page
    }
}

/// Starts the server on 127.0.0.1 and returns its address; serves until the process exits.
pub async fn start() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = Arc::new(State::new(format!("http://{addr}")));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(connection(stream, state.clone()));
        }
    });
    addr
}

fn response(status: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nx-openstack-request-id: req-00000000-0000-4000-8000-000000000000\r\n{extra}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

async fn connection(mut stream: TcpStream, state: Arc<State>) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    loop {
        // Read one request head (and its body, by Content-Length).
        let (head_len, method, path, token, body_len) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut req = httparse::Request::new(&mut headers);
            if let Ok(httparse::Status::Complete(n)) = req.parse(&buf) {
                let method = req.method.unwrap_or("").to_string();
                let path = req.path.unwrap_or("").to_string();
                let mut token = None;
                let mut len = 0usize;
                for h in req.headers.iter() {
                    if h.name.eq_ignore_ascii_case("x-auth-token") {
                        token = Some(String::from_utf8_lossy(h.value).into_owned());
                    } else if h.name.eq_ignore_ascii_case("content-length") {
                        len = std::str::from_utf8(h.value)
                            .ok()
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                    }
                }
                break (n, method, path, token, len);
            }
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        while buf.len() < head_len + body_len {
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_len + body_len);
        let answer = answer(&state, &method, &path, token.as_deref());
        if stream.write_all(&answer).await.is_err() {
            return;
        }
    }
}

fn token_ok(state: &State, token: Option<&str>) -> bool {
    let Some(n) = token
        .and_then(|t| t.strip_prefix("tok-"))
        .and_then(|n| n.parse::<u64>().ok())
    else {
        return false;
    };
    n >= state.valid_from.load(Ordering::SeqCst)
}

fn unauthorized() -> Vec<u8> {
    response(
        "401 Unauthorized",
        "WWW-Authenticate: Keystone uri=\"http://127.0.0.1/identity\"\r\n",
        br#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#,
    )
}

fn answer(state: &State, method: &str, target: &str, token: Option<&str>) -> Vec<u8> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match (method, path) {
        ("POST", "/identity/v3/auth/tokens") => {
            state.token_requests.fetch_add(1, Ordering::SeqCst);
            let g = state.generation.fetch_add(1, Ordering::SeqCst) + 1;
            response(
                "201 Created",
                &format!("X-Subject-Token: tok-{g}\r\n"),
                &state.token_body,
            )
        }
        ("POST", "/control/expire") => {
            let g = state.generation.load(Ordering::SeqCst);
            state.valid_from.store(g + 1, Ordering::SeqCst);
            response("204 No Content", "", b"")
        }
        ("GET", "/control/tokens") => {
            let n = state.token_requests.load(Ordering::SeqCst);
            response("200 OK", "", n.to_string().as_bytes())
        }
        ("PUT", p) if p.starts_with("/control/total/") => {
            let n = p["/control/total/".len()..].parse().unwrap_or(0);
            state.total.store(n, Ordering::SeqCst);
            response("204 No Content", "", b"")
        }
        ("GET", "/compute/v2.1" | "/compute/v2.1/") => response("200 OK", "", &state.version_body),
        ("GET", "/compute/v2.1/servers/detail") => {
            if !token_ok(state, token) {
                return unauthorized();
            }
            let marker = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("marker="))
                .and_then(index_of);
            let start = marker.map_or(0, |m| m + 1);
            let total = state.total.load(Ordering::SeqCst);
            let page = state.page(start.min(total), total);
            response("200 OK", "", &page)
        }
        ("GET", p) if p.starts_with("/compute/v2.1/servers/") => {
            if !token_ok(state, token) {
                return unauthorized();
            }
            response("200 OK", "", &state.server_body)
        }
        _ => response(
            "404 Not Found",
            "",
            br#"{"itemNotFound": {"code": 404, "message": "The resource could not be found."}}"#,
        ),
    }
}
