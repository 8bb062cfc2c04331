//! HTTP/1.1 response framing, followed byte by byte underneath hyper on every HTTP/1 connection.
//!
//! It exists for one server bug and one diagnosis:
//!
//! * **Stray chunk terminators.** Some servers (Neutron and Nova under uWSGI) answer `204 No Content`
//!   with `Transfer-Encoding: chunked` *and* send the terminating chunk `0\r\n\r\n`. A `204` (and a
//!   `304`, and any answer to `HEAD`) has no body by definition (RFC 9112 §6.3), so hyper stops after the
//!   head, and those five bytes would be read as the start of the *next* answer on the connection,
//!   failing it with "invalid HTTP version parsed". The tracker removes exactly that terminator, and
//!   nothing else, so the connection stays usable.
//! * **Was anything answered?** It counts the answers completed on the connection and the bytes of the
//!   current answer, so that a connection closed under a request can be told apart: a *reused*
//!   connection closed before any byte of the answer (the server dropped an idle keep-alive connection:
//!   safe to resend an idempotent request) versus a failure after the answer began.
//!
//! The tracker only ever removes bytes in that one situation. Anything it does not understand (an
//! upgrade, a malformed head, a chunk size it cannot parse, a head over 64 KiB) switches it off for the
//! rest of the connection, and hyper sees the bytes untouched.

/// The terminating chunk some servers send after a bodiless answer.
const TERMINATOR: &[u8; 5] = b"0\r\n\r\n";
/// Heads larger than this are not tracked (hyper's own limit is larger; we simply stop following).
const MAX_HEAD: usize = 64 * 1024;
/// Headers parsed per head; more switch the tracker off.
const MAX_HEADERS: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading an answer's head (status line and headers) into `head`.
    Head,
    /// `n` body bytes left (`Content-Length`).
    Body(u64),
    /// Inside a chunked body.
    Chunk(Chunk),
    /// The body runs to the end of the connection: nothing more to follow.
    Eof,
    /// After a bodiless answer that announced `Transfer-Encoding: chunked`: `n` bytes of a stray
    /// terminator removed so far.
    Stray(usize),
    /// Not tracking any more: bytes pass untouched.
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// Hex digits of a chunk size; `digits` seen so far.
    Size {
        value: u64,
        digits: u8,
    },
    /// A chunk extension, up to the end of the line.
    Ext {
        value: u64,
    },
    /// `\r` seen after the size line; `\n` expected.
    SizeLf {
        value: u64,
    },
    /// `n` data bytes left in this chunk.
    Data(u64),
    /// `\r\n` after the chunk data.
    DataCr,
    DataLf,
    /// Trailer section after the last chunk; `line` bytes in the current line.
    Trailer {
        line: usize,
    },
}

/// What the tracker knows about one HTTP/1 connection.
#[derive(Debug)]
pub(crate) struct Framing {
    state: State,
    head: Vec<u8>,
    /// The request being answered is a `HEAD` (its answer has no body whatever it says).
    head_request: bool,
    /// A request was written whose answer is not complete yet.
    awaiting: bool,
    /// Answers completed on this connection.
    completed: u64,
    /// Bytes of the current request written.
    written: u64,
    /// Bytes of the current answer read (stray terminators not counted).
    answered: u64,
    /// Stray terminators removed on this connection.
    pub(crate) strays_removed: u64,
}

impl Default for Framing {
    fn default() -> Self {
        Framing {
            state: State::Head,
            head: Vec::new(),
            head_request: false,
            awaiting: false,
            completed: 0,
            written: 0,
            answered: 0,
            strays_removed: 0,
        }
    }
}

impl Framing {
    /// `true` while the tracker follows the connection.
    #[cfg(test)]
    pub(crate) fn is_tracking(&self) -> bool {
        self.state != State::Off
    }

    /// A request's bytes were written (`data` is what the socket accepted).
    pub(crate) fn on_write(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        if !self.awaiting {
            // hyper does not pipeline: the first write after an answer completed starts a request.
            self.awaiting = true;
            self.head_request = data.starts_with(b"HEAD ");
            self.written = 0;
            self.answered = 0;
        }
        self.written += data.len() as u64;
    }

