//! An award page: status first, then the badge, the recipient's story,
//! evidence, verification facts and downloads.

use super::Pages;
use super::badge::relative;
use crate::layout;
use crate::model::{Award, Badge, day, timestamp};
use crate::site::render::RenderError;
use crate::site::view::{Body, FileLink, Verification, award_view};

pub(super) fn render(
    pages: &Pages<'_>,
    badge: &Badge,
    award: &Award,
) -> Result<Vec<u8>, RenderError> {
    let dir = layout::award_dir(&award.id);
    let root = layout::root_of(&dir);
    let who = award.recipient.name.as_deref().unwrap_or("A recipient");
    let title = format!("{who} earned {}", badge.name);
    let image = layout::badge_image(&badge.slug, badge.image.extension);
    let meta = pages.meta(&dir, title, &badge.description, Some(image));
    let (files, verification) = match pages.signing {
        Some(signing) => {
            let slot = pages.slots.get(&award.id);
            (
                vec![
                    FileLink {
                        label: "Open Badges 3.0 credential (signed JSON)",
                        href: relative(&dir, &layout::credential(&award.id)),
                    },
                    FileLink {
                        label: "Open Badges 2.0 assertion (hosted JSON)",
                        href: relative(&dir, &layout::assertion(&award.id)),
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
        badge: pages.badge_view(badge),
        award: award_view(award),
        files: &files,
        verification,
    };
    pages.renderer.page(&pages.view, &root, meta, body)
}
