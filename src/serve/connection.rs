//! The preview server's HTTP/1.1 layer: accepting connections within a cap, reading each
//! request head within a time and size bound, and writing replies with the security headers.
//! It knows nothing of the site: [`super::handle_request`] decides what to answer.
//!
//! Why not a server crate: the first design used tiny_http, which starts one thread per
//! connection without a limit (about 10,000 idle event streams aborted hub), reads headers of
//! any size (a never-ending header grew memory without bound) and has no read timeout. Those
//! limits cannot be set from outside it. The async servers (hyper, axum) would bring a runtime
//! and dozens of crates for a preview of static files. So requests are parsed by the small,
//! well-tested `httparse` crate, and the rest, a bounded thread per connection with a small
//! stack, is the few lines below.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Open connections at most; one more gets a 503 at once. A tab holds one event stream and a
/// few connections for its page, stylesheet and images, so this is hundreds of tabs.
pub(super) const MAX_CONNECTIONS: usize = 1024;
/// Open live-reload event streams at most, so that they never take every connection.
pub(super) const MAX_EVENT_STREAMS: usize = MAX_CONNECTIONS / 2;
/// The longest request line (method, target, version); a longer one gets 414.
pub(super) const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The largest request head (request line and headers); a larger one gets 431.
pub(super) const MAX_HEAD: usize = 32 * 1024;
/// Headers at most in one request; more get 431.
const MAX_HEADERS: usize = 100;
/// How long a request head may take to arrive, from its first byte or from the connection
/// opening: a client that says nothing, or dribbles bytes (slowloris), gets 408 then.
pub(super) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one write may block on a client that does not read.
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// The stack of a connection thread: answering reads a map and copies bytes, nothing deep.
pub(super) const STACK_SIZE: usize = 256 * 1024;

/// The headers every reply carries. The policy allows the default theme (its own scripts,
/// stylesheet and inline `style` attributes of highlighted code and charts), the live-reload
/// script at `/__hub/live.js` and its event stream, and images, video and embeds from other
/// sites, as a page may show them; forms may also go to the web search that the search box
/// asks when the theme's search script does not run.
/// It blocks inline scripts and framing the preview in another site.
pub(super) const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self' https:; style-src 'self' 'unsafe-inline' https:; \
         img-src 'self' data: http: https:; media-src 'self' http: https:; \
         font-src 'self' data: https:; frame-src http: https:; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self' https://duckduckgo.com; frame-ancestors 'none'",
    ),
];

/// Counts open connections (or event streams); each [`Slot`] gives its place back on drop.
#[derive(Default)]
pub(super) struct Counter(AtomicUsize);

/// One place taken in a [`Counter`].
pub(super) struct Slot(Arc<Counter>);

impl Counter {
    /// Takes a place if fewer than `limit` are taken.
    pub(super) fn take(counter: &Arc<Counter>, limit: usize) -> Option<Slot> {
        counter
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < limit).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(counter)))
    }

    /// How many places are taken now.
    #[cfg(test)]
    pub(super) fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0 .0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The request methods hub knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Head,
    /// A standard method the preview does not allow (405).
    Other,
    /// A method no standard defines (501).
    Unknown,
}

impl Method {
    fn parse(name: &str) -> Method {
        match name {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" | "TRACE" | "CONNECT" => Method::Other,
            _ => Method::Unknown,
        }
    }
}

/// A request head that parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Request {
    pub(super) method: Method,
    /// The path and query, in origin form (`/a/b?c`), even when the client sent an absolute
    /// URL (`http://host/a/b?c`); `None` for a target that is neither (`*`, `host:443`).
    pub(super) path: Option<String>,
    /// The host the request is for: an absolute URL's, else the Host header's.
    pub(super) host: Option<String>,
    /// HTTP/1.1 (true) or HTTP/1.0.
    pub(super) http11: bool,
    pub(super) headers: Vec<(String, String)>,
    /// Whether the client may send another request on this connection.
    pub(super) keep_alive: bool,
}

