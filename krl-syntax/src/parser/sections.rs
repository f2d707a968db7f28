//! Section-by-section parsing, used when the whole-file parse reported errors: the ruleset
//! body is split into `meta`, `global` and rule sections by brace depth and each is parsed on
//! its own, so a mistake cannot swallow the sections after it.

use super::*;

/// Splits the ruleset body into `meta`, `global` and rule sections by brace depth and
/// parses each on its own, so a mistake cannot swallow the sections after it.
/// With [`Parsers::DescentFirst`], a section the fast path parses is not handed to LALRPOP.
pub(super) fn parse(
    file: FileId,
    src: &str,
    tokens: &[Token<'_>],
    parsers: Parsers,
) -> Option<(Ruleset, Vec<Diagnostic>)> {
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
                if let Some(misplaced) = misplaced_section(file, &ruleset, &token) {
                    diagnostics.push(misplaced);
                }
                let section = &tokens[idx..end];
                parse_section(file, src, section, parsers, &mut ruleset, &mut diagnostics);
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
    diagnostics.extend(unclosed_or_trailing(
        file,
        tokens,
        open,
        &ruleset,
        closed.then_some(idx),
    ));
    Some((ruleset, diagnostics))
}

/// The error for a `meta` or `global` block out of place or repeated.
fn misplaced_section(file: FileId, ruleset: &Ruleset, token: &Token<'_>) -> Option<Diagnostic> {
    let message = match token.tok {
        Tok::Kw(Kw::Meta) if ruleset.meta.is_some() => "a ruleset has only one `meta` block",
        Tok::Kw(Kw::Global) if ruleset.global.is_some() => "a ruleset has only one `global` block",
        Tok::Kw(Kw::Meta) if ruleset.global.is_some() || !ruleset.rules.is_empty() => {
            "the `meta` block must come before `global` and the rules"
        }
        Tok::Kw(Kw::Global) if !ruleset.rules.is_empty() => "the `global` block must come before the rules",
        _ => return None,
    };
    let span = Span::new(token.span.start, token.span.end);
    Some(
        Diagnostic::error(codes::UNEXPECTED_TOKEN, FileSpan::new(file, span), message).with_help(
            "a ruleset holds `meta { }`, then `global { }`, then its rules; merge or move this block",
        ),
    )
}

/// Parses one `meta`, `global` or rule section (`section`, from its keyword to its end) and
/// files it into `ruleset`, or an error node where it could not be parsed.
fn parse_section(
    file: FileId,
    src: &str,
    section: &[Token<'_>],
    parsers: Parsers,
    ruleset: &mut Ruleset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (Some(first), Some(last)) = (section.first(), section.last()) else {
        return;
    };
    let entry = match first.tok {
        Tok::Kw(Kw::Meta) => Entry::Meta,
        Tok::Kw(Kw::Global) => Entry::Global,
        _ => Entry::Rule,
    };
    // Most sections of a broken file are well-formed: the fast path builds the tree LALRPOP
    // would, without its cost; only a section it gives up on is LALRPOP's to recover.
    let fast = match parsers {
        Parsers::DescentFirst => crate::descent::parse_section(file, src, entry, section),
        Parsers::LalrpopOnly => None,
    };
    let (mut parsed, mut section_diagnostics) = match fast {
        Some(parsed) => (Some(parsed), Vec::new()),
        None => run(file, src, entry, section),
    };
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
            global_by_declaration(file, src, section).filter(|(global, _)| global.decls.len() > kept)
        {
            parsed = Some(Parsed::Global(global));
            section_diagnostics = decl_diagnostics;
        }
    }
    diagnostics.extend(section_diagnostics);
    let span = Span::new(first.span.start, last.span.end);
    match parsed {
        Some(Parsed::Meta(meta)) if ruleset.meta.is_none() => ruleset.meta = Some(meta),
        Some(Parsed::Global(global)) if ruleset.global.is_none() => ruleset.global = Some(global),
        Some(Parsed::Rule(rule)) => ruleset.rules.push(*rule),
        _ => ruleset.rules.push(RuleItem::Error { span }),
    }
}

/// The error for a ruleset never closed (`after_close` is `None`), or for input after its
/// closing brace (from token `after_close` on).
fn unclosed_or_trailing(
    file: FileId,
    tokens: &[Token<'_>],
    open: usize,
    ruleset: &Ruleset,
    after_close: Option<usize>,
) -> Option<Diagnostic> {
    let Some(idx) = after_close else {
        let at = FileSpan::new(file, Span::empty(ruleset.span.end));
        return Some(
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
    };
    let extra = tokens.get(idx)?;
    let span = Span::new(
        extra.span.start,
        tokens.last().map_or(extra.span.end, |t| t.span.end),
    );
    Some(
        Diagnostic::error(
            codes::UNEXPECTED_TOKEN,
            FileSpan::new(file, span),
            "unexpected input after the end of the ruleset",
        )
        .with_note("a file holds exactly one ruleset"),
    )
}

/// Re-parses a broken `global { ... }` one declaration at a time. LR recovery inside a
/// declaration skips to the next token that may follow the block's list, often the `}` of
/// a function body, which then closes `global` early; here each `name =` at the block's
/// own nesting level starts a declaration of its own, so each broken declaration gives
/// its own diagnostic and the ones after it still parse. `None` when the block's braces
/// do not balance.
fn global_by_declaration(file: FileId, src: &str, block: &[Token<'_>]) -> Option<(Global, Vec<Diagnostic>)> {
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
            Tok::LBrace | Tok::LParen | Tok::LBracket | Tok::BeestingOpen | Tok::ChevronOpen => depth += 1,
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
