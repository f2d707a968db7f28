//! The expression vectors of language.md §10.2 that need no parser, written as the operator
//! calls the interpreter compiles them to.

mod common;

use common::{check, lit, show};
use krl_runtime::Value;

#[test]
fn language_reference_vectors() {
    check(&[
        ("+", "1, 2", "3"),
        ("+", r#""a", 1"#, r#""a1""#),
        ("+", r#"1, "2""#, r#""12""#),
        ("+", "1, null", r#""1null""#),
        ("+", r#"{"a":1}, 1"#, r#""[Map]1""#),
        ("-", r#""3", 1"#, "2"),
        ("*", r#""3", "4""#, "12"),
        ("*", "null, 5", "0"),
        ("*", "[1,2,3], 2", "6"),
        ("*", r#""abc", 2"#, "!TypeError: abc cannot be multiplied by 2"),
        ("/", "1, 0", "0"),
        ("%", "-7, 3", "-1"),
        ("+", "0.1, 0.2", "0.30000000000000004"),
        ("as", r#"1000000000000000000001, "String""#, r#""1e+21""#),
        ("-", r#""abc""#, "!TypeError: Cannot negate abc"),
        ("+", r#""abc""#, r#""abc""#),
        ("==", r#"1, "1""#, "false"),
        ("<=>", r#"1, "1""#, "0"),
        ("<", r#""abc", 5"#, "false"),
        ("<", "null, 1", "true"),
        ("cmp", "10, 9", "-1"),
        ("><", r#"[1,2,3], "2""#, "false"),
        ("><", r#"{"a":1}, "a""#, "true"),
        ("like", r#""abc", re#^A#i"#, "true"),
        ("typeof", r#""0xAF""#, r#""Hex""#),
        ("as", r#""0xAF", "Number""#, "175"),
        ("as", r#""1,000", "Number""#, "null"),
        ("as", r#""", "Number""#, "0"),
        ("as", r#""0", "Boolean""#, "true"),
        ("as", r#"re#a/b#, "String""#, r#""re#a\\/b#""#),
        ("replace", r#""aaa", "a", "b""#, r#""baa""#),
        ("replace", r#""aaa", re#a#g, "b""#, r#""bbb""#),
        (
            "replace",
            r#""John Smith", re#(\w+)\s(\w+)#, "$2, $1""#,
            r#""Smith, John""#,
        ),
        ("extract", r#""hello", re#l#g"#, r#"["l","l"]"#),
        ("extract", r#""hello", re#(l)(l)#"#, r#"["l","l"]"#),
        ("split", r#""a;b;", ";""#, r#"["a","b",""]"#),
        ("substr", r#""abc", 1, 0"#, r#""bc""#),
        ("substr", r#""This is a string", 5, -5"#, r#""is a s""#),
        ("sprintf", r#"3, "%d items, %d total""#, r#""3 items, 3 total""#),
        ("range", "1.5, 4", "[1.5,2.5,3.5,4.5]"),
        ("bnot", "5", "-6"),
        ("sort", "[3,10,2]", "[10,2,3]"),
        ("sort", r#"[3,10,2], "numeric""#, "[2,3,10]"),
        ("reduce", "[1,2,3], @add, 10", "16"),
        ("reduce", "[], @add", "0"),
        ("slice", "[1,2,3,4,5], 2", "[1,2,3]"),
        ("slice", "[1,2,3,4,5], 3, 1", "[2,3,4]"),
        (
            "splice",
            r#"[1,2,3,4,5], 1, 0, ["x","y"]"#,
            r#"[1,"x","y",2,3,4,5]"#,
        ),
        ("append", "[1,2,3], [[4]]", "[1,2,3,[4]]"),
        ("once", r#"["b","a",2,1]"#, r#"[1,2,"b","a"]"#),
        ("collect", "[1,2,3], @gt1", r#"{"false":[1],"true":[2,3]}"#),
        ("keys", r#"{"b":1,"a":2,"10":3,"2":4}"#, r#"["2","10","b","a"]"#),
        ("put", r#"{"a":1}, ["a","y"], 2"#, r#"{"a":{"y":2}}"#),
        ("set", r#"{}, ["a","0"], 1"#, r#"{"a":[1]}"#),
        ("get", r#"{"a":"xyz"}, ["a","0"]"#, r#""x""#),
        ("get", r#"[10,20], "1""#, "20"),
        ("get", r#""abc", 0"#, "null"),
        ("get", r#"{"1":"one"}, 1"#, r#""one""#),
        // `stdlib:length` without parentheses is a call with no arguments.
        ("length", "", "0"),
    ]);
}

#[test]
fn truthiness_vectors() {
    // `not []`, `0 || "x"`, `[] && 1`, `"0" => "y" | "n"`: the interpreter uses `truthy`.
    assert!(lit("[]").truthy());
    assert!(!lit("0").truthy());
    assert!(lit(r#""0""#).truthy());
    assert!(lit(r#""false""#).truthy());
    assert!(lit("{}").truthy());
    assert!(!lit(r#""""#).truthy());
    assert!(!Value::Null.truthy());
}

#[test]
fn beesting_string_forms() {
    // <<#{1}|#{null}|#{[1]}|#{re#x#i}>> concatenates `as("String")` forms.
    let parts: Vec<String> = ["1", "null", "[1]", "re#x#i"]
        .iter()
        .map(|src| lit(src).to_krl_string().into_owned())
        .collect();
    assert_eq!(parts.join("|"), "1|null|[Array]|re#x#i");
    assert_eq!(show(&lit("[1]")), "[1]");
}
