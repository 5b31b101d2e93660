//! `rosette import`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::build;
use crate::error::Error;
use crate::repo::award::{self, NewAward};
use crate::repo::import::{self, Options, Parsed};
use crate::repo::{limits, mailmerge};

#[derive(clap::Args)]
pub struct Args {
    /// The CSV file: Rosette's columns, or a Badgr, Canvas Credentials or
    /// Credly bulk-award file.
    #[arg(value_name = "FILE.csv")]
    file: PathBuf,
    /// The badge of every row, for a file without a `badge` column.
    #[arg(long, value_name = "SLUG")]
    badge: Option<String>,
    /// Check every row and say what would be added; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write emails in plaintext instead of hashed.
    #[arg(long)]
    plain: bool,
    /// Add the awards to badges/SLUG/NAME.toml instead of badges/SLUG.toml.
    #[arg(long = "file", value_name = "NAME")]
    into: Option<String>,
    /// Also append each earner's email, name and URLs to this private CSV
    /// file (refused inside the repository unless git ignores it).
    #[arg(long, value_name = "OUT.csv")]
    mail_merge: Option<PathBuf>,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let root = super::root(root)?;
    let label = args.file.to_string_lossy().replace('\\', "/");
    let bytes = crate::repo::load::read_bounded(&args.file, limits::IMPORT_FILE_BYTES)
        .map_err(Error::io(&args.file))?;
    let options = Options {
        badge: args.badge.clone(),
        plain: args.plain,
    };
    let file = args.into.as_deref();
    if let Some(name) = file {
        award::target_file("badge", Some(name))?;
    }
    if let Some(path) = &args.mail_merge {
        mailmerge::check_path(&root, path)?;
    }
    let report = |result: Result<Parsed, Error>| {
        result.inspect_err(|error| {
            if let Error::Problems { diagnostics, .. } = error {
                let mut lines: Vec<String> = diagnostics
                    .iter()
                    .filter_map(|d| d.message.strip_prefix("line "))
                    .filter_map(|rest| rest.split(':').next())
                    .map(str::to_string)
                    .collect();
                lines.dedup();
                let rows = if lines.is_empty() {
                    String::new()
                } else {
                    format!(" (rows at lines {})", lines.join(", "))
                };
                eprintln!("Nothing was written: {label} has problems{rows}, all reported below.\n");
            }
        })
    };
    if args.dry_run {
        let plan = build::plan(&root, None)?;
        let parsed = report(import::read(&label, &bytes, &plan.site, &options))?;
        warn_ignored(&parsed);
        println!(
            "{label}: {} award(s) in the {} layout, all valid; nothing written (--dry-run).",
            parsed.rows.len(),
            parsed.layout
        );
        for (badge, count) in per_badge(parsed.rows.iter().map(|(_, r)| r.badge.as_str())) {
            println!(
                "  would add {count} to {}",
                award::target_file(badge, file)?
            );
        }
        return Ok(());
    }
    let mut layout = None;
    let mut ignored = Vec::new();
    let (awards, plan) = build::edit_and_lock(&root, |plan| {
        let parsed = report(import::read(&label, &bytes, &plan.site, &options))?;
        layout = Some(parsed.layout);
        ignored = parsed.ignored.clone();
        let taken = award::taken_ids(&plan.site, &plan.lock.awards);
        let ids = award::fresh_ids(parsed.rows.len(), &taken)?;
        let awards = parsed
            .rows
            .into_iter()
            .zip(ids)
            .map(|((_, request), id)| request.into_award(id))
            .collect::<Result<Vec<NewAward>, Error>>()?;
        let changes = award::write(&root, &awards, file)?;
        Ok((changes, awards))
    })?;
    for name in &ignored {
        eprintln!("warning: ignored the column `{name}`: Rosette has no field for it");
    }
    println!(
        "Imported {} award(s) from {label} ({} layout) and recorded them in rosette.lock:",
        awards.len(),
        layout.map_or_else(String::new, |l| l.to_string())
    );
    for (badge, count) in per_badge(awards.iter().map(|a| a.badge.as_str())) {
        println!("  {count} in {}", award::target_file(badge, file)?);
    }
    if let Some(path) = &args.mail_merge {
        let site = &plan.site;
        let names = |slug: &str| {
            site.badges
                .iter()
                .find(|b| b.slug == slug)
                .map(|b| b.name.clone())
                .unwrap_or_default()
        };
        mailmerge::write(path, &site.base_url, &names, &awards)?;
        println!(
            "Wrote their rows to the mail-merge file {}.",
            path.display()
        );
    }
    println!("Commit badges/ and rosette.lock; the next build publishes them.");
    Ok(())
}

fn warn_ignored(parsed: &Parsed) {
    for name in &parsed.ignored {
        eprintln!("warning: the column `{name}` will be ignored: Rosette has no field for it");
    }
}

fn per_badge<'a>(badges: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut out = BTreeMap::new();
    for badge in badges {
        *out.entry(badge).or_default() += 1;
    }
    out
}
