//! Answering one preview request from the site held in memory. Only paths that the build
//! produced can be served, so nothing outside the site can be reached however the path is
//! written; `..`, encoded separators and backslashes are refused before any lookup anyway.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::session::SiteFiles;
use crate::output::{OutputContent, OutputFile};

/// Copied files larger than this are sent from disk in pieces, not read whole into memory
/// for each request: a few requests for a large video must not take gigabytes.
const STREAM_FROM: u64 = 1024 * 1024;

/// What the server sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Vec<u8>,
    /// A large file sent from disk instead of `body` (which is empty then).
    pub(super) file: Option<FileBody>,
}

/// The bytes `start..start + length` of a file on disk, checked to lie inside the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileBody {
    pub(super) path: PathBuf,
    pub(super) start: u64,
    pub(super) length: u64,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
            file: None,
        }
    }

    /// The length of the body, in memory or on disk.
    fn length(&self) -> u64 {
        self.file
            .as_ref()
            .map_or(self.body.len() as u64, |f| f.length)
    }

    fn text(status: u16, body: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    /// The value of a header, if set.
    #[cfg(test)]
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the page HTML gets before `</body>` while previewing.
pub(super) struct Injection<'a> {
    /// The live reload script tag (and the build generation it was served at).
    pub(super) script: &'a str,
    /// The error overlay, while the last build failed.
    pub(super) overlay: Option<&'a str>,
    /// The site folder, resolved: files read from disk must lie inside it.
    pub(super) site_root: &'a Path,
}

/// The Content-Type for a file name.
fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Turns a request path into the key of an output file, or `None` when the path tries to
/// leave the site (`..`), hides a separator (`%2f`, `\`) or is not valid UTF-8.
fn clean_path(raw_path: &str) -> Option<String> {
    let path = raw_path.split(['?', '#']).next().unwrap_or_default();
    // An encoded slash or backslash would let one segment name two; refuse them outright.
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f")
        || lower.contains("%5c")
        || path.contains('\\')
        || !path.starts_with('/')
    {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            s if s.contains('\0') || s.contains('\\') || s.contains(':') => return None,
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if decoded.ends_with('/') && !key.is_empty() {
        key.push('/');
    }
    Some(key)
}

fn etag(bytes: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

/// The resolved path of a copied file, checked again at request time: a symlink made since
/// the build must not lead outside the site.
fn inside_site(path: &Path, site_root: &Path) -> std::io::Result<PathBuf> {
    let resolved = std::fs::canonicalize(path)?;
    if !resolved.starts_with(site_root) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "outside the site",
        ));
    }
    Ok(resolved)
}

/// The bytes of a file of the site. A copied file is read from its source now.
fn read(file: &OutputFile, site_root: &Path) -> std::io::Result<Vec<u8>> {
    match &file.content {
        OutputContent::Bytes(bytes) => Ok(bytes.clone()),
        OutputContent::Embedded(bytes) => Ok(bytes.to_vec()),
        OutputContent::Copy(path) => std::fs::read(inside_site(path, site_root)?),
    }
}

/// A copied file too large to read whole for each request, as a [`FileBody`] and its ETag
/// (from its path, size and modification time); `None` for anything else.
fn large_copy(file: &OutputFile, site_root: &Path) -> Option<(FileBody, String)> {
    let OutputContent::Copy(path) = &file.content else {
        return None;
    };
    let resolved = inside_site(path, site_root).ok()?;
    let metadata = std::fs::metadata(&resolved).ok()?;
    if !metadata.is_file() || metadata.len() <= STREAM_FROM {
        return None;
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    resolved.hash(&mut hasher);
    metadata.len().hash(&mut hasher);
    metadata.modified().ok().hash(&mut hasher);
    let tag = format!("\"{:016x}\"", hasher.finish());
    let body = FileBody {
        path: resolved,
        start: 0,
        length: metadata.len(),
    };
    Some((body, tag))
}

/// Adds the live reload script, and the error overlay when there is one, to an HTML page.
fn inject(html: &[u8], injection: &Injection<'_>) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(overlay) = injection.overlay {
        extra.push_str(overlay);
    }
    extra.push_str(injection.script);
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + extra.len());
    out.push_str(&text[..at]);
    out.push_str(&extra);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// Answers a GET or HEAD for `raw_path` from `files` (the caller handles `/__hub/` and the
