//! The KRL lexer: source text to tokens, trivia and lexical diagnostics. It never fails.
//!
//! A logos automaton recognises the tokens of *normal mode*. Chevron strings need two more
//! modes, handled here around the automaton:
//!
//! - **chevron body**: after `<<` (or after the `}` that closes an interpolation) we scan text
//!   by hand up to the next unescaped `#{` or `>>`, emitting `ChevronText`, then
//!   `BeestingOpen` or `ChevronClose`. A backslash makes the next character ordinary.
//! - **beesting**: after `#{` we lex normally, but count braces on a stack with one counter
//!   per open interpolation, so nested maps and chevrons work. A `}` seen while the innermost
//!   counter is zero closes the interpolation and returns to the chevron body.
//!
//! Comments, strings and regexes are whole tokens, so braces inside them never count.
//! Bad characters and unterminated literals become `Tok::Invalid` (or a best-effort token)
//! plus a diagnostic, so the parser always sees a complete stream.
//!
//! Pushing a `=` or a regex marks the word before it: a word followed by `=` becomes
//! `BindName`, one followed by a regex `AttrName`; see [`Tok`].

use krl_diagnostics::{Diagnostic, FileId, FileSpan, Span, codes};
use logos::Logos;

use crate::token::{Kw, Tok, Token, keyword_table};
use crate::trivia::{Comment, CommentKind, Trivia};

/// Everything the lexer learns about a source text.
#[derive(Debug)]
pub struct Lexed<'src> {
    pub tokens: Vec<Token<'src>>,
    pub trivia: Trivia,
    pub diagnostics: Vec<Diagnostic>,
}

/// The automaton of normal mode, with one `Keyword` entry per keyword of
/// [`keyword_table`](crate::token::keyword_table).
macro_rules! raw_tokens {
    ($($variant:ident = $text:literal,)*) => {
        #[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
        // JavaScript's `\s`: the reference tokenizer splits on it. Skipped runs are the gaps
        // between lexemes, where `run` looks for blank lines.
        #[logos(skip(
            r"[ \t\n\r\x0B\x0C\u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}]+"
        ))]
        enum Raw {
            #[token("//", line_comment)]
            LineComment,
            #[token("/*", block_comment)]
            BlockComment(bool),
            #[regex(r"[0-9]+(\.[0-9]+)?")]
            #[regex(r"\.[0-9]+")]
            Number,
            #[token("\"", string)]
            Str(bool),
            #[token("re#", regex)]
            Regex(bool),
            #[regex(r"[A-Za-z_$][A-Za-z0-9_$]*")]
            Word,
            // A keyword is an exact match and so outranks `Word`: the automaton tells them apart
            // without a second look at the text.
            $(#[token($text, |_| Kw::$variant)])*
            Keyword(Kw),
            #[token("<<")]
            ChevronOpen,
            #[token("<=>")]
            LtEqGt,
            #[token("<=")]
            LtEq,
            #[token("<")]
            Lt,
            #[token("||")]
            OrOr,
            #[token("|")]
            Bar,
            #[token("==")]
            EqEq,
            #[token("=>")]
            FatArrow,
            #[token("=")]
            Eq,
            #[token(":=")]
            ColonEq,
            #[token(":")]
            Colon,
            #[token(">=")]
            GtEq,
            #[token("><")]
            GtLt,
            #[token(">")]
            Gt,
            #[token("&&")]
            AndAnd,
            #[token("!=")]
            NotEq,
            #[token("(")]
            LParen,
            #[token(")")]
            RParen,
            #[token("{")]
            LBrace,
            #[token("}")]
            RBrace,
            #[token("[")]
            LBracket,
            #[token("]")]
            RBracket,
            #[token(",")]
            Comma,
            #[token("/")]
            Slash,
            #[token(".")]
            Dot,
            #[token("-")]
            Minus,
            #[token("%")]
            Percent,
            #[token("+")]
            Plus,
            #[token(";")]
            Semi,
            #[token("*")]
            Star,
        }
    };
}

keyword_table!(raw_tokens);

fn line_comment(lex: &mut logos::Lexer<Raw>) {
    let rest = lex.remainder();
    let len = rest.find(['\n', '\r']).unwrap_or(rest.len());
    lex.bump(len);
}

