//! Open Badges 3.0 documents (standards.md §2), as typed serde structs built
//! from the model. JSON is never produced from templates.
//!
//! Interoperability rules that shape these types (design.md §5): the exact
//! `@context` list; `type` always an array; the issuer always an embedded
//! `Profile`; `validFrom`, not `issuanceDate`; `proof` an array; and only
//! terms the bundled contexts define (checked before signing).
//!
//! An award's credential declares no `credentialSchema`: the 1EdTech
//! validator checks an `OpenBadgeCredential` against its bundled schema
//! either way, and the DCC verifier (wallets) picks the same schema by type
//! when none is declared, but fetches a declared URL over the network; the
//! declaration was 164 bytes of every credential (the Pages size budget,
//! README) and one more URL a verifier depends on. An endorsement keeps its
//! declaration, because the DCC verifier would guess the achievement
//! credential's schema for it.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::value::{RawValue, to_raw_value};

use super::contexts;
use super::recipient::identity_hash;
use super::status;
use crate::layout::{self, Urls};
use crate::model::{Award, Badge, Identity, Site, timestamp};

/// An `OpenBadgeCredential` before signing (`proof` is added by the signer).
/// Its issuer and achievement are the same for every award of a badge, so
/// they come serialised once ([`Shared`]).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Credential<'s> {
    #[serde(rename = "@context")]
    pub context: [&'static str; 3],
    pub id: String,
    #[serde(rename = "type")]
    pub kind: [&'static str; 2],
    pub name: String,
    pub issuer: &'s RawValue,
    pub valid_from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    pub credential_subject: Subject<'s>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<status::Entry>,
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
pub struct Subject<'s> {
    /// The recipient's DID, when they gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: [&'static str; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<IdentityObject>,
    pub achievement: &'s RawValue,
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
    /// The language of the texts, when site.toml lists `languages`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    pub name: String,
    pub description: String,
    pub criteria: Criteria,
    pub image: Image,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
    /// The badge's alignments, then its prerequisites (see [`prerequisites`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// The same badge as an Open Badges 2.0 BadgeClass, then the same
    /// achievement in each other language it is translated into.
    pub related: Vec<Related>,
    /// Endorsements by other issuers, as they signed them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsement: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Related {
    #[serde(rename = "type")]
    pub kind: &'static [&'static str],
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
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
    /// `ceterms:Credential` for a prerequisite (OB 3.0 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_type: Option<&'static str>,
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

/// An `EndorsementCredential` before signing: this site's issuer endorses
/// another issuer's achievement (`rosette endorse`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementCredential {
    #[serde(rename = "@context")]
    pub context: [&'static str; 3],
    pub id: String,
    #[serde(rename = "type")]
    pub kind: [&'static str; 2],
    pub name: String,
    pub issuer: Profile,
    pub valid_from: String,
    pub credential_subject: EndorsementSubject,
    pub credential_schema: [Schema; 1],
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementSubject {
    /// The endorsed achievement's id.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: [&'static str; 1],
    /// Markdown.
    pub endorsement_comment: String,
}

/// The unsigned endorsement of the achievement `subject` by the site's
/// issuer, with credential id `id`, valid from `valid_from` (RFC 3339).
pub fn endorsement(
    site: &Site,
    issuer_id: &str,
    id: &str,
    subject: &str,
    comment: &str,
    valid_from: &str,
) -> EndorsementCredential {
    EndorsementCredential {
        context: contexts::CREDENTIAL,
        id: id.to_string(),
        kind: ["VerifiableCredential", "EndorsementCredential"],
        name: format!("Endorsement by {}", site.issuer.name),
        issuer: profile(site, issuer_id),
        valid_from: valid_from.to_string(),
        credential_subject: EndorsementSubject {
            id: subject.to_string(),
            kind: ["EndorsementSubject"],
            endorsement_comment: comment.to_string(),
        },
        credential_schema: [Schema {
            id: contexts::OB_V3_ENDORSEMENT_SCHEMA,
            kind: "1EdTechJsonSchemaValidator2019",
        }],
    }
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
            id: Urls::new(&site.base_url).of(path),
            kind: "Image",
            caption: None,
        }),
    }
}

/// The OB 3.0 Achievement of a badge, in the site's default language.
pub fn achievement(site: &Site, badge: &Badge) -> Achievement {
    achievement_in(site, badge, &site.language)
}

/// The languages a badge is published in: the default, then each further
/// language it has a `[badge.translations.<lang>]` table for.
pub fn achievement_languages<'s>(site: &'s Site, badge: &Badge) -> Vec<&'s str> {
    site.languages
        .iter()
        .filter(|l| **l == site.language || badge.translations.contains_key(l.as_str()))
        .map(String::as_str)
        .collect()
}

