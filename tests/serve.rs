//! `hub serve`: the real binary, started on an ephemeral port (`-p 0`), spoken to
//! with a small raw HTTP/1.1 client written here (so request targets such as
//! `/../etc/passwd` reach the server exactly as written, with no client-side normalisation).
//!
//! Covered: index.html for folders, the `/tips` → `/tips/` redirect, the site's 404 page,
//! Content-Type per extension, HEAD, 405 with Allow, ETag / If-None-Match → 304, no caching of
//! HTML, path traversal in every spelling, symlinks leading out of the site, the live-reload
//! script and event stream, nothing written to public/, the port-in-use message, Ctrl-C,
//! many concurrent connections, and the watcher: edits, a broken page with the error overlay
//! and its recovery, a burst of saves, CSS-only changes, pages added and deleted.
//!
//! Every server runs inside a `Server` guard that kills it on drop, and every wait has a
//! deadline, so a broken server fails a test instead of hanging it or outliving it.

// Symlinks and `kill -INT` are Unix things.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use scraper::Html;

/// How long a change may take to show up (watch debounce plus a rebuild on a busy machine).
const WATCH_DEADLINE: Duration = Duration::from_secs(20);
/// How long one HTTP exchange may take.
const IO_DEADLINE: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// The server under test
// ---------------------------------------------------------------------------------------------

/// A running `hub serve`; killed (and reaped) when dropped, whatever the test did.
use common::preview::Preview as Server;

/// Starts `hub serve -p 0 <args>` in `root`, which must say it built the site before serving.
fn start_server(root: &Path, args: &[&str]) -> Server {
    let server = Server::start(root, args);
    assert!(
        server
            .stdout_lines()
            .iter()
            .any(|l| l.starts_with("built ")),
        "expected a `built N pages in X ms` line before `serving`\n{}",
        server.transcript()
    );
    server
}

impl Server {
    /// `rebuilt …` lines printed after the first `since` lines of stdout.
    fn rebuilt_lines_since(&self, since: usize) -> Vec<String> {
        self.stdout_lines()
            .into_iter()
            .skip(since)
            .filter(|l| l.starts_with("rebuilt "))
            .collect()
    }

    fn get(&self, path: &str) -> Response {
        request(self.port, "GET", path, &[])
    }

