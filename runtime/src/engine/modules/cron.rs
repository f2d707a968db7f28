//! Cron specs for `schedule ... repeat <timespec>` in node-schedule's syntax: five fields
//! (`minute hour day-of-month month day-of-week`) or six with seconds first. Each field is
//! `*` (or `?`), a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n`, or a comma list of
//! those; months and weekdays also take English abbreviations (`jan`, `mon`); weekday 7 is
//! Sunday. As in classic cron, when both day fields are restricted a day matching either
//! one matches. Times are UTC (node-schedule uses the server's zone).

use super::time::{civil_from_days, days_from_civil, days_in_month, weekday};

const DAY_MS: i64 = 86_400_000;

/// A parsed timespec: one bit per allowed value of each field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cron {
    seconds: u64,
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    any_day: bool,
    any_weekday: bool,
}

const MONTH_NAMES: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAY_NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

impl Cron {
    /// Parses a timespec; `None` when it is not valid cron.
    pub(crate) fn parse(spec: &str) -> Option<Cron> {
        let fields: Vec<&str> = spec.split_whitespace().collect();
        let (seconds, rest) = match fields.len() {
            5 => ("0", &fields[..]),
            6 => (fields[0], &fields[1..]),
            _ => return None,
        };
        let weekdays = field(rest[4], 0, 7, &WEEKDAY_NAMES, 0)?;
        // Weekday 7 is Sunday too.
        let weekdays = (weekdays | ((weekdays >> 7) & 1)) & 0x7f;
        Some(Cron {
            seconds: field(seconds, 0, 59, &[], 0)?,
            minutes: field(rest[0], 0, 59, &[], 0)?,
            hours: field(rest[1], 0, 23, &[], 0)?,
            days: field(rest[2], 1, 31, &[], 0)?,
            months: field(rest[3], 1, 12, &MONTH_NAMES, 1)?,
            weekdays,
            any_day: is_any(rest[2]),
            any_weekday: is_any(rest[4]),
        })
    }

    fn day_matches(&self, day: i64, wday: i64) -> bool {
        let by_day = self.days & (1 << day) != 0;
        let by_weekday = self.weekdays & (1 << wday) != 0;
        match (self.any_day, self.any_weekday) {
            (true, true) => true,
            (true, false) => by_weekday,
            (false, true) => by_day,
            (false, false) => by_day || by_weekday,
        }
    }

    /// The first matching time strictly after `after` (epoch ms), on a whole second; `None`
    /// when nothing matches within about eight years (`0 0 30 2 *`).
    pub(crate) fn next_after(&self, after: i64) -> Option<i64> {
        let mut t = after.div_euclid(1000) * 1000 + 1000;
        let limit = t + 8 * 366 * DAY_MS;
        while t < limit {
            let days = t.div_euclid(DAY_MS);
            let (year, month, day) = civil_from_days(days);
            if self.months & (1 << month) == 0 {
                let (year, month) = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                t = days_from_civil(year, month, 1) * DAY_MS;
                continue;
            }
            if day > days_in_month(year, month) || !self.day_matches(day, weekday(days)) {
                t = (days + 1) * DAY_MS;
                continue;
            }
            let of_day = t.rem_euclid(DAY_MS);
            let (hour, minute, second) = (of_day / 3_600_000, of_day / 60_000 % 60, of_day / 1000 % 60);
            if self.hours & (1 << hour) == 0 {
                t = days * DAY_MS + (hour + 1) * 3_600_000;
                continue;
            }
            if self.minutes & (1 << minute) == 0 {
                t = days * DAY_MS + hour * 3_600_000 + (minute + 1) * 60_000;
                continue;
            }
            if self.seconds & (1 << second) == 0 {
                t += 1000;
                continue;
            }
            return Some(t);
        }
        None
    }
}

fn is_any(field: &str) -> bool {
    field == "*" || field == "?"
}

/// One field as a bit set over `low..=high`. `offset` is the value of the first name.
fn field(text: &str, low: u32, high: u32, names: &[&str], offset: u32) -> Option<u64> {
    let value = |part: &str| -> Option<u32> {
        let lower = part.to_ascii_lowercase();
        if let Some(idx) = names.iter().position(|n| *n == lower) {
            return Some(idx as u32 + offset);
        }
        let n: u32 = part.parse().ok()?;
        (low..=high).contains(&n).then_some(n)
    };
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (range, Some(step.parse::<u32>().ok().filter(|s| *s > 0)?)),
            None => (part, None),
        };
        let (from, to) = if is_any(range) {
            (low, high)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            let start = value(range)?;
            // `a/n` runs from `a` to the end of the field.
            (start, if step.is_some() { high } else { start })
        };
        if from > to {
            return None;
        }
        let mut n = from;
        while n <= to {
            bits |= 1 << n;
            n += step.unwrap_or(1);
        }
    }
    Some(bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::modules::time::parse_iso;

    fn next(spec: &str, after: &str) -> Option<String> {
        let cron = Cron::parse(spec).expect("valid spec");
        cron.next_after(parse_iso(after).expect("date"))
            .map(|t| crate::engine::modules::iso8601(t as f64))
    }

    #[test]
    fn next_ticks() {
        assert_eq!(
            next("* * * * *", "2020-01-01T00:00:00").as_deref(),
            Some("2020-01-01T00:01:00.000Z")
        );
        assert_eq!(
            next("*/5 * * * * *", "2020-01-01T00:00:03").as_deref(),
            Some("2020-01-01T00:00:05.000Z")
        );
        assert_eq!(
            next("0 */5 * * * *", "2020-01-01T00:00:00").as_deref(),
            Some("2020-01-01T00:05:00.000Z")
        );
        assert_eq!(
            next("30 9 * * mon-fri", "2020-01-04T12:00:00").as_deref(),
            Some("2020-01-06T09:30:00.000Z")
        );
        assert_eq!(
            next("0 0 29 2 *", "2021-01-01T00:00:00").as_deref(),
            Some("2024-02-29T00:00:00.000Z")
        );
        assert_eq!(
            next("0 0 1 jan,jul 7", "2020-01-02T00:00:00").as_deref(),
            Some("2020-01-05T00:00:00.000Z")
        );
        assert_eq!(next("0 0 30 2 *", "2020-01-01T00:00:00"), None);
    }

    #[test]
    fn bad_specs() {
        for bad in [
            "",
            "* * * *",
            "60 * * * *",
            "* * * 13 *",
            "*/0 * * * *",
            "5-1 * * * *",
            "a b c d e",
            "* * * * * * *",
        ] {
            assert_eq!(Cron::parse(bad), None, "{bad}");
        }
    }
}
