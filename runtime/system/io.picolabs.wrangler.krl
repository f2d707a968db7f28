// Wrangler: a pico's children, channels and installed rulesets, as events other rulesets
// raise and as a module (`use module io.picolabs.wrangler alias wrangler`).
//
// A parent learns about its children by querying them; a child hears from its parent only
// through events.
ruleset io.picolabs.wrangler {
  meta {
    name "Wrangler Core"
    description <<
      Children, channels and rulesets of a pico. Installed on every pico wrangler creates.
    >>
    author "krl"
    provides skyQuery, picoQuery, channels, createChannel, deleteChannel, rulesetConfig,
      rulesetMeta, installedRIDs, children, parent_eci, name, myself
    shares skyQuery, picoQuery, channels, rulesetConfig, rulesetMeta, installedRIDs, children,
      parent_eci, name, myself, id
  }

  global {
    ui_rid = "io.picolabs.pico-engine-ui"
    // What a child installs for itself once it exists, from the folder wrangler came from.
    subscription_rid = "io.picolabs.subscription"
    pds_rid = "io.picolabs.pds"
    did_o_rid = "io.picolabs.did-o"

    // The answer a pico gets when it tries to query itself over HTTP.
    self_query_response = {
      "status_code": 400,
      "status_line": "HTTP/1.1 400 Pico should not query itself",
      "content": "{\"error\":\"Pico should not query itself\"}",
    }

    // `<root>/<eci>/<rid>/<function>`, where root is `_root_url`, or `_host` (default this
    // engine) followed by `_path` (default `/sky/cloud/`).
    query_url = function(eci, mod, func, _host, _path, _root_url) {
      root = _root_url || (_host || meta:host) + (_path || "/sky/cloud/")
      root + eci + "/" + mod + "/" + func
    }
    owns_channel = function(eci) {
      ctx:channels.any(function(c) {
        c{"id"} == eci
      })
    }
    // The decoded answer of a successful query, else a map saying what went wrong.
    query_result = function(response) {
      status = response{"status_code"}
      content = response{"content"}.decode()
      is_map = content.typeof() == "Map"
      error = is_map && not content{"error"}.isnull() => content{"error"} | 0
      error_str = is_map && not content{"error_str"}.isnull() => content{"error_str"} | 0
      failed = content.isnull() || content == "null" || error || error_str
      status == 200 && not failed
        => content
        | {
          "error": "sky query request was unsuccesful.",
          "httpStatus": {"code": status, "message": response{"status_line"}},
          "picoQueryError": error,
          "picoQueryErrorMsg": error_str,
          "picoQueryReturnValue": content,
        }.klog("error: ")
    }
    skyQuery = function(eci, mod, func, params, _host, _path, _root_url) {
      response = owns_channel(eci)
        => self_query_response
        | http:get(query_url(eci, mod, func, _host, _path, _root_url), {}.put(params))
      query_result(response)
    }
    // Like skyQuery, but a pico on this engine is asked directly (so family channels work),
    // and a `did:` is asked by DIDComm (through io.picolabs.did-o).
    picoQuery = function(eci, mod, func, params, _host, _path, _root_url) {
      local = _host.isnull() || _host == meta:host
      owns_channel(eci)
        => self_query_response
        | eci.match(re#^did:#)
          => dido:prepareQuery(eci, {"rid": mod, "name": func, "args": params})
          | local
            => ctx:query(eci, mod, func, {}.put(params))
            | query_result(
              http:get(query_url(eci, mod, func, _host, _path, _root_url), {}.put(params)),
            )
    }

    installed = function(rid) {
      ctx:rulesets.filter(function(rs) {
        rs{"rid"} == rid
      }).head()
    }
    rulesetConfig = function(rid) {
      installed(rid){"config"}
    }
    rulesetMeta = function(rid) {
      installed(rid){["meta", "krlMeta"]}
    }
    installedRIDs = function() {
      ctx:rulesets.map(function(rs) {
        rs{"rid"}
      })
    }

    // Every channel, or those whose tags are exactly `tags` (an array or "a,b"), in any order.
    channels = function(tags) {
      wanted = tags.typeof() == "Array" => tags.join(",") | tags
      key = wanted.lc().split(",").sort().join(",")
      tags
        => ctx:channels.filter(function(c) {
          c{"tags"}.sort().join(",") == key
        })
        | ctx:channels
    }
    createChannel = defaction(tags, eventPolicy, queryPolicy) {
      ctx:newChannel(
        tags = tags,
        eventPolicy = eventPolicy,
        queryPolicy = queryPolicy,
      ) setting(channel)
      return channel
    }
    deleteChannel = defaction(eci) {
      ctx:delChannel(eci)
    }

    myself = function() {
      {"name": ent:name, "id": ent:id, "eci": ent:eci}
    }
    children = function() {
      ctx:children.map(function(eci) {
        {
          "eci": eci,
          "name": ctx:query(eci, meta:rid, "name"),
          "parent_eci": ctx:query(eci, meta:rid, "parent_eci"),
        }
      })
    }
    parent_eci = function() {
      ent:parent_eci
    }
    name = function() {
      ent:name
    }
    id = function() {
      meta:picoId
    }
    // `<folder of url>/<rid>.krl`
    sibling_url = function(url, rid) {
      parts = url.split("/")
      parts.splice(parts.length() - 1, 1, rid + ".krl").join("/")
    }
  }

  // Not sent by the engine itself; kept for rulesets that raise it.
  rule forward_online_to_children {
    select when system online
    foreach ctx:children setting(child)
    event:send({"eci": child, "domain": "system", "type": "online", "attrs": event:attrs})
  }

  //
  // Rulesets
  //

  // `absoluteURL` + `rid`: the ruleset next to `absoluteURL`.
  rule install_ruleset_relatively {
    select when wrangler install_ruleset_request absoluteURL re#(.+)# rid re#(.+)# setting(absolute_url, rid)
    fired {
      raise wrangler event "install_ruleset_request"
        attributes event:attrs.delete("absoluteURL").put("url", sibling_url(absolute_url, rid))
    }
  }

  rule install_ruleset_absolutely {
    select when wrangler install_ruleset_request url re#(.+)# setting(url)
    every {
      ctx:flush(url = url)
      ctx:install(url = url, config = event:attrs{"config"} || {}) setting(rid)
    }
    fired {
      raise wrangler event "ruleset_installed" attributes event:attrs.put("rids", [rid])
    }
  }

  rule uninstall_one_ruleset {
    select when wrangler uninstall_ruleset_request rid re#(.+)# setting(rid)
    ctx:uninstall(rid)
    fired {
      raise wrangler event "ruleset_uninstalled" attributes event:attrs
    }
  }

  rule flush_all_rulesets {
    select when wrangler rulesets_need_flushing
    foreach ctx:rulesets setting(rs)
    ctx:flush(rs{"url"})
    fired {
      raise wrangler event "rulesets_flushed" on final
    }
  }

  //
  // Channels
  //

  rule create_channel {
    select when wrangler new_channel_request
    pre {
      tags = event:attrs{"tags"}
      event_policy = event:attrs{"eventPolicy"}
      query_policy = event:attrs{"queryPolicy"}
    }
    if tags && event_policy && query_policy then createChannel(
      tags,
      event_policy,
      query_policy,
    ) setting(channel)
    fired {
      raise wrangler event "channel_created" attributes event:attrs.put("channel", channel)
    }
  }

  rule delete_channel {
    select when wrangler channel_deletion_request eci re#^(.+)$# setting(eci)
    deleteChannel(eci)
    fired {
      raise wrangler event "channel_deleted" attributes event:attrs
    }
  }

  //
  // Picos: the parent's side
  //

  // The child gets the parent's UI ruleset and wrangler, its UI channel is set up, and it is
  // told who it is; the parent remembers the child's UI ECI.
  rule create_child {
    select when wrangler new_child_request name re#.+# backgroundColor re#.*#
    pre {
      name = event:attrs{"name"}
      color = event:attrs{"backgroundColor"} || "#87CEFA"
      ui = installed(ui_rid)
      my_ui_eci = channels("engine,ui").head(){"id"}
    }
    every {
      ctx:newPico(rulesets = [
        {"url": ui{"url"}, "config": ui{"config"}},
        {"url": ctx:rid_url, "config": {}},
      ]) setting(child_eci)
      ctx:eventQuery(
        eci = child_eci,
        domain = "engine_ui",
        name = "setup",
        rid = ui_rid,
        queryName = "uiECI",
      ) setting(child_ui_eci)
      ctx:event(eci = child_eci, domain = "wrangler", name = "pico_created", attrs = event:attrs)
      ctx:event(
        eci = child_ui_eci,
        domain = "engine_ui",
        name = "box",
        attrs = {"name": name, "backgroundColor": color, "parentUiEci": my_ui_eci},
      )
    }
    fired {
      raise wrangler event "new_child_created"
        attributes event:attrs.put({"eci": child_eci, "uiEci": child_ui_eci})
    }
  }

  rule delete_child {
    select when wrangler child_deletion_request eci re#^(.+)$# setting(eci)
    ctx:delPico(eci)
    fired {
      raise wrangler event "child_deleted" attributes event:attrs
    }
  }

  //
  // Picos: the child's side
  //

  rule initialize_child {
    select when wrangler pico_created
    fired {
      raise wrangler event "install_ruleset_request"
        attributes {"url": sibling_url(ctx:rid_url, pds_rid)}
      raise wrangler event "install_ruleset_request"
        attributes {"url": sibling_url(ctx:rid_url, subscription_rid)}
      raise wrangler event "install_ruleset_request"
        attributes {"url": sibling_url(ctx:rid_url, did_o_rid)}
      ent:parent_eci := ctx:parent
      ent:name := event:attrs{"name"}
      ent:id := ctx:picoId
      ent:eci := event:eci
      raise wrangler event "pico_initialized" attributes event:attrs.put("eci", event:eci)
    }
  }

  rule tell_parent_child_initialized {
    select when wrangler pico_initialized
    event:send({
      "eci": ent:parent_eci,
      "domain": "wrangler",
      "type": "child_initialized",
      "attrs": event:attrs,
    })
  }

  // The root pico has no parent to tell it who it is.
  rule name_root_pico {
    select when engine_ui setup
    if ent:id.isnull() && ent:parent_eci.isnull() then noop()
    fired {
      ent:id := ctx:picoId
      ent:eci := channels("system,self").head(){"id"}
      ent:name := "Pico"
    }
  }

  rule change_name {
    select when wrangler name_changed name re#(.+)# setting(name)
    always {
      ent:name := name
    }
  }

  rule ask_parent_for_deletion {
    select when wrangler ready_for_deletion
    pre {
      my_eci = channels("system,child").head(){"id"}
    }
    if my_eci then event:send({
      "eci": ent:parent_eci,
      "domain": "wrangler",
      "type": "child_deletion_request",
      "attrs": {"eci": my_eci},
    })
  }
}
