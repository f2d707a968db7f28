//! The fast path of the parser: a hand-written recursive-descent parser for well-formed
//! rulesets, tried before the LALRPOP parser.
//!
//! Most files `krl check` and the engine read have no syntax errors, and LALRPOP's
//! table-driven driver costs more than the tree it builds. This parser follows the grammar
//! in `grammar.lalrpop` production by production and builds the same tree with the same
//! spans, but it does no error recovery and writes no messages: at the first token that does
//! not fit, or when a grammar action would report something (a bad time unit, a space inside
//! a ruleset id, ...), it gives up and the caller runs the LALRPOP parser, which recovers
//! and explains. So a file either parses here to exactly the tree LALRPOP builds, or it is
//! LALRPOP's; `tests/differential.rs` holds the two to that on every ruleset we have and on
//! random programs.
//!
//! Why the greedy choices are right: the grammar is LR(1) without conflicts, so it is
//! unambiguous, and where LR(1) decides on one token of lookahead this parser decides on the
//! same token (or on the one after, where the grammar's item sets make the choice the same,
//! as with `select` starting a rule's `select when` or an action named `select`). A postfix
//! `(`, `[`, `{` or a binary operator after an expression always continues it, which is what
//! the grammar's `nolead` layers say for function bodies.
//!
//! Layout: this file holds the token cursor and the word classes; `expr.rs` the expressions;
//! `ruleset.rs` the ruleset, meta, global and rule; `event.rs` event expressions; `action.rs`
//! actions and the postlude.

mod action;
mod event;
mod expr;
mod ruleset;

use krl_diagnostics::{FileId, Span};

use crate::ast::{Ident, RuleItem, Ruleset};
use crate::parser::{Builder, Parsed};
use crate::token::{Entry, Kw, Tok, Token};

