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
    pre {
      added = dido:addRoute("https://didcomm.org/basicmessage/2.0/message", "t", "basic")
      routed = dido:route(event:attrs)
      sent = dido:send("did:peer:2.x", {})
      answer = dido:sendQuery("did:peer:2.x", {})
      asked = dido:prepareQuery("did:peer:2.x", {"rid": "t.x", "name": "f", "args": {}})
      url = dido:createInviteUrl("e30")
      rotated = dido:rotateDID("did:peer:2.x")
      mapped = dido:mapDid("did:peer:2.y", "did:peer:2.x")
      labelled = dido:addLabelsToChannel("eci", ["label"])
    }
  }
}
