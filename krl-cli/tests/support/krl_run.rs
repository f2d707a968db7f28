//! `krl run` as a child process: started with `--port`, its banner read for the URL and the
//! two channels, its output collected by reader threads (so a full pipe never blocks it), and
//! stopped with SIGTERM, also when dropped.

// Each test binary that includes this file uses only part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// `POST <url>` with a JSON body; the answer's text, whatever its status.
pub fn post_json(url: &str, body: &serde_json::Value) -> String {
    let response = match ureq::post(url)
        .timeout(Duration::from_secs(20))
        .set("content-type", "application/json")
        .send_string(&body.to_string())
    {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(err) => panic!("request failed: {err}"),
    };
    response.into_string().expect("a text answer")
}

/// A fresh, empty folder under the system's temp dir, named after the test and the process.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// A running `krl run`.
pub struct KrlRun {
    child: Child,
    pub url: String,
    pub port: u16,
    /// The developer channel (every event and query allowed).
    pub eci: String,
    /// The channel tagged `engine, ui`.
    pub ui_eci: String,
    /// The admin token `/api/*` needs (from the banner's admin URL), unless `--no-token`.
    pub token: Option<String>,
    /// When the process was spawned.
    pub started: Instant,
    /// Lines printed on stdout after the banner.
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<JoinHandle<()>>,
}

impl KrlRun {
    /// Starts `krl run --port PORT ARGS...`, with no `PORT`, `PICO_ENGINE_HOME` or
    /// `PICO_ENGINE_BASE_URL` from the environment, and waits for its banner.
    pub fn start<S: AsRef<OsStr>>(port: u16, args: &[S]) -> KrlRun {
        Self::start_command(Command::new(env!("CARGO_BIN_EXE_krl")), port, args)
    }

    /// [`KrlRun::start`] under a limit of `bytes` of address space (`prlimit --as`), as
    /// the runaway and out-of-memory tests run it.
    pub fn start_limited<S: AsRef<OsStr>>(bytes: u64, port: u16, args: &[S]) -> KrlRun {
        Self::start_command(limited_krl(bytes), port, args)
    }

    /// [`KrlRun::start`] with a command of the caller's (extra environment variables).
    pub fn start_with<S: AsRef<OsStr>>(command: Command, port: u16, args: &[S]) -> KrlRun {
        Self::start_command(command, port, args)
    }

    fn start_command<S: AsRef<OsStr>>(command: Command, port: u16, args: &[S]) -> KrlRun {
        Starting::spawn(command, port, args).banner()
    }

    /// Runs a `krl` client command against this engine (`KRL_URL`, `KRL_TOKEN`).
    pub fn krl(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_krl"));
        command
            .args(args)
            .env("KRL_URL", &self.url)
            .env_remove("KRL_TOKEN");
        if let Some(token) = &self.token {
            command.env("KRL_TOKEN", token);
        }
        command.output().expect("krl runs")
    }

    /// The next stdout line that contains `text`, skipping the others; panics when the
    /// engine exits or nothing matching comes within 30 s.
    pub fn wait_for_line(&self, text: &str) -> String {
        wait_for_line(&self.stdout, text)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `within` for the engine to exit by itself; its status and stderr.
    pub fn wait_for_exit(mut self, within: Duration) -> (ExitStatus, String) {
        let deadline = Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("krl is waited for") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "krl run did not exit within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        let stderr = std::mem::take(&mut *self.stderr.lock().expect("stderr lock"));
        (status, stderr)
    }
}

/// The next line of `stdout` that contains `text`, skipping the others; panics when the
/// engine exits or nothing matching comes within 30 s.
fn wait_for_line(stdout: &Receiver<String>, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match stdout.recv_timeout(left) {
            Ok(line) if line.contains(text) => return line,
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => panic!("krl run printed no line with {text:?}"),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("krl run exited before printing {text:?}")
            }
        }
    }
}

impl KrlRun {
    /// Sends SIGTERM and waits; checks the engine said it stopped, and returns the exit
    /// status and everything it printed on stderr.
    pub fn stop(mut self) -> (ExitStatus, String) {
        terminate(&self.child);
        let status = self.child.wait().expect("krl exits");
        let rest: Vec<String> = self.stdout.iter().collect();
        assert!(
            rest.iter().any(|line| line.contains("krl run: stopped")),
            "no graceful stop: {rest:?}"
        );
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        let stderr = std::mem::take(&mut *self.stderr.lock().expect("stderr lock"));
        (status, stderr)
    }
}

