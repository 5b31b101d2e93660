//! `rosette serve` on 127.0.0.1:0: pages with the live-reload script, a
//! reload event and new content after an edit, the problems of a broken
//! edit over the last good page, and nothing written to the repository.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::*;

/// A running `rosette serve`, killed when dropped.
struct Server {
    child: Child,
    address: String,
    output: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(repo: &Path, args: &[&str]) -> Server {
    start_in(repo, args)
}

/// `rosette serve ARGS` run in the folder `cwd`.
fn start_in(cwd: &Path, args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rosette"))
        .args(["serve", "--port", "0"])
        .args(args)
        .current_dir(cwd)
        .env_remove("ROSETTE_SIGNING_KEY")
        .env("ROSETTE_CHECK_REUSE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rosette serve");
    let (sender, output) = mpsc::channel();
    for pipe in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
    }
    let mut seen = Vec::new();
    let address = loop {
        let line = output
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("serve did not start: {seen:?}"));
        if let Some(rest) = line.strip_prefix("Serving http://") {
            break rest.split('/').next().unwrap().to_string();
        }
        seen.push(line);
    };
    Server {
        child,
        address,
        output,
    }
}

impl Server {
    /// `(status, body)` of `GET path`.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        let status = text[9..12].parse().unwrap();
        let body = text
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string();
        (status, body)
    }

    /// The event stream: `(event, data)` pairs.
    fn events(&self) -> mpsc::Receiver<(String, String)> {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(
            stream,
            "GET /__rosette/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.address
        )
        .unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut name = String::new();
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(data) = line.strip_prefix("data: ")
                    && sender.send((name.clone(), data.to_string())).is_err()
                {
                    return;
                }
            }
        });
        receiver
    }
}

fn next_event(events: &mpsc::Receiver<(String, String)>) -> (String, String) {
    events
        .recv_timeout(Duration::from_secs(60))
        .expect("an event within a minute")
}

#[test]
fn serve_reloads_after_edits_and_shows_the_problems_of_a_broken_one() {
    let repo = repo(None);
    let path = repo.path();
    let server = start(path, &[]);

    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(
        home.contains(
            "<script src=\"__rosette/live.js\" data-generation=\"1\" defer></script></head>"
        ),
        "{home}"
    );
    assert!(home.contains("id=\"rosette-preview\"") && home.contains("temporary key"));
    let (_, page) = server.get("/awards/alpha-1/");
    assert!(page.contains("Ada earned"), "{page}");
    assert!(page.contains("src=\"../../__rosette/live.js\""));
    assert_eq!(server.get("/awards/alpha-1").0, 301);
    assert_eq!(server.get("/no/such/page").0, 404);
    // Only HTML gets serve's additions; credentials are signed by the
    // preview key that the served DID document lists.
    let (_, credential) = server.get("/awards/alpha-1/credential.json");
    assert!(!credential.contains("rosette"), "{credential}");
    assert!(credential.contains("#serve-preview-key\""), "{credential}");
    let (_, did) = server.get("/.well-known/did.json");
    assert!(
        did.contains("serve-preview-key") && did.contains("did:web:127.0.0.1%3A"),
        "{did}"
    );
    let (_, script) = server.get("/__rosette/live.js");
    assert!(script.contains("EventSource"));

    let events = server.events();
    assert_eq!(next_event(&events), ("hello".to_string(), "1".to_string()));

    // An edit: a reload event, then the new content.
    let alpha = path.join("badges/alpha.toml");
    let text = fs::read_to_string(&alpha).unwrap();
    fs::write(
        &alpha,
        text.replace("name = \"Ada\"", "name = \"Ada Lovelace\""),
    )
    .unwrap();
    assert_eq!(next_event(&events), ("reload".to_string(), "2".to_string()));
    let (_, page) = server.get("/awards/alpha-1/");
    assert!(page.contains("Ada Lovelace earned"), "{page}");
    assert!(page.contains("data-generation=\"2\""));
    assert!(!page.contains("rosette-problems"));

    // A broken edit: the problems, and the last good page under them.
    let beta = path.join("badges/beta.toml");
    let good_beta = fs::read_to_string(&beta).unwrap();
    fs::write(&beta, "[badge]\nname = \n").unwrap();
    let (event, data) = next_event(&events);
    assert_eq!(event, "problems");
    let report: String = serde_json::from_str(&data).unwrap();
    assert!(report.contains("badges/beta.toml:2:8"), "{report}");
    let (status, page) = server.get("/awards/alpha-1/");
    assert_eq!(status, 200);
    assert!(
        page.contains("Ada Lovelace earned"),
        "the last good page: {page}"
    );
    assert!(page.contains("id=\"rosette-problems\"") && page.contains("badges/beta.toml:2:8"));
    // A page opened now learns about the problems too.
    let late = server.events();
    assert_eq!(next_event(&late).0, "hello");
    assert_eq!(next_event(&late).0, "problems");

    // Fixed: a reload, and the problems are gone.
    fs::write(&beta, good_beta).unwrap();
    assert_eq!(next_event(&events), ("reload".to_string(), "3".to_string()));
    let (_, page) = server.get("/awards/alpha-1/");
    assert!(!page.contains("rosette-problems"), "{page}");

    // Serve printed the diagnostics as build does, and wrote nothing.
    let printed: Vec<String> = server.output.try_iter().collect();
    assert!(
        printed
            .iter()
            .any(|l| l.contains("--> badges/beta.toml:2:8")),
        "{printed:?}"
    );
    for written in [
        "public",
        "rosette.lock",
        ".public.rosette",
        ".rosette-cache",
    ] {
        assert!(!path.join(written).exists(), "serve wrote {written}");
    }
}

