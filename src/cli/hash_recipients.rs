//! `rosette hash-recipients`.

use std::path::PathBuf;

use crate::build;
use crate::credential::{keys, recipient};
use crate::error::Error;
use crate::repo::privacy;

#[derive(clap::Args)]
pub struct Args {
    /// The secret signing key file (default: the ROSETTE_SIGNING_KEY
    /// variable). With it, each award keeps the salt the build already
    /// uses, so published credentials keep every byte; without it, salts
    /// are fresh and the next build re-issues those credentials.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let root = super::root(root)?;
    let secret = keys::read_secret(args.key.as_deref()).map_err(Error::Usage)?;
    // The repository may not validate before (plaintext emails in a
    // `hashed-only` one): it must after.
    let salt_key = secret.as_ref().map(recipient::salt_key);
    let (changes, done) = privacy::hash_recipients(&root, salt_key.as_ref())?;
    build::finish_edit(&root, changes, |plan| match &secret {
        Some(secret) => secret
            .find_key(&plan.site.keys)
            .map(|_| ())
            .map_err(Error::Usage),
        None => Ok(()),
    })?;
    if done.awards.is_empty() {
        println!("No plaintext recipient emails in badges/: nothing to do.");
        return Ok(());
    }
    println!(
        "Hashed the emails of {} award(s) in {} (ids and everything else unchanged).",
        done.awards.len(),
        done.files.join(", ")
    );
    if secret.is_some() {
        println!(
            "Each keeps the salt the build already publishes: the built site does not change."
        );
    } else {
        println!(
            "Salts are fresh: the next build re-issues the credentials of these awards with the new \
             hash (same URLs; credentials earners already hold keep verifying). Pass --key to keep \
             the published salts."
        );
    }
    println!(
        "Set `recipients = \"hashed-only\"` in site/site.toml so that plaintext emails are refused from now on."
    );
    println!(
        "Git history still holds the old emails: rewrite it if they must disappear from there too."
    );
    Ok(())
}
