//! `krl event`, `krl query`, `krl pico ls` and `krl logs`: clients of a running engine's
//! HTTP API (`krl run`, or pico-engine itself for `event` and `query`).
//!
//! `pico ls` and `logs` use two routes of ours, `/api/picos` and `/api/logs`
//! (runtime/src/http/routes.rs); the reference has no equivalent.

use std::time::Duration;

use serde_json::{Map as JsonMap, Value as Json};

use crate::exit;

/// Where the engine is and how to print its answers.
#[derive(clap::Args, Clone)]
pub struct Connection {
    /// The engine's base URL.
    #[arg(long, env = "KRL_URL", default_value = "http://localhost:3000")]
    url: String,
    /// Print the engine's JSON answer as it came.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct EventArgs {
    /// The channel to send on.
    eci: String,
    /// `domain:type`, e.g. `sensor:reading`.
    event: String,
    /// Attributes as `key=value`; a value that parses as JSON is sent as JSON, else as a string.
    attrs: Vec<String>,
    /// Do not wait for the rules to run; print the event id only.
    #[arg(long = "no-wait")]
    no_wait: bool,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct QueryArgs {
    /// The channel to query on.
    eci: String,
    /// `rid/function`, e.g. `org.example.sensor/readings`.
    function: String,
    /// Arguments as `key=value` (JSON when it parses, else a string).
    args: Vec<String>,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct PicoArgs {
    #[command(subcommand)]
    command: PicoCommand,
}

#[derive(clap::Subcommand)]
enum PicoCommand {
    /// List every pico with its channels and rulesets.
    Ls(LsArgs),
}

#[derive(clap::Args)]
struct LsArgs {
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct LogsArgs {
    /// The pico whose log to show (default: the root pico).
    #[arg(long)]
    pico: Option<String>,
    /// Keep printing new entries as they come.
    #[arg(short, long)]
    follow: bool,
    #[command(flatten)]
    connection: Connection,
}

/// A failed client call: the engine's `error` answer or a transport problem.
enum Failure {
    /// The engine answered `{"error": ...}`.
    Engine(String),
    /// The request did not get an answer.
    Transport(String),
}

fn finish(result: Result<(), Failure>) -> u8 {
    match result {
        Ok(()) => exit::OK,
        Err(Failure::Engine(message)) => {
            eprintln!("error: {message}");
            exit::PROBLEMS
        }
        Err(Failure::Transport(message)) => {
            eprintln!("error: {message}");
            exit::USAGE
        }
    }
}

pub fn event(args: EventArgs) -> u8 {
    finish(send_event(&args))
}

fn send_event(args: &EventArgs) -> Result<(), Failure> {
    let (domain, kind) = args
        .event
        .split_once(':')
        .ok_or_else(|| Failure::Transport(format!("expected `domain:type`, got `{}`", args.event)))?;
    let route = if args.no_wait { "event" } else { "event-wait" };
    let path = format!(
        "/c/{}/{route}/{}/{}",
        segment(&args.eci),
        segment(domain),
        segment(kind)
    );
    let answer = post(&args.connection, &path, &key_values(&args.attrs)?)?;
    if args.connection.json {
        println!("{answer}");
    } else if let Json::String(eid) = &answer {
        println!("{eid}");
    } else {
        print_directives(&answer);
    }
    Ok(())
}

pub fn query(args: QueryArgs) -> u8 {
    finish(send_query(&args))
}

fn send_query(args: &QueryArgs) -> Result<(), Failure> {
    let (rid, function) = args
        .function
        .rsplit_once('/')
        .ok_or_else(|| Failure::Transport(format!("expected `rid/function`, got `{}`", args.function)))?;
    let path = format!(
        "/c/{}/query/{}/{}",
        segment(&args.eci),
        segment(rid),
        segment(function)
    );
    let answer = post(&args.connection, &path, &key_values(&args.args)?)?;
    match answer {
        Json::String(text) if !args.connection.json => println!("{text}"),
        other if args.connection.json => println!("{other}"),
        other => println!("{}", pretty(&other)),
    }
    Ok(())
}

pub fn pico(args: PicoArgs) -> u8 {
    let PicoCommand::Ls(ls) = args.command;
    finish(list_picos(&ls))
}

fn list_picos(ls: &LsArgs) -> Result<(), Failure> {
    let answer = get(&ls.connection, "/api/picos")?;
    if ls.connection.json {
        println!("{answer}");
        return Ok(());
    }
    let root = answer.get("root").and_then(Json::as_str).unwrap_or_default();
    for pico in answer.get("picos").and_then(Json::as_array).into_iter().flatten() {
        let id = pico.get("id").and_then(Json::as_str).unwrap_or_default();
        let role = if id == root {
            " (root)".to_string()
        } else {
            format!(
                " (child of {})",
                pico.get("parent").and_then(Json::as_str).unwrap_or("?")
            )
        };
        println!("pico {id}{role}");
        for ruleset in pico
            .get("rulesets")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let rid = ruleset.get("rid").and_then(Json::as_str).unwrap_or_default();
            let url = ruleset.get("url").and_then(Json::as_str).unwrap_or_default();
            println!("  ruleset  {rid}  {url}");
        }
        for channel in pico
            .get("channels")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let eci = channel.get("id").and_then(Json::as_str).unwrap_or_default();
            let tags: Vec<&str> = channel
                .get("tags")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .collect();
            println!("  channel  {eci}  [{}]", tags.join(", "));
        }
    }
    Ok(())
}

/// How often `krl logs -f` asks for new entries.
const FOLLOW_INTERVAL: Duration = Duration::from_millis(500);

pub fn logs(args: LogsArgs) -> u8 {
    finish(print_logs(&args))
}

fn print_logs(args: &LogsArgs) -> Result<(), Failure> {
    let mut after = 0u64;
    let mut previous_txn: Option<String> = None;
    let mut printed_any = false;
    loop {
        let mut path = format!("/api/logs?after={after}");
        if let Some(pico) = &args.pico {
            path.push_str(&format!("&pico={}", segment(pico)));
        }
        let answer = get(&args.connection, &path)?;
        for entry in answer
            .get("entries")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if args.connection.json {
                println!("{entry}");
                continue;
            }
            // A transaction's lines come together: a blank line before each new one.
            let txn = entry.get("txnId").and_then(Json::as_str).map(str::to_string);
            if txn.is_some() && txn != previous_txn && printed_any {
                println!();
            }
            println!("{}", log_line(entry));
            previous_txn = txn;
            printed_any = true;
        }
        after = answer.get("next").and_then(Json::as_u64).unwrap_or(after);
        if !args.follow {
            return Ok(());
        }
        std::thread::sleep(FOLLOW_INTERVAL);
    }
}

