//> mode = "parse"
ruleset t.errors_to {
  meta {
    errors to io.example.error_sink
  }
}
