//! The theme's own words in each language: a catalog per language
//! (`themes/default/i18n/<lang>.toml`, compiled in for English, French,
//! Spanish, German and Arabic), which a theme overrides key by key or
//! extends with languages of its own (`themes/<name>/i18n/<lang>.toml`).
//!
//! Templates use it through two Tera helpers that read the page's `lang`:
//! `{{ t(key="issued_by") }}` (with `{name}` placeholders filled from the
//! other arguments: `t(key="earned", who=..., badge=...)`) and the filter
//! `{{ award.issued | local_date }}`, which writes a `YYYY-MM-DD` day the
//! way the language does ("January 15, 2026", "15 janvier 2026").
//!
//! A word missing in a language comes from its primary language (`pt` for
//! `pt-BR`), then from English; a key English does not have is a template
//! error, so a typo never reaches a page.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics};

/// The built-in catalogs: (language, TOML text).
pub(crate) const BUILT_IN: &[(&str, &str)] = &[
    ("ar", include_str!("../../themes/default/i18n/ar.toml")),
    ("de", include_str!("../../themes/default/i18n/de.toml")),
    ("en", include_str!("../../themes/default/i18n/en.toml")),
    ("es", include_str!("../../themes/default/i18n/es.toml")),
    ("fr", include_str!("../../themes/default/i18n/fr.toml")),
];

/// The language every lookup ends with.
const FALLBACK: &str = "en";

/// Primary language subtags written right to left, for languages a theme
/// has no catalog for (a catalog's `dir` wins).
const RIGHT_TO_LEFT: &[&str] = &[
    "ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "syr", "ug", "ur", "yi",
];

/// One catalog file, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    dir: Option<Direction>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    first_day: Option<String>,
    #[serde(default)]
    months: Option<[String; 12]>,
    #[serde(default)]
    text: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// Every catalog of a theme: the built-in ones with the theme's laid over.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    files: BTreeMap<String, File>,
}

/// A language's words with every fallback applied.
#[derive(Debug, Clone)]
pub struct Language {
    pub code: String,
    /// The language's own name, for a language switcher.
    pub name: String,
    pub dir: Direction,
    date: String,
    first_day: Option<String>,
    months: [String; 12],
    text: BTreeMap<String, String>,
}

impl Catalog {
    /// The built-in catalogs (they are tested to parse).
    pub fn built_in() -> Catalog {
        let mut catalog = Catalog::default();
        for (lang, text) in BUILT_IN {
            if let Ok(file) = toml::from_str::<File>(text) {
                catalog.files.insert((*lang).to_string(), file);
            }
        }
        catalog
    }

    /// Lays a theme's catalog for `lang` over the built-in one, key by key.
    /// `path` names the file in reports.
    pub fn add(&mut self, lang: &str, path: &str, text: &str, problems: &mut Diagnostics) {
        let valid_name = !lang.is_empty()
            && lang.len() <= 35
            && lang
                .split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !valid_name {
            problems.push(
                Diagnostic::in_file(path, "a catalog file is named after its language")
                    .label("expected a language tag and `.toml`, like `fr.toml` or `pt-BR.toml`"),
            );
            return;
        }
        let file: File = match toml::from_str(text) {
            Ok(file) => file,
            Err(error) => {
                let diagnostic = match error.span() {
                    Some(span) => Diagnostic::at(path, span, error.message().trim().to_string()),
                    None => Diagnostic::in_file(path, error.message().trim().to_string()),
                };
                problems.push(diagnostic.help(
                    "a catalog holds `name`, `dir`, `date`, `first_day`, `months` and a \
                     `[text]` table of `key = \"words\"` (see the built-in en.toml)",
                ));
                return;
            }
        };
        let entry = self.files.entry(lang.to_string()).or_default();
        entry.name = file.name.or(entry.name.take());
        entry.dir = file.dir.or(entry.dir);
        entry.date = file.date.or(entry.date.take());
        entry.first_day = file.first_day.or(entry.first_day.take());
        entry.months = file.months.or(entry.months.take());
        entry.text.extend(file.text);
    }

