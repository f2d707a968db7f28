//! Engine operations for tools and the built-in modules (`ctx`, `event`, `schedule`):
//! listing picos, channels and logs, flushing and installing on a pico whose state the
//! caller already holds, creating children, and sending events and queries between picos.

use super::*;

impl Engine {
    /// A pico's channels (not its implicit self channel), sorted by ECI.
    pub fn channels(&self, pico_id: &str) -> Result<Vec<Channel>, EngineError> {
        let cell = self.inner.pico(pico_id)?;
        let mut channels: Vec<Channel> = lock(&cell.state).channels.values().cloned().collect();
        channels.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(channels)
    }
}

// Primitives for the built-in modules (`modules/`: ctx, event, schedule), added with #4
// item 7. Module code runs inside a transaction that already holds its pico's state, so
// every method here that needs that state takes it as an argument instead of locking it.
impl EngineInner {
    pub(crate) fn storage(&self) -> &dyn Storage {
        &*self.storage
    }

    /// A handle on this engine that does not keep it alive, for work that outlives the
    /// transaction that started it.
    pub(crate) fn weak(&self) -> std::sync::Weak<EngineInner> {
        self.this.clone()
    }

    pub(crate) fn scheduler(&self) -> &crate::engine::modules::schedule::Scheduler {
        &self.scheduler
    }

    pub(crate) fn has_manual_clock(&self) -> bool {
        self.clock.is_manual()
    }

    /// Runs `f` on another pico's state under its lock (never the caller's own pico).
    pub(crate) fn with_pico<R>(
        &self,
        id: &str,
        f: impl FnOnce(&mut PicoState) -> R,
    ) -> Result<R, RuntimeError> {
        let cell = self.pico(id)?;
        let mut state = lock(&cell.state);
        Ok(f(&mut state))
    }

    pub(crate) fn lookup_channel(&self, eci: &str) -> Result<Channel, RuntimeError> {
        Ok(Channel::clone(&*self.channel(eci)?))
    }

    /// Forgets deleted picos (with their self channels) and deleted channels, whose
    /// records the caller has deleted from storage.
    pub(crate) fn remove_picos(&self, pico_ids: &[String], ecis: &[String]) {
        self.residency.forget(pico_ids, ecis);
    }

    pub(crate) fn registered(&self, url: &str) -> Option<Arc<RulesetCode>> {
        self.registry.get(url)
    }

    pub(crate) fn pico_logs(&self, pico_id: &str) -> Vec<LogEntry> {
        self.logs.lines(pico_id)
    }

    pub(crate) fn pico_log_error(&self, pico_id: &str, message: String) {
        let entry = LogEntry::new(self.now(), "error", message);
        self.logs.push(pico_id, entry);
    }

    pub(crate) fn engine_log_error(&self, message: String) {
        self.engine_log(message);
    }

    /// The code registered at `url`, fetching and compiling it the first time (the
    /// registry's `load`).
    pub(crate) fn load_code(&self, url: &str) -> Result<Arc<RulesetCode>, EngineError> {
        if let Some(code) = self.registered(url) {
            return Ok(code);
        }
        Ok(self.read_and_register(url)?.0)
    }

    /// Reads a URL's source and registers it; true when the code changed.
    fn read_and_register(&self, url: &str) -> Result<(Arc<RulesetCode>, bool), EngineError> {
        let src = crate::engine::source::fetch(url, &self.sources)?;
        self.register_source(url, src)
    }

    /// Compiles `src` and stores it as the code of `url`, unless that very text is already
    /// registered there; true when the code changed.
    pub(crate) fn register_source(
        &self,
        url: &str,
        src: String,
    ) -> Result<(Arc<RulesetCode>, bool), EngineError> {
        self.registry.register(url, src, self.now(), &*self.storage)
    }

    /// `ctx:flush`: re-reads `url`; when the code changed, re-initialises its rid on every
    /// pico that has it, `current` (the caller's locked pico) included. Returns the rid.
    pub(crate) fn flush_locked(&self, url: &str, current: &mut PicoState) -> Result<String, EngineError> {
        let (code, changed) = self.read_and_register(url)?;
        if changed {
            // Picos not in memory are re-initialised when they load (`load.rs`).
            // Never lock `current` again: its transaction holds it.
            self.reinstall_on_resident(self.residency.cells_except(&current.id), &code);
            self.reinstall_on(current, &code);
        }
        Ok(code.rid().to_string())
    }

