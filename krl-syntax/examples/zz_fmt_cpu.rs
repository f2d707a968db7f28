//! Temporary CPU-time measurement (not committed).
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap().split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}
fn main() {
    let src = include_str!("../benches/data/fmt_large.krl");
    let parse = krl_syntax::parse_ruleset(krl_diagnostics::FileId(0), src);
    let opts = krl_syntax::fmt::FormatOptions::default();
    let n = 300;
    let t0 = cpu_ticks();
    for _ in 0..n {
        std::hint::black_box(krl_syntax::fmt::format_ruleset(src, &parse, &opts).unwrap());
    }
    let t1 = cpu_ticks();
    println!("format only: {:.2} ms CPU per run", (t1 - t0) as f64 * 10.0 / n as f64);
}
