//! What templates see: view structs built from the model, never the model
//! itself (and never a key). Text is escaped by Tera's autoescape; only
//! fields ending in `_html` carry HTML, made by [`super::markdown::to_html`].
//! Links (`href`) come from [`crate::layout`] and are relative to the site
//! root: templates write `{{ root }}{{ badge.href }}`.
//!
//! Common to every template: `site`, `root` (relative path to the site root,
//! "" or ending in "/", for files: styles, scripts, images), `lang_root`
//! (relative path to the home page of the page's language: `root`, or
//! `root` + `fr/`, for links to pages), `lang` (the page's language), `dir`
//! (`ltr` or `rtl`), `languages` (the language switcher: empty for a site
//! of one language), `page` (`url`, `title`, `description`, `image` with
//! `url`, `width`, `height`, `alt`; `noindex`; `alternates`: the page in
//! every language, for `hreflang` links, and `default_url`), `t` (the UI
//! strings of the page's language), `rosette_version`; then the fields of
//! one [`Body`] variant. Dates come twice: `issued` (`YYYY-MM-DD`, for
//! `<time datetime>`) and `issued_text` (as people write it in the page's
//! language).

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::markdown;
use super::strings::{Strings, achievement_type};
use crate::layout;
use crate::model::{Award, Badge, Completion, Site, day, timestamp};

/// What signing adds to the pages, given by the build for a signed site.
/// Plain facts, never a key: a template cannot reach a secret.
#[derive(Debug, Clone)]
pub struct Signing {
    /// The issuer's DID.
    pub did: String,
    /// The DID URL of the key that signs (`<did>#key-1`).
    pub key_id: String,
    /// Every key of site.toml, as published in the DID document.
    pub keys: Vec<KeyFacts>,
    /// Numbers of the published status lists.
    pub status_lists: Vec<usize>,
}

/// How strangers verify this site's credentials (the verification page).
#[derive(Debug, Clone, Serialize)]
pub struct IssuerFacts {
    pub did: String,
    /// Links relative to the site root.
    pub did_document: String,
    pub status_lists: Vec<String>,
    pub keys: Vec<KeyFacts>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyFacts {
    /// The key's DID URL.
    pub id: String,
    pub public: String,
    /// The day it was retired.
    pub retired: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileLink {
    pub label: String,
    /// Relative to the page.
    pub href: String,
}

/// An award page's links to share it (made for unsigned sites too).
#[derive(Debug, Clone, Serialize)]
pub struct ShareLinks {
    /// LinkedIn's "add to profile" form, every field filled in.
    pub linkedin_add: String,
    /// A LinkedIn post of the award page.
    pub linkedin_share: String,
}

/// An award page's links to its signed files (signed sites only).
#[derive(Debug, Clone, Serialize)]
pub struct AwardLinks {
    /// The credential and assertion, relative to the award page.
    pub credential: String,
    pub assertion: String,
    /// The credential's absolute URL (what a wallet imports).
    pub credential_url: String,
    /// `?url=<credential URL>` for the verification page.
    pub verify_query: String,
    /// The revocation list, relative to the award page, and this award's bit.
    pub status_list: Option<String>,
    pub status_index: Option<usize>,
}

/// What every page template sees, besides `site` and `t` (the UI
/// strings): those are set once for all templates on a site of one
/// language ([`super::render::Renderer::globals`]), and given prepared
/// with each page ([`Frame`]) on a site of several.
#[derive(Serialize)]
pub(crate) struct Page<'a> {
    pub(crate) root: &'a str,
    pub(crate) lang_root: String,
    pub(crate) lang: &'a str,
    pub(crate) dir: &'static str,
    pub(crate) languages: &'a [LanguageLink],
    pub(crate) page: PageMeta,
    pub(crate) rosette_version: &'static str,
    #[serde(flatten)]
    pub(crate) body: Body<'a>,
}

/// Where a page is, in which language: what [`Page`] adds to a body.
pub(crate) struct Frame<'a> {
    /// `site` and `t` of the page's language, on a site of several.
    pub(crate) site: Option<&'a Prepared>,
    pub(crate) t: Option<&'a Prepared>,
    pub(crate) root: &'a str,
    pub(crate) lang_root: String,
    pub(crate) lang: &'a str,
    pub(crate) dir: &'static str,
    pub(crate) languages: &'a [LanguageLink],
}

/// One entry of the language switcher.
#[derive(Serialize)]
pub(crate) struct LanguageLink {
    pub(crate) code: String,
    /// The language's own name ("Français").
    pub(crate) name: String,
    /// The same page in that language, relative to this page.
    pub(crate) href: String,
    pub(crate) current: bool,
}

