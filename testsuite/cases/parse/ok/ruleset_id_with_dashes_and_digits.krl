//> mode = "parse"
// Parts are words joined by `.` or `-`; digits may follow the first letter of a part.
ruleset io.example.fleet-tracker.v2 {
}
