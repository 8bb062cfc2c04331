//! Opening connections for the pool: DNS and TCP (hyper-util's `HttpConnector`), TLS (rustls), and the
//! [`Framing`] tracker wrapped around every HTTP/1 connection.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;

use super::framing::Framing;

/// Why a connection failed under a request, attached to the I/O error hyper sees, so the pipeline can
/// tell the phases apart (see [`super::classify`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closed {
    /// The connection failed before any byte of the request was written.
    BeforeRequest {
        /// The connection had carried an answer before.
        reused: bool,
    },
    /// The request was (at least partly) written; no byte of the answer arrived.
    BeforeAnswer {
        /// The connection had carried an answer before: most likely the server had just closed an
        /// idle keep-alive connection.
        reused: bool,
    },
}

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, reused) = match self {
            Closed::BeforeRequest { reused } => ("before the request was written", reused),
            Closed::BeforeAnswer { reused } => {
                ("after the request was written, before any answer", reused)
            }
        };
        let conn = if *reused { "reused" } else { "new" };
        write!(f, "{conn} connection closed {what}")
    }
}

impl std::error::Error for Closed {}

/// The connect timeout fired (TCP and TLS together).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectTimeout(pub Duration);

impl std::fmt::Display for ConnectTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no connection within {:?}", self.0)
    }
}

impl std::error::Error for ConnectTimeout {}

/// TCP, or TLS over TCP.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A stream with the HTTP/1 framing tracker (`None` for HTTP/2, which needs none).
struct Tracked {
    stream: Stream,
    framing: Option<Framing>,
}

impl Tracked {
    fn marked(&self, e: io::Error) -> io::Error {
        match self.framing.as_ref().and_then(Framing::unanswered) {
            Some((written, reused)) => {
                let closed = if written {
                    Closed::BeforeAnswer { reused }
                } else {
                    Closed::BeforeRequest { reused }
                };
                io::Error::new(e.kind(), ClosedBy { closed, cause: e })
            }
            None => e,
        }
    }
}

/// A [`Closed`] marker with the I/O error that revealed it.
#[derive(Debug)]
pub(crate) struct ClosedBy {
    pub closed: Closed,
    cause: io::Error,
}

impl std::fmt::Display for ClosedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.closed, self.cause)
    }
}

impl std::error::Error for ClosedBy {}

impl AsyncRead for Tracked {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            let before = buf.filled().len();
            let polled = match &mut this.stream {
                Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
                Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            };
            match polled {
                Poll::Ready(Ok(())) => {
                    let Some(framing) = this.framing.as_mut() else {
                        return Poll::Ready(Ok(()));
                    };
                    let read = buf.filled().len() - before;
                    if read == 0 {
                        // End of stream: under a request, that is a connection closed on us.
                        if framing.unanswered().is_some() {
                            let eof = io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "connection closed by the server",
                            );
                            return Poll::Ready(Err(this.marked(eof)));
                        }
                        return Poll::Ready(Ok(()));
                    }
                    let kept = framing.on_read(&mut buf.filled_mut()[before..]);
                    buf.set_filled(before + kept);
                    if kept > 0 {
                        return Poll::Ready(Ok(()));
                    }
                    // Everything read was a stray terminator: read on rather than report end of stream.
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(this.marked(e))),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = match &mut this.stream {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, data),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, data),
        };
        match polled {
            Poll::Ready(Ok(n)) => {
                if let Some(f) = this.framing.as_mut() {
                    f.on_write(&data[..n]);
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => {
                // A write error between requests is about the request hyper is starting to write.
                let e = match this.framing.as_mut() {
                    Some(f) if f.idle() => {
                        let reused = f.reused();
                        io::Error::new(
                            e.kind(),
                            ClosedBy {
                                closed: Closed::BeforeRequest { reused },
                                cause: e,
                            },
                        )
                    }
                    _ => this.marked(e),
                };
                Poll::Ready(Err(e))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = match &mut this.stream {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        };
        match polled {
            Poll::Ready(Err(e)) => Poll::Ready(Err(this.marked(e))),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().stream {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// One pooled connection, as hyper sees it.
pub(crate) struct Conn {
    io: TokioIo<Tracked>,
    h2: bool,
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        if self.h2 {
            Connected::new().negotiated_h2()
        } else {
            Connected::new()
        }
    }
}

/// The pool's connector: `http` and `https` URLs, the connect timeout over TCP and TLS together.
#[derive(Clone)]
pub(crate) struct Connector {
    tcp: HttpConnector,
    tls: TlsConnector,
    connect_timeout: Duration,
}

impl Connector {
    pub(crate) fn new(
        tls: Arc<tokio_rustls::rustls::ClientConfig>,
        connect_timeout: Duration,
    ) -> Self {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        Connector {
            tcp,
            tls: TlsConnector::from(tls),
            connect_timeout,
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        tower_service::Service::<Uri>::poll_ready(&mut self.tcp, cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let https = uri.scheme_str() == Some("https");
        let host = uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let tcp = tower_service::Service::<Uri>::call(&mut self.tcp, uri);
        let tls = self.tls.clone();
        let limit = self.connect_timeout;
        Box::pin(async move {
            let connect = async move {
                let tcp = tcp.await?.into_inner();
                if !https {
                    return Ok::<_, BoxError>((Stream::Plain(tcp), false));
                }
                let name = ServerName::try_from(host)?;
                let stream = tls.connect(name, tcp).await?;
                let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
                Ok((Stream::Tls(Box::new(stream)), h2))
            };
            let (stream, h2) = tokio::time::timeout(limit, connect)
                .await
                .map_err(|_| Box::new(ConnectTimeout(limit)) as BoxError)??;
            let framing = (!h2).then(Framing::default);
            Ok(Conn {
                io: TokioIo::new(Tracked { stream, framing }),
                h2,
            })
        })
    }
}
