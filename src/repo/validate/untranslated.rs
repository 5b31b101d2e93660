//! What is not translated yet: not an error (pages show the default
//! language's text, marked as such), but `rosette check` lists it so that
//! translators know what is left.

use super::super::load::SITE_FILE;
use crate::diagnostic::Diagnostic;
use crate::model::Site;

/// One warning per record and further language that lacks a text: the site's
/// title and issuer description, and each badge's name, description,
/// criteria and image text. Sorted by file, then language.
pub fn untranslated(site: &Site) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for lang in site.further_languages() {
        let t = site.translations.get(lang);
        let mut missing = Vec::new();
        if t.and_then(|t| t.title.as_ref()).is_none() {
            missing.push("title");
        }
        if site.issuer.description.is_some() && t.and_then(|t| t.description.as_ref()).is_none() {
            missing.push("description");
        }
        if !missing.is_empty() {
            let span = site
                .spans
                .get(&format!("translations.{lang}"))
                .or_else(|| site.spans.get("title"))
                .cloned()
                .unwrap_or(0..0);
            warnings.push(warning(
                SITE_FILE,
                span,
                "the site",
                lang,
                &missing,
                t.is_some(),
            ));
        }
    }
    for badge in &site.badges {
        for lang in site.further_languages() {
            let t = badge.translations.get(lang);
            let missing: Vec<&str> = [
                ("name", t.and_then(|t| t.name.as_ref()).is_none()),
                (
                    "description",
                    t.and_then(|t| t.description.as_ref()).is_none(),
                ),
                ("criteria", t.and_then(|t| t.criteria.as_ref()).is_none()),
                ("image_alt", t.and_then(|t| t.image_alt.as_ref()).is_none()),
            ]
            .into_iter()
            .filter_map(|(field, absent)| absent.then_some(field))
            .collect();
            if missing.is_empty() {
                continue;
            }
            let span = badge
                .spans
                .get(&format!("translations.{lang}"))
                .or_else(|| badge.spans.get("name"))
                .cloned()
                .unwrap_or(0..0);
            let what = format!("badge `{}`", badge.slug);
            warnings.push(warning(
                &badge.file,
                span,
                &what,
                lang,
                &missing,
                t.is_some(),
            ));
        }
    }
    warnings
}

fn warning(
    file: &str,
    span: std::ops::Range<usize>,
    what: &str,
    lang: &str,
    missing: &[&str],
    started: bool,
) -> Diagnostic {
    let fields = missing
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = if started {
        format!("{what} is partly untranslated into `{lang}`: {fields}")
    } else {
        format!("{what} is not translated into `{lang}`: {fields}")
    };
    Diagnostic::at(file, span, message).label(format!(
        "pages in `{lang}` show these texts in the default language, marked"
    ))
}
