//> mode = "parse"
// FIXME(#2): two bare actions in a defaction should get the E0113 message and help ("put them in
//  `every { ... }`") as in a rule; the second error is a recovery echo.
ruleset t.defaction_two {
  global {
    act = defaction() {
      noop()
      noop()
//    ^^^^ error[E0100]
    }
  }
//^ error[E0100]
}
