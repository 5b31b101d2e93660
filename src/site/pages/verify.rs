//! The verification page: how a stranger checks a credential of this site.

use super::{Lang, Pages};
use crate::layout;
use crate::site::render::RenderError;
use crate::site::view::{Body, IssuerFacts};

pub(super) fn render(pages: &Pages<'_>, lang: &Lang<'_>) -> Result<Vec<u8>, RenderError> {
    let meta = pages.meta(
        lang,
        layout::VERIFY_DIR,
        pages.words(lang, "verify_a_credential"),
        &pages.words(lang, "verify_description"),
        None,
    );
    let facts = pages.signing.map(|signing| IssuerFacts {
        did: signing.did.clone(),
        did_document: layout::did_document(&pages.site.base_url).to_string(),
        status_lists: signing
            .status_lists
            .iter()
            .map(|&n| layout::status_list(n))
            .collect(),
        keys: signing.keys.clone(),
    });
    let body = Body::Verify {
        issuer: facts.as_ref(),
    };
    pages.render(lang, layout::VERIFY_DIR, meta, body)
}