/// method check). `if_none_match` is the request's `If-None-Match` header.
pub(super) fn respond(
    files: &SiteFiles,
    raw_path: &str,
    if_none_match: Option<&str>,
    injection: &Injection<'_>,
) -> Reply {
    let Some(key) = clean_path(raw_path) else {
        return not_found(files, injection);
    };
    let lookup = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.clone()
    };
    let Some(file) = files.get(&lookup) else {
        // A folder asked for without its slash: send the browser to the slashed address, so
        // that relative links inside the page resolve.
        if files.contains_key(&format!("{key}/index.html")) {
            let query = raw_path.find('?').map_or("", |i| &raw_path[i..]);
            let mut reply = Reply::text(301, "Moved Permanently");
            reply.headers.push(("Location", format!("/{key}/{query}")));
            return reply;
        }
        return not_found(files, injection);
    };
    let content_type = content_type(&lookup);
    let is_html = content_type.starts_with("text/html");
    let large = if is_html {
        None
    } else {
        large_copy(file, injection.site_root)
    };
    let (body, large, tag) = match large {
        Some((large, tag)) => (Vec::new(), Some(large), tag),
        None => {
            let body = match read(file, injection.site_root) {
                Ok(bytes) if is_html => inject(&bytes, injection),
                Ok(bytes) => bytes,
                Err(_) => return not_found(files, injection),
            };
            let tag = etag(&body);
            (body, None, tag)
        }
    };
    let mut reply = if if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == tag)) {
        Reply {
            status: 304,
            headers: Vec::new(),
            body: Vec::new(),
            file: None,
        }
    } else {
        let mut reply = Reply::new(200, content_type, body);
        reply.file = large;
        reply
    };
    reply.headers.push(("ETag", tag));
    reply.headers.push(("Accept-Ranges", "bytes".to_string()));
    // Pages must always show the latest build; other files may be kept but checked each time.
    reply.headers.push((
        "Cache-Control",
        if is_html { "no-store" } else { "no-cache" }.to_string(),
    ));
    reply
}

/// Narrows a 200 reply to the one byte range a `Range` header asks for (206), or says that
/// the range lies outside the file (416). Several ranges, a unit other than bytes, or an
/// `If-Range` that no longer matches the file get the whole file, as RFC 9110 allows.
pub(super) fn apply_range(mut reply: Reply, range: Option<&str>, if_range: Option<&str>) -> Reply {
    let Some(range) = range else {
        return reply;
    };
    if reply.status != 200 {
        return reply;
    }
    let etag = reply
        .headers
        .iter()
        .find(|(n, _)| *n == "ETag")
        .map(|(_, v)| v.as_str());
    if if_range.is_some_and(|wanted| Some(wanted.trim()) != etag) {
        return reply;
    }
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return reply;
    };
    if spec.contains(',') {
        return reply;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return reply;
    };
    let length = reply.length();
    let number = |text: &str| -> Option<Option<u64>> {
        let text = text.trim();
        if text.is_empty() {
            Some(None)
        } else if text.bytes().all(|b| b.is_ascii_digit()) {
            // More digits than a u64 holds is still a number, just past any end.
            Some(Some(text.parse::<u64>().unwrap_or(u64::MAX)))
        } else {
            None
        }
    };
    let (Some(first), Some(last)) = (number(first), number(last)) else {
        return reply;
    };
    let bounds = match (first, last) {
        (Some(first), Some(last)) if last < first => return reply,
        (Some(first), last) if first < length => {
            Some((first, last.map_or(length - 1, |l| l.min(length - 1))))
        }
        (Some(_), _) => None,
        (None, Some(suffix)) if suffix > 0 && length > 0 => {
            Some((length - suffix.min(length), length - 1))
        }
        (None, Some(_)) => None,
        (None, None) => return reply,
    };
    match bounds {
        Some((first, last)) => {
            if let Some(file) = &mut reply.file {
                file.start = first;
                file.length = last - first + 1;
            } else {
                // Both bounds are below the body's length, which is a usize.
                let (start, end) = (first as usize, last as usize + 1);
                reply.body = reply.body[start..end].to_vec();
            }
            reply.status = 206;
            reply
                .headers
                .push(("Content-Range", format!("bytes {first}-{last}/{length}")));
        }
        None => {
            reply.body.clear();
            reply.file = None;
            reply.status = 416;
            reply
                .headers
                .push(("Content-Range", format!("bytes */{length}")));
        }
    }
    reply
}

