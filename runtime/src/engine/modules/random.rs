//! The `random` module (engine.md §7.9): ids, words, and uniform numbers between bounds
//! given in either order.

use std::sync::Arc;

use super::{Args, no_member};
use crate::RuntimeError;
use crate::engine::ids;
use crate::value::Value;

/// Common English words for `random:word()`. The reference draws from the `random-words`
/// package; KRL code can only rely on getting one lower-case word without spaces.
const WORDS: &[&str] = &[
    "able", "about", "account", "acid", "across", "act", "addition", "adjustment", "air", "amount", "angle", "animal",
    "answer", "apple", "arch", "arm", "army", "art", "attack", "attempt", "attention", "baby", "back", "balance",
    "ball", "band", "base", "basin", "basket", "bath", "bean", "bear", "bed", "bee", "bell", "berry", "bird", "birth",
    "bit", "bite", "blade", "blood", "blow", "board", "boat", "body", "bone", "book", "boot", "bottle", "box", "boy",
    "brain", "brake", "branch", "brass", "bread", "breath", "brick", "bridge", "brother", "brush", "bucket", "building",
    "bulb", "burn", "burst", "butter", "button", "cake", "camera", "canvas", "card", "care", "carriage", "cart", "cat",
    "cause", "chain", "chalk", "chance", "change", "cheese", "chest", "chin", "church", "circle", "clock", "cloth",
    "cloud", "coal", "coat", "collar", "color", "comb", "comfort", "company", "copper", "copy", "cord", "cork",
    "cotton", "cough", "country", "cover", "cow", "crack", "credit", "crime", "crush", "cry", "cup", "current",
    "curtain", "curve", "cushion", "damage", "danger", "daughter", "day", "death", "debt", "decision", "degree",
    "design", "desire", "detail", "direction", "discovery", "dog", "door", "drain", "drawer", "dream", "dress",
    "drink", "drop", "dust", "ear", "earth", "edge", "education", "effect", "egg", "engine", "error", "event",
    "example", "exchange", "expert", "eye", "face", "fact", "fall", "family", "farm", "father", "fear", "feather",
    "feeling", "field", "finger", "fire", "fish", "flag", "flame", "flight", "floor", "flower", "fly", "fold", "food",
    "foot", "force", "fork", "form", "fowl", "frame", "friend", "fruit", "garden", "girl", "glass", "glove", "goat",
    "gold", "grain", "grass", "grip", "group", "growth", "guide", "gun", "hair", "hammer", "hand", "harbor", "harmony",
    "hat", "head", "heart", "heat", "history", "hole", "hook", "hope", "horn", "horse", "hospital", "hour", "house",
    "humor", "ice", "idea", "impulse", "ink", "insect", "iron", "island", "jelly", "jewel", "join", "journey", "judge",
    "jump", "kettle", "key", "kick", "kiss", "knee", "knife", "knot", "knowledge", "land", "language", "laugh", "lead",
    "leaf", "leather", "letter", "level", "library", "lift", "light", "limit", "line", "linen", "lip", "liquid",
    "list", "lock", "look", "loss", "love", "machine", "man", "map", "mark", "market", "mass", "meal", "measure",
    "meat", "meeting", "memory", "metal", "milk", "mind", "mine", "minute", "mist", "money", "monkey", "month", "moon",
    "morning", "mother", "motion", "mountain", "mouth", "music", "nail", "name", "nation", "neck", "need", "needle",
    "nerve", "net", "news", "night", "noise", "nose", "note", "number", "nut", "offer", "office", "oil", "orange",
    "order", "oven", "owner", "page", "pain", "paint", "paper", "parcel", "paste", "payment", "peace", "pen", "pencil",
    "person", "picture", "pig", "pin", "pipe", "place", "plane", "plant", "plate", "play", "pleasure", "plough",
    "pocket", "point", "poison", "polish", "porter", "potato", "powder", "power", "price", "print", "prison",
    "process", "produce", "profit", "property", "prose", "protest", "pull", "pump", "punishment", "purpose", "push",
    "quality", "question", "rail", "rain", "range", "rat", "rate", "ray", "reaction", "reason", "receipt", "record",
    "regret", "relation", "religion", "request", "respect", "rest", "reward", "rhythm", "rice", "ring", "river",
    "road", "rod", "roll", "roof", "room", "root", "rule", "run", "sail", "salt", "sand", "scale", "school", "science",
    "scissors", "screw", "sea", "seat", "secretary", "seed", "sense", "servant", "shade", "shake", "shame", "sheep",
    "shelf", "ship", "shirt", "shock", "shoe", "side", "sign", "silk", "silver", "sister", "size", "skin", "skirt",
    "sky", "sleep", "slip", "slope", "smash", "smell", "smile", "smoke", "snake", "sneeze", "snow", "soap", "society",
    "sock", "son", "song", "sort", "sound", "soup", "space", "spade", "sponge", "spoon", "spring", "square", "stage",
    "stamp", "star", "start", "station", "steam", "steel", "stem", "step", "stick", "stitch", "stocking", "stomach",
    "stone", "store", "story", "street", "stretch", "structure", "substance", "sugar", "summer", "sun", "support",
    "surprise", "swim", "system", "table", "tail", "talk", "taste", "tax", "teaching", "tendency", "test", "theory",
    "thing", "thought", "thread", "throat", "thumb", "thunder", "ticket", "time", "tin", "toe", "tongue", "tooth",
    "top", "touch", "town", "trade", "train", "transport", "tray", "tree", "trick", "trouble", "trousers", "turn",
    "twist", "umbrella", "unit", "use", "value", "verse", "vessel", "view", "voice", "walk", "wall", "war", "wash",
    "waste", "watch", "water", "wave", "wax", "way", "weather", "week", "weight", "wheel", "whip", "whistle", "wind",
    "window", "wine", "wing", "winter", "wire", "woman", "wood", "wool", "word", "work", "worm", "wound", "writing",
    "year", "yesterday", "zebra",
];

