//! Live reload in a real browser: `hub serve` runs on a small fixture site, headless Chromium
//! (driven over the W3C WebDriver protocol through chromedriver) opens a page, the test edits
//! the Markdown on disk, and the open tab must show the new text by itself — the test never
//! navigates or refreshes after the first page load. A second test breaks the front matter and
//! expects the error overlay naming the file, then fixes it and expects the overlay to go.
//!
//! How we know the tab reloaded itself: before each edit the test sets a marker on `window`.
//! A reload starts a fresh window, so the marker is gone afterwards; the Navigation Timing
//! entry of the new document says `reload` (what `location.reload()` gives; the test's own
//! navigation gives `navigate`); and the live reload script tag carries a newer build
//! generation.
//!
//! Needs Chromium and ChromeDriver, which `./test` installs (or set HUB_CHROMIUM and
//! HUB_CHROMEDRIVER to their paths). Where one is missing the tests fail and say what to
//! install: they never pass without having run.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::browser_tools::{BrowserTool, BrowserTools};
use common::*;
use serde_json::{json, Value};

/// How long the tab has to show an edit.
const EDIT_DEADLINE: Duration = Duration::from_secs(20);
/// How long hub and chromedriver have to start, and Chromium to open a session.
const START_DEADLINE: Duration = Duration::from_secs(30);
/// The page the tests keep open.
const PAGE: &str = "/tips/a/";
/// The Markdown file behind it.
const SOURCE: &str = "content/tips/a.md";
/// A sentence of the fixture page as it starts.
const FIRST_SENTENCE: &str =
    "People who write to the page of the team should hear back within a working day.";

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn an_open_tab_shows_an_edit_without_being_reloaded_by_the_test() {
    let tools = tools();
    let site = TestSite::fixture("live-reload");
    let hub = Hub::serve(site.root());
    let driver = ChromeDriver::start(&tools);
    let mut browser = Browser::open(&driver, &tools);

    browser.navigate(&hub.url(PAGE));
    browser.wait_for("the page to load", &hub, |s| {
        s.text.contains(FIRST_SENTENCE).then_some(())
    });
    let first = browser.state(&hub);
    assert_eq!(
        first.navigation, "navigate",
        "the first load should be the test's own navigation: {first:#?}"
    );
    browser.set_marker();

    let sentence = "Live reload check: this sentence was added while the tab was open.";
    append(&site, &format!("\n{sentence}\n"));
    let after = browser.wait_for("the tab to show the appended sentence", &hub, |s| {
        s.text.contains(sentence).then(|| s.clone())
    });

    assert_reloaded_by_itself(&after, &first, "after appending a paragraph");
    assert!(
        after.text.contains(FIRST_SENTENCE),
        "the rest of the page should still be there: {after:#?}"
    );
    assert!(
        after.overlay.is_none(),
        "no error overlay expected: {after:#?}"
    );
    browser.assert_navigated_once();
}

#[test]
fn a_broken_edit_shows_the_overlay_and_a_fix_clears_it() {
    let tools = tools();
    let site = TestSite::fixture("live-reload");
    let hub = Hub::serve(site.root());
    let driver = ChromeDriver::start(&tools);
    let mut browser = Browser::open(&driver, &tools);

    browser.navigate(&hub.url(PAGE));
    browser.wait_for("the page to load", &hub, |s| {
        s.text.contains(FIRST_SENTENCE).then_some(())
    });
    let first = browser.state(&hub);
    browser.set_marker();

    // An unknown front matter field does not build: the tab reloads and shows the problem
    // over the last good version of the page.
    let good = fs::read_to_string(site.path(SOURCE)).expect("read the fixture page");
    let broken = good.replacen("+++\n", "+++\ncolour = \"red\"\n", 1);
    assert_ne!(
        broken, good,
        "the fixture page should start with +++ front matter"
    );
    fs::write(site.path(SOURCE), &broken).expect("break the front matter");
    let failed = browser.wait_for("the error overlay", &hub, |s| {
        s.overlay.is_some().then(|| s.clone())
    });
    let overlay = failed.overlay.as_deref().unwrap_or_default();
    assert!(
        overlay.contains(SOURCE),
        "the overlay should name {SOURCE}: {overlay:?}"
    );
    assert!(
        overlay.contains("colour"),
        "the overlay should name the unknown field `colour`: {overlay:?}"
    );
    assert_reloaded_by_itself(&failed, &first, "after breaking the front matter");
    assert!(
        failed.text.contains(FIRST_SENTENCE),
        "the last good version of the page should stay under the overlay: {failed:#?}"
    );

    // The fix, with a new paragraph: the overlay goes and the new text shows.
    browser.set_marker();
    let sentence = "Fixed: the front matter builds again and this paragraph is new.";
    fs::write(site.path(SOURCE), format!("{good}\n{sentence}\n")).expect("fix the front matter");
    let fixed = browser.wait_for("the overlay to go and the new text to show", &hub, |s| {
        (s.overlay.is_none() && s.text.contains(sentence)).then(|| s.clone())
    });
    assert_reloaded_by_itself(&fixed, &failed, "after fixing the front matter");
    assert!(
        !fixed.text.contains("does not build"),
        "the overlay text should be gone: {fixed:#?}"
    );
    browser.assert_navigated_once();
}

