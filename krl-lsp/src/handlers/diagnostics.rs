//! `textDocument/publishDiagnostics`: every lexical, syntax and check diagnostic of a version,
//! with its code, related places and help.

use krl_diagnostics::{Severity, codes};
use tower_lsp::lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, NumberOrString,
};

use crate::analysis::Analysis;

/// The LSP diagnostics of one analysed version, parse diagnostics first, then checks.
pub fn diagnostics(analysis: &Analysis) -> Vec<Diagnostic> {
    analysis
        .parse
        .diagnostics
        .iter()
        .chain(&analysis.check.diagnostics)
        .map(|diagnostic| convert(analysis, diagnostic))
        .collect()
}

pub fn convert(analysis: &Analysis, diagnostic: &krl_diagnostics::Diagnostic) -> Diagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    };
    let mut message = diagnostic.message.clone();
    if let Some(text) = &diagnostic.primary.text {
        message.push_str(&format!(": {text}"));
    }
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<_> = diagnostic
        .related
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: analysis.location(label.at.span),
            message: label.text.clone().unwrap_or_else(|| "related".to_string()),
        })
        .collect();
    let tags = if diagnostic.code == codes::UNUSED_DECLARATION {
        Some(vec![DiagnosticTag::UNNECESSARY])
    } else if diagnostic.code == codes::DEPRECATED_SYNTAX {
        Some(vec![DiagnosticTag::DEPRECATED])
    } else {
        None
    };
    Diagnostic {
        range: analysis.range(diagnostic.primary.at.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(diagnostic.code.id.to_string())),
        code_description: None,
        source: Some("krl".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: Some(serde_json::Value::String(diagnostic.code.name.to_string())),
    }
}
