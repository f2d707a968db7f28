//! The `time` module (engine.md §7.7): `now`, `new`, `add` and `strftime` over ISO-8601
//! strings, with a small parser for the ISO-8601 forms moment.js accepts.
//!
//! All dates are UTC. The reference parses `strftime`'s input in the server's local zone and
//! formats in it too; a server running in UTC (the usual deployment) behaves as here.

use super::{Args, no_member};
use crate::RuntimeError;
use crate::engine::context::TxnContext;
use crate::value::{Map, Value};

const DAY_MS: i64 = 86_400_000;

pub(super) fn call(cx: &mut TxnContext<'_>, name: &str, args: Args) -> Result<Value, RuntimeError> {
    let now = cx.now() as i64;
    match name {
        "now" => {
            let opts = args.get(0);
            // Matches pico-engine: `{"tz": ...}` is accepted but the result stays UTC.
            if opts.truthy() && opts.as_map().is_none() {
                return Err(RuntimeError::type_error(format!(
                    "time:now was given {} instead of an opts map",
                    opts.to_krl_string()
                )));
            }
            Ok(Value::string(iso8601(now as f64)))
        }
        "new" => {
            let date = args.get(0);
            if !date.truthy() {
                return Err(RuntimeError::error("time:new needs a date string"));
            }
            let millis = match date {
                Value::Number(n) => js_date(*n)?,
                _ => parse_date("time:new", date, now)?,
            };
            Ok(Value::string(iso8601(millis as f64)))
        }
        "add" => {
            let (date, spec) = (args.get(0), args.get(1));
            if !date.truthy() {
                return Err(RuntimeError::error("time:add needs a date string"));
            }
            if !spec.truthy() {
                return Err(RuntimeError::error("time:add needs a spec map"));
            }
            // Matches pico-engine: numbers are read as date strings here (`1967342` is an
            // ordinal date), unlike `time:new`.
            let millis = parse_date("time:add", date, now)?;
            let Some(spec) = spec.as_map() else {
                return Err(RuntimeError::type_error(format!(
                    "time:add was given {} instead of a spec map",
                    spec.to_krl_string()
                )));
            };
            Ok(Value::string(iso8601(add(millis, spec) as f64)))
        }
        "strftime" => {
            let (date, fmt) = (args.get(0), args.get(1));
            if !date.truthy() {
                return Err(RuntimeError::error("time:strftime needs a date string"));
            }
            if !fmt.truthy() {
                return Err(RuntimeError::error("time:strftime needs a fmt string"));
            }
            let millis = parse_date("time:strftime", date, now)?;
            let Some(fmt) = fmt.as_str() else {
                return Err(RuntimeError::type_error(format!(
                    "time:strftime was given {} instead of a fmt string",
                    fmt.to_krl_string()
                )));
            };
            Ok(Value::string(strftime(fmt, millis)))
        }
        _ => Err(no_member("time", name)),
    }
}

/// JavaScript's `new Date(n)`: the time value must lie within ±8.64e15 ms.
fn js_date(n: f64) -> Result<i64, RuntimeError> {
    if n.is_finite() && n.abs() <= 8.64e15 {
        Ok(n.trunc() as i64)
    } else {
        Err(RuntimeError::range_error("Invalid time value"))
    }
}

/// Parses the string form of `date` or fails with `function`'s error texts.
fn parse_date(function: &str, date: &Value, now: i64) -> Result<i64, RuntimeError> {
    let text = date.to_krl_string();
    match parse_lenient(&text, now) {
        Some(millis) => Ok(millis),
        None if date.as_str().is_some() => Err(RuntimeError::error(format!(
            "{function} was given an invalid date string ({text})"
        ))),
        None => Err(RuntimeError::type_error(format!(
            "{function} was given {text} instead of a date string"
        ))),
    }
}

/// Matches pico-engine's `newDate`: an ISO-8601 string, else a time of today (`083023Z`).
fn parse_lenient(text: &str, now: i64) -> Option<i64> {
    parse_iso(text).or_else(|| {
        let today = &iso8601(now as f64)[..10];
        parse_iso(&format!("{today}T{text}"))
            .or_else(|| parse_iso(&format!("{}T{text}", today.replace('-', ""))))
    })
}