impl Request {
    /// The value of the first header called `name`.
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What reading a connection gave.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Incoming {
    Request(Request),
    /// The head was refused with this status; the connection must close after the reply.
    Refused(u16),
    /// The client went away, or stayed quiet between requests.
    Closed,
}

/// Reads one request head from `stream`. `buffer` holds bytes already read (a pipelined
/// request) and keeps what follows the head. `fresh` says no request came on this connection
/// yet: a fresh connection that stays silent gets 408, an idle kept-alive one just closes.
pub(super) fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>, fresh: bool) -> Incoming {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut chunk = [0u8; 4096];
    // A head can only end, or break a limit, at a line end or past a limit: a client that
    // sends a byte at a time does not make the whole head be parsed again for every byte.
    let mut worth_parsing = !buffer.is_empty();
    loop {
        if worth_parsing {
            match parse(buffer) {
                Parsed::Complete(request, used) => {
                    buffer.drain(..used);
                    return Incoming::Request(request);
                }
                Parsed::Refused(status) => return Incoming::Refused(status),
                Parsed::Partial => {}
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return if buffer.is_empty() && !fresh {
                Incoming::Closed
            } else {
                Incoming::Refused(408)
            };
        }
        if stream.set_read_timeout(Some(left)).is_err() {
            return Incoming::Closed;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Incoming::Closed,
            Ok(n) => {
                let crossed_a_limit = buffer.len() <= MAX_REQUEST_LINE
                    && buffer.len() + n > MAX_REQUEST_LINE
                    || buffer.len() <= MAX_HEAD && buffer.len() + n > MAX_HEAD;
                worth_parsing = chunk[..n].contains(&b'\n') || crossed_a_limit;
                buffer.extend_from_slice(&chunk[..n]);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(_) => return Incoming::Closed,
        }
    }
}

enum Parsed {
    Complete(Request, usize),
    Partial,
    Refused(u16),
}

/// Parses a request head from the start of `buffer`, within the size limits.
fn parse(buffer: &[u8]) -> Parsed {
    // Empty lines before a request line are allowed (RFC 9112 §2.2).
    let start = buffer
        .iter()
        .position(|b| *b != b'\r' && *b != b'\n')
        .unwrap_or(buffer.len());
    match buffer[start..].iter().position(|b| *b == b'\n') {
        Some(end) if end > MAX_REQUEST_LINE => return Parsed::Refused(414),
        None if buffer.len() - start > MAX_REQUEST_LINE => return Parsed::Refused(414),
        _ => {}
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let used = match request.parse(buffer) {
        Ok(httparse::Status::Complete(used)) if used > MAX_HEAD => return Parsed::Refused(431),
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) if buffer.len() > MAX_HEAD => return Parsed::Refused(431),
        Ok(httparse::Status::Partial) => return Parsed::Partial,
        Err(httparse::Error::TooManyHeaders) => return Parsed::Refused(431),
        Err(httparse::Error::Version) => return Parsed::Refused(version_status(&buffer[start..])),
        Err(_) => return Parsed::Refused(400),
    };
    let (Some(method), Some(target), Some(version)) =
        (request.method, request.path, request.version)
    else {
        return Parsed::Refused(400);
    };
    let mut fields = Vec::with_capacity(request.headers.len());
    for header in request.headers.iter() {
        let Ok(value) = std::str::from_utf8(header.value) else {
            return Parsed::Refused(400);
        };
        fields.push((header.name.to_string(), value.trim().to_string()));
    }
    match request_from(method, target, version == 1, fields) {
        Ok(request) => Parsed::Complete(request, used),
        Err(status) => Parsed::Refused(status),
    }
}

/// 505 for a well-formed `HTTP/x.y` other than 1.0 and 1.1, 400 for anything else.
fn version_status(head: &[u8]) -> u16 {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let version = line.trim_end().rsplit(' ').next().unwrap_or_default();
    let well_formed = version.strip_prefix("HTTP/").is_some_and(|v| {
        let mut parts = v.split('.');
        let major = parts.next().unwrap_or_default();
        let minor = parts.next();
        !major.is_empty()
            && major.bytes().all(|b| b.is_ascii_digit())
            && minor.is_none_or(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
            && parts.next().is_none()
    });
    if well_formed {
        505
    } else {
        400
    }
}

/// Checks the parts of a parsed head and puts the request together.
fn request_from(
    method: &str,
    target: &str,
    http11: bool,
    headers: Vec<(String, String)>,
) -> Result<Request, u16> {
    let count = |name: &str| {
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    };
    let value = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    // Two Host headers, or a body announced two ways, is how requests are smuggled past a
    // proxy: refuse them rather than guess.
    if count("Host") > 1 || count("Content-Length") > 1 {
        return Err(400);
    }
    let chunked = value("Transfer-Encoding").is_some();
    let length = match value("Content-Length") {
        Some(text) => Some(text.parse::<u64>().map_err(|_| 400u16)?),
        None => None,
    };
    if chunked && length.is_some() {
        return Err(400);
    }
    // A body is never read: the connection closes after the reply instead.
    let has_body = chunked || length.is_some_and(|n| n > 0);
    let connection = value("Connection").unwrap_or_default().to_ascii_lowercase();
    let keep_alive = !has_body
        && if http11 {
            !connection.split(',').any(|t| t.trim() == "close")
        } else {
            connection.split(',').any(|t| t.trim() == "keep-alive")
        };
    let (path, url_host) = split_target(target);
    if http11 && value("Host").is_none() && url_host.is_none() {
        return Err(400);
    }
    let host = url_host.or_else(|| value("Host").map(str::to_string));
    Ok(Request {
        method: Method::parse(method),
        path,
        host,
        http11,
        headers,
        keep_alive,
    })
}

/// The path (origin form) and the host of a request target. An absolute URL
/// (`http://host:port/path?q`) gives both; `/path?q` gives the path; anything else neither.
fn split_target(target: &str) -> (Option<String>, Option<String>) {
    if target.starts_with('/') {
        return (Some(target.to_string()), None);
    }
    let lower = target.to_ascii_lowercase();
    let Some(rest) = ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.starts_with(scheme).then(|| &target[scheme.len()..]))
    else {
        return (None, None);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // user:password@host is not a host to trust or to serve.
    if authority.is_empty() || authority.contains('@') {
        return (None, None);
    }
    let path = &rest[end..];
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    (Some(path), Some(authority.to_string()))
}

/// Whether `host` (a Host header value, with or without a port) names this computer's
/// loopback address. A web page elsewhere can make a browser send requests to 127.0.0.1
/// under its own name (DNS rebinding); its Host header then carries that name, and is refused.
pub(super) fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, after)) => (format!("[{inside}]"), after.strip_prefix(':')),
            None => return false,
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name.to_string(), Some(port)),
            None => (host.to_string(), None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix('.').unwrap_or(&name);
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The reason phrase of a status.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// A short plain-text explanation for a refused request, said to whoever reads it.
pub(super) fn refusal_text(status: u16) -> &'static str {
    match status {
        400 => "Bad Request: the preview could not read this request.",
        403 => "Forbidden: this preview only answers requests addressed to localhost or 127.0.0.1.",
        408 => "Request Timeout: the request did not arrive in time.",
        414 => "URI Too Long: the address is longer than the preview accepts.",
        431 => "Request Header Fields Too Large: the request headers are larger than the preview accepts.",
        501 => "Not Implemented: the preview answers GET and HEAD only.",
        503 => "Service Unavailable: the preview has too many open connections; close some tabs and reload.",
        505 => "HTTP Version Not Supported: the preview speaks HTTP/1.0 and HTTP/1.1.",
        _ => "The preview could not answer this request.",
    }
}

