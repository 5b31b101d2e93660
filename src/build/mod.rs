//! The pipeline, end to end, and the only module (with the CLI) that uses
//! every layer: load and validate the repository into a [`Plan`] (the model
//! plus what this build decides: status slots and the lock's next state),
//! then issue credentials, render pages and write them, atomically.
//!
//! `rosette check` runs everything `build` runs except signing with the key
//! and writing: the theme is compiled and every page rendered, every
//! credential goes through JSON-LD safe mode and the portable sort check.
//!
//! # Incremental builds
//!
//! A build makes only what changed, and its result is byte for byte the
//! result of a build from scratch:
//!
//! - each award's files are kept from the previous build when the award's
//!   fingerprint ([`memo`]) is unchanged: no signing, no rendering;
//! - every other file is made and compared with the previous build's
//!   record, and [`output::publish`] writes only files whose bytes differ,
//!   then swaps the new tree in atomically;
//! - signatures come from the signature cache in `.rosette-cache/` when
//!   exactly the same document was signed before (`credential::issue`).
//!
//! The cache and the output's records can be deleted at any time: that
//! only costs the time of a full build.

mod memo;
mod stamp;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::credential::canon::Canonicalizer;
use crate::credential::did::{DidDocument, DidWeb, WALLET_LIMIT};
use crate::credential::issue::{AwardError, IssueError, Issuer};
use crate::credential::keys::{self, Secret, SecretScan};
use crate::credential::ob3::{self, Record};
use crate::diagnostic::{Diagnostic, Diagnostics, Sources};
use crate::error::Error;
use crate::layout;
use crate::model::{Award, Badge, Site, Slot, day};
use crate::output::cache::Cache;
use crate::output::{self, Discard, Sink, WriteError};
use crate::repo::cache::TextCache;
use crate::repo::edit::Changes;
use crate::repo::input::BadgeFileInput;
use crate::repo::lock::{self, LOCK_FILE, Ledger};
use crate::repo::{keyfile, slots, validate};
use crate::site::view::{KeyFacts, Signing};
use crate::site::{self, PageReuse, Pages, RenderError, Theme};

/// What `build` needs to know beyond the repository.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    /// Overrides `base_url` of site.toml (for previews and staging hosts).
    pub base_url: Option<String>,
    /// The secret signing key file (`--key`); else `ROSETTE_SIGNING_KEY`.
    pub key_file: Option<PathBuf>,
    /// Refuse to build when `rosette.lock` would change (for CI).
    pub locked: bool,
}

/// The signature cache of a repository, relative to its root: out of the
/// output and out of git (`rosette init` ignores it), safe to delete.
pub const CACHE_DIR: &str = ".rosette-cache";

/// What a successful build made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub badges: usize,
    pub awards: usize,
    pub pages: usize,
    /// Signed credentials in the site (0 when the site has no keys).
    pub signed: usize,
    /// Warnings for the user (unsigned site, demo key).
    pub warnings: Vec<String>,
    /// Files in the site.
    pub files: usize,
    /// Files whose bytes were written (new or changed; the rest were
    /// unchanged and not touched).
    pub written: usize,
    /// Files of the previous output that the site no longer has.
    pub deleted: usize,
    /// Signatures computed (the rest came from the cache or were kept).
    pub signatures_made: usize,
    /// Awards whose files were kept from the previous build.
    pub kept: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            f,
            "{}, {}, {}, {}",
            plural(self.badges, "badge"),
            plural(self.awards, "award"),
            plural(self.pages, "page"),
            plural(self.signed, "signed credential")
        )
    }
}

impl Summary {
    /// What the build changed in the output folder, for the summary line.
    pub fn changes(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        if self.written == 0 && self.deleted == 0 {
            return format!("no changes; {} kept", plural(self.files, "file"));
        }
        let mut text = format!("{} of {} written", self.written, plural(self.files, "file"));
        if self.deleted > 0 {
            text.push_str(&format!(", {} deleted", self.deleted));
        }
        text.push_str(&format!(
            ", {} made",
            plural(self.signatures_made, "signature")
        ));
        text
    }
}

/// A validated repository and what building it decides.
#[derive(Debug)]
pub struct Plan {
    pub site: Site,
    /// The text of every file a report may quote.
    pub sources: Sources,
    /// Every award's permanent revocation status slot.
    pub slots: BTreeMap<String, Slot>,
    /// `rosette.lock` as it is.
    pub lock: Ledger,
    /// `rosette.lock` after this build, when it changes.
    pub next_lock: Option<Ledger>,
    /// What `check` lists without failing: texts not translated yet.
    pub warnings: Vec<Diagnostic>,
}

impl Plan {
    /// Badges and awards that the lock does not record yet.
    pub fn unrecorded(&self) -> (Vec<&str>, Vec<&str>) {
        let badges = self
            .site
            .badges
            .iter()
            .map(|b| b.slug.as_str())
            .filter(|slug| !self.lock.badges.contains(*slug))
            .collect();
        let awards = self
            .site
            .awards()
            .map(|(_, a)| a.id.as_str())
            .filter(|id| !self.lock.awards.contains_key(*id))
            .collect();
        (badges, awards)
    }
}

