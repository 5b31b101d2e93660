//! Checks of `badges/<slug>.toml`, `badges/<slug>/*.toml` and their awards.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use super::super::input::{
    AwardInput, BadgeInput, BadgeTranslationInput, CompletionInput, EvidenceInput, RecipientInput,
    RequiresAnyInput,
};
use super::super::limits;
use super::super::load::Loaded;
use super::{Checker, FirstSeen, rules};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{
    Alignment, Award, Badge, BadgeImage, BadgeTranslation, Completion, Evidence, FieldSpans,
    Identity, Period, Recipient, RecipientPolicy, RequiresAny, Revocation,
};

pub(super) fn badges(
    c: &mut Checker,
    loaded: &Loaded,
    policy: Option<RecipientPolicy>,
) -> Vec<Badge> {
    let policy = policy.unwrap_or_default();
    let mut ids = FirstSeen::new();
    let mut badges: BTreeMap<String, Badge> = BTreeMap::new();
    for (file, parsed) in &loaded.badge_files {
        let slug = file.trim_start_matches("badges/").trim_end_matches(".toml");
        if let Err(expected) = rules::slug(slug) {
            c.error(
                Diagnostic::in_file(file, format!("invalid badge file name `{slug}.toml`")).label(
                    format!("the file stem is the badge's slug: expected {expected}"),
                ),
            );
            // Still report the awards' own problems: all problems at once.
            awards(c, file, &parsed.awards, None, policy, &mut ids);
            continue;
        }
        let Some((input, _)) = &parsed.badge else {
            if parsed.parsed && !parsed.had_badge_table {
                c.error(
                    Diagnostic::in_file(file, "missing `[badge]` table")
                        .help("a badge file starts with `[badge]` and its `name`, `description`, `criteria`, `image_alt`"),
                );
            }
            awards(c, file, &parsed.awards, None, policy, &mut ids);
            continue;
        };
        let Some(mut badge) = badge(c, file, slug, input, loaded) else {
            awards(c, file, &parsed.awards, None, policy, &mut ids);
            continue;
        };
        badge.awards = awards(c, file, &parsed.awards, badge.valid_for, policy, &mut ids);
        badges.insert(slug.to_string(), badge);
    }
    for (file, parsed) in &loaded.award_files {
        let slug = file
            .trim_start_matches("badges/")
            .split('/')
            .next()
            .unwrap_or_default();
        if parsed.had_badge_table {
            c.error(
                Diagnostic::in_file(
                    file,
                    "a `[badge]` table is only allowed in `badges/<slug>.toml`",
                )
                .help(format!(
                    "move it to `badges/{slug}.toml`; this file may hold `[[award]]` tables"
                )),
            );
        }
        let (valid_for, known) = match badges.get(slug) {
            Some(b) => (b.valid_for, true),
            None => (None, false),
        };
        let found = awards(c, file, &parsed.awards, valid_for, policy, &mut ids);
        if !known {
            let declared = loaded
                .badge_files
                .iter()
                .any(|(f, _)| f == &format!("badges/{slug}.toml"));
            if !declared {
                c.error(
                    Diagnostic::in_file(file, format!("awards of unknown badge `{slug}`")).help(
                        format!(
                            "create `badges/{slug}.toml` with a `[badge]` table, or move this file"
                        ),
                    ),
                );
            }
            continue;
        }
        if let Some(badge) = badges.get_mut(slug) {
            badge.awards.extend(found);
        }
    }
    let mut out: Vec<Badge> = badges.into_values().collect();
    for badge in &mut out {
        by_issue(&mut badge.awards);
    }
    out
}

/// Sorts awards by the instant of issue, then id (stable). The instants are
/// worked out once: comparing two dates with offsets converts both.
fn by_issue(awards: &mut Vec<Award>) {
    let mut order: Vec<(i128, &str, usize)> = awards
        .iter()
        .enumerate()
        .map(|(i, a)| (a.issued.unix_timestamp_nanos(), a.id.as_str(), i))
        .collect();
    order.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    if order.iter().enumerate().all(|(at, &(_, _, i))| at == i) {
        return;
    }
    let order: Vec<usize> = order.into_iter().map(|(_, _, i)| i).collect();
    let mut taken: Vec<Option<Award>> = awards.drain(..).map(Some).collect();
    awards.extend(order.into_iter().filter_map(|i| taken[i].take()));
}

