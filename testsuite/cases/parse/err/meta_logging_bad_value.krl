//> mode = "parse"
ruleset t.logging {
  meta {
    logging maybe
//          ^^^^^ error[E0100]
  }
}
