//! `hub serve`: builds the site in memory with the base URL pointed at the local address,
//! serves it with tiny_http, rebuilds when sources change and reloads open tabs. A build that
//! fails keeps the last good site on show, with the problems over every page. Nothing is
//! written to the output folder: previewing never touches what will be published.

mod http;
mod live;
pub mod session;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::error::{report_lines, Error, Result};
use crate::pipeline::BuildSettings;
#[doc(hidden)]
pub(crate) use http::fuzz_request;
use live::{Change, Live};
use session::{Session, SiteFiles};

/// What `hub serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// The site root (the folder with `site.toml`).
    pub root: PathBuf,
    /// The address to listen on.
    pub interface: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Whether drafts are built too.
    pub drafts: bool,
    /// Whether to open the preview in the default browser.
    pub open: bool,
    /// Whether to rebuild and reload when a file of the site changes.
    pub watch: bool,
}

/// What is being served right now.
struct Served {
    /// The last site that built, if any did.
    files: Arc<SiteFiles>,
    /// The problems of the newest build, while it fails.
    overlay: Option<String>,
}

/// The state shared by the request threads and the watcher.
struct Shared {
    served: RwLock<Served>,
    live: Live,
    running: AtomicBool,
    /// The site folder, resolved, for checking files read at request time.
    site_root: PathBuf,
}

/// Runs the preview server until Ctrl-C.
pub fn serve(settings: ServeSettings) -> Result<()> {
    let address = SocketAddr::new(settings.interface, settings.port);
    let server =
        tiny_http::Server::http(address).map_err(|e| bind_error(&settings, &e.to_string()))?;
    let port = server
        .server_addr()
        .to_ip()
        .map_or(settings.port, |a| a.port());
    let base_url = local_base_url(settings.interface, port);

    let mut session = Session::new(BuildSettings {
        root: settings.root.clone(),
        base_url: Some(base_url.clone()),
        drafts: settings.drafts,
        output_dir: None,
        // Nothing is published by a preview; `hub build` and `hub check` guard privacy.
        allow_privacy: true,
    });
    let shared = Arc::new(Shared {
        served: RwLock::new(Served {
            files: Arc::new(SiteFiles::new()),
            overlay: None,
        }),
        live: Live::default(),
        running: AtomicBool::new(true),
        site_root: std::fs::canonicalize(&settings.root).unwrap_or_else(|_| settings.root.clone()),
    });
    rebuild(&mut session, &shared, None);

    let server = Arc::new(server);
    let stopper = Arc::clone(&server);
    let stop_flag = Arc::clone(&shared);
    ctrlc::set_handler(move || {
        stop_flag.running.store(false, Ordering::SeqCst);
        stop_flag.live.publish(Change::Page);
        stopper.unblock();
    })
    .map_err(|e| Error::Serve(format!("cannot listen for Ctrl-C: {e}")))?;

    if settings.watch {
        let watcher = watch::SiteWatcher::start(&settings.root)?;
        let watch_shared = Arc::clone(&shared);
        let output_dir = settings.root.join(
            crate::config::Config::load(&settings.root)
                .map(|c| c.output_dir)
                .unwrap_or_else(|_| "public".into()),
        );
        let root = settings.root.clone();
        std::thread::spawn(move || watch_loop(watcher, session, &watch_shared, &root, &output_dir));
    }

    // Said only once the watcher runs, so that an edit made right after is not missed.
    println!("serving {base_url}/ (press Ctrl-C to stop)");
    if settings.open {
        open_browser(&format!("{base_url}/"));
    }
    for request in server.incoming_requests() {
        if !shared.running.load(Ordering::SeqCst) {
            break;
        }
        let shared = Arc::clone(&shared);
        // One thread a request: a tab's event stream stays open, and must not hold up the
        // page, stylesheet and image requests that arrive beside it.
        std::thread::spawn(move || handle(request, &shared));
    }
    println!("stopped");
    Ok(())
}

fn bind_error(settings: &ServeSettings, reason: &str) -> Error {
    let in_use = reason.to_ascii_lowercase().contains("in use");
    if in_use {
        Error::Serve(format!(
            "port {} on {} is already in use (is another hub serve running?); choose another port with -p, e.g. hub serve -p {}",
            settings.port,
            settings.interface,
            settings.port.wrapping_add(1).max(1024)
        ))
    } else {
        Error::Serve(format!(
            "cannot listen on {}:{}: {reason}",
            settings.interface, settings.port
        ))
    }
}