    /// Re-initialises `code` on one pico if it has that rid. Matches the reference's intent,
    /// not its silence: a failed re-init leaves the ruleset inert and says so in the log.
    pub(super) fn reinstall_on(&self, state: &mut PicoState, code: &Arc<RulesetCode>) {
        let existing = state
            .installed(code.rid())
            .map(|r| (r.url.clone(), r.config.clone()));
        if let Some((url, config)) = existing
            && let Err(err) = self.install_on(state, Arc::clone(code), &url, config, None)
        {
            if let Some(installed) = state.rulesets.iter_mut().find(|r| &*r.rid == code.rid()) {
                installed.instance = None;
            }
            let err = match err {
                EngineError::Runtime(runtime) => runtime.one_line(),
                other => other.to_string(),
            };
            self.pico_log_error(&state.id, format!("ruleset init failed: {err}"));
        }
    }

    /// `ctx:newPico` on a parent whose state the caller holds, as part of its transaction:
    /// the child with its family channels, then its rulesets installed in order (failures
    /// only logged). The child is resident until the transaction settles (its records are
    /// only in `staged` until then). Returns the child-link ECI.
    pub(crate) fn new_child(
        &self,
        staged: &mut Staged,
        parent: &mut PicoState,
        installs: Vec<(Arc<RulesetCode>, String, Map)>,
    ) -> Result<String, RuntimeError> {
        let child_id = new_id();
        // Placement on the creator: on a shared store the child is this engine's before
        // the commit that creates it (a commit may only write picos this engine holds).
        self.claim_new(&child_id)?;
        let family = |pico: &str, owner: &str, tag: &str| Channel {
            id: new_id(),
            pico_id: pico.to_string(),
            tags: vec!["system".into(), tag.into()],
            event_policy: EventPolicy::allow_all(),
            query_policy: QueryPolicy::allow_all(),
            family_channel_pico_id: Some(owner.to_string()),
        };
        let up = family(&parent.id, &child_id, "parent");
        let down = family(&child_id, &parent.id, "child");
        let mut child = PicoState::new(child_id.clone(), Some(up.id.clone()));
        child.channels.insert(down.id.clone(), down.clone());
        // A constant amount per child: the parent's record is not rewritten (see `persist`).
        let batch = &mut staged.batch;
        batch.put(
            persist::pico_key(&child_id),
            persist::to_bytes(&pico_record(&child)),
        );
        batch.put(
            persist::child_key(&parent.id, &down.id),
            persist::to_bytes(&parent.next_child_seq),
        );
        persist::put_channel(batch, &up);
        persist::put_channel(batch, &down);
        let cell = self.stage_new_pico(staged, child);
        self.stage_lookup(staged, &up.id, Some(Arc::new(up.clone())));
        self.stage_lookup(staged, &down.id, Some(Arc::new(down.clone())));
        staged.child_added(down.id.clone(), up.id.clone(), parent.next_child_seq);
        parent.children.push(down.id.clone());
        parent.next_child_seq += 1;
        parent.channels.insert(up.id.clone(), up);
        let mut state = lock(&cell.state);
        for (code, url, config) in installs {
            let rid = code.rid().to_string();
            let mut child_staged = Staged::default();
            match self.stage_install(&mut child_staged, &mut state, code, &url, config, None) {
                Ok(()) => staged.append_for_new_pico(child_staged),
                // Matches pico-engine: install errors do not fail newPico.
                Err(err) => self.pico_log_error(&child_id, format!("newPico could not install {rid}: {err}")),
            }
        }
        Ok(down.id)
    }

    /// Queues an event transaction on a pico whose state the caller holds, durably: its
    /// inbox record and the entity-variable `writes` commit in one batch first. With `wait`,
    /// returns where its result arrives (wait only after releasing the state).
    #[allow(clippy::type_complexity)]
    pub(crate) fn queue_event(
        &self,
        state: &mut PicoState,
        event: Event,
        writes: Vec<(Arc<str>, Arc<str>, Option<Value>)>,
        wait: bool,
    ) -> Result<Option<oneshot::Receiver<Result<EventResponse, RuntimeError>>>, RuntimeError> {
        let eid = new_id();
        let record = InboxRecord::new(&eid, &event);
        let mut batch = WriteBatch::new();
        batch.put(persist::inbox_key(&state.id, &eid), persist::to_bytes(&record));
        for (rid, name, value) in &writes {
            put_ent(&mut batch, &state.id, rid, name, value.as_ref());
        }
        self.storage.commit(batch).map_err(storage_failure)?;
        for (rid, name, value) in writes {
            match value {
                Some(value) => state.ent.insert((rid, name), value),
                None => state.ent.remove(&(rid, name)),
            };
        }
        let cell = self.pico(&state.id)?;
        let (reply, answer) = if wait {
            let (reply, answer) = oneshot::channel();
            (Some(reply), Some(answer))
        } else {
            (None, None)
        };
        self.push(
            &cell,
            Job::Event {
                eid,
                event,
                reply,
                inbox: true,
                claim: None,
            },
        );
        Ok(answer)
    }

