//! The UI strings of a site, in one catalog per language: the default
//! theme's `strings/en.toml`, then its built-in catalog of the language
//! (French, Spanish, German, Arabic), then a theme's `strings/<language>.toml`
//! (single strings may be replaced, and a theme may add a language; what a
//! file lacks comes from the catalog below it, English last).
//!
//! Templates read them as `t.<key>` and fill `{placeholders}` with the
//! `fill` filter ([`super::render`]); the theme's scripts read the `[js]`
//! table, the month names and the date pattern from `strings.js`. Dates,
//! periods and counts that pages show are written here, so a page and its
//! script say them the same way.

use serde_json::{Map, Value};
use time::{OffsetDateTime, UtcOffset};

use crate::diagnostic::Diagnostic;
use crate::model::{Period, PeriodUnit};

/// The default theme's English catalog.
pub const DEFAULT: &str = include_str!("../../themes/default/strings/en.toml");
/// How reports name it.
pub const DEFAULT_PATH: &str = "(built-in theme) strings/en.toml";

/// The default theme's catalogs: (language, TOML text), English first.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("en", DEFAULT),
    ("ar", include_str!("../../themes/default/strings/ar.toml")),
    ("de", include_str!("../../themes/default/strings/de.toml")),
    ("es", include_str!("../../themes/default/strings/es.toml")),
    ("fr", include_str!("../../themes/default/strings/fr.toml")),
];

/// Primary language subtags written right to left (a catalog may say so
/// itself with `dir = "rtl"`).
const RIGHT_TO_LEFT: &[&str] = &[
    "ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "syr", "ug", "ur", "yi",
];

/// The built-in catalog of `language` exactly (`fr`, not `fr-CA`).
pub fn built_in(language: &str) -> Option<&'static str> {
    BUILT_IN
        .iter()
        .find(|(lang, _)| *lang == language)
        .map(|(_, text)| *text)
}

/// The languages a catalog of `language` is made of, in the order they are
/// laid: `en`, then the primary language, then the language (`pt-BR`: `en`,
/// `pt`, `pt-BR`).
pub fn chain(language: &str) -> Vec<&str> {
    let primary = language.split('-').next().unwrap_or(language);
    let mut chain = vec!["en", primary, language];
    chain.dedup();
    chain
}

/// A catalog of UI strings.
#[derive(Debug, Clone)]
pub struct Strings {
    map: Map<String, Value>,
    /// `ltr` or `rtl`.
    dir: &'static str,
}

impl Strings {
    /// The English catalog with `layers` (path, TOML text) laid over it,
    /// in order.
    pub fn load(layers: &[(String, String)]) -> Result<Self, Box<Diagnostic>> {
        Self::load_language("en", &[], layers)
    }

    /// The catalog of `language`: for each language of its [`chain`], the
    /// built-in catalog, then the theme's file (`theme`: language, path as
    /// reports name it, text). `extra` is laid last (tests).
    pub fn for_language(
        language: &str,
        theme: &[(String, String, String)],
    ) -> Result<Self, Box<Diagnostic>> {
        Self::load_language(language, theme, &[])
    }

    fn load_language(
        language: &str,
        theme: &[(String, String, String)],
        extra: &[(String, String)],
    ) -> Result<Self, Box<Diagnostic>> {
        let mut map = parse(DEFAULT_PATH, DEFAULT)?;
        for (i, lang) in chain(language).into_iter().enumerate() {
            if i > 0
                && let Some(text) = built_in(lang)
            {
                merge(
                    &mut map,
                    parse(&format!("(built-in theme) strings/{lang}.toml"), text)?,
                );
            }
            for (_, path, text) in theme.iter().filter(|(l, _, _)| l == lang) {
                merge(&mut map, parse(path, text)?);
            }
        }
        for (path, text) in extra {
            merge(&mut map, parse(path, text)?);
        }
        let primary = language.split('-').next().unwrap_or(language);
        let dir = match map.get("dir").and_then(Value::as_str) {
            Some("rtl") => "rtl",
            Some(_) => "ltr",
            None if RIGHT_TO_LEFT.contains(&primary) => "rtl",
            None => "ltr",
        };
        // What English says of itself is not true of a language without a
        // catalog: its name is its tag.
        if !has_catalog(language, theme) {
            map.insert("language_name".into(), Value::String(language.to_string()));
        }
        Ok(Strings { map, dir })
    }

