ruleset t.cycle_b {
  meta {
    use module t.module_cycle alias a
  }
}
