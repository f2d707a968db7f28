ruleset probe.busy {
  meta {
    shares hello
  }
  global {
    hello = function() { "hello" }
  }
  // Keeps its pico busy for as long as the URL takes to answer (the probe's hanging server).
  rule wait_on_url {
    select when probe fetch
    http:get(event:attrs{"url"}) setting(response)
  }
  rule tick {
    select when probe tick
    send_directive("tick")
  }
}