    /// `ltr` or `rtl`: how the language is written.
    pub fn dir(&self) -> &'static str {
        self.dir
    }

    /// The whole catalog, as templates see it (`t`).
    pub fn as_value(&self) -> Value {
        Value::Object(self.map.clone())
    }

    /// One string (the key itself when the catalog lacks it, so a missing
    /// string shows instead of vanishing).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).and_then(Value::as_str).unwrap_or(key)
    }

    /// `key` with its `{placeholders}` filled in (plain text).
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(key), |name| {
            values
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// A calendar day (UTC) as people write it: "15 January 2026".
    pub fn date(&self, at: OffsetDateTime) -> String {
        let at = at.to_offset(UtcOffset::UTC);
        let month = self
            .map
            .get("months")
            .and_then(|m| m.get(usize::from(u8::from(at.month())) - 1))
            .and_then(Value::as_str)
            .map_or_else(|| format!("{:02}", u8::from(at.month())), str::to_string);
        self.fill(
            "date",
            &[
                ("day", &at.day().to_string()),
                ("month", &month),
                ("year", &at.year().to_string()),
            ],
        )
    }

    /// `n` with thousands separators.
    pub fn number(&self, n: u64) -> String {
        let digits = n.to_string();
        let sep = self.get("thousands");
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    }

    /// `<key>_one` or `<key>_other` with `{n}` filled in.
    pub fn count(&self, key: &str, n: u64) -> String {
        let form = if n == 1 { "one" } else { "other" };
        self.fill(&format!("{key}_{form}"), &[("n", &self.number(n))])
    }

    /// A validity period: "2 years". Months that make whole years are said
    /// in years (`24m` is exactly `2y`: calendar months), days that make
    /// whole weeks under a year in weeks; days are never said as years (365
    /// days are not a calendar year).
    pub fn period(&self, period: Period) -> String {
        let n = u64::from(period.count);
        let (key, n) = match period.unit {
            PeriodUnit::Months if n.is_multiple_of(12) => ("year", n / 12),
            PeriodUnit::Months => ("month", n),
            PeriodUnit::Weeks => ("week", n),
            PeriodUnit::Days if n.is_multiple_of(7) && n < 365 => ("week", n / 7),
            PeriodUnit::Days => ("day", n),
            PeriodUnit::Years => ("year", n),
        };
        self.count(key, n)
    }

    /// What the theme's scripts read: `window.rosetteStrings = {…}`.
    pub fn script(&self) -> Vec<u8> {
        let mut js = self
            .map
            .get("js")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for key in ["date", "months", "thousands"] {
            if let Some(v) = self.map.get(key) {
                js.insert(key.to_string(), v.clone());
            }
        }
        // `<` escaped so the text can never close a script element.
        let json = serde_json::to_string(&Value::Object(js))
            .unwrap_or_default()
            .replace('<', "\\u003c");
        format!("// UI strings of this site (generated from the theme's strings/*.toml).\nwindow.rosetteStrings = {json};\n")
            .into_bytes()
    }
}

/// Whether the default theme or `theme` (its strings files: language,
/// path, text) has a catalog of `language` or of its primary language.
pub fn has_catalog(language: &str, theme: &[(String, String, String)]) -> bool {
    chain(language)
        .into_iter()
        .filter(|lang| *lang != "en" || language.split('-').next() == Some("en"))
        .any(|lang| built_in(lang).is_some() || theme.iter().any(|(l, _, _)| l == lang))
}

/// An achievement type as people read it: a catalog entry `type_<Value>`
/// when there is one, else the enum value in words ("CommunityService" →
/// "Community service"; "ext:MakerFaire" → "Maker faire").
pub fn achievement_type(strings: &Strings, value: &str) -> String {
    let key = format!("type_{value}");
    if let Some(text) = strings.map.get(&key).and_then(Value::as_str) {
        return text.to_string();
    }
    let name = value.strip_prefix("ext:").unwrap_or(value);
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Replaces each `{name}` of `text` by `value(name)`, in one pass (a value
/// that contains braces is not filled again); unknown names stay.
pub fn fill(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let name = &after[..close];
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn parse(path: &str, text: &str) -> Result<Map<String, Value>, Box<Diagnostic>> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let diagnostic = match e.span() {
            Some(span) => {
                Diagnostic::at(path, span, format!("invalid strings file: {}", e.message()))
            }
            None => Diagnostic::in_file(path, format!("invalid strings file: {}", e.message())),
        };
        Box::new(diagnostic)
    })?;
    match serde_json::to_value(table) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Box::new(Diagnostic::in_file(
            path,
            "invalid strings file: it must be a table of strings",
        ))),
    }
}

