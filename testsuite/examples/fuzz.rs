//! The stable-toolchain fuzzer's driver (see `testsuite::fuzz`):
//!
//! ```text
//! cargo run --release -p testsuite --example fuzz -- [TARGET...] [--seconds N] [--seed S]
//!     [--only INDEX] [--trace FILE]
//! ```
//!
//! TARGET is `parse`, `check`, `fmt`, `compile` or `params` (default: all, one after another, N
//! seconds each; default 60). `--only INDEX` reruns one input of the run with seed S.
//! `--trace FILE` writes each input's index to FILE before running it, so an input that
//! aborts the process (a stack overflow) can be found and rerun with `--only`. Each failing
//! input is printed and written to `target/fuzz/<target>-<seed>-<index>.txt`; the exit code
//! is 1 when any input failed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use testsuite::fuzz::{Budget, Target, run};

struct Args {
    targets: Vec<Target>,
    seconds: u64,
    seed: u64,
    only: Option<u64>,
    trace: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        targets: Vec::new(),
        seconds: 60,
        seed: 1,
        only: None,
        trace: None,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut number = |name: &str| {
            words
                .next()
                .and_then(|value| value.parse::<u64>().ok())
                .ok_or(format!("{name} takes a number"))
        };
        match word.as_str() {
            "--seconds" => args.seconds = number("--seconds")?,
            "--seed" => args.seed = number("--seed")?,
            "--only" => args.only = Some(number("--only")?),
            "--trace" => args.trace = Some(words.next().ok_or("--trace takes a file")?.into()),
            name => args
                .targets
                .push(Target::from_name(name).ok_or(format!("unknown target `{name}`"))?),
        }
    }
    if args.targets.is_empty() {
        args.targets = Target::ALL.to_vec();
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = workspace.join("target/fuzz");
    let mut failed = false;
    for target in args.targets {
        let seeds = target.seeds(&workspace);
        let (first, budget) = match args.only {
            Some(index) => (index, Budget::Inputs(1)),
            None => (0, Budget::Time(Duration::from_secs(args.seconds))),
        };
        let trace = |index: u64| {
            if let Some(path) = &args.trace {
                let _ = std::fs::write(path, format!("{} {} {index}\n", target.name(), args.seed));
            }
        };
        let summary = run(target, &seeds, args.seed, first, budget, trace);
        println!(
            "fuzz {}: seed {}, {} executions, {} failures ({} seed inputs)",
            target.name(),
            args.seed,
            summary.executions,
            summary.failures.len(),
            seeds.len()
        );
        for failure in &summary.failures {
            failed = true;
            let _ = std::fs::create_dir_all(&out);
            let file = out.join(format!("{}-{}-{}.txt", target.name(), args.seed, failure.index));
            let _ = std::fs::write(&file, &failure.input);
            println!(
                "  input {} ({}): {}",
                failure.index,
                file.display(),
                failure.problems.join("; ")
            );
        }
    }
    std::process::exit(i32::from(failed));
}
