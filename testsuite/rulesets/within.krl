// Event expressions limited in time with `within`, and counting expressions.
ruleset test.within {
  rule quick_pair {
    select when pair a before pair b within 2 minutes
    send_directive("quick pair")
  }

  rule burst {
    select when count 3 (tap tap) within 10 seconds
    send_directive("burst")
  }

  rule any_two {
    select when any 2 (sense smoke, sense heat, sense noise) within 1 minute
    send_directive("alarm")
  }

  rule sum_of_three {
    select when repeat 3 (meter reading watts re#(\d+)#) sum(total)
    send_directive("total", {"watts": total})
  }
}
