//! `rosette init [DIR]`.

use std::path::PathBuf;

use crate::error::Error;

#[derive(clap::Args)]
pub struct Args {
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let dir = args.dir.or(root).unwrap_or_else(|| PathBuf::from("."));
    let files = crate::repo::init::init(&dir)?;
    println!("Created a badge repository in {}:", dir.display());
    for file in files {
        println!("  {file}");
    }
    println!("Next: edit site/site.toml, then run `rosette build`.");
    Ok(())
}
