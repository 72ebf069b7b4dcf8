//! `hub`: a static-site generator for social care organisations' public social media guides.
//! The build is a pipeline ([`pipeline`]): load ([`config`], [`content`], `data`) → model
//! (`site`) → render (`render`) → gate (`check::gate`) → write (`output`). The
//! commands live in [`commands`] (build, check), [`serve`] and [`scaffold`] (init, new).

mod address;
mod authors;
mod cards;
pub mod check;
pub mod clock;
pub mod commands;
mod components;
pub mod config;
pub mod content;
mod data;
pub mod error;
mod fields;
#[doc(hidden)]
pub mod fuzz_entry;
#[doc(hidden)]
pub mod images;
pub mod markdown;
mod output;
pub mod pipeline;
mod render;
pub mod rules;
pub mod scaffold;
mod search;
pub mod serve;
mod site;
pub mod source;
mod suggest;
mod survey;

use std::path::{Path, PathBuf};

pub use error::{Diagnostic, Error, Result};

/// Stack for each of rayon's threads, which render the pages: templates whose macros call
/// themselves (a table of contents, a menu) need room for each level. Reserved, not used:
/// the memory is only taken as deep templates need it.
const RENDER_THREAD_STACK: usize = 64 * 1024 * 1024;

/// Sets up the threads that render pages with room for deep templates; call once, first.
/// Does nothing when rayon's threads were already started.
pub fn prepare_threads() {
    // An error only means the pool exists already (in tests that call the library twice).
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(RENDER_THREAD_STACK)
        .build_global();
}

/// Finds the site root: `start` or the nearest folder above it that has a `site.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let absolute = std::path::absolute(start).map_err(|e| Error::io(start, e))?;
    for dir in absolute.ancestors() {
        if dir.join(config::CONFIG_FILE).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    Err(Error::Usage(format!(
        "no site.toml in {} or any folder above it; run `hub init` to start a site, or pass --root DIR",
        absolute.display()
    )))
}
