//! The `dido` module (pico-engine 1.3's DIDComm v2 support): `generateDID`, `storeDidDoc`,
//! `pack` and `unpack` here, the DID-management members in `manage.rs`, routes in
//! `routes.rs`, outgoing messages in `messages.rs`, with the reference's parameters, DID
//! shapes and results.
//!
//! Matches pico-engine: DID documents live in the calling ruleset's `didDocs` entity
//! variable, a new DID gets its own channel (tagged with the DID) whose endpoint is the
//! DID's service, and `pack`/`unpack` answer null and log an error line when didcomm refuses
//! a message (a tampered message, one for a DID this pico has no key of, ...).
//! Deliberately not the reference's: the private keys are never in an entity variable
//! (`secrets.rs`), and `unpack`'s message is a map (the reference hands KRL an opaque object
//! of didcomm-node's).

mod manage;
mod messages;
mod peer;
mod routes;
mod secrets;

use askar_crypto::alg::ed25519::Ed25519KeyPair;
use askar_crypto::alg::x25519::X25519KeyPair;
use askar_crypto::jwk::ToJwk;
use askar_crypto::repr::{KeyGen, KeyPublicBytes};
use didcomm::{Message, PackEncryptedOptions, UnpackOptions};
use futures_executor::block_on;
use serde_json::{Value as Json, json};

pub(super) use self::messages::DID_O_RID;
use self::secrets::PicoResolver;
use super::{Args, no_member};
use crate::RuntimeError;
use crate::engine::channel::{self, Channel};
use crate::engine::context::TxnContext;
use crate::engine::ids::new_id;
use crate::value::{Map, Value};

/// The calling ruleset's entity variable of known DID documents, by DID (as the reference).
const DOCS_VAR: &str = "didDocs";

pub(super) fn call(cx: &mut TxnContext<'_>, name: &str, args: Args) -> Result<Value, RuntimeError> {
    match name {
        "generateDID" => generate_did(cx, args.get(0).truthy()),
        "storeDidDoc" => Ok(store_did_doc(cx, args.get(0))),
        "pack" => Ok(pack(cx, args.get(0), args.get(1), args.get(2))),
        "unpack" => Ok(unpack(cx, args.get(0))),
        "deleteDID" => manage::delete_did(cx, args.get(0)),
        "updateDID" => manage::update_did(cx, args.get(0), args.get(1)),
        "rotateDID" => manage::rotate_did(cx, args.get(0)),
        "rotateInviteDID" => manage::rotate_invite_did(cx, args.get(0), args.get(1)),
        "clearPendingRotations" => manage::clear_pending_rotations(cx),
        "mapDid" => manage::map_did(cx, args.get(0), args.get(1)),
        "clearDidMap" => manage::clear_did_map(cx),
        "clearDidDocs" => manage::clear_did_docs(cx),
        "addLabelsToChannel" => manage::add_labels_to_channel(cx, args.get(0), args.get(1)),
        "addRoute" => routes::add_route(cx, args.get(0), args.get(1), args.get(2)),
        "route" => routes::route(cx, args.get(0)),
        "generateMessage" => messages::generate_message(cx, args.get(0)),
        "createInviteUrl" => Ok(messages::create_invite_url(cx, args.get(0))),
        "send" => Ok(messages::send(cx, args.get(0), args.get(1))),
        "sendQuery" => Ok(messages::send_query(cx, args.get(0), args.get(1))),
        "prepareQuery" => messages::prepare_query(cx, args.get(0), args.get(1)),
        _ => Err(no_member("dido", name)),
    }
}

/// `dido:generateDID(isInvite)`: a new `did:peer:2` DID with fresh X25519 and Ed25519 keys
/// and its own channel; answers its DID document.
fn generate_did(cx: &mut TxnContext<'_>, is_invite: bool) -> Result<Value, RuntimeError> {
    let eci = new_id();
    let endpoint = format!("{}/sky/event/{eci}/none/dido/didcommv2_message", cx.base_url());
    let encryption = X25519KeyPair::random().map_err(key_error)?;
    let signing = Ed25519KeyPair::random().map_err(key_error)?;
    let encryption_key = peer::multibase_key(peer::X25519_CODEC, &public_bytes(&encryption));
    let signing_key = peer::multibase_key(peer::ED25519_CODEC, &public_bytes(&signing));
    let did = peer::peer2_did(&encryption_key, &signing_key, &endpoint);

    let doc = peer::resolve(&did).map_err(RuntimeError::error)?;
    let doc = Value::from(&doc);
    put_doc(cx, &did, doc.clone())?;
    for (key, jwk) in [
        (
            &encryption_key,
            encryption.to_jwk_secret(None).map_err(key_error)?,
        ),
        (&signing_key, signing.to_jwk_secret(None).map_err(key_error)?),
    ] {
        let jwk: Json = serde_json::from_slice(&jwk).map_err(|err| RuntimeError::error(err.to_string()))?;
        let secret = json!({"id": format!("{did}#{key}"), "type": "JsonWebKey2020", "privateKeyJwk": jwk});
        secrets::put(cx, &secret)?;
    }
    add_channel(cx, eci, &did, is_invite)?;
    Ok(doc)
}

