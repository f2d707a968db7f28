//! Running a pico's jobs: event transactions (every installed ruleset, then every raised
//! event, breadth first) and queries.
//!
//! Jobs that are queued together on one pico also commit together: `drain` takes what is
//! queued (up to [`MAX_JOBS_PER_COMMIT`]), runs the jobs one after another, each seeing the
//! effects of the ones before, gathers their writes in one batch, commits it, and only then
//! answers any of them. A pico flooded by many senders thus pays one commit (and at `full`
//! durability one fsync) per group instead of per event, and nothing is answered before
//! its commit. If that commit fails, every job of the group gets the error and the pico's
//! memory, which ran ahead of storage, is read back from storage.
//!
//! A panic inside a job's KRL code (an engine or stdlib bug) is caught: that job fails with
//! an error, its structural changes are undone as a failed job's are, an inboxed event is
//! moved to the dead letters, and once the group has committed the pico is read back from
//! storage, since the panic may have left its memory half changed.

use std::panic::{self, AssertUnwindSafe};

use super::*;
use crate::engine::log::LogDetail;
use crate::engine::pico::FastMap;
use crate::engine::why::{RulesetTrace, WhyRecorder};

/// Most jobs of one pico that share a commit (bounds the wait of the first one).
const MAX_JOBS_PER_COMMIT: usize = 64;

/// A job's answer, held until its group has committed.
enum Answer {
    Event(Option<EventReply>, Result<EventResponse, RuntimeError>),
    Query(
        oneshot::Sender<Result<Value, RuntimeError>>,
        Result<Value, RuntimeError>,
    ),
}

/// Rule states written by one transaction: `None` resets a rule to its start.
type RuleStates = FastMap<(Arc<str>, usize), Option<select::RuleState>>;

/// What the jobs of one group gather for their common commit.
#[derive(Default)]
struct Group {
    batch: WriteBatch,
    staged: Staged,
    /// A job panicked: after the commit the pico is read back from storage.
    panicked: bool,
    /// The `Idempotency-Key`s of the group's events, whose records are in `batch`: freed
    /// for repeats once the commit is done.
    claims: Vec<Claim>,
}

/// Takes the next group of jobs off a pico's queue, or marks the pico idle when none is left.
fn take_group(cell: &PicoCell) -> Option<Vec<Job>> {
    let mut queue = lock(&cell.queue);
    if queue.jobs.is_empty() {
        queue.drainer = Drainer::Idle;
        return None;
    }
    // A reinstall commits on its own, so it never shares a group.
    let take = match queue.jobs.iter().position(|job| matches!(job, Job::Reinstall(_))) {
        Some(0) => 1,
        Some(reinstall) => reinstall,
        None => queue.jobs.len(),
    };
    Some(queue.jobs.drain(..take.min(MAX_JOBS_PER_COMMIT)).collect())
}

/// A job's result as its sender sees it: a failed group commit fails every job of the group.
fn stored<T>(
    result: Result<T, RuntimeError>,
    committed: &Result<bool, StorageError>,
) -> Result<T, RuntimeError> {
    match committed {
        Ok(_) => result,
        Err(err) => Err(storage_failure(err.clone())),
    }
}

impl EngineInner {
    /// Runs a pico's queued jobs, group by group, until its queue is empty. The caller has
    /// made itself the drainer ([`Drainer::Draining`]). A worker passes a time `slice`: once
    /// it is used up, the jobs not yet started go back to the front of the queue, the group
    /// run so far commits, and the pico goes to the back of the workers' line.
    pub(super) fn drain(&self, cell: &Arc<PicoCell>, slice: Option<std::time::Duration>) {
        let deadline = slice.map(|slice| std::time::Instant::now() + slice);
        let past_deadline = || deadline.is_some_and(|deadline| std::time::Instant::now() >= deadline);
        loop {
            if past_deadline() {
                self.yield_turn(cell);
                return;
            }
            let Some(jobs) = take_group(cell) else { return };
            if *lock(&cell.deleted) {
                jobs.into_iter().for_each(refuse_deleted);
                continue;
            }
            if let [Job::Reinstall(code)] = jobs.as_slice() {
                self.reinstall_on(&mut lock(&cell.state), code);
                continue;
            }
            let mut state = lock(&cell.state);
            let mut group = Group::default();
            let answers = self.run_group(cell, &mut state, jobs, &past_deadline, &mut group);
            let committed = self.commit_group(cell, &mut state, group);
            drop(state);
            self.answer_group(answers, &committed);
        }
    }

