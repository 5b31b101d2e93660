//! Field-level rules shared by the validators: slugs, ids, URLs, emails,
//! dates, periods. Each returns `Err(what was expected)` so the caller can
//! attach the message to the right span.

use time::OffsetDateTime;
use toml::value::Datetime;

use super::super::limits;
use crate::model::{Period, PeriodUnit};

/// Slugs name badges, pages and files in URLs: `[a-z0-9]` words joined by
/// single `-`, at most 64 characters.
pub fn slug(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(
            "lowercase letters `a-z`, digits and single `-` between them, at most 64 characters"
                .into(),
        )
    }
}

/// Award ids are permanent URL segments: `[a-z0-9-]`, 1 to 64 characters.
pub fn award_id(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err("an id of `a-z`, `0-9` and `-`, 1 to 64 characters".into())
    }
}

/// Key ids become DID URL fragments: `[A-Za-z0-9_-]`, 1 to 64 characters.
pub fn key_id(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err("a key id of letters, digits, `-` and `_`".into())
    }
}

/// LinkedIn organisation ids are numbers (`linkedin.com/company/<id>/admin`).
pub fn linkedin_org_id(value: &str) -> Result<String, String> {
    if !value.is_empty() && value.len() <= 20 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_string())
    } else {
        Err("LinkedIn's numeric organisation id, such as `1337` (the number in the company page's admin URL)".into())
    }
}

/// A non-empty text after trimming.
pub fn text(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Err("a non-empty text".into())
    } else {
        Ok(())
    }
}

/// At most `limit` characters.
pub fn at_most(value: &str, limit: usize) -> Result<(), String> {
    // Bytes bound characters from above: count only when it could matter.
    if value.len() <= limit || value.chars().count() <= limit {
        Ok(())
    } else {
        Err(format!("a text of at most {limit} characters"))
    }
}

/// Markdown whose containers (block quotes, lists) nest at most
/// [`limits::MARKDOWN_DEPTH`] deep: rendering and sanitising deeper
/// nesting costs time that grows with the square of the depth.
pub fn markdown(value: &str) -> Result<(), String> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut depth = 0usize;
    for event in Parser::new(value) {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                depth += 1;
                if depth > limits::MARKDOWN_DEPTH {
                    return Err(format!(
                        "Markdown with block quotes and lists nested at most {} deep",
                        limits::MARKDOWN_DEPTH
                    ));
                }
            }
            Event::End(pulldown_cmark::TagEnd::BlockQuote(_) | pulldown_cmark::TagEnd::List(_)) => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    Ok(())
}

/// An absolute `http` or `https` URL with a host. Callers store the parsed
/// (normalised, percent-encoded) form: JSON-LD rejects IRIs with raw `"`,
/// `<`, spaces and the like, which browsers and `url` accept and encode.
pub fn web_url(value: &str) -> Result<url::Url, String> {
    let expected = "an absolute `https://` (or `http://`) URL";
    let parsed = url::Url::parse(value).map_err(|e| format!("{expected} ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("{expected}, not a `{}:` URL", parsed.scheme()));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("{expected} with a host"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{expected} without spaces"));
    }
    Ok(parsed)
}

/// The site's `base_url`: an http(s) URL ending with `/`, no query or fragment.
pub fn base_url(value: &str) -> Result<(), String> {
    let parsed = web_url(value)?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("a base URL without `?query` or `#fragment`".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("a base URL without `user:password@`".into());
    }
    if matches!(parsed.host(), Some(url::Host::Ipv6(_))) {
        return Err(
            "a base URL with a host name or IPv4 address (did:web cannot name an IPv6 host)".into(),
        );
    }
    if !value.ends_with('/') {
        return Err("a base URL ending with `/` (the folder the site is served from)".into());
    }
    if parsed.as_str() != value {
        return Err(format!("a normalised URL: write `{}`", parsed.as_str()));
    }
    Ok(())
}

