//> mode = "parse"
ruleset t.map_chevron {
  global {
    m = {<<k>>: 1}
//       ^^ error[E0108]
  }
}
