// A temperature sensor pico: records readings and reports hot ones to its collector over a
// subscription.
ruleset org.example.sensor {
  meta {
    name "sensor"
    description <<
      Keeps the last readings of one thermometer and tells the collector about hot ones.
    >>
    configure using threshold = 30
    shares readings, latest, reading_eci
  }

  global {
    readings = function() {
      ent:readings.defaultsTo([])
    }
    latest = function() {
      readings().head()
    }
    too_hot = function(temperature) {
      temperature.as("Number") > threshold
    }
    // The channel thermometers send readings to and anyone may query.
    reading_eci = function() {
      ctx:channels.filter(function(c) {
        c{"tags"} == ["readings"]
      }).head(){"id"}
    }
  }

  // Installed by the collector: open the readings channel and subscribe to the collector.
  rule set_up {
    select when wrangler ruleset_installed where event:attrs{"rids"} >< meta:rid
    ctx:upsertChannel(
      tags = ["readings"],
      eventPolicy = {"allow": [{"domain": "sensor", "name": "reading"}], "deny": []},
      queryPolicy = {"allow": [{"rid": meta:rid, "name": "*"}], "deny": []},
    )
    fired {
      raise wrangler event "subscription"
        attributes {
          "wellKnown_Tx": event:attrs{"collector_eci"},
          "name": event:attrs{"name"}.defaultsTo(meta:picoId),
          "Rx_role": "sensor",
          "Tx_role": "collector",
        } if event:attrs{"collector_eci"}
    }
  }

  rule record_reading {
    select when sensor reading temperature re#^(-?\d+(?:\.\d+)?)$# setting(raw)
    pre {
      temperature = raw.as("Number")
      entry = {"temperature": temperature, "time": time:now()}
    }
    send_directive("recorded", entry)
    fired {
      // Not `.slice(9)`: that gives [] while there are fewer than ten readings.
      ent:readings := [entry].append(readings()).filter(function(r, i) {
        i < 10
      })
      raise sensor event "threshold_exceeded" attributes entry if too_hot(temperature)
    }
  }

  // To every collector this sensor is subscribed to.
  rule report_hot {
    select when sensor threshold_exceeded
    always {
      raise wrangler event "send_event_on_subs"
        attributes {
          "Tx_role": "collector",
          "domain": "collector",
          "type": "hot_reading",
          "attrs": event:attrs,
        }
    }
  }
}
