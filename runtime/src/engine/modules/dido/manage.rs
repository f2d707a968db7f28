//! The `dido` members that manage a pico's DIDs: deleting and updating DID documents, DID
//! rotation (`rotateDID`, `rotateInviteDID`, the pending rotations), the DID map
//! (`their DID -> my DID`) and the labels of a DID's channel.
//!
//! Matches pico-engine: each lives in an entity variable of the calling ruleset (`didDocs`,
//! `didMap`, `pendingRotations`), with the reference's shapes, so a ruleset reads them as
//! `ent:didMap` and so on; the members answer what the reference's do (`true`/`false`
//! or null).
//! Deliberately not the reference's: deleting a DID document (`deleteDID`, `clearDidDocs`)
//! also deletes the private keys of that DID in the same transaction (the reference leaves
//! them in `didSecrets` for ever), and `updateDID` stores the new document (the reference
//! changes a copy and drops it).

use super::{DOCS_VAR, generate_did, put_doc, store_did_doc};
use crate::RuntimeError;
use crate::engine::context::TxnContext;
use crate::engine::modules::ctx;
use crate::value::{Map, Value};

/// The calling ruleset's entity variable `their DID -> my DID`.
const MAP_VAR: &str = "didMap";
/// The calling ruleset's entity variable `new DID -> {iss: old DID, sub: new DID, iat}`.
pub(super) const ROTATIONS_VAR: &str = "pendingRotations";
/// The tag of a channel made for an out-of-band invitation's DID (`generateDID(true)`).
pub(super) const INVITE_TAG: &str = "did_invite";

/// The map in entity variable `name`, or none when it is not a map (unset).
fn ent_map(cx: &TxnContext<'_>, name: &str) -> Option<Map> {
    cx.ent_get(name).as_map().cloned()
}

fn key_of(did: &Value) -> String {
    did.to_krl_string().into_owned()
}

/// `dido:deleteDID(did)`: forgets the DID's document and deletes its private keys; `false`
/// when the ruleset has no DID documents at all.
pub(super) fn delete_did(cx: &mut TxnContext<'_>, did: &Value) -> Result<Value, RuntimeError> {
    let Some(mut docs) = ent_map(cx, DOCS_VAR) else {
        return Ok(Value::Boolean(false));
    };
    let did = key_of(did);
    docs.remove(&did);
    cx.stage_did_secrets_removal(&did);
    cx.ent_put(DOCS_VAR, None, Value::map(docs))?;
    Ok(Value::Boolean(true))
}

/// `dido:updateDID(did, newDoc)`: replaces the DID's document; `false` when the ruleset has
/// no DID documents at all.
pub(super) fn update_did(
    cx: &mut TxnContext<'_>,
    did: &Value,
    new_doc: &Value,
) -> Result<Value, RuntimeError> {
    if ent_map(cx, DOCS_VAR).is_none() {
        return Ok(Value::Boolean(false));
    }
    put_doc(cx, &key_of(did), new_doc.clone())?;
    Ok(Value::Boolean(true))
}

/// `dido:clearDidDocs()`: forgets every DID document, and the private keys of those DIDs.
pub(super) fn clear_did_docs(cx: &mut TxnContext<'_>) -> Result<Value, RuntimeError> {
    for did in ent_map(cx, DOCS_VAR).iter().flat_map(Map::keys) {
        cx.stage_did_secrets_removal(did);
    }
    cx.ent_put(DOCS_VAR, None, Value::map(Map::new()))?;
    Ok(Value::Null)
}

/// `dido:rotateDID(old_did)`: a new DID to use instead of `old_did`, put in its place in the
/// DID map, with a pending rotation `{iss: old, sub: new, iat}` that the next message from
/// the new DID announces (`from_prior`); answers the new DID's document. The old DID stays
/// usable (its keys too) until a message arrives for the new one.
pub(super) fn rotate_did(cx: &mut TxnContext<'_>, old_did: &Value) -> Result<Value, RuntimeError> {
    let new_doc = generate_did(cx, false)?;
    let new_did = new_doc
        .as_map()
        .and_then(|doc| doc.get("id"))
        .map(key_of)
        .unwrap_or_default();
    update_did_map(cx, old_did, &Value::string(new_did.as_str()))?;
    let mut rotation = Map::new();
    rotation.insert("iss", old_did.clone());
    rotation.insert("sub", Value::string(new_did.as_str()));
    rotation.insert("iat", Value::number((cx.now() / 1000.0).floor()));
    let mut rotations = ent_map(cx, ROTATIONS_VAR).unwrap_or_default();
    rotations.insert(new_did, Value::map(rotation));
    cx.ent_put(ROTATIONS_VAR, None, Value::map(rotations))?;
    Ok(new_doc)
}

