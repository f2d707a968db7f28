//! Parsing speed on a realistic ruleset (placeholder until the corpus lands).
fn main() {}
