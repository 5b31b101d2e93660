//! `rosette revoke`.

use std::path::PathBuf;

use crate::error::Error;
use crate::repo::revoke;

#[derive(clap::Args)]
pub struct Args {
    /// The award's id.
    id: String,
    /// Why it is revoked (published in the status of the award).
    #[arg(long)]
    reason: String,
    /// The revocation date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let root = super::root(root)?;
    let on = match args.on {
        Some(text) => revoke::parse_date(&text)?,
        None => revoke::today(),
    };
    let done = revoke::revoke(&root, &args.id, &args.reason, on)?;
    println!(
        "Revoked award `{}` on {} in {}.",
        args.id, done.on, done.file
    );
    println!("Rebuild and publish the site: its status list and OB 2.0 assertion will say so.");
    Ok(())
}
