//! `docs/stdlib.md` is generated from the table; this fails when the committed file is stale.
//! Regenerate it with `UPDATE_DOCS=1 cargo test -p krl-builtins --test docs`.

#[test]
fn stdlib_md_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/stdlib.md");
    let generated = krl_builtins::docs::stdlib_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &generated).expect("docs/stdlib.md is writable");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/stdlib.md is stale: run `UPDATE_DOCS=1 cargo test -p krl-builtins --test docs` and commit it"
    );
}
