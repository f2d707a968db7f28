//! The parse API: runs the lexer and the generated parser, turns LALRPOP's errors into
//! diagnostics a newcomer understands, and recovers from errors that LR recovery handles
//! badly by parsing the ruleset's sections one by one.

// `Parsed` exists for one move out of the parser.
#![allow(clippy::large_enum_variant)]

use krl_diagnostics::{Diagnostic, FileId, FileSpan, Span, codes};
use lalrpop_util::{ErrorRecovery, ParseError};

use crate::ast::*;
use crate::grammar::EntryParser;
use crate::lexer::{Lexed, lex};
use crate::literal::{RegexLiteral, decode_string};
use crate::messages::describe_parse_error;
use crate::pool::{Pooled, Pools};
use crate::token::{Entry, Kw, Tok, Token};
use crate::trivia::Trivia;

/// The lexer never fails, so the parser's user error type has no values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexError {}

pub(crate) type Recovery<'src> = ErrorRecovery<u32, Tok<'src>, LexError>;
pub(crate) type Error<'src> = ParseError<u32, Tok<'src>, LexError>;

/// What one entry point of the grammar produced.
#[derive(Debug)]
pub enum Parsed {
    Ruleset(Box<Ruleset>),
    Meta(Meta),
    Global(Global),
    Rule(Box<RuleItem>),
    Expr(Box<Expr>),
    Repl(Box<ReplItem>),
}

/// One line of the REPL: a declaration or an expression.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "type")]
pub enum ReplItem {
    Declaration(Declaration),
    Expr(Expr),
}

