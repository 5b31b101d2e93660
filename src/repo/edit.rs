//! Editing the repository's TOML files in place, shared by the commands that
//! write to them (`revoke`, `award`, `import`, `hash-recipients`, `keygen`).
//!
//! The rule: every byte the command does not mean to change stays as it
//! was. Values are rendered by toml_edit (so quoting and escaping are
//! right), new records are appended as text after the file's last byte, a
//! record changed in place is edited through toml_edit's format-preserving
//! document, a file that uses CRLF throughout keeps CRLF, and a file is
//! replaced atomically (written beside it, then renamed).

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, TableLike, Value};

use crate::error::Error;

/// A TOML file read for editing: its path, its text and its document.
pub struct TomlFile {
    pub path: PathBuf,
    /// Relative to the repository root, with `/`.
    pub rel: String,
    pub text: String,
    pub doc: DocumentMut,
}

impl TomlFile {
    /// Reads and parses `root/rel`. A file that is not UTF-8 or not TOML is
    /// reported as a usage error pointing at `rosette check`.
    pub fn read(root: &Path, rel: &str) -> Result<TomlFile, Error> {
        let path = root.join(rel);
        let bytes = super::load::read_bounded(&path, super::limits::TOML_FILE_BYTES)
            .map_err(Error::io(&path))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::Usage(format!("{rel} is not UTF-8: run `rosette check`")))?;
        let doc = text
            .parse::<DocumentMut>()
            .map_err(|_| Error::Usage(format!("{rel} is not valid TOML: run `rosette check`")))?;
        Ok(TomlFile {
            path,
            rel: rel.to_string(),
            text,
            doc,
        })
    }

    /// The document as text, in the file's line endings.
    pub fn edited(&self) -> String {
        with_line_ending(&self.doc.to_string(), line_ending(&self.text))
    }
}

/// The line ending a file uses: CRLF when every line ends with CRLF.
pub fn line_ending(text: &str) -> &'static str {
    let lf = text.matches('\n').count();
    if lf > 0 && text.matches("\r\n").count() == lf {
        "\r\n"
    } else {
        "\n"
    }
}

/// `text` (written with `\n`) with `ending` as its line ending.
pub fn with_line_ending(text: &str, ending: &str) -> String {
    let lf = text.replace("\r\n", "\n");
    if ending == "\n" {
        lf
    } else {
        lf.replace('\n', ending)
    }
}

/// `text` with `addition` (written with `\n`) appended after a blank line,
/// in `text`'s line endings. Every byte of `text` is kept; a missing final
/// newline is added first.
pub fn append(text: &str, addition: &str) -> String {
    let ending = line_ending(text);
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(ending);
    }
    if !out.trim().is_empty() && !out.ends_with(&format!("{ending}{ending}")) {
        out.push_str(ending);
    }
    out.push_str(&with_line_ending(addition, ending));
    out
}

/// Replaces `path` with `contents` atomically: a temporary file beside it,
/// then a rename, so a crash never leaves half a file.
pub fn write_file(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.rosette-new-{}", std::process::id()));
    std::fs::write(&temp, contents).map_err(Error::io(path))?;
    std::fs::rename(&temp, path).map_err(|error| {
        let _ = std::fs::remove_file(&temp);
        Error::Io {
            path: path.to_path_buf(),
            error,
        }
    })
}

/// Files written by one command, with what they held before, so that the
/// whole change can be undone when a later step fails (all or nothing).
#[derive(Default)]
pub struct Changes {
    /// (path, previous bytes; `None` when the file was new).
    written: Vec<(PathBuf, Option<Vec<u8>>)>,
}

impl Changes {
    /// Writes `contents` to `path`, remembering what was there.
    pub fn write(&mut self, path: &Path, contents: &[u8]) -> Result<(), Error> {
        let before = match std::fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    error,
                });
            }
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io(parent))?;
        }
        let result = write_file(path, contents);
        if result.is_ok() {
            self.written.push((path.to_path_buf(), before));
        }
        result
    }

    /// Puts every file back as it was, newest change first.
    pub fn undo(self) {
        for (path, before) in self.written.into_iter().rev() {
            let _ = match before {
                Some(bytes) => write_file(&path, &bytes).map_err(|_| ()),
                None => std::fs::remove_file(&path).map_err(|_| ()),
            };
        }
    }

    pub fn is_empty(&self) -> bool {
        self.written.is_empty()
    }
}

