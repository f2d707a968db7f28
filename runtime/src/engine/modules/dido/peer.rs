//! `did:peer:2` DIDs as pico-engine's `dido` module writes and reads them: one `.Ez` part
//! (the X25519 key agreement key), one `.Vz` part (the Ed25519 authentication key) and one
//! `.S` part (the DIDComm service: the pico's event URL), each key a multicodec-prefixed,
//! base58btc-encoded public key. Resolving such a DID builds its DID document from the DID
//! alone; the key ids are `did#<base58 key>`, as the reference writes them.

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use serde_json::{Value as Json, json};

/// Multicodec prefixes (unsigned varints) of the two key types.
pub(super) const X25519_CODEC: [u8; 2] = [0xec, 0x01];
pub(super) const ED25519_CODEC: [u8; 2] = [0xed, 0x01];

/// Matches pico-engine: the reference's peer DID pattern accepts 46 or 47 base58 characters
/// per key (a 34-byte multicodec key).
const KEY_LENGTHS: std::ops::RangeInclusive<usize> = 46..=47;

/// Why a DID could not be resolved; the reference's text for a DID it does not recognise.
pub(super) const UNPARSABLE: &str = "Unable to parse DIDDoc";

/// The base58 multicodec encoding of a public key (without the multibase `z`).
pub(super) fn multibase_key(codec: [u8; 2], public: &[u8]) -> String {
    let mut bytes = codec.to_vec();
    bytes.extend_from_slice(public);
    bs58::encode(bytes).into_string()
}

/// The `did:peer:2` DID of the two keys (from [`multibase_key`]) and the service endpoint.
pub(super) fn peer2_did(encryption: &str, signing: &str, endpoint: &str) -> String {
    // The key order is part of the DID text: `t`, `s`, `a`, as the reference writes it.
    let service = json!({
        "t": "dm",
        "s": endpoint,
        "a": ["didcomm/v2", "didcomm/aip2;env=rfc587"],
    });
    let service = URL_SAFE_NO_PAD.encode(service.to_string());
    format!("did:peer:2.Ez{encryption}.Vz{signing}.S{service}")
}

/// The DID document of a peer DID, or why it cannot be read.
pub(super) fn resolve(did: &str) -> Result<Json, String> {
    let Some(rest) = did.strip_prefix("did:peer:") else {
        return Err(UNPARSABLE.into());
    };
    let mut doc = Doc::new(did);
    match rest.as_bytes().first() {
        // Matches pico-engine: numalgo 0 and 1 DIDs pass its pattern and resolve to a
        // document without keys or services.
        Some(b'0' | b'1') if is_key(&rest[1..]) => {}
        Some(b'2') => {
            let mut parts = rest[1..].split('.');
            if parts.next() != Some("") {
                return Err(UNPARSABLE.into());
            }
            let parts: Vec<&str> = parts.collect();
            if parts.is_empty() {
                return Err(UNPARSABLE.into());
            }
            for (idx, part) in parts.iter().enumerate() {
                doc.add_part(part, idx + 1 == parts.len())?;
            }
        }
        _ => return Err(UNPARSABLE.into()),
    }
    Ok(doc.into_json())
}

/// `z` followed by a base58 key of the accepted length.
fn is_key(text: &str) -> bool {
    text.strip_prefix('z')
        .is_some_and(|key| KEY_LENGTHS.contains(&key.len()) && bs58::decode(key).into_vec().is_ok())
}

/// A DID document being built from a DID's parts.
struct Doc {
    did: String,
    key_agreement: Vec<Json>,
    authentication: Vec<Json>,
    verification_methods: Vec<Json>,
    services: Vec<Json>,
}

impl Doc {
    fn new(did: &str) -> Doc {
        Doc {
            did: did.to_string(),
            key_agreement: Vec::new(),
            authentication: Vec::new(),
            verification_methods: Vec::new(),
            services: Vec::new(),
        }
    }

    /// One `.`-separated part; a service part may only come last.
    fn add_part(&mut self, part: &str, last: bool) -> Result<(), String> {
        let (purpose, body) = part.split_at(part.chars().next().map_or(0, char::len_utf8));
        match purpose {
            "E" | "V" | "A" | "I" | "D" if is_key(body) => {
                let key = &body[1..];
                let id = format!("{}#{key}", self.did);
                let curve = match purpose {
                    "E" => "X25519",
                    "V" => "Ed25519",
                    // Matches pico-engine: other purposes pass the pattern and are ignored.
                    _ => return Ok(()),
                };
                let list = if purpose == "E" {
                    &mut self.key_agreement
                } else {
                    &mut self.authentication
                };
                list.push(Json::String(id.clone()));
                self.verification_methods.push(json!({
                    "id": id,
                    "type": "JsonWebKey2020",
                    "controller": self.did,
                    "publicKeyJwk": public_jwk(key, curve)?,
                }));
                Ok(())
            }
            "S" if last => self.add_service(body),
            _ => Err(UNPARSABLE.into()),
        }
    }

