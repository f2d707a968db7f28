//! `krl repl`: an interactive KRL prompt with line editing, history and multi-line input,
//! evaluating on a pico of an in-process engine (`scratch.rs`).

use std::io::{BufRead as _, IsTerminal as _};
use std::path::PathBuf;

use krl_diagnostics::{SourceDb, codes};
use krl_jit::Session;
use krl_runtime::{Map, Value};
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

use super::eval::{eval_line, report, show};
use super::scratch::{EngineArgs, Scratch};
use super::tier::TierArgs;
use crate::exit;

#[derive(clap::Args)]
pub struct Args {
    /// Print values as JSON instead of KRL literals.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    tier: TierArgs,
}

const HELP: &str = "\
Enter a KRL expression to evaluate it, or `name = value` to declare a name for later lines.
Input that is not finished (an open bracket, brace or chevron) continues on the next line.
Input runs on a pico of an in-process engine (in memory, or `--home DIR`), so the built-in
modules work: time:now(), math:abs(-4), random:integer(5), http:get(url), ctx:picoId.
  ent:NAME := EXPR              store an entity variable (of the current ruleset)
  ent:NAME                      read one
  :event DOMAIN:TYPE [k=v ...]  send an event to the pico; its rules run, directives print,
                                and `event:attrs` reads it afterwards
  :load FILE                    install a ruleset on the pico and bring its configure and
                                global declarations into scope; `ent:` is then its own
  :type EXPR                    show the type of a value (as `typeof` names it)
  :help                         this text
  :quit                         leave (or press Ctrl-D)";

/// Where input lines come from: rustyline on a terminal, plain lines otherwise (piped input,
/// or a terminal rustyline cannot drive).
enum Lines {
    Editor(Box<DefaultEditor>),
    Plain(std::io::Lines<std::io::StdinLock<'static>>),
}

impl Lines {
    fn open() -> Lines {
        if std::io::stdin().is_terminal() {
            match DefaultEditor::new() {
                Ok(editor) => return Lines::Editor(Box::new(editor)),
                Err(err) => eprintln!("warning: no line editing ({err}); reading plain lines"),
            }
        }
        Lines::Plain(std::io::stdin().lock().lines())
    }

    /// The next line; `Some(None)` when Ctrl-C abandoned the input, `None` at the end.
    fn read(&mut self, prompt: &str) -> Option<Option<String>> {
        match self {
            Lines::Editor(editor) => match editor.readline(prompt) {
                Ok(line) => Some(Some(line)),
                Err(ReadlineError::Interrupted) => Some(None),
                Err(ReadlineError::Eof) => None,
                Err(err) => {
                    eprintln!("error: {err}");
                    None
                }
            },
            Lines::Plain(lines) => match lines.next() {
                Some(Ok(line)) => Some(Some(line)),
                Some(Err(err)) => {
                    eprintln!("error: {err}");
                    None
                }
                None => None,
            },
        }
    }

    fn add_history(&mut self, entry: &str) {
        if let Lines::Editor(editor) = self {
            let _ = editor.add_history_entry(entry);
        }
    }
}

pub fn run(args: Args) -> u8 {
    args.tier.apply();
    let mut lines = Lines::open();
    let interactive = matches!(lines, Lines::Editor(_));
    let history = history_path().filter(|_| interactive);
    if let (Lines::Editor(editor), Some(path)) = (&mut lines, &history) {
        let _ = editor.load_history(path);
    }
    if interactive {
        println!("krl {} — type :help for help", env!("CARGO_PKG_VERSION"));
    }
    let mut scratch = match Scratch::open(&args.engine) {
        Ok(scratch) => scratch,
        Err(err) => {
            eprintln!("error: {err:#}");
            return exit::USAGE;
        }
    };
    let mut db = SourceDb::new();
    let mut session = Session::new();
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { "krl> " } else { "...> " };
        let line = match lines.read(prompt) {
            Some(Some(line)) => line,
            Some(None) => {
                pending.clear();
                continue;
            }
            None => break,
        };
        pending.push_str(&line);
        pending.push('\n');
        let input = pending.trim().to_string();
        if input.is_empty() {
            pending.clear();
            continue;
        }
        if !input.starts_with(':') && is_unfinished(&input) {
            continue;
        }
        pending.clear();
        lines.add_history(&input);
        if let Some(command) = input.strip_prefix(':') {
            let (name, rest) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
            match name {
                "q" | "quit" | "exit" => break,
                "h" | "help" => println!("{HELP}"),
                "t" | "type" => match eval_line(&scratch, &mut session, &mut db, "<repl>", rest.trim()) {
                    Ok(value) => println!("{}", value.type_name()),
                    Err(err) => report(&err, &db),
                },
                "l" | "load" => load(&mut scratch, &mut session, &mut db, rest.trim()),
                "e" | "event" => send_event(&mut scratch, rest.trim(), args.json),
                other => eprintln!("error: unknown command `:{other}` (try :help)"),
            }
            continue;
        }
        match eval_line(&scratch, &mut session, &mut db, "<repl>", &input) {
            Ok(value) => println!("{}", show(&value, !args.json)),
            Err(err) => report(&err, &db),
        }
    }
    if let (Lines::Editor(editor), Some(path)) = (&mut lines, &history) {
        let _ = editor.save_history(path);
    }
    exit::OK
}

