//> mode = "parse"
ruleset t.setting_bare {
  rule r {
    select when sensor reading setting(reading)
    noop()
  }
}
