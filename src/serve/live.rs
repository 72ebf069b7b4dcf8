//! Live reload: every build bumps a generation number; open tabs listen on
//! `/__hub/events` (server-sent events) and reload, or swap their stylesheets when only CSS
//! changed. The script and the error overlay are added to pages as they are served, never to
//! files on disk.

use std::io::Write;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// What a tab should do after a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    /// Reload the page.
    Page,
    /// Only stylesheets changed: fetch them again without reloading.
    Css,
}

/// The current build generation, and a way to wait for the next.
pub(super) struct Live {
    state: Mutex<(u64, Change)>,
    changed: Condvar,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            state: Mutex::new((1, Change::Page)),
            changed: Condvar::new(),
        }
    }
}

impl Live {
    /// The generation the site is at now.
    pub(super) fn generation(&self) -> u64 {
        self.state.lock().map(|s| s.0).unwrap_or(0)
    }

    /// Tells every waiting tab that a build finished.
    pub(super) fn publish(&self, change: Change) {
        if let Ok(mut state) = self.state.lock() {
            *state = (state.0 + 1, change);
        }
        self.changed.notify_all();
    }

    /// Waits until the generation passes `seen`, or `timeout` passes.
    fn wait_after(&self, seen: u64, timeout: Duration) -> Option<(u64, Change)> {
        let guard = self.state.lock().ok()?;
        let (state, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.0 <= seen)
            .ok()?;
        (state.0 > seen).then_some(*state)
    }
}

/// Serves `/__hub/events` on `writer` until the tab goes away or `running` turns false.
/// `head` is the reply head (status line and headers) to send first. Each event is flushed
/// as it is written. Every second `closed` is asked whether the tab has gone, so that its
/// thread ends soon after; a comment every ten seconds finds the tabs it cannot tell.
pub(super) fn stream_events(
    mut writer: impl Write,
    head: &str,
    live: &Live,
    running: &std::sync::atomic::AtomicBool,
    closed: impl Fn() -> bool,
) {
    let mut seen = live.generation();
    if write!(writer, "{head}retry: 1000\nevent: hello\ndata: {seen}\n\n")
        .and_then(|_| writer.flush())
        .is_err()
    {
        return;
    }
    let mut quiet_seconds = 0;
    while running.load(std::sync::atomic::Ordering::Relaxed) {
        let message = match live.wait_after(seen, Duration::from_secs(1)) {
            Some((generation, change)) => {
                seen = generation;
                let event = if change == Change::Css {
                    "css"
                } else {
                    "reload"
                };
                format!("event: {event}\ndata: {generation}\n\n")
            }
            None if closed() => return,
            None => {
                quiet_seconds += 1;
                if quiet_seconds < 10 {
                    continue;
                }
                ": still here\n\n".to_string()
            }
        };
        quiet_seconds = 0;
        if writer
            .write_all(message.as_bytes())
            .and_then(|_| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

/// The script served at `/__hub/live.js`.
pub(super) const SCRIPT: &str = r#"// hub preview: reloads this tab when the site is rebuilt. It is never part of the built site.
(function () {
  var me = document.currentScript;
  var served = me ? me.getAttribute("data-generation") : null;
  var source = new EventSource("/__hub/events");
  source.addEventListener("hello", function (event) {
    if (served !== null && event.data !== served) { location.reload(); }
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function (event) {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("hub", event.data);
      link.href = url.href;
    });
  });
})();
"#;

/// The tag added to each served page, carrying the generation it was served at.
pub(super) fn script_tag(generation: u64) -> String {
    format!("<script src=\"/__hub/live.js\" data-generation=\"{generation}\"></script>")
}

/// A readable overlay over the last good page while the newest edit does not build.
pub(super) fn overlay(lines: &[String]) -> String {
    let mut text = String::new();
    for line in lines {
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut text, line);
        text.push('\n');
    }
    format!(
        concat!(
            "<div id=\"hub-error-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;",
            "overflow:auto;background:#1b1b1b;color:#fff;padding:2rem;font:16px/1.5 system-ui,sans-serif\">",
            "<h2 style=\"margin-top:0;color:#ffdd00\">This edit does not build yet</h2>",
            "<pre style=\"white-space:pre-wrap;font:15px/1.5 ui-monospace,monospace;background:#000;padding:1rem\">{}</pre>",
            "<p>Fix the file and save it: this page updates by itself. Until then the site shows the last version that built.</p>",
            "</div>"
        ),
        text
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_escapes_the_message() {
        let html = overlay(&["error: content/a.md:3:1: bad <b>".to_string()]);
        assert!(html.contains("bad &lt;b&gt;"));
        assert!(html.contains("content/a.md:3:1"));
    }

    #[test]
    fn waiting_sees_the_next_generation() {
        let live = std::sync::Arc::new(Live::default());
        let seen = live.generation();
        let publisher = std::sync::Arc::clone(&live);
        let handle = std::thread::spawn(move || publisher.publish(Change::Css));
        let got = live.wait_after(seen, Duration::from_secs(5));
        handle.join().unwrap();
        assert_eq!(got, Some((seen + 1, Change::Css)));
    }
}
