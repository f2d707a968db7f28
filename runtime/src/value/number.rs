//! JavaScript number semantics: printing (`Number::toString`, radix 16), parsing strings
//! (`ToNumber`, lodash `toNumber`, `parseInt`) and the 32-bit integer conversions.
//!
//! KRL numbers are IEEE doubles that print and parse exactly as in JavaScript; Rust's own
//! `Display`/`FromStr` differ (no exponent form, accept `inf`/`nan`), so everything here is
//! spelled out against the ECMAScript rules.

/// ECMAScript `Number::toString(10)`: `1e+21`, `1e-7`, `0.30000000000000004`, `-0` → `0`.
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_owned();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if n == 0.0 {
        // ryu-js prints the sign of -0; JavaScript does not.
        return "0".to_owned();
    }
    let mut buf = ryu_js::Buffer::new();
    buf.format_finite(n).to_owned()
}

/// ECMAScript `Number.prototype.toString(16)` (`255` → `ff`, `-255` → `-ff`, `1.5` → `1.8`).
///
/// Fractions get digits only up to the precision of the input, rounding half to even, as
/// V8 does (the algorithm is specified only loosely by ECMAScript).
pub fn format_radix16(value: f64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    const RADIX: f64 = 16.0;
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return format_number(value);
    }
    let negative = value < 0.0;
    let value = value.abs();
    let mut integer = value.floor();
    let mut fraction = value - integer;
    // Half the distance to the next double: digits below this are noise.
    let mut delta = (0.5 * (next_up(value) - value)).max(next_up(0.0));
    let mut frac_digits: Vec<u8> = Vec::new();
    if fraction >= delta {
        loop {
            fraction *= RADIX;
            delta *= RADIX;
            let digit = fraction as usize;
            frac_digits.push(DIGITS[digit]);
            fraction -= digit as f64;
            let rounds_up = fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1);
            if rounds_up && fraction + delta > 1.0 {
                // Round up, propagating the carry through the written digits.
                loop {
                    match frac_digits.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(c) => {
                            let d = hex_digit_value(c);
                            if d + 1 < 16 {
                                frac_digits.push(DIGITS[d + 1]);
                                break;
                            }
                        }
                    }
                }
                break;
            }
            if fraction < delta {
                break;
            }
        }
    }
    let mut int_digits: Vec<u8> = Vec::new();
    // Digits beyond double precision are printed as zeros.
    while exponent_of(integer / RADIX) > 0 {
        integer /= RADIX;
        int_digits.push(b'0');
    }
    loop {
        let remainder = integer % RADIX;
        int_digits.push(DIGITS[remainder as usize]);
        integer = (integer - remainder) / RADIX;
        if integer <= 0.0 {
            break;
        }
    }
    let mut out = String::with_capacity(int_digits.len() + frac_digits.len() + 2);
    if negative {
        out.push('-');
    }
    out.extend(int_digits.iter().rev().map(|&b| b as char));
    if !frac_digits.is_empty() {
        out.push('.');
        out.extend(frac_digits.iter().map(|&b| b as char));
    }
    out
}

fn hex_digit_value(c: u8) -> usize {
    match c {
        b'0'..=b'9' => usize::from(c - b'0'),
        _ => usize::from(c - b'a') + 10,
    }
}

/// The next representable double above a non-negative finite `x`.
fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

/// The binary exponent of `x` when written as `significand * 2^e` with a 53-bit integer
/// significand (V8's `Double::Exponent`).
fn exponent_of(x: f64) -> i32 {
    let biased = ((x.to_bits() >> 52) & 0x7ff) as i32;
    if biased == 0 { -1074 } else { biased - 1075 }
}

/// JavaScript's `WhiteSpace` and `LineTerminator` (what `trim` and `ToNumber` strip).
pub fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{a}' | '\u{b}' | '\u{c}' | '\u{d}' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// Trims JavaScript whitespace from both ends.
pub fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_whitespace)
}

/// ECMAScript `ToNumber` applied to a string (`Number("...")`); `NaN` when it is not a number.
pub fn js_string_to_number(s: &str) -> f64 {
    let s = js_trim(s);
    if s.is_empty() {
        return 0.0;
    }
    let bytes = s.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'0' {
        let bits = match bytes[1] {
            b'x' | b'X' => Some(4),
            b'o' | b'O' => Some(3),
            b'b' | b'B' => Some(1),
            _ => None,
        };
        if let Some(bits) = bits {
            return parse_power_of_two_radix(&s[2..], bits).unwrap_or(f64::NAN);
        }
    }
    let (sign, unsigned) = match bytes[0] {
        b'+' => (1.0, &s[1..]),
        b'-' => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    if unsigned == "Infinity" {
        return sign * f64::INFINITY;
    }
    if !is_decimal_literal(unsigned) {
        return f64::NAN;
    }
    unsigned.parse::<f64>().map_or(f64::NAN, |n| sign * n)
}

/// `StrUnsignedDecimalLiteral` without `Infinity`: digits with optional fraction and exponent.
fn is_decimal_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut n_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        n_digits += i - frac_start;
    }
    if n_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// Parses digits of radix `2^bits` with correct rounding, as V8 does for `parseInt` and