    /// GETs `path` until `done` holds for the reply, or fails after WATCH_DEADLINE.
    fn poll(&self, path: &str, what: &str, done: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + WATCH_DEADLINE;
        loop {
            let reply = self.get(path);
            if done(&reply) {
                return reply;
            }
            assert!(
                Instant::now() < deadline,
                "waited {WATCH_DEADLINE:?} for {path} to {what}; last reply {} :\n{}\n{}",
                reply.status,
                reply.text(),
                self.transcript()
            );
            thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The serve fixture copied to a temporary folder.
fn serve_site() -> TestSite {
    TestSite::fixture("serve")
}

fn fixture_bytes(rel: &str) -> Vec<u8> {
    let path = fixtures_dir().join("serve").join(rel);
    fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Appends `text` as a new paragraph to a file of the site.
fn append(site: &TestSite, rel: &str, text: &str) {
    let mut old = fs::read_to_string(site.path(rel)).expect("read page");
    old.push_str(&format!("\n{text}\n"));
    site.write(rel, &old);
}

/// Ctrl-C ends `hub serve` with status 0 and its `stopped` line.
fn assert_stops_on_ctrl_c(server: &mut Server) {
    let status = server.interrupt();
    assert_eq!(
        status.code(),
        Some(0),
        "Ctrl-C should exit with status 0, got {status}\n{}",
        server.transcript()
    );
    assert!(
        server.stdout_lines().iter().any(|l| l.trim() == "stopped"),
        "no `stopped` line\n{}",
        server.transcript()
    );
}

/// A sentence no page contains by chance.
fn unique(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("Marker {label} {}-{nanos} was saved.", std::process::id())
}

// ---------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    /// The decoded body (chunked transfer coding removed).
    body: Vec<u8>,
    /// Every byte the server sent after the blank line that ends the headers.
    raw_after_head: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The Content-Type without parameters, lowercased.
    fn media_type(&self) -> String {
        self.header("Content-Type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn html(&self) -> Html {
        Html::parse_document(&self.text())
    }

    fn has_overlay(&self) -> bool {
        !select(&self.html(), "#hub-error-overlay").is_empty()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sends `METHOD target HTTP/1.1` exactly as given (no normalisation), with `Host`,
/// `Connection: close` and `extra` headers, and reads the whole reply.
fn request(port: u16, method: &str, target: &str, extra: &[(&str, &str)]) -> Response {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if matches!(method, "POST" | "PUT" | "PATCH") {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");
    exchange(port, head.as_bytes(), method == "HEAD")
}

/// Writes `raw` to a fresh connection and reads one reply.
fn exchange(port: u16, raw: &[u8], head_request: bool) -> Response {
    let deadline = Instant::now() + IO_DEADLINE;
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("cannot connect to 127.0.0.1:{port}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_millis(250)))
        .unwrap();
    stream.set_write_timeout(Some(IO_DEADLINE)).unwrap();
    stream.write_all(raw).expect("send request");
    let what =
        String::from_utf8_lossy(raw.split(|b| *b == b'\r').next().unwrap_or_default()).into_owned();

    let mut data = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let mut eof = false;
    let mut read_some = |data: &mut Vec<u8>, eof: &mut bool| -> bool {
        match stream.read(&mut chunk) {
            Ok(0) => {
                *eof = true;
                true
            }
            Ok(n) => {
                data.extend_from_slice(&chunk[..n]);
                true
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                *eof = true;
                true
            }
            Err(e) => panic!("{what}: read failed: {e}"),
        }
    };

    // The head.
    let head_end = loop {
        if let Some(i) = find(&data, b"\r\n\r\n") {
            break i + 4;
        }
        assert!(
            !eof,
            "{what}: connection closed before a complete reply head: {:?}",
            String::from_utf8_lossy(&data)
        );
        assert!(
            Instant::now() < deadline,
            "{what}: no reply head within {IO_DEADLINE:?}"
        );
        read_some(&mut data, &mut eof);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    assert!(
        version.starts_with("HTTP/1."),
        "{what}: bad status line {status_line:?}"
    );
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{what}: bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let chunked =
        header("Transfer-Encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = header("Content-Length").and_then(|v| v.parse::<usize>().ok());
    let streaming = header("Content-Type").is_some_and(|v| v.contains("text/event-stream"));
    let no_body = head_request || status == 304 || status == 204 || (100..200).contains(&status);

    // The body: read until the connection closes (we asked for that), or until a
    // length-delimited body is complete and the server is quiet, or until the deadline.
    let complete = |data: &[u8]| -> bool {
        let after = &data[head_end..];
        if no_body {
            return false; // wait for the close, to see that nothing follows
        }
        if chunked {
            return find(after, b"0\r\n\r\n").is_some()
                && decode_chunked(after).is_some_and(|(_, used)| used <= after.len());
        }
        length.is_some_and(|n| after.len() >= n)
    };
    while !eof {
        if streaming {
            break; // an event stream never ends; the status and headers are what matter here
        }
        let now = Instant::now();
        if now >= deadline {
            assert!(
                complete(&data) || no_body,
                "{what}: reply body not complete within {IO_DEADLINE:?} ({} bytes after the head)",
                data.len() - head_end
            );
            break;
        }
        let got = read_some(&mut data, &mut eof);
        if !got && complete(&data) {
            // Complete and the server has been quiet for a read timeout: it kept the
            // connection open despite `Connection: close`, which is allowed.
            break;
        }
        if !got && no_body && now + Duration::from_millis(1500) < deadline {
            // For HEAD / 304, give the server a moment to (wrongly) send a body, then stop.
            let waited = Instant::now();
            while waited.elapsed() < Duration::from_millis(1000) && !eof {
                read_some(&mut data, &mut eof);
            }
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Both);

    let raw_after_head = data[head_end..].to_vec();
    let body = if no_body || streaming {
        raw_after_head.clone()
    } else if chunked {
        decode_chunked(&raw_after_head)
            .unwrap_or_else(|| panic!("{what}: malformed chunked body"))
            .0
    } else if let Some(n) = length {
        assert!(
            raw_after_head.len() >= n,
            "{what}: body shorter than Content-Length {n}: {} bytes",
            raw_after_head.len()
        );
        raw_after_head[..n].to_vec()
    } else {
        raw_after_head.clone()
    };
    Response {
        status,
        headers,
        body,
        raw_after_head,
    }
}

/// Decodes a chunked body; returns the bytes and how much input they used, or `None` when
/// the input is incomplete or malformed.
fn decode_chunked(input: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let line_end = at + find(&input[at..], b"\r\n")?;
        let size_text = std::str::from_utf8(&input[at..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        at = line_end + 2;
        if size == 0 {
            // Trailers, then the final blank line.
            loop {
                let end = at + find(&input[at..], b"\r\n")?;
                let blank = end == at;
                at = end + 2;
                if blank {
                    return Some((out, at));
                }
            }
        }
        if input.len() < at + size + 2 {
            return None;
        }
        out.extend_from_slice(&input[at..at + size]);
        at += size;
        if &input[at..at + 2] != b"\r\n" {
            return None;
        }
        at += 2;
    }
}

/// An open `/__hub/events` connection.
struct EventStream {
    stream: TcpStream,
    buffer: String,
    /// Every event seen so far, for failure messages.
    seen: Vec<(String, String)>,
}

impl EventStream {
    /// Connects, checks the reply head and waits for `event: hello`.
    fn open(port: u16) -> EventStream {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect for events");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            stream,
            "GET /__hub/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send events request");
        let mut events = EventStream {
            stream,
            buffer: String::new(),
            seen: Vec::new(),
        };
        let deadline = Instant::now() + IO_DEADLINE;
        let head_end = loop {
            if let Some(i) = events.buffer.find("\n\n") {
                break i + 2;
            }
            assert!(
                Instant::now() < deadline,
                "no reply head on /__hub/events within {IO_DEADLINE:?}: {:?}",
                events.buffer
            );
            events.fill();
        };
        let head = events.buffer[..head_end].to_ascii_lowercase();
        assert!(
            head.starts_with("http/1.1 200") || head.starts_with("http/1.0 200"),
            "/__hub/events answered {head:?}"
        );
        assert!(
            head.contains("content-type: text/event-stream"),
            "/__hub/events is not an event stream: {head:?}"
        );
        events.buffer.drain(..head_end);
        events.wait_for("hello", IO_DEADLINE);
        events
    }

    /// Reads what has arrived; false on a read timeout.
    fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => panic!("the event stream closed; events so far: {:?}", self.seen),
            Ok(n) => {
                // Lines may end in CRLF; a CR split from its LF by a read joins it next time.
                self.buffer.push_str(&String::from_utf8_lossy(&chunk[..n]));
                self.buffer = self.buffer.replace("\r\n", "\n");
                true
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
            Err(e) => panic!("reading the event stream failed: {e}"),
        }
    }

    /// The next complete event (comments and `retry:` skipped), or `None` at the deadline.
    fn next_event(&mut self, deadline: Instant) -> Option<(String, String)> {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = v.trim().to_string();
                    }
                }
                if !name.is_empty() {
                    self.seen.push((name.clone(), data.clone()));
                    return Some((name, data));
                }
            }
            if Instant::now() >= deadline {
                return None;
            }
            self.fill();
        }
    }

    /// Waits for an event called `name`; returns its data.
    fn wait_for(&mut self, name: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            match self.next_event(deadline) {
                Some((event, data)) if event == name => return data,
                Some(_) => {}
                None => panic!(
                    "no `event: {name}` within {within:?}; events seen: {:?}",
                    self.seen
                ),
            }
        }
    }

    /// The first event after `hello`, whatever it is.
    fn next_after_hello(&mut self, within: Duration) -> (String, String) {
        let deadline = Instant::now() + within;
        loop {
            match self.next_event(deadline) {
                Some((event, _)) if event == "hello" => {}
                Some(found) => return found,
                None => panic!(
                    "no event after hello within {within:?}; events seen: {:?}",
                    self.seen
                ),
            }
        }
    }
}

/// Asserts that a traversal or escape attempt was refused and did not leak `secrets`.
fn assert_refused(reply: &Response, target: &str, secrets: &[&[u8]]) {
    assert!(
        matches!(reply.status, 400 | 403 | 404),
        "{target}: expected 400, 403 or 404, got {}:\n{}",
        reply.status,
        reply.text()
    );
    for secret in secrets {
        assert!(
            find(&reply.raw_after_head, secret).is_none(),
            "{target}: the reply contains bytes from outside the site ({:?})",
            String::from_utf8_lossy(secret)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Serving rules
// ---------------------------------------------------------------------------------------------

#[test]
fn folders_are_served_from_their_index_html() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);

    for (path, text) in [
        ("/", "The home page of the serve test site."),
        ("/index.html", "The home page of the serve test site."),
        ("/tips/", "Tips for social care teams."),
        ("/tips/advice/", "Wait thirty seconds before you post."),
        (
            "/tips/advice/index.html",
            "Wait thirty seconds before you post.",
        ),
        ("/tips/photo-guide/", "Ask before you take a photo."),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}:\n{}", reply.text());
        assert_eq!(reply.media_type(), "text/html", "{path}");
        assert!(reply.text().contains(text), "{path} lacks {text:?}");
    }
    // A query string does not change which file is served.
    let reply = server.get("/tips/advice/?utm_source=test");
    assert_eq!(reply.status, 200);
    assert!(reply
        .text()
        .contains("Wait thirty seconds before you post."));
}

#[test]
fn folders_without_a_slash_redirect_to_the_slashed_address() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    for (path, target) in [("/tips", "/tips/"), ("/tips/advice", "/tips/advice/")] {
        let reply = server.get(path);
        assert!(
            matches!(reply.status, 301 | 308),
            "{path}: expected a permanent redirect, got {}",
            reply.status
        );
        let location = reply
            .header("Location")
            .unwrap_or_else(|| panic!("{path}: redirect without Location"));
        let absolute = format!("http://127.0.0.1:{}{target}", server.port);
        assert!(
            location == target || location == absolute,
            "{path}: Location is {location:?}, expected {target:?}"
        );
    }
}

#[test]
fn unknown_paths_get_the_sites_404_page_with_status_404() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);

    let page = server.get("/404.html");
    assert_eq!(page.status, 200, "/404.html is part of the site");
    let expected_h1 = text_of(&page.html(), "h1");
    assert_eq!(expected_h1, "Page not found");

    for path in [
        "/no/such/page/",
        "/nope",
        "/tips/missing/",
        "/missing.png",
        "/tips/advice/x.pdf",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.media_type(), "text/html", "{path}");
        let html = reply.html();
        assert_eq!(
            text_of(&html, "h1"),
            expected_h1,
            "{path}: not the site's 404 page"
        );
        assert!(
            reply.text().contains("Page not found — Serve Test Site"),
            "{path}: the 404 page should carry the site's title"
        );
    }
}

#[test]
fn content_type_matches_each_extension_and_bytes_are_served_unchanged() {
    let site = serve_site();
    // A file large enough that the server may switch to chunked transfer coding.
    let big: String = (0..4000).map(|i| format!("{{\"line\":{i}}}\n")).collect();
    site.write("static/big.txt", &big);
    let server = start_server(site.root(), &[]);

    let cases: &[(&str, &[&str], Option<&str>)] = &[
        ("/", &["text/html"], None),
        ("/css/site.css", &["text/css"], Some("static/css/site.css")),
        (
            "/app.js",
            &["text/javascript", "application/javascript"],
            Some("static/app.js"),
        ),
        ("/x.svg", &["image/svg+xml"], Some("static/x.svg")),
        ("/x.png", &["image/png"], Some("static/x.png")),
        ("/x.jpg", &["image/jpeg"], Some("static/x.jpg")),
        ("/x.webp", &["image/webp"], Some("static/x.webp")),
        ("/x.woff2", &["font/woff2"], Some("static/x.woff2")),
        ("/x.pdf", &["application/pdf"], Some("static/x.pdf")),
        (
            "/data.json",
            &["application/json"],
            Some("static/data.json"),
        ),
        ("/sitemap.xml", &["application/xml", "text/xml"], None),
        ("/robots.txt", &["text/plain"], None),
        (
            "/tips/photo-guide/photo.png",
            &["image/png"],
            Some("content/tips/photo-guide/photo.png"),
        ),
        (
            "/tips/photo-guide/consent.pdf",
            &["application/pdf"],
            Some("content/tips/photo-guide/consent.pdf"),
        ),
    ];
    for (path, types, source) in cases {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}:\n{}", reply.text());
        assert!(
            types.contains(&reply.media_type().as_str()),
            "{path}: Content-Type {:?}, expected one of {types:?}",
            reply.header("Content-Type")
        );
        if let Some(source) = source {
            assert_eq!(
                reply.body,
                fixture_bytes(source),
                "{path}: served bytes differ from {source}"
            );
        }
    }
    let sitemap = server.get("/sitemap.xml").text();
    assert!(sitemap.contains("<urlset"), "sitemap.xml: {sitemap}");

