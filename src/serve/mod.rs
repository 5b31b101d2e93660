//! `rosette serve`: the site built into memory, served on 127.0.0.1, rebuilt
//! when a source changes, and open pages reloaded.
//!
//! - Builds never touch the disk: the site goes into an
//!   [`output::Memory`] sink, `public/` and `rosette.lock` are never
//!   written. Each rebuild keeps the files of unchanged awards from the
//!   previous one (the same fingerprints as `rosette build`), so editing
//!   one award re-signs and re-renders that award only; and badge and award
//!   files whose text did not change are not parsed again
//!   ([`ParseCache`]).
//! - `base_url` is the server's own address, so links, the DID document and
//!   the verification page work locally. Without a secret key, credentials
//!   are signed with an ephemeral development key that is added to the
//!   served `site.toml` keys (in memory only); every page says it is a
//!   preview.
//! - [`watch`] follows `site/`, `badges/`, `themes/` and `rosette.lock`
//!   (debounced; editor temporary files and dot-files ignored); `--poll`
//!   polls instead, for network and WSL folders.
//! - [`http`] serves the files. Into HTML only, it injects a small script
//!   ([`inject`]) that listens to Server-Sent Events on the same port and
//!   reloads the page after a good build, or shows the build's problems
//!   over the page (which stays the last good build) after a failed one.
//!
//! This module prints nothing: it reports [`Event`]s to the CLI.
//!
//! Layer: `serve` uses `build` (and the layers below it, as `build` does);
//! only `cli` uses `serve`.

mod http;
mod inject;
mod watch;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::build::{self, ParseCache, Plan, RenderOptions, Rendered, Silent};
use crate::credential::canon::Canonicalizer;
use crate::credential::keys::{self, Secret};
use crate::error::Error;
use crate::model::Key;
use crate::output::cache::Cache;
use crate::output::{self, Memory, Snapshot};

/// What `rosette serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// 0: any free port.
    pub port: u16,
    /// Poll the folders instead of using the operating system's events.
    pub poll: bool,
    /// The secret signing key file; else `ROSETTE_SIGNING_KEY`; else an
    /// ephemeral development key.
    pub key_file: Option<PathBuf>,
}

/// How the served site signs its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// With the site's own key (from `--key` or `ROSETTE_SIGNING_KEY`).
    SiteKey,
    /// With a key made for this run and published only by this server.
    Ephemeral,
    /// The site lists no keys: pages only, as `rosette build` makes them.
    Unsigned,
}

