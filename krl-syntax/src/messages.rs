//! Parse errors in words a newcomer understands. LALRPOP reports the set of terminals it
//! would have accepted; we name at most a few of them, in user terms, and recognise common
//! mistakes (classic KRL syntax, a missing `then`, `;` after `select when`, ...) to give
//! them their own code, message and help.

use krl_diagnostics::{Code, Diagnostic, FileSpan, Span, codes};
use lalrpop_util::ParseError;

use crate::parser::{Error, ErrorContext};
use crate::token::{Kw, Tok, Token};

/// The diagnostic for one parse error, or `None` when the lexer already reported its cause.
pub(crate) fn describe_parse_error(context: &ErrorContext<'_, '_>, error: &Error<'_>) -> Option<Diagnostic> {
    match error {
        ParseError::UnrecognizedToken {
            token: (lo, tok, hi),
            expected,
        } => {
            if *tok == Tok::Invalid {
                return None;
            }
            let span = Span::new(*lo, *hi);
            let expected = Expected::new(expected);
            Some(unexpected_token(context, span, tok, &expected))
        }
        ParseError::UnrecognizedEof { location, expected } => {
            let expected = Expected::new(expected);
            let at = FileSpan::new(context.file, Span::empty((*location).max(context.end)));
            let mut message = format!("unexpected end of {}", context.piece);
            if let Some(list) = expected.summary() {
                message.push_str(&format!(", expected {list}"));
            }
            Some(
                Diagnostic::error(codes::UNEXPECTED_EOF, at, message)
                    .with_label(format!("the {} ends here", context.piece)),
            )
        }
        ParseError::ExtraToken { token: (lo, tok, hi) } => {
            let at = FileSpan::new(context.file, Span::new(*lo, *hi));
            Some(Diagnostic::error(
                codes::UNEXPECTED_TOKEN,
                at,
                format!("unexpected {tok} after the end of the ruleset"),
            ))
        }
        ParseError::InvalidToken { location } => {
            let at = FileSpan::new(context.file, Span::empty(*location));
            Some(Diagnostic::error(codes::UNEXPECTED_TOKEN, at, "invalid token"))
        }
        ParseError::User { error } => match *error {},
    }
}

/// A stray token directly in the ruleset body, where only `meta`, `global` and rules belong.
pub(crate) fn stray_in_ruleset(file: krl_diagnostics::FileId, token: &Token<'_>, span: Span) -> Diagnostic {
    let at = FileSpan::new(file, span);
    if let Some(word @ ("dispatch" | "sharing")) = token.tok.word() {
        return classic(at, word);
    }
    Diagnostic::error(codes::UNEXPECTED_TOKEN, at, format!("expected `meta`, `global` or a rule, found {}", token.tok))
        .with_label("skipped up to the next rule")
        .with_help("a ruleset body holds an optional `meta { }` block, an optional `global { }` block and then `rule name { }` blocks")
}

fn classic(at: FileSpan, word: &str) -> Diagnostic {
    let (message, help) = match word {
        "sharing" => (
            "`sharing on` is classic KRL syntax",
            "share functions with `shares name, ...` in the meta block",
        ),
        "dispatch" => (
            "`dispatch` blocks are classic KRL syntax",
            "remove the `dispatch` block; modern rulesets are installed on picos",
        ),
        _ => (
            "`pageview` events are classic KRL syntax",
            "select on a named event instead: `select when domain type`",
        ),
    };
    Diagnostic::error(codes::CLASSIC_SYNTAX, at, message).with_help(help)
}

