//! `rosette keygen`.

use std::path::PathBuf;

use crate::credential::keys;
use crate::error::Error;

#[derive(clap::Args)]
pub struct Args {
    /// Where to write the secret key (refuses to overwrite).
    #[arg(long, value_name = "FILE", default_value = "signing.key")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<(), Error> {
    let secret = keys::generate().map_err(Error::Usage)?;
    keys::write_secret(&secret, &args.out).map_err(Error::Usage)?;
    println!(
        "Wrote the secret key to {} (readable only by you).",
        args.out.display()
    );
    println!("Keep it out of git; in CI, store its content in the secret ROSETTE_SIGNING_KEY.");
    println!("Add the public key to site/site.toml:\n");
    println!(
        "[[keys]]\nid = \"key-1\"\npublic = \"{}\"",
        secret.public_multikey()
    );
    Ok(())
}
