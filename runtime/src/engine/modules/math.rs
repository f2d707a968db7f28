//! The `math` module (engine.md §7.8): base64, digests and HMACs, and rounding with a
//! precision as lodash's `_.round`/`_.ceil`/`_.floor` do it.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Digest;

use super::{Args, no_member};
use crate::engine::context::TxnContext;
use crate::host::LogLevel;
use crate::value::Value;
use crate::value::number::format_number;
use crate::{Host, RuntimeError};

/// The algorithms `math:hash` and `math:hmac` accept (the names Node's `crypto.getHashes()`
/// gives for them) and what `math:hashAlgorithms` lists.
const ALGORITHMS: [&str; 6] = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

pub(super) fn call(cx: &mut TxnContext<'_>, name: &str, args: Args) -> Result<Value, RuntimeError> {
    match name {
        // Matches pico-engine: both parameters are declared as `str`, so only the first can
        // be passed by name.
        "base64encode" => {
            let bytes = encode_text(&args.get(0).to_krl_string(), args.get(1))?;
            Ok(Value::string(
                base64::engine::general_purpose::STANDARD.encode(bytes),
            ))
        }
        "base64decode" => {
            let bytes = decode_base64(&args.get(0).to_krl_string());
            Ok(Value::string(decode_text(&bytes, args.get(1))?))
        }
        "hashAlgorithms" => Ok(algorithm_list()),
        "hashFunctions" => {
            cx.log(
                LogLevel::Warn,
                "math:hashFunctions() is DEPRECATED use math:hashAlgorithms instead",
                None,
            );
            Ok(algorithm_list())
        }
        "hash" => {
            let algorithm = algorithm("math:hash", args.get(0))?;
            let encoding = encoding("math:hash", args.get(2))?;
            let digest = digest(algorithm, args.get(1).to_krl_string().as_bytes());
            Ok(Value::string(encoding.apply(&digest)))
        }
        "hmac" => {
            let Some(key) = args.get(1).as_str() else {
                return Err(RuntimeError::error("math:hmac needs a key string"));
            };
            let algorithm = algorithm("math:hmac", args.get(0))?;
            let encoding = encoding("math:hmac", args.get(3))?;
            let mac = hmac(algorithm, key.as_bytes(), args.get(2).to_krl_string().as_bytes());
            Ok(Value::string(encoding.apply(&mac)))
        }
        "abs" => Ok(Value::number(args.get(0).to_js_number().abs())),
        "int" => Ok(Value::number(args.get(0).to_js_number().trunc())),
        "ceiling" | "floor" | "round" => {
            let op: fn(f64) -> f64 = match name {
                "ceiling" => f64::ceil,
                "floor" => f64::floor,
                _ => js_round,
            };
            Ok(Value::number(round_with(
                op,
                args.get(0).to_js_number(),
                args.get(1),
            )))
        }
        _ => Err(no_member("math", name)),
    }
}

fn algorithm_list() -> Value {
    Value::array(ALGORITHMS.iter().map(|a| Value::string(*a)).collect())
}

fn algorithm<'v>(function: &str, value: &'v Value) -> Result<&'v str, RuntimeError> {
    match value.as_str() {
        Some(name) if ALGORITHMS.contains(&name) => Ok(name),
        Some(name) => Err(RuntimeError::error(format!(
            "{function} doesn't recognize the hash algorithm {name}"
        ))),
        None => Err(RuntimeError::type_error(format!(
            "{function} was given {} instead of a algorithm string",
            value.to_krl_string()
        ))),
    }
}

#[derive(Clone, Copy)]
enum Encoding {
    Hex,
    Base64,
}

impl Encoding {
    fn apply(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Hex => bytes.iter().map(|b| format!("{b:02x}")).collect(),
            Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }
}

/// Matches pico-engine: a falsy encoding means hex.
fn encoding(function: &str, value: &Value) -> Result<Encoding, RuntimeError> {
    if !value.truthy() {
        return Ok(Encoding::Hex);
    }
    match value.as_str() {
        Some("hex") => Ok(Encoding::Hex),
        Some("base64") => Ok(Encoding::Base64),
        _ => Err(RuntimeError::error(format!(
            "{function} encoding must be \"hex\" or \"base64\" but was {}",
            value.to_krl_string()
        ))),
    }
}

fn digest(algorithm: &str, data: &[u8]) -> Vec<u8> {
    match algorithm {
        "md5" => md5::Md5::digest(data).to_vec(),
        "sha1" => sha1::Sha1::digest(data).to_vec(),
        "sha224" => sha2::Sha224::digest(data).to_vec(),
        "sha384" => sha2::Sha384::digest(data).to_vec(),
        "sha512" => sha2::Sha512::digest(data).to_vec(),
        _ => sha2::Sha256::digest(data).to_vec(),
    }
}

fn hmac(algorithm: &str, key: &[u8], data: &[u8]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
        let mut mac =
            <M as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
    match algorithm {
        "md5" => run::<Hmac<md5::Md5>>(key, data),
        "sha1" => run::<Hmac<sha1::Sha1>>(key, data),
        "sha224" => run::<Hmac<sha2::Sha224>>(key, data),
        "sha384" => run::<Hmac<sha2::Sha384>>(key, data),
        "sha512" => run::<Hmac<sha2::Sha512>>(key, data),
        _ => run::<Hmac<sha2::Sha256>>(key, data),
    }
}

