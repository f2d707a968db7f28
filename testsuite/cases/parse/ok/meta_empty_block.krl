//> mode = "parse"
ruleset t.meta_empty {
  meta {
  }
}
