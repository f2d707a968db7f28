//> mode = "parse"
ruleset t.foreach_pre {
  rule r {
    select when grid draw
    foreach ent:cells.defaultsTo([]) setting(cell, idx)
    pre {
      label = "cell " + idx
    }
    send_directive(label, cell)
  }
}
