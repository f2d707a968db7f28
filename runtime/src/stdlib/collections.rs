//! Collection operators that do not call back into KRL (except `sort` with a comparator):
//! `length`, `isEmpty`, `head`, `tail`, `index`, `join`, `append`, `reverse`, `slice`,
//! `splice`, `sort`, `unique`, `once`, `duplicates`, `union`, `intersection`,
//! `difference`, `has`.

use std::cmp::Ordering;

use super::{Operator, OperatorKind, arg, lodash_size, only_works_on_arrays};
use crate::error::RuntimeError;
use crate::host::Host;
use crate::value::{Map, Value, compare_as_strings, compare_krl};

const VAL: &[&str] = &["val"];
const AB: &[&str] = &["a", "b"];

pub(super) const OPERATORS: &[Operator] = &[
    function!("length", VAL, |_, a| Ok(Value::from(length(arg(a, 0))))),
    function!("isEmpty", VAL, |_, a| Ok(Value::Boolean(is_empty(arg(a, 0))))),
    function!("head", VAL, |_, a| {
        Ok(match arg(a, 0) {
            Value::Array(items) => items.first().cloned().unwrap_or_default(),
            other => other.clone(),
        })
    }),
    function!("tail", VAL, |_, a| {
        Ok(Value::array(match arg(a, 0) {
            Value::Array(items) => items.iter().skip(1).cloned().collect(),
            _ => Vec::new(),
        }))
    }),
    function!("index", &["val", "elm"], |_, a| {
        let items = arg(a, 0).as_array().ok_or_else(only_works_on_arrays)?;
        let elm = arg(a, 1);
        Ok(Value::from(
            items.iter().position(|item| item == elm).map_or(-1, |i| i as i64),
        ))
    }),
    function!("join", &["val", "str"], join),
    function!("append", &["val", "a", "b", "c", "d", "e"], |_, a| concat(a)),
    function!("reverse", VAL, |_, a| {
        let items = arg(a, 0).as_array().ok_or_else(only_works_on_arrays)?;
        Ok(items.iter().rev().cloned().collect())
    }),
    function!("slice", &["val", "start", "end"], slice),
    function!("splice", &["val", "start", "nElements", "value"], splice),
    function!("sort", &["val", "sortBy"], sort),
    function!("unique", VAL, |_, a| {
        Ok(match arg(a, 0) {
            Value::Array(items) => Value::array(unique(items.iter())),
            other => other.clone(),
        })
    }),
    function!("once", VAL, |_, a| {
        Ok(match arg(a, 0) {
            Value::Array(items) => Value::array(group_by_js_string(items, |n| n == 1)),
            other => other.clone(),
        })
    }),
    function!("duplicates", VAL, |_, a| {
        Ok(Value::array(match arg(a, 0) {
            Value::Array(items) => group_by_js_string(items, |n| n > 1),
            _ => Vec::new(),
        }))
    }),
    function!("union", AB, |_, a| {
        if a.len() < 2 {
            return Ok(arg(a, 0).clone());
        }
        let (left, right) = (wrap(arg(a, 0)), wrap(arg(a, 1)));
        Ok(Value::array(unique(left.iter().chain(right.iter()))))
    }),
    function!("intersection", AB, |_, a| {
        if a.len() < 2 {
            return Ok(Value::array(Vec::new()));
        }
        let (left, right) = (wrap(arg(a, 0)), wrap(arg(a, 1)));
        let kept = left.iter().filter(|x| right.contains(x));
        Ok(Value::array(unique(kept)))
    }),
    function!("difference", AB, |_, a| {
        if a.len() < 2 {
            return Ok(arg(a, 0).clone());
        }
        Ok(Value::array(difference(&wrap(arg(a, 0)), &wrap(arg(a, 1)))))
    }),
    function!("has", &["val", "other"], |_, a| {
        // The reference computes `difference(other, val)` and checks it is empty.
        let (val, other) = (wrap(arg(a, 0)), wrap(arg(a, 1)));
        Ok(Value::Boolean(difference(&other, &val).is_empty()))
    }),
];

/// Array/Map size, lodash symbol count for strings, 0 otherwise.
pub(crate) fn length(val: &Value) -> usize {
    match val {
        Value::String(s) => lodash_size(s),
        other => other.size(),
    }
}

/// lodash `isEmpty`. Matches pico-engine: numbers, booleans, null and regexes are empty;
/// KRL functions are not (they carry an enumerable marker property in the reference).
fn is_empty(val: &Value) -> bool {
    match val {
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Map(map) => map.is_empty(),
        Value::Function(_) | Value::Action(_) => false,
        _ => true,
    }
}

