//! An award page: status first, then the badge, the recipient's story,
//! evidence (with the badge's completion standard as a checklist),
//! verification facts and downloads.

use super::badge::from_page;
use super::{Lang, Pages};
use crate::layout;
use crate::model::{Award, Badge, day, timestamp};
use crate::site::i18n::fill;
use crate::site::render::RenderError;
use crate::site::view::{Body, FileLink, Verification, award_view};

pub(super) fn render(
    pages: &Pages<'_>,
    lang: &Lang<'_>,
    badge: &Badge,
    award: &Award,
) -> Result<Vec<u8>, RenderError> {
    let dir = layout::award_dir(&award.id);
    let root = layout::root_of(&format!("{}{dir}", lang.prefix));
    let view = lang.badge_view(badge);
    let who = match award.recipient.name.as_deref() {
        Some(name) => name.to_string(),
        None => pages.words(lang, "a_recipient"),
    };
    let title = fill(
        &pages.words(lang, "earned"),
        &[("who".into(), who), ("badge".into(), view.name.clone())],
    );
    let image = layout::badge_image(&badge.slug, badge.image.extension);
    let meta = pages.meta(lang, &dir, title, &view.description, Some(image));
    let (files, verification) = match pages.signing {
        Some(signing) => {
            let slot = pages.slots.get(&award.id);
            (
                vec![
                    FileLink {
                        label: "Open Badges 3.0 credential (signed JSON)",
                        href: from_page(&dir, &root, &lang.prefix, &layout::credential(&award.id)),
                    },
                    FileLink {
                        label: "Open Badges 2.0 assertion (hosted JSON)",
                        href: from_page(&dir, &root, &lang.prefix, &layout::assertion(&award.id)),
                    },
                ],
                Some(Box::new(Verification {
                    issuer_did: signing.did.clone(),
                    key_id: signing.key_id.clone(),
                    valid_from: timestamp(award.issued),
                    valid_until: award.expires.map(day),
                    status_list: slot.map(|s| format!("{root}{}", layout::status_list(s.list))),
                    status_index: slot.map(|s| s.index),
                })),
            )
        }
        None => (Vec::new(), None),
    };
    let body = Body::Award {
        badge: view,
        award: Box::new(award_view(badge, award)),
        files: &files,
        verification,
    };
    pages.render(lang, &dir, meta, body)
}
