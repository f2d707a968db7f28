//> mode = "parse"
ruleset t.string {
  global {
    s = "never closed
//      ^ error[E0002]
  }
}
