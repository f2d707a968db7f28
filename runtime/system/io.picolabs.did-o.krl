// io.picolabs.did-o: DIDComm v2 between picos, on the `dido` module. Our own KRL with the
// reference's rid, provides and shares, events and answers (pico-engine 1.3).
//
// The `dido` module keeps its state in this ruleset's entity variables: `routes` (message
// type -> the event it raises), `didDocs` (DID -> DID document), `didMap` (their DID -> the
// DID of ours that talks to them) and `pendingRotations` (new DID of ours -> the rotation it
// announces). Private keys are not among them (the engine keeps them apart). The module
// writes these variables, which this ruleset only reads:
// krl:allow(ent-read-never-written)
//
// A relationship starts with an out-of-band invitation: one pico makes an invitation URL
// (`generate_invitation`), the other receives it (`dido:receive_invite`), makes a DID for the
// relationship and sends a trust ping; the inviter answers from a fresh DID that replaces the
// invitation's, so an invitation's DID serves one relationship only.
ruleset io.picolabs.did-o {
  meta {
    name "did-o"
    description <<
      DIDComm v2 messaging between picos: DIDs, out-of-band invitations, trust pings, and
      events and queries sent to a DID.
    >>
    provides addRoute, routes, send, sendEvent, sendQuery, didMap, clearDidMap, didDocs,
      clearDidDocs, pendingRotations, clearPendingRotations, generate_invitation, generate_message
    shares routes, addRoute, didDocs, clearDidDocs, didMap, clearDidMap, pendingRotations,
      clearPendingRotations, generate_invitation, generate_message
  }

  global {
    // The DIDComm message types this ruleset speaks.
    trust_ping_type = "https://didcomm.org/trust_ping/2.0/ping"
    trust_ping_response_type = "https://didcomm.org/trust_ping/2.0/ping_response"
    invitation_type = "https://didcomm.org/out-of-band/2.0/invitation"
    event_type = "https://picolabs.io/event/1.0/event"
    query_type = "https://picolabs.io/query/1.0/query"

    // Routing: a message of `type` raises `_domain:name` with the message and its metadata.
    addRoute = function(type, _domain, name) {
      dido:addRoute(type, _domain, name)
    }
    routes = function() {
      ent:routes
    }
    // The routes of the trust ping protocol, which every relationship starts with.
    trust_ping_routes = function() {
      [
        dido:addRoute(trust_ping_type, "dido", "receive_trust_ping"),
        dido:addRoute(trust_ping_response_type, "dido", "receive_trust_ping_response"),
      ]
    }

    // Sending: `message` is a DIDComm v2 message (see generate_message).
    send = function(did, message) {
      dido:send(did, message)
    }
    // `event` is {"domain": ..., "name": ..., "attrs": {...}}; the pico of `did` raises it.
    sendEvent = function(did, event) {
      dido:send(did, to_their_did(did, event_type, event))
    }
    // `_query` is {"rid": ..., "name": ..., "args": {...}}; answers the other pico's answer.
    sendQuery = function(did, _query) {
      dido:sendQuery(did, to_their_did(did, query_type, _query))
    }
    // A message of `type` from our DID for `did` to `did`.
    to_their_did = function(did, type, body) {
      dido:generateMessage({"type": type, "from": ent:didMap{did}, "to": [did], "body": body})
    }

    // The DIDs this pico knows.
    didMap = function() {
      ent:didMap
    }
    clearDidMap = function() {
      dido:clearDidMap()
    }
    didDocs = function() {
      ent:didDocs
    }
    clearDidDocs = function() {
      dido:clearDidDocs()
    }
    pendingRotations = function() {
      ent:pendingRotations
    }
    clearPendingRotations = function() {
      dido:clearPendingRotations()
    }

    // `message` is {"type": ..., "body": ...} with optional "from", "to", "thid", "pthid",
    // "expires_time" (seconds from now) and "attachments".
    generate_message = function(message) {
      dido:generateMessage(message)
    }

    // An out-of-band invitation URL for a new DID of this pico, made for the purpose.
    generate_invitation = function(label) {
      invite_did = dido:generateDID(true){"id"}
      body = {
        "goal_code": "exchange-did",
        "goal": "ExchangeDid",
        "label": label || "PicoInvite",
        "accept": ["didcomm/v2"],
      }
      invitation = dido:generateMessage({"type": invitation_type, "from": invite_did, "body": body})
      dido:createInviteUrl(math:base64encode(invitation.encode()))
    }

    generate_trust_ping_message = function(to) {
      dido:generateMessage({
        "type": trust_ping_type,
        "from": ent:didMap{to},
        "to": [to],
        "body": {"response_requested": true},
      })
    }
    generate_trust_ping_response = function(thid, to) {
      dido:generateMessage({
        "type": trust_ping_response_type,
        "thid": thid,
        "from": ent:didMap{to},
        "to": [to],
        "body": {},
      })
    }
  }

  // Routes are set when this ruleset is installed, and checked at every engine start.
  rule initialize {
    select when wrangler ruleset_installed where event:attrs{"rids"} >< meta:rid
    pre {
      _added = trust_ping_routes()
    }
  }

  rule pico_root_created {
    select when engine_ui setup
    pre {
      _added = ent:routes.isnull() => trust_ping_routes() | []
    }
  }

  // Every DIDComm message arrives on a DID's channel as this event; `dido:route` unpacks it
  // and raises the event of its type (or answers a query sent to the DID).
  rule route_message {
    select when dido didcommv2_message
    pre {
      answer = dido:route(event:attrs.delete("_headers"))
    }
    if answer then send_directive("response", {}.put(answer))
  }

  // `invite` is an invitation URL (`...?_oob=<base64 message>`): a new DID of ours for the
  // inviter's, then a trust ping to it.
  rule receive_invite {
    select when dido receive_invite
    pre {
      encoded = event:attrs{"invite"}.split("_oob=")[1]
      invitation = math:base64decode(encoded).decode()
      inviter = invitation{"from"}
      mine = dido:generateDID()
      _mapped = dido:mapDid(inviter, mine{"id"})
      _stored = dido:storeDidDoc(inviter)
    }
    fired {
      raise dido event "send_trust_ping" attributes event:attrs.put("did", inviter)
    }
  }

  rule send_trust_ping {
    select when dido send_trust_ping
    pre {
      their_did = event:attrs{"did"}
      _sent = dido:send(their_did, generate_trust_ping_message(their_did))
    }
  }

  // A ping on an invitation's channel rotates the invitation's DID first, so the answer
  // comes from the DID that replaces it (its `from_prior` says so).
  rule receive_trust_ping {
    select when dido receive_trust_ping
    pre {
      ping = event:attrs{"message"}
      their_did = ping{"from"}
      _rotated = dido:rotateInviteDID(ping{"to"}[0], their_did)
      _sent = dido:send(their_did, generate_trust_ping_response(ping{"id"}, their_did))
    }
  }
}
