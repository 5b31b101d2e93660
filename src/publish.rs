//! The machine-readable files of a signed site and the page links to them:
//! `did.json` (or `.well-known/did.json`), `badges/<slug>/achievement.json`,
//! `awards/<id>/credential.json`, the status lists, and the Open Badges 2.0
//! documents.

use rayon::prelude::*;

use crate::model::Site;
use crate::output::Sink;
use crate::sign::Signed;
use crate::view::{Extras, FileLink, IssuerFacts, KeyFacts, Verification, day};
use crate::{ob3, status};

fn link(label: &str, href: &str) -> FileLink {
    FileLink {
        label: label.into(),
        href: href.into(),
    }
}

/// Links and verification facts for the pages.
pub fn extras(site: &Site, signed: &Signed) -> Extras {
    let mut extras = Extras::default();
    let Some(did) = &signed.did else {
        return extras;
    };
    extras.issuer = Some(IssuerFacts {
        did: did.did.clone(),
        did_document: did.document_path.to_string(),
        status_lists: signed
            .status_lists
            .iter()
            .map(|(path, _)| path.clone())
            .collect(),
        keys: site
            .keys
            .iter()
            .map(|k| KeyFacts {
                id: did.key_url(&k.id),
                public: k.public_multikey.clone(),
                retired: k.retired.map(day),
            })
            .collect(),
    });
    for badge in &site.badges {
        extras.badge_files.insert(
            badge.slug.clone(),
            vec![
                link("Open Badges 3.0 achievement (JSON)", "achievement.json"),
                link("Open Badges 2.0 badge class (JSON)", "badgeclass.json"),
            ],
        );
        for award in &badge.awards {
            extras.award_files.insert(
                award.id.clone(),
                vec![
                    link(
                        "Open Badges 3.0 credential (signed JSON)",
                        "credential.json",
                    ),
                    link("Open Badges 2.0 assertion (hosted JSON)", "assertion.json"),
                ],
            );
            extras.verification.insert(
                award.id.clone(),
                Verification {
                    issuer_did: did.did.clone(),
                    key_id: did.key_url(&signed.key_id),
                    valid_from: ob3::timestamp(award.issued),
                    valid_until: award.expires.map(day),
                    status_list: site
                        .status_slots
                        .get(&award.id)
                        .map(|s| format!("../../{}", status::list_path(s.list))),
                    status_index: site.status_slots.get(&award.id).map(|s| s.index),
                },
            );
        }
    }
    extras
}

/// Writes the signed files.
pub fn write(signed: &Signed, sink: &dyn Sink) -> std::io::Result<()> {
    if let Some(did) = &signed.did {
        sink.put(did.document_path, &signed.did_document)?;
    }
    for (slug, bytes) in &signed.achievements {
        sink.put(&format!("badges/{slug}/achievement.json"), bytes)?;
    }

    for (path, bytes) in &signed.status_lists {
        sink.put(path, bytes)?;
    }
    signed
        .ob2
        .par_iter()
        .try_for_each(|(path, bytes)| sink.put(path, bytes))?;
    Ok(())
}