/// Returns whether the comment is closed. The first `*/` after the opening `/*` closes it,
/// so `/*/` does not close itself.
fn block_comment(lex: &mut logos::Lexer<Raw>) -> bool {
    let rest = lex.remainder();
    match rest.find("*/") {
        Some(idx) => {
            lex.bump(idx + 2);
            true
        }
        None => {
            lex.bump(rest.len());
            false
        }
    }
}

/// Length of text up to and including the first unescaped `close`, or `None` at end of input.
fn scan_escaped(rest: &str, close: u8) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes[idx] {
            b'\\' => idx += 2,
            byte if byte == close => return Some(idx + 1),
            _ => idx += 1,
        }
    }
    None
}

/// Moves to the end of `rest`, never splitting a character (a trailing `\` may have stepped past).
fn bump_to_end(lex: &mut logos::Lexer<Raw>) {
    let len = lex.remainder().len();
    lex.bump(len);
}

fn string(lex: &mut logos::Lexer<Raw>) -> bool {
    match scan_escaped(lex.remainder(), b'"') {
        Some(len) => {
            lex.bump(len);
            true
        }
        None => {
            bump_to_end(lex);
            false
        }
    }
}

fn regex(lex: &mut logos::Lexer<Raw>) -> bool {
    let rest = lex.remainder();
    match scan_escaped(rest, b'#') {
        Some(len) => {
            // Matches pico-engine: the flag run is greedy, so `re#x#igloo` has flags `ig`.
            let flags = rest[len..]
                .bytes()
                .take_while(|b| matches!(b, b'g' | b'i' | b'm'))
                .count();
            lex.bump(len + flags);
            true
        }
        None => {
            bump_to_end(lex);
            false
        }
    }
}

/// Lexes a whole source text.
pub fn lex(file: FileId, src: &str) -> Lexed<'_> {
    let mut lexer = Lexer {
        file,
        src,
        // Rulesets average about six bytes per token; reserving for four saves the regrowths.
        tokens: Vec::with_capacity(src.len() / 4 + 16),
        trivia: Trivia::default(),
        diagnostics: Vec::new(),
        beestings: Vec::new(),
        chevrons: Vec::new(),
        regex_checks: std::collections::HashMap::new(),
    };
    lexer.run();
    Lexed {
        tokens: lexer.tokens,
        trivia: lexer.trivia,
        diagnostics: lexer.diagnostics,
    }
}

struct Lexer<'src> {
    file: FileId,
    src: &'src str,
    tokens: Vec<Token<'src>>,
    trivia: Trivia,
    diagnostics: Vec<Diagnostic>,
    /// One brace counter per open `#{ ... }` interpolation, innermost last.
    beestings: Vec<u32>,
    /// Where each open chevron started, innermost last, for the unterminated diagnostic.
    chevrons: Vec<Span>,
    /// Validation results by literal text: rulesets repeat patterns (`re#(.+)#`), and
    /// compiling a regex costs more than lexing the rest of a rule.
    regex_checks: std::collections::HashMap<&'src str, Result<(), String>>,
}

impl<'src> Lexer<'src> {
    fn run(&mut self) {
        let mut raw = Raw::lexer(self.src);
        // Where the last lexeme ended; what lies between it and the next is whitespace.
        let mut consumed = 0;
        while let Some(result) = raw.next() {
            let range = raw.span();
            if range.start > consumed {
                self.whitespace(consumed, range.start);
            }
            self.lexeme(&mut raw, result, range);
            consumed = raw.span().end;
        }
        if consumed < self.src.len() {
            self.whitespace(consumed, self.src.len());
        }
        if let Some(open) = self.chevrons.first().copied() {
            self.error(
                codes::UNTERMINATED_CHEVRON,
                open,
                "unterminated chevron string",
                "this `<<` is never closed with `>>`",
            );
        }
    }

    fn whitespace(&mut self, start: usize, end: usize) {
        let span = Span::new(start as u32, end as u32);
        self.trivia.note_whitespace(span, &self.src[start..end]);
    }