    let reply = server.get("/big.txt");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.media_type(), "text/plain");
    assert!(
        reply.body == big.as_bytes(),
        "/big.txt: served bytes differ"
    );
}

#[test]
fn head_sends_the_headers_and_no_body() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);

    for (path, status, media) in [
        ("/x.png", 200, "image/png"),
        ("/", 200, "text/html"),
        ("/css/site.css", 200, "text/css"),
        ("/no/such/page/", 404, "text/html"),
    ] {
        let head = request(server.port, "HEAD", path, &[]);
        let get = server.get(path);
        assert_eq!(head.status, status, "HEAD {path}");
        assert_eq!(head.media_type(), media, "HEAD {path}");
        assert!(
            head.raw_after_head.is_empty(),
            "HEAD {path} sent a body of {} bytes",
            head.raw_after_head.len()
        );
        if let Some(length) = head.header("Content-Length") {
            let length: usize = length.parse().expect("numeric Content-Length");
            if media != "text/html" {
                assert_eq!(length, get.body.len(), "HEAD {path}: Content-Length");
            }
        }
        if media != "text/html" {
            assert_eq!(head.header("ETag"), get.header("ETag"), "HEAD {path}: ETag");
        }
    }
}

#[test]
fn other_methods_are_refused_with_405_and_allow() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        for path in ["/", "/tips/advice/", "/x.png", "/no/such/page/"] {
            let reply = request(server.port, method, path, &[]);
            assert_eq!(reply.status, 405, "{method} {path}");
            let allow = reply
                .header("Allow")
                .unwrap_or_else(|| panic!("{method} {path}: 405 without Allow"));
            assert!(
                allow.contains("GET") && allow.contains("HEAD"),
                "{method} {path}: Allow is {allow:?}"
            );
        }
    }
    // The site is unchanged by any of it.
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(!site.path("public").exists());
}

#[test]
fn other_methods_are_refused_on_the_preview_endpoints_too() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    for method in ["POST", "PUT", "DELETE"] {
        for path in ["/__hub/live.js", "/__hub/events"] {
            let reply = request(server.port, method, path, &[]);
            assert_eq!(
                reply.status,
                405,
                "{method} {path} answered {} {:?}",
                reply.status,
                reply.header("Content-Type")
            );
            assert!(reply.header("Allow").is_some(), "{method} {path}: no Allow");
        }
    }
}