/// Epoch milliseconds as an ISO-8601 UTC string with milliseconds (`2010-08-08T00:00:00.000Z`);
/// years outside 0..=9999 get a sign and six digits, as JavaScript prints them.
pub fn iso8601(millis: f64) -> String {
    let millis = millis as i64;
    let (days, ms_of_day) = (millis.div_euclid(DAY_MS), millis.rem_euclid(DAY_MS));
    let (year, month, day) = civil_from_days(days);
    let (h, m, s, ms) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000,
    );
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!("{}{:06}", if year < 0 { '-' } else { '+' }, year.abs())
    };
    format!("{year}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) to days since 1970-01-01; month and day must be in range.
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(crate) fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// 0 = Sunday .. 6 = Saturday.
pub(crate) fn weekday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

/// Days since the epoch of the Monday starting ISO week 1 of `year`.
fn iso_week_one(year: i64) -> i64 {
    let jan4 = days_from_civil(year, 1, 4);
    jan4 - (weekday(jan4) + 6) % 7
}

fn iso_weeks_in_year(year: i64) -> i64 {
    (iso_week_one(year + 1) - iso_week_one(year)) / 7
}

/// A cursor over the text being parsed.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.pos += usize::from(hit);
        hit
    }

    /// Exactly `n` digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let slice = self.bytes.get(self.pos..self.pos + n)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += n;
        Some(slice.iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0')))
    }

    /// How many digits follow.
    fn digit_run(&self) -> usize {
        self.bytes[self.pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    }
}

/// The ISO-8601 forms of moment.js's `ISO_8601` (UTC when no offset is given): extended
/// (`2010-08-08T05:00:00.123+01:00`, `2011-W20-6`, `1967-342`) or basic (`20100808T050000Z`,
/// `2011W206T1345-0600`, `1967342`), all of one style. Year-month, week-without-day and
/// year-only forms take no time.
pub(crate) fn parse_iso(text: &str) -> Option<i64> {
    let mut cur = Cursor {
        bytes: text.trim_start().as_bytes(),
        pos: 0,
    };
    let year = match cur.peek()? {
        sign @ (b'+' | b'-') => {
            cur.pos += 1;
            let y = cur.digits(6)?;
            if sign == b'-' { -y } else { y }
        }
        _ => cur.digits(4)?,
    };
    let extended = cur.eat(b'-');
    let (days, allow_time) = if cur.eat(b'W') {
        iso_week_date(&mut cur, year, extended)?
    } else {
        iso_calendar_date(&mut cur, year, extended)?
    };
    let mut millis = days * DAY_MS;
    if cur.peek().is_none() {
        return Some(millis);
    }
    if !allow_time || !(cur.eat(b'T') || cur.eat(b' ')) {
        return None;
    }
    millis += iso_time_of_day(&mut cur, extended)?;
    millis -= iso_zone_offset(&mut cur)?;
    cur.peek().is_none().then_some(millis)
}

/// After `year-W` (or `yearW`): the week and optional weekday, as (days since the epoch,
/// whether a time may follow).
fn iso_week_date(cur: &mut Cursor<'_>, year: i64, extended: bool) -> Option<(i64, bool)> {
    let week = cur.digits(2)?;
    if extended && cur.peek() == Some(b'-') {
        cur.pos += 1;
    } else if extended && cur.digit_run() > 0 {
        return None;
    }
    let day = if cur.peek().is_some_and(|b| b.is_ascii_digit()) {
        Some(cur.digits(1)?)
    } else {
        None
    };
    if !(1..=iso_weeks_in_year(year)).contains(&week) || !(1..=7).contains(&day.unwrap_or(1)) {
        return None;
    }
    Some((
        iso_week_one(year) + (week - 1) * 7 + day.unwrap_or(1) - 1,
        day.is_some(),
    ))
}