    /// The time slice is used up: a pico with jobs left goes to the back of the workers' line.
    fn yield_turn(&self, cell: &Arc<PicoCell>) {
        let mut queue = lock(&cell.queue);
        if queue.jobs.is_empty() {
            queue.drainer = Drainer::Idle;
            return;
        }
        queue.drainer = Drainer::Scheduled;
        drop(queue);
        // A send only fails once every worker is gone (the engine is stopping).
        let _ = lock(&self.work).send(Arc::clone(cell));
    }

    /// Runs a group's jobs one after another, each seeing the effects of the ones before; at
    /// the deadline (after at least one job) the rest go back to the front of the queue.
    fn run_group(
        &self,
        cell: &PicoCell,
        state: &mut PicoState,
        jobs: Vec<Job>,
        past_deadline: &dyn Fn() -> bool,
        group: &mut Group,
    ) -> Vec<Answer> {
        let mut answers = Vec::with_capacity(jobs.len());
        let mut jobs = jobs.into_iter();
        loop {
            if !answers.is_empty() && past_deadline() {
                let mut queue = lock(&cell.queue);
                for job in jobs.rev() {
                    queue.jobs.push_front(job);
                }
                break;
            }
            let Some(job) = jobs.next() else { break };
            answers.push(match job {
                Job::Event {
                    eid,
                    event,
                    reply,
                    inbox,
                    claim,
                } => {
                    let result = self.run_event(state, &eid, event, inbox, group);
                    if let (Ok(response), Some(claim)) = (&result, claim) {
                        self.record_idempotent(&mut group.batch, &claim, &response.to_value());
                        group.claims.push(claim);
                    }
                    Answer::Event(reply, result)
                }
                Job::Query { qid, query, reply } => {
                    Answer::Query(reply, self.run_query(state, &qid, &query, group))
                }
                // Taken alone by `take_group`.
                Job::Reinstall(code) => {
                    self.reinstall_on(state, &code);
                    continue;
                }
            });
        }
        answers
    }

    /// Commits a group's writes and settles its structural changes, or takes them back.
    /// `Ok(false)`: the pico was deleted meanwhile and nothing was stored.
    fn commit_group(
        &self,
        cell: &PicoCell,
        state: &mut PicoState,
        group: Group,
    ) -> Result<bool, StorageError> {
        // The commit gate: a pico deleted meanwhile (by its parent, which does not wait
        // for it) stores nothing more (`staged.rs`). Its jobs still get their answers,
        // as in pico-engine, where they would have finished before the deletion; what
        // they wrote went with the pico.
        let gate = lock(&cell.deleted);
        let committed = match *gate {
            true => Ok(false),
            false => self.storage.commit(group.batch).map(|()| true),
        };
        drop(gate);
        // Committed or not, repeats of the keys now find the store settled.
        drop(group.claims);
        match &committed {
            Ok(true) => {
                self.settle(group.staged);
                if group.panicked {
                    self.reload_from_storage(state, "a transaction panicked");
                }
            }
            Ok(false) => self.abort(state, group.staged),
            Err(err) => {
                // Other picos' memory (new children, channel lookups) is taken back
                // here; this pico's is read back from storage.
                self.abort(state, group.staged);
                self.reload_from_storage(state, &format!("a commit failed ({err})"));
            }
        }
        committed
    }

    /// Answers a group's jobs once its commit is done (or failed: then with that failure).
    fn answer_group(&self, answers: Vec<Answer>, committed: &Result<bool, StorageError>) {
        let events = answers.iter().filter(|a| matches!(a, Answer::Event(..))).count();
        if events > 0 {
            // After the commit, so a tool that looks again sees what the events wrote.
            self.events_finished.fetch_add(events as u64, Ordering::AcqRel);
        }
        for answer in answers {
            match answer {
                Answer::Event(reply, result) => {
                    if let Some(reply) = reply {
                        let _ = reply.send(stored(result, committed));
                    }
                }
                Answer::Query(reply, result) => {
                    let _ = reply.send(stored(result, committed));
                }
            }
        }
    }

