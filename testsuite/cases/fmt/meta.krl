ruleset fmt.meta{meta{name "meta" description <<
  A description, kept verbatim.
    Indentation inside is text.
>> author "someone"
logging on
key api_key "abc"
use module io.picolabs.wrangler alias wrangler
use module some.other alias other with a = 1 and b = "two"
configure using threshold = 30
configure using one = 1 two = 2
errors to some.errors
provides a, b, c
provides keys api_key to some.rid, other.rid
shares a, b
share c
}
global { a = 1 b = 2 c = 3 }
}
