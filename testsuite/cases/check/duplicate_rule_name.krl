//> mode = "check"
ruleset t.duplicate_rule_name {
  rule hello { select when t hello  noop() }
  rule hello { select when t hi  noop() }
//     ^^^^^ error[E0205]
  rule hello_again { select when t hello  noop() }
}
