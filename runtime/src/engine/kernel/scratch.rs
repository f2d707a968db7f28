//! Evaluating code a tool brings (`krl eval`, `krl repl`) as a transaction on a pico: the
//! code sees the pico's entity variables, modules (`time:`, `math:`, `http:`, ...) and
//! optionally an event, exactly as a rule would, and its writes commit like a rule's.

use super::*;

impl Engine {
    /// Runs `body` on `pico_id` as ruleset `rid` would run (its entity variables, the
    /// modules it uses when it is installed), with `event` as `event:`'s event. Entity
    /// variable writes and structural changes (`ctx:newChannel`, ...) commit when `body`
    /// succeeds; a failure changes nothing. Raised events and directives are dropped: a
    /// tool that wants rules to run sends an event.
    pub fn evaluate<T>(
        &self,
        pico_id: &str,
        rid: &str,
        event: Option<Arc<Event>>,
        body: impl FnOnce(&mut TxnContext<'_>) -> Result<T, RuntimeError>,
    ) -> Result<T, EngineError> {
        let cell = self.inner.pico(pico_id)?;
        let mut state = lock(&cell.state);
        let modules = state
            .installed(rid)
            .and_then(|installed| installed.instance.as_ref())
            .map(|instance| instance.modules().to_vec())
            .unwrap_or_default();
        let mut cx = TxnContext::new(&self.inner, &mut state, Arc::from(new_id().as_str()));
        cx.rid = Arc::from(rid);
        cx.event = event;
        cx.modules = modules;
        let result = body(&mut cx);
        let logs = std::mem::take(&mut cx.logs);
        let writes = std::mem::take(&mut cx.ent_writes);
        let mut staged = std::mem::take(&mut cx.staged);
        drop(cx);
        if !logs.is_empty() {
            self.inner.logs.append(&state.id, logs);
        }
        let value = match result {
            Ok(value) => value,
            Err(err) => {
                self.inner.abort(&mut state, staged);
                return Err(err.into());
            }
        };
        add_ent_writes(&mut staged.batch, &state.id, &writes);
        // Memory follows storage: the writes reach the pico only once they are stored.
        self.inner.commit_staged(&mut state, staged)?;
        apply_ent_writes(&mut state, writes);
        Ok(value)
    }
}
