//! Order-preserving byte encoding of string-tuple keys, such as `["entvar", pico, rid, name]`.
//!
//! Each element is its UTF-8 bytes with every `0x00` written as `00 FF`, followed by the
//! terminator `00 01`. Three properties follow, and the tests check each of them:
//!
//! * **Order**: comparing encodings byte-wise gives the tuple order (element by element,
//!   each element by its UTF-8 bytes, a tuple before its extensions). Where one element is a
//!   prefix of the other, the shorter one continues with `00 01` (or ends) and the longer
//!   one with its next byte, which is either a byte `>= 01` or an escaped `00 FF`; UTF-8
//!   never contains `FF`, so the terminator always compares lower.
//! * **Prefixes**: `encode(p)` is a byte prefix of `encode(t)` exactly when the tuple `p` is
//!   a prefix of `t`, because the terminator `00 01` cannot occur inside an element. So
//!   [`prefix`] is just [`encode`], and `scan_prefix(&prefix(&["entvar", pico]))` returns that
//!   pico's variables and nothing else (not those of a pico whose id extends `pico`).
//! * **Round trip**: [`decode`] inverts [`encode`] and rejects bytes `encode` never makes.
//!
//! This plays the role of the reference's `charwise` array keys (engine.md §1.5), so the
//! reference's key layout carries over unchanged.

use super::StorageError;

const ESCAPE: u8 = 0xFF;
const TERMINATOR: u8 = 0x01;

/// Encodes a tuple of strings as an order-preserving key.
///
/// ```
/// use krl_runtime::storage::key;
///
/// let a = key::encode(&["entvar", "p1", "my.rid", "count"]);
/// let b = key::encode(&["entvar", "p1", "my.rid", "counter"]);
/// assert!(a < b);
/// assert!(a.starts_with(&key::prefix(&["entvar", "p1"])));
/// assert!(!a.starts_with(&key::prefix(&["entvar", "p"])));
/// assert_eq!(key::decode(&a).unwrap(), ["entvar", "p1", "my.rid", "count"]);
/// ```
pub fn encode<S: AsRef<str>>(parts: &[S]) -> Vec<u8> {
    let len: usize = parts.iter().map(|part| part.as_ref().len() + 2).sum();
    let mut out = Vec::with_capacity(len);
    for part in parts {
        push(&mut out, part.as_ref());
    }
    out
}

/// The key prefix shared by every key whose tuple starts with `parts`. It is the same byte
/// string as [`encode`] gives; the separate name says what the caller means.
pub fn prefix<S: AsRef<str>>(parts: &[S]) -> Vec<u8> {
    encode(parts)
}

/// The key prefix shared by every key whose tuple starts with `parts` followed by an element
/// that starts with `start` (an open last element: no terminator).
pub fn prefix_with_start<S: AsRef<str>>(parts: &[S], start: &str) -> Vec<u8> {
    let mut out = encode(parts);
    push_bytes(&mut out, start);
    out
}

/// Appends one more element to an encoded key or prefix.
pub fn push(out: &mut Vec<u8>, part: &str) {
    push_bytes(out, part);
    out.extend_from_slice(&[0, TERMINATOR]);
}

/// Appends an element's bytes, escaped, without its terminator.
fn push_bytes(out: &mut Vec<u8>, part: &str) {
    for &byte in part.as_bytes() {
        out.push(byte);
        if byte == 0 {
            out.push(ESCAPE);
        }
    }
}

/// Decodes a key made by [`encode`] back into its elements.
pub fn decode(key: &[u8]) -> Result<Vec<String>, StorageError> {
    let mut parts = Vec::new();
    let mut current = Vec::new();
    let mut idx = 0;
    while idx < key.len() {
        let byte = key[idx];
        if byte != 0 {
            current.push(byte);
            idx += 1;
            continue;
        }
        match key.get(idx + 1) {
            Some(&ESCAPE) => current.push(0),
            Some(&TERMINATOR) => {
                let part = String::from_utf8(std::mem::take(&mut current)).map_err(|_| undecodable(key))?;
                parts.push(part);
            }
            _ => return Err(undecodable(key)),
        }
        idx += 2;
    }
    if !current.is_empty() {
        return Err(undecodable(key));
    }
    Ok(parts)
}

/// The key areas that hold one pico's data under `area, pico id, ...` (the layout is in
/// `engine/persist.rs`): deleting a pico deletes each of these prefixes (plus its `pico`
/// record and its channel records), and a store that fences commits per pico reads the pico
/// a key belongs to from them ([`pico_of`]).
pub const PICO_AREAS: [&str; 9] = [
    "pico-ruleset",
    "entvar",
    "rulestate",
    "inbox",
    "dead-letter",
    "pico-child",
    "pico-eci-list",
    "timer-index",
    "did-secret",
];

