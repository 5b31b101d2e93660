//! Fingerprints: what an award's files depend on, as one digest, so a build
//! can keep the files of every award whose fingerprint did not change
//! ([`crate::output::Sink::reuse`]) instead of signing and rendering it
//! again.
//!
//! An award's files (its page, credential and assertion) are made from:
//!
//! - the site: everything of `site/site.toml` (its languages and
//!   translations too) and the site's pages list (not the other badges or
//!   awards), the theme's templates and strings files, the signing facts
//!   and key, Rosette's version;
//! - its badge, without the badge's awards, and the names of the badges it
//!   requires (its credential's prerequisites name them);
//! - the award itself and its status slot.
//!
//! Nothing else: `site::pages::award` and `credential::issue` read no
//! other award, and of other badges only the names of required ones. The
//! fingerprint is a SHA-256 of exactly those values (an award's texts,
//! instants and slot as tagged bytes, the rest in their `Debug` form), with
//! every struct taken apart field by field so that a field added to the
//! model must be placed here (or the build does not compile). Where a value
//! is left out, the comment says why: the spans and file names of records
//! only locate problems in reports, and moving the repository changes no
//! output.
//!
//! `ROSETTE_CHECK_REUSE=1` (set by the test suite) makes every kept award
//! be made again and compared, so a fingerprint that misses a dependency
//! fails the tests instead of publishing a stale file.

use std::fmt::{self, Debug, Write as _};

use sha2::{Digest as _, Sha256};

use crate::model::{Award, Badge, BadgeImage, Identity, Recipient, Site, Slot};
use crate::output::Digest;
use crate::site::Theme;
use crate::site::view::Signing;

/// Bump when what a fingerprint covers changes meaning.
const MEMO_FORMAT: u32 = 5;

/// What a fingerprint is made of, as bytes, then hashed once (small writes
/// straight into a SHA-256 cost a copy each: most of an award's print).
/// Every value is written so that fields cannot run into each other: texts
/// with their length, `Option`s with a tag, the rest in their `Debug` form
/// (strings in it are quoted and escaped).
struct Hasher(Vec<u8>);

impl fmt::Write for Hasher {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl Hasher {
    fn new(kind: &str) -> Self {
        let mut hasher = Hasher(Vec::with_capacity(512));
        hasher.text("kind", Some(kind));
        hasher.bytes("format", &MEMO_FORMAT.to_le_bytes());
        hasher.text("rosette", Some(env!("CARGO_PKG_VERSION")));
        hasher
    }

    /// Writes `name=value;` with the value's `Debug` form.
    fn field(&mut self, name: &str, value: &dyn Debug) {
        let _ = write!(self, "{name}={value:?};");
    }

    /// Writes `name=`, bytes of a fixed width for this name (a digest's 32
    /// bytes as they are, not their `Debug` list of numbers), and `;`.
    fn bytes(&mut self, name: &str, bytes: &[u8]) {
        self.0.extend_from_slice(name.as_bytes());
        self.0.push(b'=');
        self.0.extend_from_slice(bytes);
        self.0.push(b';');
    }

    /// Writes `name=`, then `0` for no text or `1`, its length and its
    /// bytes (not through `Debug`'s escaping, char by char).
    fn text(&mut self, name: &str, text: Option<&str>) {
        self.0.extend_from_slice(name.as_bytes());
        self.0.push(b'=');
        match text {
            Some(text) => {
                self.0.push(b'1');
                self.0.extend_from_slice(&(text.len() as u64).to_le_bytes());
                self.0.extend_from_slice(text.as_bytes());
            }
            None => self.0.push(b'0'),
        }
        self.0.push(b';');
    }

    /// Writes an instant as nanoseconds and offset seconds (the offset
    /// counts: dates are shown with it), `0` for none.
    fn moment(&mut self, name: &str, moment: Option<&time::OffsetDateTime>) {
        let mut bytes = [0u8; 21];
        if let Some(t) = moment {
            bytes[0] = b'1';
            bytes[1..17].copy_from_slice(&t.unix_timestamp_nanos().to_le_bytes());
            bytes[17..].copy_from_slice(&t.offset().whole_seconds().to_le_bytes());
        }
        self.bytes(name, &bytes);
    }

