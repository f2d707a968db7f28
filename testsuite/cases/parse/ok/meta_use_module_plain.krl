//> mode = "parse"
ruleset t.use_plain {
  meta {
    use module io.example.helpers
  }
}
