//> mode = "parse"
// Matches pico-engine: reserved words are fine as ruleset id parts.
ruleset function.not.ent {
}
