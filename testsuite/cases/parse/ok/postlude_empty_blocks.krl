//> mode = "parse"
ruleset t.empty_blocks {
  rule r {
    select when t x
    noop()
    fired {
    } else {
    } finally {
    }
  }
}