    fn finish(self) -> Digest {
        Sha256::digest(&self.0).into()
    }
}

/// What every award's files depend on besides their badge and themselves.
pub(super) fn site(
    site: &Site,
    theme: &Theme,
    signing: Option<&Signing>,
    signer: Option<(&str, [u8; 32])>,
) -> Digest {
    let Site {
        base_url,
        title,
        language,
        languages,
        declares_languages,
        translations,
        theme: theme_name,
        recipients,
        issuer,
        keys,
        pages,
        badges: _, // each award depends on its own badge only
        static_files,
        root: _,  // where the repository is changes no output
        spans: _, // locations for reports
    } = site;
    let mut h = Hasher::new("site");
    h.field("base_url", base_url);
    h.field("title", title);
    h.field("language", language);
    h.field("languages", languages);
    h.field("declares_languages", declares_languages);
    h.field("translations", translations);
    h.field("theme", theme_name);
    h.field("recipients", recipients);
    h.field("issuer", issuer);
    h.field("keys", keys);
    h.field("pages", pages);
    h.field("static_files", static_files);
    for template in &theme.templates {
        h.field("template", &(&template.name, &template.source));
    }
    for strings in &theme.strings {
        h.field("strings", strings);
    }
    h.field("signing", &signing);
    h.field("signer", &signer);
    h.finish()
}

/// What an award's files depend on in its badge: all of it but its awards,
/// with the names of the badges it requires (in every language).
pub(super) fn badge(site: &Site, badge: &Badge) -> Digest {
    let Badge {
        slug,
        name,
        description,
        criteria,
        image:
            BadgeImage {
                source, // its bytes decide whether award pages get a social preview
                extension,
            },
        image_alt,
        achievement_type,
        tags,
        valid_for,
        alignments,
        requires,
        requires_any,
        completion,
        translations,
        endorsements,
        endorser_documents,
        awards: _, // an award depends on itself, not on the others
        file: _,   // locations for reports
        spans: _,
    } = badge;
    let mut h = Hasher::new("badge");
    h.field("slug", slug);
    h.field("name", name);
    h.field("description", description);
    h.field("criteria", criteria);
    h.field("extension", extension);
    let image: Option<Digest> = std::fs::read(source)
        .ok()
        .map(|bytes| Sha256::digest(bytes).into());
    h.field("image", &image);
    h.field("image_alt", image_alt);
    h.field("achievement_type", achievement_type);
    h.field("tags", tags);
    h.field("valid_for", valid_for);
    h.field("alignments", alignments);
    h.field("requires", requires);
    h.field("requires_any", requires_any);
    h.field("completion", completion);
    h.field("translations", translations);
    h.field("endorsements", endorsements);
    h.field("endorser_documents", endorser_documents);
    for slug in badge.required_slugs() {
        let required = site.badge(slug).map(|b| (&b.name, &b.translations));
        h.field("required", &(slug, required));
    }
    h.finish()
}

/// What a badge page depends on: the site, every badge (its pathway names
/// the badges it requires), and the prints of its own awards, in order (its
/// earners; an award's print covers more than the page shows, which only
/// costs a page made again).
pub(super) fn badge_page(site: &Digest, badges: &[Digest], awards: &[Digest]) -> Digest {
    let mut h = Hasher::new("badge page");
    h.bytes("site", site);
    for badge in badges {
        h.bytes("badge", badge);
    }
    for award in awards {
        h.bytes("award", award);
    }
    h.finish()
}

/// The fingerprint of an award's files.
pub(super) fn award(site: &Digest, badge: &Digest, award: &Award, slot: Option<&Slot>) -> Digest {
    let Award {
        id,
        recipient,
        issued,
        expires,
        narrative,
        evidence,
        revoked,
        file: _,  // locations for reports
        spans: _, // shift when an earlier award of the same file is edited
    } = award;
    let Recipient {
        identity,
        name,
        handle,
    } = recipient;
    let mut h = Hasher::new("award");
    h.bytes("site", site);
    h.bytes("badge", badge);
    h.text("id", Some(id));
    match identity {
        Identity::Email(email) => h.text("email", Some(email)),
        Identity::EmailHash { hash, salt } => {
            h.text("email_hash", Some(hash));
            h.text("salt", Some(salt));
        }
        Identity::Did(did) => h.text("did", Some(did)),
    }
    h.text("name", name.as_deref());
    h.text("handle", handle.as_deref());
    h.moment("issued", Some(issued));
    h.moment("expires", expires.as_ref());
    h.text("narrative", narrative.as_deref());
    // Most awards have neither; `Debug` is fine for the few that do.
    if !evidence.is_empty() {
        h.field("evidence", evidence);
    }
    if revoked.is_some() {
        h.field("revoked", revoked);
    }
    let mut place = [0u8; 17];
    if let Some(Slot { list, index }) = slot {
        place[0] = b'1';
        place[1..9].copy_from_slice(&(*list as u64).to_le_bytes());
        place[9..].copy_from_slice(&(*index as u64).to_le_bytes());
    }
    h.bytes("slot", &place);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> crate::build::Plan {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        crate::build::plan(&root, None).unwrap()
    }

    #[test]
    fn fingerprints_change_with_what_the_files_show_and_not_with_positions() {
        let plan = plan();
        let (badge, award_) = plan.site.awards().next().unwrap();
        let theme = Theme::default();
        let s = site(&plan.site, &theme, None, None);
        let b = super::badge(&plan.site, badge);
        let base = award(&s, &b, award_, None);
        assert_eq!(base, award(&s, &b, award_, None), "deterministic");

        let mut moved = award_.clone();
        moved.spans.values_mut().for_each(|span| *span = 1000..1001);
        moved.file = "badges/elsewhere.toml".into();
        assert_eq!(award(&s, &b, &moved, None), base, "positions do not count");

        let mut renamed = award_.clone();
        renamed.recipient.name = Some("Someone else".into());
        assert_ne!(award(&s, &b, &renamed, None), base);
        // A text moved from one field to the next is another award.
        let (mut first, mut second) = (award_.clone(), award_.clone());
        first.recipient.name = Some("ab".into());
        first.recipient.handle = None;
        second.recipient.name = None;
        second.recipient.handle = Some("ab".into());
        assert_ne!(award(&s, &b, &first, None), award(&s, &b, &second, None));
        let mut told = award_.clone();
        told.narrative = Some(String::new());
        let mut silent = award_.clone();
        silent.narrative = None;
        assert_ne!(award(&s, &b, &told, None), award(&s, &b, &silent, None));

        let mut proven = award_.clone();
        proven.evidence.push(crate::model::Evidence {
            url: None,
            name: Some("Notes".into()),
            description: None,
            narrative: None,
        });
        assert_ne!(award(&s, &b, &proven, None), base);
        let mut ending = award_.clone();
        ending.expires = Some(ending.issued + time::Duration::days(1));
        assert_ne!(award(&s, &b, &ending, None), base);
        ending.expires = ending
            .expires
            .map(|t| t.to_offset(time::UtcOffset::from_hms(2, 0, 0).unwrap()));
        assert_ne!(
            award(&s, &b, &ending, None),
            award(
                &s,
                &b,
                &{
                    let mut utc = ending.clone();
                    utc.expires = utc.expires.map(|t| t.to_offset(time::UtcOffset::UTC));
                    utc
                },
                None
            ),
            "the same instant in another offset is shown otherwise"
        );

        let slot = Slot { list: 1, index: 7 };
        assert_ne!(award(&s, &b, award_, Some(&slot)), base);

        let mut other_badge = badge.clone();
        other_badge.description.push('!');
        assert_ne!(
            award(&s, &super::badge(&plan.site, &other_badge), award_, None),
            base
        );
        other_badge = badge.clone();
        other_badge.awards.clear();
        assert_eq!(
            super::badge(&plan.site, &other_badge),
            b,
            "the badge's awards do not count"
        );

        let mut other_site = plan.site.clone();
        other_site.title.push('!');
        assert_ne!(site(&other_site, &theme, None, None), s);
        other_site = plan.site.clone();
        other_site.badges.clear();
        other_site.root = "/elsewhere".into();
        assert_eq!(site(&other_site, &theme, None, None), s);
        assert_ne!(site(&plan.site, &theme, None, Some(("key-1", [0; 32]))), s);
    }
}
