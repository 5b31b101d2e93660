//! Open Badges 3.0 documents (standards.md §2), as typed serde structs built
//! from the model. JSON is never produced from templates.
//!
//! Interoperability rules that shape these types (design.md §5): the exact
//! `@context` list; `type` always an array; the issuer always an embedded
//! `Profile`; `validFrom`, not `issuanceDate`; `proof` an array; and only
//! terms the bundled contexts define (checked before signing).

use serde::Serialize;

use crate::model::{Award, Badge, Identity, Site};
use crate::view::day;

pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub const OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
pub const CONTEXTS: [&str; 3] = [VC_V2, OB_V3, OB_EXTENSIONS];
pub const SCHEMA_URL: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";

/// URLs of a site's published documents.
pub struct Urls<'a> {
    pub base: &'a str,
}

impl Urls<'_> {
    pub fn credential(&self, award: &str) -> String {
        format!("{}awards/{award}/credential.json", self.base)
    }
    pub fn achievement(&self, badge: &str) -> String {
        format!("{}badges/{badge}/achievement.json", self.base)
    }
    pub fn badge_page(&self, badge: &str) -> String {
        format!("{}badges/{badge}/", self.base)
    }
    pub fn badge_class(&self, badge: &str) -> String {
        format!("{}badges/{badge}/badgeclass.json", self.base)
    }
}