/// The pico whose data `key` (or a prefix for [`crate::storage::WriteBatch::delete_prefix`])
/// is: the second element of a key in the `pico` area or one of [`PICO_AREAS`]. `None` for
/// keys that are no single pico's (`root-pico`, `layout`, `ruleset`, `outbox`), for prefixes
/// shorter than `area, pico`, for channel records (`pico-channel, eci`, which name their pico
/// only in the value; every write of one goes with its `pico-eci-list` entry), and for bytes
/// that [`encode`] did not make.
///
/// ```
/// use krl_runtime::storage::key;
///
/// assert_eq!(key::pico_of(&key::encode(&["entvar", "p1", "r", "n"])).as_deref(), Some("p1"));
/// assert_eq!(key::pico_of(&key::encode(&["pico", "p2"])).as_deref(), Some("p2"));
/// assert_eq!(key::pico_of(&key::prefix(&["inbox"])), None);
/// assert_eq!(key::pico_of(&key::encode(&["ruleset", "file:///r.krl"])), None);
/// ```
pub fn pico_of(key: &[u8]) -> Option<String> {
    let mut parts = decode(key).ok()?.into_iter();
    let area = parts.next()?;
    if area != "pico" && !PICO_AREAS.contains(&area.as_str()) {
        return None;
    }
    parts.next()
}

/// The smallest byte string greater than every string starting with `prefix`, or `None`
/// when there is none (the prefix is empty or all `FF`). Range scans use `[prefix, end)`.
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last != u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cold]
fn undecodable(key: &[u8]) -> StorageError {
    StorageError::UndecodableKey { key: key.to_vec() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Strings drawn mostly from the bytes that matter for the encoding (NUL, 0x01, the
    /// terminator's neighbours, multi-byte UTF-8) so that ties and prefixes are common.
    fn element() -> impl Strategy<Value = String> {
        let ch = prop_oneof![
            Just('\0'),
            Just('\u{1}'),
            Just('\u{2}'),
            Just('a'),
            Just('b'),
            Just('\u{ff}'),
            Just('\u{10ffff}'),
            any::<char>(),
        ];
        prop::collection::vec(ch, 0..4).prop_map(String::from_iter)
    }

    fn tuple() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(element(), 0..4)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn byte_order_is_tuple_order(a in tuple(), b in tuple()) {
            prop_assert_eq!(encode(&a).cmp(&encode(&b)), a.cmp(&b));
        }

        #[test]
        fn byte_prefix_is_tuple_prefix(p in tuple(), t in tuple()) {
            prop_assert_eq!(encode(&t).starts_with(&prefix(&p)), t.starts_with(&p));
        }

        #[test]
        fn decode_inverts_encode(t in tuple()) {
            prop_assert_eq!(decode(&encode(&t)).expect("encode output decodes"), t);
        }

        #[test]
        fn an_open_prefix_matches_the_elements_that_start_with_it(p in tuple(), start in element(), t in tuple()) {
            let next_starts = t.get(p.len()).is_some_and(|next| next.starts_with(&start));
            let expected = t.starts_with(&p) && (start.is_empty() || next_starts);
            prop_assert_eq!(encode(&t).starts_with(&prefix_with_start(&p, &start)), expected);
        }

        #[test]
        fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..12)) {
            if let Ok(t) = decode(&bytes) {
                prop_assert_eq!(encode(&t), bytes);
            }
        }

        #[test]
        fn prefix_end_bounds_exactly(p in prop::collection::vec(any::<u8>(), 0..4),
                                     k in prop::collection::vec(any::<u8>(), 0..6)) {
            let inside = k.starts_with(&p);
            let in_range = k >= p && prefix_end(&p).is_none_or(|end| k < end);
            prop_assert_eq!(inside, in_range);
        }
    }

    #[test]
    fn layout_is_as_documented() {
        assert_eq!(encode(&["a", ""]), b"a\x00\x01\x00\x01");
        assert_eq!(encode(&["a\0b"]), b"a\x00\xffb\x00\x01");
        assert_eq!(encode::<&str>(&[]), b"");
        assert_eq!(prefix_end(b"a\x00\x01"), Some(b"a\x00\x02".to_vec()));
        assert_eq!(prefix_end(b"\xff\xff"), None);
    }

    #[test]
    fn malformed_keys_are_errors() {
        for bad in [&b"a"[..], b"a\x00", b"a\x00\x02", b"\xc3\x00\x01"] {
            assert!(decode(bad).is_err(), "{bad:?}");
        }
    }
}
