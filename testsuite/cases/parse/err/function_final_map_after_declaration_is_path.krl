//> mode = "parse"
// FIXME(#2): this is the §2.9 trap (the map is read as a path on the value `1`); the message
//  should suggest a `;` after the declaration or `return` before the map.
ruleset t.final_map {
  global {
    f = function() {
      one = 1
      {"k": one}
//        ^ error[E0100]
    }
  }
}
