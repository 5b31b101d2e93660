//! The TOML file formats of a badge repository (design.md §2), as serde
//! structs. These are the user-facing contract: fields may be added, never
//! renamed. Unknown fields are rejected everywhere so a typo cannot pass
//! silently. Values keep their byte spans for diagnostics.
//!
//! A file is parsed table by table (`[badge]`, each `[[award]]`) so that one
//! broken award does not hide the problems of the others.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::value::Datetime;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::RecipientPolicy;

/// `site/site.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    pub base_url: Spanned<String>,
    pub title: Spanned<String>,
    pub language: Spanned<String>,
    #[serde(default)]
    pub theme: Option<Spanned<String>>,
    #[serde(default)]
    pub recipients: Option<Spanned<RecipientPolicy>>,
    /// Every language of the site, the default (`language`) first.
    #[serde(default)]
    pub languages: Option<Spanned<Vec<Spanned<String>>>>,
    /// `[translations.<lang>]`: the site's texts in a further language.
    #[serde(default)]
    pub translations: BTreeMap<Spanned<String>, SiteTranslationInput>,
    pub issuer: IssuerInput,
    #[serde(default)]
    pub keys: Vec<KeyInput>,
}

/// `[translations.<lang>]` of site.toml: `title` and the issuer's `description`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteTranslationInput {
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub description: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerInput {
    pub name: Spanned<String>,
    pub url: Spanned<String>,
    pub email: Spanned<String>,
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub image: Option<Spanned<String>>,
    /// The issuer's LinkedIn organisation id (digits), so that LinkedIn's
    /// "add to profile" entry shows the organisation and its logo.
    #[serde(default)]
    pub linkedin_org_id: Option<Spanned<String>>,
}

/// A public signing key; the secret never appears in any repository file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyInput {
    pub id: Spanned<String>,
    pub public: Spanned<String>,
    #[serde(default)]
    pub retired: Option<Spanned<Datetime>>,
}

/// The `[badge]` table of `badges/<slug>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BadgeInput {
    pub name: Spanned<String>,
    pub description: Spanned<String>,
    pub criteria: Spanned<String>,
    #[serde(default)]
    pub image: Option<Spanned<String>>,
    pub image_alt: Spanned<String>,
    #[serde(default)]
    pub achievement_type: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
    #[serde(default)]
    pub valid_for: Option<Spanned<String>>,
    #[serde(default)]
    pub alignment: Vec<AlignmentInput>,
    /// A pathway: every one of these badges first.
    #[serde(default)]
    pub requires: Vec<Spanned<String>>,
    /// A pathway: `count` of these badges first.
    #[serde(default)]
    pub requires_any: Option<Spanned<RequiresAnyInput>>,
    /// What every award of the badge must show.
    #[serde(default)]
    pub completion: Option<Spanned<CompletionInput>>,
    /// `[badge.translations.<lang>]`.
    #[serde(default)]
    pub translations: BTreeMap<Spanned<String>, BadgeTranslationInput>,
}

/// `requires_any = { count = N, of = ["a", "b"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiresAnyInput {
    pub count: Spanned<i64>,
    pub of: Vec<Spanned<String>>,
}

/// `[badge.completion]`: the completion standard.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompletionInput {
    /// Every award needs a `narrative` (the learner's reflection).
    #[serde(default)]
    pub reflection: Option<Spanned<bool>>,
    /// Evidence items every award must carry, matched by `evidence.name`.
    #[serde(default)]
    pub evidence: Vec<Spanned<String>>,
}

/// `[badge.translations.<lang>]`: any of the badge's texts in that language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BadgeTranslationInput {
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub criteria: Option<Spanned<String>>,
    #[serde(default)]
    pub image_alt: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlignmentInput {
    pub name: Spanned<String>,
    pub url: Spanned<String>,
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub code: Option<Spanned<String>>,
    #[serde(default)]
    pub framework: Option<Spanned<String>>,
}

/// One `[[award]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    pub id: Spanned<String>,
    pub recipient: Spanned<RecipientInput>,
    pub issued: Spanned<Datetime>,
    #[serde(default)]
    pub expires: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub narrative: Option<Spanned<String>>,
    #[serde(default)]
    pub evidence: Vec<Spanned<EvidenceInput>>,
    #[serde(default)]
    pub revoked: Option<Spanned<RevokedInput>>,
}

/// Who earned it: exactly one of `email`, `email_hash` (+ `salt`), `did`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientInput {
    #[serde(default)]
    pub email: Option<Spanned<String>>,
    #[serde(default)]
    pub email_hash: Option<Spanned<String>>,
    #[serde(default)]
    pub salt: Option<Spanned<String>>,
    #[serde(default)]
    pub did: Option<Spanned<String>>,
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    /// A public slug the learner chose: `earners/<handle>/` lists their awards.
    #[serde(default)]
    pub handle: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub narrative: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokedInput {
    pub on: Spanned<Datetime>,
    pub reason: Spanned<String>,
}

