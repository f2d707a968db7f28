//! String operators: case, trimming, prefix tests, `ord`, `substr`, `split`, and the lodash
//! "symbol" count behind `length()` on strings.
//!
//! Every operator first converts its receiver with `as("String")`. Offsets are UTF-16 code
//! units as in JavaScript; a result that would split a surrogate pair gets U+FFFD instead
//! of a lone surrogate, which Rust strings cannot hold.

use std::sync::LazyLock;

use super::{Operator, OperatorKind, arg, js_split};
use crate::error::RuntimeError;
use crate::host::Host;
use crate::value::number::{is_js_whitespace, to_integer_or_infinity};
use crate::value::{Regex, Value};

const VAL: &[&str] = &["val"];
const VAL_TARGET: &[&str] = &["val", "target"];

pub(super) const OPERATORS: &[Operator] = &[
    function!("lc", VAL, |_, a| Ok(Value::from(
        arg(a, 0).to_krl_string().to_lowercase()
    ))),
    function!("uc", VAL, |_, a| Ok(Value::from(
        arg(a, 0).to_krl_string().to_uppercase()
    ))),
    function!("capitalize", VAL, |_, a| Ok(Value::from(capitalize(
        &arg(a, 0).to_krl_string()
    )))),
    function!("trim", VAL, |_, a| Ok(Value::from(
        arg(a, 0).to_krl_string().trim_matches(is_js_whitespace)
    ))),
    function!("trimLeading", VAL, |_, a| {
        Ok(Value::from(
            arg(a, 0).to_krl_string().trim_start_matches(is_js_whitespace),
        ))
    }),
    function!("trimTrailing", VAL, |_, a| {
        Ok(Value::from(
            arg(a, 0).to_krl_string().trim_end_matches(is_js_whitespace),
        ))
    }),
    function!("startsWith", VAL_TARGET, |_, a| {
        Ok(Value::Boolean(
            arg(a, 0).to_krl_string().starts_with(&*arg(a, 1).to_krl_string()),
        ))
    }),
    function!("endsWith", VAL_TARGET, |_, a| {
        Ok(Value::Boolean(
            arg(a, 0).to_krl_string().ends_with(&*arg(a, 1).to_krl_string()),
        ))
    }),
    function!("contains", VAL_TARGET, |_, a| {
        Ok(Value::Boolean(
            arg(a, 0).to_krl_string().contains(&*arg(a, 1).to_krl_string()),
        ))
    }),
    function!("ord", VAL, |_, a| {
        Ok(arg(a, 0)
            .to_krl_string()
            .encode_utf16()
            .next()
            .map_or(Value::Null, |u| Value::from(i32::from(u))))
    }),
    function!("substr", &["val", "start", "len"], substr),
    function!("split", &["val", "splitOn"], split),
];

/// First UTF-16 unit upper-cased, the rest unchanged.
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        None => String::new(),
        // An astral first character is a lone high surrogate to JavaScript: unchanged.
        Some(first) if first.len_utf16() == 2 => s.to_owned(),
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(chars.as_str());
            out
        }
    }
}

/// Matches pico-engine: `start` and `len` use `toNumberOrNull`; `len` of zero or below
/// counts from the end; the final JavaScript `substring` clamps and swaps its bounds.
fn substr(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let val = arg(args, 0);
    let text = val.to_krl_string();
    let Some(start) = arg(args, 1).to_number_or_null() else {
        return Ok(Value::String(val.to_krl_arc_str()));
    };
    let units: Vec<u16> = text.encode_utf16().collect();
    let length = units.len() as f64;
    if start > length {
        return Ok(Value::from(""));
    }
    let end = match arg(args, 2).to_number_or_null() {
        None => length,
        Some(len) if len > 0.0 => start + len,
        Some(len) => length + len,
    };
    let clamp = |n: f64| to_integer_or_infinity(n).clamp(0.0, length) as usize;
    let (a, b) = (clamp(start), clamp(end));
    let (from, to) = if a <= b { (a, b) } else { (b, a) };
    Ok(Value::from(String::from_utf16_lossy(&units[from..to])))
}

fn split(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let text = arg(args, 0).to_krl_string();
    let parts: Vec<Value> = match arg(args, 1) {
        Value::RegExp(re) => return Ok(Value::array(js_split(&text, re))),
        separator => {
            let separator = separator.to_krl_string();
            if separator.is_empty() {
                text.encode_utf16()
                    .map(|unit| Value::from(String::from_utf16_lossy(&[unit])))
                    .collect()
            } else {
                text.split(&*separator).map(Value::from).collect()
            }
        }
    };
    Ok(Value::array(parts))
}

/// lodash's `unicodeSize` pattern: one match per "symbol" (a code point with its combining
/// marks, variation selector, skin-tone modifier and ZWJ continuations, or a flag pair).
static SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    let combo = r"\u0300-\u036f\ufe20-\ufe2f\u20d0-\u20ff";
    let fitz = r"\ud83c[\udffb-\udfff]";
    let modifier = format!("(?:[{combo}]|{fitz})");
    let non_astral = r"[^\ud800-\udfff]";
    let regional = r"(?:\ud83c[\udde6-\uddff]){2}";
    let pair = r"[\ud800-\udbff][\udc00-\udfff]";
    let variation = r"[\ufe0e\ufe0f]?";
    let join = format!(r"(?:\u200d(?:{non_astral}|{regional}|{pair}){variation}{modifier}?)*");
    let sequence = format!("{variation}{modifier}?{join}");
    let symbol = format!(r"(?:{non_astral}[{combo}]?|[{combo}]|{regional}|{pair}|[\ud800-\udfff])");
    let pattern = format!("{fitz}(?={fitz})|{symbol}{sequence}");
    Regex::new(&pattern, "g").expect("constant pattern compiles")
});

/// Characters whose presence makes lodash count symbols instead of UTF-16 units.
fn needs_symbol_count(c: char) -> bool {
    let n = c as u32;
    n > 0xFFFF || matches!(n, 0x200d | 0xfe0e | 0xfe0f | 0x0300..=0x036f | 0xfe20..=0xfe2f | 0x20d0..=0x20ff)
}

/// lodash `_.size` of a string: UTF-16 length, or the symbol count when the string holds
/// astral characters, combining marks, variation selectors or ZWJ.
pub fn lodash_size(s: &str) -> usize {
    if !s.chars().any(needs_symbol_count) {
        return s.encode_utf16().count();
    }
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut count = 0;
    let mut at = 0;
    while let Some(m) = SYMBOL.find_at(&units, at) {
        count += 1;
        // Every unit is covered by some alternative, so matches are never empty.
        at = m.end().max(at + 1);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_counts() {
        assert_eq!(lodash_size(""), 0);
        assert_eq!(lodash_size("abc"), 3);
        assert_eq!(lodash_size("😀"), 1);
        assert_eq!(lodash_size("e\u{301}"), 1);
        assert_eq!(lodash_size("👍🏽"), 1, "skin tone modifier");
        assert_eq!(lodash_size("👨\u{200d}👩\u{200d}👧"), 1, "ZWJ sequence");
        assert_eq!(lodash_size("🇺🇸🇫🇷"), 2, "two flags");
        assert_eq!(lodash_size("a😀b"), 3);
    }

    #[test]
    fn capitalize_first_unit() {
        assert_eq!(capitalize(""), "");
        assert_eq!(capitalize("hello world"), "Hello world");
        assert_eq!(capitalize("ßa"), "SSa");
        assert_eq!(capitalize("😀a"), "😀a");
    }
}
