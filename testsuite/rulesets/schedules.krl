// Scheduled events: `schedule ... at` a time, `repeat` with a cron spec, and cancelling
// through the `schedule` module.
ruleset test.schedules {
  meta {
    shares reminders
  }

  global {
    reminders = function() {
      ent:reminders.defaultsTo([])
    }
  }

  rule remind_later {
    select when reminder set
    always {
      schedule reminder event "due"
        at time:add(time:now(), {"minutes": 5})
        attributes {"text": event:attrs{"text"}}
        setting(record)
      ent:last_id := record{"id"}
    }
  }

  rule every_hour {
    select when chime start
    always {
      schedule chime event "ring" repeat "0 * * * *"
    }
  }

  rule due {
    select when reminder due
    send_directive("due", {"text": event:attrs{"text"}, "at": time:now()})
    always {
      ent:reminders := reminders().append(event:attrs{"text"})
    }
  }

  rule ring {
    select when chime ring
    always {
      ent:rings := ent:rings.defaultsTo(0) + 1
    }
  }

  rule cancel {
    select when reminder cancel
    schedule:remove(ent:last_id)
  }
}
