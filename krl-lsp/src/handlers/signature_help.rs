//! `textDocument/signatureHelp` for functions, defactions and stdlib operators. Works from the
//! tokens before the cursor (the nearest unclosed `(` and the name before it), so it helps
//! while the call is still being typed.

use krl_check::stdlib_names;
use krl_check::{DeclId, Shape};
use krl_diagnostics::Span;
use tower_lsp::lsp_types::{
    Documentation, MarkupContent, MarkupKind, ParameterInformation, ParameterLabel, Position, SignatureHelp,
    SignatureInformation,
};

use crate::analysis::{Analysis, TokKind};
use crate::describe;
use crate::handlers::rename::{chain, scope_at};
use crate::stdlib_docs;

pub fn signature_help(analysis: &Analysis, pos: Position) -> Option<SignatureHelp> {
    let offset = analysis.offset(pos);
    // Find the unclosed `(` before the cursor, counting commas at its level.
    let mut depth = 0usize;
    let mut commas = 0u32;
    let mut tokens = analysis.tokens_before(offset);
    loop {
        let tok = tokens.next()?;
        match tok.kind {
            TokKind::Punct(")" | "]" | "}") | TokKind::BeestingClose | TokKind::ChevronClose => depth += 1,
            TokKind::Punct("(") if depth == 0 => break,
            TokKind::Punct("(" | "[" | "{") | TokKind::BeestingOpen | TokKind::ChevronOpen => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
            }
            TokKind::Punct(",") if depth == 0 => commas += 1,
            _ => {}
        }
    }
    let name_tok = tokens.next().filter(|tok| tok.is_word())?;
    let name = analysis.slice(name_tok.span);
    let before_name = tokens.next();
    let method = before_name.is_some_and(|tok| tok.is_punct("."));
    if before_name.is_some_and(|tok| tok.is_punct(":")) {
        return None; // a module member: its parameters are not known statically
    }
    let (label, params, doc) = match lookup(analysis, name, name_tok.span) {
        Some(id) => {
            let decl = analysis.names().declaration(id);
            let sig = decl.shape.signature()?;
            let doc = if decl.kind.is_builtin() {
                stdlib_docs::op_doc(name).map(|doc| doc.summary.clone())
            } else {
                describe::doc_comment(analysis, decl.span)
            };
            let what = match decl.shape {
                Shape::Action(_) => "defaction",
                _ => "function",
            };
            let label = if decl.kind.is_builtin() {
                format!("{name}({})", sig.params.join(", "))
            } else {
                format!("{name} = {what}({})", sig.params.join(", "))
            };
            (label, sig.params.clone(), doc)
        }
        None => {
            let op = stdlib_names::lookup(name)?;
            let params: Vec<String> = op.params.iter().map(|p| p.to_string()).collect();
            (
                format!("{name}({})", params.join(", ")),
                params,
                stdlib_docs::op_doc(name).map(|doc| doc.summary.clone()),
            )
        }
    };
    // Parameter labels as offsets into the label, so clients highlight the right one.
    let open = label.find('(').unwrap_or(0) as u32 + 1;
    let mut start = open;
    let parameters = params
        .iter()
        .map(|param| {
            let end = start + param.encode_utf16().count() as u32;
            let info = ParameterInformation {
                label: ParameterLabel::LabelOffsets([start, end]),
                documentation: None,
            };
            start = end + 2;
            info
        })
        .collect::<Vec<_>>();
    let active = commas + u32::from(method);
    Some(SignatureHelp {
        signatures: vec![SignatureInformation {
            label,
            documentation: doc.map(|value| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            }),
            parameters: Some(parameters),
            active_parameter: Some(active),
        }],
        active_signature: Some(0),
        active_parameter: Some(active),
    })
}

/// The declaration `name` means at `span`: the resolved reference there, or the innermost
/// declaration of that name in scope.
fn lookup(analysis: &Analysis, name: &str, span: Span) -> Option<DeclId> {
    let names = analysis.names();
    if let Some(reference) = names.reference_at(span.start)
        && reference.span == span
    {
        return reference.resolved;
    }
    for scope in chain(names, scope_at(names, span)) {
        let found = names.declaration_ids().find(|&id| {
            let decl = names.declaration(id);
            decl.scope == scope && decl.name == name
        });
        if found.is_some() {
            return found;
        }
    }
    None
}
