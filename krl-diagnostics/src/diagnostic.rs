//! One problem in KRL source as plain data; rendered by `render` and converted by krl-lsp.

use serde::Serialize;

use crate::{Code, FileSpan};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// A place in the source, with an optional remark shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub at: FileSpan,
    pub text: Option<String>,
}

/// One problem: a stable code, a short lower-case message and where to look.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, severity: Severity, at: FileSpan, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            primary: Label { at, text: None },
            related: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn error(code: Code, at: FileSpan, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, at, message)
    }

    pub fn warning(code: Code, at: FileSpan, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, at, message)
    }

    /// Text shown at the primary location.
    pub fn with_label(mut self, text: impl Into<String>) -> Diagnostic {
        self.primary.text = Some(text.into());
        self
    }

    pub fn with_related(mut self, at: FileSpan, text: impl Into<String>) -> Diagnostic {
        self.related.push(Label {
            at,
            text: Some(text.into()),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
