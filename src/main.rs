//! The `hub` command line: parses arguments, calls the library, prints results and errors
//! for people. Exit status: 0 success, 1 problems in the site, 2 usage errors.

use std::path::PathBuf;

/// mimalloc: the build allocates many small strings on two threads at once, where the
/// system allocator spends a noticeable share of the time (measured with perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hub::check::Severity;
use hub::commands::build::{BuildReport, BuildSettings};
use hub::Error;

#[derive(Parser)]
#[command(
    name = "hub",
    version,
    about = "Build, preview and check your organisation's social media guide"
)]
struct Cli {
    /// The site folder (default: this folder, or the nearest one above it with a site.toml)
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new site: site.toml, content/ with starter pages, static/
    Init {
        /// Where to create the site (default: this folder)
        dir: Option<PathBuf>,
        /// Write the starter files even if the folder already has a site
        #[arg(long)]
        force: bool,
    },
    /// Create a new draft page with its front matter filled in
    New {
        /// Section and name, e.g. tips/follow-thirty
        path: String,
        /// The page's title (default: made from its name)
        #[arg(long)]
        title: Option<String>,
    },
    /// Build the site into the output folder
    Build {
        /// Write the site here instead of output_dir
        #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// Use this address instead of base_url from site.toml
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include draft pages
        #[arg(long)]
        drafts: bool,
        /// Publish even though the privacy check found personal data
        #[arg(long)]
        allow_privacy: bool,
    },
    /// Check the site before it goes public: links, privacy, accessibility, plain language
    Check {
        /// Fail on warnings too, not only on errors
        #[arg(long)]
        strict: bool,
        /// How to print the findings: text for people, json (one object a line) for CI
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
    },
    /// Preview the site at http://127.0.0.1:1111/, rebuilding and reloading as you edit
    Serve {
        /// Address to listen on (default: this computer only)
        #[arg(
            short = 'i',
            long = "interface",
            value_name = "ADDR",
            default_value = "127.0.0.1"
        )]
        interface: std::net::IpAddr,
        /// Port to listen on
        #[arg(
            short = 'p',
            long = "port",
            value_name = "PORT",
            default_value_t = 1111
        )]
        port: u16,
        /// Include draft pages
        #[arg(long)]
        drafts: bool,
        /// Open the preview in your browser
        #[arg(long)]
        open: bool,
        /// Do not rebuild when files change
        #[arg(long)]
        no_watch: bool,
    },
}

/// Output of `hub check`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    // Before any thread starts: threads inherit the signal mask of the one that starts them.
    block_file_size_signal();
    hub::prepare_threads();
    let cli = Cli::parse();
    // Only `build` publishes; the others should not claim that nothing was.
    let publishes = matches!(cli.command, Command::Build { .. });
    match run(cli) {
        Ok(code) => code,
        Err(e) => report(&e, publishes),
    }
}

/// A file size limit (`ulimit -f`) would kill hub with SIGXFSZ half-way through writing;
/// blocked, the write fails with EFBIG instead, which hub explains and cleans up after.
/// Done first, so that every thread started later inherits the mask.
fn block_file_size_signal() {
    #[cfg(unix)]
    {
        use nix::sys::signal::{pthread_sigmask, SigSet, SigmaskHow, Signal};
        let mut set = SigSet::empty();
        set.add(Signal::SIGXFSZ);
        let _ = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None);
    }
}

