//! `hub check`: settings → the pipeline's render in memory (writing nothing) → every rule of
//! [`crate::check`] over the sources and the rendered site → a report. The rendered site (or
//! the problems that stopped it) is handed to the rules here, so that `check` never needs to
//! call the pipeline that calls it for the gate.

use std::path::Path;

use crate::check::{self, CheckReport};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::pipeline::render_site_from;

/// `hub check`: builds in memory (writing nothing) and runs every rule, as of `today`.
pub fn check(root: &Path, today: chrono::NaiveDate) -> Result<CheckReport> {
    let config = Config::load(root)?;
    let (content, load_problems) = crate::content::load(root);
    let rendered = render_site_from(
        root,
        config.clone(),
        false,
        content.clone(),
        load_problems.clone(),
    );
    let rendered = match rendered {
        Ok(rendered) => Ok(rendered),
        // Problems the build found are findings; anything else (a folder that cannot be
        // read) stops the check as it stops the build.
        Err(Error::Site(problems)) => Err(problems),
        Err(other) => return Err(other),
    };
    Ok(check::run(
        root,
        &config,
        &content,
        &load_problems,
        rendered.as_ref().map_err(Vec::as_slice),
        today,
    ))
}