/// What a process that plans again and again (`serve`) keeps between
/// plans: each badge and award file's parse and the lock's, by exact text,
/// so a save parses one file.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: TextCache<std::sync::Arc<BadgeFileInput>>,
    lock: TextCache<Ledger>,
}

/// Loads and validates the repository at `root`, reporting every problem,
/// and decides the status slots of new awards.
pub fn plan(root: &Path, base_url: Option<&str>) -> Result<Plan, Error> {
    plan_with(root, base_url, None)
}

/// [`plan`], parsing only the badge and award files that `parsed` (kept by
/// a process that plans again and again: `serve`) does not already hold.
pub fn plan_with(
    root: &Path,
    base_url: Option<&str>,
    parsed: Option<&ParseCache>,
) -> Result<Plan, Error> {
    let mut problems = Diagnostics::default();
    // The lock is read while the repository is (it is a large file too).
    let (mut loaded, (ledger, lock_source, lock_problems)) = rayon::join(
        || crate::repo::load_with(root, parsed.map(|p| &p.files), &mut problems),
        || {
            let mut sources = Sources::default();
            let mut problems = Diagnostics::default();
            let lock_cache = parsed.map(|p| &p.lock);
            let ledger = lock::load_with(root, lock_cache, &mut sources, &mut problems);
            (ledger, sources, problems)
        },
    );
    let mut sources = std::mem::take(&mut loaded.sources);
    sources.extend(lock_source);
    let site = validate::validate(loaded, &mut problems);
    // Before `--base-url`: endorsements are of the achievements of site.toml's base_url.
    if let Some(site) = &site {
        check_endorsements(site, &mut problems)?;
    }
    let site = match (site, base_url) {
        (Some(mut site), Some(url)) => match validate::rules::base_url(url) {
            Ok(()) => {
                site.base_url = url.to_string();
                Some(site)
            }
            Err(expected) => {
                problems.push(
                    Diagnostic::new(format!("invalid `--base-url {url}`"))
                        .label(format!("expected {expected}")),
                );
                None
            }
        },
        (site, _) => site,
    };
    problems.extend(lock_problems);
    let Some(site) = site else {
        return Err(Error::problems(problems, &sources));
    };
    lock::check(&ledger, &site, &mut problems);
    if !problems.is_empty() {
        return Err(Error::problems(problems, &sources));
    }
    let slots = slots::assign(&site, &ledger.awards);
    let next = ledger.updated(&site, &slots);
    let next_lock = (next != ledger).then_some(next);
    let warnings = validate::untranslated(&site);
    Ok(Plan {
        site,
        sources,
        slots,
        lock: ledger,
        next_lock,
        warnings,
    })
}

/// The site's languages the theme has no words for (its own texts, such
/// as "Issued by", are then in English).
fn catalog_warnings(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    site.languages
        .iter()
        .filter(|lang| !crate::site::strings::has_catalog(lang, &theme.strings))
        .map(|lang| {
            Diagnostic::at(
                crate::repo::SITE_FILE,
                site.spans
                    .get("languages")
                    .or_else(|| site.spans.get("language"))
                    .cloned()
                    .unwrap_or(0..0),
                format!("the theme has no words for `{lang}`"),
            )
            .label(format!(
                "its own texts (\"Issued by\", dates) are in English on `{lang}` pages: add \
                 themes/<name>/strings/{lang}.toml"
            ))
        })
        .collect()
}

/// Endorsements are published only when they verify (`crate::verify`):
/// a changed or mismatched one is a problem naming its file.
fn check_endorsements(site: &Site, problems: &mut Diagnostics) -> Result<(), Error> {
    if site.badges.iter().all(|b| b.endorsements.is_empty()) {
        return Ok(());
    }
    let canon = canonicalizer()?;
    for refused in crate::verify::endorsement::check(&canon, site) {
        problems.push(Diagnostic::in_file(&refused.file, refused.reason).help(refused.help));
    }
    Ok(())
}

/// `rosette check`: everything [`build`] checks, without the secret key and
/// without writing anything.
pub fn check(root: &Path, locked: bool) -> Result<Plan, Error> {
    let mut plan = plan(root, None)?;
    if locked {
        refuse_lock_change(&plan)?;
    }
    let theme = load_theme(&plan)?;
    let missing = catalog_warnings(&plan.site, &theme);
    plan.warnings.extend(missing);
    let canon = canonicalizer()?;
    let issuer =
        Issuer::new(&plan.site, &plan.slots, &canon, None).map_err(|e| issue_error(&plan, e))?;
    // Pages are rendered as a build with a key renders them.
    let signing = (!plan.site.keys.is_empty()).then(|| signing_facts(&plan, &issuer, None));
    // `check` writes nothing, not even the preview cache.
    let pages = Pages::new(&plan.site, &theme, signing.as_ref(), &plan.slots, None)
        .map_err(|e| render_error(&plan, &theme, e))?;
    pages
        .write_rest(&Discard, &PageReuse::default())
        .map_err(|e| render_error(&plan, &theme, e))?;
    let awards: Vec<(&Badge, &Award)> = plan.site.awards().collect();
    let failures: Vec<Failure> = awards
        .par_iter()
        .filter_map(|(badge, award)| {
            if let Err(error) = issuer.check_award(badge, award) {
                return Some(Failure::Award(error));
            }
            pages
                .award(badge, award)
                .and_then(|_| pages.award_translations(badge, award))
                .err()
                .map(Failure::Render)
        })
        .collect();
    report_failures(&plan, &theme, failures)?;
    // After the awards, whose reports point at the field: this catches
    // badges without awards and translations (published as achievements).
    issuer.achievements().map_err(|e| issue_error(&plan, e))?;
    Ok(plan)
}

