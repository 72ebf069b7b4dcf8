//! The search page at `/search/` (template `search.html`), what every page's header box
//! needs to know (`search` in templates), and the index files (built by `crate::search`).

use serde::Serialize;
use tera::Context;

use super::templates::{Templates, DEFAULT_THEME};
use crate::config::Config;
use crate::error::Diagnostic;
use crate::output::{OutputContent, OutputFile};
use crate::site::Site;

/// Where hub writes its search page.
pub(super) const SEARCH_PATH: &str = "/search/";
/// Where the search box sends a query when the script has not run: a web search engine
/// that searches one site's pages (`sites=`), and keeps no profile of the person searching.
const WEB_SEARCH: &str = "https://duckduckgo.com/";

/// `search` in every template: whether the site has search, and where the box sends queries.
#[derive(Debug, Clone, Serialize)]
pub(super) struct SearchView {
    pub(super) enabled: bool,
    /// The search page's absolute URL (the script points the box here).
    page_url: String,
    /// The index the search page loads.
    index_url: String,
    /// Without the script, the box asks this web search engine...
    web_search: &'static str,
    /// ...for pages of this host (base_url's), as `sites=`.
    site_host: String,
}

impl SearchView {
    pub(super) fn of(config: &Config) -> SearchView {
        let base = config.base_url.trim_end_matches('/');
        let site_host = url::Url::parse(&config.base_url)
            .ok()
            .and_then(|u| {
                let host = u.host_str()?.to_string();
                let path = u.path().trim_end_matches('/');
                Some(format!("{host}{path}"))
            })
            .unwrap_or_default();
        SearchView {
            enabled: config.search.enabled,
            page_url: format!("{base}{SEARCH_PATH}"),
            index_url: format!("{base}/{}/index.json", crate::search::INDEX_FOLDER),
            web_search: WEB_SEARCH,
            site_host,
        }
    }
}

/// Whether a page, section or alias of the site's own content is at `/search/`: then the
/// site's page wins, as `templates/` and `static/` win over the theme, and hub writes none.
pub(super) fn site_has_own_page(site: &Site) -> bool {
    site.pages.iter().any(|p| p.path == SEARCH_PATH)
        || site.sections.iter().any(|s| s.path == SEARCH_PATH)
        || site
            .aliases
            .iter()
            .any(|a| a.output == super::index_file(SEARCH_PATH))
}

/// Renders `search.html` (the site's, the theme's, else the default theme's).
pub(super) fn render_search_page(
    templates: &Templates,
    base: &Context,
    config: &Config,
) -> Result<OutputFile, Diagnostic> {
    super::render_hubs_page(templates, "search.html", base.clone(), config, SEARCH_PATH)
}

/// The scripts the search page and the header box load, from the default theme.
const SCRIPTS: [&str; 2] = ["search.js", "search-box.js"];

/// The search page (unless the site has its own), the index, and the default theme's scripts
/// when the theme's and the site's static files have none of their own, when search is on.
pub(super) fn search_files(
    site: &Site,
    templates: &Templates,
    base: &Context,
    config: &Config,
    statics: &[OutputFile],
) -> Vec<Result<OutputFile, Diagnostic>> {
    if !config.search.enabled {
        return Vec::new();
    }
    let mut files = Vec::new();
    // A theme folder of the site's own may predate search: its search page would load a
    // script that is not there.
    for script in SCRIPTS {
        if statics.iter().all(|f| f.path != script) {
            if let Some(embedded) = DEFAULT_THEME.get_file(format!("static/{script}")) {
                files.push(Ok(OutputFile {
                    path: script.to_string(),
                    content: OutputContent::Embedded(embedded.contents()),
                }));
            }
        }
    }
    if !site_has_own_page(site) {
        files.push(render_search_page(templates, base, config));
    }
    let documents = crate::search::documents(site);
    files.extend(crate::search::index_files(&documents).into_iter().map(Ok));
    files
}
