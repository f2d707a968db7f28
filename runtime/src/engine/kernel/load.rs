//! Reading the engine back from storage: at startup only what every request needs (the
//! registry, the root id, accepted events not yet run; timers are re-armed from their
//! index in `modules/schedule.rs`), and one pico's state when it is first used
//! (`read_pico`, called through `residency.rs`). Also migrates stores of layout version 1, which
//! had no per-pico indexes (see `persist`).

use std::collections::BTreeMap;

use super::*;

impl EngineInner {
    /// Startup on a store that has a root: the registry, the layout migration and the inbox.
    /// No pico is read here; each loads on first use.
    pub(super) fn load(&self) -> Result<(), EngineError> {
        self.load_registry()?;
        self.migrate_layout()?;
        self.requeue_inbox(None)
    }

    /// Compiles every stored ruleset source; one that no longer compiles is logged and its
    /// installs stay inert.
    fn load_registry(&self) -> Result<(), EngineError> {
        for failure in self.registry.load(&*self.storage)? {
            self.engine_log(failure);
        }
        Ok(())
    }

    /// Queues every accepted event that had not finished when the engine stopped (of one
    /// pico, or of all), on the picos this engine runs (`adopt.rs`); their picos load now.
    /// Each one's replay is counted first, and an event that never finished too often is
    /// moved to the dead letters instead (`dead_letters.rs`).
    pub(super) fn requeue_inbox(&self, only: Option<&str>) -> Result<(), EngineError> {
        let prefix = match only {
            Some(pico) => key::prefix(&["inbox", pico]),
            None => key::prefix(&["inbox"]),
        };
        let found = self.storage.scan_prefix(&prefix)?;
        let mut replays = Vec::with_capacity(found.len());
        let mut batch = WriteBatch::new();
        for (k, v) in found {
            let parts = key::decode(&k)?;
            let record: InboxRecord = persist::from_bytes(&k, &v)?;
            let Some(pico) = parts.get(1) else { continue };
            if !self.runs_here(pico) {
                continue;
            }
            if let Some(record) = self.count_replay(&mut batch, pico, record) {
                replays.push((pico.clone(), record));
            }
        }
        if !batch.is_empty() {
            self.storage.commit(batch)?;
        }
        for (pico, record) in replays {
            let event = Event {
                eci: Arc::from(record.eci.as_str()),
                domain: Arc::from(record.domain.as_str()),
                name: Arc::from(record.name.as_str()),
                attrs: record.attrs,
                time: record.time,
            };
            let cell = self.pico(&pico)?;
            self.push(
                &cell,
                Job::Event {
                    eid: record.eid,
                    event,
                    reply: None,
                    inbox: true,
                    claim: None,
                },
            );
        }
        Ok(())
    }

    /// Layout version 1 kept children inside the pico record and had no channel or timer
    /// index: write the indexes once, in one batch.
    fn migrate_layout(&self) -> Result<(), EngineError> {
        if self.storage.get(&persist::layout_key())?.is_some() {
            return Ok(());
        }
        let scan = |parts: &[&str]| self.storage.scan_prefix(&key::prefix(parts));
        let mut batch = WriteBatch::new();
        for (k, v) in scan(&["pico"])? {
            let record: PicoRecord = persist::from_bytes(&k, &v)?;
            for (seq, child) in record.children.iter().enumerate() {
                batch.put(persist::child_key(&record.id, child), persist::to_bytes(&seq));
            }
            batch.put(k, persist::to_bytes(&record));
        }
        for (k, v) in scan(&["pico-channel"])? {
            let channel: Channel = persist::from_bytes(&k, &v)?;
            batch.put(
                persist::channel_index_key(&channel.pico_id, &channel.id),
                Vec::new(),
            );
        }
        // One rule-state key per ruleset instead of one per rule.
        let mut rule_states: BTreeMap<(String, String), BTreeMap<String, serde_json::Value>> =
            BTreeMap::new();
        for (k, v) in scan(&["rulestate"])? {
            if let [_, pico, rid, rule] = key::decode(&k)?.as_slice() {
                let value: serde_json::Value = persist::from_bytes(&k, &v)?;
                rule_states
                    .entry((pico.clone(), rid.clone()))
                    .or_default()
                    .insert(rule.clone(), value);
                batch.delete(k);
            }
        }
        for ((pico, rid), by_name) in rule_states {
            batch.put(persist::rule_states_key(&pico, &rid), persist::to_bytes(&by_name));
        }
        for (k, _) in scan(&["entvar"])? {
            if let [_, pico, rid, name] = key::decode(&k)?.as_slice()
                && name == SCHEDULE_VAR
            {
                batch.put(persist::timer_index_key(pico, rid), Vec::new());
            }
        }
        batch.put(persist::layout_key(), persist::to_bytes(&persist::LAYOUT_VERSION));
        self.storage.commit(batch)?;
        Ok(())
    }

