//! A JSON-RPC client for the end-to-end tests of `krl lsp`: starts the binary as a child
//! process and speaks LSP over its stdin/stdout, as an editor does.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Client {
    pub fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_krl"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start `krl lsp`");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Client {
            child,
            stdin,
            stdout,
            next_id: 1,
        }
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    pub fn receive(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            let n = self.stdout.read_line(&mut line).expect("read a header");
            assert!(n > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = Some(value.parse::<usize>().expect("a length"));
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        self.stdout.read_exact(&mut body).expect("read the body");
        serde_json::from_slice(&body).expect("a JSON message")
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(&message);
    }

    /// Sends a request and returns its result, skipping notifications in between.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(&message);
        loop {
            let message = self.receive();
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "{method} failed: {message}");
                return message.get("result").cloned().unwrap_or(Value::Null);
            }
        }
    }

    /// Gives up reading answers: a thread reads and drops the server's output until it ends
    /// (an editor keeps reading, so the server never blocks on a full pipe). Returns the child
    /// and the stdin, still open, as an editor keeps it.
    pub fn stop_reading(self) -> (Child, ChildStdin) {
        let mut stdout = self.stdout;
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        });
        (self.child, self.stdin)
    }

    /// Waits for the diagnostics of `version`.
    pub fn diagnostics(&mut self, version: i64) -> Value {
        loop {
            let message = self.receive();
            if message.get("method") == Some(&json!("textDocument/publishDiagnostics"))
                && message.pointer("/params/version") == Some(&json!(version))
            {
                return message.get("params").cloned().unwrap_or(Value::Null);
            }
        }
    }
}

/// Prints a request and its answer (shortened), for `--nocapture` runs.
pub fn show(what: &str, request: &Value, answer: &Value) {
    let mut answer = answer.to_string();
    if answer.len() > 600 {
        answer = format!("{}… ({} bytes)", &answer[..600], answer.len());
    }
    println!("--> {what} {request}\n<-- {answer}\n");
}
