//! `rosette revoke ID --reason TEXT [--on DATE]`: records a revocation in the
//! award's own TOML file, editing it in place with toml_edit so comments,
//! layout and every unrelated line stay byte-identical.
//!
//! The next build flips the award's bit in the signed status list and
//! replaces its OB 2.0 assertion with the revoked form; the OB 3.0
//! credential itself keeps its bytes (and its permanent URL).

use std::path::Path;

use toml_edit::{InlineTable, Item, Value};

use super::edit::{self, TomlFile};
use super::validate::rules;
use crate::error::Error;

/// What was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    /// The edited file, relative to the repository root.
    pub file: String,
    pub on: toml_edit::Date,
}

/// Marks award `id` revoked on `on` for `reason`.
pub fn revoke(root: &Path, id: &str, reason: &str, on: toml_edit::Date) -> Result<Revoked, Error> {
    rules::award_id(id).map_err(|expected| {
        Error::Usage(format!("`{id}` is not an award id: expected {expected}"))
    })?;
    rules::text(reason).map_err(|_| Error::Usage("the reason must not be empty".into()))?;
    let mut found = Vec::new();
    for path in edit::award_files(root)? {
        let rel = edit::relative(root, &path);
        let Ok(mut file) = TomlFile::read(root, &rel) else {
            continue; // broken files are `rosette check`'s business
        };
        if edit::award_mut(&mut file.doc, id).is_some() {
            found.push(file);
        }
    }
    let mut file = match found.len() {
        0 => return Err(Error::Usage(format!("no award with id `{id}` in badges/"))),
        1 => found.remove(0),
        _ => {
            return Err(Error::Usage(format!(
                "award id `{id}` is used more than once: run `rosette check`"
            )));
        }
    };
    let rel = file.rel.clone();
    let Some(award) = edit::award_mut(&mut file.doc, id) else {
        return Err(Error::Usage(format!("no award with id `{id}` in {rel}")));
    };
    if award.contains_key("revoked") {
        return Err(Error::Usage(format!(
            "award `{id}` in {rel} is already revoked"
        )));
    }
    let issued = award
        .get("issued")
        .and_then(Item::as_value)
        .and_then(Value::as_datetime)
        .and_then(|issued| rules::datetime(issued).ok());
    let on_instant = rules::datetime(&edit::date_value(on))
        .map_err(|expected| Error::Usage(format!("--on: expected {expected}")))?;
    if let Some(issued) = issued
        && on_instant < issued.replace_time(time::Time::MIDNIGHT)
    {
        return Err(Error::Usage(format!(
            "award `{id}` was issued on {}: it cannot be revoked before that",
            crate::model::day(issued)
        )));
    }
    let mut revoked = InlineTable::new();
    revoked.insert("on", Value::from(edit::date_value(on)));
    revoked.insert("reason", Value::from(reason));
    revoked.fmt();
    award.insert("revoked", Item::Value(Value::InlineTable(revoked)));
    edit::write_file(&file.path, file.edited().as_bytes())?;
    Ok(Revoked { file: rel, on })
}

/// Today's date (UTC): the default revocation date.
pub fn today() -> toml_edit::Date {
    edit::today()
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<toml_edit::Date, Error> {
    edit::parse_date(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Awards of the spring cohort.\n\n[[award]]\nid = \"a-1\"   # first\nrecipient = { email = \"a@example.org\" }\nissued = 2026-03-01\n\n# the second one\n[[award]]\nid = \"a-2\"\nrecipient = { email = \"b@example.org\" }\nissued = 2026-03-02\n";

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("badges/x")).unwrap();
        std::fs::write(dir.path().join("badges/x/spring.toml"), FILE).unwrap();
        dir
    }

    #[test]
    fn adds_one_line_and_keeps_everything_else() {
        let dir = repo();
        let on = parse_date("2026-12-01").unwrap();
        let done = revoke(dir.path(), "a-1", "Issued in \"error\"", on).unwrap();
        assert_eq!(done.file, "badges/x/spring.toml");
        let after = std::fs::read_to_string(dir.path().join(&done.file)).unwrap();
        let expected = FILE.replace(
            "issued = 2026-03-01\n",
            "issued = 2026-03-01\nrevoked = { on = 2026-12-01, reason = 'Issued in \"error\"' }\n",
        );
        assert_eq!(after, expected);
        let again = revoke(dir.path(), "a-1", "twice", on).unwrap_err();
        assert!(again.to_string().contains("already revoked"));
    }

    #[test]
    fn keeps_crlf_files_in_crlf() {
        let dir = repo();
        let crlf = FILE.replace('\n', "\r\n");
        let path = dir.path().join("badges/x/spring.toml");
        std::fs::write(&path, &crlf).unwrap();
        revoke(dir.path(), "a-2", "r", parse_date("2026-12-01").unwrap()).unwrap();
        let expected = crlf.replace(
            "issued = 2026-03-02\r\n",
            "issued = 2026-03-02\r\nrevoked = { on = 2026-12-01, reason = \"r\" }\r\n",
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    }

    #[test]
    fn revokes_awards_written_as_an_inline_array() {
        let dir = repo();
        let path = dir.path().join("badges/x/inline.toml");
        let text = "award = [\n  { id = \"i-1\", recipient = { email = \"a@example.org\" }, issued = 2026-01-15 },\n]\n";
        std::fs::write(&path, text).unwrap();
        revoke(dir.path(), "i-1", "r", parse_date("2026-02-01").unwrap()).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(after.starts_with("award = [\n  { id = \"i-1\", recipient = { email = \"a@example.org\" }, issued = 2026-01-15"), "{after}");
        assert!(
            after.contains("revoked = { on = 2026-02-01, reason = \"r\" } },\n]\n"),
            "{after}"
        );
        let parsed: toml::Table = after.parse().unwrap();
        assert!(parsed["award"][0]["revoked"]["reason"].as_str() == Some("r"));
    }

    #[test]
    fn cannot_revoke_before_the_issue_date() {
        let dir = repo();
        let error = revoke(dir.path(), "a-1", "r", parse_date("2026-02-28").unwrap()).unwrap_err();
        assert!(
            error.to_string().contains("issued on 2026-03-01"),
            "{error}"
        );
        assert!(revoke(dir.path(), "a-1", "r", parse_date("2026-03-01").unwrap()).is_ok());
    }

    #[test]
    fn unknown_ids_and_bad_input_are_refused() {
        let dir = repo();
        let on = today();
        assert!(
            revoke(dir.path(), "a-9", "x", on)
                .unwrap_err()
                .to_string()
                .contains("no award")
        );
        assert!(revoke(dir.path(), "A 1", "x", on).is_err());
        assert!(revoke(dir.path(), "a-2", "  ", on).is_err());
        assert!(parse_date("2026-13-01").is_err() && parse_date("2026-12-01T00:00:00Z").is_err());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("badges/x/spring.toml")).unwrap(),
            FILE
        );
    }
}
