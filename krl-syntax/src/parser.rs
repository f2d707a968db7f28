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
    parse_ruleset_with(file, src, Parsers::DescentFirst)
}

/// Which parsers [`parse_ruleset_with`] may use.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parsers {
    /// The hand-written parser, then LALRPOP if it gives up (what [`parse_ruleset`] does).
    DescentFirst,
    /// LALRPOP alone: the reference the differential test holds the fast path to.
    LalrpopOnly,
}

/// [`parse_ruleset`] with a choice of parsers.
pub(crate) fn parse_ruleset_with(file: FileId, src: &str, parsers: Parsers) -> Parse {
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
    if parsers == Parsers::DescentFirst
        && let Some(ruleset) = crate::descent::parse_ruleset(file, src, &tokens)
    {
        return Parse {
            ruleset,
            trivia,
            diagnostics: merge(lex_diagnostics, Vec::new()),
        };
    }
    // A parse error at an invalid token has no message of its own (the lexer's says it), so
    // with one in the file a whole-file parse may recover without a word and win.
    let has_invalid = || tokens.iter().any(|token| token.tok == Tok::Invalid);
    let (ruleset, diagnostics) = match parsers {
        Parsers::DescentFirst if !has_invalid() => sections_first(file, src, &tokens),
        _ => whole_then_sections(file, src, &tokens),
    };
    Parse {
        ruleset,
        trivia,
        diagnostics: merge(lex_diagnostics, diagnostics),
    }
}

/// LALRPOP over the whole file; if it reports anything, the file section by section (which
/// wins whenever the file has a ruleset header to split after).
fn whole_then_sections(file: FileId, src: &str, tokens: &[Token<'_>]) -> (Ruleset, Vec<Diagnostic>) {
    let (parsed, diagnostics) = run(file, src, Entry::Ruleset, tokens);
    match parsed {
        Some(Parsed::Ruleset(ruleset)) if diagnostics.is_empty() => (*ruleset, diagnostics),
        other => match sections::parse(file, src, tokens, Parsers::LalrpopOnly) {
            Some(by_section) => by_section,
            None => {
                let whole = match other {
                    Some(Parsed::Ruleset(ruleset)) => *ruleset,
                    _ => empty_ruleset(src, tokens),
                };
                (whole, diagnostics)
            }
        },
    }
}

/// What [`whole_then_sections`] gives for a file the fast path gave up on, without LALRPOP's
/// pass over the whole file where its result would be thrown away: a file without invalid
/// tokens that the fast path gives up on has a syntax error or a grammar action's message,
/// which the whole-file parse reports (`tests/differential.rs` holds the fast path to taking
/// every file LALRPOP parses cleanly), so the section-by-section parse decides, and the fast
/// path takes its well-formed sections. Only when the sections report nothing, or the file
/// cannot be split, does the whole-file parse run.
fn sections_first(file: FileId, src: &str, tokens: &[Token<'_>]) -> (Ruleset, Vec<Diagnostic>) {
    match sections::parse(file, src, tokens, Parsers::DescentFirst) {
        Some((ruleset, diagnostics)) if !diagnostics.is_empty() => (ruleset, diagnostics),
        Some(by_section) => match run(file, src, Entry::Ruleset, tokens) {
            (Some(Parsed::Ruleset(ruleset)), diagnostics) if diagnostics.is_empty() => {
                (*ruleset, diagnostics)
            }
            _ => by_section,
        },
        None => whole_then_sections(file, src, tokens),
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
    #[cfg(test)]
    tests::LALRPOP_RUNS.with(|runs| runs.set(runs.get() + 1));
    if let Some(too_deep) = crate::nesting::check(file, tokens) {
        return (None, vec![too_deep]);
    }
    let start = tokens.first().map_or(0, |t| t.span.start);
    let stream = std::iter::once(Ok((start, Tok::Start(entry), start)))
        .chain(tokens.iter().map(|t| Ok((t.span.start, t.tok, t.span.end))));
    let mut builder = Builder::new(file, src, tokens);
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
    pub(crate) fn new(file: FileId, src: &'src str, tokens: &[Token<'src>]) -> Builder<'src> {
        Builder {
            file,
            src,
            token_ends: TokenEnds::new(src, tokens),
            diagnostics: Vec::new(),
            recovered: Vec::new(),
            pools: Pools::default(),
        }
    }

    /// Whether an action reported something (the fast path then leaves the file to LALRPOP).
    pub(crate) fn has_diagnostics(&self) -> bool {
        !self.diagnostics.is_empty()
    }

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
mod sections;

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// How many times this thread ran the LALRPOP parser (on a file or a piece of one).
        pub(super) static LALRPOP_RUNS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// The parse of `src` and how many LALRPOP runs it took.
    fn counted(src: &str, parsers: Parsers) -> (Parse, usize) {
        LALRPOP_RUNS.with(|runs| runs.set(0));
        let parse = parse_ruleset_with(FileId(0), src, parsers);
        (parse, LALRPOP_RUNS.with(|runs| runs.get()))
    }

    #[test]
    fn a_broken_file_leaves_only_its_broken_sections_to_lalrpop() {
        let src = r#"ruleset a.b {
  meta { shares f }
  global { f = function(x) { x + 1 } }
  rule good_1 { select when a b  send_directive("one") }
  rule broken { select when a c  pre { x = 1 + } send_directive("two") }
  rule good_2 { select when a d  fired { ent:n := f(1) } }
  rule also_broken { select when a e  noop( }
}"#;
        let (fast, runs) = counted(src, Parsers::DescentFirst);
        assert_eq!(runs, 2, "one LALRPOP run per broken rule");
        let (reference, reference_runs) = counted(src, Parsers::LalrpopOnly);
        assert_eq!(reference_runs, 7, "the whole file, then each of its six sections");
        assert_eq!(fast.ruleset, reference.ruleset);
        assert_eq!(
            format!("{:?}", fast.diagnostics),
            format!("{:?}", reference.diagnostics)
        );
        assert_eq!(fast.diagnostics.len(), 2, "{:?}", fast.diagnostics);
    }

    #[test]
    fn a_file_with_an_invalid_token_is_parsed_whole_first() {
        // The error at `@` has no message of its own, so LALRPOP's whole-file recovery wins,
        // though the sections would report the unclosed `{` of `t.r`.
        let src = "ruleset t.r {\n  global {\n    x = 1 @ 2 ^ t.r {\n    y = 2\n  }\n}";
        let (fast, runs) = counted(src, Parsers::DescentFirst);
        let (reference, _) = counted(src, Parsers::LalrpopOnly);
        assert_eq!(fast.ruleset, reference.ruleset);
        assert_eq!(
            format!("{:?}", fast.diagnostics),
            format!("{:?}", reference.diagnostics)
        );
        assert_eq!(runs, 1, "{:?}", fast.diagnostics);
    }

    #[test]
    fn a_file_that_cannot_be_split_is_parsed_whole() {
        for src in [
            "rule r { select when a b noop() }",
            "ruleset { rule r { noop( } }",
            "ruleset a.b",
        ] {
            let (fast, _) = counted(src, Parsers::DescentFirst);
            let (reference, _) = counted(src, Parsers::LalrpopOnly);
            assert_eq!(fast.ruleset, reference.ruleset, "{src}");
            assert_eq!(
                format!("{:?}", fast.diagnostics),
                format!("{:?}", reference.diagnostics),
                "{src}"
            );
        }
    }

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
