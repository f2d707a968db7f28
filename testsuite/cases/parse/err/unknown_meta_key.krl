//> mode = "parse"
ruleset t.meta_key {
  meta {
    name "x"
    colour "blue"
//  ^^^^^^ error[E0111]
  }
}