/// `:load FILE`: installs the ruleset on the pico (so that events run its rules) and brings
/// its declarations into scope.
fn load(scratch: &mut Scratch, session: &mut Session, db: &mut SourceDb, path: &str) {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: cannot read `{path}`: {err}");
            return;
        }
    };
    let file = db.add(path, text);
    if let Err(err) = scratch.install(std::path::Path::new(path)) {
        // A compile error shows with its snippet, through the scope load below.
        if !matches!(err, krl_runtime::engine::EngineError::Compile(_)) {
            eprintln!("error: {}", runtime_text(&err));
            return;
        }
    }
    match scratch.load_scope(session, file, db.text(file)) {
        Ok(()) => println!("loaded {path} ({})", scratch.rid()),
        Err(err) => report(&err, db),
    }
}

/// `:event domain:type key=value ...`: values that parse as JSON are JSON, others strings.
fn send_event(scratch: &mut Scratch, spec: &str, json: bool) {
    let mut words = spec.split_whitespace().peekable();
    // `domain:type`, or `domain type` as `select when` spells it.
    let event = match (words.next(), words.peek()) {
        (Some(first), _) if first.contains(':') => first.split_once(':'),
        (Some(domain), Some(kind)) if !kind.contains('=') => {
            let kind = *kind;
            words.next();
            Some((domain, kind))
        }
        _ => None,
    };
    let Some((domain, kind)) = event else {
        eprintln!("error: usage: :event DOMAIN:TYPE [key=value ...]");
        return;
    };
    let mut attrs = Map::new();
    for word in words {
        let Some((key, text)) = word.split_once('=') else {
            eprintln!("error: `{word}` is not key=value");
            return;
        };
        let value = Value::decode(text).unwrap_or_else(|_| Value::string(text));
        attrs.insert(key, value);
    }
    match scratch.send_event(domain, kind, Value::map(attrs)) {
        Ok(response) => {
            for directive in &response.directives {
                println!("{}", show(directive, !json));
            }
            if response.directives.is_empty() {
                println!("(no directives)");
            }
        }
        Err(err) => match err.downcast_ref::<krl_runtime::engine::EngineError>() {
            Some(engine_err) => eprintln!("error: {}", runtime_text(engine_err)),
            None => eprintln!("error: {err:#}"),
        },
    }
}

/// An engine error, with the source line of a runtime error when known.
fn runtime_text(err: &krl_runtime::engine::EngineError) -> String {
    match err {
        krl_runtime::engine::EngineError::Runtime(runtime) => runtime.render(),
        other => other.to_string(),
    }
}

/// Whether the input ends inside an open construct, so the prompt should continue.
fn is_unfinished(input: &str) -> bool {
    let (_, diagnostics) = krl_syntax::parse_repl_item(krl_diagnostics::FileId(0), input);
    diagnostics.iter().any(|d| {
        d.code == codes::UNEXPECTED_EOF
            || d.code == codes::UNTERMINATED_CHEVRON
            || d.code == codes::UNTERMINATED_STRING
            || d.code == codes::UNTERMINATED_COMMENT
    })
}

fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".krl_history"))
}