fn join(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, separator) = (arg(args, 0), arg(args, 1));
    let Value::Array(items) = val else {
        return Ok(Value::String(val.to_krl_arc_str()));
    };
    let separator = if separator.is_null() {
        ",".into()
    } else {
        separator.to_krl_string()
    };
    let parts: Vec<_> = items.iter().map(|item| item.to_krl_string()).collect();
    let separators = separator.len().saturating_mul(parts.len().saturating_sub(1));
    let text_len = parts.iter().map(|part| part.len()).sum::<usize>();
    crate::limits::string(text_len.saturating_add(separators))?;
    Ok(Value::from(parts.join(&separator)))
}

/// lodash `concat`: the first value and every further one are spread one level if arrays.
/// Matches pico-engine: at most five values are appended (`append` has six parameters).
fn concat(args: &[Value]) -> Result<Value, RuntimeError> {
    let count = args
        .iter()
        .map(|value| value.as_array().map_or(1, |items| items.len()))
        .sum::<usize>();
    crate::limits::items(count)?;
    let mut out = Vec::with_capacity(count);
    for value in args {
        match value {
            Value::Array(items) => out.extend(items.iter().cloned()),
            other => out.push(other.clone()),
        }
    }
    Ok(Value::array(out))
}

/// A non-array becomes a one-element array.
fn wrap(val: &Value) -> Vec<Value> {
    match val {
        Value::Array(items) => items.to_vec(),
        other => vec![other.clone()],
    }
}

/// First occurrence of each value by KRL equality, in order.
fn unique<'a>(items: impl Iterator<Item = &'a Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}

fn difference(left: &[Value], right: &[Value]) -> Vec<Value> {
    left.iter().filter(|x| !right.contains(x)).cloned().collect()
}

/// Matches pico-engine: `once`/`duplicates` group by JavaScript's string form (so `1` and
/// `"1"` collide) and list groups in JavaScript key order of those strings.
fn group_by_js_string(items: &[Value], keep: impl Fn(usize) -> bool) -> Vec<Value> {
    let mut firsts: Vec<(Value, usize)> = Vec::new();
    let mut positions = Map::new();
    for item in items {
        let key = item.to_js_string("null");
        match positions.get(&key).and_then(Value::as_number) {
            Some(position) => firsts[position as usize].1 += 1,
            None => {
                positions.insert(key, Value::from(firsts.len()));
                firsts.push((item.clone(), 1));
            }
        }
    }
    positions
        .values()
        .filter_map(Value::as_number)
        .filter_map(|position| firsts.get(position as usize))
        .filter(|(_, count)| keep(*count))
        .map(|(first, _)| first.clone())
        .collect()
}

/// lodash `slice(array, start, end)` with lodash's integer conversion and negative indices.
fn lodash_slice(items: &[Value], start: f64, end: Option<f64>) -> Vec<Value> {
    let length = items.len() as f64;
    let to_integer = |n: f64| n.clamp(-f64::MAX, f64::MAX).trunc();
    let mut start = to_integer(start);
    let mut end = end.map_or(length, to_integer);
    if start < 0.0 {
        start = if -start > length { 0.0 } else { length + start };
    }
    if end > length {
        end = length;
    }
    if end < 0.0 {
        end += length;
    }
    if start >= end {
        return Vec::new();
    }
    items[start as usize..end as usize].to_vec()
}

/// Matches pico-engine: `slice(n)` keeps the first n+1 elements; two indices give the
/// inclusive range between them, or `[]` when either is out of bounds.
fn slice(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let items = arg(args, 0).as_array().ok_or_else(only_works_on_arrays)?;
    if items.is_empty() {
        return Ok(Value::array(Vec::new()));
    }
    if args.len() == 1 {
        return Ok(arg(args, 0).clone());
    }
    let start = arg(args, 1);
    let mut first = start.to_number_or_null().ok_or_else(|| {
        RuntimeError::type_error(format!(
            "The .slice() operator cannot use {} as an index",
            start.to_krl_string()
        ))
    })?;
    let length = items.len() as f64;
    if args.len() == 2 {
        if first > length {
            return Ok(Value::array(Vec::new()));
        }
        return Ok(Value::array(lodash_slice(items, 0.0, Some(first + 1.0))));
    }
    let end = arg(args, 2);
    let mut second = end.to_number_or_null().ok_or_else(|| {
        RuntimeError::type_error(format!(
            "The .slice() operator cannot use {} as the other index",
            end.to_krl_string()
        ))
    })?;
    if first > second {
        std::mem::swap(&mut first, &mut second);
    }
    if first >= 0.0 && second < length {
        return Ok(Value::array(lodash_slice(items, first, Some(second + 1.0))));
    }
    Ok(Value::array(Vec::new()))
}