fn badge(
    c: &mut Checker,
    file: &str,
    slug: &str,
    input: &BadgeInput,
    loaded: &Loaded,
) -> Option<Badge> {
    let name = c.text(file, "name", &input.name);
    let description = c.long_text(file, "description", &input.description);
    let criteria = c.markdown(file, "criteria", &input.criteria);
    let image_alt = c.text(file, "image_alt", &input.image_alt);
    let image = image(c, file, slug, input, loaded);
    let achievement_type = input.achievement_type.as_ref().map(|t| {
        c.check(file, "achievement_type", t, rules::achievement_type)
            .map(|()| t.get_ref().clone())
    });
    let mut tags = Vec::new();
    let mut tags_ok = c.list_len(file, "tags", input.tags.iter().map(|t| t.span()));
    let mut seen = std::collections::HashSet::new();
    // A list that is too long is one problem: its items are not checked.
    let checked = if tags_ok { input.tags.len() } else { 0 };
    for tag in input.tags.iter().take(checked) {
        match c.text(file, "tags", tag) {
            Some(t) if seen.insert(t.clone()) => tags.push(t),
            Some(_) => {
                c.error(Diagnostic::at(file, tag.span(), "duplicate tag").label("already listed"));
                tags_ok = false;
            }
            None => tags_ok = false,
        }
    }
    let valid_for = input
        .valid_for
        .as_ref()
        .map(|p| c.check(file, "valid_for", p, rules::period));
    let mut alignments = Vec::new();
    let mut alignments_ok = c.list_len(
        file,
        "badge.alignment",
        input.alignment.iter().map(|a| a.name.span()),
    );
    let checked = if alignments_ok {
        input.alignment.len()
    } else {
        0
    };
    for a in input.alignment.iter().take(checked) {
        let name = c.text(file, "alignment.name", &a.name);
        let url = c.check(file, "alignment.url", &a.url, rules::web_url);
        let description = c.optional_long_text(file, "alignment.description", &a.description);
        let code = c.optional_text(file, "alignment.code", &a.code);
        let framework = c.optional_text(file, "alignment.framework", &a.framework);
        match (name, url) {
            (Some(name), Some(url)) => alignments.push(Alignment {
                name,
                url: url.to_string(),
                description,
                code,
                framework,
            }),
            _ => alignments_ok = false,
        }
    }
    let requires = requires(c, file, slug, input);
    let requires_any = input
        .requires_any
        .as_ref()
        .map(|any| requires_any(c, file, slug, any.get_ref(), any.span(), &input.requires));
    let completion = input
        .completion
        .as_ref()
        .map(|standard| completion(c, file, standard.get_ref()));
    let translations = translations(c, file, &input.translations);
    if !(tags_ok && alignments_ok) {
        return None;
    }
    Some(Badge {
        slug: slug.to_string(),
        name: name?,
        description: description?,
        criteria: criteria?,
        image: image?,
        image_alt: image_alt?,
        achievement_type: achievement_type.map(|t| t.ok_or(())).transpose().ok()?,
        tags,
        valid_for: valid_for.map(|p| p.ok_or(())).transpose().ok()?,
        alignments,
        requires: requires?,
        requires_any: requires_any.map(|r| r.ok_or(())).transpose().ok()?,
        completion: completion.map(|r| r.ok_or(())).transpose().ok()?,
        translations: translations?,
        endorsements: Vec::new(),
        endorser_documents: Vec::new(),
        awards: Vec::new(),
        file: file.to_string(),
        spans: badge_spans(input),
    })
}

/// `requires`: slugs, each once, not the badge itself (whether they exist
/// and whether pathways loop is checked over the whole repository).
fn requires(c: &mut Checker, file: &str, slug: &str, input: &BadgeInput) -> Option<Vec<String>> {
    if !c.list_len(file, "requires", input.requires.iter().map(|r| r.span())) {
        return None;
    }
    pathway_list(c, file, "requires", slug, &input.requires, &[])
}

