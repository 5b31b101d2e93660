//! `rosette keygen`.

use std::path::{Path, PathBuf};

use crate::credential::keys;
use crate::error::Error;
use crate::repo::{edit, keyfile};

#[derive(clap::Args)]
pub struct Args {
    /// Where to write the secret key (refuses to overwrite; refused inside
    /// site/, badges/, themes/, public/ or a path git tracks).
    #[arg(long, value_name = "FILE", default_value = "signing.key")]
    out: PathBuf,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    // Inside a badge repository (or with --root), the key file is checked
    // and the public key is added to site/site.toml.
    let root = match root {
        Some(root) => Some(root),
        None => std::env::current_dir()
            .ok()
            .and_then(|here| crate::repo::find_root(&here)),
    };
    let place = match &root {
        Some(root) => Some(keyfile::check(
            root,
            &root.join("public"),
            &args.out,
            "write",
        )?),
        None => None,
    };
    let secret = keys::generate().map_err(Error::Usage)?;
    keys::write_secret(&secret, &args.out).map_err(Error::Usage)?;
    println!(
        "Wrote the secret key to {} (readable only by you).",
        args.out.display()
    );
    if let (Some(root), Some(place)) = (&root, &place)
        && keyfile::ignore(root, place)?
        && let keyfile::Place::Inside { rel, .. } = place
    {
        println!(
            "Added `/{}` to .gitignore: the key must never be committed.",
            rel.to_string_lossy().replace('\\', "/")
        );
    }
    println!("Keep it out of git; in CI, store its content in the secret ROSETTE_SIGNING_KEY.");
    let public = secret.public_multikey();
    println!("Public key: {public}");
    match root.as_deref().map(|root| add_key(root, &public)) {
        Some(Ok((id, others))) => {
            println!("Added its public key to site/site.toml as key `{id}`.");
            if others > 0 {
                println!(
                    "site/site.toml lists {others} other key(s): give the one this replaces \
                     `retired = {}` (it stays published, so what it signed still verifies).",
                    edit::today()
                );
            }
        }
        Some(Err(error)) => {
            println!("Could not add it to site/site.toml ({error}); add it yourself:\n");
            println!("[[keys]]\nid = \"key-1\"\npublic = \"{public}\"");
        }
        None => {
            println!("Add the public key to site/site.toml:\n");
            println!("[[keys]]\nid = \"key-1\"\npublic = \"{public}\"");
        }
    }
    Ok(())
}

/// Appends `[[keys]]` with the first free id `key-N` to site/site.toml,
/// keeping every other byte. Returns the id and how many keys were there.
fn add_key(root: &Path, public: &str) -> Result<(String, usize), Error> {
    let mut file = edit::TomlFile::read(root, crate::repo::SITE_FILE)?;
    let ids: Vec<String> = match file.doc.get("keys") {
        None => Vec::new(),
        Some(item) if item.is_array_of_tables() => item
            .as_array_of_tables()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.get("id").and_then(|i| i.as_str()).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        Some(_) => {
            return Err(Error::Usage(
                "its `keys` are not written as [[keys]] tables".into(),
            ));
        }
    };
    let id = (1..)
        .map(|n| format!("key-{n}"))
        .find(|id| !ids.contains(id))
        .unwrap_or_default();
    let mut table = toml_edit::Table::new();
    table.insert("id", toml_edit::value(id.as_str()));
    table.insert("public", toml_edit::value(public));
    let mut keys = toml_edit::ArrayOfTables::new();
    keys.push(table);
    let mut doc = toml_edit::DocumentMut::new();
    doc.insert("keys", toml_edit::Item::ArrayOfTables(keys));
    let addition = format!(
        "# The public half of the key written by `rosette keygen`; the secret is never here.\n{doc}"
    );
    let text = edit::append(&file.text, &addition);
    file.text.clear();
    edit::write_file(&root.join(crate::repo::SITE_FILE), text.as_bytes())?;
    Ok((id, ids.len()))
}
