//> mode = "parse"
ruleset t.pre_semis {
  rule r {
    select when t x
    pre {
      a = 1;
      b = 2;
    }
    noop()
  }
}