fn requires_any(
    c: &mut Checker,
    file: &str,
    slug: &str,
    input: &RequiresAnyInput,
    span: std::ops::Range<usize>,
    requires: &[toml::Spanned<String>],
) -> Option<RequiresAny> {
    if input.of.is_empty() {
        c.error(
            Diagnostic::at(file, span, "`requires_any.of` is empty")
                .label("expected the badges to choose from")
                .help("for example `requires_any = { count = 1, of = [\"a\", \"b\"] }`"),
        );
        return None;
    }
    if !c.list_len(file, "requires_any.of", input.of.iter().map(|r| r.span())) {
        return None;
    }
    let of = pathway_list(c, file, "requires_any.of", slug, &input.of, requires);
    let count = *input.count.get_ref();
    let n = input.of.len();
    let count = match usize::try_from(count) {
        Ok(count) if (1..=n).contains(&count) => Some(count),
        _ => {
            let expected = if n == 1 {
                "expected 1, the number of badges in `of`".to_string()
            } else {
                format!("expected a number from 1 to {n}, the number of badges in `of`")
            };
            c.error(
                Diagnostic::at(file, input.count.span(), "invalid `requires_any.count`")
                    .label(expected),
            );
            None
        }
    };
    Some(RequiresAny {
        count: count?,
        of: of?,
    })
}

/// A list of required badges: valid slugs, each once, never the badge itself
/// nor one already in `others` (`requires`, for `requires_any.of`).
fn pathway_list(
    c: &mut Checker,
    file: &str,
    field: &str,
    slug: &str,
    items: &[toml::Spanned<String>],
    others: &[toml::Spanned<String>],
) -> Option<Vec<String>> {
    let mut ok = true;
    let mut seen = FirstSeen::new();
    let mut out = Vec::new();
    for item in items {
        let value = item.get_ref();
        if c.check(file, field, item, rules::slug).is_none() {
            ok = false;
        } else if value == slug {
            c.error(
                Diagnostic::at(file, item.span(), format!("badge `{slug}` requires itself"))
                    .label("a pathway cannot loop back to its own badge")
                    .help("remove this entry"),
            );
            ok = false;
        } else if let Some((first_file, span)) = seen.insert(value, file, item.span()) {
            c.error(
                Diagnostic::at(file, item.span(), format!("`{value}` is listed twice"))
                    .label(format!("already in `{field}`"))
                    .related(&first_file, span, "first listed here"),
            );
            ok = false;
        } else if let Some(other) = others.iter().find(|o| o.get_ref() == value) {
            c.error(
                Diagnostic::at(file, item.span(), format!("`{value}` is already required"))
                    .label("a badge of `requires` is needed anyway: it cannot count as a choice")
                    .related(file, other.span(), "required here"),
            );
            ok = false;
        } else {
            out.push(value.clone());
        }
    }
    ok.then_some(out)
}

/// `[badge.completion]`: named evidence items, each once.
fn completion(c: &mut Checker, file: &str, input: &CompletionInput) -> Option<Completion> {
    if !c.list_len(
        file,
        "completion.evidence",
        input.evidence.iter().map(|e| e.span()),
    ) {
        return None;
    }
    let mut ok = true;
    let mut seen = FirstSeen::new();
    let mut evidence = Vec::new();
    for item in &input.evidence {
        match c.text(file, "completion.evidence", item) {
            Some(name) => {
                let key = evidence_key(&name);
                if let Some((first_file, span)) = seen.insert(&key, file, item.span()) {
                    c.error(
                        Diagnostic::at(file, item.span(), format!("`{name}` is listed twice"))
                            .label("evidence names are matched ignoring case")
                            .related(&first_file, span, "first listed here"),
                    );
                    ok = false;
                } else {
                    evidence.push(name.trim().to_string());
                }
            }
            None => ok = false,
        }
    }
    ok.then(|| Completion {
        reflection: input.reflection.as_ref().is_some_and(|r| *r.get_ref()),
        evidence,
    })
}