/// The result of parsing a ruleset: always a tree, plus trivia and diagnostics in source order.
#[derive(Debug)]
pub struct Parse {
    pub ruleset: Ruleset,
    pub trivia: Trivia,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parse {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses a whole ruleset. Never fails and does no IO.
pub fn parse_ruleset(file: FileId, src: &str) -> Parse {
    let Lexed {
        tokens,
        trivia,
        diagnostics: lex_diagnostics,
    } = lex(file, src);
    if tokens.is_empty() {
        // Only comments or whitespace: a placeholder file, common in real repositories.
        // pico-engine parses it to an empty program, so it is no error here either.
        let ruleset = Ruleset {
            rid: Rid {
                name: String::new(),
                span: Span::empty(0),
            },
            version: None,
            meta: None,
            global: None,
            rules: Vec::new(),
            span: Span::new(0, src.len() as u32),
        };
        return Parse {
            ruleset,
            trivia,
            diagnostics: lex_diagnostics,
        };
    }
    let (parsed, mut diagnostics) = run(file, src, Entry::Ruleset, &tokens);
    let ruleset = match parsed {
        Some(Parsed::Ruleset(ruleset)) if diagnostics.is_empty() => *ruleset,
        other => {
            // Retry section by section; keep whichever attempt kept more of the file.
            let whole = match other {
                Some(Parsed::Ruleset(ruleset)) => Some(*ruleset),
                _ => None,
            };
            match sections::parse(file, src, &tokens) {
                Some((ruleset, section_diagnostics)) => {
                    diagnostics = section_diagnostics;
                    ruleset
                }
                None => whole.unwrap_or_else(|| empty_ruleset(src, &tokens)),
            }
        }
    };
    Parse {
        ruleset,
        trivia,
        diagnostics: merge(lex_diagnostics, diagnostics),
    }
}

/// Parses one expression, as `krl eval` and tests need.
pub fn parse_expression(file: FileId, src: &str) -> (Option<Expr>, Vec<Diagnostic>) {
    let Lexed {
        tokens,
        diagnostics: lex_diagnostics,
        ..
    } = lex(file, src);
    let (parsed, diagnostics) = run(file, src, Entry::Expression, &tokens);
    let expr = match parsed {
        Some(Parsed::Expr(expr)) => Some(*expr),
        _ => None,
    };
    (expr, merge(lex_diagnostics, diagnostics))
}

/// Parses one REPL input: a declaration (`x = 1`) or an expression.
pub fn parse_repl_item(file: FileId, src: &str) -> (Option<ReplItem>, Vec<Diagnostic>) {
    let Lexed {
        tokens,
        diagnostics: lex_diagnostics,
        ..
    } = lex(file, src);
    let (parsed, diagnostics) = run(file, src, Entry::Repl, &tokens);
    let item = match parsed {
        Some(Parsed::Repl(item)) => Some(*item),
        _ => None,
    };
    (item, merge(lex_diagnostics, diagnostics))
}

/// Lexical diagnostics first where they overlap: a parse error caused by an invalid token
/// or an unterminated literal repeats what the lexer said, so it is dropped.
fn merge(lexical: Vec<Diagnostic>, syntax: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let unterminated = lexical.iter().any(|d| {
        [
            codes::UNTERMINATED_STRING,
            codes::UNTERMINATED_REGEX,
            codes::UNTERMINATED_CHEVRON,
            codes::UNTERMINATED_COMMENT,
        ]
        .contains(&d.code)
    });
    let mut all: Vec<Diagnostic> = lexical;
    all.extend(
        syntax
            .into_iter()
            .filter(|d| !(unterminated && d.code == codes::UNEXPECTED_EOF)),
    );
    all.sort_by_key(|d| (d.primary.at.span.start, d.primary.at.span.end));
    all
}

/// Runs the generated parser on `tokens` behind the marker for `entry`.
pub(crate) fn run<'src>(
    file: FileId,
    src: &'src str,
    entry: Entry,
    tokens: &[Token<'src>],
) -> (Option<Parsed>, Vec<Diagnostic>) {
    run_until(file, src, entry, tokens, "file")
}

/// [`run`] over a piece of the file; `piece` names what ends where the tokens end
/// ("file", "declaration") in end-of-input errors.
fn run_until<'src>(
    file: FileId,
    src: &'src str,
    entry: Entry,
    tokens: &[Token<'src>],
    piece: &'static str,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    if let Some(too_deep) = crate::nesting::check(file, tokens) {
        return (None, vec![too_deep]);
    }
    let start = tokens.first().map_or(0, |t| t.span.start);
    let stream = std::iter::once(Ok((start, Tok::Start(entry), start)))
        .chain(tokens.iter().map(|t| Ok((t.span.start, t.tok, t.span.end))));
    let mut builder = Builder {
        file,
        src,
        token_ends: TokenEnds::new(src, tokens),
        diagnostics: Vec::new(),
        recovered: Vec::new(),
        pools: Pools::default(),
    };
    let result = EntryParser::new().parse(&mut builder, stream);
    let mut diagnostics = std::mem::take(&mut builder.diagnostics);
    let end = tokens.last().map_or(src.len() as u32, |t| t.span.end);
    let context = ErrorContext {
        file,
        tokens,
        end,
        piece,
    };
    let mut errors: Vec<&Error<'src>> = builder.recovered.iter().map(|r| &r.error).collect();
    let parsed = match &result {
        Ok(_) => None,
        Err(error) => {
            errors.push(error);
            None
        }
    };
    // Recovery can resume in the middle of a broken construct and trip over its remains;
    // an error hard on the heels of another is such an echo, so only the first is shown.
    let mut last_error_token: Option<usize> = None;
    for error in errors {
        let offset = error_offset(error);
        let token_idx = tokens.partition_point(|t| t.span.start < offset);
        let echo = last_error_token.is_some_and(|last| token_idx <= last + ECHO_DISTANCE);
        last_error_token = Some(token_idx);
        if !echo {
            diagnostics.extend(describe_parse_error(&context, error));
        }
    }
    let parsed = parsed.or(result.ok());
    (parsed, diagnostics)
}

/// How many tokens after an error another error counts as its echo.
const ECHO_DISTANCE: usize = 3;

fn error_offset(error: &Error<'_>) -> u32 {
    match error {
        ParseError::UnrecognizedToken { token, .. } | ParseError::ExtraToken { token } => token.0,
        ParseError::UnrecognizedEof { location, .. } | ParseError::InvalidToken { location } => *location,
        ParseError::User { error } => match *error {},
    }
}

/// What error messages may look at besides the error itself.
pub(crate) struct ErrorContext<'a, 'src> {
    pub file: FileId,
    pub tokens: &'a [Token<'src>],
    /// Where the input ends, for end-of-file errors.
    pub end: u32,
    /// What ends there: "file", or "declaration" when a piece is parsed on its own.
    pub piece: &'static str,
}