/// Node's `Buffer.from(text, encoding)` for the encodings KRL code uses.
fn encode_text(text: &str, encoding: &Value) -> Result<Vec<u8>, RuntimeError> {
    match text_encoding(encoding)? {
        TextEncoding::Utf8 => Ok(text.as_bytes().to_vec()),
        TextEncoding::Latin1 => Ok(text.chars().map(|c| c as u32 as u8).collect()),
        TextEncoding::Hex => {
            // Matches Node: decoding stops at the first pair that is not hex.
            let bytes = text.as_bytes();
            Ok(bytes
                .chunks_exact(2)
                .map_while(|pair| {
                    std::str::from_utf8(pair)
                        .ok()
                        .and_then(|p| u8::from_str_radix(p, 16).ok())
                })
                .collect())
        }
    }
}

/// Node's `buffer.toString(encoding)`.
fn decode_text(bytes: &[u8], encoding: &Value) -> Result<String, RuntimeError> {
    match text_encoding(encoding)? {
        TextEncoding::Utf8 => Ok(String::from_utf8_lossy(bytes).into_owned()),
        TextEncoding::Latin1 => Ok(bytes.iter().map(|&b| b as char).collect()),
        TextEncoding::Hex => Ok(bytes.iter().map(|b| format!("{b:02x}")).collect()),
    }
}

enum TextEncoding {
    Utf8,
    Latin1,
    Hex,
}

fn text_encoding(encoding: &Value) -> Result<TextEncoding, RuntimeError> {
    if encoding.is_null() {
        return Ok(TextEncoding::Utf8);
    }
    match encoding.to_krl_string().to_ascii_lowercase().as_str() {
        "utf8" | "utf-8" => Ok(TextEncoding::Utf8),
        "latin1" | "binary" | "ascii" => Ok(TextEncoding::Latin1),
        "hex" => Ok(TextEncoding::Hex),
        other => Err(RuntimeError::type_error(format!("Unknown encoding: {other}"))),
    }
}

/// Node's lenient base64 decoding: both alphabets, padding optional, other characters
/// skipped, decoding stops at the first `=`.
fn decode_base64(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// JavaScript's `Math.round`: halves go up, and the sign of a zero result is kept.
fn js_round(n: f64) -> f64 {
    let floor = n.floor();
    let rounded = if n - floor >= 0.5 { floor + 1.0 } else { floor };
    if rounded == 0.0 && n.is_sign_negative() {
        -0.0
    } else {
        rounded
    }
}

/// lodash's `createRound`: shift the decimal point through the number's string form so
/// `round(1.005, 2)` is `1.01`, apply `op`, shift back. Precision is capped at 292.
fn round_with(op: fn(f64) -> f64, number: f64, precision: &Value) -> f64 {
    let precision = if precision.is_null() {
        0.0
    } else {
        let p = precision.to_js_number();
        if p.is_nan() { 0.0 } else { p.trunc().min(292.0) }
    };
    if precision == 0.0 || !number.is_finite() {
        return op(number);
    }
    let shift = |n: f64, by: f64| -> f64 {
        let text = format_number(n);
        let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
        let exponent: f64 = exponent.parse().unwrap_or(0.0);
        format!("{mantissa}e{}", exponent + by)
            .parse()
            .unwrap_or(f64::NAN)
    };
    shift(op(shift(number, precision)), -precision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_with_precision_follows_lodash() {
        let p = |n: f64| Value::number(n);
        assert_eq!(round_with(js_round, 4066.0, &p(-2.0)), 4100.0);
        assert_eq!(round_with(js_round, 4066.0, &p(-3.0)), 4000.0);
        assert_eq!(round_with(js_round, 4066.0, &p(-4.0)), 0.0);
        assert_eq!(round_with(js_round, -0.46, &p(1.0)), -0.5);
        assert_eq!(round_with(js_round, 1.005, &p(2.0)), 1.01);
        assert!(round_with(js_round, -0.46, &Value::Null).is_sign_negative());
        assert_eq!(round_with(f64::ceil, 0.46, &Value::Null), 1.0);
        assert_eq!(round_with(f64::floor, -0.46, &Value::Null), -1.0);
    }

    #[test]
    fn digests_match_known_vectors() {
        let hex = |b: Vec<u8>| Encoding::Hex.apply(&b);
        assert_eq!(
            hex(digest("sha256", b"hello")),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(
            Encoding::Base64.apply(&digest("sha256", b"hello")),
            "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
        );
        assert_eq!(hex(digest("md5", b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            hex(digest("sha1", b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(hmac("sha256", b"a secret", b"some message")),
            "86de43245b44531ac38b6a6a691996287d932a8dea03bc69b193b90caf48ff53"
        );
    }

    #[test]
    fn base64_decoding_is_lenient_like_node() {
        assert_eq!(decode_base64("fXs="), b"}{");
        assert_eq!(decode_base64("fXs"), b"}{");
        assert_eq!(decode_base64("f X\ns=junk"), b"}{");
    }
}
