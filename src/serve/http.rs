//! Answering one preview request from the site held in memory. Only paths that the build
//! produced can be served, so nothing outside the site can be reached however the path is
//! written; `..`, encoded separators and backslashes are refused before any lookup anyway.

use std::hash::{Hash, Hasher};
use std::path::Path;

use super::session::SiteFiles;
use crate::output::{OutputContent, OutputFile};

/// What the server sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
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

/// The bytes of a file of the site. A copied file is read from its source now, so it is
/// checked again: a symlink made since the build must not lead outside the site.
fn read(file: &OutputFile, site_root: &Path) -> std::io::Result<Vec<u8>> {
    match &file.content {
        OutputContent::Bytes(bytes) => Ok(bytes.clone()),
        OutputContent::Embedded(bytes) => Ok(bytes.to_vec()),
        OutputContent::Copy(path) => {
            if !std::fs::canonicalize(path)?.starts_with(site_root) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "outside the site",
                ));
            }
            std::fs::read(path)
        }
    }
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
    let body = match read(file, injection.site_root) {
        Ok(bytes) if is_html => inject(&bytes, injection),
        Ok(bytes) => bytes,
        Err(_) => return not_found(files, injection),
    };
    let tag = etag(&body);
    let mut reply = if if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == tag)) {
        Reply {
            status: 304,
            headers: Vec::new(),
            body: Vec::new(),
        }
    } else {
        Reply::new(200, content_type, body)
    };
    reply.headers.push(("ETag", tag));
    // Pages must always show the latest build; other files may be kept but checked each time.
    reply.headers.push((
        "Cache-Control",
        if is_html { "no-store" } else { "no-cache" }.to_string(),
    ));
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

/// For the `serve_path` fuzz target: the file key a request path maps to, and the status
/// of the reply to it from a small site held in memory.
#[doc(hidden)]
pub(crate) fn fuzz_request(raw_path: &str) -> (Option<String>, u16) {
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
}
