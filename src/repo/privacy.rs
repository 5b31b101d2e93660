//! Recipients' privacy in the repository: the warning for plaintext emails,
//! and `rosette hash-recipients`, which replaces them in place by the
//! `email_hash` + `salt` that `rosette award` writes.
//!
//! A badge repository is public on free GitHub Pages, and git keeps every
//! version of a file: a plaintext email in `badges/` is readable by anyone,
//! even though the built site publishes only its hash. With `recipients =
//! "any"` every plaintext email is a warning (`rosette check` and `build`);
//! with `"hashed-only"` it is an error.
//!
//! **Salts.** With the signing key, `hash-recipients` uses the salt the
//! build already derives for that award (credential/recipient.rs), so the
//! published credentials and assertions keep every byte. Without it, each
//! email gets a fresh random salt: published credentials of those awards are
//! re-issued with the new hash on the next build (same URL, still valid),
//! and a credential an earner already holds keeps verifying.

use std::path::Path;

use toml_edit::{Item, Key, TableLike, Value};

use super::award::random_salt;
use super::edit::{self, Changes, TomlFile};
use crate::credential::recipient::{identity_hash, salt};
use crate::diagnostic::{MAX_SHOWN, Sources};
use crate::error::Error;
use crate::model::{Identity, RecipientPolicy, Site};

/// One warning per plaintext email (the first [`MAX_SHOWN`], then a count)
/// when the policy is `any`.
pub fn warnings(site: &Site, sources: &Sources) -> Vec<String> {
    if site.recipients != RecipientPolicy::Any {
        return Vec::new();
    }
    // In file order, as a person reads them: each key looked up once (a
    // lookup per comparison was 7 % of a no-change rebuild of 20,000 awards).
    let mut plain: Vec<(&str, usize, &crate::model::Award)> = site
        .awards()
        .filter(|(_, a)| matches!(a.recipient.identity, Identity::Email(_)))
        .map(|(_, a)| {
            let at = a.spans.get("recipient").map_or(0, |s| s.start);
            (a.file.as_str(), at, a)
        })
        .collect();
    // Only the first MAX_SHOWN are named: found, then sorted.
    let total = plain.len();
    if total > MAX_SHOWN {
        plain.select_nth_unstable_by_key(MAX_SHOWN, |&(file, at, _)| (file, at));
        plain.truncate(MAX_SHOWN);
    }
    plain.sort_unstable_by_key(|&(file, at, _)| (file, at));
    let mut out: Vec<String> = plain
        .iter()
        .map(|&(_, _, award)| {
            let at = award
                .spans
                .get("recipient")
                .and_then(|span| sources.line_col(&award.file, span.start))
                .map_or(String::new(), |(line, col)| format!(":{line}:{col}"));
            format!(
                "{}{at}: award `{}` names its recipient by a plaintext email, which anyone who can \
                 read the repository can read: run `rosette hash-recipients` to hash it in place",
                award.file, award.id
            )
        })
        .collect();
    if total > MAX_SHOWN {
        out.push(format!(
            "{} more awards name their recipients by plaintext emails: run `rosette hash-recipients`",
            total - MAX_SHOWN
        ));
    }
    out
}

/// What `hash-recipients` changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hashed {
    /// Ids of the awards whose email was hashed, in file order.
    pub awards: Vec<String>,
    /// Files edited, relative to the root.
    pub files: Vec<String>,
}

/// Replaces every plaintext `email` of an award by `email_hash` + `salt`,
/// keeping ids, names, the order of the recipient's keys and every other
/// byte. `salt_key` is the build's recipient salt key (from the signing
/// key): with it the published hash does not change.
pub fn hash_recipients(
    root: &Path,
    salt_key: Option<&[u8; 32]>,
) -> Result<(Changes, Hashed), Error> {
    let mut changes = Changes::default();
    let mut done = Hashed::default();
    for path in edit::award_files(root)? {
        let rel = edit::relative(root, &path);
        let mut file = match TomlFile::read(root, &rel) {
            Ok(file) => file,
            Err(error) => {
                changes.undo();
                return Err(error);
            }
        };
        let mut hashed_here = Vec::new();
        for award in edit::awards_mut(&mut file.doc) {
            let Some(id) = award.get("id").and_then(Item::as_str).map(str::to_string) else {
                continue;
            };
            let Some(recipient) = award.get_mut("recipient").and_then(Item::as_table_like_mut)
            else {
                continue;
            };
            let Some(email) = recipient
                .get("email")
                .and_then(Item::as_str)
                .map(str::to_lowercase)
            else {
                continue;
            };
            let salt = match salt_key {
                Some(key) => salt(key, &id),
                None => match random_salt() {
                    Ok(salt) => salt,
                    Err(error) => {
                        changes.undo();
                        return Err(error);
                    }
                },
            };
            replace_email(recipient, &identity_hash(&email, &salt), &salt);
            hashed_here.push(id);
        }
        if hashed_here.is_empty() {
            continue;
        }
        if let Err(error) = changes.write(&path, file.edited().as_bytes()) {
            changes.undo();
            return Err(error);
        }
        done.files.push(rel);
        done.awards.extend(hashed_here);
    }
    Ok((changes, done))
}

