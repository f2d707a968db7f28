//! The engine's source of "now": the system clock, or a test clock that moves only when told
//! (`EngineOptions::manual_clock`, `krl test`), so scheduled events fire deterministically.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Epoch milliseconds, from the system or from a test.
pub(crate) enum Clock {
    System,
    Manual(Mutex<f64>),
}

impl Clock {
    /// A test clock starting at `manual` when given, else the system clock.
    pub(crate) fn new(manual: Option<f64>) -> Clock {
        match manual {
            Some(start) => Clock::Manual(Mutex::new(start)),
            None => Clock::System,
        }
    }

    /// Now, in epoch milliseconds.
    pub(crate) fn now(&self) -> f64 {
        match self {
            Clock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_millis() as f64),
            Clock::Manual(time) => *super::lock(time),
        }
    }

    pub(crate) fn is_manual(&self) -> bool {
        matches!(self, Clock::Manual(_))
    }

    /// Moves a test clock to `millis`; false (and nothing changes) on the system clock.
    pub(crate) fn set(&self, millis: f64) -> bool {
        match self {
            Clock::Manual(time) => {
                *super::lock(time) = millis;
                true
            }
            Clock::System => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_set_and_the_system_clock_cannot_be_set() {
        let manual = Clock::new(Some(1_000.0));
        assert!(manual.is_manual());
        assert_eq!(manual.now(), 1_000.0);
        assert!(manual.set(5_000.0));
        assert_eq!(manual.now(), 5_000.0);
        let system = Clock::new(None);
        assert!(!system.is_manual());
        assert!(!system.set(5_000.0));
        assert!(system.now() > 1.6e12);
    }
}
