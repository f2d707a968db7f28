//> mode = "parse"
//> fixme = "FIXME(#2): a second `global` block becomes an error node in the rule list, and no diagnostic is reported"
ruleset t.two_globals {
  global {
    x = 1
  }
  global {
//^^^^^^ error[E0100]
    y = 2
  }
}