    /// Whether the request in flight was (partly) written and nothing of its answer has arrived, and
    /// whether the connection had already carried an answer before it: `(written, reused)`.
    pub(crate) fn unanswered(&self) -> Option<(bool, bool)> {
        (self.awaiting && self.answered == 0 && self.state != State::Off)
            .then_some((self.written > 0, self.completed > 0))
    }

    /// `true` when nothing of a request has been written since the last answer completed.
    pub(crate) fn idle(&self) -> bool {
        !self.awaiting
    }

    /// `true` once an answer has completed on this connection.
    pub(crate) fn reused(&self) -> bool {
        self.completed > 0
    }

    /// Follows `buf` (the bytes just read) and removes stray terminators from it in place. Returns how
    /// many bytes are kept at the front of `buf`.
    pub(crate) fn on_read(&mut self, buf: &mut [u8]) -> usize {
        let len = buf.len();
        let mut r = 0; // next byte to read
        let mut w = 0; // next place to keep a byte
        macro_rules! keep {
            ($n:expr) => {{
                let n: usize = $n;
                if w != r {
                    buf.copy_within(r..r + n, w);
                }
                r += n;
                w += n;
                self.answered += n as u64;
            }};
        }
        while r < len {
            match self.state {
                State::Off | State::Eof => {
                    keep!(len - r);
                }
                State::Head => {
                    let rest = &buf[r..];
                    let (n, end) = match rest.iter().position(|&b| b == b'\n') {
                        Some(i) => (i + 1, true),
                        None => (rest.len(), false),
                    };
                    self.head.extend_from_slice(&rest[..n]);
                    keep!(n);
                    if self.head.len() > MAX_HEAD {
                        self.off();
                    } else if end && head_complete(&self.head) {
                        self.end_of_head();
                    }
                }
                State::Body(left) => {
                    let n = usize::try_from(left).unwrap_or(usize::MAX).min(len - r);
                    keep!(n);
                    let left = left - n as u64;
                    if left == 0 {
                        self.complete();
                    } else {
                        self.state = State::Body(left);
                    }
                }
                State::Chunk(Chunk::Data(left)) => {
                    let n = usize::try_from(left).unwrap_or(usize::MAX).min(len - r);
                    keep!(n);
                    let left = left - n as u64;
                    self.state = State::Chunk(if left == 0 {
                        Chunk::DataCr
                    } else {
                        Chunk::Data(left)
                    });
                }
                State::Chunk(c) => {
                    let b = buf[r];
                    keep!(1);
                    self.chunk_byte(c, b);
                }
                State::Stray(matched) => {
                    let b = buf[r];
                    if b == TERMINATOR[matched] {
                        r += 1; // removed: neither kept nor counted as answer bytes
                        if matched + 1 == TERMINATOR.len() {
                            self.strays_removed += 1;
                            self.state = State::Head;
                        } else {
                            self.state = State::Stray(matched + 1);
                        }
                    } else if matched == 0 {
                        // No stray terminator: this is the next answer.
                        self.state = State::Head;
                    } else {
                        // A partial terminator followed by something else: not ours to judge.
                        self.off();
                    }
                }
            }
        }
        w
    }

