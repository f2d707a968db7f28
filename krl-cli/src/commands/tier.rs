//! `--tier interp|jit|auto` (and `KRL_TIER`), shared by the commands that run KRL: `eval`,
//! `repl`, `run` and `test`.

use krl_jit::Tier;

#[derive(clap::Args, Clone, Copy, Debug)]
pub struct TierArgs {
    /// How KRL functions run: `interp` (the interpreter), `jit` (compiled to native code
    /// with Cranelift at their first call) or `auto` (interpreted, compiled once hot; the
    /// default).
    #[arg(long, env = "KRL_TIER", value_name = "TIER", default_value = "auto", value_parser = parse_tier)]
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

#[cfg(test)]
mod tests {
    use clap::Parser;
    use krl_jit::Tier;

    use super::TierArgs;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        tier: TierArgs,
    }

    #[test]
    fn auto_is_the_default_tier() {
        let tier = Command::parse_from(["krl"]).tier.tier;
        match std::env::var("KRL_TIER") {
            Ok(chosen) => assert_eq!(tier.name(), chosen),
            Err(_) => assert_eq!(tier, Tier::Auto),
        }
        assert_eq!(
            Command::parse_from(["krl", "--tier", "interp"]).tier.tier,
            Tier::Interp
        );
    }
}