/// The table of award `id`: an `[[award]]` table or an inline table of an
/// `award = [ ... ]` array (both forms are valid TOML for awards).
pub fn award_mut<'d>(doc: &'d mut DocumentMut, id: &str) -> Option<&'d mut dyn TableLike> {
    awards_mut(doc)
        .into_iter()
        .find(|t| t.get("id").and_then(item_str) == Some(id))
}

/// Every award table of a document, in file order.
pub fn awards_mut(doc: &mut DocumentMut) -> Vec<&mut dyn TableLike> {
    let Some(item) = doc.get_mut("award") else {
        return Vec::new();
    };
    if item.is_array_of_tables() {
        return item
            .as_array_of_tables_mut()
            .map(|a| a.iter_mut().map(|t| t as &mut dyn TableLike).collect())
            .unwrap_or_default();
    }
    item.as_array_mut()
        .map(|a| {
            a.iter_mut()
                .filter_map(Value::as_inline_table_mut)
                .map(|t| t as &mut dyn TableLike)
                .collect()
        })
        .unwrap_or_default()
}

/// A string value of a table entry, whatever its form.
pub fn item_str(item: &Item) -> Option<&str> {
    item.as_str()
}

/// `badges/*.toml` and `badges/*/*.toml`, sorted.
pub fn award_files(root: &Path) -> Result<Vec<PathBuf>, Error> {
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

/// `path` relative to `root`, with `/`.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Today's date (UTC): the default date of an award or a revocation, chosen
/// by the user's action, not by a build (which never reads the clock).
pub fn today() -> toml_edit::Date {
    let now = time::OffsetDateTime::now_utc().date();
    toml_edit::Date {
        year: now.year() as u16,
        month: u8::from(now.month()),
        day: now.day(),
    }
}

/// A date value (`2026-12-01`).
pub fn date_value(date: toml_edit::Date) -> toml_edit::Datetime {
    toml_edit::Datetime {
        date: Some(date),
        time: None,
        offset: None,
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<toml_edit::Date, Error> {
    let expected = || Error::Usage(format!("`{text}` is not a date like 2026-12-01"));
    match parse_datetime(text) {
        Some(toml_edit::Datetime {
            date: Some(date),
            time: None,
            offset: None,
        }) => Ok(date),
        _ => Err(expected()),
    }
}

/// Parses a date (`2026-12-01`) or a date-time with offset
/// (`2026-12-01T09:30:00Z`), checked with the same rule as the build.
pub fn parse_datetime(text: &str) -> Option<toml_edit::Datetime> {
    let datetime: toml_edit::Datetime = text.trim().parse().ok()?;
    super::validate::rules::datetime(&datetime).ok()?;
    Some(datetime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appending_keeps_every_byte_and_the_line_ending() {
        let lf = "# c\n[badge]\nname = \"x\"\n";
        assert_eq!(
            append(lf, "[[award]]\nid = \"a\"\n"),
            format!("{lf}\n[[award]]\nid = \"a\"\n")
        );
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(
            append(&crlf, "[[award]]\nid = \"a\"\n"),
            format!("{crlf}\r\n[[award]]\r\nid = \"a\"\r\n")
        );
        // No final newline, and a file already ending with a blank line.
        assert_eq!(append("a = 1", "b = 2\n"), "a = 1\n\nb = 2\n");
        assert_eq!(append("a = 1\n\n", "b = 2\n"), "a = 1\n\nb = 2\n");
        assert_eq!(append("", "b = 2\n"), "b = 2\n");
        // Mixed endings are left as they are, new lines use LF.
        assert_eq!(line_ending("a\r\nb\n"), "\n");
    }

    #[test]
    fn dates_follow_the_build_rules() {
        assert!(parse_date("2026-12-01").is_ok());
        assert!(parse_date("2026-13-01").is_err());
        assert!(parse_date("2026-12-01T00:00:00Z").is_err());
        assert!(parse_datetime("2026-12-01T09:30:00+01:00").is_some());
        assert!(parse_datetime("2026-12-01T09:30:00").is_none(), "no offset");
        assert!(parse_datetime("0000-01-01").is_none());
    }

    #[test]
    fn undo_restores_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.toml");
        std::fs::write(&old, "a = 1\n").unwrap();
        let new = dir.path().join("sub/new.toml");
        let mut changes = Changes::default();
        changes.write(&old, b"a = 2\n").unwrap();
        changes.write(&new, b"b = 1\n").unwrap();
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "a = 2\n");
        changes.undo();
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "a = 1\n");
        assert!(!new.exists());
    }
}
