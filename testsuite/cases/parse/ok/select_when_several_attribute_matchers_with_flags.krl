//> mode = "parse"
ruleset t.attrs {
  rule r {
    select when mail received from re#@example\.com$#i subject re#urgent#gi
    noop()
  }
}