    /// Handles what the automaton recognised; chevron delimiters continue in chevron mode.
    fn lexeme(
        &mut self,
        raw: &mut logos::Lexer<'src, Raw>,
        result: Result<Raw, ()>,
        range: std::ops::Range<usize>,
    ) {
        let span = Span::new(range.start as u32, range.end as u32);
        let text = &self.src[range];
        let kind = match result {
            Ok(kind) => kind,
            Err(()) => {
                self.invalid_char(span, text);
                return;
            }
        };
        let tok = match kind {
            Raw::LineComment => {
                self.trivia.comments.push(Comment {
                    span,
                    kind: CommentKind::Line,
                });
                return;
            }
            Raw::BlockComment(closed) => {
                self.trivia.comments.push(Comment {
                    span,
                    kind: CommentKind::Block,
                });
                if !closed {
                    self.error(
                        codes::UNTERMINATED_COMMENT,
                        Span::new(span.start, span.start + 2),
                        "unterminated block comment",
                        "this comment is never closed with `*/`",
                    );
                }
                return;
            }
            Raw::Number => Tok::Number(text),
            Raw::Str(closed) => {
                if !closed {
                    self.error(
                        codes::UNTERMINATED_STRING,
                        Span::new(span.start, span.start + 1),
                        "unterminated string",
                        "this string is never closed with `\"`",
                    );
                }
                Tok::Str(text)
            }
            Raw::Regex(closed) => {
                if closed {
                    self.check_regex(span, text);
                } else {
                    self.error(
                        codes::UNTERMINATED_REGEX,
                        Span::new(span.start, span.start + 3),
                        "unterminated regex",
                        "this regex is never closed with `#`",
                    );
                }
                Tok::Regex(text)
            }
            Raw::Word => Tok::Ident(text),
            Raw::Keyword(kw) => Tok::Kw(kw),
            Raw::ChevronOpen => {
                self.push(Tok::ChevronOpen, span);
                self.chevrons.push(span);
                self.chevron_body(raw);
                return;
            }
            Raw::LBrace => {
                if let Some(depth) = self.beestings.last_mut() {
                    *depth += 1;
                }
                Tok::LBrace
            }
            Raw::RBrace => match self.beestings.last_mut() {
                Some(0) => {
                    self.beestings.pop();
                    self.push(Tok::BeestingClose, span);
                    self.chevron_body(raw);
                    return;
                }
                Some(depth) => {
                    *depth -= 1;
                    Tok::RBrace
                }
                None => Tok::RBrace,
            },
            Raw::LtEqGt => Tok::LtEqGt,
            Raw::LtEq => Tok::LtEq,
            Raw::Lt => Tok::Lt,
            Raw::OrOr => Tok::OrOr,
            Raw::Bar => Tok::Bar,
            Raw::EqEq => Tok::EqEq,
            Raw::FatArrow => Tok::FatArrow,
            Raw::Eq => Tok::Eq,
            Raw::ColonEq => Tok::ColonEq,
            Raw::Colon => Tok::Colon,
            Raw::GtEq => Tok::GtEq,
            Raw::GtLt => Tok::GtLt,
            Raw::Gt => Tok::Gt,
            Raw::AndAnd => Tok::AndAnd,
            Raw::NotEq => Tok::NotEq,
            Raw::LParen => Tok::LParen,
            Raw::RParen => Tok::RParen,
            Raw::LBracket => Tok::LBracket,
            Raw::RBracket => Tok::RBracket,
            Raw::Comma => Tok::Comma,
            Raw::Slash => Tok::Slash,
            Raw::Dot => Tok::Dot,
            Raw::Minus => Tok::Minus,
            Raw::Percent => Tok::Percent,
            Raw::Plus => Tok::Plus,
            Raw::Semi => Tok::Semi,
            Raw::Star => Tok::Star,
        };
        self.push(tok, span);
    }

    // Runs once per token; left out of line, the call cost a quarter of the lexer's
    // instructions (callgrind on large.krl).
    #[inline]
    fn push(&mut self, tok: Tok<'src>, span: Span) {
        if matches!(tok, Tok::Eq | Tok::Regex(_))
            && let Some(previous) = self.tokens.last_mut()
        {
            mark_binder(previous, tok);
        }
        self.tokens.push(Token { tok, span });
    }

    fn error(&mut self, code: krl_diagnostics::Code, span: Span, message: &str, label: &str) {
        let at = FileSpan::new(self.file, span);
        self.diagnostics
            .push(Diagnostic::error(code, at, message).with_label(label));
    }

