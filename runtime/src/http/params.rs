//! Request parameters → event attributes and query arguments, merged as pico-engine's
//! server does (engine.md §8.2): query string, then body, then `_headers`; later wins.

use axum::http::HeaderMap;
use serde_json::{Map as JsonMap, Value as Json};

/// Why a request's parameters could not be read; the text is the whole `error` answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    /// Matches pico-engine (body-parser): the error name and message it reports.
    #[error("PayloadTooLargeError: request entity too large (the limit is {limit} bytes)")]
    TooLarge { limit: usize },
    /// Matches body-parser's `parameterLimit` refusal (status 413, hence the name).
    #[error("PayloadTooLargeError: too many parameters (the limit is {limit})")]
    TooManyParams { limit: usize },
    #[error("SyntaxError: {0}")]
    BadJson(String),
    #[error("Error: cannot read the request body: {0}")]
    Read(String),
}

/// How a body is read, from its content type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    /// Other content types contribute nothing (the body is not read).
    Ignored,
}

impl BodyKind {
    /// Matches pico-engine: JSON for these three types, the simple form parser for
    /// `application/x-www-form-urlencoded`, nothing for anything else.
    pub fn of(headers: &HeaderMap) -> BodyKind {
        let Some(content_type) = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        else {
            return BodyKind::Ignored;
        };
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/json" | "application/octet-stream" | "application/ssi-agent-wire" => BodyKind::Json,
            "application/x-www-form-urlencoded" => BodyKind::Form,
            _ => BodyKind::Ignored,
        }
    }
}

/// Refuses a query string or form body of more than `limit` `key=value` pairs before it is
/// parsed: a megabyte of `a&a&a...` would otherwise become half a million values.
pub fn check_param_count(text: &str, limit: usize) -> Result<(), ParamsError> {
    let pairs = text
        .split('&')
        .filter(|part| !part.is_empty())
        .take(limit + 1)
        .count();
    if pairs > limit {
        return Err(ParamsError::TooManyParams { limit });
    }
    Ok(())
}

/// Merges query string, parsed body and `_headers` into one JSON object.
pub fn merge(query: Option<&str>, body: JsonMap<String, Json>, headers: &HeaderMap) -> JsonMap<String, Json> {
    let mut merged = query.map(parse_query_extended).unwrap_or_default();
    merged.extend(body);
    merged.insert("_headers".to_string(), Json::Object(header_map(headers)));
    merged
}

/// Parses a JSON body. Matches pico-engine (body-parser's strict mode): only objects and
/// arrays are accepted; an empty body is `{}`; an array's items are merged under their
/// indices, as `Object.assign` does.
pub fn parse_json_body(bytes: &[u8]) -> Result<JsonMap<String, Json>, ParamsError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(JsonMap::new());
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if !matches!(first, Some(b'{') | Some(b'[')) {
        return Err(ParamsError::BadJson(
            "only a JSON object or array may be the body".to_string(),
        ));
    }
    match serde_json::from_slice::<Json>(bytes) {
        Ok(Json::Object(map)) => Ok(map),
        Ok(Json::Array(items)) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(idx, v)| (idx.to_string(), v))
            .collect()),
        Ok(_) => Err(ParamsError::BadJson(
            "only a JSON object or array may be the body".to_string(),
        )),
        Err(err) => Err(ParamsError::BadJson(err.to_string())),
    }
}

/// The simple `application/x-www-form-urlencoded` parser: strings, repeated keys → arrays,
/// no nesting (Node's `querystring`).
pub fn parse_form(text: &str) -> JsonMap<String, Json> {
    let mut map = JsonMap::new();
    for (key, value) in pairs(text) {
        match map.get_mut(&key) {
            Some(Json::Array(items)) => items.push(Json::String(value)),
            Some(existing) => {
                let old = std::mem::take(existing);
                *existing = Json::Array(vec![old, Json::String(value)]);
            }
            None => {
                map.insert(key, Json::String(value));
            }
        }
    }
    map
}