#[test]
fn etag_and_if_none_match_give_304_with_an_empty_body() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);

    for path in ["/css/site.css", "/x.png", "/app.js"] {
        let first = server.get(path);
        assert_eq!(first.status, 200, "{path}");
        let etag = first.header("ETag").map(str::to_string);
        let modified = first.header("Last-Modified").map(str::to_string);
        assert!(
            etag.is_some() || modified.is_some(),
            "{path}: neither ETag nor Last-Modified"
        );
        let conditional = match (&etag, &modified) {
            (Some(tag), _) => ("If-None-Match", tag.clone()),
            (None, Some(date)) => ("If-Modified-Since", date.clone()),
            (None, None) => unreachable!(),
        };
        let again = request(server.port, "GET", path, &[(conditional.0, &conditional.1)]);
        assert_eq!(
            again.status, 304,
            "{path} with {}: {}",
            conditional.0, conditional.1
        );
        assert!(
            again.raw_after_head.is_empty(),
            "{path}: 304 carried a body of {} bytes",
            again.raw_after_head.len()
        );
        if let Some(tag) = &etag {
            assert_eq!(again.header("ETag"), Some(tag.as_str()), "{path}: 304 ETag");
            // A tag that does not match gets the whole file again.
            let stale = request(server.port, "GET", path, &[("If-None-Match", "\"stale\"")]);
            assert_eq!(stale.status, 200, "{path} with a stale ETag");
            assert_eq!(stale.body, first.body);
        }
    }
}

#[test]
fn html_is_never_cached_while_previewing() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    for path in [
        "/",
        "/tips/",
        "/tips/advice/",
        "/404.html",
        "/no/such/page/",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.media_type(), "text/html", "{path}");
        let cache = reply
            .header("Cache-Control")
            .unwrap_or_else(|| panic!("{path}: HTML without Cache-Control"));
        assert!(
            cache.contains("no-store"),
            "{path}: Cache-Control is {cache:?}, expected no-store"
        );
    }
}

#[test]
fn traversal_attempts_never_reach_files_outside_the_site() {
    let outer = tempfile::tempdir().expect("temporary folder");
    let secret = unique("outside-secret");
    fs::write(outer.path().join("secret.txt"), &secret).unwrap();
    let site_root = outer.path().join("site");
    copy_dir(&fixtures_dir().join("serve"), &site_root);
    let site_secret = unique("site-root-secret");
    fs::write(site_root.join("secret.txt"), &site_secret).unwrap();
    let server = start_server(&site_root, &[]);

    let passwd_marker: &[u8] = b"root:x:0:0";
    let secrets: Vec<&[u8]> = vec![secret.as_bytes(), site_secret.as_bytes(), passwd_marker];
    let abs_secret = outer
        .path()
        .join("secret.txt")
        .to_string_lossy()
        .into_owned();
    let abs_site_secret = site_root.join("secret.txt").to_string_lossy().into_owned();
    let mut targets: Vec<String> = [
        "/../etc/passwd",
        "/../../../../../../etc/passwd",
        "/tips/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/.%2e/.%2e/etc/passwd",
        "/tips%2f..%2f..%2fetc",
        "/tips%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/tips%2F..%2F..%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..%2f..%2fsecret.txt",
        "/..%5c..%5csecret.txt",
        "/..\\..\\etc\\passwd",
        "/..\\secret.txt",
        "/..\\..\\secret.txt",
        "/tips\\..\\..\\secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/C:/Windows",
        "/C:/Windows/win.ini",
        "/c:%5cwindows%5cwin.ini",
        "/%00/etc/passwd",
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/secret.txt",
        "/site.toml",
        "/content/tips/advice.md",
        "/./../secret.txt",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    targets.push(abs_secret.clone());
    targets.push(format!("/{abs_secret}"));
    targets.push(abs_site_secret.clone());
    targets.push(format!("/..{abs_secret}"));

    for target in &targets {
        let reply = request(server.port, "GET", target, &[]);
        assert_refused(&reply, target, &secrets);
        let head = request(server.port, "HEAD", target, &[]);
        assert!(
            matches!(head.status, 400 | 403 | 404),
            "HEAD {target}: got {}",
            head.status
        );
    }
    // The site itself still answers.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn symlinks_leading_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().expect("temporary folder");
    let secret = unique("symlinked-secret");
    fs::write(outside.path().join("secret.txt"), &secret).unwrap();
    fs::create_dir_all(outside.path().join("dir")).unwrap();
    fs::write(outside.path().join("dir").join("inner.txt"), &secret).unwrap();

    let site = serve_site();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path("static/outside.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("dir"), site.path("static/outside-dir"))
        .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path("content/tips/photo-guide/linked.txt"),
    )
    .unwrap();
    let mut hostname = fs::read("/etc/hostname").unwrap_or_default();
    while hostname.last().is_some_and(|b| b.is_ascii_whitespace()) {
        hostname.pop();
    }
    let has_hostname = !hostname.is_empty();
    if has_hostname {
        std::os::unix::fs::symlink("/etc/hostname", site.path("static/hostname.txt")).unwrap();
    }
    // Links out of the site are refused when the site is built: the build names each one
    // and publishes nothing, so neither `hub build` nor the preview can show those files.
    let out = site.hub(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a link out of the site must fail the build:\n{err}"
    );
    let mut links = vec![
        "static/outside.txt",
        "static/outside-dir",
        "content/tips/photo-guide/linked.txt",
    ];
    if has_hostname {
        links.push("static/hostname.txt");
    }
    for link in links {
        assert!(
            err.lines()
                .any(|l| l.starts_with(&format!("error: {link}:"))
                    && l.contains("outside the site folder")),
            "expected an error naming {link}:\n{err}"
        );
    }
    let published = snapshot(&site.path("public"));
    assert!(
        published
            .values()
            .all(|bytes| find(bytes, secret.as_bytes()).is_none()),
        "nothing from outside the site may be written to public/"
    );
}

#[test]
fn symlinks_made_while_serving_are_never_followed_out_of_the_site() {
    let outside = tempfile::tempdir().expect("temporary folder");
    let secret = unique("late-symlink-secret");
    fs::write(outside.path().join("secret.txt"), &secret).unwrap();
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    assert_eq!(server.get("/app.js").status, 200);

    // Replace a served file with a link out, and add a new link out.
    fs::remove_file(site.path("static/app.js")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path("static/app.js"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path("static/late.txt"),
    )
    .unwrap();

    // Watch both for a while, across the rebuild the change triggers.
    let until = Instant::now() + Duration::from_secs(4);
    let mut leaked = Vec::new();
    while Instant::now() < until {
        for path in ["/app.js", "/late.txt"] {
            let reply = server.get(path);
            if find(&reply.raw_after_head, secret.as_bytes()).is_some() {
                leaked.push(format!("{path} → {}", reply.status));
            }
        }
        thread::sleep(Duration::from_millis(100));
    }
    leaked.sort();
    leaked.dedup();
    assert!(
        leaked.is_empty(),
        "a file outside the site was served through a symlink made while serving:\n{}",
        leaked.join("\n")
    );
}

#[test]
fn served_html_carries_the_live_script_and_public_is_never_written() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);

    for path in ["/", "/tips/advice/", "/no/such/page/"] {
        let reply = server.get(path);
        let text = reply.text();
        let html = reply.html();
        let scripts = select(&html, "script[src=\"/__hub/live.js\"]");
        assert_eq!(
            scripts.len(),
            1,
            "{path}: expected one live script:\n{text}"
        );
        let generation = scripts[0].value().attr("data-generation");
        assert!(
            generation.is_some_and(|g| g.parse::<u64>().is_ok()),
            "{path}: data-generation is {generation:?}"
        );
        let script_at = text.find("/__hub/live.js").unwrap();
        let body_end = text.rfind("</body>").expect("</body>");
        assert!(
            script_at < body_end,
            "{path}: the script is not before </body>"
        );
        assert!(!reply.has_overlay(), "{path}: an overlay without an error");
    }

    let script = server.get("/__hub/live.js");
    assert_eq!(script.status, 200);
    assert!(
        ["text/javascript", "application/javascript"].contains(&script.media_type().as_str()),
        "/__hub/live.js Content-Type {:?}",
        script.header("Content-Type")
    );
    assert!(script.text().contains("/__hub/events"), "{}", script.text());
    // Non-HTML files are served as they are.
    assert_eq!(server.get("/app.js").body, fixture_bytes("static/app.js"));

    assert!(!site.path("public").exists(), "hub serve created public/");
}

