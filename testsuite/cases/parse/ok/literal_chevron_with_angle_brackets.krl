//> mode = "parse"
ruleset t.chevron_angles {
  global {
    text = <<a < b and b > c>>
  }
}
