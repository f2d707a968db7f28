//! Where a registered URL's ruleset text comes from (the registry's fetch, engine.md §6.1):
//! the system rulesets built into the binary, `http(s)://` through the `http` module's client,
//! and `file://` URLs or plain paths from disk.

use super::core::EngineError;

/// The source text at `url`.
pub(crate) fn fetch(url: &str) -> Result<String, EngineError> {
    if let Some(src) = super::system::source(url) {
        return Ok(src.to_string());
    }
    let failed = |reason: String| EngineError::Source {
        url: url.to_string(),
        source: std::io::Error::other(reason),
    };
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return super::modules::http::fetch_source(url).map_err(failed);
    }
    if url.starts_with(super::system::URL_PREFIX) {
        return Err(failed("no system ruleset has this URL".to_string()));
    }
    let path = url.strip_prefix("file://").unwrap_or(url);
    std::fs::read_to_string(path).map_err(|source| EngineError::Source {
        url: url.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_urls_come_from_the_binary_and_unknown_ones_fail_clearly() {
        let url = crate::engine::system::url("io.picolabs.wrangler");
        assert!(fetch(&url).unwrap().contains("ruleset io.picolabs.wrangler"));
        let err = fetch("krl:system/io.picolabs.nope.krl").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read ruleset source `krl:system/io.picolabs.nope.krl`: no system ruleset has this URL"
        );
        let err = fetch("file:///no/such/ruleset.krl").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read ruleset source `file:///no/such/ruleset.krl`")
        );
    }
}
