// A home automation hub: rooms, devices, scenes, energy metering, security, presence,
// reminders and reports. Written as benchmark input for the KRL parser; it is meant to
// look like a real application (and `krl check` accepts it), not to be run.
ruleset io.example.home_hub {
  meta {
    name "home hub"
    description <<
      Keeps track of the rooms and devices of one home, runs scenes, meters energy,
      arms and disarms the alarm, and tells the residents what they need to know.
    >>
    author "krl benchmark"
    configure using
      home_name = "Maple Street"
      quiet_start = 22
      quiet_end = 7
      price_per_kwh = 0.31
    shares rooms, room, devices, device, devices_in, scenes, scene, energy_today,
      energy_history, alarm_state, residents, who_is_home, reminders, due_reminders,
      weekly_report, health
    provides rooms, devices, scene_names, alarm_state, who_is_home
  }

  global {
    // ---------------------------------------------------------------------------------
    // Rooms

    rooms = function() {
      ent:rooms.defaultsTo({})
    }

    room = function(room_id) {
      rooms(){room_id}
    }

    room_names = function() {
      rooms().values().map(function(r) { r{"name"} }).sort()
    }

    room_exists = function(room_id) {
      rooms() >< room_id
    }

    new_room = function(room_id, name, floor = 0) {
      {
        "id": room_id,
        "name": name,
        "floor": floor.as("Number"),
        "created": time:now(),
        "devices": []
      }
    }

    rooms_on_floor = function(floor) {
      rooms().filter(function(r) { r{"floor"} == floor })
    }

    // ---------------------------------------------------------------------------------
    // Devices

    device_kinds = ["light", "plug", "thermostat", "lock", "sensor", "camera", "speaker", "blind"]

    devices = function() {
      ent:devices.defaultsTo({})
    }

    device = function(device_id) {
      devices(){device_id}
    }

    devices_in = function(room_id) {
      devices().filter(function(d) { d{"room"} == room_id })
    }

    devices_of_kind = function(kind) {
      devices().filter(function(d) { d{"kind"} == kind })
    }

    is_known_kind = function(kind) {
      device_kinds >< kind
    }

    new_device = function(device_id, kind, room_id, label = null) {
      {
        "id": device_id,
        "kind": kind,
        "room": room_id,
        "label": label.defaultsTo(kind + " " + device_id),
        "state": default_state(kind),
        "battery": null,
        "last_seen": time:now()
      }
    }

    default_state = function(kind) {
      kind == "light" => {"on": false, "level": 100, "color": "warm"} |
      kind == "plug" => {"on": false} |
      kind == "thermostat" => {"target": 20, "mode": "heat", "current": null} |
      kind == "lock" => {"locked": true} |
      kind == "blind" => {"position": 0} |
      kind == "speaker" => {"volume": 20, "playing": null} |
      {}
    }

    describe_device = function(d) {
      state = d{"state"}.defaultsTo({})
      kind = d{"kind"}
      kind == "light" => <<#{d{"label"}} is #{state{"on"} => "on at " + state{"level"} + "%" | "off"}>> |
      kind == "lock" => <<#{d{"label"}} is #{state{"locked"} => "locked" | "unlocked"}>> |
      kind == "thermostat" => <<#{d{"label"}} targets #{state{"target"}}°C in #{state{"mode"}} mode>> |
      <<#{d{"label"}} (#{kind})>>
    }

    low_battery = function() {
      devices().filter(function(d) {
        level = d{"battery"}
        level => level < 15 | false
      })
    }

    stale_devices = function(hours = 24) {
      limit = time:add(time:now(), {"hours": -hours})
      devices().filter(function(d) { d{"last_seen"} < limit })
    }

    // ---------------------------------------------------------------------------------
    // Scenes

    scenes = function() {
      ent:scenes.defaultsTo({
        "morning": {"name": "morning", "steps": [{"kind": "light", "set": {"on": true, "level": 60}}]},
        "away": {"name": "away", "steps": [{"kind": "light", "set": {"on": false}}, {"kind": "lock", "set": {"locked": true}}]},
        "movie": {"name": "movie", "steps": [{"kind": "light", "set": {"on": true, "level": 15}}, {"kind": "blind", "set": {"position": 100}}]}
      })
    }

    scene = function(name) {
      scenes(){name}
    }

    scene_names = function() {
      scenes().keys()
    }

    steps_for = function(name) {
      scene(name){"steps"}.defaultsTo([])
    }

    apply_step = function(d, step) {
      d.put(["state"], d{"state"}.defaultsTo({}).put(step{"set"}))
    }

    // ---------------------------------------------------------------------------------
    // Energy

    energy_today = function() {
      today = time:strftime(time:now(), "%F")
      ent:energy.defaultsTo({}){today}.defaultsTo({})
    }

    energy_total = function(day_readings) {
      day_readings.values().reduce(function(sum, kwh) { sum + kwh }, 0)
    }

    energy_history = function(days = 7) {
      ent:energy.defaultsTo({}).keys().sort().reverse().slice(days - 1).map(function(day) {
        readings = ent:energy{day};
        {"day": day, "kwh": energy_total(readings), "cost": cost_of(energy_total(readings))}
      })
    }

    cost_of = function(kwh) {
      math:round(kwh * price_per_kwh * 100) / 100
    }

    heavy_users = function(threshold = 2.5) {
      energy_today().filter(function(kwh, device_id) { kwh > threshold && device(device_id) })
    }

    // ---------------------------------------------------------------------------------
    // Security

    alarm_state = function() {
      ent:alarm.defaultsTo({"armed": false, "mode": "off", "since": null, "triggered": false})
    }

    alarm_armed = function() {
      alarm_state(){"armed"}
    }

    valid_code = function(code) {
      code.as("String").match(re#^\d{4,8}$#) && code == ent:alarm_code
    }

    open_doors = function() {
      devices_of_kind("lock").filter(function(d) { not d{["state", "locked"]} })
    }

    // ---------------------------------------------------------------------------------
    // Residents and presence

    residents = function() {
      ent:residents.defaultsTo({})
    }

    who_is_home = function() {
      residents().filter(function(p) { p{"home"} }).keys()
    }

    nobody_home = function() {
      who_is_home().length() == 0
    }

    quiet_hours = function() {
      hour = time:strftime(time:now(), "%H").as("Number")
      hour >= quiet_start || hour < quiet_end
    }

    greeting_for = function(person) {
      hour = time:strftime(time:now(), "%H").as("Number")
      part = hour < 12 => "Good morning" | hour < 18 => "Good afternoon" | "Good evening"
      <<#{part}, #{person{"name"}}! Welcome to #{home_name}.>>
    }

    // ---------------------------------------------------------------------------------
    // Reminders

    reminders = function() {
      ent:reminders.defaultsTo([])
    }

    due_reminders = function() {
      now = time:now()
      reminders().filter(function(r) { r{"due"} <= now && not r{"done"} })
    }

    next_reminder_id = function() {
      reminders().map(function(r) { r{"id"} }).append([0]).sort("numeric").reverse().head() + 1
    }

    // ---------------------------------------------------------------------------------
    // Reports and health

    weekly_report = function() {
      history = energy_history(7);
      {
        "home": home_name,
        "rooms": rooms().keys().length(),
        "devices": devices().keys().length(),
        "kwh": history.map(function(h) { h{"kwh"} }).reduce(function(a, b) { a + b }, 0),
        "cost": history.map(function(h) { h{"cost"} }).reduce(function(a, b) { a + b }, 0),
        "low_battery": low_battery().keys(),
        "stale": stale_devices().keys(),
        "alarms": ent:alarm_log.defaultsTo([]).length()
      }
    }

    health = function() {
      problems = [
        low_battery().length() > 0 => "low batteries" | null,
        stale_devices(48).length() > 0 => "devices not seen for two days" | null,
        open_doors().length() > 0 && nobody_home() => "doors open while nobody is home" | null
      ].filter(function(p) { p });
      {"ok": problems.length() == 0, "problems": problems, "checked": time:now()}
    }

    // ---------------------------------------------------------------------------------
    // Actions

    notify = defaction(title, body, priority = "normal") {
      every {
        send_directive("notification", {"title": title, "body": body, "priority": priority})
        http:post("https://push.example.com/v1/messages", json = {
          "topic": "home-hub",
          "title": title,
          "message": body,
          "priority": priority == "high" => 5 | 3
        }) setting(response)
      }
      return response{"status_code"}
    }

    set_device_state = defaction(device_id, changes) {
      every {
        http:put(<<https://bridge.example.com/devices/#{device_id}/state>>, json = changes) setting(reply)
        send_directive("device_state", {"device": device_id, "changes": changes, "status": reply{"status_code"}})
      }
      return reply{"status_code"} == 200
    }

    speak = defaction(room_id, text) {
      speakers = devices_in(room_id).filter(function(d) { d{"kind"} == "speaker" }).keys()
      if speakers.length() > 0 then
        http:post("https://bridge.example.com/tts", json = {"speakers": speakers, "text": text})
    }
  }

  // =====================================================================================
  // Rooms

  rule room_added {
    select when home room_added
      room_id re#^([a-z][a-z0-9_]*)$#
      name re#^(.{1,40})$#
      setting(room_id, name)
    pre {
      floor = event:attrs{"floor"}.defaultsTo(0)
      exists = room_exists(room_id)
    }
    if not exists then
      send_directive("room_added", {"room": room_id, "name": name, "floor": floor})
    fired {
      ent:rooms{room_id} := new_room(room_id, name, floor);
      raise home event "rooms_changed" attributes {"added": room_id}
    } else {
      log warn <<room #{room_id} already exists>>
    }
  }

  rule room_renamed {
    select when home room_renamed
      room_id re#^(.+)$#
      name re#^(.{1,40})$#
      setting(room_id, name)
    if room_exists(room_id) then noop()
    fired {
      ent:rooms{[room_id, "name"]} := name;
      raise home event "rooms_changed" attributes {"renamed": room_id}
    }
  }

  rule room_removed {
    select when home room_removed room_id re#^(.+)$# setting(room_id)
    pre {
      orphans = devices_in(room_id).keys()
    }
    if room_exists(room_id) && orphans.length() == 0 then
      send_directive("room_removed", {"room": room_id})
    fired {
      clear ent:rooms{room_id};
      raise home event "rooms_changed" attributes {"removed": room_id}
    } else {
      error warn <<cannot remove #{room_id}: #{orphans.length()} devices still there>>
    }
  }

  rule rooms_changed_summary {
    select when home rooms_changed
    pre {
      names = room_names()
      summary = names.length() == 0 => "no rooms yet" | names.join(", ")
    }
    send_directive("rooms", {"count": names.length(), "summary": summary})
  }

  rule floor_listing {
    select when home floor_requested floor re#^(-?\d+)$# setting(floor)
    pre {
      on_floor = rooms_on_floor(floor.as("Number"))
    }
    send_directive("floor", {"floor": floor, "rooms": on_floor.keys()})
  }

  // =====================================================================================
  // Devices

  rule device_paired {
    select when bridge device_paired
      device_id re#^([0-9a-f]{12})$#
      kind re#^(\w+)$#
      room_id re#^(.+)$#
      setting(device_id, kind, room_id)
    pre {
      label = event:attrs{"label"}.defaultsTo(null)
      known = is_known_kind(kind)
      in_room = room_exists(room_id)
    }
    if known && in_room then every {
      send_directive("device_paired", {"device": device_id, "kind": kind, "room": room_id})
      notify("New device", <<A #{kind} was added to #{room(room_id){"name"}}.>>)
    }
    fired {
      ent:devices{device_id} := new_device(device_id, kind, room_id, label);
      ent:rooms{[room_id, "devices"]} := room(room_id){"devices"}.append(device_id);
      raise home event "devices_changed" attributes {"added": device_id}
    } else {
      log error <<pairing refused for #{device_id}: kind #{kind}, room #{room_id}>>
    }
  }

  rule device_unpaired {
    select when bridge device_unpaired device_id re#^(.+)$# setting(device_id)
    pre {
      known = device(device_id)
      room_id = known => known{"room"} | null
    }
    if known then send_directive("device_unpaired", {"device": device_id})
    fired {
      clear ent:devices{device_id};
      ent:rooms{[room_id, "devices"]} := room(room_id){"devices"}.filter(function(id) { id != device_id });
      raise home event "devices_changed" attributes {"removed": device_id}
    }
  }

  rule device_moved {
    select when home device_moved
      device_id re#^(.+)$#
      room_id re#^(.+)$#
      setting(device_id, room_id)
    pre {
      current = device(device_id)
      from_room = current{"room"}
    }
    if current && room_exists(room_id) && from_room != room_id then
      send_directive("device_moved", {"device": device_id, "from": from_room, "to": room_id})
    fired {
      ent:devices{[device_id, "room"]} := room_id;
      ent:rooms{[from_room, "devices"]} := room(from_room){"devices"}.filter(function(id) { id != device_id });
      ent:rooms{[room_id, "devices"]} := room(room_id){"devices"}.append(device_id)
    }
  }

  rule device_reported_state {
    select when bridge state_report device_id re#^(.+)$# setting(device_id)
    pre {
      state = event:attrs{"state"}.defaultsTo({})
      battery = event:attrs{"battery"}.defaultsTo(null)
      known = device(device_id)
    }
    if known then noop()
    fired {
      ent:devices{[device_id, "state"]} := known{"state"}.defaultsTo({}).put(state);
      ent:devices{[device_id, "last_seen"]} := time:now();
      ent:devices{[device_id, "battery"]} := battery if battery;
      raise home event "battery_low" attributes {"device": device_id, "level": battery}
        if battery && battery < 15
    } else {
      raise bridge event "unknown_device" attributes {"device": device_id}
    }
  }

  rule unknown_device_seen {
    select when bridge unknown_device device re#^(.+)$# setting(device_id)
    send_directive("unknown_device", {"device": device_id, "hint": "pair it from the app"})
  }

  rule battery_low_warning {
    select when home battery_low
      device re#^(.+)$#
      level re#^(\d+)$#
      setting(device_id, level)
    pre {
      d = device(device_id)
      where_it_is = room(d{"room"}){"name"}.defaultsTo("somewhere")
    }
    notify("Battery low", <<#{d{"label"}} in #{where_it_is} is at #{level}%.>>, "low")
  }

  rule devices_changed_summary {
    select when home devices_changed
    foreach device_kinds setting(kind)
    pre {
      count_of_kind = devices_of_kind(kind).keys().length()
    }
    if count_of_kind > 0 then
      send_directive("device_count", {"kind": kind, "count": count_of_kind})
  }

  rule light_switched {
    select when home light_switch
      device_id re#^(.+)$#
      on re#^(true|false)$#
      setting(device_id, on)
    pre {
      d = device(device_id)
      is_light = d && d{"kind"} == "light"
      level = event:attrs{"level"}.defaultsTo(d{["state", "level"]}).as("Number")
      changes = {"on": on == "true", "level": level}
    }
    if is_light then set_device_state(device_id, changes) setting(accepted)
    fired {
      ent:devices{[device_id, "state"]} := d{"state"}.put(changes) if accepted;
      log info describe_device(device(device_id))
    } else {
      error info <<#{device_id} is not a light>>
    }
  }

  rule light_dimmed {
    select when home light_dim
      device_id re#^(.+)$#
      level re#^(\d{1,3})$#
      setting(device_id, level)
    pre {
      value = level.as("Number")
      clamped = value > 100 => 100 | value
    }
    set_device_state(device_id, {"on": clamped > 0, "level": clamped})
  }

  rule thermostat_target {
    select when home thermostat_set
      device_id re#^(.+)$#
      target re#^(\d+(\.\d+)?)$#
      setting(device_id, target)
    pre {
      degrees = target.as("Number")
      sane = degrees >= 5 && degrees <= 30
      mode = event:attrs{"mode"}.defaultsTo("heat")
    }
    if sane then set_device_state(device_id, {"target": degrees, "mode": mode})
    notfired {
      error warn <<refusing thermostat target #{degrees}>>
    }
  }

  rule blind_position {
    select when home blind_set
      device_id re#^(.+)$#
      position re#^(\d{1,3})$#
      setting(device_id, position)
    set_device_state(device_id, {"position": position.as("Number")})
  }

  rule lock_changed {
    select when home lock_set
      device_id re#^(.+)$#
      locked re#^(true|false)$#
      setting(device_id, locked)
    pre {
      wants_locked = locked == "true"
      code = event:attrs{"code"}.defaultsTo("")
      allowed = wants_locked || valid_code(code)
    }
    if allowed then set_device_state(device_id, {"locked": wants_locked})
    fired {
      ent:lock_log := ent:lock_log.defaultsTo([]).append({
        "device": device_id,
        "locked": wants_locked,
        "at": time:now()
      }).slice(99)
    } else {
      raise security event "bad_code" attributes {"device": device_id}
    }
  }

  rule stale_device_sweep {
    select when home hourly_tick
    foreach stale_devices(6) setting(d, device_id)
    send_directive("stale_device", {"device": device_id, "last_seen": d{"last_seen"}})
    always {
      raise home event "devices_stale" attributes {"count": stale_devices(6).keys().length()} on final
    }
  }

  rule stale_devices_reported {
    select when home devices_stale count re#^([1-9]\d*)$# setting(n)
    notify("Devices offline", <<#{n} devices have not reported for six hours.>>)
  }

  // =====================================================================================
  // Scenes

  rule scene_requested {
    select when home scene_requested name re#^(\w+)$# setting(name)
    pre {
      steps = steps_for(name)
      room_filter = event:attrs{"room"}.defaultsTo(null)
    }
    if steps.length() > 0 then
      send_directive("scene", {"name": name, "steps": steps.length(), "room": room_filter})
    fired {
      raise home event "scene_step" attributes {"scene": name, "index": 0, "room": room_filter};
      ent:last_scene := {"name": name, "at": time:now()}
    } else {
      error info <<no scene called #{name}>>
    }
  }

  rule scene_step_applied {
    select when home scene_step
      scene re#^(\w+)$#
      index re#^(\d+)$#
      setting(name, step_index)
    pre {
      steps = steps_for(name)
      i = step_index.as("Number")
      step = steps[i]
      room_filter = event:attrs{"room"}.defaultsTo(null)
      targets = devices_of_kind(step{"kind"}).filter(function(d) {
        room_filter => d{"room"} == room_filter | true
      })
    }
    if step then every {
      send_directive("scene_step", {"scene": name, "index": i, "targets": targets.keys()})
    }
    fired {
      ent:devices := devices().map(function(d, device_id) {
        targets >< device_id => apply_step(d, step) | d
      });
      raise home event "scene_step" attributes {"scene": name, "index": i + 1, "room": room_filter}
        if i + 1 < steps.length();
      raise home event "scene_done" attributes {"scene": name}
        if i + 1 >= steps.length()
    }
  }

  rule scene_done_announced {
    select when home scene_done scene re#^(\w+)$# setting(name)
    pre {
      living = rooms_on_floor(0).keys().head()
    }
    if not quiet_hours() && living then speak(living, <<Scene #{name} is ready.>>)
  }

  rule scene_saved {
    select when home scene_saved name re#^(\w{1,20})$# setting(name)
    pre {
      steps = event:attrs{"steps"}.defaultsTo([])
      valid = steps.all(function(s) { is_known_kind(s{"kind"}) && s{"set"}.typeof() == "Map" })
    }
    if valid then send_directive("scene_saved", {"name": name})
    fired {
      ent:scenes := scenes().put([name], {"name": name, "steps": steps})
    } else {
      error warn <<scene #{name} has invalid steps>>
    }
  }

  rule scene_deleted {
    select when home scene_deleted name re#^(\w+)$# setting(name)
    if scene(name) then noop()
    fired {
      ent:scenes := scenes().delete([name])
    }
  }

  rule morning_routine {
    select when home daily_tick hour re#^7$#
    if not nobody_home() then noop()
    fired {
      raise home event "scene_requested" attributes {"name": "morning"}
    }
  }

  // =====================================================================================
  // Energy

  rule meter_reading {
    select when meter reading
      device_id re#^(.+)$#
      kwh re#^(\d+(\.\d+)?)$#
      setting(device_id, kwh)
    pre {
      today = time:strftime(time:now(), "%F")
      amount = kwh.as("Number")
      so_far = energy_today(){device_id}.defaultsTo(0)
    }
    always {
      ent:energy{[today, device_id]} := so_far + amount;
      raise energy event "high_usage" attributes {"device": device_id, "kwh": so_far + amount}
        if so_far + amount > 5
    }
  }

  rule high_usage_alert {
    select when energy high_usage
      device re#^(.+)$#
      kwh re#^(\d+(\.\d+)?)$#
      setting(device_id, kwh)
    pre {
      d = device(device_id)
      cost = cost_of(kwh.as("Number"))
    }
    if d && not quiet_hours() then
      notify("High energy use", <<#{d{"label"}} used #{kwh} kWh today (about #{cost} EUR).>>)
  }

  rule energy_rollover {
    select when home daily_tick hour re#^0$#
    pre {
      keep = ent:energy.defaultsTo({}).keys().sort().reverse().slice(89)
    }
    always {
      ent:energy := ent:energy.defaultsTo({}).filter(function(v, day) { keep >< day })
    }
  }

  rule heavy_users_report {
    select when energy report_requested
    foreach heavy_users() setting(kwh, device_id)
    send_directive("heavy_user", {"device": device_id, "kwh": kwh, "cost": cost_of(kwh)})
  }

  rule plug_auto_off {
    select when energy high_usage device re#^(.+)$# setting(device_id)
    pre {
      d = device(device_id)
      is_plug = d{"kind"} == "plug"
      allowed = d{"label"}.match(re#(heater|kettle|iron)#i)
    }
    if is_plug && allowed then set_device_state(device_id, {"on": false})
    fired {
      log info <<switched off #{device_id} to save energy>>
    }
  }

  // =====================================================================================
  // Security

  rule alarm_armed {
    select when security arm
      code re#^(\d{4,8})$#
      mode re#^(away|night)$#
      setting(code, mode)
    pre {
      ok = valid_code(code)
      doors = open_doors()
    }
    if ok && doors.length() == 0 then every {
      send_directive("alarm", {"armed": true, "mode": mode})
      notify("Alarm armed", <<The alarm is armed (#{mode}).>>)
    }
    fired {
      ent:alarm := {"armed": true, "mode": mode, "since": time:now(), "triggered": false}
    } else {
      raise security event "arm_refused" attributes {
        "reason": ok => "doors open" | "bad code",
        "doors": doors.keys()
      }
    }
  }

  rule alarm_disarmed {
    select when security disarm code re#^(\d{4,8})$# setting(code)
    if valid_code(code) then every {
      send_directive("alarm", {"armed": false})
      schedule:remove(ent:siren_job.defaultsTo(""))
    }
    fired {
      ent:alarm := {"armed": false, "mode": "off", "since": time:now(), "triggered": false};
      clear ent:siren_job
    } else {
      raise security event "bad_code" attributes {"device": "keypad"}
    }
  }

  rule arm_refused_explained {
    select when security arm_refused reason re#^(.+)$# setting(reason)
    pre {
      doors = event:attrs{"doors"}.defaultsTo([])
      detail = doors.length() > 0 => " Open: " + doors.join(", ") + "." | ""
    }
    notify("Alarm not armed", "Reason: " + reason + "." + detail, "high")
  }

  rule bad_code_counted {
    select when security bad_code
    pre {
      attempts = ent:bad_codes.defaultsTo(0) + 1
    }
    if attempts >= 3 then notify("Security", <<#{attempts} wrong codes entered>>, "high")
    always {
      ent:bad_codes := attempts;
      raise security event "lockout" if attempts >= 5
    }
  }

  rule lockout {
    select when security lockout
    always {
      ent:locked_out_until := time:add(time:now(), {"minutes": 15});
      schedule security event "lockout_over" at ent:locked_out_until
    }
  }

  rule lockout_over {
    select when security lockout_over
    always {
      ent:bad_codes := 0;
      clear ent:locked_out_until
    }
  }

  rule motion_while_armed {
    select when sensor motion device_id re#^(.+)$# setting(device_id)
      where alarm_armed()
    pre {
      d = device(device_id)
      place = room(d{"room"}){"name"}.defaultsTo("an unknown room")
    }
    notify("Motion detected", <<Motion in #{place} while the alarm is armed.>>, "high")
    fired {
      ent:alarm{"triggered"} := true;
      ent:alarm_log := ent:alarm_log.defaultsTo([]).append({"device": device_id, "at": time:now()});
      schedule security event "siren" at time:add(time:now(), {"seconds": 30}) setting(job);
      ent:siren_job := job
    }
  }

  rule siren {
    select when security siren
    if alarm_state(){"triggered"} then every {
      http:post("https://bridge.example.com/siren", json = {"on": true, "seconds": 120})
      notify("ALARM", "The siren is sounding at " + home_name + ".", "high")
    }
  }

  rule door_left_open {
    select when sensor door_open device_id re#^(.+)$# setting(device_id)
      before sensor door_closed
      within 10 minutes
    pre {
      d = device(device_id)
    }
    notify("Door open", <<#{d{"label"}.defaultsTo(device_id)} has been open for a while.>>)
  }

  rule smoke_detected {
    select when sensor smoke or sensor co2 level re#^(\d+)$# setting(level)
    pre {
      everyone = who_is_home()
    }
    every {
      notify("Smoke or CO2", <<Check the house now. People at home: #{everyone.join(", ")}>>, "high")
      http:post("https://bridge.example.com/siren", json = {"on": true, "seconds": 600, "level": level})
    }
    always {
      ent:alarm_log := ent:alarm_log.defaultsTo([]).append({"kind": "smoke", "at": time:now()})
    }
  }

  rule water_leak {
    select when sensor water device_id re#^(.+)$# wet re#^true$# setting(device_id)
    pre {
      place = room(device(device_id){"room"}){"name"}
    }
    notify("Water leak", <<Water detected in #{place.defaultsTo("the house")}.>>, "high")
  }

  // =====================================================================================
  // Residents and presence

  rule resident_added {
    select when home resident_added
      person_id re#^([a-z]+)$#
      name re#^(.+)$#
      setting(person_id, name)
    pre {
      phone = event:attrs{"phone"}.defaultsTo(null)
      person = {"id": person_id, "name": name, "phone": phone, "home": false, "seen": null}
    }
    if not (residents() >< person_id) then send_directive("resident_added", person)
    fired {
      ent:residents{person_id} := person
    }
  }

  rule resident_removed {
    select when home resident_removed person_id re#^(.+)$# setting(person_id)
    always {
      clear ent:residents{person_id}
    }
  }

  rule arrived_home {
    select when presence arrived person_id re#^(.+)$# setting(person_id)
    pre {
      person = residents(){person_id}
      first_one = nobody_home()
    }
    if person then every {
      send_directive("welcome", {"text": greeting_for(person)})
      speak("hall", greeting_for(person))
    }
    fired {
      ent:residents{[person_id, "home"]} := true;
      ent:residents{[person_id, "seen"]} := time:now();
      raise security event "disarm_on_arrival" attributes {"person": person_id} if first_one && alarm_armed();
      raise home event "scene_requested" attributes {"name": "morning"} if first_one && not quiet_hours()
    }
  }

  rule left_home {
    select when presence left person_id re#^(.+)$# setting(person_id)
    pre {
      person = residents(){person_id}
      remaining = who_is_home().filter(function(p) { p != person_id })
    }
    if person then noop()
    fired {
      ent:residents{[person_id, "home"]} := false;
      ent:residents{[person_id, "seen"]} := time:now();
      raise home event "everyone_left" if remaining.length() == 0
    }
  }

  rule everyone_left {
    select when home everyone_left
    pre {
      doors = open_doors()
      lights_on = devices_of_kind("light").filter(function(d) { d{["state", "on"]} })
    }
    every {
      notify("Everyone left", <<#{lights_on.keys().length()} lights on, #{doors.keys().length()} doors unlocked.>>)
    }
    fired {
      raise home event "scene_requested" attributes {"name": "away"}
    }
  }

  rule disarm_on_arrival {
    select when security disarm_on_arrival person re#^(.+)$# setting(person_id)
    pre {
      trusted = ent:trusted.defaultsTo([]) >< person_id
    }
    if trusted then send_directive("alarm", {"armed": false, "by": person_id})
    fired {
      ent:alarm := alarm_state().put(["armed"], false).put(["mode"], "off")
    }
  }

  rule trusted_resident {
    select when security trust person_id re#^(.+)$# trusted re#^(true|false)$# setting(person_id, trusted)
    always {
      ent:trusted := trusted == "true"
        => ent:trusted.defaultsTo([]).append(person_id).unique()
        | ent:trusted.defaultsTo([]).filter(function(p) { p != person_id })
    }
  }

  rule code_changed {
    select when security code_changed
      old re#^(\d{4,8})$#
      new re#^(\d{4,8})$#
      setting(old_code, new_code)
    if valid_code(old_code) || not ent:alarm_code then
      send_directive("code_changed", {"length": new_code.length()})
    fired {
      ent:alarm_code := new_code
    } else {
      raise security event "bad_code" attributes {"device": "app"}
    }
  }

  // =====================================================================================
  // Reminders

  rule reminder_added {
    select when reminder added
      text re#^(.{1,200})$#
      due re#^(\d{4}-\d{2}-\d{2}T[\d:.]+Z?)$#
      setting(text, due)
    pre {
      id = next_reminder_id()
      for_whom = event:attrs{"for"}.defaultsTo("everyone")
      reminder = {"id": id, "text": text, "due": due, "for": for_whom, "done": false}
    }
    send_directive("reminder_added", reminder)
    always {
      ent:reminders := reminders().append(reminder);
      schedule reminder event "due" at due attributes {"id": id}
    }
  }

  rule reminder_due {
    select when reminder due id re#^(\d+)$# setting(id)
    pre {
      number = id.as("Number")
      reminder = reminders().filter(function(r) { r{"id"} == number }).head()
      target = reminder{"for"}
      people = target == "everyone" => who_is_home() | [target]
    }
    if reminder && not reminder{"done"} then every {
      notify("Reminder", reminder{"text"})
      speak("kitchen", <<Reminder for #{people.join(" and ")}: #{reminder{"text"}}>>)
    }
    fired {
      ent:reminders := reminders().map(function(r) {
        r{"id"} == number => r.put(["done"], true) | r
      })
    }
  }

  rule reminder_snoozed {
    select when reminder snooze
      id re#^(\d+)$#
      minutes re#^(\d{1,3})$#
      setting(id, minutes)
    pre {
      until = time:add(time:now(), {"minutes": minutes.as("Number")})
    }
    always {
      schedule reminder event "due" at until attributes {"id": id} setting(job);
      ent:snoozed := ent:snoozed.defaultsTo({}).put([id], job)
    }
  }

  rule reminders_cleaned {
    select when home daily_tick hour re#^3$#
    pre {
      open = reminders().filter(function(r) { not r{"done"} })
      removed = reminders().length() - open.length()
    }
    always {
      ent:reminders := open;
      clear ent:snoozed;
      log debug <<removed #{removed} finished reminders>>
    }
  }

  rule due_reminder_sweep {
    select when home hourly_tick
    foreach due_reminders() setting(r)
    always {
      raise reminder event "due" attributes {"id": r{"id"}}
    }
  }

  // =====================================================================================
  // Clock

  rule clock_started {
    select when wrangler ruleset_installed or system online
    always {
      schedule home event "hourly_tick" repeat "0 * * * *" setting(hourly);
      schedule home event "daily_tick" repeat "5 0 * * *" attributes {"hour": 0} setting(daily);
      ent:clock_jobs := [hourly, daily]
    }
  }

  rule hourly_tick_fans_out {
    select when home hourly_tick
    pre {
      hour = time:strftime(time:now(), "%H").as("Number")
    }
    always {
      raise home event "daily_tick" attributes {"hour": hour} if hour == 3 || hour == 7;
      raise home event "health_check"
    }
  }

  rule clock_stopped {
    select when wrangler rulesets_need_to_cleanup
    foreach ent:clock_jobs.defaultsTo([]) setting(job)
    schedule:remove(job)
    always {
      clear ent:clock_jobs on final
    }
  }

  // =====================================================================================
  // Health and reports

  rule health_check {
    select when home health_check
    pre {
      report = health()
      was_ok = ent:last_health{"ok"}.defaultsTo(true)
    }
    if not report{"ok"} && was_ok then
      notify("Home health", report{"problems"}.join("; "))
    always {
      ent:last_health := report
    }
  }

  rule weekly_report_sent {
    select when home weekly_report_requested or home daily_tick hour re#^7$# where time:strftime(time:now(), "%u") == "1"
    pre {
      report = weekly_report()
      body = <<
        #{report{"home"}}: #{report{"rooms"}} rooms, #{report{"devices"}} devices.
        Energy this week: #{report{"kwh"}} kWh (#{report{"cost"}} EUR).
        Low batteries: #{report{"low_battery"}.length() == 0 => "none" | report{"low_battery"}.join(", ")}.
        Alarms so far: #{report{"alarms"}}.
      >>
    }
    every {
      notify("Weekly report", body)
      send_directive("weekly_report", report)
    }
  }

  rule battery_report {
    select when home battery_report_requested
    foreach low_battery() setting(d, device_id)
    pre {
      line = <<#{d{"label"}}: #{d{"battery"}}%>>
    }
    send_directive("battery", {"device": device_id, "line": line})
  }

  rule device_catalog {
    select when home catalog_requested
    foreach rooms() setting(r, room_id)
    foreach devices_in(room_id) setting(d, device_id)
    send_directive("catalog_entry", {
      "room": r{"name"},
      "device": device_id,
      "description": describe_device(d)
    })
  }

  // =====================================================================================
  // Voice commands

  rule voice_command {
    select when voice command text re#^(.+)$# setting(text)
    pre {
      words = text.lc().split(re#\s+#)
      verb = words.head()
      rest = words.tail().join(" ")
      intent = verb == "turn" || verb == "switch" => "switch" |
               verb == "set" => "set" |
               verb == "lock" || verb == "unlock" => "lock" |
               verb == "scene" || verb == "start" => "scene" |
               verb == "remind" => "remind" |
               "unknown"
    }
    choose intent {
      switch => send_directive("voice", {"intent": "switch", "args": rest})
      set => send_directive("voice", {"intent": "set", "args": rest})
      lock => send_directive("voice", {"intent": "lock", "args": rest, "lock": verb == "lock"})
      scene => send_directive("voice", {"intent": "scene", "args": rest})
      remind => send_directive("voice", {"intent": "remind", "args": rest})
      unknown => send_directive("voice", {"intent": "unknown", "heard": text})
    }
    fired {
      raise voice event intent attributes {"args": rest, "verb": verb}
    }
  }

  rule voice_switch {
    select when voice switch args re#^(on|off) (.+)$# setting(state, name)
    pre {
      wanted = state == "on"
      matches = devices_of_kind("light").filter(function(d) { d{"label"}.lc().contains(name) })
    }
    if matches.length() > 0 then every {
      send_directive("voice_switch", {"devices": matches.keys(), "on": wanted})
    }
    fired {
      raise home event "light_switch" attributes {"device_id": matches.keys().head(), "on": wanted.as("String")}
    } else {
      raise voice event "not_understood" attributes {"text": name}
    }
  }

  rule voice_set {
    select when voice set args re#^(\w+) to (\d+)$# setting(what, value)
    pre {
      number = value.as("Number")
      thermostat = devices_of_kind("thermostat").keys().head()
      light = devices_of_kind("light").keys().head()
    }
    if what == "temperature" && thermostat then
      set_device_state(thermostat, {"target": number})
    notfired {
      raise home event "light_dim" attributes {"device_id": light, "level": value} if what == "light" && light
    }
  }

  rule voice_scene {
    select when voice scene args re#^(\w+)$# setting(name)
    always {
      raise home event "scene_requested" attributes {"name": name}
    }
  }

  rule voice_remind {
    select when voice remind args re#^me to (.+) in (\d+) minutes?$# setting(what, minutes)
    pre {
      due = time:add(time:now(), {"minutes": minutes.as("Number")})
    }
    always {
      raise reminder event "added" attributes {"text": what, "due": due}
    }
  }

  rule voice_not_understood {
    select when voice not_understood or voice unknown
    pre {
      heard = event:attrs{"text"}.defaultsTo(event:attrs{"args"}.defaultsTo(""))
    }
    speak("hall", <<Sorry, I did not understand "#{heard}".>>)
  }

  // =====================================================================================
  // Weather

  rule weather_fetched {
    select when home hourly_tick
    http:get("https://weather.example.com/v2/now", qs = {"q": home_name, "units": "metric"}) setting(response)
    fired {
      ent:weather := response{"content"}.decode();
      raise weather event "updated" attributes ent:weather if response{"status_code"} == 200
    }
  }

  rule storm_warning {
    select when weather updated wind re#^(\d+)$# setting(wind)
    pre {
      speed = wind.as("Number")
      blinds = devices_of_kind("blind").keys()
    }
    if speed > 60 then every {
      notify("Storm", <<Wind at #{speed} km/h, closing #{blinds.length()} blinds.>>, "high")
    }
    fired {
      raise home event "blind_set" attributes {"device_id": blinds.head(), "position": "0"} if blinds.length() > 0
    }
  }

  rule frost_protection {
    select when weather updated temp re#^(-?\d+(\.\d+)?)$# setting(temp)
    foreach devices_of_kind("thermostat") setting(d, device_id)
    pre {
      outside = temp.as("Number")
      target = d{["state", "target"]}.defaultsTo(20)
    }
    if outside < -5 && target < 12 then set_device_state(device_id, {"target": 12})
  }

  // =====================================================================================
  // Guests

  rule guest_invited {
    select when guest invited
      name re#^(.{1,40})$#
      from re#^(\d{4}-\d{2}-\d{2})$#
      to re#^(\d{4}-\d{2}-\d{2})$#
      setting(name, from, to)
    pre {
      code = random:integer(100000, 999999).as("String")
      guest = {"name": name, "from": from, "to": to, "code": code}
    }
    notify("Guest code", <<Code for #{name}: #{code} (valid #{from} to #{to})>>)
    fired {
      ent:guests := ent:guests.defaultsTo([]).append(guest)
    }
  }

  rule guest_code_used {
    select when guest code code re#^(\d{6})$# setting(code)
    pre {
      today = time:strftime(time:now(), "%F")
      guest = ent:guests.defaultsTo([]).filter(function(g) {
        g{"code"} == code && g{"from"} <= today && today <= g{"to"}
      }).head()
      front = devices_of_kind("lock").keys().head()
    }
    if guest && front then every {
      set_device_state(front, {"locked": false})
      notify("Guest arrived", <<#{guest{"name"}} opened the front door.>>)
    }
    notfired {
      raise security event "bad_code" attributes {"device": "guest keypad"}
    }
  }

  rule guests_expired {
    select when home daily_tick hour re#^0$#
    pre {
      today = time:strftime(time:now(), "%F")
    }
    always {
      ent:guests := ent:guests.defaultsTo([]).filter(function(g) { g{"to"} >= today })
    }
  }

  // =====================================================================================
  // Automations: "when X then Y" rules that residents define in the app

  rule automation_saved {
    select when automation saved
      automation_id re#^([a-z0-9-]{1,32})$#
      trigger re#^(\w+):(\w+)$#
      setting(automation_id, trigger_domain, trigger_type)
    pre {
      action_event = event:attrs{"then"}.defaultsTo({})
      enabled = event:attrs{"enabled"}.defaultsTo(true)
      automation = {
        "id": automation_id,
        "when": {"domain": trigger_domain, "type": trigger_type},
        "then": action_event,
        "enabled": enabled,
        "runs": 0
      }
    }
    if action_event{"domain"} && action_event{"type"} then
      send_directive("automation_saved", automation)
    fired {
      ent:automations{automation_id} := automation
    } else {
      error warn <<automation #{automation_id} has no action event>>
    }
  }

  rule automation_deleted {
    select when automation deleted automation_id re#^(.+)$# setting(automation_id)
    always {
      clear ent:automations{automation_id}
    }
  }

  rule automation_matcher {
    select when home devices_changed or home rooms_changed or presence arrived or presence left
      or sensor motion or sensor door_open or weather updated
    foreach ent:automations.defaultsTo({}) setting(a, automation_id)
    pre {
      trigger = a{"when"}
      hit = a{"enabled"} && trigger{"domain"} == event:domain && trigger{"type"} == event:name
      next = a{"then"}
    }
    if hit then send_directive("automation_fired", {"id": automation_id})
    fired {
      raise event next{"domain"} + ":" + next{"type"} attributes next{"attrs"}.defaultsTo({});
      ent:automations{[automation_id, "runs"]} := a{"runs"} + 1
    }
  }

  // =====================================================================================
  // Cameras

  rule camera_snapshot {
    select when camera motion device_id re#^(.+)$# setting(device_id)
    pre {
      url = <<https://bridge.example.com/cameras/#{device_id}/snapshot.jpg?t=#{time:now()}>>
      armed = alarm_armed()
    }
    if armed then every {
      http:get(url) setting(image)
      notify("Camera", <<Motion on #{describe_device(device(device_id))}>>, "high")
    }
    fired {
      ent:snapshots := ent:snapshots.defaultsTo([]).append({
        "device": device_id,
        "at": time:now(),
        "bytes": image{"content"}.length()
      }).slice(49)
    }
  }

  rule camera_privacy {
    select when presence arrived or presence left
    foreach devices_of_kind("camera").keys() setting(camera_id)
    pre {
      someone_home = not nobody_home()
    }
    set_device_state(camera_id, {"recording": not someone_home})
  }

  rule snapshots_listed {
    select when camera list_requested
    pre {
      recent = ent:snapshots.defaultsTo([]).reverse().slice(9)
    }
    send_directive("snapshots", {"recent": recent, "total": ent:snapshots.defaultsTo([]).length()})
  }

  // =====================================================================================
  // Music

  rule music_play {
    select when music play
      room_id re#^(.+)$#
      playlist re#^(.+)$#
      setting(room_id, playlist)
    pre {
      speakers = devices_in(room_id).filter(function(d) { d{"kind"} == "speaker" })
      volume = quiet_hours() => 10 | event:attrs{"volume"}.defaultsTo(30).as("Number")
    }
    if speakers.length() > 0 then every {
      http:post("https://bridge.example.com/music", json = {
        "speakers": speakers.keys(),
        "playlist": playlist,
        "volume": volume
      }) setting(started)
      send_directive("music", {"room": room_id, "playlist": playlist, "ok": started{"status_code"} == 200})
    }
  }

  rule music_follow_me {
    select when presence moved
      person_id re#^(.+)$#
      room_id re#^(.+)$#
      setting(person_id, room_id)
    pre {
      playing = ent:now_playing.defaultsTo({}){person_id}
    }
    if playing && playing{"room"} != room_id then noop()
    fired {
      raise music event "play" attributes {"room_id": room_id, "playlist": playing{"playlist"}};
      ent:now_playing{[person_id, "room"]} := room_id
    }
  }

  rule music_stop_all {
    select when music stop_all or home everyone_left
    foreach devices_of_kind("speaker") setting(d, speaker_id)
    if d{["state", "playing"]} then set_device_state(speaker_id, {"playing": null})
    always {
      clear ent:now_playing on final
    }
  }

  // =====================================================================================
  // Garden

  rule irrigation_planned {
    select when home daily_tick hour re#^3$#
    pre {
      forecast = ent:weather{"rain_mm"}.defaultsTo(0)
      moisture = devices_of_kind("sensor").filter(function(d) { d{"label"}.match(re#soil#i) })
        .values().map(function(d) { d{["state", "moisture"]}.defaultsTo(50) })
      driest = moisture.sort("numeric").head().defaultsTo(50)
      minutes = forecast > 5 => 0 | driest < 20 => 30 | driest < 35 => 15 | 0
    }
    if minutes > 0 then send_directive("irrigation", {"minutes": minutes, "driest": driest})
    fired {
      schedule garden event "water" at time:add(time:now(), {"hours": 2}) attributes {"minutes": minutes}
    }
  }

  rule irrigation_run {
    select when garden water minutes re#^(\d+)$# setting(minutes)
    every {
      http:post("https://bridge.example.com/valves/garden", json = {"open": true, "minutes": minutes.as("Number")})
      send_directive("watering", {"minutes": minutes})
    }
    always {
      ent:watered := ent:watered.defaultsTo([]).append({"at": time:now(), "minutes": minutes}).slice(29)
    }
  }

  rule irrigation_history {
    select when garden history_requested
    pre {
      runs = ent:watered.defaultsTo([])
      total = runs.map(function(r) { r{"minutes"}.as("Number") }).reduce(function(a, b) { a + b }, 0)
    }
    send_directive("irrigation_history", {"runs": runs.length(), "total_minutes": total})
  }

  // =====================================================================================
  // Maintenance

  rule filter_change_due {
    select when home daily_tick hour re#^7$#
    pre {
      last_change = ent:filter_changed.defaultsTo("2020-01-01T00:00:00Z")
      due = time:add(last_change, {"days": 90}) < time:now()
    }
    if due then notify("Maintenance", "The ventilation filter is due for a change.", "low")
  }

  rule filter_changed {
    select when home filter_changed
    always {
      ent:filter_changed := time:now()
    }
  }

  rule firmware_available {
    select when bridge firmware
      device_id re#^(.+)$#
      version re#^(\d+\.\d+\.\d+)$#
      setting(device_id, version)
    pre {
      d = device(device_id)
      current = d{"firmware"}.defaultsTo("0.0.0")
      newer = version.split(re#\.#).map(function(p) { p.as("Number") })
      older = current.split(re#\.#).map(function(p) { p.as("Number") })
      is_newer = newer[0] > older[0]
        || (newer[0] == older[0] && newer[1] > older[1])
        || (newer[0] == older[0] && newer[1] == older[1] && newer[2] > older[2])
    }
    if d && is_newer then
      http:post(<<https://bridge.example.com/devices/#{device_id}/firmware>>, json = {"version": version})
    fired {
      ent:devices{[device_id, "firmware"]} := version
    }
  }

  rule factory_reset is inactive {
    select when home factory_reset confirm re#^yes, erase everything$#
    always {
      clear ent:rooms;
      clear ent:devices;
      clear ent:scenes;
      clear ent:energy;
      clear ent:residents;
      clear ent:reminders;
      last
    }
  }

  rule debug_dump {
    select when home debug_dump
    send_directive("dump", {
      "rooms": rooms(),
      "devices": devices(),
      "alarm": alarm_state(),
      "residents": residents(),
      "reminders": reminders(),
      "automations": ent:automations.defaultsTo({}),
      "lock_log": ent:lock_log.defaultsTo([]),
      "last_scene": ent:last_scene,
      "health": ent:last_health,
      "locked_out_until": ent:locked_out_until
    })
  }

  // =====================================================================================
  // Notification preferences

  rule preference_set {
    select when notify preference_set
      person_id re#^(.+)$#
      channel re#^(push|sms|email|none)$#
      setting(person_id, channel)
    pre {
      quiet = event:attrs{"quiet"}.defaultsTo(true)
      known = residents() >< person_id
    }
    if known then send_directive("preference", {"person": person_id, "channel": channel, "quiet": quiet})
    fired {
      ent:preferences{person_id} := {"channel": channel, "quiet": quiet, "updated": time:now()}
    } else {
      error info <<no resident #{person_id}>>
    }
  }

  rule preference_summary {
    select when notify preferences_requested
    foreach ent:preferences.defaultsTo({}) setting(p, person_id)
    pre {
      name = residents(){[person_id, "name"]}.defaultsTo(person_id)
      text = p{"channel"} == "none"
        => <<#{name} gets no notifications>>
        | <<#{name} gets #{p{"channel"}} notifications#{p{"quiet"} => ", except at night" | ""}>>
    }
    send_directive("preference_summary", {"person": person_id, "text": text})
  }

  rule digest_sent {
    select when home daily_tick hour re#^7$#
    foreach ent:preferences.defaultsTo({}) setting(p, person_id)
    pre {
      person = residents(){person_id}
      due = due_reminders().filter(function(r) { r{"for"} == person_id || r{"for"} == "everyone" })
      wants_digest = p{"channel"} != "none" && due.length() > 0
    }
    if person && wants_digest then
      notify(<<Good morning #{person{"name"}}>>, due.map(function(r) { "- " + r{"text"} }).join("\n"), "low")
  }
}
