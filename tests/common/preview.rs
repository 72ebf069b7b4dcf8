//! A running `hub serve` for the tests that talk to it: started on an ephemeral port
//! (`-p 0`), its output collected line by line, and killed (and reaped) when dropped, whatever
//! the test did. Every wait has a deadline, so a broken server fails a test instead of hanging
//! it or outliving it.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long the first build may take before the server must say where it listens.
const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long the process may take to stop after Ctrl-C.
const STOP_DEADLINE: Duration = Duration::from_secs(10);

pub(crate) struct Preview {
    child: Option<Child>,
    pub(crate) port: u16,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

/// Reads a pipe line by line into `lines` until it closes.
fn collect_lines<R: Read + Send + 'static>(pipe: R, lines: Arc<Mutex<Vec<String>>>) {
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            match line {
                Ok(line) => lines.lock().unwrap().push(line),
                Err(_) => break,
            }
        }
    });
}

impl Preview {
    /// Runs `hub serve -p 0 <args>` in `root` and waits for its `serving http://HOST:PORT/`.
    pub(crate) fn start(root: &Path, args: &[&str]) -> Preview {
        Preview::start_with_env(root, args, &[])
    }

    /// [`Preview::start`] with these environment variables set for the server.
    pub(crate) fn start_with_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Preview {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("hub"))
            .current_dir(root)
            .envs(env.iter().copied())
            .args(["serve", "-p", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start hub serve");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        collect_lines(child.stdout.take().expect("stdout"), Arc::clone(&stdout));
        collect_lines(child.stderr.take().expect("stderr"), Arc::clone(&stderr));
        let mut server = Preview {
            child: Some(child),
            port: 0,
            stdout,
            stderr,
        };
        let deadline = Instant::now() + START_DEADLINE;
        loop {
            let found = server.stdout_lines().iter().find_map(|line| {
                let rest = line.strip_prefix("serving http://")?;
                let (_, port) = rest.rsplit_once(':')?;
                port.split('/').next()?.parse::<u16>().ok()
            });
            if let Some(port) = found {
                server.port = port;
                return server;
            }
            if let Ok(Some(status)) = server.child_mut().try_wait() {
                thread::sleep(Duration::from_millis(200)); // let the readers catch up
                panic!(
                    "hub serve exited with {status} before serving\n{}",
                    server.transcript()
                );
            }
            assert!(
                Instant::now() < deadline,
                "hub serve did not print `serving http://HOST:PORT/` within {START_DEADLINE:?}\n{}",
                server.transcript()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn child_mut(&mut self) -> &mut Child {
        self.child.as_mut().expect("the server is running")
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().expect("the server is running").id()
    }

    pub(crate) fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    pub(crate) fn stderr_lines(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// Everything the server printed so far, for failure messages.
    pub(crate) fn transcript(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout_lines().join("\n"),
            self.stderr_lines().join("\n")
        )
    }

    /// Whether the process is still running (it has not exited or crashed).
    pub(crate) fn is_running(&mut self) -> bool {
        self.child_mut().try_wait().expect("wait").is_none()
    }

    /// The server's thread count, from /proc (Linux only; `None` elsewhere).
    pub(crate) fn threads(&self) -> Option<usize> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse().ok())
    }

    /// Sends SIGINT (Ctrl-C) and waits for the process to end.
    pub(crate) fn interrupt(&mut self) -> ExitStatus {
        let status = Command::new("kill")
            .args(["-INT", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -INT failed: {status}");
        let deadline = Instant::now() + STOP_DEADLINE;
        loop {
            if let Some(status) = self.child_mut().try_wait().expect("wait") {
                thread::sleep(Duration::from_millis(200)); // let the readers catch up
                self.child = None;
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "hub serve was still running {STOP_DEADLINE:?} after Ctrl-C\n{}",
                self.transcript()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