// ---------------------------------------------------------------------------------------------
// Port in use, Ctrl-C
// ---------------------------------------------------------------------------------------------

#[test]
fn a_port_in_use_is_named_with_a_hint_about_p() {
    let site = serve_site();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = taken.local_addr().unwrap().port();
    let out = site.hub(&["serve", "-p", &port.to_string()]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit status 1\nstdout:\n{}\nstderr:\n{err}",
        stdout(&out)
    );
    assert!(!err.contains("panicked"), "hub panicked:\n{err}");
    assert!(
        err.contains(&port.to_string()),
        "the message does not name port {port}:\n{err}"
    );
    assert!(
        err.contains("-p"),
        "the message does not mention -p:\n{err}"
    );
    assert!(
        err.to_ascii_lowercase().contains("in use"),
        "the message does not say the port is in use:\n{err}"
    );
    assert!(!stdout(&out).contains("serving"), "{}", stdout(&out));
    assert!(!site.path("public").exists());
    drop(taken);
}

#[test]
fn ctrl_c_stops_promptly_and_leaves_nothing_behind() {
    let site = serve_site();
    let before = site.snapshot("");
    let mut server = start_server(site.root(), &[]);
    let port = server.port;
    assert_eq!(server.get("/").status, 200);

    assert_stops_on_ctrl_c(&mut server);
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port {port} still accepts connections after Ctrl-C"
    );
    // Only hub's cache (.hub-cache/: share cards drawn and resized copies of photos, kept
    // for the next start) is new.
    let mut after = site.snapshot("");
    after.retain(|path, _| !path.starts_with(".hub-cache/"));
    assert_eq!(after, before, "serving changed files in the site folder");
    assert!(!site.path("public").exists());
}

#[test]
fn ctrl_c_stops_promptly_with_event_streams_and_idle_connections_open() {
    let site = serve_site();
    let mut server = start_server(site.root(), &[]);
    let port = server.port;
    let streams: Vec<EventStream> = (0..3).map(|_| EventStream::open(port)).collect();
    // A connection that has sent half a request.
    let mut idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    idle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();

    assert_stops_on_ctrl_c(&mut server);
    drop(streams);
    drop(idle);
    assert!(!site.path("public").exists());
}

// ---------------------------------------------------------------------------------------------
// Many connections
// ---------------------------------------------------------------------------------------------

#[test]
fn many_connections_and_event_streams_do_not_starve_each_other() {
    let site = serve_site();
    let mut expected = BTreeMap::new();
    for i in 0..50 {
        let text = format!("file number {i} of the concurrency test\n");
        site.write(&format!("static/many/file-{i:02}.txt"), &text);
        expected.insert(format!("/many/file-{i:02}.txt"), text);
    }
    let server = start_server(site.root(), &[]);
    let port = server.port;

    // 20 tabs' event streams, kept open for the whole test.
    let streams: Vec<EventStream> = (0..20).map(|_| EventStream::open(port)).collect();

    let deadline = Instant::now() + Duration::from_secs(30);
    let (tx, rx) = mpsc::channel();
    for (path, text) in expected.clone() {
        let tx = tx.clone();
        thread::spawn(move || {
            let result = std::panic::catch_unwind(|| request(port, "GET", &path, &[]));
            let outcome = match result {
                Ok(reply) if reply.status == 200 && reply.body == text.as_bytes() => Ok(()),
                Ok(reply) => Err(format!("{path}: {} {:?}", reply.status, reply.text())),
                Err(_) => Err(format!("{path}: the request failed")),
            };
            let _ = tx.send(outcome);
        });
    }
    drop(tx);
    let mut done = 0;
    let mut failures = Vec::new();
    while done < expected.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Ok(())) => done += 1,
            Ok(Err(e)) => {
                done += 1;
                failures.push(e);
            }
            Err(_) => panic!(
                "only {done} of {} GETs finished within 30 s while 20 event streams were open",
                expected.len()
            ),
        }
    }
    assert!(failures.is_empty(), "failed GETs:\n{}", failures.join("\n"));

    // The streams are still alive and all of them hear about the next build.
    site.write("static/many/file-00.txt", "changed\n");
    for mut stream in streams {
        stream.next_after_hello(WATCH_DEADLINE);
    }
}

// ---------------------------------------------------------------------------------------------
// Watching
// ---------------------------------------------------------------------------------------------

