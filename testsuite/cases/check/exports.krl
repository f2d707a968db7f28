//> mode = "check"
ruleset t.exports {
  meta {
    shares current, missing, notify, __testing
//                  ^^^^^^^ error[E0202]
//                           ^^^^^^ error[E0203]
    provides current, notify, absent
//                            ^^^^^^ error[E0202]
  }
  global {
    current = function() { 1 }
    notify = defaction() { noop() }
  }
}
