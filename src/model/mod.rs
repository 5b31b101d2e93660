//! The validated badge repository: what every later stage (issue, render,
//! write) works from. Everything here has been checked; no stage after
//! validation needs to handle bad input again.
//!
//! The model is plain data and uses nothing else of the crate. Build state
//! (status slots, the lock's next text) is not part of it: it lives in the
//! build's `Plan`.

mod date;
mod period;
mod slot;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use time::OffsetDateTime;

pub use date::{day, timestamp};
pub use period::{Period, PeriodUnit};
pub use slot::{LIST_LOAD, LIST_SIZE, Slot};

/// Whether plaintext recipient emails may appear in `badges/`.
#[derive(Debug, Clone, Copy, serde::Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RecipientPolicy {
    #[default]
    Any,
    HashedOnly,
}

/// Where the values of a record were written: TOML field paths such as
/// `name`, `tags[2]` or `evidence[0].url`, mapped to byte spans in the
/// record's file. Checks that run after validation (JSON-LD safe mode, the
/// canonical sort order) use it to point at the value that caused a problem.
///
/// A short list sorted by path rather than a map: every award has one, and
/// most paths are fixed names that need no allocation (a B-tree of owned
/// strings was about 600 bytes per award, a sixth of the memory of a build
/// of 100,000 awards).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSpans {
    entries: Vec<(std::borrow::Cow<'static, str>, Range<usize>)>,
}

impl FieldSpans {
    pub fn new() -> Self {
        FieldSpans::default()
    }

    /// Records (or replaces) the span of the value at `path`.
    pub fn insert(&mut self, path: impl Into<std::borrow::Cow<'static, str>>, span: Range<usize>) {
        let path = path.into();
        match self.entries.binary_search_by(|(p, _)| (**p).cmp(&*path)) {
            Ok(at) => self.entries[at].1 = span,
            Err(at) => self.entries.insert(at, (path, span)),
        }
    }

    /// The span of the value at `path`.
    pub fn get(&self, path: &str) -> Option<&Range<usize>> {
        self.entries
            .binary_search_by(|(p, _)| (**p).cmp(path))
            .ok()
            .map(|at| &self.entries[at].1)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Range<usize>> {
        self.entries.iter_mut().map(|(_, span)| span)
    }
}

/// A whole badge repository, ready to build.
#[derive(Debug, Clone)]
pub struct Site {
    /// Absolute URL where the output is served; always ends with `/`.
    pub base_url: String,
    pub title: String,
    /// The default language (BCP 47).
    pub language: String,
    /// Every language of the site, the default first (just `language` when
    /// site.toml lists no `languages`).
    pub languages: Vec<String>,
    /// Whether site.toml lists `languages`: achievements then state their
    /// `inLanguage` (a single-language site's output does not change).
    pub declares_languages: bool,
    /// `[translations.<lang>]`, by language.
    pub translations: BTreeMap<String, SiteTranslation>,
    pub theme: String,
    pub recipients: RecipientPolicy,
    pub issuer: Issuer,
    pub keys: Vec<Key>,
    /// Extra Markdown pages from `site/pages/`, sorted by slug.
    pub pages: Vec<Page>,
    /// Sorted by slug.
    pub badges: Vec<Badge>,
    /// Files of `site/static/`, sorted, as paths relative to `site/static/`.
    pub static_files: Vec<String>,
    /// The repository root on disk.
    pub root: PathBuf,
    /// Spans of site.toml's values (`issuer.name`, …).
    pub spans: FieldSpans,
}

/// The site's texts in a further language; `None` falls back to the default.
#[derive(Debug, Clone, Default)]
pub struct SiteTranslation {
    pub title: Option<String>,
    /// The issuer's description.
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Issuer {
    pub name: String,
    pub url: String,
    pub email: String,
    pub description: Option<String>,
    /// Path relative to the site root of the output (e.g. `static/logo.png`).
    pub image: Option<String>,
    /// LinkedIn's numeric id of the issuing organisation (`[issuer]
    /// linkedin_org_id`), for "add to profile" links.
    pub linkedin_org_id: Option<String>,
}

/// A public Ed25519 key listed in site.toml.
#[derive(Debug, Clone)]
pub struct Key {
    pub id: String,
    /// Multikey (`z6Mk…`).
    pub public_multikey: String,
    pub public_key: [u8; 32],
    pub retired: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub markdown: String,
}

#[derive(Debug, Clone)]
pub struct Badge {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
    pub image: BadgeImage,
    pub image_alt: String,
    pub achievement_type: Option<String>,
    pub tags: Vec<String>,
    pub valid_for: Option<Period>,
    pub alignments: Vec<Alignment>,
    /// A pathway: the slugs of badges a recipient earns first (all of them).
    pub requires: Vec<String>,
    /// A pathway: `count` of these badges first.
    pub requires_any: Option<RequiresAny>,
    /// What every award must show.
    pub completion: Option<Completion>,
    /// `[badge.translations.<lang>]`, by language.
    pub translations: BTreeMap<String, BadgeTranslation>,
    /// Endorsements by other issuers (`badges/<slug>/endorsements/*.json`),
    /// sorted by file; their signatures are verified by the build.
    pub endorsements: Vec<Endorsement>,
    /// Copies of endorsers' DID documents (`endorsements/*.did.json`).
    pub endorser_documents: Vec<DidCopy>,
    /// Sorted by issue date, then id.
    pub awards: Vec<Award>,
    /// `badges/<slug>.toml`.
    pub file: String,
    /// Spans of the `[badge]` values in `file`.
    pub spans: FieldSpans,
}

/// `requires_any = { count, of }`: at least `count` of the badges `of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiresAny {
    pub count: usize,
    pub of: Vec<String>,
}

/// `[badge.completion]`: what every (unrevoked) award must show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// The award needs a `narrative`: the learner's reflection.
    pub reflection: bool,
    /// Evidence items every award carries, matched by `evidence.name`
    /// (ignoring case and surrounding spaces).
    pub evidence: Vec<String>,
}

