//! The verification page: a form that verifies a credential in the
//! browser (`verify.js`), and how strangers check this site's credentials
//! elsewhere.

use super::Pages;
use crate::layout;
use crate::site::render::RenderError;
use crate::site::view::{Body, IssuerFacts, KeyFacts};

pub(super) fn render(pages: &Pages<'_>) -> Result<Vec<u8>, RenderError> {
    let strings = &pages.strings;
    let meta = pages.meta(
        layout::VERIFY_DIR,
        strings.get("verify_title").to_string(),
        strings.get("verify_intro"),
    );
    let facts = pages.signing.map(|signing| IssuerFacts {
        did: signing.did.clone(),
        did_document: layout::did_document(&pages.site.base_url).to_string(),
        status_lists: signing
            .status_lists
            .iter()
            .map(|&n| layout::status_list(n))
            .collect(),
        keys: signing
            .keys
            .iter()
            .map(|k| KeyFacts {
                retired: k.retired.as_deref().map(|d| human_day(pages, d)),
                ..k.clone()
            })
            .collect(),
    });
    let body = Body::Verify {
        issuer: facts.as_ref(),
    };
    pages.page(&layout::root_of(layout::VERIFY_DIR), meta, body)
}

/// `YYYY-MM-DD` as people write it (as it is, if it is not such a day).
fn human_day(pages: &Pages<'_>, day: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(day, &format)
        .map(|d| pages.strings.date(d.midnight().assume_utc()))
        .unwrap_or_else(|_| day.to_string())
}
