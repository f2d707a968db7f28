// The pico data store: what any ruleset on the pico may keep in one shared place, read
// through this module (`use module io.picolabs.pds alias pds`) and written through `pds`
// events. Three entity variables hold it all:
//
// - `ent:profile`: the pico's display identity, a map with at least `name`, `description`
//   and `photo`, optionally `email` and `phone`, and the times (`%Y%m%dT%H%M%S%z`, UTC) it
//   was first (`_created`) and last (`_modified`) updated.
// - `ent:general`: data by namespace, then by key (`ent:general{[namespace, key]}`).
// - `ent:settings`: per-ruleset configuration by rid, each `{"name", "rid", "data", "schema"}`
//   with the values in `data` by key.
//
// A pico made by wrangler gets a `pds` channel open to these events and queries; its ECI is
// `getChannelEci()`.
ruleset io.picolabs.pds {
  meta {
    name "PDS"
    description <<
      Pico Data Services: a profile, namespaced data and per-ruleset settings shared by every
      ruleset of the pico.
    >>
    author "krl"
    use module io.picolabs.wrangler alias wrangler
    provides items, get_keys, profile, settings, get_config_value, get_setting_data_value,
      config_value, settings_names, getChannelEci
    shares items, get_keys, profile, settings, get_config_value, get_setting_data_value,
      config_value, settings_names, getChannelEci
  }

  global {
    channel_tags = ["pds"]
    channel_event_policy = {"allow": [{"domain": "pds", "name": "*"}], "deny": []}
    channel_query_policy = {"allow": [{"rid": meta:rid, "name": "*"}], "deny": []}

    // A grey silhouette, inline so that a profile never points at another server.
    unknown_photo = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA2NCA2NCI+PHJlY3Qgd2lkdGg9IjY0IiBoZWlnaHQ9IjY0IiBmaWxsPSIjZGRkZGRkIi8+PGNpcmNsZSBjeD0iMzIiIGN5PSIyNCIgcj0iMTIiIGZpbGw9IiM4ODg4ODgiLz48cGF0aCBkPSJNMTAgNjRjMC0xNCAxMC0yMiAyMi0yMnMyMiA4IDIyIDIyeiIgZmlsbD0iIzg4ODg4OCIvPjwvc3ZnPg=="
    blank_profile = {"name": "", "description": "", "photo": unknown_photo}
    // The profile fields an update keeps when it does not name them.
    profile_fields = ["name", "description", "photo", "email", "phone"]

    // Everything (no namespace), one namespace (no key), or one value. Without a namespace
    // the status says "failed", as the reference's does, though the data is all there.
    items = function(namespace, key) {
      found = namespace.isnull()
        => ent:general
        | key.isnull() => ent:general{namespace} | ent:general{[namespace, key]};
      {"status": namespace.isnull() => "failed" | "success", "general": found}
    }
    get_keys = function(namespace) {
      ent:general{namespace}.keys()
    }

    // The whole profile, or one field of it.
    profile = function(key) {
      {"status": "success", "profile": key.isnull() => ent:profile | ent:profile{key}}
    }

    // All settings, one ruleset's, one field of one ruleset's, or one value of its `data`.
    settings = function(Rid, Key, detail) {
      found = Rid.isnull()
        => ent:settings
        | Key.isnull()
          => ent:settings{Rid}
          | detail.isnull() => ent:settings{[Rid, Key]} | get_setting_data_value(Rid, detail);
      {"status": "success", "settings": found}
    }
    settings_names = function() {
      ent:settings.defaultsTo({}).keys().map(function(rid) {
        {"setRID": rid, "setName": ent:settings{[rid, "name"]}}
      })
    }
    get_setting_data_value = function(setRID, setKey) {
      ent:settings{[setRID, "data", setKey]}
    }
    // The reference looks up the calling ruleset's settings through `meta:callingRID()`,
    // which neither engine provides, so both fail here alike (docs/compat.md).
    config_value = function(setKey) {
      get_setting_data_value(meta:callingRID(), setKey)
    }
    get_config_value = function(setKey) {
      config_value(setKey)
    }

    getChannelEci = function() {
      ent:pds_channel_eci
    }

    stamp = function() {
      time:strftime(time:now(), "%Y%m%dT%H%M%S%z")
    }
    // `changes` over the current profile (or the blank one): each usual field the update does
    // not give keeps its value, and the times are set.
    updated_profile = function(changes) {
      current = ent:profile || blank_profile
      kept = profile_fields.reduce(
        function(acc, field) {
          acc.put(field, changes{field}.isnull() => current{field} | changes{field})
        },
        changes,
      )
      kept.put({"_created": current{"_created"} || stamp(), "_modified": stamp()})
    }
    // The namespace and key of a data event; the reference stores under "" when one is missing.
    namespace_of = function(attrs) {
      attrs{"namespace"}.defaultsTo("")
    }
    key_of = function(attrs) {
      attrs{"key"}.defaultsTo("")
    }
    map_or_empty = function(value) {
      value.typeof() == "Map" => value | {}
    }
  }

  //
  // Namespaced data
  //

  rule store_value {
    select when pds new_data_available
    pre {
      namespace = namespace_of(event:attrs)
      key = key_of(event:attrs)
    }
    always {
      ent:general{[namespace, key]} := event:attrs{"value"}.defaultsTo("")
      raise pds event "data_added" attributes {"namespace": namespace, "keyvalue": key}
    }
  }

  // Merges the map `value` into the one stored under the key; one `data_updated` per field.
  rule merge_values {
    select when pds updated_data_available
    foreach map_or_empty(event:attrs{"value"}) setting(field_value, field)
    pre {
      namespace = namespace_of(event:attrs)
      key = key_of(event:attrs)
    }
    always {
      ent:general{[namespace, key, field]} := field_value
      raise pds event "data_updated" attributes {"namespace": namespace, "keyvalue": key}
    }
  }

  rule remove_value {
    select when pds remove_old_data
    pre {
      namespace = namespace_of(event:attrs)
      key = key_of(event:attrs)
    }
    always {
      clear ent:general{[namespace, key]}
      raise pds event "data_deleted" attributes {"namespace": namespace, "keyvalue": key}
    }
  }

  rule remove_namespace {
    select when pds remove_namespace
    pre {
      namespace = namespace_of(event:attrs)
    }
    always {
      clear ent:general{namespace}
      raise pds event "namespace_deleted" attributes {"namespace": namespace}
    }
  }

  // Replaces a whole namespace with `mapvalues`, a map or its JSON text.
  rule replace_namespace {
    select when pds map_item
    pre {
      namespace = namespace_of(event:attrs)
      given = event:attrs{"mapvalues"}.defaultsTo("")
      mapvalues = given.typeof() == "String" => given.decode() | given
    }
    always {
      ent:general{namespace} := mapvalues
      raise pds event "new_map_added" attributes {"namespace": namespace, "mapvalues": mapvalues}
    }
  }

  //
  // Profile
  //

  // Every attribute joins the profile; `profile_updated` carries them back with `_status`
  // "success", or "failure" when the event had none.
  rule update_profile {
    select when pds updated_profile
    pre {
      changes = event:attrs
    }
    if changes.keys().length() > 0 then noop()
    fired {
      ent:profile := updated_profile(changes)
      raise pds event "profile_updated" attributes changes.put("_status", "success")
    } else {
      raise pds event "profile_updated" attributes changes.put("_status", "failure")
    }
  }

  //
  // Settings
  //

  rule add_settings {
    select when pds add_settings
    pre {
      rid = event:attrs{"keyed_rid"}.defaultsTo(0)
      schema = event:attrs{"schema"}.defaultsTo(0)
      data_key = event:attrs{"data_key"}.defaultsTo(0)
    }
    always {
      ent:settings{[rid, "name"]} := event:attrs{"name"}.defaultsTo(0)
      ent:settings{[rid, "rid"]} := rid
      ent:settings{[rid, "schema"]} := schema if schema
      ent:settings{[rid, "data", data_key]} := event:attrs{"value"}.defaultsTo(0) if data_key
      raise pds event "settings_added" attributes event:attrs
    }
  }

  rule clear_all_data {
    select when pds clear_all_data
    always {
      clear ent:general
      clear ent:profile
      clear ent:settings
    }
  }

  //
  // Installed by wrangler
  //

  rule open_channel {
    select when wrangler ruleset_installed where event:attrs{"rids"} >< meta:rid
    pre {
      existing = wrangler:channels(channel_tags).head()
    }
    if existing.isnull() then wrangler:createChannel(
      channel_tags,
      channel_event_policy,
      channel_query_policy,
    ) setting(channel)
    always {
      ent:pds_channel_eci := existing.isnull() => channel{"id"} | existing{"id"}
    }
  }

  // A child made by wrangler starts with its wrangler name as its profile name.
  rule seed_profile_name {
    select when wrangler ruleset_installed where event:attrs{"rids"} >< meta:rid
    pre {
      name = wrangler:myself(){"name"}
      current = ent:profile{"name"}
    }
    if name && (current.isnull() || current == "") then noop()
    fired {
      raise pds event "updated_profile" attributes {"name": name}
    }
  }
}
