//> mode = "check"
// A member pico-engine's `dido` module has but krl does not provide yet is named as such,
// not as a member that does not exist; a made-up member is still unknown.
ruleset t.dido_members_not_yet {
  meta {
    shares doc
  }
  global {
    doc = function() {
      [dido:generateDID(), dido:generateMessage({"type": "x"}), dido:rotatedid("d")]
//                         ^^^^^^^^^^^^^^^^^^^^ error[E0219]
//                                                              ^^^^^^^^^^^^^^ error[E0219]
    }
  }
  rule r {
    select when t r
    dido:send("did:peer:2.x", {})
//  ^^^^^^^^^ error[E0219]
  }
}
