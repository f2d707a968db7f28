//! `textDocument/signatureHelp` for functions, defactions, stdlib operators and module
//! functions (built-in modules and used modules' files). Works from the
//! tokens before the cursor (the nearest unclosed `(` and the name before it), so it helps
//! while the call is still being typed.

use krl_check::{DeclId, Shape};
use krl_diagnostics::Span;
use krl_syntax::ast::{ExprKind, declarations};
use tower_lsp::lsp_types::{
    Documentation, MarkupContent, MarkupKind, ParameterInformation, ParameterLabel, Position, SignatureHelp,
    SignatureInformation,
};

use crate::analysis::{Analysis, TokKind};
use crate::builtin_docs;
use crate::describe;
use crate::handlers::rename::{chain, scope_at};
use crate::target::alias_rid;
use crate::workspace::Workspace;
use krl_builtins::Kind;

/// Signature help for one document on its own.
pub fn signature_help(analysis: &Analysis, pos: Position) -> Option<SignatureHelp> {
    signature_help_in(analysis, &Workspace::default(), pos)
}

/// Signature help that may look into used modules' files for `alias:member(`.
pub fn signature_help_in(analysis: &Analysis, workspace: &Workspace, pos: Position) -> Option<SignatureHelp> {
    let call = call_before(analysis, analysis.offset(pos))?;
    let (label, params, doc) = match &call.domain {
        Some(domain) => module_signature(analysis, workspace, domain, call.name)?,
        None => local_signature(analysis, call.name, call.name_span)?,
    };
    Some(help(label, &params, doc, call.commas + u32::from(call.method)))
}

/// The call whose argument list holds the cursor.
struct Call<'a> {
    name: &'a str,
    name_span: Span,
    /// `domain` of `domain:name(`.
    domain: Option<&'a str>,
    /// `value.name(`: the value is the first argument.
    method: bool,
    /// Commas before the cursor at the call's level.
    commas: u32,
}

/// Finds the unclosed `(` before `offset`, counting commas at its level, and the name before it.
fn call_before(analysis: &Analysis, offset: u32) -> Option<Call<'_>> {
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
    let before_name = tokens.next();
    let domain = match before_name {
        Some(tok) if tok.is_punct(":") => {
            let domain = tokens.next().filter(|tok| tok.is_word())?;
            Some(analysis.slice(domain.span))
        }
        _ => None,
    };
    Some(Call {
        name: analysis.slice(name_tok.span),
        name_span: name_tok.span,
        domain,
        method: before_name.is_some_and(|tok| tok.is_punct(".")),
        commas,
    })
}

type Signature = (String, Vec<String>, Option<String>);

/// A declaration in scope or a stdlib operator.
fn local_signature(analysis: &Analysis, name: &str, span: Span) -> Option<Signature> {
    match lookup(analysis, name, span) {
        Some(id) => {
            let decl = analysis.names().declaration(id);
            let sig = decl.shape.signature()?;
            let doc = if decl.kind.is_builtin() {
                builtin_docs::op_summary(name)
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
            Some((label, sig.params.clone(), doc))
        }
        None => {
            let op = krl_builtins::named_operator(name)?;
            Some((op.signature(""), op.param_labels(), Some(op.summary.to_string())))
        }
    }
}

/// `alias:member(` of a used module (its parameters with their defaults, from the module's
/// file) or of a built-in module.
fn module_signature(
    analysis: &Analysis,
    workspace: &Workspace,
    domain: &str,
    member: &str,
) -> Option<Signature> {
    let Some((rid, _)) = alias_rid(analysis, domain) else {
        let builtin = krl_builtins::member(domain, member).filter(|b| b.kind != Kind::Property)?;
        return Some((
            builtin.signature(&format!("{domain}:")),
            builtin.param_labels(),
            Some(builtin.summary.to_string()),
        ));
    };
    let module = workspace.module(analysis, &rid)?;
    let decl = declarations(&module.ruleset().global.as_ref()?.decls).find(|d| d.name.name == member)?;
    let params = match &decl.value.kind {
        ExprKind::Function(function) => &function.params,
        ExprKind::Defaction(defaction) => &defaction.params,
        _ => return None,
    };
    let params: Vec<String> = params
        .items
        .iter()
        .map(|param| describe::one_line(module.slice(param.span)))
        .collect();
    Some((
        format!("{domain}:{member}({})", params.join(", ")),
        params,
        describe::doc_comment(module, decl.span),
    ))
}

fn help(label: String, params: &[String], doc: Option<String>, active: u32) -> SignatureHelp {
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
    SignatureHelp {
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
    }
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
