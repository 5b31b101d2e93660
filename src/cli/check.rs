//! `rosette check`.

use std::path::PathBuf;

use crate::error::Error;

#[derive(clap::Args)]
pub struct Args {
    /// Also fail when rosette.lock does not record every award yet.
    #[arg(long)]
    locked: bool,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let root = super::root(root)?;
    let plan = crate::build::check(&root, args.locked)?;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    println!(
        "No problems: {}, {}.",
        plural(plan.site.badges.len(), "badge"),
        plural(plan.site.award_count(), "award")
    );
    if plan.next_lock.is_some() {
        println!("New badges or awards: the next `rosette build` records them in rosette.lock.");
    }
    Ok(())
}
