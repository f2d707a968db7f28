//> mode = "parse"
ruleset t.legacy_version {
  version "0.3.1"
  meta {
    name "legacy"
  }
}