/// The tab reloaded on its own: the marker set before the edit is gone, the new document was
/// loaded by a reload, and it was served by a newer build than `before`.
fn assert_reloaded_by_itself(after: &PageState, before: &PageState, when: &str) {
    assert!(
        !after.marker,
        "{when}: the marker set before the edit is still there, so the new text came without a \
         reload: {after:#?}"
    );
    assert_eq!(
        after.navigation, "reload",
        "{when}: the document should come from location.reload(): {after:#?}"
    );
    assert!(
        matches!((after.generation, before.generation), (Some(a), Some(b)) if a > b),
        "{when}: the page should be served by a newer build (data-generation {:?}, before {:?})",
        after.generation,
        before.generation
    );
}

/// Appends `text` to the fixture page, as an editor's save would.
fn append(site: &TestSite, text: &str) {
    let path = site.path(SOURCE);
    let mut markdown = fs::read_to_string(&path).expect("read the fixture page");
    markdown.push_str(text);
    fs::write(&path, markdown).expect("edit the fixture page");
}

// ---------------------------------------------------------------------------------------------
// Chromium and ChromeDriver
// ---------------------------------------------------------------------------------------------

/// Where Chromium and ChromeDriver are; fails the test with what to install when one is missing.
fn tools() -> BrowserTools {
    BrowserTools::find(&[BrowserTool::Chromium, BrowserTool::ChromeDriver])
}

/// A running chromedriver on a free port of 127.0.0.1, killed when dropped.
struct ChromeDriver {
    child: Child,
    base: String,
    output: Output,
    agent: ureq::Agent,
}

impl ChromeDriver {
    /// Starts chromedriver and waits until its /status says ready. The port was free a moment
    /// before; if chromedriver exits at once (someone took the port), it tries another.
    fn start(tools: &BrowserTools) -> ChromeDriver {
        const ATTEMPTS: u32 = 3;
        for attempt in 1..=ATTEMPTS {
            match ChromeDriver::try_start(tools) {
                Ok(driver) => return driver,
                Err(message) if attempt < ATTEMPTS => {
                    eprintln!(
                        "chromedriver attempt {attempt} failed, trying another port: {message}"
                    )
                }
                Err(message) => panic!("{message}"),
            }
        }
        unreachable!()
    }