/// Parses a well-formed ruleset, or returns `None` at anything the LALRPOP parser should see.
pub(crate) fn parse_ruleset(file: FileId, src: &str, tokens: &[Token<'_>]) -> Option<Ruleset> {
    let mut parser = Parser::new(file, src, tokens)?;
    let ruleset = parser.ruleset()?;
    parser.finished().then_some(ruleset)
}

/// Parses one well-formed `meta`, `global` or rule section of a file with a syntax error
/// elsewhere (`tokens` from the section's keyword to its end, as `parser::sections` splits
/// them), or returns `None` for the LALRPOP parser to parse and explain it.
pub(crate) fn parse_section(file: FileId, src: &str, entry: Entry, tokens: &[Token<'_>]) -> Option<Parsed> {
    let mut parser = Parser::new(file, src, tokens)?;
    let parsed = match (entry, parser.peek()) {
        (Entry::Meta, Tok::Kw(Kw::Meta)) => Parsed::Meta(parser.meta()?),
        (Entry::Global, Tok::Kw(Kw::Global)) => Parsed::Global(parser.global()?),
        (Entry::Rule, Tok::Kw(Kw::Rule)) => Parsed::Rule(Box::new(RuleItem::Rule(parser.rule()?))),
        _ => return None,
    };
    parser.finished().then_some(parsed)
}

/// `None` means "give up": the LALRPOP parser takes the file.
type Fallible<T> = Option<T>;

/// What stands past the last token: no production accepts it.
const END: Tok<'static> = Tok::Invalid;

struct Parser<'a, 'src> {
    tokens: &'a [Token<'src>],
    pos: usize,
    /// The grammar's action helpers (string decoding, ruleset ids, time units, ...).
    b: Builder<'src>,
}

impl<'a, 'src> Parser<'a, 'src> {
    /// A parser at the first of `tokens`, or `None` when they nest deeper than the nesting
    /// limit (the LALRPOP side reports it).
    fn new(file: FileId, src: &'src str, tokens: &'a [Token<'src>]) -> Option<Self> {
        if crate::nesting::check(file, tokens).is_some() {
            return None;
        }
        Some(Parser {
            tokens,
            pos: 0,
            b: Builder::new(file, src, tokens),
        })
    }

    /// Whether every token was consumed without a diagnostic.
    fn finished(&self) -> bool {
        self.pos == self.tokens.len() && !self.b.has_diagnostics()
    }

    fn peek(&self) -> Tok<'src> {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> Tok<'src> {
        self.tokens.get(self.pos + ahead).map_or(END, |t| t.tok)
    }

    fn at(&self, tok: Tok<'_>) -> bool {
        self.peek() == tok
    }

    fn at_kw(&self, kw: Kw) -> bool {
        self.peek() == Tok::Kw(kw)
    }

    /// Where the next token starts (the end of input past the last one).
    fn lo(&self) -> u32 {
        self.tokens.get(self.pos).or(self.tokens.last()).map_or(0, |t| {
            if self.pos < self.tokens.len() {
                t.span.start
            } else {
                t.span.end
            }
        })
    }

    /// Where the last consumed token ends: the end of every node, as `Builder::span` trims it.
    fn hi(&self) -> u32 {
        self.pos
            .checked_sub(1)
            .map_or(0, |prev| self.tokens[prev].span.end)
    }

    fn bump(&mut self) -> Token<'src> {
        let token = self.tokens[self.pos];
        self.pos += 1;
        token
    }

    fn eat(&mut self, tok: Tok<'_>) -> bool {
        let found = self.at(tok);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, tok: Tok<'_>) -> Fallible<()> {
        self.eat(tok).then_some(())
    }

    fn expect_kw(&mut self, kw: Kw) -> Fallible<()> {
        self.expect(Tok::Kw(kw))
    }

    /// The next token as an identifier if `class` accepts it.
    fn word(&mut self, class: fn(Tok<'_>) -> bool) -> Fallible<Ident> {
        let tok = self.peek();
        if !class(tok) {
            return None;
        }
        let token = self.bump();
        let text = tok.word()?;
        Some(Ident::new(text, token.span.start, token.span.end))
    }

    /// A comma-separated list with an optional trailing comma, up to `close` (consumed).
    fn comma<T>(
        &mut self,
        close: Tok<'_>,
        mut item: impl FnMut(&mut Self) -> Fallible<T>,
    ) -> Fallible<Vec<T>> {
        let mut items = Vec::new();
        while !self.at(close) {
            items.push(item(self)?);
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        self.expect(close)?;
        Some(items)
    }

    /// At least one item, separated by commas, no trailing comma.
    fn comma1<T>(&mut self, mut item: impl FnMut(&mut Self) -> Fallible<T>) -> Fallible<Vec<T>> {
        let mut items = vec![item(self)?];
        while self.eat(Tok::Comma) {
            items.push(item(self)?);
        }
        Some(items)
    }

    /// `setting(a, b)`.
    fn setting(&mut self) -> Fallible<Vec<Ident>> {
        self.expect_kw(Kw::Setting)?;
        self.expect(Tok::LParen)?;
        let names = self.comma1(|p| p.word(is_word))?;
        self.expect(Tok::RParen)?;
        Some(names)
    }

    /// Runs one level of a recursion as deep as the source nests (bounded by
    /// `nesting::check`), on a fresh stack segment when the stack runs low. Every level looks:
    /// looking only every eighth level was tried, and `testsuite/tests/nesting.rs` then
    /// overflowed its 2 MiB thread in a debug build (`PROPTEST_CASES=600`).
    fn nested<T>(&mut self, level: impl FnOnce(&mut Self) -> T) -> T {
        crate::nesting::with_stack(|| level(self))
    }

    fn span_from(&self, lo: u32) -> Span {
        Span::new(lo, self.hi())
    }
}

// Word classes: one function per nonterminal of `grammar.lalrpop` that accepts words.

fn contextual(kw: Kw) -> bool {
    !kw.is_reserved() && !kw.is_operator_word()
}

/// `Name`: a word usable as an identifier.
fn is_name(tok: Tok<'_>) -> bool {
    match tok {
        Tok::Ident(_) | Tok::AttrName(_) => true,
        Tok::Kw(kw) => contextual(kw),
        _ => false,
    }
}

/// `Word`: any word but a reserved one.
fn is_word(tok: Tok<'_>) -> bool {
    match tok {
        Tok::Ident(_) | Tok::AttrName(_) => true,
        Tok::Kw(kw) => !kw.is_reserved(),
        _ => false,
    }
}

/// `AnyWord`: any word at all (but not one the lexer marked as declared).
fn is_any_word(tok: Tok<'_>) -> bool {
    matches!(tok, Tok::Ident(_) | Tok::AttrName(_) | Tok::Kw(_))
}

/// `ActionWord`: a word that can start an action.
fn is_action_word(tok: Tok<'_>) -> bool {
    match tok {
        Tok::Ident(_) => true,
        Tok::Kw(kw) => {
            matches!(kw, Kw::Any | Kw::Count | Kw::Repeat)
                || contextual(kw)
                    && !matches!(
                        kw,
                        Kw::Where
                            | Kw::Within
                            | Kw::Foreach
                            | Kw::Pre
                            | Kw::If
                            | Kw::Every
                            | Kw::Sample
                            | Kw::Choose
                            | Kw::Fired
                            | Kw::Notfired
                            | Kw::Else
                            | Kw::Finally
                            | Kw::Always
                            | Kw::Max
                            | Kw::Min
                            | Kw::Sum
                            | Kw::Avg
                            | Kw::Push
                    )
        }
        _ => false,
    }
}

/// `RaiseDomain`: the domain word of `raise D event T`.
fn is_raise_domain(tok: Tok<'_>) -> bool {
    match tok {
        Tok::Ident(_) => true,
        Tok::Kw(kw) => !kw.is_reserved() && kw != Kw::Event,
        _ => false,
    }
}

/// `MetaName`: a name in `provides` lists.
fn is_meta_name(tok: Tok<'_>) -> bool {
    match tok {
        Tok::Ident(_) => true,
        Tok::Kw(kw) => !kw.is_reserved() && kw != Kw::Keys,
        _ => false,
    }
}

/// `SharesName`: a name in `shares` lists.
fn is_shares_name(tok: Tok<'_>) -> bool {
    is_meta_name(tok) || tok == Tok::Kw(Kw::Keys)
}

/// `PlainIdent`.
fn is_plain_ident(tok: Tok<'_>) -> bool {
    matches!(tok, Tok::Ident(_))
}

/// `BindName`: a word the lexer saw followed by `=`.
fn is_bind_name(tok: Tok<'_>) -> bool {
    matches!(tok, Tok::BindName(_))
}
