//> mode = "check"
ruleset t.duplicate_meta_property {
  meta {
    name "first"
    description "one description"
    name "second"
//  ^^^^ error[E0214]
    author "Ada"
    author "Grace"
//  ^^^^^^ error[E0214]
    version "1"
  }
}
