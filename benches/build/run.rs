//! What `cargo bench --bench build` runs (also run by the test suite at
//! N = 200, to check that every figure is reported).
//!
//! The synthetic repository is deterministic: N awards over B badges (one
//! award file per badge), every fifth award with a narrative and evidence,
//! every 97th revoked, signed with the published test key. The builds are
//! the real `rosette` binary, run as child processes: wall time, CPU time
//! (user + system, all threads) and peak memory (maximum resident set)
//! come from `wait4`.
//!
//! | figure | what is measured |
//! | --- | --- |
//! | full build | `rosette build` with no output, no records and no signature cache |
//! | floor | the same number of signatures (Ed25519 over 64 bytes), SHA-256 of each credential, and the same files (the built bytes) written into a fresh tree, on the same threads, in-process: the work no build can avoid |
//! | no-change rebuild | `rosette build` again, nothing changed |
//! | one award edited | one award's narrative changed, `rosette build`: the first time after a full build (the spare tree is made then) and in steady state (median) |
//! | warm signature cache | the output and its records deleted, the signature cache kept |
//! | Pages artifact | `tar --dereference --hard-dereference --directory OUT -cvf - --exclude=.git --exclude=.github .`, as actions/upload-pages-artifact runs it, in bytes |
//! | signing | Rosette's issuer on every award in-process (no cache), and the Digital Bazaar signer (`interop/sign.mjs --batch`, node) on up to 200 of the same credentials |
//! | serve | one award's narrative saved to the file → the `reload` event received → the award page fetched with the new text (median of the repeats) |

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rosette::build::plan;
use rosette::credential::canon::Canonicalizer;
use rosette::credential::issue::Issuer;
use rosette::credential::keys::Secret;
use sha2::{Digest, Sha256};

/// The published test-only key of standards.md Appendix A.
pub const SECRET: &str = "z3u2RwSXGME6LwGRPCt67EJYjpA8CRySfLagySj7ESKTt2jB";
const PUBLIC: &str = "z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV";
/// The award whose narrative the edits change.
const EDITED: usize = 5;

pub struct Setup {
    /// The `rosette` binary to run.
    pub rosette: PathBuf,
    pub awards: usize,
    pub badges: usize,
    /// How many one-award edits (build and serve) to take the median of.
    pub repeats: usize,
    /// How many credentials the Digital Bazaar signer signs.
    pub sample: usize,
}

pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Writes the synthetic repository into `root`.
pub fn generate(root: &Path, awards: usize, badges: usize) {
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "site/site.toml",
        &format!(
            "base_url = \"https://bench.example/badges/\"\ntitle = \"Bench\"\nlanguage = \"en\"\n\n\
             [issuer]\nname = \"Bench Guild\"\nurl = \"https://bench.example/\"\nemail = \"badges@bench.example\"\n\n\
             [[keys]]\nid = \"key-1\"\npublic = \"{PUBLIC}\"\n"
        ),
    );
    for b in 0..badges {
        let mut text = format!(
            "[badge]\nname = \"Badge {b}\"\ndescription = \"Synthetic badge number {b}.\"\n\
             criteria = \"\"\"\nDo **thing {b}**:\n\n- first step\n- second step\n\"\"\"\n\
             image_alt = \"A square\"\ntags = [\"bench\", \"b{b}\"]\n"
        );
        if b % 2 == 0 {
            text.push_str("valid_for = \"2y\"\n");
        }
        write(&format!("badges/b{b}.toml"), &text);
        write(
            &format!("badges/b{b}.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 4\"><rect width=\"4\" height=\"4\"/></svg>\n",
        );
    }
    let mut files: Vec<String> = vec![String::new(); badges];
    for a in 0..awards {
        let file = &mut files[a % badges];
        let day = 1 + a % 28;
        let month = 1 + (a / 28) % 12;
        let _ = write!(
            file,
            "[[award]]\nid = \"a{a:07}\"\nrecipient = {{ email = \"person{a}@example.org\", name = \"Person {a}\" }}\nissued = 2025-{month:02}-{day:02}\n"
        );
        if a % 5 == 0 {
            let _ = write!(
                file,
                "narrative = \"{}\"\nevidence = [{{ url = \"https://work.example/{a}\", name = \"Work {a}\" }}]\n",
                narrative(a, 0)
            );
        }
        if a % 97 == 0 {
            file.push_str("revoked = { on = 2026-01-01, reason = \"Bench\" }\n");
        }
        file.push('\n');
    }
    for (b, text) in files.iter().enumerate() {
        write(&format!("badges/b{b}/awards.toml"), text);
    }
}