/// What to type after `hub init`, for the `hub` this shell would run.
fn init_next_steps(dir: &std::path::Path) -> Vec<String> {
    let running = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("hub"));
    let on_path = std::env::var_os("PATH").and_then(|path| hub::scaffold::find_on_path(&path));
    // The folder this program was built from, while it is still there to install from.
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = source.join("Cargo.toml").is_file().then_some(source);
    hub::scaffold::next_steps(dir, &running, on_path.as_deref(), source)
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let start = cli.root.clone().unwrap_or_else(|| PathBuf::from("."));
    match cli.command {
        Command::Init { dir, force } => {
            let dir = dir.or(cli.root).unwrap_or_else(|| PathBuf::from("."));
            let written = hub::scaffold::init(&dir, force)?;
            println!(
                "created a new site with {} files in {}",
                written.len(),
                dir.display()
            );
            for line in init_next_steps(&dir) {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::New { path, title } => {
            let root = hub::find_root(&start)?;
            let today = chrono::Local::now().date_naive();
            let page = hub::scaffold::new_page(&root, &path, title.as_deref(), today)?;
            let shown = page.path.strip_prefix(&root).unwrap_or(&page.path);
            let state = if page.draft {
                "a draft: remove `draft = true` to publish it"
            } else {
                "not a draft: it is published at the next build"
            };
            println!(
                "created {} from {} ({state})",
                hub::error::display_path(shown),
                page.archetype
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Build {
            output_dir,
            base_url,
            drafts,
            allow_privacy,
        } => {
            let root = hub::find_root(&start)?;
            let report = hub::commands::build::build(&BuildSettings {
                root: root.clone(),
                output_dir,
                base_url,
                drafts,
                allow_privacy,
            })?;
            print_warnings(&report.warnings);
            println!("{}", summary(&report, &root));
            if report.privacy_findings > 0 {
                eprintln!(
                    "warning: published with {} possible personal data {} (--allow-privacy); `hub check` lists them",
                    report.privacy_findings,
                    plural(report.privacy_findings, "finding", "findings")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            interface,
            port,
            drafts,
            open,
            no_watch,
        } => {
            let root = hub::find_root(&start)?;
            hub::serve::serve(hub::serve::ServeSettings {
                root,
                interface,
                port,
                drafts,
                open,
                watch: !no_watch,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { strict, format } => {
            let root = hub::find_root(&start)?;
            let started = std::time::Instant::now();
            let report = hub::commands::check::check(&root, hub::clock::today()?)?;
            print_check(&report, format, started.elapsed());
            let errors = report.count(Severity::Error);
            let failed = errors > 0 || (strict && report.count(Severity::Warning) > 0);
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Prints problems that did not stop the build, on stderr like errors.
fn print_warnings(warnings: &[hub::Diagnostic]) {
    for line in warnings.iter().flat_map(hub::error::warning_lines) {
        eprintln!("{line}");
    }
}

/// Prints the findings: for people, or one JSON object a line for CI (the summary then goes
/// to stderr, so that stdout stays pure JSON).
fn print_check(
    report: &hub::check::CheckReport,
    format: CheckFormat,
    elapsed: std::time::Duration,
) {
    for finding in &report.findings {
        match format {
            CheckFormat::Json => println!("{}", serde_json::to_string(finding).unwrap_or_default()),
            CheckFormat::Text => {
                let severity = if finding.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                println!(
                    "{severity}: {}:{}:{}: {} [{}]\n  fix: {}",
                    finding.file,
                    finding.line,
                    finding.column,
                    finding.message,
                    finding.rule,
                    finding.fix
                );
            }
        }
    }
    let (errors, warnings) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    let summary = format!(
        "checked {} {} in {} ms: {} {}, {} {}",
        thousands(report.files),
        plural(report.files, "file", "files"),
        thousands(elapsed.as_millis() as usize),
        errors,
        plural(errors, "error", "errors"),
        warnings,
        plural(warnings, "warning", "warnings")
    );
    match format {
        CheckFormat::Json => eprintln!("{summary}"),
        CheckFormat::Text => println!("{summary}"),
    }
}

/// `built 1,204 pages, 12 sections, 31 tags in 412 ms → public/`
fn summary(report: &BuildReport, root: &std::path::Path) -> String {
    let shown = report
        .output_dir
        .strip_prefix(root)
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|_| report.output_dir.clone());
    format!(
        "built {} {}, {} {}, {} {} in {} ms → {}/",
        thousands(report.pages),
        plural(report.pages, "page", "pages"),
        thousands(report.sections),
        plural(report.sections, "section", "sections"),
        thousands(report.tags),
        plural(report.tags, "tag", "tags"),
        thousands(report.elapsed.as_millis() as usize),
        hub::error::display_path(&shown)
    )
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// `1204` → `1,204`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn report(error: &Error, publishes: bool) -> ExitCode {
    for line in hub::error::report_lines(error) {
        eprintln!("{line}");
    }
    match error {
        Error::Site(problems) => {
            let n = problems.len();
            let found = format!("{n} {} found", plural(n, "problem", "problems"));
            if publishes {
                eprintln!("{found}; nothing was published (the output folder is unchanged)");
            } else {
                eprintln!("{found}");
            }
            ExitCode::from(1)
        }
        Error::Usage(_) => ExitCode::from(2),
        Error::Io { .. } | Error::Serve(_) => ExitCode::from(1),
    }
}
