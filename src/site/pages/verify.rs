//! The verification page: a form that verifies a credential in the
//! browser (`verify.js`), and how strangers check this site's credentials
//! elsewhere.

use super::{Lang, Pages};
use crate::layout;
use crate::site::render::RenderError;
use crate::site::view::{Body, IssuerFacts, KeyFacts, human_instant};

pub(super) fn render(pages: &Pages<'_>, lang: &Lang<'_>) -> Result<Vec<u8>, RenderError> {
    let strings = &lang.strings;
    let meta = pages.meta(
        lang,
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
                retired: k.retired.as_deref().map(|d| human_instant(strings, d)),
                ..k.clone()
            })
            .collect(),
    });
    let body = Body::Verify {
        issuer: facts.as_ref(),
    };
    pages.render(lang, layout::VERIFY_DIR, meta, body)
}
