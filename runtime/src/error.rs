//! Runtime errors raised while evaluating KRL: a JavaScript-style error name plus a message.
//!
//! Compatibility tests compare the printed form `NAME: MESSAGE` with what pico-engine's
//! `String(err)` prints, so the names are JavaScript's (`TypeError`, `SyntaxError`, ...).
//! Errors travel on hot paths (every stdlib call returns `Result`), so the type is one
//! pointer wide and every constructor is `#[cold]`.

use std::fmt;

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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {message}")]
pub struct RuntimeErrorKind {
    /// The JavaScript error class.
    pub name: ErrorName,
    /// The message exactly as the reference words it (no trailing period added).
    pub message: String,
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
