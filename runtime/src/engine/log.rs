//! The pico log: one line per thing a transaction did, kept in memory per pico.
//!
//! Matches pico-engine's log (engine.md §11): each line of a transaction carries its id
//! (`txnId`, the event's eid or the query's qid), so the UI ruleset's `logs()` can group the
//! lines into one episode per transaction. The engine's own lines are `txnQueued` (with the
//! transaction), `txnStart`, `event added to schedule` (one per ruleset the event is offered
//! to, raised events included), `schedule cleared`, `rule selected`, `fired` / `not fired`
//! and `txnDone` / `txnError`, all at level debug; KRL adds `klog` and `log` lines.
//!
//! [`LogEntry::to_value`] gives a line the shape `ctx:logs()` returns in pico-engine: `level`,
//! `time`, `rid`, `txnId`, the line's own fields, then `msg`. A pico keeps its last
//! [`MAX_LINES_PER_PICO`] lines: pico-engine rotates its log file, and an engine under
//! sustained load must not grow without bound.

use std::collections::VecDeque;
use std::sync::Arc;

use super::event::{Event, Query};
use super::modules::iso8601;
use crate::value::{Map, Value};

/// How many lines a pico keeps; older ones are dropped, a batch at a time.
pub const MAX_LINES_PER_PICO: usize = 20_000;

/// One log line of a pico.
#[derive(Clone, Debug)]
pub struct LogEntry {
    /// Epoch milliseconds.
    pub time: f64,
    pub level: &'static str,
    pub rid: Option<Arc<str>>,
    pub message: String,
    /// The value a `klog` logged (`val`).
    pub data: Option<Value>,
    /// The transaction that wrote the line; `None` for lines outside one.
    pub txn_id: Option<Arc<str>>,
    /// The fields of the engine's own lines.
    pub detail: LogDetail,
}

/// The fields of an engine line, kept as the engine's own values and turned into KRL values
/// only when read.
#[derive(Clone, Debug, Default)]
pub enum LogDetail {
    #[default]
    None,
    /// `txnQueued`: the transaction as it was queued (`txn`).
    QueuedEvent(Arc<Event>),
    /// `txnQueued` of a query (`txn`).
    QueuedQuery(Query),
    /// `event added to schedule`: the event (`event`) for the line's rid.
    Scheduled(Arc<Event>),
    /// `rule selected`: the rule's name (`rule_name`).
    Rule(Arc<str>),
    /// `txnError`: the error (`error`).
    Error(String),
}

impl LogEntry {
    /// A line with no transaction and no fields.
    pub fn new(time: f64, level: &'static str, message: impl Into<String>) -> LogEntry {
        LogEntry {
            time,
            level,
            rid: None,
            message: message.into(),
            data: None,
            txn_id: None,
            detail: LogDetail::None,
        }
    }

    /// The line as pico-engine's `ctx:logs()` gives it.
    pub fn to_value(&self) -> Value {
        let mut map = Map::with_capacity(6);
        map.insert("level", Value::string(self.level));
        map.insert("time", Value::string(iso8601(self.time)));
        if let Some(rid) = &self.rid {
            map.insert("rid", Value::string(Arc::clone(rid)));
        }
        if let Some(txn_id) = &self.txn_id {
            map.insert("txnId", Value::string(Arc::clone(txn_id)));
        }
        self.insert_fields(&mut map);
        if let Some(data) = &self.data {
            map.insert("val", data.clone());
        }
        map.insert("msg", Value::string(self.message.as_str()));
        Value::map(map)
    }