#[test]
fn an_edited_page_is_served_with_its_new_text_and_tabs_are_told_to_reload() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    let mut events = EventStream::open(server.port);
    let old_generation = select(
        &server.get("/tips/advice/").html(),
        "script[src=\"/__hub/live.js\"]",
    )[0]
    .value()
    .attr("data-generation")
    .unwrap()
    .parse::<u64>()
    .unwrap();
    let since = server.stdout_lines().len();

    let sentence = unique("edited");
    append(&site, "content/tips/advice.md", &sentence);

    let reply = server.poll("/tips/advice/", "show the new sentence", |r| {
        r.status == 200 && r.text().contains(&sentence)
    });
    assert!(reply
        .text()
        .contains("Wait thirty seconds before you post."));
    let data = events.wait_for("reload", WATCH_DEADLINE);
    assert!(data.parse::<u64>().is_ok(), "event data {data:?}");

    let new_generation = select(
        &server.get("/tips/advice/").html(),
        "script[src=\"/__hub/live.js\"]",
    )[0]
    .value()
    .attr("data-generation")
    .unwrap()
    .parse::<u64>()
    .unwrap();
    assert!(
        new_generation > old_generation,
        "{old_generation} → {new_generation}"
    );

    let rebuilt = server.rebuilt_lines_since(since);
    assert!(
        rebuilt.iter().any(|l| l.contains("content/tips/advice.md")),
        "expected a `rebuilt … (content/tips/advice.md)` line\n{}",
        server.transcript()
    );
    assert!(!site.path("public").exists(), "hub serve created public/");
}

#[test]
fn broken_front_matter_shows_the_overlay_over_the_old_page_until_fixed() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    let good = fs::read_to_string(site.path("content/tips/advice.md")).unwrap();

    site.write(
        "content/tips/advice.md",
        "+++\ntitle = \"Think before you post\"\ntitel = \"A typo\"\n+++\n\nBroken version text.\n",
    );
    let reply = server.poll("/tips/advice/", "show the error overlay", |r| {
        r.has_overlay()
    });
    assert_eq!(reply.status, 200, "the last good page is still served");
    let text = reply.text();
    assert!(
        text.contains("Wait thirty seconds before you post."),
        "the old page should still be served under the overlay:\n{text}"
    );
    assert!(!text.contains("Broken version text."));
    let html = reply.html();
    let overlay = select(&html, "#hub-error-overlay");
    assert_eq!(overlay[0].value().attr("role"), Some("alert"));
    let message = text_of(&html, "#hub-error-overlay");
    assert!(
        message.contains("content/tips/advice.md:3"),
        "the overlay should name the file and line:\n{message}"
    );
    assert!(
        message.contains("titel"),
        "the overlay should name the field:\n{message}"
    );
    // Every page shows it.
    assert!(
        server.get("/").has_overlay(),
        "the home page lacks the overlay"
    );
    let stderr = server.stderr_lines().join("\n");
    assert!(
        stderr.contains("content/tips/advice.md:3"),
        "stderr should report the error:\n{stderr}"
    );
    assert!(
        stderr.contains("the preview keeps showing the last version that built"),
        "{stderr}"
    );

    // Fix it, with new text.
    let sentence = unique("fixed");
    site.write("content/tips/advice.md", &format!("{good}\n{sentence}\n"));
    let reply = server.poll("/tips/advice/", "recover without the overlay", |r| {
        !r.has_overlay() && r.text().contains(&sentence)
    });
    assert_eq!(reply.status, 200);
    assert!(
        !server.get("/").has_overlay(),
        "the home page still has the overlay"
    );
    assert!(!site.path("public").exists());
}

#[test]
fn a_broken_template_stays_reported_when_only_content_changes_next() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    let failed_builds = || {
        server
            .stderr_lines()
            .iter()
            .filter(|l| l.contains("the preview keeps showing the last version that built"))
            .count()
    };
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.title | no_such_filter }}{% endblock %}",
    );
    server.poll("/tips/advice/", "show the template error", |r| {
        r.has_overlay()
    });
    let failures = failed_builds();

    // A content edit next rebuilds with the templates as they are now, not as they were in
    // the last build that worked: the error is still there.
    let sentence = unique("content-after-template");
    append(&site, "content/tips/advice.md", &sentence);
    let deadline = Instant::now() + WATCH_DEADLINE;
    while failed_builds() == failures {
        assert!(
            Instant::now() < deadline,
            "the content edit did not fail again:\n{}",
            server.transcript()
        );
        thread::sleep(Duration::from_millis(50));
    }
    let reply = server.get("/tips/advice/");
    assert!(reply.has_overlay(), "the template error was forgotten");
    assert!(
        !reply.text().contains(&sentence),
        "a build with the old templates was served"
    );

    fs::remove_file(site.path("templates/page.html")).unwrap();
    server.poll("/tips/advice/", "recover with the edit", |r| {
        !r.has_overlay() && r.text().contains(&sentence)
    });
}

#[test]
fn saves_that_rename_a_temporary_file_into_place_are_shown_and_nothing_else() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    let good = fs::read_to_string(site.path("content/tips/advice.md")).unwrap();
    thread::sleep(Duration::from_millis(500));
    let since = server.stdout_lines().len();
    let page = site.path("content/tips/advice.md");

    // Many editors: write a temporary file, then rename it over the page.
    let first = unique("renamed-into-place");
    let temporary = site.path("content/tips/advice.md.tmp");
    fs::write(&temporary, format!("{good}\n{first}\n")).unwrap();
    fs::rename(&temporary, &page).unwrap();
    server.poll("/tips/advice/", "show the renamed save", |r| {
        r.text().contains(&first)
    });

    // JetBrains editors: the old file is moved aside, the new one renamed in, the old removed.
    thread::sleep(Duration::from_millis(500));
    let second = unique("safe-write");
    let new = site.path("content/tips/advice.md___jb_tmp___");
    let old = site.path("content/tips/advice.md___jb_old___");
    fs::write(&new, format!("{good}\n{second}\n")).unwrap();
    fs::rename(&page, &old).unwrap();
    fs::rename(&new, &page).unwrap();
    fs::remove_file(&old).unwrap();
    let reply = server.poll("/tips/advice/", "show the safe write", |r| {
        r.text().contains(&second)
    });
    assert!(!reply.has_overlay(), "{}", server.transcript());

    // The temporary files were never taken for content.
    thread::sleep(Duration::from_millis(500));
    let rebuilt = server.rebuilt_lines_since(since);
    assert!(!rebuilt.is_empty());
    for line in &rebuilt {
        assert!(
            line.ends_with("(content/tips/advice.md)"),
            "a rebuild named another file: {line}\n{}",
            server.transcript()
        );
    }
}

