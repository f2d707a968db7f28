//! Runners over generated programs ([`crate::gen_program`]), each taking the evaluator as a
//! parameter so that the same programs run under every execution tier:
//!
//! - [`check`]: one evaluator; no panic, every error has a message and a location, and the
//!   same program gives the same outcome twice;
//! - [`compare`]: two evaluators; the first program on which they differ, shrunk to a
//!   minimal snippet that still shows the difference.
//!
//! An evaluator is any `FnMut(&Case) -> Outcome`: it evaluates the case's declarations
//! (`Case::decls`) in order and then its expression (`Case::expr_text`) in a fresh scope.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::gen_program::{Case, Expr, case};

/// What evaluating a program gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The value, encoded as JSON (or `undefined`).
    Value(String),
    /// A parse, compile or runtime error: its message and where (byte offsets into the
    /// declaration or expression that failed, and which one: `None` is the expression).
    Error { message: String, at: Option<ErrorAt> },
    /// The evaluator panicked.
    Panic(String),
}

/// Where an error points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorAt {
    /// The declaration that failed, or `None` for the expression.
    pub decl: Option<usize>,
    pub start: u32,
    pub end: u32,
}

/// A broken invariant found by [`check`].
#[derive(Debug)]
pub struct Finding {
    pub index: u64,
    pub snippet: String,
    pub problem: String,
}

/// What [`check`] saw.
#[derive(Debug, Default)]
pub struct CheckSummary {
    pub cases: u64,
    pub values: u64,
    pub errors: u64,
    pub findings: Vec<Finding>,
}

fn guarded(eval: &mut impl FnMut(&Case) -> Outcome, case: &Case) -> Outcome {
    catch_unwind(AssertUnwindSafe(|| eval(case))).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic without a message".into());
        Outcome::Panic(message)
    })
}

/// Runs programs `first..first + count` of the run with `seed` through `eval`, twice each.
pub fn check(seed: u64, first: u64, count: u64, mut eval: impl FnMut(&Case) -> Outcome) -> CheckSummary {
    let mut summary = CheckSummary::default();
    for index in first..first + count {
        let program = case(seed, index);
        let outcome = guarded(&mut eval, &program);
        let again = guarded(&mut eval, &program);
        summary.cases += 1;
        let mut problems = Vec::new();
        match &outcome {
            Outcome::Value(_) => summary.values += 1,
            Outcome::Error { message, at } => {
                summary.errors += 1;
                if message.trim().is_empty() {
                    problems.push("an error without a message".to_string());
                }
                if at.is_none() {
                    problems.push(format!("the error `{message}` has no location"));
                }
            }
            Outcome::Panic(message) => problems.push(format!("panicked: {message}")),
        }
        if outcome != again {
            problems.push(format!("not deterministic: {outcome:?} then {again:?}"));
        }
        for problem in problems {
            summary.findings.push(Finding {
                index,
                snippet: program.snippet(),
                problem,
            });
        }
    }
    summary
}

/// Two evaluators disagreeing on one program.
#[derive(Debug)]
pub struct Mismatch {
    pub index: u64,
    /// The shrunk program, as KRL: declarations, then the expression.
    pub snippet: String,
    pub left: Outcome,
    pub right: Outcome,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "program {} differs:\n{}\n  left:  {:?}\n  right: {:?}",
            self.index, self.snippet, self.left, self.right
        )
    }
}

/// Runs programs `first..first + count` of the run with `seed` through both evaluators and
/// returns the first on which they differ, shrunk.
pub fn compare(
    seed: u64,
    first: u64,
    count: u64,
    mut left: impl FnMut(&Case) -> Outcome,
    mut right: impl FnMut(&Case) -> Outcome,
) -> Option<Mismatch> {
    let mut differs = |program: &Case| {
        let (a, b) = (guarded(&mut left, program), guarded(&mut right, program));
        (a != b).then_some((a, b))
    };
    for index in first..first + count {
        let program = case(seed, index);
        if differs(&program).is_none() {
            continue;
        }
        let small = shrink(program, |candidate| differs(candidate).is_some());
        let (left, right) = differs(&small).unwrap_or_else(|| {
            let same = Outcome::Panic("the difference disappeared on rerun".into());
            (same.clone(), same)
        });
        return Some(Mismatch {
            index,
            snippet: small.snippet(),
            left,
            right,
        });
    }
    None
}

/// The smallest program found (greedily) for which `fails` still holds: declarations left
/// out, the expression replaced by one of its parts, subtree by subtree.
pub fn shrink(mut program: Case, mut fails: impl FnMut(&Case) -> bool) -> Case {
    'smaller: loop {
        for idx in 0..program.functions.len() {
            let mut candidate = program.clone();
            candidate.functions.remove(idx);
            if fails(&candidate) {
                program = candidate;
                continue 'smaller;
            }
        }
        for expr in smaller(&program.expr) {
            let candidate = Case {
                functions: program.functions.clone(),
                expr,
            };
            if fails(&candidate) {
                program = candidate;
                continue 'smaller;
            }
        }
        for (idx, function) in program.functions.iter().enumerate() {
            for body in smaller(&function.body) {
                let mut candidate = program.clone();
                candidate.functions[idx].body = body;
                if fails(&candidate) {
                    program = candidate;
                    continue 'smaller;
                }
            }
        }
        return program;
    }
}

/// Trees one step smaller than `expr`: each child in its place, or `expr` with one child
/// shrunk, smallest first.
fn smaller(expr: &Expr) -> Vec<Expr> {
    let children = expr.children();
    let mut out: Vec<Expr> = children.iter().map(|child| (*child).clone()).collect();
    for (idx, child) in children.iter().enumerate() {
        for small in smaller(child) {
            out.push(expr.with_child(idx, small));
        }
    }
    out.sort_by_key(Expr::size);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_reports_panics_unlocated_errors_and_nondeterminism() {
        let unlocated = |_: &Case| Outcome::Error {
            message: "TypeError: x".into(),
            at: None,
        };
        let summary = check(1, 0, 3, unlocated);
        assert_eq!((summary.cases, summary.errors, summary.findings.len()), (3, 3, 3));
        assert!(summary.findings[0].problem.contains("has no location"));
        let summary = check(1, 0, 2, |_: &Case| -> Outcome { panic!("boom") });
        assert!(summary.findings[0].problem.contains("panicked: boom"));
        let mut calls = 0;
        let flaky = |_: &Case| {
            calls += 1;
            Outcome::Value(calls.to_string())
        };
        let summary = check(1, 0, 1, flaky);
        assert!(summary.findings[0].problem.starts_with("not deterministic"));
    }

    #[test]
    fn shrinking_keeps_only_what_the_failure_needs() {
        // "Fails" whenever the program multiplies.
        let program = (0..200)
            .map(|idx| case(3, idx))
            .find(|program| program.expr_text().contains(" * ") && program.expr.size() > 6)
            .expect("some program multiplies");
        let small = shrink(program, |candidate| candidate.expr_text().contains(" * "));
        assert!(small.functions.is_empty(), "{}", small.snippet());
        assert_eq!(small.expr.size(), 3, "{}", small.snippet());
    }
}
