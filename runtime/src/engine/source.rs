//! Where a registered URL's ruleset text comes from (the registry's fetch, engine.md §6.1):
//! the system rulesets built into the binary, `http(s)://` through the `http` module's client,
//! and `file://` URLs or plain paths from disk.
//!
//! A URL arrives over the network (`/api/flush`, `engine_ui:install`, wrangler), so what it
//! may read is limited by a [`SourcePolicy`] (docs/security.md): files only below the
//! allowed folders, regular files only, opened without blocking (a FIFO never stalls the
//! engine), up to a size cap; hosts only from an allow list when one is set; no other URL
//! scheme. A file that is missing, outside the folders or not a regular file gets one and
//! the same error, so the API cannot be used to explore the disk, and text that does not
//! look like a KRL ruleset is refused without quoting any of it.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::EngineError;

/// What ruleset URLs may read ([`super::EngineOptions::sources`]).
#[derive(Clone, Debug)]
pub struct SourcePolicy {
    /// Folders whose files (at any depth) `file://` URLs and paths may name, after symbolic
    /// links are resolved; `None` allows any file the process can read (for tools and
    /// tests that run local files; `krl run` always sets a list).
    pub folders: Option<Vec<PathBuf>>,
    /// Hosts `http(s)://` URLs may name (exact names, case-insensitive); `None` allows any.
    pub hosts: Option<Vec<String>>,
    /// Largest source read, in bytes. Default 4 MiB.
    pub max_bytes: u64,
}

impl Default for SourcePolicy {
    fn default() -> Self {
        SourcePolicy {
            folders: None,
            hosts: None,
            max_bytes: 4 * 1024 * 1024,
        }
    }
}

/// The source text at `url`.
pub(crate) fn fetch(url: &str, policy: &SourcePolicy) -> Result<String, EngineError> {
    if let Some(src) = super::system::source(url) {
        return Ok(src.to_string());
    }
    let failed = |reason: String| EngineError::Source {
        url: url.to_string(),
        source: std::io::Error::other(reason),
    };
    if url.starts_with(super::system::URL_PREFIX) {
        return Err(failed("no system ruleset has this URL".to_string()));
    }
    let text = match scheme(url).map(str::to_ascii_lowercase).as_deref() {
        Some("http" | "https") => {
            check_host(url, policy).map_err(failed)?;
            super::modules::http::fetch_source(url).map_err(failed)?
        }
        Some("file") => {
            read_file(&url[url.find(':').map_or(0, |colon| colon + 1)..], policy).map_err(failed)?
        }
        Some(other) => {
            return Err(failed(format!(
                "the URL scheme `{other}:` is not supported; rulesets come from http(s):// or file:// URLs"
            )));
        }
        None => read_file(url, policy).map_err(failed)?,
    };
    if !looks_like_ruleset(&text) {
        return Err(failed(
            "this is not a KRL ruleset (it does not start with `ruleset`)".to_string(),
        ));
    }
    Ok(text)
}

/// The scheme of `url` (`http` in `http://...`), if it has one. One letter before `:` is a
/// Windows drive, not a scheme.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let valid = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

fn check_host(url: &str, policy: &SourcePolicy) -> Result<(), String> {
    let Some(hosts) = &policy.hosts else {
        return Ok(());
    };
    let rest = url.split_once("://").map_or("", |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host_port.split(':').next().unwrap_or(host_port),
    };
    if hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(host)) {
        return Ok(());
    }
    Err(format!(
        "rulesets are not fetched from the host `{host}` (allowed: {})",
        hosts.join(", ")
    ))
}

/// The same answer for a file that is missing, outside the allowed folders, or not a
/// regular file: telling them apart would let a caller map the disk.
const NOT_READABLE: &str = "no such ruleset file, or not one the engine may read";

/// Reads a file path (a `file://` URL's path or a plain path) under the policy.
fn read_file(path: &str, policy: &SourcePolicy) -> Result<String, String> {
    let path = path.strip_prefix("//").unwrap_or(path);
    let real = std::fs::canonicalize(path).map_err(|_| NOT_READABLE.to_string())?;
    if let Some(folders) = &policy.folders
        && !folders.iter().any(|folder| inside(&real, folder))
    {
        return Err(NOT_READABLE.to_string());
    }
    let file = open_without_blocking(&real).map_err(|_| NOT_READABLE.to_string())?;
    let metadata = file.metadata().map_err(|_| NOT_READABLE.to_string())?;
    if !metadata.is_file() {
        return Err(NOT_READABLE.to_string());
    }
    if metadata.len() > policy.max_bytes {
        return Err(too_large(policy.max_bytes));
    }
    let mut bytes = Vec::new();
    file.take(policy.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| NOT_READABLE.to_string())?;
    if bytes.len() as u64 > policy.max_bytes {
        return Err(too_large(policy.max_bytes));
    }
    String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())
}

fn too_large(max: u64) -> String {
    format!("the file is larger than the {max} bytes a ruleset may have")
}

/// Whether the resolved `path` is `folder` or below it (the folder resolved too).
fn inside(path: &Path, folder: &Path) -> bool {
    std::fs::canonicalize(folder).is_ok_and(|folder| path.starts_with(folder))
}

