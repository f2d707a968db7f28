//! Decoding of literal tokens into values, with KRL's own escape rules.

/// The value of a string token (quotes included). Matches pico-engine: only `\"` and `\\`
/// are escapes; every other backslash stays, so `"\n"` is a backslash and an `n`.
pub fn decode_string(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner
        .strip_suffix('"')
        .filter(|_| raw.len() >= 2)
        .unwrap_or(inner);
    if !inner.contains('\\') {
        return inner.to_string();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next @ ('"' | '\\')) => out.push(next),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The value of one piece of chevron text. Matches pico-engine: `\>` then `\#{` then `\\` are
/// decoded, in that order, over the whole text; other backslashes stay.
pub fn decode_chevron_text(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    raw.replace("\\>", ">")
        .replace("\\#{", "#{")
        .replace("\\\\", "\\")
}

/// The value of a number token. Tokens are digits with at most one `.`, so this cannot fail;
/// the fallback mirrors the reference's `parseFloat(...) || 0`.
pub fn decode_number(raw: &str) -> f64 {
    raw.parse().unwrap_or(0.0)
}

/// A regex literal split into pattern and flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexLiteral {
    /// The pattern handed to the regex engine (`\#` already turned into `#`).
    pub pattern: String,
    /// The flags as written, a run of `g`, `i` and `m`.
    pub flags: String,
}

impl RegexLiteral {
    /// Splits `re#pattern#flags`; `None` when the token is unterminated.
    pub fn parse(raw: &str) -> Option<RegexLiteral> {
        let body = raw.strip_prefix("re#")?;
        let flags_len = body
            .bytes()
            .rev()
            .take_while(|b| matches!(b, b'g' | b'i' | b'm'))
            .count();
        let (body, flags) = body.split_at(body.len() - flags_len);
        let body = body.strip_suffix('#')?;
        Some(RegexLiteral {
            pattern: body.replace("\\#", "#"),
            flags: flags.to_string(),
        })
    }

    /// Checks that the flags are not repeated and the pattern is a valid ECMAScript regex.
    pub fn validate(&self) -> Result<(), String> {
        for flag in ['g', 'i', 'm'] {
            if self.flags.matches(flag).count() > 1 {
                return Err(format!("flag `{flag}` is repeated"));
            }
        }
        // `Regex::with_flags` parses, optimises and compiles, and only the parse can fail, so
        // the parse alone gives the same verdict at a fifth of the cost. The runtime compiles
        // the pattern for real when it runs. Neither `i` nor `m` changes which patterns are
        // well formed (without `u`, which KRL has not), and `i` makes the parse fold every
        // character class, so both are left out here.
        regress::backends::try_parse(self.pattern.chars().map(u32::from), regress::Flags::default())
            .map(|_| ())
            .map_err(|err| err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_decode_only_two_escapes() {
        assert_eq!(decode_string(r#""a\"b""#), "a\"b");
        assert_eq!(decode_string(r#""a\\b""#), "a\\b");
        assert_eq!(decode_string(r#""a\tb\n""#), "a\\tb\\n");
        assert_eq!(decode_string(r#""""#), "");
        assert_eq!(decode_string(r#""plain é""#), "plain é");
    }

    #[test]
    fn chevron_text_decodes_three_escapes() {
        assert_eq!(decode_chevron_text(r"a\>b \#{x}"), "a>b #{x}");
        assert_eq!(decode_chevron_text(r"\\ \n"), "\\ \\n");
        assert_eq!(decode_chevron_text("plain > #"), "plain > #");
    }

    #[test]
    fn regex_literals_split() {
        let lit = RegexLiteral::parse(r"re#a\#b#gi").expect("terminated");
        assert_eq!(lit.pattern, "a#b");
        assert_eq!(lit.flags, "gi");
        assert!(lit.validate().is_ok());
        assert!(RegexLiteral::parse("re##").expect("empty").validate().is_ok());
        assert!(RegexLiteral::parse("re#a#gg").expect("flags").validate().is_err());
        assert!(RegexLiteral::parse("re#[#").expect("pattern").validate().is_err());
    }
}
