//! Baked badge images (`rosette bake`, `rosette extract`, `rosette verify`
//! on images), checked the way wallets and other tools read them: a naive
//! brace-counting extractor (what the Learner Credential Wallet and
//! VerifierPlus do), the Digital Bazaar stack on the extracted credential,
//! the 1EdTech OB 2.0 validator and openbadges-bakery on the baked images,
//! and the PNG/SVG decoders of resvg (the image still decodes).

use std::path::Path;
use std::process::Command;

use crate::common::*;
use serde_json::Value;

const NOW: &str = "2026-06-01T00:00:00Z";

/// base + tests/fixtures/browser (beta is a PNG badge; beta-rtl has braces
/// in its narrative), signed.
fn site() -> tempfile::TempDir {
    let repo = repo(Some(&fixtures().join("browser")));
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    repo
}

fn bake(repo: &Path, award: &str, out: &str, extra: &[&str]) {
    let credential = format!("public/awards/{award}/credential.json");
    let mut args = vec!["bake", credential.as_str(), "--out", out];
    args.extend_from_slice(extra);
    let output = rosette(repo, &args);
    assert!(output.status.success(), "{}", stderr(&output));
}

fn extract(repo: &Path, file: &str, extra: &[&str]) -> String {
    let mut args = vec!["extract", file];
    args.extend_from_slice(extra);
    let output = rosette(repo, &args);
    assert!(output.status.success(), "{}", stderr(&output));
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// What a wallet does: the first `{` after the keyword, then braces counted
/// (strings are not parsed) up to the one that closes it.
fn brace_counted(bytes: &[u8], after: &[u8]) -> String {
    let start = bytes
        .windows(after.len())
        .position(|w| w == after)
        .expect("keyword")
        + after.len();
    let open = start + bytes[start..].iter().position(|&b| b == b'{').expect("{");
    let mut depth = 0;
    for (i, &b) in bytes[open..].iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return String::from_utf8(bytes[open..=open + i].to_vec()).expect("UTF-8");
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced braces");
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

#[test]
fn baking_and_extracting_png_and_svg_round_trips_byte_for_byte() {
    let repo = site();
    let root = repo.path();
    bake(root, "beta-rtl", "beta-rtl.png", &["--site", "public"]);
    bake(root, "alpha-1", "alpha-1.svg", &["--site", "public"]);
    for (file, award) in [("beta-rtl.png", "beta-rtl"), ("alpha-1.svg", "alpha-1")] {
        let published =
            std::fs::read_to_string(root.join(format!("public/awards/{award}/credential.json")))
                .unwrap();
        let text = extract(root, file, &[]);
        // Exactly the published file, but for the spelling of { and } in strings.
        let respelled = text.replace("\\u007b", "{").replace("\\u007d", "}");
        assert_eq!(respelled, published.trim_end(), "{file}");
        if award == "beta-rtl" {
            assert!(
                text.contains(r"Fixed the `\u007b\u007d` bug in \u007bmodule\u007d and wrote \u007d\u007b tests."),
                "{text}"
            );
        }
        let bytes = std::fs::read(root.join(file)).unwrap();
        // A wallet counting braces finds the whole credential.
        let keyword: &[u8] = if file.ends_with(".png") {
            b"openbadgecredential\0\0\0\0\0"
        } else {
            b"<openbadges:credential><![CDATA["
        };
        let counted: Value = serde_json::from_str(&brace_counted(&bytes, keyword)).unwrap();
        let original: Value = serde_json::from_str(&published).unwrap();
        assert_eq!(counted, original, "{file}");
        // The OB 2.0 assertion too, once.
        let assertion: Value =
            serde_json::from_str(&extract(root, file, &["--assertion"])).unwrap();
        assert_eq!(
            assertion["id"],
            format!("https://example.test/badges/awards/{award}/assertion.json")
        );
        if file.ends_with(".png") {
            assert_eq!(count(&bytes, b"iTXtopenbadgecredential\0"), 1);
            assert_eq!(count(&bytes, b"iTXtopenbadges\0"), 1);
            // Still an image that decodes, at its size.
            let image = resvg::tiny_skia::Pixmap::decode_png(&bytes).expect("decodes");
            assert_eq!((image.width(), image.height()), (256, 256));
        } else {
            assert_eq!(count(&bytes, b"<openbadges:credential>"), 1);
            assert_eq!(count(&bytes, b"<openbadges:assertion "), 1);
            assert_eq!(
                count(
                    &bytes,
                    b"xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""
                ),
                1
            );
            assert_eq!(
                count(&bytes, b"xmlns:openbadges=\"http://openbadges.org\""),
                1
            );
            let tree = resvg::usvg::Tree::from_data(&bytes, &resvg::usvg::Options::default())
                .expect("decodes");
            assert_eq!(tree.size().width(), 256.0);
        }
        // Baking a baked image again replaces, never duplicates.
        let again = format!("again-{file}");
        bake(root, award, &again, &["--image", file]);
        assert_eq!(std::fs::read(root.join(&again)).unwrap(), bytes, "{file}");
    }
}

#[test]
fn rosette_verify_accepts_baked_images_and_rejects_a_tampered_one() {
    let repo = site();
    let root = repo.path();
    bake(root, "beta-rtl", "good.png", &["--site", "public"]);
    bake(root, "alpha-1", "good.svg", &["--site", "public"]);
    let output = rosette(
        root,
        &[
            "verify", "good.png", "good.svg", "--site", "public", "--at", NOW,
        ],
    );
    assert!(output.status.success(), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("2 valid, 0 invalid"),
        "{}",
        stdout(&output)
    );

    // The credential inside changed after signing: not valid.
    let mut tampered: Value = serde_json::from_str(&extract(root, "good.png", &[])).unwrap();
    tampered["credentialSubject"]["narrative"] = Value::String("Did {much} more".into());
    std::fs::write(root.join("tampered.json"), tampered.to_string()).unwrap();
    let output = rosette(
        root,
        &[
            "bake",
            "tampered.json",
            "--image",
            "good.png",
            "--no-assertion",
            "--out",
            "tampered.png",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let output = rosette(
        root,
        &["verify", "tampered.png", "--site", "public", "--at", NOW],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("invalid signature"),
        "{}",
        stdout(&output)
    );

    // An image without a credential.
    let output = rosette(root, &["verify", "badges/beta.png", "--site", "public"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("no Open Badges 3.0 credential is baked in this image"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn the_wallets_stack_verifies_the_extracted_credentials() {
    let repo = site();
    let root = repo.path();
    // Extracted texts, with their \u007b spellings, where the award's
    // credential is (the checker takes the award id from the path).
    for (award, image) in [("beta-rtl", "png"), ("alpha-1", "svg")] {
        let file = format!("{award}.{image}");
        bake(root, award, &file, &["--site", "public"]);
        let text = extract(root, &file, &[]);
        assert!(award != "beta-rtl" || text.contains("\\u007b"), "{text}");
        std::fs::write(
            root.join(format!("public/awards/{award}/extracted.json")),
            text,
        )
        .unwrap();
    }
    let output = crate::interop::verify_site(
        &root.join("public"),
        "https://example.test/badges/",
        &["--glob", "awards/*/extracted.json", "--expect-revoked", ""],
    );
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    assert!(text.contains("2 passed, 0 failed"), "{text}");
}

#[test]
fn the_1edtech_validator_and_openbadges_bakery_read_the_baked_assertion() {
    let repo = site();
    let root = repo.path();
    bake(root, "beta-rtl", "beta-rtl.png", &["--site", "public"]);
    bake(root, "alpha-1", "alpha-1.svg", &["--site", "public"]);
    crate::ob2::validator_ready();
    let dir = crate::ob2::ob2_dir();
    let output = Command::new(dir.join(".venv/bin/python"))
        .arg(dir.join("check_ob2.py"))
        .arg(root.join("public"))
        .arg("https://example.test/badges/")
        .args(["--now", NOW, "--baked"])
        .arg(root.join("beta-rtl.png"))
        .arg("--baked")
        .arg(root.join("alpha-1.svg"))
        .output()
        .expect("python");
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    assert!(text.contains("2 passed, 0 failed"), "{text}");
}

#[test]
fn bake_and_extract_say_what_is_wrong() {
    let repo = site();
    let root = repo.path();
    // The output's extension must match the image.
    let output = rosette(
        root,
        &[
            "bake",
            "public/awards/alpha-1/credential.json",
            "--site",
            "public",
            "--out",
            "x.png",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the image is SVG: name the output file *.svg"),
        "{}",
        stderr(&output)
    );
    let output = rosette(root, &["extract", "badges/beta.png"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no Open Badges 3.0 credential is baked in this image"),
        "{}",
        stderr(&output)
    );
    let output = rosette(root, &["extract", "site/site.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("neither a PNG nor an SVG"),
        "{}",
        stderr(&output)
    );
    let output = rosette(
        root,
        &[
            "bake",
            "site/site.toml",
            "--image",
            "badges/beta.png",
            "--out",
            "x.png",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not JSON"), "{}", stderr(&output));
}
