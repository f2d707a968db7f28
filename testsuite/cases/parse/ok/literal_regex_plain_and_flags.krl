//> mode = "parse"
ruleset t.regex {
  global {
    plain = re#^\d+$#
    insensitive = re#hello#i
    global = re#a#g
    all = re#x#gim
  }
}
