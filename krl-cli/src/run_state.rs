//! The engine's home folder and `<home>/run.json`, the run-state file: where a running
//! `krl run` listens, its admin token and its process id. `krl run` writes it (readable by
//! its owner only) and removes it on a clean exit; the client commands read it, so `krl
//! event|query|pico|logs` find the engine and its token without flags.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The run-state file's name inside the engine's home.
pub const FILE_NAME: &str = "run.json";

/// What a running engine tells its clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunState {
    /// The engine's base URL, e.g. `http://127.0.0.1:3000`.
    pub url: String,
    /// The admin token `/api/*` needs (`None` with `krl run --no-token`).
    pub token: Option<String>,
    pub pid: u32,
}

/// The engine's home: the given folder, else `~/.pico-engine` (as pico-engine).
pub fn engine_home(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(home) = explicit {
        return Ok(home.to_path_buf());
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .ok_or_else(|| anyhow::anyhow!("no home folder: set `PICO_ENGINE_HOME` or pass `--home`"))?;
    Ok(PathBuf::from(home).join(".pico-engine"))
}

impl RunState {
    /// Writes `<home>/run.json` so that only its owner can read it (it holds the token).
    pub fn write(&self, home: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(home)?;
        let path = home.join(FILE_NAME);
        let staging = home.join(format!("{FILE_NAME}.{}", self.pid));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::io::Write::write_all(&mut options.open(&staging)?, text.as_bytes())?;
        std::fs::rename(staging, path)
    }

    /// The run state in `home`, if a readable one is there.
    pub fn read(home: &Path) -> Option<RunState> {
        let text = std::fs::read_to_string(home.join(FILE_NAME)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Removes `<home>/run.json` if it is still this process's (another engine may have
    /// started on the same home since).
    pub fn remove(home: &Path, pid: u32) {
        if RunState::read(home).is_some_and(|state| state.pid == pid) {
            let _ = std::fs::remove_file(home.join(FILE_NAME));
        }
    }
}

/// A new admin token: 32 random bytes in hex.
pub fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    #[cfg(unix)]
    std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut bytes)?;
    #[cfg(not(unix))]
    {
        // std's hasher keys come from the OS's random source; SipHash under a secret key
        // is a pseudo-random function.
        use std::hash::{BuildHasher, Hasher};
        let state = std::collections::hash_map::RandomState::new();
        for (idx, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut hasher = state.build_hasher();
            hasher.write_usize(idx);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
    }
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether two base URLs name the same engine: same port, and the same host or two
/// loopback names (`localhost` and `127.0.0.1` are one machine).
pub fn same_engine(a: &str, b: &str) -> bool {
    match (host_and_port(a), host_and_port(b)) {
        (Some((host_a, port_a)), Some((host_b, port_b))) => {
            port_a == port_b
                && (host_a.eq_ignore_ascii_case(&host_b) || (is_loopback(&host_a) && is_loopback(&host_b)))
        }
        _ => false,
    }
}

fn host_and_port(url: &str) -> Option<(String, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    };
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = after
            .strip_prefix(':')
            .map_or(Some(default_port), |p| p.parse().ok())?;
        return Some((host.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((host.to_string(), port.parse().ok()?)),
        None => Some((authority.to_string(), default_port)),
    }
}

/// Whether a host name or address stays on this machine.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_are_one_engine() {
        assert!(same_engine("http://localhost:3000", "http://127.0.0.1:3000/"));
        assert!(same_engine("http://[::1]:3000", "http://localhost:3000"));
        assert!(!same_engine("http://localhost:3000", "http://localhost:3001"));
        assert!(!same_engine("http://evil.example:3000", "http://127.0.0.1:3000"));
        assert!(same_engine(
            "https://picos.example.org",
            "https://picos.example.org:443/"
        ));
    }

    #[test]
    fn run_state_is_private_and_removed_only_by_its_owner() {
        let home = std::env::temp_dir().join(format!("krl-run-state-{}", std::process::id()));
        let state = RunState {
            url: "http://127.0.0.1:1".to_string(),
            token: Some(new_token().expect("a token")),
            pid: 7,
        };
        state.write(&home).expect("written");
        assert_eq!(RunState::read(&home), Some(state.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(home.join(FILE_NAME))
                .expect("the file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        RunState::remove(&home, 8);
        assert!(RunState::read(&home).is_some());
        RunState::remove(&home, 7);
        assert!(RunState::read(&home).is_none());
        assert_eq!(state.token.as_ref().map(String::len), Some(64));
        let _ = std::fs::remove_dir_all(&home);
    }
}
