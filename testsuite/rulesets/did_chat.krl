// A chat between picos over DIDComm, written the way applications use io.picolabs.did-o: as
// a module for invitations, the DID map and messages, with a route of its own for the
// basic message protocol, and `event:send` to a DID.
ruleset test.did_chat {
  meta {
    name "DIDComm chat"
    use module io.picolabs.did-o alias didx
    shares invitation, contacts, messages, pokes
  }

  global {
    basic_message = "https://didcomm.org/basicmessage/2.0/message"

    // An out-of-band invitation URL for another pico's `dido:receive_invite`.
    invitation = function(label) {
      didx:generate_invitation(label)
    }
    // The DIDs of the picos this one has a relationship with.
    contacts = function() {
      didx:didMap().defaultsTo({}).keys()
    }
    messages = function() {
      ent:messages.defaultsTo([])
    }
    pokes = function() {
      ent:pokes.defaultsTo(0)
    }
  }

  rule route_basic_messages {
    select when wrangler ruleset_installed where event:attrs{"rids"} >< meta:rid
    pre {
      _added = didx:addRoute(basic_message, "chat", "message_received")
    }
  }

  rule say {
    select when chat say did re#^(did:.+)$# content re#(.*)# setting(to, content)
    pre {
      body = {"content": content}
      message = didx:generate_message({
        "type": basic_message,
        "from": didx:didMap(){to},
        "to": [to],
        "body": body,
      })
      _sent = didx:send(to, message)
    }
    send_directive("said", {"to": to})
  }

  rule message_received {
    select when chat message_received
    pre {
      message = event:attrs{"message"}
    }
    always {
      ent:messages := messages().append({
        "from": message{"from"},
        "content": message{"body"}{"content"},
      })
    }
  }

  rule poke {
    select when chat poke did re#^(did:.+)$# setting(to)
    event:send({"did": to, "domain": "chat", "name": "poked", "attrs": {}})
  }

  rule poked {
    select when chat poked
    always {
      ent:pokes := pokes() + 1
    }
  }
}
