//! Checks of `site/site.toml` and `site/pages/`.

use super::super::input::SiteFile;
use super::super::load::{Loaded, SITE_FILE};
use super::{Checker, FirstSeen, rules};
use crate::credential::multikey;
use crate::diagnostic::Diagnostic;
use crate::model::{FieldSpans, Issuer, Key, Page, Site, SiteTranslation};

const F: &str = SITE_FILE;

pub(super) fn settings(c: &mut Checker, input: &SiteFile, loaded: &Loaded) -> Option<Site> {
    let base_url = c.check(F, "base_url", &input.base_url, rules::base_url);
    let title = c.text(F, "title", &input.title);
    let language = c.check(F, "language", &input.language, rules::language);
    let theme = match &input.theme {
        None => Some("default".to_string()),
        Some(theme) => c.check(F, "theme", theme, rules::slug).and_then(|()| {
            let name = theme.get_ref();
            if name == "default" || loaded.root.join("themes").join(name).is_dir() {
                Some(name.clone())
            } else {
                c.error(
                    Diagnostic::at(F, theme.span(), format!("unknown theme `{name}`"))
                        .label(format!("no folder `themes/{name}/`"))
                        .help("use `default` (built in) or create the theme folder"),
                );
                None
            }
        }),
    };
    let issuer = issuer(c, input, loaded);
    let keys = keys(c, input);
    let languages = languages(c, input, language.is_some());
    let translations = translations(c, input);
    Some(Site {
        base_url: base_url.map(|()| input.base_url.get_ref().clone())?,
        title: title?,
        language: language.map(|()| input.language.get_ref().clone())?,
        languages: languages?,
        declares_languages: input.languages.is_some(),
        translations: translations?,
        theme: theme?,
        recipients: input
            .recipients
            .as_ref()
            .map(|r| *r.get_ref())
            .unwrap_or_default(),
        issuer: issuer?,
        keys: keys?,
        pages: Vec::new(),
        badges: Vec::new(),
        static_files: Vec::new(),
        root: loaded.root.clone(),
        spans: site_spans(input),
    })
}

/// Where the values of site.toml that go into credentials are written.
fn site_spans(input: &SiteFile) -> FieldSpans {
    let i = &input.issuer;
    let mut spans = FieldSpans::new();
    spans.insert("base_url", input.base_url.span());
    spans.insert("title", input.title.span());
    spans.insert("language", input.language.span());
    spans.insert("issuer.name", i.name.span());
    spans.insert("issuer.url", i.url.span());
    spans.insert("issuer.email", i.email.span());
    for (key, value) in [
        ("issuer.description", &i.description),
        ("issuer.image", &i.image),
    ] {
        if let Some(value) = value {
            spans.insert(key, value.span());
        }
    }
    for (lang, t) in &input.translations {
        let lang_key = format!("translations.{}", lang.get_ref());
        for (field, value) in [("title", &t.title), ("description", &t.description)] {
            if let Some(value) = value {
                spans.insert(format!("{lang_key}.{field}"), value.span());
            }
        }
        spans.insert(lang_key, lang.span());
    }
    if let Some(languages) = &input.languages {
        spans.insert("languages", languages.span());
    }
    spans
}

/// `languages`: valid tags, each once, the default (`language`) first. A
/// site without the field has just its `language`.
fn languages(c: &mut Checker, input: &SiteFile, language_ok: bool) -> Option<Vec<String>> {
    let default = input.language.get_ref();
    let Some(list) = &input.languages else {
        return Some(vec![default.clone()]);
    };
    let items = list.get_ref();
    if !c.list_len(F, "languages", items.iter().map(|l| l.span())) {
        return None;
    }
    let mut ok = true;
    let mut seen = FirstSeen::new();
    for item in items {
        if c.check(F, "languages", item, rules::content_language)
            .is_none()
        {
            ok = false;
        } else if let Some((file, span)) = seen.insert(item.get_ref(), F, item.span()) {
            c.error(
                Diagnostic::at(
                    F,
                    item.span(),
                    format!("`{}` is listed twice", item.get_ref()),
                )
                .label("each language is listed once")
                .related(&file, span, "first listed here"),
            );
            ok = false;
        }
    }
    match items.first() {
        None => {
            c.error(
                Diagnostic::at(F, list.span(), "`languages` is empty")
                    .label(format!("expected the default language `{default}` first"))
                    .help("list every language of the site, or remove `languages`"),
            );
            return None;
        }
        Some(first) if language_ok && first.get_ref() != default => {
            c.error(
                Diagnostic::at(
                    F,
                    first.span(),
                    format!("the first of `languages` is not the default language `{default}`"),
                )
                .label("the first language is the default one")
                .help(format!(
                    "write `languages = [\"{default}\", ...]`, or change `language`"
                )),
            );
            ok = false;
        }
        Some(_) => {}
    }
    ok.then(|| items.iter().map(|l| l.get_ref().clone()).collect())
}

/// `[translations.<lang>]`: the title and the issuer's description. Which
/// languages may be translated is a check of the whole repository
/// (`checks::translations_are_listed`).
fn translations(
    c: &mut Checker,
    input: &SiteFile,
) -> Option<std::collections::BTreeMap<String, SiteTranslation>> {
    let mut ok = c.list_len(
        F,
        "translations",
        input.translations.keys().map(|l| l.span()),
    );
    let mut out = std::collections::BTreeMap::new();
    for (lang, t) in input
        .translations
        .iter()
        .take(if ok { usize::MAX } else { 0 })
    {
        let title = t.title.as_ref().map(|v| c.text(F, "translations.title", v));
        let description = t
            .description
            .as_ref()
            .map(|v| c.long_text(F, "translations.description", v));
        if title.as_ref().is_some_and(Option::is_none)
            || description.as_ref().is_some_and(Option::is_none)
        {
            ok = false;
            continue;
        }
        out.insert(
            lang.get_ref().clone(),
            SiteTranslation {
                title: title.flatten(),
                description: description.flatten(),
            },
        );
    }
    ok.then_some(out)
}

