//! Test helpers: a tiny literal syntax for operator arguments and a canonical result format.
//!
//! Arguments are written as KRL-like literals: `null`, `true`, numbers, `"strings"`,
//! `[arrays]`, `{"maps": 1}`, `re#pattern#flags`, `Infinity`, and named callbacks such as
//! `@add` (see [`callback`]). Results print canonically: strings quoted, maps in key order,
//! regexes as `re#..#`, callables as `<Function>`, errors as `!TypeError: ...`.

#![allow(dead_code)] // each test binary uses a different subset

use std::sync::Arc;

use krl_runtime::stdlib::lookup;
use krl_runtime::value::{Map, NativeFn, Regex, number::format_number};
use krl_runtime::{Host, KrlType, RuntimeError, TestHost, Value};

/// Calls stdlib operator `name` with arguments written in the literal syntax.
pub fn run(name: &str, args: &str) -> String {
    let mut host = TestHost::new();
    run_with(&mut host, name, args)
}

/// Like [`run`], with a caller-owned host (to inspect logs and directives).
pub fn run_with(host: &mut TestHost, name: &str, args: &str) -> String {
    let op = lookup(name).unwrap_or_else(|| panic!("no operator {name}"));
    let args = parse_args(args);
    show_result(&op.invoke(host, &args))
}

