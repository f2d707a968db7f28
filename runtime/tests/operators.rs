//! Infix operators as functions: arithmetic, equality, ordering, `><`, `like`, `cmp`.

mod common;

use common::{check, run_with};
use krl_runtime::{LogLevel, TestHost};

#[test]
fn plus_adds_numbers_and_concatenates_everything_else() {
    // Quirk 17: `+` only adds when both operands are Numbers.
    check(&[
        ("+", "1, 2", "3"),
        ("+", r#""a", 1"#, r#""a1""#),
        ("+", r#"1, "2""#, r#""12""#),
        ("+", r#""5", 5"#, r#""55""#),
        ("+", "1, null", r#""1null""#),
        ("+", "true, true", r#""truetrue""#),
        ("+", "[1], [2]", r#""[Array][Array]""#),
        ("+", r#"{"a":1}, 1"#, r#""[Map]1""#),
        ("+", "0.1, 0.2", "0.30000000000000004"),
        ("+", "1e21, 1", "1e+21"),
        ("+", "re#a/b#gi, 1", r#""re#a\\/b#gi1""#),
        ("+", "Infinity, 1", r#""[JSObject]1""#),
        ("+", "@id, 1", r#""[Function]1""#),
        ("+", "@noop, 1", r#""[ActionFunction]1""#),
        ("+", "@act, 1", r#""[Action]1""#),
        // One argument is unary plus: the value unchanged, no conversion.
        ("+", r#""abc""#, r#""abc""#),
        ("+", r#""5""#, r#""5""#),
        ("+", "", "null"),
    ]);
}

#[test]
fn minus_times_divide_coerce_with_to_number() {
    check(&[
        ("-", r#""3", 1"#, "2"),
        ("-", "[1,2,3], 1", "2"),
        ("-", r#""", 1"#, "-1"),
        ("-", r#""0x1F", 1"#, "30"),
        ("-", r#"" 12 ", "2""#, "10"),
        ("*", r#""3", "4""#, "12"),
        ("*", "null, 5", "0"),
        ("*", "[1,2,3], 2", "6"),
        ("*", r#"{"a":1,"b":2}, 3"#, "6"),
        ("*", "true, 7", "7"),
        ("/", "7, 2", "3.5"),
        ("*", "0.1, 3", "0.30000000000000004"),
        // Quirk 19: overflow gives Infinity, which is not a Number.
        ("*", "1e200, 1e200", "Infinity"),
        (
            "*",
            "Infinity, 2",
            "!TypeError: [JSObject] cannot be multiplied by 2",
        ),
        (
            "-",
            "1, Infinity",
            "!TypeError: [JSObject] cannot be subtracted from 1",
        ),
    ]);
}

#[test]
fn unary_minus() {
    check(&[
        ("-", "5", "-5"),
        ("-", r#""5""#, "-5"),
        ("-", "null", "0"),
        ("-", "[1,2]", "-2"),
        ("-", r#""abc""#, "!TypeError: Cannot negate abc"),
        ("-", "re#x#", "!TypeError: Cannot negate re#x#"),
        ("-", "@id", "!TypeError: Cannot negate [Function]"),
    ]);
}

#[test]
fn arithmetic_error_texts() {
    check(&[
        ("*", r#""abc", 2"#, "!TypeError: abc cannot be multiplied by 2"),
        // The subtraction message names the right operand first.
        ("-", r#""abc", 2"#, "!TypeError: 2 cannot be subtracted from abc"),
        ("/", r#"1, "x""#, "!TypeError: 1 cannot be divided by x"),
        ("%", r#""x", 1"#, "!TypeError: Cannot calculate x modulo 1"),
        (
            "%",
            r#"{"a":1}, re#a#"#,
            "!TypeError: Cannot calculate [Map] modulo re#a#",
        ),
        (
            "*",
            r#""1,000", 2"#,
            "!TypeError: 1,000 cannot be multiplied by 2",
        ),
        (
            "*",
            r#""-0x1F", 2"#,
            "!TypeError: -0x1F cannot be multiplied by 2",
        ),
    ]);
}

#[test]
fn division_and_modulo_by_zero_are_zero() {
    // Quirk 18.
    check(&[
        ("/", "1, 0", "0"),
        ("/", "0, 0", "0"),
        ("/", r#"5, """#, "0"),
        ("/", "5, null", "0"),
        ("%", "5, 0", "0"),
        ("%", "-7, 3", "-1"),
        ("%", "-5, 3", "-2"),
        ("%", "5.5, 2", "1.5"),
        ("%", "7, -3", "1"),
    ]);
    let mut host = TestHost::new();
    assert_eq!(run_with(&mut host, "/", r#""12", 0"#), "0");
    assert_eq!(host.logs.len(), 1);
    assert_eq!(host.logs[0].level, LogLevel::Debug);
    assert_eq!(host.logs[0].message, "[DIVISION BY ZERO] 12 / 0");
    assert_eq!(run_with(&mut host, "%", "12, 0"), "0");
    assert_eq!(host.logs.len(), 1, "modulo by zero does not log");
}

#[test]
fn equality_is_deep_and_never_coerces() {
    // Quirk 20.
    check(&[
        ("==", r#"1, "1""#, "false"),
        ("==", "true, 1", "false"),
        ("==", "null, 0", "false"),
        ("==", "null, false", "false"),
        ("==", "null, null", "true"),
        ("==", "null", "true"),
        ("==", "1, 1.0", "true"),
        ("==", "0, -0", "true"),
        ("==", r#""0x10", 16"#, "false"),
        ("==", "[1,[2,{\"a\":null}]], [1,[2,{\"a\":null}]]", "true"),
        ("==", "[1,2], [2,1]", "false"),
        ("==", r#"{"a":1,"b":2}, {"b":2,"a":1}"#, "true"),
        ("==", r#"{"a":null}, {}"#, "false"),
        ("==", "re#a#gi, re#a#ig", "true"),
        ("==", "re#a#g, re#a#", "false"),
        ("==", "@noop, @noop", "true"),
        ("==", "[], {}", "false"),
        ("!=", r#"1, "1""#, "true"),
        ("!=", "[1], [1]", "false"),
    ]);
}

#[test]
fn ordering_coerces_then_falls_back_to_strings() {
    check(&[
        ("<=>", r#"1, "1""#, "0"),
        ("<=>", "null, 0", "0"),
        ("<=>", r#"{"a":1}, [5]"#, "0"),
        ("<=>", r#""a", "B""#, "1"),
        ("<=>", r#""x", null"#, "1"),
        ("<=>", "2, 10", "-1"),
        ("<", r#""10", "9""#, "false"),
        ("<", r#""abc", 5"#, "false"),
        ("<", "null, 1", "true"),
        ("<", "[1,2], [1,2,3]", "true"),
        (">", "true, false", "true"),
        (">=", "1, 1", "true"),
        ("<=", r#""b", "a""#, "false"),
        ("<", r#""0x1F", 32"#, "true"),
        // Infinity does not convert, so it compares as "[JSObject]".
        ("<", "Infinity, 1", "false"),
        ("<", r#""[", Infinity"#, "true"),
        ("cmp", "10, 9", "-1"),
        ("cmp", "null, 0", "1"),
        ("cmp", r#""10", "9""#, "-1"),
        ("cmp", r#""a", "a""#, "0"),
        ("cmp", "true, false", "1"),
    ]);
}

#[test]
fn membership() {
    check(&[
        ("><", "[1,2,3], 2", "true"),
        ("><", r#"[1,2,3], "2""#, "false"),
        ("><", "[[1]], [1]", "true"),
        ("><", r#"[{"a":[1]}], {"a":[1]}"#, "true"),
        ("><", r#"{"a":1}, "a""#, "true"),
        ("><", r#"{"1":0}, 1"#, "true"),
        ("><", r#"{"a":1}, "b""#, "false"),
        ("><", r#"{"a":{"b":1}}, ["a","b"]"#, "true"),
        ("><", r#"{"a":{"b":1}}, "a.b""#, "true"),
        ("><", r#"{"a.b":1}, "a.b""#, "true"),
        ("><", r#"{"a":[1,2]}, "a[1]""#, "true"),
        ("><", r#"{"toString":1}, "toString""#, "true"),
        ("><", r#"{}, "toString""#, "false"),
        ("><", r#""abc", "b""#, "false"),
        ("><", "5, 5", "false"),
        ("><", "null, null", "false"),
    ]);
}

#[test]
fn like_stringifies_both_sides() {
    check(&[
        ("like", r#""abc", re#^A#i"#, "true"),
        ("like", r#""abc", "b""#, "true"),
        ("like", "5, 5", "true"),
        ("like", r#""atruething", true"#, "true"),
        ("like", "null, re#^null$#", "true"),
        ("like", r#"[1], "Array""#, "true"),
        ("like", r#""abc", re#^b#"#, "false"),
        ("like", r#""a\nb", re#^b#"#, "false"),
        (
            "like",
            r#""abc", "(""#,
            "!SyntaxError: Invalid regular expression: /(/: Unterminated group",
        ),
    ]);
}
