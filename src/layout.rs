//! The output layout: every path of a built site, relative to its root, and
//! every absolute URL made from them. This is the permanent-URL contract of
//! design.md §4 in one place: pages, credentials, the lock, `verify` and the
//! templates (through the views) all ask this module, so a path is spelled
//! out once.
//!
//! Paths are `/`-separated and made only of validated slugs and ids.

/// The issuer home page.
pub const HOME: &str = "index.html";
/// The OB 2.0 issuer profile.
pub const ISSUER_PROFILE: &str = "issuer.json";
/// The verification page's folder and file.
pub const VERIFY_DIR: &str = "verify/";
pub const VERIFY_PAGE: &str = "verify/index.html";
/// Served by static hosts for every missing path, at any depth.
pub const NOT_FOUND: &str = "404.html";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
/// Tells GitHub Pages not to run Jekyll, which drops dot-folders
/// (`.well-known/`). Its presence also marks a folder as Rosette's output.
pub const NOJEKYLL: &str = ".nojekyll";
/// Where the files of `site/static/` go.
pub const STATIC_DIR: &str = "static/";
/// The default theme's icon (a site's `static/favicon.*` replaces it).
pub const FAVICON: &str = "favicon.svg";
/// The UI strings of the site's language, for the theme's scripts.
pub const STRINGS_SCRIPT: &str = "strings.js";
/// Where the verification page's scripts find the JSON-LD context
/// documents (served by the site, never fetched from elsewhere).
pub const CONTEXTS_DIR: &str = "verify/contexts/";
/// The folder of all award folders, and the credential file inside each.
pub const AWARDS_DIR: &str = "awards/";
pub const CREDENTIAL_FILE: &str = "credential.json";

/// `did.json` for a site served from a sub-folder (`https://host/path/` is
/// `did:web:host:path`), `.well-known/did.json` for a host root.
pub fn did_document(base_url: &str) -> &'static str {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    if path == "/" {
        ".well-known/did.json"
    } else {
        "did.json"
    }
}

// Paths are joined with `concat` (one exact allocation), not `format!`:
// the award paths are made for every award of every build.
pub fn badge_dir(slug: &str) -> String {
    ["badges/", slug, "/"].concat()
}

pub fn badge_page(slug: &str) -> String {
    ["badges/", slug, "/index.html"].concat()
}

pub fn achievement(slug: &str) -> String {
    ["badges/", slug, "/achievement.json"].concat()
}

pub fn badge_class(slug: &str) -> String {
    ["badges/", slug, "/badgeclass.json"].concat()
}

/// The badge image; `extension` is `png` or `svg`.
pub fn badge_image(slug: &str, extension: &str) -> String {
    ["badges/", slug, "/image.", extension].concat()
}

/// The badge's 1200×630 social preview (Open Graph / Twitter card image).
pub fn badge_preview(slug: &str) -> String {
    ["badges/", slug, "/preview.png"].concat()
}

pub fn award_dir(id: &str) -> String {
    [AWARDS_DIR, id, "/"].concat()
}

pub fn award_page(id: &str) -> String {
    [AWARDS_DIR, id, "/index.html"].concat()
}

pub fn credential(id: &str) -> String {
    [AWARDS_DIR, id, "/", CREDENTIAL_FILE].concat()
}

pub fn assertion(id: &str) -> String {
    [AWARDS_DIR, id, "/assertion.json"].concat()
}

/// Revocation status list number `list` (1-based).
pub fn status_list(list: usize) -> String {
    if list == 1 {
        "status/revocation.json".to_string()
    } else {
        format!("status/revocation-{list}.json")
    }
}

pub fn page_dir(slug: &str) -> String {
    ["pages/", slug, "/"].concat()
}

pub fn page(slug: &str) -> String {
    ["pages/", slug, "/index.html"].concat()
}

/// The folder of all portfolios.
pub const EARNERS_DIR: &str = "earners/";

/// A learner's portfolio: the awards that carry their handle.
pub fn earner_dir(handle: &str) -> String {
    [EARNERS_DIR, handle, "/"].concat()
}

pub fn earner_page(handle: &str) -> String {
    [EARNERS_DIR, handle, "/index.html"].concat()
}