fn narrative(award: usize, edit: usize) -> String {
    if edit == 0 {
        format!("Award {award} did *it* well.")
    } else {
        format!("Award {award} did *it* well, edit {edit}.")
    }
}

/// Sets the narrative of award [`EDITED`] to its `edit`th version.
fn edit(repo: &Path, badges: usize, edit: usize) -> Result<(), String> {
    let path = repo.join(format!("badges/b{}/awards.toml", EDITED % badges));
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let current = text
        .lines()
        .find(|l| l.starts_with(&format!("narrative = \"Award {EDITED} ")))
        .ok_or("no narrative to edit")?
        .to_string();
    let new = format!("narrative = \"{}\"", narrative(EDITED, edit));
    std::fs::write(&path, text.replacen(&current, &new, 1)).map_err(|e| e.to_string())
}

/// What `wait4` says about a finished child.
struct Measured {
    wall: f64,
    cpu: f64,
    max_rss_mb: f64,
    stdout: String,
    stderr: String,
    success: bool,
}

fn seconds(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

/// Runs `command` to its end, measuring it (`wait4` reaps the child).
#[allow(clippy::zombie_processes)]
fn measure(command: &mut Command) -> Measured {
    let start = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our child's, not yet waited for; both pointers
    // are to live, writable values.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    assert!(pid > 0, "wait4 failed");
    Measured {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        max_rss_mb: usage.ru_maxrss as f64 / 1024.0,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    }
}

/// CPU time of this process so far (all threads).
fn own_cpu() -> f64 {
    // SAFETY: as in `measure`.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer is to a live, writable rusage.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// `(files written, signatures made)` from a build's summary line.
fn written(summary: &str) -> (usize, usize) {
    if summary.contains("no changes") {
        return (0, 0);
    }
    let number_before = |text: &str, word: &str| {
        text.split(word)
            .next()
            .and_then(|t| t.split_whitespace().last())
            .and_then(|n| n.parse().ok())
            .unwrap_or(usize::MAX)
    };
    let changes = summary.rsplit_once('(').map_or("", |(_, c)| c);
    (
        number_before(changes, " of "),
        number_before(changes, " signature"),
    )
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs every measurement and returns the report.
pub fn run(setup: &Setup) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    if std::env::var_os("ROSETTE_BENCH_KEEP").is_some() {
        // For profiling: keep the repository and its output.
        let kept = dir.path().to_path_buf();
        std::mem::forget(dir);
        return run_in(setup, &kept);
    }
    run_in(setup, dir.path())
}

fn run_in(setup: &Setup, dir: &Path) -> String {
    let mut report = String::new();
    let mut line = |text: String| {
        println!("{text}");
        report.push_str(&text);
        report.push('\n');
    };
    let repo = dir.join("repo");
    generate(&repo, setup.awards, setup.badges);
    let key = dir.join("bench.key");
    std::fs::write(&key, SECRET).expect("key");
    let out = repo.join("public");
    let n = setup.awards as f64;
    let build = || {
        let mut command = Command::new(&setup.rosette);
        command
            .args(["build", "--key"])
            .arg(&key)
            .arg("--root")
            .arg(&repo)
            .env_remove("ROSETTE_SIGNING_KEY")
            .env_remove("ROSETTE_CHECK_REUSE");
        let measured = measure(&mut command);
        assert!(measured.success, "build failed: {}", measured.stderr);
        measured
    };
    line(format!(
        "synthetic repository: {} awards, {} badges, in {}",
        setup.awards,
        setup.badges,
        dir.display()
    ));

    // The full build, from nothing.
    let full = build();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    line(format!(
        "full build: wall {:.2} s, CPU {:.2} s = {:.1} µs per award, peak memory {:.0} MB ({} files, {} bytes)",
        full.wall,
        full.cpu,
        full.cpu / n * 1e6,
        full.max_rss_mb,
        files.len(),
        bytes
    ));

    // The floor: what no build can avoid.
    let floor = floor(&out, &dir.join("floor"), setup.awards);
    line(format!(
        "floor (sign + hash + write the same files): wall {:.2} s, CPU {:.2} s = {:.1} µs per award",
        floor.0,
        floor.1,
        floor.1 / n * 1e6
    ));
    line(format!(
        "full build CPU / floor CPU: {:.2}x",
        full.cpu / floor.1
    ));

    let same = build();
    let (count, _) = written(&same.stdout);
    line(format!(
        "no-change rebuild: wall {:.3} s, CPU {:.3} s, {count} files written",
        same.wall, same.cpu
    ));

    edit(&repo, setup.badges, 1).expect("edit");
    let first = build();
    let (count, signed) = written(&first.stdout);
    line(format!(
        "one award edited, first edit after a full build: wall {:.3} s, {count} files written, {signed} signatures made",
        first.wall
    ));
    let mut walls = Vec::new();
    let mut counts = (0, 0);
    for k in 0..setup.repeats.max(1) {
        edit(&repo, setup.badges, 2 + k).expect("edit");
        let next = build();
        walls.push(next.wall);
        counts = written(&next.stdout);
    }
    line(format!(
        "one award edited: wall {:.3} s (median of {}), {} files written, {} signatures made",
        median(walls),
        setup.repeats.max(1),
        counts.0,
        counts.1
    ));

    let tar = tar_bytes(&out);
    line(format!(
        "Pages artifact (tar): {tar} bytes = {:.1} MB for {} files of {bytes} bytes",
        tar as f64 / 1e6,
        files.len()
    ));

    let state = out.with_file_name(".public.rosette");
    std::fs::remove_dir_all(&out).expect("remove output");
    std::fs::remove_dir_all(&state).expect("remove records");
    let warm = build();
    let (_, signed) = written(&warm.stdout);
    line(format!(
        "full build, warm signature cache: wall {:.2} s, CPU {:.2} s = {:.1} µs per award, {signed} signatures made",
        warm.wall,
        warm.cpu,
        warm.cpu / n * 1e6
    ));

    let (rate, threads) = rosette_signing(&repo);
    line(format!(
        "signing, Rosette: {rate:.0} credentials/s on {threads} threads ({:.0} per thread)",
        rate / threads as f64
    ));
    let full_rate = n / full.wall;
    match digital_bazaar(&out, setup.awards.min(setup.sample)) {
        Ok((theirs, count, same)) => {
            line(format!(
                "signing, Digital Bazaar: {theirs:.1} credentials/s (node, 1 thread, {count} of the same credentials, identical proofValues: {same}/{count})"
            ));
            line(format!(
                "Rosette / Digital Bazaar: {:.0}x signing per thread, {:.0}x full build",
                rate / threads as f64 / theirs,
                full_rate / theirs
            ));
        }
        Err(why) => line(format!("signing, Digital Bazaar: not measured ({why})")),
    }

    match serve_latency(setup, &repo, &key) {
        Ok(times) => {
            let max = times.iter().copied().fold(0.0, f64::max);
            line(format!(
                "serve, save to reloaded page: median {:.0} ms, max {:.0} ms ({} edits)",
                median(times.clone()) * 1e3,
                max * 1e3,
                times.len()
            ));
        }
        Err(why) => line(format!(
            "serve, save to reloaded page: not measured ({why})"
        )),
    }
    report
}

/// Signs, hashes and writes what the build wrote for each award, into a
/// fresh tree: (wall, CPU) seconds.
fn floor(out: &Path, into: &Path, awards: usize) -> (f64, f64) {
    let names = ["credential.json", "assertion.json", "index.html"];
    let files: Vec<(String, Vec<Vec<u8>>)> = (0..awards)
        .map(|a| {
            let id = format!("a{a:07}");
            let dir = out.join("awards").join(&id);
            let bytes = names
                .iter()
                .map(|n| std::fs::read(dir.join(n)).expect("award file"))
                .collect();
            (id, bytes)
        })
        .collect();
    let key = Secret::parse(SECRET).expect("secret");
    let awards_dir = into.join("awards");
    std::fs::create_dir_all(&awards_dir).expect("mkdir");
    let (start, cpu) = (Instant::now(), own_cpu());
    files.par_iter().for_each(|(id, bytes)| {
        let hash: [u8; 32] = Sha256::digest(&bytes[0]).into();
        let mut message = [0u8; 64];
        message[..32].copy_from_slice(&hash);
        message[32..].copy_from_slice(&hash);
        let signature = ed25519_dalek::Signer::sign(key.signing_key(), &message);
        std::hint::black_box(signature);
        let dir = awards_dir.join(id);
        std::fs::create_dir(&dir).expect("mkdir");
        for (name, bytes) in names.iter().zip(bytes) {
            std::fs::write(dir.join(name), bytes).expect("write");
        }
    });
    (start.elapsed().as_secs_f64(), own_cpu() - cpu)
}

/// The size of the archive upload-pages-artifact makes of `out`.
fn tar_bytes(out: &Path) -> u64 {
    let mut child = Command::new("tar")
        .args(["--dereference", "--hard-dereference", "--directory"])
        .arg(out)
        .args(["-cvf", "-", "--exclude=.git", "--exclude=.github", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tar");
    let mut stdout = child.stdout.take().expect("stdout");
    let bytes = std::io::copy(&mut stdout, &mut std::io::sink()).expect("read tar");
    assert!(child.wait().expect("wait tar").success());
    bytes
}

/// Rosette's signing alone: every award's credential, no cache, on the
/// default thread pool: (credentials per second, threads).
fn rosette_signing(repo: &Path) -> (f64, usize) {
    let plan = plan(repo, None).expect("valid synthetic repository");
    let secret = Secret::parse(SECRET).expect("secret");
    let canon = Canonicalizer::new().expect("contexts");
    let start = Instant::now();
    let issuer = Issuer::new(&plan.site, &plan.slots, &canon, Some(&secret)).expect("issuer");
    let all: Vec<_> = plan.site.awards().collect();
    let signed = all
        .par_iter()
        .filter(|(badge, award)| issuer.award(badge, award).is_ok())
        .count();
    assert_eq!(signed, all.len());
    (
        signed as f64 / start.elapsed().as_secs_f64(),
        rayon::current_num_threads(),
    )
}

/// The Digital Bazaar signer on the first `limit` credentials of `out`:
/// (credentials per second, credentials, identical proof values).
fn digital_bazaar(out: &Path, limit: usize) -> Result<(f64, usize, usize), String> {
    let interop = Path::new(env!("CARGO_MANIFEST_DIR")).join("interop");
    if !interop.join("node_modules/@digitalbazaar/vc").is_dir() {
        let installed = Command::new("npm")
            .args(["ci", "--silent", "--no-audit", "--no-fund"])
            .current_dir(&interop)
            .status()
            .map_err(|e| format!("npm: {e}"))?;
        if !installed.success() {
            return Err("npm ci failed".into());
        }
    }
    let output = Command::new("node")
        .arg(interop.join("sign.mjs"))
        .arg("--batch")
        .arg(out)
        .arg(SECRET)
        .args(["--limit", &limit.to_string()])
        .output()
        .map_err(|e| format!("node: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let result: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    let count = result["credentials"].as_u64().unwrap_or(0) as usize;
    let seconds = result["seconds"].as_f64().unwrap_or(f64::NAN);
    let same = result["same"].as_u64().unwrap_or(0) as usize;
    Ok((count as f64 / seconds, count, same))
}

/// Starts `rosette serve`, then saves `repeats` edits of one award and
/// times each from the save to the fetched page with the new text.
fn serve_latency(setup: &Setup, repo: &Path, key: &Path) -> Result<Vec<f64>, String> {
    let mut child = Command::new(&setup.rosette)
        .args(["serve", "--port", "0", "--key"])
        .arg(key)
        .arg("--root")
        .arg(repo)
        .env_remove("ROSETTE_SIGNING_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let result = (|| {
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .ok_or("serve ended before serving")?
                .map_err(|e| e.to_string())?;
            if let Some(rest) = line.strip_prefix("Serving ") {
                break rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        let address = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let events = subscribe(&address)?;
        let mut times = Vec::new();
        let base = 1000;
        for k in 0..setup.repeats.max(1) {
            let step = base + k;
            edit(repo, setup.badges, step)?;
            let saved = Instant::now();
            loop {
                let event = events
                    .recv_timeout(Duration::from_secs(120))
                    .map_err(|_| "no reload event within 120 s")?;
                if event == "reload" {
                    break;
                }
            }
            let page = get(&address, &format!("/awards/a{EDITED:07}/"))?;
            if !page.contains(&format!("edit {step}")) {
                return Err(format!("the reloaded page does not show edit {step}"));
            }
            times.push(saved.elapsed().as_secs_f64());
        }
        Ok(times)
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// Opens serve's event stream; event names arrive on the channel.
fn subscribe(address: &str) -> Result<mpsc::Receiver<String>, String> {
    let mut stream = TcpStream::connect(address).map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET /__rosette/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(name) = line.strip_prefix("event: ")
                && sender.send(name.to_string()).is_err()
            {
                return;
            }
        }
    });
    // The first event is `hello`.
    match receiver.recv_timeout(Duration::from_secs(30)) {
        Ok(name) if name == "hello" => Ok(receiver),
        other => Err(format!("expected the hello event, got {other:?}")),
    }
}

/// `GET path` over a fresh connection; the body as text.
fn get(address: &str, path: &str) -> Result<String, String> {
    let mut stream = TcpStream::connect(address).map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut text = String::new();
    stream
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    Ok(text)
}
