//> mode = "parse"
// FIXME(#2): two bare actions in a defaction should get the E0113 message and help ("put them in
//  `every { ... }`") as in a rule.
ruleset t.defaction_two {
  global {
    act = defaction() {
      noop()
      noop()
//    ^^^^ error[E0100]
    }
  }
}
