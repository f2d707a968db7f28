//> mode = "parse"
ruleset t.spaces {
	global {
		a = 1
	}
}
