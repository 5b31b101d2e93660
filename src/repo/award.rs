//! New awards, as `rosette award` and `rosette import` write them: a fresh
//! permanent id, a hashed recipient, and an `[[award]]` table appended to
//! the badge's file with every other byte of it kept.
//!
//! **Hashed recipients.** Unless asked for a plaintext email, an email is
//! written as `email_hash` + `salt`: the salt is 16 fresh random bytes in
//! hex, and the hash is [`identity_hash`] of the lowercased email and that
//! salt, exactly the `identityHash` (OB 3.0) and `recipient.identity`
//! (OB 2.0) that the build publishes for an `email_hash` recipient
//! (credential/ob3.rs, ob2.rs). The salt is written beside the hash because
//! the build publishes both; a build needs neither the email nor the key
//! to reproduce them.
//!
//! **Ids.** 10 characters of lowercase base32 (`a-z`, `2-7`, 50 random
//! bits), drawn from the operating system and checked against every award
//! id in `badges/` and in `rosette.lock`, so an id is never reused, not even
//! one whose award was dropped from the lock on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

use super::edit::{self, Changes};
use super::limits;
use super::validate::rules;
use crate::credential::recipient::{hex, identity_hash};
use crate::error::Error;
use crate::model::{Identity, RecipientPolicy, Site};

/// Who receives an award, as given on the command line or in a CSV row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// An email; written hashed unless `plain`.
    Email {
        address: String,
        plain: bool,
    },
    Did(String),
}

/// One piece of evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceRequest {
    pub url: Option<String>,
    pub name: Option<String>,
    pub narrative: Option<String>,
}

/// An award to add, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub badge: String,
    pub who: Who,
    pub name: Option<String>,
    /// `None`: today (UTC).
    pub issued: Option<toml_edit::Datetime>,
    pub expires: Option<toml_edit::Datetime>,
    pub narrative: Option<String>,
    pub evidence: Vec<EvidenceRequest>,
}

/// An award with its id and recipient decided, ready to be written.
#[derive(Debug, Clone)]
pub struct NewAward {
    pub id: String,
    pub badge: String,
    /// Lowercased; `None` for a DID recipient. Never written to `badges/`
    /// unless the award is plaintext: only to a mail-merge file.
    pub email: Option<String>,
    pub name: Option<String>,
    /// The TOML text of the `[[award]]` table.
    pub toml: String,
    table: Table,
}

