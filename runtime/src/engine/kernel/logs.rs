//! Every pico's log in memory, by pico id (`log.rs` is one pico's log): what transactions
//! append, what `ctx:logs()`, the HTTP API and `krl logs -f` read. Next to it, when the
//! engine keeps them, every pico's rule traces (`why.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::lock;
use crate::engine::log::{LogEntry, PicoLog};
use crate::engine::why::{PicoWhys, TxnWhy};

#[derive(Default)]
pub(crate) struct Logs {
    by_pico: Mutex<HashMap<String, PicoLog>>,
    /// Rule traces by pico; `None` when the engine keeps none.
    whys: Option<Mutex<HashMap<String, PicoWhys>>>,
}

impl Logs {
    /// Logs that keep rule traces too when `why` is set.
    pub(crate) fn new(why: bool) -> Logs {
        Logs {
            by_pico: Mutex::default(),
            whys: why.then(Mutex::default),
        }
    }

    /// Whether transactions should record rule traces.
    pub(crate) fn keeps_whys(&self) -> bool {
        self.whys.is_some()
    }

    /// Keeps a transaction's rule traces (dropping the pico's oldest past the bound).
    pub(crate) fn append_why(&self, pico_id: &str, txn: TxnWhy) {
        if let Some(whys) = &self.whys {
            lock(whys).entry(pico_id.to_string()).or_default().push(txn);
        }
    }

    /// The rule traces of one transaction of a pico.
    pub(crate) fn why(&self, pico_id: &str, txn_id: &str) -> Option<Arc<TxnWhy>> {
        lock(self.whys.as_ref()?).get(pico_id)?.get(txn_id)
    }

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