/// An `OpenBadgeCredential` before signing (`proof` is added by the signer).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Credential {
    #[serde(rename = "@context")]
    pub context: [&'static str; 3],
    pub id: String,
    #[serde(rename = "type")]
    pub kind: [&'static str; 2],
    pub name: String,
    pub issuer: Profile,
    pub valid_from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    pub credential_subject: Subject,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<crate::status::Entry>,
    pub credential_schema: [Schema; 1],
}

/// The issuer, embedded (the 1EdTech validator requires an object with
/// `type: ["Profile"]`; wallets need `type` to resolve `email`).
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: [&'static str; 1],
    pub name: String,
    pub url: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Image {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Subject {
    /// The recipient's DID, when they gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: [&'static str; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<IdentityObject>,
    pub achievement: Achievement,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

/// A hashed email: `sha256$` + hex(SHA-256(lowercased email ‖ salt)).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub identity_type: &'static str,
    pub hashed: bool,
    pub identity_hash: String,
    pub salt: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Achievement {
    /// Present only when the achievement is published on its own.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<[&'static str; 2]>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: [&'static str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<String>,
    pub name: String,
    pub description: String,
    pub criteria: Criteria,
    pub image: Image,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// The same badge as an Open Badges 2.0 BadgeClass.
    pub related: [Related; 1],
}

#[derive(Debug, Clone, Serialize)]
pub struct Related {
    #[serde(rename = "type")]
    pub kind: [&'static str; 2],
    pub id: String,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Criteria {
    /// The badge page, where the criteria are shown.
    pub id: String,
    pub narrative: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    /// `["Alignment"]` in OB 3.0; absent in OB 2.0, which shares this shape.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<[&'static str; 1]>,
    pub target_name: String,
    pub target_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `["Evidence"]` in OB 3.0; absent in OB 2.0, which shares this shape.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<[&'static str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Schema {
    pub id: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// RFC 3339 in UTC with a `Z`, as `validFrom` and `created` want it.
pub fn timestamp(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let (h, m, s) = at.time().as_hms();
    let nanos = at.time().nanosecond();
    let fraction = if nanos == 0 {
        String::new()
    } else {
        format!(".{:09}", nanos).trim_end_matches('0').to_string()
    };
    format!("{}T{h:02}:{m:02}:{s:02}{fraction}Z", day(at))
}

/// `sha256$` + hex(SHA-256(email ‖ salt)), the OB identity hash. Emails are
/// already lowercased by validation (a documented Rosette choice: the spec
/// does not say, and lowercase is what recipients' accounts match).
pub fn identity_hash(email: &str, salt: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(email.as_bytes())
        .chain_update(salt.as_bytes())
        .finalize();
    format!("sha256${}", hex(&digest))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The issuer's profile as embedded in credentials.
pub fn profile(site: &Site, issuer_id: &str) -> Profile {
    Profile {
        id: issuer_id.to_string(),
        kind: ["Profile"],
        name: site.issuer.name.clone(),
        url: site.issuer.url.clone(),
        email: site.issuer.email.clone(),
        description: site.issuer.description.clone(),
        image: site.issuer.image.as_ref().map(|path| Image {
            id: format!("{}{path}", site.base_url),
            kind: "Image",
            caption: None,
        }),
    }
}

/// The OB 3.0 Achievement of a badge.
pub fn achievement(site: &Site, badge: &Badge) -> Achievement {
    let urls = Urls {
        base: &site.base_url,
    };
    Achievement {
        context: None,
        id: urls.achievement(&badge.slug),
        kind: ["Achievement"],
        achievement_type: badge.achievement_type.clone(),
        name: badge.name.clone(),
        description: badge.description.clone(),
        criteria: Criteria {
            id: urls.badge_page(&badge.slug),
            narrative: badge.criteria.clone(),
        },
        image: Image {
            id: format!("{}{}", site.base_url, badge.image.output_path(&badge.slug)),
            kind: "Image",
            caption: Some(badge.image_alt.clone()),
        },
        tag: badge.tags.clone(),
        alignment: alignments(badge, Some(["Alignment"])),
        related: [Related {
            kind: ["Related", "https://w3id.org/openbadges#BadgeClass"],
            id: urls.badge_class(&badge.slug),
            version: "Open Badges v2p0",
        }],
    }
}

/// The unsigned credential of an award. `salt` is the recipient's salt (used
/// only for email recipients given in plaintext).
pub fn credential(
    site: &Site,
    issuer_id: &str,
    badge: &Badge,
    award: &Award,
    salt: &str,
    status: Option<crate::status::Entry>,
) -> Credential {
    let urls = Urls {
        base: &site.base_url,
    };
    let (id, identifier) = match &award.recipient.identity {
        Identity::Did(did) => (Some(did.clone()), Vec::new()),
        Identity::Email(email) => (
            None,
            vec![email_identity(identity_hash(email, salt), salt.to_string())],
        ),
        Identity::EmailHash { hash, salt } => {
            (None, vec![email_identity(hash.clone(), salt.clone())])
        }
    };
    Credential {
        context: CONTEXTS,
        id: urls.credential(&award.id),
        kind: ["VerifiableCredential", "OpenBadgeCredential"],
        name: badge.name.clone(),
        issuer: profile(site, issuer_id),
        valid_from: timestamp(award.issued),
        valid_until: award.expires.map(timestamp),
        credential_subject: Subject {
            id,
            kind: ["AchievementSubject"],
            identifier,
            achievement: achievement(site, badge),
            narrative: award.narrative.clone(),
        },
        evidence: evidence(award, Some(["Evidence"])),
        credential_status: status,
        credential_schema: [Schema {
            id: SCHEMA_URL,
            kind: "1EdTechJsonSchemaValidator2019",
        }],
    }
}

/// A badge's alignments, typed for OB 3.0 (`kind`) or untyped for OB 2.0.
pub fn alignments(badge: &Badge, kind: Option<[&'static str; 1]>) -> Vec<Alignment> {
    badge
        .alignments
        .iter()
        .map(|a| Alignment {
            kind,
            target_name: a.name.clone(),
            target_url: a.url.clone(),
            target_description: a.description.clone(),
            target_code: a.code.clone(),
            target_framework: a.framework.clone(),
        })
        .collect()
}

/// An award's evidence, typed for OB 3.0 (`kind`) or untyped for OB 2.0.
pub fn evidence(award: &Award, kind: Option<[&'static str; 1]>) -> Vec<Evidence> {
    award
        .evidence
        .iter()
        .map(|e| Evidence {
            id: e.url.clone(),
            kind,
            name: e.name.clone(),
            description: e.description.clone(),
            narrative: e.narrative.clone(),
        })
        .collect()
}

fn email_identity(identity_hash: String, salt: String) -> IdentityObject {
    IdentityObject {
        kind: "IdentityObject",
        identity_type: "emailAddress",
        hashed: true,
        identity_hash,
        salt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// standards.md §2.4: the spec example and our Appendix A fixture.
    #[test]
    fn identity_hashes_match_the_published_examples() {
        assert_eq!(
            identity_hash("a@example.com", "Kosher"),
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
        );
        assert_eq!(
            identity_hash("alice@example.org", "2f6c1b5e9a0d4c3e"),
            "sha256$43ba26a8a7f72a64de4e9e7ff89c4b6005231e8e352984a896f4d66c4ea552c7"
        );
    }

    #[test]
    fn timestamps_are_utc_with_z() {
        use time::macros::datetime;
        assert_eq!(
            timestamp(datetime!(2026-02-01 10:30 +01:00)),
            "2026-02-01T09:30:00Z"
        );
        assert_eq!(
            timestamp(datetime!(2026-02-01 10:30:00.25 UTC)),
            "2026-02-01T10:30:00.25Z"
        );
    }
}
