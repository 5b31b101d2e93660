//! Endorsements a repository holds (`badges/<slug>/endorsements/`), checked
//! the way `rosette verify` checks any credential, before the build attaches
//! them to the badge's achievement: the endorser's `eddsa-rdfc-2022`
//! signature, with the key from its DID document (`did:key`, or a copy of
//! its `did:web` document kept beside the endorsement, so the build needs
//! no network and stays deterministic), and the endorsement's subject being
//! this badge's achievement.
//!
//! Not checked here, as a build never reads the clock or the network: the
//! endorsement's validity dates and status. Readers judge those, as with
//! every credential.

use serde_json::Value;

use super::did::resolve_key_with;
use super::verify_proof;
use crate::credential::canon::Canonicalize;
use crate::credential::portable::Portable;
use crate::layout::Urls;
use crate::model::{Badge, Endorsement, Site};

/// An endorsement that cannot be published, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// `badges/<slug>/endorsements/<name>.json`.
    pub file: String,
    pub reason: String,
    pub help: String,
}

/// Checks every endorsement of `site`, whose achievements have the ids of
/// `site.base_url`. Returns the ones that must not be published.
pub fn check(canon: &dyn Canonicalize, site: &Site) -> Vec<Refused> {
    let urls = Urls::new(&site.base_url);
    let mut refused = Vec::new();
    for badge in &site.badges {
        let achievement = urls.achievement(&badge.slug);
        for endorsement in &badge.endorsements {
            if let Err((reason, help)) = check_one(canon, badge, endorsement, &achievement) {
                refused.push(Refused {
                    file: endorsement.file.clone(),
                    reason,
                    help,
                });
            }
        }
    }
    refused
}

fn check_one(
    canon: &dyn Canonicalize,
    badge: &Badge,
    endorsement: &Endorsement,
    achievement: &str,
) -> Result<(), (String, String)> {
    if endorsement.subject != achievement {
        return Err((
            format!(
                "the endorsement is of `{}`, not of this badge's achievement `{achievement}`",
                endorsement.subject
            ),
            format!(
                "an endorsement of badge `{}` names its achievement id as `credentialSubject.id`; \
                 ask the endorser for one of `{achievement}` (`rosette endorse {achievement} ...`)",
                badge.slug
            ),
        ));
    }
    let issuer = endorsement.issuer_id.as_str();
    let documents = |did: &str| -> Result<(Value, String), String> {
        badge
            .endorser_documents
            .iter()
            .find(|copy| copy.id == did)
            .map(|copy| (copy.document.clone(), copy.file.clone()))
            .ok_or_else(|| {
                format!(
                    "no copy of the DID document of `{did}` in badges/{}/endorsements/",
                    badge.slug
                )
            })
    };
    // Portable: an endorsement is embedded in every credential of the badge,
    // so it must sort the same way in the wallets' canonicaliser.
    verify_proof(&Portable(canon), &endorsement.document, &|vm| {
        resolve_key_with(vm, issuer, &documents)
    })
    .map_err(|reason| {
        let help = match crate::credential::did::document_url(issuer) {
            Some(url) if reason.starts_with("no copy of the DID document") => format!(
                "save the endorser's DID document ({url}) as `badges/{}/endorsements/<name>.did.json`: \
                 the build checks signatures without the network",
                badge.slug
            ),
            _ => "an endorsement is published only as its endorser signed it: ask the endorser \
                  for a new one if it was changed"
                .to_string(),
        };
        (format!("the endorsement does not verify: {reason}"), help)
    })
}
