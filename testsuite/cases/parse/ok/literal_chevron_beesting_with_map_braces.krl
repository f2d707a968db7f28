//> mode = "parse"
ruleset t.chevron_braces {
  // Braces inside a beesting are counted, so a map does not close it.
  global {
    text = <<value: #{ {"a": {"b": 1}}{["a", "b"]} } done>>
  }
}
