//! The `krl` command: one binary for checking, formatting, running and testing KRL.

mod commands;
mod files;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// A toolchain and engine for KRL, the rule language of picos.
#[derive(Parser)]
#[command(name = "krl", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check rulesets; report problems with their source locations.
    Check(commands::check::Args),
    /// Print a ruleset's syntax tree.
    Parse(commands::parse::Args),
    /// Rewrite rulesets in the canonical layout; `--check` only reports (with a diff).
    Fmt(commands::fmt::Args),
    /// Evaluate a KRL expression and print its value as JSON.
    Eval(commands::eval::Args),
    /// An interactive KRL prompt.
    Repl(commands::repl::Args),
    /// Print the long explanation of a diagnostic code, e.g. `krl explain E0102`.
    Explain(commands::explain::Args),
    /// Run the language server over stdio (for editors).
    Lsp(commands::lsp::Args),
    /// Print a shell completion script, e.g. `krl completions bash > /etc/bash_completion.d/krl`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Exit codes shared by every command.
pub mod exit {
    /// Everything was fine.
    pub const OK: u8 = 0;
    /// The input has errors (syntax, checks, failing tests).
    pub const PROBLEMS: u8 = 1;
    /// Bad usage or an IO problem: the command could not do its job.
    pub const USAGE: u8 = 2;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Parse(args) => commands::parse::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Lsp(args) => commands::lsp::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Repl(args) => commands::repl::run(args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "krl", &mut std::io::stdout());
            exit::OK
        }
    };
    ExitCode::from(code)
}
