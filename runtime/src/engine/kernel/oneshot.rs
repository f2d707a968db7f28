//! One answer from the thread that runs a job to the caller waiting for it.
//!
//! Every event-wait and query waits for exactly one answer. `std::sync::mpsc` allocates and
//! zeroes a block of 31 slots on the first send, which showed in profiles as a large share of
//! a small event's cost; this is one allocation holding one slot.
//!
//! A receiver can block ([`Receiver::recv`]) or be awaited ([`Receiver::recv_async`]): the
//! HTTP server awaits answers, so a request waiting on a busy pico holds no thread.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

/// Creates a connected sender and receiver.
pub(crate) fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Slot {
        state: Mutex::new(State::Waiting),
        changed: Condvar::new(),
        waker: Mutex::new(None),
    });
    (Sender(Some(Arc::clone(&slot))), Receiver(slot))
}

struct Slot<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
    /// The task awaiting the answer, if it is awaited rather than blocked on.
    waker: Mutex<Option<Waker>>,
}

impl<T> Slot<T> {
    fn set(&self, state: State<T>) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = state;
        self.changed.notify_one();
        if let Some(waker) = self.waker.lock().unwrap_or_else(PoisonError::into_inner).take() {
            waker.wake();
        }
    }
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
        slot.set(State::Sent(value));
        Ok(())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(slot) = self.0.take() {
            slot.set(State::Abandoned);
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

    /// Completes when the answer comes, or its sender is dropped; waits without a thread.
    pub(crate) fn recv_async(self) -> RecvFuture<T> {
        RecvFuture(self)
    }

    /// The answer if it has come (or the sender is gone), else `None` after registering
    /// `waker` to be woken when it comes.
    fn poll_answer(&self, waker: &Waker) -> Option<Result<T, Abandoned>> {
        let take = |state: &mut State<T>| match std::mem::replace(state, State::Taken) {
            State::Sent(value) => Some(Ok(value)),
            State::Abandoned | State::Taken => Some(Err(Abandoned)),
            State::Waiting => {
                *state = State::Waiting;
                None
            }
        };
        if let Some(done) = take(&mut self.0.state.lock().unwrap_or_else(PoisonError::into_inner)) {
            return Some(done);
        }
        *self.0.waker.lock().unwrap_or_else(PoisonError::into_inner) = Some(waker.clone());
        // The answer may have come between the first look and storing the waker.
        take(&mut self.0.state.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The future of [`Receiver::recv_async`].
pub(crate) struct RecvFuture<T>(Receiver<T>);

impl<T> Future for RecvFuture<T> {
    type Output = Result<T, Abandoned>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.0.poll_answer(cx.waker()) {
            Some(done) => Poll::Ready(done),
            None => Poll::Pending,
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

    /// Counts how often it was woken.
    struct CountWakes(std::sync::atomic::AtomicUsize);

    impl std::task::Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn an_awaited_answer_wakes_its_task() {
        let wakes = Arc::new(CountWakes(0.into()));
        let waker = Waker::from(Arc::clone(&wakes));
        let mut cx = Context::from_waker(&waker);
        let (sender, receiver) = channel();
        let mut future = receiver.recv_async();
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Pending);
        std::thread::spawn(move || sender.send(7))
            .join()
            .expect("the sender thread")
            .expect("the receiver waits");
        assert_eq!(wakes.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Ready(Ok(7)));

        let (sender, receiver) = channel::<u8>();
        let mut future = receiver.recv_async();
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Pending);
        drop(sender);
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Ready(Err(Abandoned)));
    }

    #[test]
    fn sending_to_a_dropped_receiver_gives_the_value_back() {
        let (sender, receiver) = channel();
        drop(receiver);
        assert_eq!(sender.send("answer"), Err("answer"));
    }
}
