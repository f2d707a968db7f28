//> mode = "parse"
ruleset t.regex_flags {
  global {
    r = re#a#gg
//      ^^^^^^^ error[E0006]
  }
}