/// How evidence names are compared (see [`Completion::item_matches`]).
fn evidence_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// `[badge.translations.<lang>]`: each text follows the rule of the field it
/// translates. Whether the site lists the language is checked over the
/// whole repository.
fn translations(
    c: &mut Checker,
    file: &str,
    input: &BTreeMap<toml::Spanned<String>, BadgeTranslationInput>,
) -> Option<BTreeMap<String, BadgeTranslation>> {
    if !c.list_len(file, "translations", input.keys().map(|k| k.span())) {
        return None;
    }
    let mut ok = true;
    let mut out = BTreeMap::new();
    for (lang, t) in input {
        if c.check(file, "translations", lang, rules::content_language)
            .is_none()
        {
            ok = false;
            continue;
        }
        let name = t
            .name
            .as_ref()
            .map(|v| c.text(file, "translations.name", v));
        let description = t
            .description
            .as_ref()
            .map(|v| c.long_text(file, "translations.description", v));
        let criteria = t
            .criteria
            .as_ref()
            .map(|v| c.markdown(file, "translations.criteria", v));
        let image_alt = t
            .image_alt
            .as_ref()
            .map(|v| c.text(file, "translations.image_alt", v));
        let failed = [&name, &description, &criteria, &image_alt]
            .iter()
            .any(|v| v.as_ref().is_some_and(Option::is_none));
        if failed {
            ok = false;
            continue;
        }
        out.insert(
            lang.get_ref().clone(),
            BadgeTranslation {
                name: name.flatten(),
                description: description.flatten(),
                criteria: criteria.flatten(),
                image_alt: image_alt.flatten(),
            },
        );
    }
    ok.then_some(out)
}

/// Where each value of `[badge]` is written.
fn badge_spans(input: &BadgeInput) -> FieldSpans {
    let mut spans = FieldSpans::new();
    spans.insert("name", input.name.span());
    spans.insert("description", input.description.span());
    spans.insert("criteria", input.criteria.span());
    spans.insert("image_alt", input.image_alt.span());
    for (key, value) in [
        ("image", &input.image),
        ("achievement_type", &input.achievement_type),
        ("valid_for", &input.valid_for),
    ] {
        if let Some(value) = value {
            spans.insert(key, value.span());
        }
    }
    for (i, tag) in input.tags.iter().enumerate() {
        spans.insert(format!("tags[{i}]"), tag.span());
    }
    for (i, r) in input.requires.iter().enumerate() {
        spans.insert(format!("requires[{i}]"), r.span());
    }
    if let Some(any) = &input.requires_any {
        spans.insert("requires_any", any.span());
        spans.insert("requires_any.count", any.get_ref().count.span());
        for (i, r) in any.get_ref().of.iter().enumerate() {
            spans.insert(format!("requires_any.of[{i}]"), r.span());
        }
    }
    if let Some(standard) = &input.completion {
        spans.insert("completion", standard.span());
        for (i, e) in standard.get_ref().evidence.iter().enumerate() {
            spans.insert(format!("completion.evidence[{i}]"), e.span());
        }
    }
    for (lang, t) in &input.translations {
        let key = format!("translations.{}", lang.get_ref());
        for (field, value) in [
            ("name", &t.name),
            ("description", &t.description),
            ("criteria", &t.criteria),
            ("image_alt", &t.image_alt),
        ] {
            if let Some(value) = value {
                spans.insert(format!("{key}.{field}"), value.span());
            }
        }
        spans.insert(key, lang.span());
    }
    for (i, a) in input.alignment.iter().enumerate() {
        spans.insert(format!("alignment[{i}].name"), a.name.span());
        spans.insert(format!("alignment[{i}].url"), a.url.span());
        for (key, value) in [
            ("description", &a.description),
            ("code", &a.code),
            ("framework", &a.framework),
        ] {
            if let Some(value) = value {
                spans.insert(format!("alignment[{i}].{key}"), value.span());
            }
        }
    }
    spans
}

/// Where each value of an `[[award]]` is written.
fn award_spans(input: &AwardInput) -> FieldSpans {
    let mut spans = FieldSpans::new();
    spans.insert("id", input.id.span());
    spans.insert("recipient", input.recipient.span());
    if let Some(name) = &input.recipient.get_ref().name {
        spans.insert("recipient.name", name.span());
    }
    if let Some(handle) = &input.recipient.get_ref().handle {
        spans.insert("recipient.handle", handle.span());
    }
    spans.insert("issued", input.issued.span());
    if let Some(expires) = &input.expires {
        spans.insert("expires", expires.span());
    }
    if let Some(narrative) = &input.narrative {
        spans.insert("narrative", narrative.span());
    }
    for (i, e) in input.evidence.iter().enumerate() {
        spans.insert(format!("evidence[{i}]"), e.span());
        let e = e.get_ref();
        for (key, value) in [
            ("url", &e.url),
            ("name", &e.name),
            ("description", &e.description),
            ("narrative", &e.narrative),
        ] {
            if let Some(value) = value {
                spans.insert(format!("evidence[{i}].{key}"), value.span());
            }
        }
    }
    if let Some(revoked) = &input.revoked {
        spans.insert("revoked", revoked.span());
    }
    spans
}