/// Where the badges' social previews are kept between builds (beside the
/// signature cache: safe to delete, never published).
pub fn preview_cache(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("previews")
}

/// Told how far a build is (the CLI draws a progress bar with it).
pub trait Progress: Sync {
    /// The build is about to make the files of `awards` awards.
    fn start(&self, awards: usize) {
        let _ = awards;
    }
    /// `done` more awards are made (or kept).
    fn advance(&self, done: usize) {
        let _ = done;
    }
}

/// No progress reports.
pub struct Silent;

impl Progress for Silent {}

/// How [`render`] makes a site, beyond the plan.
#[derive(Clone, Copy)]
pub struct RenderOptions<'a> {
    pub secret: Option<&'a Secret>,
    /// Signatures of earlier builds.
    pub cache: Option<&'a Cache>,
    /// Where the badges' social previews are kept between builds
    /// ([`preview_cache`]); `None`: rendered every time, nothing written.
    pub preview_cache: Option<&'a Path>,
    pub progress: &'a dyn Progress,
    /// The JSON-LD canonicaliser: made once per process ([`canonicalizer`]),
    /// while the repository is planned (`build`) or kept across rebuilds
    /// (`serve`), since reading the bundled contexts takes milliseconds.
    pub canon: &'a Canonicalizer,
}

/// What [`render`] made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Signed credentials in the site.
    pub signed: usize,
    /// Signatures computed (not found in the cache, not kept).
    pub signatures_made: usize,
    /// Awards whose files the sink kept from the previous build.
    pub kept: usize,
}

/// Issues, renders and writes a planned site into any sink (a folder, or
/// memory for `serve`). Returns the number of signed credentials.
///
/// With a secret, every file goes through a [`Guarded`] sink first: a file
/// that holds the secret key in any encoding (a key file copied into
/// `site/static/`, a theme that somehow contains it) is refused with exit
/// code 2 before it reaches the sink, so it is never published and the
/// previous output stays in place.
pub fn render_into(plan: &Plan, secret: Option<&Secret>, sink: &dyn Sink) -> Result<usize, Error> {
    let canon = canonicalizer()?;
    let options = RenderOptions {
        secret,
        cache: None,
        preview_cache: None,
        progress: &Silent,
        canon: &canon,
    };
    render(plan, options, sink).map(|r| r.signed)
}

/// Issues, renders and writes a planned site into any sink, keeping the
/// files of unchanged awards when the sink has them ([`Sink::reuse`]).
pub fn render(plan: &Plan, options: RenderOptions<'_>, sink: &dyn Sink) -> Result<Rendered, Error> {
    let guarded = options.secret.map(|secret| Guarded {
        inner: sink,
        scan: SecretScan::new(secret),
    });
    let sink: &dyn Sink = match &guarded {
        Some(guarded) => guarded,
        None => sink,
    };
    let theme = load_theme(plan)?;
    let issuer = match options.secret {
        Some(secret) => Some(
            Issuer::new(&plan.site, &plan.slots, options.canon, Some(secret))
                .map_err(|e| issue_error(plan, e))?
                .with_cache(options.cache),
        ),
        None => None,
    };
    let signing = issuer.as_ref().map(|i| signing_facts(plan, i, i.key_id()));
    let pages = Pages::new(
        &plan.site,
        &theme,
        signing.as_ref(),
        &plan.slots,
        options.preview_cache,
    )
    .map_err(|e| render_error(plan, &theme, e))?;
    // What every award's files depend on, computed once.
    let signer = options
        .secret
        .zip(issuer.as_ref().and_then(Issuer::key_id))
        .map(|(secret, id)| (id, secret.signing_key().verifying_key().to_bytes()));
    let site_print = memo::site(&plan.site, &theme, signing.as_ref(), signer);
    let badge_prints: Vec<output::Digest> = plan
        .site
        .badges
        .iter()
        .map(|b| memo::badge(&plan.site, b))
        .collect();
    let check_reuse = std::env::var_os("ROSETTE_CHECK_REUSE").is_some_and(|v| v == "1");
    // Each award's print, with its badge: badge pages depend on them too.
    let awards: Vec<(&Badge, &Award, &output::Digest)> = plan
        .site
        .badges
        .iter()
        .zip(&badge_prints)
        .flat_map(|(badge, print)| badge.awards.iter().map(move |award| (badge, award, print)))
        .collect();
    let award_prints: Vec<output::Digest> = awards
        .par_iter()
        .map(|(_, award, badge_print)| {
            memo::award(&site_print, badge_print, award, plan.slots.get(&award.id))
        })
        .collect();
    let mut reuse = PageReuse {
        check: check_reuse,
        ..PageReuse::default()
    };
    let mut first = 0;
    for badge in &plan.site.badges {
        let prints = &award_prints[first..first + badge.awards.len()];
        first += badge.awards.len();
        let print = memo::badge_page(&site_print, &badge_prints, prints);
        reuse.badges.insert(badge.slug.as_str(), print);
    }
    pages
        .write_rest(sink, &reuse)
        .map_err(|e| render_error(plan, &theme, e))?;
    // Award pages and files are most of a site: made and written in
    // parallel, as they are made, so memory does not grow with the site.
    options.progress.start(awards.len());
    let kept = std::sync::atomic::AtomicUsize::new(0);
    let failures: Vec<Failure> = awards
        .par_iter()
        .zip(&award_prints)
        .filter_map(|((badge, award, _), print)| {
            let print = *print;
            let mut paths = award_paths(issuer.is_some(), &award.id);
            paths.extend(pages.award_translation_paths(&award.id));
            let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
            let result = match sink.reuse(&award.id, &print, &paths) {
                Ok(true) => {
                    kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if check_reuse {
                        // The sink refuses bytes that differ from what it kept.
                        write_award(&pages, issuer.as_ref(), badge, award, &CheckKept(sink))
                    } else {
                        Ok(())
                    }
                }
                Ok(false) => write_award(&pages, issuer.as_ref(), badge, award, sink),
                Err(error) => Err(Failure::Render(RenderError::Write {
                    path: layout::award_dir(&award.id),
                    error,
                })),
            };
            options.progress.advance(1);
            result.err()
        })
        .collect();
    report_failures(plan, &theme, failures)?;
    let mut rendered = Rendered {
        kept: kept.into_inner(),
        ..Rendered::default()
    };
    if let Some(issuer) = &issuer {
        for (path, bytes) in issuer.site_files().map_err(|e| issue_error(plan, e))? {
            sink.put(&path, &bytes).map_err(Error::io(path))?;
        }
        rendered.signed = awards.len();
        rendered.signatures_made = issuer.signatures_made();
    }
    Ok(rendered)
}

