//! Open Badges 2.0 hosted verification (standards.md §6), published beside
//! the OB 3.0 documents for the backpacks and platforms that still speak 2.0:
//! `issuer.json`, `badges/<slug>/badgeclass.json`, `awards/<id>/assertion.json`.
//!
//! Hosted assertions need no signature: the assertion's URL under the
//! issuer's `startsWith` prefix is the proof. A revoked award's assertion
//! becomes `{"@context", "id", "revoked": true, "revocationReason"}`, since a
//! static host cannot answer `410 Gone`. OB 2.0 and 3.0 documents have
//! different ids and link each other with `related`, as the 1EdTech
//! migration guide advises.

use serde::Serialize;

use super::contexts::OB_V2 as CONTEXT;
use super::ob3::{self, Alignment, Evidence};
use super::recipient::identity_hash;
use crate::layout::{self, Urls};
use crate::model::{Award, Badge, Identity, Site, timestamp};
use crate::output::json::to_json_bytes;

#[derive(Debug, Serialize)]
pub struct Issuer {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub url: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    pub verification: VerificationObject,
}

/// Allows hosted assertions under the site's base URL only: on GitHub Pages
/// every project of a user shares one origin.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationObject {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub verification_property: &'static str,
    pub starts_with: String,
}

#[derive(Debug, Serialize)]
pub struct BadgeClass {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub description: String,
    pub image: String,
    pub criteria: Criteria,
    pub issuer: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    pub related: [Related; 1],
}

#[derive(Debug, Serialize)]
pub struct Criteria {
    pub id: String,
    pub narrative: String,
}

#[derive(Debug, Serialize)]
pub struct Related {
    #[serde(rename = "type")]
    pub kind: [&'static str; 1],
    pub id: String,
    pub version: &'static str,
}

/// A hosted assertion. It has no `image`: OB 2.0 makes it optional and asks
/// for a baked image there, which the site does not hold (learners bake one
/// in the browser on download), so consumers take the BadgeClass's image, as
/// the spec says; naming the unbaked badge image again cost every assertion
/// 58 bytes (the Pages size budget, README).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assertion {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub recipient: Recipient,
    pub badge: String,
    pub verification: Hosted,
    pub issued_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Serialize)]
pub struct Recipient {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub hashed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    pub identity: String,
}

#[derive(Debug, Serialize)]
pub struct Hosted {
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// What a static host serves once an assertion is revoked.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokedAssertion {
    #[serde(rename = "@context")]
    pub context: &'static str,
    pub id: String,
    pub revoked: bool,
    pub revocation_reason: String,
}

pub fn issuer(site: &Site) -> Issuer {
    Issuer {
        context: CONTEXT,
        kind: "Issuer",
        id: Urls::new(&site.base_url).issuer_profile(),
        name: site.issuer.name.clone(),
        url: site.issuer.url.clone(),
        email: site.issuer.email.clone(),
        description: site.issuer.description.clone(),
        image: site
            .issuer
            .image
            .as_ref()
            .map(|path| Urls::new(&site.base_url).of(path)),
        verification: VerificationObject {
            kind: "VerificationObject",
            verification_property: "id",
            starts_with: site.base_url.clone(),
        },
    }
}

pub fn badge_class(site: &Site, badge: &Badge) -> BadgeClass {
    let urls = Urls::new(&site.base_url);
    BadgeClass {
        context: CONTEXT,
        kind: "BadgeClass",
        id: urls.badge_class(&badge.slug),
        name: badge.name.clone(),
        description: badge.description.clone(),
        image: urls.badge_image(&badge.slug, badge.image.extension),
        criteria: Criteria {
            id: urls.badge_page(&badge.slug),
            narrative: badge.criteria.clone(),
        },
        issuer: urls.issuer_profile(),
        tags: badge.tags.clone(),
        alignment: {
            let mut alignment = ob3::alignments(badge, None);
            alignment.extend(ob3::prerequisites(
                site,
                badge,
                &site.language,
                ob3::Target::BadgeClass,
            ));
            alignment
        },
        related: [Related {
            kind: ["https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement"],
            id: urls.achievement(&badge.slug),
            version: "Open Badges v3p0",
        }],
    }
}

/// The hosted assertion of an award (`salt` as for OB 3.0), as JSON bytes.
pub fn assertion_json(site: &Site, badge: &Badge, award: &Award, salt: &str) -> Vec<u8> {
    let urls = Urls::new(&site.base_url);
    let id = urls.assertion(&award.id);
    if let Some(revoked) = &award.revoked {
        return to_json_bytes(&RevokedAssertion {
            context: CONTEXT,
            id,
            revoked: true,
            revocation_reason: revoked.reason.clone(),
        });
    }
    let recipient = match &award.recipient.identity {
        Identity::Email(email) => Recipient {
            kind: "email",
            hashed: true,
            salt: Some(salt.to_string()),
            identity: identity_hash(email, salt),
        },
        Identity::EmailHash { hash, salt } => Recipient {
            kind: "email",
            hashed: true,
            salt: Some(salt.clone()),
            identity: hash.clone(),
        },
        Identity::Did(did) => Recipient {
            kind: "id",
            hashed: false,
            salt: None,
            identity: did.clone(),
        },
    };
    to_json_bytes(&Assertion {
        context: CONTEXT,
        kind: "Assertion",
        id,
        recipient,
        badge: urls.badge_class(&badge.slug),
        verification: Hosted { kind: "hosted" },
        issued_on: timestamp(award.issued),
        expires: award.expires.map(timestamp),
        narrative: award.narrative.clone(),
        evidence: ob3::evidence(award, None),
    })
}

/// The site's OB 2.0 issuer and badge classes: (path in the site, JSON
/// bytes). Assertions are made award by award, see [`assertion_json`].
pub fn documents(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        layout::ISSUER_PROFILE.to_string(),
        to_json_bytes(&issuer(site)),
    )];
    for badge in &site.badges {
        files.push((
            layout::badge_class(&badge.slug),
            to_json_bytes(&badge_class(site, badge)),
        ));
    }
    files
}
