//! Which keywords may serve as names, position by position, against pico-engine's parser.
//!
//! The table below was measured by running krl-parser 1.3.0 over every keyword in every
//! position (the template's `W` replaced by the word): for each position, the words it
//! rejects. Every other keyword must parse there. Where we deliberately differ, the
//! difference is listed in `DIFFERENCES` with its reason (and in docs/compat.md).

use krl_diagnostics::FileId;
use krl_syntax::parse_ruleset;
use krl_syntax::token::Kw;

/// (position, template with `W` for the word, the words pico-engine rejects there)
const REFERENCE: &[(&str, &str, &str)] = &[
    (
        "declaration",
        "ruleset a.b {\nglobal { W = 1 }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "expr_use",
        "ruleset a.b {\nglobal { x = function(){ W } }\n}\n",
        "and or setting then repeat defaction function return not like cmp before after between any count",
    ),
    (
        "parameter",
        "ruleset a.b {\nglobal { f = function(W) { 1 } }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "param_default",
        "ruleset a.b {\nglobal { f = function(W = 1) { 1 } }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "call_callee",
        "ruleset a.b {\nglobal { x = W(1) }\n}\n",
        "and or setting then repeat defaction function return like cmp before after between any count",
    ),
    (
        "shares",
        "ruleset a.b {\nmeta { shares W }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "provides",
        "ruleset a.b {\nmeta { provides W }\n}\n",
        "keys setting defaction function return not null true false",
    ),
    (
        "module_alias",
        "ruleset a.b {\nmeta { use module x alias W }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "named_arg",
        "ruleset a.b {\nglobal { x = f(W = 1) }\n}\n",
        "and or setting then repeat defaction function return not null true false like cmp before after between any count",
    ),
    (
        "member_dot",
        "ruleset a.b {\nglobal { x = y.W }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "attr_name",
        "ruleset a.b {\nrule r { select when d t W re#x# }\n}\n",
        "",
    ),
    (
        "event_domain",
        "ruleset a.b {\nrule r { select when W t }\n}\n",
        "and or then repeat defaction function not null true false like cmp before after between any count",
    ),
    ("event_type", "ruleset a.b {\nrule r { select when d W }\n}\n", ""),
    (
        "select_setting",
        "ruleset a.b {\nrule r { select when d t a re#(.*)# setting(W) }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "action_setting",
        "ruleset a.b {\nrule r { select when d t\n send_directive(\"x\") setting(W) }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "rule_name",
        "ruleset a.b {\nrule W { select when d t }\n}\n",
        "setting defaction function return not null true false",
    ),
    ("rid_first", "ruleset W.b {\n}\n", ""),
    ("rid_segment", "ruleset a.W {\n}\n", ""),
    (
        "ent_var",
        "ruleset a.b {\nglobal { x = ent:W }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "app_var",
        "ruleset a.b {\nglobal { x = app:W }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "alias_member",
        "ruleset a.b {\nglobal { x = m:W }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "ent_assign",
        "ruleset a.b {\nrule r { select when d t\n always { ent:W := 1 } }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "action_name",
        "ruleset a.b {\nrule r { select when d t\n W() }\n}\n",
        "and or where within foreach setting pre if then every sample choose fired notfired else finally always defaction function return not null true false before after between",
    ),
    (
        "action_module",
        "ruleset a.b {\nrule r { select when d t\n m:W() }\n}\n",
        "setting defaction function return not null true false",
    ),
    (
        "action_label",
        "ruleset a.b {\nrule r { select when d t\n W => send_directive(\"x\") }\n}\n",
        "and or where within foreach setting pre if then every sample choose fired notfired else finally always defaction function return not null true false before after between",
    ),
    (
        "raise_domain",
        "ruleset a.b {\nrule r { select when d t\n always { raise W event \"t\" } }\n}\n",
        "setting event defaction function return not null true false",
    ),
    (
        "pre_decl",
        "ruleset a.b {\nrule r { select when d t\n pre { W = 1 } }\n}\n",
        "setting defaction function return not null true false",
    ),
];

/// (position, words pico-engine accepts there that we reject, why)
const DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "action_name",
        "like cmp max min sum avg push",
        "`like`/`cmp` would continue a `where` expression and the aggregator words a \
         `count`/`repeat` group; LR(1) cannot take them as an action's name there",
    ),
    (
        "action_label",
        "like cmp max min sum avg push",
        "as for action_name",
    ),
    (
        "attr_name",
        "like cmp not return",
        "a regex after these words is an expression operand (`s like re#x#`), so the lexer \
         does not mark them as attribute names",
    ),
];

fn words(list: &str) -> Vec<&str> {
    list.split_whitespace().collect()
}

#[test]
fn every_keyword_in_every_position_parses_as_in_pico_engine() {
    let mut mismatches = Vec::new();
    for &(position, template, rejected) in REFERENCE {
        let rejected = words(rejected);
        let differs: Vec<&str> = DIFFERENCES
            .iter()
            .filter(|(p, _, _)| *p == position)
            .flat_map(|(_, list, _)| words(list))
            .collect();
        for kw in Kw::ALL {
            let word = kw.as_str();
            let src = template.replace('W', word);
            let we_accept = !parse_ruleset(FileId(0), &src).has_errors();
            let expected = !rejected.contains(&word) && !differs.contains(&word);
            if we_accept != expected {
                let verdict = if we_accept { "accepted" } else { "rejected" };
                mismatches.push(format!("{position}: `{word}` {verdict}\n{src}"));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn the_table_names_every_keyword_and_its_differences_are_real() {
    let all: Vec<&str> = Kw::ALL.iter().map(|kw| kw.as_str()).collect();
    for &(position, _, rejected) in REFERENCE {
        for word in words(rejected) {
            assert!(all.contains(&word), "{position}: `{word}` is not a keyword");
        }
    }
    for &(position, list, _) in DIFFERENCES {
        let rejected = REFERENCE
            .iter()
            .find(|(p, _, _)| *p == position)
            .map(|(_, _, r)| words(r));
        let rejected = rejected.unwrap_or_else(|| panic!("no position {position}"));
        for word in words(list) {
            assert!(
                !rejected.contains(&word),
                "{position}: pico-engine rejects `{word}` too"
            );
        }
    }
}

/// The counter a newcomer writes first: `count` as a function name, shared and queried.
#[test]
fn a_counter_ruleset_may_name_its_function_count() {
    let src = r#"ruleset counter {
  meta { shares count }
  global { count = function() { ent:count.defaultsTo(0) } }
  rule inc { select when counter inc  always { ent:count := ent:count.defaultsTo(0) + 1 } }
}"#;
    let parse = parse_ruleset(FileId(0), src);
    assert!(!parse.has_errors(), "{:?}", parse.diagnostics);
}

#[test]
fn an_operator_word_cannot_name_an_argument() {
    let parse = parse_ruleset(FileId(0), "ruleset a { global { x = f(count = 1) } }");
    let messages: Vec<&str> = parse.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        ["`count` is an operator word and cannot name an argument"]
    );
}
