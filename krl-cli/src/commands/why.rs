//! `krl why ECI EVENT-ID`: why each rule of a pico did or did not fire for an event, read
//! from a running engine's rule traces (`/api/why`, docs/http.md): per event the
//! transaction ran (the one sent and each one raised), every rule with its verdict, the
//! reason, where it is written (as `krl check` shows places), its event expression's state
//! before and after, and the attribute tests and `where` conditions it ran.

use krl_runtime::engine::why::{TxnWhy, render};

use super::client::{Connection, Failure, finish, get, segment};

#[derive(clap::Args)]
pub struct Args {
    /// A channel of the pico the event went to.
    eci: String,
    /// The event's id, as `krl event` prints it (`eid ...`).
    event_id: String,
    #[command(flatten)]
    connection: Connection,
}

pub fn run(args: Args) -> u8 {
    finish(print_why(&args))
}

fn print_why(args: &Args) -> Result<(), Failure> {
    let path = format!(
        "/api/why?eci={}&txn={}",
        segment(&args.eci),
        segment(&args.event_id)
    );
    let answer = get(&args.connection, &path)?;
    if args.connection.json {
        println!("{answer}");
        return Ok(());
    }
    let traces: TxnWhy = serde_json::from_value(answer)
        .map_err(|err| Failure::Transport(format!("the engine's rule traces do not read: {err}")))?;
    print!("{}", render(&traces));
    Ok(())
}
