//! `rosette import FILE.csv`: many awards at once, from Rosette's own CSV
//! columns or from the bulk-award files of other badge platforms, all or
//! nothing.
//!
//! Headers are matched case-insensitively, ignoring spaces, `_` and `-`,
//! by alias (the vendor layouts are documented with their sources in
//! `tests/fixtures/import/SOURCES.md`):
//!
//! | field | Rosette | Badgr, hosted Badgr | Canvas Credentials / Parchment | Credly |
//! | --- | --- | --- | --- | --- |
//! | badge | `badge` | | | |
//! | email | `email` | `email`, `Email` | `Identifier` | `Recipient Email` |
//! | did | `did` | | `Identifier` starting `did:` | |
//! | name | `name` | `Recipient Name` | `First Name` + `Last Name` | `First Name` + `Last Name` |
//! | issued | `issued` | `Issue Date` | `Issue Date` | `Issued at date` |
//! | expires | `expires` | | `Expiration Date` | `Expiration Date` |
//! | narrative | `narrative` | `Narrative` | `Narrative` | |
//! | evidence URL | `evidence_url` | `evidence`, `Evidence URL` | `Evidence URL` | `Evidence URL` |
//! | evidence name | `evidence_name` | | | `Evidence Name` |
//! | evidence narrative | `evidence_narrative` | | `Evidence Narrative` | |
//!
//! Dates are ISO 8601 everywhere (`2026-11-01`, or a date-time with
//! offset). A Credly file (one with a `Recipient Email`, `Issued at date`
//! or `Badge Template ID` column) may also write them as Credly's template
//! asks, `mm/dd/yy` (years 00–99 are 2000–2099) or `mm/dd/yyyy`; elsewhere a
//! slash date is refused, since `03/04/26` means different days in
//! different countries. Columns Rosette has no place for (Credly's
//! `Badge Template ID`, `Country`, …) are ignored with a warning when they
//! hold values. Vendor badge ids are not Rosette slugs: give `--badge` for
//! a file without a `badge` column.
//!
//! The file may be UTF-8 with or without a byte order mark, with quoted
//! fields (commas, quotes and line breaks inside) and CRLF line ends. Blank
//! rows are skipped; a row shorter than the header has empty values in the
//! missing columns (Badgr's own sample file has such rows). Every problem of
//! every row is reported with its line, and then nothing is written.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::award::{EvidenceRequest, Request, Who};
use super::edit;
use super::limits;
use crate::credential::recipient::{identity_digest, parse_identity_hash};
use crate::diagnostic::{Diagnostic, Diagnostics, Sources};
use crate::error::Error;
use crate::model::{Award, Identity, Site};

/// A Rosette field that a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Badge,
    Email,
    Did,
    Name,
    FirstName,
    LastName,
    Issued,
    Expires,
    Narrative,
    EvidenceUrl,
    EvidenceName,
    EvidenceNarrative,
}

/// Header aliases, normalised (lowercase, words separated by one space).
const ALIASES: &[(Field, &[&str])] = &[
    (Field::Badge, &["badge", "badge slug", "slug"]),
    (
        Field::Email,
        &[
            "email",
            "e mail",
            "email address",
            "e mail address",
            "recipient email",
            "recipient email address",
            "identifier",
            "recipient identifier",
        ],
    ),
    (Field::Did, &["did", "recipient did"]),
    (
        Field::Name,
        &["name", "recipient name", "full name", "earner name"],
    ),
    (Field::FirstName, &["first name", "given name", "firstname"]),
    (
        Field::LastName,
        &["last name", "family name", "surname", "lastname"],
    ),
    (
        Field::Issued,
        &[
            "issued",
            "issue date",
            "issued on",
            "issued at",
            "issued at date",
            "date issued",
            "award date",
        ],
    ),
    (
        Field::Expires,
        &[
            "expires",
            "expiration date",
            "expiration",
            "expires at",
            "expires at date",
            "expires on",
            "expiry date",
        ],
    ),
    (Field::Narrative, &["narrative", "award narrative"]),
    (Field::EvidenceUrl, &["evidence url", "evidence"]),
    (Field::EvidenceName, &["evidence name"]),
    (Field::EvidenceNarrative, &["evidence narrative"]),
];

