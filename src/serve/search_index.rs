//! The preview's search index after an edit. A partial build (the quick path for an edited
//! page) leaves the index as the last full build made it, because making it again for a large
//! site takes far longer than the edit itself. Once the edit is served, this thread makes the
//! index again from the new model and puts it into the files served, unless a newer build was
//! served meanwhile (whose own request follows). It waits for a pause in the edits and then
//! takes the newest request, dropping the others; it uses one core, so that the next edit's
//! build still has the others.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Duration;

use super::session::SiteFiles;
use super::Shared;
use crate::site::Site;

/// How long no edit must come before the index is made again.
const QUIET: Duration = Duration::from_millis(750);

/// Hands models to the thread that makes their search index.
pub(super) struct SearchRefresher {
    requests: Sender<Request>,
}

struct Request {
    /// The build (`Served::generation`) whose model this is.
    generation: u64,
    site: Arc<Site>,
}

impl SearchRefresher {
    /// Starts the thread; it ends when the refresher is dropped.
    pub(super) fn start(shared: Arc<Shared>) -> SearchRefresher {
        let (requests, received) = mpsc::channel();
        let started = std::thread::Builder::new()
            .name("hub-search-index".into())
            .spawn(move || refresh_loop(&received, &shared));
        if let Err(e) = started {
            // The preview still works; only its search index waits for the next full build.
            eprintln!("warning: cannot start the search index's thread ({e}); the search page shows the site as first built");
        }
        SearchRefresher { requests }
    }

    /// Asks for the index of `site`, the model of build `generation`.
    pub(super) fn request(&self, generation: u64, site: Arc<Site>) {
        // A send fails only when the thread is gone: then there is no one to ask.
        let _ = self.requests.send(Request { generation, site });
    }
}

fn refresh_loop(requests: &Receiver<Request>, shared: &Shared) {
    // One thread, so that the next edit's build keeps the other cores.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "hub-search-index-worker".into())
        .build()
        .ok();
    while let Ok(mut request) = requests.recv() {
        // Wait for a pause in the edits: someone typing and saving gets each edit served
        // without this thread taking a core from its build, and the index follows once.
        loop {
            match requests.recv_timeout(QUIET) {
                Ok(newer) => request = newer,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if served_generation(shared) != request.generation {
            continue;
        }
        let make = || crate::search::index_files(&crate::search::documents(&request.site));
        let index = match &pool {
            Some(pool) => pool.install(make),
            None => make(),
        };
        let mut served = shared
            .served
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if served.generation == request.generation {
            served.files = Arc::new(with_index(&served.files, index));
        }
    }
}

fn served_generation(shared: &Shared) -> u64 {
    shared
        .served
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .generation
}

/// `files` with their search index replaced by `index` (shards and chunks come and go with
/// the content, so the old index goes whole; the search page is not part of it).
fn with_index(files: &SiteFiles, index: Vec<crate::output::OutputFile>) -> SiteFiles {
    let mut files = files.clone();
    files.retain(|path, _| !crate::search::is_index_file(path));
    files.extend(index.into_iter().map(|f| (f.path.clone(), Arc::new(f))));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{OutputContent, OutputFile};

    fn file(path: &str) -> (String, Arc<OutputFile>) {
        (
            path.to_string(),
            Arc::new(OutputFile {
                path: path.to_string(),
                content: OutputContent::Bytes(Vec::new()),
            }),
        )
    }

    #[test]
    fn the_old_index_goes_whole_and_the_rest_stays() {
        let files: SiteFiles = [
            "index.html",
            "search/index.html",
            "search/index.json",
            "search/terms/0.json",
            "search/terms/1.json",
            "search/docs/0.json",
            "searching/index.html",
        ]
        .into_iter()
        .map(file)
        .collect();
        let index = vec![
            Arc::unwrap_or_clone(file("search/index.json").1),
            Arc::unwrap_or_clone(file("search/terms/0.json").1),
        ];
        let paths: Vec<String> = with_index(&files, index).into_keys().collect();
        assert_eq!(
            paths,
            [
                "index.html",
                "search/index.html",
                "search/index.json",
                "search/terms/0.json",
                "searching/index.html"
            ]
        );
    }
}
