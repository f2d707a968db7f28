//! The name table as the language server will use it: go to declaration, find references,
//! and the `ent:` accesses.

use krl_check::{DeclKind, EntAccessKind, check};
use krl_diagnostics::FileId;

const SRC: &str = r#"ruleset t.names {
  meta { shares total }
  global {
    total = function(extra = 0) { ent:sum.defaultsTo(0) + extra }
  }
  rule add {
    select when t add n re#(\d+)# setting(n)
    pre { total = total() + n.as("Number") }
    always { ent:sum := total }
  }
}"#;

fn offset(needle: &str, nth: usize) -> u32 {
    SRC.match_indices(needle).nth(nth).expect("needle present").0 as u32
}

#[test]
fn uses_resolve_to_their_declarations() {
    let parse = krl_syntax::parse_ruleset(FileId(0), SRC);
    let analysis = check(FileId(0), &parse);
    assert!(analysis.diagnostics.is_empty(), "{:#?}", analysis.diagnostics);
    let names = &analysis.names;

    // `total` in `shares` and the call in `pre` mean the global; the `ent:sum := total`
    // means the `pre` declaration that shadows it.
    let global = names.definition_at(offset("total", 1)).expect("global total");
    assert_eq!(names.declaration(global).kind, DeclKind::Global);
    assert_eq!(names.definition_at(offset("total", 0)), Some(global));
    assert_eq!(names.definition_at(offset("total", 3)), Some(global));
    let pre = names.declaration_at(offset("total", 2)).expect("pre total");
    assert_eq!(names.declaration(pre).kind, DeclKind::Pre);
    assert_eq!(names.definition_at(offset("total", 4)), Some(pre));
    assert_eq!(names.references_of(global).count(), 2);

    let setting = names.definition_at(offset("n.as", 0)).expect("setting n");
    assert_eq!(names.declaration(setting).kind, DeclKind::EventSetting);
    let as_op = names.definition_at(offset("as(", 0)).expect("stdlib as");
    assert_eq!(names.declaration(as_op).kind, DeclKind::Stdlib);
    assert!(
        names.declaration_at(0).is_none(),
        "built-ins have no place in the source"
    );

    let kinds: Vec<_> = names.ent_accesses("sum").map(|access| access.kind).collect();
    assert_eq!(kinds, [EntAccessKind::Read, EntAccessKind::Write]);
}
