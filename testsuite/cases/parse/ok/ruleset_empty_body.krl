//> mode = "parse"
ruleset t.empty {
}
