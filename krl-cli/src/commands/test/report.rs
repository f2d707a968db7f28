//! Reporters: `human` (a line per test file, every failure in detail, a summary), `json` (one
//! document for tools) and `junit` (XML for CI dashboards).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value as Json, json};

use super::compare;
use super::runner::{Failure, Outcome};

/// One test's result, as reporters see it.
pub struct TestReport {
    pub file: PathBuf,
    pub name: String,
    pub outcome: Outcome,
}

/// Everything a run produced.
pub struct RunReport {
    pub tests: Vec<TestReport>,
    /// Test files that could not be read or parsed and rulesets that do not compile,
    /// already rendered.
    pub file_errors: Vec<(PathBuf, String)>,
    /// Tests left out by `--filter` or `--fail-fast`.
    pub skipped: usize,
    pub elapsed: Duration,
}

impl RunReport {
    pub fn failed(&self) -> usize {
        self.tests.iter().filter(|t| t.outcome.failure.is_some()).count()
    }

    pub fn passed(&self) -> usize {
        self.tests.len() - self.failed()
    }

    pub fn ok(&self) -> bool {
        self.failed() == 0 && self.file_errors.is_empty()
    }
}

pub fn human(report: &RunReport, color: bool) -> String {
    let (red, green, bold, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = String::new();
    for (_, rendered) in &report.file_errors {
        out.push_str(rendered);
    }
    // One line per test file, in order.
    let mut files: Vec<&PathBuf> = report.tests.iter().map(|t| &t.file).collect();
    files.dedup();
    for file in files {
        let tests: Vec<&TestReport> = report.tests.iter().filter(|t| &t.file == file).collect();
        let failed = tests.iter().filter(|t| t.outcome.failure.is_some()).count();
        let count = plural(tests.len(), "test");
        if failed == 0 {
            let _ = writeln!(out, "{green}ok{reset}   {} ({count})", file.display());
        } else {
            let _ = writeln!(
                out,
                "{red}FAIL{reset} {} ({failed} of {count} failed)",
                file.display()
            );
        }
    }
    for test in &report.tests {
        let Some(failure) = &test.outcome.failure else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n{bold}--- FAIL: {} › {}{reset}",
            test.file.display(),
            test.name
        );
        let step = match failure.step {
            Some(number) => format!("step {number} ({})", failure.action),
            None => failure.action.clone(),
        };
        let _ = writeln!(
            out,
            "  at {}:{}:{}, {step}",
            test.file.display(),
            failure.line,
            failure.col
        );
        for line in failure.message.lines() {
            let _ = writeln!(out, "  {line}");
        }
        if let Some((expected, actual)) = &failure.diff {
            out.push_str(&compare::diff(expected, actual, "    ", color));
        }
        for source in &failure.produced_by {
            let _ = writeln!(out, "  {source}");
        }
    }
    let status = if report.ok() {
        format!("{green}ok{reset}")
    } else {
        format!("{red}FAILED{reset}")
    };
    let mut summary = format!(
        "\ntest result: {status}. {} passed, {} failed",
        report.passed(),
        report.failed()
    );
    if !report.file_errors.is_empty() {
        let _ = write!(summary, ", {} broken", plural(report.file_errors.len(), "file"));
    }
    if report.skipped > 0 {
        let _ = write!(summary, ", {} skipped", report.skipped);
    }
    let _ = writeln!(summary, " in {:.2}s", report.elapsed.as_secs_f64());
    out.push_str(&summary);
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn failure_json(failure: &Failure) -> Json {
    let (expected, actual) = match &failure.diff {
        Some((expected, actual)) => (expected.clone(), actual.clone()),
        None => (Json::Null, Json::Null),
    };
    json!({
        "step": failure.step,
        "line": failure.line,
        "column": failure.col,
        "action": failure.action,
        "message": failure.message,
        "expected": expected,
        "actual": actual,
        "produced_by": failure.produced_by,
    })
}

pub fn json(report: &RunReport, coverage: Option<Json>) -> String {
    let tests: Vec<Json> = report
        .tests
        .iter()
        .map(|test| {
            json!({
                "file": test.file.display().to_string(),
                "name": test.name,
                "status": if test.outcome.failure.is_some() { "failed" } else { "passed" },
                "duration_ms": test.outcome.duration.as_secs_f64() * 1000.0,
                "failure": test.outcome.failure.as_ref().map(failure_json),
            })
        })
        .collect();
    let file_errors: Vec<Json> = report
        .file_errors
        .iter()
        .map(|(path, message)| json!({"file": path.display().to_string(), "message": message.trim_end()}))
        .collect();
    let mut doc = json!({
        "tests": tests,
        "file_errors": file_errors,
        "summary": {
            "passed": report.passed(),
            "failed": report.failed(),
            "skipped": report.skipped,
            "duration_ms": report.elapsed.as_secs_f64() * 1000.0,
        },
    });
    if let Some(coverage) = coverage {
        doc["coverage"] = coverage;
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// JUnit XML: one `<testsuite>` per test file. With `--coverage`, one more suite named
/// `coverage` with no test cases carries the coverage as `<properties>` (what CI dashboards
/// show per run) and as the text report in `<system-out>`.
pub fn junit(report: &RunReport, coverage: Option<JunitCoverage>) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"krl test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">",
        report.tests.len(),
        report.failed(),
        report.file_errors.len(),
        report.elapsed.as_secs_f64()
    );
    let mut files: Vec<&PathBuf> = report.tests.iter().map(|t| &t.file).collect();
    files.dedup();
    for file in files {
        let tests: Vec<&TestReport> = report.tests.iter().filter(|t| &t.file == file).collect();
        let failed = tests.iter().filter(|t| t.outcome.failure.is_some()).count();
        let time: f64 = tests.iter().map(|t| t.outcome.duration.as_secs_f64()).sum();
        let name = xml_escape(&file.display().to_string());
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failed}\" time=\"{time:.3}\">",
            tests.len()
        );
        for test in tests {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{name}\" time=\"{:.3}\"",
                xml_escape(&test.name),
                test.outcome.duration.as_secs_f64()
            );
            match &test.outcome.failure {
                None => out.push_str("/>\n"),
                Some(failure) => {
                    let mut text = format!(
                        "{}:{}:{}\n{}\n",
                        file.display(),
                        failure.line,
                        failure.col,
                        failure.message
                    );
                    if let Some((expected, actual)) = &failure.diff {
                        text.push_str(&compare::diff(expected, actual, "  ", false));
                    }
                    for source in &failure.produced_by {
                        text.push_str(source);
                        text.push('\n');
                    }
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        xml_escape(failure.message.lines().next().unwrap_or_default()),
                        xml_text(&text)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    for (path, message) in &report.file_errors {
        let name = xml_escape(&path.display().to_string());
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"0\" failures=\"0\" errors=\"1\">\n    <error message=\"the file is broken\">{}</error>\n  </testsuite>",
            xml_text(message)
        );
    }
    if let Some(coverage) = coverage {
        out.push_str("  <testsuite name=\"coverage\" tests=\"0\" failures=\"0\" errors=\"0\">\n");
        out.push_str("    <properties>\n");
        for (name, value) in &coverage.properties {
            let _ = writeln!(
                out,
                "      <property name=\"{}\" value=\"{}\"/>",
                xml_escape(name),
                xml_escape(value)
            );
        }
        out.push_str("    </properties>\n");
        let _ = writeln!(
            out,
            "    <system-out>{}</system-out>\n  </testsuite>",
            xml_text(coverage.text.trim_start())
        );
    }
    out.push_str("</testsuites>\n");
    out
}

/// Coverage for the JUnit reporter: `(name, value)` properties and the text report.
pub struct JunitCoverage {
    pub properties: Vec<(String, String)>,
    pub text: String,
}

/// Escapes text for an attribute value (quotes too).
fn xml_escape(text: &str) -> String {
    escape(text, true)
}

/// Escapes element text, where quotes may stay as they are (and diffs stay readable).
fn xml_text(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            // XML 1.0 cannot hold most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(xml_text("\"c\" > d"), "\"c\" &gt; d");
    }
}
