//! `hub serve`: builds the site in memory with the base URL pointed at the local address,
//! serves it over a small bounded HTTP/1.1 layer ([`connection`]), rebuilds when sources change and reloads open tabs. A build that
//! fails keeps the last good site on show, with the problems over every page. Nothing is
//! written to the output folder: previewing never touches what will be published.

mod connection;
mod http;
mod live;
mod search_index;
pub mod session;
mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::error::{report_lines, Error, Result};
use crate::pipeline::BuildSettings;
use connection::{Counter, Incoming, Method};
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
    /// Counts the builds served, so that work done for one build (the search index) is
    /// never put over a newer one's files.
    generation: u64,
}

/// The state shared by the request threads and the watcher.
struct Shared {
    served: RwLock<Served>,
    live: Live,
    running: AtomicBool,
    /// The site folder, resolved, for checking files read at request time.
    site_root: PathBuf,
    /// Whether the server listens on a loopback address only: then requests must name
    /// localhost or a loopback address in their Host (see [`connection::is_loopback_host`]).
    loopback_only: bool,
    /// Open live-reload event streams, within [`connection::MAX_EVENT_STREAMS`].
    event_streams: Arc<Counter>,
    /// What each build is asked for, to start a session afresh after an internal error.
    build_settings: BuildSettings,
}

/// Runs the preview server until Ctrl-C.
pub fn serve(settings: ServeSettings) -> Result<()> {
    let address = SocketAddr::new(settings.interface, settings.port);
    let listener = TcpListener::bind(address).map_err(|e| bind_error(&settings, &e.to_string()))?;
    let port = listener.local_addr().map_or(settings.port, |a| a.port());
    let base_url = local_base_url(settings.interface, port);

    let build_settings = BuildSettings {
        root: settings.root.clone(),
        base_url: Some(base_url.clone()),
        drafts: settings.drafts,
        output_dir: None,
        // Nothing is published by a preview; `hub build` and `hub check` guard privacy.
        allow_privacy: true,
    };
    let mut session = Session::new(build_settings.clone());
    let shared = Arc::new(Shared {
        served: RwLock::new(Served {
            files: Arc::new(SiteFiles::new()),
            overlay: None,
            generation: 0,
        }),
        live: Live::default(),
        running: AtomicBool::new(true),
        site_root: std::fs::canonicalize(&settings.root).unwrap_or_else(|_| settings.root.clone()),
        loopback_only: settings.interface.is_loopback(),
        event_streams: Arc::new(Counter::default()),
        build_settings,
    });
    rebuild(&mut session, &shared, None, None);

    // Ctrl-C wakes the accept loop below with a connection of its own, so that it sees the
    // flag and stops.
    let wake = SocketAddr::new(
        if settings.interface.is_unspecified() {
            match settings.interface {
                IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            }
        } else {
            settings.interface
        },
        port,
    );
    let stop_flag = Arc::clone(&shared);
    ctrlc::set_handler(move || {
        stop_flag.running.store(false, Ordering::SeqCst);
        stop_flag.live.publish(Change::Page);
        let _ = TcpStream::connect_timeout(&wake, std::time::Duration::from_secs(1));
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
        // The same stack as the main thread, which ran the first build: an edit must not
        // overflow where the first build did not.
        std::thread::Builder::new()
            .name("hub-watch".into())
            .stack_size(8 * 1024 * 1024)
            .spawn(move || watch_loop(watcher, session, &watch_shared, &root, &output_dir))
            .map_err(|e| Error::Serve(format!("cannot start watching the site: {e}")))?;
    }

    if !settings.interface.is_loopback() {
        eprintln!("{}", network_warning(settings.interface));
    }
    // Said only once the watcher runs, so that an edit made right after is not missed.
    println!("serving {base_url}/ (press Ctrl-C to stop)");
    if settings.open {
        open_browser(&format!("{base_url}/"));
    }
    accept_loop(&listener, &shared);
    println!("stopped");
    Ok(())
}

/// The warning printed when the preview listens beyond this computer.
fn network_warning(interface: IpAddr) -> String {
    format!(
        "warning: the preview is listening on {interface}, so other computers on your network \
         can open this draft of your site, unpublished edits included; to keep it on this \
         computer only, press Ctrl-C and run hub serve without --interface"
    )
}

/// Accepts connections until Ctrl-C, each on a thread of its own with a small stack, at most
/// [`connection::MAX_CONNECTIONS`] at once: one more is told 503 and closed, so a flood of
/// connections (or of tabs) cannot exhaust threads or memory.
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let open = Arc::new(Counter::default());
    for stream in listener.incoming() {
        if !shared.running.load(Ordering::SeqCst) {
            break;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(_) => {
                // Out of file descriptors, say: wait for connections to close, do not spin.
                std::thread::sleep(std::time::Duration::from_millis(20));
                continue;
            }
        };
        let Some(slot) = Counter::take(&open, connection::MAX_CONNECTIONS) else {
            connection::turn_away(stream);
            continue;
        };
        let shared = Arc::clone(shared);
        // A thread that cannot start drops its closure, and with it the connection and slot.
        let _ = std::thread::Builder::new()
            .name("hub-connection".into())
            .stack_size(connection::STACK_SIZE)
            .spawn(move || {
                let _slot = slot;
                serve_connection(stream, &shared);
            });
    }
}