/// The badge image: `image = "..."` relative to the badge file, or
/// `badges/<slug>.png|svg`. It must be a PNG or SVG inside the repository.
fn image(
    c: &mut Checker,
    file: &str,
    slug: &str,
    input: &BadgeInput,
    loaded: &Loaded,
) -> Option<BadgeImage> {
    let Some(given) = &input.image else {
        let found: Vec<&String> = ["png", "svg"]
            .iter()
            .map(|ext| format!("badges/{slug}.{ext}"))
            .filter_map(|want| loaded.badge_images.iter().find(|f| **f == want))
            .collect();
        return match found.as_slice() {
            [one]
                if loaded
                    .root
                    .join(one.as_str())
                    .metadata()
                    .is_ok_and(|m| m.len() > limits::IMAGE_BYTES) =>
            {
                c.error(
                    Diagnostic::in_file(one, "badge image is too large").label(format!(
                        "expected at most {} MiB",
                        limits::IMAGE_BYTES >> 20
                    )),
                );
                None
            }
            [one] => Some(BadgeImage {
                source: loaded.root.join(one.as_str()),
                extension: if one.ends_with(".png") { "png" } else { "svg" },
            }),
            [] => {
                c.error(
                    Diagnostic::in_file(file, format!("missing image for badge `{slug}`"))
                        .help(format!("add `badges/{slug}.png` or `badges/{slug}.svg`, or set `image = \"...\"` in `[badge]`")),
                );
                None
            }
            _ => {
                c.error(
                    Diagnostic::in_file(file, format!("two images for badge `{slug}`"))
                        .help(format!("keep one of `badges/{slug}.png` and `badges/{slug}.svg`, or set `image = \"...\"`")),
                );
                None
            }
        };
    };
    let rel = given.get_ref();
    let extension = if rel.to_ascii_lowercase().ends_with(".png") {
        "png"
    } else if rel.to_ascii_lowercase().ends_with(".svg") {
        "svg"
    } else {
        c.error(
            Diagnostic::at(file, given.span(), "invalid `image`")
                .label("expected a `.png` or `.svg` file"),
        );
        return None;
    };
    let base = Path::new(file).parent().unwrap_or(Path::new(""));
    let candidate = loaded.root.join(base).join(rel);
    let inside = candidate
        .canonicalize()
        .ok()
        .zip(loaded.root.canonicalize().ok())
        .filter(|(path, root)| path.starts_with(root) && path.is_file());
    match inside {
        Some((path, _)) if path.metadata().is_ok_and(|m| m.len() > limits::IMAGE_BYTES) => {
            c.error(
                Diagnostic::at(file, given.span(), "badge image is too large").label(format!(
                    "expected at most {} MiB",
                    limits::IMAGE_BYTES >> 20
                )),
            );
            None
        }
        Some((path, _)) => Some(BadgeImage {
            source: path,
            extension,
        }),
        None => {
            c.error(
                Diagnostic::at(file, given.span(), "badge image not found")
                    .label("expected a file inside the repository, relative to this badge file"),
            );
            None
        }
    }
}

fn awards(
    c: &mut Checker,
    file: &str,
    inputs: &[(AwardInput, std::ops::Range<usize>)],
    valid_for: Option<Period>,
    policy: RecipientPolicy,
    ids: &mut FirstSeen,
) -> Vec<Award> {
    // Each award on its own, in parallel (a file may hold thousands); then
    // the ids, across the repository, in file order.
    let checked: Vec<(bool, Option<Award>, Diagnostics)> = inputs
        .par_iter()
        .map(|(input, _)| {
            let mut problems = Diagnostics::default();
            let mut own = Checker {
                problems: &mut problems,
            };
            let id_ok = own.check(file, "id", &input.id, rules::award_id).is_some();
            let award = award(&mut own, file, input, valid_for, policy);
            (id_ok, award.filter(|_| id_ok), problems)
        })
        .collect();
    let mut out = Vec::with_capacity(inputs.len());
    for ((input, _), (id_ok, award, problems)) in inputs.iter().zip(checked) {
        c.problems.extend(problems);
        if id_ok
            && let Some((first_file, span)) = ids.insert(input.id.get_ref(), file, input.id.span())
        {
            c.error(
                Diagnostic::at(
                    file,
                    input.id.span(),
                    format!("duplicate award id `{}`", input.id.get_ref()),
                )
                .label("award ids must be unique in the repository")
                .related(&first_file, span, "first used here"),
            );
        }
        out.extend(award);
    }
    out
}