/// `Number()`; `None` when empty or when a character is not a digit of that radix.
pub fn parse_power_of_two_radix(digits: &str, bits: u32) -> Option<f64> {
    let radix = 1u32 << bits;
    if digits.is_empty() {
        return None;
    }
    let mut significant: u128 = 0;
    let mut used_bits = 0u32;
    let mut dropped_digits = 0i32;
    let mut sticky = false;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        if used_bits == 0 && d == 0 {
            continue; // leading zeros carry no precision
        }
        if used_bits + bits <= 120 {
            significant = (significant << bits) | u128::from(d);
            used_bits += bits;
        } else {
            dropped_digits += 1;
            sticky |= d != 0;
        }
    }
    if sticky {
        // Far below the 53-bit rounding position: only breaks ties, as the dropped digits would.
        significant |= 1;
    }
    let scaled = significant as f64;
    Some(scaled * 2f64.powi(dropped_digits * bits as i32))
}

/// lodash `toNumber` on a string: JavaScript `ToNumber`, except that `0b`/`0o` are handled
/// by lodash itself and a *signed* hex literal is rejected.
pub fn lodash_string_to_number(s: &str) -> f64 {
    let trimmed = js_trim(s);
    let bytes = trimmed.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'0' {
        let bits = match bytes[1] {
            b'b' | b'B' => Some(1),
            b'o' | b'O' => Some(3),
            _ => None,
        };
        if let Some(bits) = bits {
            return parse_power_of_two_radix(&trimmed[2..], bits).unwrap_or(f64::NAN);
        }
    }
    if bytes.len() > 3
        && (bytes[0] == b'+' || bytes[0] == b'-')
        && bytes[1] == b'0'
        && (bytes[2] == b'x' || bytes[2] == b'X')
        && trimmed[3..].bytes().all(|b| b.is_ascii_hexdigit())
    {
        return f64::NAN;
    }
    js_string_to_number(trimmed)
}

/// JavaScript `parseInt(s, 10)`: leading whitespace, optional sign, then the longest run
/// of decimal digits; `NaN` when there are none.
pub fn js_parse_int(s: &str) -> f64 {
    let s = s.trim_start_matches(is_js_whitespace);
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    let end = rest
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(rest.len());
    if end == 0 {
        return f64::NAN;
    }
    rest[..end].parse::<f64>().map_or(f64::NAN, |n| sign * n)
}

/// JavaScript's `%` (the remainder takes the sign of the dividend), which Rust's `%` on
/// `f64` also is. Integers below 2^53 take an integer division instead: `f64 %` is a call
/// to a slow software `fmod`, and `i % n` is what KRL code mostly computes.
#[inline]
pub fn js_remainder(a: f64, b: f64) -> f64 {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer below is exact
    if a.abs() < EXACT && b.abs() < EXACT && b != 0.0 {
        let (int_a, int_b) = (a as i64, b as i64);
        if int_a as f64 == a && int_b as f64 == b {
            // A 32-bit division is several times faster than a 64-bit one.
            let rem = match (i32::try_from(int_a), i32::try_from(int_b)) {
                (Ok(a32), Ok(b32)) => f64::from(a32.wrapping_rem(b32)),
                _ => (int_a % int_b) as f64,
            };
            // An integer remainder has no sign of its own: JavaScript's zero keeps the
            // dividend's (`-4 % 2` is `-0`).
            return if rem == 0.0 && a.is_sign_negative() {
                -0.0
            } else {
                rem
            };
        }
    }
    a % b
}

/// ECMAScript `ToInt32`.
pub fn to_int32(n: f64) -> i32 {
    to_uint32(n) as i32
}

/// ECMAScript `ToUint32`.
pub fn to_uint32(n: f64) -> u32 {
    if !n.is_finite() {
        return 0;
    }
    let int = n.trunc();
    let modulo = int.rem_euclid(4_294_967_296.0);
    modulo as u32
}

/// ECMAScript `ToUint16` (what `String.fromCharCode` applies).
pub fn to_uint16(n: f64) -> u16 {
    to_uint32(n) as u16
}

/// ECMAScript `ToIntegerOrInfinity`: truncation, with `NaN` → 0.
pub fn to_integer_or_infinity(n: f64) -> f64 {
    if n.is_nan() { 0.0 } else { n.trunc() + 0.0 }
}