    fn chunk_byte(&mut self, c: Chunk, b: u8) {
        let next = match c {
            Chunk::Size { value, digits } => match (b as char).to_digit(16) {
                Some(d) if digits < 15 => Some(Chunk::Size {
                    value: value * 16 + u64::from(d),
                    digits: digits + 1,
                }),
                Some(_) => None,
                None if digits == 0 => None,
                None => match b {
                    b'\r' => Some(Chunk::SizeLf { value }),
                    b'\n' => return self.end_of_size_line(value),
                    b';' | b' ' | b'\t' => Some(Chunk::Ext { value }),
                    _ => None,
                },
            },
            Chunk::Ext { value } => match b {
                b'\n' => return self.end_of_size_line(value),
                _ => Some(Chunk::Ext { value }),
            },
            Chunk::SizeLf { value } => match b {
                b'\n' => return self.end_of_size_line(value),
                _ => None,
            },
            Chunk::DataCr => match b {
                b'\r' => Some(Chunk::DataLf),
                b'\n' => Some(Chunk::Size {
                    value: 0,
                    digits: 0,
                }),
                _ => None,
            },
            Chunk::DataLf => match b {
                b'\n' => Some(Chunk::Size {
                    value: 0,
                    digits: 0,
                }),
                _ => None,
            },
            Chunk::Trailer { line } => match b {
                b'\r' => Some(Chunk::Trailer { line }),
                b'\n' if line == 0 => return self.complete(),
                b'\n' => Some(Chunk::Trailer { line: 0 }),
                _ => Some(Chunk::Trailer { line: line + 1 }),
            },
            Chunk::Data(_) => Some(c),
        };
        match next {
            Some(c) => self.state = State::Chunk(c),
            None => self.off(),
        }
    }

    fn end_of_size_line(&mut self, value: u64) {
        self.state = State::Chunk(if value == 0 {
            Chunk::Trailer { line: 0 }
        } else {
            Chunk::Data(value)
        });
    }

    fn end_of_head(&mut self) {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        let parsed = response.parse(&self.head);
        let (code, chunked, length) = match parsed {
            Ok(httparse::Status::Complete(_)) => {
                let code = response.code.unwrap_or(0);
                let mut chunked = false;
                let mut length: Option<Option<u64>> = None;
                for h in response.headers.iter() {
                    if h.name.eq_ignore_ascii_case("transfer-encoding") {
                        // The last coding decides (RFC 9112 §6.3).
                        chunked = h
                            .value
                            .rsplit(|&b| b == b',')
                            .next()
                            .is_some_and(|v| v.trim_ascii().eq_ignore_ascii_case(b"chunked"));
                    } else if h.name.eq_ignore_ascii_case("content-length") {
                        let v = std::str::from_utf8(h.value)
                            .ok()
                            .and_then(|s| s.trim().parse::<u64>().ok());
                        length = match length {
                            None => Some(v),
                            Some(prev) if prev == v => Some(v),
                            Some(_) => Some(None), // conflicting lengths
                        };
                    }
                }
                (code, chunked, length)
            }
            _ => return self.off(),
        };
        self.head.clear();
        match code {
            101 => self.off(),
            100..=199 => self.state = State::Head, // interim answer: the real head follows
            204 | 304 => self.bodiless(chunked),
            _ if self.head_request => self.bodiless(chunked),
            _ if chunked => {
                self.state = State::Chunk(Chunk::Size {
                    value: 0,
                    digits: 0,
                })
            }
            _ => match length {
                Some(Some(0)) => self.complete(),
                Some(Some(n)) => self.state = State::Body(n),
                Some(None) => self.off(),
                None => self.state = State::Eof,
            },
        }
    }

    fn bodiless(&mut self, announced_chunked: bool) {
        self.complete();
        if announced_chunked {
            self.state = State::Stray(0);
        }
    }

    fn complete(&mut self) {
        self.completed += 1;
        self.awaiting = false;
        self.state = State::Head;
    }

    fn off(&mut self) {
        self.head = Vec::new();
        self.state = State::Off;
    }
}

