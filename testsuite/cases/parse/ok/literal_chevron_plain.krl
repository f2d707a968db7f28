//> mode = "parse"
ruleset t.chevron_plain {
  global {
    text = <<plain text>>
    empty = <<>>
  }
}