/// A sink whose `put` checks the bytes against what `reuse` kept.
struct CheckKept<'s>(&'s dyn Sink);

impl Sink for CheckKept<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.0.check_kept(path, bytes)
    }
}

/// The files of an award in the default language, in the order
/// [`write_award`] puts them (then come its pages in further languages,
/// [`Pages::award_translation_paths`]).
fn award_paths(signed: bool, id: &str) -> Vec<String> {
    let mut paths = Vec::with_capacity(3);
    if signed {
        paths.push(layout::credential(id));
        paths.push(layout::assertion(id));
    }
    paths.push(layout::award_page(id));
    paths
}

/// A sink that refuses every file holding the secret key.
struct Guarded<'a> {
    inner: &'a dyn Sink,
    scan: SecretScan,
}

impl Sink for Guarded<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(encoding) = self.scan.find(bytes) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "refusing to publish this file: it contains the secret signing key (as \
                     {encoding}); nothing was published. Remove the key from site/, badges/ and \
                     themes/, and treat it as leaked if it was ever committed"
                ),
            ));
        }
        self.inner.put(path, bytes)
    }

    // Kept files were scanned when they were made.
    fn reuse(
        &self,
        unit: &str,
        fingerprint: &output::Digest,
        paths: &[&str],
    ) -> std::io::Result<bool> {
        self.inner.reuse(unit, fingerprint, paths)
    }

    fn check_kept(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.inner.check_kept(path, bytes)
    }
}

/// One award that could not be issued, rendered or written.
enum Failure {
    Award(AwardError),
    Render(RenderError),
}

fn write_award(
    pages: &Pages<'_>,
    issuer: Option<&Issuer<'_>>,
    badge: &Badge,
    award: &Award,
    sink: &dyn Sink,
) -> Result<(), Failure> {
    let put = |path: String, bytes: &[u8]| {
        sink.put(&path, bytes)
            .map_err(|error| Failure::Render(RenderError::Write { path, error }))
    };
    if let Some(issuer) = issuer {
        let files = issuer.award(badge, award).map_err(Failure::Award)?;
        put(layout::credential(&award.id), &files.credential)?;
        put(layout::assertion(&award.id), &files.assertion)?;
    }
    let page = pages.award(badge, award).map_err(Failure::Render)?;
    put(layout::award_page(&award.id), &page)?;
    for (path, page) in pages
        .award_translations(badge, award)
        .map_err(Failure::Render)?
    {
        put(path, &page)?;
    }
    Ok(())
}

/// All content problems at once; an I/O failure wins (exit code 2).
fn report_failures(plan: &Plan, theme: &Theme, failures: Vec<Failure>) -> Result<(), Error> {
    let mut problems = Diagnostics::default();
    for failure in failures {
        match failure {
            Failure::Award(error) => problems.push(award_problem(plan, &error)),
            Failure::Render(RenderError::Template(diagnostic)) => problems.push(*diagnostic),
            Failure::Render(other) => return Err(render_error(plan, theme, other)),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::problems(problems, &with_theme(plan, theme)))
    }
}

