//! The nesting limit: source nested deeper than [`MAX_NESTING`] levels is refused before the
//! parser builds a tree, so no later pass (check, fmt, lowering, `krl parse --json`, dropping
//! the tree) meets a tree deeper than that, whatever thread it runs on.
//!
//! The depth is measured on the tokens, as an upper bound of the expression tree's depth:
//! every bracket (`(`, `[`, `{`, `<<`, `#{`) is one level around what it holds, and every
//! operator token (`+`, `.`, `not`, `=>`, event `or`, a call's or an index's bracket, ...)
//! one level above each operand of its expression, because a chain's tree (`1 + 1 + 1`,
//! `(a).b.c`, `f()()`) is as deep as the chain is long. `,`, `;`, `:=` and a declared name
//! (`x =`) start a new expression in the same bracket.
//!
//! The passes over trees also grow their stack on demand ([`with_stack`]): the limit bounds
//! the depth, `with_stack` makes that depth safe on a small thread stack (the engine's
//! 2 MiB server threads).

use krl_diagnostics::{Diagnostic, FileId, FileSpan, codes};

use crate::token::{Kw, Tok, Token};

/// How deeply source may nest: brackets and operator chains count one level each.
pub const MAX_NESTING: u32 = 500;

/// Stack left below which a recursive pass moves to a fresh stack segment.
const RED_ZONE: usize = 128 * 1024;
/// The size of each fresh stack segment.
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Runs one level of a recursive pass over a tree, on a fresh stack segment when the current
/// stack runs low.
#[inline]
pub fn with_stack<R>(body: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, body)
}

/// One bracket being read: a bound of the depth of its expressions so far.
#[derive(Clone, Copy, Default)]
struct Group {
    /// Operators in the current expression: each makes a node above every operand of it.
    operators: u32,
    /// The deepest bracketed operand of the current expression (1 + its own depth).
    deepest_operand: u32,
    /// The deepest expression finished in this bracket (before a `,` or `;`).
    finished: u32,
}

impl Group {
    /// A bound of the depth of the current expression: a chain's tree puts each operand
    /// below at most all of the chain's operators.
    fn current(&self) -> u32 {
        self.operators + self.deepest_operand
    }

    fn depth(&self) -> u32 {
        self.finished.max(self.current())
    }
}

/// The error for the first token at which `tokens` nest deeper than [`MAX_NESTING`] levels.
pub(crate) fn check(file: FileId, tokens: &[Token<'_>]) -> Option<Diagnostic> {
    // The brackets around the current one, outermost first.
    let mut enclosing: Vec<Group> = Vec::new();
    // What the enclosing brackets add on the way down: each one level plus its operators.
    let mut outer = 0u32;
    let mut group = Group::default();
    let mut previous: Option<Tok<'_>> = None;
    for token in tokens {
        match token.tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace | Tok::ChevronOpen | Tok::BeestingOpen => {
                // `f(x)`, `a[0]`, `f()()`: a call or an index is a node above its operand.
                if previous.is_some_and(ends_operand) {
                    group.operators += 1;
                }
                outer += group.operators + 1;
                enclosing.push(std::mem::take(&mut group));
            }
            Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::ChevronClose | Tok::BeestingClose => {
                // An unmatched closer is the parser's to report.
                if let Some(parent) = enclosing.pop() {
                    let inner = group.depth();
                    group = parent;
                    outer -= group.operators + 1;
                    group.deepest_operand = group.deepest_operand.max(1 + inner);
                }
            }
            Tok::Comma | Tok::Semi | Tok::ColonEq | Tok::BindName(_) => {
                group.finished = group.depth();
                group.operators = 0;
                group.deepest_operand = 0;
            }
            tok if extends_expression(tok) => group.operators += 1,
            _ => {}
        }
        previous = Some(token.tok);
        if outer + group.current() > MAX_NESTING {
            let at = FileSpan::new(file, token.span);
            return Some(
                Diagnostic::error(
                    codes::NESTING_TOO_DEEP,
                    at,
                    format!("nesting deeper than {MAX_NESTING} levels"),
                )
                .with_help("split the expression: give inner parts names with declarations or functions"),
            );
        }
    }
    None
}

