//> mode = "parse"
ruleset t.attr_not {
  // FIXME(#2): pico-engine accepts any word as an attribute name (language.md §2.6.2), but
  // the lexer reads `like`, `not` and `cmp` before a regex as operators, so this is an error.
  rule r {
    select when a b not re#x#
//                      ^^^^^ error[E0100]
    noop()
  }
}
