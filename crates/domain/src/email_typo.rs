//! "Did you mean gmail.com?": a hint for addresses whose domain looks like a slip of the
//! fingers on a well-known mail domain (`bob@gmial.com`, `ann@hotmail.con`). It is a warning,
//! never a refusal: `gmial.com` could be a real domain, so the caller still accepts the address.

use strsim::osa_distance;

/// Mail domains most invitees use; a domain a small edit away from one of these is suspect.
const KNOWN_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "ymail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "hotmail.fr",
    "outlook.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "t-online.de",
    "orange.fr",
    "free.fr",
    "comcast.net",
    "verizon.net",
    "att.net",
    "mail.com",
    "zoho.com",
    "yandex.ru",
    "qq.com",
];

/// Endings that are not top-level domains but are one slip away from `com`, `net` or `org`.
const TLD_SLIPS: &[(&str, &str)] = &[
    ("con", "com"),
    ("cmo", "com"),
    ("ocm", "com"),
    ("comm", "com"),
    ("vom", "com"),
    ("xom", "com"),
    ("c0m", "com"),
    ("coom", "com"),
    ("nte", "net"),
    ("ner", "net"),
    ("nett", "net"),
    ("ogr", "org"),
    ("rog", "org"),
    ("orgg", "org"),
];

/// The address as the user probably meant it, or `None` when nothing looks wrong.
/// Only the domain is ever changed; the local part is kept exactly as typed.
pub fn suggest_address(address: &str) -> Option<String> {
    let address = address.trim();
    let (local, domain) = address.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let domain_folded = domain.to_lowercase();
    suggest_domain(&domain_folded).map(|better| format!("{local}@{better}"))
}

/// The domain `domain` (lower case) was probably meant to be, if it looks mistyped.
fn suggest_domain(domain: &str) -> Option<String> {
    // A mistyped ending of any domain first: "acme.con" → "acme.com", "gmail.con" → "gmail.com".
    let mended = mend_ending(domain);
    let domain = mended.as_deref().unwrap_or(domain);
    if KNOWN_DOMAINS.contains(&domain) {
        return mended;
    }
    let first_label = |d: &str| d.split('.').next().unwrap_or_default().to_string();
    KNOWN_DOMAINS
        .iter()
        // The same name under another ending is a different provider ("hotmail.de" is as real
        // as "hotmail.fr").
        .filter(|known| first_label(known) != first_label(domain))
        .map(|known| (osa_distance(domain, known), *known))
        // Two edits on long domains ("gmaill.com"), one on short ones ("acme.com" is not
        // "me.com").
        .filter(|(distance, known)| *distance <= if known.len() >= 9 { 2 } else { 1 })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known.to_string())
        .or(mended)
}

fn mend_ending(domain: &str) -> Option<String> {
    let (name, tld) = domain.rsplit_once('.')?;
    TLD_SLIPS
        .iter()
        .find(|(slip, _)| *slip == tld)
        .filter(|_| !name.is_empty())
        .map(|(_, right)| format!("{name}.{right}"))
}

/// The sentence shown with the hint.
pub fn hint_message(suggestion: &str) -> String {
    format!("Did you mean {suggestion}?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_well_known_domain_a_slip_away() {
        assert_eq!(
            suggest_address("bob@gmial.com").as_deref(),
            Some("bob@gmail.com")
        );
        assert_eq!(
            suggest_address("Ann.Lee@Hotmial.com").as_deref(),
            Some("Ann.Lee@hotmail.com")
        );
        assert_eq!(
            suggest_address("x@yaho.com").as_deref(),
            Some("x@yahoo.com")
        );
        assert_eq!(
            suggest_address("x@gmail.con").as_deref(),
            Some("x@gmail.com")
        );
        assert_eq!(
            suggest_address("x@gmaill.con").as_deref(),
            Some("x@gmail.com")
        );
        assert_eq!(
            suggest_address("x@outlok.com").as_deref(),
            Some("x@outlook.com")
        );
    }

    #[test]
    fn mends_a_mistyped_ending_of_any_domain() {
        assert_eq!(
            suggest_address("pat@acme.con").as_deref(),
            Some("pat@acme.com")
        );
        assert_eq!(
            suggest_address("pat@school.ogr").as_deref(),
            Some("pat@school.org")
        );
    }

    #[test]
    fn leaves_real_and_unrelated_domains_alone() {
        for address in [
            "bob@gmail.com",
            "BOB@GMAIL.COM",
            "pat@acme.com",
            "pat@example.org",
            "a@me.com",
            "a@mail.ru",
            "a@company.co",
            "a@uni-heidelberg.de",
            "a@hotmail.de",
            "a@gmx.at",
            "not-an-address",
            "@gmial.com",
            "bob@",
        ] {
            assert_eq!(suggest_address(address), None, "{address}");
        }
    }

    #[test]
    fn the_message_names_the_whole_address() {
        assert_eq!(hint_message("bob@gmail.com"), "Did you mean bob@gmail.com?");
    }
}
