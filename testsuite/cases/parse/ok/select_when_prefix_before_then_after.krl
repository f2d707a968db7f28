//> mode = "parse"
ruleset t.prefix_seq {
  rule one { select when before(a x, b y, c z)  noop() }
  rule two { select when then(a x, b y)  noop() }
  rule three { select when after(a x, b y)  noop() }
}