    /// Reports a run of characters KRL does not use as one invalid token.
    fn invalid_char(&mut self, span: Span, text: &str) {
        if let Some(last) = self.tokens.last_mut()
            && last.tok == Tok::Invalid
            && last.span.end == span.start
        {
            last.span.end = span.end;
            if let Some(diagnostic) = self.diagnostics.last_mut() {
                diagnostic.primary.at.span.end = span.end;
            }
            return;
        }
        self.push(Tok::Invalid, span);
        let shown = text.chars().next().unwrap_or('?');
        let mut diagnostic = Diagnostic::error(
            codes::INVALID_CHARACTER,
            FileSpan::new(self.file, span),
            format!("unsupported character `{}`", shown.escape_debug()),
        );
        diagnostic = match shown {
            '!' => diagnostic.with_help("negation is written `not x`; inequality is `!=`"),
            '&' => diagnostic.with_help("logical and is written `&&`"),
            '\'' => diagnostic.with_help("strings use double quotes: \"text\""),
            '#' => diagnostic.with_help("comments start with `//`; regexes are written `re#...#`"),
            '?' => diagnostic.with_help("the conditional is written `test => yes | no`"),
            c if !c.is_ascii() => diagnostic.with_help(
                "identifiers are ASCII letters, digits, `_` and `$`; other text belongs in strings",
            ),
            _ => diagnostic,
        };
        self.diagnostics.push(diagnostic);
    }

    /// Scans chevron text from the current position up to `#{`, `>>` or end of input.
    fn chevron_body(&mut self, raw: &mut logos::Lexer<'src, Raw>) {
        let start = raw.span().end;
        let rest = &self.src[start..];
        let bytes = rest.as_bytes();
        let mut idx = 0;
        let stop = loop {
            if idx >= bytes.len() {
                break None;
            }
            match bytes[idx] {
                // The escaped character may be multi-byte; only ASCII delimiters matter here.
                b'\\' => idx += 2,
                b'#' if bytes.get(idx + 1) == Some(&b'{') => break Some(Tok::BeestingOpen),
                b'>' if bytes.get(idx + 1) == Some(&b'>') => break Some(Tok::ChevronClose),
                _ => idx += 1,
            }
        };
        let text_len = idx.min(bytes.len());
        // `idx` may have stepped into the middle of a character after a backslash.
        let text_len = (text_len..=bytes.len())
            .find(|&n| rest.is_char_boundary(n))
            .unwrap_or(bytes.len());
        let at = start as u32;
        if text_len > 0 {
            self.push(
                Tok::ChevronText(&rest[..text_len]),
                Span::new(at, at + text_len as u32),
            );
        }
        match stop {
            Some(tok) => {
                let delimiter = Span::new(at + text_len as u32, at + text_len as u32 + 2);
                self.push(tok, delimiter);
                if tok == Tok::BeestingOpen {
                    self.beestings.push(0);
                } else {
                    self.chevrons.pop();
                }
                raw.bump(text_len + 2);
            }
            None => raw.bump(rest.len()),
        }
    }

    fn check_regex(&mut self, span: Span, text: &'src str) {
        let verdict = self.regex_checks.entry(text).or_insert_with(|| {
            crate::literal::RegexLiteral::parse(text).map_or(Ok(()), |literal| literal.validate())
        });
        if let Err(message) = verdict.clone() {
            let at = FileSpan::new(self.file, span);
            self.diagnostics.push(
                Diagnostic::error(
                    codes::INVALID_REGEX,
                    at,
                    format!("invalid regular expression: {message}"),
                )
                .with_note("KRL regexes are ECMAScript regular expressions"),
            );
        }
    }
}

