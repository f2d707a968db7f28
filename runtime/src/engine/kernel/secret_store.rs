//! What the `dido` module may do to the transaction it runs in, beyond entity variables: read
//! the pico, stage the DID's channel, log an error line, and keep DID private keys in their
//! own store area (`did-secret, pico, kid`, see `persist.rs`) rather than in an entity
//! variable. A key is staged in the transaction's batch, so it commits with the DID document
//! and channel or not at all; reads see this transaction's own writes first, then the store.

use std::sync::Arc;

use crate::engine::channel::Channel;
use crate::engine::context::{LogEntry, TxnContext};
use crate::engine::persist;
use crate::storage::{BatchOp, StorageError};
use crate::value::Value;

impl TxnContext<'_> {
    /// The running pico's id.
    pub(crate) fn dido_pico_id(&self) -> &str {
        &self.pico.id
    }

    /// The rid whose code is running (the DID channel's query policy names it).
    pub(crate) fn dido_rid(&self) -> Arc<str> {
        Arc::clone(&self.rid)
    }

    /// This engine's base URL (`meta:host`), which a DID's service endpoint starts with.
    pub(crate) fn dido_base_url(&self) -> &str {
        self.engine.base_url()
    }

    /// Creates a DID's channel on this pico with the transaction.
    pub(crate) fn stage_dido_channel(&mut self, channel: Channel) {
        let engine = self.engine;
        engine.stage_channel(&mut self.staged, &mut *self.pico, channel);
    }

    /// An error line of the running ruleset in this transaction's log, with what failed.
    pub(crate) fn dido_error_line(&mut self, message: &str, data: Value) {
        let mut line = LogEntry::new(self.engine.now(), "error", message);
        line.rid = Some(Arc::clone(&self.rid));
        line.txn_id = Some(Arc::clone(&self.txn_id));
        line.data = Some(data);
        self.logs.push(line);
    }

    /// Stores a DID private key (`secret`, JSON) of this pico with the transaction.
    pub(crate) fn stage_did_secret(&mut self, kid: &str, secret: Vec<u8>) {
        let key = persist::did_secret_key(&self.pico.id, kid);
        self.staged.batch.put(key, secret);
    }

    /// The DID private key `kid` of this pico: this transaction's own writes first, then the
    /// store.
    pub(crate) fn did_secret(&self, kid: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let key = persist::did_secret_key(&self.pico.id, kid);
        let staged = self.staged.batch.ops().iter().rev().find_map(|op| match op {
            BatchOp::Put { key: put, value } if *put == key => Some(Some(value.clone())),
            BatchOp::Delete { key: gone } if *gone == key => Some(None),
            BatchOp::DeletePrefix { prefix } if key.starts_with(prefix) => Some(None),
            _ => None,
        });
        match staged {
            Some(bytes) => Ok(bytes),
            None => self.engine.storage.get(&key),
        }
    }
}
