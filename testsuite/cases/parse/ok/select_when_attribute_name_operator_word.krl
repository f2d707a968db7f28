//> mode = "parse"
ruleset t.attr_keyword {
  // An attribute name may be any word: it is recognised by the regex after it.
  rule r {
    select when a b count re#\d# not re#x#
    noop()
  }
}
