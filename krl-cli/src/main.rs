//! The `krl` command: one binary for checking, formatting, running and testing KRL.

mod commands;
mod files;
mod run_state;

use std::io::Write;
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
    /// List a running engine's picos (`krl pico ls`) or create one (`krl pico new NAME`).
    Pico(commands::picos::PicoArgs),
    /// Install a ruleset file or URL on a pico of a running engine (the root pico by default).
    Install(commands::picos::InstallArgs),
    /// Remove a ruleset from a pico of a running engine: `krl uninstall RID`.
    Uninstall(commands::picos::UninstallArgs),
    /// Recompile rulesets on a running engine from their source: `krl flush [RID|FILE|URL]`.
    Flush(commands::picos::FlushArgs),
    /// Print a pico's log from a running engine; `-f` keeps following it.
    Logs(commands::client::LogsArgs),
    /// Why each rule of a pico did or did not fire for an event: `krl why ECI EVENT-ID`.
    Why(commands::why::Args),
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
    if !matches!(cli.command, Command::Run(_)) {
        end_quietly_on_closed_pipe();
    }
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
        Command::Pico(args) => commands::picos::pico(args),
        Command::Install(args) => commands::picos::install(args),
        Command::Uninstall(args) => commands::picos::uninstall(args),
        Command::Flush(args) => commands::picos::flush(args),
        Command::Logs(args) => commands::client::logs(args),
        Command::Why(args) => commands::why::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Repl(args) => commands::repl::run(args),
        Command::Completions { shell } => {
            // clap_complete panics on a failed write; a buffer cannot fail.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "krl", &mut script);
            match std::io::stdout().write_all(&script) {
                Ok(()) => exit::OK,
                Err(err) => {
                    eprintln!("error: cannot write the completion script: {err}");
                    exit::USAGE
                }
            }
        }
    };
    ExitCode::from(code)
}

/// Output to a pipe whose reader has gone (`krl completions bash | head -1`) ends the process
/// quietly, as it does for any Unix filter: Rust ignores SIGPIPE, which turns every later
/// `println!` into a panic. `krl run` keeps ignoring it: its HTTP server writes to sockets
/// with `writev`, where SIGPIPE would kill the engine whenever a client hangs up early; it
/// writes its own console output without failing instead (run.rs).
#[allow(unsafe_code)] // one libc call; see its SAFETY comment
fn end_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called at startup before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
