//! `images/location`: photos that record where they were taken. hub strips the position
//! from what it publishes (see `crate::images`); this rule tells the writer that the file
//! they hold still has it. Reads what the build's image catalogue found; no IO.

use std::collections::HashSet;
use std::path::Path;

use super::Finding;
use crate::rules::IMAGES_LOCATION;
use crate::site::Site;

/// A finding for each page line that shows a located photo, and one for each located image
/// file that no page shows (named by its file).
pub(super) fn findings(root: &Path, site: &Site) -> Vec<Finding> {
    let mut shown = HashSet::new();
    let mut findings: Vec<Finding> = site
        .pages
        .iter()
        .map(|p| &p.rendered)
        .chain(site.sections.iter().map(|s| &s.rendered))
        .flat_map(|r| &r.images)
        .filter(|u| u.info.has_location)
        .map(|u| {
            shown.insert(u.source.as_path());
            finding(
                crate::error::display_path(&u.file),
                (u.line, u.column),
                &u.written,
            )
        })
        .collect();
    for source in site.images.located() {
        if !shown.contains(source) {
            let file = crate::error::display_path(&crate::content::site_relative(root, source));
            findings.push(finding(file.clone(), (1, 1), &file));
        }
    }
    findings
}

fn finding(file: String, (line, column): (usize, usize), image: &str) -> Finding {
    Finding {
        file,
        line,
        column,
        rule: IMAGES_LOCATION.id,
        severity: IMAGES_LOCATION.severity,
        message: format!(
            "the photo {image} records where it was taken (a GPS position in its EXIF data)"
        ),
        fix: IMAGES_LOCATION.fixed_fix().to_string(),
    }
}
