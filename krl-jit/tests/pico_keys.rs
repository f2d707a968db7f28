//! Every key the engine commits can be told apart by pico from the key alone, which is what
//! a store fencing its commits per pico relies on (`storage::key::pico_of`, docs/stores.md):
//! each written key either names its pico (`area, pico, ...`) or is in one of the areas that
//! are no single pico's, and a channel record (which names its pico only in its value) is
//! never written or deleted without its pico's `pico-eci-list` entry for the same ECI.

#[path = "support/extra_ruleset.rs"]
mod extra_ruleset;

use std::sync::{Arc, Mutex, PoisonError};

use extra_ruleset::EXTRA;
use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Arrival, Engine, EngineOptions, Idempotent};
use krl_runtime::storage::{
    BatchOp, Durability, Entry, MemoryStorage, Storage, StorageError, WriteBatch, key,
};
use krl_runtime::value::Map;

/// The key areas that belong to no single pico.
const SHARED_AREAS: [&str; 6] = [
    "root-pico",
    "layout",
    "ruleset",
    "outbox",
    // Answers to `Idempotency-Key`s, by ECI; they commit with their event's pico keys.
    "idempotency",
    "idempotency-pruned",
];

/// An in-memory store that keeps a copy of every committed batch.
#[derive(Default)]
struct RecordingStorage {
    inner: MemoryStorage,
    batches: Mutex<Vec<WriteBatch>>,
}

impl Storage for RecordingStorage {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.get(key)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StorageError> {
        self.inner.scan_prefix(prefix)
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        self.batches
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(batch.clone());
        self.inner.commit(batch)
    }

    fn durability(&self) -> Durability {
        self.inner.durability()
    }
}

const RULESET: &str = r#"
ruleset test.keys {
  meta { shares child }
  global { child = function() { ent:child } }
  rule new_pico {
    select when t new_pico
    every {
      ctx:newPico([{"url": "file:///extra.krl"}]) setting(eci)
      ctx:eventQuery(eci = eci, domain = "extra", name = "set", attrs = {"value": "child"},
        rid = "test.extra", queryName = "value") setting(answer)
    }
    always { ent:child := eci; ent:answer := answer }
  }
  rule del_pico {
    select when t del_pico
    ctx:delPico(ent:child)
  }
  rule channels {
    select when t channels
    every {
      ctx:newChannel(["made"], null, null) setting(channel)
      ctx:putChannel(channel{"id"}, ["changed"], null, null)
      ctx:newChannel(["gone"], null, null) setting(gone)
      ctx:delChannel(gone{"id"})
    }
  }
  rule rulesets {
    select when t rulesets
    every {
      ctx:install(url = "file:///extra.krl")
      ctx:uninstall(rid = "test.extra")
    }
  }
  rule schedule {
    select when t schedule
    always {
      schedule t event "due" at time:add(time:now(), {"seconds": 1})
      schedule t event "tick" repeat "*/5 * * * * *"
    }
  }
  rule due {
    select when t due
    always { ent:dues := ent:dues.defaultsTo(0) + 1 }
  }
  rule send {
    select when t send
    event:send({"eci": ent:child, "domain": "extra", "type": "set", "attrs": {"value": "sent"}})
  }
}
"#;

/// Why one committed operation could not be fenced per pico, if it could not.
fn unattributable(op: &BatchOp, batch: &WriteBatch) -> Option<String> {
    let parts = key::decode(op.key()).expect("the engine's keys decode");
    let area = parts.first().map(String::as_str).unwrap_or_default();
    if key::pico_of(op.key()).is_some() || SHARED_AREAS.contains(&area) {
        return None;
    }
    if area == "pico-channel" {
        let eci = parts.get(1)?;
        let indexed = batch.ops().iter().any(|other| {
            let other = key::decode(other.key()).expect("the engine's keys decode");
            // The index entry of exactly this ECI, or the deletion of the pico's whole index.
            other.first().map(String::as_str) == Some("pico-eci-list")
                && (other.get(2) == Some(eci) || other.len() == 2)
        });
        return (!indexed).then(|| format!("channel record {parts:?} without its index entry"));
    }
    let kind = match op {
        BatchOp::Put { .. } => "put",
        BatchOp::Delete { .. } => "delete",
        BatchOp::DeletePrefix { .. } => "delete prefix",
    };
    Some(format!("{kind} {parts:?} names no pico"))
}

#[test]
fn every_committed_key_names_its_pico_or_is_shared() {
    let store = Arc::new(RecordingStorage::default());
    let storage: Arc<dyn Storage> = store.clone();
    let options = EngineOptions {
        manual_clock: Some(1_000_000.0),
        ..EngineOptions::default()
    };
    let engine = Engine::open(Arc::new(InterpreterBackend), options, storage).expect("the engine opens");
    engine.register("file:///keys.krl", RULESET).expect("compiles");
    engine.register("file:///extra.krl", EXTRA).expect("compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, "file:///keys.krl", Map::new())
        .expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    for name in ["new_pico", "send", "channels", "rulesets", "schedule", "del_pico"] {
        engine
            .event_wait(&eci, "t", name, Value::Null)
            .unwrap_or_else(|err| panic!("t:{name}: {err}"));
    }
    // An event under an `Idempotency-Key`, whose answer commits with it.
    let Idempotent::Claimed(claim) = engine
        .claim_idempotency(&eci, "key", "fingerprint")
        .expect("reads")
    else {
        panic!("a new key is claimed");
    };
    let arrival = Arrival {
        time: None,
        claim: Some(claim),
    };
    engine
        .submit_event_wait(&eci, ("t", "channels"), Value::Null, arrival)
        .and_then(|submitted| submitted.wait())
        .expect("t:channels under a key");
    let batches = store.batches.lock().unwrap_or_else(PoisonError::into_inner);
    let areas: std::collections::BTreeSet<String> = batches
        .iter()
        .flat_map(|batch| batch.ops())
        .filter_map(|op| key::decode(op.key()).ok()?.into_iter().next())
        .collect();
    // The workload reached every kind of key the check is about.
    for area in [
        "pico",
        "pico-channel",
        "pico-eci-list",
        "pico-child",
        "entvar",
        "timer-index",
        "idempotency",
    ] {
        assert!(areas.contains(area), "no `{area}` key was written: {areas:?}");
    }
    let problems: Vec<String> = batches
        .iter()
        .flat_map(|batch| batch.ops().iter().filter_map(|op| unattributable(op, batch)))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}