/// The OB 3.0 Achievement of a badge in `lang`: the default language's at
/// `badges/<slug>/achievement.json` (and in every credential), a
/// translation's at `<lang>/badges/<slug>/achievement.json`. Texts not
/// translated are the default language's. Following the OB 3.0
/// implementation guide, each states its `inLanguage` and lists the others
/// in `related`, each with its `inLanguage`.
pub fn achievement_in(site: &Site, badge: &Badge, lang: &str) -> Achievement {
    let urls = Urls::new(&site.base_url);
    let default = site.language.as_str();
    let t = badge.translations.get(lang).filter(|_| lang != default);
    let text = |field: fn(&crate::model::BadgeTranslation) -> &Option<String>, base: &String| {
        t.and_then(|t| field(t).clone())
            .unwrap_or_else(|| base.clone())
    };
    let mut alignment = alignments(badge, Some(["Alignment"]));
    alignment.extend(prerequisites(site, badge, lang, Target::Achievement));
    let mut related = vec![Related {
        kind: &["Related", "https://w3id.org/openbadges#BadgeClass"],
        id: urls.badge_class(&badge.slug),
        version: Some("Open Badges v2p0"),
        in_language: None,
    }];
    for other in achievement_languages(site, badge) {
        if other != lang {
            related.push(Related {
                kind: &["Related"],
                id: urls.achievement_in(other, default, &badge.slug),
                version: None,
                in_language: Some(other.to_string()),
            });
        }
    }
    Achievement {
        context: None,
        id: urls.achievement_in(lang, default, &badge.slug),
        kind: ["Achievement"],
        achievement_type: badge.achievement_type.clone(),
        in_language: site.declares_languages.then(|| lang.to_string()),
        name: text(|t| &t.name, &badge.name),
        description: text(|t| &t.description, &badge.description),
        criteria: Criteria {
            id: urls.of(&layout::in_language(
                lang,
                default,
                &layout::badge_dir(&badge.slug),
            )),
            narrative: text(|t| &t.criteria, &badge.criteria),
        },
        image: Image {
            id: urls.badge_image(&badge.slug, badge.image.extension),
            kind: "Image",
            caption: Some(text(|t| &t.image_alt, &badge.image_alt)),
        },
        tag: badge.tags.clone(),
        alignment,
        related,
        endorsement: badge
            .endorsements
            .iter()
            .map(|e| e.document.clone())
            .collect(),
    }
}

/// What a prerequisite alignment points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The required badge's OB 3.0 achievement (typed `ceterms:Credential`).
    Achievement,
    /// The required badge's OB 2.0 BadgeClass (OB 2.0 has no `targetType`).
    BadgeClass,
}

/// A badge's pathway, expressed only with terms the contexts define: one
/// `Alignment` per required badge, `targetType` `ceterms:Credential` (the
/// OB 3.0 value for "a credential"), `targetUrl` the required badge's
/// achievement (or badge class), `targetCode` its slug, and
/// `targetDescription` saying it is required first (`requires`) or one of
/// a choice (`requires_any`). OB 3.0 has no prerequisite term; `related` is
/// kept for the same achievement in other versions and languages.
pub fn prerequisites(site: &Site, badge: &Badge, lang: &str, target: Target) -> Vec<Alignment> {
    let urls = Urls::new(&site.base_url);
    let entry = |slug: &str, description: String| {
        let name = site
            .badge(slug)
            .map_or(slug, |required| required.name_in(lang));
        Alignment {
            kind: (target == Target::Achievement).then_some(["Alignment"]),
            target_name: name.to_string(),
            target_url: match target {
                Target::Achievement => urls.achievement(slug),
                Target::BadgeClass => urls.badge_class(slug),
            },
            target_description: Some(description),
            target_code: Some(slug.to_string()),
            target_framework: None,
            target_type: (target == Target::Achievement).then_some("ceterms:Credential"),
        }
    };
    let mut out: Vec<Alignment> = badge
        .requires
        .iter()
        .map(|slug| entry(slug, "Prerequisite: earn this badge first.".into()))
        .collect();
    if let Some(any) = &badge.requires_any {
        let n = any.of.len();
        let description = format!(
            "Prerequisite, a choice: earn at least {} of the {n} badges of this choice first.",
            any.count
        );
        out.extend(any.of.iter().map(|slug| entry(slug, description.clone())));
    }
    out
}

/// The unsigned credential of an award. `salt` is the recipient's salt (used
/// only for email recipients given in plaintext).
pub fn credential<'s>(
    shared: &'s Shared,
    achievement: &'s RawValue,
    badge: &Badge,
    award: &Award,
    salt: &str,
    status: Option<status::Entry>,
) -> Credential<'s> {
    let urls = Urls::new(&shared.base_url);
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
        context: contexts::CREDENTIAL,
        id: urls.credential(&award.id),
        kind: ["VerifiableCredential", "OpenBadgeCredential"],
        name: badge.name.clone(),
        issuer: &shared.issuer,
        valid_from: timestamp(award.issued),
        valid_until: award.expires.map(timestamp),
        credential_subject: Subject {
            id,
            kind: ["AchievementSubject"],
            identifier,
            achievement,
            narrative: award.narrative.clone(),
        },
        evidence: evidence(award, Some(["Evidence"])),
        credential_status: status,
    }
}