/// The address pages link to while previewing. An "any address" bind is shown as localhost.
fn local_base_url(interface: IpAddr, port: u16) -> String {
    match interface {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://localhost:{port}"),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("http://localhost:{port}"),
        IpAddr::V4(ip) => format!("http://{ip}:{port}"),
        IpAddr::V6(ip) => format!("http://[{ip}]:{port}"),
    }
}

/// Builds and swaps in the result, or keeps the last good site and shows the problems.
fn rebuild(session: &mut Session, shared: &Shared, changes: Option<&watch::ChangeSet>) {
    let content_only = changes.is_some_and(|c| c.content_only);
    let started = Instant::now();
    let changed: &[String] = changes.map_or(&[], |c| c.paths.as_slice());
    match session.build(content_only, changed) {
        Ok(build) => {
            if let Ok(mut served) = shared.served.write() {
                served.files = build.files;
                served.overlay = None;
            }
            for line in build.warnings.iter().flat_map(crate::error::warning_lines) {
                eprintln!("{line}");
            }
            match changes {
                None => println!(
                    "built {} pages in {} ms",
                    build.pages,
                    started.elapsed().as_millis()
                ),
                Some(changes) => println!(
                    "rebuilt {} of {} pages in {} ms ({})",
                    build.rendered_pages,
                    build.pages,
                    started.elapsed().as_millis(),
                    changes.paths.join(", ")
                ),
            }
        }
        Err(error) => {
            let lines = report_lines(&error);
            for line in &lines {
                eprintln!("{line}");
            }
            eprintln!(
                "the preview keeps showing the last version that built; fix the problem and save"
            );
            if let Ok(mut served) = shared.served.write() {
                served.overlay = Some(live::overlay(&lines));
            }
        }
    }
}

fn watch_loop(
    mut watcher: watch::SiteWatcher,
    mut session: Session,
    shared: &Shared,
    root: &std::path::Path,
    output_dir: &std::path::Path,
) {
    while shared.running.load(Ordering::SeqCst) {
        let Some(paths) = watcher.next_batch() else {
            return;
        };
        // A source folder created while serving (say templates/) is watched from now on.
        for folder in watch::WATCHED_FOLDERS {
            if paths.iter().any(|p| p == &root.join(folder)) {
                watcher.watch_folder(folder);
            }
        }
        let Some(changes) = watch::classify(root, output_dir, &paths) else {
            continue;
        };
        rebuild(&mut session, shared, Some(&changes));
        shared.live.publish(if changes.css_only {
            Change::Css
        } else {
            Change::Page
        });
    }
}

fn handle(request: tiny_http::Request, shared: &Shared) {
    let url = request.url().to_string();
    let method = request.method().clone();
    let allowed = matches!(method, tiny_http::Method::Get | tiny_http::Method::Head);
    if allowed && url == "/__hub/events" {
        stream(request, shared);
        return;
    }
    let reply = if !allowed {
        let mut reply = http::Reply {
            status: 405,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: b"Method Not Allowed".to_vec(),
        };
        reply.headers.push(("Allow", "GET, HEAD".into()));
        reply
    } else if url.split('?').next() == Some("/__hub/live.js") {
        http::Reply {
            status: 200,
            headers: vec![
                ("Content-Type", "text/javascript; charset=utf-8".into()),
                ("Cache-Control", "no-store".into()),
            ],
            body: live::SCRIPT.as_bytes().to_vec(),
        }
    } else {
        let if_none_match = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("If-None-Match"))
            .map(|h| h.value.to_string());
        let (files, overlay) = match shared.served.read() {
            Ok(served) => (Arc::clone(&served.files), served.overlay.clone()),
            Err(_) => return,
        };
        let script = live::script_tag(shared.live.generation());
        let injection = http::Injection {
            script: &script,
            overlay: overlay.as_deref(),
            site_root: &shared.site_root,
        };
        http::respond(&files, &url, if_none_match.as_deref(), &injection)
    };
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    for (name, value) in reply.headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    let _ = request.respond(response);
}

fn stream(request: tiny_http::Request, shared: &Shared) {
    let writer = request.into_writer();
    live::stream_events(writer, &shared.live, &shared.running);
}

/// Opens the preview in the user's browser; a failure only costs a message.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(command)
        .arg(url)
        .spawn()
        .is_err()
    {
        println!("open {url} in your browser");
    }
}
