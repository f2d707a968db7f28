//> mode = "parse"
ruleset t.use_alias {
  meta {
    use module io.example.helpers alias help
  }
}