/// The "extended" query-string parser (the `qs` package's rules, in the subset that
/// matters): `a[b]=c` nests, `a[]=1&a[]=2` and repeated keys make arrays, `a[0]=x` is an
/// array index up to 20, depth at most 5; every leaf is a string.
pub fn parse_query_extended(text: &str) -> JsonMap<String, Json> {
    let mut root = JsonMap::new();
    for (key, value) in pairs(text) {
        let segments = key_segments(&key);
        let Some((first, rest)) = segments.split_first() else {
            continue;
        };
        let name = match first {
            Segment::Key(name) => name.clone(),
            Segment::Index(idx) => idx.to_string(),
            Segment::Push => continue,
        };
        let slot = root.entry(name).or_insert(Json::Null);
        insert_at(slot, rest, value);
    }
    root
}

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
    Push,
}

/// The largest index `a[i]` treats as an array position (qs's `arrayLimit`).
const ARRAY_LIMIT: usize = 20;
/// Bracket levels parsed; the rest of the key stays one literal segment (qs's `depth`).
const MAX_DEPTH: usize = 5;

fn key_segments(key: &str) -> Vec<Segment> {
    let Some(open) = key.find('[').filter(|&open| open > 0) else {
        return vec![Segment::Key(key.to_string())];
    };
    let mut segments = vec![Segment::Key(key[..open].to_string())];
    let mut rest = &key[open..];
    while segments.len() <= MAX_DEPTH {
        let Some(close) = rest.find(']').filter(|_| rest.starts_with('[')) else {
            break;
        };
        let inner = &rest[1..close];
        segments.push(match inner.parse::<usize>() {
            _ if inner.is_empty() => Segment::Push,
            Ok(idx) if idx <= ARRAY_LIMIT && idx.to_string() == inner => Segment::Index(idx),
            _ => Segment::Key(inner.to_string()),
        });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Key(rest.to_string()));
    }
    segments
}

fn insert_at(slot: &mut Json, segments: &[Segment], value: String) {
    let Some((segment, rest)) = segments.split_first() else {
        // A leaf: repeated keys collect into an array.
        match slot {
            Json::Null => *slot = Json::String(value),
            Json::Array(items) => items.push(Json::String(value)),
            Json::Object(map) => {
                let idx = map.len().to_string();
                map.insert(idx, Json::String(value));
            }
            other => {
                let old = std::mem::take(other);
                *other = Json::Array(vec![old, Json::String(value)]);
            }
        }
        return;
    };
    if slot.is_null() {
        *slot = match segment {
            Segment::Key(_) => Json::Object(JsonMap::new()),
            Segment::Index(_) | Segment::Push => Json::Array(Vec::new()),
        };
    } else if let Json::String(_) = slot {
        // `a=1&a[b]=2`: the plain value becomes item 0 of a container.
        let old = std::mem::take(slot);
        *slot = Json::Array(vec![old]);
    }
    if let (Segment::Key(_), Json::Array(items)) = (segment, &*slot) {
        // Matches qs: a named key turns an array into an object keyed by index.
        let map = items
            .iter()
            .enumerate()
            .map(|(idx, v)| (idx.to_string(), v.clone()))
            .collect();
        *slot = Json::Object(map);
    }
    match (segment, slot) {
        (Segment::Push, Json::Array(items)) => {
            items.push(Json::Null);
            let last = items.last_mut().expect("an item was just pushed");
            insert_at(last, rest, value);
        }
        (Segment::Index(idx), Json::Array(items)) => {
            // Sparse indices are compacted, as qs does.
            if *idx >= items.len() {
                items.push(Json::Null);
            }
            let at = (*idx).min(items.len() - 1);
            insert_at(&mut items[at], rest, value);
        }
        (segment, Json::Object(map)) => {
            let name = match segment {
                Segment::Key(name) => name.clone(),
                Segment::Index(idx) => idx.to_string(),
                Segment::Push => map.len().to_string(),
            };
            insert_at(map.entry(name).or_insert(Json::Null), rest, value);
        }
        // Unreachable shapes after the conversions above; drop the pair like qs drops
        // keys it cannot place.
        _ => {}
    }
}