/// A plausible email address: `local@domain.tld`, no spaces.
pub fn email(value: &str) -> Result<(), String> {
    let expected = "an email address like `name@example.org`";
    let (local, domain) = value.rsplit_once('@').ok_or_else(|| expected.to_string())?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && value.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.contains(|c: char| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '<' | '>' | '"' | '(' | ')' | ',' | ';' | ':' | '[' | ']' | '\\'
                )
        })
        && !local.contains('@');
    if ok { Ok(()) } else { Err(expected.into()) }
}

/// A BCP 47 language tag in its common shape (`en`, `de-CH`, `zh-Hant-TW`).
pub fn language(value: &str) -> Result<(), String> {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let ok = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if ok {
        Ok(())
    } else {
        Err("a BCP 47 language tag such as `en` or `pt-BR`".into())
    }
}

/// A language of `languages`: a BCP 47 tag in the form the Open Badges 3.0
/// JSON schema accepts for `inLanguage` (`^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`):
/// language, optional script, optional region, written in their usual case
/// (`en`, `pt-BR`, `zh-Hant-TW`, `es-419`). The tag is also a folder name of
/// the output (`fr/`), so nothing else is allowed in it.
pub fn content_language(value: &str) -> Result<(), String> {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let mut ok =
        (2..=4).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let mut rest: Vec<&str> = parts.collect();
    if ok
        && let Some(script) = rest.first()
        && script.len() == 4
    {
        let mut chars = script.chars();
        ok = chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_lowercase());
        rest.remove(0);
    }
    if ok && let Some(region) = rest.first() {
        ok = (region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase()))
            || (region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit()));
        rest.remove(0);
    }
    if ok && rest.is_empty() {
        return Ok(());
    }
    let lower = value.to_ascii_lowercase();
    let hint = match lower.split_once('-') {
        Some((lang, region)) if region.len() == 2 && (2..=4).contains(&lang.len()) => {
            format!(" (write `{lang}-{}`)", region.to_ascii_uppercase())
        }
        None if value != lower && (2..=4).contains(&value.len()) => format!(" (write `{lower}`)"),
        _ => String::new(),
    };
    Err(format!(
        "a language tag such as `en`, `pt-BR` or `zh-Hant`: language, optional script and region{hint}"
    ))
}

/// A portfolio handle is a permanent URL segment (`earners/<handle>/`):
/// `[a-z0-9-]`, 1 to 64 characters.
pub fn handle(value: &str) -> Result<(), String> {
    award_id(value).map_err(|_| "a handle of `a-z`, `0-9` and `-`, 1 to 64 characters".into())
}

/// A DID such as `did:key:z6Mk…`.
pub fn did(value: &str) -> Result<(), String> {
    let mut parts = value.splitn(3, ':');
    let ok = parts.next() == Some("did")
        && parts.next().is_some_and(|m| {
            !m.is_empty()
                && m.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts.next().is_some_and(|id| {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-_:%".contains(&b))
        });
    if ok {
        Ok(())
    } else {
        Err("a DID like `did:key:z6Mk…`".into())
    }
}

/// `sha256$` followed by 64 hex digits; returns it lowercased.
pub fn email_hash(value: &str) -> Result<String, String> {
    let expected = "`sha256$` followed by 64 hexadecimal digits";
    let hex = value
        .strip_prefix("sha256$")
        .ok_or_else(|| expected.to_string())?;
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("sha256${}", hex.to_ascii_lowercase()))
    } else {
        Err(expected.into())
    }
}

