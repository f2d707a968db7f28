//! KRL regex values: an ECMAScript pattern (run by regress over UTF-16) plus the `g`/`i` flags.
//!
//! Matching works on UTF-16 code units with regress's UCS-2 matcher, which is exactly
//! JavaScript's non-unicode mode: `.` matches one unit, offsets are unit offsets (what
//! `replace` callbacks and `split` see).

use std::fmt;
use std::sync::Arc;

use crate::error::RuntimeError;

/// A compiled regular expression with JavaScript `source` and flags.
#[derive(Clone)]
pub struct Regex {
    pattern: Arc<str>,
    source: Arc<str>,
    global: bool,
    ignore_case: bool,
    compiled: regress::Regex,
}

impl Regex {
    /// Compiles `pattern` like `new RegExp(pattern, flags)`.
    ///
    /// Matches pico-engine: only `g` and `i` are kept; `m` is accepted and dropped (the
    /// compiler silently removes it). Any other or repeated flag is a `SyntaxError`.
    pub fn new(pattern: &str, flags: &str) -> Result<Regex, RuntimeError> {
        let (mut global, mut ignore_case, mut multiline) = (false, false, false);
        for flag in flags.chars() {
            let seen = match flag {
                'g' => std::mem::replace(&mut global, true),
                'i' => std::mem::replace(&mut ignore_case, true),
                'm' => std::mem::replace(&mut multiline, true),
                _ => true,
            };
            if seen {
                return Err(invalid_flags(flags));
            }
        }
        let regress_flags = regress::Flags {
            icase: ignore_case,
            ..regress::Flags::default()
        };
        let source = escape_source(pattern);
        let compiled = regress::Regex::with_flags(pattern, regress_flags)
            .map_err(|err| invalid_pattern(&source, &v8_reason(&err.to_string(), pattern)))?;
        Ok(Regex {
            pattern: pattern.into(),
            source: source.into(),
            global,
            ignore_case,
            compiled,
        })
    }

    /// The pattern text as given to the constructor.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// JavaScript's `source`: `/` escaped as `\/`, line terminators escaped, `(?:)` if empty.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The `g` flag.
    pub fn global(&self) -> bool {
        self.global
    }

    /// The `i` flag.
    pub fn ignore_case(&self) -> bool {
        self.ignore_case
    }

    /// The kept flags in canonical order (`g` then `i`).
    pub fn flags(&self) -> &'static str {
        match (self.global, self.ignore_case) {
            (false, false) => "",
            (true, false) => "g",
            (false, true) => "i",
            (true, true) => "gi",
        }
    }

    /// The KRL printed form `re#SOURCE#FLAGS`.
    pub fn to_krl_string(&self) -> String {
        format!("re#{}#{}", self.source, self.flags())
    }

    /// JavaScript's `String(re)`: `/SOURCE/FLAGS`.
    pub fn to_js_string(&self) -> String {
        format!("/{}/{}", self.source, self.flags())
    }

    /// The first match starting at or after UTF-16 offset `start`.
    pub fn find_at(&self, text: &[u16], start: usize) -> Option<regress::Match> {
        if start > text.len() {
            return None;
        }
        self.compiled.find_from_ucs2(text, start).next()
    }

    /// `re.test(text)` (fresh `lastIndex`, so the `g` flag does not matter).
    pub fn is_match(&self, text: &str) -> bool {
        let units: Vec<u16> = text.encode_utf16().collect();
        self.find_at(&units, 0).is_some()
    }

    /// The underlying regress regex.
    pub fn compiled(&self) -> &regress::Regex {
        &self.compiled
    }
}

impl PartialEq for Regex {
    /// lodash `isEqual` compares regexes by their `String()` form.
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.flags() == other.flags()
    }
}

impl fmt::Debug for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_krl_string())
    }
}

#[cold]
fn invalid_flags(flags: &str) -> RuntimeError {
    RuntimeError::syntax_error(format!("Invalid flags supplied to RegExp constructor '{flags}'"))
}

