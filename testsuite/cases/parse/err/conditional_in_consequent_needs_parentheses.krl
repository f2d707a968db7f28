//> mode = "parse"
ruleset t.cond_cons {
  global {
    x = a => b => c | d | e
//             ^^ error[E0100]
  }
}