/// Builds the site into `options.out`, atomically.
pub fn build(options: &BuildOptions) -> Result<Summary, Error> {
    build_with(options, &Silent)
}

/// [`build`], telling `progress` how far it is.
pub fn build_with(options: &BuildOptions, progress: &dyn Progress) -> Result<Summary, Error> {
    refuse_dangerous_out(&options.root, &options.out)?;
    let mut key_warning = None;
    if let Some(path) = &options.key_file
        && !keys::looks_like_a_secret(&path.to_string_lossy())
    {
        let place = keyfile::check(&options.root, &options.out, path, "use")?;
        key_warning = keyfile::warning(&place);
    }
    let secret = keys::read_secret(options.key_file.as_deref()).map_err(Error::Usage)?;
    // Nothing changed since the build that made the output: nothing to do.
    let inputs = stamp::inputs(options, secret.as_ref());
    let key = inputs.and_then(|inputs| stamp::with_lock(&inputs, &options.root));
    if let Some(mut summary) = key.and_then(|key| stamp::find(&options.out, &key)) {
        summary.warnings.splice(0..0, key_warning);
        return Ok(summary);
    }
    // The output folder's record is read, and the canonicaliser made, while
    // the repository is planned (on the core that planning leaves idle).
    let (plan, (opened, canon)) = rayon::join(
        || plan(&options.root, options.base_url.as_deref()),
        || (output::open::<Error>(&options.out), canonicalizer()),
    );
    let plan = plan?;
    let canon = canon?;
    if options.locked {
        refuse_lock_change(&plan)?;
    }
    let site = &plan.site;
    let mut warnings = crate::repo::privacy::warnings(site, &plan.sources);
    match (&secret, site.keys.is_empty()) {
        (None, true) => warnings.push(
            "no signing keys in site/site.toml: pages are built, but no Open Badges 3.0 \
             credentials (run `rosette keygen`)"
                .to_string(),
        ),
        (None, false) => {
            return Err(Error::Usage(format!(
                "site/site.toml lists signing keys, but no secret key was given: \
                 pass `--key FILE` or set {}",
                keys::SECRET_ENV
            )));
        }
        (Some(secret), _) => {
            secret.find_key(&site.keys).map_err(Error::Usage)?;
        }
    }
    if let Ok(did) = DidWeb::from_base_url(&site.base_url) {
        let size = output::json::to_json_bytes(&DidDocument::new(&did, &site.keys)).len();
        if size > WALLET_LIMIT {
            warnings.push(format!(
                "did.json is {size} bytes: the did:web resolver of the Learner Credential Wallet \
                 and VerifierPlus refuses documents over {WALLET_LIMIT} bytes (too many keys)"
            ));
        }
    }
    // Badge images that pages or link previews would show badly.
    warnings.extend(site::preview::site_warnings(site));
    if secret.is_some() && site.base_url.starts_with("http://") {
        warnings.push(
            "base_url is http://: did:web documents are fetched over https only, so verifiers \
             elsewhere cannot check these credentials (fine for a local preview)"
                .to_string(),
        );
    }
    if let Some(secret) = &secret
        && secret.public_multikey() == keys::DEMO_PUBLIC_KEY
    {
        warnings.push(
            "signing with the public DEMO key: anyone can forge these credentials; \
             use `rosette keygen` for real badges"
                .to_string(),
        );
    }
    if !plan.warnings.is_empty() {
        let n = plan.warnings.len();
        warnings.push(format!(
            "{n} translation{} missing or incomplete (pages show the default language's \
             texts, marked): `rosette check` lists {}",
            if n == 1 { " is" } else { "s are" },
            if n == 1 { "it" } else { "them" }
        ));
    }
    let cache = secret.as_ref().map(|secret| {
        let path = options.root.join(CACHE_DIR).join("signatures");
        Cache::open(&path, secret.derive("signature-cache"))
    });
    let previews = preview_cache(&options.root);
    let render_options = RenderOptions {
        secret: secret.as_ref(),
        cache: cache.as_ref(),
        preview_cache: Some(&previews),
        progress,
        canon: &canon,
    };
    let mut rendered = Rendered::default();
    let mut publish = |opened: Result<output::Opened, WriteError<Error>>| {
        opened?.publish(|staging| {
            rendered = render(&plan, render_options, staging)?;
            Ok(())
        })
    };
    let published = match publish(opened) {
        // Files of public/ were removed by hand: forget what we knew and
        // write everything.
        Err(WriteError::Stale { .. }) => {
            output::forget(&options.out).map_err(Error::io(&options.out))?;
            publish(output::open(&options.out))
        }
        other => other,
    };
    if let Some(cache) = &cache
        && let Err(error) = cache.save(rendered.kept == 0)
    {
        warnings.push(format!(
            "could not save the signature cache in {CACHE_DIR}/ ({error}): the next build signs again"
        ));
    }
    let published = published.map_err(|e| match e {
        WriteError::Build(error) => error,
        WriteError::Io { path, error } => Error::Io { path, error },
        WriteError::Refused { path, reason } => {
            Error::Usage(format!("refusing to replace {}: {reason}", path.display()))
        }
        WriteError::Stale { path } => Error::Io {
            path,
            error: std::io::Error::other("removed while the site was being built"),
        },
    })?;
    if let Some(next) = &plan.next_lock {
        lock::write(&options.root, next)?;
    }
    let mut summary = Summary {
        badges: site.badges.len(),
        awards: site.award_count(),
        pages: site.pages.len(),
        signed: rendered.signed,
        warnings,
        files: published.files,
        written: published.written,
        deleted: published.deleted,
        signatures_made: rendered.signatures_made,
        kept: rendered.kept,
    };
    // Stamped only when what was read is what is there now, and the lock is
    // the one this build read or wrote.
    let lock_now = match &plan.next_lock {
        Some(next) => Some(next.to_text()),
        None => plan.sources.get(LOCK_FILE).map(str::to_string),
    };
    if let Some(inputs) = inputs
        && stamp::inputs(options, secret.as_ref()) == Some(inputs)
        && std::fs::read_to_string(options.root.join(LOCK_FILE)).ok() == lock_now
    {
        let key = stamp::key(&inputs, lock_now.as_deref().map(str::as_bytes));
        stamp::save(&options.out, &key, &summary);
    }
    summary.warnings.splice(0..0, key_warning);
    output::drop_later(plan);
    Ok(summary)
}

