//> mode = "parse"
//> fixme = "FIXME(#2): pico-engine accepts any word as an attribute name (language.md §2.6.2), but the lexer reads `like`, `not` and `cmp` before a regex as operators, so `not re#x#` is rejected"
ruleset t.attr_not {
  rule r {
    select when a b not re#x#
    noop()
  }
}
