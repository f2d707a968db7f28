//> mode = "parse"
ruleset standalone {
}