/// What happened, for the CLI to print.
#[derive(Debug)]
pub enum Event<'a> {
    /// The server is up (after the first build, good or not).
    Listening { url: &'a str, signing: Signing },
    /// Sources changed (paths relative to the repository).
    Changed { paths: &'a [String] },
    /// A build succeeded.
    Built {
        summary: &'a build::Summary,
        seconds: f64,
    },
    /// A build failed; the last good site is still served.
    Failed { error: &'a Error },
}

/// What the server threads share with the build loop.
pub(crate) struct Shared {
    /// The site being served.
    site: RwLock<Arc<Snapshot>>,
    /// The report of the last build, when it failed.
    problems: RwLock<Option<String>>,
    /// Counts good builds; pages carry the generation they were served at.
    generation: AtomicU64,
    /// Open event streams.
    listeners: Mutex<Vec<mpsc::Sender<http::Message>>>,
    /// How the site being served is signed (it can change from build to
    /// build: a site may gain or lose its `[[keys]]`).
    signing: RwLock<Signing>,
}

impl Shared {
    fn broadcast(&self, message: &http::Message) {
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.retain(|l| l.send(message.clone()).is_ok());
        }
    }
}

/// The folder of serve's own URLs (no site has a path starting with `__`:
/// slugs and ids are lowercase letters, digits and `-`).
const OWN: &str = "__rosette/";

/// The id of the ephemeral key in the served site.toml.
const PREVIEW_KEY_ID: &str = "serve-preview-key";
/// How long sources must be quiet before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// Runs the server until the process ends. Returns only on a failure to
/// start (no free port, no watcher).
pub fn run(options: &ServeOptions, report: &mut dyn FnMut(Event<'_>)) -> Result<(), Error> {
    let server = tiny_http::Server::http(("127.0.0.1", options.port)).map_err(|e| {
        Error::Usage(format!(
            "cannot serve on 127.0.0.1:{}: {e} (try another --port, or --port 0)",
            options.port
        ))
    })?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or_else(|| Error::Usage("the server has no IP address".into()))?;
    let url = format!("http://127.0.0.1:{port}/");

    let secret = keys::read_secret(options.key_file.as_deref()).map_err(Error::Usage)?;
    let mut builder = Builder::new(options.root.clone(), url.clone(), secret)?;
    let shared = Arc::new(Shared {
        site: RwLock::new(Arc::new(Snapshot::default())),
        problems: RwLock::new(None),
        generation: AtomicU64::new(0),
        listeners: Mutex::default(),
        signing: RwLock::new(builder.signing),
    });

    let (changes, changed) = mpsc::channel();
    let mut watcher = watch::start(&options.root, options.poll, DEBOUNCE, changes)?;
    builder.rebuild(&shared, report);
    let server = Arc::new(server);
    {
        let (server, shared) = (server.clone(), shared.clone());
        std::thread::spawn(move || http::serve(&server, &shared));
    }
    report(Event::Listening {
        url: &url,
        signing: builder.signing,
    });
    // Each batch of changes is one rebuild; changes that arrive during a
    // build are taken together by the next one.
    while let Ok(mut paths) = changed.recv() {
        while let Ok(more) = changed.try_recv() {
            paths.extend(more);
        }
        paths.sort();
        paths.dedup();
        report(Event::Changed { paths: &paths });
        builder.rebuild(&shared, report);
        // A themes/ folder made since the start is watched from now on.
        let _ = watcher.refresh();
    }
    Err(Error::Usage("the file watcher stopped".into()))
}

/// Builds the served site, again and again.
struct Builder {
    root: PathBuf,
    base_url: String,
    secret: Option<Secret>,
    /// The ephemeral key, as site.toml would list it.
    preview_key: Option<Key>,
    signing: Signing,
    cache: Option<Cache>,
    /// The preview cache folder, with the site's own key only.
    previews: Option<PathBuf>,
    previous: Option<Arc<Snapshot>>,
    /// The badge and award files as last parsed: a save parses one file.
    parsed: ParseCache,
    canon: Canonicalizer,
}

impl Builder {
    fn new(root: PathBuf, base_url: String, secret: Option<Secret>) -> Result<Self, Error> {
        let (secret, preview_key) = match secret {
            Some(secret) => (Some(secret), None),
            None => {
                let secret = keys::generate().map_err(Error::Usage)?;
                let public = secret.signing_key().verifying_key().to_bytes();
                let key = Key {
                    id: PREVIEW_KEY_ID.to_string(),
                    public_multikey: secret.public_multikey(),
                    public_key: public,
                    retired: None,
                };
                (Some(secret), Some(key))
            }
        };
        // Signatures by the site's own key are worth keeping between runs;
        // those by an ephemeral key only for this run, in memory.
        let cache = secret.as_ref().map(|secret| {
            let integrity = secret.derive("signature-cache");
            if preview_key.is_some() {
                Cache::in_memory(integrity)
            } else {
                Cache::open(&root.join(build::CACHE_DIR).join("signatures"), integrity)
            }
        });
        let previews = preview_key.is_none().then(|| build::preview_cache(&root));
        Ok(Builder {
            previews,
            root,
            base_url,
            secret,
            preview_key,
            // Until the first build says otherwise.
            signing: Signing::Unsigned,
            cache,
            previous: None,
            parsed: ParseCache::default(),
            canon: build::canonicalizer()?,
        })
    }

    /// Builds, and on success serves the new site and reloads the pages;
    /// on failure keeps the last good site and shows the problems.
    fn rebuild(&mut self, shared: &Shared, report: &mut dyn FnMut(Event<'_>)) {
        let start = Instant::now();
        match self.build() {
            Ok((snapshot, plan, rendered, signing)) => {
                self.signing = signing;
                if let Ok(mut shared) = shared.signing.write() {
                    *shared = signing;
                }
                let snapshot = Arc::new(snapshot);
                let previous = self.previous.replace(snapshot.clone());
                if let Ok(mut site) = shared.site.write() {
                    *site = snapshot.clone();
                }
                if let Ok(mut problems) = shared.problems.write() {
                    *problems = None;
                }
                let generation = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
                shared.broadcast(&http::Message::Reload(generation));
                // The pages reload now; counting the changes and freeing the
                // previous site and the plan (tens of milliseconds each for
                // tens of thousands of files) wait until after.
                let summary = summarise(&plan, &rendered, &snapshot, previous.as_deref());
                output::drop_later((plan, previous));
                if let Some(cache) = &self.cache {
                    let _ = cache.save(summary.kept == 0);
                }
                report(Event::Built {
                    summary: &summary,
                    seconds: start.elapsed().as_secs_f64(),
                });
            }
            Err(error) => {
                let text = error.report();
                if let Ok(mut problems) = shared.problems.write() {
                    *problems = Some(text.clone());
                }
                shared.broadcast(&http::Message::Problems(text));
                report(Event::Failed { error: &error });
            }
        }
    }

    /// One build: the site, what it was made from, and how it was signed.
    fn build(&self) -> Result<(Snapshot, Plan, Rendered, Signing), Error> {
        let mut plan = build::plan_with(&self.root, Some(&self.base_url), Some(&self.parsed))?;
        let signing = !plan.site.keys.is_empty();
        if let Some(key) = &self.preview_key
            && signing
        {
            plan.site.keys.push(key.clone());
        }
        let secret = if signing { self.secret.as_ref() } else { None };
        let mode = match (signing, self.preview_key.is_some()) {
            (false, _) => Signing::Unsigned,
            (true, true) => Signing::Ephemeral,
            (true, false) => Signing::SiteKey,
        };
        if let Some(secret) = secret {
            secret.find_key(&plan.site.keys).map_err(Error::Usage)?;
        }
        let sink = Memory::after(self.previous.clone());
        let rendered = build::render(
            &plan,
            RenderOptions {
                secret,
                cache: self.cache.as_ref(),
                // On disk only when the signatures are (the site's key):
                // serve without a key writes nothing.
                preview_cache: self.previews.as_deref(),
                progress: &Silent,
                canon: &self.canon,
            },
            &sink,
        )?;
        Ok((sink.into_snapshot(), plan, rendered, mode))
    }
}

fn summarise(
    plan: &Plan,
    rendered: &Rendered,
    next: &Snapshot,
    previous: Option<&Snapshot>,
) -> build::Summary {
    let empty = Snapshot::default();
    let previous = previous.unwrap_or(&empty);
    let written = next
        .files
        .iter()
        .filter(|(path, bytes)| {
            previous
                .files
                .get(*path)
                .is_none_or(|old| !Arc::ptr_eq(old, bytes) && old != *bytes)
        })
        .count();
    let deleted = previous
        .files
        .keys()
        .filter(|path| !next.files.contains_key(*path))
        .count();
    build::Summary {
        badges: plan.site.badges.len(),
        awards: plan.site.award_count(),
        pages: plan.site.pages.len(),
        signed: rendered.signed,
        warnings: Vec::new(),
        files: next.files.len(),
        written,
        deleted,
        signatures_made: rendered.signatures_made,
        kept: rendered.kept,
    }
}
