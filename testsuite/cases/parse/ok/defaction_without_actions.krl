//> mode = "parse"
ruleset t.defaction_empty {
  global {
    nothing = defaction() {
    }
    value = defaction() {
      return 5
    }
  }
}
