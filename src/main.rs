//! The `hub` command line: parses arguments, calls the library, prints results and errors
//! for people. Exit status: 0 success, 1 problems in the site, 2 usage errors.

use std::path::PathBuf;

/// mimalloc: the build allocates many small strings on two threads at once, where the
/// system allocator spends a noticeable share of the time (measured with perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hub::build::{BuildReport, BuildSettings};
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e),
    }
}

fn run(cli: Cli) -> Result<(), Error> {
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
            println!("next: cd {} && hub build", dir.display());
            Ok(())
        }
        Command::New { path, title } => {
            let root = hub::find_root(&start)?;
            let today = chrono::Local::now().date_naive();
            let file = hub::scaffold::new_page(&root, &path, title.as_deref(), today)?;
            let shown = file.strip_prefix(&root).unwrap_or(&file);
            println!(
                "created {} (a draft: remove `draft = true` to publish it)",
                hub::error::display_path(shown)
            );
            Ok(())
        }
        Command::Build {
            output_dir,
            base_url,
            drafts,
        } => {
            let root = hub::find_root(&start)?;
            let report = hub::build::build(&BuildSettings {
                root: root.clone(),
                output_dir,
                base_url,
                drafts,
            })?;
            println!("{}", summary(&report, &root));
            Ok(())
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
            })
        }
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

fn report(error: &Error) -> ExitCode {
    for line in hub::error::report_lines(error) {
        eprintln!("{line}");
    }
    match error {
        Error::Site(problems) => {
            let n = problems.len();
            eprintln!(
                "{n} {} found; nothing was published (the output folder is unchanged)",
                plural(n, "problem", "problems")
            );
            ExitCode::from(1)
        }
        Error::Usage(_) => ExitCode::from(2),
        Error::Io { .. } | Error::Serve(_) => ExitCode::from(1),
    }
}