fn unexpected_token(
    context: &ErrorContext<'_, '_>,
    span: Span,
    tok: &Tok<'_>,
    expected: &Expected,
) -> Diagnostic {
    let at = FileSpan::new(context.file, span);
    let previous = previous_token(context.tokens, span.start);
    let found = tok.describe();
    let special = |code: Code, message: String| Diagnostic::error(code, at, message);

    if let Some(word @ ("sharing" | "dispatch" | "pageview")) = tok.word() {
        return classic(at, word);
    }
    if previous.is_some_and(|t| t.word() == Some("pageview")) {
        return classic(at, "pageview");
    }
    if let Some(diagnostic) = entity_assigned_with_equals(context, span, tok) {
        return diagnostic;
    }
    if let Some(diagnostic) = misspelt_select(context, span, tok) {
        return diagnostic;
    }
    let after_call = previous == Some(Tok::RParen);
    if *tok == Tok::Kw(Kw::With) && (after_call || expected.has("attributes") || expected.has("setting")) {
        return special(codes::WITH_ON_ACTION, "`with` cannot pass attributes here".into())
            .with_label("classic KRL syntax")
            .with_help("pass a map instead: `send_directive(\"name\", {\"key\": value})` or `raise d event \"t\" attributes {\"key\": value}`");
    }
    if tok.word() == Some("returns") || (*tok == Tok::Comma && after_return(context.tokens, span.start)) {
        return special(
            codes::DEFACTION_RETURNS,
            "a defaction can only return one value".into(),
        )
        .with_help("write `return expression` after the actions");
    }
    if *tok == Tok::Semi && (expected.has("foreach") || expected.has("pre") || expected.has("within")) {
        return special(
            codes::SEMICOLON_AFTER_SELECT,
            "a `;` cannot follow `select when`".into(),
        )
        .with_label("remove this `;`");
    }
    // Where any word would do, `then` is just one of the words, not the point.
    let names_fit = expected.has("ident") || expected.has_expression();
    if expected.has("then") && !expected.has("}") && !names_fit {
        return special(
            codes::MISSING_THEN,
            format!("expected `then` after the condition, found {found}"),
        )
        .with_help("write `if condition then action(...)`");
    }
    if expected.has("return") && *tok == Tok::RBrace {
        return special(
            codes::MISSING_RETURN_EXPRESSION,
            "this function has no result expression".into(),
        )
        .with_label("expected an expression before this `}`")
        .with_help("a function body ends with the expression it returns, e.g. `function(x) { x + 1 }`");
    }
    if expected.has("fired")
        && expected.has("always")
        && !expected.has("every")
        && matches!(tok, Tok::Ident(_))
    {
        return special(
            codes::SEVERAL_ACTIONS,
            format!("unexpected {found} after the rule's action"),
        )
        .with_help("to run several actions, put them in `every { ... }`");
    }
    if expected.has("string")
        && !expected.has(":")
        && !expected.has_expression()
        && matches!(
            tok,
            Tok::Ident(_) | Tok::ChevronOpen | Tok::Kw(_) | Tok::Number(_)
        )
        && expected.has("}")
    {
        return special(
            codes::MAP_KEY_NOT_STRING,
            format!("map keys must be strings, found {found}"),
        )
        .with_help("quote the key: `{\"key\": value}`");
    }
    if expected.names == ["number"]
        && previous.is_some_and(|p| matches!(p, Tok::Kw(Kw::Any | Kw::Count | Kw::Repeat)))
    {
        return special(
            codes::NOT_A_POSITIVE_INTEGER,
            format!("expected a whole number, found {found}"),
        )
        .with_help("write the count as a literal: `any 2 (a b, c d, e f)`");
    }
    if let Tok::Kw(kw) = tok {
        let name_expected = expected.has("ident") || expected.has_expression() || expected.has("declaration");
        if name_expected && (kw.is_reserved() || kw.is_operator_word()) {
            return special(
                codes::RESERVED_WORD,
                format!("`{}` is a reserved word and cannot be used here", kw.as_str()),
            )
            .with_help("choose another name");
        }
    }
    if expected.has("log level") {
        return special(
            codes::INVALID_LOG_LEVEL,
            format!("expected a log level, found {found}"),
        )
        .with_help("use `error`, `warn`, `info` or `debug`: `log info \"message\"`");
    }
    if expected.has("shares") && expected.has("use") && !names_fit && tok.word().is_some() {
        return special(codes::UNSUPPORTED_META_KEY, format!("unsupported meta key `{}`", tok.word().unwrap_or_default()))
            .with_help("the meta block accepts name, description, author, version, logging, use module, configure using, provides and shares");
    }
    if expected.has("declaration") && expected.has("}") && expected.len() <= 3 {
        return special(
            codes::MISSING_DECLARATION,
            format!("expected a declaration (`name = value`), found {found}"),
        );
    }
    let mut message = format!("unexpected {found}");
    if let Some(list) = expected.summary() {
        message = format!("expected {list}, found {found}");
    }
    special(codes::UNEXPECTED_TOKEN, message)
}

/// `ent:x = 1` where `ent:x := 1` was meant. The lexer marks the `x` before `=` as a
/// name being bound, which no rule accepts after `ent:`.
fn entity_assigned_with_equals(
    context: &ErrorContext<'_, '_>,
    span: Span,
    tok: &Tok<'_>,
) -> Option<Diagnostic> {
    let Tok::BindName(name) = tok else {
        return None;
    };
    let idx = context.tokens.partition_point(|t| t.span.start < span.start);
    let [domain, colon] = context.tokens.get(idx.checked_sub(2)?..idx)? else {
        return None;
    };
    if colon.tok != Tok::Colon || domain.tok.word() != Some("ent") {
        return None;
    }
    let equals = context.tokens.get(idx + 1).filter(|t| t.tok == Tok::Eq)?;
    let at = FileSpan::new(context.file, domain.span.cover(equals.span));
    Some(
        Diagnostic::error(
            codes::ENTITY_ASSIGNED_WITH_EQUALS,
            at,
            format!("`ent:{name} = ...` does not assign an entity variable"),
        )
        .with_help(format!("use `:=` to assign it: `ent:{name} := ...`")),
    )
}

