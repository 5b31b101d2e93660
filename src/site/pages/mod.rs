//! The pages of a site, one file per kind. [`Pages`] holds what every page
//! shares (compiled templates, the site's view, the UI strings, the badges'
//! rendered criteria, in each language, and their social previews); the
//! build asks it for award pages one by one (they are most of a site and
//! are written as they are made) and for the rest at once.
//!
//! A site of several languages has every page in each: the default
//! language's at the root, each further language's under `<lang>/`
//! ([`layout::language_dir`]), linked to each other with `hreflang` and a
//! language switcher. The machine-readable files (credentials, achievements)
//! are not repeated: every page links to the same ones.

mod award;
mod badge;
mod earner;
mod extra;
mod home;
mod not_found;
mod pathway;
mod verify;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use super::preview;
use super::render::{RenderError, Renderer, put};
use super::strings::Strings;
use super::theme::Theme;
use super::view::{
    Alternate, BadgeView, Body, Frame, ImageMeta, LanguageLink, PageMeta, Prepared, Signing,
    SiteView, badge_view, site_view,
};
use crate::layout;
use crate::model::{Award, Badge, Site, Slot};
use crate::output::{Digest, Sink};

/// Pages the sink may keep from the previous build: the fingerprint of
/// everything each one is made from, computed by the caller (badge pages,
/// by slug; pages not listed are always made). `check`: make kept pages
/// anyway and let the sink compare them (tests of the fingerprints).
#[derive(Debug, Default)]
pub struct PageReuse<'a> {
    pub badges: std::collections::HashMap<&'a str, Digest>,
    pub check: bool,
}

/// Everything needed to render a site's pages.
pub struct Pages<'a> {
    site: &'a Site,
    theme: &'a Theme,
    renderer: Renderer,
    /// One per language of the site, the default first.
    langs: Vec<Lang<'a>>,
    /// Badge slug → its social preview PNG, for images that render.
    previews: BTreeMap<&'a str, Vec<u8>>,
    signing: Option<&'a Signing>,
    slots: &'a BTreeMap<String, Slot>,
    /// Handle → the awards that carry it, oldest first.
    earners: BTreeMap<&'a str, Vec<(&'a Badge, &'a Award)>>,
    /// Badge slug → the badges that require it (a portfolio finds the
    /// pathways of a learner's awards without looking at every badge).
    required_by: BTreeMap<&'a str, Vec<&'a Badge>>,
}

/// What the pages of one language share.
struct Lang<'a> {
    code: &'a str,
    /// `""` for the default language, `<lang>/` for the others.
    prefix: String,
    view: SiteView,
    strings: Strings,
    /// `strings` as templates see it (`t`).
    t: serde_json::Value,
    /// `view` and `t` as templates see them, on a site of several
    /// languages (one language has them as globals).
    shared: Option<(Prepared, Prepared)>,
    /// Badge slug → its view in this language (criteria rendered once).
    badges: BTreeMap<&'a str, BadgeView>,
    /// The same views as templates see them, for award pages.
    prepared: BTreeMap<&'a str, Prepared>,
}

