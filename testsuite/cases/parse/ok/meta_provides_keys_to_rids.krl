//> mode = "parse"
ruleset t.provides_keys {
  meta {
    provides keys twilio, weather to io.example.a, io.example.b
  }
}