fn empty_ruleset(src: &str, tokens: &[Token<'_>]) -> Ruleset {
    let end = tokens.last().map_or(src.len() as u32, |t| t.span.end);
    Ruleset {
        rid: Rid {
            name: String::new(),
            span: Span::empty(0),
        },
        version: None,
        meta: None,
        global: None,
        rules: vec![RuleItem::Error {
            span: Span::new(0, end),
        }],
        span: Span::new(0, end),
    }
}

/// The offsets where tokens end, one bit per byte of source. Nearly every node already ends
/// at a token end, so trimming costs one bit test instead of a binary search.
struct TokenEnds {
    bits: Vec<u64>,
}

impl TokenEnds {
    fn new(src: &str, tokens: &[Token<'_>]) -> TokenEnds {
        let mut bits = vec![0u64; src.len() / 64 + 1];
        for token in tokens {
            let end = token.span.end as usize;
            bits[end / 64] |= 1 << (end % 64);
        }
        TokenEnds { bits }
    }

    /// The largest token end that is at most `offset`.
    fn last_at_or_before(&self, offset: u32) -> Option<u32> {
        let offset = offset as usize;
        let (mut word_idx, mut word) = match self.bits.get(offset / 64) {
            // Keep the bits at and below `offset` in its word.
            Some(&word) => (offset / 64, word & (u64::MAX >> (63 - offset % 64))),
            None => (self.bits.len() - 1, self.bits[self.bits.len() - 1]),
        };
        loop {
            if word != 0 {
                return Some((word_idx * 64 + 63 - word.leading_zeros() as usize) as u32);
            }
            word_idx = word_idx.checked_sub(1)?;
            word = self.bits[word_idx];
        }
    }
}

/// State the grammar's actions share: the file, recovered errors and the diagnostics that
/// actions report themselves (bad time units, ruleset ids, log levels).
pub struct Builder<'src> {
    file: FileId,
    src: &'src str,
    /// Where tokens end, to trim spans to the last token they cover.
    token_ends: TokenEnds,
    diagnostics: Vec<Diagnostic>,
    recovered: Vec<Recovery<'src>>,
    /// Boxes for list items on their way through the parser stack.
    pools: Pools,
}

impl<'src> Builder<'src> {
    fn error(&mut self, code: krl_diagnostics::Code, span: Span, message: impl Into<String>, help: &str) {
        let diagnostic = Diagnostic::error(code, FileSpan::new(self.file, span), message);
        self.diagnostics.push(if help.is_empty() {
            diagnostic
        } else {
            diagnostic.with_help(help)
        });
    }

    /// The span from `lo` to the end of the last token at or before `hi`.
    pub fn span(&self, lo: u32, hi: u32) -> Span {
        let end = self.token_ends.last_at_or_before(hi).unwrap_or(hi);
        Span::new(lo, end.max(lo))
    }

    pub(crate) fn boxed<T: Pooled>(&mut self, value: T) -> Box<T> {
        self.pools.boxed(value)
    }

    pub(crate) fn unbox<T: Pooled>(&mut self, boxed: Box<T>) -> T {
        self.pools.unbox(boxed)
    }

    pub(crate) fn push<T: Pooled>(&mut self, items: &mut Vec<T>, item: Box<T>) {
        self.pools.push(items, item);
    }

    pub(crate) fn unbox_all<T: Pooled>(&mut self, items: Vec<Box<T>>) -> Vec<T> {
        self.pools.unbox_all(items)
    }

    /// Records a recovered error and returns the span of the input it skipped.
    pub fn recover(&mut self, recovery: Recovery<'src>, lo: u32, hi: u32) -> Span {
        let span = match (recovery.dropped_tokens.first(), recovery.dropped_tokens.last()) {
            (Some(first), Some(last)) => Span::new(first.0, last.2),
            _ => match &recovery.error {
                ParseError::UnrecognizedToken { token, .. } => Span::new(token.0, token.2),
                _ => Span::new(lo, hi),
            },
        };
        self.recovered.push(recovery);
        span
    }

    pub fn string(&mut self, raw: &str, lo: u32, hi: u32) -> StrLit {
        StrLit {
            value: decode_string(raw),
            span: Span::new(lo, hi),
        }
    }

    pub fn regex(&mut self, raw: &str, lo: u32, hi: u32) -> RegexLit {
        // The lexer only makes regex tokens it could split, and reports invalid patterns.
        let literal = RegexLiteral::parse(raw).unwrap_or(RegexLiteral {
            pattern: String::new(),
            flags: String::new(),
        });
        RegexLit {
            pattern: literal.pattern,
            flags: literal.flags,
            span: Span::new(lo, hi),
        }
    }

    /// Glues a ruleset id from adjacent words; the reference allows no space inside one.
    pub fn rid(&mut self, first: Ident, rest: Vec<(&'static str, Ident)>, lo: u32, hi: u32) -> Rid {
        let mut name = first.name;
        let mut prev_end = first.span.end;
        let mut gap = None;
        for (sep, part) in rest {
            // The separator sits right after the previous part; the part must follow it.
            if part.span.start != prev_end + 1
                || self.src.get(prev_end as usize..prev_end as usize + 1) != Some(sep)
            {
                gap.get_or_insert(Span::new(prev_end, part.span.start));
            }
            name.push_str(sep);
            name.push_str(&part.name);
            prev_end = part.span.end;
        }
        if let Some(gap) = gap {
            self.error(
                codes::INVALID_RULESET_ID,
                gap,
                "a ruleset id cannot contain spaces or comments",
                "write the id as one word, such as `io.picolabs.some.cool.name`",
            );
        }
        Rid {
            name: name.into_string(),
            span: Span::new(lo, hi),
        }
    }

    pub fn within(&mut self, amount: Expr, unit_word: Ident, lo: u32, hi: u32) -> Within {
        let unit = TimeUnit::from_word(&unit_word.name);
        if unit.is_none() {
            self.error(
                codes::INVALID_TIME_UNIT,
                unit_word.span,
                format!("`{}` is not a time unit", unit_word.name),
                "use second(s), minute(s), hour(s), day(s), week(s), month(s) or year(s)",
            );
        }
        Within {
            amount,
            unit,
            unit_word,
            span: Span::new(lo, hi),
        }
    }

    pub fn positive_int(&mut self, raw: &str, lo: u32, hi: u32) -> (u32, Span) {
        let span = Span::new(lo, hi);
        match raw.parse::<u32>() {
            Ok(n) => (n, span),
            Err(_) => {
                self.error(
                    codes::NOT_A_POSITIVE_INTEGER,
                    span,
                    format!("expected a whole number, found `{raw}`"),
                    "",
                );
                (0, span)
            }
        }
    }

    /// A named argument's name; pico-engine parses an argument as an expression first, so an
    /// operator word (`f(count = 1)`) cannot name one although it can name a parameter.
    pub fn arg_name(&mut self, name: Ident) -> Ident {
        if Kw::from_word(&name.name).is_some_and(Kw::is_operator_word) {
            self.error(
                codes::RESERVED_WORD,
                name.span,
                format!("`{}` is an operator word and cannot name an argument", name.name),
                "pass this argument by position",
            );
        }
        name
    }

    pub fn level(&mut self, word: &Ident) -> Option<LogLevel> {
        let level = LogLevel::from_word(&word.name);
        if level.is_none() {
            self.error(
                codes::INVALID_LOG_LEVEL,
                word.span,
                format!("`{}` is not a log level", word.name),
                "use `error`, `warn`, `info` or `debug`",
            );
        }
        level
    }
}

impl BaseEvent {
    /// The grammar parses the domain separately from the rest; this joins them.
    pub(crate) fn with_domain(mut self: Box<Self>, domain: Ident) -> Box<BaseEvent> {
        self.domain = domain;
        self
    }
}

/// Moves list items out of the boxes they travelled through the parser stack in.
pub(crate) fn unbox_all<T>(items: Vec<Box<T>>) -> Vec<T> {
    items.into_iter().map(|item| *item).collect()
}

/// The declarations of a function body: those followed by `;` or not, then the last one.
// The boxes are how declarations travel through the parser stack (see `grammar.lalrpop`).
#[allow(clippy::vec_box, clippy::boxed_local)]
pub(crate) fn decls_then(decls: Vec<Box<Declaration>>, last: Box<Declaration>) -> Vec<DeclItem> {
    let mut items = Vec::with_capacity(decls.len() + 1);
    items.extend(decls.into_iter().map(|decl| DeclItem::Declaration(*decl)));
    items.push(DeclItem::Declaration(*last));
    items
}

/// Adds `op right` to the end of a chain of binary operations. `left` is the tree of the
/// chain so far; `right` joins the deepest node on its right edge that binds at least as
/// tightly as `op`, which gives the trees of one grammar tier per binding power. Operands
/// are never `Binary` themselves (a parenthesised chain is a `Paren`), so every `Binary` on
/// the right edge belongs to this chain.
pub(crate) fn binary(mut left: Expr, op: BinaryOp, right: Expr) -> Expr {
    attach(&mut left, op, right);
    left
}

fn attach(node: &mut Expr, op: BinaryOp, right: Expr) {
    if let Expr {
        kind:
            ExprKind::Binary {
                op: inner,
                right: inner_right,
                ..
            },
        span,
    } = node
        && inner.binding_power() < op.binding_power()
    {
        span.end = right.span.end;
        attach(inner_right, op, right);
        return;
    }
    let left = std::mem::replace(node, Expr::error(Span::empty(0)));
    let span = Span::new(left.span.start, right.span.end);
    *node = Expr {
        kind: ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    };
}

pub(crate) fn unary(op: UnaryOp, operand: Expr, lo: u32, hi: u32) -> Expr {
    Expr::new(
        ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
        lo,
        hi,
    )
}

pub(crate) fn event_op(op: EventOp, args: Vec<EventExpr>, prefix: bool, span: Span) -> Box<EventExpr> {
    Box::new(EventExpr {
        kind: EventExprKind::Op { op, args, prefix },
        span,
    })
}

/// Whether a token is a word of any kind.
pub(crate) fn is_word(tok: &Tok<'_>) -> bool {
    tok.word().is_some()
}

/// Section-by-section parsing, used when the whole-file parse reported errors.
mod sections {
    use super::*;

    /// Splits the ruleset body into `meta`, `global` and rule sections by brace depth and
    /// parses each on its own, so a mistake cannot swallow the sections after it.
    pub(super) fn parse(file: FileId, src: &str, tokens: &[Token<'_>]) -> Option<(Ruleset, Vec<Diagnostic>)> {
        let first = tokens.first()?;
        if first.tok != Tok::Kw(Kw::Ruleset) {
            return None;
        }
        let open = tokens.iter().position(|t| t.tok == Tok::LBrace)?;
        let mut diagnostics = Vec::new();
        let rid = rid_from_tokens(file, src, &tokens[1..open], first.span.end, &mut diagnostics);
        let mut ruleset = Ruleset {
            rid,
            version: None,
            meta: None,
            global: None,
            rules: Vec::new(),
            span: Span::new(
                first.span.start,
                tokens.last().map_or(first.span.end, |t| t.span.end),
            ),
        };
        let mut idx = open + 1;
        let mut closed = false;
        while idx < tokens.len() {
            let token = tokens[idx];
            match token.tok {
                Tok::RBrace => {
                    closed = true;
                    ruleset.span.end = token.span.end;
                    idx += 1;
                    break;
                }
                Tok::Kw(Kw::Version) if matches!(tokens.get(idx + 1).map(|t| t.tok), Some(Tok::Str(_))) => {
                    let value = tokens[idx + 1];
                    if let Tok::Str(raw) = value.tok {
                        ruleset.version = Some(StrLit {
                            value: decode_string(raw),
                            span: value.span,
                        });
                    }
                    idx += 2;
                }
                Tok::Kw(Kw::Meta) | Tok::Kw(Kw::Global) | Tok::Kw(Kw::Rule) => {
                    let end = section_end(tokens, idx);
                    let misplaced = match token.tok {
                        Tok::Kw(Kw::Meta) if ruleset.meta.is_some() => {
                            Some("a ruleset has only one `meta` block")
                        }
                        Tok::Kw(Kw::Global) if ruleset.global.is_some() => {
                            Some("a ruleset has only one `global` block")
                        }
                        Tok::Kw(Kw::Meta) if ruleset.global.is_some() || !ruleset.rules.is_empty() => {
                            Some("the `meta` block must come before `global` and the rules")
                        }
                        Tok::Kw(Kw::Global) if !ruleset.rules.is_empty() => {
                            Some("the `global` block must come before the rules")
                        }
                        _ => None,
                    };
                    if let Some(message) = misplaced {
                        let span = Span::new(token.span.start, token.span.end);
                        diagnostics.push(
                            Diagnostic::error(codes::UNEXPECTED_TOKEN, FileSpan::new(file, span), message)
                                .with_help("a ruleset holds `meta { }`, then `global { }`, then its rules; merge or move this block"),
                        );
                    }
                    let entry = match token.tok {
                        Tok::Kw(Kw::Meta) => Entry::Meta,
                        Tok::Kw(Kw::Global) => Entry::Global,
                        _ => Entry::Rule,
                    };
                    let (mut parsed, mut section_diagnostics) = run(file, src, entry, &tokens[idx..end]);
                    let too_deep = section_diagnostics
                        .iter()
                        .any(|d| d.code == codes::NESTING_TOO_DEEP);
                    if entry == Entry::Global && !section_diagnostics.is_empty() && !too_deep {
                        // Declaration by declaration only when recovery lost some: it keeps
                        // the block's own messages where they are better (`v = 1.5.2`). Not
                        // past the nesting limit, which counts from the block's brace: a
                        // declaration alone would be one level shallower.
                        let kept = match &parsed {
                            Some(Parsed::Global(global)) => global.decls.len(),
                            _ => 0,
                        };
                        if let Some((global, decl_diagnostics)) =
                            global_by_declaration(file, src, &tokens[idx..end])
                                .filter(|(global, _)| global.decls.len() > kept)
                        {
                            parsed = Some(Parsed::Global(global));
                            section_diagnostics = decl_diagnostics;
                        }
                    }
                    diagnostics.extend(section_diagnostics);
                    let span = Span::new(token.span.start, tokens[end - 1].span.end);
                    match parsed {
                        Some(Parsed::Meta(meta)) if ruleset.meta.is_none() => ruleset.meta = Some(meta),
                        Some(Parsed::Global(global)) if ruleset.global.is_none() => {
                            ruleset.global = Some(global)
                        }
                        Some(Parsed::Rule(rule)) => ruleset.rules.push(*rule),
                        _ => ruleset.rules.push(RuleItem::Error { span }),
                    }
                    idx = end;
                }
                _ => {
                    let end = skip_to_section(tokens, idx);
                    let span = Span::new(token.span.start, tokens[end - 1].span.end);
                    diagnostics.push(crate::messages::stray_in_ruleset(file, &token, span));
                    ruleset.rules.push(RuleItem::Error { span });
                    idx = end;
                }
            }
        }
        if !closed {
            let at = FileSpan::new(file, Span::empty(ruleset.span.end));
            diagnostics.push(
                Diagnostic::error(
                    codes::UNEXPECTED_EOF,
                    at,
                    "unexpected end of file: the ruleset is never closed",
                )
                .with_related(
                    FileSpan::new(file, tokens[open].span),
                    "this `{` has no matching `}`",
                ),
            );
        } else if let Some(extra) = tokens.get(idx) {
            let span = Span::new(
                extra.span.start,
                tokens.last().map_or(extra.span.end, |t| t.span.end),
            );
            diagnostics.push(
                Diagnostic::error(
                    codes::UNEXPECTED_TOKEN,
                    FileSpan::new(file, span),
                    "unexpected input after the end of the ruleset",
                )
                .with_note("a file holds exactly one ruleset"),
            );
        }
        Some((ruleset, diagnostics))
    }

    /// Re-parses a broken `global { ... }` one declaration at a time. LR recovery inside a
    /// declaration skips to the next token that may follow the block's list, often the `}` of
    /// a function body, which then closes `global` early; here each `name =` at the block's
    /// own nesting level starts a declaration of its own, so each broken declaration gives
    /// its own diagnostic and the ones after it still parse. `None` when the block's braces
    /// do not balance.
    fn global_by_declaration(
        file: FileId,
        src: &str,
        block: &[Token<'_>],
    ) -> Option<(Global, Vec<Diagnostic>)> {
        let [_global, open, inner @ .., close] = block else {
            return None;
        };
        if open.tok != Tok::LBrace || close.tok != Tok::RBrace {
            return None;
        }
        let mut decls = Vec::new();
        let mut diagnostics = Vec::new();
        for piece in declaration_pieces(inner) {
            let span = Span::new(piece[0].span.start, piece[piece.len() - 1].span.end);
            let (parsed, piece_diagnostics) = run_until(file, src, Entry::Repl, piece, "declaration");
            let clean = piece_diagnostics.is_empty();
            diagnostics.extend(piece_diagnostics);
            match parsed {
                Some(Parsed::Repl(item)) => match *item {
                    ReplItem::Declaration(decl) => decls.push(DeclItem::Declaration(decl)),
                    ReplItem::Expr(_) if !clean => decls.push(DeclItem::Error { span }),
                    ReplItem::Expr(_) => {
                        diagnostics.push(
                            Diagnostic::error(
                                codes::UNEXPECTED_TOKEN,
                                FileSpan::new(file, span),
                                "expected a declaration, found an expression",
                            )
                            .with_help("`global` holds declarations: `name = value`"),
                        );
                        decls.push(DeclItem::Error { span });
                    }
                },
                _ => decls.push(DeclItem::Error { span }),
            }
        }
        let span = Span::new(block[0].span.start, close.span.end);
        Some((Global { decls, span }, diagnostics))
    }

    /// Splits the tokens of a declaration list where a word marked as a binder (`name =`)
    /// stands outside any brackets.
    fn declaration_pieces<'a, 'src>(tokens: &'a [Token<'src>]) -> Vec<&'a [Token<'src>]> {
        let mut pieces = Vec::new();
        let mut depth = 0usize;
        let mut start = 0;
        for (idx, token) in tokens.iter().enumerate() {
            match token.tok {
                Tok::LBrace | Tok::LParen | Tok::LBracket | Tok::BeestingOpen | Tok::ChevronOpen => {
                    depth += 1
                }
                Tok::RBrace | Tok::RParen | Tok::RBracket | Tok::BeestingClose | Tok::ChevronClose => {
                    depth = depth.saturating_sub(1)
                }
                Tok::BindName(_) if depth == 0 && idx > start => {
                    pieces.push(&tokens[start..idx]);
                    start = idx;
                }
                _ => {}
            }
        }
        if start < tokens.len() {
            pieces.push(&tokens[start..]);
        }
        pieces
    }

    fn rid_from_tokens(
        file: FileId,
        src: &str,
        tokens: &[Token<'_>],
        after: u32,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Rid {
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            let at = FileSpan::new(file, Span::empty(after));
            diagnostics.push(Diagnostic::error(
                codes::INVALID_RULESET_ID,
                at,
                "expected a ruleset id after `ruleset`",
            ));
            return Rid {
                name: String::new(),
                span: Span::empty(after),
            };
        };
        let span = Span::new(first.span.start, last.span.end);
        let valid = tokens.iter().enumerate().all(|(idx, t)| {
            let shape_ok = if idx % 2 == 0 {
                is_word(&t.tok)
            } else {
                matches!(t.tok, Tok::Dot | Tok::Minus)
            };
            let adjacent = idx == 0 || tokens[idx - 1].span.end == t.span.start;
            shape_ok && adjacent
        }) && tokens.len() % 2 == 1;
        if !valid {
            diagnostics.push(
                Diagnostic::error(
                    codes::INVALID_RULESET_ID,
                    FileSpan::new(file, span),
                    format!("`{}` is not a valid ruleset id", span.text(src)),
                )
                .with_help("ruleset ids are reverse domain names such as `io.picolabs.some.cool.name`"),
            );
        }
        Rid {
            name: span.text(src).to_string(),
            span,
        }
    }

    /// The end (exclusive) of the section starting at `start`: after its closing brace, or
    /// before the next `rule NAME {` when braces never balance.
    fn section_end(tokens: &[Token<'_>], start: usize) -> usize {
        let mut depth = 0usize;
        let mut idx = start;
        while idx < tokens.len() {
            match tokens[idx].tok {
                Tok::LBrace => depth += 1,
                Tok::RBrace => {
                    if depth <= 1 {
                        return idx + 1;
                    }
                    depth -= 1;
                }
                Tok::Kw(Kw::Rule) if idx > start && starts_rule(tokens, idx) => return idx,
                _ => {}
            }
            idx += 1;
        }
        tokens.len()
    }

    /// `rule NAME {` or `rule NAME is`: almost certainly a new rule, even inside a broken one.
    fn starts_rule(tokens: &[Token<'_>], idx: usize) -> bool {
        let name = tokens.get(idx + 1).is_some_and(|t| is_word(&t.tok));
        let next = tokens.get(idx + 2).map(|t| t.tok);
        name && matches!(next, Some(Tok::LBrace) | Some(Tok::Kw(Kw::Is)))
    }

    /// Skips stray tokens up to the next section keyword at this level.
    fn skip_to_section(tokens: &[Token<'_>], start: usize) -> usize {
        let mut depth = 0usize;
        let mut idx = start;
        while idx < tokens.len() {
            match tokens[idx].tok {
                Tok::LBrace => depth += 1,
                Tok::RBrace if depth == 0 => return idx.max(start + 1),
                Tok::RBrace => depth -= 1,
                Tok::Kw(Kw::Meta | Kw::Global) if depth == 0 && idx > start => return idx,
                Tok::Kw(Kw::Rule) if idx > start && starts_rule(tokens, idx) => return idx,
                _ => {}
            }
            idx += 1;
        }
        tokens.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_ends_find_the_last_end_at_or_before_an_offset() {
        let src = format!("{}b{}c", "a ".repeat(40), " ".repeat(70));
        let lexed = lex(FileId(0), &src);
        let ends = TokenEnds::new(&src, &lexed.tokens);
        let naive = |offset: u32| {
            lexed
                .tokens
                .iter()
                .map(|t| t.span.end)
                .filter(|&end| end <= offset)
                .max()
        };
        for offset in 0..=src.len() as u32 + 70 {
            assert_eq!(ends.last_at_or_before(offset), naive(offset), "offset {offset}");
        }
    }
}