#[cold]
fn invalid_pattern(source: &str, reason: &str) -> RuntimeError {
    RuntimeError::syntax_error(format!("Invalid regular expression: /{source}/: {reason}"))
}

/// JavaScript's `EscapeRegExpPattern` as V8 implements it: an unescaped `/` outside a
/// character class becomes `\/`, line terminators become escapes (a backslash already in
/// front of one is dropped), and the empty pattern is `(?:)`.
fn escape_source(pattern: &str) -> String {
    if pattern.is_empty() {
        return "(?:)".to_owned();
    }
    let mut out = String::with_capacity(pattern.len() + 2);
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&next) if is_line_terminator(next) => {}
                Some(&next) => {
                    out.push('\\');
                    out.push(next);
                    chars.next();
                }
                None => out.push('\\'),
            },
            '/' if !in_class => out.push_str("\\/"),
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// V8's wording for the most common pattern errors, so messages match the reference;
/// anything else keeps regress's own text.
fn v8_reason(reason: &str, pattern: &str) -> String {
    let mapped = match reason {
        "Unbalanced parenthesis" if open_groups(pattern) > 0 => "Unterminated group",
        "Unbalanced parenthesis" => "Unmatched ')'",
        "Invalid atom character" | "Quantifier not allowed here" => "Nothing to repeat",
        "Unbalanced bracket" => "Unterminated character class",
        "Range values reversed, start char code is greater than end char code." => {
            "Range out of order in character class"
        }
        "Invalid quantifier" => "numbers out of order in {} quantifier",
        "Incomplete escape" => "\\ at end of pattern",
        "Invalid group modifier" => "Invalid group",
        other => other,
    };
    mapped.to_owned()
}

/// Unescaped `(` minus `)` outside character classes.
fn open_groups(pattern: &str) -> i64 {
    let mut depth = 0;
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth -= 1,
            _ => {}
        }
    }
    depth
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_escaping_matches_javascript() {
        assert_eq!(escape_source("a/b"), "a\\/b");
        assert_eq!(escape_source("a\\/b"), "a\\/b");
        assert_eq!(escape_source("[/]"), "[/]");
        assert_eq!(escape_source(""), "(?:)");
        assert_eq!(escape_source("a\nb"), "a\\nb");
        assert_eq!(escape_source("a\\\nb"), "a\\nb");
    }

    #[test]
    fn flags_keep_g_and_i_only() {
        let re = Regex::new("x", "igm").expect("valid");
        assert_eq!(re.flags(), "gi");
        assert_eq!(re.to_krl_string(), "re#x#gi");
        let err = Regex::new("x", "gg").expect_err("repeated flag");
        assert_eq!(
            err.to_string(),
            "SyntaxError: Invalid flags supplied to RegExp constructor 'gg'"
        );
    }

    #[test]
    fn invalid_pattern_is_syntax_error() {
        let err = Regex::new("(", "").expect_err("unterminated group");
        assert_eq!(err.name(), crate::error::ErrorName::SyntaxError);
        assert_eq!(
            err.message(),
            "Invalid regular expression: /(/: Unterminated group"
        );
        let cases = [
            ("a)", "Unmatched ')'"),
            ("*a", "Nothing to repeat"),
            ("[a", "Unterminated character class"),
            ("[z-a]", "Range out of order in character class"),
            ("a{3,1}", "numbers out of order in {} quantifier"),
            ("a\\", "\\ at end of pattern"),
        ];
        for (pattern, reason) in cases {
            let err = Regex::new(pattern, "").expect_err("invalid pattern");
            assert_eq!(
                err.message(),
                format!("Invalid regular expression: /{pattern}/: {reason}")
            );
        }
    }

    #[test]
    fn matches_utf16_units_like_javascript() {
        let re = Regex::new("^.$", "").expect("valid");
        assert!(!re.is_match("😀"), "one astral char is two units");
        assert!(Regex::new("^..$", "").expect("valid").is_match("😀"));
        assert!(Regex::new("^A", "i").expect("valid").is_match("abc"));
    }
}
