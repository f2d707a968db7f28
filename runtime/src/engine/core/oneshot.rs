//! One answer from the thread that runs a job to the caller waiting for it.
//!
//! Every event-wait and query waits for exactly one answer. `std::sync::mpsc` allocates and
//! zeroes a block of 31 slots on the first send, which showed in profiles as a large share of
//! a small event's cost; this is one allocation holding one slot.

use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// Creates a connected sender and receiver.
pub(crate) fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Slot {
        state: Mutex::new(State::Waiting),
        changed: Condvar::new(),
    });
    (Sender(Some(Arc::clone(&slot))), Receiver(slot))
}

struct Slot<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

enum State<T> {
    Waiting,
    Sent(T),
    /// The sender was dropped without sending.
    Abandoned,
    /// The receiver took the value.
    Taken,
}

/// Sends the one answer; dropping it unsent wakes the receiver with an error.
pub(crate) struct Sender<T>(Option<Arc<Slot<T>>>);

/// Waits for the one answer.
pub(crate) struct Receiver<T>(Arc<Slot<T>>);

/// The sender was dropped without answering.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Abandoned;

impl<T> Sender<T> {
    /// Delivers `value`; returns it back if the receiver is gone.
    pub(crate) fn send(mut self, value: T) -> Result<(), T> {
        let slot = self.0.take().expect("a sender sends once");
        if Arc::strong_count(&slot) == 1 {
            return Err(value);
        }
        *slot.state.lock().unwrap_or_else(PoisonError::into_inner) = State::Sent(value);
        slot.changed.notify_one();
        Ok(())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(slot) = self.0.take() {
            *slot.state.lock().unwrap_or_else(PoisonError::into_inner) = State::Abandoned;
            slot.changed.notify_one();
        }
    }
}

impl<T> Receiver<T> {
    /// Blocks until the answer comes, or its sender is dropped.
    pub(crate) fn recv(self) -> Result<T, Abandoned> {
        let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            match std::mem::replace(&mut *state, State::Taken) {
                State::Sent(value) => return Ok(value),
                State::Abandoned | State::Taken => return Err(Abandoned),
                State::Waiting => {
                    *state = State::Waiting;
                    state = self.0.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_crosses_threads() {
        let (sender, receiver) = channel();
        let thread = std::thread::spawn(move || sender.send(42));
        assert_eq!(receiver.recv(), Ok(42));
        assert_eq!(thread.join().expect("the sender thread"), Ok(()));
    }

    #[test]
    fn a_dropped_sender_wakes_the_receiver() {
        let (sender, receiver) = channel::<u8>();
        let thread = std::thread::spawn(move || drop(sender));
        assert_eq!(receiver.recv(), Err(Abandoned));
        thread.join().expect("the sender thread");
    }

    #[test]
    fn sending_to_a_dropped_receiver_gives_the_value_back() {
        let (sender, receiver) = channel();
        drop(receiver);
        assert_eq!(sender.send("answer"), Err("answer"));
    }
}
