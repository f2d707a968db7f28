//> mode = "check"
// Every member of pico-engine's `dido` module is known, with its kind (all are functions);
// a misspelled member is unknown.
ruleset t.dido_members {
  meta {
    shares doc
  }
  global {
    doc = function() {
      [dido:generateDID(), dido:generateMessage({"type": "x"}), dido:rotateDID("d"), dido:rotatedid("d")]
//                                                                                   ^^^^^^^^^^^^^^ error[E0219]
    }
  }
  rule r {
    select when t r
    dido:send("did:peer:2.x", {})
//  ^^^^^^^^^ error[E0302]
  }
}