fn log_line(entry: &Json) -> String {
    let time = entry
        .get("time")
        .and_then(Json::as_f64)
        .map(iso_time)
        .unwrap_or_default();
    let level = entry
        .get("level")
        .and_then(Json::as_str)
        .unwrap_or("?")
        .to_uppercase();
    let rid = entry.get("rid").and_then(Json::as_str).unwrap_or("-");
    let msg = entry.get("msg").and_then(Json::as_str).unwrap_or_default();
    let details = log_details(entry)
        .map(|details| format!(" {details}"))
        .unwrap_or_default();
    format!("{time} [{level}] {rid} {msg}{details}")
}

/// What follows an engine line's message, in the spirit of the pico-engine UI's Logging tab:
/// the transaction for `txnQueued`, the event for `event added to schedule`, the rule for
/// `rule selected`, the error for `txnError`, a `klog`'s value.
fn log_details(entry: &Json) -> Option<String> {
    let field = |key: &str| entry.get(key);
    let text = |value: Option<&Json>| value.and_then(Json::as_str).unwrap_or_default().to_string();
    // As the UI shows them: the HTTP headers an event or query came with are left out.
    let without_headers = |value: Option<&Json>| {
        let mut value = value.cloned().unwrap_or(Json::Null);
        if let Some(map) = value.as_object_mut() {
            map.remove("_headers");
        }
        value
    };
    if let Some(txn) = field("txn") {
        let (kind, body) = (text(txn.get("kind")), txn.get(text(txn.get("kind")).as_str()));
        let part = |key: &str| text(body.and_then(|b| b.get(key)));
        return Some(match kind.as_str() {
            "query" => format!(
                "QUERY {} {}/{} {}",
                part("eci"),
                part("rid"),
                part("name"),
                without_headers(body.and_then(|b| b.get("args")))
            ),
            _ => format!(
                "EVENT {} {}:{} {}",
                part("eci"),
                part("domain"),
                part("name"),
                without_headers(body.and_then(|b| b.pointer("/data/attrs")))
            ),
        });
    }
    if let Some(event) = field("event") {
        return Some(format!(
            "{}:{}",
            text(event.get("domain")),
            text(event.get("name"))
        ));
    }
    if let Some(rule) = field("rule_name") {
        return Some(text(Some(rule)));
    }
    if let Some(error) = field("error") {
        return Some(text(Some(error)));
    }
    field("data").map(Json::to_string)
}

/// Epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ` (proleptic Gregorian, UTC).
fn iso_time(millis: f64) -> String {
    let millis = millis.max(0.0) as i64;
    let (days, rest) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (hours, minutes) = (rest / 3_600_000, rest / 60_000 % 60);
    let (seconds, ms) = (rest / 1000 % 60, rest % 1000);
    format!("{year:04}-{month:02}-{day:02}T{hours:02}:{minutes:02}:{seconds:02}.{ms:03}Z")
}

fn print_directives(answer: &Json) {
    let eid = answer.get("eid").and_then(Json::as_str).unwrap_or_default();
    let directives = answer
        .get("directives")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    println!(
        "eid {eid}: {} directive{}",
        directives.len(),
        if directives.len() == 1 { "" } else { "s" }
    );
    for directive in directives {
        let name = directive.get("name").and_then(Json::as_str).unwrap_or_default();
        let options = directive.get("options").cloned().unwrap_or(Json::Null);
        println!("  {name} {options}");
    }
}

fn pretty(value: &Json) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// `key=value` arguments as a JSON object; values are JSON when they parse as JSON.
fn key_values(items: &[String]) -> Result<JsonMap<String, Json>, Failure> {
    let mut map = JsonMap::new();
    for item in items {
        let (key, value) = item
            .split_once('=')
            .ok_or_else(|| Failure::Transport(format!("expected `key=value`, got `{item}`")))?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| Json::String(value.to_string()));
        map.insert(key.to_string(), value);
    }
    Ok(map)
}

/// Percent-encodes one path segment (or query value).
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(5))
        .build()
}

fn get(connection: &Connection, path: &str) -> Result<Json, Failure> {
    answer(
        connection,
        agent()
            .get(&format!("{}{path}", connection.url.trim_end_matches('/')))
            .call(),
    )
}

fn post(connection: &Connection, path: &str, body: &JsonMap<String, Json>) -> Result<Json, Failure> {
    let url = format!("{}{path}", connection.url.trim_end_matches('/'));
    let request = agent().post(&url).set("Content-Type", "application/json");
    answer(
        connection,
        request.send_string(&Json::Object(body.clone()).to_string()),
    )
}

/// The JSON answer, or the engine's `error`, or why there was no answer.
fn answer(connection: &Connection, result: Result<ureq::Response, ureq::Error>) -> Result<Json, Failure> {
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(code, response)) => {
            let text = response.into_string().unwrap_or_default();
            return Err(Failure::Transport(format!(
                "the engine answered HTTP {code}: {}",
                text.trim()
            )));
        }
        Err(ureq::Error::Transport(err)) => {
            return Err(Failure::Transport(format!(
                "cannot reach the engine at {} ({err}); is `krl run` running? (set --url or KRL_URL)",
                connection.url
            )));
        }
    };
    let text = response
        .into_string()
        .map_err(|err| Failure::Transport(format!("cannot read the answer: {err}")))?;
    let json: Json = if text.is_empty() {
        Json::Null
    } else {
        serde_json::from_str(&text)
            .map_err(|err| Failure::Transport(format!("the answer is not JSON ({err}): {text}")))?
    };
    match json.get("error").and_then(Json::as_str) {
        Some(error) if json.as_object().is_some_and(|m| m.len() == 1) => {
            Err(Failure::Engine(error.to_string()))
        }
        _ => Ok(json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_in_utc() {
        assert_eq!(iso_time(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(1_704_067_200_123.0), "2024-01-01T00:00:00.123Z");
        assert_eq!(iso_time(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn arguments_are_json_when_they_parse() {
        let Ok(map) = key_values(&["n=5".into(), "s=hi".into(), "o={\"a\":1}".into(), "e=".into()]) else {
            panic!("valid arguments")
        };
        assert_eq!(
            Json::Object(map).to_string(),
            r#"{"n":5,"s":"hi","o":{"a":1},"e":""}"#
        );
        assert_eq!(segment("a b/ü"), "a%20b%2F%C3%BC");
    }
}
