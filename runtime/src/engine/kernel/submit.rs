//! Jobs whose callers wait for the answer (event-wait, queries, event + query), with the
//! per-pico queue limit, waited for either on the caller's thread or as a future.
//!
//! A caller that finds its pico idle runs the pico's queue itself (see `Drainer`); a caller
//! that finds it busy only waits. The HTTP server submits on a blocking thread, runs the
//! queue there if it has to, and then awaits the answer without a thread: hundreds of
//! requests waiting on one busy pico hold no thread of the server's pool, so other picos
//! (the root's queries) keep being answered.

use std::sync::Arc;

use super::{
    Claim, Drainer, Engine, EngineError, EngineInner, EventResponse, Job, PicoCell, lock, oneshot, receive,
    settle,
};
use crate::RuntimeError;
use crate::engine::event::Query;
use crate::engine::ids::new_id;
use crate::value::Value;

type Answer<T> = oneshot::Receiver<Result<T, RuntimeError>>;

/// A job queued on a pico whose answer the caller has yet to collect.
///
/// Call [`Submitted::run_queue`] on a thread that may block (it runs the pico's queue when
/// this caller took it over), then [`Submitted::wait`] or [`Submitted::answer`].
#[must_use = "the answer comes only once the queue is run"]
pub struct Submitted<T> {
    engine: Arc<EngineInner>,
    /// The pico whose queue this caller must run (it was idle when the job was queued).
    drain: Option<Arc<PicoCell>>,
    /// The event queued in front of a query (`event_query`): its error is the answer.
    before: Option<Answer<EventResponse>>,
    /// Taken by `wait` or `answer`.
    answer: Option<Answer<T>>,
}

impl<T> Submitted<T> {
    /// Runs the pico's queue if this caller took it over; a no-op otherwise.
    pub fn run_queue(&mut self) {
        if let Some(cell) = self.drain.take() {
            self.engine.drain(&cell, None);
        }
    }

    /// Blocks until the answer comes (running the queue first if needed).
    pub fn wait(mut self) -> Result<T, EngineError> {
        self.run_queue();
        if let Some(before) = self.before.take() {
            receive(before)?;
        }
        Ok(receive(self.take_answer())?)
    }

    /// Awaits the answer without holding a thread. [`Submitted::run_queue`] must have run:
    /// an unrun queue is run here, on the awaiting thread.
    pub async fn answer(mut self) -> Result<T, EngineError> {
        self.run_queue();
        if let Some(before) = self.before.take() {
            settle(before.recv_async().await)?;
        }
        Ok(settle(self.take_answer().recv_async().await)?)
    }

    fn take_answer(&mut self) -> Answer<T> {
        self.answer
            .take()
            .expect("the answer is taken once, by wait or answer")
    }
}

impl<T> Drop for Submitted<T> {
    /// A caller that claimed the queue and gave up without running it hands it to the
    /// workers: otherwise the pico would stay claimed, and wedged, forever.
    fn drop(&mut self) {
        if let Some(cell) = self.drain.take() {
            lock(&cell.queue).drainer = Drainer::Scheduled;
            // A send only fails once every worker is gone (the engine is stopping).
            let _ = lock(&self.engine.work).send(cell);
        }
    }
}

/// How an event from outside arrives, besides what it is.
#[derive(Default)]
pub struct Arrival {
    /// The event's time (epoch ms) when the caller gives it (`krl run --trust-event-time`,
    /// the reference's `useEventInputTime`); the engine clock's otherwise.
    pub time: Option<f64>,
    /// The `Idempotency-Key` it runs under: its answer is stored with the event.
    pub claim: Option<Claim>,
}

impl Arrival {
    /// An event at `time`, without an `Idempotency-Key`.
    pub fn at(time: Option<f64>) -> Arrival {
        Arrival { time, claim: None }
    }
}

