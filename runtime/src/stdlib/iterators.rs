//! Collection operators that call back into KRL through the [`Host`]: `map`, `filter`,
//! `reduce`, `any`, `all`, `none`, `notall`, `collect`, `pairwise`.
//!
//! Callbacks get `(value, index, array)` for arrays and `(value, key, map)` for maps
//! (`reduce`: `(acc, value, index, array)`); their results are tested with JavaScript
//! truthiness. Calls happen strictly in collection order.

use std::ops::ControlFlow;

use super::{Callback, OperatorFn, arg, only_works_on_arrays, only_works_on_collections};
use crate::error::RuntimeError;
use crate::host::Host;
use crate::value::{Map, Value};

pub(super) const IMPLEMENTATIONS: &[(&str, OperatorFn)] = &[
    ("map", map),
    ("filter", filter),
    ("reduce", reduce),
    ("any", |h, a| Ok(Value::Boolean(any(h, a)?))),
    ("all", |h, a| Ok(Value::Boolean(all(h, a)?))),
    ("none", |h, a| Ok(Value::Boolean(!any(h, a)?))),
    ("notall", |h, a| Ok(Value::Boolean(!all(h, a)?))),
    ("collect", collect),
    ("pairwise", pairwise),
];

/// The key of an element as the callback sees it: an index number or a map key string.
enum Key<'a> {
    Index(usize),
    Name(&'a std::sync::Arc<str>),
}

impl Key<'_> {
    fn to_value(&self) -> Value {
        match self {
            Key::Index(i) => Value::from(*i),
            Key::Name(name) => Value::String((*name).clone()),
        }
    }
}

/// Drops a value a callback answered or an iterator made, testing inline whether it owns
/// anything: most are numbers or booleans, and the drop glue is a call per value.
#[inline(always)]
fn release(value: Value) {
    if matches!(value, Value::Null | Value::Boolean(_) | Value::Number(_)) {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}

/// Calls the callback with `(item, key, collection)`.
#[inline(always)]
fn call_with_key(
    host: &mut dyn Host,
    callback: &mut Callback<'_>,
    item: &Value,
    key: &Key<'_>,
    collection: &Value,
) -> Result<Value, RuntimeError> {
    let key = key.to_value();
    let result = callback.call(host, &[item, &key, collection]);
    release(key);
    result
}

/// Visits each element of an array or map until `visit` breaks.
fn each(
    val: &Value,
    mut visit: impl FnMut(&Value, Key<'_>) -> Result<ControlFlow<()>, RuntimeError>,
) -> Result<(), RuntimeError> {
    match val {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if visit(item, Key::Index(i))?.is_break() {
                    break;
                }
            }
        }
        Value::Map(map) => {
            for (key, item) in map.iter() {
                if visit(item, Key::Name(key))?.is_break() {
                    break;
                }
            }
        }
        _ => return Err(only_works_on_collections()),
    }
    Ok(())
}

