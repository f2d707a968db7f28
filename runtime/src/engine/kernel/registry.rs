//! [`Registry`]: the ruleset versions the engine knows, by URL (engine.md §6.1, the
//! reference's `rsRegistry`), compiled by the engine's [`Backend`].
//!
//! Invariants:
//! - A URL maps to the code of the last source registered there that compiled; a source
//!   that fails to compile leaves the previous version in place.
//! - Memory follows storage: a version is in the table only after its record (URL, source,
//!   hash, flush time) is committed, so a restart compiles the same versions again
//!   ([`Registry::load`]).
//! - Registering the very text already registered (same SHA-256) compiles nothing and
//!   reports no change, so a flush of an unchanged file re-initialises no pico.
//! - On a store several engines share, another engine's flush shows as a stored record
//!   whose hash differs from the version here: [`Registry::refresh`] compiles just those
//!   (a source that no longer compiles is tried again only once its text changes).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::lock;
use crate::engine::backend::{Backend, CompileWarning};
use crate::engine::error::EngineError;
use crate::engine::persist::{self, RulesetRecord};
use crate::engine::pico::RulesetCode;
use crate::storage::{Storage, WriteBatch, key};

/// URL → the ruleset version flushed from it, and the backend that compiles them.
pub(super) struct Registry {
    backend: Arc<dyn Backend>,
    versions: Mutex<HashMap<String, Arc<RulesetCode>>>,
    /// URL → hash of the stored source [`Registry::refresh`] could not compile.
    rejected: Mutex<HashMap<String, String>>,
    /// Held by each register and refresh throughout, so that a refresh that read a record
    /// before a local register committed a newer one never puts the older one back.
    turn: Mutex<()>,
}

impl Registry {
    /// An empty registry compiling with `backend`.
    pub(super) fn new(backend: Arc<dyn Backend>) -> Registry {
        Registry {
            backend,
            versions: Mutex::new(HashMap::new()),
            rejected: Mutex::new(HashMap::new()),
            turn: Mutex::new(()),
        }
    }

    /// The version registered at `url`.
    pub(super) fn get(&self, url: &str) -> Option<Arc<RulesetCode>> {
        lock(&self.versions).get(url).cloned()
    }

    /// Compiles `src`, commits its record to `storage` and makes it the version of `url`
    /// (flushed at `now`), unless that very text is registered there already; true when the
    /// version changed.
    pub(super) fn register(
        &self,
        url: &str,
        src: String,
        now: f64,
        storage: &dyn Storage,
    ) -> Result<(Arc<RulesetCode>, bool), EngineError> {
        let _turn = lock(&self.turn);
        let hash = format!("{:x}", Sha256::digest(src.as_bytes()));
        if let Some(code) = self.get(url)
            && code.hash == hash
        {
            return Ok((code, false));
        }
        let compiled = self.backend.compile(url, &src).map_err(EngineError::Compile)?;
        let code = Arc::new(RulesetCode::new(
            compiled,
            url.to_string(),
            hash.clone(),
            Arc::from(src.as_str()),
            now,
        )?);
        let mut batch = WriteBatch::new();
        let record = RulesetRecord {
            url: url.to_string(),
            src,
            hash,
            flushed: now,
        };
        batch.put(persist::ruleset_key(url), persist::to_bytes(&record));
        storage.commit(batch)?;
        lock(&self.versions).insert(url.to_string(), Arc::clone(&code));
        Ok((code, true))
    }

    /// Compiles every ruleset stored in `storage` (at startup). Returns what went wrong with
    /// the sources that no longer compile, whose installs stay inert.
    pub(super) fn load(&self, storage: &dyn Storage) -> Result<Vec<String>, EngineError> {
        let mut failures = Vec::new();
        for (k, v) in storage.scan_prefix(&key::prefix(&["ruleset"]))? {
            let record: RulesetRecord = persist::from_bytes(&k, &v)?;
            match self.backend.compile(&record.url, &record.src) {
                Ok(compiled) => {
                    let code = RulesetCode::new(
                        compiled,
                        record.url.clone(),
                        record.hash,
                        Arc::from(record.src.as_str()),
                        record.flushed,
                    )?;
                    lock(&self.versions).insert(record.url, Arc::new(code));
                }
                Err(err) => failures.push(format!("stored ruleset {} no longer compiles: {err}", record.url)),
            }
        }
        Ok(failures)
    }

    /// Takes in the versions other engines committed to a shared `storage` since this
    /// registry read it: compiles each stored record whose hash differs from the version
    /// here. Returns the versions that changed, and what went wrong with the sources that
    /// do not compile (their URLs keep the version before).
    pub(super) fn refresh(
        &self,
        storage: &dyn Storage,
    ) -> Result<(Vec<Arc<RulesetCode>>, Vec<String>), EngineError> {
        let _turn = lock(&self.turn);
        let (mut changed, mut failures) = (Vec::new(), Vec::new());
        for (k, v) in storage.scan_prefix(&key::prefix(&["ruleset"]))? {
            let record: RulesetRecord = persist::from_bytes(&k, &v)?;
            let known = self.get(&record.url).is_some_and(|code| code.hash == record.hash);
            let rejected = lock(&self.rejected).get(&record.url) == Some(&record.hash);
            if known || rejected {
                continue;
            }
            match self.backend.compile(&record.url, &record.src) {
                Ok(compiled) => {
                    let code = Arc::new(RulesetCode::new(
                        compiled,
                        record.url.clone(),
                        record.hash,
                        Arc::from(record.src.as_str()),
                        record.flushed,
                    )?);
                    lock(&self.rejected).remove(&record.url);
                    lock(&self.versions).insert(record.url, Arc::clone(&code));
                    changed.push(code);
                }
                Err(err) => {
                    failures.push(format!("stored ruleset {} does not compile: {err}", record.url));
                    lock(&self.rejected).insert(record.url, record.hash);
                }
            }
        }
        Ok((changed, failures))
    }

