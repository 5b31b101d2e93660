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
    let created = crate::repo::init::init(&dir)?;
    println!("Created a badge repository in {}:", dir.display());
    for file in &created.files {
        println!("  {file}");
    }
    println!("{}", created.install.describe());
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "badges".into());
    println!(
        "Next: cd {dir} && git init; `rosette keygen --out ~/{name}.key` (the secret stays \
         outside the repository, its public key goes into site/site.toml); set base_url in \
         site/site.toml; rename badges/example.toml before the first build (its name is a \
         permanent URL); then `rosette build --key ~/{name}.key`. README.md says how to \
         publish on GitHub Pages.",
        dir = dir.display()
    );
    Ok(())
}