/// Answers the requests of one connection until it closes, stays quiet, or asks to close.
fn serve_connection(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(connection::WRITE_TIMEOUT));
    let mut buffer = Vec::new();
    let mut fresh = true;
    loop {
        match connection::read_request(&mut stream, &mut buffer, fresh) {
            Incoming::Closed => return,
            Incoming::Refused(status) => {
                connection::refuse(&mut stream, status, &[]);
                return;
            }
            Incoming::Request(request) => {
                fresh = false;
                if !handle_request(&request, &mut stream, shared) || !request.keep_alive {
                    if !request.keep_alive {
                        connection::close_gently(&mut stream);
                    }
                    return;
                }
            }
        }
    }
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
fn rebuild(
    session: &mut Session,
    shared: &Shared,
    changes: Option<&watch::ChangeSet>,
    refresher: Option<&search_index::SearchRefresher>,
) {
    let content_only = changes.is_some_and(|c| c.content_only);
    let started = Instant::now();
    let changed: &[String] = changes.map_or(&[], |c| c.paths.as_slice());
    // A panic is a bug in hub, not in the site: the preview reports it and keeps serving the
    // last good site, and the next edit is built from scratch.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        session.build(content_only, changed)
    }))
    .unwrap_or_else(|_| {
        *session = Session::new(shared.build_settings.clone());
        Err(Error::Serve(
            "hub failed on an internal error while building this edit (a bug in hub, not in \
             your site); save again to retry, and please report it with the file you changed"
                .to_string(),
        ))
    });
    match built {
        Ok(build) => {
            let generation = {
                let mut served = shared
                    .served
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                served.files = build.files;
                served.overlay = None;
                served.generation += 1;
                served.generation
            };
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
            // After the edit is served and reported, on a thread of its own: the search index
            // of the new text (a partial build leaves it as it was).
            if let (Some(refresher), Some(site)) = (refresher, session.stale_search_site()) {
                refresher.request(generation, site);
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
            shared
                .served
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .overlay = Some(live::overlay(&lines));
        }
    }
}

fn watch_loop(
    mut watcher: watch::SiteWatcher,
    mut session: Session,
    shared: &Arc<Shared>,
    root: &std::path::Path,
    output_dir: &std::path::Path,
) {
    let refresher = search_index::SearchRefresher::start(Arc::clone(shared));
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
        rebuild(&mut session, shared, Some(&changes), Some(&refresher));
        shared.live.publish(if changes.css_only {
            Change::Css
        } else {
            Change::Page
        });
    }
}

/// Answers one request; false when the connection must end (an event stream ended, a
/// refusal, a failed write).
fn handle_request(request: &connection::Request, stream: &mut TcpStream, shared: &Shared) -> bool {
    let allow = [("Allow", "GET, HEAD".to_string())];
    if shared.loopback_only
        && !request
            .host
            .as_deref()
            .is_some_and(connection::is_loopback_host)
    {
        connection::refuse(stream, 403, &[]);
        return false;
    }
    match request.method {
        Method::Get | Method::Head => {}
        Method::Other => {
            let status = 405;
            let headers = [
                ("Content-Type", "text/plain; charset=utf-8".to_string()),
                allow[0].clone(),
            ];
            let body = b"Method Not Allowed: the preview answers GET and HEAD only.";
            return connection::write_reply(
                stream,
                status,
                &headers,
                body,
                false,
                request.keep_alive,
            )
            .is_ok();
        }
        Method::Unknown => {
            connection::refuse(stream, 501, &allow);
            return false;
        }
    }
    let Some(path) = request.path.as_deref() else {
        connection::refuse(stream, 400, &[]);
        return false;
    };
    let head_only = request.method == Method::Head;
    let route = path.split(['?', '#']).next().unwrap_or_default();
    if route == "/__hub/events" {
        let Some(_slot) = Counter::take(&shared.event_streams, connection::MAX_EVENT_STREAMS)
        else {
            connection::refuse(stream, 503, &[]);
            return false;
        };
        let head = connection::reply_head(
            200,
            &[
                ("Content-Type", "text/event-stream".to_string()),
                ("Cache-Control", "no-store".to_string()),
                ("X-Accel-Buffering", "no".to_string()),
            ],
            None,
            false,
        );
        if head_only {
            let _ = std::io::Write::write_all(stream, head.as_bytes());
        } else {
            let probe = stream.try_clone().ok();
            let closed = move || probe.as_ref().is_some_and(peer_closed);
            live::stream_events(&mut *stream, &head, &shared.live, &shared.running, closed);
        }
        return false;
    }
    let reply = if route == "/__hub/live.js" {
        http::Reply {
            status: 200,
            headers: vec![
                ("Content-Type", "text/javascript; charset=utf-8".into()),
                ("Cache-Control", "no-store".into()),
            ],
            body: live::SCRIPT.as_bytes().to_vec(),
            file: None,
        }
    } else {
        let (files, overlay) = {
            let served = shared
                .served
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (Arc::clone(&served.files), served.overlay.clone())
        };
        let script = live::script_tag(shared.live.generation());
        let injection = http::Injection {
            script: &script,
            overlay: overlay.as_deref(),
            site_root: &shared.site_root,
        };
        let reply = http::respond(&files, path, request.header("If-None-Match"), &injection);
        http::apply_range(reply, request.header("Range"), request.header("If-Range"))
    };
    match &reply.file {
        Some(file) => connection::write_file_reply(
            stream,
            reply.status,
            &reply.headers,
            &file.path,
            file.start,
            file.length,
            head_only,
            request.keep_alive,
        ),
        None => connection::write_reply(
            stream,
            reply.status,
            &reply.headers,
            &reply.body,
            head_only,
            request.keep_alive,
        ),
    }
    .is_ok()
}

/// Whether the other end of `stream` has closed it, without waiting: a tab that went away.
fn peer_closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut byte = [0u8; 1];
    let closed = match stream.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    };
    let _ = stream.set_nonblocking(false);
    closed
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