/// A `krl run` spawned but not yet serving (engines starting together on a shared store set
/// it up one at a time). Dropping it stops the process.
pub struct Starting {
    child: Option<Child>,
    started: Instant,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<JoinHandle<()>>,
}

impl Starting {
    /// Spawns `krl run --port PORT ARGS...` (environment as [`KrlRun::start`]) without
    /// waiting for anything.
    pub fn krl<S: AsRef<OsStr>>(port: u16, args: &[S]) -> Starting {
        Self::spawn(Command::new(env!("CARGO_BIN_EXE_krl")), port, args)
    }

    fn spawn<S: AsRef<OsStr>>(mut command: Command, port: u16, args: &[S]) -> Starting {
        let started = Instant::now();
        // The shared store's variables only when the caller set them.
        for name in ["KRL_STORE", "KRL_LEASE_SECONDS"] {
            if !command.get_envs().any(|(key, _)| key == name) {
                command.env_remove(name);
            }
        }
        let mut child = command
            .arg("run")
            .args(["--port", &port.to_string()])
            .args(args)
            .env_remove("PORT")
            .env_remove("PICO_ENGINE_HOME")
            .env_remove("PICO_ENGINE_BASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("krl starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        let stderr_reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            sink.lock().expect("stderr lock").push_str(&text);
        });
        let (sender, stdout) = channel();
        let pipe = BufReader::new(child.stdout.take().expect("piped stdout"));
        std::thread::spawn(move || {
            for line in pipe.lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Starting {
            child: Some(child),
            started,
            stdout,
            stderr,
            stderr_reader: Some(stderr_reader),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// The next stdout line that contains `text` (see [`KrlRun::wait_for_line`]).
    pub fn wait_for_line(&self, text: &str) -> String {
        wait_for_line(&self.stdout, text)
    }

    /// Waits for the banner.
    pub fn banner(mut self) -> KrlRun {
        let mut child = self.child.take().expect("not yet started");
        let stdout = std::mem::replace(&mut self.stdout, channel().1);
        let stderr = Arc::clone(&self.stderr);
        let stderr_reader = self.stderr_reader.take().expect("a stderr reader");
        let started = self.started;
        let (mut url, mut eci, mut ui_eci, mut admin) = (None, None, None, None);
        while url.is_none() || eci.is_none() || ui_eci.is_none() || admin.is_none() {
            let Ok(line) = stdout.recv() else {
                let _ = child.wait();
                let _ = stderr_reader.join();
                panic!(
                    "krl run stopped before printing its banner: {}",
                    stderr.lock().expect("stderr lock")
                );
            };
            let first_word = |rest: &str| rest.split_whitespace().next().map(str::to_string);
            if let Some(rest) = line.strip_prefix("krl run: listening on ") {
                url = Some(rest.trim().to_string());
            } else if let Some(rest) = line.trim_start().strip_prefix("channel ") {
                eci = first_word(rest);
            } else if let Some(rest) = line.trim_start().strip_prefix("UI channel ") {
                ui_eci = first_word(rest);
            } else if let Some(rest) = line.trim_start().strip_prefix("admin URL ") {
                admin = first_word(rest);
            }
        }
        let url = url.expect("a URL");
        let port = url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port");
        let token = admin
            .as_deref()
            .and_then(|admin| admin.split_once("?token="))
            .map(|(_, token)| token.to_string());
        KrlRun {
            child,
            url,
            port,
            token,
            eci: eci.expect("a channel"),
            ui_eci: ui_eci.expect("a UI channel"),
            started,
            stdout,
            stderr,
            stderr_reader: Some(stderr_reader),
        }
    }
}

impl Drop for Starting {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&child);
            let _ = child.wait();
        }
    }
}

impl KrlRun {
    /// Kills the engine with SIGKILL (no chance to finish anything) and waits for it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for KrlRun {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            terminate(&self.child);
            let _ = self.child.wait();
        }
    }
}

/// The `krl` binary under a limit of `bytes` of address space; the limit is inherited by
/// what it starts.
pub fn limited_krl(bytes: u64) -> Command {
    let mut command = Command::new("prlimit");
    command
        .arg(format!("--as={bytes}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_krl"));
    command
}

fn terminate(child: &Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
}
