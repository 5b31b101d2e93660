//! `rosette lock`.

use std::path::PathBuf;

use crate::error::Error;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let root = super::root(root)?;
    let done = crate::build::lock(&root)?;
    if done.badges.is_empty() && done.awards.is_empty() {
        println!("rosette.lock is up to date.");
        return Ok(());
    }
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !done.badges.is_empty() {
        println!("Recorded badges {} in rosette.lock.", list(&done.badges));
    }
    if !done.awards.is_empty() {
        println!(
            "Recorded {} award(s) in rosette.lock: {}.",
            done.awards.len(),
            list(&done.awards)
        );
    }
    println!("Commit rosette.lock with them: their URLs and status slots are now permanent.");
    Ok(())
}
