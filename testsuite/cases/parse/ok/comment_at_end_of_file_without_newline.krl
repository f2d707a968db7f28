//> mode = "parse"
ruleset t.eof_comment {
}
// no newline after this
