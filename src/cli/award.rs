//! `rosette award`.

use std::path::PathBuf;

use crate::build;
use crate::credential::recipient::identity_hash;
use crate::error::Error;
use crate::layout::Urls;
use crate::model::Unmet;
use crate::repo::award::{self, EvidenceRequest, Request, Who};
use crate::repo::{edit, mailmerge};

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("recipient").required(true).args(["email", "did"])))]
pub struct Args {
    /// The badge's slug (the name of its file in badges/).
    #[arg(long, value_name = "SLUG")]
    badge: String,
    /// The earner's email (written hashed with a fresh salt unless --plain).
    #[arg(long, value_name = "ADDR")]
    email: Option<String>,
    /// The earner's DID (e.g. did:key:z6Mk…).
    #[arg(long, value_name = "DID")]
    did: Option<String>,
    /// The earner's name, shown on the award page.
    #[arg(long)]
    name: Option<String>,
    /// Issue date, YYYY-MM-DD or an RFC 3339 date-time (default: today, UTC).
    #[arg(long, value_name = "DATE")]
    issued: Option<String>,
    /// Expiry date (default: the badge's valid_for, if any).
    #[arg(long, value_name = "DATE")]
    expires: Option<String>,
    /// What the earner did (Markdown).
    #[arg(long, value_name = "TEXT")]
    narrative: Option<String>,
    /// A URL of evidence (may be repeated).
    #[arg(long, value_name = "URL")]
    evidence: Vec<String>,
    /// Write the email in plaintext instead of hashed (refused when
    /// site.toml sets recipients = "hashed-only").
    #[arg(long, requires = "email")]
    plain: bool,
    /// Add the award to badges/SLUG/NAME.toml instead of badges/SLUG.toml.
    #[arg(long, value_name = "NAME")]
    file: Option<String>,
    /// Also append the earner's email, name and URLs to this private CSV
    /// file (for a mail merge; refused inside the repository unless git
    /// ignores it).
    #[arg(long, value_name = "OUT.csv")]
    mail_merge: Option<PathBuf>,
    /// Award the badge even if this recipient already has it.
    #[arg(long)]
    again: bool,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let root = super::root(root)?;
    let date = |flag: &str, text: &Option<String>| {
        match text {
        None => Ok(None),
        Some(text) => edit::parse_datetime(text).map(Some).ok_or_else(|| {
            Error::Usage(format!(
                "--{flag} {text}: expected a date like 2026-12-01 or a date-time with offset like 2026-12-01T09:30:00Z"
            ))
        }),
    }
    };
    let who = match (args.email, args.did) {
        (Some(address), _) => Who::Email {
            address,
            plain: args.plain,
        },
        (None, Some(did)) => Who::Did(did),
        (None, None) => return Err(Error::Usage("give --email or --did".into())),
    };
    let request = Request {
        badge: args.badge,
        who,
        name: args.name,
        issued: date("issued", &args.issued)?,
        expires: date("expires", &args.expires)?,
        narrative: args.narrative,
        evidence: args
            .evidence
            .into_iter()
            .map(|url| EvidenceRequest {
                url: Some(url),
                ..EvidenceRequest::default()
            })
            .collect(),
    };
    let file = args.file.as_deref();
    award::target_file(&request.badge, file)?;
    if let Some(path) = &args.mail_merge {
        mailmerge::check_path(&root, path)?;
    }
    let again = args.again;
    let (new, plan) = build::edit_and_lock(&root, |plan| {
        let problems = request.problems(&plan.site);
        if !problems.is_empty() {
            return Err(Error::Usage(problems.join("\n       ")));
        }
        if !again
            && let Some((_, existing)) = plan.site.awards().find(|(b, a)| {
                b.slug == request.badge && request.same_recipient(&a.recipient.identity)
            })
        {
            return Err(Error::Usage(format!(
                "this recipient already has badge `{}`: award `{}` in {} (pass --again to award it once more)",
                request.badge, existing.id, existing.file
            )));
        }
        let taken = award::taken_ids(&plan.site, &plan.lock.awards);
        let id = award::fresh_ids(1, &taken)?.remove(0);
        let new = request.clone().into_award(id)?;
        let changes = award::write(&root, std::slice::from_ref(&new), file)?;
        Ok((changes, new))
    })?;
    let site = &plan.site;
    let urls = Urls::new(&site.base_url);
    let rel = award::target_file(&new.badge, file)?;
    let whom = new
        .name
        .as_deref()
        .map_or(String::new(), |n| format!(" for {n}"));
    println!(
        "Added award `{}` of badge `{}`{whom} to {rel}, and recorded it in rosette.lock.",
        new.id, new.badge
    );
    println!(
        "Award page (once built and published): {}",
        urls.award_page(&new.id)
    );
    if let Some(path) = &args.mail_merge {
        let names = |slug: &str| {
            site.badges
                .iter()
                .find(|b| b.slug == slug)
                .map(|b| b.name.clone())
                .unwrap_or_default()
        };
        mailmerge::write(path, &site.base_url, &names, std::slice::from_ref(&new))?;
        println!("Added its row to the mail-merge file {}.", path.display());
    }
    println!(
        "Commit {rel} and rosette.lock; the next build publishes it (no key needed until then)."
    );
    if let Some(badge) = site.badge(&new.badge) {
        let unmet = site.unmet_requirements(badge, &request.identity(), identity_hash);
        for warning in unmet_warnings(&new.badge, &unmet) {
            eprintln!("warning: {warning}");
        }
    }
    Ok(())
}

/// What `rosette award` says when the recipient does not hold a badge's
/// requirements yet: a warning, not a refusal (the issuer may know better,
/// e.g. a prerequisite recorded elsewhere).
fn unmet_warnings(slug: &str, unmet: &Unmet) -> Vec<String> {
    let list = |slugs: &[String]| {
        slugs
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    if !unmet.missing.is_empty() {
        out.push(format!(
            "badge `{slug}` requires {}, which this recipient does not hold yet",
            list(&unmet.missing)
        ));
    }
    if let Some((count, of)) = &unmet.choice {
        out.push(format!(
            "badge `{slug}` requires {count} more of {} for this recipient",
            list(of)
        ));
    }
    out
}