fn splice(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let items = arg(args, 0).as_array().ok_or_else(only_works_on_arrays)?;
    if items.is_empty() {
        return Ok(Value::array(Vec::new()));
    }
    let length = items.len() as f64;
    let start = arg(args, 1);
    // Matches pico-engine: no space before "as" in either message.
    let start_index = start.to_number_or_null().ok_or_else(|| {
        RuntimeError::type_error(format!(
            "The .splice() operator cannot use {}as an index",
            start.to_krl_string()
        ))
    })?;
    let start_index = start_index.max(0.0).min(length - 1.0);
    let count = arg(args, 2);
    let mut n_elements = count.to_number_or_null().ok_or_else(|| {
        RuntimeError::type_error(format!(
            "The .splice() operator cannot use {}as a number of elements",
            count.to_krl_string()
        ))
    })?;
    if n_elements < 0.0 || start_index + n_elements > length {
        n_elements = length - start_index;
    }
    let mut out = lodash_slice(items, 0.0, Some(start_index));
    if args.len() >= 4 {
        match arg(args, 3) {
            Value::Array(inserted) => out.extend(inserted.iter().cloned()),
            other => out.push(other.clone()),
        }
    }
    out.extend(lodash_slice(items, start_index + n_elements, None));
    crate::limits::items(out.len())?;
    Ok(Value::array(out))
}

fn sort(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, sort_by) = (arg(args, 0), arg(args, 1));
    let Value::Array(items) = val else {
        return Ok(val.clone());
    };
    let builtin: Option<fn(&Value, &Value) -> Ordering> = match sort_by.as_str() {
        Some("reverse") => Some(|a, b| compare_as_strings(b, a)),
        Some("numeric") => Some(compare_krl),
        Some("ciremun") => Some(|a, b| compare_krl(b, a)),
        Some("default") => Some(compare_as_strings),
        _ if sort_by.is_function() => None,
        _ => Some(compare_as_strings),
    };
    match builtin {
        Some(compare) => Ok(Value::array(builtin_sort(items, compare))),
        None => merge_sort(host, items.to_vec(), sort_by).map(Value::array),
    }
}

/// JavaScript `Array.prototype.sort` with a comparator: stable, and nulls (`undefined`)
/// go last without being compared.
fn builtin_sort(items: &[Value], compare: fn(&Value, &Value) -> Ordering) -> Vec<Value> {
    let (mut present, nulls): (Vec<Value>, Vec<Value>) =
        items.iter().cloned().partition(|item| !item.is_null());
    present.sort_by(compare);
    present.extend(nulls);
    present
}

/// The reference's bottom-up merge sort for KRL comparators, reproduced step by step so
/// the comparator sees the same calls in the same order. The left element is taken when
/// `f(a, b) <= 0` under JavaScript coercion (null and non-numeric strings are false).
fn merge_sort(host: &mut dyn Host, mut array: Vec<Value>, f: &Value) -> Result<Vec<Value>, RuntimeError> {
    let n = array.len();
    if n < 2 {
        return Ok(array);
    }
    let mut other = vec![Value::Null; n];
    let total = n as f64;
    let mut stride_len = total;
    while stride_len > 1.0 {
        stride_len /= 2.0;
    }
    loop {
        let mut stride = stride_len;
        let mut read1 = 0usize;
        loop {
            let start_read2 = (stride.ceil() as usize).min(n);
            let mut read2 = start_read2;
            let merge_end = ((stride + stride_len).ceil() as usize).min(n);
            stride += 2.0 * stride_len;
            let mut write = read1;
            while read1 < start_read2 && read2 < merge_end {
                let result = host.call(f, vec![array[read1].clone(), array[read2].clone()])?;
                if result.to_js_number() <= 0.0 {
                    other[write] = array[read1].clone();
                    read1 += 1;
                } else {
                    other[write] = array[read2].clone();
                    read2 += 1;
                }
                write += 1;
            }
            while read1 < start_read2 {
                other[write] = array[read1].clone();
                read1 += 1;
                write += 1;
            }
            while read2 < merge_end {
                other[write] = array[read2].clone();
                read2 += 1;
                write += 1;
            }
            read1 = merge_end;
            if stride >= total {
                break;
            }
        }
        std::mem::swap(&mut array, &mut other);
        stride_len *= 2.0;
        if stride_len >= total {
            break;
        }
    }
    Ok(array)
}
