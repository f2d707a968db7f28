//> mode = "check"
// Every member of pico-engine's `dido` module is a member the checker knows; a misspelled
// one is unknown, with the member it is close to.
ruleset t.dido_members {
  meta {
    shares doc
  }
  global {
    doc = function() {
      [dido:generateDID(), dido:generateMessage({"type": "x"}), dido:rotatedid("d")]
//                                                              ^^^^^^^^^^^^^^ error[E0219]
    }
  }
  rule r {
    select when t r
    send_directive("members", {"results": [
      dido:addRoute("https://didcomm.org/basicmessage/2.0/message", "t", "basic"),
      dido:route(event:attrs),
      dido:send("did:peer:2.x", {}),
      dido:sendQuery("did:peer:2.x", {}),
      dido:prepareQuery("did:peer:2.x", {"rid": "t.x", "name": "f", "args": {}}),
      dido:createInviteUrl("e30"),
      dido:rotateDID("did:peer:2.x"),
      dido:mapDid("did:peer:2.y", "did:peer:2.x"),
      dido:addLabelsToChannel("eci", ["label"])
    ]})
  }
}
