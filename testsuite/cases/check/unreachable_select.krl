//> mode = "check"
ruleset t.unreachable_select {
  rule too_many {
    select when any 2 (door opened, door closed)
//                  ^ warning[W0111]
    noop()
  }
  rule never_true {
    select when door opened where false and door closed
//                                ^^^^^ warning[W0111]
    noop()
  }
  rule nested {
    select when any 3 (a b, c d, e f) or g h
//                  ^ warning[W0111]
    noop()
  }
  rule lone_event {
    select when door opened where ""
//                                ^^ warning[W0111]
    noop()
  }
  rule fine_any {
    select when any 1 (door opened, door closed)
    noop()
  }
  rule fine_or {
    select when door opened where false or door closed
    noop()
  }
  rule fine_not_between {
    select when door opened where false not between (door closed, door locked)
    noop()
  }
}