    /// After a failed group commit memory is ahead of storage, after a panic it may be half
    /// changed: read the pico back.
    fn reload_from_storage(&self, state: &mut PicoState, why: &str) {
        let id = state.id.clone();
        match self.read_pico(&id) {
            Ok(Some(stored)) => *state = stored,
            Ok(None) => {}
            Err(reload) => self.engine_log(format!("pico {id} could not be read back after {why}: {reload}")),
        }
    }

    /// One event transaction. Its writes (and the removal of its inbox entry) go into
    /// `batch`; on success they are also applied to memory at once, for the next job, and
    /// its structural changes join `group` (to settle or abort with the group's commit). On
    /// failure its structural changes are taken back at once.
    fn run_event(
        &self,
        state: &mut PicoState,
        eid: &str,
        event: Event,
        inbox: bool,
        group: &mut Group,
    ) -> Result<EventResponse, RuntimeError> {
        let event = Arc::new(event);
        let mut cx = TxnContext::new(self, state, Arc::from(eid));
        cx.engine_line("txnQueued", None, LogDetail::QueuedEvent(Arc::clone(&event)));
        cx.engine_line("txnStart", None, LogDetail::None);
        let mut schedule = VecDeque::new();
        let every_ruleset: Vec<Arc<str>> = cx.pico.rulesets.iter().map(|r| Arc::clone(&r.rid)).collect();
        schedule_for(&mut cx, &mut schedule, every_ruleset, &event);
        let mut rule_states = RuleStates::with_capacity_and_hasher(8, Default::default());
        let mut why = self.logs.keeps_whys().then(WhyRecorder::default);
        let run = AssertUnwindSafe(|| {
            self.budgeted(|| run_schedule(&mut cx, &mut schedule, &mut rule_states, why.as_mut()))
        });
        let (result, panic) = catch_panic(run);
        // The failure with where it happened, then the reference's closing `txnError`.
        if let Err(err) = &result {
            let entry = failure_entry(&cx, "event", err);
            cx.logs.push(entry);
        }
        log_outcome(&mut cx, &result);
        let logs = std::mem::take(&mut cx.logs);
        let directives = std::mem::take(&mut cx.directives);
        let writes = std::mem::take(&mut cx.ent_writes);
        let staged = std::mem::take(&mut cx.staged);
        drop(cx);
        self.logs.append(&state.id, logs);
        if let Some(why) = why {
            self.logs.append_why(&state.id, why.finish(eid));
        }
        match (inbox, &panic) {
            (true, Some(message)) => {
                let reason = format!("its transaction panicked: {message}");
                self.dead_letter(&mut group.batch, &state.id, InboxRecord::new(eid, &event), reason);
            }
            // A failed transaction is still done with: it ran once, and its failure is final.
            (true, None) => {
                group.batch.delete(persist::inbox_key(&state.id, eid));
            }
            (false, _) => {}
        }
        group.panicked |= panic.is_some();
        if let Err(err) = result {
            // Nobody may wait for the event (`/sky/event` without wait, `event:send`): the
            // pico's log, written above, is where its failure is seen.
            self.abort(state, staged);
            return Err(err);
        }
        join_group(group, staged);
        add_ent_writes(&mut group.batch, &state.id, &writes);
        apply_ent_writes(state, writes);
        store_rule_states(state, &mut group.batch, rule_states);
        Ok(EventResponse {
            eid: eid.to_string(),
            directives,
        })
    }

