//! Type and utility operators: `as`, `isnull`, `typeof`, `klog`, `sprintf`, `defaultsTo`,
//! `encode`, `decode`.

mod common;

use common::{check, run_with};
use krl_runtime::{LogLevel, TestHost};

#[test]
fn typeof_names() {
    check(&[
        ("typeof", "null", r#""Null""#),
        ("typeof", "", r#""Null""#),
        ("typeof", "true", r#""Boolean""#),
        ("typeof", r#""0xAF""#, r#""Hex""#),
        ("typeof", r#""0Xab""#, r#""Hex""#),
        ("typeof", r#""0x""#, r#""String""#),
        ("typeof", r#"" 0x1""#, r#""String""#),
        ("typeof", r#""abc""#, r#""String""#),
        ("typeof", "1.5", r#""Number""#),
        ("typeof", "Infinity", r#""JSObject""#),
        ("typeof", "re#a#", r#""RegExp""#),
        ("typeof", "[]", r#""Array""#),
        ("typeof", "{}", r#""Map""#),
        ("typeof", "@id", r#""Function""#),
        ("typeof", "@act", r#""Action""#),
        ("typeof", "@noop", r#""ActionFunction""#),
        ("isnull", "null", "true"),
        ("isnull", "", "true"),
        ("isnull", r#""""#, "false"),
        ("isnull", "0", "false"),
        ("isnull", "false", "false"),
    ]);
}

#[test]
fn as_string_and_number() {
    check(&[
        ("as", "null, \"String\"", r#""null""#),
        ("as", "1e21, \"String\"", r#""1e+21""#),
        ("as", "1e-7, \"String\"", r#""1e-7""#),
        ("as", "0.000001, \"String\"", r#""0.000001""#),
        ("as", "-0, \"String\"", r#""0""#),
        ("as", "re#a/b#, \"String\"", r#""re#a\\/b#""#),
        ("as", "re#a#ig, \"String\"", r#""re#a#gi""#),
        ("as", "[1], \"String\"", r#""[Array]""#),
        ("as", "{}, \"String\"", r#""[Map]""#),
        ("as", "@id, \"String\"", r#""[Function]""#),
        ("as", "@act, \"String\"", r#""[Action]""#),
        ("as", "@noop, \"String\"", r#""[ActionFunction]""#),
        ("as", "Infinity, \"String\"", r#""[JSObject]""#),
        ("as", r#""0xAF", "Number""#, "175"),
        ("as", r#""1,000", "Number""#, "null"),
        ("as", r#""", "Number""#, "0"),
        ("as", r#""  ", "Number""#, "0"),
        ("as", r#"" +5 ", "Number""#, "5"),
        ("as", r#""1.5e3", "Number""#, "1500"),
        ("as", r#"".5", "Number""#, "0.5"),
        ("as", r#""5.", "Number""#, "5"),
        ("as", r#""0b101", "Number""#, "5"),
        ("as", r#""0o17", "Number""#, "15"),
        ("as", r#""-0x1F", "Number""#, "null"),
        ("as", r#""12px", "Number""#, "null"),
        ("as", r#""Infinity", "Number""#, "null"),
        ("as", r#""NaN", "Number""#, "null"),
        ("as", "true, \"Number\"", "1"),
        ("as", "null, \"Number\"", "0"),
        ("as", "[1,2,3], \"Number\"", "3"),
        ("as", r#"{"a":1}, "Number""#, "1"),
        ("as", "re#a#, \"Number\"", "null"),
        ("as", "@id, \"Number\"", "null"),
    ]);
}

#[test]
fn as_boolean_regexp_hex() {
    check(&[
        ("as", r#""0", "Boolean""#, "true"),
        ("as", r#""false", "Boolean""#, "false"),
        ("as", r#""", "Boolean""#, "false"),
        ("as", "0, \"Boolean\"", "false"),
        ("as", "2, \"Boolean\"", "true"),
        ("as", "null, \"Boolean\"", "false"),
        ("as", "{}, \"Boolean\"", "true"),
        ("as", "[], \"Boolean\"", "true"),
        ("as", r#""a.c", "RegExp""#, "re#a.c#"),
        ("as", "5, \"RegExp\"", "re#5#"),
        ("as", "null, \"RegExp\"", "re#null#"),
        ("as", "{}, \"RegExp\"", r"re#\[Map\]#"),
        ("as", "[], \"RegExp\"", r"re#\[Array\]#"),
        ("as", r#""[Map]", "RegExp""#, "re#[Map]#"),
        ("as", "re#x#g, \"RegExp\"", "re#x#g"),
        ("as", r#""a/b", "RegExp""#, r"re#a\/b#"),
        (
            "as",
            r#""(", "RegExp""#,
            "!SyntaxError: Invalid regular expression: /(/: Unterminated group",
        ),
        ("as", "255, \"Hex\"", r#""ff""#),
        ("as", "-255, \"Hex\"", r#""-ff""#),
        ("as", "1.5, \"Hex\"", r#""1.8""#),
        ("as", "0.1, \"Hex\"", r#""0.1999999999999a""#),
        ("as", r#""abc", "Hex""#, r#""abc""#),
        ("as", r#""0x1F", "Hex""#, r#""0x1F""#),
        ("as", "true, \"Hex\"", r#""true""#),
        ("as", "[1], \"Hex\"", "null"),
        ("as", "{}, \"Hex\"", "null"),
        ("as", "re#a#, \"Hex\"", "null"),
        ("as", "@id, \"Hex\"", "null"),
        ("as", "Infinity, \"Hex\"", "null"),
        // Quirk 24: the reference crashes on null.
        (
            "as",
            "null, \"Hex\"",
            "!TypeError: Cannot read properties of undefined (reading 'toString')",
        ),
    ]);
}

#[test]
fn as_same_type_unknown_type_and_one_argument() {
    check(&[
        ("as", "[1], \"Array\"", "[1]"),
        ("as", "{}, \"Map\"", "{}"),
        ("as", "null, \"Null\"", "null"),
        ("as", "@id, \"Function\"", "<Function>"),
        ("as", "5", "5"),
        (
            "as",
            "[1], \"Map\"",
            r#"!TypeError: Cannot use the .as("Map") operator with [Array] (type Array)"#,
        ),
        (
            "as",
            "5, \"Array\"",
            r#"!TypeError: Cannot use the .as("Array") operator with 5 (type Number)"#,
        ),
        (
            "as",
            "5, \"Null\"",
            r#"!TypeError: Cannot use the .as("Null") operator with 5 (type Number)"#,
        ),
        (
            "as",
            r#""x", "string""#,
            r#"!TypeError: Cannot use the .as("string") operator with x (type String)"#,
        ),
        (
            "as",
            "5, null",
            r#"!TypeError: Cannot use the .as("undefined") operator with 5 (type Number)"#,
        ),
        (
            "as",
            "5, 7",
            r#"!TypeError: Cannot use the .as("7") operator with 5 (type Number)"#,
        ),
        ("as", r#""0x1", "Boolean""#, "true"),
    ]);
}

#[test]
fn sprintf_replaces_every_placeholder_with_the_value() {
    // Quirk 34.
    check(&[
        ("sprintf", r#"3, "%d items, %d total""#, r#""3 items, 3 total""#),
        ("sprintf", r#""x", "<%s>""#, r#""<x>""#),
        ("sprintf", r#"5, "%s""#, r#""%s""#),
        ("sprintf", r#""x", "%d""#, r#""%d""#),
        ("sprintf", r#"5, null"#, r#""""#),
        ("sprintf", r#"5"#, r#""""#),
        ("sprintf", r#"[1], "%d""#, r#""%d""#),
        ("sprintf", r#"null, "a%sb""#, r#""a%sb""#),
        ("sprintf", r#"5, 7"#, r#""7""#),
        ("sprintf", r#"1.5, "%d%%d %s""#, r#""1.5%1.5 %s""#),
        // Adjacent placeholders: only the first is replaced.
        ("sprintf", r#""x", "%s%s""#, r#""x%s""#),
        // `$` patterns in the value are interpreted by the JavaScript replace.
        ("sprintf", r#""$&", "a%sb""#, r#""aa%sb""#),
        ("sprintf", r#""$$", "a%sb""#, r#""a$b""#),
        // Escapes: a double backslash is one backslash, backslash-%d a literal %d.
        ("sprintf", r#"5, "\\%d is %d""#, r#""%d is 5""#),
        ("sprintf", r#"5, "\\\\%d""#, r#""\\5""#),
        ("sprintf", r#""s", "\\\\\\\\%s""#, r#""\\\\s""#),
    ]);
}

#[test]
fn defaults_to_and_klog_log_through_the_host() {
    check(&[
        ("defaultsTo", "null, 3", "3"),
        ("defaultsTo", r#""", 3"#, r#""""#),
        ("defaultsTo", "false, 3", "false"),
        ("defaultsTo", "0, 3", "0"),
        ("defaultsTo", "null", "null"),
        ("klog", "5", "5"),
    ]);
    let mut host = TestHost::new();
    assert_eq!(run_with(&mut host, "defaultsTo", r#"null, 3, "why""#), "3");
    assert_eq!(run_with(&mut host, "defaultsTo", r#"1, 3, "not logged""#), "1");
    assert_eq!(run_with(&mut host, "klog", r#"[1], "msg""#), "[1]");
    assert_eq!(run_with(&mut host, "klog", "2"), "2");
    assert_eq!(run_with(&mut host, "klog", "2, 42"), "2");
    let lines: Vec<(LogLevel, &str)> = host.logs.iter().map(|l| (l.level, l.message.as_str())).collect();
    assert_eq!(
        lines,
        [
            (LogLevel::Debug, "[DEFAULTSTO] why"),
            (LogLevel::Klog, "msg"),
            (LogLevel::Klog, "klog"),
            (LogLevel::Klog, "42"),
        ]
    );
    assert_eq!(
        host.logs[1].data.as_ref().map(common::show).as_deref(),
        Some("[1]")
    );
}

#[test]
fn encode_follows_json_stringify() {
    check(&[
        ("encode", r#"{"a":null}"#, r#""{\"a\":null}""#),
        ("encode", "null", r#""null""#),
        ("encode", "1e21", r#""1e+21""#),
        ("encode", "[1,1.5,-0]", r#""[1,1.5,0]""#),
        (
            "encode",
            r#"{"b":1,"a":2,"10":3,"2":4}"#,
            r#""{\"2\":4,\"10\":3,\"b\":1,\"a\":2}""#,
        ),
        ("encode", "re#a/b#gi", r#""\"re#a\\\\/b#gi\"""#),
        ("encode", "Infinity", r#""\"[JSObject]\"""#),
        (
            "encode",
            r#"{"f":@id,"a":@act}"#,
            r#""{\"f\":\"[Function]\",\"a\":\"[Action]\"}""#,
        ),
        // An action-function is skipped like a JavaScript function.
        ("encode", r#"{"n":@noop,"x":1}"#, r#""{\"x\":1}""#),
        ("encode", "[@noop]", r#""[null]""#),
        ("encode", "@noop", "null"),
        ("encode", r#"{"a":[1]}, 2"#, r#""{\n  \"a\": [\n    1\n  ]\n}""#),
        ("encode", r#"{"a":1}, "3""#, r#""{\n   \"a\": 1\n}""#),
        ("encode", r#"{"a":1}, [1]"#, r#""{\n \"a\": 1\n}""#),
        ("encode", r#"{"a":1}, -1"#, r#""{\"a\":1}""#),
        ("encode", r#"{"a":1}, "x""#, r#""{\"a\":1}""#),
        ("encode", r#"[], 4"#, r#""[]""#),
        ("encode", r#"{"a":{}}, 1"#, r#""{\n \"a\": {}\n}""#),
    ]);
    let ten = r#""{\n          \"a\": 1\n}""#;
    check(&[("encode", r#"{"a":1}, 20"#, ten)]);
}

#[test]
fn decode_parses_or_returns_the_input() {
    check(&[
        ("decode", r#""123""#, "123"),
        ("decode", r#""not json""#, r#""not json""#),
        ("decode", r#""0x1F""#, r#""0x1F""#),
        ("decode", r#"" [1, 2] ""#, "[1,2]"),
        (
            "decode",
            r#""{\"b\":1,\"a\":2,\"1\":3}""#,
            r#"{"1":3,"b":1,"a":2}"#,
        ),
        ("decode", r#""null""#, "null"),
        ("decode", "5", "5"),
        ("decode", "[\"1\"]", r#"["1"]"#),
    ]);
}
