//! Regex operators (`match`, `extract`, `replace`) and the JavaScript string algorithms
//! they rely on: `String.prototype.replace` with `$` patterns, `split` by a regex, and
//! `match` with the `g` flag. All positions are UTF-16 code units, as in JavaScript.

use super::types::to_regexp;
use super::{Operator, OperatorKind, arg};
use crate::error::RuntimeError;
use crate::host::Host;
use crate::value::{Regex, Value};

pub(super) const OPERATORS: &[Operator] = &[
    function!("match", &["val", "regex"], match_),
    function!("extract", &["val", "regex"], extract),
    function!("replace", &["val", "regex", "replacement"], replace),
];

fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn text_of(units: &[u16]) -> String {
    String::from_utf16_lossy(units)
}

/// Matches pico-engine: a String pattern is compiled, a RegExp used, anything else is
/// simply no match (unlike `like`, which stringifies it).
fn match_(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, regex) = (arg(args, 0), arg(args, 1));
    let matched = match regex {
        Value::String(pattern) => Regex::new(pattern, "")?.is_match(&val.to_krl_string()),
        Value::RegExp(re) => re.is_match(&val.to_krl_string()),
        _ => false,
    };
    Ok(Value::Boolean(matched))
}

fn extract(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    if args.len() < 2 {
        return Ok(Value::array(Vec::new()));
    }
    let units = utf16(&arg(args, 0).to_krl_string());
    let compiled;
    let re = match arg(args, 1) {
        Value::RegExp(re) => &**re,
        other => {
            compiled = Regex::new(&other.to_krl_string(), "")?;
            &compiled
        }
    };
    if re.global() {
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(m) = re.find_at(&units, at) {
            found.push(Value::from(text_of(&units[m.range()])));
            at = if m.end() == m.start() {
                m.end() + 1
            } else {
                m.end()
            };
        }
        return Ok(Value::array(found));
    }
    // Matches pico-engine: without `g` the result is the capture groups only, so a
    // pattern without groups gives [] even when it matches.
    let groups = re.find_at(&units, 0).map_or_else(Vec::new, |m| {
        m.groups()
            .skip(1)
            .map(|g| g.map_or(Value::Null, |r| Value::from(text_of(&units[r]))))
            .collect()
    });
    Ok(Value::array(groups))
}

fn replace(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let val = arg(args, 0);
    if args.len() < 2 {
        return Ok(val.clone());
    }
    let text = val.to_krl_string();
    let pattern = match arg(args, 1) {
        p @ (Value::String(_) | Value::RegExp(_)) => p.clone(),
        other => Value::String(other.to_krl_arc_str()),
    };
    let replacement = arg(args, 2);
    if replacement.is_function() {
        let re = to_regexp(&pattern)?;
        return replace_with_function(host, &text, &re, replacement);
    }
    let template = if replacement.is_null() {
        "".into()
    } else {
        replacement.to_krl_string()
    };
    let out = match &pattern {
        Value::RegExp(re) => js_regex_replace(&text, re, &template),
        _ => js_string_replace(&text, &pattern.to_krl_string(), &template),
    };
    crate::limits::string(out.len())?;
    Ok(Value::from(out))
}

/// Calls `f(match, group1, ..., groupN, offset, whole)` for each match (all with `g`) and
/// splices in JavaScript's string form of each result (null gives `undefined`).
///
/// Deviation: the reference loops forever on an empty match with `g`; here the search
/// moves on by one unit, as `String.prototype.replace` does.
fn replace_with_function(
    host: &mut dyn Host,
    text: &str,
    re: &Regex,
    f: &Value,
) -> Result<Value, RuntimeError> {
    let units = utf16(text);
    let whole = Value::from(text);
    let mut out: Vec<u16> = Vec::with_capacity(units.len());
    let mut last = 0;
    let mut search_from = 0;
    while let Some(m) = re.find_at(&units, search_from) {
        let mut call_args: Vec<Value> = m
            .groups()
            .map(|g| g.map_or(Value::Null, |r| Value::from(text_of(&units[r]))))
            .collect();
        call_args.push(Value::from(m.start()));
        call_args.push(whole.clone());
        let result = host.call(f, call_args)?;
        out.extend_from_slice(&units[last..m.start()]);
        out.extend(result.to_js_string("undefined").encode_utf16());
        last = m.end();
        if !re.global() {
            break;
        }
        search_from = if m.end() == m.start() {
            m.end() + 1
        } else {
            m.end()
        };
    }
    out.extend_from_slice(&units[last.min(units.len())..]);
    Ok(Value::from(text_of(&out)))
}

