//> mode = "parse"
ruleset t.bools {
  global {
    yes = true
    no = false
    nothing = null
  }
}
