//> mode = "parse"
ruleset t.trailing {
}
  rule r { select when t x  noop() }
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[E0100]
