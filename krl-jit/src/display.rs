//! Values written as KRL literals, for `krl eval --krl` and the REPL.

use krl_runtime::Value;

/// The KRL source text of a value: strings escape only `"` and `\` (KRL's only escapes),
/// functions and actions print as an opaque description.
pub fn krl_literal(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push_str(", ");
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (idx, (key, item)) in map.iter().enumerate() {
                if idx > 0 {
                    out.push_str(", ");
                }
                write(&Value::string(key.as_ref()), out);
                out.push_str(": ");
                write(item, out);
            }
            out.push('}');
        }
        Value::Function(callable) | Value::Action(callable) => {
            let kind = if value.is_action() { "action" } else { "function" };
            out.push_str(&format!(
                "<{kind} {}({})>",
                callable.name(),
                callable.param_names().join(", ")
            ));
        }
        other => out.push_str(&other.to_krl_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        let value = Value::array(vec![
            Value::Null,
            1.5.into(),
            Value::string("a\"b\\c"),
            Value::Boolean(true),
        ]);
        assert_eq!(krl_literal(&value), r#"[null, 1.5, "a\"b\\c", true]"#);
    }
}
