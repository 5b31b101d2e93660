//! Pathways, completion standards, portfolios and sites in several
//! languages, on the `pathways` fixture: badges `beta` (requires `alpha`,
//! a completion standard), `gamma` (1 of `alpha`, `beta`), `delta`
//! (`gamma` and `beta`); Ada's awards carry the handle `ada`; the site is in
//! English, French and Arabic, partly translated.

use std::process::Command;

use serde_json::Value;

use crate::common::*;

const BASE: &str = "https://example.test/badges/";

fn built() -> tempfile::TempDir {
    let repo = repo(Some(&fixtures().join("pathways")));
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    repo
}

fn page(repo: &tempfile::TempDir, path: &str) -> String {
    std::fs::read_to_string(repo.path().join("public").join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(repo: &tempfile::TempDir, path: &str) -> Value {
    serde_json::from_str(&page(repo, path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The text of `html` between `start` and the next `end` after it.
fn between<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in:\n{html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).map_or(rest.len(), |e| e + end.len())]
}

#[test]
fn every_page_exists_in_every_language_with_hreflang_links() {
    let repo = built();
    for lang in ["", "fr/", "ar/"] {
        for path in [
            "index.html",
            "badges/alpha/index.html",
            "badges/delta/index.html",
            "awards/beta-1/index.html",
            "earners/ada/index.html",
            "pages/about/index.html",
            "verify/index.html",
        ] {
            assert!(
                repo.path().join("public").join(lang).join(path).is_file(),
                "{lang}{path}"
            );
        }
    }
    let fr = page(&repo, "fr/badges/alpha/index.html");
    assert!(fr.contains("<html lang=\"fr\">"), "{fr}");
    for (lang, url) in [
        ("en", "badges/alpha/"),
        ("fr", "fr/badges/alpha/"),
        ("ar", "ar/badges/alpha/"),
        ("x-default", "badges/alpha/"),
    ] {
        let link = format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{BASE}{url}\">");
        assert!(fr.contains(&link), "{link} in\n{fr}");
    }
    assert!(fr.contains(&format!(
        "<link rel=\"canonical\" href=\"{BASE}fr/badges/alpha/\">"
    )));
    // The language switcher: each language by its own name, this one current.
    let switcher = between(
        &fr,
        "<nav class=\"languages\" aria-label=\"Langues\">",
        "</nav>",
    );
    assert!(
        switcher.contains("<a href=\"../../../badges/alpha/\" lang=\"en\" hreflang=\"en\">English</a>")
            && switcher.contains(
                "<a href=\"../../../fr/badges/alpha/\" lang=\"fr\" hreflang=\"fr\" aria-current=\"page\">Français</a>"
            )
            && switcher.contains("<a href=\"../../../ar/badges/alpha/\" lang=\"ar\" hreflang=\"ar\">العربية</a>"),
        "{switcher}"
    );
    // The translation, the theme's own words from the French catalog, and
    // links that stay in French; files are shared by every language.
    for expected in [
        "<title>Alpha (fr) · Badges de la guilde de test</title>",
        "<h1 id=\"title\">Alpha (fr)</h1>",
        "<p class=\"lead\">Le premier badge.</p>",
        "Faire la <strong>première</strong> chose.",
        "alt=\"Un cercle\"",
        ">Accueil</a>",
        "Délivré par <a href=\"https://guild.example/\">",
        "<a href=\"../../../fr/verify/\">Vérifier une attestation</a>",
        "<a href=\"../../../fr/awards/alpha-1/\"><bdi>Ada</bdi></a>",
        "<link rel=\"stylesheet\" href=\"../../../style.css\">",
        // The French UI strings, for the page's scripts.
        "<script src=\"../../../fr/strings.js\" defer></script>",
        "<a href=\"../../../badges/alpha/achievement.json\">",
    ] {
        assert!(fr.contains(expected), "{expected} in\n{fr}");
    }
    assert!(
        !fr.contains("untranslated"),
        "alpha is fully translated into French"
    );
    let sitemap = page(&repo, "sitemap.xml");
    for url in ["", "fr/", "ar/badges/delta/", "fr/verify/"] {
        assert!(
            sitemap.contains(&format!("<loc>{BASE}{url}</loc>")),
            "{url}: {sitemap}"
        );
    }
    assert!(
        !sitemap.contains("earners/") && !sitemap.contains("awards/"),
        "{sitemap}"
    );
}

#[test]
fn arabic_pages_are_right_to_left_and_untranslated_texts_are_marked() {
    let repo = built();
    let ar = page(&repo, "ar/badges/alpha/index.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
    assert!(ar.contains("<h1 id=\"title\">ألفا</h1>"), "{ar}");
    // `ar` translates only the name: the rest is English, said so, and
    // marked with its language for screen readers and browsers.
    assert!(
        ar.contains("<p class=\"lead\" lang=\"en\" dir=\"auto\">The first badge.</p>"),
        "{ar}"
    );
    assert!(
        ar.contains(
            "<div class=\"prose\" lang=\"en\" dir=\"auto\"><p>Do the <strong>first</strong> thing.</p>"
        ),
        "{ar}"
    );
    assert!(
        ar.contains("<li><a href=\"../../../ar/\">الرئيسية</a></li>"),
        "{ar}"
    );
    assert!(
        ar.contains("<p class=\"untranslated muted\">لم يُترجم بعد: معروض باللغة الأصلية.</p>"),
        "{ar}"
    );
    assert!(
        ar.contains("<title>ألفا · شارات نقابة الاختبار</title>"),
        "{ar}"
    );
    // A badge with no translation at all falls back entirely, marked too.
    let fr_beta = page(&repo, "fr/badges/beta/index.html");
    assert!(
        fr_beta.contains("<h1 id=\"title\" lang=\"en\" dir=\"auto\">Beta</h1>")
            && fr_beta.contains("Pas encore traduit"),
        "{fr_beta}"
    );
    // On award pages too, the English text keeps its own direction.
    let ar_award = page(&repo, "ar/awards/alpha-1/index.html");
    assert!(
        ar_award.contains(
            "<p class=\"lead\"><span lang=\"en\" dir=\"auto\">The first badge.</span> <a"
        ),
        "{ar_award}"
    );
    // The default language's pages are left as they are.
    let en = page(&repo, "badges/alpha/index.html");
    assert!(en.contains("<html lang=\"en\">") && !en.contains("dir=\"rtl\""));
    assert!(!en.contains("untranslated") && !en.contains("lang=\"en\">The first"));
}

#[test]
fn dates_are_written_in_the_page_language() {
    let repo = built();
    let fr = page(&repo, "fr/earners/ada/index.html");
    assert!(
        fr.contains("<time datetime=\"2026-01-15\">15 janvier 2026</time>")
            && fr.contains("<time datetime=\"2026-03-01\">1 mars 2026</time>")
            && fr.contains("jusqu’au 15 janvier 2027"),
        "{fr}"
    );
    let ar = page(&repo, "ar/earners/ada/index.html");
    assert!(
        ar.contains("<time datetime=\"2026-01-15\">15 يناير 2026</time>"),
        "{ar}"
    );
    let en = page(&repo, "earners/ada/index.html");
    assert!(
        en.contains("<time datetime=\"2026-01-15\">15 January 2026</time>"),
        "{en}"
    );
}

#[test]
fn check_lists_what_is_untranslated_and_build_says_how_much() {
    let repo = repo(Some(&fixtures().join("pathways")));
    let output = rosette(repo.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let warnings = stderr(&output);
    for expected in [
        "warning: the site is partly untranslated into `ar`: `description`\n  --> site/site.toml:10:15\n",
        "warning: badge `alpha` is partly untranslated into `ar`: `description`, `criteria`, `image_alt`\n  --> badges/alpha.toml:15:21\n",
        "warning: badge `beta` is not translated into `fr`: `name`, `description`, `criteria`, `image_alt`\n  --> badges/beta.toml:2:8\n",
        "warning: badge `gamma` is partly untranslated into `fr`: `description`, `criteria`, `image_alt`\n",
    ] {
        assert!(warnings.contains(expected), "{expected}\nin\n{warnings}");
    }
    // (Besides these, the fixture's plaintext emails are warned about.)
    assert_eq!(
        warnings.matches("translated into `").count(),
        8,
        "{warnings}"
    );
    assert!(!warnings.contains("`alpha` is partly untranslated into `fr`"));
    let output = build(repo.path(), &[]);
    assert!(output.status.success());
    assert!(
        stderr(&output).contains(
            "warning: 8 translations are missing or incomplete (pages show the default language's texts, marked): `rosette check` lists them"
        ),
        "{}",
        stderr(&output)
    );
    // A site of one language has nothing to translate and no language folders.
    let single = crate::common::repo(None);
    let output = rosette(single.path(), &["check"]);
    assert!(
        !stderr(&output).contains("translated") && !stderr(&output).contains("no words for"),
        "{}",
        stderr(&output)
    );
    assert!(build(single.path(), &[]).status.success());
    let home = std::fs::read_to_string(single.path().join("public/index.html")).unwrap();
    assert!(!home.contains("hreflang") && !home.contains("class=\"languages\""));
    assert!(!single.path().join("public/en").exists());
}

#[test]
fn badge_pages_show_the_pathway_tree_with_criteria_and_the_home_page_lists_pathways() {
    let repo = built();
    let delta = page(&repo, "badges/delta/index.html");
    let tree = between(
        &delta,
        "<section aria-labelledby=\"pathway\">",
        "</section>",
    );
    // delta requires gamma and beta; gamma requires 1 of alpha, beta; beta
    // requires alpha. Each badge is expanded once; later mentions refer up.
    let order: Vec<&str> = [
        "Gamma",
        "At least 1 of:",
        "Alpha",
        "Beta",
        "All of:",
        "Alpha</a> (see above)",
        "Beta</a> (see above)",
    ]
    .into_iter()
    .collect();
    let mut at = 0;
    for piece in order {
        let found = tree[at..]
            .find(piece)
            .unwrap_or_else(|| panic!("{piece} after {at} in\n{tree}"));
        at += found + piece.len();
    }
    assert!(
        tree.contains("<p>Do the third thing.</p>"),
        "criteria shown: {tree}"
    );
    assert!(
        tree.contains("<a href=\"../../badges/gamma/\">Gamma</a>"),
        "{tree}"
    );
    assert!(!delta.contains("more: see each badge"), "{delta}");
    let alpha = page(&repo, "badges/alpha/index.html");
    assert!(
        !alpha.contains("aria-labelledby=\"pathway\""),
        "alpha requires nothing"
    );
    let home = page(&repo, "index.html");
    let pathways = between(
        &home,
        "<section aria-labelledby=\"pathways\">",
        "</section>",
    );
    assert!(
        pathways.contains("<li><a href=\"badges/gamma/\">Gamma</a> · At least 1 of: <a href=\"badges/alpha/\">Alpha</a>, <a href=\"badges/beta/\">Beta</a></li>"),
        "{pathways}"
    );
    assert!(
        pathways.contains("<a href=\"badges/delta/\">Delta</a> · All of:"),
        "{pathways}"
    );
    let fr_home = page(&repo, "fr/index.html");
    assert!(
        fr_home
            .contains("<a href=\"../fr/badges/gamma/\">Gamma (fr)</a> · Au moins 1 parmi\u{a0}:"),
        "{fr_home}"
    );
}

#[test]
fn portfolios_list_the_awards_of_a_handle_with_pathway_progress() {
    let repo = built();
    let ada = page(&repo, "earners/ada/index.html");
    assert!(
        ada.contains("<meta name=\"googlebot\" content=\"noindex\">")
            && ada.contains("<meta name=\"bingbot\" content=\"noindex\">")
    );
    assert!(
        ada.contains("<title>Portfolio of Ada Lovelace · Test Guild Badges</title>")
            && ada.contains("<h1 id=\"title\">Portfolio of <bdi>Ada Lovelace</bdi></h1>"),
        "{ada}"
    );
    let awards = between(&ada, "<ul class=\"earner-awards\">", "</ul>");
    // Newest first; only the awards that carry the handle (alpha-2 and
    // alpha-3 have none, whoever their recipients are).
    let beta = awards.find("awards/beta-1/").expect("beta-1 listed");
    let alpha = awards.find("awards/alpha-1/").expect("alpha-1 listed");
    assert!(beta < alpha, "{awards}");
    assert!(
        !awards.contains("alpha-2") && !awards.contains("alpha-3"),
        "{awards}"
    );
    // Expiry is judged by award.js (data-until), which marks an expired
    // award (see the browser test); the build claims no validity.
    assert!(
        awards.contains("<li data-until=\"2027-01-15T00:00:00Z\">")
            && awards.contains("<time datetime=\"2026-01-15\">15 January 2026</time> <span class=\"muted\">until 15 January 2027</span>"),
        "{awards}"
    );
    assert!(!awards.contains("award-state"), "{awards}");
    assert!(ada.contains("<script src=\"../../award.js\" defer></script>"));
    let progress = between(&ada, "<section aria-labelledby=\"progress\">", "</section>");
    for expected in [
        "<a href=\"../../badges/beta/\">Beta</a>:\nEarned",
        "<a href=\"../../badges/delta/\">Delta</a>:\n1 of 2 required badges earned",
        "<li><a href=\"../../badges/gamma/\">Gamma</a> — Not yet</li>",
        "<a href=\"../../badges/gamma/\">Gamma</a>:\n1 of 1 required badges earned",
    ] {
        assert!(progress.contains(expected), "{expected} in\n{progress}");
    }
    assert!(!repo.path().join("public/earners/alice").exists());
    let award = page(&repo, "awards/beta-1/index.html");
    assert!(
        award.contains("<a href=\"../../earners/ada/\">All badges of this learner</a>"),
        "{award}"
    );
    let other = page(&repo, "awards/alpha-2/index.html");
    assert!(!other.contains("earners/"), "no handle, no portfolio link");
}

#[test]
fn portfolios_mark_revoked_awards_and_expired_ones_in_the_browser() {
    let repo = repo(Some(&fixtures().join("pathways")));
    let file = repo.path().join("badges/gamma.toml");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(
        "\n[[award]]\nid = \"gamma-1\"\nrecipient = { email = \"ada@example.org\", handle = \"ada\" }\nissued = 2026-04-01\nrevoked = { on = 2026-04-02, reason = \"Issued in error\" }\n",
    );
    std::fs::write(&file, text).unwrap();
    assert!(build(repo.path(), &[]).status.success());
    let ada = std::fs::read_to_string(repo.path().join("public/earners/ada/index.html")).unwrap();
    let item = between(&ada, "<li class=\"revoked\">", "</li>");
    assert!(
        item.contains("awards/gamma-1/")
            && item.contains("<strong class=\"award-state\">Revoked</strong>"),
        "{item}"
    );
    // A revoked award holds nothing: gamma's pathway still counts alpha
    // and beta, and gamma is not earned.
    assert!(
        ada.contains("<a href=\"../../badges/gamma/\">Gamma</a>:\n1 of 1"),
        "{ada}"
    );
    // A revoked award is never judged for expiry by the page's script (it
    // has no data-until); a valid one with an expiry is, with the state
    // award.js replaces. The browser test (interop/browser/check.mjs) runs
    // the script on a portfolio at a fixed clock.
    assert!(!item.contains("data-until"), "{item}");
    let alpha = between(&ada, "<li data-until=\"2027-01-15T00:00:00Z\">", "</li>");
    assert!(alpha.contains("until 15 January 2027"), "{alpha}");
    // The words the script writes come from the catalog of the page's
    // language.
    let fr = std::fs::read_to_string(repo.path().join("public/fr/earners/ada/index.html")).unwrap();
    assert!(
        fr.contains("<script src=\"../../../fr/strings.js\" defer></script>")
            && fr.contains("jusqu’au 15 janvier 2027"),
        "{fr}"
    );
    let script = std::fs::read_to_string(repo.path().join("public/fr/strings.js")).unwrap();
    assert!(script.contains("\"earner_expired\":\""), "{script}");
}

#[test]
fn award_pages_show_the_completion_standard_as_a_checklist() {
    let repo = built();
    let award = page(&repo, "awards/beta-1/index.html");
    let list = between(
        &award,
        "<section aria-labelledby=\"completion\">",
        "</section>",
    );
    assert!(
        list.contains("<li class=\"met\">The learner’s reflection</li>")
            && list.contains(
                "<li class=\"met\">Practical application: <a href=\"https://work.example/app\" rel=\"noopener\">shown by Evidence 1</a></li>"
            ),
        "{list}"
    );
    let badge = page(&repo, "badges/beta/index.html");
    let standard = between(
        &badge,
        "<section aria-labelledby=\"completion\">",
        "</section>",
    );
    assert!(
        standard.contains("<li>A reflection by the learner</li>")
            && standard.contains("<li>Practical application</li>"),
        "{standard}"
    );
    let fr = page(&repo, "fr/awards/beta-1/index.html");
    assert!(
        fr.contains("Exigences d’attribution") && fr.contains("démontré par Preuve 1"),
        "{fr}"
    );
    // The credential carries the reflection and the evidence.
    let credential = json(&repo, "awards/beta-1/credential.json");
    assert_eq!(
        credential["credentialSubject"]["narrative"],
        "I learnt to *reflect*."
    );
    assert_eq!(credential["evidence"][0]["name"], "Practical application");
    assert_eq!(credential["evidence"][0]["id"], "https://work.example/app");
}

#[test]
fn prerequisites_and_languages_use_only_terms_the_contexts_define() {
    let repo = built();
    let credential = json(&repo, "awards/beta-1/credential.json");
    let achievement = &credential["credentialSubject"]["achievement"];
    assert_eq!(achievement["inLanguage"], "en");
    assert_eq!(
        achievement["alignment"],
        serde_json::json!([{
            "type": ["Alignment"],
            "targetName": "Alpha",
            "targetUrl": format!("{BASE}badges/alpha/achievement.json"),
            "targetDescription": "Prerequisite: earn this badge first.",
            "targetCode": "alpha",
            "targetType": "ceterms:Credential"
        }])
    );
    let gamma = json(&repo, "badges/gamma/achievement.json");
    let choices: Vec<&str> = gamma["alignment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["targetCode"].as_str().unwrap())
        .collect();
    assert_eq!(choices, ["alpha", "beta"]);
    assert!(
        gamma["alignment"][0]["targetDescription"]
            .as_str()
            .unwrap()
            .contains("at least 1 of the 2 badges")
    );
    // One `related` entry per translation, with its inLanguage, both ways.
    let alpha = &json(&repo, "awards/alpha-1/credential.json")["credentialSubject"]["achievement"];
    let related: Vec<(String, String)> = alpha["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            Some((
                r["inLanguage"].as_str()?.to_string(),
                r["id"].as_str()?.to_string(),
            ))
        })
        .collect();
    assert_eq!(
        related,
        [
            (
                "fr".to_string(),
                format!("{BASE}fr/badges/alpha/achievement.json")
            ),
            (
                "ar".to_string(),
                format!("{BASE}ar/badges/alpha/achievement.json")
            ),
        ]
    );
    let fr = json(&repo, "fr/badges/alpha/achievement.json");
    assert_eq!(fr["id"], format!("{BASE}fr/badges/alpha/achievement.json"));
    assert_eq!(fr["inLanguage"], "fr");
    assert_eq!(fr["name"], "Alpha (fr)");
    assert_eq!(fr["criteria"]["id"], format!("{BASE}fr/badges/alpha/"));
    assert!(
        fr["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["inLanguage"] == "en"
                && r["id"] == format!("{BASE}badges/alpha/achievement.json"))
    );
    // Published only for the languages a badge is translated into.
    assert!(
        repo.path()
            .join("public/fr/badges/gamma/achievement.json")
            .is_file()
    );
    assert!(
        !repo
            .path()
            .join("public/fr/badges/beta/achievement.json")
            .exists()
    );
    // PyLD in safe mode accepts every achievement (undefined terms fail).
    crate::pyld::pyld_ready();
    let python = crate::pyld::pyld_dir().join(".venv/bin/python");
    for file in [
        "badges/alpha/achievement.json",
        "fr/badges/alpha/achievement.json",
        "ar/badges/alpha/achievement.json",
        "badges/delta/achievement.json",
    ] {
        let output = Command::new(&python)
            .arg(crate::pyld::pyld_dir().join("verify.py"))
            .args(["--canon"])
            .arg(repo.path().join("public").join(file))
            .output()
            .unwrap();
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        assert!(
            stdout(&output).contains("<https://schema.org/inLanguage>") || file.contains("delta")
        );
    }
}

#[test]
fn credentials_with_every_new_field_verify_in_independent_verifiers() {
    let repo = built();
    let public = repo.path().join("public");
    let js = crate::interop::verify_site(&public, BASE, &["--expect-revoked", "alpha-3"]);
    assert!(js.status.success(), "{}{}", stdout(&js), stderr(&js));
    assert!(
        stdout(&js).contains("4 passed, 0 failed"),
        "{}",
        stdout(&js)
    );
    let py = crate::pyld::pyld_verify(&public, BASE, &["--expect-revoked", "alpha-3"]);
    assert!(py.status.success(), "{}{}", stdout(&py), stderr(&py));
    assert!(
        stdout(&py).ends_with("4 passed, 0 failed\n"),
        "{}",
        stdout(&py)
    );
    let ours = rosette(
        repo.path(),
        &["verify", "public", "--at", "2026-06-01T00:00:00Z"],
    );
    assert!(ours.status.success(), "{}", stdout(&ours));
    let ob2 = crate::ob2::check_ob2(&public, BASE, &["--expect-revoked", "alpha-3"]);
    assert!(ob2.status.success(), "{}{}", stdout(&ob2), stderr(&ob2));
    let class = json(&repo, "badges/beta/badgeclass.json");
    assert_eq!(
        class["alignment"][0]["targetUrl"],
        format!("{BASE}badges/alpha/badgeclass.json")
    );
    assert!(
        class["alignment"][0].get("targetType").is_none(),
        "OB 2.0 has no targetType"
    );
}

/// The page states the expiry instant; award.js says how many days are
/// left in the last 30 (judged in the browser: the build never reads the
/// clock), with words from the page language's `strings.js`. The browser
/// test (interop/browser/check.mjs) runs it at a fixed clock.
#[test]
fn award_pages_say_how_many_days_are_left_in_the_last_thirty() {
    let repo = built();
    for (dir, strings, words) in [
        (
            "",
            "strings.js",
            "\"expires_in_other\":\"expires in {n} days\"",
        ),
        (
            "fr/",
            "fr/strings.js",
            "\"expires_in_other\":\"expire dans {n} jours\"",
        ),
        (
            "ar/",
            "ar/strings.js",
            "\"expires_in_one\":\"تنتهي صلاحيتها خلال يوم واحد\"",
        ),
    ] {
        let award = page(&repo, &format!("{dir}awards/alpha-2/index.html"));
        // alpha-2 expires 2026-12-31T00:00:00Z.
        assert!(
            award.contains("<article class=\"award\" id=\"award\" aria-labelledby=\"title\" data-until=\"2026-12-31T00:00:00Z\""),
            "{award}"
        );
        assert!(award.contains("id=\"status\""), "{award}");
        let script = page(&repo, strings);
        assert!(script.contains(words), "{script}");
    }
    let script = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/award.js"),
    )
    .unwrap();
    assert!(
        script.contains("days > 0 && days <= 30") && script.contains("Math.ceil("),
        "award.js judges the last 30 days, rounded up"
    );
}

/// The tree is bounded: a long chain shows three levels and says so.
#[test]
fn long_pathways_are_cut_on_the_page_not_in_the_check() {
    let repo = repo(None);
    let badges = repo.path().join("badges");
    for i in 0..40 {
        let requires = if i == 0 {
            String::new()
        } else {
            format!("requires = [\"chain-{}\"]\n", i - 1)
        };
        std::fs::write(
            badges.join(format!("chain-{i}.toml")),
            format!(
                "[badge]\nname = \"Chain {i}\"\ndescription = \"d\"\ncriteria = \"Step {i}.\"\nimage_alt = \"x\"\n{requires}"
            ),
        )
        .unwrap();
        std::fs::copy(
            badges.join("alpha.svg"),
            badges.join(format!("chain-{i}.svg")),
        )
        .unwrap();
    }
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let top =
        std::fs::read_to_string(repo.path().join("public/badges/chain-39/index.html")).unwrap();
    assert!(top.contains("Chain 38") && top.contains("Chain 36") && !top.contains("Chain 35"));
    assert!(top.contains("and more: see each badge’s page"), "{top}");
}

/// A theme adds a language and overrides words of a built-in one; a word
/// no catalog has, or a broken catalog, is reported where it is.
#[test]
fn a_theme_adds_or_overrides_a_language() {
    let repo = repo(Some(&fixtures().join("pathways")));
    let site = repo.path().join("site/site.toml");
    let text = std::fs::read_to_string(&site)
        .unwrap()
        .replace("theme = \"default\"\n", "")
        .replace(
            "languages = [\"en\", \"fr\", \"ar\"]",
            "theme = \"mine\"\nlanguages = [\"en\", \"fr\", \"nl\"]",
        )
        .replace("[translations.ar]", "[translations.nl]");
    std::fs::write(&site, text).unwrap();
    let alpha = repo.path().join("badges/alpha.toml");
    let text = std::fs::read_to_string(&alpha)
        .unwrap()
        .replace("[badge.translations.ar]", "[badge.translations.nl]");
    std::fs::write(&alpha, text).unwrap();
    let strings = repo.path().join("themes/mine/strings");
    std::fs::create_dir_all(&strings).unwrap();
    std::fs::write(
        strings.join("nl.toml"),
        "language_name = \"Nederlands\"\ndate = \"{day} {month} {year}\"\nmonths = [\"januari\", \"februari\", \"maart\", \"april\", \"mei\", \"juni\", \"juli\", \"augustus\", \"september\", \"oktober\", \"november\", \"december\"]\nhome = \"Start\"\nfooter_issued_by = \"Uitgegeven door\"\n",
    )
    .unwrap();
    std::fs::write(strings.join("fr.toml"), "home = \"Page d’accueil\"\n").unwrap();
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let nl = std::fs::read_to_string(repo.path().join("public/nl/earners/ada/index.html")).unwrap();
    assert!(
        nl.contains(">Start</a>")
            && nl.contains("Uitgegeven door")
            && nl.contains("15 januari 2026")
            // words the theme's nl.toml lacks come from English
            && nl.contains("Badges earned"),
        "{nl}"
    );
    assert!(
        nl.contains("<a href=\"../../../nl/earners/ada/\" lang=\"nl\" hreflang=\"nl\" aria-current=\"page\">Nederlands</a>"),
        "{nl}"
    );
    let fr = std::fs::read_to_string(repo.path().join("public/fr/index.html")).unwrap();
    assert!(
        fr.contains(">Page d’accueil</a>") && fr.contains("Délivré par"),
        "{fr}"
    );
    // A template asking for a word no catalog has.
    let templates = repo.path().join("themes/mine/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("404.html"), "{{ t.nowhere }}\n").unwrap();
    let output = rosette(repo.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("template error")
            && stderr(&output).contains("themes/mine/templates/404.html"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_file(templates.join("404.html")).unwrap();
    // A broken catalog, at its line.
    std::fs::write(
        strings.join("nl.toml"),
        "language_name = \"Nederlands\"\nhome = \n",
    )
    .unwrap();
    let output = rosette(repo.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--> themes/mine/strings/nl.toml:2:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn award_warns_when_the_recipient_lacks_the_pathway_but_still_awards() {
    let repo = repo(Some(&fixtures().join("pathways")));
    let path = repo.path();
    // Ada holds alpha and beta (a plaintext email, in another case), not gamma.
    let output = rosette(
        path,
        &["award", "--badge", "delta", "--email", "ada@example.org"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let warned = stderr(&output);
    assert!(
        warned.contains(
            "warning: badge `delta` requires `gamma`, which this recipient does not hold yet"
        ),
        "{warned}"
    );
    assert!(!warned.contains("`beta`"), "Ada holds beta: {warned}");

    // Someone new, for a choice of badges.
    let output = rosette(
        path,
        &["award", "--badge", "gamma", "--email", "new@example.org"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("badge `gamma` requires 1 more of `alpha`, `beta` for this recipient"),
        "{}",
        stderr(&output)
    );

    // Ada holds one of them: no warning, and the awards were written.
    let output = rosette(
        path,
        &["award", "--badge", "gamma", "--email", "ADA@example.org"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("requires"), "{}", stderr(&output));
    let gamma = std::fs::read_to_string(path.join("badges/gamma.toml")).unwrap();
    assert_eq!(gamma.matches("[[award]]").count(), 2, "{gamma}");
}
