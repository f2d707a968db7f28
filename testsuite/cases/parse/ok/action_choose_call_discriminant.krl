//> mode = "parse"
ruleset t.choose_call {
  rule r {
    select when t x
    choose kind(event:attrs) {
      big => send_directive("big")
      small => noop()
    }
  }
}