/// The head of a reply: status line, `headers`, the security headers, `Content-Length`
/// (unless `length` is `None`) and `Connection`.
pub(super) fn reply_head(
    status: u16,
    headers: &[(&str, String)],
    length: Option<u64>,
    keep_alive: bool,
) -> String {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        // Header values come from the site's file names at most; never let one end the head.
        if value.contains(['\r', '\n']) {
            continue;
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    for (name, value) in SECURITY_HEADERS {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(length) = length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    head
}

/// Writes a whole reply. A HEAD request, a 304 and a 204 get the head only (with the length
/// the body would have, except on a 304).
pub(super) fn write_reply(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let no_body = head_only || status == 304 || status == 204;
    let length = (status != 304 && status != 204).then_some(body.len() as u64);
    let mut bytes = reply_head(status, headers, length, keep_alive).into_bytes();
    if !no_body {
        bytes.extend_from_slice(body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

/// Writes a reply whose body is `length` bytes of the file at `path` from `start`, copied in
/// pieces. A file that has shrunk since is an error, so that the connection closes rather
/// than leave the client waiting for bytes that will not come.
#[allow(clippy::too_many_arguments)] // one reply's parts, as write_reply takes them
pub(super) fn write_file_reply(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    path: &std::path::Path,
    start: u64,
    length: u64,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    use std::io::Seek;
    let head = reply_head(status, headers, Some(length), keep_alive);
    if head_only {
        stream.write_all(head.as_bytes())?;
        return stream.flush();
    }
    let mut file = std::fs::File::open(path)?;
    file.seek(std::io::SeekFrom::Start(start))?;
    stream.write_all(head.as_bytes())?;
    let copied = std::io::copy(&mut file.take(length), stream)?;
    if copied < length {
        return Err(std::io::Error::new(
            ErrorKind::UnexpectedEof,
            "the file shrank while it was sent",
        ));
    }
    stream.flush()
}

/// Writes a refusal and closes the connection so that the client reads it: the rest of what
/// it sends (a never-ending header, a body) is read and dropped for a moment first, since
/// closing with unread bytes would reset the connection and lose the reply.
pub(super) fn refuse(stream: &mut TcpStream, status: u16, extra: &[(&str, String)]) {
    let mut headers = vec![("Content-Type", "text/plain; charset=utf-8".to_string())];
    headers.extend(extra.iter().cloned());
    if status == 503 {
        headers.push(("Retry-After", "2".to_string()));
    }
    let text = refusal_text(status);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    if write_reply(stream, status, &headers, text.as_bytes(), false, false).is_ok() {
        close_gently(stream);
    }
}

/// Tells a connection beyond the cap to come back later (503), without reading from it: the
/// accept loop must not wait on one client while others queue behind it.
pub(super) fn turn_away(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let headers = [
        ("Content-Type", "text/plain; charset=utf-8".to_string()),
        ("Retry-After", "2".to_string()),
    ];
    let text = refusal_text(503);
    if write_reply(&mut stream, 503, &headers, text.as_bytes(), false, false).is_ok() {
        let _ = stream.shutdown(std::net::Shutdown::Write);
    }
}

/// Half-closes `stream` and reads what the client still sends, for at most a second or
/// 1 MiB, so that the reply already written is not lost to a reset.
pub(super) fn close_gently(stream: &mut TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let until = Instant::now() + Duration::from_secs(1);
    let mut drained = 0usize;
    let mut chunk = [0u8; 8192];
    while drained < 1024 * 1024 {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> Result<Request, u16> {
        match parse(raw.as_bytes()) {
            Parsed::Complete(request, used) => {
                assert_eq!(used, raw.len(), "{raw:?}");
                Ok(request)
            }
            Parsed::Refused(status) => Err(status),
            Parsed::Partial => Err(0),
        }
    }

    #[test]
    fn reads_origin_and_absolute_targets() {
        let request = parsed("GET /tips/?a=1 HTTP/1.1\r\nHost: localhost:1111\r\n\r\n").unwrap();
        assert_eq!(request.method, Method::Get);
        assert_eq!(request.path.as_deref(), Some("/tips/?a=1"));
        assert_eq!(request.host.as_deref(), Some("localhost:1111"));
        assert!(request.keep_alive);
        let request = parsed("GET http://127.0.0.1:9/../x HTTP/1.1\r\nHost: evil\r\n\r\n").unwrap();
        assert_eq!(request.path.as_deref(), Some("/../x"));
        assert_eq!(request.host.as_deref(), Some("127.0.0.1:9"));
        let request = parsed("GET HTTP://localhost?x HTTP/1.0\r\n\r\n").unwrap();
        assert_eq!(request.path.as_deref(), Some("/?x"));
        assert!(!request.keep_alive, "HTTP/1.0 closes unless asked");
        let request = parsed("OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        assert_eq!((request.method, request.path), (Method::Other, None));
        let request = parsed("BREW /pot HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        assert_eq!(request.method, Method::Unknown);
        let request = parsed("GET http://user@localhost/ HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        assert_eq!(request.path, None);
    }

    #[test]
    fn refuses_malformed_oversized_and_ambiguous_heads() {
        assert_eq!(
            parsed("GET / HTTP/1.1\r\n\r\n"),
            Err(400),
            "HTTP/1.1 needs Host"
        );
        assert_eq!(parsed("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), Err(505));
        assert_eq!(parsed("GET / HTTP/1.2\r\nHost: a\r\n\r\n"), Err(505));
        assert_eq!(parsed("GET / SPDY\r\nHost: a\r\n\r\n"), Err(400));
        assert_eq!(parsed("GET /\0 HTTP/1.1\r\nHost: a\r\n\r\n"), Err(400));
        assert_eq!(
            parsed("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            parsed("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            parsed("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n"),
            Err(400)
        );
        let long = format!(
            "GET /{} HTTP/1.1\r\nHost: a\r\n\r\n",
            "a".repeat(MAX_REQUEST_LINE)
        );
        assert_eq!(parsed(&long), Err(414));
        let unfinished = format!("GET /{}", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(parsed(&unfinished), Err(414));
        let big = format!(
            "GET / HTTP/1.1\r\nHost: a\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_HEAD)
        );
        assert_eq!(parsed(&big), Err(431));
        let endless = format!("GET / HTTP/1.1\r\nHost: a\r\nX: {}", "a".repeat(MAX_HEAD));
        assert_eq!(parsed(&endless), Err(431));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: 1\r\n")).collect();
        assert_eq!(
            parsed(&format!("GET / HTTP/1.1\r\nHost: a\r\n{many}\r\n")),
            Err(431)
        );
        assert_eq!(parsed("GET / HTTP/1.1\r\nHost: a\r\n"), Err(0), "partial");
    }

    #[test]
    fn a_body_ends_the_connection_after_the_reply() {
        let request = parsed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n").unwrap();
        assert!(!request.keep_alive);
        let request = parsed("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").unwrap();
        assert!(!request.keep_alive);
    }

    #[test]
    fn only_loopback_names_pass_the_host_check() {
        for good in [
            "localhost",
            "localhost:4000",
            "LOCALHOST.",
            "app.localhost:1",
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.1.2.3",
            "[::1]",
            "[::1]:4000",
        ] {
            assert!(is_loopback_host(good), "{good}");
        }
        for bad in [
            "evil.example",
            "evil.example:4000",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "10.0.0.1",
            "[::2]:80",
            "localhost:",
            "localhost:80x",
            "[::1",
            "",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn every_reply_head_carries_the_security_headers_and_no_injected_lines() {
        let head = reply_head(
            200,
            &[("Location", "/a\r\nSet-Cookie: x".to_string())],
            Some(3),
            true,
        );
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(head.contains("X-Content-Type-Options: nosniff\r\n"));
        assert!(head.contains("Content-Security-Policy: default-src 'self';"));
        assert!(!head.contains("Set-Cookie"));
        assert!(head.ends_with("Content-Length: 3\r\nConnection: keep-alive\r\n\r\n"));
    }

    #[test]
    fn the_counter_gives_places_back() {
        let counter = Arc::new(Counter::default());
        let first = Counter::take(&counter, 2);
        let second = Counter::take(&counter, 2);
        assert!(first.is_some() && second.is_some());
        assert!(Counter::take(&counter, 2).is_none());
        drop(first);
        assert_eq!(counter.count(), 1);
        assert!(Counter::take(&counter, 2).is_some());
    }
}
