//! `krl repl`: an interactive KRL prompt with line editing, history and multi-line input.

use std::io::{BufRead as _, IsTerminal as _};
use std::path::PathBuf;

use krl_diagnostics::{SourceDb, codes};
use krl_jit::Session;
use krl_runtime::TestHost;
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

use super::eval::{report, show};
use crate::exit;

#[derive(clap::Args)]
pub struct Args {
    /// Print values as JSON instead of KRL literals.
    #[arg(long)]
    json: bool,
}

const HELP: &str = "\
Enter a KRL expression to evaluate it, or `name = value` to declare a name for later lines.
Input that is not finished (an open bracket, brace or chevron) continues on the next line.
  :type EXPR   show the type of a value (as `typeof` names it)
  :load FILE   bring a ruleset's configure and global declarations into scope
  :help        this text
  :quit        leave (or press Ctrl-D)";

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
    let mut lines = Lines::open();
    let interactive = matches!(lines, Lines::Editor(_));
    let history = history_path().filter(|_| interactive);
    if let (Lines::Editor(editor), Some(path)) = (&mut lines, &history) {
        let _ = editor.load_history(path);
    }
    if interactive {
        println!("krl {} — type :help for help", env!("CARGO_PKG_VERSION"));
    }
    let mut db = SourceDb::new();
    let mut session = Session::new();
    let mut host = TestHost::new();
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
                "t" | "type" => {
                    let file = db.add("<repl>", rest.trim());
                    match session.eval_input(file, db.text(file), &mut host) {
                        Ok(value) => println!("{}", value.type_name()),
                        Err(err) => report(&err, &db),
                    }
                }
                "l" | "load" => match std::fs::read_to_string(rest.trim()) {
                    Ok(text) => {
                        let file = db.add(rest.trim(), text);
                        match session.load_ruleset(file, db.text(file), &mut host) {
                            Ok(()) => println!("loaded {}", rest.trim()),
                            Err(err) => report(&err, &db),
                        }
                    }
                    Err(err) => eprintln!("error: cannot read `{}`: {err}", rest.trim()),
                },
                other => eprintln!("error: unknown command `:{other}` (try :help)"),
            }
            continue;
        }
        let file = db.add("<repl>", input);
        match session.eval_input(file, db.text(file), &mut host) {
            Ok(value) => println!("{}", show(&value, !args.json)),
            Err(err) => report(&err, &db),
        }
    }
    if let (Lines::Editor(editor), Some(path)) = (&mut lines, &history) {
        let _ = editor.save_history(path);
    }
    exit::OK
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
