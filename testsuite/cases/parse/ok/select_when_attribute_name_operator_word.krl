//> mode = "parse"
ruleset t.attr_keyword {
  // An attribute name may be an operator word: it is recognised by the regex after it.
  rule r {
    // `where` directly before a regex is an attribute name too, not a `where` clause.
    select when a b count re#\d# before re#x# where re#y#
    noop()
  }
}
