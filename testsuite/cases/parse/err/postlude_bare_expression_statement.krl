//> mode = "parse"
// FIXME(#2): a bare expression in a postlude should get E0116 with the explanation that
//  expressions are not statements (the code's own text says so), not "expected `:=` or `{`".
ruleset t.bare_expr {
  rule r {
    select when t x
    always {
      ent:x.klog("x")
//         ^ error[E0100]
    }
  }
}
