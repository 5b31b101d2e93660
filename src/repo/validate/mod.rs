//! Check everything that was loaded and build the [`Site`] model.
//!
//! Every check records its problem and carries on, so one run reports all of
//! them (like rust-lang/team's `check`). The model is returned only when there
//! were no problems at all. Every text is bounded in length (and Markdown in
//! nesting, see [`super::limits`]), so what passes here renders and signs in
//! time linear in its size.

mod badge;
mod checks;
mod endorsement;
pub mod rules;
mod site;
mod untranslated;

use std::collections::{BTreeSet, HashMap};

use toml::Spanned;

use super::limits;
use super::load::Loaded;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Site;

pub use untranslated::untranslated;

/// Validates a loaded repository. `None` when `problems` is not empty.
pub fn validate(loaded: Loaded, problems: &mut Diagnostics) -> Option<Site> {
    let mut checker = Checker { problems };
    let total: usize = loaded
        .badge_files
        .iter()
        .chain(&loaded.award_files)
        .map(|(_, parsed)| parsed.awards.len())
        .sum();
    if total > limits::AWARDS {
        checker.error(
            Diagnostic::in_file("badges", format!("too many awards: {total}"))
                .label(format!("Rosette builds at most {} awards", limits::AWARDS)),
        );
        return None;
    }
    let site = loaded
        .site
        .as_ref()
        .and_then(|s| site::settings(&mut checker, s, &loaded));
    let pages = site::pages(&mut checker, &loaded.pages);
    let mut badges = badge::badges(&mut checker, &loaded, site.as_ref().map(|s| s.recipients));
    let declared: BTreeSet<String> = loaded
        .badge_files
        .iter()
        .filter_map(|(file, _)| {
            file.strip_prefix("badges/")
                .and_then(|f| f.strip_suffix(".toml"))
                .map(str::to_string)
        })
        .collect();
    let mut found = endorsement::endorsements(&mut checker, &loaded.endorsement_files, &|slug| {
        declared.contains(slug)
    });
    for badge in &mut badges {
        if let Some(found) = found.remove(&badge.slug) {
            badge.endorsements = found.endorsements;
            badge.endorser_documents = found.documents;
        }
    }
    checks::run(
        &checks::Whole {
            site: site.as_ref(),
            badges: &badges,
            declared: &declared,
        },
        &mut checker,
    );
    let mut site = site?;
    if !checker.problems.is_empty() {
        return None;
    }
    site.pages = pages;
    site.badges = badges;
    site.static_files = loaded.static_files;
    Some(site)
}

/// Records problems against a file.
pub(crate) struct Checker<'a> {
    pub problems: &'a mut Diagnostics,
}

impl Checker<'_> {
    /// Applies `rule` to a spanned string; on failure records "invalid
    /// `field`: expected …" at the value.
    pub fn check<T>(
        &mut self,
        file: &str,
        field: &str,
        value: &Spanned<String>,
        rule: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match rule(value.get_ref()) {
            Ok(ok) => Some(ok),
            Err(expected) => {
                self.problems.push(
                    Diagnostic::at(file, value.span(), format!("invalid `{field}`"))
                        .label(format!("expected {expected}")),
                );
                None
            }
        }
    }

    /// A required non-empty one-line text (a name, a tag), kept as written.
    pub fn text(&mut self, file: &str, field: &str, value: &Spanned<String>) -> Option<String> {
        self.check(file, field, value, |v| {
            rules::text(v)?;
            rules::at_most(v, limits::SHORT_TEXT)
        })
        .map(|()| value.get_ref().clone())
    }

    /// An optional non-empty one-line text.
    pub fn optional_text(
        &mut self,
        file: &str,
        field: &str,
        value: &Option<Spanned<String>>,
    ) -> Option<String> {
        value.as_ref().and_then(|v| self.text(file, field, v))
    }

    /// A required non-empty long text (a description).
    pub fn long_text(
        &mut self,
        file: &str,
        field: &str,
        value: &Spanned<String>,
    ) -> Option<String> {
        self.check(file, field, value, |v| {
            rules::text(v)?;
            rules::at_most(v, limits::LONG_TEXT)
        })
        .map(|()| value.get_ref().clone())
    }

    /// A required Markdown text: long, and not nested too deeply.
    pub fn markdown(&mut self, file: &str, field: &str, value: &Spanned<String>) -> Option<String> {
        self.check(file, field, value, |v| {
            rules::text(v)?;
            rules::at_most(v, limits::LONG_TEXT)?;
            rules::markdown(v)
        })
        .map(|()| value.get_ref().clone())
    }

    pub fn optional_markdown(
        &mut self,
        file: &str,
        field: &str,
        value: &Option<Spanned<String>>,
    ) -> Option<String> {
        value.as_ref().and_then(|v| self.markdown(file, field, v))
    }

    pub fn optional_long_text(
        &mut self,
        file: &str,
        field: &str,
        value: &Option<Spanned<String>>,
    ) -> Option<String> {
        value.as_ref().and_then(|v| self.long_text(file, field, v))
    }

    /// A list field holds at most [`limits::LIST_ITEMS`] entries; `spans`
    /// are the entries' spans. Reports the first entry past the limit once.
    pub fn list_len(
        &mut self,
        file: &str,
        field: &str,
        spans: impl ExactSizeIterator<Item = std::ops::Range<usize>>,
    ) -> bool {
        let count = spans.len();
        match spans.into_iter().nth(limits::LIST_ITEMS) {
            None => true,
            Some(span) => {
                self.error(
                    Diagnostic::at(file, span, format!("too many `{field}`: {count}"))
                        .label(format!("expected at most {}", limits::LIST_ITEMS)),
                );
                false
            }
        }
    }

    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }
}

/// Finds values seen twice: returns, for each duplicate, the first place.
pub(crate) struct FirstSeen {
    /// Key to (file, span) of its first use; a hash map, as lookups are
    /// one per award (a B-tree of owned strings was 3 % of a rebuild).
    seen: HashMap<String, (std::rc::Rc<str>, std::ops::Range<usize>), foldhash::fast::RandomState>,
    /// The file of the last insert, shared by the entries of one file.
    file: Option<std::rc::Rc<str>>,
}

impl FirstSeen {
    pub fn new() -> Self {
        FirstSeen {
            seen: HashMap::default(),
            file: None,
        }
    }

    /// Records `key` at (file, span); returns the earlier place if any.
    pub fn insert(
        &mut self,
        key: &str,
        file: &str,
        span: std::ops::Range<usize>,
    ) -> Option<(String, std::ops::Range<usize>)> {
        if let Some((first, span)) = self.seen.get(key) {
            return Some((first.to_string(), span.clone()));
        }
        let shared = match &self.file {
            Some(known) if &**known == file => known.clone(),
            _ => {
                let new: std::rc::Rc<str> = file.into();
                self.file = Some(new.clone());
                new
            }
        };
        self.seen.insert(key.to_string(), (shared, span));
        None
    }
}
