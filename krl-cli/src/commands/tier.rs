//! `--tier interp|jit|auto` (and `KRL_TIER`), shared by the commands that run KRL: `eval`,
//! `repl`, `run` and `test`.

use krl_jit::Tier;

#[derive(clap::Args, Clone, Copy, Debug)]
pub struct TierArgs {
    /// How KRL functions run: `interp` (the interpreter), `jit` (compiled to native code
    /// with Cranelift at their first call) or `auto` (interpreted, compiled once hot).
    #[arg(long, env = "KRL_TIER", value_name = "TIER", default_value = "interp", value_parser = parse_tier)]
    pub tier: Tier,
}

impl TierArgs {
    /// Puts the tier in force for the whole process.
    pub fn apply(self) {
        krl_jit::set_tier(self.tier);
    }
}

fn parse_tier(text: &str) -> Result<Tier, String> {
    text.parse()
}