    /// One query. KRL code cannot write a variable in a function, but a function may still
    /// change channels or picos (`ctx:newChannel` is a function too), and a built-in module
    /// may write its ruleset's variables (`dido:generateDID` and the other `dido` members, as
    /// in pico-engine, where a query of `io.picolabs.did-o`'s `generate_invitation` or
    /// `clearDidMap` keeps what it did): that joins the group like an event's.
    fn run_query(
        &self,
        state: &mut PicoState,
        qid: &str,
        query: &Query,
        group: &mut Group,
    ) -> Result<Value, RuntimeError> {
        let not_found = || {
            RuntimeError::error(format!(
                "Ruleset {} does not have query function \"{}\"",
                query.rid, query.name
            ))
        };
        let instance = match state.installed(&query.rid) {
            None => Err(RuntimeError::error(format!(
                "Pico doesn't have {} installed.",
                query.rid
            ))),
            Some(installed) => {
                let shared = installed
                    .code
                    .compiled
                    .meta()
                    .shares
                    .iter()
                    .any(|s| *s == *query.name);
                match installed.instance.clone() {
                    Some(instance) if shared || &*query.name == "__testing" => Ok(instance),
                    _ => Err(not_found()),
                }
            }
        };
        let mut cx = TxnContext::new(self, state, Arc::from(qid));
        cx.engine_line("txnQueued", None, LogDetail::QueuedQuery(query.clone()));
        cx.engine_line("txnStart", None, LogDetail::None);
        let run = AssertUnwindSafe(|| {
            instance.and_then(|instance| {
                cx.rid = Arc::clone(&query.rid);
                cx.in_query = true;
                cx.query_eci = Some(Arc::clone(&query.eci));
                cx.modules = instance.modules().to_vec();
                let args = query.args.as_map().cloned().unwrap_or_default();
                self.budgeted(|| instance.query(&mut cx, &query.name, &args))
            })
        });
        let (result, panic) = catch_panic(run);
        group.panicked |= panic.is_some();
        // The failure with where it happened, then the reference's closing `txnError`.
        if let Err(err) = &result {
            let entry = failure_entry(&cx, "query", err);
            cx.logs.push(entry);
        }
        log_outcome(&mut cx, &result);
        let logs = std::mem::take(&mut cx.logs);
        let writes = std::mem::take(&mut cx.ent_writes);
        let staged = std::mem::take(&mut cx.staged);
        drop(cx);
        self.logs.append(&state.id, logs);
        match &result {
            Ok(_) => {
                join_group(group, staged);
                add_ent_writes(&mut group.batch, &state.id, &writes);
                apply_ent_writes(state, writes);
            }
            Err(_) => self.abort(state, staged),
        }
        result
    }
}

/// The log line of a transaction that failed: the error with where it was raised, and the
/// location as data for tools (`krl logs` shows the source line from it).
#[cold]
fn failure_entry(cx: &TxnContext<'_>, what: &str, err: &RuntimeError) -> LogEntry {
    let data = err.location().and_then(|location| {
        let mut data = Map::new();
        data.insert("location", Value::from(serde_json::to_value(location).ok()?));
        Some(Value::map(data))
    });
    let mut entry = LogEntry::new(
        cx.engine.now(),
        "error",
        format!("{what} failed: {}", err.one_line()),
    );
    entry.rid = (!cx.rid.is_empty()).then(|| Arc::clone(&cx.rid));
    entry.txn_id = Some(Arc::clone(&cx.txn_id));
    entry.data = data;
    entry
}

/// Answers a job queued on a pico deleted since, without running it.
fn refuse_deleted(job: Job) {
    match job {
        Job::Event { reply, .. } => {
            if let Some(reply) = reply {
                let _ = reply.send(Err(deleted_meanwhile()));
            }
        }
        Job::Query { reply, .. } => {
            let _ = reply.send(Err(deleted_meanwhile()));
        }
        Job::Reinstall(_) => {}
    }
}

/// The answer of a job queued on a pico deleted before it ran.
fn deleted_meanwhile() -> RuntimeError {
    RuntimeError::error("the pico was deleted before this ran")
}

/// Runs a transaction's KRL code, turning a panic into an error for that transaction;
/// also returns the panic's message when there was one.
fn catch_panic<T>(
    run: AssertUnwindSafe<impl FnOnce() -> Result<T, RuntimeError>>,
) -> (Result<T, RuntimeError>, Option<String>) {
    match panic::catch_unwind(run) {
        Ok(result) => (result, None),
        Err(payload) => {
            let message = match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
                (Some(text), _) => (*text).to_string(),
                (_, Some(text)) => text.clone(),
                _ => "no message".to_string(),
            };
            let error = RuntimeError::error(format!(
                "internal error: the transaction panicked ({message}); the pico was reloaded from storage"
            ));
            (Err(error), Some(message))
        }
    }
}

/// The message of the engine's line for an event scheduled for a ruleset.
const SCHEDULED: &str = "event added to schedule";

