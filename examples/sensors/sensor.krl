// A temperature sensor pico: records readings and reports hot ones to its collector.
ruleset org.example.sensor {
  meta {
    name "sensor"
    description <<
      Keeps the last readings of one thermometer and tells the collector about hot ones.
    >>
    configure using threshold = 30
    shares readings, latest
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

  rule report_hot {
    select when sensor threshold_exceeded
    // Until a collector is assigned there is no one to tell.
    if ent:collector_eci then event:send({
      "eci": ent:collector_eci,
      "domain": "collector",
      "type": "hot_reading",
      "attrs": event:attrs,
    })
  }

  rule remember_collector {
    select when sensor collector_assigned eci re#(.+)# setting(eci)
    always {
      ent:collector_eci := eci
    }
  }
}