/// A TOML date or offset date-time, as a UTC instant. A bare date means
/// midnight UTC; a local date-time (no offset) is ambiguous and refused.
pub fn datetime(value: &Datetime) -> Result<OffsetDateTime, String> {
    let expected =
        "a date like `2026-11-01` or a date-time with offset like `2026-11-01T09:30:00Z`";
    let date = value.date.ok_or_else(|| expected.to_string())?;
    let month = time::Month::try_from(date.month).map_err(|_| expected.to_string())?;
    let date = time::Date::from_calendar_date(i32::from(date.year), month, date.day)
        .map_err(|_| expected.to_string())?;
    let Some(t) = value.time else {
        return in_range(date.midnight().assume_utc());
    };
    let offset = value
        .offset
        .ok_or_else(|| format!("{expected} (this date-time has no offset; add `Z` for UTC)"))?;
    let clock = time::Time::from_hms_nano(
        t.hour,
        t.minute,
        t.second.unwrap_or(0),
        t.nanosecond.unwrap_or(0),
    )
    .map_err(|_| expected.to_string())?;
    let minutes = match offset {
        toml::value::Offset::Z => 0,
        toml::value::Offset::Custom { minutes } => minutes,
    };
    let offset = time::UtcOffset::from_whole_seconds(i32::from(minutes) * 60)
        .map_err(|_| expected.to_string())?;
    let utc = time::PrimitiveDateTime::new(date, clock)
        .assume_offset(offset)
        .checked_to_offset(time::UtcOffset::UTC)
        .ok_or_else(|| "a date-time between the years 1 and 9999 (in UTC)".to_string())?;
    in_range(utc)
}

/// Credentials carry `xsd:dateTime` values: years 0001 to 9999, in UTC.
fn in_range(at: OffsetDateTime) -> Result<OffsetDateTime, String> {
    if (1..=9999).contains(&at.year()) {
        Ok(at)
    } else {
        Err("a date-time between the years 1 and 9999 (in UTC)".into())
    }
}

/// A validity period: a positive count and a unit, `d`, `w`, `m` or `y`.
pub fn period(value: &str) -> Result<Period, String> {
    let expected = "a period like `30d`, `6w`, `18m` or `2y`";
    let unit = match value.chars().last() {
        Some('d') => PeriodUnit::Days,
        Some('w') => PeriodUnit::Weeks,
        Some('m') => PeriodUnit::Months,
        Some('y') => PeriodUnit::Years,
        _ => return Err(expected.into()),
    };
    let digits = &value[..value.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(expected.into());
    }
    match digits.parse::<u32>() {
        Ok(count) if (1..=100_000).contains(&count) => Ok(Period { count, unit }),
        _ => Err(expected.into()),
    }
}

/// The Open Badges 3.0 `AchievementType` vocabulary; `ext:` extends it.
pub const ACHIEVEMENT_TYPES: &[&str] = &[
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
];