/// JavaScript `text.replace(regex, template)`: the first match, or every match with `g`,
/// replaced by `template` with `$$`, `$&`, `` $` ``, `$'`, `$n`, `$nn` and `$<name>` expanded.
pub fn js_regex_replace(text: &str, regex: &Regex, template: &str) -> String {
    let units = utf16(text);
    let template = utf16(template);
    let mut out: Vec<u16> = Vec::with_capacity(units.len());
    let mut last = 0;
    let mut search_from = 0;
    while let Some(m) = regex.find_at(&units, search_from) {
        out.extend_from_slice(&units[last..m.start()]);
        let captures: Vec<Option<std::ops::Range<usize>>> = m.groups().collect();
        let named: Vec<(&str, Option<std::ops::Range<usize>>)> = m.named_groups().collect();
        substitute(&mut out, &units, &captures, &named, &template);
        last = m.end();
        if !regex.global() {
            break;
        }
        search_from = if m.end() == m.start() {
            m.end() + 1
        } else {
            m.end()
        };
    }
    out.extend_from_slice(&units[last.min(units.len())..]);
    text_of(&out)
}

/// JavaScript `text.replace(string, template)`: only the first occurrence, literally.
fn js_string_replace(text: &str, pattern: &str, template: &str) -> String {
    let Some(byte_at) = text.find(pattern) else {
        return text.to_owned();
    };
    let units = utf16(text);
    let start = text[..byte_at].encode_utf16().count();
    let end = start + pattern.encode_utf16().count();
    let mut out: Vec<u16> = units[..start].to_vec();
    substitute(&mut out, &units, &[Some(start..end)], &[], &utf16(template));
    out.extend_from_slice(&units[end..]);
    text_of(&out)
}

/// ECMAScript `GetSubstitution`. `captures[0]` is the whole match.
fn substitute(
    out: &mut Vec<u16>,
    text: &[u16],
    captures: &[Option<std::ops::Range<usize>>],
    named: &[(&str, Option<std::ops::Range<usize>>)],
    template: &[u16],
) {
    const DOLLAR: u16 = b'$' as u16;
    let whole = captures.first().cloned().flatten().unwrap_or(0..0);
    let n_groups = captures.len().saturating_sub(1);
    let digit = |u: Option<&u16>| {
        u.and_then(|&u| char::from_u32(u32::from(u)))
            .and_then(|c| c.to_digit(10))
            .map(|d| d as usize)
    };
    let mut i = 0;
    while i < template.len() {
        let unit = template[i];
        if unit != DOLLAR || i + 1 >= template.len() {
            out.push(unit);
            i += 1;
            continue;
        }
        let next = template[i + 1];
        match char::from_u32(u32::from(next)) {
            Some('$') => {
                out.push(DOLLAR);
                i += 2;
            }
            Some('&') => {
                out.extend_from_slice(&text[whole.clone()]);
                i += 2;
            }
            Some('`') => {
                out.extend_from_slice(&text[..whole.start]);
                i += 2;
            }
            Some('\'') => {
                out.extend_from_slice(&text[whole.end.min(text.len())..]);
                i += 2;
            }
            Some('0'..='9') => {
                let first = digit(template.get(i + 1)).unwrap_or(0);
                let two = digit(template.get(i + 2)).map(|second| first * 10 + second);
                let (index, width) = match two {
                    Some(n) if (1..=n_groups).contains(&n) => (n, 3),
                    _ if (1..=n_groups).contains(&first) => (first, 2),
                    _ => (0, 0),
                };
                if width == 0 {
                    out.push(DOLLAR);
                    i += 1;
                } else {
                    if let Some(Some(range)) = captures.get(index) {
                        out.extend_from_slice(&text[range.clone()]);
                    }
                    i += width;
                }
            }
            Some('<') if !named.is_empty() => {
                let close = template[i + 2..].iter().position(|&u| u == u16::from(b'>'));
                match close {
                    None => {
                        out.push(DOLLAR);
                        i += 1;
                    }
                    Some(offset) => {
                        let name = text_of(&template[i + 2..i + 2 + offset]);
                        let range = named
                            .iter()
                            .find(|(n, _)| *n == name)
                            .and_then(|(_, r)| r.clone());
                        if let Some(range) = range {
                            out.extend_from_slice(&text[range]);
                        }
                        i += offset + 3;
                    }
                }
            }
            _ => {
                out.push(DOLLAR);
                i += 1;
            }
        }
    }
}

