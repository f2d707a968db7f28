//> mode = "parse"
ruleset t.choose_paren {
  rule r {
    // `.`, `[` and `{` end the discriminant unless it is parenthesised.
    select when t x
    choose (event:attrs{"kind"}) {
      a => send_directive("a")
    }
  }
}