/// The DID's channel: DIDComm messages and `http:post` answers in, queries of the calling
/// ruleset; tagged with the DID (and `did_invite` for an invitation's DID).
fn add_channel(cx: &mut TxnContext<'_>, eci: String, did: &str, is_invite: bool) -> Result<(), RuntimeError> {
    let mut tags = Vec::new();
    if is_invite {
        tags.push(Value::string(manage::INVITE_TAG));
    }
    tags.push(Value::string(did));
    let event_policy = json!({
        "allow": [
            {"domain": "dido", "name": "didcommv2_message"},
            {"domain": "dido", "name": "dido_send_response"},
        ],
        "deny": [],
    });
    let query_policy = json!({"allow": [{"rid": &*cx.running_rid(), "name": "*"}], "deny": []});
    let channel = Channel {
        id: eci,
        pico_id: cx.pico_state().id.to_string(),
        tags: channel::clean_tags(&Value::array(tags))?,
        event_policy: channel::event_policy(&Value::from(&event_policy))?,
        query_policy: channel::query_policy(&Value::from(&query_policy))?,
        family_channel_pico_id: None,
    };
    cx.stage_channel(channel);
    Ok(())
}

/// `dido:storeDidDoc(input)`: stores a DID document, or the document of a peer DID given as
/// text; answers the stored document, or null (and logs why) for a DID it cannot read.
fn store_did_doc(cx: &mut TxnContext<'_>, input: &Value) -> Value {
    let doc = match input {
        Value::Map(_) => input.clone(),
        _ => match peer::resolve(&input.to_krl_string()) {
            Ok(doc) => Value::from(&doc),
            Err(why) => {
                log_error(cx, &why, input.clone());
                return Value::Null;
            }
        },
    };
    let did = doc
        .as_map()
        .and_then(|map| map.get("id"))
        .map(|id| id.to_krl_string().into_owned())
        .unwrap_or_else(|| "undefined".to_string());
    if let Err(err) = put_doc(cx, &did, doc.clone()) {
        log_error(cx, &err.to_string(), input.clone());
        return Value::Null;
    }
    doc
}

/// Sets `didDocs{did}`; the whole map is rewritten since a DID has dots, which a path would
/// split.
fn put_doc(cx: &mut TxnContext<'_>, did: &str, doc: Value) -> Result<(), RuntimeError> {
    let mut docs = cx.ent_get(DOCS_VAR).as_map().cloned().unwrap_or_else(Map::new);
    docs.insert(did, doc);
    cx.ent_put(DOCS_VAR, None, Value::map(docs))
}

/// `dido:pack(message, _from, to)`: the message encrypted to `to` (authenticated as and
/// signed by `_from`), as a JWE map; null when it cannot be packed.
fn pack(cx: &mut TxnContext<'_>, message: &Value, from: &Value, to: &Value) -> Value {
    let packed = packed_message(cx, message, from, to);
    match packed.and_then(|text| Value::decode(&text).map_err(|err| err.to_string())) {
        Ok(packed) => packed,
        Err(why) => {
            let mut data = Map::new();
            data.insert("message", message.clone());
            data.insert("from", from.clone());
            data.insert("to", to.clone());
            data.insert("error", Value::string(why));
            log_error(cx, "There was an error packing a message: ", Value::map(data));
            Value::Null
        }
    }
}

fn packed_message(cx: &TxnContext<'_>, message: &Value, from: &Value, to: &Value) -> Result<String, String> {
    let message: Message =
        serde_json::from_value(message.to_json()).map_err(|err| format!("not a DIDComm message: {err}"))?;
    let to = to.as_str().ok_or("`to` must be a DID")?;
    let from = from.as_str();
    let resolver = PicoResolver::new(cx);
    let options = PackEncryptedOptions {
        forward: false,
        ..PackEncryptedOptions::default()
    };
    let (packed, _meta) = block_on(message.pack_encrypted(to, from, from, &resolver, &resolver, &options))
        .map_err(|err| err.to_string())?;
    Ok(packed)
}

/// `dido:unpack(message)`: `[message, metadata]` of a packed message addressed to one of the
/// pico's DIDs; null when it cannot be unpacked (tampered, not for this pico, ...).
fn unpack(cx: &mut TxnContext<'_>, message: &Value) -> Value {
    match unpacked_message(cx, message) {
        Ok(result) => result,
        Err(why) => {
            let mut data = Map::new();
            data.insert("message", message.clone());
            data.insert("error", Value::string(why));
            log_error(cx, "There was an error unpacking a message: ", Value::map(data));
            Value::Null
        }
    }
}

fn unpacked_message(cx: &TxnContext<'_>, message: &Value) -> Result<Value, String> {
    let (plain, meta) = unpacked_parts(cx, message)?;
    Ok(Value::array(vec![Value::from(&plain), Value::from(&meta)]))
}

/// The plaintext message and didcomm's metadata of a packed message, as JSON.
fn unpacked_parts(cx: &TxnContext<'_>, message: &Value) -> Result<(Json, Json), String> {
    let text = message.to_json().to_string();
    let resolver = PicoResolver::new(cx);
    let (plain, meta) = block_on(Message::unpack(
        &text,
        &resolver,
        &resolver,
        &UnpackOptions::default(),
    ))
    .map_err(|err| err.to_string())?;
    let plain = serde_json::to_value(plain).map_err(|err| err.to_string())?;
    let meta = serde_json::to_value(meta).map_err(|err| err.to_string())?;
    Ok((plain, meta))
}

/// An error line of the running ruleset, with what failed.
fn log_error(cx: &mut TxnContext<'_>, message: &str, data: Value) {
    cx.error_line(message, data);
}

fn public_bytes(key: &impl KeyPublicBytes) -> Vec<u8> {
    key.with_public_bytes(<[u8]>::to_vec)
}

#[cold]
fn key_error(err: askar_crypto::Error) -> RuntimeError {
    RuntimeError::error(format!("dido: cannot make a key: {err}"))
}
