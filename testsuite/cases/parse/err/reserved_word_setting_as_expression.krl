//> mode = "parse"
ruleset t.setting_expr {
  global {
    x = setting
//      ^^^^^^^ error[E0109]
  }
}
