//! `krl lsp`: the KRL language server over stdin and stdout (see the krl-lsp crate).

use crate::exit;

#[derive(clap::Args)]
pub struct Args {
    /// Accepted for editors that always pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(_args: Args) -> u8 {
    match krl_lsp::run_stdio() {
        Ok(()) => exit::OK,
        Err(err) => {
            eprintln!("error: the language server stopped: {err}");
            exit::USAGE
        }
    }
}