fn head_complete(head: &[u8]) -> bool {
    head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(f: &mut Framing, chunks: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for c in chunks {
            let mut buf = c.to_vec();
            let n = f.on_read(&mut buf);
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    const NEUTRON_204: &[u8] = b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\nX-Openstack-Request-Id: req-1\r\n\r\n0\r\n\r\n";
    const NEXT: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";

    #[test]
    fn removes_stray_terminator_in_one_read() {
        let mut f = Framing::default();
        f.on_write(b"DELETE /v2.0/routers/x HTTP/1.1\r\n\r\n");
        let out = feed(&mut f, &[NEUTRON_204]);
        assert_eq!(out, &NEUTRON_204[..NEUTRON_204.len() - 5]);
        assert_eq!(f.strays_removed, 1);
        f.on_write(b"GET /v2.0/networks HTTP/1.1\r\n\r\n");
        assert_eq!(feed(&mut f, &[NEXT]), NEXT);
        assert!(f.idle() && f.is_tracking());
    }

    #[test]
    fn removes_stray_terminator_split_across_reads_and_after_the_next_write() {
        let mut f = Framing::default();
        f.on_write(b"DELETE /x HTTP/1.1\r\n\r\n");
        let head = &NEUTRON_204[..NEUTRON_204.len() - 5];
        assert_eq!(feed(&mut f, &[head]), head);
        assert!(f.idle());
        // The next request is written before the terminator arrives.
        f.on_write(b"GET /y HTTP/1.1\r\n\r\n");
        let mut later = b"0\r\n".to_vec();
        assert_eq!(f.on_read(&mut later), 0);
        let mut rest = b"\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".to_vec();
        let n = f.on_read(&mut rest);
        assert_eq!(&rest[..n], NEXT);
        assert_eq!(f.strays_removed, 1);
    }

    #[test]
    fn a_correct_204_is_left_alone() {
        let mut f = Framing::default();
        f.on_write(b"DELETE /x HTTP/1.1\r\n\r\n");
        let answers = b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert_eq!(feed(&mut f, &[answers]), answers);
        f.on_write(b"GET /y HTTP/1.1\r\n\r\n");
        assert_eq!(feed(&mut f, &[NEXT]), NEXT);
        assert_eq!(f.strays_removed, 0);
        let plain = b"HTTP/1.1 204 No Content\r\n\r\n";
        f.on_write(b"DELETE /z HTTP/1.1\r\n\r\n");
        assert_eq!(feed(&mut f, &[plain, NEXT]), [&plain[..], NEXT].concat());
    }

    #[test]
    fn chunked_and_length_bodies_pass_untouched_byte_by_byte() {
        let body = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;ext=1\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n";
        let mut f = Framing::default();
        f.on_write(b"GET / HTTP/1.1\r\n\r\n");
        let pieces: Vec<&[u8]> = body.chunks(1).collect();
        assert_eq!(feed(&mut f, &pieces), body);
        assert!(f.idle() && f.is_tracking());
        // A body that happens to hold `0\r\n\r\n` is data, never removed.
        let tricky = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n0\r\n\r\n";
        f.on_write(b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(feed(&mut f, &[tricky]), tricky);
        assert_eq!(f.strays_removed, 0);
    }

    #[test]
    fn head_answers_and_interim_answers() {
        let mut f = Framing::default();
        f.on_write(b"HEAD /x HTTP/1.1\r\n\r\n");
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
        assert_eq!(feed(&mut f, &[head]), head);
        assert!(f.idle());
        f.on_write(b"POST /x HTTP/1.1\r\n\r\n");
        let interim =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(feed(&mut f, &[interim]), interim);
        assert!(f.idle() && f.is_tracking());
    }

    #[test]
    fn unknown_shapes_switch_tracking_off() {
        let mut f = Framing::default();
        f.on_write(b"GET / HTTP/1.1\r\n\r\n");
        let bad = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n0\r\n\r\n";
        assert_eq!(feed(&mut f, &[bad]), bad);
        assert!(!f.is_tracking());
        let mut f = Framing::default();
        f.on_write(b"GET / HTTP/1.1\r\n\r\n");
        let two = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab";
        assert_eq!(feed(&mut f, &[two]), two);
        assert!(!f.is_tracking());
    }

    #[test]
    fn reports_unanswered_requests() {
        let mut f = Framing::default();
        assert_eq!(f.unanswered(), None);
        f.on_write(b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(f.unanswered(), Some((true, false)));
        feed(&mut f, &[NEXT]);
        assert_eq!(f.unanswered(), None);
        f.on_write(b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(f.unanswered(), Some((true, true)));
        feed(&mut f, &[b"HTTP/1.1 2"]);
        assert_eq!(f.unanswered(), None);
    }
}
