//> mode = "parse"
ruleset t.bang {
  global {
    ok = !done
//       ^ error[E0001]
  }
}
