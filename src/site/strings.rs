//! The UI strings of a site, in one catalog per language: the default
//! theme's `strings/en.toml`, laid under a theme's `strings/<language>.toml`
//! (single strings may be replaced; what a file lacks comes from English).
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

/// A catalog of UI strings.
#[derive(Debug, Clone)]
pub struct Strings {
    map: Map<String, Value>,
}

impl Strings {
    /// The default catalog with `layers` (path, TOML text) laid over it,
    /// in order.
    pub fn load(layers: &[(String, String)]) -> Result<Self, Box<Diagnostic>> {
        let mut map = parse(DEFAULT_PATH, DEFAULT)?;
        for (path, text) in layers {
            merge(&mut map, parse(path, text)?);
        }
        Ok(Strings { map })
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
}
