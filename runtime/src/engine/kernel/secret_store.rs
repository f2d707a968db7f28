//! DID private keys for the `dido` module, kept in their own store area (`did-secret, pico,
//! kid`, see `persist.rs`) rather than in an entity variable, where `/api/state`, queries and
//! logs could reach them. A key is staged in the transaction's batch, so it commits with the DID document
//! and channel or not at all; reads see this transaction's own writes first, then the store.

use crate::engine::context::TxnContext;
use crate::engine::persist;
use crate::storage::{BatchOp, StorageError};

impl TxnContext<'_> {
    /// Stores a DID private key (`secret`, JSON) of this pico with the transaction.
    pub(crate) fn stage_did_secret(&mut self, kid: &str, secret: Vec<u8>) {
        let key = persist::did_secret_key(&self.pico.id, kid);
        self.staged.batch.put(key, secret);
    }

    /// Deletes every private key of `did` on this pico with the transaction.
    pub(crate) fn stage_did_secrets_removal(&mut self, did: &str) {
        let prefix = persist::did_secrets_prefix(&self.pico.id, did);
        self.staged.batch.delete_prefix(prefix);
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
