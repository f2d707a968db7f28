//> mode = "parse"
ruleset t.error {
  rule r {
    select when t x
    always {
      error error "failed";
      error warn "odd input";
      error info "fyi";
      error debug "trace"
    }
  }
}
