//! Type and utility operators: `as`, `isnull`, `typeof`, `klog`, `sprintf`, `defaultsTo`,
//! `encode`, `decode`.

use std::sync::LazyLock;

use super::{Operator, OperatorKind, arg, js_regex_replace};
use crate::error::RuntimeError;
use crate::host::{Host, LogLevel};
use crate::value::number::{format_radix16, js_parse_int};
use crate::value::{KrlType, Regex, Value};

pub(super) const OPERATORS: &[Operator] = &[
    function!("as", &["val", "type"], as_type),
    function!("isnull", &["val"], |_, a| Ok(Value::Boolean(arg(a, 0).is_null()))),
    function!("typeof", &["val"], |_, a| Ok(Value::from(arg(a, 0).type_name()))),
    function!("klog", &["val", "message"], klog),
    function!("sprintf", &["val", "template"], sprintf),
    function!("defaultsTo", &["val", "defaultVal", "message"], defaults_to),
    function!("encode", &["val", "indent"], encode),
    function!("decode", &["val"], |_, a| Ok(decode(arg(a, 0)))),
];

/// `val.as(type)`.
pub fn as_type(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, wanted) = (arg(args, 0), arg(args, 1));
    if args.len() < 2 {
        return Ok(val.clone());
    }
    let val_type = val.krl_type();
    let wanted_name = wanted.as_str();
    if wanted_name == Some(val_type.name()) {
        return Ok(val.clone());
    }
    match wanted_name {
        Some("Boolean") => Ok(Value::Boolean(match val {
            Value::String(s) if &**s == "false" => false,
            _ => val.truthy(),
        })),
        Some("Hex") => to_hex_or_null(val),
        Some("String") => Ok(Value::String(val.to_krl_arc_str())),
        Some("Number") => Ok(val.to_number_or_null().map_or(Value::Null, Value::Number)),
        Some("RegExp") => Ok(Value::regexp(to_regexp(val)?)),
        _ => Err(RuntimeError::type_error(format!(
            "Cannot use the .as(\"{}\") operator with {} (type {})",
            wanted.to_js_string("undefined"),
            val.to_krl_string(),
            val_type.name()
        ))),
    }
}

/// `as("RegExp")`: strings are patterns; other values are stringified, and a bracketed
/// word such as `[Map]` gets its brackets escaped so it matches literally.
pub(crate) fn to_regexp(val: &Value) -> Result<Regex, RuntimeError> {
    if let Value::RegExp(re) = val {
        return Ok((**re).clone());
    }
    let text = val.to_krl_string();
    if val.krl_type() != KrlType::String && is_bracketed_word(&text) {
        let inner = &text[1..text.len() - 1];
        return Regex::new(&format!("\\[{inner}\\]"), "");
    }
    Regex::new(&text, "")
}

fn is_bracketed_word(text: &str) -> bool {
    text.len() > 2
        && text.starts_with('[')
        && text.ends_with(']')
        && text[1..text.len() - 1].bytes().all(|b| b.is_ascii_alphabetic())
}

/// The reference's `toHexOrNull`.
fn to_hex_or_null(val: &Value) -> Result<Value, RuntimeError> {
    match val.krl_type() {
        // Matches pico-engine: `null.as("Hex")` crashes calling `toString` on undefined.
        KrlType::Null => Err(RuntimeError::type_error(
            "Cannot read properties of undefined (reading 'toString')",
        )),
        KrlType::Boolean | KrlType::Hex | KrlType::String => Ok(Value::String(val.to_krl_arc_str())),
        KrlType::Number => Ok(Value::from(format_radix16(val.as_number().unwrap_or_default()))),
        _ => Ok(Value::Null),
    }
}

fn klog(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, message) = (arg(args, 0), arg(args, 1));
    let message = if message.is_null() {
        "klog".into()
    } else {
        message.to_krl_string()
    };
    host.log(LogLevel::Klog, &message, Some(val));
    Ok(val.clone())
}

fn defaults_to(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, default, message) = (arg(args, 0), arg(args, 1), arg(args, 2));
    if !val.is_null() {
        return Ok(val.clone());
    }
    if !message.is_null() {
        let line = format!("[DEFAULTSTO] {}", message.to_krl_string());
        host.log(LogLevel::Debug, &line, None);
    }
    Ok(default.clone())
}

static PERCENT_D: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("(^|[^\\\\])%d", "g").expect("constant pattern compiles"));
static PERCENT_S: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("(^|[^\\\\])%s", "g").expect("constant pattern compiles"));

fn sprintf(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, template) = (arg(args, 0), arg(args, 1));
    if template.is_null() {
        return Ok(Value::from(""));
    }
    let template = template.to_krl_string();
    let out = match val {
        Value::Number(_) if val.is_number() => {
            sprintf_base(&val.to_krl_string(), &template, &PERCENT_D, "%d")
        }
        Value::String(s) => sprintf_base(s, &template, &PERCENT_S, "%s"),
        _ => template.into_owned(),
    };
    crate::limits::string(out.len())?;
    Ok(Value::from(out))
}

/// Matches pico-engine: the template is split at double backslashes, each piece has every
/// unescaped placeholder replaced through a JavaScript replace pattern (`"$1" + val`, so
/// `$` sequences in the value are interpreted and adjacent placeholders skip the second),
/// then the pieces are rejoined with one backslash and `\%d` becomes `%d`.
fn sprintf_base(val: &str, template: &str, placeholder: &Regex, specifier: &str) -> String {
    let replacement = format!("$1{val}");
    let pieces: Vec<String> = template
        .split("\\\\")
        .map(|piece| js_regex_replace(piece, placeholder, &replacement))
        .collect();
    pieces.join("\\").replace(&format!("\\{specifier}"), specifier)
}

fn encode(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, indent) = (arg(args, 0), arg(args, 1));
    // lodash `parseInt(indent, 10) || 0`, then JSON.stringify ignores widths below 1.
    let indent = js_parse_int(&indent.to_js_string(""));
    let indent = if indent.is_nan() || indent < 1.0 {
        0
    } else {
        indent.min(10.0) as usize
    };
    Ok(val.encode(indent).map_or(Value::Null, Value::from))
}

/// `JSON.parse` of a string; anything else, or invalid JSON, comes back unchanged.
pub(crate) fn decode(val: &Value) -> Value {
    match val {
        Value::String(s) => Value::decode(s).unwrap_or_else(|_| val.clone()),
        _ => val.clone(),
    }
}