/// `dido:rotateInviteDID(my_did, their_did)`: for a message that came in on an invitation's
/// channel (tagged `did_invite`) and whose DID has no pending rotation yet, stores the
/// sender's DID, maps it to `my_did` and rotates `my_did`, so that an invitation's DID
/// serves one relationship only. Does nothing otherwise; answers null.
pub(super) fn rotate_invite_did(
    cx: &mut TxnContext<'_>,
    my_did: &Value,
    their_did: &Value,
) -> Result<Value, RuntimeError> {
    let Some(eci) = cx.event().map(|event| event.eci.to_string()) else {
        return Ok(Value::Null);
    };
    let by_invite = cx
        .pico_state()
        .channels
        .get(&eci)
        .is_some_and(|channel| channel.tags.iter().any(|tag| tag == INVITE_TAG));
    let rotating = ent_map(cx, ROTATIONS_VAR).is_some_and(|rotations| {
        rotations
            .values()
            .any(|rotation| rotation.as_map().and_then(|r| r.get("iss")) == Some(my_did))
    });
    if by_invite && !rotating {
        store_did_doc(cx, their_did);
        map_did(cx, their_did, my_did)?;
        rotate_did(cx, my_did)?;
    }
    Ok(Value::Null)
}

/// `dido:clearPendingRotations()`.
pub(super) fn clear_pending_rotations(cx: &mut TxnContext<'_>) -> Result<Value, RuntimeError> {
    cx.ent_put(ROTATIONS_VAR, None, Value::map(Map::new()))?;
    Ok(Value::Null)
}

/// `dido:mapDid(their_did, my_did)`: `didMap{their_did} = my_did`.
pub(super) fn map_did(
    cx: &mut TxnContext<'_>,
    their_did: &Value,
    my_did: &Value,
) -> Result<Value, RuntimeError> {
    let mut map = ent_map(cx, MAP_VAR).unwrap_or_default();
    map.insert(key_of(their_did), my_did.clone());
    cx.ent_put(MAP_VAR, None, Value::map(map))?;
    Ok(Value::Null)
}

/// Replaces `old_did` by `new_did` in the DID map, as a key (their DID rotated) and as a
/// value (my DID rotated). Matches pico-engine: not a KRL member; `rotateDID` and `route`
/// use it.
pub(super) fn update_did_map(
    cx: &mut TxnContext<'_>,
    old_did: &Value,
    new_did: &Value,
) -> Result<(), RuntimeError> {
    let Some(map) = ent_map(cx, MAP_VAR) else {
        return Ok(());
    };
    let (old, new) = (key_of(old_did), key_of(new_did));
    let mut updated = Map::new();
    let mut moved = None;
    for (their, mine) in map.iter() {
        if **their == *old {
            moved = Some(mine.clone());
        } else if mine.as_str() == Some(old.as_str()) {
            updated.insert(their.clone(), new_did.clone());
        } else {
            updated.insert(their.clone(), mine.clone());
        }
    }
    // Matches pico-engine: a renamed key moves to the end.
    if let Some(mine) = moved {
        updated.insert(new, mine);
    }
    cx.ent_put(MAP_VAR, None, Value::map(updated))
}

/// `dido:clearDidMap()`.
pub(super) fn clear_did_map(cx: &mut TxnContext<'_>) -> Result<Value, RuntimeError> {
    cx.ent_put(MAP_VAR, None, Value::map(Map::new()))?;
    Ok(Value::Null)
}

/// `dido:addLabelsToChannel(eci, labels)`: adds tags (one or an array) to a channel of this
/// pico, keeping its policies; answers null. Matches pico-engine: the change is a
/// `ctx:putChannel`, with its errors (`ECI not found <eci>`, the self channel) and its silence
/// on family channels.
pub(super) fn add_labels_to_channel(
    cx: &mut TxnContext<'_>,
    eci: &Value,
    labels: &Value,
) -> Result<Value, RuntimeError> {
    let eci = key_of(eci);
    let mut tags: Vec<Value> = cx
        .pico_state()
        .channels
        .get(&eci)
        .map(|channel| {
            channel
                .tags
                .iter()
                .map(|tag| Value::string(tag.as_str()))
                .collect()
        })
        .unwrap_or_default();
    match labels {
        Value::Array(items) => tags.extend(items.iter().cloned()),
        label => tags.push(label.clone()),
    }
    ctx::put_channel(cx, &eci, &Value::array(tags), &Value::Null, &Value::Null)?;
    Ok(Value::Null)
}
