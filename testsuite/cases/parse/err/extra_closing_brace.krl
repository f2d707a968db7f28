//> mode = "parse"
ruleset t.extra_close {
  rule r {
    select when t x
    noop()
  }
  }
  }
//^ error[E0100]
