//! Tokens as the parser sees them. Keywords are their own kinds because LALRPOP matches
//! terminals by kind; which keywords may still serve as identifiers is decided by the grammar.

use std::fmt;

use krl_diagnostics::Span;

macro_rules! keywords {
    ($($variant:ident = $text:literal,)*) => {
        /// Every word that has a meaning somewhere in the grammar. Most are contextual: the
        /// grammar accepts them as identifiers where they have no other meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Kw { $($variant,)* }

        impl Kw {
            /// Every keyword, in declaration order.
            pub const ALL: &[Kw] = &[$(Kw::$variant,)*];

            pub fn from_word(word: &str) -> Option<Kw> {
                match word { $($text => Some(Kw::$variant),)* _ => None }
            }

            pub fn as_str(self) -> &'static str {
                match self { $(Kw::$variant => $text,)* }
            }
        }
    };
}

/// Calls `$callback! { Variant = "text", ... }` with every keyword, so that the `Kw` enum and
/// the lexer's automaton are made from one list.
macro_rules! keyword_table {
    ($callback:ident) => {
        $callback! {
            Ruleset = "ruleset", Version = "version", Meta = "meta", Global = "global", Rule = "rule",
            Name = "name", Description = "description", Author = "author", Logging = "logging",
            On = "on", Off = "off", Key = "key", Keys = "keys", Use = "use", Module = "module",
            Alias = "alias", With = "with", And = "and", Or = "or", Errors = "errors", To = "to",
            Configure = "configure", Using = "using", Provide = "provide", Provides = "provides",
            Share = "share", Shares = "shares", Is = "is", Active = "active", Inactive = "inactive",
            Select = "select", When = "when", Where = "where", Within = "within", Foreach = "foreach",
            Setting = "setting", Pre = "pre", If = "if", Then = "then", Every = "every",
            Sample = "sample", Choose = "choose", Fired = "fired", Notfired = "notfired", Else = "else",
            Finally = "finally", Always = "always", Clear = "clear", Raise = "raise", Event = "event",
            For = "for", Attributes = "attributes", Schedule = "schedule", At = "at", Repeat = "repeat",
            Log = "log", Error = "error", Last = "last", Final = "final", Defaction = "defaction",
            Function = "function", Return = "return", Not = "not", Null = "null", True = "true",
            False = "false", Like = "like", Cmp = "cmp", Before = "before", After = "after",
            Between = "between", Any = "any", Count = "count", Max = "max", Min = "min", Sum = "sum",
            Avg = "avg", Push = "push",
        }
    };
}
pub(crate) use keyword_table;

keyword_table!(keywords);

impl Kw {
    /// Words that can never name a variable, parameter, action or label.
    pub fn is_reserved(self) -> bool {
        matches!(
            self,
            Kw::Defaction
                | Kw::Function
                | Kw::Return
                | Kw::Not
                | Kw::Setting
                | Kw::Null
                | Kw::True
                | Kw::False
        )
    }

    /// Words that are operators in expressions or event expressions: names wherever no
    /// expression can stand (parameters, `shares`, `setting(...)`, members), but not values,
    /// callees or named arguments, as in pico-engine.
    pub fn is_operator_word(self) -> bool {
        matches!(
            self,
            Kw::Like
                | Kw::Cmp
                | Kw::And
                | Kw::Or
                | Kw::Before
                | Kw::Then
                | Kw::After
                | Kw::Between
                | Kw::Any
                | Kw::Count
                | Kw::Repeat
        )
    }
}

/// Which entry point of the single generated parser to use. The lexer prepends one of these
/// markers so that one LALRPOP table serves every entry point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entry {
    Ruleset,
    Meta,
    Global,
    Rule,
    Expression,
    Repl,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tok<'src> {
    /// Synthetic first token choosing the grammar's entry point.
    Start(Entry),
    Ident(&'src str),
    /// A word directly followed by `=`: a declaration, parameter default or named argument.
    /// Telling these apart needs two tokens of lookahead, which LR(1) lacks, so the lexer
    /// marks them.
    BindName(&'src str),
    /// A word directly followed by a regex literal: an event attribute matcher (`name re#x#`).
    AttrName(&'src str),
    Kw(Kw),
    /// The source text of a number, e.g. `1.5`.
    Number(&'src str),
    /// The source text of a string, quotes included.
    Str(&'src str),
    /// The source text of a regex literal, e.g. `re#a\#b#gi`.
    Regex(&'src str),
    ChevronOpen,
    /// Raw text between chevron delimiters and interpolations, escapes not yet decoded.
    ChevronText(&'src str),
    BeestingOpen,
    BeestingClose,
    ChevronClose,
    LtEqGt,
    LtEq,
    Lt,
    OrOr,
    Bar,
    EqEq,
    FatArrow,
    Eq,
    ColonEq,
    Colon,
    GtEq,
    GtLt,
    Gt,
    AndAnd,
    NotEq,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Slash,
    Dot,
    Minus,
    Percent,
    Plus,
    Semi,
    Star,
    /// Anything the lexer could not make sense of; it already reported a diagnostic. No
    /// grammar rule accepts it, so the parser's error recovery takes over.
    Invalid,
}

impl Tok<'_> {
    /// How the token is named in messages: keywords and punctuation in backticks, others by kind.
    pub fn describe(&self) -> String {
        match self {
            Tok::Start(_) => "the start of input".into(),
            Tok::Ident(s) | Tok::BindName(s) | Tok::AttrName(s) => format!("identifier `{s}`"),
            Tok::Kw(kw) => format!("`{}`", kw.as_str()),
            Tok::Number(s) => format!("number `{s}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Regex(_) => "a regex".into(),
            Tok::ChevronOpen => "`<<`".into(),
            Tok::ChevronText(_) => "chevron text".into(),
            Tok::BeestingOpen => "`#{`".into(),
            Tok::BeestingClose => "`}`".into(),
            Tok::ChevronClose => "`>>`".into(),
            Tok::Invalid => "an invalid token".into(),
            other => format!("`{}`", other.punct_text().unwrap_or("?")),
        }
    }

    /// The text of a punctuation token.
    pub fn punct_text(&self) -> Option<&'static str> {
        Some(match self {
            Tok::LtEqGt => "<=>",
            Tok::LtEq => "<=",
            Tok::Lt => "<",
            Tok::OrOr => "||",
            Tok::Bar => "|",
            Tok::EqEq => "==",
            Tok::FatArrow => "=>",
            Tok::Eq => "=",
            Tok::ColonEq => ":=",
            Tok::Colon => ":",
            Tok::GtEq => ">=",
            Tok::GtLt => "><",
            Tok::Gt => ">",
            Tok::AndAnd => "&&",
            Tok::NotEq => "!=",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Slash => "/",
            Tok::Dot => ".",
            Tok::Minus => "-",
            Tok::Percent => "%",
            Tok::Plus => "+",
            Tok::Semi => ";",
            Tok::Star => "*",
            _ => return None,
        })
    }

    /// The word a word-like token spells, if it is one.
    pub fn word(&self) -> Option<&str> {
        match self {
            Tok::Ident(s) | Tok::BindName(s) | Tok::AttrName(s) => Some(s),
            Tok::Kw(kw) => Some(kw.as_str()),
            _ => None,
        }
    }
}

impl fmt::Display for Tok<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A token with its place in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'src> {
    pub tok: Tok<'src>,
    pub span: Span,
}
