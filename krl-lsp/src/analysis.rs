//! One analysed version of a document: its text, line index, tokens, syntax tree and name
//! table. Built once per edit and shared (`Arc`) by every request on that version.

use std::path::PathBuf;
use std::sync::Arc;

use krl_diagnostics::{FileId, LineIndex, Span, Utf16LineCol};
use krl_syntax::Parse;
use krl_syntax::token::{Kw, Tok};
use tower_lsp::lsp_types::{Location, Position, Range, Url};

/// Every document is analysed on its own, so one file id serves them all.
pub const FILE: FileId = FileId(0);

/// A lexer token without its borrowed text (the text is `span.text(&analysis.text)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    Word,
    Keyword(Kw),
    Number,
    Str,
    Regex,
    ChevronOpen,
    ChevronText,
    BeestingOpen,
    BeestingClose,
    ChevronClose,
    Punct(&'static str),
    Invalid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LexToken {
    pub kind: TokKind,
    pub span: Span,
}

impl LexToken {
    /// Whether the token spells a word (identifier or keyword).
    pub fn is_word(&self) -> bool {
        matches!(self.kind, TokKind::Word | TokKind::Keyword(_))
    }

    pub fn is_punct(&self, text: &str) -> bool {
        matches!(self.kind, TokKind::Punct(p) if p == text)
    }

    pub fn is_keyword(&self, kw: Kw) -> bool {
        self.kind == TokKind::Keyword(kw)
    }
}

/// Parse, check and line index of one document version.
#[derive(Debug)]
pub struct Analysis {
    pub uri: Url,
    pub version: i32,
    pub text: Arc<str>,
    pub lines: LineIndex,
    pub parse: Parse,
    pub check: krl_check::Analysis,
    pub tokens: Vec<LexToken>,
}

impl Analysis {
    pub fn new(uri: Url, version: i32, text: impl Into<Arc<str>>) -> Analysis {
        let text: Arc<str> = text.into();
        let lines = LineIndex::new(&text);
        let parse = krl_syntax::parse_ruleset(FILE, &text);
        let check = krl_check::check(FILE, &parse);
        let tokens = krl_syntax::lexer::lex(FILE, &text)
            .tokens
            .iter()
            .filter_map(|token| {
                let kind = match token.tok {
                    Tok::Start(_) => return None,
                    Tok::Ident(_) | Tok::BindName(_) | Tok::AttrName(_) => TokKind::Word,
                    Tok::Kw(kw) => TokKind::Keyword(kw),
                    Tok::Number(_) => TokKind::Number,
                    Tok::Str(_) => TokKind::Str,
                    Tok::Regex(_) => TokKind::Regex,
                    Tok::ChevronOpen => TokKind::ChevronOpen,
                    Tok::ChevronText(_) => TokKind::ChevronText,
                    Tok::BeestingOpen => TokKind::BeestingOpen,
                    Tok::BeestingClose => TokKind::BeestingClose,
                    Tok::ChevronClose => TokKind::ChevronClose,
                    Tok::Invalid => TokKind::Invalid,
                    other => TokKind::Punct(other.punct_text()?),
                };
                Some(LexToken {
                    kind,
                    span: token.span,
                })
            })
            .collect();
        Analysis {
            uri,
            version,
            text,
            lines,
            parse,
            check,
            tokens,
        }
    }

    /// Whether the parser had to recover somewhere: navigation then prefers the last good version.
    pub fn has_syntax_errors(&self) -> bool {
        self.parse.has_errors()
    }

    pub fn ruleset(&self) -> &krl_syntax::ast::Ruleset {
        &self.parse.ruleset
    }

    pub fn names(&self) -> &krl_check::NameTable {
        &self.check.names
    }

    /// The byte offset of an LSP position (clamped into the text).
    pub fn offset(&self, pos: Position) -> u32 {
        self.lines.offset_from_utf16(Utf16LineCol {
            line: pos.line,
            col: pos.character,
        })
    }

    pub fn position(&self, offset: u32) -> Position {
        let at = self.lines.utf16_line_col(offset);
        Position::new(at.line, at.col)
    }

    pub fn range(&self, span: Span) -> Range {
        let span = self.lines.clamp_span(span);
        Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn span(&self, range: Range) -> Span {
        Span::new(self.offset(range.start), self.offset(range.end))
    }

    pub fn location(&self, span: Span) -> Location {
        Location::new(self.uri.clone(), self.range(span))
    }

    /// `span` without the whitespace the parser may include at its end.
    pub fn trim(&self, span: Span) -> Span {
        let text = self.slice(span);
        let kept = text.trim_end().len() as u32;
        Span::new(span.start, span.start + kept.min(span.len()))
    }

    pub fn slice(&self, span: Span) -> &str {
        span.text(&self.text)
    }

    /// The file this document lives in, when it has a `file:` URI.
    pub fn path(&self) -> Option<PathBuf> {
        self.uri.to_file_path().ok()
    }

    /// Index of the first token that ends at or after `offset`.
    pub fn token_index_at(&self, offset: u32) -> usize {
        self.tokens.partition_point(|tok| tok.span.end < offset)
    }

    /// The word token touching `offset` (the cursor may sit just after its last character).
    pub fn word_at(&self, offset: u32) -> Option<(usize, LexToken)> {
        let idx = self.token_index_at(offset);
        [idx, idx + 1]
            .into_iter()
            .filter_map(|i| self.tokens.get(i).map(|tok| (i, *tok)))
            .find(|(_, tok)| tok.is_word() && tok.span.start <= offset && offset <= tok.span.end)
    }

    /// The tokens that end at or before `offset`, last first.
    pub fn tokens_before(&self, offset: u32) -> impl Iterator<Item = &LexToken> + '_ {
        let end = self.tokens.partition_point(|tok| tok.span.end <= offset);
        self.tokens.get(..end).unwrap_or_default().iter().rev()
    }
}
