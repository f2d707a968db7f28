//! The system rulesets (engine.md §10) and the boot sequence that sets them up (§1.6 steps
//! 6-8). The rulesets are KRL files of our own under `runtime/system/`, compiled into the
//! binary as text and registered under `krl:system/<rid>.krl` URLs; they reproduce the
//! reference's rids and public API (names, events, attributes, results).
//!
//! The URL keeps the reference's `<dir>/<rid>.krl` shape on purpose: wrangler installs the
//! subscription ruleset on a new child from the URL next to its own.

use super::error::EngineError;
use super::{Engine, EventResponse};
use crate::value::{Map, Value};

/// What every system ruleset URL starts with.
pub const URL_PREFIX: &str = "krl:system/";

/// The UI ruleset's rid (its `engine,ui` channel is the one the boot sequence talks to).
pub const ENGINE_UI_RID: &str = "io.picolabs.pico-engine-ui";

/// The system rulesets in the order the root pico gets them (pico-engine's): the UI first,
/// then wrangler, then subscription, DIDComm and the pico data store (subscription and the
/// data store use wrangler as a module, so they must come after it).
pub const RULESETS: &[(&str, &str)] = &[
    (
        ENGINE_UI_RID,
        include_str!("../../system/io.picolabs.pico-engine-ui.krl"),
    ),
    (
        "io.picolabs.wrangler",
        include_str!("../../system/io.picolabs.wrangler.krl"),
    ),
    (
        "io.picolabs.subscription",
        include_str!("../../system/io.picolabs.subscription.krl"),
    ),
    (
        "io.picolabs.did-o",
        include_str!("../../system/io.picolabs.did-o.krl"),
    ),
    (
        "io.picolabs.pds",
        include_str!("../../system/io.picolabs.pds.krl"),
    ),
];

/// The URL a system ruleset is registered under.
pub fn url(rid: &str) -> String {
    format!("{URL_PREFIX}{rid}.krl")
}

/// The built-in source registered at `url`, if it names a system ruleset.
pub(crate) fn source(url: &str) -> Option<&'static str> {
    let rid = url.strip_prefix(URL_PREFIX)?.strip_suffix(".krl")?;
    RULESETS.iter().find(|(r, _)| *r == rid).map(|(_, src)| *src)
}

/// Boots an engine as pico-engine does on every start: registers the system rulesets
/// (recompiling only those whose text changed since the store last saw them, which
/// re-initialises them wherever installed), installs them on the root pico, finds or creates
/// the root's `engine,ui` channel and sends it `engine_ui:setup`, waiting for it. Returns
/// that channel's ECI (the UI ECI). Send [`started`] once the engine is reachable.
pub fn boot(engine: &Engine) -> Result<String, EngineError> {
    let root = engine.root_pico().to_string();
    for (rid, src) in RULESETS {
        let url = url(rid);
        engine.register(&url, src)?;
        engine.install(&root, &url, Map::new())?;
    }
    let ui_eci = match channel_tagged(engine, &root, &["engine", "ui"])? {
        Some(eci) => eci,
        None => {
            // Matches pico-engine: at first only `engine_ui:setup` gets in; the UI ruleset's
            // setup rule then widens the policy to everything the UI needs.
            let tags = Value::array(vec![Value::string("engine"), Value::string("ui")]);
            let policy = Value::from(serde_json::json!({
                "allow": [{"domain": "engine_ui", "name": "setup"}],
                "deny": []
            }));
            engine.new_channel(&root, &tags, &policy, &Value::Null)?.id
        }
    };
    engine.event_wait(&ui_eci, "engine_ui", "setup", Value::Null)?;
    Ok(ui_eci)
}

/// [`boot`] on an engine sharing its store with the engine that runs the root pico (which
/// booted it): the system rulesets are registered here too (a pico this engine takes over
/// may have them installed), and the root's UI channel is read, not made.
pub fn boot_beside(engine: &Engine) -> Result<String, EngineError> {
    for (rid, src) in RULESETS {
        engine.register(&url(rid), src)?;
    }
    let root = engine.root_pico().to_string();
    channel_tagged(engine, &root, &["engine", "ui"])?.ok_or_else(|| {
        crate::RuntimeError::error(format!(
            "the root pico {root} runs on another engine, which has not set it up (no UI channel)"
        ))
        .into()
    })
}

/// `engine:started` to the root's UI channel, not waited for (the reference sends it once its
/// HTTP server listens). Returns the eid.
pub fn started(engine: &Engine, ui_eci: &str) -> Result<String, EngineError> {
    engine.event(ui_eci, "engine", "started", Value::Null)
}

/// [`started`], waiting for the transaction (tests, and tools that need it done).
pub fn started_wait(engine: &Engine, ui_eci: &str) -> Result<EventResponse, EngineError> {
    engine.event_wait(ui_eci, "engine", "started", Value::Null)
}

/// The ECI of a pico's first channel (by ECI) whose sorted tags are exactly `tags` (sorted).
pub fn channel_tagged(engine: &Engine, pico_id: &str, tags: &[&str]) -> Result<Option<String>, EngineError> {
    Ok(engine.channels(pico_id)?.into_iter().find_map(|channel| {
        let mut found: Vec<&str> = channel.tags.iter().map(String::as_str).collect();
        found.sort_unstable();
        (found == tags).then(|| channel.id.clone())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_urls_name_their_source() {
        for (rid, src) in RULESETS {
            assert_eq!(source(&url(rid)), Some(*src));
            assert!(src.contains(&format!("ruleset {rid}")), "{rid} declares its rid");
        }
        assert_eq!(source("krl:system/io.picolabs.nothing.krl"), None);
        assert_eq!(source("file:///io.picolabs.wrangler.krl"), None);
    }
}