/// Where the pages of a language live: `""` for the site's default
/// language, `<lang>/` for each further one. A language tag is a validated
/// BCP 47 tag (`fr`, `pt-BR`): never the name of another top-level folder.
pub fn language_dir(lang: &str, default: &str) -> String {
    if lang == default {
        String::new()
    } else {
        format!("{lang}/")
    }
}

/// `path` (a page or folder of the default language) in `lang`.
pub fn in_language(lang: &str, default: &str, path: &str) -> String {
    format!("{}{path}", language_dir(lang, default))
}

/// The achievement of a badge in a further language (its translation,
/// linked from the default achievement with `related`).
pub fn translated_achievement(lang: &str, slug: &str) -> String {
    format!("{lang}/{}", achievement(slug))
}

/// A file of `site/static/` (`rel` relative to it).
pub fn static_file(rel: &str) -> String {
    [STATIC_DIR, rel].concat()
}

/// The page file of a folder path (`badges/x/` → `badges/x/index.html`).
pub fn index_of(dir: &str) -> String {
    [dir, "index.html"].concat()
}

/// How a page at `path` links back to the site root: `""`, `"../"`, ….
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Absolute URLs: the base URL (ending with `/`) joined with a path above.
#[derive(Debug, Clone, Copy)]
pub struct Urls<'a> {
    base: &'a str,
}

impl<'a> Urls<'a> {
    pub fn new(base_url: &'a str) -> Self {
        Urls { base: base_url }
    }

    pub fn base(&self) -> &'a str {
        self.base
    }

    /// `base` + `path`.
    pub fn of(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn credential(&self, award: &str) -> String {
        self.of(&credential(award))
    }

    pub fn assertion(&self, award: &str) -> String {
        self.of(&assertion(award))
    }

    pub fn award_page(&self, award: &str) -> String {
        self.of(&award_dir(award))
    }

    pub fn achievement(&self, badge: &str) -> String {
        self.of(&achievement(badge))
    }

    /// The achievement of `badge` in `lang` (the default language's is
    /// [`Urls::achievement`]).
    pub fn achievement_in(&self, lang: &str, default: &str, badge: &str) -> String {
        if lang == default {
            self.achievement(badge)
        } else {
            self.of(&translated_achievement(lang, badge))
        }
    }

    pub fn badge_page(&self, badge: &str) -> String {
        self.of(&badge_dir(badge))
    }

    pub fn badge_class(&self, badge: &str) -> String {
        self.of(&badge_class(badge))
    }

    pub fn badge_preview(&self, badge: &str) -> String {
        self.of(&badge_preview(badge))
    }

    pub fn badge_image(&self, badge: &str, extension: &str) -> String {
        self.of(&badge_image(badge, extension))
    }

    pub fn issuer_profile(&self) -> String {
        self.of(ISSUER_PROFILE)
    }

    pub fn status_list(&self, list: usize) -> String {
        self.of(&status_list(list))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_documents_sit_at_the_root_or_in_well_known() {
        assert_eq!(did_document("https://example.org/"), ".well-known/did.json");
        assert_eq!(
            did_document("https://example.org:8443/"),
            ".well-known/did.json"
        );
        assert_eq!(
            did_document("https://example.github.io/badges/"),
            "did.json"
        );
        assert_eq!(did_document("http://localhost:8000/a/b/"), "did.json");
    }

    #[test]
    fn pages_link_back_to_the_root() {
        assert_eq!(root_of(HOME), "");
        assert_eq!(root_of(&award_page("a-1")), "../../");
        assert_eq!(root_of(VERIFY_PAGE), "../");
        assert_eq!(status_list(1), "status/revocation.json");
        assert_eq!(status_list(3), "status/revocation-3.json");
        let urls = Urls::new("https://example.org/b/");
        assert_eq!(
            urls.credential("x"),
            "https://example.org/b/awards/x/credential.json"
        );
        assert_eq!(urls.badge_page("s"), "https://example.org/b/badges/s/");
        assert_eq!(
            urls.achievement_in("fr", "en", "s"),
            "https://example.org/b/fr/badges/s/achievement.json"
        );
        assert_eq!(urls.achievement_in("en", "en", "s"), urls.achievement("s"));
        assert_eq!(
            in_language("pt-BR", "en", &badge_dir("s")),
            "pt-BR/badges/s/"
        );
        assert_eq!(in_language("en", "en", HOME), HOME);
        assert_eq!(
            root_of(&in_language("fr", "en", &earner_page("ada"))),
            "../../../"
        );
    }
}
