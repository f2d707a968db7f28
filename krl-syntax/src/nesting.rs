//! The nesting limit: source nested deeper than [`MAX_NESTING`] levels is refused before the
//! parser builds a tree, so no later pass (check, fmt, lowering, `krl parse --json`, dropping
//! the tree) meets a tree deeper than that, whatever thread it runs on.
//!
//! The depth is measured on the tokens, as an upper bound of the expression tree's depth:
//! every opening bracket (`(`, `[`, `{`, `<<`, `#{`) and every operator token (`+`, `.`,
//! `not`, `=>`, event `or`, ...) adds one level to the expression it is part of, and `,`,
//! `;`, `:=` and a declared name (`x =`) start a new expression in the same bracket. A chain
//! `1 + 1 + ... + 1` is as deep as it is long, because its tree is.
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

/// The error for the first token at which `tokens` nest deeper than [`MAX_NESTING`] levels.
pub(crate) fn check(file: FileId, tokens: &[Token<'_>]) -> Option<Diagnostic> {
    // The operator-chain length of each enclosing bracket, innermost last.
    let mut enclosing: Vec<u32> = Vec::new();
    let mut outer = 0u32;
    let mut chain = 0u32;
    for token in tokens {
        match token.tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace | Tok::ChevronOpen | Tok::BeestingOpen => {
                chain += 1;
                enclosing.push(chain);
                outer += chain;
                chain = 0;
            }
            Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::ChevronClose | Tok::BeestingClose => {
                // An unmatched closer is the parser's to report; it only resets the count.
                chain = enclosing.pop().unwrap_or(0);
                outer -= chain;
            }
            Tok::Comma | Tok::Semi | Tok::ColonEq | Tok::BindName(_) => chain = 0,
            tok if extends_expression(tok) => chain += 1,
            _ => {}
        }
        if outer + chain > MAX_NESTING {
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
