//! The `rosette` command line: parses arguments, calls the library, prints
//! reports. Exit codes (design.md §3): 0 ok, 1 content problems or failed
//! verification, 2 usage or I/O errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rosette::Error;
use rosette::build::{self, BuildOptions};

#[derive(Parser)]
#[command(
    name = "rosette",
    version,
    about = "Verifiable Open Badges from a git repository of TOML files"
)]
struct Cli {
    /// The badge repository (default: the nearest folder at or above the
    /// current one that holds site/site.toml).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new badge repository in DIR (default: the current folder).
    Init {
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Check everything and write the site to public/ (atomically).
    Build {
        /// Serve the site from this URL instead of site.toml's base_url.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Output folder (default: public/ in the repository).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The secret signing key (default: the ROSETTE_SIGNING_KEY variable).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
        /// Fail instead of adding new awards to rosette.lock (for CI).
        #[arg(long)]
        locked: bool,
    },
    /// Check everything `build` checks, write nothing, report every problem.
    Check {
        /// Also fail when rosette.lock does not record every award yet.
        #[arg(long)]
        locked: bool,
    },
    /// Verify credentials: JSON files, URLs, or whole built site folders.
    Verify {
        /// Read URLs under this built site's base URL from this folder.
        #[arg(long, value_name = "DIR")]
        site: Option<PathBuf>,
        /// The site's base URL (default: derived from its did.json).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Judge validity dates at this RFC 3339 time instead of now.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// Credential files, URLs, or site folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
    },
    /// Revoke an award: records `revoked = { on, reason }` in its TOML file.
    Revoke {
        /// The award's id.
        id: String,
        /// Why it is revoked (published in the status of the award).
        #[arg(long)]
        reason: String,
        /// The revocation date, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// Make an Ed25519 signing key: write the secret (mode 0600), print the public key.
    Keygen {
        /// Where to write the secret key (refuses to overwrite).
        #[arg(long, value_name = "FILE", default_value = "signing.key")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("{}", error.report());
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Init { dir } => {
            let dir = dir.or(cli.root).unwrap_or_else(|| PathBuf::from("."));
            let files = rosette::init::init(&dir)?;
            println!("Created a badge repository in {}:", dir.display());
            for file in files {
                println!("  {file}");
            }
            println!("Next: edit site/site.toml, then run `rosette build`.");
            Ok(())
        }
        Command::Build {
            base_url,
            out,
            key,
            locked,
        } => {
            let root = root(cli.root)?;
            let out = out.unwrap_or_else(|| root.join("public"));
            let options = BuildOptions {
                root,
                out: out.clone(),
                base_url,
                key_file: key,
                locked,
            };
            let summary = build::build(&options)?;
            for warning in &summary.warnings {
                eprintln!("warning: {warning}");
            }
            println!("Built {summary} into {}", out.display());
            Ok(())
        }
        Command::Keygen { out } => {
            let secret = rosette::keys::generate().map_err(Error::Usage)?;
            rosette::keys::write_secret(&secret, &out).map_err(Error::Usage)?;
            println!(
                "Wrote the secret key to {} (readable only by you).",
                out.display()
            );
            println!(
                "Keep it out of git; in CI, store its content in the secret ROSETTE_SIGNING_KEY."
            );
            println!("Add the public key to site/site.toml:\n");
            println!(
                "[[keys]]\nid = \"key-1\"\npublic = \"{}\"",
                secret.public_multikey()
            );
            Ok(())
        }
        Command::Verify {
            site,
            base_url,
            at,
            paths,
        } => {
            let at = match at {
                Some(text) => time::OffsetDateTime::parse(
                    &text,
                    &time::format_description::well_known::Rfc3339,
                )
                .map_err(|_| {
                    Error::Usage(format!(
                        "--at {text}: expected an RFC 3339 time like 2026-01-01T00:00:00Z"
                    ))
                })?,
                None => time::OffsetDateTime::now_utc(),
            };
            let summary = rosette::verify::run(&rosette::verify::Request {
                site,
                base_url,
                at,
                paths,
            })?;
            if summary.failed > 0 {
                return Err(Error::Verification(summary.failed));
            }
            Ok(())
        }
        Command::Revoke { id, reason, on } => {
            let root = root(cli.root)?;
            let on = match on {
                Some(text) => rosette::revoke::parse_date(&text)?,
                None => rosette::revoke::today(),
            };
            let done = rosette::revoke::revoke(&root, &id, &reason, on)?;
            println!("Revoked award `{id}` on {} in {}.", done.on, done.file);
            println!(
                "Rebuild and publish the site: its status list and OB 2.0 assertion will say so."
            );
            Ok(())
        }
        Command::Check { locked } => {
            let root = root(cli.root)?;
            let site = build::check_all(&root, locked)?;
            println!(
                "No problems: {} badges, {} awards.",
                site.badges.len(),
                site.award_count()
            );
            if site.lock_update.is_some() {
                println!(
                    "New badges or awards: the next `rosette build` records them in rosette.lock."
                );
            }
            Ok(())
        }
    }
}

/// `--root`, or the nearest folder holding site/site.toml.
fn root(given: Option<PathBuf>) -> Result<PathBuf, Error> {
    if let Some(root) = given {
        return Ok(root);
    }
    let here = std::env::current_dir().map_err(|error| Error::Io {
        path: PathBuf::from("."),
        error,
    })?;
    rosette::load::find_root(&here).ok_or_else(|| {
        Error::Usage(format!(
            "no badge repository here: no `site/site.toml` in {} or any folder above it (use `--root DIR` or `rosette init`)",
            Path::new(&here).display()
        ))
    })
}
