//! Runtime errors raised while evaluating KRL: a JavaScript-style error name plus a message.
//!
//! Compatibility tests compare the printed form `NAME: MESSAGE` with what pico-engine's
//! `String(err)` prints, so the names are JavaScript's (`TypeError`, `SyntaxError`, ...).
//! Errors travel on hot paths (every stdlib call returns `Result`), so the type is one
//! pointer wide and every constructor is `#[cold]`. The backend adds an [`ErrorLocation`]
//! when an error leaves a rule, a query or a ruleset's initialisation; each consumer (HTTP
//! answers, pico logs, the CLI) formats it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The JavaScript error class a runtime error corresponds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorName {
    /// Plain `Error` (e.g. `The .reduce() operator cannot use V as a function`).
    Error,
    /// `TypeError`, by far the most common stdlib failure.
    TypeError,
    /// `SyntaxError`, from compiling an invalid regular expression pattern at run time.
    SyntaxError,
    /// `RangeError` (runaway recursion, impossible array lengths).
    RangeError,
    /// `ReferenceError` (bindings read before initialisation in the reference).
    ReferenceError,
}

impl ErrorName {
    /// The JavaScript constructor name, as printed before the colon.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorName::Error => "Error",
            ErrorName::TypeError => "TypeError",
            ErrorName::SyntaxError => "SyntaxError",
            ErrorName::RangeError => "RangeError",
            ErrorName::ReferenceError => "ReferenceError",
        }
    }
}

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What went wrong; boxed inside [`RuntimeError`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("{name}: {message}")]
pub struct RuntimeErrorKind {
    /// The JavaScript error class.
    pub name: ErrorName,
    /// The message exactly as the reference words it (no trailing period added).
    pub message: String,
    /// Where in KRL source it was raised, once the backend knows.
    pub location: Option<ErrorLocation>,
}

/// Two errors are the same error wherever they were raised: tests and callers compare what
/// went wrong, and the location is extra information.
impl PartialEq for RuntimeErrorKind {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.message == other.message
    }
}

impl Eq for RuntimeErrorKind {}

/// Where a runtime error was raised in KRL source, as plain data (the runtime never sees
/// the syntax tree). Serialised as the `location` field of the HTTP API's error answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorLocation {
    /// The ruleset whose source holds the failing code.
    pub rid: String,
    /// The rule that was running, if any. When a module's function failed, this is a rule
    /// of the ruleset that called it, not of `rid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The innermost KRL function (or defaction) the failing code is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// The ruleset's URL.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The whole source line, without its line break.
    pub source: String,
    /// How many characters of the line the failing code covers (at least 1).
    pub width: u32,
}

impl ErrorLocation {
    /// The file as a user would type it: a path for `file://` URLs, else the URL.
    pub fn file_name(&self) -> &str {
        self.file.strip_prefix("file://").unwrap_or(&self.file)
    }

    /// `path:line:column`, for one-line messages.
    pub fn position(&self) -> String {
        format!("{}:{}:{}", self.file_name(), self.line, self.column)
    }

    /// What was running: `rule `r` of a.b, function `f``; the rid alone at top level.
    pub fn context(&self) -> String {
        let mut text = match &self.rule {
            Some(rule) => format!("rule `{rule}` of {}", self.rid),
            None => self.rid.clone(),
        };
        if let Some(function) = &self.function {
            text.push_str(&format!(", function `{function}`"));
        }
        text
    }

    /// `message`, then where, the source line and a caret under the failing code, as
    /// `krl check` shows static errors.
    pub fn render(&self, message: &str) -> String {
        let gutter = " ".repeat(self.line.to_string().len());
        format!(
            "{message}\n{gutter}--> {} ({})\n{}",
            self.position(),
            self.context(),
            self.snippet()
        )
    }

    /// The source line with its number and a caret line under the failing code.
    pub fn snippet(&self) -> String {
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        let indent: String = self
            .source
            .chars()
            .take(self.column.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "{gutter} |\n{number} | {}\n{gutter} | {indent}{}",
            self.source,
            "^".repeat(self.width.max(1) as usize)
        )
    }
}

/// An error raised while running KRL. Displays as `TypeError: msg`, like JavaScript's `String(err)`.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(transparent)]
pub struct RuntimeError(Box<RuntimeErrorKind>);

impl fmt::Debug for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RuntimeError({self})")
    }
}

impl RuntimeError {
    /// An error of any class.
    #[cold]
    #[inline(never)]
    pub fn new(name: ErrorName, message: impl Into<String>) -> Self {
        RuntimeError(Box::new(RuntimeErrorKind {
            name,
            message: message.into(),
            location: None,
        }))
    }