fn not_found(files: &SiteFiles, injection: &Injection<'_>) -> Reply {
    let mut reply = match files
        .get("404.html")
        .and_then(|f| read(f, injection.site_root).ok())
    {
        Some(page) => Reply::new(404, "text/html; charset=utf-8", inject(&page, injection)),
        None => Reply::text(404, "Not found"),
    };
    reply
        .headers
        .push(("Cache-Control", "no-store".to_string()));
    reply
}

/// A home page, a section, a stylesheet and a 404 page, held in memory: the site the fuzz
/// target and the unit tests ask for files.
fn small_site() -> SiteFiles {
    let mut files = SiteFiles::new();
    for (path, text) in [
        ("index.html", "<body>home</body>"),
        ("tips/index.html", "<body>tips</body>"),
        ("style.css", "b{}"),
        ("404.html", "<body>lost</body>"),
    ] {
        files.insert(
            path.to_string(),
            std::sync::Arc::new(OutputFile {
                path: path.into(),
                content: OutputContent::Bytes(text.as_bytes().to_vec()),
            }),
        );
    }
    files
}

/// For the `serve_path` fuzz target: the file key a request path maps to, and the status
/// of the reply to it from a small site held in memory.
#[doc(hidden)]
pub(crate) fn fuzz_request(raw_path: &str) -> (Option<String>, u16) {
    let files = small_site();
    let injection = Injection {
        script: "<script src=\"/__hub/live.js\"></script>",
        overlay: None,
        site_root: Path::new("/nonexistent-site-root"),
    };
    let reply = respond(&files, raw_path, None, &injection);
    (clean_path(raw_path), reply.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteFiles {
        small_site()
    }

    fn plain() -> Injection<'static> {
        Injection {
            script: "<script src=\"/__hub/live.js\"></script>",
            overlay: None,
            site_root: Path::new("/"),
        }
    }

    #[test]
    fn cleans_paths_and_refuses_escapes() {
        assert_eq!(clean_path("/").as_deref(), Some(""));
        assert_eq!(clean_path("/tips/").as_deref(), Some("tips/"));
        assert_eq!(clean_path("/tips?x=1").as_deref(), Some("tips"));
        assert_eq!(clean_path("/caf%C3%A9/").as_deref(), Some("café/"));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/tips/%2F..%2Fx",
            "/a\\b",
            "/%5c..",
            "//etc/passwd/..",
            "/c:/x",
            "/%00",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
    }

    /// Every target of up to four pieces from the spellings attackers use, each as sent and
    /// behind a harmless prefix: none turns into a key that climbs out or hides a separator.
    #[test]
    fn no_combination_of_escape_spellings_leaves_the_site() {
        let pieces = [
            "/", "..", ".", "%2e", "%2E", "%2f", "%5c", "\\", "%00", "%252e", "%c0%ae", "a", "%",
            "?",
        ];
        let mut checked = 0;
        let mut targets = vec![String::new()];
        for _ in 0..4 {
            let mut longer = Vec::new();
            for target in &targets {
                for piece in pieces {
                    longer.push(format!("{target}{piece}"));
                }
            }
            for target in &longer {
                for raw in [format!("/{target}"), format!("/tips/{target}")] {
                    checked += 1;
                    let Some(key) = clean_path(&raw) else {
                        continue;
                    };
                    assert!(!key.starts_with('/'), "{raw} → {key}");
                    assert!(!key.contains(['\\', '\0', ':']), "{raw} → {key:?}");
                    assert!(
                        key.split('/').all(|s| s != ".." && s != "."),
                        "{raw} → {key}"
                    );
                }
            }
            targets = longer;
        }
        assert!(checked > 80_000, "{checked} targets");
    }

    #[test]
    fn folders_index_and_redirects() {
        let files = site();
        let home = respond(&files, "/", None, &plain());
        assert_eq!(home.status, 200);
        assert_eq!(
            home.body,
            b"<body>home<script src=\"/__hub/live.js\"></script></body>"
        );
        let redirect = respond(&files, "/tips?a=b", None, &plain());
        assert_eq!(
            (redirect.status, redirect.header("Location")),
            (301, Some("/tips/?a=b"))
        );
        let missing = respond(&files, "/nope/", None, &plain());
        assert_eq!(missing.status, 404);
        assert!(String::from_utf8_lossy(&missing.body).contains("lost"));
    }

    #[test]
    fn etags_give_304_and_html_is_not_cached() {
        let files = site();
        let css = respond(&files, "/style.css", None, &plain());
        assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
        let again = respond(&files, "/style.css", css.header("ETag"), &plain());
        assert_eq!(again.status, 304);
        assert!(again.body.is_empty());
        assert_eq!(
            respond(&files, "/", None, &plain()).header("Cache-Control"),
            Some("no-store")
        );
    }

    #[test]
    fn single_ranges_give_206_and_ranges_past_the_end_416() {
        let css = || Reply::new(200, "text/css", b"0123456789".to_vec());
        let cases = [
            ("bytes=0-3", 206, "0123", Some("bytes 0-3/10")),
            ("bytes=7-", 206, "789", Some("bytes 7-9/10")),
            ("bytes=-2", 206, "89", Some("bytes 8-9/10")),
            ("bytes=5-99", 206, "56789", Some("bytes 5-9/10")),
            ("bytes=-99", 206, "0123456789", Some("bytes 0-9/10")),
            ("bytes=10-", 416, "", Some("bytes */10")),
            (
                "bytes=99999999999999999999999-",
                416,
                "",
                Some("bytes */10"),
            ),
            ("bytes=-0", 416, "", Some("bytes */10")),
            ("bytes=0-1,4-5", 200, "0123456789", None),
            ("bytes=5-2", 200, "0123456789", None),
            ("items=0-1", 200, "0123456789", None),
            ("bytes=a-b", 200, "0123456789", None),
        ];
        for (range, status, body, content_range) in cases {
            let reply = apply_range(css(), Some(range), None);
            assert_eq!(reply.status, status, "{range}");
            assert_eq!(reply.body, body.as_bytes(), "{range}");
            assert_eq!(reply.header("Content-Range"), content_range, "{range}");
        }
        let mut tagged = css();
        tagged.headers.push(("ETag", "\"a\"".to_string()));
        let stale = apply_range(tagged.clone(), Some("bytes=0-0"), Some("\"b\""));
        assert_eq!(stale.status, 200);
        let fresh = apply_range(tagged, Some("bytes=0-0"), Some("\"a\""));
        assert_eq!((fresh.status, fresh.body.as_slice()), (206, &b"0"[..]));
        let missing = Reply::text(404, "gone");
        assert_eq!(
            apply_range(missing.clone(), Some("bytes=0-0"), None),
            missing
        );
    }

    #[test]
    fn large_copied_files_are_sent_from_disk_and_ranges_narrow_them() {
        let folder = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(folder.path()).unwrap();
        let video = root.join("film.mp4");
        std::fs::write(&video, vec![7u8; (STREAM_FROM + 10) as usize]).unwrap();
        let mut files = SiteFiles::new();
        files.insert(
            "film.mp4".to_string(),
            std::sync::Arc::new(OutputFile {
                path: "film.mp4".into(),
                content: OutputContent::Copy(video.clone()),
            }),
        );
        let injection = Injection {
            site_root: &root,
            ..plain()
        };
        let whole = respond(&files, "/film.mp4", None, &injection);
        assert_eq!(whole.status, 200);
        assert!(whole.body.is_empty(), "not read into memory");
        let expected = FileBody {
            path: video.clone(),
            start: 0,
            length: STREAM_FROM + 10,
        };
        assert_eq!(whole.file.as_ref(), Some(&expected));
        let again = respond(&files, "/film.mp4", whole.header("ETag"), &injection);
        assert_eq!((again.status, again.file), (304, None));
        let part = apply_range(whole.clone(), Some("bytes=-4"), None);
        assert_eq!(part.status, 206);
        let tail = FileBody {
            start: STREAM_FROM + 6,
            length: 4,
            ..expected
        };
        assert_eq!(part.file, Some(tail));
        let past = apply_range(whole, Some("bytes=99999999-"), None);
        assert_eq!((past.status, past.file), (416, None));
        // Outside the site folder it is not served at all.
        let elsewhere = Injection {
            site_root: Path::new("/nonexistent-site"),
            ..plain()
        };
        assert_eq!(respond(&files, "/film.mp4", None, &elsewhere).status, 404);
    }

    #[test]
    fn ranges_leave_other_replies_alone() {
        let missing = Reply::text(404, "gone");
        assert_eq!(apply_range(missing, Some("bytes=0-0"), None).status, 404);
    }
}