impl<'a> Pages<'a> {
    /// Compiles the theme's templates, reads its strings in each language
    /// and renders the badges' social previews (kept in `preview_cache`
    /// between builds, when given: [`preview::render_cached`]); `signing`
    /// is `None` for a site built without keys.
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        signing: Option<&'a Signing>,
        slots: &'a BTreeMap<String, Slot>,
        preview_cache: Option<&Path>,
    ) -> Result<Self, RenderError> {
        let mut langs = Vec::with_capacity(site.languages.len());
        for code in &site.languages {
            let strings =
                Strings::for_language(code, &theme.strings).map_err(RenderError::Template)?;
            let badges: BTreeMap<&str, BadgeView> = site
                .badges
                .iter()
                .map(|b| (b.slug.as_str(), badge_view(site, b, code, &strings)))
                .collect();
            let view = site_view(site, code);
            let t = strings.as_value();
            langs.push(Lang {
                code,
                prefix: layout::language_dir(code, &site.language),
                shared: (site.languages.len() > 1).then(|| (Prepared::of(&view), Prepared::of(&t))),
                view,
                t,
                prepared: badges
                    .iter()
                    .map(|(&slug, view)| (slug, Prepared::of(view)))
                    .collect(),
                badges,
                strings,
            });
        }
        let previews = site
            .badges
            .par_iter()
            .filter_map(|b| {
                let bytes = std::fs::read(&b.image.source).ok()?;
                let png = preview::render_cached(&bytes, b.image.extension, preview_cache).ok()?;
                Some((b.slug.as_str(), png))
            })
            .collect();
        let mut renderer = Renderer::new(theme)?;
        if let [only] = langs.as_slice() {
            renderer.globals(&only.view, &only.t);
        }
        let mut earners: BTreeMap<&str, Vec<(&Badge, &Award)>> = BTreeMap::new();
        for (badge, award) in site.awards() {
            if let Some(handle) = award.recipient.handle.as_deref() {
                earners.entry(handle).or_default().push((badge, award));
            }
        }
        for awards in earners.values_mut() {
            awards.sort_by(|a, b| (a.1.issued, &a.1.id).cmp(&(b.1.issued, &b.1.id)));
        }
        let mut required_by: BTreeMap<&str, Vec<&Badge>> = BTreeMap::new();
        for badge in &site.badges {
            for slug in badge.required_slugs() {
                required_by.entry(slug).or_default().push(badge);
            }
        }
        Ok(Pages {
            site,
            theme,
            renderer,
            langs,
            previews,
            signing,
            slots,
            earners,
            required_by,
        })
    }

    /// The page of one award, in the default language.
    pub fn award(&self, badge: &Badge, award: &Award) -> Result<Vec<u8>, RenderError> {
        award::render(self, &self.langs[0], badge, award)
    }

    /// The award pages of each further language an award has, besides
    /// [`Pages::award`]: their paths (empty for a site of one language).
    pub fn award_translation_paths(&self, id: &str) -> Vec<String> {
        self.langs[1..]
            .iter()
            .map(|lang| format!("{}{}", lang.prefix, layout::award_page(id)))
            .collect()
    }

    /// The page of one award in each further language: (path, bytes), in
    /// the order of [`Pages::award_translation_paths`]. Empty for a site of
    /// one language.
    pub fn award_translations(
        &self,
        badge: &Badge,
        award: &Award,
    ) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
        self.langs[1..]
            .iter()
            .map(|lang| {
                let path = format!("{}{}", lang.prefix, layout::award_page(&award.id));
                award::render(self, lang, badge, award).map(|page| (path, page))
            })
            .collect()
    }

    /// Every page and file except the award pages: in each language the
    /// home, badge pages, portfolios, extra pages, verification page and
    /// `strings.js`; then the badges' social previews, 404, the theme's and
    /// the site's static files, badge images, `.nojekyll`, `robots.txt`,
    /// `sitemap.xml`.
    pub fn write_rest(&self, sink: &dyn Sink, reuse: &PageReuse<'_>) -> Result<(), RenderError> {
        // Few pages, but large ones (a badge page lists every award of the
        // badge): made in parallel, the first failure in page order reported.
        type Make<'m> = Box<dyn Fn() -> Result<Vec<u8>, RenderError> + Send + Sync + 'm>;
        let mut jobs: Vec<(String, Option<&Digest>, Make<'_>)> = Vec::new();
        for lang in &self.langs {
            let at = |path: &str| format!("{}{path}", lang.prefix);
            jobs.push((
                at(layout::HOME),
                None,
                Box::new(move || home::render(self, lang)),
            ));
            for badge in &self.site.badges {
                jobs.push((
                    at(&layout::badge_page(&badge.slug)),
                    reuse.badges.get(badge.slug.as_str()),
                    Box::new(move || badge::render(self, lang, badge)),
                ));
            }
            for (handle, awards) in &self.earners {
                jobs.push((
                    at(&layout::earner_page(handle)),
                    None,
                    Box::new(move || earner::render(self, lang, handle, awards)),
                ));
            }
            for page in &self.site.pages {
                jobs.push((
                    at(&layout::page(&page.slug)),
                    None,
                    Box::new(move || extra::render(self, lang, page)),
                ));
            }
            jobs.push((
                at(layout::VERIFY_PAGE),
                None,
                Box::new(move || verify::render(self, lang)),
            ));
            jobs.push((
                at(layout::STRINGS_SCRIPT),
                None,
                Box::new(move || Ok(lang.strings.script())),
            ));
        }
        let made: Vec<Result<(), RenderError>> = jobs
            .into_par_iter()
            .map(|(path, print, make)| {
                let Some(print) = print else {
                    return put(sink, &path, &make()?);
                };
                let write = |error| RenderError::Write {
                    path: path.clone(),
                    error,
                };
                // A page is a unit of its own, named apart from awards
                // (their ids hold no space).
                if !sink
                    .reuse(&format!("page {path}"), print, &[&path])
                    .map_err(write)?
                {
                    put(sink, &path, &make()?)
                } else if reuse.check {
                    sink.check_kept(&path, &make()?).map_err(write)
                } else {
                    Ok(())
                }
            })
            .collect();
        made.into_iter().collect::<Result<(), RenderError>>()?;
        for badge in &self.site.badges {
            if let Some(png) = self.previews.get(badge.slug.as_str()) {
                put(sink, &layout::badge_preview(&badge.slug), png)?;
            }
        }
        put(sink, layout::NOT_FOUND, &not_found::render(self)?)?;
        super::files::write(self.site, self.theme, &self.renderer, sink)
    }

    /// Metadata of the page at `dir` (a folder path of the default
    /// language, or a file for 404) in `lang`.
    fn meta(&self, lang: &Lang<'_>, dir: &str, title: String, description: &str) -> PageMeta {
        let urls = layout::Urls::new(&self.site.base_url);
        let several = self.langs.len() > 1;
        PageMeta {
            url: urls.of(&format!("{}{dir}", lang.prefix)),
            title,
            description: description.to_string(),
            image: self.site.issuer.image.as_ref().map(|image| ImageMeta {
                url: urls.of(image),
                width: None,
                height: None,
                alt: lang
                    .strings
                    .fill("logo_alt", &[("issuer", &self.site.issuer.name)]),
            }),
            noindex: false,
            alternates: if several {
                self.langs
                    .iter()
                    .map(|l| Alternate {
                        lang: l.code.to_string(),
                        url: urls.of(&format!("{}{dir}", l.prefix)),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            default_url: several.then(|| urls.of(dir)),
        }
    }

    /// The Open Graph image of a badge's pages: its social preview, or the
    /// badge image when the preview could not be rendered.
    fn badge_image_meta(&self, lang: &Lang<'_>, badge: &Badge) -> ImageMeta {
        let urls = layout::Urls::new(&self.site.base_url);
        let alt = lang.badge_view(badge).image_alt.clone();
        match self.previews.get(badge.slug.as_str()) {
            Some(_) => ImageMeta {
                url: urls.badge_preview(&badge.slug),
                width: Some(preview::WIDTH),
                height: Some(preview::HEIGHT),
                alt,
            },
            None => ImageMeta {
                url: urls.badge_image(&badge.slug, badge.image.extension),
                width: None,
                height: None,
                alt,
            },
        }
    }

    /// Where a page of `lang` is, for a page whose links start with `root`
    /// (without a language switcher).
    fn frame<'l>(&'l self, lang: &'l Lang<'_>, root: &'l str) -> Frame<'l> {
        Frame {
            site: lang.shared.as_ref().map(|(site, _)| site),
            t: lang.shared.as_ref().map(|(_, t)| t),
            root,
            lang_root: format!("{root}{}", lang.prefix),
            lang: lang.code,
            dir: lang.strings.dir(),
            languages: &[],
        }
    }

    /// Renders the page at `dir` (of the default language) in `lang`.
    fn render(
        &self,
        lang: &Lang<'_>,
        dir: &str,
        meta: PageMeta,
        body: Body<'_>,
    ) -> Result<Vec<u8>, RenderError> {
        let root = layout::root_of(&format!("{}{dir}", lang.prefix));
        let switcher: Vec<LanguageLink> = if self.langs.len() > 1 {
            self.langs
                .iter()
                .map(|l| LanguageLink {
                    code: l.code.to_string(),
                    name: l.strings.get("language_name").to_string(),
                    href: format!("{root}{}{dir}", l.prefix),
                    current: l.code == lang.code,
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut frame = self.frame(lang, &root);
        frame.languages = &switcher;
        self.renderer.page(frame, meta, body)
    }
}

impl Lang<'_> {
    fn badge_view(&self, badge: &Badge) -> &BadgeView {
        // Every badge of the site has a view in every language (built in `new`).
        &self.badges[badge.slug.as_str()]
    }

    /// [`Self::badge_view`] as templates see it.
    fn prepared_badge(&self, badge: &Badge) -> &Prepared {
        &self.prepared[badge.slug.as_str()]
    }
}
