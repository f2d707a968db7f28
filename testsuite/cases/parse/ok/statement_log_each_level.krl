//> mode = "parse"
ruleset t.log {
  rule r {
    select when t x
    always {
      log error "bad";
      log warn "careful";
      log info <<count is #{ent:count}>>;
      log debug {"attrs": event:attrs}
    }
  }
}
