//! `test.extra`: a second ruleset for engine tests to install and uninstall, with an entity
//! variable of its own that an event sets and a query reads.

pub const EXTRA: &str = r#"
ruleset test.extra {
  meta { shares value }
  global { value = function() { ent:value } }
  rule set { select when extra set  always { ent:value := event:attrs{"value"} } }
}
"#;