/// What `rosette endorse` signs.
#[derive(Debug, Clone)]
pub struct EndorseOptions {
    pub root: PathBuf,
    /// The secret signing key file (`--key`); else `ROSETTE_SIGNING_KEY`.
    pub key_file: Option<PathBuf>,
    /// The endorsed achievement's id (another issuer's).
    pub achievement: String,
    /// Markdown.
    pub comment: String,
    /// When the endorsement starts to be valid (the command's clock, or `--on`).
    pub valid_from: time::OffsetDateTime,
}

/// `rosette endorse`: this site's issuer, with its key, endorses another
/// issuer's achievement. Returns the signed `EndorsementCredential` (its id
/// a fresh `urn:uuid:`), which the other site keeps in its repository.
pub fn endorse(options: &EndorseOptions) -> Result<Vec<u8>, Error> {
    let url = validate::rules::web_url(&options.achievement)
        .map_err(|expected| Error::Usage(format!("ACHIEVEMENT_URL: expected {expected}")))?
        .to_string();
    let comment = options.comment.trim();
    validate::rules::text(comment)
        .and_then(|()| validate::rules::at_most(comment, crate::repo::limits::LONG_TEXT))
        .and_then(|()| validate::rules::markdown(comment))
        .map_err(|expected| Error::Usage(format!("--comment: expected {expected}")))?;
    let plan = plan(&options.root, None)?;
    if url.starts_with(&plan.site.base_url) {
        return Err(Error::Usage(format!(
            "{url} is an achievement of this site: an issuer endorses other issuers' badges"
        )));
    }
    let secret = keys::read_secret(options.key_file.as_deref())
        .map_err(Error::Usage)?
        .ok_or_else(|| {
            Error::Usage(format!(
                "an endorsement is signed with this site's key: pass `--key FILE` or set {}",
                keys::SECRET_ENV
            ))
        })?;
    let canon = canonicalizer()?;
    let issuer = Issuer::new(&plan.site, &plan.slots, &canon, Some(&secret))
        .map_err(|e| issue_error(&plan, e))?;
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|e| Error::Usage(format!("no random source: {e}")))?;
    let valid_from = crate::model::timestamp(
        options
            .valid_from
            .replace_nanosecond(0)
            .unwrap_or(options.valid_from),
    );
    issuer
        .endorse(&uuid_urn(random), &url, comment, &valid_from)
        .map_err(|e| Error::Usage(format!("cannot sign the endorsement: {e}")))
}

/// `urn:uuid:` + a version 4 (random) UUID made of `random`.
fn uuid_urn(mut random: [u8; 16]) -> String {
    random[6] = (random[6] & 0x0f) | 0x40;
    random[8] = (random[8] & 0x3f) | 0x80;
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `--locked`: the build must not publish anything `rosette.lock` does not
/// already record (new awards would get their status slots in CI only).
/// `check --locked` runs this same test on the same [`Plan`], so it fails on
/// a pull request exactly when `build --locked` would fail on the deploy.
pub fn refuse_lock_change(plan: &Plan) -> Result<(), Error> {
    if plan.next_lock.is_none() {
        return Ok(());
    }
    let (badges, awards) = plan.unrecorded();
    let mut missing = Vec::new();
    if !badges.is_empty() {
        missing.push(format!("badges {}", quoted_list(&badges)));
    }
    if !awards.is_empty() {
        missing.push(format!("awards {}", quoted_list(&awards)));
    }
    let diagnostic = Diagnostic::in_file(
        LOCK_FILE,
        "rosette.lock does not record every badge and award yet",
    )
    .label(format!("not recorded: {}", missing.join("; ")))
    .help(
        "run `rosette lock` (no key needed) and commit rosette.lock; \
         `rosette award` and `rosette import` record their awards themselves",
    );
    Err(Error::problem(diagnostic, &plan.sources))
}

/// What `rosette lock` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub badges: Vec<String>,
    pub awards: Vec<String>,
}

