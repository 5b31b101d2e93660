//! `rosette check`.

use std::path::PathBuf;

use crate::error::Error;

#[derive(clap::Args)]
pub struct Args {
    /// Also fail when rosette.lock does not record every badge and award yet
    /// (exactly when `rosette build --locked` would fail).
    #[arg(long)]
    locked: bool,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let root = super::root(root)?;
    let plan = crate::build::check(&root, args.locked)?;
    for warning in &plan.warnings {
        eprint!("{}", warning.render_warning(&plan.sources));
    }
    for warning in crate::repo::privacy::warnings(&plan.site, &plan.sources) {
        eprintln!("warning: {warning}");
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    println!(
        "No problems: {}, {}.",
        plural(plan.site.badges.len(), "badge"),
        plural(plan.site.award_count(), "award")
    );
    if plan.next_lock.is_some() {
        println!(
            "New badges or awards: `rosette lock` (or the next `rosette build`) records them in rosette.lock."
        );
    }
    Ok(())
}
