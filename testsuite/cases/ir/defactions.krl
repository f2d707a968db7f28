//> mode = "ir"
// Defactions get heap frames; their actions write `setting` slots; `configure using` and
// `use module ... with` values are evaluated in the global frame.
ruleset ir.defactions {
  meta {
    configure using greeting = "hi"
    use module ir.frames alias frames with base = 1
    provides say
  }
  global {
    say = defaction(to, loud = false) {
      text = loud => greeting.uc() | greeting
      every {
        send_directive("say", {"to": to, "text": text}) setting(sent)
        frames:add(1) setting(ignored)
      }
      return sent
    }
  }
  rule shout {
    select when say loud
    say(event:attrs{"to"}, loud = true) setting(result)
  }
}