impl Request {
    /// Every problem with this request for `site`, each as "what is wrong"
    /// (the caller adds where: a command-line flag or a CSV line).
    pub fn problems(&self, site: &Site) -> Vec<String> {
        let mut out = Vec::new();
        let badge = site.badges.iter().find(|b| b.slug == self.badge);
        if badge.is_none() {
            let known: Vec<String> = site
                .badges
                .iter()
                .map(|b| format!("`{}`", b.slug))
                .collect();
            out.push(format!(
                "unknown badge `{}` (the badges are {})",
                self.badge,
                if known.is_empty() {
                    "none yet".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
        match &self.who {
            Who::Email { address, plain } => {
                if let Err(expected) = rules::email(address) {
                    out.push(format!("bad email `{address}`: expected {expected}"));
                }
                if *plain && site.recipients == RecipientPolicy::HashedOnly {
                    out.push(
                        "a plaintext email in a `hashed-only` repository (site.toml sets \
                         `recipients = \"hashed-only\"`): leave out --plain"
                            .into(),
                    );
                }
            }
            Who::Did(did) => {
                if let Err(expected) = rules::did(did) {
                    out.push(format!("bad DID `{did}`: expected {expected}"));
                }
            }
        }
        let text = |what: &str, value: &Option<String>, limit: usize, markdown: bool| {
            let value = value.as_ref()?;
            let checked = rules::text(value)
                .and_then(|()| rules::at_most(value, limit))
                .and_then(|()| {
                    if markdown {
                        rules::markdown(value)
                    } else {
                        Ok(())
                    }
                })
                .and_then(|()| portable_text(value));
            checked
                .err()
                .map(|expected| format!("bad {what}: expected {expected}"))
        };
        out.extend(text("name", &self.name, limits::SHORT_TEXT, false));
        out.extend(text("narrative", &self.narrative, limits::LONG_TEXT, true));
        if self.evidence.len() > limits::LIST_ITEMS {
            out.push(format!(
                "too many evidence items: at most {}",
                limits::LIST_ITEMS
            ));
        }
        for evidence in &self.evidence {
            if let Some(url) = &evidence.url
                && let Err(expected) = rules::web_url(url)
            {
                out.push(format!("bad evidence URL `{url}`: expected {expected}"));
            }
            out.extend(text(
                "evidence name",
                &evidence.name,
                limits::SHORT_TEXT,
                false,
            ));
            out.extend(text(
                "evidence narrative",
                &evidence.narrative,
                limits::LONG_TEXT,
                true,
            ));
        }
        let issued = self
            .issued
            .unwrap_or_else(|| edit::date_value(edit::today()));
        let issued = match rules::datetime(&issued) {
            Ok(at) => Some(at),
            Err(expected) => {
                out.push(format!("bad issue date: expected {expected}"));
                None
            }
        };
        if let Some(expires) = &self.expires {
            match (rules::datetime(expires), issued) {
                (Ok(expires), Some(issued)) if expires <= issued => out.push(format!(
                    "the expiry date {} is not after the issue date {}",
                    crate::model::day(expires),
                    crate::model::day(issued)
                )),
                (Err(expected), _) => out.push(format!("bad expiry date: expected {expected}")),
                _ => {}
            }
        }
        out
    }

    /// Whether `identity` is this request's recipient: the same DID, the
    /// same email (case-insensitively), or an `email_hash` that this email
    /// hashes to with that award's own salt.
    /// The recipient as the model names one (a plaintext email lowercased,
    /// as awards compare it).
    pub fn identity(&self) -> Identity {
        match &self.who {
            Who::Did(did) => Identity::Did(did.clone()),
            Who::Email { address, .. } => Identity::Email(address.to_lowercase()),
        }
    }

    pub fn same_recipient(&self, identity: &Identity) -> bool {
        match (&self.who, identity) {
            (Who::Did(a), Identity::Did(b)) => a == b,
            (Who::Email { address, .. }, Identity::Email(b)) => address.to_lowercase() == *b,
            (Who::Email { address, .. }, Identity::EmailHash { hash, salt }) => {
                identity_hash(&address.to_lowercase(), salt) == *hash
            }
            _ => false,
        }
    }

    /// The award with `id`: its recipient hashed with a fresh salt (unless
    /// plaintext), its TOML table rendered.
    pub fn into_award(self, id: String) -> Result<NewAward, Error> {
        let mut table = Table::new();
        table.insert("id", toml_edit::value(id.as_str()));
        let mut recipient = InlineTable::new();
        let email = match &self.who {
            Who::Email { address, plain } => {
                let lower = address.to_lowercase();
                if *plain {
                    recipient.insert("email", Value::from(address.as_str()));
                } else {
                    let salt = random_salt()?;
                    recipient.insert("email_hash", Value::from(identity_hash(&lower, &salt)));
                    recipient.insert("salt", Value::from(salt));
                }
                Some(lower)
            }
            Who::Did(did) => {
                recipient.insert("did", Value::from(did.as_str()));
                None
            }
        };
        if let Some(name) = &self.name {
            recipient.insert("name", Value::from(name.as_str()));
        }
        table.insert("recipient", Item::Value(Value::InlineTable(recipient)));
        let issued = self
            .issued
            .unwrap_or_else(|| edit::date_value(edit::today()));
        table.insert("issued", toml_edit::value(issued));
        if let Some(expires) = self.expires {
            table.insert("expires", toml_edit::value(expires));
        }
        if let Some(narrative) = &self.narrative {
            table.insert("narrative", toml_edit::value(narrative.as_str()));
        }
        if !self.evidence.is_empty() {
            let mut list = Array::new();
            for evidence in &self.evidence {
                let mut item = InlineTable::new();
                for (key, value) in [
                    ("url", &evidence.url),
                    ("name", &evidence.name),
                    ("narrative", &evidence.narrative),
                ] {
                    if let Some(value) = value {
                        item.insert(key, Value::from(value.as_str()));
                    }
                }
                list.push(Value::InlineTable(item));
            }
            table.insert("evidence", toml_edit::value(list));
        }
        let mut doc = DocumentMut::new();
        let mut awards = ArrayOfTables::new();
        awards.push(table.clone());
        doc.insert("award", Item::ArrayOfTables(awards));
        Ok(NewAward {
            id,
            badge: self.badge,
            email,
            name: self.name,
            toml: doc.to_string(),
            table,
        })
    }
}

/// Credentials cannot carry control characters other than line breaks
/// portably (credential/canon.rs refuses them when signing): refused here,
/// before they reach a file.
fn portable_text(value: &str) -> Result<(), String> {
    match value
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\r')
    {
        Some(c) => Err(format!(
            "a text without control characters such as U+{:04X} (credentials cannot carry them portably)",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

/// 16 random bytes in hex: the salt of a hashed recipient.
pub fn random_salt() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Usage(format!("no random source: {e}")))?;
    Ok(hex(&bytes))
}

const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// `count` fresh award ids, none of them in `taken` nor equal to another.
pub fn fresh_ids(count: usize, taken: &BTreeSet<String>) -> Result<Vec<String>, Error> {
    let mut out = BTreeSet::new();
    let mut ids = Vec::with_capacity(count);
    while ids.len() < count {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes).map_err(|e| Error::Usage(format!("no random source: {e}")))?;
        let id: String = bytes
            .iter()
            .map(|b| BASE32[usize::from(b & 31)] as char)
            .collect();
        if !taken.contains(&id) && out.insert(id.clone()) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Every award id the repository has used: in `badges/` and in the lock.
pub fn taken_ids(site: &Site, locked: &BTreeMap<String, crate::model::Slot>) -> BTreeSet<String> {
    site.awards()
        .map(|(_, a)| a.id.clone())
        .chain(locked.keys().cloned())
        .collect()
}

/// Where new awards of `badge` go: `badges/<badge>.toml`, or
/// `badges/<badge>/<file>.toml` with `--file`.
pub fn target_file(badge: &str, file: Option<&str>) -> Result<String, Error> {
    match file {
        None => Ok(format!("badges/{badge}.toml")),
        Some(name) => {
            let stem = name.strip_suffix(".toml").unwrap_or(name);
            rules::slug(stem).map_err(|expected| {
                Error::Usage(format!(
                    "--file {name}: expected {expected} (a file name in badges/{badge}/)"
                ))
            })?;
            Ok(format!("badges/{badge}/{stem}.toml"))
        }
    }
}

/// Appends `awards` to their files (`file` as in [`target_file`]), all of
/// them or none: on a failure every file written is restored.
pub fn write(root: &Path, awards: &[NewAward], file: Option<&str>) -> Result<Changes, Error> {
    let mut by_file: BTreeMap<String, Vec<&NewAward>> = BTreeMap::new();
    for award in awards {
        by_file
            .entry(target_file(&award.badge, file)?)
            .or_default()
            .push(award);
    }
    let mut changes = Changes::default();
    for (rel, awards) in by_file {
        match edited(root, &rel, &awards) {
            Ok(text) => {
                if let Err(error) = changes.write(&root.join(&rel), text.as_bytes()) {
                    changes.undo();
                    return Err(error);
                }
            }
            Err(error) => {
                changes.undo();
                return Err(error);
            }
        }
    }
    Ok(changes)
}

/// The new text of `rel` with `awards` added.
fn edited(root: &Path, rel: &str, awards: &[&NewAward]) -> Result<String, Error> {
    // One addition, appended once: a blank line between awards (appending
    // them one by one would copy the file once per award).
    let addition = awards
        .iter()
        .map(|a| a.toml.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let path = root.join(rel);
    if !path.exists() {
        let badge = awards.first().map_or("", |a| a.badge.as_str());
        let header = format!(
            "# More awards of badge `{badge}` (its definition is in badges/{badge}.toml).\n\
             # Award ids are permanent: once published, never change or reuse them.\n"
        );
        return Ok(edit::append(&header, &addition));
    }
    let mut file = edit::TomlFile::read(root, rel)?;
    // `award = [ { ... } ]`: an inline array; `[[award]]` after it would
    // redefine the key, so the new awards join the array.
    if let Some(array) = file.doc.get_mut("award").and_then(Item::as_array_mut) {
        for award in awards {
            let mut inline = award.table.clone().into_inline_table();
            inline.fmt();
            array.push(Value::InlineTable(inline));
        }
        return Ok(file.edited());
    }
    Ok(edit::append(&file.text, &addition))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(who: Who) -> Request {
        Request {
            badge: "alpha".into(),
            who,
            name: Some("Ada \"the\" Learner".into()),
            issued: edit::parse_datetime("2026-11-01"),
            expires: None,
            narrative: None,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn a_hashed_award_carries_the_hash_the_build_publishes() {
        let award = request(Who::Email {
            address: "Ada@Example.org".into(),
            plain: false,
        })
        .into_award("k7q2m9x4ab".into())
        .unwrap();
        let parsed: toml::Table = award.toml.parse().unwrap();
        let recipient = &parsed["award"][0]["recipient"];
        let salt = recipient["salt"].as_str().unwrap();
        assert_eq!(salt.len(), 32);
        assert_eq!(
            recipient["email_hash"].as_str().unwrap(),
            identity_hash("ada@example.org", salt)
        );
        assert!(
            !award.toml.to_lowercase().contains("ada@example.org"),
            "{}",
            award.toml
        );
        assert_eq!(award.email.as_deref(), Some("ada@example.org"));
        assert!(
            award.toml.starts_with("[[award]]\nid = \"k7q2m9x4ab\"\n"),
            "{}",
            award.toml
        );
        assert!(
            award.toml.contains("issued = 2026-11-01\n"),
            "{}",
            award.toml
        );
        // Two awards of the same email get different salts.
        let other = request(Who::Email {
            address: "ada@example.org".into(),
            plain: false,
        })
        .into_award("x".into())
        .unwrap();
        assert_ne!(other.toml, award.toml.replace("k7q2m9x4ab", "x"));
    }

    #[test]
    fn recipients_match_across_plain_hashed_and_case() {
        let req = request(Who::Email {
            address: "ADA@example.org".into(),
            plain: false,
        });
        assert!(req.same_recipient(&Identity::Email("ada@example.org".into())));
        let salt = "0011";
        let hash = identity_hash("ada@example.org", salt);
        assert!(req.same_recipient(&Identity::EmailHash {
            hash: hash.clone(),
            salt: salt.into()
        }));
        assert!(!req.same_recipient(&Identity::EmailHash {
            hash,
            salt: "0012".into()
        }));
        assert!(!req.same_recipient(&Identity::Did("did:key:z6Mk".into())));
    }

    #[test]
    fn ids_are_fresh_base32_and_avoid_taken_ones() {
        let taken: BTreeSet<String> = ["aaaaaaaaaa".to_string()].into();
        let ids = fresh_ids(500, &taken).unwrap();
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), 500);
        for id in &ids {
            assert_eq!(id.len(), 10);
            assert!(rules::award_id(id).is_ok());
            assert!(id.bytes().all(|b| BASE32.contains(&b)), "{id}");
            assert!(!taken.contains(id));
        }
    }

    #[test]
    fn new_awards_join_an_inline_award_array() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("badges")).unwrap();
        let text = "award = [\n  { id = \"i-1\", recipient = { did = \"did:key:z6Mk\" }, issued = 2026-01-15 },\n]\n\n[badge]\nname = \"A\"\n";
        std::fs::write(dir.path().join("badges/alpha.toml"), text).unwrap();
        let award = request(Who::Did("did:key:z6Mkx".into()))
            .into_award("n-1".into())
            .unwrap();
        write(dir.path(), &[award], None).unwrap();
        let after = std::fs::read_to_string(dir.path().join("badges/alpha.toml")).unwrap();
        assert!(after.starts_with("award = [\n  { id = \"i-1\", recipient = { did = \"did:key:z6Mk\" }, issued = 2026-01-15 },"), "{after}");
        assert!(after.ends_with("\n\n[badge]\nname = \"A\"\n"), "{after}");
        let parsed: toml::Table = after.parse().unwrap();
        assert_eq!(parsed["award"].as_array().unwrap().len(), 2);
        assert_eq!(parsed["award"][1]["id"].as_str(), Some("n-1"));
    }

    #[test]
    fn target_files_are_checked() {
        assert_eq!(target_file("a", None).unwrap(), "badges/a.toml");
        assert_eq!(
            target_file("a", Some("spring-2026")).unwrap(),
            "badges/a/spring-2026.toml"
        );
        assert_eq!(target_file("a", Some("x.toml")).unwrap(), "badges/a/x.toml");
        assert!(target_file("a", Some("../b")).is_err());
    }
}