    /// Err only when chromedriver exited early; a slow start fails the test at once.
    fn try_start(tools: &BrowserTools) -> Result<ChromeDriver, String> {
        let port = free_port();
        let mut child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e}. Install it with `apt-get install chromium-driver`.",
                    tools.chromedriver.display()
                )
            });
        let output = Output::collect(&mut child);
        let mut driver = ChromeDriver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            output,
            agent: ureq::AgentBuilder::new()
                .timeout_connect(Duration::from_secs(5))
                .timeout(Duration::from_secs(60))
                .build(),
        };
        let started = Instant::now();
        loop {
            let status_url = format!("{}/status", driver.base);
            let last = match request(&driver.agent, "GET", &status_url, None) {
                Ok(value) if value["ready"] == true => return Ok(driver),
                Ok(value) => value.to_string(),
                Err(e) => e,
            };
            if let Ok(Some(status)) = driver.child.try_wait() {
                // Let the readers catch the last words.
                thread::sleep(Duration::from_millis(100));
                return Err(format!(
                    "chromedriver exited ({status}) before it was ready\n{}",
                    driver.output.text()
                ));
            }
            assert!(
                started.elapsed() < START_DEADLINE,
                "chromedriver was not ready within {START_DEADLINE:?} (last /status: {last})\n{}",
                driver.output.text()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the open tab shows, read through WebDriver.
#[derive(Debug, Clone, Default)]
struct PageState {
    /// location.pathname.
    path: String,
    /// document.readyState.
    ready_state: String,
    /// document.body.innerText.
    text: String,
    /// Whether the marker the test set is still on `window`.
    marker: bool,
    /// The Navigation Timing type of the document: "navigate", "reload", ...
    navigation: String,
    /// The build generation the page was served at (the live reload script's data-generation).
    generation: Option<u64>,
    /// The text of #hub-error-overlay, when there is one.
    overlay: Option<String>,
}

/// Reads the state of the page in one go.
const STATE_SCRIPT: &str = r#"
const script = document.querySelector('script[src^="/__hub/live.js"]');
const overlay = document.getElementById("hub-error-overlay");
const nav = performance.getEntriesByType("navigation")[0];
return {
  path: location.pathname,
  readyState: document.readyState,
  text: document.body ? document.body.innerText : "",
  marker: window.__hubLiveReloadMarker === 1,
  navigation: nav ? nav.type : "",
  generation: script ? script.getAttribute("data-generation") : null,
  overlay: overlay ? overlay.innerText : null,
};
"#;

/// One WebDriver session in headless Chromium, deleted when dropped. Every command the test
/// sends goes through here and is logged, so the test can show it never navigated twice.
struct Browser<'a> {
    driver: &'a ChromeDriver,
    session: String,
    commands: Vec<String>,
    /// Kept until the session is gone: Chromium's profile.
    _profile: tempfile::TempDir,
}

impl<'a> Browser<'a> {
    fn open(driver: &'a ChromeDriver, tools: &BrowserTools) -> Browser<'a> {
        let profile = tempfile::tempdir().expect("temporary Chromium profile");
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "pageLoad": 20_000, "script": 10_000, "implicit": 0 },
                    "goog:chromeOptions": {
                        "binary": tools.chromium.to_string_lossy(),
                        "args": CHROMIUM_FLAGS
                            .iter()
                            .map(|flag| flag.to_string())
                            .chain([format!("--user-data-dir={}", profile.path().display())])
                            .collect::<Vec<_>>(),
                    },
                },
            },
        });
        let created = request(
            &driver.agent,
            "POST",
            &format!("{}/session", driver.base),
            Some(&capabilities),
        )
        .unwrap_or_else(|e| {
            panic!(
                "chromedriver could not start Chromium ({}): {e}\n{}",
                tools.chromium.display(),
                driver.output.text()
            )
        });
        let session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no sessionId in chromedriver's answer: {created}"))
            .to_string();
        Browser {
            driver,
            session,
            commands: Vec::new(),
            _profile: profile,
        }
    }

    /// Sends one command of this session, e.g. ("POST", "url", {...}).
    fn command(&mut self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        self.commands.push(format!("{method} {path}"));
        let url = format!("{}/session/{}/{path}", self.driver.base, self.session);
        request(&self.driver.agent, method, &url, body)
    }

    fn navigate(&mut self, url: &str) {
        self.command("POST", "url", Some(&json!({ "url": url })))
            .unwrap_or_else(|e| panic!("could not open {url}: {e}"));
    }

    fn execute(&mut self, script: &str) -> Result<Value, String> {
        self.command(
            "POST",
            "execute/sync",
            Some(&json!({ "script": script, "args": [] })),
        )
    }

    fn try_state(&mut self) -> Result<PageState, String> {
        let v = self.execute(STATE_SCRIPT)?;
        let text = |key: &str| v[key].as_str().unwrap_or_default().to_string();
        Ok(PageState {
            path: text("path"),
            ready_state: text("readyState"),
            text: text("text"),
            marker: v["marker"] == true,
            navigation: text("navigation"),
            generation: v["generation"].as_str().and_then(|g| g.parse().ok()),
            overlay: v["overlay"].as_str().map(str::to_string),
        })
    }

    fn state(&mut self, hub: &Hub) -> PageState {
        self.try_state()
            .unwrap_or_else(|e| panic!("could not read the page: {e}\n{}", hub.output.text()))
    }

    /// Marks the current window; a reload starts a new one without the mark.
    fn set_marker(&mut self) {
        let set = self
            .execute("window.__hubLiveReloadMarker = 1; return window.__hubLiveReloadMarker;")
            .unwrap_or_else(|e| panic!("could not set the marker: {e}"));
        assert_eq!(set, json!(1), "the marker did not stick");
    }

    /// Polls the page (never reloading it) until `found` returns Some on a fully loaded page,
    /// or fails after EDIT_DEADLINE with what the page showed last and what hub printed.
    fn wait_for<T>(
        &mut self,
        what: &str,
        hub: &Hub,
        mut found: impl FnMut(&PageState) -> Option<T>,
    ) -> T {
        let started = Instant::now();
        let mut last = Err("nothing read yet".to_string());
        while started.elapsed() < EDIT_DEADLINE {
            // While the tab reloads, a script can fail to run; that is fine, try again.
            last = self.try_state();
            if let Ok(state) = &last {
                if state.ready_state == "complete" && state.path == PAGE {
                    if let Some(value) = found(state) {
                        return value;
                    }
                }
            }
            thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "waited {EDIT_DEADLINE:?} for {what}, in vain.\nlast seen in the tab: {last:#?}\n{}",
            hub.output.text()
        );
    }

    /// The test opened the page once and never navigated or refreshed after that.
    fn assert_navigated_once(&self) {
        let navigations: Vec<&String> = self
            .commands
            .iter()
            .filter(|c| {
                let path = c.split_once(' ').map_or("", |(_, p)| p);
                c.starts_with("POST ") && ["url", "refresh", "back", "forward"].contains(&path)
            })
            .collect();
        assert_eq!(
            navigations,
            vec!["POST url"],
            "the test must open the page once and never reload it itself; commands sent: {:?}",
            self.commands
        );
    }
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        let url = format!("{}/session/{}", self.driver.base, self.session);
        let _ = request(&self.driver.agent, "DELETE", &url, None);
    }
}

