// A collector pico: makes one child pico per sensor, subscribes each to itself, gathers the
// hot readings they report over their subscriptions and summarises them.
ruleset org.example.collector {
  meta {
    name "collector"
    use module io.picolabs.wrangler alias wrangler
    use module io.picolabs.subscription alias subscription
    shares sensors, hot_readings, summary
  }

  global {
    sensor_rid = "org.example.sensor"
    // The sensor ruleset lives next to this one, in `sensor.krl`.
    sensor_url = function() {
      parts = ctx:rid_url.split("/")
      parts.splice(parts.length() - 1, 1, "sensor.krl").join("/")
    }
    // Each sensor child with the channel its readings go to.
    sensors = function() {
      wrangler:children().map(function(child) {
        {"name": child{"name"}, "eci": ctx:query(child{"eci"}, sensor_rid, "reading_eci")}
      })
    }
    hot_readings = function() {
      ent:hot.defaultsTo([])
    }
    summary = function() {
      temps = hot_readings().map(function(r) {
        r{"temperature"}.as("Number")
      });
      {
        "sensors": subscription:established("Tx_role", "sensor").length(),
        "count": temps.length(),
        "max": temps.length() > 0
          => temps.reduce(function(a, b) {
            a > b => a | b
          })
          | null,
      }
    }
  }

  rule new_sensor {
    select when collector new_sensor name re#^(\w[\w -]*)$# setting(name)
    send_directive("creating", {"name": name})
    fired {
      raise wrangler event "new_child_request" attributes {"name": name, "sensor": true}
    }
  }

  // The child exists: it gets the sensor ruleset, told where to subscribe.
  rule install_sensor_ruleset {
    select when wrangler new_child_created eci re#(.+)# name re#(.+)# setting(child_eci, name) where event:attrs{"sensor"}
    event:send({
      "eci": child_eci,
      "domain": "wrangler",
      "type": "install_ruleset_request",
      "attrs": {
        "url": sensor_url(),
        "collector_eci": subscription:wellKnown_Rx(){"id"},
        "name": name,
      },
    })
  }

  // Sensors asking to report here are let in.
  rule accept_sensor {
    select when wrangler inbound_pending_subscription_added
    if event:attrs{"Tx_role"} == "sensor" then noop()
    fired {
      raise wrangler event "pending_subscription_approval" attributes event:attrs
    }
  }

  rule collect_hot_reading {
    select when collector hot_reading
    pre {
      reading = event:attrs.delete("_headers")
    }
    if reading{"temperature"} then noop()
    fired {
      ent:hot := hot_readings().append(reading)
    } else {
      log warn <<ignored a reading without temperature: #{reading.encode()}>>
    }
  }

  rule alarm_on_three_hot_readings {
    select when count 3 (collector hot_reading) within 10 minutes
    send_directive("alarm", {"message": "three hot readings within ten minutes"})
  }

  rule reset {
    select when collector reset
    always {
      clear ent:hot
    }
  }
}
