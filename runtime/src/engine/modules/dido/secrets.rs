//! The private keys of a pico's DIDs, and the two didcomm resolvers built on the pico's state.
//! The store itself is the transaction's (`kernel/secret_store.rs`).
//!
//! Deliberately not the reference's storage: pico-engine keeps the private JWKs in an entity
//! variable (`didSecrets`), which its UI's State tab, `ctx` queries and exports show. Here each
//! key is stored under its own `did-secret, pico, kid` key (`persist::did_secret_key`), outside
//! the `entvar` area that everything listing a pico's state reads. A key written by a
//! transaction goes into that transaction's staged batch, so it commits with the rest of the
//! transaction (the DID document, the DID's channel) or not at all, and later steps of the same
//! transaction read it back from the batch. Keys go when their pico is deleted
//! (`persist::PICO_AREAS`).

use async_trait::async_trait;
use didcomm::did::{DIDDoc, DIDResolver};
use didcomm::error::{ErrorKind, Result as DidcommResult, err_msg};
use didcomm::secrets::{Secret, SecretsResolver};
use serde_json::Value as Json;

use super::peer;
use crate::RuntimeError;
use crate::engine::context::TxnContext;

/// Stores `secret` (`{id, type, privateKeyJwk}`) with the running transaction.
pub(super) fn put(cx: &mut TxnContext<'_>, secret: &Json) -> Result<(), RuntimeError> {
    let kid = secret.get("id").and_then(Json::as_str).unwrap_or_default();
    let bytes = serde_json::to_vec(secret).map_err(|err| RuntimeError::error(err.to_string()))?;
    cx.stage_did_secret(kid, bytes);
    Ok(())
}

/// The stored secret `kid` of the transaction's pico.
fn get(cx: &TxnContext<'_>, kid: &str) -> DidcommResult<Option<Secret>> {
    let bytes = cx
        .did_secret(kid)
        .map_err(|err| err_msg(ErrorKind::IoError, err.to_string()))?;
    bytes
        .map(|bytes| {
            serde_json::from_slice(&bytes).map_err(|err| err_msg(ErrorKind::Malformed, err.to_string()))
        })
        .transpose()
}

/// didcomm's view of the transaction's pico: the DID documents of the running ruleset's
/// `didDocs` variable (as the reference), any other `did:peer:2` DID from its own text, and
/// the pico's secrets.
pub(super) struct PicoResolver<'c, 'a> {
    cx: &'c TxnContext<'a>,
    docs: Json,
}

impl<'c, 'a> PicoResolver<'c, 'a> {
    pub(super) fn new(cx: &'c TxnContext<'a>) -> PicoResolver<'c, 'a> {
        let docs = cx.ent_get(super::DOCS_VAR).to_json();
        PicoResolver { cx, docs }
    }
}

#[async_trait(?Send)]
impl DIDResolver for PicoResolver<'_, '_> {
    async fn resolve(&self, did: &str) -> DidcommResult<Option<DIDDoc>> {
        let doc = match self.docs.get(did) {
            Some(doc) => doc.clone(),
            None => match peer::resolve(did) {
                Ok(doc) => doc,
                Err(_) => return Ok(None),
            },
        };
        serde_json::from_value(doc)
            .map(Some)
            .map_err(|err| err_msg(ErrorKind::Malformed, format!("the DID document of {did}: {err}")))
    }
}

#[async_trait(?Send)]
impl SecretsResolver for PicoResolver<'_, '_> {
    async fn get_secret(&self, secret_id: &str) -> DidcommResult<Option<Secret>> {
        get(self.cx, secret_id)
    }

    async fn find_secrets<'s>(&self, secret_ids: &'s [&'s str]) -> DidcommResult<Vec<&'s str>> {
        let mut found = Vec::new();
        for &kid in secret_ids {
            if get(self.cx, kid)?.is_some() {
                found.push(kid);
            }
        }
        Ok(found)
    }
}
