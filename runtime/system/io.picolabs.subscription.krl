// Subscriptions: two-way links between picos, on one engine or on two.
//
// Each side keeps a record ("bus") per subscription: `Id`, `Rx` (a channel of its own the
// peer sends to), `Tx` (the peer's `Rx`), and optionally `Rx_role`, `Tx_role` and `Tx_host`
// (the peer's engine when it is not this one). A request goes out to the peer's well-known
// channel; until the peer approves, the asking pico lists it in `outbound` and the peer in
// `inbound`; then both list it in `established`.
ruleset io.picolabs.subscription {
  meta {
    name "subscription "
    description <<
      Tx/Rx subscriptions between picos.
    >>
    author "krl"
    use module io.picolabs.wrangler alias wrangler
    provides established, outbound, inbound, wellKnown_Rx, autoAcceptConfig
    shares established, outbound, inbound, wellKnown_Rx, autoAcceptConfig
  }

  global {
    open_event_policy = {"allow": [{"domain": "*", "name": "*"}], "deny": []}
    open_query_policy = {"allow": [{"rid": "*", "name": "*"}], "deny": []}
    // Strangers may only ask for, or withdraw, a subscription through the well-known channel.
    well_known_event_policy = {
      "allow": [
        {"domain": "wrangler", "name": "subscription"},
        {"domain": "wrangler", "name": "new_subscription_request"},
        {"domain": "wrangler", "name": "inbound_removal"},
      ],
      "deny": [],
    }
    well_known_query_policy = {"allow": [{"rid": meta:rid, "name": "wellKnown_Rx"}], "deny": []}
    well_known_tags = ["wellKnown_Rx", "Tx_Rx"]

    // The records of one list, or those whose `key` equals `value` when both are given.
    matching = function(list, key, value) {
      records = list.defaultsTo([])
      key && value
        => records.filter(function(bus) {
          bus{key} == value
        })
        | records
    }
    established = function(key, value) {
      matching(ent:established, key, value)
    }
    outbound = function(key, value) {
      matching(ent:outbound, key, value)
    }
    inbound = function(key, value) {
      matching(ent:inbound, key, value)
    }
    autoAcceptConfig = function() {
      ent:autoAcceptConfig.defaultsTo({})
    }
    wellKnown_Rx = function() {
      wrangler:channels(well_known_tags).head()
    }

    position = function(buses, id) {
      buses.map(function(bus) {
        bus{"Id"}
      }).index(id)
    }
    // The bus an event is about: by its `Id`, `Rx` or `Tx` attribute, else the one whose Rx
    // channel the event came in on.
    bus_for_event = function(buses) {
      by = function(key, value) {
        buses.filter(function(bus) {
          bus{key} == value
        }).head()
      }
      event:attrs{"Id"}
        => by("Id", event:attrs{"Id"})
        | event:attrs{"Rx"}
          => by("Rx", event:attrs{"Rx"})
          | event:attrs{"Tx"} => by("Tx", event:attrs{"Tx"}) | by("Rx", meta:eci)
    }
    // A new bus from the event's Id (or a fresh one), roles and peer host.
    new_bus = function() {
      attrs = event:attrs
      host = attrs{"Tx_host"} == meta:host => null | attrs{"Tx_host"}
      roles = attrs{"Rx_role"} => {"Rx_role": attrs{"Rx_role"}, "Tx_role": attrs{"Tx_role"}} | {}
      with_host = attrs{"Tx_host"} => roles.put("Tx_host", host) | roles
      with_host.put("Id", attrs{"Id"} || random:uuid())
    }
    // Whether any regex of an auto-accept config matches the event attribute it names.
    config_matches = function(config) {
      config{"entries"}.defaultsTo({}).map(function(regexes, attr) {
        value = event:attrs{attr}
        value.isnull()
          => false
          | regexes.any(function(regex) {
            value.match(regex.as("RegExp"))
          })
      }).values().any(function(matched) {
        matched
      })
    }
    without_id_lists = function(attrs) {
      attrs.delete("establishedIDs").delete("inboundIDs").delete("outboundIDs")
    }
  }

  //
  // The well-known channel
  //

  rule need_well_known_on_install {
    select when wrangler ruleset_installed where event:attrs{"rids"} >< meta:rid
    if wellKnown_Rx().isnull() then noop()
    fired {
      raise wrangler event "need_wellKnown_Rx" attributes event:attrs
    }
  }

  rule need_well_known_on_start {
    select when engine started
    if wellKnown_Rx().isnull() then noop()
    fired {
      raise wrangler event "need_wellKnown_Rx" attributes event:attrs
    }
  }

  rule create_well_known {
    select when wrangler need_wellKnown_Rx
    ctx:newChannel(well_known_tags, well_known_event_policy, well_known_query_policy)
    fired {
      raise wrangler event "wellKnown_Rx_created" attributes event:attrs
    }
  }

  //
  // Making a subscription (this pico A asks pico B)
  //

  // A: a channel for B to send to, and a pending outbound record.
  rule request_subscription {
    select when wrangler subscription
    pre {
      channel_name = event:attrs{"name"}.defaultsTo(random:word())
      channel_type = event:attrs{"channel_type"}.defaultsTo("Tx_Rx")
      bus = new_bus().put("wellKnown_Tx", event:attrs{"wellKnown_Tx"})
    }
    if bus{"wellKnown_Tx"} then ctx:newChannel(
      [channel_name, channel_type],
      open_event_policy,
      open_query_policy,
    ) setting(channel)
    fired {
      pending = bus.put("Rx", channel{"id"})
      described = pending.put({"channel_name": channel_name, "channel_type": channel_type})
      ent:outbound := outbound().append(pending)
      raise wrangler event "subscription_request_needed" attributes event:attrs.put(described)
      raise wrangler event "outbound_pending_subscription_added"
        attributes event:attrs.put(described)
    } else {
      raise wrangler event "wellKnown_Tx_format_failure" attributes event:attrs
    }
  }

  // A → B's well-known channel, with the roles and channels seen from B's side.
  rule send_subscription_request {
    select when wrangler subscription_request_needed
    pre {
      rx_host = event:attrs{"Rx_host"}
      my_host = rx_host == "localhost" => null | rx_host || meta:host
    }
    event:send(
      {
        "eci": event:attrs{"wellKnown_Tx"},
        "domain": "wrangler",
        "type": "new_subscription_request",
        "attrs": event:attrs.put({
          "Rx_role": event:attrs{"Tx_role"},
          "Tx_role": event:attrs{"Rx_role"},
          "Tx": event:attrs{"Rx"},
          "Tx_host": my_host,
        }),
      },
      event:attrs{"Tx_host"},
    )
  }

  // B: a channel for A to send to, and a pending inbound record.
  rule receive_subscription_request {
    select when wrangler new_subscription_request
    pre {
      bus = new_bus().put("Tx", event:attrs{"Tx"})
    }
    if bus{"Tx"} then ctx:newChannel(
      [event:attrs{"channel_name"}, event:attrs{"channel_type"}],
      open_event_policy,
      open_query_policy,
    ) setting(channel)
    fired {
      ent:inbound := inbound().append(bus.put("Rx", channel{"id"}))
      raise wrangler event "inbound_pending_subscription_added"
        attributes event:attrs.put("Rx", channel{"id"})
    } else {
      raise wrangler event "no_Tx_failure" attributes event:attrs
    }
  }

  rule auto_accept {
    select when wrangler inbound_pending_subscription_added
    pre {
      matched = autoAcceptConfig().values().any(function(config) {
        config_matches(config)
      })
    }
    if matched then noop()
    fired {
      raise wrangler event "pending_subscription_approval" attributes event:attrs
      raise wrangler event "auto_accepted_subscription_request" attributes event:attrs
    }
  }

  // B approves: tells A its Rx, and moves the record to established.
  rule approve_subscription {
    select when wrangler pending_subscription_approval
    pre {
      bus = bus_for_event(inbound())
    }
    event:send(
      {
        "eci": bus{"Tx"},
        "domain": "wrangler",
        "type": "outbound_pending_subscription_approved",
        "attrs": event:attrs.put({"Id": bus{"Id"}, "Tx": bus{"Rx"}}),
      },
      bus{"Tx_host"},
    )
    always {
      raise wrangler event "inbound_pending_subscription_approved"
        attributes event:attrs.put("Id", bus{"Id"}).put("bus", bus)
    }
  }

  rule establish_inbound {
    select when wrangler inbound_pending_subscription_approved
    pre {
      pending = inbound()
      idx = position(pending, event:attrs{"Id"})
    }
    if idx >= 0 then noop()
    fired {
      ent:established := established().append(event:attrs{"bus"})
      ent:inbound := pending.splice(idx, 1)
      raise wrangler event "subscription_added" attributes event:attrs
    }
  }

  // A hears B approved: B's Rx becomes its Tx.
  rule establish_outbound {
    select when wrangler outbound_pending_subscription_approved
    pre {
      pending = outbound()
      bus = bus_for_event(pending).put("Tx", event:attrs{"Tx"}).delete("wellKnown_Tx")
      idx = position(pending, bus{"Id"})
    }
    if idx >= 0 then noop()
    fired {
      ent:established := established().append(bus)
      ent:outbound := pending.splice(idx, 1)
      raise wrangler event "subscription_added" attributes event:attrs.put("bus", bus)
    }
  }

  //
  // Ending subscriptions
  //

  rule cancel_established {
    select when wrangler subscription_cancellation
    pre {
      bus = bus_for_event(established())
    }
    if bus then event:send(
      {
        "eci": bus{"Tx"},
        "domain": "wrangler",
        "type": "established_removal",
        "attrs": event:attrs.put({"Rx": bus{"Tx"}, "Tx": bus{"Rx"}, "Id": bus{"Id"}}),
      },
      bus{"Tx_host"},
    )
    fired {
      raise wrangler event "established_removal" attributes event:attrs.put("Id", bus{"Id"})
    }
  }

  rule remove_established {
    select when wrangler established_removal
    pre {
      buses = established()
      bus = bus_for_event(buses)
      idx = position(buses, bus{"Id"})
    }
    if idx >= 0 then wrangler:deleteChannel(bus{"Rx"})
    fired {
      ent:established := buses.splice(idx, 1)
      raise wrangler event "subscription_removed" attributes event:attrs.put("bus", bus)
    }
  }

  rule reject_inbound {
    select when wrangler inbound_rejection
    pre {
      bus = bus_for_event(inbound())
    }
    event:send(
      {
        "eci": bus{"Tx"},
        "domain": "wrangler",
        "type": "outbound_removal",
        "attrs": event:attrs.put("Id", bus{"Id"}),
      },
      bus{"Tx_host"},
    )
    always {
      raise wrangler event "inbound_removal" attributes event:attrs.put("Id", bus{"Id"})
    }
  }

  rule remove_inbound {
    select when wrangler inbound_removal
    pre {
      buses = inbound()
      bus = bus_for_event(buses)
      idx = position(buses, bus{"Id"})
    }
    if idx >= 0 then wrangler:deleteChannel(bus{"Rx"})
    fired {
      ent:inbound := buses.splice(idx, 1)
      raise wrangler event "inbound_subscription_cancelled" attributes event:attrs.put("bus", bus)
    }
  }

  rule cancel_outbound {
    select when wrangler outbound_cancellation
    pre {
      bus = bus_for_event(outbound())
    }
    event:send(
      {
        "eci": bus{"wellKnown_Tx"},
        "domain": "wrangler",
        "type": "inbound_removal",
        "attrs": event:attrs.put({"Id": bus{"Id"}, "Tx": bus{"Rx"}}),
      },
      bus{"Tx_host"},
    )
    always {
      raise wrangler event "outbound_removal" attributes event:attrs.put("Id", bus{"Id"})
    }
  }

  rule remove_outbound {
    select when wrangler outbound_removal
    pre {
      buses = outbound()
      bus = bus_for_event(buses)
      idx = position(buses, bus{"Id"})
    }
    if idx >= 0 then wrangler:deleteChannel(bus{"Rx"})
    fired {
      ent:outbound := buses.splice(idx, 1)
      raise wrangler event "outbound_subscription_cancelled" attributes event:attrs.put("bus", bus)
    }
  }

  // Matches pico-engine, whose check of the matching list is always true (an empty array
  // is truthy): the pico asks for its deletion whether or not the Id was established.
  rule cancel_before_deletion {
    select when wrangler intent_to_delete Id re#^(.+)$#
    always {
      raise wrangler event "subscription_cancellation" attributes event:attrs
      raise wrangler event "ready_for_deletion"
    }
  }

  //
  // Ending every subscription (a pico about to go away)
  //

  rule ask_for_cleanup_period {
    select when wrangler ruleset_added where event:attrs{"rids"} >< meta:rid
    always {
      raise wrangler event "ruleset_needs_cleanup_period" attributes {"domain": meta:rid}
    }
  }

  rule cleanup {
    select when wrangler rulesets_need_to_cleanup
    always {
      raise wrangler event "cancel_subscriptions" attributes event:attrs
    }
  }

  rule cancel_everything {
    select when wrangler cancel_subscriptions
    pre {
      ids = function(list) {
        list.map(function(bus) {
          bus{"Id"}
        })
      }
    }
    always {
      raise wrangler event "cancel_relationships"
        attributes event:attrs.put("establishedIDs", ids(established())).put(
          "inboundIDs",
          ids(inbound()),
        ).put("outboundIDs", ids(outbound()))
    }
  }

  rule cancel_each_established {
    select when wrangler cancel_relationships
    foreach event:attrs{"establishedIDs"} setting(id)
    always {
      raise wrangler event "subscription_cancellation"
        attributes without_id_lists(event:attrs).put("Id", id)
    }
  }

  rule cancel_each_inbound {
    select when wrangler cancel_relationships
    foreach event:attrs{"inboundIDs"} setting(id)
    always {
      raise wrangler event "inbound_rejection"
        attributes without_id_lists(event:attrs).put("Id", id)
    }
  }

  rule cancel_each_outbound {
    select when wrangler cancel_relationships
    foreach event:attrs{"outboundIDs"} setting(id)
    always {
      raise wrangler event "outbound_cancellation"
        attributes without_id_lists(event:attrs).put("Id", id)
    }
  }

  //
  // Sending on subscriptions
  //

  // The established subscriptions picked by `subID`, `Tx_role` or `Rx_role`.
  rule pick_subscriptions {
    select when wrangler send_event_on_subs
    pre {
      sub_id = event:attrs{"subID"}
      tx_role = event:attrs{"Tx_role"}
      rx_role = event:attrs{"Rx_role"}
      subs = (sub_id => established("Id", sub_id) | []).append(
        tx_role => established("Tx_role", tx_role) | [],
      ).append(rx_role => established("Rx_role", rx_role) | [])
      complete = event:attrs{"domain"} && event:attrs{"type"}
    }
    if subs.length() > 0 && complete then noop()
    fired {
      raise wrangler event "send_event_to_subs" attributes event:attrs.put("subs", subs)
    } else {
      raise wrangler event "failed_to_send_event_to_sub"
        attributes event:attrs.put({
          "foundSubsToSendTo": subs.length() > 0,
          "domainGiven": event:attrs{"domain"}.as("Boolean"),
          "typeGiven": event:attrs{"type"}.as("Boolean"),
        })
    }
  }

  rule send_to_each {
    select when wrangler send_event_to_subs
    foreach event:attrs{"subs"} setting(sub)
    event:send(
      {
        "eci": sub{"Tx"},
        "domain": event:attrs{"domain"},
        "type": event:attrs{"type"},
        "attrs": event:attrs{"attrs"}.defaultsTo({}),
      },
      sub{"Tx_host"},
    )
  }

  //
  // Auto-accept configs: `{configName, password, entries: {attr: [regex, ...]}}` by name
  //

  rule update_auto_accept {
    select when wrangler autoAcceptConfigUpdate
    pre {
      given = event:attrs{"config"}.defaultsTo({
        "configName": event:attrs{"configName"},
        "password": event:attrs{"password"},
        "entries": event:attrs{"regexMap"}.decode(),
      })
      config_name = given{"configName"}
    }
    if config_name then noop()
    fired {
      ent:autoAcceptConfig := event:attrs{"delete"}
        => autoAcceptConfig().delete(config_name)
        | autoAcceptConfig().put(config_name, given)
      raise wrangler event "auto_accept_config_updated" attributes event:attrs
    } else {
      raise wrangler event "autoAcceptConfigUpdate_failure" attributes event:attrs
    }
  }
}
