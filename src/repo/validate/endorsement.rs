//! Endorsements of a badge by other issuers, `badges/<slug>/endorsements/`:
//! each `<name>.json` an Open Badges 3.0 `EndorsementCredential` as its
//! endorser signed it, each `<name>.did.json` a copy of an endorser's DID
//! document (so the build checks signatures without the network).
//!
//! Here only the shape is checked (what the 1EdTech schema requires and what
//! the badge page shows). Whether the signature verifies and the subject is
//! this badge's achievement is checked by the build, with `crate::verify`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::super::limits;
use super::{Checker, rules};
use crate::diagnostic::Diagnostic;
use crate::model::{DidCopy, Endorsement};

/// A badge's endorsements and DID document copies.
#[derive(Default)]
pub(super) struct Found {
    pub endorsements: Vec<Endorsement>,
    pub documents: Vec<DidCopy>,
    /// The endorsements' size together.
    bytes: usize,
}

/// Reads every endorsement file, by badge slug. Files of a badge that does
/// not exist are reported.
pub(super) fn endorsements(
    c: &mut Checker,
    files: &[(String, String)],
    known: &dyn Fn(&str) -> bool,
) -> BTreeMap<String, Found> {
    let mut out: BTreeMap<String, Found> = BTreeMap::new();
    for (file, text) in files {
        let slug = file.split('/').nth(1).unwrap_or_default().to_string();
        if !known(&slug) {
            c.error(
                Diagnostic::in_file(file, format!("endorsement of unknown badge `{slug}`")).help(
                    format!(
                        "endorsements of a badge are in `badges/<slug>/endorsements/`; \
                         there is no `badges/{slug}.toml`"
                    ),
                ),
            );
            continue;
        }
        let Some(value) = parse(c, file, text) else {
            continue;
        };
        let found = out.entry(slug).or_default();
        if file.ends_with(".did.json") {
            if let Some(copy) = did_copy(c, file, value) {
                if let Some(first) = found.documents.iter().find(|d| d.id == copy.id) {
                    c.error(
                        Diagnostic::in_file(
                            file,
                            format!("a second copy of the DID document of `{}`", copy.id),
                        )
                        .label(format!("`{}` holds it already", first.file))
                        .help("keep one copy of each endorser's DID document per badge"),
                    );
                } else {
                    found.documents.push(copy);
                }
            }
        } else if let Some(endorsement) = endorsement(c, file, value) {
            found.bytes += text.len();
            found.endorsements.push(endorsement);
        }
    }
    for (slug, found) in &out {
        let bytes = found.bytes;
        if bytes > limits::BADGE_ENDORSEMENTS_BYTES {
            c.error(
                Diagnostic::in_file(
                    &format!("badges/{slug}/endorsements"),
                    format!("the endorsements of badge `{slug}` are too large: {bytes} bytes"),
                )
                .label(format!(
                    "expected at most {} KiB together: every credential of the badge carries them",
                    limits::BADGE_ENDORSEMENTS_BYTES >> 10
                )),
            );
        }
        for (what, count) in [
            ("endorsements", found.endorsements.len()),
            ("DID document copies", found.documents.len()),
        ] {
            if count > limits::LIST_ITEMS {
                c.error(
                    Diagnostic::in_file(
                        &format!("badges/{slug}/endorsements"),
                        format!("too many {what}: {count}"),
                    )
                    .label(format!("expected at most {}", limits::LIST_ITEMS)),
                );
            }
        }
    }
    out
}

/// Parses JSON; a syntax error points at its line and column.
fn parse(c: &mut Checker, file: &str, text: &str) -> Option<Value> {
    match serde_json::from_str(text) {
        Ok(value) => Some(value),
        Err(error) => {
            let at = offset_of(text, error.line(), error.column());
            let message = error.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            c.error(Diagnostic::at(
                file,
                at..at,
                format!("invalid JSON: {message}"),
            ));
            None
        }
    }
}