/// The transaction's last line: `txnDone`, or `txnError` with the error.
fn log_outcome<T>(cx: &mut TxnContext<'_>, result: &Result<T, RuntimeError>) {
    match result {
        Ok(_) => cx.engine_line("txnDone", None, LogDetail::None),
        Err(err) => cx.engine_line("txnError", None, LogDetail::Error(err.to_string())),
    }
}

/// A successful transaction's structural changes join its group: their writes go into the
/// group's batch in order (before the transaction's variable writes, as they happened
/// first), their undo records into the group's.
fn join_group(group: &mut Group, mut staged: Staged) {
    if staged.is_empty() {
        return;
    }
    group.batch.append(std::mem::take(&mut staged.batch));
    group.staged.append(staged);
}

/// Logs and queues `event` for each of `rids`, in order.
fn schedule_for(
    cx: &mut TxnContext<'_>,
    schedule: &mut VecDeque<(Arc<str>, Arc<Event>)>,
    rids: Vec<Arc<str>>,
    event: &Arc<Event>,
) {
    for rid in rids {
        cx.engine_line(
            SCHEDULED,
            Some(Arc::clone(&rid)),
            LogDetail::Scheduled(Arc::clone(event)),
        );
        schedule.push_back((rid, Arc::clone(event)));
    }
}

/// Offers each scheduled event to its ruleset, breadth first: events raised while one runs
/// join the end of the schedule (for every ruleset, or the one they name).
fn run_schedule(
    cx: &mut TxnContext<'_>,
    schedule: &mut VecDeque<(Arc<str>, Arc<Event>)>,
    rule_states: &mut RuleStates,
    mut why: Option<&mut WhyRecorder>,
) -> Result<(), RuntimeError> {
    while let Some((rid, event)) = schedule.pop_front() {
        let Some((code, instance)) = cx
            .pico
            .installed(&rid)
            .and_then(|r| r.instance.as_ref().map(|i| (Arc::clone(&r.code), Arc::clone(i))))
        else {
            continue;
        };
        cx.rid = Arc::clone(&rid);
        cx.event = Some(Arc::clone(&event));
        cx.modules = instance.modules().to_vec();
        match why.as_deref_mut() {
            None => run_ruleset(cx, &code, instance.as_ref(), &event, rule_states, None)?,
            Some(why) => {
                let mut trace = RulesetTrace::new(&code, &rid, &event);
                let result = run_ruleset(
                    cx,
                    &code,
                    instance.as_ref(),
                    &event,
                    rule_states,
                    Some(&mut trace),
                );
                let state_of = |rule| current_state(cx.pico, rule_states, &(Arc::clone(&rid), rule));
                why.add(&event, trace.finish(result.as_ref().err(), state_of));
                result?;
            }
        }
        if std::mem::take(&mut cx.clear_schedule) {
            schedule.clear();
            cx.engine_line("schedule cleared", None, LogDetail::None);
        }
        for (raised, only) in std::mem::take(&mut cx.raised) {
            let raised = Arc::new(raised);
            let rids: Vec<Arc<str>> = cx
                .pico
                .rulesets
                .iter()
                .filter(|installed| only.as_ref().is_none_or(|rid| *rid == installed.rid))
                .map(|installed| Arc::clone(&installed.rid))
                .collect();
            schedule_for(cx, schedule, rids, &raised);
        }
    }
    Ok(())
}

/// Applies a transaction's rule-state changes to memory and writes one key per touched
/// ruleset holding all its rule states (see `persist`).
fn store_rule_states(state: &mut PicoState, batch: &mut WriteBatch, rule_states: RuleStates) {
    let mut touched: Vec<Arc<str>> = Vec::new();
    for ((rid, rule), value) in rule_states {
        if !touched.contains(&rid) {
            touched.push(Arc::clone(&rid));
        }
        match value {
            Some(rule_state) => state.rule_states.insert((rid, rule), rule_state),
            None => state.rule_states.remove(&(rid, rule)),
        };
    }
    for rid in touched {
        let Some(installed) = state.installed(&rid) else {
            continue;
        };
        let rules = installed.code.compiled.rules();
        let states: Vec<(&str, &select::RuleState)> = (0..rules.len())
            .filter_map(|rule| {
                let rule_state = state.rule_states.get(&(Arc::clone(&rid), rule))?;
                Some((rules[rule].name.as_str(), rule_state))
            })
            .collect();
        persist::put_rule_states(batch, persist::rule_states_key(&state.id, &rid), &states);
    }
}