    /// The compiler's warnings about the source registered at `url` (empty when none is).
    pub(super) fn warnings(&self, url: &str) -> Vec<CompileWarning> {
        match self.get(url) {
            Some(code) => self.backend.warnings(url, &code.source),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::RuntimeError;
    use crate::engine::backend::{CompileError, CompiledRuleset, RuleSpec, RulesetInstance, RulesetMeta};
    use crate::engine::rule_host::RuleHost;
    use crate::storage::MemoryStorage;
    use crate::value::Map;

    /// Compiles a source that is just a rid; `broken` does not compile. Counts compiles.
    #[derive(Default)]
    struct RidBackend {
        compiles: AtomicUsize,
    }

    struct RidOnly {
        rid: String,
        meta: RulesetMeta,
    }

    impl CompiledRuleset for RidOnly {
        fn rid(&self) -> &str {
            &self.rid
        }
        fn meta(&self) -> &RulesetMeta {
            &self.meta
        }
        fn rules(&self) -> &[RuleSpec] {
            &[]
        }
        fn instantiate(
            &self,
            _: &mut dyn RuleHost,
            _: &Map,
        ) -> Result<Arc<dyn RulesetInstance>, RuntimeError> {
            Err(RuntimeError::error("the registry never instantiates"))
        }
    }

    impl Backend for RidBackend {
        fn compile(&self, _url: &str, src: &str) -> Result<Arc<dyn CompiledRuleset>, CompileError> {
            self.compiles.fetch_add(1, Ordering::Relaxed);
            if src == "broken" {
                return Err(CompileError {
                    message: "Error: broken".into(),
                    diagnostics: Vec::new(),
                });
            }
            Ok(Arc::new(RidOnly {
                rid: src.to_string(),
                meta: RulesetMeta::default(),
            }))
        }
    }

    fn registry(backend: &Arc<RidBackend>) -> Registry {
        Registry::new(Arc::clone(backend) as Arc<dyn Backend>)
    }

    #[test]
    fn the_same_text_compiles_once_and_a_broken_one_keeps_the_version_before() {
        let backend = Arc::new(RidBackend::default());
        let registry = registry(&backend);
        let storage = MemoryStorage::new();
        let (first, changed) = registry
            .register("u", "a.b".into(), 1.0, &storage)
            .expect("compiles");
        assert!(changed);
        let (again, changed) = registry
            .register("u", "a.b".into(), 2.0, &storage)
            .expect("compiles");
        assert!(!changed);
        assert_eq!(again.flushed, first.flushed);
        assert_eq!(backend.compiles.load(Ordering::Relaxed), 1);
        assert!(registry.register("u", "broken".into(), 3.0, &storage).is_err());
        assert_eq!(
            registry.get("u").map(|code| code.hash.clone()),
            Some(first.hash.clone())
        );
        assert!(registry.get("elsewhere").is_none());
    }

    #[test]
    fn what_memory_holds_a_restart_compiles_again_from_storage() {
        let backend = Arc::new(RidBackend::default());
        let storage = MemoryStorage::new();
        let before = registry(&backend);
        before
            .register("u", "a.b".into(), 1.0, &storage)
            .expect("compiles");
        before
            .register("v", "c.d".into(), 1.0, &storage)
            .expect("compiles");
        assert!(before.register("w", "broken".into(), 1.0, &storage).is_err());
        let after = registry(&backend);
        assert_eq!(
            after.load(&storage).expect("the store reads"),
            Vec::<String>::new()
        );
        for url in ["u", "v"] {
            let (old, new) = (before.get(url), after.get(url));
            assert_eq!(old.map(|c| c.hash.clone()), new.map(|c| c.hash.clone()), "{url}");
        }
        assert!(after.get("w").is_none());
    }

    #[test]
    fn a_refresh_compiles_only_what_another_engine_changed() {
        let backend = Arc::new(RidBackend::default());
        let storage = MemoryStorage::new();
        let (here, there) = (registry(&backend), registry(&backend));
        here.register("u", "a.b".into(), 1.0, &storage).expect("compiles");
        assert_eq!(
            there.load(&storage).expect("the store reads"),
            Vec::<String>::new()
        );
        let (changed, failures) = there.refresh(&storage).expect("the store reads");
        assert!(changed.is_empty() && failures.is_empty());
        here.register("u", "a.c".into(), 2.0, &storage).expect("compiles");
        let (changed, _) = there.refresh(&storage).expect("the store reads");
        assert_eq!(changed.iter().map(|c| c.rid()).collect::<Vec<_>>(), ["a.c"]);
        assert_eq!(
            there.get("u").map(|c| c.hash.clone()),
            here.get("u").map(|c| c.hash.clone())
        );
        let mut batch = WriteBatch::new();
        let broken = RulesetRecord {
            url: "u".into(),
            src: "broken".into(),
            hash: "h".into(),
            flushed: 3.0,
        };
        batch.put(persist::ruleset_key("u"), persist::to_bytes(&broken));
        storage.commit(batch).expect("the store writes");
        let compiles = backend.compiles.load(Ordering::Relaxed);
        let (changed, failures) = there.refresh(&storage).expect("the store reads");
        assert!(changed.is_empty());
        assert_eq!(failures.len(), 1);
        assert_eq!(
            there.get("u").map(|c| c.rid().to_string()).as_deref(),
            Some("a.c")
        );
        assert!(there.refresh(&storage).expect("the store reads").1.is_empty());
        assert_eq!(backend.compiles.load(Ordering::Relaxed), compiles + 1);
    }
}