    /// The fields of [`LogDetail`] under pico-engine's names.
    pub fn insert_fields(&self, map: &mut Map) {
        match &self.detail {
            LogDetail::None => {}
            LogDetail::QueuedEvent(event) => {
                let mut txn = Map::with_capacity(3);
                txn.insert("id", txn_id_value(self));
                txn.insert("kind", Value::string("event"));
                txn.insert("event", event_value(event));
                map.insert("txn", Value::map(txn));
            }
            LogDetail::QueuedQuery(query) => {
                let mut txn = Map::with_capacity(3);
                txn.insert("id", txn_id_value(self));
                txn.insert("kind", Value::string("query"));
                let mut fields = Map::with_capacity(4);
                fields.insert("eci", Value::string(Arc::clone(&query.eci)));
                fields.insert("rid", Value::string(Arc::clone(&query.rid)));
                fields.insert("name", Value::string(Arc::clone(&query.name)));
                fields.insert("args", query.args.clone());
                txn.insert("query", Value::map(fields));
                map.insert("txn", Value::map(txn));
            }
            LogDetail::Scheduled(event) => {
                map.insert("event", event_value(event));
            }
            LogDetail::Rule(name) => {
                map.insert("rule_name", Value::string(Arc::clone(name)));
            }
            LogDetail::Error(error) => {
                map.insert("error", Value::string(error.as_str()));
            }
        }
    }
}

fn txn_id_value(entry: &LogEntry) -> Value {
    entry
        .txn_id
        .as_ref()
        .map(|id| Value::string(Arc::clone(id)))
        .unwrap_or_default()
}

/// An event as pico-framework logs it: `{eci, domain, name, data: {attrs}, time}`.
fn event_value(event: &Event) -> Value {
    let mut data = Map::with_capacity(1);
    data.insert("attrs", event.attrs.clone());
    let mut map = Map::with_capacity(5);
    map.insert("eci", Value::string(Arc::clone(&event.eci)));
    map.insert("domain", Value::string(Arc::clone(&event.domain)));
    map.insert("name", Value::string(Arc::clone(&event.name)));
    map.insert("data", Value::map(data));
    map.insert("time", Value::from(event.time));
    Value::map(map)
}

/// One pico's kept lines, with how many older ones were dropped, so that line numbers
/// (`/api/logs?after=N`) stay valid across drops.
#[derive(Debug, Default)]
pub struct PicoLog {
    dropped: usize,
    lines: VecDeque<LogEntry>,
}

impl PicoLog {
    pub fn extend(&mut self, lines: impl IntoIterator<Item = LogEntry>) {
        self.lines.extend(lines);
        if self.lines.len() > MAX_LINES_PER_PICO {
            // Dropping a tenth at once keeps the cost per line constant.
            let drop = self.lines.len() - MAX_LINES_PER_PICO + MAX_LINES_PER_PICO / 10;
            self.lines.drain(..drop);
            self.dropped += drop;
        }
    }

    pub fn push(&mut self, line: LogEntry) {
        self.extend(std::iter::once(line));
    }

    /// Every kept line, oldest first.
    pub fn lines(&self) -> Vec<LogEntry> {
        self.lines.iter().cloned().collect()
    }

    /// The kept lines numbered `after` and up (line numbers count dropped lines too), and
    /// the number to ask from next.
    pub fn since(&self, after: usize) -> (Vec<LogEntry>, usize) {
        let skip = after.saturating_sub(self.dropped);
        let lines = self.lines.iter().skip(skip).cloned().collect();
        (lines, self.dropped + self.lines.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_log_drops_its_oldest_lines_and_keeps_line_numbers() {
        let mut log = PicoLog::default();
        let total = MAX_LINES_PER_PICO + 5;
        log.extend((0..total).map(|n| LogEntry::new(n as f64, "debug", "x")));
        let kept = log.lines();
        assert!(kept.len() <= MAX_LINES_PER_PICO);
        assert_eq!(kept.last().map(|l| l.time), Some((total - 1) as f64));
        let (tail, next) = log.since(total - 2);
        assert_eq!(next, total);
        assert_eq!(
            tail.iter().map(|l| l.time).collect::<Vec<_>>(),
            [(total - 2) as f64, (total - 1) as f64]
        );
        // A follower that fell behind the drop gets every kept line.
        assert_eq!(log.since(0).0.len(), kept.len());
    }
}
