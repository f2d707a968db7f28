//> mode = "parse"
// FIXME(#2): the second error ("unexpected `}`" on the rule's closing brace) is a recovery
//  echo of the first.
ruleset t.schedule_no_time {
  rule r {
    select when t x
    always {
      schedule t event "x" attributes {}
//                         ^^^^^^^^^^ error[E0100]
    }
  }
//^ error[E0100]
}