impl Completion {
    /// Whether an evidence item named `name` is the standard's `item`:
    /// compared trimmed and ignoring case.
    pub fn item_matches(item: &str, name: &str) -> bool {
        item.trim().to_lowercase() == name.trim().to_lowercase()
    }
}

/// A badge's texts in a further language; `None` falls back to the default.
#[derive(Debug, Clone, Default)]
pub struct BadgeTranslation {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Markdown.
    pub criteria: Option<String>,
    pub image_alt: Option<String>,
}

/// An `EndorsementCredential` of this badge by another issuer, as read from
/// the repository (its shape checked; its signature is checked by the build).
#[derive(Debug, Clone)]
pub struct Endorsement {
    /// `badges/<slug>/endorsements/<name>.json`.
    pub file: String,
    /// The signed document, attached to the achievement as it is.
    pub document: serde_json::Value,
    /// The endorser (the credential's `issuer.id`).
    pub issuer_id: String,
    pub issuer_name: Option<String>,
    pub issuer_url: Option<String>,
    /// `credentialSubject.id`: must be this badge's achievement id.
    pub subject: String,
    /// `credentialSubject.endorsementComment` (Markdown).
    pub comment: Option<String>,
    /// `validFrom`, as written.
    pub valid_from: String,
}

/// A copy of a DID document kept in the repository, so the build can check
/// an endorser's signature without the network.
#[derive(Debug, Clone)]
pub struct DidCopy {
    pub file: String,
    /// The DID (the document's `id`).
    pub id: String,
    pub document: serde_json::Value,
}

#[derive(Debug, Clone)]
pub struct BadgeImage {
    /// Where the image is on disk.
    pub source: PathBuf,
    /// `png` or `svg`.
    pub extension: &'static str,
}

#[derive(Debug, Clone)]
pub struct Alignment {
    pub name: String,
    pub url: String,
    pub description: Option<String>,
    pub code: Option<String>,
    pub framework: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Award {
    pub id: String,
    pub recipient: Recipient,
    pub issued: OffsetDateTime,
    /// From `expires`, or `issued` + the badge's `valid_for`.
    pub expires: Option<OffsetDateTime>,
    pub narrative: Option<String>,
    pub evidence: Vec<Evidence>,
    pub revoked: Option<Revocation>,
    /// The file the award is written in, relative to the repository root.
    pub file: String,
    /// Spans of the award's values in `file`.
    pub spans: FieldSpans,
}

#[derive(Debug, Clone)]
pub struct Recipient {
    pub identity: Identity,
    /// Shown on pages only when given.
    pub name: Option<String>,
    /// A public slug the learner chose: `earners/<handle>/` lists the awards
    /// that carry it.
    pub handle: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Identity {
    /// A plaintext email (lowercased); published only as a salted hash.
    Email(String),
    /// `sha256$<hex>` of lowercased email ‖ salt, given as `email_hash` and
    /// `salt` in the award.
    EmailHash { hash: String, salt: String },
    /// A DID the recipient controls.
    Did(String),
}

#[derive(Debug, Clone)]
pub struct Evidence {
    pub url: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub narrative: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Revocation {
    pub on: OffsetDateTime,
    pub reason: String,
}

impl Site {
    /// Every award of the site with its badge, in badge then award order.
    pub fn awards(&self) -> impl Iterator<Item = (&Badge, &Award)> {
        self.badges
            .iter()
            .flat_map(|badge| badge.awards.iter().map(move |award| (badge, award)))
    }