/// Saves `text` over `page` the way `sed -i` and many tools do: into a new file beside it
/// (named `temporary`), then renamed over the page.
fn save_through(site: &TestSite, temporary: &str, page: &str, text: &str) {
    fs::write(site.path(temporary), text).unwrap();
    fs::rename(site.path(temporary), site.path(page)).unwrap();
}

/// Fails when any line hub serve printed after the first `since` lines (stdout, stderr)
/// mentions one of `names`, and unless every rebuild since names only `page`.
fn assert_log_names_only(server: &Server, since: (usize, usize), names: &[&str], page: &str) {
    let printed: Vec<String> = server
        .stdout_lines()
        .into_iter()
        .skip(since.0)
        .chain(server.stderr_lines().into_iter().skip(since.1))
        .collect();
    for name in names {
        assert!(
            printed.iter().all(|line| !line.contains(name)),
            "the log mentions the temporary file {name}\n{}",
            server.transcript()
        );
    }
    let rebuilt = server.rebuilt_lines_since(since.0);
    assert!(
        !rebuilt.is_empty(),
        "no rebuild was logged\n{}",
        server.transcript()
    );
    for line in &rebuilt {
        assert!(
            line.ends_with(&format!("({page})")),
            "a rebuild named another file than {page}: {line}\n{}",
            server.transcript()
        );
    }
}

/// Waits until the page at `url` shows `sentence` in its main text, with no overlay.
fn poll_main_text(server: &Server, url: &str, sentence: &str) {
    let reply = server.poll(url, "show the save", |r| {
        text_of(&r.html(), "main").contains(sentence)
    });
    assert!(!reply.has_overlay(), "{}", server.transcript());
}

#[test]
fn a_sed_in_place_edit_is_logged_under_the_page_not_the_temporary_file() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    let good = fs::read_to_string(site.path("content/tips/advice.md")).unwrap();
    thread::sleep(Duration::from_millis(500));
    let since = (server.stdout_lines().len(), server.stderr_lines().len());

    let sentence = unique("sed-in-place");
    let text = format!("{good}\n{sentence}\n");
    save_through(
        &site,
        "content/tips/sedAbc123",
        "content/tips/advice.md",
        &text,
    );
    poll_main_text(&server, "/tips/advice/", &sentence);

    // The page was saved once: any second rebuild or late log line would show by now.
    thread::sleep(Duration::from_millis(500));
    assert_log_names_only(&server, since, &["sedAbc123"], "content/tips/advice.md");
}

#[test]
fn editors_temporary_and_lock_files_never_reach_the_log() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    let good = fs::read_to_string(site.path("content/tips/advice.md")).unwrap();
    thread::sleep(Duration::from_millis(500));
    let since = (server.stdout_lines().len(), server.stderr_lines().len());

    // Vim checks that it may write in the folder with a file named 4913; Emacs keeps
    // `#page#` auto-saves and `.#page` locks; GNOME apps write `.goutputstream-*`.
    let passing = [
        "content/tips/4913",
        "content/tips/#advice.md#",
        "content/tips/.#advice.md",
        "content/tips/.goutputstream-K2J4X8",
        "content/tips/advice.md.tmp",
    ];
    for temporary in passing {
        fs::write(site.path(temporary), "scratch").unwrap();
    }
    for temporary in passing {
        fs::remove_file(site.path(temporary)).unwrap();
    }
    // Then the save itself, through a temporary file named as Python's tempfile names them.
    let sentence = unique("tempfile-save");
    let text = format!("{good}\n{sentence}\n");
    save_through(
        &site,
        "content/tips/tmpk2j4x8",
        "content/tips/advice.md",
        &text,
    );
    poll_main_text(&server, "/tips/advice/", &sentence);

    thread::sleep(Duration::from_millis(500));
    let names = [
        "4913",
        "#advice",
        ".#advice",
        "goutputstream",
        "advice.md.tmp",
        "tmpk2j4x8",
    ];
    assert_log_names_only(&server, since, &names, "content/tips/advice.md");
}

#[test]
fn a_burst_of_twenty_saves_gives_one_or_two_rebuilds() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    let good = fs::read_to_string(site.path("content/tips/advice.md")).unwrap();
    // Let anything from start-up settle.
    thread::sleep(Duration::from_millis(500));
    let since = server.stdout_lines().len();

    let last = unique("burst-last");
    for i in 0..20 {
        let extra = if i == 19 {
            last.clone()
        } else {
            format!("Burst save number {i}.")
        };
        site.write("content/tips/advice.md", &format!("{good}\n{extra}\n"));
        thread::sleep(Duration::from_millis(10));
    }
    server.poll("/tips/advice/", "show the last save of the burst", |r| {
        r.text().contains(&last)
    });
    // Then give any straggling rebuild time to show itself.
    thread::sleep(Duration::from_secs(2));
    let rebuilt = server.rebuilt_lines_since(since);
    assert!(
        (1..=2).contains(&rebuilt.len()),
        "20 saves gave {} rebuilds:\n{}",
        rebuilt.len(),
        rebuilt.join("\n")
    );
}

#[test]
fn a_stylesheet_change_sends_a_css_event() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    let mut events = EventStream::open(server.port);

    let new_css = "/* changed */\nbody { color: #000; }\n";
    site.write("static/css/site.css", new_css);
    let (event, data) = events.next_after_hello(WATCH_DEADLINE);
    assert_eq!(
        event, "css",
        "a stylesheet-only change should send `event: css`"
    );
    assert!(data.parse::<u64>().is_ok(), "event data {data:?}");
    server.poll("/css/site.css", "serve the new stylesheet", |r| {
        r.body == new_css.as_bytes()
    });
}

#[test]
fn pages_added_while_serving_are_served_and_deleted_pages_404() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    assert_eq!(server.get("/tips/fresh/").status, 404);

    let sentence = unique("fresh page");
    site.write(
        "content/tips/fresh.md",
        &format!("+++\ntitle = \"A fresh tip\"\ndate = 2026-11-25\n+++\n\n{sentence}\n"),
    );
    let reply = server.poll("/tips/fresh/", "be served", |r| {
        r.status == 200 && r.text().contains(&sentence)
    });
    assert_eq!(text_of(&reply.html(), "h1"), "A fresh tip");

    fs::remove_file(site.path("content/tips/advice.md")).unwrap();
    let reply = server.poll("/tips/advice/", "answer 404", |r| r.status == 404);
    assert_eq!(text_of(&reply.html(), "h1"), "Page not found");
    // The rest of the site is still there.
    assert_eq!(server.get("/tips/fresh/").status, 200);
    assert_eq!(server.get("/").status, 200);
    assert!(!site.path("public").exists());
}