/// Opens for reading without waiting for a writer when the path is a FIFO.
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Whether `text` starts, after blank space and comments, with the keyword `ruleset`.
fn looks_like_ruleset(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(comment) = rest.strip_prefix("//") {
            rest = comment.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            let Some((_, after)) = comment.split_once("*/") else {
                return false;
            };
            rest = after;
        } else {
            break;
        }
    }
    rest.strip_prefix("ruleset")
        .is_some_and(|after| after.starts_with(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("krl-source-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch dir");
        dir
    }

    #[test]
    fn system_urls_come_from_the_binary_and_unknown_ones_fail_clearly() {
        let policy = SourcePolicy::default();
        let url = crate::engine::system::url("io.picolabs.wrangler");
        assert!(
            fetch(&url, &policy)
                .unwrap()
                .contains("ruleset io.picolabs.wrangler")
        );
        let err = fetch("krl:system/io.picolabs.nope.krl", &policy).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read ruleset source `krl:system/io.picolabs.nope.krl`: no system ruleset has this URL"
        );
        let err = fetch("file:///no/such/ruleset.krl", &policy).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read ruleset source `file:///no/such/ruleset.krl`")
        );
    }

    #[test]
    fn files_outside_the_folders_missing_or_special_get_one_error() {
        let dir = scratch("folders");
        let allowed = dir.join("allowed");
        std::fs::create_dir_all(allowed.join("sub")).expect("folders");
        std::fs::write(allowed.join("sub/ok.krl"), "// c\nruleset ok {}\n").expect("a ruleset");
        std::fs::write(dir.join("secret.krl"), "ruleset secret {}\n").expect("a ruleset");
        let policy = SourcePolicy {
            folders: Some(vec![allowed.clone()]),
            ..SourcePolicy::default()
        };
        let ok = format!("file://{}", allowed.join("sub/ok.krl").display());
        assert!(fetch(&ok, &policy).expect("inside").contains("ruleset ok"));
        let escape = format!("file://{}/../secret.krl", allowed.display());
        let outside = dir.join("secret.krl").display().to_string();
        let missing = allowed.join("nope.krl").display().to_string();
        let folder = allowed.join("sub").display().to_string();
        let expected = |url: &str| format!("cannot read ruleset source `{url}`: {NOT_READABLE}");
        for url in [
            escape.as_str(),
            &outside,
            &missing,
            &folder,
            "/etc/passwd",
            "/dev/zero",
        ] {
            assert_eq!(
                fetch(url, &policy).unwrap_err().to_string(),
                expected(url),
                "{url}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    #[allow(unsafe_code)] // `mkfifo`, to make a FIFO; see its SAFETY comment
    fn special_files_are_refused_even_without_folders() {
        let policy = SourcePolicy::default();
        for url in ["/dev/zero", "file:///dev/urandom", "/proc/self"] {
            let err = fetch(url, &policy).unwrap_err().to_string();
            assert!(err.ends_with(NOT_READABLE), "{url}: {err}");
        }
        #[cfg(unix)]
        {
            // A FIFO with no writer: opening it for reading would block forever.
            let dir = scratch("fifo");
            let fifo = dir.join("pipe.krl");
            let path = std::ffi::CString::new(fifo.display().to_string()).expect("a C path");
            // SAFETY: `path` is a valid NUL-terminated string for the call's duration.
            assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
            let err = fetch(&fifo.display().to_string(), &policy)
                .unwrap_err()
                .to_string();
            assert!(err.ends_with(NOT_READABLE), "{err}");
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    #[test]
    fn text_that_is_not_a_ruleset_is_not_quoted() {
        let dir = scratch("not-krl");
        let file = dir.join("secret.txt");
        std::fs::write(&file, "hunter2-the-secret line one\nruleset x {}\n").expect("a file");
        let err = fetch(&file.display().to_string(), &SourcePolicy::default())
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.ends_with("this is not a KRL ruleset (it does not start with `ruleset`)"));
        let big = dir.join("big.krl");
        std::fs::write(&big, format!("ruleset big {{}}\n{}", " ".repeat(100))).expect("a file");
        let small = SourcePolicy {
            max_bytes: 50,
            ..SourcePolicy::default()
        };
        let err = fetch(&big.display().to_string(), &small).unwrap_err().to_string();
        assert!(
            err.ends_with("the file is larger than the 50 bytes a ruleset may have"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_http_and_file_schemes_and_listed_hosts() {
        let policy = SourcePolicy {
            hosts: Some(vec!["rulesets.example.org".to_string()]),
            ..SourcePolicy::default()
        };
        for url in [
            "ftp://example.org/x.krl",
            "gopher://127.0.0.1:22/",
            "data:text/plain,ruleset",
        ] {
            let err = fetch(url, &policy).unwrap_err().to_string();
            assert!(err.contains("is not supported"), "{url}: {err}");
        }
        let err = fetch("http://user@127.0.0.1:22/x.krl", &policy)
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with(
                "rulesets are not fetched from the host `127.0.0.1` (allowed: rulesets.example.org)"
            ),
            "{err}"
        );
        assert_eq!(scheme("C:\\rulesets\\a.krl"), None);
        assert!(looks_like_ruleset("\u{feff}/* a */ // b\n ruleset a {}"));
        assert!(!looks_like_ruleset("rulesets"));
        assert!(!looks_like_ruleset("/* unterminated ruleset a {}"));
    }
}