/// What every credential of a site embeds as it is: the issuer's profile
/// and each badge's achievement, as JSON made once (and so the same bytes
/// in every credential).
#[derive(Debug)]
pub struct Shared {
    base_url: String,
    issuer: Box<RawValue>,
    /// By badge slug.
    achievements: HashMap<String, Box<RawValue>>,
}

impl Shared {
    pub fn new(site: &Site, issuer_id: &str) -> Result<Shared, serde_json::Error> {
        Ok(Shared {
            base_url: site.base_url.clone(),
            issuer: to_raw_value(&profile(site, issuer_id))?,
            achievements: site
                .badges
                .iter()
                .map(|badge| Ok((badge.slug.clone(), to_raw_value(&achievement(site, badge))?)))
                .collect::<Result<_, serde_json::Error>>()?,
        })
    }

    /// The achievement of the badge with this slug, if the site has it.
    pub fn achievement(&self, slug: &str) -> Option<&RawValue> {
        self.achievements.get(slug).map(|a| &**a)
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
            target_type: None,
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

/// Which record of the repository a value of a credential comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// site.toml (`issuer.name`, …).
    Site,
    /// The `[badge]` table.
    Badge,
    /// The `[[award]]`.
    Award,
}

/// The repository field a credential's JSON path comes from, e.g.
/// `$.credentialSubject.achievement.tag[2]` → (`Badge`, `tags[2]`), so a
/// problem found in the credential can be reported where it was written.
pub fn source_field(json_path: &str) -> Option<(Record, String)> {
    let (head, index, rest) = split_index(json_path);
    let indexed = |field: &str, suffix: &str| match index {
        Some(i) => format!("{field}[{i}]{suffix}"),
        None => field.to_string(),
    };
    let found = match (head, rest) {
        ("$.name", "") => (Record::Badge, "name".to_string()),
        ("$.credentialSubject.narrative", "") => (Record::Award, "narrative".to_string()),
        ("$.evidence", ".id") => (Record::Award, indexed("evidence", ".url")),
        ("$.evidence", field @ (".name" | ".description" | ".narrative")) => {
            (Record::Award, indexed("evidence", field))
        }
        ("$.evidence", _) => (Record::Award, indexed("evidence", "")),
        ("$.credentialSubject.achievement.tag", "") => (Record::Badge, indexed("tags", "")),
        ("$.credentialSubject.achievement.alignment", field) => {
            let name = match field {
                ".targetName" => ".name",
                ".targetUrl" => ".url",
                ".targetDescription" => ".description",
                ".targetCode" => ".code",
                ".targetFramework" => ".framework",
                _ => ".name",
            };
            (Record::Badge, indexed("alignment", name))
        }
        ("$.credentialSubject.achievement.name", "") => (Record::Badge, "name".into()),
        ("$.credentialSubject.achievement.description", "") => {
            (Record::Badge, "description".into())
        }
        ("$.credentialSubject.achievement.achievementType", "") => {
            (Record::Badge, "achievement_type".into())
        }
        ("$.credentialSubject.achievement.criteria.narrative", "") => {
            (Record::Badge, "criteria".into())
        }
        ("$.credentialSubject.achievement.image.caption", "") => {
            (Record::Badge, "image_alt".into())
        }
        (issuer, "") if issuer.starts_with("$.issuer.") => {
            let field = &issuer["$.issuer.".len()..];
            let field = field.split('.').next().unwrap_or(field);
            (Record::Site, format!("issuer.{field}"))
        }
        _ => return None,
    };
    Some(found)
}

/// `$.a.b[3].c` → (`$.a.b`, Some(3), `.c`); without an index, (path, None, "").
fn split_index(path: &str) -> (&str, Option<usize>, &str) {
    if let Some(open) = path.find('[')
        && let Some(close) = path[open..].find(']')
        && let Ok(i) = path[open + 1..open + close].parse()
    {
        return (&path[..open], Some(i), &path[open + close + 1..]);
    }
    (path, None, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_paths_map_to_the_fields_they_come_from() {
        let cases = [
            (
                "$.credentialSubject.achievement.tag[2]",
                Record::Badge,
                "tags[2]",
            ),
            ("$.credentialSubject.narrative", Record::Award, "narrative"),
            ("$.evidence[1].id", Record::Award, "evidence[1].url"),
            (
                "$.evidence[0].narrative",
                Record::Award,
                "evidence[0].narrative",
            ),
            (
                "$.credentialSubject.achievement.alignment[0].targetUrl",
                Record::Badge,
                "alignment[0].url",
            ),
            (
                "$.credentialSubject.achievement.criteria.narrative",
                Record::Badge,
                "criteria",
            ),
            ("$.issuer.description", Record::Site, "issuer.description"),
            ("$.name", Record::Badge, "name"),
        ];
        for (path, record, field) in cases {
            assert_eq!(
                source_field(path),
                Some((record, field.to_string())),
                "{path}"
            );
        }
        assert_eq!(source_field("$.credentialSchema[0].type"), None);
    }
}
