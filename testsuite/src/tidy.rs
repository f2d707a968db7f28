//! The checks behind `tests/tidy.rs`, in the spirit of rust-analyzer's `xtask/src/tidy.rs`:
//! rules of STYLE.md that a reviewer would otherwise have to count by hand (module headers,
//! file and function length, docs that nothing links to).
//!
//! Functions are found by a small scan, not a parser: [`code_only`] blanks comments, strings
//! and character literals so that their braces do not count, then a function runs from the
//! line of its `fn` keyword to the line of its body's closing brace.

use std::path::{Path, PathBuf};

/// The longest a Rust file may be, in lines (STYLE.md: "no file over ~1,000 lines").
pub const MAX_FILE_LINES: usize = 1_100;

/// The longest a function may be, in lines from `fn` to its closing brace.
pub const MAX_FUNCTION_LINES: usize = 100;

/// Folders never scanned: build output, dependencies, version control.
const SKIPPED_DIRS: &[&str] = &["target", ".git", "node_modules"];

/// Every file under `root` whose name ends with `suffix`, sorted, skipping build output.
pub fn files_with_suffix(root: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if !SKIPPED_DIRS.contains(&&*name) {
                    pending.push(path);
                }
            } else if name.ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A function the scan found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    /// 1-based line of the `fn` keyword.
    pub line: usize,
    /// Lines from the `fn` keyword to the body's closing brace, both included.
    pub lines: usize,
}

/// `source` with comments, string literals and character literals replaced by spaces (line
/// breaks kept), so that only code's own braces and keywords remain.
pub fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut idx = 0;
    // Blanks `chars[from..to]`, keeping line breaks.
    let blank = |out: &mut String, from: usize, to: usize| {
        for &ch in &chars[from..to.min(chars.len())] {
            out.push(if ch == '\n' { '\n' } else { ' ' });
        }
    };
    while idx < chars.len() {
        let ch = chars[idx];
        let next = chars.get(idx + 1).copied();
        let is_ident = |at: usize| chars[at].is_alphanumeric() || chars[at] == '_';
        // `br"..."` is a raw string too: the `b` does not make the `r` part of an identifier.
        let prev_is_ident =
            idx > 0 && is_ident(idx - 1) && !(chars[idx - 1] == 'b' && (idx < 2 || !is_ident(idx - 2)));
        let end = if ch == '/' && next == Some('/') {
            Some(
                chars[idx..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |n| idx + n),
            )
        } else if ch == '/' && next == Some('*') {
            Some(block_comment_end(&chars, idx))
        } else if ch == '"' {
            Some(string_end(&chars, idx + 1))
        } else if ch == 'r' && !prev_is_ident && matches!(next, Some('"' | '#')) {
            raw_string_end(&chars, idx + 1)
        } else if ch == '\'' {
            char_literal_end(&chars, idx)
        } else {
            None
        };
        match end {
            Some(end) => {
                blank(&mut out, idx, end);
                idx = end;
            }
            None => {
                out.push(ch);
                idx += 1;
            }
        }
    }
    out
}

/// The index just past a (nested) block comment starting at `start`.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut idx = start;
    while idx + 1 < chars.len() {
        match (chars[idx], chars[idx + 1]) {
            ('/', '*') => {
                depth += 1;
                idx += 2;
            }
            ('*', '/') => {
                depth -= 1;
                idx += 2;
                if depth == 0 {
                    return idx;
                }
            }
            _ => idx += 1,
        }
    }
    chars.len()
}

/// The index just past the closing quote of a string whose contents start at `from`.
fn string_end(chars: &[char], from: usize) -> usize {
    let mut idx = from;
    while idx < chars.len() {
        match chars[idx] {
            '\\' => idx += 2,
            '"' => return idx + 1,
            _ => idx += 1,
        }
    }
    chars.len()
}

/// The index just past a raw string `r#"..."#` whose hashes start at `from`, or `None` when
/// the `r` starts something else (an identifier such as `r#type`).
fn raw_string_end(chars: &[char], from: usize) -> Option<usize> {
    let hashes = chars[from..].iter().take_while(|&&c| c == '#').count();
    if chars.get(from + hashes) != Some(&'"') {
        return None;
    }
    let mut idx = from + hashes + 1;
    while idx < chars.len() {
        if chars[idx] == '"'
            && chars[idx + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(idx + 1 + hashes);
        }
        idx += 1;
    }
    Some(chars.len())
}

/// The index just past a character literal at `start` (`'a'`, `'\n'`, `'{'`), or `None` for
/// a lifetime or label (`'a`, `'static`).
fn char_literal_end(chars: &[char], start: usize) -> Option<usize> {
    match chars.get(start + 1) {
        // The escaped character itself (`'\''`) never closes the literal.
        Some('\\') => {
            let close = chars.get(start + 3..)?.iter().position(|&c| c == '\'')?;
            Some(start + 3 + close + 1)
        }
        Some(_) if chars.get(start + 2) == Some(&'\'') => Some(start + 3),
        _ => None,
    }
}

/// The functions with a body in `source`, in source order (nested ones too).
pub fn functions(source: &str) -> Vec<Function> {
    let code = code_only(source);
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        if let Some(end) = body_end(&lines, start) {
            found.push(Function {
                name,
                line: start + 1,
                lines: end - start + 1,
            });
        }
    }
    found
}

/// The name after a `fn` keyword on `line`, if it declares a function (not `fn(` types).
fn fn_name(line: &str) -> Option<String> {
    let mut rest = line;
    loop {
        let at = rest.find("fn ")?;
        let before_is_ident = rest[..at]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = rest[at + 3..].trim_start();
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !before_is_ident && !name.is_empty() {
            return Some(name);
        }
        rest = &rest[at + 3..];
    }
}

/// The line of the brace closing the body of the function declared on `lines[start]`, or
/// `None` for a declaration without a body (a trait method ending in `;`).
fn body_end(lines: &[&str], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut opened = false;
    for (idx, line) in lines.iter().enumerate().skip(start) {
        for ch in line.chars() {
            match ch {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' if opened => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(idx);
                    }
                }
                ';' if !opened => return None,
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_in_strings_comments_and_chars_do_not_count() {
        let src = "fn a() {\n    let s = \"}}\"; // }\n    let c = '}';\n    let q = '\\'';\n    let b = br\"\\\";\n    /* } /* } */ } */\n    let r = r#\"}\"#;\n}\nfn b<'x>(v: &'x str) -> &'x str { v }\n";
        let found = functions(src);
        let names: Vec<(&str, usize, usize)> =
            found.iter().map(|f| (f.name.as_str(), f.line, f.lines)).collect();
        assert_eq!(names, [("a", 1, 8), ("b", 9, 1)]);
    }

    #[test]
    fn declarations_and_fn_pointer_types_are_not_functions() {
        let src = "trait T {\n    fn f(&self);\n}\ntype F = fn(u8) -> u8;\nstruct S { f: fn() }\n";
        assert_eq!(functions(src), []);
    }

    #[test]
    fn nested_functions_are_found_inside_their_parent() {
        let src = "fn outer() {\n    fn inner() {\n    }\n}\n";
        let found: Vec<(String, usize)> = functions(src).into_iter().map(|f| (f.name, f.lines)).collect();
        assert_eq!(found, [("outer".to_string(), 4), ("inner".to_string(), 2)]);
    }
}
