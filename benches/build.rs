//! Build benchmark: generates a synthetic badge repository of N awards and
//! measures, with 1 and 2 threads, signing alone and the whole build
//! (load, validate, sign, render, write).
//!
//!     cargo bench --bench build                      # N = 2,000
//!     ROSETTE_BENCH_AWARDS=20000 cargo bench --bench build
//!
//! Figures are wall-clock on whatever machine runs it: compare runs on the
//! same machine, never assert them in tests. It also prints the size of the
//! built site as the tar that GitHub's upload-pages-artifact packs (GitHub
//! Pages takes at most 1 GB).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use rosette::build::{BuildOptions, build, plan};
use rosette::credential::canon::Canonicalizer;
use rosette::credential::issue::Issuer;
use rosette::credential::keys::Secret;

/// The published test-only key of standards.md Appendix A.
const SECRET: &str = "z3u2RwSXGME6LwGRPCt67EJYjpA8CRySfLagySj7ESKTt2jB";
const PUBLIC: &str = "z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV";
const BADGES: usize = 20;

fn generate(root: &Path, awards: usize) {
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "site/site.toml",
        &format!(
            "base_url = \"https://bench.example/badges/\"\ntitle = \"Bench\"\nlanguage = \"en\"\n\n[issuer]\nname = \"Bench Guild\"\nurl = \"https://bench.example/\"\nemail = \"badges@bench.example\"\n\n[[keys]]\nid = \"key-1\"\npublic = \"{PUBLIC}\"\n"
        ),
    );
    for b in 0..BADGES {
        let mut text = format!(
            "[badge]\nname = \"Badge {b}\"\ndescription = \"Synthetic badge number {b}.\"\ncriteria = \"\"\"\nDo **thing {b}**:\n\n- first step\n- second step\n\"\"\"\nimage_alt = \"A square\"\ntags = [\"bench\", \"b{b}\"]\n"
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
    let mut files: Vec<String> = vec![String::new(); BADGES];
    for a in 0..awards {
        let file = &mut files[a % BADGES];
        let day = 1 + a % 28;
        let month = 1 + (a / 28) % 12;
        let _ = write!(
            file,
            "[[award]]\nid = \"a{a:07}\"\nrecipient = {{ email = \"person{a}@example.org\", name = \"Person {a}\" }}\nissued = 2025-{month:02}-{day:02}\n"
        );
        if a % 5 == 0 {
            let _ = write!(
                file,
                "narrative = \"Did *it* well.\"\nevidence = [{{ url = \"https://work.example/{a}\", name = \"Work {a}\" }}]\n"
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

/// The size of `dir` packed as GNU tar packs it (`tar -cf - .`, what
/// upload-pages-artifact runs): a 512-byte header per entry, contents in
/// 512-byte blocks, a long-name entry for paths over 100 bytes, two zero
/// blocks at the end, rounded up to the 10,240-byte record.
fn tar_size(dir: &Path) -> u64 {
    let block = |n: u64| n.div_ceil(512) * 512;
    let mut size = 0;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(dir).expect("inside");
        let mut name = format!("./{}", rel.display());
        if entry.file_type().is_dir() {
            name.push('/');
        }
        if name.len() > 100 {
            size += 512 + block(name.len() as u64 + 1);
        }
        size += 512;
        if entry.file_type().is_file() {
            size += block(entry.metadata().expect("metadata").len());
        }
    }
    (size + 1024).div_ceil(10_240) * 10_240
}

fn main() {
    let awards: usize = std::env::var("ROSETTE_BENCH_AWARDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), awards);
    let key = dir.path().join("bench.key");
    std::fs::write(&key, SECRET).expect("key");
    println!("synthetic repository: {awards} awards, {BADGES} badges");

    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let plan = plan(dir.path(), None).expect("valid synthetic repository");
            let secret = Secret::parse(SECRET).expect("secret");
            let canon = Canonicalizer::new().expect("contexts");
            let start = Instant::now();
            let issuer =
                Issuer::new(&plan.site, &plan.slots, &canon, Some(&secret)).expect("issuer");
            let all: Vec<_> = plan.site.awards().collect();
            let signed = all
                .par_iter()
                .map(|(badge, award)| issuer.award(badge, award).map(|f| f.credential.len()))
                .filter(Result::is_ok)
                .count();
            let seconds = start.elapsed().as_secs_f64();
            assert_eq!(signed, awards);
            println!(
                "{threads} thread(s): signing     {:>8.0} credentials/s ({seconds:.2} s)",
                awards as f64 / seconds
            );

            let out = dir.path().join(format!("public-{threads}"));
            let options = BuildOptions {
                root: dir.path().to_path_buf(),
                out,
                base_url: None,
                key_file: Some(key.clone()),
                locked: false,
            };
            let start = Instant::now();
            let summary = build(&options).expect("build");
            let seconds = start.elapsed().as_secs_f64();
            assert_eq!(summary.signed, awards);
            println!(
                "{threads} thread(s): whole build {:>8.0} awards/s      ({seconds:.2} s)",
                awards as f64 / seconds
            );
            if threads == 2 {
                let size = tar_size(&options.out);
                println!(
                    "site as a tar:          {:>8.1} MB ({size} bytes, {:.0} bytes per award)",
                    size as f64 / 1e6,
                    size as f64 / awards as f64
                );
            }
        });
    }
}
