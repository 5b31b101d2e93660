//! The verification page: how a stranger checks a credential of this site.

use super::Pages;
use crate::layout;
use crate::site::render::RenderError;
use crate::site::view::{Body, IssuerFacts};

pub(super) fn render(pages: &Pages<'_>) -> Result<Vec<u8>, RenderError> {
    let meta = pages.meta(
        layout::VERIFY_DIR,
        "Verify a credential".into(),
        "How to check that a credential of this site is genuine",
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
    pages.renderer.page(
        &pages.view,
        &layout::root_of(layout::VERIFY_DIR),
        meta,
        body,
    )
}