    /// A plain `Error`.
    #[cold]
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(ErrorName::Error, message)
    }

    /// A `TypeError`.
    #[cold]
    pub fn type_error(message: impl Into<String>) -> Self {
        Self::new(ErrorName::TypeError, message)
    }

    /// A `SyntaxError`.
    #[cold]
    pub fn syntax_error(message: impl Into<String>) -> Self {
        Self::new(ErrorName::SyntaxError, message)
    }

    /// A `RangeError`.
    #[cold]
    pub fn range_error(message: impl Into<String>) -> Self {
        Self::new(ErrorName::RangeError, message)
    }

    /// A `ReferenceError`.
    #[cold]
    pub fn reference_error(message: impl Into<String>) -> Self {
        Self::new(ErrorName::ReferenceError, message)
    }

    /// The JavaScript error class.
    pub fn name(&self) -> ErrorName {
        self.0.name
    }

    /// The message without the class prefix.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Both parts, for callers that want to match on them.
    pub fn kind(&self) -> &RuntimeErrorKind {
        &self.0
    }

    /// Where in KRL source it was raised, when known.
    pub fn location(&self) -> Option<&ErrorLocation> {
        self.0.location.as_ref()
    }

    /// Records where it was raised, unless an inner place was recorded already (an error
    /// from a `ctx:query` of another pico keeps that pico's location).
    #[cold]
    pub fn with_location(mut self, location: impl FnOnce() -> Option<ErrorLocation>) -> Self {
        if self.0.location.is_none() {
            self.0.location = location();
        }
        self
    }

    /// `NAME: message`, then the location with its source line when known.
    pub fn render(&self) -> String {
        match &self.0.location {
            Some(location) => location.render(&self.to_string()),
            None => self.to_string(),
        }
    }

    /// `NAME: message (path:line:column)`, for one-line logs.
    pub fn one_line(&self) -> String {
        match &self.0.location {
            Some(location) => format!("{self} ({}, {})", location.position(), location.context()),
            None => self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<RuntimeError>(), std::mem::size_of::<usize>());
        assert_eq!(
            std::mem::size_of::<Result<(), RuntimeError>>(),
            std::mem::size_of::<usize>()
        );
    }

    fn sample_location() -> ErrorLocation {
        ErrorLocation {
            rid: "app.hello".into(),
            rule: Some("greet".into()),
            function: Some("shout".into()),
            file: "file:///tmp/app.krl".into(),
            line: 12,
            column: 5,
            source: "    math:nope(1)".into(),
            width: 12,
        }
    }

    #[test]
    fn location_renders_like_a_static_diagnostic() {
        let err =
            RuntimeError::type_error("math:nope is not a function").with_location(|| Some(sample_location()));
        assert_eq!(
            err.render(),
            "TypeError: math:nope is not a function\n  --> /tmp/app.krl:12:5 (rule `greet` of app.hello, function `shout`)\n   |\n12 |     math:nope(1)\n   |     ^^^^^^^^^^^^"
        );
        assert_eq!(
            err.one_line(),
            "TypeError: math:nope is not a function (/tmp/app.krl:12:5, rule `greet` of app.hello, function `shout`)"
        );
        assert_eq!(
            err.to_string(),
            "TypeError: math:nope is not a function",
            "Display stays the reference's"
        );
        assert_eq!(err, RuntimeError::type_error("math:nope is not a function"));
    }

    #[test]
    fn the_innermost_location_wins() {
        let mut outer = sample_location();
        outer.line = 99;
        let err = RuntimeError::error("x")
            .with_location(|| Some(sample_location()))
            .with_location(|| Some(outer));
        assert_eq!(err.location().map(|l| l.line), Some(12));
    }

    #[test]
    fn displays_like_javascript_string_of_error() {
        let err = RuntimeError::type_error("abc cannot be multiplied by 2");
        assert_eq!(err.to_string(), "TypeError: abc cannot be multiplied by 2");
        assert_eq!(err.name(), ErrorName::TypeError);
        assert_eq!(err.message(), "abc cannot be multiplied by 2");
        assert_eq!(
            RuntimeError::error("x").to_string(),
            "Error: x",
            "plain errors keep the bare class name"
        );
        assert_eq!(RuntimeError::syntax_error("bad").to_string(), "SyntaxError: bad");
        assert_eq!(
            RuntimeError::range_error("Maximum call stack size exceeded").to_string(),
            "RangeError: Maximum call stack size exceeded"
        );
    }
}