/// One award, but for its id's rule and uniqueness ([`awards`]).
fn award(
    c: &mut Checker,
    file: &str,
    input: &AwardInput,
    valid_for: Option<Period>,
    policy: RecipientPolicy,
) -> Option<Award> {
    let recipient = recipient(
        c,
        file,
        input.recipient.get_ref(),
        input.recipient.span(),
        policy,
    );
    let issued = date(c, file, "issued", &input.issued);
    let explicit_expiry = input
        .expires
        .as_ref()
        .map(|e| (date(c, file, "expires", e), e.span()));
    let narrative = c.optional_markdown(file, "narrative", &input.narrative);
    let evidence_ok = c.list_len(file, "evidence", input.evidence.iter().map(|e| e.span()));
    let evidence: Vec<Option<Evidence>> = input
        .evidence
        .iter()
        .take(if evidence_ok { input.evidence.len() } else { 0 })
        .map(|e| evidence(c, file, e.get_ref(), e.span()))
        .collect();
    let revoked = input.revoked.as_ref().map(|r| {
        let input = r.get_ref();
        let on = date(c, file, "revoked.on", &input.on);
        let reason = c.text(file, "revoked.reason", &input.reason);
        (
            on.zip(reason).map(|(on, reason)| Revocation { on, reason }),
            input.on.span(),
        )
    });
    let issued = issued?;
    if !evidence_ok {
        return None;
    }
    let expires = match explicit_expiry {
        Some((expires, span)) => {
            let expires = expires?;
            if expires <= issued {
                c.error(
                    Diagnostic::at(file, span, "`expires` is not after `issued`")
                        .label("an award must expire after it is issued"),
                );
                return None;
            }
            Some(expires)
        }
        None => match valid_for {
            Some(period) => match period.after(issued) {
                Some(at) => Some(at),
                None => {
                    c.error(Diagnostic::at(
                        file,
                        input.issued.span(),
                        "`valid_for` runs past the year 9999",
                    ));
                    return None;
                }
            },
            None => None,
        },
    };
    let revoked = match revoked {
        Some((revocation, span)) => {
            let revocation = revocation?;
            if revocation.on < issued.replace_time(time::Time::MIDNIGHT) {
                c.error(
                    Diagnostic::at(file, span, "`revoked.on` is before `issued`")
                        .label("an award cannot be revoked before it is issued"),
                );
                return None;
            }
            Some(revocation)
        }
        None => None,
    };
    Some(Award {
        id: input.id.get_ref().clone(),
        recipient: recipient?,
        issued,
        expires,
        narrative,
        evidence: evidence.into_iter().collect::<Option<Vec<_>>>()?,
        revoked,
        file: file.to_string(),
        spans: award_spans(input),
    })
}

fn date(
    c: &mut Checker,
    file: &str,
    field: &str,
    value: &toml::Spanned<toml::value::Datetime>,
) -> Option<time::OffsetDateTime> {
    match rules::datetime(value.get_ref()) {
        Ok(at) => Some(at),
        Err(expected) => {
            c.error(
                Diagnostic::at(file, value.span(), format!("invalid `{field}`"))
                    .label(format!("expected {expected}")),
            );
            None
        }
    }
}