/// After the year: nothing, month, month and day, or ordinal day, as (days since the epoch,
/// whether a time may follow).
fn iso_calendar_date(cur: &mut Cursor<'_>, year: i64, extended: bool) -> Option<(i64, bool)> {
    let run = cur.digit_run();
    match (extended, run) {
        (false, 0) => Some((days_from_civil(year, 1, 1), false)),
        (_, 2) => {
            let month = cur.digits(2)?;
            if extended && cur.eat(b'-') {
                let day = cur.digits(2)?;
                if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
                    return None;
                }
                Some((days_from_civil(year, month, day), true))
            } else {
                if !(1..=12).contains(&month) {
                    return None;
                }
                Some((days_from_civil(year, month, 1), false))
            }
        }
        (_, 3) => {
            let ordinal = cur.digits(3)?;
            if !(1..=if is_leap(year) { 366 } else { 365 }).contains(&ordinal) {
                return None;
            }
            Some((days_from_civil(year, 1, 1) + ordinal - 1, true))
        }
        (false, 4) => {
            let (month, day) = (cur.digits(2)?, cur.digits(2)?);
            if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
                return None;
            }
            Some((days_from_civil(year, month, day), true))
        }
        _ => None,
    }
}

/// After the `T`: `hh`, `hh:mm`, `hh:mm:ss`, `hh:mm:ss.fff` (or without colons in the basic
/// style), as milliseconds since midnight; `24:00` is the next midnight.
fn iso_time_of_day(cur: &mut Cursor<'_>, extended: bool) -> Option<i64> {
    let hour = cur.digits(2)?;
    let (mut minute, mut second, mut fraction) = (0, 0, 0);
    let sep = |cur: &mut Cursor<'_>| !extended || cur.eat(b':');
    let more = |cur: &Cursor<'_>| {
        if extended {
            cur.peek() == Some(b':')
        } else {
            cur.peek().is_some_and(|b| b.is_ascii_digit())
        }
    };
    if more(cur) && sep(cur) {
        minute = cur.digits(2)?;
        if more(cur) && sep(cur) {
            second = cur.digits(2)?;
            if cur.eat(b'.') || cur.eat(b',') {
                let run = cur.digit_run();
                if run == 0 {
                    return None;
                }
                let digits = &cur.bytes[cur.pos..cur.pos + run];
                fraction = (0..3)
                    .map(|i| digits.get(i).map_or(0, |d| i64::from(d - b'0')))
                    .fold(0, |acc, d| acc * 10 + d);
                cur.pos += run;
            }
        }
    }
    let is_midnight = minute == 0 && second == 0 && fraction == 0;
    if hour > 24 || (hour == 24 && !is_midnight) || minute > 59 || second > 59 {
        return None;
    }
    Some(hour * 3_600_000 + minute * 60_000 + second * 1000 + fraction)
}

/// The zone: none (UTC), `Z` (spaces allowed before it) or `±hh`, `±hhmm`, `±hh:mm`, as
/// milliseconds ahead of UTC.
fn iso_zone_offset(cur: &mut Cursor<'_>) -> Option<i64> {
    while cur.peek() == Some(b' ') && cur.bytes[cur.pos..].contains(&b'Z') {
        cur.pos += 1;
    }
    match cur.peek() {
        None => Some(0),
        Some(b'Z') => {
            cur.pos += 1;
            Some(0)
        }
        Some(sign @ (b'+' | b'-')) => {
            cur.pos += 1;
            let hours = cur.digits(2)?;
            cur.eat(b':');
            let minutes = if cur.peek().is_some() { cur.digits(2)? } else { 0 };
            let offset = (hours * 60 + minutes) * 60_000;
            Some(if sign == b'+' { offset } else { -offset })
        }
        Some(_) => None,
    }
}

