//! The hand-written parser (krl-syntax's fast path) against the LALRPOP parser: on every
//! `.krl` file of ours, on generated rulesets, on rulesets built around random programs and
//! on mutated rulesets, `parse_ruleset` (fast path first) must give exactly what the LALRPOP
//! parser alone gives (tree, spans and diagnostics), and the fast path must take every file
//! LALRPOP parses without a diagnostic.
//!
//! `KRL_DIFFERENTIAL_DIRS` (folders separated by `:`) adds the `.krl` files below each folder,
//! for a corpus that is not in the repository (notes/2026-12-07-check-speed-3.md).

use std::path::Path;

use krl_diagnostics::FileId;
use krl_syntax::differential::{descent_only, lalrpop_only};
use testsuite::fuzz::{self, Target};
use testsuite::gen_program;

/// How many random programs and how many mutated rulesets to compare.
const PROGRAMS: u64 = 400;
const MUTATIONS: u64 = 3000;

/// Compares the two parsers on `src`; returns whether the fast path took the file.
fn compare(what: &str, src: &str) -> bool {
    let file = FileId(0);
    let lalrpop = lalrpop_only(file, src);
    let both = krl_syntax::parse_ruleset(file, src);
    assert_eq!(both.ruleset, lalrpop.ruleset, "{what}: the trees differ");
    assert_eq!(
        both.diagnostics, lalrpop.diagnostics,
        "{what}: the diagnostics differ"
    );
    let descent = descent_only(file, src);
    if let Some(tree) = &descent {
        assert_eq!(tree, &lalrpop.ruleset, "{what}: the fast path's tree differs");
    } else if !lalrpop.has_errors() && !krl_syntax::lexer::lex(file, src).tokens.is_empty() {
        panic!("{what}: the fast path left a well-formed file to LALRPOP");
    }
    descent.is_some()
}

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testsuite sits in the workspace")
}

#[test]
fn both_parsers_agree_on_our_rulesets_and_generated_ones() {
    let seeds = sources();
    let taken = seeds
        .iter()
        .enumerate()
        .filter(|(idx, src)| compare(&format!("seed {idx}"), src))
        .count();
    // Most of our files are well-formed; the fast path must not be a dead branch.
    assert!(
        taken * 2 > seeds.len(),
        "the fast path took only {taken} of {} files",
        seeds.len()
    );
}

#[test]
fn both_parsers_agree_on_rulesets_around_random_programs() {
    let mut taken = 0;
    for index in 0..PROGRAMS {
        let program = gen_program::case(7, index);
        let src = format!(
            "ruleset gen.p{index} {{\n  global {{\n    {}\n  }}\n  rule r {{\n    select when e t where {}\n    pre {{ x = {} }}\n    send_directive(\"r\", {{\"x\": x}})\n  }}\n}}\n",
            program.decls().join("\n    "),
            program.expr_text(),
            program.expr_text(),
        );
        taken += usize::from(compare(&format!("program {index}"), &src));
    }
    assert!(
        taken as u64 * 2 > PROGRAMS,
        "the fast path took only {taken} programs"
    );
}

#[test]
fn both_parsers_agree_on_mutated_rulesets() {
    let seeds = Target::Compile.seeds(workspace());
    for index in 0..MUTATIONS {
        compare(&format!("mutation {index}"), &fuzz::input(&seeds, 11, index));
    }
}

/// Our seeds, then the files below the folders in `KRL_DIFFERENTIAL_DIRS`.
fn sources() -> Vec<String> {
    let mut sources = Target::Compile.seeds(workspace());
    let extra = std::env::var("KRL_DIFFERENTIAL_DIRS").unwrap_or_default();
    for dir in extra.split(':').filter(|d| !d.is_empty()) {
        let files = fuzz::krl_files_below(Path::new(dir));
        sources.extend(files.iter().filter_map(|path| std::fs::read_to_string(path).ok()));
    }
    sources
}
