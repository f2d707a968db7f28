//! Aggregators on `count`/`repeat` leaves (`max`, `min`, `sum`, `avg`, `push`): the value
//! window per variable and the value bound for the rule body.

use super::AggregatorOp;
use crate::value::Value;

/// Where the machine stood when the aggregating leaf matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Window {
    /// At start: a new attempt, the window restarts with this value.
    Restart,
    /// At end (only `repeat` loops there): slide, dropping the oldest value.
    Slide,
    /// Anywhere else: append.
    Append,
}

/// Adds `value` to `values` according to `window`.
pub(crate) fn push_value(values: &mut Vec<Value>, value: Value, window: Window) {
    match window {
        Window::Restart => {
            values.clear();
            values.push(value);
        }
        Window::Slide => {
            values.push(value);
            values.remove(0);
        }
        Window::Append => values.push(value),
    }
}

/// The value an aggregator binds, computed over the collected captures.
///
/// Matches pico-engine: numbers come from `toNumberOrNull`, with null, non-numeric and NaN
/// counting as 0; `avg` divides by the window length; `push` binds the raw captures.
pub(crate) fn aggregate(op: AggregatorOp, values: &[Value]) -> Value {
    let numbers = values.iter().map(to_float);
    match op {
        AggregatorOp::Max => numbers.reduce(f64::max).map_or(Value::Null, Value::number),
        AggregatorOp::Min => numbers.reduce(f64::min).map_or(Value::Null, Value::number),
        AggregatorOp::Sum => Value::number(numbers.sum()),
        AggregatorOp::Avg => Value::number(numbers.sum::<f64>() / values.len() as f64),
        AggregatorOp::Push => Value::array(values.to_vec()),
    }
}

fn to_float(value: &Value) -> f64 {
    match value.to_number_or_null() {
        Some(n) if !n.is_nan() => n,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<Value> {
        items.iter().map(|s| Value::from(*s)).collect()
    }

    #[test]
    fn numeric_aggregates() {
        let values = strings(&["3", "8", "5"]);
        assert_eq!(aggregate(AggregatorOp::Max, &values), Value::from(8));
        assert_eq!(aggregate(AggregatorOp::Min, &values), Value::from(3));
        assert_eq!(aggregate(AggregatorOp::Sum, &values), Value::from(16));
        assert_eq!(
            aggregate(AggregatorOp::Avg, &strings(&["2", "3", "100"])),
            Value::from(35)
        );
    }

    #[test]
    fn non_numeric_counts_as_zero() {
        let values = vec![Value::from("x"), Value::Null, Value::from("-2")];
        assert_eq!(aggregate(AggregatorOp::Max, &values), Value::from(0));
        assert_eq!(aggregate(AggregatorOp::Min, &values), Value::from(-2));
        assert_eq!(
            aggregate(AggregatorOp::Push, &values),
            Value::array(values.clone())
        );
    }

    #[test]
    fn windows() {
        let mut values = strings(&["1", "2", "3"]);
        push_value(&mut values, "4".into(), Window::Slide);
        assert_eq!(values, strings(&["2", "3", "4"]));
        push_value(&mut values, "5".into(), Window::Append);
        assert_eq!(values, strings(&["2", "3", "4", "5"]));
        push_value(&mut values, "6".into(), Window::Restart);
        assert_eq!(values, strings(&["6"]));
    }
}