/// `rosette lock`: records every badge and award that the lock does not
/// record yet, with the status slots a build would give them ([`plan`]),
/// without the secret key. Writes nothing when the lock is up to date.
pub fn lock(root: &Path) -> Result<Locked, Error> {
    let plan = plan(root, None)?;
    let (badges, awards) = plan.unrecorded();
    let done = Locked {
        badges: badges.iter().map(|s| s.to_string()).collect(),
        awards: awards.iter().map(|s| s.to_string()).collect(),
    };
    if let Some(next) = &plan.next_lock {
        lock::write(root, next)?;
    }
    Ok(done)
}

/// Runs `edit` on a valid repository (`edit` sees its [`Plan`] and returns
/// the files it wrote), then plans again: the edit stays only when the whole
/// repository still validates as a build would validate it, and then
/// `rosette.lock` records the new badges and awards with the slots a build
/// would give them. Otherwise every file is restored and the problems are
/// returned (all or nothing). Used by `award`, `import` and
/// `hash-recipients`; none of them needs the secret key.
pub fn edit_and_lock<T>(
    root: &Path,
    edit: impl FnOnce(&Plan) -> Result<(Changes, T), Error>,
) -> Result<(T, Plan), Error> {
    let before = plan(root, None)?;
    let (changes, value) = edit(&before)?;
    let after = finish_edit(root, changes, |_| Ok(()))?;
    Ok((value, after))
}

/// The second half of [`edit_and_lock`], for an edit that must run on a
/// repository that does not validate yet (`hash-recipients` fixes
/// plaintext emails of a `hashed-only` repository): plans the edited
/// repository, which must validate and pass `accept`, then writes the
/// lock; otherwise restores every file written.
pub fn finish_edit(
    root: &Path,
    changes: Changes,
    accept: impl FnOnce(&Plan) -> Result<(), Error>,
) -> Result<Plan, Error> {
    let after = match plan(root, None).and_then(|after| accept(&after).map(|()| after)) {
        Ok(after) => after,
        Err(error) => {
            changes.undo();
            return Err(error);
        }
    };
    if let Some(next) = &after.next_lock
        && let Err(error) = lock::write(root, next)
    {
        changes.undo();
        return Err(error);
    }
    Ok(after)
}

/// `a`, `b`, `c`: every one of them, so a report names all that is missing.
fn quoted_list(items: &[&str]) -> String {
    let text: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    text.join(", ")
}

pub fn canonicalizer() -> Result<Canonicalizer, Error> {
    Canonicalizer::new().map_err(|e| Error::Usage(format!("bundled JSON-LD contexts: {e}")))
}

fn load_theme(plan: &Plan) -> Result<Theme, Error> {
    let mut problems = Diagnostics::default();
    let theme = site::theme::load(&plan.site.root, &plan.site.theme, &mut problems);
    if problems.is_empty() {
        Ok(theme)
    } else {
        Err(Error::problems(problems, &with_theme(plan, &theme)))
    }
}

/// The facts signing adds to pages. `key_id` is the signing key (`None` for
/// `check`, which renders as if the first active key signed).
fn signing_facts(plan: &Plan, issuer: &Issuer<'_>, key_id: Option<&str>) -> Signing {
    let did = issuer.did();
    let keys = &plan.site.keys;
    let key_id = key_id
        .or_else(|| {
            keys.iter()
                .find(|k| k.retired.is_none())
                .map(|k| k.id.as_str())
        })
        .unwrap_or("key-1");
    let lists = plan.slots.values().map(|s| s.list).max().unwrap_or(1);
    Signing {
        did: did.did.clone(),
        key_id: did.key_url(key_id),
        keys: keys
            .iter()
            .map(|k| KeyFacts {
                id: did.key_url(&k.id),
                public: k.public_multikey.clone(),
                retired: k.retired.map(day),
            })
            .collect(),
        status_lists: (1..=lists).collect(),
    }
}

/// The repository's sources with the theme's templates and strings, for reports.
fn with_theme(plan: &Plan, theme: &Theme) -> Sources {
    let mut sources = plan.sources.clone();
    for template in &theme.templates {
        sources.insert(&template.path, template.source.clone());
    }
    for (_, path, text) in &theme.strings {
        sources.insert(path, text.clone());
    }
    sources
}

fn render_error(plan: &Plan, theme: &Theme, error: RenderError) -> Error {
    match error {
        RenderError::Template(diagnostic) => Error::problem(*diagnostic, &with_theme(plan, theme)),
        RenderError::Read { path, error } => Error::Io { path, error },
        RenderError::Write { path, error } => Error::Io {
            path: PathBuf::from(path),
            error,
        },
    }
}

fn issue_error(plan: &Plan, error: IssueError) -> Error {
    match error {
        IssueError::Key(message) => Error::Usage(message),
        IssueError::Achievement { ref slug, .. } => {
            let file = plan
                .site
                .badges
                .iter()
                .find(|b| &b.slug == slug)
                .map_or_else(|| format!("badges/{slug}.toml"), |b| b.file.clone());
            Error::problem(Diagnostic::in_file(&file, error.to_string()), &plan.sources)
        }
        other => Error::problem(Diagnostic::new(other.to_string()), &plan.sources),
    }
}

