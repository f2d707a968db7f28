//> mode = "parse"
ruleset t.repeat_aggs {
  rule low { select when repeat 4 (meter read kwh re#(\d+)#) min(lowest)  noop() }
  rule total { select when repeat 4 (meter read kwh re#(\d+)#) sum(total)  noop() }
  rule mean { select when repeat 4 (meter read kwh re#(\d+)#) avg(mean)  noop() }
}