/// Columns of vendor templates that Rosette has no place for.
const VENDOR_ONLY: &[&str] = &[
    "badge template id",
    "badge class id",
    "issuer earner id",
    "country",
    "state or province",
    "locale",
    "group tag",
    "text evidence name",
    "text evidence url",
    "text evidence",
    "id evidence title",
    "id evidence description",
];

/// Which platform's layout a file follows (for messages and dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Rosette,
    Badgr,
    Canvas,
    Credly,
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Layout::Rosette => "Rosette",
            Layout::Badgr => "Badgr",
            Layout::Canvas => "Canvas Credentials / Parchment",
            Layout::Credly => "Credly",
        })
    }
}

/// What a valid file holds.
#[derive(Debug)]
pub struct Parsed {
    pub layout: Layout,
    /// (line, award) in file order.
    pub rows: Vec<(usize, Request)>,
    /// Columns that were ignored although they hold values.
    pub ignored: Vec<String>,
}

/// Options of the command.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--badge`: the badge of every row of a file without a badge column.
    pub badge: Option<String>,
    /// `--plain`: write emails in plaintext.
    pub plain: bool,
}

fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn field_of(normalised: &str) -> Option<Field> {
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&normalised))
        .map(|(field, _)| *field)
}

/// Reads the CSV text of `label` (the name reports use) against `site`:
/// every row becomes an award [`Request`], or every problem is reported.
pub fn read(label: &str, bytes: &[u8], site: &Site, options: &Options) -> Result<Parsed, Error> {
    let mut sources = Sources::default();
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(error) => {
            let at = error.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            return Err(Error::problem(
                Diagnostic::in_file(
                    label,
                    format!("line {line}: the file is not UTF-8 (byte {at})"),
                )
                .help("save the file as \"CSV UTF-8\" (Excel: File → Save As → CSV UTF-8)"),
                &sources,
            ));
        }
    };
    sources.insert(label, text.clone());
    let mut problems = Diagnostics::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => {
            problems.push(csv_problem(label, &error));
            return Err(Error::problems(problems, &sources));
        }
        None => {
            return Err(Error::problem(
                Diagnostic::in_file(
                    label,
                    "the file is empty: expected a header row and one row per award",
                ),
                &sources,
            ));
        }
    };
    let header_span = line_span(&text, 0);
    let mut columns: BTreeMap<Field, usize> = BTreeMap::new();
    let mut ignored_columns = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let key = normalise(name);
        match field_of(&key) {
            Some(field) => {
                if let Some(first) = columns.insert(field, i) {
                    problems.push(
                        Diagnostic::at(
                            label,
                            header_span.clone(),
                            format!(
                                "line 1: columns `{}` and `{name}` both give the {}",
                                header.get(first).unwrap_or_default(),
                                describe(field)
                            ),
                        )
                        .help("keep one of them"),
                    );
                }
            }
            None if key.is_empty() => {}
            None => {
                ignored_columns.push((i, name.to_string(), VENDOR_ONLY.contains(&key.as_str())))
            }
        }
    }
    let layout = layout(&header);
    if !columns.contains_key(&Field::Email) && !columns.contains_key(&Field::Did) {
        problems.push(
            Diagnostic::at(label, header_span.clone(), "line 1: no email column")
                .label("the header row")
                .help(
                    "name a column `email` (or `Email`, `Recipient Email`, `Identifier`), or `did`",
                ),
        );
    }
    match (&options.badge, columns.contains_key(&Field::Badge)) {
        (Some(badge), true) => {
            return Err(Error::Usage(format!(
                "--badge {badge}: {label} has a badge column already; --badge is for files without one"
            )));
        }
        (None, false) => problems.push(
            Diagnostic::at(label, header_span.clone(), "line 1: no badge column")
                .help("pass `--badge SLUG` to award one badge to every row, or add a `badge` column of badge slugs"),
        ),
        _ => {}
    }
    if !problems.is_empty() {
        return Err(Error::problems(problems, &sources));
    }
    let width = header.len();
    let get = |record: &csv::StringRecord, field: Field| {
        columns
            .get(&field)
            .and_then(|&i| record.get(i))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let mut rows = Vec::new();
    let mut used: Vec<bool> = vec![false; width];
    // (badge, recipient key) → first line, for duplicates inside the file.
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let (mut counted_to, mut counted_lines) = (0usize, 0usize);
    let mut existing: BTreeMap<&str, Existing> = BTreeMap::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(csv_problem(label, &error));
                break;
            }
        };
        // The reader's position is where the previous record ended (before
        // its line break): the row starts after the breaks.
        let byte = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .min(text.len());
        let start = text
            .get(byte..)
            .and_then(|rest| rest.find(|c| c != '\r' && c != '\n'))
            .map_or(text.len(), |i| byte + i);
        // Lines are counted from the previous row on (rows only move forward).
        let upto = start.max(counted_to);
        counted_lines += text.as_bytes()[counted_to..upto]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = upto;
        let line = counted_lines + 1;
        let span = line_span(&text, start);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() >= limits::IMPORT_ROWS {
            problems.push(
                Diagnostic::at(
                    label,
                    span,
                    format!(
                        "line {line}: too many rows: Rosette imports at most {} awards at once",
                        limits::IMPORT_ROWS
                    ),
                )
                .help("split the file"),
            );
            break;
        }
        let mut row_problems = Vec::new();
        if record.len() > width {
            row_problems.push(format!(
                "{} fields, but the header has {width} (a comma inside a value needs the value in double quotes)",
                record.len()
            ));
        }
        for (i, value) in record.iter().enumerate().take(width) {
            if !value.is_empty() {
                used[i] = true;
            }
        }
        let badge = get(&record, Field::Badge).or_else(|| options.badge.clone());
        let identifier_is_did = header
            .get(columns.get(&Field::Email).copied().unwrap_or(usize::MAX))
            .is_some_and(|h| normalise(h).contains("identifier"));
        let email = get(&record, Field::Email);
        let did = get(&record, Field::Did);
        let who = match (email, did) {
            (Some(email), None) if identifier_is_did && email.starts_with("did:") => {
                Some(Who::Did(email))
            }
            (Some(address), None) => Some(Who::Email {
                address,
                plain: options.plain,
            }),
            (None, Some(did)) => Some(Who::Did(did)),
            (Some(_), Some(_)) => {
                row_problems.push("both an email and a DID: give one of them".into());
                None
            }
            (None, None) => {
                row_problems.push("no email (or DID)".into());
                None
            }
        };
        let name = get(&record, Field::Name).or_else(|| {
            let first = get(&record, Field::FirstName).unwrap_or_default();
            let last = get(&record, Field::LastName).unwrap_or_default();
            let full = format!("{first} {last}").trim().to_string();
            (!full.is_empty()).then_some(full)
        });
        let mut date = |field: Field, what: &str| {
            let text = get(&record, field)?;
            match parse_date(&text, layout) {
                Ok(datetime) => Some(datetime),
                Err(expected) => {
                    row_problems.push(format!("bad {what} `{text}`: expected {expected}"));
                    None
                }
            }
        };
        let issued = date(Field::Issued, "issue date");
        let expires = date(Field::Expires, "expiry date");
        let evidence = EvidenceRequest {
            url: get(&record, Field::EvidenceUrl),
            name: get(&record, Field::EvidenceName),
            narrative: get(&record, Field::EvidenceNarrative),
        };
        let Some(badge) = badge else {
            row_problems.push("no badge: fill in the `badge` column".into());
            push_row(&mut problems, label, line, &span, row_problems);
            continue;
        };
        let Some(who) = who else {
            push_row(&mut problems, label, line, &span, row_problems);
            continue;
        };
        let request = Request {
            badge: badge.clone(),
            who,
            name,
            issued,
            expires,
            narrative: get(&record, Field::Narrative),
            evidence: if evidence == EvidenceRequest::default() {
                Vec::new()
            } else {
                vec![evidence]
            },
        };
        row_problems.extend(request.problems(site));
        if let Some(badge) = site.badges.iter().find(|b| b.slug == request.badge)
            && let Some(duplicate) = existing
                .entry(badge.slug.as_str())
                .or_insert_with(|| Existing::of(badge))
                .duplicate(&request)
        {
            row_problems.push(duplicate);
        }
        let key = (badge, recipient_key(&request.who));
        if let Some(first) = seen.get(&key) {
            row_problems.push(format!(
                "duplicate of line {first}: the same recipient and badge `{}`",
                key.0
            ));
        } else {
            seen.insert(key, line);
        }
        if row_problems.is_empty() {
            rows.push((line, request));
        } else {
            push_row(&mut problems, label, line, &span, row_problems);
        }
    }
    if !problems.is_empty() {
        return Err(Error::problems(problems, &sources));
    }
    if rows.is_empty() {
        return Err(Error::problem(
            Diagnostic::in_file(
                label,
                "no awards in the file: expected one row per award after the header",
            ),
            &sources,
        ));
    }
    let ignored = ignored_columns
        .into_iter()
        .filter(|(i, _, _)| used.get(*i).copied().unwrap_or(false))
        .map(|(_, name, _)| name)
        .collect();
    Ok(Parsed {
        layout,
        rows,
        ignored,
    })
}

