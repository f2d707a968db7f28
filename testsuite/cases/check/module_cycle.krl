//> mode = "check"
ruleset t.module_cycle {
  meta {
    use module t.cycle_b alias b
//             ^^^^^^^^^ error[E0217]
  }
}