/// The page in one language, for `<link rel="alternate" hreflang>`.
#[derive(Serialize)]
pub(crate) struct Alternate {
    pub(crate) lang: String,
    /// Absolute.
    pub(crate) url: String,
}

#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum Body<'a> {
    Index {
        badges: Vec<BadgeCard<'a>>,
        /// The badges that require others, with what they require.
        pathways: Vec<PathwayCard<'a>>,
    },
    Badge {
        badge: &'a BadgeView,
        earners: Vec<Earner<'a>>,
        /// Awards that are not revoked.
        award_count: usize,
        awarded_text: String,
        /// "3 times", "once".
        awarded_times: String,
        files: &'a [FileLink],
        /// The tree of badges this one requires, when it is part of a pathway.
        pathway: Option<PathwayView<'a>>,
    },
    Earner {
        earner: EarnerView<'a>,
    },
    Award {
        /// Given to the template as `badge`, made once per badge and
        /// language ([`super::render::Renderer::page`] inserts it).
        #[serde(skip)]
        badge: &'a Prepared,
        award: Box<AwardView<'a>>,
        share: ShareLinks,
        links: Option<AwardLinks>,
    },
    Markdown {
        page_title: &'a str,
        content_html: String,
    },
    Verify {
        issuer: Option<&'a IssuerFacts>,
    },
    Empty {},
}

/// A view as templates see it, serialised once: every award page shows
/// its badge, whose view is the same for all of the badge's awards in a
/// language. Clones share it (tera keeps maps and lists behind `Arc`); each
/// has its own number, by which a rendering thread keeps its own copy
/// ([`super::render::Renderer::page`]).
pub(crate) struct Prepared {
    pub(super) value: tera::Value,
    pub(super) id: u64,
}

impl Prepared {
    pub(crate) fn of(view: &impl Serialize) -> Prepared {
        Prepared {
            value: tera::Value::from_serializable(view),
            id: next_id(),
        }
    }
}

/// A number no other prepared view or renderer has had (renderers number
/// themselves the same way, for [`super::render`]'s per-thread copies).
pub(crate) fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[derive(Serialize)]
pub(crate) struct SiteView {
    pub(crate) title: String,
    pub(crate) base_url: String,
    pub(crate) language: String,
    pub(crate) issuer: IssuerView,
    pub(crate) pages: Vec<PageLink>,
    /// The verification page.
    pub(crate) verify_href: &'static str,
    /// The icon: the site's `static/favicon.*`, else the theme's.
    pub(crate) favicon: String,
}

#[derive(Serialize)]
pub(crate) struct IssuerView {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) email: String,
    pub(crate) description: Option<String>,
    pub(crate) image: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct PageLink {
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) href: String,
}

#[derive(Serialize)]
pub(crate) struct PageMeta {
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) description: String,
    /// The Open Graph image.
    pub(crate) image: Option<ImageMeta>,
    /// Keep the page out of search engines (award pages and portfolios
    /// name people).
    pub(crate) noindex: bool,
    /// The page in every language of the site (empty for one language).
    pub(crate) alternates: Vec<Alternate>,
    /// The page in the default language, for `hreflang="x-default"`.
    pub(crate) default_url: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct ImageMeta {
    /// Absolute.
    pub(crate) url: String,
    /// Known for the social previews (1200×630).
    pub(crate) width: Option<u32>,
    pub(crate) height: Option<u32>,
    pub(crate) alt: String,
}

#[derive(Serialize)]
pub(crate) struct BadgeCard<'a> {
    pub(crate) slug: &'a str,
    pub(crate) href: String,
    pub(crate) name: &'a str,
    pub(crate) description: &'a str,
    pub(crate) image: String,
    pub(crate) image_alt: &'a str,
    /// "Awarded 3 times" (revoked awards not counted).
    pub(crate) awarded_text: String,
    pub(crate) tags: &'a [String],
}

#[derive(Serialize)]
pub(crate) struct BadgeView {
    pub(crate) slug: String,
    pub(crate) href: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) criteria_html: String,
    pub(crate) image: String,
    pub(crate) image_alt: String,
    pub(crate) achievement_type: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) valid_for: Option<String>,
    pub(crate) alignments: Vec<AlignmentView>,
    /// The texts shown in the default language because they are not
    /// translated into the page's (`name`, `description`, `criteria`,
    /// `image_alt`); empty on pages of the default language.
    pub(crate) untranslated: Vec<&'static str>,
    /// The default language, in which untranslated texts are written.
    pub(crate) source_lang: String,
    pub(crate) completion: Option<CompletionView>,
    pub(crate) endorsements: Vec<EndorsementView>,
}

