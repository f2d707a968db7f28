//> mode = "parse"
ruleset t.single_semi {
  rule r {
    select when t x
    send_directive("done");
  }
}
