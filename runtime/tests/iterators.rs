//! Operators that call back into KRL: `map`, `filter`, `reduce`, `any`/`all`/`none`/`notall`,
//! `collect`, `pairwise`.

mod common;

use common::{check, run_with};
use krl_runtime::TestHost;

#[test]
fn map_and_filter_keep_the_collection_kind() {
    check(&[
        ("map", "[1,2], @all4", "[[1,0,[1,2],null],[2,1,[1,2],null]]"),
        ("map", r#"{"b":1,"a":2}, @key"#, r#"{"b":"b","a":"a"}"#),
        ("map", r#"{"b":1,"a":2,"1":3}, @id"#, r#"{"1":3,"b":1,"a":2}"#),
        ("map", "[1,2], null", "[1,2]"),
        ("map", "[1], @noop", "[null]"),
        ("map", "[1], @act", "[1]"),
        ("map", "[], 5", "[]"),
        ("map", "[1], 5", "!TypeError: iter is not a function"),
        ("map", r#""abc", @id"#, "!TypeError: only works on collections"),
        ("map", "null, @id", "!TypeError: only works on collections"),
        ("filter", r#"{"b":1,"a":2,"c":3}, @odd"#, r#"{"b":1,"c":3}"#),
        ("filter", r#"[0,1,"",null,"0",[]]"#, r#"[1,"0",[]]"#),
        ("filter", "[1,2,3], @gt1", "[2,3]"),
        ("filter", "5, @gt1", "!TypeError: only works on collections"),
    ]);
}

#[test]
fn any_all_none_notall() {
    check(&[
        ("any", "[1,2,3], @gt1", "true"),
        ("all", "[1,2,3], @gt1", "false"),
        ("none", r#"{"a":1}, @gt1"#, "true"),
        ("notall", r#"{"a":1,"b":2}, @gt1"#, "true"),
        ("any", "[], null", "false"),
        ("all", "[], null", "true"),
        ("none", "[], null", "true"),
        ("notall", "[], null", "false"),
        ("any", "[1], null", "!TypeError: iter is not a function"),
        ("all", r#""x", @id"#, "!TypeError: only works on collections"),
        ("any", "[0, 1], @id", "true"),
        ("all", r#"[1, "0", []], @id"#, "true"),
    ]);
    // Short-circuit: `any` stops at the first truthy result.
    let mut host = TestHost::new();
    assert_eq!(run_with(&mut host, "any", "[1,2,3], @log"), "true");
    assert_eq!(host.logs.len(), 1);
    let mut host = TestHost::new();
    assert_eq!(run_with(&mut host, "all", "[1,0,3], @log"), "false");
    assert_eq!(host.logs.len(), 2);
}

#[test]
fn collect_groups_by_javascript_string() {
    // Quirk 30.
    check(&[
        ("collect", "[1,2,3], @gt1", r#"{"false":[1],"true":[2,3]}"#),
        ("collect", "[1,2], @nul", r#"{"undefined":[1,2]}"#),
        (
            "collect",
            r#"{"b":1,"a":2,"3":3}, @key"#,
            r#"{"3":[3],"b":[1],"a":[2]}"#,
        ),
        ("collect", "[[1,0],[2]], null", r#"{"2":[[2]],"1,0":[[1,0]]}"#),
        (
            "collect",
            r#"[{"a":1},{"b":2}]"#,
            r#"{"[object Object]":[{"a":1},{"b":2}]}"#,
        ),
        ("collect", r#"[1,"1",2]"#, r#"{"1":[1,"1"],"2":[2]}"#),
        ("collect", "5, @id", "!TypeError: only works on collections"),
    ]);
}

#[test]
fn reduce_quirks() {
    // Quirk 36.
    check(&[
        ("reduce", "[1,2,3], @add, 10", "16"),
        ("reduce", "[1,2,3], @add", "6"),
        ("reduce", "[], @add", "0"),
        ("reduce", "[], @add, null", "null"),
        ("reduce", "[], @add, 5", "5"),
        (
            "reduce",
            "[5], 3",
            "!Error: The .reduce() operator cannot use 3 as a function",
        ),
        ("reduce", "[5], @add", "5"),
        ("reduce", "[5], 3, 1", "!TypeError: iter is not a function"),
        ("reduce", "[5], @add, 1", "6"),
        ("reduce", "[1,2,3], @all4", "[[1,2,1,[1,2,3]],3,2,[1,2,3]]"),
        (
            "reduce",
            "[1,2], 3",
            "!Error: The .reduce() operator cannot use 3 as a function",
        ),
        (
            "reduce",
            "[1,2], null, 0",
            "!Error: The .reduce() operator cannot use null as a function",
        ),
        (
            "reduce",
            "[1,2], @act, 1",
            "!Error: The .reduce() operator cannot use [Action] as a function",
        ),
        ("reduce", "[5], @act, 1", "1"),
        ("reduce", r#"{"a":1}, @add"#, "!TypeError: only works on Arrays"),
    ]);
}

#[test]
fn pairwise_zips_arrays() {
    check(&[
        ("pairwise", "[[1,2],[3,4]], @add", "[4,6]"),
        (
            "pairwise",
            "[[1,2],3], @all4",
            "[[1,3,null,null],[2,null,null,null]]",
        ),
        (
            "pairwise",
            "[[1],[2,3],[]], @all4",
            "[[1,2,null,null],[null,3,null,null]]",
        ),
        ("pairwise", "[[],[]], @add", "[]"),
        ("pairwise", "[1,2], @noop", "[null]"),
        (
            "pairwise",
            "5, @add",
            "!TypeError: The .pairwise() operator cannot be called on 5",
        ),
        (
            "pairwise",
            "[1], @add",
            "!TypeError: The .pairwise() operator needs a longer array",
        ),
        (
            "pairwise",
            "[1,2], @act",
            "!TypeError: The .pairwise() operator cannot use [Action] as a function",
        ),
        (
            "pairwise",
            "[1,2]",
            "!TypeError: The .pairwise() operator cannot use null as a function",
        ),
    ]);
}