/// `email = "…"` → `email_hash = "…", salt = "…"` at the same place, with
/// the same spacing.
fn replace_email(recipient: &mut dyn TableLike, hash: &str, salt: &str) {
    let entries: Vec<(Key, Item)> = recipient
        .iter()
        .filter_map(|(k, item)| Some((recipient.key(k)?.clone(), item.clone())))
        .collect();
    recipient.clear();
    for (key, item) in entries {
        if key.get() != "email" {
            recipient.entry_format(&key).or_insert(item);
            continue;
        }
        let decor = key.leaf_decor().clone();
        let value_decor = item
            .as_value()
            .map(|v| v.decor().clone())
            .unwrap_or_default();
        for (name, text) in [("email_hash", hash), ("salt", salt)] {
            let mut value = Value::from(text);
            *value.decor_mut() = value_decor.clone();
            recipient
                .entry_format(&Key::new(name).with_leaf_decor(decor.clone()))
                .or_insert(Item::Value(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Awards of two files, not in file order: the warnings name the first
    /// MAX_SHOWN in file order, each with its line, then count the rest.
    #[test]
    fn warnings_name_the_first_plaintext_emails_in_file_order_then_count_the_rest() {
        use crate::model::{Award, Identity, Site};
        let total = MAX_SHOWN + 7;
        let line = "recipient = { email = \"x@example.org\" }\n";
        let mut sources = Sources::default();
        for file in ["badges/a.toml", "badges/b.toml"] {
            sources.insert(file, line.repeat(total));
        }
        // Award n is in file a (even n) or b (odd n), on line n / 2 + 1;
        // listed from the last to the first.
        let awards = (0..total)
            .rev()
            .map(|n| {
                let mut award =
                    Award::for_tests(&format!("a-{n}"), time::OffsetDateTime::UNIX_EPOCH);
                award.recipient.identity = Identity::Email("x@example.org".into());
                award.file = if n % 2 == 0 {
                    "badges/a.toml"
                } else {
                    "badges/b.toml"
                }
                .into();
                let at = (n / 2) * line.len() + 12;
                award.spans.insert("recipient", at..at + 24);
                award
            })
            .collect();
        let site = Site::for_tests(awards);
        let found = warnings(&site, &sources);
        let in_file_a = total.div_ceil(2);
        let expected: Vec<String> = (0..total)
            .filter(|n| n % 2 == 0)
            .chain((0..total).filter(|n| n % 2 == 1))
            .take(MAX_SHOWN)
            .map(|n| {
                let file = if n % 2 == 0 { "a" } else { "b" };
                format!("badges/{file}.toml:{}:13: award `a-{n}` names", n / 2 + 1)
            })
            .collect();
        assert_eq!(found.len(), MAX_SHOWN + 1);
        for (warning, start) in found.iter().zip(&expected) {
            assert!(warning.starts_with(start.as_str()), "{warning} / {start}");
        }
        assert!(in_file_a < MAX_SHOWN, "both files are named");
        assert!(
            found[MAX_SHOWN].starts_with("7 more awards name their recipients"),
            "{}",
            found[MAX_SHOWN]
        );
    }

    fn hashed(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("badges")).unwrap();
        let path = dir.path().join("badges/a.toml");
        std::fs::write(&path, text).unwrap();
        let (_, done) = hash_recipients(dir.path(), Some(&[7; 32])).unwrap();
        assert!(!done.awards.is_empty());
        std::fs::read_to_string(&path).unwrap()
    }

    #[test]
    fn an_inline_recipient_keeps_its_place_and_spacing() {
        let text = "[[award]]\nid = \"a-1\" # keep\nrecipient = { email = \"Ada@Example.org\", name = \"Ada\" }\nissued = 2026-01-01\n";
        let after = hashed(text);
        let salt = salt(&[7; 32], "a-1");
        let hash = identity_hash("ada@example.org", &salt);
        assert_eq!(
            after,
            text.replace(
                "email = \"Ada@Example.org\"",
                &format!("email_hash = \"{hash}\", salt = \"{salt}\"")
            )
        );
    }

    #[test]
    fn a_recipient_table_is_hashed_too() {
        let text = "[[award]]\nid = \"a-2\"\nissued = 2026-01-01\n\n[award.recipient]\nemail = \"b@example.org\"\nname = \"B\"\n";
        let after = hashed(text);
        let salt = salt(&[7; 32], "a-2");
        let hash = identity_hash("b@example.org", &salt);
        assert_eq!(
            after,
            text.replace(
                "email = \"b@example.org\"\n",
                &format!("email_hash = \"{hash}\"\nsalt = \"{salt}\"\n")
            )
        );
    }
}