fn describe(field: Field) -> &'static str {
    match field {
        Field::Badge => "badge",
        Field::Email => "recipient's email",
        Field::Did => "recipient's DID",
        Field::Name => "recipient's name",
        Field::FirstName => "first name",
        Field::LastName => "last name",
        Field::Issued => "issue date",
        Field::Expires => "expiry date",
        Field::Narrative => "narrative",
        Field::EvidenceUrl => "evidence URL",
        Field::EvidenceName => "evidence name",
        Field::EvidenceNarrative => "evidence narrative",
    }
}

fn layout(header: &csv::StringRecord) -> Layout {
    let names: Vec<String> = header.iter().map(normalise).collect();
    let has = |n: &str| names.iter().any(|h| h == n);
    if has("recipient email") || has("issued at date") || has("badge template id") {
        Layout::Credly
    } else if has("identifier") {
        Layout::Canvas
    } else if has("recipient name") || (has("email") && has("evidence")) {
        Layout::Badgr
    } else {
        Layout::Rosette
    }
}

/// The byte range of the line that starts at (or contains) `at`.
fn line_span(text: &str, at: usize) -> std::ops::Range<usize> {
    let at = at.min(text.len());
    let end = text
        .get(at..)
        .and_then(|rest| rest.find(['\r', '\n']))
        .map_or(text.len(), |i| at + i);
    at..end.max(at)
}

