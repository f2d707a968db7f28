//! The `krl` command: one binary for checking, formatting, running and testing KRL.

mod commands;
mod files;
mod run_state;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// mimalloc: parsing and the engine make many small, short-lived allocations, which glibc's
/// allocator served a quarter slower and serialised across engine threads (see the
/// workspace Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Start a pico engine with its HTTP API and install the given rulesets on the root pico.
    Run(commands::run::Args),
    /// Run the `*.test.toml` tests of rulesets on fresh in-process engines (docs/testing.md).
    Test(commands::test::Args),
    /// Send an event to a running engine: `krl event ECI domain:type [key=value ...]`.
    Event(commands::client::EventArgs),
    /// Query a running engine: `krl query ECI rid/function [key=value ...]`.
    Query(commands::client::QueryArgs),
    /// Inspect the picos of a running engine (`krl pico ls`).
    Pico(commands::client::PicoArgs),
    /// Print a pico's log from a running engine; `-f` keeps following it.
    Logs(commands::client::LogsArgs),
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
        Command::Run(args) => commands::run::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::Event(args) => commands::client::event(args),
        Command::Query(args) => commands::client::query(args),
        Command::Pico(args) => commands::client::pico(args),
        Command::Logs(args) => commands::client::logs(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Repl(args) => commands::repl::run(args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "krl", &mut std::io::stdout());
            exit::OK
        }
    };
    ExitCode::from(code)
}
