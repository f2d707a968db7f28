//> mode = "parse"
// Matches pico-engine: `use module` has no version clause, so `version` is its own property.
ruleset t.use_version {
  meta {
    use module io.example.lib
    version "1.0"
  }
}
