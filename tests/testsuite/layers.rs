//! The layers of `src/` (written down in `src/lib.rs` and the README): each
//! top-level module uses only the layers allowed below, and no modules
//! inside a layer import each other in a circle. Read from the `use` lines
//! and paths of the source itself, so a change that breaks a rule fails CI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Layer → the layers it may use. Keep in sync with `src/lib.rs`.
const RULES: &[(&str, &[&str])] = &[
    ("diagnostic", &[]),
    ("model", &[]),
    ("output", &[]),
    ("error", &["diagnostic"]),
    ("layout", &["model"]),
    ("credential", &["model", "layout", "output"]),
    (
        "repo",
        &["diagnostic", "error", "model", "layout", "credential"],
    ),
    ("verify", &["error", "model", "layout", "credential"]),
    ("site", &["diagnostic", "model", "layout", "output"]),
    (
        "build",
        &[
            "diagnostic",
            "error",
            "model",
            "layout",
            "output",
            "credential",
            "repo",
            "verify",
            "site",
        ],
    ),
    // serve builds, into memory, again and again: it sits beside cli.
    (
        "serve",
        &[
            "diagnostic",
            "error",
            "model",
            "layout",
            "output",
            "credential",
            "repo",
            "verify",
            "site",
            "build",
        ],
    ),
    (
        "cli",
        &[
            "diagnostic",
            "error",
            "model",
            "layout",
            "output",
            "credential",
            "repo",
            "verify",
            "site",
            "build",
            "serve",
        ],
    ),
];

/// A reference from one module to another: (from file, to module path).
struct Reference {
    file: String,
    line: usize,
    target: Vec<String>,
}

/// The module path of a source file: `src/credential/issue.rs` →
/// `[credential, issue]`, `src/repo/mod.rs` → `[repo]`.
fn module_of(rel: &str) -> Vec<String> {
    let rel = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every `crate::…` and `super::…` path of the non-test code of a file,
/// resolved to the module it names (groups `{a, b}` give one each).
fn references(rel: &str, text: &str) -> Vec<Reference> {
    let module = module_of(rel);
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break; // test modules may use anything
        }
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(at) = find_path_start(rest) {
            rest = &rest[at..];
            let (mut base, mut tail) = if let Some(t) = rest.strip_prefix("crate::") {
                (Vec::new(), t)
            } else {
                (module.clone(), rest)
            };
            while let Some(t) = tail.strip_prefix("super::") {
                base.pop();
                tail = t;
            }
            let names: Vec<String> = if let Some(group) = tail.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                group[..end]
                    .split(',')
                    .map(|item| ident(item.trim()))
                    .filter(|i| !i.is_empty() && i != "self")
                    .collect()
            } else {
                vec![ident(tail)]
            };
            for name in names.into_iter().filter(|n| !n.is_empty()) {
                let mut target = base.clone();
                target.push(name);
                out.push(Reference {
                    file: rel.to_string(),
                    line: n + 1,
                    target,
                });
            }
            rest = &rest[1..];
        }
    }
    out
}

/// The next `crate::` or `super::` that starts a path (not inside a word).
fn find_path_start(text: &str) -> Option<usize> {
    let mut best: Option<usize> = None;
    for needle in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(needle) {
            let at = from + i;
            let before = text[..at].chars().last();
            let standalone = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
            if standalone {
                best = Some(best.map_or(at, |b: usize| b.min(at)));
                break;
            }
            from = at + needle.len();
        }
    }
    best
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn sources() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walkdir::WalkDir::new(&src)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk src"))
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(&src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).expect("read source"))
        })
        .collect()
}

#[test]
fn every_layer_uses_only_the_layers_below_it() {
    let rules: BTreeMap<&str, &[&str]> = RULES.iter().copied().collect();
    let mut broken = Vec::new();
    let mut layers_seen = BTreeSet::new();
    for (rel, text) in sources() {
        let module = module_of(&rel);
        let layer = module[0].as_str();
        if layer == "lib" || layer == "main" {
            continue; // the crate root declares the layers; main calls cli
        }
        layers_seen.insert(layer.to_string());
        let Some(allowed) = rules.get(layer) else {
            broken.push(format!("src/{rel}: `{layer}` is not a layer of src/lib.rs"));
            continue;
        };
        for reference in references(&rel, &text) {
            let Some(target) = reference.target.first() else {
                broken.push(format!(
                    "src/{}:{}: `super::` leaves the crate",
                    reference.file, reference.line
                ));
                continue;
            };
            if target != layer && !allowed.contains(&target.as_str()) {
                broken.push(format!(
                    "src/{}:{}: `{layer}` uses `{target}`, which it may not",
                    reference.file, reference.line
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layer rules broken:\n{}",
        broken.join("\n")
    );
    let declared: BTreeSet<String> = rules.keys().map(|k| k.to_string()).collect();
    assert_eq!(layers_seen, declared, "every declared layer exists");
}

#[test]
fn modules_inside_a_layer_import_each_other_without_circles() {
    // Edges between the second-level modules of each layer, e.g.
    // credential::issue → credential::ob3.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in sources() {
        let module = module_of(&rel);
        if module.len() < 2 {
            continue;
        }
        let from = module[..2].join("::");
        for reference in references(&rel, &text) {
            let target = &reference.target;
            if target.len() >= 2 && target[0] == module[0] {
                let to = target[..2].join("::");
                if to != from {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut circle = stack[i..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, stack, done) {
                return Some(circle);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        let circle = visit(node, &edges, &mut Vec::new(), &mut done);
        assert!(
            circle.is_none(),
            "import circle: {}",
            circle.unwrap_or_default().join(" → ")
        );
    }
    assert!(
        edges.contains_key("credential::issue"),
        "the scan sees imports inside layers"
    );
}

#[test]
fn the_scan_resolves_groups_and_super_paths() {
    let text = "use super::{contexts, ob2};\nuse crate::layout::{self, Urls};\nuse super::super::limits;\n// crate::site in a comment\nlet x = crate::model::day(t);\n";
    let found: Vec<String> = references("repo/validate/badge.rs", text)
        .into_iter()
        .map(|r| r.target.join("::"))
        .collect();
    assert_eq!(
        found,
        [
            "repo::validate::contexts",
            "repo::validate::ob2",
            "layout",
            "repo::limits",
            "model"
        ]
    );
}
