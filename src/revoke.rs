//! `rosette revoke ID --reason TEXT [--on DATE]`: records a revocation in the
//! award's own TOML file, editing it in place with toml_edit so comments,
//! layout and every unrelated line stay byte-identical.
//!
//! The next build flips the award's bit in the signed status list and
//! replaces its OB 2.0 assertion with the revoked form; the OB 3.0
//! credential itself keeps its bytes (and its permanent URL).

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, InlineTable, Item, Value};

use crate::error::Error;
use crate::validate::rules;

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
        let text = std::fs::read_to_string(&path).map_err(|error| Error::Io {
            path: path.clone(),
            error,
        })?;
        let Ok(doc) = text.parse::<DocumentMut>() else {
            continue; // broken files are `rosette check`'s business
        };
        if position(&doc, id).is_some() {
            found.push((path, doc));
        }
    }
    let (path, mut doc) = match found.len() {
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
    let index = position(&doc, id).unwrap_or_default();
    let Some(award) = doc
        .get_mut("award")
        .and_then(Item::as_array_of_tables_mut)
        .and_then(|a| a.get_mut(index))
    else {
        return Err(Error::Usage(format!("no award with id `{id}` in {rel}")));
    };
    if award.contains_key("revoked") {
        return Err(Error::Usage(format!(
            "award `{id}` in {rel} is already revoked"
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
    std::fs::write(&path, doc.to_string()).map_err(|error| Error::Io {
        path: path.clone(),
        error,
    })?;
    Ok(Revoked { file: rel, on })
}

/// The position of award `id` in a file's `[[award]]` array.
fn position(doc: &DocumentMut, id: &str) -> Option<usize> {
    doc.get("award")?
        .as_array_of_tables()?
        .iter()
        .position(|award| award.get("id").and_then(Item::as_str) == Some(id))
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