fn recipient(
    c: &mut Checker,
    file: &str,
    input: &RecipientInput,
    span: std::ops::Range<usize>,
    policy: RecipientPolicy,
) -> Option<Recipient> {
    let name = c.optional_text(file, "recipient.name", &input.name);
    let handle = match &input.handle {
        None => Some(None),
        Some(h) => c
            .check(file, "recipient.handle", h, rules::handle)
            .map(|()| Some(h.get_ref().clone())),
    };
    let identity = match (&input.email, &input.email_hash, &input.did) {
        (Some(email), None, None) => {
            if let Some(salt) = &input.salt {
                c.error(
                    Diagnostic::at(file, salt.span(), "`salt` without `email_hash`")
                        .label("a salt is only used with `email_hash`"),
                );
                return None;
            }
            if policy == RecipientPolicy::HashedOnly {
                c.error(
                    Diagnostic::at(
                        file,
                        email.span(),
                        "plaintext email in a `hashed-only` repository",
                    )
                    .label("site.toml sets `recipients = \"hashed-only\"`")
                    .help(
                        "write `email_hash` and `salt` instead (`rosette award` does this for you)",
                    ),
                );
                return None;
            }
            c.check(file, "recipient.email", email, rules::email)?;
            Identity::Email(email.get_ref().to_lowercase())
        }
        (None, Some(hash), None) => {
            let hash = c.check(file, "recipient.email_hash", hash, rules::email_hash)?;
            let Some(salt) = &input.salt else {
                c.error(
                    Diagnostic::at(file, span, "`email_hash` without `salt`")
                        .label("expected `salt = \"...\"` beside `email_hash`"),
                );
                return None;
            };
            let salt = c.text(file, "recipient.salt", salt)?;
            Identity::EmailHash { hash, salt }
        }
        (None, None, Some(did)) => {
            c.check(file, "recipient.did", did, rules::did)?;
            if let Some(salt) = &input.salt {
                c.error(
                    Diagnostic::at(file, salt.span(), "`salt` without `email_hash`")
                        .label("a salt is only used with `email_hash`"),
                );
                return None;
            }
            Identity::Did(did.get_ref().clone())
        }
        _ => {
            c.error(
                Diagnostic::at(
                    file,
                    span,
                    "a recipient needs exactly one of `email`, `email_hash` or `did`",
                )
                .label("recipient identity")
                .help("for example `recipient = { email = \"ada@example.org\", name = \"Ada\" }`"),
            );
            return None;
        }
    };
    Some(Recipient {
        identity,
        name,
        handle: handle?,
    })
}

fn evidence(
    c: &mut Checker,
    file: &str,
    input: &EvidenceInput,
    span: std::ops::Range<usize>,
) -> Option<Evidence> {
    let url = input.url.as_ref().map(|u| {
        c.check(file, "evidence.url", u, rules::web_url)
            .map(|url| url.to_string())
    });
    let name = c.optional_text(file, "evidence.name", &input.name);
    let description = c.optional_long_text(file, "evidence.description", &input.description);
    let narrative = c.optional_markdown(file, "evidence.narrative", &input.narrative);
    let url = url.map(|u| u.ok_or(())).transpose().ok()?;
    if url.is_none() && name.is_none() && narrative.is_none() {
        c.error(
            Diagnostic::at(file, span, "empty evidence")
                .label("expected at least a `url`, a `name` or a `narrative`"),
        );
        return None;
    }
    Some(Evidence {
        url,
        name,
        description,
        narrative,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn award(id: &str, issued: time::OffsetDateTime) -> Award {
        Award::for_tests(id, issued)
    }

    #[test]
    fn awards_are_ordered_by_the_instant_of_issue_then_id_whatever_the_offsets() {
        let mut awards = vec![
            award("d", datetime!(2026-03-01 10:00 +02:00)),
            award("c", datetime!(2026-03-01 08:00 UTC)),
            award("b", datetime!(2026-03-01 09:00 +01:00)),
            award("a", datetime!(2026-02-28 23:30 -01:00)),
            award("a", datetime!(2026-01-01 00:00 UTC)),
            award("e", datetime!(2025-12-31 23:00 -02:00)),
        ];
        let mut expected = awards.clone();
        expected.sort_by(|a, b| (a.issued, &a.id).cmp(&(b.issued, &b.id)));
        by_issue(&mut awards);
        let ids = |list: &[Award]| {
            list.iter()
                .map(|a| format!("{} {}", a.id, a.issued))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&awards), ids(&expected));
        // 23:30 at -01:00 is after midnight UTC; 08:00 UTC three ways goes by
        // id, and the offsets are kept.
        assert_eq!(
            awards.iter().map(|a| a.id.as_str()).collect::<String>(),
            "aeabcd"
        );
        assert_eq!(awards[3].issued.offset().whole_hours(), 1);
    }
}
