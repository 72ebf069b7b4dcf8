//! `hub serve` under attack and under pressure: the real binary on an ephemeral port, spoken
//! to over raw TCP (`std::net::TcpStream`), because HTTP clients normalise paths, refuse NUL
//! bytes and never send a header of 40 KiB, which is exactly what these tests need to send.
//!
//! Covered: traversal in every spelling (encoded, double-encoded, overlong UTF-8, backslashes,
//! absolute-form targets, NUL bytes) never leaks a secret planted beside the site; 414 and 431
//! for long request lines and headers, including a header that never ends; 405 with Allow and
//! 501; 400 and 505 for malformed heads; the Host check against DNS rebinding; 408 for a silent
//! client; the security headers on every reply; single Range requests, also on a large file
//! sent from disk; pipelined requests answered in order; slow clients and a
//! full house of connections not stopping a normal request or an edit from showing; threads
//! given back when clients go; and the warning when listening beyond this computer.
//!
//! No test asserts on time: every wait has a generous deadline so that a broken server fails a
//! test instead of hanging it.

#![cfg(unix)]

mod common;

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;

/// How long one exchange may take (a 408 takes the server's 10 s head timeout).
const IO_DEADLINE: Duration = Duration::from_secs(30);
/// How long an edit may take to show.
const WATCH_DEADLINE: Duration = Duration::from_secs(30);

/// A running `hub serve`, killed when dropped.
use common::preview::Preview as Server;

impl Server {
    fn get(&self, target: &str) -> Reply {
        self.send(&format!(
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        ))
    }

    fn send(&self, raw: &str) -> Reply {
        exchange(self.port, raw.as_bytes())
    }
}

/// A reply as it came over the wire.
#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    /// Every byte after the head.
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.split("\r\n").skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sends `raw` on a fresh connection and reads until the server closes it (every request
/// here says `Connection: close`, and every refusal closes) or the deadline passes. A reset
/// after the reply counts as the close.
fn exchange(port: u16, raw: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    stream.set_write_timeout(Some(IO_DEADLINE)).unwrap();
    // The server may refuse and close before reading everything: a failed write is expected
    // then, and the reply is what matters.
    let _ = stream.write_all(raw);
    read_reply(
        &mut stream,
        &String::from_utf8_lossy(&raw[..raw.len().min(80)]),
    )
}

fn read_reply(stream: &mut TcpStream, what: &str) -> Reply {
    let deadline = Instant::now() + IO_DEADLINE;
    let mut data = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => data.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
        assert!(
            Instant::now() < deadline,
            "{what:?}: the connection was not closed within {IO_DEADLINE:?}; got {:?}",
            String::from_utf8_lossy(&data)
        );
    }
    let head_end = find(&data, b"\r\n\r\n").unwrap_or_else(|| {
        panic!(
            "{what:?}: no reply head in {:?}",
            String::from_utf8_lossy(&data)
        )
    }) + 4;
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{what:?}: bad status line in {head:?}"));
    Reply {
        status,
        head,
        body: data[head_end..].to_vec(),
    }
}

/// Opens `/__hub/events` and waits for its `hello`.
fn open_event_stream(port: u16) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect for events");
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        stream,
        "GET /__hub/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    wait_for_text(&mut stream, "event: hello", IO_DEADLINE);
    stream
}

/// Reads `stream` until `text` has arrived; returns everything read.
fn wait_for_text(stream: &mut TcpStream, text: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if find(&seen, text.as_bytes()).is_some() {
            return String::from_utf8_lossy(&seen).into_owned();
        }
        assert!(
            Instant::now() < deadline,
            "no {text:?} within {within:?}; got {:?}",
            String::from_utf8_lossy(&seen)
        );
        match stream.read(&mut chunk) {
            Ok(0) => panic!(
                "closed before {text:?}; got {:?}",
                String::from_utf8_lossy(&seen)
            ),
            Ok(n) => seen.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("reading for {text:?} failed: {e}"),
        }
    }
}

/// A site folder inside a temporary folder that also holds a secret beside the site.
struct Planted {
    outer: tempfile::TempDir,
    secret: String,
}

impl Planted {
    fn new() -> Planted {
        let outer = tempfile::tempdir().expect("temporary folder");
        let secret = format!("secret-beside-the-site-{}", std::process::id());
        fs::write(outer.path().join("secret.txt"), &secret).unwrap();
        fs::write(outer.path().join("index.html"), &secret).unwrap();
        copy_dir(&fixtures_dir().join("serve"), &outer.path().join("site"));
        Planted { outer, secret }
    }