#[cfg(test)]
mod tests {

    #[test]
    fn remainder_is_the_float_remainder() {
        let values = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            2.0,
            3.0,
            -3.0,
            7.5,
            -7.5,
            10.0,
            -10.0,
            1e15,
            -1e15,
            9e15,
            -9e15,
            2f64.powi(53),
            1e300,
            0.1,
            -0.3,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for &a in &values {
            for &b in &values {
                let (got, want) = (js_remainder(a, b), a % b);
                let same = got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan());
                assert!(same, "{a} % {b}: got {got:?}, want {want:?}");
            }
        }
        assert!(js_remainder(-4.0, 2.0).is_sign_negative());
        assert_eq!(js_remainder(10.0, 3.0), 1.0);
        assert_eq!(js_remainder(-10.0, 3.0), -1.0);
    }

    use super::*;

    #[test]
    fn formats_like_javascript() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (1.5, "1.5"),
            (-1.5, "-1.5"),
            (100.0, "100"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e25, "1.5e+25"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (0.1 + 0.2, "0.30000000000000004"),
            (2.0 / 3.0, "0.6666666666666666"),
            (123456789012345680000.0, "123456789012345680000"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for &(n, s) in cases {
            assert_eq!(format_number(n), s, "formatting {n:?}");
        }
    }

    #[test]
    fn formats_radix16_like_v8() {
        let cases: &[(f64, &str)] = &[
            (255.0, "ff"),
            (-255.0, "-ff"),
            (0.0, "0"),
            (1.5, "1.8"),
            (0.1, "0.1999999999999a"),
            (1e21, "3635c9adc5dea00000"),
            (2f64.powi(60), "1000000000000000"),
            (0.5, "0.8"),
            (3.75, "3.c"),
        ];
        for &(n, s) in cases {
            assert_eq!(format_radix16(n), s, "radix 16 of {n:?}");
        }
    }

    #[test]
    fn js_to_number_of_strings() {
        assert_eq!(js_string_to_number(""), 0.0);
        assert_eq!(js_string_to_number("  \n"), 0.0);
        assert_eq!(js_string_to_number(" +5 "), 5.0);
        assert_eq!(js_string_to_number("1.5e3"), 1500.0);
        assert_eq!(js_string_to_number(".5"), 0.5);
        assert_eq!(js_string_to_number("5."), 5.0);
        assert_eq!(js_string_to_number("0x1F"), 31.0);
        assert_eq!(js_string_to_number("0b101"), 5.0);
        assert_eq!(js_string_to_number("0o17"), 15.0);
        assert_eq!(js_string_to_number("-Infinity"), f64::NEG_INFINITY);
        for bad in [
            "12px", "1,000", "inf", "nan", "NaN", ".", "e5", "1e", "-0x1", "0x", "1_000",
        ] {
            assert!(js_string_to_number(bad).is_nan(), "{bad:?} is not a number");
        }
    }

    #[test]
    fn lodash_rejects_signed_hex() {
        assert!(lodash_string_to_number("-0x1F").is_nan());
        assert!(lodash_string_to_number("+0x1F").is_nan());
        assert_eq!(lodash_string_to_number(" 0b11 "), 3.0);
        assert_eq!(lodash_string_to_number(" 0x10 "), 16.0);
    }

    #[test]
    fn radix_parsing_rounds_correctly() {
        assert_eq!(
            parse_power_of_two_radix("1fffffffffffff", 4),
            Some(9007199254740991.0)
        );
        // 2^53 + 1 rounds to even (2^53); 2^53 + 3 rounds up.
        assert_eq!(
            parse_power_of_two_radix("20000000000001", 4),
            Some(9007199254740992.0)
        );
        assert_eq!(
            parse_power_of_two_radix("20000000000003", 4),
            Some(9007199254740996.0)
        );
        let long = format!("1{}", "0".repeat(40));
        assert_eq!(parse_power_of_two_radix(&long, 4), Some(2f64.powi(160)));
        assert_eq!(parse_power_of_two_radix("12", 1), None);
    }

    #[test]
    fn int32_conversions() {
        assert_eq!(to_int32(4294967296.0), 0);
        assert_eq!(to_int32(2147483648.0), -2147483648);
        assert_eq!(to_int32(-1.5), -1);
        assert_eq!(to_int32(f64::INFINITY), 0);
        assert_eq!(to_uint32(-1.0), 4294967295);
        assert_eq!(to_uint16(65601.0), 65);
    }

    #[test]
    fn parse_int_prefixes() {
        assert_eq!(js_parse_int(" 3abc"), 3.0);
        assert_eq!(js_parse_int("-2"), -2.0);
        assert!(js_parse_int("abc").is_nan());
        assert!(js_parse_int("").is_nan());
    }
}
