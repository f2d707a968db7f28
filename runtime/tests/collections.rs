//! Collection operators that need no callback (plus `sort` with a comparator).

mod common;

use common::{check, run_with};
use krl_runtime::TestHost;

#[test]
fn length_is_empty_head_tail() {
    // Quirk 40.
    check(&[
        ("length", "[1,2,null]", "3"),
        ("length", r#"{"a":1,"b":2}"#, "2"),
        ("length", "5", "0"),
        ("length", "null", "0"),
        ("length", "re#abc#", "0"),
        ("isEmpty", "[]", "true"),
        ("isEmpty", "{}", "true"),
        ("isEmpty", r#""""#, "true"),
        ("isEmpty", "[null]", "false"),
        ("isEmpty", r#""a""#, "false"),
        ("isEmpty", "5", "true"),
        ("isEmpty", "0", "true"),
        ("isEmpty", "true", "true"),
        ("isEmpty", "null", "true"),
        ("isEmpty", "re#a#", "true"),
        ("isEmpty", "Infinity", "true"),
        ("isEmpty", "@id", "false"),
        ("isEmpty", "@noop", "false"),
        ("head", "[1,2]", "1"),
        ("head", "[]", "null"),
        ("head", r#""abc""#, r#""abc""#),
        ("head", r#"{"a":1}"#, r#"{"a":1}"#),
        ("tail", "[1,2,3]", "[2,3]"),
        ("tail", "[]", "[]"),
        ("tail", r#""abc""#, "[]"),
    ]);
}

#[test]
fn index_join_reverse() {
    check(&[
        ("index", "[1,[2],3], [2]", "1"),
        ("index", r#"[1,2], "2""#, "-1"),
        ("index", "[1,null], null", "1"),
        ("index", r#""abc", "b""#, "!TypeError: only works on Arrays"),
        ("join", r#"["a","b"]"#, r#""a,b""#),
        ("join", r#"["a","b"], "-""#, r#""a-b""#),
        ("join", r#"[1,null,[1],{}], null"#, r#""1,null,[Array],[Map]""#),
        ("join", r#"["<",">"], re#|#"#, r#""<re#|#>""#),
        ("join", "[1,2], 0", r#""102""#),
        ("join", r#""abc", "-""#, r#""abc""#),
        ("join", "5", r#""5""#),
        ("join", "[]", r#""""#),
        ("reverse", "[1,[2],3]", "[3,[2],1]"),
        ("reverse", r#""abc""#, "!TypeError: only works on Arrays"),
        ("reverse", "null", "!TypeError: only works on Arrays"),
    ]);
}

#[test]
fn append_spreads_one_level_and_takes_five_extras() {
    // Quirk 37.
    check(&[
        ("append", "[1,2], 3", "[1,2,3]"),
        ("append", "[1], [2,3]", "[1,2,3]"),
        ("append", "[1], [[2]]", "[1,[2]]"),
        ("append", "[1,2,3], [[4]]", "[1,2,3,[4]]"),
        ("append", "1, 2", "[1,2]"),
        ("append", "null", "[null]"),
        ("append", "[1], null", "[1,null]"),
        ("append", r#"{"a":1}, [2]"#, r#"[{"a":1},2]"#),
        ("append", "[0], 1, 2, 3, 4, 5, 6, 7", "[0,1,2,3,4,5]"),
    ]);
}

#[test]
fn slice_quirks() {
    // Quirk 35.
    check(&[
        ("slice", "[1,2,3,4,5], 2", "[1,2,3]"),
        ("slice", "[1,2,3,4,5], 0", "[1]"),
        ("slice", "[1,2,3,4,5], -3", "[1,2,3]"),
        ("slice", "[1,2,3,4,5], -1", "[]"),
        ("slice", "[1,2,3,4,5], -10", "[]"),
        ("slice", "[1,2,3,4,5], 5", "[1,2,3,4,5]"),
        ("slice", "[1,2,3,4,5], 6", "[]"),
        ("slice", "[1,2,3,4,5], 1.5", "[1,2]"),
        ("slice", "[1,2,3,4,5], 1, 3", "[2,3,4]"),
        ("slice", "[1,2,3,4,5], 3, 1", "[2,3,4]"),
        ("slice", "[1,2,3,4,5], 1.5, 3.5", "[2,3,4]"),
        ("slice", "[1,2,3,4,5], 0, 5", "[]"),
        ("slice", "[1,2,3,4,5], -1, 2", "[]"),
        ("slice", "[1,2,3,4,5], null, 1", "[1,2]"),
        ("slice", "[1,2,3]", "[1,2,3]"),
        ("slice", "[], 1", "[]"),
        ("slice", r#""abc", 1"#, "!TypeError: only works on Arrays"),
        (
            "slice",
            r#"[1,2], "x""#,
            "!TypeError: The .slice() operator cannot use x as an index",
        ),
        (
            "slice",
            r#"[1,2], 0, "y""#,
            "!TypeError: The .slice() operator cannot use y as the other index",
        ),
    ]);
}

#[test]
fn splice_quirks() {
    check(&[
        (
            "splice",
            r#"[1,2,3,4,5], 1, 0, ["x","y"]"#,
            r#"[1,"x","y",2,3,4,5]"#,
        ),
        ("splice", r#"[1,2,3], 1, 1, ["x"]"#, r#"[1,"x",3]"#),
        ("splice", r#"[1,2,3], 1, 1, [["x"]]"#, r#"[1,["x"],3]"#),
        ("splice", r#"[1,2,3], 1, 1, "x""#, r#"[1,"x",3]"#),
        ("splice", "[1,2,3], 1, 1, null", "[1,null,3]"),
        ("splice", "[1,2,3], 1, 1", "[1,3]"),
        ("splice", "[1,2,3], 1, -1", "[1]"),
        ("splice", "[1,2,3], 1, 9", "[1]"),
        ("splice", r#"[1,2,3], 5, 1, "z""#, r#"[1,2,"z"]"#),
        ("splice", "[1,2,3], -2, 1", "[2,3]"),
        ("splice", "[1,2,3], 1, null", "[1,2,3]"),
        ("splice", "[1,2,3], 1.5, 1", "[1,3]"),
        ("splice", "[], 0, 1", "[]"),
        ("splice", r#""abc", 0, 1"#, "!TypeError: only works on Arrays"),
        (
            "splice",
            r#"[1], "x", 1"#,
            "!TypeError: The .splice() operator cannot use xas an index",
        ),
        (
            "splice",
            r#"[1], 0, "y""#,
            "!TypeError: The .splice() operator cannot use yas a number of elements",
        ),
    ]);
}

#[test]
fn builtin_sorts() {
    // Quirk 21.
    check(&[
        ("sort", "[3,10,2]", "[10,2,3]"),
        ("sort", r#"[3,10,2], "default""#, "[10,2,3]"),
        ("sort", r#"[3,10,2], "numeric""#, "[2,3,10]"),
        ("sort", r#"[3,10,2], "ciremun""#, "[10,3,2]"),
        ("sort", r#"[3,10,2], "reverse""#, "[3,2,10]"),
        ("sort", r#"[3,10,2], "bogus""#, "[10,2,3]"),
        ("sort", r#"["b",null,"a"]"#, r#"["a","b",null]"#),
        ("sort", r#"[null,"10",9,"x"], "numeric""#, r#"[9,"10","x",null]"#),
        ("sort", r#"["b","B","a"]"#, r#"["B","a","b"]"#),
        ("sort", r#"[[2],[1,1],{}], "numeric""#, "[{},[2],[1,1]]"),
        ("sort", r#""cba""#, r#""cba""#),
        ("sort", "5", "5"),
        ("sort", "[]", "[]"),
    ]);
}

#[test]
fn sort_with_a_comparator() {
    check(&[
        ("sort", "[5,3,1,4,2,9,8,7,6,0], @sub", "[0,1,2,3,4,5,6,7,8,9]"),
        ("sort", "[5,3,1,4,2], @gt", "[1,2,3,4,5]"),
        // A null result counts as "not <= 0": the right element is taken.
        ("sort", "[1,2,3], @nul", "[3,2,1]"),
        ("sort", "[3,1,2], @act", "[1,2,3]"),
        (
            "sort",
            r#"["b","a"], @sub"#,
            "!TypeError: a cannot be subtracted from b",
        ),
        ("sort", "[1], @sub", "[1]"),
    ]);
    // The comparator sees the reference's merge order.
    let mut host = TestHost::new();
    assert_eq!(run_with(&mut host, "sort", "[3,1,2], @sub"), "[1,2,3]");
}

#[test]
fn unique_once_duplicates() {
    // Quirk 30: once/duplicates group by JavaScript string form.
    check(&[
        (
            "unique",
            r#"[1,"1",1,[1],[1],{"a":null},{"a":null}]"#,
            r#"[1,"1",[1],{"a":null}]"#,
        ),
        ("unique", r#""aa""#, r#""aa""#),
        ("once", r#"["b","a",2,1]"#, r#"[1,2,"b","a"]"#),
        ("once", r#"[1,"1",2,null,null,[1],"x"]"#, r#"[2,"x"]"#),
        ("once", "5", "5"),
        (
            "duplicates",
            r#"[1,"1",2,null,null,{"a":1},{"b":2}]"#,
            r#"[1,null,{"a":1}]"#,
        ),
        ("duplicates", "[3,3,1,1]", "[1,3]"),
        ("duplicates", "5", "[]"),
    ]);
}

#[test]
fn set_operations() {
    check(&[
        ("union", "[1,1,2], [2,3,3]", "[1,2,3]"),
        ("union", "1, 2", "[1,2]"),
        ("union", "[1]", "[1]"),
        ("union", "5", "5"),
        ("union", "[[1]], [[1],[2]]", "[[1],[2]]"),
        ("intersection", "[1,1,2,3], [3,1]", "[1,3]"),
        ("intersection", "[1]", "[]"),
        ("intersection", r#"[{"a":1}], {"a":1}"#, r#"[{"a":1}]"#),
        ("difference", "[1,1,2,3], [3]", "[1,1,2]"),
        ("difference", "[1,2]", "[1,2]"),
        ("difference", "1, [1]", "[]"),
        ("has", "[1,2,3], [3,1]", "true"),
        ("has", "[1,2], 2", "true"),
        ("has", "[1,2], [2,4]", "false"),
        ("has", "[], []", "true"),
        ("has", "[], null", "false"),
        ("has", "[null], null", "true"),
        ("has", "5, 5", "true"),
    ]);
}