/// JavaScript `text.split(regex)` (ECMAScript `RegExp.prototype[@@split]`): capture groups
/// are spliced into the output (unmatched ones as null), empty matches split between units.
pub fn js_split(text: &str, regex: &Regex) -> Vec<Value> {
    let units = utf16(text);
    let size = units.len();
    if size == 0 {
        return match regex.find_at(&units, 0) {
            Some(_) => Vec::new(),
            None => vec![Value::from("")],
        };
    }
    let mut out = Vec::new();
    let (mut p, mut q) = (0, 0);
    while q < size {
        let Some(m) = regex.find_at(&units, q) else { break };
        if m.start() >= size {
            break;
        }
        q = m.start();
        let e = m.end().min(size);
        if e == p {
            q += 1;
            continue;
        }
        out.push(Value::from(text_of(&units[p..q])));
        out.extend(
            m.groups()
                .skip(1)
                .map(|g| g.map_or(Value::Null, |r| Value::from(text_of(&units[r])))),
        );
        p = e;
        q = p;
    }
    out.push(Value::from(text_of(&units[p..])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(pattern: &str, flags: &str) -> Regex {
        Regex::new(pattern, flags).expect("valid pattern")
    }

    #[test]
    fn replace_patterns() {
        assert_eq!(
            js_regex_replace("John Smith", &re(r"(\w+)\s(\w+)", ""), "$2, $1"),
            "Smith, John"
        );
        assert_eq!(
            js_regex_replace("abc", &re("b", ""), "[$&|$`|$'|$$|$2]"),
            "a[b|a|c|$|$2]c"
        );
        assert_eq!(js_regex_replace("aaa", &re("a", "g"), "b"), "bbb");
        assert_eq!(js_regex_replace("abc", &re("", "g"), "-"), "-a-b-c-");
        assert_eq!(js_regex_replace("abc", &re("(?<x>b)", ""), "<$<x>>"), "a<b>c");
        assert_eq!(
            js_regex_replace("abc", &re("(b)", ""), "$10"),
            "ab0c",
            "$10 with one group is $1 then 0"
        );
        assert_eq!(js_string_replace("a.a.a", ".", "$&$&"), "a..a.a");
        assert_eq!(js_string_replace("abc", "", "x"), "xabc");
    }

    #[test]
    fn split_by_regex() {
        let texts = |v: Vec<Value>| {
            v.iter()
                .map(|x| x.to_krl_string().into_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(js_split("a1b2c", &re(r"\d", ""))), ["a", "b", "c"]);
        assert_eq!(texts(js_split("a1b", &re(r"(\d)", ""))), ["a", "1", "b"]);
        assert_eq!(texts(js_split("abc", &re("", ""))), ["a", "b", "c"]);
        assert_eq!(texts(js_split("", &re("x", ""))), [""]);
        assert!(js_split("", &re("", "")).is_empty());
        assert_eq!(texts(js_split("a,b,", &re(",", ""))), ["a", "b", ""]);
        assert_eq!(texts(js_split("ab", &re("(x)?b", ""))), ["a", "null", ""]);
    }
}