pub(super) fn call(name: &str, positional: Vec<Value>, named: Vec<(Arc<str>, Value)>) -> Result<Value, RuntimeError> {
    match name {
        "uuid" => Ok(Value::string(ids::new_id())),
        "word" => Ok(Value::string(WORDS[fastrand::usize(..WORDS.len())])),
        "integer" | "number" => {
            let args = Args::new(&["upper", "lower"], positional, named);
            let integer = name == "integer";
            let (low, high) = bounds(args.get(0), args.get(1), integer);
            let (low, high) = if low <= high { (low, high) } else { (high, low) };
            Ok(Value::number(if integer {
                fastrand::i64(low as i64..=high as i64) as f64
            } else {
                low + fastrand::f64() * (high - low)
            }))
        }
        _ => Err(no_member("random", name)),
    }
}

/// Matches pico-engine's argument fixing: bounds are converted to numbers (and rounded for
/// integers); a missing or non-numeric `upper` becomes 1 when `lower` is missing too, else 0;
/// a missing `lower` is 0.
fn bounds(upper: &Value, lower: &Value, round: bool) -> (f64, f64) {
    let number = |v: &Value| -> Option<f64> {
        let n = if v.is_null() { None } else { v.to_number_or_null() }?;
        Some(if round { js_round(n) } else { n })
    };
    let (upper, lower) = (number(upper), number(lower));
    let high = match (upper, lower) {
        (Some(upper), _) => upper,
        (None, None) => 1.0,
        (None, Some(_)) => 0.0,
    };
    (lower.unwrap_or(0.0), high)
}

/// lodash's `_.round(n)`: halves go up.
fn js_round(n: f64) -> f64 {
    (n + 0.5).floor()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_follow_the_reference() {
        let s = |t: &str| Value::string(t);
        assert_eq!(bounds(&Value::Null, &Value::Null, true), (0.0, 1.0));
        assert_eq!(bounds(&Value::number(-3.0), &s("five"), true), (0.0, -3.0));
        assert_eq!(bounds(&s("4.49"), &Value::number(-8.0), true), (-8.0, 4.0));
        assert_eq!(bounds(&s("four"), &Value::number(-8.49), true), (-8.0, 0.0));
        assert_eq!(bounds(&Value::number(9.87), &s("-3.6"), false), (-3.6, 9.87));
        for _ in 0..200 {
            let n = call("integer", vec![Value::number(-7.0)], Vec::new()).expect("a number").as_number().expect("number");
            assert!((-7.0..=0.0).contains(&n) && n.fract() == 0.0);
            let word = call("word", Vec::new(), Vec::new()).expect("a word");
            assert!(word.as_str().is_some_and(|w| !w.is_empty() && !w.contains(' ')));
        }
    }
}
