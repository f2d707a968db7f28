//! Channels: tags, event and query policies, and the checks an incoming event or query
//! passes, with pico-engine's error texts.

use serde::{Deserialize, Serialize};

use crate::RuntimeError;
use crate::value::{Map, Value};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRule {
    pub domain: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryRule {
    pub rid: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy<R> {
    pub allow: Vec<R>,
    pub deny: Vec<R>,
}

pub type EventPolicy = Policy<EventRule>;
pub type QueryPolicy = Policy<QueryRule>;

impl EventPolicy {
    pub fn allow_all() -> EventPolicy {
        Policy {
            allow: vec![EventRule {
                domain: "*".into(),
                name: "*".into(),
            }],
            deny: Vec::new(),
        }
    }
}

impl QueryPolicy {
    pub fn allow_all() -> QueryPolicy {
        Policy {
            allow: vec![QueryRule {
                rid: "*".into(),
                name: "*".into(),
            }],
            deny: Vec::new(),
        }
    }
}

/// Which family link a channel is, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Parent,
    Child,
}

/// A channel as stored and as `ctx:channels` shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    pub id: String,
    pub pico_id: String,
    pub tags: Vec<String>,
    pub event_policy: EventPolicy,
    pub query_policy: QueryPolicy,
    /// For family channels: the only pico that may use this channel.
    #[serde(rename = "familyChannelPicoID")]
    pub family_channel_pico_id: Option<String>,
}

/// Matches pico-engine: only the whole-string `*` is a wildcard, and it is case-sensitive.
fn matches(pattern: &str, text: &str) -> bool {
    pattern == "*" || pattern == text
}

impl Channel {
    /// A pico's implicit self channel: its ECI is the pico id and only the pico may use it.
    pub fn self_channel(pico_id: &str) -> Channel {
        Channel {
            id: pico_id.to_string(),
            pico_id: pico_id.to_string(),
            tags: vec!["system".into(), "self".into()],
            event_policy: EventPolicy::allow_all(),
            query_policy: QueryPolicy::allow_all(),
            family_channel_pico_id: Some(pico_id.to_string()),
        }
    }

    /// The family check, then deny, then allow, for an event entering through this channel.
    pub fn check_event(&self, domain: &str, name: &str, sender: Option<&str>) -> Result<(), RuntimeError> {
        self.check_family(sender)?;
        let hit = |rule: &EventRule| matches(&rule.domain, domain) && matches(&rule.name, name);
        check_policy(
            self.event_policy.deny.iter().any(hit),
            self.event_policy.allow.iter().any(hit),
        )
    }

    /// The same checks for a query.
    pub fn check_query(&self, rid: &str, name: &str, sender: Option<&str>) -> Result<(), RuntimeError> {
        self.check_family(sender)?;
        let hit = |rule: &QueryRule| matches(&rule.rid, rid) && matches(&rule.name, name);
        check_policy(
            self.query_policy.deny.iter().any(hit),
            self.query_policy.allow.iter().any(hit),
        )
    }

    fn check_family(&self, sender: Option<&str>) -> Result<(), RuntimeError> {
        match &self.family_channel_pico_id {
            Some(owner) if sender != Some(owner.as_str()) => Err(RuntimeError::error(
                "This is a family channel and only the owner can use it.",
            )),
            _ => Ok(()),
        }
    }

    /// The record KRL sees (`ctx:channels`, `ctx:newChannel`).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).map(Value::from).unwrap_or_default()
    }
}

fn check_policy(denied: bool, allowed: bool) -> Result<(), RuntimeError> {
    if denied {
        Err(RuntimeError::error("Denied by channel policy"))
    } else if !allowed {
        Err(RuntimeError::error("Not allowed by channel policy"))
    } else {
        Ok(())
    }
}

/// Normalises channel tags as pico-engine's `cleanChannelTags` does.
pub fn clean_tags(tags: &Value) -> Result<Vec<String>, RuntimeError> {
    let invalid = || RuntimeError::type_error("Channel `tags` must be an array of non-empty strings.");
    let items = match tags {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err(invalid()),
    };
    items
        .iter()
        .map(|tag| {
            let text = tag.as_str().ok_or_else(invalid)?;
            let tag = clean_tag(text);
            if tag.is_empty() {
                Err(RuntimeError::type_error("Channel tag cannot be a blank string."))
            } else if tag == "system" {
                Err(RuntimeError::type_error("Cannot tag channel as \"system\"."))
            } else {
                Ok(tag)
            }
        })
        .collect()
}

