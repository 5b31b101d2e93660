//! `rosette endorse`.

use std::path::PathBuf;

use crate::build::{self, EndorseOptions};
use crate::error::Error;

#[derive(clap::Args)]
pub struct Args {
    /// The endorsed achievement's id: another issuer's `achievement.json` URL.
    #[arg(value_name = "ACHIEVEMENT_URL")]
    achievement: String,
    /// What this issuer says about it (Markdown).
    #[arg(long)]
    comment: String,
    /// Where to write the signed endorsement (refuses to overwrite).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The secret signing key file (default: the ROSETTE_SIGNING_KEY variable).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// The day the endorsement is valid from, YYYY-MM-DD (default: now).
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let root = super::root(root)?;
    let valid_from = match &args.on {
        Some(text) => {
            let date = crate::repo::revoke::parse_date(text)?;
            let month = time::Month::try_from(date.month)
                .map_err(|_| Error::Usage(format!("`{text}` is not a date like 2026-12-01")))?;
            time::Date::from_calendar_date(i32::from(date.year), month, date.day)
                .map_err(|_| Error::Usage(format!("`{text}` is not a date like 2026-12-01")))?
                .midnight()
                .assume_utc()
        }
        None => time::OffsetDateTime::now_utc(),
    };
    if args.out.exists() {
        return Err(Error::Usage(format!(
            "{} exists: choose another --out",
            args.out.display()
        )));
    }
    let signed = build::endorse(&EndorseOptions {
        root,
        key_file: args.key,
        achievement: args.achievement.clone(),
        comment: args.comment,
        valid_from,
    })?;
    std::fs::write(&args.out, signed).map_err(Error::io(&args.out))?;
    println!(
        "Wrote an endorsement of {} to {}.",
        args.achievement,
        args.out.display()
    );
    println!(
        "Send it to the badge's issuer: it goes in their badges/<slug>/endorsements/, \
         beside a copy of this site's DID document."
    );
    Ok(())
}
