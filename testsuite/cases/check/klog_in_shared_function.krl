//> mode = "check"
ruleset t.klog_in_shared_function {
  meta { shares total, quiet }
  global {
    total = function() { ent:total.defaultsTo(0).klog("total") }
//                                               ^^^^ warning[W0108]
    quiet = function() { helper() }
    helper = function() { klog(ent:total, "not shared") }
  }
  rule add {
    select when t add
    always { ent:total := total().klog("in a rule") + 1 }
  }
}
