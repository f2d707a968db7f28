//> mode = "parse"
ruleset t.map_comma {
  global {
    m = {"a": 1 "b": 2}
//              ^^^ error[E0100]: expected `}` or `,`
  }
}
