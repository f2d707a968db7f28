// Helps the system ruleset tests: asks a pico's wrangler to install a ruleset that lives in
// this folder (wrangler takes `absoluteURL` + `rid`), since a test file cannot know the URL.
ruleset test.system.helper {
  meta {
    shares rid_url
  }

  global {
    rid_url = function() {
      ctx:rid_url
    }
  }

  rule install_sibling {
    select when helper install_sibling eci re#(.+)# rid re#(.+)# setting(eci, rid)
    event:send({
      "eci": eci,
      "domain": "wrangler",
      "type": "install_ruleset_request",
      "attrs": {
        "absoluteURL": ctx:rid_url,
        "rid": rid,
        "config": event:attrs{"config"}.defaultsTo({}),
      },
    })
  }
}