    /// An event from a pico (`ctx:event`, `event:send`): cleaned, checked against the channel
    /// with `sender` as the sender, stored in the target's inbox and queued; the target may
    /// be the sender's own pico (it runs after the current transaction). Returns the eid.
    pub(crate) fn send_event(
        &self,
        sender: &str,
        eci: &str,
        domain: &str,
        name: &str,
        attrs: Value,
    ) -> Result<String, RuntimeError> {
        self.send_event_from(Some(sender), eci, domain, name, attrs)
    }

    /// [`Self::send_event`] with an optional sender: `None` is an event from outside (the
    /// `http` module's `autosend`), which family channels refuse.
    pub(crate) fn send_event_from(
        &self,
        sender: Option<&str>,
        eci: &str,
        domain: &str,
        name: &str,
        attrs: Value,
    ) -> Result<String, RuntimeError> {
        let (cell, event) = self.admit_event(eci, domain, name, attrs, sender)?;
        self.inbox_and_queue(&cell, event, None).map_err(|err| match err {
            EngineError::Runtime(err) => err,
            EngineError::Storage(err) => storage_failure(err),
            other => RuntimeError::error(other.to_string()),
        })
    }

    /// Stores an accepted event in its pico's inbox, then queues it; returns its eid. The
    /// event is durable before its id is returned: a crash now still runs it later, and its
    /// transaction removes it from the inbox. Under an `Idempotency-Key`, the key's record
    /// (the eid is the answer) commits with the inbox entry.
    pub(super) fn inbox_and_queue(
        &self,
        cell: &Arc<PicoCell>,
        event: Event,
        claim: Option<Claim>,
    ) -> Result<String, EngineError> {
        let eid = new_id();
        let record = InboxRecord::new(&eid, &event);
        // From the channel, not the pico's state: a busy pico holds that for as long as its
        // job runs, and accepting an event must not wait for it.
        let pico_id = self.channel(&event.eci)?.pico_id.clone();
        let mut batch = WriteBatch::new();
        batch.put(persist::inbox_key(&pico_id, &eid), persist::to_bytes(&record));
        if let Some(claim) = &claim {
            self.record_idempotent(&mut batch, claim, &Value::string(eid.as_str()));
        }
        self.storage.commit(batch)?;
        // Repeats of the key find the record from here on.
        drop(claim);
        self.push(
            cell,
            Job::Event {
                eid: eid.clone(),
                event,
                reply: None,
                inbox: true,
                claim: None,
            },
        );
        Ok(eid)
    }

    /// A query from a pico (`ctx:query`) to another pico; the caller has made sure the target
    /// is not its own pico, which would wait for itself forever. A query that would close a
    /// cycle of picos waiting for each other (A asks B while B's job asks A, directly or
    /// through others) is refused the same way rather than deadlocking them all.
    pub(crate) fn query_from(&self, sender: &str, query: Query) -> Result<Value, RuntimeError> {
        let channel = self.channel(&query.eci)?;
        channel.check_query(&query.rid, &query.name, Some(sender))?;
        let target = channel.pico_id.clone();
        {
            let mut waits = lock(&self.waits_for);
            let mut cycle = vec![sender.to_string(), target.clone()];
            let mut next = waits.get(&target);
            while let Some(pico) = next {
                cycle.push(pico.clone());
                if pico == sender {
                    return Err(RuntimeError::error(format!(
                        "ctx:query would wait for a pico that is waiting for it: {}",
                        cycle.join(" -> ")
                    )));
                }
                // A pico waits for one query at a time, so chains are simple paths; the bound
                // only guards against a bug looping forever.
                if cycle.len() > waits.len() + 2 {
                    break;
                }
                next = waits.get(pico);
            }
            waits.insert(sender.to_string(), target.clone());
        }
        let result = self.pico(&target).map(|cell| {
            let (reply, answer) = oneshot::channel();
            self.push_and_wait(
                &cell,
                Job::Query {
                    qid: new_id(),
                    query,
                    reply,
                },
            );
            answer
        });
        let answer = result.map(receive);
        lock(&self.waits_for).remove(sender);
        answer?
    }
}