/// A `--root` relative to the current folder, and an editor that saves by
/// renaming a new file over the old one (as vim and `sed -i` do).
#[test]
fn serve_with_a_relative_root_reloads_after_a_save_by_rename() {
    let repo = repo(None);
    let path = repo.path();
    let name = path.file_name().unwrap().to_str().unwrap();
    let server = start_in(path.parent().unwrap(), &["--root", &format!("./{name}")]);
    let events = server.events();
    assert_eq!(next_event(&events), ("hello".to_string(), "1".to_string()));

    let alpha = path.join("badges/alpha.toml");
    let text = fs::read_to_string(&alpha).unwrap();
    let saved = path.join("alpha.toml.saving");
    fs::write(
        &saved,
        text.replace("name = \"Ada\"", "name = \"Ada Byron\""),
    )
    .unwrap();
    fs::rename(&saved, &alpha).unwrap();
    assert_eq!(next_event(&events), ("reload".to_string(), "2".to_string()));
    let (_, page) = server.get("/awards/alpha-1/");
    assert!(page.contains("Ada Byron earned"), "{page}");
}

#[test]
fn serve_with_the_site_key_signs_for_its_own_address() {
    let repo = repo(None);
    let key = test_key();
    let server = start(repo.path(), &["--key", &key]);
    let (_, credential) = server.get("/awards/alpha-1/credential.json");
    assert!(credential.contains("#key-1\""), "{credential}");
    assert!(credential.contains(&format!(
        "did:web:127.0.0.1%3A{}",
        server.address.split(':').nth(1).unwrap()
    )));
    let (_, home) = server.get("/");
    assert!(home.contains("id=\"rosette-preview\"") && !home.contains("temporary key"));
    assert!(!repo.path().join("public").exists());
}

#[test]
fn serve_of_a_site_without_keys_says_it_makes_pages_only() {
    let repo = repo(None);
    let site = repo.path().join("site/site.toml");
    let text = std::fs::read_to_string(&site).unwrap();
    let start_of_keys = text.find("[[keys]]").expect("the base fixture lists a key");
    std::fs::write(&site, &text[..start_of_keys]).unwrap();
    let server = start(repo.path(), &[]);
    let (status, _) = server.get("/awards/alpha-1/credential.json");
    assert_eq!(status, 404, "no key, no credential");
    let (_, home) = server.get("/");
    assert!(home.contains("id=\"rosette-preview\""), "{home}");
    assert!(!home.contains("temporary key"), "{home}");
    assert!(!home.contains("Credentials"), "{home}");
}