    fn root(&self) -> std::path::PathBuf {
        self.outer.path().join("site")
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn traversal_in_every_spelling_never_leaks_a_file_outside_the_site() {
    let planted = Planted::new();
    let server = Server::start(&planted.root(), &[]);
    let port = server.port;
    let secret = planted.secret.as_bytes();
    let passwd: &[u8] = b"root:x:0:0";
    let absolute = planted.outer.path().join("secret.txt");
    let absolute = absolute.to_string_lossy();
    let targets = [
        "/../secret.txt".to_string(),
        "/../../../../../../etc/passwd".into(),
        "/%2e%2e/secret.txt".into(),
        "/%2E%2E%2Fsecret.txt".into(),
        "/%252e%252e/secret.txt".into(),
        "/%252e%252e%252fsecret.txt".into(),
        "/%25%32%65%25%32%65/secret.txt".into(),
        "/%c0%ae%c0%ae/secret.txt".into(),
        "/%c0%ae%c0%ae%c0%afsecret.txt".into(),
        "/%e0%80%ae%e0%80%ae/secret.txt".into(),
        "/..%c0%afsecret.txt".into(),
        "/..\\secret.txt".into(),
        "/%5c..%5csecret.txt".into(),
        "/tips/..%5c..%5csecret.txt".into(),
        "/..;/secret.txt".into(),
        "/.../secret.txt".into(),
        "/%00/../secret.txt".into(),
        "/secret.txt%00.html".into(),
        "/index.html%00".into(),
        format!("http://127.0.0.1:{port}/../secret.txt"),
        format!("http://127.0.0.1:{port}/%2e%2e/secret.txt"),
        format!("http://127.0.0.1:{port}/..\\secret.txt"),
        format!("http://127.0.0.1:{port}{absolute}"),
        format!("file://{absolute}"),
        absolute.to_string(),
        format!("/{absolute}"),
        "/site.toml".into(),
        "/content/tips/advice.md".into(),
    ];
    for target in &targets {
        for method in ["GET", "HEAD"] {
            let reply = server.send(&format!(
                "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            ));
            assert!(
                matches!(reply.status, 400 | 403 | 404),
                "{method} {target}: expected 400, 403 or 404, got {}\n{}",
                reply.status,
                reply.text()
            );
            for leaked in [secret, passwd] {
                assert!(
                    find(&reply.body, leaked).is_none() && !reply.head.contains(&planted.secret),
                    "{method} {target}: the reply holds a file from outside the site"
                );
            }
        }
    }
    // Raw bytes the request line must not carry: NUL, an overlong UTF-8 dot, a tab.
    for raw in [
        b"GET /\x00/../secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".as_slice(),
        b"GET /\xc0\xae\xc0\xae/secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /..\t/secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    ] {
        let reply = exchange(port, raw);
        assert!(
            matches!(reply.status, 400 | 403 | 404),
            "{raw:?}: got {}",
            reply.status
        );
        assert!(find(&reply.body, secret).is_none(), "{raw:?} leaked");
    }
    assert_eq!(server.get("/").status, 200, "the site still answers");
}

#[test]
fn long_request_lines_get_414_and_large_or_endless_headers_431() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let port = server.port;

    let long = format!("/{}", "a".repeat(20 * 1024));
    assert_eq!(server.get(&long).status, 414);
    // A request line that never ends.
    let endless_line = format!("GET /{}", "a".repeat(64 * 1024));
    assert_eq!(exchange(port, endless_line.as_bytes()).status, 414);

    let big = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n",
        "b".repeat(40 * 1024)
    );
    assert_eq!(server.send(&big).status, 431);
    let many: String = (0..200).map(|i| format!("X-Header-{i}: {i}\r\n")).collect();
    let many = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}\r\n");
    assert_eq!(server.send(&many).status, 431);

    // A header that never ends: the server answers 431 and closes. What the client gets to
    // write before that is the head limit, a little the server reads to let the reply
    // through, and the kernel's socket buffers (several MiB on loopback): far below 64 MiB.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: ");
    let filler = vec![b'x'; 64 * 1024];
    let mut sent = 0usize;
    while sent < 64 * 1024 * 1024 {
        if stream.write_all(&filler).is_err() {
            break;
        }
        sent += filler.len();
    }
    assert!(
        sent < 64 * 1024 * 1024,
        "the server kept reading a never-ending header ({sent} bytes)"
    );
    let reply = read_reply(&mut stream, "endless header");
    assert_eq!(reply.status, 431);
    assert!(
        reply.text().contains("headers are larger"),
        "the 431 says why: {}",
        reply.text()
    );

    assert_eq!(server.get("/").status, 200, "the site still answers");
}

#[test]
fn other_methods_get_405_with_allow_and_unknown_ones_501() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    for method in ["OPTIONS", "TRACE", "POST", "DELETE"] {
        let reply = server.send(&format!(
            "{method} /tips/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.header("Allow"), Some("GET, HEAD"), "{method}");
    }
    let reply = server.send(&format!(
        "CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(reply.status, 405, "CONNECT");
    for method in ["BREW", "PROPFIND", "get"] {
        let reply = server.send(&format!(
            "{method} / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(reply.status, 501, "{method}");
    }
    // A POST with a body is answered, and its body is not taken for the next request.
    let reply = server.send(&format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 35\r\n\r\nGET /secret HTTP/1.1\r\nHost: x\r\n\r\n"
    ));
    assert_eq!(reply.status, 405);
    assert_eq!(
        reply.text().matches("HTTP/1.1").count(),
        0,
        "one reply only: {}",
        reply.text()
    );
}

#[test]
fn malformed_heads_get_400_and_other_http_versions_505() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    for (raw, status) in [
        ("GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505),
        ("GET / HTTP/1.7\r\nHost: 127.0.0.1\r\n\r\n", 505),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET /\r\n\r\n", 400),
        ("GET / FTP\r\nHost: 127.0.0.1\r\n\r\n", 400),
        ("\x16\x03\x01\x02\x00\x01\x00\x01\x7c\x03\x03\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n", 400),
        (
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
        ),
        ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n", 400),
        ("GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
    ] {
        let reply = server.send(raw);
        assert_eq!(reply.status, status, "{raw:?}: {}", reply.text());
        assert_eq!(reply.header("Connection"), Some("close"), "{raw:?}");
    }
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn requests_for_foreign_host_names_get_403_on_a_loopback_preview() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "192.0.2.1".to_string(),
    ] {
        let reply = server.send(&format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(reply.status, 403, "Host: {host}");
        assert!(
            !reply.text().contains("serve test site"),
            "Host: {host} got the site"
        );
    }
    // An absolute URL's host counts, whatever the Host header says.
    let reply = server.send(&format!(
        "GET http://evil.example:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(reply.status, 403, "absolute-form with a foreign host");
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let reply = server.send(&format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(reply.status, 200, "Host: {host}");
    }
    let reply = server.send(&format!(
        "GET http://localhost:{port}/tips/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(reply.status, 200, "absolute-form naming localhost");
    assert!(reply.text().contains("Tips for social care teams."));
}

#[test]
fn a_client_that_sends_nothing_or_half_a_request_gets_408() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    for sent in ["", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"] {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        stream.write_all(sent.as_bytes()).unwrap();
        let reply = read_reply(&mut stream, sent);
        assert_eq!(reply.status, 408, "after sending {sent:?}");
    }
}

#[test]
fn every_reply_carries_the_security_headers() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    let etag = server
        .get("/css/site.css")
        .header("ETag")
        .expect("ETag")
        .to_string();
    let replies = [
        ("/", server.get("/")),
        ("/tips/advice/", server.get("/tips/advice/")),
        ("/no/such/page/", server.get("/no/such/page/")),
        ("/tips", server.get("/tips")),
        ("/__hub/live.js", server.get("/__hub/live.js")),
        (
            "304",
            server.send(&format!(
                "GET /css/site.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n"
            )),
        ),
        (
            "405",
            server.send(&format!(
                "PUT / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            )),
        ),
        (
            "403",
            server.send("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"),
        ),
        ("400", server.send("GET / HTTP/1.1\r\n\r\n")),
    ];
    let events = open_event_stream(port);
    let _ = events.shutdown(Shutdown::Both);
    for (what, reply) in &replies {
        assert_eq!(
            reply.header("X-Content-Type-Options"),
            Some("nosniff"),
            "{what}"
        );
        assert!(reply.header("Referrer-Policy").is_some(), "{what}");
        let policy = reply
            .header("Content-Security-Policy")
            .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
        // The live-reload script, the theme's own scripts and the event stream must load.
        assert!(policy.contains("script-src 'self'"), "{what}: {policy}");
        assert!(policy.contains("connect-src 'self'"), "{what}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{what}: {policy}"
        );
    }
    // The served pages use no inline script the policy would block: their scripts are files.
    let home = server.get("/").text();
    let page = scraper::Html::parse_document(&home);
    for script in select(&page, "script") {
        let kind = script.value().attr("type").unwrap_or("text/javascript");
        assert!(
            script.value().attr("src").is_some() || kind == "application/ld+json",
            "an inline script the policy would block: {}",
            script.html()
        );
    }
}

#[test]
fn single_range_requests_get_206_and_ranges_past_the_end_416() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    let png = fs::read(site.path("static/x.png")).unwrap();
    let range = |value: &str| {
        server.send(&format!(
            "GET /x.png HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nRange: {value}\r\nConnection: close\r\n\r\n"
        ))
    };
    let reply = range("bytes=0-7");
    assert_eq!(reply.status, 206);
    assert_eq!(reply.body, png[..8]);
    assert_eq!(
        reply.header("Content-Range"),
        Some(format!("bytes 0-7/{}", png.len()).as_str())
    );
    let reply = range("bytes=-4");
    assert_eq!(
        (reply.status, reply.body.as_slice()),
        (206, &png[png.len() - 4..])
    );
    let reply = range(&format!("bytes={}-", png.len() + 10));
    assert_eq!(reply.status, 416);
    assert_eq!(
        reply.header("Content-Range"),
        Some(format!("bytes */{}", png.len()).as_str())
    );
    let reply = range("bytes=0-1,4-5");
    assert_eq!((reply.status, reply.body.len()), (200, png.len()));
    assert_eq!(server.get("/x.png").header("Accept-Ranges"), Some("bytes"));
}

#[test]
fn slow_clients_do_not_stop_others_being_served_and_an_edit_still_shows() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let port = server.port;

    // 200 slowloris connections: each sends half a request head, then a byte now and then.
    let mut slow: Vec<TcpStream> = (0..200)
        .map(|i| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("slow connect");
            let _ = write!(
                stream,
                "GET /?slow={i} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
            );
            stream
        })
        .collect();
    let dribbling = Arc::new(AtomicBool::new(true));
    let dribbler = {
        let dribbling = Arc::clone(&dribbling);
        let mut streams: Vec<TcpStream> = slow.iter().filter_map(|s| s.try_clone().ok()).collect();
        thread::spawn(move || {
            while dribbling.load(Ordering::SeqCst) {
                for stream in &mut streams {
                    let _ = stream.write_all(b"x");
                }
                thread::sleep(Duration::from_millis(500));
            }
        })
    };
    // 100 open tabs listening for reloads.
    let mut streams: Vec<TcpStream> = (0..100).map(|_| open_event_stream(port)).collect();

    let reply = server.get("/tips/advice/");
    assert_eq!(reply.status, 200);
    assert!(reply
        .text()
        .contains("Wait thirty seconds before you post."));

    let sentence = format!("Edited under pressure {}.", std::process::id());
    let mut page = fs::read_to_string(site.path("content/tips/advice.md")).unwrap();
    page.push_str(&format!("\n{sentence}\n"));
    site.write("content/tips/advice.md", &page);
    let deadline = Instant::now() + WATCH_DEADLINE;
    loop {
        let reply = server.get("/tips/advice/");
        if reply.status == 200 && reply.text().contains(&sentence) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the edit did not show within {WATCH_DEADLINE:?} under load\n{}",
            server.transcript()
        );
        thread::sleep(Duration::from_millis(100));
    }
    for stream in streams.iter_mut().take(10) {
        wait_for_text(stream, "event: reload", WATCH_DEADLINE);
    }
    dribbling.store(false, Ordering::SeqCst);
    dribbler.join().unwrap();
    // The slow clients are cut off: each gets a 408 in the end.
    let reply = read_reply(&mut slow[0], "slowloris");
    assert_eq!(reply.status, 408);
}

#[test]
fn a_full_house_of_connections_gets_503_and_threads_are_given_back() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    let idle_threads = server.threads();

    // Event streams are held to half the connections, so pages can still be loaded.
    let streams: Vec<TcpStream> = (0..512).map(|_| open_event_stream(port)).collect();
    let refused = server.send(&format!(
        "GET /__hub/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    ));
    assert_eq!(refused.status, 503, "the 513th event stream");
    assert!(refused.header("Retry-After").is_some());
    assert_eq!(server.get("/").status, 200, "a page beside 512 streams");

    // Fill the rest with connections that say half a request; one more gets 503.
    let half: Vec<TcpStream> = (0..512)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            let _ = stream.write_all(b"GET / HTTP/1.1\r\n");
            stream
        })
        .collect();
    let reply = server.get("/");
    assert_eq!(reply.status, 503, "connection 1025");
    assert!(reply.text().contains("too many open connections"));

    if let Some(busy) = server.threads() {
        assert!(busy >= 1024, "expected a thread per connection, saw {busy}");
    }
    drop(half);
    drop(streams);
    // A closed event stream is noticed within a second or so, a half request at once.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let reply = server.get("/");
        let threads = server.threads();
        let released = match (threads, idle_threads) {
            (Some(now), Some(idle)) => now <= idle + 8,
            _ => true,
        };
        if reply.status == 200 && released {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "threads not given back after the clients went: {threads:?} (idle: {idle_threads:?}), last reply {}",
            reply.status
        );
        thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn listening_beyond_this_computer_prints_a_warning_and_loopback_does_not() {
    let site = TestSite::fixture("serve");
    let open = Server::start(site.root(), &["--interface", "0.0.0.0"]);
    // Let stderr catch up with the `serving` line printed after the warning.
    let deadline = Instant::now() + IO_DEADLINE;
    let warning = loop {
        let found = open
            .stderr_lines()
            .iter()
            .find(|l| l.starts_with("warning:"))
            .cloned();
        if let Some(line) = found {
            break line;
        }
        assert!(
            Instant::now() < deadline,
            "no warning\n{}",
            open.transcript()
        );
        thread::sleep(Duration::from_millis(50));
    };
    for words in ["0.0.0.0", "network", "draft", "--interface"] {
        assert!(
            warning.contains(words),
            "the warning lacks {words:?}: {warning}"
        );
    }
    // Any Host is answered then: the user chose to share the preview.
    let reply = exchange(
        open.port,
        b"GET / HTTP/1.1\r\nHost: my-laptop.lan:4000\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(reply.status, 200);
    drop(open);

    let local = Server::start(site.root(), &[]);
    thread::sleep(Duration::from_millis(300));
    assert!(
        !local.stderr_lines().iter().any(|l| l.contains("warning")),
        "a loopback preview warns\n{}",
        local.transcript()
    );
}

#[test]
fn a_large_file_is_sent_whole_and_in_ranges() {
    let site = TestSite::fixture("serve");
    // Larger than what the preview reads into memory per request (1 MiB): sent from disk.
    let film: Vec<u8> = (0..3 * 1024 * 1024 + 17).map(|i| (i % 251) as u8).collect();
    site.write_bytes("static/film.mp4", &film);
    let server = Server::start(site.root(), &[]);
    let port = server.port;

    let whole = server.get("/film.mp4");
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("Content-Type"), Some("video/mp4"));
    assert!(whole.body == film, "the served bytes differ from the file");
    let head = server.send(&format!(
        "HEAD /film.mp4 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(
        head.header("Content-Length"),
        Some(film.len().to_string().as_str())
    );
    assert!(head.body.is_empty(), "HEAD sent a body");

    let from = 2 * 1024 * 1024 + 5;
    let part = server.send(&format!(
        "GET /film.mp4 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nRange: bytes={from}-{}\r\nConnection: close\r\n\r\n",
        from + 99
    ));
    assert_eq!(part.status, 206);
    assert!(
        part.body == film[from..from + 100],
        "the range's bytes differ"
    );
    let etag = whole.header("ETag").expect("ETag");
    let again = server.send(&format!(
        "GET /film.mp4 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!((again.status, again.body.len()), (304, 0));
}

#[test]
fn pipelined_requests_on_one_connection_get_one_reply_each_in_order() {
    let site = TestSite::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    let raw = format!(
        "GET /app.js HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n\
         HEAD /x.png HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n\
         GET /tips/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    let reply = server.send(&raw);
    // The first reply, then the rest of the bytes hold the next two.
    let app = fs::read(site.path("static/app.js")).unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("Connection"), Some("keep-alive"));
    let length: usize = reply.header("Content-Length").unwrap().parse().unwrap();
    assert_eq!(&reply.body[..length], app.as_slice());
    let rest = String::from_utf8_lossy(&reply.body[length..]).into_owned();
    let statuses: Vec<&str> = rest
        .split("\r\n")
        .filter(|l| l.starts_with("HTTP/1.1 "))
        .collect();
    assert_eq!(statuses, ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"], "{rest}");
    let second_head_end = rest.find("\r\n\r\n").unwrap() + 4;
    assert!(
        rest[second_head_end..].starts_with("HTTP/1.1 200 OK"),
        "the HEAD reply carried a body"
    );
    // The last reply's body is exactly its Content-Length, and nothing follows it.
    let third = &rest[second_head_end..];
    let third_head_end = third.find("\r\n\r\n").unwrap() + 4;
    let third_length: usize = third[..third_head_end]
        .split("\r\n")
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|n| n.parse().ok())
        .expect("Content-Length");
    assert_eq!(third.len() - third_head_end, third_length);
    assert!(third.contains("Tips for social care teams."));
}