    /// Whether a catalog exists for `lang` or its primary language.
    pub fn has(&self, lang: &str) -> bool {
        let primary = lang.split('-').next().unwrap_or(lang);
        self.files.contains_key(lang) || self.files.contains_key(primary)
    }

    /// The catalogs `lang` reads, most specific first, English last.
    fn chain<'c>(&'c self, lang: &'c str) -> Vec<&'c str> {
        let mut chain = Vec::new();
        let primary = lang.split('-').next().unwrap_or(lang);
        for code in [lang, primary, FALLBACK] {
            if self.files.contains_key(code) && !chain.contains(&code) {
                chain.push(code);
            }
        }
        chain
    }

    /// The words of `lang`, every missing one taken from the next catalog of
    /// its chain.
    pub fn language(&self, lang: &str) -> Language {
        let chain: Vec<&File> = self
            .chain(lang)
            .iter()
            .filter_map(|code| self.files.get(*code))
            .collect();
        let first = |get: &dyn Fn(&File) -> Option<String>| chain.iter().find_map(|f| get(f));
        let primary = lang.split('-').next().unwrap_or(lang);
        // English's `dir` says nothing about a language without a catalog.
        let own = self
            .chain(lang)
            .into_iter()
            .filter(|code| *code != FALLBACK || primary == FALLBACK)
            .filter_map(|code| self.files.get(code));
        let dir =
            own.into_iter()
                .find_map(|f| f.dir)
                .unwrap_or(if RIGHT_TO_LEFT.contains(&primary) {
                    Direction::Rtl
                } else {
                    Direction::Ltr
                });
        let mut text = BTreeMap::new();
        for file in chain.iter().rev() {
            text.extend(file.text.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Language {
            code: lang.to_string(),
            name: first(&|f| f.name.clone()).unwrap_or_else(|| lang.to_string()),
            dir,
            date: first(&|f| f.date.clone()).unwrap_or_else(|| "{year}-{month}-{day}".into()),
            first_day: first(&|f| f.first_day.clone()),
            months: chain
                .iter()
                .find_map(|f| f.months.clone())
                .unwrap_or_else(|| std::array::from_fn(|i| format!("{:02}", i + 1))),
            text,
        }
    }
}

impl Language {
    /// The words for `key`, `None` when no catalog of the chain has it.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.text.get(key).map(String::as_str)
    }

    /// A `YYYY-MM-DD` day (or the day of an RFC 3339 date-time) as the
    /// language writes it; anything else is returned as it is.
    pub fn date(&self, value: &str) -> String {
        let day = value.get(..10).unwrap_or(value);
        let mut parts = day.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return value.to_string();
        };
        let (Ok(year), Ok(month), Ok(dom)) =
            (y.parse::<u32>(), m.parse::<usize>(), d.parse::<u32>())
        else {
            return value.to_string();
        };
        if !(1..=12).contains(&month) || !(1..=31).contains(&dom) || y.len() != 4 {
            return value.to_string();
        }
        let day_text = match (&self.first_day, dom) {
            (Some(first), 1) => first.clone(),
            _ => dom.to_string(),
        };
        self.date
            .replace("{day}", &day_text)
            .replace("{month}", &self.months[month - 1])
            .replace("{year}", &format!("{year:04}"))
    }
}

