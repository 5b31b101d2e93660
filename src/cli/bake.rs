//! `rosette bake` and `rosette extract`: a credential into its badge image
//! and back out (the format is in [`crate::credential::bake`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::credential::bake::{self, Format, MAX_BYTES};
use crate::diagnostic::{Diagnostic, Sources};
use crate::error::Error;
use crate::verify::{Resolver, site_base_url};

#[derive(clap::Args)]
pub struct BakeArgs {
    /// The signed Open Badges 3.0 credential (credential.json).
    #[arg(value_name = "CREDENTIAL")]
    credential: PathBuf,
    /// The badge image, PNG or SVG (default: the achievement's image, read
    /// from --site or fetched over https).
    #[arg(long, value_name = "FILE")]
    image: Option<PathBuf>,
    /// The OB 2.0 hosted assertion to bake too (default: assertion.json
    /// beside the credential, when there is one).
    #[arg(long, value_name = "FILE")]
    assertion: Option<PathBuf>,
    /// Bake only the OB 3.0 credential.
    #[arg(long, conflicts_with = "assertion")]
    no_assertion: bool,
    /// Read URLs under this built site's base URL from this folder.
    #[arg(long, value_name = "DIR")]
    site: Option<PathBuf>,
    /// Where to write the baked image.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct ExtractArgs {
    /// A baked PNG or SVG badge image.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print the OB 2.0 assertion instead of the OB 3.0 credential.
    #[arg(long)]
    assertion: bool,
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    crate::verify::resolver::read_file(path, MAX_BYTES as u64).map_err(Error::io(path))
}

fn text(path: &Path) -> Result<String, Error> {
    String::from_utf8(read(path)?)
        .map_err(|_| Error::Usage(format!("{}: not UTF-8 text", path.display())))
}

/// The achievement image of a credential: a `data:` URI, or a URL read
/// from the site folder or over https.
fn achievement_image(credential: &Value, site: Option<&Path>) -> Result<Vec<u8>, Error> {
    let image = &credential["credentialSubject"]["achievement"]["image"];
    let url = image
        .get("id")
        .or(Some(image))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Error::Usage("the credential names no achievement image: pass --image FILE".to_string())
        })?;
    if let Some(data) = url.strip_prefix("data:") {
        use base64::Engine as _;
        let (meta, payload) = data
            .split_once(',')
            .ok_or_else(|| Error::Usage("the achievement image's data: URI is broken".into()))?;
        if !meta.ends_with(";base64") {
            return Ok(percent_decode(payload));
        }
        return base64::engine::general_purpose::STANDARD
            .decode(payload)
            .map_err(|e| Error::Usage(format!("the achievement image's data: URI: {e}")));
    }
    let resolver = Resolver {
        site: match site {
            Some(dir) => Some((dir.to_path_buf(), site_base_url(dir).map_err(Error::Usage)?)),
            None => None,
        },
        network: true,
    };
    resolver
        .fetch_limited(url, MAX_BYTES as u64)
        .map_err(|e| Error::Usage(format!("{e} (pass --image FILE)")))
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

pub fn run_bake(args: BakeArgs) -> Result<(), Error> {
    let credential = text(&args.credential)?;
    let parsed: Value = serde_json::from_str(credential.trim_start_matches('\u{feff}'))
        .map_err(|e| Error::Usage(format!("{}: not JSON: {e}", args.credential.display())))?;
    let image = match &args.image {
        Some(path) => read(path)?,
        None => achievement_image(&parsed, args.site.as_deref())?,
    };
    let assertion_path = match (&args.assertion, args.no_assertion) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) => args
            .credential
            .parent()
            .map(|dir| dir.join("assertion.json"))
            .filter(|p| p.is_file()),
    };
    let assertion = assertion_path.as_deref().map(text).transpose()?;
    let format = bake::format_of(&image);
    let baked = bake::bake(&image, &credential, assertion.as_deref())
        .map_err(|e| Error::Usage(e.to_string()))?;
    let wanted = format.map_or("png", Format::extension);
    let given = args.out.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !given.eq_ignore_ascii_case(wanted) {
        return Err(Error::Usage(format!(
            "the image is {}: name the output file *.{wanted}",
            wanted.to_uppercase()
        )));
    }
    std::fs::write(&args.out, &baked).map_err(Error::io(&args.out))?;
    match &assertion_path {
        Some(a) => println!(
            "Baked {} (OB 3.0) and {} (OB 2.0) into {}",
            args.credential.display(),
            a.display(),
            args.out.display()
        ),
        None => println!(
            "Baked {} (OB 3.0) into {}",
            args.credential.display(),
            args.out.display()
        ),
    }
    Ok(())
}

/// Prints the baked text exactly as it is embedded (no newline added), so
/// `rosette extract badge.png > credential.json` gives those bytes.
pub fn run_extract(args: ExtractArgs) -> Result<(), Error> {
    let image = read(&args.file)?;
    let found =
        bake::extract(&image).map_err(|e| Error::Usage(format!("{}: {e}", args.file.display())))?;
    let (text, what) = if args.assertion {
        (found.assertion, "Open Badges 2.0 assertion")
    } else {
        (found.credential, "Open Badges 3.0 credential")
    };
    let Some(text) = text else {
        let shown = args.file.display().to_string();
        return Err(Error::problem(
            Diagnostic::in_file(&shown, format!("no {what} is baked in this image")),
            &Sources::default(),
        ));
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::io("standard output"))
}