fn issuer(c: &mut Checker, input: &SiteFile, loaded: &Loaded) -> Option<Issuer> {
    let i = &input.issuer;
    let name = c.text(F, "issuer.name", &i.name);
    let url = c.check(F, "issuer.url", &i.url, rules::web_url);
    let email = c.check(F, "issuer.email", &i.email, rules::email);
    let description = c.optional_long_text(F, "issuer.description", &i.description);
    let linkedin_org_id = i
        .linkedin_org_id
        .as_ref()
        .map(|id| c.check(F, "issuer.linkedin_org_id", id, rules::linkedin_org_id));
    let mut image_ok = true;
    if let Some(image) = &i.image {
        let path = image.get_ref();
        let images: Vec<String> = loaded
            .static_files
            .iter()
            .filter(|f| f.ends_with(".png") || f.ends_with(".svg"))
            .map(|f| format!("`static/{f}`"))
            .collect();
        let available = if images.is_empty() {
            "site/static/ holds no PNG or SVG file yet".to_string()
        } else {
            format!("the images in site/static/ are {}", images.join(", "))
        };
        let problem = if !(path.ends_with(".png") || path.ends_with(".svg")) {
            Some((
                "the issuer image must be a PNG or SVG file".to_string(),
                "expected a name ending in `.png` or `.svg`".to_string(),
                available,
            ))
        } else if let Some(rest) = path.strip_prefix("static/") {
            (!loaded.static_files.iter().any(|f| f == rest)).then(|| {
                (
                    format!("no file `site/{path}`"),
                    "this file does not exist".to_string(),
                    available,
                )
            })
        } else {
            Some((
                "the issuer image must be in `site/static/`".to_string(),
                "expected a path starting with `static/`, relative to `site/`".to_string(),
                format!("move the file into site/static/; {available}"),
            ))
        };
        if let Some((message, label, help)) = problem {
            image_ok = false;
            c.error(
                Diagnostic::at(F, image.span(), message)
                    .label(label)
                    .help(help),
            );
        }
    }
    Some(Issuer {
        name: name?,
        url: url?.to_string(),
        email: email.map(|()| i.email.get_ref().clone())?,
        description,
        linkedin_org_id: match linkedin_org_id {
            Some(checked) => Some(checked?),
            None => None,
        },
        image: if image_ok {
            i.image.as_ref().map(|s| s.get_ref().clone())
        } else {
            None?
        },
    })
}

fn keys(c: &mut Checker, input: &SiteFile) -> Option<Vec<Key>> {
    let mut ok = c.list_len(F, "keys", input.keys.iter().map(|k| k.id.span()));
    let mut keys = Vec::new();
    let mut seen = FirstSeen::new();
    let checked = if ok { input.keys.len() } else { 0 };
    for key in input.keys.iter().take(checked) {
        let id = c.check(F, "keys.id", &key.id, rules::key_id);
        if id.is_some()
            && let Some((file, span)) = seen.insert(key.id.get_ref(), F, key.id.span())
        {
            c.error(
                Diagnostic::at(
                    F,
                    key.id.span(),
                    format!("duplicate key id `{}`", key.id.get_ref()),
                )
                .related(&file, span, "first used here"),
            );
            ok = false;
        }
        let public = c.check(F, "keys.public", &key.public, |text| {
            let bytes = multikey::decode_public(text)
                .map_err(|e| format!("a public Multikey `z6Mk…`: {e}"))?;
            ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                .map_err(|_| "a valid Ed25519 public key".to_string())?;
            Ok(bytes)
        });
        let retired = match &key.retired {
            None => Some(None),
            Some(date) => match rules::datetime(date.get_ref()) {
                Ok(at) => Some(Some(at)),
                Err(expected) => {
                    c.error(
                        Diagnostic::at(F, date.span(), "invalid `keys.retired`")
                            .label(format!("expected {expected}")),
                    );
                    None
                }
            },
        };
        match (id, public, retired) {
            (Some(()), Some(public_key), Some(retired)) => keys.push(Key {
                id: key.id.get_ref().clone(),
                public_multikey: key.public.get_ref().trim().to_string(),
                public_key,
                retired,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(keys)
}

/// Extra pages: `site/pages/<slug>.md`; the title is the first `# ` heading.
pub(super) fn pages(c: &mut Checker, pages: &[(String, String)]) -> Vec<Page> {
    let mut out = Vec::new();
    for (file, markdown) in pages {
        let stem = file
            .trim_start_matches("site/pages/")
            .trim_end_matches(".md");
        if let Err(expected) = rules::slug(stem) {
            c.error(
                Diagnostic::in_file(file, "invalid page file name")
                    .label(format!("expected {expected}, then `.md`")),
            );
            continue;
        }
        if let Err(expected) = rules::markdown(markdown) {
            c.error(
                Diagnostic::in_file(file, "invalid page").label(format!("expected {expected}")),
            );
            continue;
        }
        let title = markdown
            .lines()
            .find_map(|line| line.strip_prefix("# "))
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| stem.replace('-', " "));
        out.push(Page {
            slug: stem.to_string(),
            title,
            markdown: markdown.clone(),
        });
    }
    out
}
