//! Regex operators: `match`, `extract`, `replace`.

mod common;

use common::check;

#[test]
fn match_compiles_strings_but_not_other_values() {
    // Quirk 39.
    check(&[
        ("match", r#""abc", re#b#"#, "true"),
        ("match", r#""abc", "^a""#, "true"),
        ("match", r#""1", 1"#, "false"),
        ("match", "0, re#0#", "true"),
        ("match", r#""abc", null"#, "false"),
        ("match", r#""ABC", re#b#i"#, "true"),
        (
            "match",
            r#""abc", "(""#,
            "!SyntaxError: Invalid regular expression: /(/: Unterminated group",
        ),
        ("match", r#""x", "0x1""#, "false"),
    ]);
}

#[test]
fn extract_groups_or_all_matches() {
    // Quirk 41.
    check(&[
        ("extract", r#""hello", re#l#g"#, r#"["l","l"]"#),
        ("extract", r#""hello", re#(l)(l)#"#, r#"["l","l"]"#),
        ("extract", r#""hello", re#l#"#, "[]"),
        ("extract", r#""hello", re#(x)?(e)#"#, r#"[null,"e"]"#),
        ("extract", r#""hello", "l+""#, "[]"),
        ("extract", r#""hello", "(l+)""#, r#"["ll"]"#),
        ("extract", r#""hello", re#z#g"#, "[]"),
        ("extract", r#""aaa", re##g"#, r#"["","","",""]"#),
        ("extract", r#""hello""#, "[]"),
        ("extract", r#"12345, re#\d\d#g"#, r#"["12","34"]"#),
        ("extract", r#""a1b22", re#(\d+)#g"#, r#"["1","22"]"#),
    ]);
}

#[test]
fn replace_with_strings() {
    // Quirk 33: a String pattern is literal and replaces only the first occurrence.
    check(&[
        ("replace", r#""aaa", "a", "b""#, r#""baa""#),
        ("replace", r#""aaa", re#a#g, "b""#, r#""bbb""#),
        ("replace", r#""aaa", re#a#, "b""#, r#""baa""#),
        ("replace", r#""a.c", ".", "x""#, r#""axc""#),
        (
            "replace",
            r#""John Smith", re#(\w+)\s(\w+)#, "$2, $1""#,
            r#""Smith, John""#,
        ),
        ("replace", r#""abc", "b", "[$&$`$']""#, r#""a[bac]c""#),
        ("replace", r#""a$c", "$", "$$""#, r#""a$c""#),
        ("replace", r#""abc", "b""#, r#""ac""#),
        ("replace", r#""abc", "b", null"#, r#""ac""#),
        ("replace", r#""abc", re#b#, [1]"#, r#""a[Array]c""#),
        ("replace", "5, 5, 6", r#""6""#),
        ("replace", "5", "5"),
        ("replace", "[1]", "[1]"),
        ("replace", r#"[1], "A", "x""#, r#""[xrray]""#),
        ("replace", r#""abc", re#b#, @act"#, r#""a[Action]c""#),
    ]);
}

#[test]
fn replace_with_a_function() {
    check(&[
        // The String pattern becomes a regex when the replacement is a function.
        ("replace", r#""a.c", ".", @upper"#, r#""A.c""#),
        ("replace", r#""abc", re#b#g, @upper"#, r#""aBc""#),
        (
            "replace",
            r#""abcabc", re#(b)(x)?#g, @all4"#,
            r#""ab,b,,1cab,b,,4c""#,
        ),
        ("replace", r#""abc", re#b#, @nul"#, r#""aundefinedc""#),
        ("replace", r#""abc", re#b#, @noop"#, r#""aundefinedc""#),
        ("replace", r#""aaa", re#a#, @upper"#, r#""Aaa""#),
        // An empty global match moves on instead of looping forever.
        (
            "replace",
            r#""ab", re##g, @nul"#,
            r#""undefinedaundefinedbundefined""#,
        ),
        (
            "replace",
            r#""abc", "(", @upper"#,
            "!SyntaxError: Invalid regular expression: /(/: Unterminated group",
        ),
    ]);
}
