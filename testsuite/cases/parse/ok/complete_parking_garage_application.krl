//> mode = "parse"
// A whole small application touching most of the grammar at once.
ruleset io.example.garage {
  meta {
    name "garage"
    description <<Counts cars in and out of one parking garage.>>
    use module io.example.billing alias billing with currency = "EUR" and rate = 2.5
    configure using capacity = 120
    shares free_spaces, occupancy
    provides free_spaces
  }
  global {
    occupancy = function() { ent:cars.defaultsTo({}).keys().length() }
    free_spaces = function() { capacity - occupancy() }
    fee = function(minutes, rate = 2.5) {
      hours = (minutes / 60).ceiling();
      hours < 1 => rate | hours * rate
    }
    open_gate = defaction(gate) {
      every {
        http:post(<<https://gates.example.com/#{gate}/open>>) setting(res)
        send_directive("gate", {"gate": gate, "status": res{"status_code"}})
      }
      return res
    }
  }
  rule car_entered {
    select when gate passed direction re#^in$# plate re#^([A-Z0-9-]+)$# setting(plate)
    pre {
      full = free_spaces() <= 0
    }
    if not full then open_gate("north")
    fired {
      ent:cars{plate} := time:now();
      raise garage event "occupancy_changed" attributes {"free": free_spaces()}
    } else {
      log warn <<garage full, #{plate} turned away>>
    }
  }
  rule car_left {
    select when gate passed direction re#^out$# plate re#(.+)# setting(plate)
      where ent:cars >< plate
    pre {
      minutes = time:diff(ent:cars{plate}, time:now()) / 60000
    }
    billing:charge(plate, amount = fee(minutes))
    always {
      clear ent:cars{plate};
      raise garage event "occupancy_changed" on final
    }
  }
  rule nightly_report {
    select when garage report_requested or time midnight
    foreach ent:cars.defaultsTo({}) setting(entered, plate)
    choose (entered < time:add(time:now(), {"days": -1}) => "stale" | "fresh") {
      stale => send_directive("stale car", {"plate": plate})
      fresh => noop()
    }
    notfired {
      error info "report skipped"
    }
  }
  rule rush_hour is inactive {
    select when count 20 (gate passed) within 10 minutes
    always {
      schedule garage event "rush_over" at time:add(time:now(), {"hours": 1})
    }
  }
}