/// `selct when ...`: a word close to `select` right before `when` or `where`.
fn misspelt_select(context: &ErrorContext<'_, '_>, span: Span, tok: &Tok<'_>) -> Option<Diagnostic> {
    if !matches!(tok, Tok::Kw(Kw::When | Kw::Where)) {
        return None;
    }
    let idx = context.tokens.partition_point(|t| t.span.start < span.start);
    let word_token = context.tokens.get(idx.checked_sub(1)?)?;
    let Tok::Ident(word) = word_token.tok else {
        return None;
    };
    let distance = krl_diagnostics::suggest::edit_distance(word, "select");
    if distance == 0 || distance > 2 {
        return None;
    }
    let clause = if *tok == Tok::Kw(Kw::When) {
        "when"
    } else {
        "where"
    };
    let at = FileSpan::new(context.file, word_token.span);
    Some(
        Diagnostic::error(
            codes::MISSPELT_SELECT,
            at,
            format!("unknown word `{word}` before `{clause}`"),
        )
        .with_help(format!("did you mean `select {clause}`?")),
    )
}

/// Whether the token at `offset` follows `return expr` in the same block (`return a, b`).
fn after_return(tokens: &[Token<'_>], offset: u32) -> bool {
    let idx = tokens.partition_point(|t| t.span.start < offset);
    tokens[..idx]
        .iter()
        .rev()
        .take(8)
        .take_while(|t| !matches!(t.tok, Tok::LBrace | Tok::RBrace | Tok::Semi))
        .any(|t| t.tok == Tok::Kw(Kw::Return))
}

fn previous_token<'src>(tokens: &[Token<'src>], offset: u32) -> Option<Tok<'src>> {
    let idx = tokens.partition_point(|t| t.span.start < offset);
    idx.checked_sub(1).map(|idx| tokens[idx].tok)
}

/// The terminals the parser would have accepted, in user terms.
struct Expected {
    names: Vec<String>,
}

/// Tokens that can start an expression; when most are expected we just say "an expression".
const EXPRESSION_STARTS: &[&str] = &[
    "[",
    "{",
    "number",
    "string",
    "regex",
    "<<",
    "null",
    "true",
    "false",
    "function",
    "defaction",
    "not",
    "(",
];

/// Tokens that only continue an expression; naming them after a complete value is noise.
const CONTINUATIONS: &[&str] = &[
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "<=>", "cmp", "like", "><", "&&", "||", "=>",
    ".", "[", "(",
];

/// Order in which expected tokens are worth naming.
const PRIORITY: &[&str] = &[
    "}", ")", "]", ">>", "then", ":=", "=", ":", ",", "|", "event", "when", "where", "{", "(", "setting", ";",
];

impl Expected {
    fn new(raw: &[String]) -> Expected {
        let names = raw
            .iter()
            .map(|name| name.trim_matches('"').to_string())
            .map(|name| match name.as_str() {
                "bindname" => "declaration".to_string(),
                "attrname" => "attribute".to_string(),
                "error" if raw.iter().any(|r| r == "\"ident\"") && raw.len() == 2 => "log level".to_string(),
                _ => name,
            })
            .collect();
        Expected { names }
    }

    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether an expression would do here: literals are expected, not just words.
    fn has_expression(&self) -> bool {
        self.has("number")
            && self.has("string")
            && EXPRESSION_STARTS.iter().filter(|start| self.has(start)).count() >= 4
    }

    /// At most four user-facing names joined with commas and "or".
    fn summary(&self) -> Option<String> {
        let mut items: Vec<String> = Vec::new();
        let expression = self.has_expression();
        if expression {
            items.push("an expression".into());
        }
        let continuation_heavy = CONTINUATIONS.iter().filter(|c| self.has(c)).count() >= 6;
        // Contextual keywords are also names; listing them where a name fits misleads.
        let names_fit = expression || self.has("ident");
        let is_name_keyword = |name: &str| Kw::from_word(name).is_some_and(|kw| !kw.is_reserved());
        // Where any word fits, every keyword is expected too; naming some of them misleads.
        let is_keyword = |name: &str| Kw::from_word(name).is_some();
        for name in PRIORITY {
            let covered = (expression && EXPRESSION_STARTS.contains(name))
                || (continuation_heavy && CONTINUATIONS.contains(name))
                || (self.has("ident") && is_keyword(name))
                || (names_fit && is_name_keyword(name));
            if self.has(name) && !covered {
                items.push(format!("`{name}`"));
            }
        }
        if self.has("declaration") {
            items.push("a declaration (`name = value`)".into());
        }
        if self.has("ident") && !expression {
            items.push("a name".into());
        }
        for name in &self.names {
            if items.len() >= 4 {
                break;
            }
            let known = PRIORITY.contains(&name.as_str())
                || CONTINUATIONS.contains(&name.as_str())
                || EXPRESSION_STARTS.contains(&name.as_str())
                || matches!(
                    name.as_str(),
                    "declaration"
                        | "ident"
                        | "attribute"
                        | "chevron text"
                        | "#{"
                        | "beesting }"
                        | "<invalid>"
                )
                || name.starts_with('#');
            if !known && !names_fit && is_name_keyword(name) {
                items.push(format!("`{name}`"));
            }
        }
        items.truncate(4);
        match items.len() {
            0 => None,
            1 => items.pop(),
            _ => {
                let last = items.pop().expect("at least two items");
                Some(format!("{} or {last}", items.join(", ")))
            }
        }
    }
}
