//> mode = "check"
ruleset t.use_module {
  meta {
    use module t.lib alias lib
    use module t.nowhere alias gone
//             ^^^^^^^^^ warning[E0216]
    shares hello
  }
  global {
    hello = function(name) {
      [lib:greeting(name), lib:greting(name), lib:secret, gone:anything]
//                         ^^^^^^^^^^^ error[E0218]
//                                            ^^^^^^^^^^ error[E0218]
    }
  }
  rule greet {
    select when t greet
    every {
      lib:greet("Ada")
      lib:wave("Ada")
//    ^^^^^^^^ error[E0218]
      http:get("https://example.com")
    }
  }
}
