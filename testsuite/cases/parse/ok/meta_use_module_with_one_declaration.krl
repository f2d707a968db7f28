//> mode = "parse"
ruleset t.use_with {
  meta {
    use module io.example.twilio with account = "AC00"
  }
}
