//> mode = "parse"
ruleset t.pageview {
  rule r {
    select when pageview ".*"
//                       ^^^^ error[E0103]
    noop()
  }
}
