//! A raw HTTP/1.1 server whose every byte a test chooses: for each request a script decides the
//! answer — exact bytes, a close or a reset before or after reading, a silent connection. It records
//! every request with the connection it came on.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Connection number, from 1 in accept order.
    pub conn: usize,
    /// Request number on that connection, from 1.
    pub nth: usize,
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

/// What the server does with a request.
pub enum Act {
    /// Write these bytes and keep the connection.
    Answer(Vec<u8>),
    /// Write these bytes, wait, write those, keep the connection.
    AnswerSplit(Vec<u8>, Duration, Vec<u8>),
    /// Write these bytes, then close without saying so (no `Connection: close`).
    AnswerThenClose(Vec<u8>),
    /// Reset the connection (RST) after reading the whole request.
    Reset,
    /// Close the connection (FIN) after reading the whole request, without answering.
    Close,
    /// Never answer; keep the connection open.
    Hang,
    /// Write a head announcing `len` bytes and stream `len` bytes of `x` in 64 KiB writes, counting
    /// what was written into `written` until the client stops reading.
    Stream {
        head: String,
        len: usize,
        written: Arc<AtomicUsize>,
    },
}

/// What a script returns before reading a request: read it, or drop the connection unread.
pub enum Before {
    Read,
    /// When the request's first bytes arrive, close without reading them (the kernel answers with a
    /// reset): the server never saw the request.
    CloseUnread,
}

type Script = dyn Fn(&Seen) -> Act + Send + Sync;
type BeforeScript = dyn Fn(usize, usize) -> Before + Send + Sync;

pub struct Wire {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub connections: Arc<AtomicUsize>,
    /// Requests dropped unread (see [`Before::CloseUnread`]).
    pub dropped_unread: Arc<AtomicUsize>,
}

impl Wire {
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn connection_count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// A JSON answer with `Content-Length`.
pub fn json(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nX-Openstack-Request-Id: req-wire\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Starts a server; `script` answers every request that was read.
pub async fn start(script: impl Fn(&Seen) -> Act + Send + Sync + 'static) -> Wire {
    start_with(|_, _| Before::Read, script).await
}

/// Starts a server; `before(conn, nth)` may drop a request unread, `script` answers the others.
pub async fn start_with(
    before: impl Fn(usize, usize) -> Before + Send + Sync + 'static,
    script: impl Fn(&Seen) -> Act + Send + Sync + 'static,
) -> Wire {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let wire = Wire {
        base,
        seen: Arc::default(),
        connections: Arc::default(),
        dropped_unread: Arc::default(),
    };
    let script: Arc<Script> = Arc::new(script);
    let before: Arc<BeforeScript> = Arc::new(before);
    let (seen, connections, dropped) = (
        wire.seen.clone(),
        wire.connections.clone(),
        wire.dropped_unread.clone(),
    );
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let conn = connections.fetch_add(1, Ordering::SeqCst) + 1;
            let (script, before, seen, dropped) = (
                script.clone(),
                before.clone(),
                seen.clone(),
                dropped.clone(),
            );
            tokio::spawn(async move {
                serve(stream, conn, &*before, &*script, &seen, &dropped).await;
            });
        }
    });
    wire
}

async fn serve(
    stream: TcpStream,
    conn: usize,
    before: &BeforeScript,
    script: &Script,
    seen: &Mutex<Vec<Seen>>,
    dropped: &AtomicUsize,
) {
    let mut reader = BufReader::new(stream);
    let mut nth = 0;
    loop {
        nth += 1;
        if let Before::CloseUnread = before(conn, nth) {
            // Wait for the request to arrive, then drop it unread.
            if reader
                .fill_buf()
                .await
                .map(|b| b.is_empty())
                .unwrap_or(true)
            {
                return;
            }
            dropped.fetch_add(1, Ordering::SeqCst);
            let stream = reader.into_inner();
            let _ = stream.set_zero_linger();
            drop(stream);
            return;
        }
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await.unwrap_or(0) == 0 {
            return;
        }
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
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let request = Seen {
            conn,
            nth,
            method: parts.next().unwrap_or_default().to_string(),
            path: parts.next().unwrap_or_default().to_string(),
            body,
        };
        seen.lock().unwrap().push(request.clone());
        let stream = reader.get_mut();
        match script(&request) {
            Act::Answer(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Act::AnswerSplit(first, pause, second) => {
                if stream.write_all(&first).await.is_err() {
                    return;
                }
                let _ = stream.flush().await;
                tokio::time::sleep(pause).await;
                if stream.write_all(&second).await.is_err() {
                    return;
                }
            }
            Act::AnswerThenClose(bytes) => {
                let _ = stream.write_all(&bytes).await;
                return;
            }
            Act::Reset => {
                let _ = stream.set_zero_linger();
                return;
            }
            Act::Close => {
                let _ = stream.shutdown().await;
                return;
            }
            Act::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Act::Stream { head, len, written } => {
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let block = vec![b'x'; 64 * 1024];
                let mut left = len;
                while left > 0 {
                    let n = left.min(block.len());
                    if stream.write_all(&block[..n]).await.is_err() {
                        return;
                    }
                    written.fetch_add(n, Ordering::SeqCst);
                    left -= n;
                }
            }
        }
    }
}
