//! The IR harness: every file in `cases/ir` is a ruleset (after a `//> mode = "ir"` header);
//! the snapshot is its lowered IR as `krl eval --dump-ir -f FILE` prints it
//! (`krl_jit::ir_print`), followed by the verifier's verdict. A case must compile and
//! verify: the snapshot pins how lowering lays out frames, so a change there shows up as a
//! reviewable diff.

use krl_diagnostics::FileId;

#[test]
fn ir_cases() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/ir");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../cases/ir", "*.krl", |path| {
            let source = std::fs::read_to_string(path)
                .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
            assert!(
                source.starts_with("//> mode = \"ir\""),
                "{}: an IR case starts with `//> mode = \"ir\"`",
                path.display()
            );
            let dump = krl_jit::ruleset::dump(FileId(0), &source).unwrap_or_else(|diagnostics| {
                let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
                panic!("{}: does not compile: {messages:?}", path.display())
            });
            let problems: Vec<String> = dump.problems.iter().map(ToString::to_string).collect();
            assert!(
                problems.is_empty(),
                "{}: invalid IR: {problems:?}",
                path.display()
            );
            insta::assert_snapshot!(dump.text);
        });
    });
}