/// Asserts each `(operator, arguments, expected)` row.
pub fn check(rows: &[(&str, &str, &str)]) {
    let mut failures = Vec::new();
    for &(name, args, expected) in rows {
        let got = run(name, args);
        if got != expected {
            failures.push(format!(
                "{name}({args})\n    expected {expected}\n    got      {got}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

pub fn show_result(result: &Result<Value, RuntimeError>) -> String {
    match result {
        Ok(value) => show(value),
        Err(err) => format!("!{err}"),
    }
}

/// Canonical form of a value.
pub fn show(value: &Value) -> String {
    match value.krl_type() {
        KrlType::Null => "null".into(),
        KrlType::Boolean | KrlType::Number | KrlType::RegExp => value.to_krl_string().into_owned(),
        KrlType::String | KrlType::Hex => {
            serde_json::to_string(value.as_str().unwrap_or_default()).unwrap_or_default()
        }
        KrlType::Array => {
            let items: Vec<String> = value.as_array().unwrap_or_default().iter().map(show).collect();
            format!("[{}]", items.join(","))
        }
        KrlType::Map => {
            let entries: Vec<String> = value
                .as_map()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            format!("{}:{}", serde_json::to_string(&**k).unwrap_or_default(), show(v))
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("{{{}}}", entries.join(","))
        }
        KrlType::JSObject => match value {
            Value::Number(n) => format_number(*n),
            _ => "<JSObject>".into(),
        },
        other => format!("<{}>", other.name()),
    }
}

fn call(host: &mut dyn Host, name: &str, args: Vec<Value>) -> Result<Value, RuntimeError> {
    lookup(name).expect("known operator").invoke(host, &args)
}

fn get(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

fn native(
    name: &str,
    params: &[&str],
    body: impl Fn(&mut dyn Host, Vec<Value>) -> Result<Value, RuntimeError> + Send + Sync + 'static,
) -> Value {
    Value::function(Arc::new(NativeFn::new(name, params, body)))
}

/// Named callbacks for iterator tests, written like small KRL functions.
pub fn callback(name: &str) -> Value {
    match name {
        // function(x){ x }
        "id" => native("id", &["x"], |_, a| Ok(get(&a, 0))),
        // function(a, b){ a + b }
        "add" => native("add", &["a", "b"], |h, a| {
            call(h, "+", vec![get(&a, 0), get(&a, 1)])
        }),
        // function(a, b){ a - b }
        "sub" => native("sub", &["a", "b"], |h, a| {
            call(h, "-", vec![get(&a, 0), get(&a, 1)])
        }),
        // function(x){ x > 1 }
        "gt1" => native("gt1", &["x"], |h, a| call(h, ">", vec![get(&a, 0), 1.into()])),
        // function(a, b){ a > b }
        "gt" => native("gt", &["a", "b"], |h, a| {
            call(h, ">", vec![get(&a, 0), get(&a, 1)])
        }),
        // function(x){ x % 2 == 1 }
        "odd" => native("odd", &["x"], |h, a| {
            let rem = call(h, "%", vec![get(&a, 0), 2.into()])?;
            call(h, "==", vec![rem, 1.into()])
        }),
        // function(v, k){ k }
        "key" => native("key", &["v", "k"], |_, a| Ok(get(&a, 1))),
        // function(x){ null }
        "nul" => native("nul", &["x"], |_, _| Ok(Value::Null)),
        // function(a, b, c, d){ [a, b, c, d] }
        "all4" => native("all4", &["a", "b", "c", "d"], |_, a| {
            Ok((0..4).map(|i| get(&a, i)).collect())
        }),
        // function(m){ m.uc() }
        "upper" => native("upper", &["m"], |h, a| call(h, "uc", vec![get(&a, 0)])),
        // function(x){ x.klog("seen") }: records call order in the host's log.
        "log" => native("log", &["x"], |h, a| {
            call(h, "klog", vec![get(&a, 0), "seen".into()])
        }),
        // defaction(x){ ... } returning x
        "act" => Value::action(Arc::new(NativeFn::new("act", &["x"], |_, a| Ok(get(&a, 0))))),
        "noop" => lookup("noop").expect("noop").to_value(),
        other => panic!("unknown callback @{other}"),
    }
}

/// Parses a comma-separated list of literals.
pub fn parse_args(src: &str) -> Vec<Value> {
    let mut parser = Parser {
        src: src.as_bytes(),
        pos: 0,
        text: src,
    };
    let mut out = Vec::new();
    parser.skip_ws();
    while parser.pos < parser.src.len() {
        out.push(parser.value());
        parser.skip_ws();
        if parser.peek() == Some(b',') {
            parser.pos += 1;
        }
        parser.skip_ws();
    }
    out
}

/// Parses one literal.
pub fn lit(src: &str) -> Value {
    parse_args(src).into_iter().next().unwrap_or_default()
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    text: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Value {
        self.skip_ws();
        match self.peek() {
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        break;
                    }
                    items.push(self.value());
                    self.skip_ws();
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                    }
                }
                Value::array(items)
            }
            Some(b'{') => {
                self.pos += 1;
                let mut map = Map::new();
                loop {
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        break;
                    }
                    let key = self.string();
                    self.skip_ws();
                    assert_eq!(self.peek(), Some(b':'), "expected `:` in {}", self.text);
                    self.pos += 1;
                    let value = self.value();
                    map.insert(key, value);
                    self.skip_ws();
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                    }
                }
                Value::map(map)
            }
            Some(b'"') => Value::from(self.string()),
            Some(b'@') => {
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                    self.pos += 1;
                }
                callback(&self.text[start..self.pos])
            }
            _ if self.eat("re#") => {
                let rest = &self.text[self.pos..];
                let end = rest.find('#').expect("closing # of regex");
                let pattern = rest[..end].replace("\\#", "#");
                self.pos += end + 1;
                let start = self.pos;
                while self.peek().is_some_and(|b| b == b'g' || b == b'i') {
                    self.pos += 1;
                }
                let flags = &self.text[start..self.pos];
                Value::regexp(Regex::new(&pattern, flags).expect("test regex compiles"))
            }
            _ if self.eat("null") => Value::Null,
            _ if self.eat("true") => Value::Boolean(true),
            _ if self.eat("false") => Value::Boolean(false),
            _ if self.eat("-Infinity") => Value::Number(f64::NEG_INFINITY),
            _ if self.eat("Infinity") => Value::Number(f64::INFINITY),
            _ => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.pos += 1;
                }
                let text = &self.text[start..self.pos];
                Value::number(
                    text.parse::<f64>()
                        .unwrap_or_else(|_| panic!("bad literal at {:?}", &self.text[start..])),
                )
            }
        }
    }

    /// A JSON string literal.
    fn string(&mut self) -> String {
        let rest = &self.text[self.pos..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        let s = stream.next().expect("a string").expect("a valid string literal");
        self.pos += stream.byte_offset();
        s
    }
}
