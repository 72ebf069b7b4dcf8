//! Where the browser tests (tests/browser.rs, tests/live_reload.rs) and the HTML validator
//! test (tests/html_validator.rs) find Chromium, ChromeDriver, axe-core, Java and the Nu Html
//! Checker. A missing tool fails the test with what to install and the
//! command that installs it (`./test`): a browser test never passes without having run.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// One tool a browser test may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BrowserTool {
    Chromium,
    ChromeDriver,
    AxeCore,
    Java,
    /// The Nu Html Checker (vnu.jar), the W3C's HTML validator.
    NuChecker,
}

impl BrowserTool {
    /// The environment variable that points at the tool somewhere else.
    fn variable(self) -> &'static str {
        match self {
            BrowserTool::Chromium => "HUB_CHROMIUM",
            BrowserTool::ChromeDriver => "HUB_CHROMEDRIVER",
            BrowserTool::AxeCore => "HUB_AXE_CORE",
            BrowserTool::Java => "HUB_JAVA",
            BrowserTool::NuChecker => "HUB_VNU",
        }
    }

    /// Where `./test` installs the tool.
    fn default_path(self, repo: &Path) -> PathBuf {
        match self {
            BrowserTool::Chromium => PathBuf::from("/usr/bin/chromium"),
            BrowserTool::ChromeDriver => PathBuf::from("/usr/bin/chromedriver"),
            BrowserTool::AxeCore => {
                repo.join("target/browser-deps/node_modules/axe-core/axe.min.js")
            }
            BrowserTool::Java => PathBuf::from("/usr/bin/java"),
            BrowserTool::NuChecker => {
                repo.join("target/browser-deps/node_modules/vnu-jar/build/dist/vnu.jar")
            }
        }
    }

    /// The tool's name and how to install it by hand.
    fn install_hint(self) -> &'static str {
        match self {
            BrowserTool::Chromium => "Chromium (Debian/Ubuntu package `chromium`)",
            BrowserTool::ChromeDriver => "ChromeDriver (Debian/Ubuntu package `chromium-driver`)",
            BrowserTool::AxeCore => {
                "axe-core (`npm install --prefix target/browser-deps axe-core@4` in the repository folder)"
            }
            BrowserTool::Java => "Java (Debian/Ubuntu package `default-jre-headless`)",
            BrowserTool::NuChecker => {
                "the Nu Html Checker (`npm install --prefix target/browser-deps vnu-jar@26` in the repository folder)"
            }
        }
    }
}

/// The paths of the browser tools.
#[derive(Debug)]
pub(crate) struct BrowserTools {
    pub(crate) chromium: PathBuf,
    pub(crate) chromedriver: PathBuf,
    pub(crate) axe: PathBuf,
    pub(crate) java: PathBuf,
    pub(crate) vnu: PathBuf,
}

impl BrowserTools {
    /// Finds the `needed` tools from the environment, or fails the test saying what to install.
    pub(crate) fn find(needed: &[BrowserTool]) -> BrowserTools {
        BrowserTools::locate(needed, super::repo(), |name| std::env::var_os(name))
            .unwrap_or_else(|message| panic!("{message}"))
    }

    /// Finds the `needed` tools, reading variables with `variable` (the environment, or a test's
    /// stand-in). Err says which are missing, where they were looked for, and what to run.
    pub(crate) fn locate(
        needed: &[BrowserTool],
        repo: &Path,
        variable: impl Fn(&str) -> Option<OsString>,
    ) -> Result<BrowserTools, String> {
        let path = |tool: BrowserTool| {
            variable(tool.variable()).map_or_else(|| tool.default_path(repo), PathBuf::from)
        };
        let tools = BrowserTools {
            chromium: path(BrowserTool::Chromium),
            chromedriver: path(BrowserTool::ChromeDriver),
            axe: path(BrowserTool::AxeCore),
            java: path(BrowserTool::Java),
            vnu: path(BrowserTool::NuChecker),
        };
        let missing: Vec<String> = needed
            .iter()
            .filter(|&&tool| !tools.path(tool).is_file())
            .map(|&tool| {
                format!(
                    "{} not found at {} (or set {} to its path)",
                    tool.install_hint(),
                    tools.path(tool).display(),
                    tool.variable()
                )
            })
            .collect();
        if missing.is_empty() {
            return Ok(tools);
        }
        Err(format!(
            "the browser tests cannot run: {}. Run the tests with `./test` in the repository \
             folder: it installs Chromium, ChromeDriver, axe-core, Java and the Nu Html Checker when they are missing, then \
             runs cargo test.",
            missing.join("; ")
        ))
    }

    fn path(&self, tool: BrowserTool) -> &Path {
        match tool {
            BrowserTool::Chromium => &self.chromium,
            BrowserTool::ChromeDriver => &self.chromedriver,
            BrowserTool::AxeCore => &self.axe,
            BrowserTool::Java => &self.java,
            BrowserTool::NuChecker => &self.vnu,
        }
    }
}