fn push_row(
    out: &mut Diagnostics,
    label: &str,
    line: usize,
    span: &std::ops::Range<usize>,
    problems: Vec<String>,
) {
    for problem in problems {
        out.push(
            Diagnostic::at(label, span.clone(), format!("line {line}: {problem}"))
                .label("this row"),
        );
    }
}

fn csv_problem(label: &str, error: &csv::Error) -> Diagnostic {
    let line = error.position().map_or(1, csv::Position::line);
    Diagnostic::in_file(
        label,
        format!("near line {line}: cannot read the CSV: {error}"),
    )
}

/// How two requests' recipients compare inside one file.
fn recipient_key(who: &Who) -> String {
    match who {
        Who::Email { address, .. } => format!("email:{}", address.to_lowercase()),
        Who::Did(did) => format!("did:{did}"),
    }
}

/// The existing awards of one badge, indexed for duplicate checks: plain
/// emails and DIDs by value, hashed emails as (salt, digest) to hash each
/// row's email with.
struct Existing<'a> {
    plain: HashMap<&'a str, &'a Award>,
    dids: HashMap<&'a str, &'a Award>,
    hashed: Vec<(&'a str, [u8; 32], &'a Award)>,
}

impl<'a> Existing<'a> {
    fn of(badge: &'a crate::model::Badge) -> Existing<'a> {
        let mut existing = Existing {
            plain: HashMap::new(),
            dids: HashMap::new(),
            hashed: Vec::new(),
        };
        for award in &badge.awards {
            match &award.recipient.identity {
                Identity::Email(email) => {
                    existing.plain.entry(email.as_str()).or_insert(award);
                }
                Identity::Did(did) => {
                    existing.dids.entry(did.as_str()).or_insert(award);
                }
                Identity::EmailHash { hash, salt } => {
                    if let Some(digest) = parse_identity_hash(hash) {
                        existing.hashed.push((salt.as_str(), digest, award));
                    }
                }
            }
        }
        existing
    }

    /// "duplicate: …" when the recipient already has the badge. A hashed
    /// award is matched by hashing the row's email with that award's salt:
    /// the cost is one SHA-256 per hashed award of the badge, spread over
    /// the threads.
    fn duplicate(&self, request: &Request) -> Option<String> {
        let (award, how) = match &request.who {
            Who::Did(did) => (*self.dids.get(did.as_str())?, ""),
            Who::Email { address, .. } => {
                let lower = address.to_lowercase();
                match self.plain.get(lower.as_str()) {
                    Some(award) => (*award, ""),
                    None => {
                        let (_, _, award) =
                            self.hashed.par_iter().find_first(|(salt, digest, _)| {
                                identity_digest(&lower, salt) == *digest
                            })?;
                        (*award, " (its hashed email matches)")
                    }
                }
            }
        };
        Some(format!(
            "duplicate: this recipient already has badge `{}`: award `{}` in {}{how}",
            request.badge, award.id, award.file
        ))
    }
}

/// An ISO date or date-time, or in a Credly file `mm/dd/yy` or `mm/dd/yyyy`.
fn parse_date(text: &str, layout: Layout) -> Result<toml_edit::Datetime, String> {
    if let Some(datetime) = edit::parse_datetime(text) {
        return Ok(datetime);
    }
    let iso = "a date like 2026-11-01 (or a date-time with offset like 2026-11-01T09:30:00Z)";
    if !text.contains('/') {
        return Err(iso.into());
    }
    if layout != Layout::Credly {
        return Err(format!(
            "{iso}: slash dates are read only in Credly files (as mm/dd/yy), since they mean \
             different days in different countries"
        ));
    }
    let credly = format!("{iso} or mm/dd/yy");
    let parts: Vec<&str> = text.split('/').collect();
    let [month, day, year] = parts.as_slice() else {
        return Err(credly);
    };
    let number = |s: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u16>().ok())
            .flatten()
    };
    let (Some(month), Some(day), Some(year)) = (
        number(month, 1..=2),
        number(day, 1..=2),
        number(year, 2..=4),
    ) else {
        return Err(credly);
    };
    let year = match year {
        0..=99 if parts[2].len() == 2 => 2000 + year,
        _ if parts[2].len() == 4 => year,
        _ => return Err(credly),
    };
    let iso_text = format!("{year:04}-{month:02}-{day:02}");
    edit::parse_datetime(&iso_text).ok_or(credly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_by_alias_whatever_their_case_and_separators() {
        for (header, field) in [
            ("Recipient Email", Field::Email),
            ("recipient_email", Field::Email),
            ("E-Mail", Field::Email),
            ("Identifier", Field::Email),
            ("Issued at date", Field::Issued),
            ("ISSUE DATE", Field::Issued),
            ("evidence_url", Field::EvidenceUrl),
            ("Evidence", Field::EvidenceUrl),
            ("\u{feff}badge", Field::Badge),
            ("  Expiration Date ", Field::Expires),
        ] {
            assert_eq!(field_of(&normalise(header)), Some(field), "{header}");
        }
        assert_eq!(field_of(&normalise("Badge Template ID")), None);
    }

    #[test]
    fn credly_dates_are_read_only_in_credly_files() {
        let day = |text: &str, layout| parse_date(text, layout).map(|d| d.to_string());
        assert_eq!(day("03/04/26", Layout::Credly).unwrap(), "2026-03-04");
        assert_eq!(day("3/4/2026", Layout::Credly).unwrap(), "2026-03-04");
        assert_eq!(day("2026-03-04", Layout::Canvas).unwrap(), "2026-03-04");
        assert!(
            day("03/04/26", Layout::Canvas)
                .unwrap_err()
                .contains("only in Credly")
        );
        assert!(day("13/01/26", Layout::Credly).is_err(), "month 13");
        assert!(day("02/30/26", Layout::Credly).is_err(), "February 30");
        assert!(day("1/2/345", Layout::Credly).is_err());
        assert!(day("tomorrow", Layout::Rosette).is_err());
        assert_eq!(
            day("2026-03-04T10:00:00+02:00", Layout::Rosette).unwrap(),
            "2026-03-04T10:00:00+02:00"
        );
    }
}