/// Calls the callback, or the identity function when `iter` is null.
fn call_or_identity(
    host: &mut dyn Host,
    (iter, callback): (&Value, &mut Callback<'_>),
    item: &Value,
    key: &Key<'_>,
    collection: &Value,
) -> Result<Value, RuntimeError> {
    if iter.is_null() {
        return Ok(item.clone());
    }
    call_with_key(host, callback, item, key, collection)
}

/// Room for a result per element of an array (maps build a [`Map`] instead).
fn array_capacity(val: &Value) -> usize {
    val.as_array().map_or(0, |items| items.len())
}

fn map(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, iter) = (arg(args, 0), arg(args, 1));
    let mut callback = Callback::new(iter);
    let mut items = Vec::with_capacity(array_capacity(val));
    let mut entries = Map::new();
    each(val, |item, key| {
        let result = call_or_identity(host, (iter, &mut callback), item, &key, val)?;
        match key {
            Key::Index(_) => items.push(result),
            Key::Name(name) => {
                entries.insert(name.clone(), result);
            }
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(if val.as_array().is_some() {
        Value::array(items)
    } else {
        Value::map(entries)
    })
}

fn filter(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, iter) = (arg(args, 0), arg(args, 1));
    let mut callback = Callback::new(iter);
    let mut items = Vec::new();
    let mut entries = Map::new();
    each(val, |item, key| {
        let result = call_or_identity(host, (iter, &mut callback), item, &key, val)?;
        let keep = result.truthy();
        release(result);
        if keep {
            match key {
                Key::Index(_) => items.push(item.clone()),
                Key::Name(name) => {
                    entries.insert(name.clone(), item.clone());
                }
            }
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(if val.as_array().is_some() {
        Value::array(items)
    } else {
        Value::map(entries)
    })
}

/// True when some callback result is truthy (stops at the first).
fn any(host: &mut dyn Host, args: &[Value]) -> Result<bool, RuntimeError> {
    let (val, iter) = (arg(args, 0), arg(args, 1));
    let mut callback = Callback::new(iter);
    let mut found = false;
    each(val, |item, key| {
        let result = call_with_key(host, &mut callback, item, &key, val)?;
        found = result.truthy();
        release(result);
        Ok(if found {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    })?;
    Ok(found)
}

/// True when every callback result is truthy (stops at the first falsy one).
fn all(host: &mut dyn Host, args: &[Value]) -> Result<bool, RuntimeError> {
    let (val, iter) = (arg(args, 0), arg(args, 1));
    let mut callback = Callback::new(iter);
    let mut every = true;
    each(val, |item, key| {
        let result = call_with_key(host, &mut callback, item, &key, val)?;
        every = result.truthy();
        release(result);
        Ok(if every {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        })
    })?;
    Ok(every)
}

/// Matches pico-engine: groups are keyed by JavaScript's string form of the callback
/// result (a null result is the key `"undefined"`), in JavaScript key order.
fn collect(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, iter) = (arg(args, 0), arg(args, 1));
    let mut callback = Callback::new(iter);
    let mut groups: Map = Map::new();
    each(val, |item, key| {
        let result = call_or_identity(host, (iter, &mut callback), item, &key, val)?;
        let group_key = result.to_js_string("undefined");
        match groups.get_mut(&group_key) {
            Some(Value::Array(members)) => std::sync::Arc::make_mut(members).push(item.clone()),
            _ => {
                groups.insert(group_key, Value::array(vec![item.clone()]));
            }
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(Value::map(groups))
}

fn reduce(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, iter, default) = (arg(args, 0), arg(args, 1), arg(args, 2));
    let items = val.as_array().ok_or_else(only_works_on_arrays)?;
    let no_default = args.len() < 3;
    if items.is_empty() {
        // Matches pico-engine: an empty array without a default reduces to 0.
        return Ok(if no_default {
            Value::from(0)
        } else {
            default.clone()
        });
    }
    if !iter.is_function() && (no_default || items.len() > 1) {
        // Matches pico-engine: a plain Error, not a TypeError.
        return Err(RuntimeError::error(format!(
            "The .reduce() operator cannot use {} as a function",
            iter.to_krl_string()
        )));
    }
    let (mut acc, rest_start) = if no_default {
        (items[0].clone(), 1)
    } else {
        (default.clone(), 0)
    };
    let mut callback = Callback::new(iter);
    for (i, item) in items.iter().enumerate().skip(rest_start) {
        let index = Value::from(i);
        let next = callback.call(host, &[&acc, item, &index, val])?;
        release(std::mem::replace(&mut acc, next));
    }
    Ok(acc)
}

fn pairwise(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, iter) = (arg(args, 0), arg(args, 1));
    let Some(items) = val.as_array() else {
        return Err(RuntimeError::type_error(format!(
            "The .pairwise() operator cannot be called on {}",
            val.to_krl_string()
        )));
    };
    if items.len() < 2 {
        return Err(RuntimeError::type_error(
            "The .pairwise() operator needs a longer array",
        ));
    }
    if !iter.is_function() {
        return Err(RuntimeError::type_error(format!(
            "The .pairwise() operator cannot use {} as a function",
            iter.to_krl_string()
        )));
    }
    let columns: Vec<&[Value]> = items
        .iter()
        .map(|item| match item {
            Value::Array(inner) => &inner[..],
            single => std::slice::from_ref(single),
        })
        .collect();
    let longest = columns.iter().map(|c| c.len()).max().unwrap_or(0);
    let mut results = Vec::with_capacity(longest);
    for i in 0..longest {
        let call_args = columns
            .iter()
            .map(|c| c.get(i).cloned().unwrap_or_default())
            .collect();
        results.push(host.call(iter, call_args)?);
    }
    Ok(Value::array(results))
}
