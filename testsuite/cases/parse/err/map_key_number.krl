//> mode = "parse"
ruleset t.map_number {
  global {
    m = {1: "one"}
//       ^ error[E0108]
  }
}