/// Tokens after which a bracket applies to what came before (a call or an index).
fn ends_operand(tok: Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::Ident(_)
            | Tok::AttrName(_)
            | Tok::Number(_)
            | Tok::Str(_)
            | Tok::Regex(_)
            | Tok::RParen
            | Tok::RBracket
            | Tok::RBrace
            | Tok::ChevronClose
            | Tok::Kw(Kw::True | Kw::False | Kw::Null)
    )
}

/// Tokens that nest what follows (or what precedes) one level deeper in the tree.
fn extends_expression(tok: Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::LtEqGt
            | Tok::LtEq
            | Tok::Lt
            | Tok::OrOr
            | Tok::Bar
            | Tok::EqEq
            | Tok::FatArrow
            | Tok::GtEq
            | Tok::GtLt
            | Tok::Gt
            | Tok::AndAnd
            | Tok::NotEq
            | Tok::Slash
            | Tok::Dot
            | Tok::Minus
            | Tok::Percent
            | Tok::Plus
            | Tok::Star
            | Tok::Kw(
                Kw::Not
                    | Kw::Like
                    | Kw::Cmp
                    | Kw::Or
                    | Kw::And
                    | Kw::Before
                    | Kw::After
                    | Kw::Then
                    | Kw::Between
            )
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex;

    fn depth_error(src: &str) -> Option<Diagnostic> {
        let lexed = lex(FileId(0), src);
        check(FileId(0), &lexed.tokens)
    }

    fn nested(open: &str, close: &str, n: usize) -> String {
        format!("x = {}1{}", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn brackets_count_one_level_each() {
        let limit = MAX_NESTING as usize;
        for (open, close) in [("[", "]"), ("(", ")"), ("{\"a\":", "}")] {
            assert!(depth_error(&nested(open, close, limit)).is_none(), "{open}");
            let error = depth_error(&nested(open, close, limit + 1)).expect("too deep");
            assert_eq!(error.code, codes::NESTING_TOO_DEEP);
            // The error points at the bracket that goes one level too deep.
            assert_eq!(error.primary.at.span.start as usize, 4 + limit * open.len());
        }
    }

    #[test]
    fn operator_chains_count_their_length() {
        let limit = MAX_NESTING as usize;
        assert!(depth_error(&format!("x = 1{}", " + 1".repeat(limit))).is_none());
        assert!(depth_error(&format!("x = 1{}", " + 1".repeat(limit + 1))).is_some());
        assert!(depth_error(&format!("x = {}1", "not ".repeat(limit + 1))).is_some());
        assert!(depth_error(&format!("x = f{}", "()".repeat(limit + 1))).is_some());
    }

    #[test]
    fn operators_after_a_bracket_count_above_what_it_holds() {
        // `((a) + 1 + 1) + 1 + 1`: each bracket sits below the operators that follow it.
        let per_level = 10;
        let levels = MAX_NESTING as usize / (per_level + 1) + 1;
        let src = (0..levels).fold("a".to_string(), |inner, _| {
            format!("({inner}){}", " + 1".repeat(per_level))
        });
        assert!(levels < MAX_NESTING as usize / 2);
        assert!(depth_error(&format!("x = {src}")).is_some());
        // Siblings do not add up: `[deep, deep]` is as deep as one of them.
        let deep = nested("[", "]", MAX_NESTING as usize - 10);
        let deep = &deep["x = ".len()..];
        assert!(depth_error(&format!("x = [{deep}, {deep}] + [{deep}]")).is_none());
    }

    #[test]
    fn separators_start_a_new_expression() {
        let many = |sep: &str| {
            (0..2 * MAX_NESTING)
                .map(|_| "1 + 1")
                .collect::<Vec<_>>()
                .join(sep)
        };
        assert!(depth_error(&format!("x = [{}]", many(", "))).is_none());
        let decls = (0..2 * MAX_NESTING)
            .map(|i| format!("x{i} = a + b "))
            .collect::<String>();
        assert!(depth_error(&decls).is_none());
        let stmts = (0..2 * MAX_NESTING)
            .map(|_| "ent:a := b + c; ")
            .collect::<String>();
        assert!(depth_error(&stmts).is_none());
    }
}
