//! Bounds on everything read from a repository. Every size and count that
//! input controls has a limit here, so any input is read, checked and built
//! in time and memory about linear in its size, and a limit that is hit
//! gives one clear problem instead of a hang or an abort. The limits are far
//! above what a real badge site needs.

/// A TOML file of `site/` or `badges/`.
pub const TOML_FILE_BYTES: u64 = 16 << 20;
/// `rosette.lock` (about 45 bytes per award).
pub const LOCK_FILE_BYTES: u64 = 64 << 20;
/// An extra page, `site/pages/<name>.md`.
pub const PAGE_BYTES: u64 = 1 << 20;
/// A badge image.
pub const IMAGE_BYTES: u64 = 8 << 20;
/// A file of `site/static/` or of a theme (GitHub Pages refuses files over 100 MB).
pub const STATIC_FILE_BYTES: u64 = 100 << 20;

/// Awards in the whole repository.
pub const AWARDS: usize = 2_000_000;
/// Badges in the repository, extra pages, theme files.
pub const BADGES: usize = 10_000;
pub const PAGES: usize = 1_000;
/// Entries of a list field: `tags`, `[[badge.alignment]]`, an award's
/// `evidence`, site.toml's `[[keys]]`.
pub const LIST_ITEMS: usize = 64;
/// Characters of a one-line text (names, ids, URLs, tags).
pub const SHORT_TEXT: usize = 2_000;
/// Characters of a long text (descriptions, Markdown criteria and narratives).
pub const LONG_TEXT: usize = 100_000;
/// Nesting of Markdown containers (block quotes, lists) in one text.
pub const MARKDOWN_DEPTH: usize = 16;
/// Revocation status lists (each holds 65,536 awards before the next starts).
pub const STATUS_LISTS: usize = 64;
/// An endorsement (`badges/<slug>/endorsements/*.json`) or a copy of an
/// endorser's DID document.
pub const ENDORSEMENT_BYTES: u64 = 64 << 10;
/// A badge's endorsements together: each is copied into every credential of
/// the badge, so they bound the size of every one of them.
pub const BADGE_ENDORSEMENTS_BYTES: usize = 256 << 10;
/// A CSV file given to `rosette import`, and its rows.
pub const IMPORT_FILE_BYTES: u64 = 64 << 20;
pub const IMPORT_ROWS: usize = 100_000;
