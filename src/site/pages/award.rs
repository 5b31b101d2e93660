//! An award page: status first, then the badge, what the learner takes away
//! (LinkedIn, sharing, verification; `award.js` adds the baked download, the
//! wallet QR code and the printable certificate), the recipient's story,
//! evidence (with the badge's completion standard as a checklist) and
//! files. In each language of the site (the credential files are shared).
//!
//! Award pages name people, so they stay out of search engines; but a
//! page-wide `<meta name="robots" content="noindex">` is also read by
//! link-preview crawlers (LinkedIn's among them), so the pages name the
//! search engines instead (`googlebot`, `bingbot`; Google documents
//! crawler-specific robots meta tags, and Bing's index also serves Yahoo
//! and DuckDuckGo). They are not in the sitemap either.

use super::badge::from_page;
use super::{Lang, Pages};
use crate::layout::{self, Urls};
use crate::model::{Award, Badge};
use crate::site::render::RenderError;
use crate::site::view::{AwardLinks, Body, ShareLinks, award_view};

pub(super) fn render(
    pages: &Pages<'_>,
    lang: &Lang<'_>,
    badge: &Badge,
    award: &Award,
) -> Result<Vec<u8>, RenderError> {
    let strings = &lang.strings;
    let dir = layout::award_dir(&award.id);
    let root = layout::root_of(&format!("{}{dir}", lang.prefix));
    let view = lang.badge_view(badge);
    let urls = Urls::new(&pages.site.base_url);
    let who = award
        .recipient
        .name
        .as_deref()
        .unwrap_or(strings.get("someone"));
    let key = if award.revoked.is_some() {
        "title_revoked"
    } else {
        "title_earned"
    };
    let title = strings.fill(key, &[("recipient", who), ("badge", &view.name)]);
    let mut meta = pages.meta(lang, &dir, title, &view.description);
    meta.image = Some(pages.badge_image_meta(lang, badge));
    meta.noindex = true;
    let page_url = meta.url.clone();
    let links = pages.signing.map(|_| {
        let slot = pages.slots.get(&award.id);
        let credential_url = urls.credential(&award.id);
        AwardLinks {
            credential: from_page(&dir, &root, &lang.prefix, &layout::credential(&award.id)),
            assertion: from_page(&dir, &root, &lang.prefix, &layout::assertion(&award.id)),
            // Relative to the verification page of the page's language,
            // which resolves it: short.
            verify_query: format!(
                "?url=../{}{}",
                layout::root_of(&lang.prefix),
                layout::credential(&award.id)
            ),
            credential_url,
            status_list: slot.map(|s| format!("{root}{}", layout::status_list(s.list))),
            status_index: slot.map(|s| s.index),
        }
    });
    let body = Body::Award {
        badge: lang.prepared_badge(badge),
        award: Box::new(award_view(badge, award, strings)),
        share: ShareLinks {
            linkedin_add: linkedin_add(pages, &view.name, award, &page_url),
            linkedin_share: format!(
                "https://www.linkedin.com/sharing/share-offsite/?url={}",
                component(&page_url)
            ),
        },
        links,
    };
    pages.render(lang, &dir, meta, body)
}

/// LinkedIn's "add to profile" form for a certification, every field
/// filled in: the badge's name, the issuer (by LinkedIn organisation id
/// when site.toml gives `linkedin_org_id`, which shows its logo; else by
/// name), issue and expiry month, the award page and the award id.
fn linkedin_add(pages: &Pages<'_>, badge_name: &str, award: &Award, page_url: &str) -> String {
    let issuer = &pages.site.issuer;
    let mut fields: Vec<(&str, String)> = vec![
        ("startTask", "CERTIFICATION_NAME".into()),
        ("name", badge_name.to_string()),
    ];
    match &issuer.linkedin_org_id {
        Some(id) => fields.push(("organizationId", id.clone())),
        None => fields.push(("organizationName", issuer.name.clone())),
    }
    let utc = award.issued.to_offset(time::UtcOffset::UTC);
    fields.push(("issueYear", utc.year().to_string()));
    fields.push(("issueMonth", u8::from(utc.month()).to_string()));
    if let Some(expires) = award.expires {
        let utc = expires.to_offset(time::UtcOffset::UTC);
        fields.push(("expirationYear", utc.year().to_string()));
        fields.push(("expirationMonth", u8::from(utc.month()).to_string()));
    }
    fields.push(("certUrl", page_url.to_string()));
    fields.push(("certId", award.id.clone()));
    let query: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", component(v)))
        .collect();
    format!("https://www.linkedin.com/profile/add?{}", query.join("&"))
}

/// Percent-encodes a URL query component as JavaScript's
/// `encodeURIComponent` does (spaces as `%20`, not `+`).
pub(crate) fn component(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.extend([
                '%',
                HEX[usize::from(b >> 4)].into(),
                HEX[usize::from(b & 15)].into(),
            ]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn components_are_encoded_as_encode_uri_component_does() {
        assert_eq!(
            super::component("https://a.example/b c?d=é&e"),
            "https%3A%2F%2Fa.example%2Fb%20c%3Fd%3D%C3%A9%26e"
        );
    }
}
