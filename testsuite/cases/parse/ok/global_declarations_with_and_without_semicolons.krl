//> mode = "parse"
ruleset t.global_semis {
  global {
    a = 1;
    b = 2
    c = a + b;
  }
}
