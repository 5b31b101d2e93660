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
pub type FieldSpans = BTreeMap<String, Range<usize>>;

/// A whole badge repository, ready to build.
#[derive(Debug, Clone)]
pub struct Site {
    /// Absolute URL where the output is served; always ends with `/`.
    pub base_url: String,
    pub title: String,
    pub language: String,
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
    /// Sorted by issue date, then id.
    pub awards: Vec<Award>,
    /// `badges/<slug>.toml`.
    pub file: String,
    /// Spans of the `[badge]` values in `file`.
    pub spans: FieldSpans,
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
}
