//> mode = "parse"
ruleset t.two_globals {
  global {
    x = 1
  }
  global {
//^^^^^^ error[E0100]
    y = 2
  }
}
