//> mode = "parse"
ruleset t.missing_then {
  rule r {
    select when t x
    if x > 1 send_directive("x")
//           ^^^^^^^^^^^^^^ error[E0102]
  }
}
