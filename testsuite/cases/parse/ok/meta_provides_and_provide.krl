//> mode = "parse"
ruleset t.provides {
  meta {
    provides temperature, humidity, pressure
    provide dew_point
  }
}