/// What a badge file or an extra award file holds.
#[derive(Debug, Default)]
pub struct BadgeFileInput {
    /// `None` when the file has no `[badge]` table (allowed only in
    /// `badges/<slug>/*.toml`) or when the table was broken (already reported).
    pub badge: Option<(BadgeInput, std::ops::Range<usize>)>,
    pub had_badge_table: bool,
    /// Whether the file's TOML syntax was valid (its errors are reported).
    pub parsed: bool,
    pub awards: Vec<(AwardInput, std::ops::Range<usize>)>,
}

/// Parses `site/site.toml`.
pub fn parse_site(file: &str, text: &str, problems: &mut Diagnostics) -> Option<SiteFile> {
    let root = parse_document(file, text, problems)?;
    let span = root.span();
    from_value(
        file,
        text,
        Spanned::new(span, DeValue::Table(root.into_inner())),
        problems,
    )
}

/// Parses a badge file (`badges/<slug>.toml`) or an award file
/// (`badges/<slug>/<name>.toml`): `[badge]` and `[[award]]` tables.
pub fn parse_badge_file(file: &str, text: &str, problems: &mut Diagnostics) -> BadgeFileInput {
    let mut out = BadgeFileInput::default();
    let Some(root) = parse_document(file, text, problems) else {
        return out;
    };
    out.parsed = true;
    for (key, value) in root.into_inner() {
        match key.get_ref().as_ref() {
            "badge" => {
                out.had_badge_table = true;
                let span = value.span();
                if let Some(badge) = from_value::<BadgeInput>(file, text, value, problems) {
                    out.badge = Some((badge, span));
                }
            }
            "award" => {
                let span = value.span();
                match value.into_inner() {
                    DeValue::Array(items) => {
                        for item in items {
                            let span = item.span();
                            if let Some(award) = from_value::<AwardInput>(file, text, item, problems) {
                                out.awards.push((award, span));
                            }
                        }
                    }
                    _ => problems.push(
                        Diagnostic::at(file, span, "`award` must be an array of tables")
                            .label("expected `[[award]]` tables")
                            .help("write each award under its own `[[award]]` header"),
                    ),
                }
            }
            other => problems.push(
                Diagnostic::at(file, key.span(), format!("unknown top-level key `{other}`"))
                    .label("not part of a badge file")
                    .help("a badge file holds one `[badge]` table and any number of `[[award]]` tables"),
            ),
        }
    }
    out
}

/// Parses TOML syntax. A syntax error is reported once, at its cause: the
/// parser's first error (later ones are mostly echoes of it, such as every
/// line after a missing `]`), and the file's other checks are skipped.
fn parse_document<'i>(
    file: &str,
    text: &'i str,
    problems: &mut Diagnostics,
) -> Option<Spanned<DeTable<'i>>> {
    let (root, errors) = DeTable::parse_recoverable(text);
    let Some(first) = errors.first() else {
        return Some(root);
    };
    let mut diagnostic = toml_error(file, first, "invalid TOML");
    let message = first.message();
    // "missing comma" is found at the next token, often on the next line:
    // point right after the last value instead, where the `,` or `]` goes.
    if message.starts_with("missing comma")
        && let Some(span) = &diagnostic.span
    {
        let before = text[..span.start.min(text.len())].trim_end();
        diagnostic.span = Some(before.len()..before.len());
    }
    if diagnostic.help.is_none() {
        if message.contains("in array") || message.contains("array elements") {
            diagnostic = diagnostic
                .help("an array that starts with `[` ends with `]`: is the closing `]` missing?");
        } else if message.contains("inline table") && !message.starts_with("unclosed") {
            diagnostic = diagnostic.help(
                "an inline table `{ ... }` is written on one line and ends with `}`: is the closing `}` missing?",
            );
        }
    }
    problems.push(diagnostic);
    None
}

fn from_value<T: DeserializeOwned>(
    file: &str,
    text: &str,
    value: Spanned<DeValue<'_>>,
    problems: &mut Diagnostics,
) -> Option<T> {
    let text_of = |span: &std::ops::Range<usize>| text.get(span.clone()).unwrap_or_default();
    let whole = value.span();
    match T::deserialize(ValueDeserializer::from(value)) {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            let mut diagnostic = toml_error(file, &error, "invalid value");
            if diagnostic.span.is_none() {
                diagnostic.span = Some(whole);
            }
            if error.message().contains("expected a TOML datetime")
                && let Some(hint) = diagnostic
                    .span
                    .as_ref()
                    .and_then(|span| unquoted_date(text_of(span)))
            {
                diagnostic = diagnostic.help(hint);
            }
            problems.push(diagnostic);
            None
        }
    }
}