/// `[badge.completion]`: what every award shows.
#[derive(Serialize)]
pub(crate) struct CompletionView {
    pub(crate) reflection: bool,
    pub(crate) evidence: Vec<String>,
}

/// An endorsement of the badge by another issuer (verified by the build).
#[derive(Serialize)]
pub(crate) struct EndorsementView {
    /// The endorser's name, or its id when it gives none.
    pub(crate) endorser: String,
    pub(crate) endorser_id: String,
    pub(crate) endorser_url: Option<String>,
    pub(crate) comment_html: Option<String>,
    /// `YYYY-MM-DD`, and as people write it.
    pub(crate) issued: String,
    pub(crate) issued_text: String,
}

/// A badge that requires others, for the home page.
#[derive(Serialize)]
pub(crate) struct PathwayCard<'a> {
    pub(crate) slug: &'a str,
    pub(crate) name: &'a str,
    pub(crate) href: String,
    pub(crate) groups: Vec<RequirementGroup<'a>>,
}

/// The tree of the badges a badge requires.
#[derive(Serialize)]
pub(crate) struct PathwayView<'a> {
    pub(crate) groups: Vec<RequirementGroup<'a>>,
    /// Whether the tree was cut (too many badges to show on one page).
    pub(crate) truncated: bool,
}

/// `requires` (`kind` = `all`) or `requires_any` (`kind` = `any`, with its
/// `count`).
#[derive(Serialize)]
pub(crate) struct RequirementGroup<'a> {
    pub(crate) kind: &'static str,
    pub(crate) count: usize,
    pub(crate) badges: Vec<PathwayNode<'a>>,
}

/// One required badge, with what it requires in turn. A badge appears
/// expanded once per tree; later mentions have `repeated` and no groups.
#[derive(Serialize)]
pub(crate) struct PathwayNode<'a> {
    pub(crate) slug: &'a str,
    pub(crate) name: &'a str,
    pub(crate) href: String,
    pub(crate) image: &'a str,
    pub(crate) image_alt: &'a str,
    pub(crate) criteria_html: Option<&'a str>,
    pub(crate) repeated: bool,
    pub(crate) groups: Vec<RequirementGroup<'a>>,
}

/// A learner's portfolio: the awards that carry their handle.
#[derive(Serialize)]
pub(crate) struct EarnerView<'a> {
    pub(crate) handle: &'a str,
    /// The name of their most recent award that gives one.
    pub(crate) name: Option<&'a str>,
    /// Newest first.
    pub(crate) awards: Vec<EarnerAward<'a>>,
    pub(crate) pathways: Vec<ProgressView<'a>>,
}

#[derive(Serialize)]
pub(crate) struct EarnerAward<'a> {
    pub(crate) id: &'a str,
    pub(crate) href: String,
    pub(crate) badge_slug: &'a str,
    pub(crate) badge_name: &'a str,
    pub(crate) badge_href: String,
    pub(crate) image: &'a str,
    pub(crate) image_alt: &'a str,
    pub(crate) issued: String,
    pub(crate) issued_text: String,
    pub(crate) expires: Option<String>,
    pub(crate) expires_text: Option<String>,
    /// For the page's script, which judges expiry (the build cannot).
    pub(crate) expires_at: Option<String>,
    /// `valid` or `revoked`.
    pub(crate) status: &'static str,
    pub(crate) revoked_on: Option<String>,
    pub(crate) revoked_on_text: Option<String>,
}

/// How far a learner is on a pathway: a badge they hold, or one they hold
/// a required badge of.
#[derive(Serialize)]
pub(crate) struct ProgressView<'a> {
    pub(crate) slug: &'a str,
    pub(crate) name: &'a str,
    pub(crate) href: String,
    /// They hold the pathway's badge itself.
    pub(crate) earned: bool,
    /// They hold what it requires.
    pub(crate) met: bool,
    pub(crate) held: usize,
    pub(crate) needed: usize,
    pub(crate) groups: Vec<ProgressGroup<'a>>,
}

#[derive(Serialize)]
pub(crate) struct ProgressGroup<'a> {
    pub(crate) kind: &'static str,
    pub(crate) count: usize,
    pub(crate) held: usize,
    pub(crate) badges: Vec<ProgressBadge<'a>>,
}

#[derive(Serialize)]
pub(crate) struct ProgressBadge<'a> {
    pub(crate) slug: &'a str,
    pub(crate) name: &'a str,
    pub(crate) href: String,
    pub(crate) held: bool,
}