impl Engine {
    /// Queues an event for a caller that will wait for its directives
    /// ([`Engine::event_wait_at`] is this followed by [`Submitted::wait`]).
    pub fn submit_event_wait(
        &self,
        eci: &str,
        (domain, name): (&str, &str),
        attrs: Value,
        arrival: Arrival,
    ) -> Result<Submitted<EventResponse>, EngineError> {
        let (cell, mut event) = self.inner.admit_event(eci, domain, name, attrs, None)?;
        event.time = arrival.time.unwrap_or(event.time);
        let (reply, answer) = oneshot::channel();
        let job = Job::Event {
            eid: new_id(),
            event,
            reply: Some(reply),
            inbox: false,
            claim: arrival.claim,
        };
        let drain = self.inner.enqueue(&cell, [job])?;
        Ok(self.submitted(drain.then_some(cell), None, answer))
    }

    /// Queues an event and then a query, back to back (pico-engine's `eventQuery`); the
    /// answer is the query's result, or the event's error.
    pub fn submit_event_query(
        &self,
        eci: &str,
        (domain, name): (&str, &str),
        attrs: Value,
        arrival: Arrival,
        (rid, query_name): (&str, &str),
        args: Value,
    ) -> Result<Submitted<Value>, EngineError> {
        let (cell, mut event) = self.inner.admit_event(eci, domain, name, attrs, None)?;
        event.time = arrival.time.unwrap_or(event.time);
        let query = Query::clean(eci, rid, query_name, args)?;
        self.inner
            .channel(&query.eci)?
            .check_query(&query.rid, &query.name, None)?;
        let (event_reply, event_answer) = oneshot::channel();
        let (query_reply, query_answer) = oneshot::channel();
        let event_job = Job::Event {
            eid: new_id(),
            event,
            reply: Some(event_reply),
            inbox: false,
            claim: arrival.claim,
        };
        let query_job = Job::Query {
            qid: new_id(),
            query,
            reply: query_reply,
        };
        let drain = self.inner.enqueue(&cell, [event_job, query_job])?;
        Ok(self.submitted(drain.then_some(cell), Some(event_answer), query_answer))
    }

    /// Queues a query ([`Engine::query`] is this followed by [`Submitted::wait`]).
    pub fn submit_query(
        &self,
        eci: &str,
        rid: &str,
        name: &str,
        args: Value,
    ) -> Result<Submitted<Value>, EngineError> {
        let query = Query::clean(eci, rid, name, args)?;
        let channel = self.inner.channel(&query.eci)?;
        channel.check_query(&query.rid, &query.name, None)?;
        let cell = self.inner.pico(&channel.pico_id)?;
        let (reply, answer) = oneshot::channel();
        let job = Job::Query {
            qid: new_id(),
            query,
            reply,
        };
        let drain = self.inner.enqueue(&cell, [job])?;
        Ok(self.submitted(drain.then_some(cell), None, answer))
    }

    fn submitted<T>(
        &self,
        drain: Option<Arc<PicoCell>>,
        before: Option<Answer<EventResponse>>,
        answer: Answer<T>,
    ) -> Submitted<T> {
        Submitted {
            engine: Arc::clone(&self.inner),
            drain,
            before,
            answer: Some(answer),
        }
    }
}

impl EngineInner {
    /// Refuses new work for a pico whose queue is full ([`EngineError::Busy`]).
    pub(super) fn check_queue_room(&self, cell: &PicoCell, adding: usize) -> Result<(), EngineError> {
        let queued = lock(&cell.queue).jobs.len();
        if queued + adding > self.max_queued {
            return Err(EngineError::Busy { queued });
        }
        Ok(())
    }

    /// Queues jobs for a caller that waits for them, unless the pico's queue is full.
    /// Returns whether the caller must run the queue itself (nobody is running it).
    fn enqueue<const N: usize>(&self, cell: &Arc<PicoCell>, jobs: [Job; N]) -> Result<bool, EngineError> {
        let mut queue = lock(&cell.queue);
        if queue.jobs.len() + N > self.max_queued {
            return Err(EngineError::Busy {
                queued: queue.jobs.len(),
            });
        }
        queue.jobs.extend(jobs);
        let free = queue.drainer != Drainer::Draining;
        if free {
            queue.drainer = Drainer::Draining;
        }
        Ok(free)
    }
}