/// moment's `add(spec)`: calendar months first (the day clamped to the month's length), then
/// days, then the exact milliseconds. Unknown keys are ignored; a component whose sum is not
/// a number is skipped.
fn add(millis: i64, spec: &Map) -> i64 {
    let unit = |names: &[&str]| -> f64 {
        names
            .iter()
            .filter_map(|n| spec.get(n))
            .map(Value::to_js_number)
            .sum()
    };
    let months = unit(&["years", "year", "y"]) * 12.0
        + unit(&["quarters", "quarter", "Q"]) * 3.0
        + unit(&["months", "month", "M"]);
    let days = unit(&["days", "day", "d"]) + unit(&["weeks", "week", "w"]) * 7.0;
    let exact = unit(&["milliseconds", "millisecond", "ms"])
        + unit(&["seconds", "second", "s"]) * 1000.0
        + unit(&["minutes", "minute", "m"]) * 60_000.0
        + unit(&["hours", "hour", "h"]) * 3_600_000.0;
    let mut millis = millis;
    if months.is_finite() && months != 0.0 {
        let (days_part, ms_of_day) = (millis.div_euclid(DAY_MS), millis.rem_euclid(DAY_MS));
        let (year, month, day) = civil_from_days(days_part);
        let total = year * 12 + (month - 1) + months.trunc() as i64;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        let day = day.min(days_in_month(year, month));
        millis = days_from_civil(year, month, day) * DAY_MS + ms_of_day;
    }
    if days.is_finite() && days != 0.0 {
        millis += days.trunc() as i64 * DAY_MS;
    }
    if exact.is_finite() && exact != 0.0 {
        millis += exact.trunc() as i64;
    }
    millis
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// POSIX-style strftime as the `strftime` npm package does it (en_US), in UTC. Flags `-`
/// (no padding), `_` (spaces) and `0` (zeros) may follow the `%`.
fn strftime(fmt: &str, millis: i64) -> String {
    let days = millis.div_euclid(DAY_MS);
    let ms_of_day = millis.rem_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second, ms) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000,
    );
    let wday = weekday(days);
    let yday = days - days_from_civil(year, 1, 1);
    let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let flag = match chars.peek() {
            Some(&f @ ('-' | '_' | '0')) => {
                chars.next();
                Some(f)
            }
            _ => None,
        };
        let Some(directive) = chars.next() else {
            out.push('%');
            break;
        };
        let num = |n: i64, width: usize, default_pad: char| -> String {
            let pad = match flag {
                Some('-') => return n.to_string(),
                Some('_') => ' ',
                Some('0') => '0',
                _ => default_pad,
            };
            let digits = n.to_string();
            let fill: String = std::iter::repeat_n(pad, width.saturating_sub(digits.len())).collect();
            format!("{fill}{digits}")
        };
        let text = match directive {
            'A' => WEEKDAYS[wday as usize].to_string(),
            'a' => WEEKDAYS[wday as usize][..3].to_string(),
            'B' => MONTHS[month as usize - 1].to_string(),
            'b' | 'h' => MONTHS[month as usize - 1][..3].to_string(),
            'C' => num(year.div_euclid(100), 2, '0'),
            'c' => strftime("%a %d %b %Y %r %Z", millis),
            'D' | 'x' => strftime("%m/%d/%y", millis),
            'd' => num(day, 2, '0'),
            'e' => num(day, 2, ' '),
            'F' => strftime("%Y-%m-%d", millis),
            'H' => num(hour, 2, '0'),
            'I' => num(hour12, 2, '0'),
            'j' => num(yday + 1, 3, '0'),
            'k' => num(hour, 2, ' '),
            'L' => num(ms, 3, '0'),
            'l' => num(hour12, 2, ' '),
            'M' => num(minute, 2, '0'),
            'm' => num(month, 2, '0'),
            'n' => "\n".to_string(),
            'o' => {
                let suffix = match (day % 10, day % 100) {
                    (_, 11..=13) => "th",
                    (1, _) => "st",
                    (2, _) => "nd",
                    (3, _) => "rd",
                    _ => "th",
                };
                format!("{day}{suffix}")
            }
            'P' => (if hour < 12 { "am" } else { "pm" }).to_string(),
            'p' => (if hour < 12 { "AM" } else { "PM" }).to_string(),
            'R' => strftime("%H:%M", millis),
            'r' | 'X' => strftime("%I:%M:%S %p", millis),
            'S' => num(second, 2, '0'),
            's' => millis.div_euclid(1000).to_string(),
            'T' => strftime("%H:%M:%S", millis),
            't' => "\t".to_string(),
            'U' => num((yday + 7 - wday) / 7, 2, '0'),
            'u' => (if wday == 0 { 7 } else { wday }).to_string(),
            'v' => strftime("%e-%b-%Y", millis),
            'W' => num((yday + 7 - (wday + 6) % 7) / 7, 2, '0'),
            'w' => wday.to_string(),
            'Y' => year.to_string(),
            'y' => num(year.rem_euclid(100), 2, '0'),
            'Z' => "UTC".to_string(),
            'z' => "+0000".to_string(),
            '%' => "%".to_string(),
            other => other.to_string(),
        };
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> Option<String> {
        parse_iso(text).map(|ms| iso8601(ms as f64))
    }

    #[test]
    fn iso_dates_print_like_javascript() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_281_225_600_000.0), "2010-08-08T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_123.0), "2000-02-29T00:00:00.123Z");
        assert_eq!(iso8601(-1.0), "1969-12-31T23:59:59.999Z");
        assert_eq!(iso8601(-62_198_755_200_000.0), "-000001-01-01T00:00:00.000Z");
    }

    #[test]
    fn iso_forms_moment_accepts() {
        assert_eq!(iso("2010-08-08").as_deref(), Some("2010-08-08T00:00:00.000Z"));
        assert_eq!(iso("1967342").as_deref(), Some("1967-12-08T00:00:00.000Z"));
        assert_eq!(iso("1967-342").as_deref(), Some("1967-12-08T00:00:00.000Z"));
        assert_eq!(
            iso("2011W206T1345-0600").as_deref(),
            Some("2011-05-21T19:45:00.000Z")
        );
        assert_eq!(
            iso("2011-W20-6T13:45-06:00").as_deref(),
            Some("2011-05-21T19:45:00.000Z")
        );
        assert_eq!(
            iso("2010-08-08T05:00:00").as_deref(),
            Some("2010-08-08T05:00:00.000Z")
        );
        assert_eq!(
            iso("2010-08-08 05:06:07.89+01:30").as_deref(),
            Some("2010-08-08T03:36:07.890Z")
        );
        assert_eq!(
            iso("20100808T050607Z").as_deref(),
            Some("2010-08-08T05:06:07.000Z")
        );
        assert_eq!(iso("2010-08").as_deref(), Some("2010-08-01T00:00:00.000Z"));
        assert_eq!(iso("2010").as_deref(), Some("2010-01-01T00:00:00.000Z"));
        for bad in [
            "67342",
            "083023Z",
            "2010-08T05:00",
            "2010-13-01",
            "2010-02-30",
            "2010-08-08T05:00:00junk",
            "2010-08-08T0500",
            "20100808T05:00",
        ] {
            assert_eq!(iso(bad), None, "{bad}");
        }
        let today = 1_281_225_600_000 + 5 * DAY_MS;
        assert_eq!(
            parse_lenient("083023Z", today)
                .map(|m| iso8601(m as f64))
                .as_deref(),
            Some("2010-08-13T08:30:23.000Z")
        );
        assert_eq!(parse_lenient("67342", today), None);
    }

    #[test]
    fn adding_durations_like_moment() {
        let add_to = |date: &str, spec: &str| {
            let spec = Value::decode(spec).expect("json");
            iso8601(add(parse_iso(date).expect("date"), spec.as_map().expect("map")) as f64)
        };
        assert_eq!(
            add_to("2017-01-01", r#"{"years": -2017}"#),
            "0000-01-01T00:00:00.000Z"
        );
        assert_eq!(
            add_to("2017-01-01", r#"{"months": -22}"#),
            "2015-03-01T00:00:00.000Z"
        );
        assert_eq!(
            add_to("2010-08-08", r#"{"weeks": 5}"#),
            "2010-09-12T00:00:00.000Z"
        );
        assert_eq!(
            add_to("2010-08-08T05:00:00", r#"{"hours": 3}"#),
            "2010-08-08T08:00:00.000Z"
        );
        assert_eq!(
            add_to("2017-01-01", r#"{"days": -10}"#),
            "2016-12-22T00:00:00.000Z"
        );
        assert_eq!(
            add_to("2017-01-01", r#"{"minutes": 2, "seconds": 90}"#),
            "2017-01-01T00:03:30.000Z"
        );
        assert_eq!(
            add_to("2017-01-31", r#"{"months": 1}"#),
            "2017-02-28T00:00:00.000Z"
        );
        assert_eq!(
            add_to("1967342", r#"{"seconds": "five"}"#),
            "1967-12-08T00:00:00.000Z"
        );
        assert_eq!(add_to("1967342", r#"{"secondz": 5}"#), "1967-12-08T00:00:00.000Z");
    }

    #[test]
    fn strftime_directives() {
        let at = parse_iso("2010-10-06T18:25:55").expect("date");
        assert_eq!(strftime("%F %T", at), "2010-10-06 18:25:55");
        assert_eq!(strftime("%A %d %b %Y", at), "Wednesday 06 Oct 2010");
        assert_eq!(strftime("year month", at), "year month");
        assert_eq!(strftime("%-d/%-m %I%p %j %e %o %%", at), "6/10 06PM 279  6 6th %");
    }
}