    fn add_service(&mut self, encoded: &str) -> Result<(), String> {
        // Node's `Buffer.from(text, "base64")` reads either alphabet, padded or not.
        let engine = GeneralPurpose::new(
            &URL_SAFE,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        let normalised = encoded.replace('+', "-").replace('/', "_");
        let bytes = engine.decode(normalised).map_err(|_| UNPARSABLE.to_string())?;
        let service: Json = serde_json::from_slice(&bytes)
            .map_err(|err| format!("the service of {} is not JSON: {err}", self.did))?;
        let mut endpoint = serde_json::Map::new();
        endpoint.insert("uri".into(), service.get("s").cloned().unwrap_or(Json::Null));
        if let Some(routing) = service.get("r") {
            endpoint.insert("routingKeys".into(), routing.clone());
        }
        if let Some(accept) = service.get("a") {
            endpoint.insert("accept".into(), accept.clone());
        }
        self.services.push(json!({
            "id": format!("{}#didcommmessaging-0", self.did),
            "type": "DIDCommMessaging",
            "serviceEndpoint": endpoint,
        }));
        Ok(())
    }

    fn into_json(self) -> Json {
        json!({
            "id": self.did,
            "keyAgreement": self.key_agreement,
            "authentication": self.authentication,
            "verificationMethod": self.verification_methods,
            "service": self.services,
        })
    }
}

/// The public JWK of a base58 multicodec key.
fn public_jwk(key: &str, curve: &str) -> Result<Json, String> {
    let bytes = bs58::decode(key).into_vec().map_err(|_| UNPARSABLE.to_string())?;
    let public = bytes.get(2..).ok_or_else(|| UNPARSABLE.to_string())?;
    Ok(json!({"crv": curve, "x": URL_SAFE_NO_PAD.encode(public), "kty": "OKP"}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_did() -> String {
        let encryption = multibase_key(X25519_CODEC, &[7; 32]);
        let signing = multibase_key(ED25519_CODEC, &[9; 32]);
        peer2_did(
            &encryption,
            &signing,
            "http://localhost:3000/sky/event/c1/none/dido/didcommv2_message",
        )
    }

    #[test]
    fn a_generated_did_resolves_to_its_keys_and_service() {
        let did = sample_did();
        assert!(did.starts_with("did:peer:2.Ez6LS"), "{did}");
        let doc = resolve(&did).expect("resolves");
        let key = &doc["verificationMethod"][0];
        assert_eq!(doc["keyAgreement"][0], key["id"]);
        assert_eq!(key["publicKeyJwk"]["crv"], "X25519");
        assert_eq!(key["publicKeyJwk"]["x"], URL_SAFE_NO_PAD.encode([7u8; 32]));
        assert_eq!(doc["verificationMethod"][1]["publicKeyJwk"]["crv"], "Ed25519");
        let endpoint = &doc["service"][0]["serviceEndpoint"];
        assert_eq!(
            endpoint["uri"],
            "http://localhost:3000/sky/event/c1/none/dido/didcommv2_message"
        );
        assert_eq!(endpoint["accept"][0], "didcomm/v2");
        assert_eq!(doc["service"][0]["id"], format!("{did}#didcommmessaging-0"));
    }

    #[test]
    fn services_written_with_the_url_safe_alphabet_resolve() {
        let encryption = multibase_key(X25519_CODEC, &[7; 32]);
        let signing = multibase_key(ED25519_CODEC, &[9; 32]);
        let (did, endpoint) = (0..200)
            .map(|n| {
                let endpoint = format!("http://h/sky/event/c{n}?/none/dido/didcommv2_message");
                (peer2_did(&encryption, &signing, &endpoint), endpoint)
            })
            .find(|(did, _)| did.contains(['-', '_']))
            .expect("some endpoint encodes with `-` or `_`");
        let doc = resolve(&did).expect("resolves");
        assert_eq!(doc["service"][0]["serviceEndpoint"]["uri"], endpoint.as_str());
    }

    #[test]
    fn malformed_dids_do_not_resolve() {
        let did = sample_did();
        for bad in [
            "did:example:123".to_string(),
            "did:peer:2".to_string(),
            did.replace(".Ez", ".Ex"),
            did.replace(".S", ".Q"),
            format!("{did}.Ez{}", "1".repeat(10)),
        ] {
            assert_eq!(resolve(&bad), Err(UNPARSABLE.to_string()), "{bad}");
        }
    }
}
