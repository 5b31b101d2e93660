//! `rosette verify`: prints one line per credential and a summary.

use crate::error::Error;
use crate::verify::{self, Request, Verdict};

#[derive(clap::Args)]
pub struct Args {
    /// Read URLs under this built site's base URL from this folder.
    #[arg(long, value_name = "DIR")]
    site: Option<std::path::PathBuf>,
    /// The site's base URL (default: derived from its did.json).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Judge validity dates at this RFC 3339 time instead of now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// For a site folder: fail on revoked, expired and not yet valid
    /// credentials too (by default they are what the site publishes).
    #[arg(long)]
    strict: bool,
    /// Credential files, URLs, or site folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
}

pub fn run(args: Args) -> Result<(), Error> {
    let at = match args.at {
        Some(text) => {
            time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                .map_err(|_| {
                    Error::Usage(format!(
                        "--at {text}: expected an RFC 3339 time like 2026-01-01T00:00:00Z"
                    ))
                })?
        }
        None => time::OffsetDateTime::now_utc(),
    };
    let report = verify::run(&Request {
        site: args.site,
        base_url: args.base_url,
        at,
        paths: args.paths,
        strict: args.strict,
    })?;
    for entry in &report.entries {
        let label = &entry.label;
        let name = entry.verification.name.as_deref().unwrap_or("(no name)");
        match &entry.verification.verdict {
            Verdict::Valid => println!("ok       {label}: {name}"),
            Verdict::Expired { until } => {
                println!("EXPIRED  {label}: {name} (valid until {until})")
            }
            Verdict::NotYetValid { from } => {
                println!("PENDING  {label}: {name} (valid from {from})")
            }
            Verdict::Revoked => println!("REVOKED  {label}: {name}"),
            Verdict::Invalid(reason) => println!("FAIL     {label}: {reason}"),
        }
    }
    let [valid, revoked, expired, pending, invalid] = report.counts();
    let mut summary = format!("{valid} valid");
    for (n, word) in [
        (revoked, "revoked"),
        (expired, "expired"),
        (pending, "not yet valid"),
    ] {
        if n > 0 {
            summary.push_str(&format!(", {n} {word}"));
        }
    }
    summary.push_str(&format!(", {invalid} invalid"));
    println!("{summary}");
    let failed = report.failed();
    if report.whole_site && !args.strict && failed == 0 && valid < report.entries.len() {
        println!(
            "Revoked and expired credentials are what the site publishes (--strict fails on them)."
        );
    }
    if failed > 0 {
        return Err(Error::Verification(failed));
    }
    Ok(())
}
