//! "Did you mean ...?": the edit distance between a misspelt word and the words it may have
//! meant, shared by the parser, the checker and `krl test`'s file reader.

/// Edits between `a` and `b`: insertions, deletions, substitutions and swaps of two
/// neighbouring characters (optimal string alignment), so `nmae` is one edit from `name`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: the swap looks two rows back.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `word`, when it is close enough to be a typo of it: at most one
/// edit per three characters (at least one), and fewer edits than the candidate is long.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word_chars = word.chars().count();
    let limit = typo_limit(word_chars);
    candidates
        .filter_map(|candidate| {
            // The distance is at least the difference in length, so a candidate that much
            // longer or shorter cannot be a typo: skipping it saves the distance's table
            // (most of `krl check`'s cross-file notes on large folders).
            if candidate.chars().count().abs_diff(word_chars) > limit {
                return None;
            }
            let distance = edit_distance(word, candidate);
            is_typo_distance(word, candidate, distance).then_some((distance, candidate))
        })
        .min()
        .map(|(_, candidate)| candidate)
}

/// Whether `distance` edits between `word` and `candidate` look like a typo.
pub fn is_typo_distance(word: &str, candidate: &str, distance: usize) -> bool {
    distance <= typo_limit(word.chars().count()) && distance < candidate.chars().count()
}

/// The most edits a word of `chars` characters may be from what it meant: one per three
/// characters, at least one.
fn typo_limit(chars: usize) -> usize {
    (chars / 3).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_insertions_deletions_substitutions_and_swaps() {
        assert_eq!(edit_distance("nme", "name"), 1);
        assert_eq!(edit_distance("nmae", "name"), 1);
        assert_eq!(edit_distance("selct", "select"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("ca", "abc"), 3);
    }

    #[test]
    fn suggests_only_close_words() {
        let names = ["name", "greeting", "x"];
        assert_eq!(closest("nmae", names.into_iter()), Some("name"));
        assert_eq!(closest("greting", names.into_iter()), Some("greeting"));
        assert_eq!(closest("y", names.into_iter()), None);
        assert_eq!(closest("total", names.into_iter()), None);
    }

    /// Skipping candidates by length gives what comparing with every candidate gives.
    #[test]
    fn the_length_filter_keeps_every_typo() {
        let words = [
            "a",
            "ab",
            "name",
            "nmae",
            "names",
            "greeting",
            "greting",
            "gretings",
            "é",
            "éé",
            "nåme",
            "threshold_exceeded",
            "threshhold_exceeded",
        ];
        for word in words {
            let by_distance = words
                .iter()
                .map(|&candidate| (edit_distance(word, candidate), candidate))
                .filter(|&(distance, candidate)| is_typo_distance(word, candidate, distance))
                .min()
                .map(|(_, candidate)| candidate);
            assert_eq!(closest(word, words.into_iter()), by_distance, "{word}");
        }
    }
}