/// `words` with each `{name}` replaced by `values[name]`.
pub fn fill(words: &str, values: &[(String, String)]) -> String {
    let mut out = words.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_catalogs_parse_and_have_every_english_key() {
        let mut english = None;
        for (lang, text) in BUILT_IN {
            let file: File = toml::from_str(text).unwrap_or_else(|e| panic!("{lang}: {e}"));
            assert!(file.name.is_some() && file.months.is_some() && file.date.is_some());
            if *lang == "en" {
                english = Some(file.text.keys().cloned().collect::<Vec<_>>());
            }
        }
        let english = english.unwrap();
        for (lang, text) in BUILT_IN {
            let file: File = toml::from_str(text).unwrap();
            let keys: Vec<String> = file.text.keys().cloned().collect();
            assert_eq!(keys, english, "{lang} has other keys than en");
        }
    }

    #[test]
    fn dates_are_written_the_way_each_language_writes_them() {
        let catalog = Catalog::built_in();
        let cases = [
            ("en", "January 15, 2026"),
            ("fr", "15 janvier 2026"),
            ("es", "15 de enero de 2026"),
            ("de", "15. Januar 2026"),
            ("ar", "15 يناير 2026"),
            ("fr-CA", "15 janvier 2026"),
            ("nl", "January 15, 2026"),
        ];
        for (lang, expected) in cases {
            assert_eq!(
                catalog.language(lang).date("2026-01-15"),
                expected,
                "{lang}"
            );
        }
        assert_eq!(catalog.language("fr").date("2026-03-01"), "1er mars 2026");
        assert_eq!(
            catalog.language("de").date("2026-12-31T23:00:00Z"),
            "31. Dezember 2026"
        );
        assert_eq!(catalog.language("en").date("soon"), "soon");
        assert_eq!(catalog.language("en").date("2026-13-01"), "2026-13-01");
    }

    #[test]
    fn words_fall_back_to_the_primary_language_then_english() {
        let mut catalog = Catalog::built_in();
        let mut problems = Diagnostics::default();
        catalog.add(
            "fr-CA",
            "themes/t/i18n/fr-CA.toml",
            "[text]\nhome = \"Page d'accueil\"\n",
            &mut problems,
        );
        catalog.add(
            "en",
            "themes/t/i18n/en.toml",
            "[text]\nmy_key = \"Mine\"\n",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let fr_ca = catalog.language("fr-CA");
        assert_eq!(fr_ca.text("home"), Some("Page d'accueil"));
        assert_eq!(fr_ca.text("issued_by"), Some("Émis par"));
        assert_eq!(fr_ca.text("my_key"), Some("Mine"));
        assert_eq!(fr_ca.name, "Français");
        assert_eq!(catalog.language("en").text("home"), Some("Home"));
        assert_eq!(catalog.language("en").text("nope"), None);
    }

    #[test]
    fn right_to_left_languages_say_so_even_without_a_catalog() {
        let catalog = Catalog::built_in();
        assert_eq!(catalog.language("ar").dir, Direction::Rtl);
        assert_eq!(catalog.language("ar-EG").dir, Direction::Rtl);
        assert_eq!(catalog.language("he").dir, Direction::Rtl);
        assert_eq!(catalog.language("fr").dir, Direction::Ltr);
        assert!(!catalog.has("he") && catalog.has("ar-EG") && catalog.has("en"));
    }

    #[test]
    fn broken_theme_catalogs_are_reported_at_their_place() {
        let mut catalog = Catalog::built_in();
        let mut problems = Diagnostics::default();
        catalog.add(
            "fr",
            "themes/t/i18n/fr.toml",
            "dir = \"up\"\n",
            &mut problems,
        );
        catalog.add("../x", "themes/t/i18n/../x.toml", "", &mut problems);
        catalog.add(
            "de",
            "themes/t/i18n/de.toml",
            "months = [\"a\"]\n",
            &mut problems,
        );
        let found: Vec<_> = problems
            .iter()
            .map(|d| (d.file.clone(), d.span.is_some()))
            .collect();
        assert_eq!(found.len(), 3, "{problems:?}");
        assert_eq!(found[0], (Some("themes/t/i18n/fr.toml".into()), true));
        assert_eq!(catalog.language("fr").dir, Direction::Ltr);
    }

    #[test]
    fn placeholders_are_filled() {
        let values = [("n".to_string(), "3".to_string())];
        assert_eq!(fill("{n} awarded, {n}!", &values), "3 awarded, 3!");
    }
}
