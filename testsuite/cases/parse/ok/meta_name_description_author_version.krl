//> mode = "parse"
ruleset t.meta_values {
  meta {
    name "Door lock"
    description "Locks and unlocks the front door"
    author "Ada"
    version 2
  }
}
