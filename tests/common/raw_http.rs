//! A minimal HTTP/1.1 responder for tests that must see the wire itself (which connection carried
//! which request, TLS), and for the pipeline benchmark. It answers `POST` (the token request) with a
//! never-expiring token and any other request with a fixed JSON body, keeping the connection open.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// The token body answered to `POST /v3/auth/tokens` (`X-Subject-Token: tok`), empty catalog.
pub const TOKEN_BODY: &str = r#"{"token": {"methods": ["password"], "expires_at": "2099-01-01T00:00:00.000000Z",
 "issued_at": "2024-01-01T00:00:00.000000Z", "user": {"id": "u1", "name": "admin"}, "catalog": []}}"#;

/// Serves the requests of one connection until it closes. `on_request` gets each request's
/// `User-Agent` (empty when absent) before the answer is written.
pub async fn serve_connection<S>(stream: S, body: &str, mut on_request: impl FnMut(&str))
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut user_agent = String::new();
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                match k.to_ascii_lowercase().as_str() {
                    "user-agent" => user_agent = v.trim().to_string(),
                    "content-length" => len = v.trim().parse().unwrap_or(0),
                    _ => {}
                }
            }
        }
        let mut request_body = vec![0; len];
        if reader.read_exact(&mut request_body).await.is_err() {
            return;
        }
        on_request(&user_agent);
        let (status, extra, payload) = if request_line.starts_with("POST") {
            ("201 Created", "X-Subject-Token: tok\r\n", TOKEN_BODY)
        } else {
            ("200 OK", "", body)
        };
        let resp = format!(
            "HTTP/1.1 {status}\r\n{extra}Content-Type: application/json\r\nx-openstack-request-id: req-raw\r\nContent-Length: {}\r\n\r\n{payload}",
            payload.len()
        );
        if reader.get_mut().write_all(resp.as_bytes()).await.is_err() {
            return;
        }
    }
}
