//> mode = "parse"
ruleset t.like_regex {
  // `like`, `cmp` and `not` before a regex are operators, not event attribute names.
  global {
    starts_with_a = name like re#^a#i
    compared = name cmp re#b#
    negated = not re#x#
  }
}
