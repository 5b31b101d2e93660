//! The validated badge repository: what every later stage (sign, render,
//! write) works from. Everything here has been checked; no stage after
//! validation needs to handle bad input again.

use std::path::PathBuf;

use time::OffsetDateTime;

pub use crate::input::RecipientPolicy;

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
    /// Every award's permanent revocation status slot (see `ledger`).
    pub status_slots: std::collections::BTreeMap<String, crate::status::Slot>,
    /// The new text of `rosette.lock` when this build publishes something
    /// the lock does not record yet.
    pub lock_update: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Issuer {
    pub name: String,
    pub url: String,
    pub email: String,
    pub description: Option<String>,
    /// Path relative to the site root of the output (e.g. `static/logo.png`).
    pub image: Option<String>,
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
}

#[derive(Debug, Clone)]
pub struct BadgeImage {
    /// Where the image is on disk.
    pub source: PathBuf,
    /// `png` or `svg`.
    pub extension: &'static str,
}

impl BadgeImage {
    /// The image's path in the output, relative to the site root.
    pub fn output_path(&self, slug: &str) -> String {
        format!("badges/{slug}/image.{}", self.extension)
    }
}

/// A validity period such as `2y` (design.md: d, w, m, y).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub count: u32,
    pub unit: PeriodUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Period {
    /// Human-readable form, e.g. "2 years".
    pub fn describe(&self) -> String {
        let unit = match self.unit {
            PeriodUnit::Days => "day",
            PeriodUnit::Weeks => "week",
            PeriodUnit::Months => "month",
            PeriodUnit::Years => "year",
        };
        let plural = if self.count == 1 { "" } else { "s" };
        format!("{} {unit}{plural}", self.count)
    }

    /// `start` plus this period. Months and years are calendar months: a
    /// day that does not exist in the target month (31 Jan + 1m) is clamped to
    /// the month's last day. `None` on overflow past year 9999.
    pub fn after(&self, start: OffsetDateTime) -> Option<OffsetDateTime> {
        let count = i64::from(self.count);
        match self.unit {
            PeriodUnit::Days => start.checked_add(time::Duration::days(count)),
            PeriodUnit::Weeks => start.checked_add(time::Duration::weeks(count)),
            PeriodUnit::Months => add_months(start, count),
            PeriodUnit::Years => add_months(start, count.checked_mul(12)?),
        }
    }
}

fn add_months(start: OffsetDateTime, months: i64) -> Option<OffsetDateTime> {
    let index = i64::from(start.year()) * 12 + i64::from(u8::from(start.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    if year > 9999 {
        return None;
    }
    let month = time::Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = start.day().min(month.length(year));
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(start.replace_date(date))
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
    /// `sha256$<hex>` of lowercased email ‖ salt, as `rosette award` writes it.
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn periods_add_calendar_units() {
        let start = datetime!(2024-01-31 00:00 UTC);
        let month = Period {
            count: 1,
            unit: PeriodUnit::Months,
        };
        assert_eq!(month.after(start), Some(datetime!(2024-02-29 00:00 UTC)));
        let years = Period {
            count: 2,
            unit: PeriodUnit::Years,
        };
        assert_eq!(years.after(start), Some(datetime!(2026-01-31 00:00 UTC)));
        let weeks = Period {
            count: 2,
            unit: PeriodUnit::Weeks,
        };
        assert_eq!(weeks.after(start), Some(datetime!(2024-02-14 00:00 UTC)));
        let huge = Period {
            count: 100_000,
            unit: PeriodUnit::Years,
        };
        assert_eq!(huge.after(start), None);
        assert_eq!(years.describe(), "2 years");
        assert_eq!(
            Period {
                count: 1,
                unit: PeriodUnit::Days
            }
            .describe(),
            "1 day"
        );
    }
}
