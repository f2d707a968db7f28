//! Times and durations as test files write them: ISO-8601 UTC dates (`2024-01-01T09:30:00Z`)
//! and durations (`"90s"`, `"5 minutes"`, `"1h 30m"`), converted to epoch milliseconds.

const SECOND: f64 = 1000.0;
const MINUTE: f64 = 60.0 * SECOND;
const HOUR: f64 = 60.0 * MINUTE;
const DAY: f64 = 24.0 * HOUR;

/// `YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]` and `Z` or `±HH:MM`, to epoch milliseconds.
pub fn parse_iso(text: &str) -> Option<f64> {
    let text = text.trim();
    let (date, rest) = text.split_at(text.find(['T', 't', ' ']).unwrap_or(text.len()));
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) as f64 * DAY;
    let rest = rest.get(1..).unwrap_or_default();
    if rest.is_empty() {
        return Some(millis);
    }
    let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(idx) => rest.split_at(idx),
        None => (rest, ""),
    };
    let mut fields = clock.split(':');
    let hours: f64 = fields.next()?.parse().ok()?;
    let minutes: f64 = fields.next()?.parse().ok()?;
    let seconds: f64 = fields.next().map_or(Some(0.0), |s| s.parse().ok())?;
    if fields.next().is_some() || hours >= 24.0 || minutes >= 60.0 || seconds >= 61.0 {
        return None;
    }
    millis += hours * HOUR + minutes * MINUTE + (seconds * SECOND).round();
    match offset {
        "" | "Z" | "z" => {}
        _ => {
            let sign = if offset.starts_with('-') { 1.0 } else { -1.0 };
            let (h, m) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
            let h: f64 = h.parse().ok()?;
            let m: f64 = m.parse().ok()?;
            millis += sign * (h * HOUR + m * MINUTE);
        }
    }
    Some(millis)
}

/// Epoch milliseconds as `2024-01-01T00:00:00.000Z` (JavaScript's `toISOString`).
pub fn format_iso(millis: f64) -> String {
    let millis = millis as i64;
    let days = millis.div_euclid(DAY as i64);
    let in_day = millis.rem_euclid(DAY as i64);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// `"90s"`, `"5 minutes"`, `"1h 30m"`, `"250ms"`, `"2 days"` to milliseconds.
pub fn parse_duration(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let amount: f64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" | "millisecond" | "milliseconds" => 1.0,
            "s" | "sec" | "secs" | "second" | "seconds" => SECOND,
            "m" | "min" | "mins" | "minute" | "minutes" => MINUTE,
            "h" | "hour" | "hours" => HOUR,
            "d" | "day" | "days" => DAY,
            "w" | "week" | "weeks" => 7.0 * DAY,
            _ => return None,
        };
        total += amount * unit;
        rest = rest[unit_len..].trim_start_matches([' ', ',']);
    }
    Some(total)
}

/// Milliseconds in the largest whole unit: `5m`, `90s`, `250ms`.
pub fn describe_duration(millis: f64) -> String {
    for (unit, size) in [("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", SECOND)] {
        if millis >= size && millis % size == 0.0 {
            return format!("{}{unit}", millis / size);
        }
    }
    format!("{millis}ms")
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        let ms = parse_iso("2024-02-29T13:45:30.250Z").expect("a valid date");
        assert_eq!(format_iso(ms), "2024-02-29T13:45:30.250Z");
        assert_eq!(parse_iso("2024-01-01T00:00:00Z"), Some(1_704_067_200_000.0));
        assert_eq!(parse_iso("1970-01-01"), Some(0.0));
        assert_eq!(parse_iso("2024-01-01T01:00:00+01:00"), Some(1_704_067_200_000.0));
        assert_eq!(parse_iso("2024-13-01"), None);
        assert_eq!(parse_iso("soon"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Some(90_000.0));
        assert_eq!(parse_duration("5 minutes"), Some(300_000.0));
        assert_eq!(parse_duration("1h 30m"), Some(5_400_000.0));
        assert_eq!(parse_duration("250ms"), Some(250.0));
        assert_eq!(parse_duration("3 fortnights"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(describe_duration(300_000.0), "5m");
        assert_eq!(describe_duration(1500.0), "1500ms");
    }
}
