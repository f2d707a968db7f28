//! String operators.

mod common;

use common::check;

#[test]
fn case_and_trimming() {
    check(&[
        ("lc", r#""HeLLo""#, r#""hello""#),
        ("uc", r#""hello""#, r#""HELLO""#),
        ("uc", r#""ß""#, r#""SS""#),
        ("lc", r#""ΑΣ""#, r#""ας""#),
        ("uc", "5", r#""5""#),
        ("lc", "null", r#""null""#),
        ("uc", "[1]", r#""[ARRAY]""#),
        ("capitalize", r#""hello world""#, r#""Hello world""#),
        ("capitalize", r#""""#, r#""""#),
        ("capitalize", r#""ßa""#, r#""SSa""#),
        ("capitalize", "true", r#""True""#),
        ("trim", r#""  a b \n""#, r#""a b""#),
        ("trim", "\"\u{a0}\u{feff} x \u{2028}\"", r#""x""#),
        ("trimLeading", r#""  a  ""#, r#""a  ""#),
        ("trimTrailing", r#""  a  ""#, r#""  a""#),
        ("trim", "1", r#""1""#),
    ]);
}

#[test]
fn prefix_and_substring_tests_stringify_the_target() {
    // Quirk 39: a regex target is looked for as its printed text.
    check(&[
        ("startsWith", r#""abc", "ab""#, "true"),
        ("startsWith", r#""abc", "b""#, "false"),
        ("endsWith", r#""abc", "bc""#, "true"),
        ("contains", r#""abc", "b""#, "true"),
        ("contains", r#""abc", re#b#"#, "false"),
        ("contains", r#""xre#b#", re#b#"#, "true"),
        ("contains", r#""anullb", null"#, "true"),
        ("startsWith", "123, 12", "true"),
        ("contains", r#""abc", """#, "true"),
    ]);
}

#[test]
fn length_counts_lodash_symbols() {
    // Quirk 31.
    check(&[
        ("length", r#""abc""#, "3"),
        ("length", r#""""#, "0"),
        ("length", r#""😀""#, "1"),
        ("length", "\"e\u{301}\"", "1"),
        ("length", r#""👍🏽x""#, "2"),
        ("length", r#""🇺🇸""#, "1"),
        ("ord", r#""😀""#, "55357"),
        ("ord", r#""A""#, "65"),
        ("ord", r#""""#, "null"),
        ("ord", "5", "53"),
    ]);
}

#[test]
fn substr_quirks() {
    // Quirk 32.
    check(&[
        ("substr", r#""abc", 1, 0"#, r#""bc""#),
        ("substr", r#""abc", 0, 0"#, r#""abc""#),
        ("substr", r#""abc", -1"#, r#""abc""#),
        ("substr", r#""abc", 2, -5"#, r#""ab""#),
        ("substr", r#""This is a string", 5, -5"#, r#""is a s""#),
        ("substr", r#""This is a string", 5, -15"#, r#""his ""#),
        ("substr", r#""This is a string", 5"#, r#""is a string""#),
        ("substr", r#""This is a string", 5, 4"#, r#""is a""#),
        ("substr", r#""abc", 4"#, r#""""#),
        ("substr", r#""abc", 3"#, r#""""#),
        ("substr", r#""abc""#, r#""abc""#),
        ("substr", r#""abc", "x""#, r#""abc""#),
        ("substr", r#""abc", null"#, r#""abc""#),
        ("substr", r#""abc", 1.5, 1.5"#, r#""bc""#),
        ("substr", r#""abc", "1", "1""#, r#""b""#),
        ("substr", "12345, 1, 2", r#""23""#),
    ]);
}

#[test]
fn split_by_string_or_regex() {
    check(&[
        ("split", r#""a;b;", ";""#, r#"["a","b",""]"#),
        ("split", r#""", ",""#, r#"[""]"#),
        ("split", r#""abc", """#, r#"["a","b","c"]"#),
        ("split", r#""anullb", null"#, r#"["a","b"]"#),
        ("split", r#""a.b", ".""#, r#"["a","b"]"#),
        ("split", r#""a1b2c", re#\d#"#, r#"["a","b","c"]"#),
        ("split", r#""a1b", re#(\d)#"#, r#"["a","1","b"]"#),
        ("split", r#""ab", re#(x)?b#"#, r#"["a",null,""]"#),
        ("split", r#""abc", re##"#, r#"["a","b","c"]"#),
        ("split", r#""", re#x#"#, r#"[""]"#),
        ("split", r#""aXbxc", re#x#i"#, r#"["a","b","c"]"#),
        ("split", "1.5, 5", r#"["1.",""]"#),
        ("split", r#""abc""#, r#"["abc"]"#),
    ]);
}