/// Whitespace runs become one space, the result is trimmed, every run of characters outside
/// `[A-Za-z0-9_-]` becomes `-`, repeated `-` collapse, edge `-` go, and it is lower-cased.
fn clean_tag(text: &str) -> String {
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(spaced.len());
    for c in spaced.chars() {
        let keep = c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let c = if keep { c.to_ascii_lowercase() } else { '-' };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_string()
}

fn exact_keys(map: &Map, keys: &[&str]) -> bool {
    map.len() == keys.len() && keys.iter().all(|k| map.contains_key(k))
}

fn rule_field(map: &Map, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Validates an event policy given by KRL (null means allow-all).
pub fn event_policy(value: &Value) -> Result<EventPolicy, RuntimeError> {
    let policy_error = || {
        RuntimeError::type_error("EventPolicy expects {allow: EventPolicyRule[], deny: EventPolicyRule[]}")
    };
    let rule_error = || RuntimeError::type_error("EventPolicyRule expects {domain: string, name: string}");
    parse_policy(value, policy_error, |rule| {
        let map = rule
            .as_map()
            .filter(|m| exact_keys(m, &["domain", "name"]))
            .ok_or_else(rule_error)?;
        Ok(EventRule {
            domain: rule_field(map, "domain").ok_or_else(rule_error)?,
            name: rule_field(map, "name").ok_or_else(rule_error)?,
        })
    })
    .map(|policy| policy.unwrap_or_else(EventPolicy::allow_all))
}

/// Validates a query policy given by KRL (null means allow-all).
pub fn query_policy(value: &Value) -> Result<QueryPolicy, RuntimeError> {
    let policy_error = || {
        RuntimeError::type_error("QueryPolicy expects {allow: QueryPolicyRule[], deny: QueryPolicyRule[]}")
    };
    let rule_error = || RuntimeError::type_error("QueryPolicyRule expects {rid: string, name: string}");
    parse_policy(value, policy_error, |rule| {
        let map = rule
            .as_map()
            .filter(|m| exact_keys(m, &["rid", "name"]))
            .ok_or_else(rule_error)?;
        Ok(QueryRule {
            rid: rule_field(map, "rid").ok_or_else(rule_error)?,
            name: rule_field(map, "name").ok_or_else(rule_error)?,
        })
    })
    .map(|policy| policy.unwrap_or_else(QueryPolicy::allow_all))
}

fn parse_policy<R>(
    value: &Value,
    policy_error: impl Fn() -> RuntimeError,
    rule: impl Fn(&Value) -> Result<R, RuntimeError>,
) -> Result<Option<Policy<R>>, RuntimeError> {
    let map = match value {
        Value::Null => return Ok(None),
        Value::Map(map) if exact_keys(map, &["allow", "deny"]) => map,
        _ => return Err(policy_error()),
    };
    let list = |key: &str| -> Result<Vec<R>, RuntimeError> {
        match map.get(key) {
            Some(Value::Array(items)) => items.iter().map(&rule).collect(),
            _ => Err(policy_error()),
        }
    };
    Ok(Some(Policy {
        allow: list("allow")?,
        deny: list("deny")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(policy: EventPolicy) -> Channel {
        Channel {
            id: "c1".into(),
            pico_id: "p".into(),
            tags: Vec::new(),
            event_policy: policy,
            query_policy: QueryPolicy::allow_all(),
            family_channel_pico_id: None,
        }
    }

    #[test]
    fn tags_are_cleaned_like_the_reference() {
        let tags = Value::array(vec![
            "  Foo--bar_baz 123 ".into(),
            " -- some-\t-- thing Else?\nI think.".into(),
        ]);
        assert_eq!(
            clean_tags(&tags).expect("valid"),
            ["foo-bar_baz-123", "some-thing-else-i-think"]
        );
        let err = |v: Value| clean_tags(&v).expect_err("invalid").to_string();
        assert_eq!(
            err(Value::array(vec![" -- ".into()])),
            "TypeError: Channel tag cannot be a blank string."
        );
        assert_eq!(
            err(Value::array(vec!["System".into()])),
            "TypeError: Cannot tag channel as \"system\"."
        );
        assert_eq!(
            err(Value::from(1)),
            "TypeError: Channel `tags` must be an array of non-empty strings."
        );
    }

    #[test]
    fn deny_wins_and_only_star_is_a_wildcard() {
        let allow_foo = channel(Policy {
            allow: vec![EventRule {
                domain: "*".into(),
                name: "foo".into(),
            }],
            deny: Vec::new(),
        });
        assert!(allow_foo.check_event("one", "foo", None).is_ok());
        assert_eq!(
            allow_foo
                .check_event("one", "bar", None)
                .expect_err("not allowed")
                .to_string(),
            "Error: Not allowed by channel policy"
        );
        let deny = channel(Policy {
            allow: vec![EventRule {
                domain: "*".into(),
                name: "*".into(),
            }],
            deny: vec![EventRule {
                domain: "one".into(),
                name: "*".into(),
            }],
        });
        assert_eq!(
            deny.check_event("one", "x", None)
                .expect_err("denied")
                .to_string(),
            "Error: Denied by channel policy"
        );
        let glob = channel(Policy {
            allow: vec![EventRule {
                domain: "o*".into(),
                name: "*".into(),
            }],
            deny: Vec::new(),
        });
        assert!(glob.check_event("one", "x", None).is_err());
    }

    #[test]
    fn family_channels_only_accept_their_owner() {
        let mut family = channel(EventPolicy::allow_all());
        family.family_channel_pico_id = Some("owner".into());
        assert!(family.check_event("a", "b", Some("owner")).is_ok());
        assert_eq!(
            family
                .check_event("a", "b", None)
                .expect_err("family")
                .to_string(),
            "Error: This is a family channel and only the owner can use it."
        );
    }

    #[test]
    fn policies_are_validated() {
        let bad = Value::from(serde_json::json!({"allow": [{"domain": "a"}], "deny": []}));
        assert_eq!(
            event_policy(&bad).expect_err("bad rule").to_string(),
            "TypeError: EventPolicyRule expects {domain: string, name: string}"
        );
        let missing = Value::from(serde_json::json!({"allow": []}));
        assert!(event_policy(&missing).is_err());
        assert_eq!(
            event_policy(&Value::Null).expect("default"),
            EventPolicy::allow_all()
        );
        let good = Value::from(serde_json::json!({"allow": [{"rid": " r ", "name": "q"}], "deny": []}));
        assert_eq!(query_policy(&good).expect("valid").allow[0].rid, "r");
    }
}