/// Marks a word followed by `=` or by a regex (see [`Tok::BindName`]); `next` is the token
/// after it.
fn mark_binder(word: &mut Token<'_>, next: Tok<'_>) {
    word.tok = match (word.tok, next) {
        (Tok::Ident(word), Tok::Eq) => Tok::BindName(word),
        (Tok::Kw(kw), Tok::Eq) if !kw.is_reserved() => Tok::BindName(kw.as_str()),
        (Tok::Ident(word), Tok::Regex(_)) => Tok::AttrName(word),
        // `like`, `not` and `cmp` are operators in expressions (`s like re#x#`), so a
        // regex after them is an operand, not the attribute's pattern.
        (Tok::Kw(kw), Tok::Regex(_)) if !matches!(kw, Kw::Like | Kw::Not | Kw::Cmp | Kw::Return) => {
            Tok::AttrName(kw.as_str())
        }
        _ => return,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        lex(FileId(0), src)
            .tokens
            .iter()
            .map(|t| format!("{:?}@{}..{}", t.tok, t.span.start, t.span.end))
            .collect()
    }

    #[test]
    fn keywords_and_binders() {
        assert_eq!(
            kinds("select x = a b re#c#"),
            [
                "Kw(Select)@0..6",
                "BindName(\"x\")@7..8",
                "Eq@9..10",
                "Ident(\"a\")@11..12",
                "AttrName(\"b\")@13..14",
                "Regex(\"re#c#\")@15..20"
            ]
        );
    }

    #[test]
    fn every_keyword_is_recognised_and_longer_words_are_identifiers() {
        for &kw in Kw::ALL {
            let word = kw.as_str();
            let longer = [
                format!("{word}s"),
                format!("{word}_"),
                format!("{word}1"),
                format!("${word}"),
            ];
            let src = format!("{word} {}", longer.join(" "));
            let lexed = lex(FileId(0), &src);
            let toks: Vec<Tok<'_>> = lexed.tokens.iter().map(|t| t.tok).collect();
            let expected_longer = longer.iter().map(|w| {
                // `words` for `word` may itself be a keyword (`key`/`keys`, `provide`/`provides`).
                Kw::from_word(w).map_or(Tok::Ident(w.as_str()), Tok::Kw)
            });
            let expected: Vec<Tok<'_>> = std::iter::once(Tok::Kw(kw)).chain(expected_longer).collect();
            assert_eq!(toks, expected, "{word}");
        }
    }

    #[test]
    fn blank_lines_are_found_in_every_gap() {
        let lexed = lex(FileId(0), "a\n\n  b // c\n \n\nd\u{A0}\n\n<<x>>\n\n");
        assert_eq!(lexed.trivia.blank_lines, [2, 13, 14, 19, 26]);
    }

    #[test]
    fn numbers_follow_the_reference() {
        assert_eq!(kinds("1.5.2"), ["Number(\"1.5\")@0..3", "Number(\".2\")@3..5"]);
        assert_eq!(kinds("1."), ["Number(\"1\")@0..1", "Dot@1..2"]);
        assert_eq!(kinds("1e3"), ["Number(\"1\")@0..1", "Ident(\"e3\")@1..3"]);
    }

    #[test]
    fn chevron_with_nested_braces_and_chevrons() {
        let toks = kinds("<<a #{ {\"k\": <<x#{1}>>} } b\\>>>");
        assert_eq!(
            toks,
            [
                "ChevronOpen@0..2",
                "ChevronText(\"a \")@2..4",
                "BeestingOpen@4..6",
                "LBrace@7..8",
                "Str(\"\\\"k\\\"\")@8..11",
                "Colon@11..12",
                "ChevronOpen@13..15",
                "ChevronText(\"x\")@15..16",
                "BeestingOpen@16..18",
                "Number(\"1\")@18..19",
                "BeestingClose@19..20",
                "ChevronClose@20..22",
                "RBrace@22..23",
                "BeestingClose@24..25",
                "ChevronText(\" b\\\\>\")@25..29",
                "ChevronClose@29..31",
            ]
        );
    }

    #[test]
    fn regex_flags_are_greedy() {
        assert_eq!(
            kinds("re#x#igloo"),
            ["Regex(\"re#x#ig\")@0..7", "Ident(\"loo\")@7..10"]
        );
    }

    #[test]
    fn comments_are_trivia() {
        let lexed = lex(FileId(0), "a // c\n/* d */ b /*/ e");
        assert_eq!(lexed.tokens.len(), 2);
        assert_eq!(lexed.trivia.comments.len(), 3);
        assert_eq!(lexed.diagnostics.len(), 1);
        assert_eq!(lexed.diagnostics[0].code, codes::UNTERMINATED_COMMENT);
    }

    #[test]
    fn unterminated_literals_and_bad_characters_are_reported() {
        for (src, code) in [
            ("\"abc", codes::UNTERMINATED_STRING),
            ("re#abc", codes::UNTERMINATED_REGEX),
            ("<<abc #{ 1 }", codes::UNTERMINATED_CHEVRON),
            ("a ! b", codes::INVALID_CHARACTER),
            ("re#[#", codes::INVALID_REGEX),
        ] {
            let lexed = lex(FileId(0), src);
            assert_eq!(lexed.diagnostics.len(), 1, "{src}");
            assert_eq!(lexed.diagnostics[0].code, code, "{src}");
        }
    }

    #[test]
    fn invalid_runs_merge() {
        let lexed = lex(FileId(0), "a éé b");
        assert_eq!(lexed.tokens.len(), 3);
        assert_eq!(lexed.diagnostics.len(), 1);
    }
}
