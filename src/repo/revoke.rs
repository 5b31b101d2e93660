//! `rosette revoke ID --reason TEXT [--on DATE]`: records a revocation in the
//! award's own TOML file, editing it in place with toml_edit so comments,
//! layout and every unrelated line stay byte-identical.
//!
//! The next build flips the award's bit in the signed status list and
//! replaces its OB 2.0 assertion with the revoked form; the OB 3.0
//! credential itself keeps its bytes (and its permanent URL).

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, InlineTable, Item, TableLike, Value};

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
    for path in award_files(root)? {
        let bytes = super::load::read_bounded(&path, super::limits::TOML_FILE_BYTES)
            .map_err(Error::io(&path))?;
        let Ok(text) = String::from_utf8(bytes) else {
            continue; // broken files are `rosette check`'s business
        };
        let Ok(mut doc) = text.parse::<DocumentMut>() else {
            continue; // broken files are `rosette check`'s business
        };
        if award_mut(&mut doc, id).is_some() {
            found.push((path, text, doc));
        }
    }
    let (path, text, mut doc) = match found.len() {
        0 => return Err(Error::Usage(format!("no award with id `{id}` in badges/"))),
        1 => found.remove(0),
        _ => {
            return Err(Error::Usage(format!(
                "award id `{id}` is used more than once: run `rosette check`"
            )));
        }
    };
    let rel = path
        .strip_prefix(root)
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/");
    let Some(award) = award_mut(&mut doc, id) else {
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
    let on_instant = rules::datetime(&toml_edit::Datetime {
        date: Some(on),
        time: None,
        offset: None,
    })
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
    revoked.insert(
        "on",
        Value::from(toml_edit::Datetime {
            date: Some(on),
            time: None,
            offset: None,
        }),
    );
    revoked.insert("reason", Value::from(reason));
    revoked.fmt();
    award.insert("revoked", Item::Value(Value::InlineTable(revoked)));
    let mut edited = doc.to_string();
    // toml_edit writes LF; keep a file that used CRLF throughout in CRLF.
    if text.contains("\r\n") && text.matches("\r\n").count() == text.matches('\n').count() {
        edited = edited.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    std::fs::write(&path, edited).map_err(|error| Error::Io {
        path: path.clone(),
        error,
    })?;
    Ok(Revoked { file: rel, on })
}

/// The table of award `id`: an `[[award]]` table or an inline table of an
/// `award = [ ... ]` array (both forms are valid TOML for awards).
fn award_mut<'d>(doc: &'d mut DocumentMut, id: &str) -> Option<&'d mut dyn TableLike> {
    let item = doc.get_mut("award")?;
    if item.is_array_of_tables() {
        return item
            .as_array_of_tables_mut()?
            .iter_mut()
            .find(|t| t.get("id").and_then(Item::as_str) == Some(id))
            .map(|t| t as &mut dyn TableLike);
    }
    item.as_array_mut()?
        .iter_mut()
        .filter_map(Value::as_inline_table_mut)
        .find(|t| t.get("id").and_then(Value::as_str) == Some(id))
        .map(|t| t as &mut dyn TableLike)
}

/// `badges/*.toml` and `badges/*/*.toml`, sorted.
fn award_files(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let badges = root.join("badges");
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&badges)
        .max_depth(2)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| Error::Io {
            path: badges.clone(),
            error: e.into(),
        })?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "toml") {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Today's date (UTC): the default revocation date, chosen by the user's
/// action, not by a build.
pub fn today() -> toml_edit::Date {
    let now = time::OffsetDateTime::now_utc().date();
    toml_edit::Date {
        year: now.year() as u16,
        month: u8::from(now.month()),
        day: now.day(),
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<toml_edit::Date, Error> {
    let expected = || Error::Usage(format!("`{text}` is not a date like 2026-12-01"));
    let datetime: toml_edit::Datetime = text.parse().map_err(|_| expected())?;
    match datetime {
        toml_edit::Datetime {
            date: Some(date),
            time: None,
            offset: None,
        } => Ok(date),
        _ => Err(expected()),
    }
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