    pub fn award_count(&self) -> usize {
        self.badges.iter().map(|b| b.awards.len()).sum()
    }

    /// The badge with this slug (badges are sorted by slug).
    pub fn badge(&self, slug: &str) -> Option<&Badge> {
        self.badges
            .binary_search_by(|b| b.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.badges[i])
    }

    /// What `identity` still lacks of `badge`'s pathway: the badges of
    /// `requires` it holds no unrevoked award of, and, for `requires_any`,
    /// how many more of which badges. Identities compare as
    /// [`Identity::same_as`] says (`hash` hashes an email with a salt). For
    /// `rosette award`, which warns before awarding a badge too early.
    pub fn unmet_requirements(
        &self,
        badge: &Badge,
        identity: &Identity,
        hash: impl Fn(&str, &str) -> String + Copy,
    ) -> Unmet {
        let holds = |slug: &str| {
            self.badge(slug).is_some_and(|required| {
                required
                    .awards
                    .iter()
                    .any(|a| a.revoked.is_none() && a.recipient.identity.same_as(identity, hash))
            })
        };
        let missing = badge
            .requires
            .iter()
            .filter(|slug| !holds(slug))
            .cloned()
            .collect();
        let choice = badge.requires_any.as_ref().and_then(|any| {
            let held = any.of.iter().filter(|slug| holds(slug)).count();
            (held < any.count).then(|| {
                (
                    any.count - held,
                    any.of.iter().filter(|slug| !holds(slug)).cloned().collect(),
                )
            })
        });
        Unmet { missing, choice }
    }

    /// The further languages: every language but the default.
    pub fn further_languages(&self) -> &[String] {
        self.languages.get(1..).unwrap_or_default()
    }
}

/// What a recipient lacks of a badge's pathway (see
/// [`Site::unmet_requirements`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unmet {
    /// Badges of `requires` they do not hold.
    pub missing: Vec<String>,
    /// For `requires_any`: how many more they need, and of which badges.
    pub choice: Option<(usize, Vec<String>)>,
}

impl Unmet {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.choice.is_none()
    }
}

impl Badge {
    /// Whether the badge is part of a pathway (it requires other badges).
    pub fn has_requirements(&self) -> bool {
        !self.requires.is_empty() || self.requires_any.is_some()
    }

    /// Every badge this one requires directly, `requires` then `requires_any`.
    pub fn required_slugs(&self) -> impl Iterator<Item = &str> {
        self.requires
            .iter()
            .chain(self.requires_any.iter().flat_map(|any| any.of.iter()))
            .map(String::as_str)
    }