/// A credential that cannot be signed, reported at the value in the
/// repository that caused it: the award's field, its badge's, or the
/// issuer's in site.toml.
fn award_problem(plan: &Plan, error: &AwardError) -> Diagnostic {
    let site = &plan.site;
    let found = site.awards().find(|(_, a)| a.id == error.id);
    let Some((badge, award)) = found else {
        return Diagnostic::new(error.to_string());
    };
    let locate = |path: &str| {
        let (record, field) = ob3::source_field(path)?;
        let (file, spans) = match record {
            Record::Site => (crate::repo::SITE_FILE, &site.spans),
            Record::Badge => (badge.file.as_str(), &badge.spans),
            Record::Award => (award.file.as_str(), &award.spans),
        };
        spans
            .get(&field)
            .map(|span| (record, file.to_string(), span.clone(), field))
    };
    let places: Vec<_> = error.paths.iter().filter_map(|p| locate(p)).collect();
    let hint = match error.error {
        crate::credential::canon::CanonError::ControlCharacter { .. } => {
            "remove tabs and other control characters from the texts"
        }
        crate::credential::canon::CanonError::SortOrder { .. } => {
            "change one of the two values so that they differ earlier, or drop the emoji or the \
             fullwidth character (digitalbazaar/rdf-canonize#52)"
        }
        _ => "wallets reject credentials with terms the Open Badges contexts do not define",
    };
    let Some((record, file, span, field)) = places.first().cloned() else {
        let id_span = award.spans.get("id").cloned().unwrap_or(0..0);
        return Diagnostic::at(&award.file, id_span, error.to_string()).help(hint);
    };
    let message = match record {
        Record::Award => error.to_string(),
        Record::Badge => format!(
            "the credentials of badge `{}` cannot be signed: {}",
            badge.slug, error.error
        ),
        Record::Site => format!("no credential can be signed: {}", error.error),
    };
    let mut diagnostic = Diagnostic::at(&file, span, message)
        .label(format!("`{field}`"))
        .help(hint);
    if let Some((_, other_file, other_span, other_field)) = places.get(1) {
        diagnostic = diagnostic.related(other_file, other_span.clone(), format!("`{other_field}`"));
    }
    diagnostic
}

/// The output folder must not be the repository or hold it, nor sit inside
/// the folders Rosette reads.
fn refuse_dangerous_out(root: &Path, out: &Path) -> Result<(), Error> {
    // Absolute and without `.`/`..`, so `public/../badges/x` is seen for what it is.
    let absolute = |p: &Path| {
        let path = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut clean = PathBuf::new();
        for part in path.components() {
            match part {
                std::path::Component::ParentDir => {
                    clean.pop();
                }
                std::path::Component::CurDir => {}
                other => clean.push(other),
            }
        }
        clean
    };
    let (root, out) = (absolute(root), absolute(out));
    let inside_sources = ["site", "badges", "themes"]
        .iter()
        .any(|d| out.starts_with(root.join(d)));
    if root.starts_with(&out) || inside_sources {
        return Err(Error::Usage(format!(
            "refusing to write the site to {}: it holds the badge repository or its sources",
            out.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that refuses files whose path ends with `suffix`, like a
    /// full disk would.
    struct Full(&'static str);

    impl Sink for Full {
        fn put(&self, path: &str, _bytes: &[u8]) -> std::io::Result<()> {
            if path.ends_with(self.0) {
                Err(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "no space left on device",
                ))
            } else {
                Ok(())
            }
        }
    }

    fn fixture() -> (Plan, Secret) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        let secret = std::fs::read_to_string(root.join("../TEST-ONLY-signing-key.txt")).unwrap();
        (plan(&root, None).unwrap(), Secret::parse(&secret).unwrap())
    }

    #[test]
    fn a_full_disk_is_exit_code_2_in_every_stage() {
        let (plan, secret) = fixture();
        for stage in [
            "credential.json",
            "assertion.json",
            "awards/alpha-1/index.html",
            "badges/alpha/index.html",
            "did.json",
            "revocation.json",
            "style.css",
        ] {
            let error = render_into(&plan, Some(&secret), &Full(stage)).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{stage}: {error}");
            assert!(
                error.to_string().contains("no space left"),
                "{stage}: {error}"
            );
        }
        assert_eq!(render_into(&plan, Some(&secret), &Discard).unwrap(), 3);
    }

    #[test]
    fn endorsement_ids_are_version_4_uuids() {
        let urn = uuid_urn([0xff; 16]);
        assert_eq!(urn, "urn:uuid:ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(
            uuid_urn([0; 16]),
            "urn:uuid:00000000-0000-4000-8000-000000000000"
        );
    }

    #[test]
    fn locked_reports_name_every_unrecorded_badge_and_award() {
        let (plan, _) = fixture();
        let report = refuse_lock_change(&plan).unwrap_err().report();
        assert!(
            report.contains(
                "not recorded: badges `alpha`, `beta`; awards `alpha-1`, `alpha-2`, `alpha-3`"
            ),
            "{report}"
        );
    }
}
