//> mode = "parse"
ruleset t.map_keys {
  global {
    m = {"with \"quote\"": 1, "": 2, "sp ace": 3}
  }
}
