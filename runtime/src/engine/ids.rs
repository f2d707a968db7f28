//! Identifiers for picos, channels, transactions and timers.
//!
//! Matches pico-engine's shape (cuid: `c` followed by lowercase base-36), which KRL code
//! sometimes inspects: a time component, a process-wide counter and randomness, so ids are
//! unique across restarts and threads and roughly ordered by creation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn base36(mut n: u64, width: usize, out: &mut String) {
    let mut digits = [b'0'; 16];
    let mut idx = digits.len();
    while n > 0 && idx > 0 {
        idx -= 1;
        digits[idx] = b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize];
        n /= 36;
    }
    let text = &digits[idx..];
    for _ in text.len()..width {
        out.push('0');
    }
    out.extend(text.iter().map(|&b| b as char));
}

/// A new unique id such as `cmf3k2x0a0001q8z4k2m1v7ty`.
pub fn new_id() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed) % 36u64.pow(4);
    let mut id = String::with_capacity(25);
    id.push('c');
    base36(millis, 8, &mut id);
    base36(count, 4, &mut id);
    base36(fastrand::u64(..36u64.pow(6)), 6, &mut id);
    base36(fastrand::u64(..36u64.pow(6)), 6, &mut id);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_reference_shape_and_are_unique() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(100) {
            assert!(id.starts_with('c'), "{id}");
            assert!(
                id[1..]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()),
                "{id}"
            );
            assert_eq!(id.len(), 25, "{id}");
        }
    }
}