/// Lays `over` on `base`, table by table.
fn merge(base: &mut Map<String, Value>, over: Map<String, Value>) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(inner)), Value::Object(more)) => merge(inner, more),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn dates_counts_and_periods_read_as_people_write_them() {
        let s = Strings::load(&[]).unwrap();
        assert_eq!(s.date(datetime!(2026-03-01 23:30 -02:00)), "2 March 2026");
        assert_eq!(s.count("awarded", 1), "Awarded once");
        assert_eq!(s.count("awarded", 12345), "Awarded 12,345 times");
        let p = |count, unit| s.period(Period { count, unit });
        assert_eq!(p(24, PeriodUnit::Months), "2 years");
        assert_eq!(p(1, PeriodUnit::Years), "1 year");
        assert_eq!(p(20000, PeriodUnit::Days), "20,000 days");
        assert_eq!(p(14, PeriodUnit::Days), "2 weeks");
        assert_eq!(p(18, PeriodUnit::Months), "18 months");
        assert_eq!(
            achievement_type(&s, "CommunityService"),
            "Community service"
        );
        assert_eq!(achievement_type(&s, "ext:MakerFaire"), "Maker faire");
        assert_eq!(achievement_type(&s, "Badge"), "Badge");
    }

    #[test]
    fn a_theme_replaces_single_strings_and_filling_is_one_pass() {
        let s = Strings::load(&[(
            "themes/x/strings/en.toml".into(),
            "home = \"Start\"\n[js]\nvalid = \"OK\"\n".into(),
        )])
        .unwrap();
        assert_eq!(s.get("home"), "Start");
        assert_eq!(s.get("badges"), "Badges");
        let script = String::from_utf8(s.script()).unwrap();
        assert!(script.contains("\"valid\":\"OK\""), "{script}");
        assert!(script.contains("\"expired\":\"Expired\""), "{script}");
        assert_eq!(
            fill("{a} and {b} {c", |n| Some(format!("{{{n}}}x"))),
            "{a}x and {b}x {c"
        );
        let broken = Strings::load(&[("themes/x/strings/en.toml".into(), "home = ".into())]);
        assert!(broken.unwrap_err().message.contains("invalid strings file"));
    }

    #[test]
    fn the_built_in_catalogs_have_every_english_string() {
        fn keys(map: &Map<String, Value>, prefix: &str, out: &mut Vec<String>) {
            for (k, v) in map {
                match v {
                    Value::Object(inner) => keys(inner, &format!("{prefix}{k}."), out),
                    _ => out.push(format!("{prefix}{k}")),
                }
            }
        }
        let mut english = Vec::new();
        keys(&parse(DEFAULT_PATH, DEFAULT).unwrap(), "", &mut english);
        for (lang, text) in BUILT_IN {
            let mut found = Vec::new();
            keys(&parse(lang, text).unwrap(), "", &mut found);
            assert_eq!(found, english, "{lang} has other keys than en");
        }
    }

    #[test]
    fn each_language_has_its_words_dates_and_direction() {
        let cases = [
            ("en", "15 January 2026", "ltr", "Home"),
            ("fr", "15 janvier 2026", "ltr", "Accueil"),
            ("es", "15 de enero de 2026", "ltr", "Inicio"),
            ("de", "15. Januar 2026", "ltr", "Startseite"),
            ("ar", "15 يناير 2026", "rtl", "الرئيسية"),
            ("fr-CA", "15 janvier 2026", "ltr", "Accueil"),
            ("ar-EG", "15 يناير 2026", "rtl", "الرئيسية"),
            ("nl", "15 January 2026", "ltr", "Home"),
            ("he", "15 January 2026", "rtl", "Home"),
        ];
        for (lang, date, dir, home) in cases {
            let s = Strings::for_language(lang, &[]).unwrap();
            assert_eq!(s.date(datetime!(2026-01-15 10:00 UTC)), date, "{lang}");
            assert_eq!(s.dir(), dir, "{lang}");
            assert_eq!(s.get("home"), home, "{lang}");
        }
        assert_eq!(
            Strings::for_language("fr", &[])
                .unwrap()
                .get("language_name"),
            "Français"
        );
        // A language without a catalog is named by its tag, not "English".
        assert_eq!(
            Strings::for_language("nl", &[])
                .unwrap()
                .get("language_name"),
            "nl"
        );
        assert!(has_catalog("fr-CA", &[]) && has_catalog("en", &[]) && !has_catalog("nl", &[]));
    }

    #[test]
    fn a_theme_overrides_a_language_or_adds_one() {
        let theme = vec![
            (
                "en".to_string(),
                "themes/t/strings/en.toml".to_string(),
                "home = \"Start\"\nmine = \"Mine\"\n".to_string(),
            ),
            (
                "fr-CA".to_string(),
                "themes/t/strings/fr-CA.toml".to_string(),
                "home = \"Page d’accueil\"\n".to_string(),
            ),
            (
                "nl".to_string(),
                "themes/t/strings/nl.toml".to_string(),
                "language_name = \"Nederlands\"\nhome = \"Begin\"\n".to_string(),
            ),
        ];
        let fr_ca = Strings::for_language("fr-CA", &theme).unwrap();
        assert_eq!(fr_ca.get("home"), "Page d’accueil");
        assert_eq!(fr_ca.get("badges"), "Badges");
        assert_eq!(fr_ca.get("footer_issued_by"), "Délivré par");
        assert_eq!(fr_ca.get("mine"), "Mine", "the theme's English fills in");
        // The built-in French wins over the theme's English.
        assert_eq!(
            Strings::for_language("fr", &theme).unwrap().get("home"),
            "Accueil"
        );
        assert_eq!(
            Strings::for_language("en", &theme).unwrap().get("home"),
            "Start"
        );
        let nl = Strings::for_language("nl", &theme).unwrap();
        assert_eq!(nl.get("language_name"), "Nederlands");
        assert_eq!(nl.get("home"), "Begin");
        assert!(has_catalog("nl", &theme));
        let broken = vec![(
            "fr".to_string(),
            "themes/t/strings/fr.toml".to_string(),
            "home = ".to_string(),
        )];
        let error = Strings::for_language("fr", &broken).unwrap_err();
        assert_eq!(error.file.as_deref(), Some("themes/t/strings/fr.toml"));
    }
}
