//! Lint levels: per-project settings (`[lints]` in `krl.toml`, read by the caller) and
//! `// krl:allow(lint-name)` comments in the source. Only lints (`W01xx`) can be allowed or
//! denied; errors always stay errors.

use std::collections::HashMap;

use krl_diagnostics::{Diagnostic, FileId, FileSpan, LineIndex, Severity, Span, codes};
use krl_syntax::trivia::Trivia;

use crate::lints::LINTS;

/// What to do with one lint's findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LintLevel {
    /// Drop them.
    Allow,
    /// Report them as warnings (the default).
    Warn,
    /// Report them as errors.
    Deny,
}

impl LintLevel {
    pub fn parse(word: &str) -> Option<LintLevel> {
        match word {
            "allow" => Some(LintLevel::Allow),
            "warn" => Some(LintLevel::Warn),
            "deny" => Some(LintLevel::Deny),
            _ => None,
        }
    }
}

/// Levels by lint code id; lints not listed are warnings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintLevels {
    levels: HashMap<&'static str, LintLevel>,
}

impl LintLevels {
    /// Sets the level of a lint given by name (`unused-declaration`) or code (`W0101`).
    /// Returns `false` when no lint has that name.
    pub fn set(&mut self, lint: &str, level: LintLevel) -> bool {
        match lint_id(lint) {
            Some(id) => {
                self.levels.insert(id, level);
                true
            }
            None => false,
        }
    }

    pub fn level(&self, code_id: &str) -> LintLevel {
        self.levels.get(code_id).copied().unwrap_or(LintLevel::Warn)
    }

    /// Drops allowed findings and turns denied ones into errors.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.levels.is_empty() {
            return;
        }
        diagnostics.retain_mut(|diagnostic| {
            if !is_lint(diagnostic) {
                return true;
            }
            match self.level(diagnostic.code.id) {
                LintLevel::Allow => false,
                // Some lints are errors by default (`too-many-arguments`).
                LintLevel::Warn => {
                    diagnostic.severity = Severity::Warning;
                    true
                }
                LintLevel::Deny => {
                    diagnostic.severity = Severity::Error;
                    true
                }
            }
        });
    }
}

/// The code id of a lint given by name or code, case-insensitively.
pub fn lint_id(lint: &str) -> Option<&'static str> {
    LINTS
        .iter()
        .find(|l| l.code.name.eq_ignore_ascii_case(lint) || l.code.id.eq_ignore_ascii_case(lint))
        .map(|l| l.code.id)
}

/// Whether a diagnostic comes from a lint (whatever its level), not from a hard check.
pub fn is_lint(diagnostic: &Diagnostic) -> bool {
    diagnostic.code.id.starts_with("W01")
}

/// One `krl:allow(...)` comment: the lints it names and where it applies.
struct Allow {
    ids: Vec<&'static str>,
    scope: Scope,
}

/// Where an allow comment applies; lines are 0-based.
#[derive(Clone, Copy)]
enum Scope {
    /// Before `ruleset`: the whole file.
    File,
    /// After code on the same line: that line.
    Line(u32),
    /// On a line of its own: that line and the next.
    LineAndNext(u32),
}

impl Scope {
    fn covers(self, line: u32) -> bool {
        match self {
            Scope::File => true,
            Scope::Line(own) => own == line,
            Scope::LineAndNext(own) => own == line || own + 1 == line,
        }
    }
}

/// Drops the lint findings that a `// krl:allow(name, ...)` comment allows: a comment on the
/// line of the finding's start or on the line before it, or, before `ruleset`, for the whole
/// file. Names that are no lint are reported as warnings of their own.
pub fn apply_allow_comments(
    file: FileId,
    src: &str,
    trivia: &Trivia,
    ruleset_start: u32,
    diagnostics: &mut Vec<Diagnostic>,
) {
    const MARK: &str = "krl:allow(";
    if !src.contains(MARK) {
        return;
    }
    let lines = LineIndex::new(src);
    let mut allows = Vec::new();
    let mut unknown = Vec::new();
    for comment in &trivia.comments {
        let text = comment.span.text(src);
        let Some(start) = text.find(MARK) else {
            continue;
        };
        let after = &text[start + MARK.len()..];
        let Some(end) = after.find(')') else {
            continue;
        };
        let mut ids = Vec::new();
        let mut offset = comment.span.start + (start + MARK.len()) as u32;
        for part in after[..end].split(',') {
            let name = part.trim();
            match lint_id(name) {
                Some(id) => ids.push(id),
                None if !name.is_empty() => {
                    let lead = (part.len() - part.trim_start().len()) as u32;
                    unknown.push((
                        Span::new(offset + lead, offset + lead + name.len() as u32),
                        name.to_string(),
                    ));
                }
                None => {}
            }
            offset += part.len() as u32 + 1;
        }
        let position = lines.line_col(comment.span.start);
        let line_start = comment.span.start - position.col;
        // A comment after code on its line covers that line only.
        let trailing = !src[line_start as usize..comment.span.start as usize]
            .trim()
            .is_empty();
        let scope = if comment.span.end <= ruleset_start {
            Scope::File
        } else if trailing {
            Scope::Line(position.line)
        } else {
            Scope::LineAndNext(position.line)
        };
        allows.push(Allow { ids, scope });
    }
    diagnostics.retain(|diagnostic| {
        if !is_lint(diagnostic) {
            return true;
        }
        let line = lines.line_col(diagnostic.primary.at.span.start).line;
        !allows
            .iter()
            .any(|allow| allow.ids.contains(&diagnostic.code.id) && allow.scope.covers(line))
    });
    for (span, name) in unknown {
        diagnostics.push(
            Diagnostic::warning(
                codes::UNKNOWN_LINT,
                FileSpan::new(file, span),
                format!("`{name}` is not a lint name"),
            )
            .with_help("write a lint name such as `unused-declaration`, or its code `W0101`"),
        );
    }
}