    /// The badge's `name` in `lang`, or in the default language.
    pub fn name_in(&self, lang: &str) -> &str {
        self.translations
            .get(lang)
            .and_then(|t| t.name.as_deref())
            .unwrap_or(&self.name)
    }
}

impl Identity {
    /// Whether two identities name the same person, as far as the repository
    /// can tell: plaintext emails compare lowercased, hashes by value (a
    /// plaintext email against a hash is hashed with that hash's salt by
    /// `hash`), DIDs by value. Different kinds never match.
    pub fn same_as(&self, other: &Identity, hash: impl Fn(&str, &str) -> String) -> bool {
        match (self, other) {
            (Identity::Email(a), Identity::Email(b)) => a == b,
            (Identity::Did(a), Identity::Did(b)) => a == b,
            (Identity::EmailHash { hash: a, .. }, Identity::EmailHash { hash: b, .. }) => {
                a.eq_ignore_ascii_case(b)
            }
            (Identity::Email(email), Identity::EmailHash { hash: h, salt })
            | (Identity::EmailHash { hash: h, salt }, Identity::Email(email)) => {
                hash(email, salt).eq_ignore_ascii_case(h)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
impl Award {
    /// An award for tests: issued then to a `did:key`, nothing optional.
    pub(crate) fn for_tests(id: &str, issued: time::OffsetDateTime) -> Award {
        Award {
            id: id.into(),
            recipient: Recipient {
                identity: Identity::Did("did:key:z6Mk".into()),
                name: None,
                handle: None,
            },
            issued,
            expires: None,
            narrative: None,
            evidence: Vec::new(),
            revoked: None,
            file: "badges/b.toml".into(),
            spans: FieldSpans::new(),
        }
    }
}

#[cfg(test)]
impl Badge {
    /// A badge for tests: named by its slug, holding `awards`, nothing
    /// optional.
    pub(crate) fn for_tests(slug: &str, awards: Vec<Award>) -> Badge {
        Badge {
            slug: slug.into(),
            name: slug.into(),
            description: String::new(),
            criteria: String::new(),
            image: BadgeImage {
                source: std::path::PathBuf::new(),
                extension: "svg",
            },
            image_alt: String::new(),
            achievement_type: None,
            tags: Vec::new(),
            valid_for: None,
            alignments: Vec::new(),
            requires: Vec::new(),
            requires_any: None,
            completion: None,
            translations: Default::default(),
            endorsements: Vec::new(),
            endorser_documents: Vec::new(),
            awards,
            file: String::new(),
            spans: FieldSpans::new(),
        }
    }
}

#[cfg(test)]
impl Site {
    /// A site for tests: one badge `b` holding `awards`; plaintext emails
    /// allowed, nothing optional.
    pub(crate) fn for_tests(awards: Vec<Award>) -> Site {
        Site {
            base_url: "https://example.org/".into(),
            title: "t".into(),
            language: "en".into(),
            languages: vec!["en".into()],
            declares_languages: false,
            translations: Default::default(),
            theme: "default".into(),
            recipients: RecipientPolicy::Any,
            issuer: Issuer {
                name: "i".into(),
                url: "https://example.org/".into(),
                email: "a@example.org".into(),
                description: None,
                image: None,
                linkedin_org_id: None,
            },
            keys: Vec::new(),
            pages: Vec::new(),
            badges: vec![Badge::for_tests("b", awards)],
            static_files: Vec::new(),
            root: ".".into(),
            spans: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn badge(slug: &str, awards: Vec<Award>) -> Badge {
        Badge::for_tests(slug, awards)
    }

    fn award(id: &str, identity: Identity, revoked: bool) -> Award {
        let at = time::OffsetDateTime::UNIX_EPOCH;
        let mut award = Award::for_tests(id, at);
        award.recipient.identity = identity;
        award.revoked = revoked.then(|| Revocation {
            on: at,
            reason: "r".into(),
        });
        award
    }

    /// `sha256$` + the email and salt joined, enough to compare by value.
    fn fake_hash(email: &str, salt: &str) -> String {
        format!("sha256${email}{salt}")
    }

    #[test]
    fn unmet_requirements_count_only_unrevoked_awards_of_the_same_recipient() {
        let ada = Identity::Email("ada@example.org".into());
        let ada_hashed = Identity::EmailHash {
            hash: "sha256$ada@example.orgS".into(),
            salt: "S".into(),
        };
        let bob = Identity::Did("did:key:z6Mkbob".into());
        let mut pathway = badge("p", Vec::new());
        pathway.requires = vec!["a".into(), "b".into()];
        pathway.requires_any = Some(RequiresAny {
            count: 1,
            of: vec!["c".into(), "d".into()],
        });
        let site_badges = vec![
            badge("a", vec![award("a1", ada_hashed.clone(), false)]),
            badge(
                "b",
                vec![
                    award("b1", ada.clone(), true),
                    award("b2", bob.clone(), false),
                ],
            ),
            badge("c", vec![award("c1", bob.clone(), false)]),
            badge("d", Vec::new()),
            pathway.clone(),
        ];
        let mut site_badges = site_badges;
        site_badges.sort_by(|x, y| x.slug.cmp(&y.slug));
        let site = Site {
            base_url: String::new(),
            title: String::new(),
            language: "en".into(),
            languages: vec!["en".into()],
            declares_languages: false,
            translations: BTreeMap::new(),
            theme: "default".into(),
            recipients: RecipientPolicy::Any,
            issuer: Issuer {
                name: String::new(),
                url: String::new(),
                email: String::new(),
                description: None,
                image: None,
                linkedin_org_id: None,
            },
            keys: Vec::new(),
            pages: Vec::new(),
            badges: site_badges,
            static_files: Vec::new(),
            root: PathBuf::new(),
            spans: FieldSpans::new(),
        };
        let unmet = site.unmet_requirements(&pathway, &ada, fake_hash);
        assert_eq!(
            unmet.missing,
            ["b"],
            "a is held (hashed), b's award is revoked"
        );
        assert_eq!(unmet.choice, Some((1, vec!["c".into(), "d".into()])));
        let unmet = site.unmet_requirements(&pathway, &bob, fake_hash);
        assert_eq!(unmet.missing, ["a"]);
        assert_eq!(unmet.choice, None);
        assert!(!unmet.is_empty());
    }
}