/// The hint for a date written as a string (`issued = "2026-03-02"`).
fn unquoted_date(written: &str) -> Option<String> {
    let inner = written
        .strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .or_else(|| {
            written
                .strip_prefix('\'')
                .and_then(|w| w.strip_suffix('\''))
        })?;
    inner.parse::<Datetime>().ok()?;
    Some(format!("TOML dates are written without quotes: {inner}"))
}

/// Turns a toml error into a diagnostic whose title is the parser's message
/// (which says what was expected) and whose caret sits at the error's span.
fn toml_error(file: &str, error: &toml::de::Error, fallback: &str) -> Diagnostic {
    let message = error.message().trim();
    let message = if message.is_empty() {
        fallback
    } else {
        message
    };
    let mut lines = message.lines();
    let title = lines.next().unwrap_or(fallback).to_string();
    let rest: Vec<&str> = lines.map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut diagnostic = match error.span() {
        Some(span) => Diagnostic::at(file, span, title),
        None => Diagnostic::in_file(file, title),
    };
    if !rest.is_empty() {
        diagnostic = diagnostic.help(rest.join(" "));
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_problems_of_every_award() {
        let text = "[badge]\nname = \"A\"\ndescription = \"d\"\ncriteria = \"c\"\nimage_alt = \"x\"\n\n[[award]]\nid = \"a\"\nrecipient = { email = \"a@b.c\" }\nissued = 2026-01-01\ncolour = 1\n\n[[award]]\nid = \"b\"\nissued = 2026-01-01\n";
        let mut problems = Diagnostics::default();
        let parsed = parse_badge_file("badges/x.toml", text, &mut problems);
        assert!(parsed.badge.is_some());
        assert_eq!(parsed.awards.len(), 0);
        let messages: Vec<_> = problems.iter().map(|d| d.message.clone()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("unknown field `colour`"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("missing field `recipient`"),
            "{messages:?}"
        );
    }

    #[test]
    fn a_syntax_error_is_reported_once_at_its_cause() {
        let mut text =
            String::from("[badge]\nname = \"A\"\ntags = [\"a\", \"b\"\nvalid_for = \"2y\"\n");
        for i in 0..30 {
            text.push_str(&format!(
                "\n[[award]]\nid = \"a{i}\"\nissued = 2026-01-01\n"
            ));
        }
        let mut problems = Diagnostics::default();
        let parsed = parse_badge_file("badges/x.toml", &text, &mut problems);
        assert!(!parsed.parsed && parsed.awards.is_empty());
        assert_eq!(problems.len(), 1);
        let only = problems.iter().next().unwrap();
        let after_b = text.find("\"b\"").unwrap() + 3;
        assert_eq!(only.span, Some(after_b..after_b));
        assert!(
            only.help.as_deref().unwrap().contains("closing `]`"),
            "{only:?}"
        );
    }

    #[test]
    fn quoted_dates_get_a_hint_to_drop_the_quotes() {
        let text = "[badge]\nname = \"A\"\ndescription = \"d\"\ncriteria = \"c\"\nimage_alt = \"x\"\n\n[[award]]\nid = \"a\"\nrecipient = { did = \"did:key:z6Mk\" }\nissued = \"2026-03-02\"\n";
        let mut problems = Diagnostics::default();
        parse_badge_file("badges/x.toml", text, &mut problems);
        let only = problems.iter().next().unwrap();
        assert_eq!(
            only.help.as_deref(),
            Some("TOML dates are written without quotes: 2026-03-02")
        );
    }

    #[test]
    fn translation_tables_keep_the_span_of_their_language() {
        let text = "[badge]\nname = \"A\"\ndescription = \"d\"\ncriteria = \"c\"\nimage_alt = \"x\"\nrequires_any = { count = 1, of = [\"b\"] }\n\n[badge.translations.fr]\nname = \"Un\"\n";
        let mut problems = Diagnostics::default();
        let parsed = parse_badge_file("badges/x.toml", text, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let (badge, _) = parsed.badge.unwrap();
        let (lang, translation) = badge.translations.iter().next().unwrap();
        assert_eq!(&text[lang.span()], "fr");
        assert_eq!(translation.name.as_ref().unwrap().get_ref(), "Un");
        assert_eq!(*badge.requires_any.unwrap().get_ref().count.get_ref(), 1);
    }

    #[test]
    fn syntax_errors_have_a_span() {
        let mut problems = Diagnostics::default();
        parse_badge_file("badges/x.toml", "[badge\nname = 1\n", &mut problems);
        let first = problems.iter().next().expect("an error");
        assert!(first.span.is_some());
    }
}
