//> mode = "parse"
ruleset t.comments /* after the id */ {
  // line comment
  global {
    a /* between name and = */ = /* before the value */ 1 // trailing
    b = [1, /* inside */ 2] /**/
  }
  /* a block
     comment over lines */
}