/// Quick rebuilds re-render listings only when what they show of a page changed: a new title
/// must reach the section's list, while a body edit leaves the list as it was.
#[test]
fn a_retitled_page_is_shown_with_its_new_title_in_its_section_list() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    let listed = |reply: &Response| -> Vec<String> {
        select(&reply.html(), "main a[href]")
            .iter()
            .map(|a| a.text().collect::<String>().trim().to_string())
            .collect()
    };
    let before = listed(&server.get("/tips/"));

    // A body edit: the page changes, its listing entry does not.
    let sentence = unique("body-only");
    append(&site, "content/tips/advice.md", &sentence);
    server.poll("/tips/advice/", "show the body edit", |r| {
        r.text().contains(&sentence)
    });
    assert_eq!(
        listed(&server.get("/tips/")),
        before,
        "a body edit must not change the section list"
    );

    // A new title: the page and its section's list both show it.
    let path = site.path("content/tips/advice.md");
    let text = fs::read_to_string(&path).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title"))
        .expect("a title line")
        .to_string();
    let new_title = unique("Retitled");
    fs::write(
        &path,
        text.replacen(&title_line, &format!("title = \"{new_title}\""), 1),
    )
    .unwrap();
    server.poll("/tips/", "list the new title", |r| {
        listed(r).iter().any(|t| t == &new_title)
    });
    let page = server.get("/tips/advice/");
    assert_eq!(text_of(&page.html(), "h1"), new_title);
}

/// An edit that breaks another page's `@/…#anchor` link is not patched in quietly: the build
/// reports it, and the preview shows the overlay until it is fixed.
#[test]
fn an_edit_that_breaks_an_anchor_elsewhere_shows_the_overlay() {
    let site = serve_site();
    site.write(
        "content/tips/linker.md",
        "+++\ntitle = \"Linker\"\n+++\nSee [the steps](@/tips/advice.md#the-steps).\n",
    );
    append(
        &site,
        "content/tips/advice.md",
        "## The steps\n\nOne, two, three.",
    );
    let server = start_server(site.root(), &[]);
    assert!(!server.get("/tips/linker/").has_overlay());

    let path = site.path("content/tips/advice.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("## The steps", "## Other steps")).unwrap();
    let reply = server.poll("/tips/linker/", "show the overlay", |r| r.has_overlay());
    assert!(
        reply.text().contains("content/tips/linker.md"),
        "the overlay names the page with the broken link"
    );
}

#[test]
fn an_edit_that_adds_a_broken_link_or_image_shows_the_overlay_until_fixed() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    assert!(!server.get("/tips/advice/").has_overlay());

    append(&site, "content/tips/advice.md", "![Our stall](stall.jpg)");
    let reply = server.poll("/tips/advice/", "show the overlay", |r| r.has_overlay());
    let html = reply.html();
    let message = text_of(&html, "#hub-error-overlay");
    assert!(
        message.contains("content/tips/advice.md:")
            && message.contains("image stall.jpg is not in the site"),
        "the overlay names the file, line and image:\n{message}"
    );
    let mut photo = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut photo)
        .encode(&[120; 8 * 8 * 3], 8, 8, image::ExtendedColorType::Rgb8)
        .expect("a small JPEG");
    site.write_bytes("content/tips/stall.jpg", &photo);
    let sentence = unique("after-the-photo");
    append(&site, "content/tips/advice.md", &sentence);
    server.poll("/tips/advice/", "recover without the overlay", |r| {
        !r.has_overlay() && r.text().contains(&sentence)
    });
    assert_eq!(server.get("/tips/stall.jpg").status, 200);
}

/// Feeds carry a page's whole text, so an edit to a page in a feed reaches the feed.
#[test]
fn an_edit_reaches_the_feeds_that_show_the_page() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    assert_eq!(
        server.get("/atom.xml").status,
        200,
        "the fixture's dated page makes a site feed"
    );
    let sentence = unique("feed-edit");
    append(&site, "content/tips/advice.md", &sentence);
    server.poll("/atom.xml", "show the edit in the site feed", |r| {
        r.text().contains(&sentence)
    });
    server.poll("/tips/rss.xml", "show the edit in the section feed", |r| {
        r.text().contains(&sentence)
    });
}

#[test]
fn a_page_field_below_extra_is_a_warning_and_the_preview_still_serves() {
    let site = serve_site();
    site.write(
        "content/tips/extra-tags.md",
        "+++\ntitle = \"Tags below extra\"\n\n[extra]\ntags = [\"privacy\"]\n+++\nText.\n",
    );
    let server = start_server(site.root(), &[]);
    let warning = "warning: content/tips/extra-tags.md:5:1: `tags` is inside [extra] (every line after [extra] belongs to it), so the page has no tags";
    let deadline = Instant::now() + IO_DEADLINE;
    while !server.stderr_lines().iter().any(|l| l == warning) {
        assert!(
            Instant::now() < deadline,
            "no warning line {warning:?}\n{}",
            server.transcript()
        );
        thread::sleep(Duration::from_millis(20));
    }
    let lines = server.stderr_lines();
    let at = lines.iter().position(|l| l == warning).unwrap();
    assert_eq!(
        lines.get(at + 1).map(String::as_str),
        Some("  hint: move the `tags` line above the [extra] line")
    );
    let page = server.get("/tips/extra-tags/");
    assert_eq!(page.status, 200);
    assert!(!page.has_overlay(), "a warning is not an error overlay");
}

#[test]
fn an_edit_is_read_as_the_build_reads_files_control_characters_and_old_mac_line_ends() {
    let site = serve_site();
    let server = start_server(site.root(), &[]);
    // A control character pasted in: the error at its line and column, over the old page.
    site.write(
        "content/tips/advice.md",
        "+++\ntitle = \"Think before you post\"\n+++\n\nPasted \u{1b}[31m text.\n",
    );
    let reply = server.poll("/tips/advice/", "show the error overlay", |r| {
        r.has_overlay()
    });
    let message = text_of(&reply.html(), "#hub-error-overlay");
    assert!(
        message.contains("content/tips/advice.md:5:8") && message.contains("U+001B"),
        "the overlay should name the character and its place:\n{message}"
    );
    // Old Mac line ends (a lone CR) are line ends, as in `hub build`.
    site.write(
        "content/tips/advice.md",
        "+++\rtitle = \"Saved on an old Mac\"\r+++\r\rMac text.\r",
    );
    let reply = server.poll(
        "/tips/advice/",
        "show the page saved with CR line ends",
        |r| !r.has_overlay() && r.text().contains("Mac text."),
    );
    assert!(
        reply.text().contains("Saved on an old Mac"),
        "{}",
        reply.text()
    );
}
