// The engine UI's ruleset: the `engine,ui` channel with everything the pico-engine UI may
// send or ask for, the pico's box on the canvas, and the UI's tree of picos by UI channel.
ruleset io.picolabs.pico-engine-ui {
  meta {
    version "0.0.0"
    name "pico-engine-ui"
    description <<
      What the pico-engine UI needs on every pico: its channel, box, tree and logs.
    >>
    shares box, uiECI, pico, logs, testingECI, name
  }

  global {
    ui_tags = "engine,ui"
    default_color = "#87cefa"
    default_position = 100
    default_size = 100

    sorted_tags = function(channel) {
      channel{"tags"}.sort().join(",")
    }
    uiECI = function() {
      ctx:channels.filter(function(c) {
        sorted_tags(c) == ui_tags
      }).map(function(c) {
        c{"id"}
      }).head()
    }
    // The UI ECI of each child, by the family ECI the pico reaches it with; filled when a
    // child is made and on `engine:started`, so `box` never has to ask another pico.
    child_ui_eci = function(family_eci) {
      ent:child_ui_ecis{family_eci}
    }
    children_ui_ecis = function() {
      ctx:children.map(child_ui_eci).filter(function(eci) {
        eci
      })
    }
    testingECI = function() {
      ent:testingECI
    }
    name = function() {
      ent:name || "Pico"
    }
    box = function() {
      {
        "eci": uiECI(),
        "parent": ent:parent_ui_eci,
        "children": children_ui_ecis(),
        "name": name(),
        "backgroundColor": ent:backgroundColor || default_color,
        "x": ent:x || default_position,
        "y": ent:y || default_position,
        "width": ent:width || default_size,
        "height": ent:height || default_size,
      }
    }
    pico = function() {
      {
        "eci": uiECI(),
        "parent": ent:parent_ui_eci,
        "children": children_ui_ecis(),
        "channels": ctx:channels,
        "rulesets": ctx:rulesets,
      }
    }
    // The details after a log line's message, as pico-engine's UI shows them: the
    // transaction for `txnQueued`, the event for `event added to schedule`, the rule for
    // `rule selected`, the value for `klog`, nothing for `fired` / `not fired`, else the
    // line's other fields.
    without_headers = function(fields) {
      fields.isnull() => {} | fields.delete("_headers")
    }
    other_fields = function(entry) {
      entry.delete("time").delete("level").delete("msg").delete("txnId").encode()
    }
    txn_summary = function(entry) {
      txn = entry{"txn"}
      query = txn{"query"}
      event = txn{"event"}
      kind = txn{"kind"}
      kind == "query"
        => <<QUERY #{query{"eci"}} #{query{"rid"}}/#{query{"name"}} #{without_headers(query{"args"}).encode()}>>
        | kind == "event"
          => <<EVENT #{event{"eci"}} #{event{"domain"}}:#{event{"name"}} #{without_headers(event{["data", "attrs"]}).encode()}>>
          | other_fields(entry)
    }
    log_details = function(entry) {
      msg = entry{"msg"}
      msg == "txnQueued"
        => txn_summary(entry)
        | msg == "event added to schedule"
          => entry{"event"}.encode()
          | msg == "rule selected"
            => <<#{entry{"rid"}} : #{entry{"rule_name"}}>>
            | entry{"level"} == "klog"
              => entry{"val"}.encode()
              | msg.match(re#fired$#) => "" | other_fields(entry)
    }
    log_line = function(entry) {
      <<#{entry{"time"}.split("T")[1]} [#{entry{"level"}.uc()}] #{entry{"msg"}} #{log_details(entry)}>>
    }
    // An episode's lines; an `event added to schedule` line right after one for the same
    // event (one per installed ruleset) is left out.
    episode_lines = function(entries) {
      scheduled = function(entry) {
        entry{"msg"} == "event added to schedule"
          => entry{["event", "domain"]} + ":" + entry{["event", "name"]}
          | null
      }
      entries.reduce(
        function(acc, entry) {
          event = scheduled(entry)
          same_event = event && acc{"last"} == event
          lines = same_event => acc{"lines"} | acc{"lines"}.append(log_line(entry));
          {"lines": lines, "last": event}
        },
        {"lines": [], "last": null},
      ){"lines"}
    }
    hidden_episode = function(header) {
      not header.isnull()
        && (header.match(re#^QUERY .*io[.]picolabs[.]pico-engine-ui/#)
          || header.match(re#^QUERY .*io[.]picolabs[.]subscription/established#))
    }
    // The pico's log of the last 12 hours, one episode per transaction, newest first: its
    // id, the time of its first line, a header made from its `txnQueued` line and its lines
    // in order. The UI's own queries and subscription listings are left out.
    logs = function() {
      by_txn = ctx:logs().collect(function(entry) {
        entry{"txnId"}
      })
      by_txn.keys().map(function(txn_id) {
        entries = by_txn{txn_id}
        lines = episode_lines(entries);
        {
          "txnId": txn_id,
          "time": entries.head(){"time"},
          "header": lines.head().split(re# txnQueued #)[1],
          "entries": lines,
        }
      }).filter(function(episode) {
        not hidden_episode(episode{"header"})
      }).reverse()
    }
    event_policy = {
      "allow": [
        {"domain": "engine_ui", "name": "setup"},
        {"domain": "engine_ui", "name": "box"},
        {"domain": "engine_ui", "name": "new"},
        {"domain": "engine_ui", "name": "del"},
        {"domain": "engine_ui", "name": "install"},
        {"domain": "engine_ui", "name": "uninstall"},
        {"domain": "engine_ui", "name": "flush"},
        {"domain": "engine_ui", "name": "new_channel"},
        {"domain": "engine_ui", "name": "del_channel"},
        {"domain": "engine_ui", "name": "testing_eci"},
        {"domain": "engine", "name": "started"},
        {"domain": "wrangler", "name": "subscription"},
        {"domain": "wrangler", "name": "pending_subscription_approval"},
        {"domain": "wrangler", "name": "inbound_rejection"},
        {"domain": "wrangler", "name": "outbound_cancellation"},
        {"domain": "wrangler", "name": "subscription_cancellation"},
      ],
      "deny": [],
    }
    ui_queries = ["uiECI", "box", "pico", "logs", "testingECI", "name"]
    subscription_queries = ["established", "inbound", "outbound", "wellKnown_Rx"]
    query_policy = {
      "allow": [{"rid": "*", "name": "__testing"}].append(
        ui_queries.map(function(q) {
          {"rid": meta:rid, "name": q}
        }),
      ).append(
        subscription_queries.map(function(q) {
          {"rid": "io.picolabs.subscription", "name": q}
        }),
      ),
      "deny": [],
    }
  }

  // Every start and every new child: make sure the UI channel lets the UI in.
  rule setup {
    select when engine_ui setup
    ctx:upsertChannel(
      tags = ["engine", "ui"],
      eventPolicy = event_policy,
      queryPolicy = query_policy,
    )
  }

  rule box {
    select when engine_ui box
    pre {
      attrs = event:attrs
      color = attrs{"backgroundColor"}.as("String")
      valid_color = color.match(re#^\#[0-9A-F]{6}$#i)
    }
    always {
      ent:x := attrs{"x"}.as("Number") if attrs{"x"}
      ent:y := attrs{"y"}.as("Number") if attrs{"y"}
      ent:width := attrs{"width"}.as("Number") if attrs{"width"}
      ent:height := attrs{"height"}.as("Number") if attrs{"height"}
      ent:name := attrs{"name"}.as("String") if attrs{"name"}
      ent:backgroundColor := color if attrs{"backgroundColor"} && valid_color
      ent:parent_ui_eci := attrs{"parentUiEci"} if attrs{"parentUiEci"}
    }
  }

  rule remember_child_ui_eci {
    select when wrangler new_child_created
    pre {
      family_eci = event:attrs{"eci"}
      ui_eci = event:attrs{"uiEci"}
    }
    if family_eci && ui_eci then noop()
    fired {
      ent:child_ui_ecis{[family_eci]} := ui_eci
    }
  }

  // Children made before this ruleset kept their UI ECIs (or made elsewhere) are asked once.
  rule learn_children_ui_ecis {
    select when engine started
    foreach ctx:children setting(family_eci)
    if child_ui_eci(family_eci).isnull() then noop()
    fired {
      ent:child_ui_ecis{[family_eci]} := ctx:query(family_eci, meta:rid, "uiECI")
    }
  }

  rule learn_parent_ui_eci {
    select when engine started
    if ctx:parent && ent:parent_ui_eci.isnull() then noop()
    fired {
      ent:parent_ui_eci := ctx:query(ctx:parent, meta:rid, "uiECI")
    }
  }

  rule new {
    select when engine_ui new
    fired {
      raise wrangler event "new_child_request"
        attributes event:attrs.put("name", event:attrs{"name"} || ent:name).put(
          "backgroundColor",
          event:attrs{"backgroundColor"} || ent:backgroundColor,
        )
    }
  }

  // The UI names a child by its UI ECI; the pico deletes it by its family ECI.
  rule del {
    select when engine_ui del
    pre {
      ui_eci = event:attrs{"eci"}
      family_eci = ctx:children.filter(function(eci) {
        child_ui_eci(eci) == ui_eci
      }).head()
    }
    ctx:delPico(family_eci)
  }

  rule install {
    select when engine_ui install
    fired {
      raise wrangler event "install_ruleset_request" attributes event:attrs
    }
  }

  rule uninstall {
    select when engine_ui uninstall
    ctx:uninstall(rid = event:attrs{"rid"})
  }

  rule flush {
    select when engine_ui flush
    ctx:flush(url = event:attrs{"url"})
  }

  rule new_channel {
    select when engine_ui new_channel
    ctx:newChannel(
      tags = event:attrs{"tags"},
      eventPolicy = event:attrs{"eventPolicy"},
      queryPolicy = event:attrs{"queryPolicy"},
    )
  }

  rule del_channel {
    select when engine_ui del_channel
    ctx:delChannel(event:attrs{"eci"})
  }

  rule testing_eci {
    select when engine_ui testing_eci
    always {
      ent:testingECI := event:attrs{"eci"}
    }
  }
}