#[derive(Serialize)]
pub(crate) struct AlignmentView {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) description: Option<String>,
    pub(crate) code: Option<String>,
    pub(crate) framework: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Earner<'a> {
    pub(crate) id: &'a str,
    pub(crate) href: String,
    pub(crate) name: &'a str,
    pub(crate) issued: String,
    pub(crate) issued_text: String,
    /// The exact expiry instant, for the page's script, and the day.
    pub(crate) expires_at: Option<String>,
    pub(crate) expires_text: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct AwardView<'a> {
    pub(crate) id: &'a str,
    pub(crate) recipient_name: Option<&'a str>,
    /// The name, or "A recipient" when the award gives none.
    pub(crate) recipient: String,
    /// `YYYY-MM-DD` (for `<time datetime>`) and as people write it.
    pub(crate) issued: String,
    pub(crate) issued_text: String,
    pub(crate) expires: Option<String>,
    pub(crate) expires_text: Option<String>,
    /// The exact expiry instant (RFC 3339), for the page's script. Expiry
    /// is not judged at build time (the output must not depend on the
    /// clock): pages state the dates and a script compares with now.
    pub(crate) expires_at: Option<String>,
    pub(crate) revoked: Option<RevokedView<'a>>,
    pub(crate) narrative_html: Option<String>,
    pub(crate) evidence: Vec<EvidenceView<'a>>,
    /// The badge's completion standard as a checklist, when it has one.
    pub(crate) completion: Option<CompletionCheck<'a>>,
    /// The recipient's portfolio (relative to the language root), when the
    /// award carries a handle.
    pub(crate) portfolio_href: Option<String>,
}

/// Each item of the badge's completion standard, with what shows it.
#[derive(Serialize)]
pub(crate) struct CompletionCheck<'a> {
    /// `Some(shown)` when the standard asks for a reflection (the narrative).
    pub(crate) reflection: Option<bool>,
    pub(crate) items: Vec<CheckItem<'a>>,
}

#[derive(Serialize)]
pub(crate) struct CheckItem<'a> {
    pub(crate) name: &'a str,
    /// 1-based number of the evidence item that shows it.
    pub(crate) evidence: Option<usize>,
    pub(crate) url: Option<&'a str>,
    pub(crate) met: bool,
}

#[derive(Serialize)]
pub(crate) struct RevokedView<'a> {
    pub(crate) on: String,
    pub(crate) on_text: String,
    pub(crate) reason: &'a str,
}

#[derive(Serialize)]
pub(crate) struct EvidenceView<'a> {
    pub(crate) url: Option<&'a str>,
    pub(crate) name: Option<&'a str>,
    pub(crate) description: Option<&'a str>,
    pub(crate) narrative_html: Option<String>,
}

/// A site's own icon in `site/static/` (`favicon.svg`, `.png` or `.ico`).
fn favicon(site: &Site) -> String {
    ["favicon.svg", "favicon.png", "favicon.ico"]
        .iter()
        .find(|f| site.static_files.iter().any(|s| s == *f))
        .map_or_else(|| layout::FAVICON.to_string(), |f| layout::static_file(f))
}

/// The site's view in `lang` (translated title and issuer description, or
/// the default language's).
pub(crate) fn site_view(site: &Site, lang: &str) -> SiteView {
    let t = site
        .translations
        .get(lang)
        .filter(|_| lang != site.language);
    SiteView {
        title: t
            .and_then(|t| t.title.clone())
            .unwrap_or_else(|| site.title.clone()),
        base_url: site.base_url.clone(),
        language: lang.to_string(),
        issuer: IssuerView {
            name: site.issuer.name.clone(),
            url: site.issuer.url.clone(),
            email: site.issuer.email.clone(),
            description: t
                .and_then(|t| t.description.clone())
                .or_else(|| site.issuer.description.clone()),
            image: site.issuer.image.clone(),
        },
        pages: site
            .pages
            .iter()
            .map(|p| PageLink {
                slug: p.slug.clone(),
                title: p.title.clone(),
                href: layout::page_dir(&p.slug),
            })
            .collect(),
        verify_href: layout::VERIFY_DIR,
        favicon: favicon(site),
    }
}

