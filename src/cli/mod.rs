//! The `rosette` command line: clap types, one file per command, and the
//! one place that prints reports and decides exit codes (design.md §3:
//! 0 ok, 1 content problems or failed verification, 2 usage or I/O errors).

mod award;
mod bake;
mod build;
mod check;
mod endorse;
mod hash_recipients;
mod import;
mod init;
mod keygen;
mod lock;
mod progress;
mod revoke;
mod serve;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::Error;

#[derive(Parser)]
#[command(
    name = "rosette",
    version,
    long_version = env!("ROSETTE_LONG_VERSION"),
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
    Init(init::Args),
    /// Make an Ed25519 signing key: write the secret (mode 0600), add the
    /// public key to site.toml (or print it).
    Keygen(keygen::Args),
    /// Add an award to a badge: a fresh permanent id, a hashed recipient,
    /// recorded in rosette.lock (no key needed).
    Award(award::Args),
    /// Add many awards from a CSV file (Rosette, Badgr, Canvas Credentials,
    /// Credly), all or nothing.
    Import(import::Args),
    /// Record badges and awards added by hand in rosette.lock (no key needed).
    Lock(lock::Args),
    /// Check everything `build` checks, write nothing, report every problem.
    Check(check::Args),
    /// Check everything and write the site to public/ (atomically).
    Build(build::Args),
    /// Build into memory, serve on 127.0.0.1, rebuild and reload on changes.
    Serve(serve::Args),
    /// Verify credentials: JSON files, URLs, or whole built site folders.
    Verify(verify::Args),
    /// Revoke an award: records `revoked = { on, reason }` in its TOML file.
    Revoke(revoke::Args),
    /// Replace plaintext recipient emails in badges/ by salted hashes, in place.
    HashRecipients(hash_recipients::Args),
    /// Bake a credential (and its OB 2.0 assertion) into a PNG or SVG badge image.
    Bake(bake::BakeArgs),
    /// Print the credential baked in a PNG or SVG badge image, exactly as embedded.
    Extract(bake::ExtractArgs),
    /// Sign an endorsement of another issuer's badge with this site's key.
    Endorse(endorse::Args),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => init::run(args, cli.root),
        Command::Build(args) => build::run(args, cli.root),
        Command::Check(args) => check::run(args, cli.root),
        Command::Serve(args) => serve::run(args, cli.root),
        Command::Verify(args) => verify::run(args),
        Command::Revoke(args) => revoke::run(args, cli.root),
        Command::Award(args) => award::run(args, cli.root),
        Command::Import(args) => import::run(args, cli.root),
        Command::HashRecipients(args) => hash_recipients::run(args, cli.root),
        Command::Keygen(args) => keygen::run(args, cli.root),
        Command::Lock(args) => lock::run(args, cli.root),
        Command::Bake(args) => bake::run_bake(args),
        Command::Extract(args) => bake::run_extract(args),
        Command::Endorse(args) => endorse::run(args, cli.root),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("{}", error.report());
            ExitCode::from(error.exit_code())
        }
    }
}

/// `--root`, or the nearest folder holding site/site.toml.
fn root(given: Option<PathBuf>) -> Result<PathBuf, Error> {
    if let Some(root) = given {
        return Ok(root);
    }
    let here = std::env::current_dir().map_err(Error::io("."))?;
    crate::repo::find_root(&here).ok_or_else(|| {
        Error::Usage(format!(
            "no badge repository here: no `site/site.toml` in {} or any folder above it (use `--root DIR` or `rosette init`)",
            Path::new(&here).display()
        ))
    })
}