/// One WebDriver request; the answer's `value`, or the error in words.
fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<&Value>,
) -> Result<Value, String> {
    let call = agent.request(method, url);
    let result = match body {
        Some(body) => call
            .set("Content-Type", "application/json; charset=utf-8")
            .send_string(&body.to_string()),
        None => call.call(),
    };
    let (status, response) = match result {
        Ok(response) => (200, response),
        Err(ureq::Error::Status(code, response)) => (code, response),
        Err(e) => return Err(format!("{method} {url}: {e}")),
    };
    let text = response
        .into_string()
        .map_err(|e| format!("{method} {url}: cannot read the answer: {e}"))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{method} {url}: not JSON ({e}): {text}"))?;
    if status == 200 {
        Ok(value["value"].clone())
    } else {
        Err(format!(
            "{method} {url}: HTTP {status}: {} {}",
            value["value"]["error"].as_str().unwrap_or("?"),
            value["value"]["message"].as_str().unwrap_or(&text)
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// hub serve
// ---------------------------------------------------------------------------------------------

/// `hub serve -p 0` in a site folder, killed when dropped.
struct Hub {
    child: Child,
    base: String,
    output: Output,
}

impl Hub {
    fn serve(root: &Path) -> Hub {
        let binary = assert_cmd::cargo::cargo_bin("hub");
        let mut child = Command::new(&binary)
            .args(["serve", "-p", "0"])
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let output = Output::collect(&mut child);
        let mut hub = Hub {
            child,
            base: String::new(),
            output,
        };
        let started = Instant::now();
        loop {
            let stdout = hub.output.stdout();
            let line = stdout.lines().find(|l| l.starts_with("serving "));
            if let Some(url) = line.and_then(|l| l.split_whitespace().nth(1)) {
                let port = url
                    .strip_prefix("http://127.0.0.1:")
                    .and_then(|rest| rest.strip_suffix('/'))
                    .and_then(|port| port.parse::<u16>().ok())
                    .unwrap_or_else(|| {
                        panic!("expected `serving http://127.0.0.1:PORT/`, got: {stdout}")
                    });
                assert_ne!(port, 0, "hub should report the port it picked: {stdout}");
                hub.base = format!("http://127.0.0.1:{port}");
                return hub;
            }
            if let Ok(Some(status)) = hub.child.try_wait() {
                panic!(
                    "hub serve exited ({status}) before serving\n{}",
                    hub.output.text()
                );
            }
            assert!(
                started.elapsed() < START_DEADLINE,
                "hub serve did not print `serving http://...` within {START_DEADLINE:?}\n{}",
                hub.output.text()
            );
            thread::sleep(Duration::from_millis(25));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A child's stdout and stderr, read in the background so it never blocks on a full pipe.
#[derive(Clone)]
struct Output {
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Output {
    fn collect(child: &mut Child) -> Output {
        let output = Output {
            stdout: Arc::default(),
            stderr: Arc::default(),
        };
        if let Some(out) = child.stdout.take() {
            read_into(out, Arc::clone(&output.stdout));
        }
        if let Some(err) = child.stderr.take() {
            read_into(err, Arc::clone(&output.stderr));
        }
        output
    }

    fn stdout(&self) -> String {
        self.stdout.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Both, for failure messages.
    fn text(&self) -> String {
        format!(
            "--- stdout:\n{}--- stderr:\n{}",
            self.stdout(),
            self.stderr()
        )
    }
}

fn read_into(pipe: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { return };
            if let Ok(mut text) = into.lock() {
                text.push_str(&line);
                text.push('\n');
            }
        }
    });
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port on 127.0.0.1")
        .port()
}
