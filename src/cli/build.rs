//! `rosette build`.

use std::path::PathBuf;
use std::time::Instant;

use crate::build::{self, BuildOptions};
use crate::error::Error;

#[derive(clap::Args)]
pub struct Args {
    /// Serve the site from this URL instead of site.toml's base_url.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Output folder (default: public/ in the repository).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The secret signing key file (default: the ROSETTE_SIGNING_KEY variable).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Fail instead of adding new awards to rosette.lock (for CI).
    #[arg(long)]
    locked: bool,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let start = Instant::now();
    let root = super::root(root)?;
    let out = args.out.unwrap_or_else(|| root.join("public"));
    let options = BuildOptions {
        root,
        out: out.clone(),
        base_url: args.base_url,
        key_file: args.key,
        locked: args.locked,
    };
    let progress = super::progress::Bar::new("Building", start);
    let summary = build::build_with(&options, &progress);
    progress.clear();
    let summary = summary?;
    for warning in &summary.warnings {
        eprintln!("warning: {warning}");
    }
    println!(
        "Built {summary} into {} in {:.2} s ({})",
        out.display(),
        start.elapsed().as_secs_f64(),
        summary.changes()
    );
    Ok(())
}