    /// One pico's state as stored (`None` when there is no such pico), with its rulesets
    /// initialised. A ruleset whose code was flushed while the pico was not loaded is
    /// re-initialised now, as a loaded pico's was at the flush.
    pub(super) fn read_pico(&self, id: &str) -> Result<Option<PicoState>, EngineError> {
        let Some(bytes) = self.storage.get(&persist::pico_key(id))? else {
            return Ok(None);
        };
        let record: PicoRecord = persist::from_bytes(&persist::pico_key(id), &bytes)?;
        let scan = |area: &str| self.storage.scan_prefix(&key::prefix(&[area, id]));
        let mut state = PicoState::new(record.id, record.parent);

        let mut children: Vec<(u64, String)> = Vec::new();
        for (k, v) in scan("pico-child")? {
            if let [_, _, eci] = key::decode(&k)?.as_slice() {
                children.push((persist::from_bytes(&k, &v)?, eci.clone()));
            }
        }
        children.sort();
        state.next_child_seq = children.last().map_or(0, |(seq, _)| seq + 1);
        state.children = children.into_iter().map(|(_, eci)| eci).collect();

        for (k, _) in scan("pico-eci-list")? {
            let parts = key::decode(&k)?;
            let [_, _, eci] = parts.as_slice() else {
                continue;
            };
            // A deleted channel may leave its index entry behind.
            let channel_key = persist::channel_key(eci);
            if let Some(bytes) = self.storage.get(&channel_key)? {
                let channel: Channel = persist::from_bytes(&channel_key, &bytes)?;
                state.channels.insert(channel.id.clone(), channel);
            }
        }

        for (k, v) in scan("entvar")? {
            let parts = key::decode(&k)?;
            let [_, _, rid, name] = parts.as_slice() else {
                continue;
            };
            let text = String::from_utf8_lossy(&v);
            let value = Value::decode(&text).map_err(|err| EngineError::Corrupt {
                what: format!("entvar {id}/{rid}/{name}"),
                reason: err.to_string(),
            })?;
            state
                .ent
                .insert((Arc::from(rid.as_str()), Arc::from(name.as_str())), value);
        }

        let mut installs: Vec<InstallRecord> = Vec::new();
        for (k, v) in scan("pico-ruleset")? {
            installs.push(persist::from_bytes(&k, &v)?);
        }
        installs.sort_by_key(|record| record.seq);
        for record in installs {
            self.install_seq.fetch_max(record.seq + 1, Ordering::Relaxed);
            self.init_stored_install(&mut state, record);
        }

        for (k, v) in scan("rulestate")? {
            let parts = key::decode(&k)?;
            let [_, _, rid] = parts.as_slice() else {
                continue;
            };
            let by_name: BTreeMap<String, select::RuleState> = persist::from_bytes(&k, &v)?;
            let Some(installed) = state.installed(rid) else {
                continue;
            };
            let rules = installed.code.compiled.rules();
            let indexed: Vec<(usize, select::RuleState)> = by_name
                .into_iter()
                .filter_map(|(rule, rule_state)| {
                    Some((rules.iter().position(|spec| spec.name == rule)?, rule_state))
                })
                .collect();
            let rid: Arc<str> = Arc::from(rid.as_str());
            for (index, rule_state) in indexed {
                state.rule_states.insert((Arc::clone(&rid), index), rule_state);
            }
        }
        Ok(Some(state))
    }

    /// Initialises one stored install on a pico being loaded; failures are logged and leave
    /// the ruleset inert, as at the reference's startup.
    fn init_stored_install(&self, state: &mut PicoState, record: InstallRecord) {
        let pico = state.id.clone();
        let code = self.registry.get(&record.url);
        let Some(code) = code else {
            self.engine_log(format!(
                "ruleset {} on pico {pico} has no code at {}",
                record.rid, record.url
            ));
            return;
        };
        let config = persist::config_map(&record.config);
        if record.hash.as_ref().is_some_and(|hash| *hash != code.hash) {
            let result = self.install_on(
                state,
                Arc::clone(&code),
                &record.url,
                config.clone(),
                Some(record.seq),
            );
            if let Err(err) = result {
                self.engine_log(format!(
                    "ruleset {} on pico {pico} failed to initialise: {err}",
                    record.rid
                ));
                state.rulesets.push(Installed {
                    rid: Arc::from(record.rid.as_str()),
                    url: record.url,
                    config,
                    code,
                    instance: None,
                });
            }
            return;
        }
        let instance = {
            let mut cx = TxnContext::new(self, state, Arc::from(new_id().as_str()));
            cx.rid = Arc::from(record.rid.as_str());
            self.budgeted(|| code.compiled.instantiate(&mut cx, &config))
        };
        let instance = match instance {
            Ok(instance) => Some(instance),
            Err(err) => {
                self.engine_log(format!(
                    "ruleset {} on pico {pico} failed to initialise: {err}",
                    record.rid
                ));
                None
            }
        };
        state.rulesets.push(Installed {
            rid: Arc::from(record.rid.as_str()),
            url: record.url,
            config,
            code,
            instance,
        });
    }
}