/// The byte offset of 1-based `line` and `column` (serde_json counts bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn did_copy(c: &mut Checker, file: &str, value: Value) -> Option<DidCopy> {
    let id = value.get("id").and_then(Value::as_str).map(str::to_string);
    match id {
        Some(id) if rules::did(&id).is_ok() => Some(DidCopy {
            file: file.to_string(),
            id,
            document: value,
        }),
        _ => {
            c.error(
                Diagnostic::in_file(file, "not a DID document")
                    .label("expected a JSON object whose `id` is a DID (`did:web:…`)")
                    .help("save the endorser's `did.json` here as it is published"),
            );
            None
        }
    }
}

fn endorsement(c: &mut Checker, file: &str, value: Value) -> Option<Endorsement> {
    let mut problems: Vec<String> = Vec::new();
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let has_type = |v: &Value, wanted: &str| {
        v.get("type")
            .and_then(Value::as_array)
            .is_some_and(|types| types.iter().any(|t| t == wanted))
    };
    if !value.is_object() {
        problems.push("a JSON object".into());
    }
    if !(has_type(&value, "VerifiableCredential") && has_type(&value, "EndorsementCredential")) {
        problems.push("`type` listing `VerifiableCredential` and `EndorsementCredential`".into());
    }
    if !value.get("@context").is_some_and(Value::is_array) {
        problems.push("an `@context` array".into());
    }
    if value.get("proof").is_none() {
        problems.push("a `proof` (the endorser's signature)".into());
    }
    let id = text(&value, "id");
    if id.is_none() {
        problems.push("an `id`".into());
    }
    let name = text(&value, "name");
    if name.is_none() {
        problems.push("a `name`".into());
    }
    let valid_from = text(&value, "validFrom").filter(|v| {
        time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).is_ok()
    });
    if valid_from.is_none() {
        problems.push("a `validFrom` date-time (RFC 3339)".into());
    }
    let (issuer_id, issuer_name, issuer_url) = match value.get("issuer") {
        Some(Value::String(id)) => (Some(id.clone()), None, None),
        Some(profile @ Value::Object(_)) => (
            text(profile, "id"),
            text(profile, "name"),
            text(profile, "url").filter(|u| rules::web_url(u).is_ok()),
        ),
        _ => (None, None, None),
    };
    if issuer_id.is_none() {
        problems.push("an `issuer` with an `id`".into());
    }
    let subject = value.get("credentialSubject").cloned().unwrap_or_default();
    let subject_id = text(&subject, "id");
    if subject_id.is_none() || !has_type(&subject, "EndorsementSubject") {
        problems.push(
            "a `credentialSubject` with an `id` and `type` listing `EndorsementSubject`".into(),
        );
    }
    let comment = text(&subject, "endorsementComment");
    if let Some(comment) = &comment
        && let Err(expected) =
            rules::at_most(comment, limits::LONG_TEXT).and_then(|()| rules::markdown(comment))
    {
        problems.push(format!("an `endorsementComment` of {expected}"));
    }
    for (field, value) in [("name", &name), ("issuer.name", &issuer_name)] {
        if let Some(value) = value
            && rules::at_most(value, limits::SHORT_TEXT).is_err()
        {
            problems.push(format!(
                "a `{field}` of at most {} characters",
                limits::SHORT_TEXT
            ));
        }
    }
    if !problems.is_empty() {
        c.error(
            Diagnostic::in_file(file, "not an Open Badges 3.0 endorsement")
                .label(format!("expected {}", problems.join("; ")))
                .help(
                    "an endorsement is an `EndorsementCredential` signed by its endorser; \
                     `rosette endorse` makes one",
                ),
        );
        return None;
    }
    Some(Endorsement {
        file: file.to_string(),
        issuer_id: issuer_id?,
        issuer_name,
        issuer_url,
        subject: subject_id?,
        comment,
        valid_from: valid_from?,
        document: value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_point_at_their_line_and_column() {
        let text = "{\n  \"a\": 1,\n  \"b\": é\n}";
        let at = offset_of(text, 3, 8);
        assert_eq!(&text[at..at + 2], "é");
        assert_eq!(offset_of(text, 99, 99), text.len());
    }
}
