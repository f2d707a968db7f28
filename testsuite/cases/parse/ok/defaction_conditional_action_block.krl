//> mode = "parse"
ruleset t.defaction_if {
  global {
    maybe = defaction(flag) {
      if flag then send_directive("flagged")
    }
  }
}