/// A badge's view in `lang` (with the UI strings of `lang`): its texts
/// translated where a translation exists, the default language's (listed
/// in `untranslated`) elsewhere.
pub(crate) fn badge_view(site: &Site, badge: &Badge, lang: &str, strings: &Strings) -> BadgeView {
    let t = badge
        .translations
        .get(lang)
        .filter(|_| lang != site.language);
    let mut untranslated = Vec::new();
    let mut text = |field: &'static str, value: Option<&String>, base: &String| match value {
        Some(v) => v.clone(),
        None => {
            if lang != site.language {
                untranslated.push(field);
            }
            base.clone()
        }
    };
    let name = text("name", t.and_then(|t| t.name.as_ref()), &badge.name);
    let description = text(
        "description",
        t.and_then(|t| t.description.as_ref()),
        &badge.description,
    );
    let criteria = text(
        "criteria",
        t.and_then(|t| t.criteria.as_ref()),
        &badge.criteria,
    );
    let image_alt = text(
        "image_alt",
        t.and_then(|t| t.image_alt.as_ref()),
        &badge.image_alt,
    );
    BadgeView {
        slug: badge.slug.clone(),
        href: layout::badge_dir(&badge.slug),
        name,
        description,
        criteria_html: markdown::to_html(&criteria),
        image: layout::badge_image(&badge.slug, badge.image.extension),
        image_alt,
        achievement_type: badge
            .achievement_type
            .as_deref()
            .map(|t| achievement_type(strings, t)),
        tags: badge.tags.clone(),
        valid_for: badge.valid_for.map(|p| strings.period(p)),
        alignments: badge
            .alignments
            .iter()
            .map(|a| AlignmentView {
                name: a.name.clone(),
                url: a.url.clone(),
                description: a.description.clone(),
                code: a.code.clone(),
                framework: a.framework.clone(),
            })
            .collect(),
        untranslated,
        source_lang: site.language.clone(),
        completion: badge.completion.as_ref().map(|c| CompletionView {
            reflection: c.reflection,
            evidence: c.evidence.clone(),
        }),
        endorsements: badge
            .endorsements
            .iter()
            .map(|e| EndorsementView {
                endorser: e.issuer_name.clone().unwrap_or_else(|| e.issuer_id.clone()),
                endorser_id: e.issuer_id.clone(),
                endorser_url: e.issuer_url.clone(),
                comment_html: e.comment.as_deref().map(markdown::to_html),
                issued: e.valid_from.get(..10).unwrap_or(&e.valid_from).to_string(),
                issued_text: human_instant(strings, &e.valid_from),
            })
            .collect(),
    }
}

/// An RFC 3339 instant (or a `YYYY-MM-DD` day) as people write its day;
/// anything else as it is.
pub(crate) fn human_instant(strings: &Strings, text: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    if let Ok(at) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return strings.date(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &format)
        .map(|d| strings.date(d.midnight().assume_utc()))
        .unwrap_or_else(|_| text.to_string())
}

pub(crate) fn award_view<'a>(
    badge: &'a Badge,
    award: &'a Award,
    strings: &Strings,
) -> AwardView<'a> {
    AwardView {
        id: &award.id,
        recipient_name: award.recipient.name.as_deref(),
        recipient: award
            .recipient
            .name
            .clone()
            .unwrap_or_else(|| strings.get("someone").to_string()),
        issued: day(award.issued),
        issued_text: strings.date(award.issued),
        expires: award.expires.map(day),
        expires_text: award.expires.map(|at| strings.date(at)),
        expires_at: award.expires.map(timestamp),
        revoked: award.revoked.as_ref().map(|r| RevokedView {
            on: day(r.on),
            on_text: strings.date(r.on),
            reason: &r.reason,
        }),
        narrative_html: award.narrative.as_deref().map(markdown::to_html),
        evidence: award
            .evidence
            .iter()
            .map(|e| EvidenceView {
                url: e.url.as_deref(),
                name: e.name.as_deref(),
                description: e.description.as_deref(),
                narrative_html: e.narrative.as_deref().map(markdown::to_html),
            })
            .collect(),
        completion: badge
            .completion
            .as_ref()
            .map(|standard| completion_check(standard, award)),
        portfolio_href: award.recipient.handle.as_deref().map(layout::earner_dir),
    }
}

/// The standard's items, each with the first evidence item named after it.
fn completion_check<'a>(standard: &'a Completion, award: &'a Award) -> CompletionCheck<'a> {
    CompletionCheck {
        reflection: standard.reflection.then_some(award.narrative.is_some()),
        items: standard
            .evidence
            .iter()
            .map(|item| {
                let found = award.evidence.iter().enumerate().find(|(_, e)| {
                    e.name
                        .as_deref()
                        .is_some_and(|name| Completion::item_matches(item, name))
                });
                CheckItem {
                    name: item,
                    evidence: found.map(|(i, _)| i + 1),
                    url: found.and_then(|(_, e)| e.url.as_deref()),
                    met: found.is_some(),
                }
            })
            .collect(),
    }
}
