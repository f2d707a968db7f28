//> mode = "parse"
ruleset t.map_word {
  global {
    m = {name: 1}
//       ^^^^ error[E0108]
  }
}
