//! "Did you mean" suggestions for department and group names, which must match exactly.

use strsim::levenshtein;

/// Suggests the existing name closest to `input`, when one is close enough to be what the
/// user meant: the same name in another letter case or spacing, or a small edit away
/// (one edit for short names, up to a quarter of the length for longer ones, at most three),
/// or a name that begins with the input (or the other way round).
/// Returns `None` when `input` matches a candidate exactly (nothing to suggest) or when no
/// candidate is close.
pub fn suggest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = normalize(input);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == input {
            return None;
        }
        let normalized = normalize(candidate);
        let distance = levenshtein(&wanted, &normalized);
        let limit = (wanted.chars().count().max(candidate.chars().count()) / 4).clamp(1, 3);
        // A name that begins with what was typed ("Sales" for "Sales EMEA") is close too.
        let prefix = wanted.chars().count() >= 3
            && (normalized.starts_with(&wanted) || wanted.starts_with(&normalized));
        if (distance <= limit || prefix) && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// Lower-cases and collapses runs of whitespace, so "Human  resources " ≈ "human resources".
fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DEPARTMENTS: [&str; 4] = ["Sales", "Human Resources", "Engineering", "R&D"];

    #[test]
    fn a_case_difference_suggests_the_existing_name() {
        assert_eq!(suggest("sales", DEPARTMENTS), Some("Sales"));
    }

    #[test]
    fn spacing_differences_suggest_the_existing_name() {
        assert_eq!(
            suggest("human  resources", DEPARTMENTS),
            Some("Human Resources")
        );
    }

    #[test]
    fn a_typo_suggests_the_existing_name() {
        assert_eq!(suggest("Enginering", DEPARTMENTS), Some("Engineering"));
        assert_eq!(suggest("Sale", DEPARTMENTS), Some("Sales"));
    }

    #[test]
    fn a_longer_name_that_begins_with_the_input_is_suggested() {
        assert_eq!(
            suggest("Sales", ["Sales EMEA", "Support"]),
            Some("Sales EMEA")
        );
        assert_eq!(suggest("IT", ["IT Support"]), None);
    }

    #[test]
    fn an_unrelated_name_suggests_nothing() {
        assert_eq!(suggest("Marketing", DEPARTMENTS), None);
        assert_eq!(suggest("Finance", DEPARTMENTS), None);
    }

    #[test]
    fn an_exact_match_needs_no_suggestion() {
        assert_eq!(suggest("Sales", DEPARTMENTS), None);
    }

    proptest! {
        #[test]
        fn a_suggestion_is_always_one_of_the_candidates(input in "\\PC{0,20}", names in proptest::collection::vec("\\PC{0,20}", 0..6)) {
            if let Some(s) = suggest(&input, names.iter().map(String::as_str)) {
                prop_assert!(names.iter().any(|n| n == s));
                prop_assert!(s != input);
            }
        }
    }
}
