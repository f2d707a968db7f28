//! Every pico's log in memory, by pico id (`log.rs` is one pico's log): what transactions
//! append, what `ctx:logs()`, the HTTP API and `krl logs -f` read.

use std::collections::HashMap;
use std::sync::Mutex;

use super::lock;
use crate::engine::log::{LogEntry, PicoLog};

#[derive(Default)]
pub(crate) struct Logs {
    by_pico: Mutex<HashMap<String, PicoLog>>,
}

impl Logs {
    /// Adds a transaction's lines to a pico's log.
    pub(crate) fn append(&self, pico_id: &str, lines: Vec<LogEntry>) {
        lock(&self.by_pico)
            .entry(pico_id.to_string())
            .or_default()
            .extend(lines);
    }

    /// Adds one line to a pico's log.
    pub(crate) fn push(&self, pico_id: &str, line: LogEntry) {
        lock(&self.by_pico)
            .entry(pico_id.to_string())
            .or_default()
            .push(line);
    }

    /// A pico's lines, oldest first.
    pub(crate) fn lines(&self, pico_id: &str) -> Vec<LogEntry> {
        lock(&self.by_pico)
            .get(pico_id)
            .map(PicoLog::lines)
            .unwrap_or_default()
    }

    /// A pico's lines numbered `after` and up, and the number to ask from next.
    pub(crate) fn since(&self, pico_id: &str, after: usize) -> (Vec<LogEntry>, usize) {
        lock(&self.by_pico)
            .get(pico_id)
            .map_or((Vec::new(), 0), |log| log.since(after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_go_to_their_own_pico_in_order() {
        let logs = Logs::default();
        logs.push("a", LogEntry::new(1.0, "info", "one"));
        logs.append("a", vec![LogEntry::new(2.0, "info", "two")]);
        logs.append("b", vec![LogEntry::new(3.0, "info", "other")]);
        let messages: Vec<String> = logs.lines("a").iter().map(|l| l.message.clone()).collect();
        assert_eq!(messages, ["one", "two"]);
        assert_eq!(logs.since("a", 1).0.len(), 1);
        assert!(logs.lines("nobody").is_empty());
    }
}
