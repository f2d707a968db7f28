// A collector pico: gathers hot readings from many sensors and summarises them.
ruleset org.example.collector {
  meta {
    name "collector"
    shares hot_readings, summary
  }

  global {
    hot_readings = function() {
      ent:hot.defaultsTo([])
    }
    summary = function() {
      temps = hot_readings().map(function(r) {
        r{"temperature"}.as("Number")
      });
      {
        "count": temps.length(),
        "max": temps.length() > 0
          => temps.reduce(function(a, b) {
            a > b => a | b
          })
          | null,
      }
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
