//> mode = "parse"
ruleset t.chevron_nested {
  global {
    inner = "x"
    text = <<outer #{ <<inner #{inner} #{ <<deepest>> }>> } end>>
  }
}