pub fn achievement_type(value: &str) -> Result<(), String> {
    let extension = value.strip_prefix("ext:").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if extension || ACHIEVEMENT_TYPES.contains(&value) {
        Ok(())
    } else {
        Err("an Open Badges 3.0 achievement type such as `Badge`, `Certificate`, `Course`, or an extension `ext:Name`".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for good in ["rust-mentor", "a", "x2", "2026-spring"] {
            assert!(slug(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Rust",
            "a--b",
            "-a",
            "a-",
            "a_b",
            "../x",
            "é",
            &"a".repeat(65),
        ] {
            assert!(slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deeply_nested_markdown_is_refused_quickly() {
        assert!(markdown("> quote\n\n- a\n  - b\n    - c").is_ok());
        let deep = "> ".repeat(120_000) + "x";
        assert!(markdown(&deep).unwrap_err().contains("nested at most"));
        assert!(markdown(&("- ".repeat(40_000) + "x")).is_err());
        let at_limit = "> ".repeat(limits::MARKDOWN_DEPTH) + "x";
        assert!(markdown(&at_limit).is_ok());
        assert!(at_most("ééé", 3).is_ok() && at_most("éééé", 3).is_err());
    }

    #[test]
    fn urls() {
        assert!(web_url("https://example.org/x?y#z").is_ok());
        assert!(web_url("javascript:alert(1)").is_err());
        assert!(web_url("/relative").is_err());
        assert!(web_url("mailto:a@b.c").is_err());
        assert!(base_url("https://example.github.io/badges/").is_ok());
        assert!(base_url("https://example.github.io/badges").is_err());
        assert!(base_url("example.github.io/badges/").is_err());
        assert!(base_url("https://example.org/?x").is_err());
        assert!(base_url("HTTPS://Example.org/").is_err());
        assert!(base_url("https://u:p@example.org/").is_err());
        assert!(base_url("http://[::1]:8080/x/").is_err());
    }

    #[test]
    fn emails_and_hashes() {
        assert!(email("ada@example.org").is_ok());
        for bad in [
            "ada",
            "ada@",
            "@example.org",
            "a b@example.org",
            "ada@example",
            "<a>@x.org",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        for c in "<>\"(),;:[]\\\t\u{7f}".chars() {
            let bad = format!("a{c}b@example.org");
            assert!(email(&bad).is_err(), "{bad:?}");
        }
        assert!(email("a.b+c@example.org").is_ok());
        let hash = format!("sha256${}", "AB".repeat(32));
        assert_eq!(
            email_hash(&hash).unwrap(),
            format!("sha256${}", "ab".repeat(32))
        );
        assert!(email_hash("md5$abc").is_err());
    }

    #[test]
    fn dates() {
        let date: Datetime = "2026-11-01".parse().unwrap();
        assert_eq!(datetime(&date).unwrap().unix_timestamp(), 1_793_491_200);
        let with_offset: Datetime = "2026-11-01T02:00:00+02:00".parse().unwrap();
        assert_eq!(
            datetime(&with_offset).unwrap().unix_timestamp(),
            1_793_491_200
        );
        let local: Datetime = "2026-11-01T02:00:00".parse().unwrap();
        assert!(datetime(&local).unwrap_err().contains("no offset"));
        let time_only: Datetime = "02:00:00".parse().unwrap();
        assert!(datetime(&time_only).is_err());
        for out_of_range in [
            "9999-12-31T23:00:00-05:00",
            "0000-01-01",
            "0001-01-01T00:00:00+01:00",
        ] {
            let value: Datetime = out_of_range.parse().unwrap();
            assert!(
                datetime(&value)
                    .unwrap_err()
                    .contains("between the years 1 and 9999"),
                "{out_of_range}"
            );
        }
        let edge: Datetime = "9999-12-31T23:59:59Z".parse().unwrap();
        assert!(datetime(&edge).is_ok());
    }

    #[test]
    fn periods_languages_dids_types() {
        assert_eq!(period("2y").unwrap().count, 2);
        for bad in ["", "y", "0d", "2", "-1y", "1.5y", "2 y", "99999999999d"] {
            assert!(period(bad).is_err(), "{bad}");
        }
        assert!(language("en").is_ok() && language("pt-BR").is_ok());
        assert!(language("english!").is_err() && language("").is_err());
        for good in [
            "en",
            "fr",
            "pt-BR",
            "zh-Hant",
            "zh-Hant-TW",
            "es-419",
            "ast",
        ] {
            assert!(content_language(good).is_ok(), "{good}");
        }
        for bad in [
            "EN",
            "en-us",
            "en_US",
            "e",
            "en-",
            "de-CH-1996",
            "x-private",
            "../fr",
        ] {
            assert!(content_language(bad).is_err(), "{bad}");
        }
        assert!(
            content_language("en-us")
                .unwrap_err()
                .contains("write `en-US`")
        );
        assert!(content_language("FR").unwrap_err().contains("write `fr`"));
        assert!(handle("ada-l").is_ok() && handle("Ada").is_err() && handle("").is_err());
        assert!(did("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK").is_ok());
        assert!(did("did:web:example.com%3A8443:user").is_ok());
        assert!(did("did:key:").is_err() && did("mailto:x").is_err() && did("did:k y:z").is_err());
        assert!(achievement_type("Badge").is_ok() && achievement_type("ext:Hackathon").is_ok());
        assert!(achievement_type("badge").is_err() && achievement_type("ext:").is_err());
    }

    #[test]
    fn linkedin_organisation_ids_are_numbers() {
        assert_eq!(linkedin_org_id("1337").unwrap(), "1337");
        for bad in ["", "acme", "12 34", "-1", "123456789012345678901"] {
            assert!(linkedin_org_id(bad).is_err(), "{bad}");
        }
    }
}
