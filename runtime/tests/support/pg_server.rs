//! A throwaway PostgreSQL server for tests: `initdb` on a fresh folder, the server on a free
//! loopback port, stopped and removed when the guard drops. Shared by the runtime, engine and
//! CLI tests (`#[path]`-included).
//!
//! The binaries are looked up on `PATH` first, then under `/usr/lib/postgresql/*/bin` (the
//! Debian `postgresql` package). `initdb` refuses to run as root, so as root everything runs
//! as the `postgres` user through `runuser`. Without the binaries [`PgServer::start`] returns
//! `None` unless `CI` is set, where missing binaries fail the test (`.ci/run` installs them).

#![allow(dead_code)] // each test binary uses its own part

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// A running PostgreSQL server; dropping it stops it at once and removes its data.
pub struct PgServer {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    run_as: Option<String>,
}

impl PgServer {
    /// Starts a server, or `None` when PostgreSQL is not installed (and `CI` is unset).
    pub fn start() -> Option<PgServer> {
        let Some(bin) = find_bin_dir() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin"
            );
            eprintln!("PostgreSQL not installed: skipping the Postgres half of this test");
            return None;
        };
        let run_as = is_root().then(|| "postgres".to_owned());
        let data = std::env::temp_dir().join(format!("krl-pg-{}-{}", std::process::id(), next_suffix()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).expect("create the PostgreSQL data folder");
        if let Some(user) = &run_as {
            let status = Command::new("chown")
                .arg(user)
                .arg(&data)
                .status()
                .expect("run chown");
            assert!(status.success(), "chown {user} {}", data.display());
        }
        let port = free_port();
        let server = PgServer {
            bin,
            data,
            port,
            run_as,
        };
        let db = server.data.join("db");
        // --no-sync and fsync=off: the tests kill engines, never the machine.
        server.run_ok(
            "initdb",
            &[
                "-D".as_ref(),
                db.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "--auth=trust".as_ref(),
                "--no-sync".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
            ],
        );
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
            server.data.display()
        );
        let log = server.data.join("server.log");
        server.run_ok(
            "pg_ctl",
            &[
                "-D".as_ref(),
                db.as_os_str(),
                "-o".as_ref(),
                options.as_ref(),
                "-l".as_ref(),
                log.as_os_str(),
                "-w".as_ref(),
                "-t".as_ref(),
                "60".as_ref(),
                "start".as_ref(),
            ],
        );
        Some(server)
    }

    /// A server shared by the tests of this process that run at the same time: started by
    /// the first, stopped when the last one lets go (the next test then starts another).
    pub fn shared() -> Option<Arc<PgServer>> {
        static SHARED: Mutex<Weak<PgServer>> = Mutex::new(Weak::new());
        let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(server) = shared.upgrade() {
            return Some(server);
        }
        let server = Arc::new(PgServer::start()?);
        *shared = Arc::downgrade(&server);
        Some(server)
    }

    /// The URL of a fresh database named `name` on this server, created now.
    pub fn database(&self, name: &str) -> String {
        let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", self.port);
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect as admin");
        // Two statements: PostgreSQL runs a multi-statement string as one transaction, and
        // neither may run inside one.
        client
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\""))
            .expect("drop an old database");
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create a database");
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn run(&self, program: &str, args: &[&std::ffi::OsStr]) -> Output {
        let exe = self.bin.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&exe);
                command
            }
            None => Command::new(&exe),
        };
        command
            .args(args)
            .current_dir(&self.data)
            .output()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", exe.display()))
    }

    fn run_ok(&self, program: &str, args: &[&std::ffi::OsStr]) {
        let out = self.run(program, args);
        assert!(
            out.status.success(),
            "{program} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let db = self.data.join("db");
        let _ = self.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                db.as_os_str(),
                "-m".as_ref(),
                "immediate".as_ref(),
                "stop".as_ref(),
            ],
        );
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// The folder holding `initdb` and `pg_ctl`: `PATH` first, then the Debian package's.
fn find_bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().map(|dir| dir.path().join("bin")).collect())
        .unwrap_or_default();
    // The newest version first.
    debian.sort_by(|a, b| b.cmp(a));
    on_path.into_iter().chain(debian).find(|dir| has_binaries(dir))
}

fn has_binaries(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() && dir.join("postgres").is_file()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A suffix that keeps two servers of one test process apart.
fn next_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
