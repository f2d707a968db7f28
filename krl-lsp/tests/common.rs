//! Shared helpers for the handler tests: fixtures with a `$0` cursor and a text rendering of
//! ranges drawn under the source lines, for snapshots.

#![allow(dead_code)] // each test file uses a different subset

use std::sync::Arc;

use krl_lsp::Analysis;
use tower_lsp::lsp_types::{Location, Position, Range, Url};

pub const CURSOR: &str = "$0";

pub fn uri(name: &str) -> Url {
    Url::parse(&format!("file:///ws/{name}")).expect("a valid file url")
}

/// Analyses `src` with the `$0` marker removed; returns the cursor position.
pub fn fixture(name: &str, src: &str) -> (Arc<Analysis>, Position) {
    let offset = src.find(CURSOR).expect("the fixture marks the cursor with `$0`");
    let text = src.replacen(CURSOR, "", 1);
    let analysis = Arc::new(Analysis::new(uri(name), 1, text));
    let pos = analysis.position(offset as u32);
    (analysis, pos)
}

pub fn plain(name: &str, src: &str) -> Arc<Analysis> {
    Arc::new(Analysis::new(uri(name), 1, src))
}

/// The source with each range drawn as carets under its line, with its label.
pub fn draw(src: &str, ranges: &[(Range, String)]) -> String {
    let mut out = String::new();
    for (line_no, line) in src.lines().enumerate() {
        out.push_str(line);
        out.push('\n');
        for (range, label) in ranges {
            let line_no = line_no as u32;
            if range.start.line > line_no || range.end.line < line_no {
                continue;
            }
            let len = line.encode_utf16().count() as u32;
            let start = if range.start.line == line_no {
                range.start.character
            } else {
                0
            };
            let end = if range.end.line == line_no {
                range.end.character
            } else {
                len
            };
            let carets = "^".repeat((end.saturating_sub(start)).max(1) as usize);
            let label = if range.start.line == line_no {
                label.as_str()
            } else {
                ""
            };
            out.push_str(&format!("{}{carets} {label}\n", " ".repeat(start as usize)));
        }
    }
    out
}

/// Draws locations of one file; other files' locations are listed by path below.
pub fn draw_locations(analysis: &Analysis, locations: &[Location]) -> String {
    let here: Vec<_> = locations
        .iter()
        .filter(|location| location.uri == analysis.uri)
        .enumerate()
        .map(|(idx, location)| (location.range, format!("#{idx}")))
        .collect();
    let mut out = draw(&analysis.text, &here);
    for location in locations.iter().filter(|location| location.uri != analysis.uri) {
        out.push_str(&format!(
            "elsewhere: {} {}:{}-{}:{}\n",
            location.uri.path(),
            location.range.start.line,
            location.range.start.character,
            location.range.end.line,
            location.range.end.character
        ));
    }
    out
}

/// A ruleset that exercises most features, with a cursor placeholder nowhere.
pub const COUNTER: &str = r#"ruleset io.example.counter {
  meta {
    name "Counter"
    use module io.example.lib alias lib
    shares count_of
  }
  global {
    // How many times `name` was seen.
    count_of = function(name) {
      ent:counts{name}.defaultsTo(0)
    }
    greeting = "hello"
    unused_thing = 42
    bump = defaction(name, by = 1) {
      send_directive("bump", {"name": name, "by": by})
    }
  }
  rule seen {
    select when visitor arrived name re#(.+)# setting(who)
    pre {
      n = count_of(who)
      label = greeting + " " + who
      hi = lib:greet(who)
    }
    bump(hi)
    fired {
      ent:counts{who} := n + 1;
      raise visitor event "counted" attributes {"name": who}
    }
  }
  rule counted {
    select when visitor counted
    send_directive("counted", {"name": event:attr("name")})
  }
}
"#;

pub const LIB: &str = r#"ruleset io.example.lib {
  meta {
    provides greet
  }
  global {
    // Greets someone.
    greet = function(who) { "hi " + who }
  }
}
"#;

/// `COUNTER` with `$0` inserted before the `nth` occurrence (0-based) of `needle`, plus `skip`
/// bytes.
pub fn counter_at(needle: &str, nth: usize, skip: usize) -> (Arc<Analysis>, Position) {
    let start = COUNTER
        .match_indices(needle)
        .nth(nth)
        .map(|(idx, _)| idx + skip)
        .expect("needle occurs in COUNTER");
    let mut src = COUNTER.to_string();
    src.insert_str(start, CURSOR);
    fixture("io.example.counter.krl", &src)
}
