//! `krl fmt` snapshots: every `cases/fmt/*.krl` is formatted with the default options; the
//! snapshot shows the input and the output, and formatting the output again changes nothing.
//! (Same-tree and comment-preservation checks over all corpora live in `krl-syntax/tests/fmt.rs`.)

use krl_diagnostics::FileId;
use krl_syntax::fmt::{FormatOptions, format_source};

#[test]
fn fmt_cases() {
    insta::glob!("../cases/fmt", "*.krl", |path| {
        let src = std::fs::read_to_string(path).expect("case files are readable");
        let options = FormatOptions::default();
        let formatted = format_source(FileId(0), &src, &options)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let again = format_source(FileId(0), &formatted, &options)
            .unwrap_or_else(|err| panic!("{} (formatted): {err}", path.display()));
        assert_eq!(
            formatted,
            again,
            "{}: formatting is not idempotent",
            path.display()
        );
        insta::assert_snapshot!(format!("--- input ---\n{src}\n--- formatted ---\n{formatted}"));
    });
}
