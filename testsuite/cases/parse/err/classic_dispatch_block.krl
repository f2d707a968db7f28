//> mode = "parse"
ruleset t.dispatch {
  dispatch {
//^^^^^^^^^^ error[E0103]
    domain "example.com"
  }
  rule r { select when t x  noop() }
}
