//! `krl explain CODE`: the long description of a diagnostic code.

use crate::exit;

#[derive(clap::Args)]
pub struct Args {
    /// A code such as `E0102`, or its name such as `missing-then`.
    code: String,
}

pub fn run(args: Args) -> u8 {
    match krl_diagnostics::codes::lookup(&args.code) {
        Some(info) => {
            println!("{} {}\n\n{}", info.code.id, info.code.name, info.explanation);
            exit::OK
        }
        None => {
            eprintln!("error: unknown diagnostic code `{}`", args.code);
            exit::USAGE
        }
    }
}