/// Offers one event to one ruleset: salient rules in order, each stepped through its
/// automaton (or `select where` condition), selected rules run until one says `last`.
/// `trace`, when given, records what became of each rule (`why.rs`).
fn run_ruleset(
    cx: &mut TxnContext<'_>,
    code: &RulesetCode,
    instance: &dyn RulesetInstance,
    event: &Event,
    rule_states: &mut RuleStates,
    mut trace: Option<&mut RulesetTrace<'_>>,
) -> Result<(), RuntimeError> {
    for rule in code.salient_rules(&event.domain, &event.name).iter().copied() {
        if let Some(trace) = trace.as_deref_mut() {
            trace.begin(rule);
        }
        let bindings = match &code.automata[rule] {
            None => {
                let held = instance.select_where(cx, rule)?;
                if let Some(trace) = trace.as_deref_mut() {
                    trace.select_where(rule, held);
                }
                if !held {
                    continue;
                }
                Vec::new()
            }
            Some(automaton) => {
                match step_rule(
                    cx,
                    automaton,
                    instance,
                    rule,
                    event,
                    rule_states,
                    trace.as_deref_mut(),
                )? {
                    Some(bindings) => bindings,
                    None => continue,
                }
            }
        };
        cx.trace_rule_selected(&code.rule_names[rule], event);
        cx.rule_name = Some(Arc::clone(&code.rule_names[rule]));
        cx.postlude = None;
        let outcome = instance.run_rule(cx, rule, bindings);
        cx.rule_name = None;
        if let Some(trace) = trace.as_deref_mut() {
            trace.ran(rule, &outcome, cx.postlude);
        }
        if outcome?.last {
            break;
        }
    }
    Ok(())
}

/// Feeds `event` to a `select when` rule's automaton and keeps its new state; the bindings
/// when it completed its pattern.
fn step_rule(
    cx: &mut TxnContext<'_>,
    automaton: &select::Automaton,
    instance: &dyn RulesetInstance,
    rule: usize,
    event: &Event,
    rule_states: &mut RuleStates,
    trace: Option<&mut RulesetTrace<'_>>,
) -> Result<Option<Vec<Value>>, RuntimeError> {
    let key = (Arc::clone(&cx.rid), rule);
    let previous = current_state(cx.pico, rule_states, &key).cloned();
    let select_event = SelectEvent {
        domain: &event.domain,
        name: &event.name,
        attrs: &event.attrs,
        time: event.time,
    };
    let within = instance.within_ms(rule);
    let mut wheres = Wheres {
        cx: &mut *cx,
        instance,
        rule,
    };
    let step = match trace {
        None => select::step(automaton, previous, within, &select_event, &mut wheres)?,
        Some(trace) => {
            let mut checks = Vec::new();
            let before = previous.clone();
            let step = select::step_checked(
                automaton,
                previous,
                within,
                &select_event,
                &mut wheres,
                Some(&mut checks),
            )?;
            let states = (before.as_ref(), step.state.as_ref());
            trace.stepped(rule, states, checks, step.fired.is_some());
            step
        }
    };
    // Only a changed state is written: a rule that stays at its start (every
    // plain `select when d t`) costs no storage write.
    if current_state(cx.pico, rule_states, &key) != step.state.as_ref() {
        rule_states.insert(key, step.state);
    }
    Ok(step.fired)
}

/// A rule's state as the transaction sees it: what it wrote, else what the pico holds.
fn current_state<'s>(
    pico: &'s PicoState,
    written: &'s RuleStates,
    key: &(Arc<str>, usize),
) -> Option<&'s select::RuleState> {
    match written.get(key) {
        Some(written) => written.as_ref(),
        None => pico.rule_states.get(key),
    }
}

/// Lets the automaton evaluate `where` conditions through the ruleset instance.
struct Wheres<'c, 'a> {
    cx: &'c mut TxnContext<'a>,
    instance: &'c dyn RulesetInstance,
    rule: usize,
}

impl WhereEval for Wheres<'_, '_> {
    fn eval_where(&mut self, where_id: u32, bindings: &[Value]) -> Result<bool, RuntimeError> {
        self.instance.eval_where(self.cx, self.rule, where_id, bindings)
    }
}
