//! `rosette serve`.

use std::path::PathBuf;

use crate::error::Error;
use crate::serve::{self, Event, ServeOptions, Signing};

#[derive(clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0: any free port; the URL is printed).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Poll the folders for changes (network folders, WSL) instead of
    /// relying on the operating system's file events.
    #[arg(long)]
    poll: bool,
    /// The secret signing key file (default: the ROSETTE_SIGNING_KEY
    /// variable; without either, a temporary key made for this preview).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
}

pub fn run(args: Args, root: Option<PathBuf>) -> Result<(), Error> {
    let root = super::root(root)?;
    let options = ServeOptions {
        root,
        port: args.port,
        poll: args.poll,
        key_file: args.key,
    };
    let open = args.open;
    serve::run(&options, &mut |event| match event {
        Event::Listening { url, signing } => {
            println!("Serving {url} (Ctrl-C to stop; public/ and rosette.lock are never written)");
            match signing {
                Signing::Ephemeral => println!(
                    "Credentials are signed with a temporary key made for this preview: \
                     they verify only on this server."
                ),
                Signing::SiteKey => {
                    println!(
                        "Credentials are signed with the site's key, for this server's address."
                    )
                }
                Signing::Unsigned => {
                    println!("site.toml lists no [[keys]]: pages only, no credentials are made.")
                }
            }
            println!("Watching site/, badges/, themes/ and rosette.lock");
            if open {
                open_browser(url);
            }
        }
        Event::Changed { paths } => {
            let shown: Vec<&str> = paths.iter().take(3).map(String::as_str).collect();
            let more = paths.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            println!("Changed {}{more}", shown.join(", "));
        }
        Event::Built { summary, seconds } => {
            println!("Built {summary} in {seconds:.2} s ({})", summary.changes());
        }
        Event::Failed { error } => {
            eprint!("{}", error.report());
            eprintln!("Still serving the last good build; fix the problems above and save.");
        }
    })
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(command.0)
        .args(&command.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!(
            "warning: could not open a browser ({}); open {url} yourself",
            command.0
        );
    }
}
