//> mode = "parse"
ruleset t.cmp_ops {
  global {
    eq = a == b
    ne = a != b
    lt = a < b
    le = a <= b
    gt = a > b
    ge = a >= b
    spaceship = a <=> b
    cmp = a cmp b
    like = a like pattern
    contains = list >< item
  }
}
