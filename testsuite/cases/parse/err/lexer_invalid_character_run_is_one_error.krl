//> mode = "parse"
ruleset t.run {
  global {
    x = 1 @@@ 2
//        ^^^ error[E0001]
  }
}