/// `key=value` pairs, `+` as space, percent-decoded; a pair without `=` has value `""`.
fn pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.split('&')
        .filter(|part| !part.is_empty())
        .filter_map(|part| {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            let key = percent_decode(key);
            (!key.is_empty()).then(|| (key, percent_decode(value)))
        })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes[idx] {
            b'+' => out.push(b' '),
            b'%' if idx + 2 < bytes.len()
                && bytes[idx + 1].is_ascii_hexdigit()
                && bytes[idx + 2].is_ascii_hexdigit() =>
            {
                let hex = std::str::from_utf8(&bytes[idx + 1..idx + 3]).expect("two ASCII hex digits");
                out.push(u8::from_str_radix(hex, 16).expect("two hex digits make a byte"));
                idx += 2;
            }
            byte => out.push(byte),
        }
        idx += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Request headers as Node shows them: lower-case names, repeated headers joined with
/// `, ` (`; ` for `cookie`).
pub fn header_map(headers: &HeaderMap) -> JsonMap<String, Json> {
    let mut map = JsonMap::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let separator = if name == axum::http::header::COOKIE {
            "; "
        } else {
            ", "
        };
        match map.get_mut(name.as_str()) {
            Some(Json::String(existing)) => {
                existing.push_str(separator);
                existing.push_str(&value);
            }
            _ => {
                map.insert(name.as_str().to_string(), Json::String(value));
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> String {
        Json::Object(parse_query_extended(text)).to_string()
    }

    #[test]
    fn query_strings_nest_like_qs() {
        assert_eq!(
            query("a=1&b=two+words&c=%41%zz"),
            r#"{"a":"1","b":"two words","c":"A%zz"}"#
        );
        assert_eq!(query("a=1&a=2&a=3"), r#"{"a":["1","2","3"]}"#);
        assert_eq!(query("a[]=1&a[]=2"), r#"{"a":["1","2"]}"#);
        assert_eq!(query("a[b]=c&a[d][e]=f"), r#"{"a":{"b":"c","d":{"e":"f"}}}"#);
        assert_eq!(query("a[1]=x&a[5]=y"), r#"{"a":["x","y"]}"#);
        assert_eq!(query("a[0]=x&a[k]=y"), r#"{"a":{"0":"x","k":"y"}}"#);
        assert_eq!(query("a[99]=x"), r#"{"a":{"99":"x"}}"#);
        assert_eq!(query("flag&=x&[b]=c"), r#"{"flag":"","[b]":"c"}"#);
        assert_eq!(query("a[b]=%"), r#"{"a":{"b":"%"}}"#);
    }

    #[test]
    fn parameter_counts_are_limited() {
        assert_eq!(check_param_count("a=1&&b=2&", 2), Ok(()));
        assert_eq!(
            check_param_count("a=1&b=2&c", 2),
            Err(ParamsError::TooManyParams { limit: 2 })
        );
        assert_eq!(check_param_count("", 0), Ok(()));
    }

    #[test]
    fn forms_do_not_nest() {
        let form = Json::Object(parse_form("a[b]=1&x=1&x=2&y")).to_string();
        assert_eq!(form, r#"{"a[b]":"1","x":["1","2"],"y":""}"#);
    }

    #[test]
    fn json_bodies_are_objects_or_arrays() {
        assert_eq!(
            Json::Object(parse_json_body(b" ").expect("empty is {}")).to_string(),
            "{}"
        );
        assert_eq!(
            Json::Object(parse_json_body(br#"["a"]"#).expect("array")).to_string(),
            r#"{"0":"a"}"#
        );
        assert!(matches!(parse_json_body(b"12"), Err(ParamsError::BadJson(_))));
        assert!(matches!(
            parse_json_body(b"{\"a\":"),
            Err(ParamsError::BadJson(_))
        ));
    }

    #[test]
    fn later_sources_win_and_headers_come_last() {
        let mut headers = HeaderMap::new();
        headers.insert("x-test", "1".parse().expect("valid header"));
        let body = parse_form("a=body&_headers=spoof");
        let merged = Json::Object(merge(Some("a=query&b=query"), body, &headers)).to_string();
        assert_eq!(merged, r#"{"a":"body","b":"query","_headers":{"x-test":"1"}}"#);
    }
}
