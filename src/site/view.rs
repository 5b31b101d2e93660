//! What templates see: view structs built from the model, never the model
//! itself (and never a key). Text is escaped by Tera's autoescape; only
//! fields ending in `_html` carry HTML, made by [`super::markdown::to_html`].
//! Links (`href`) come from [`crate::layout`] and are relative to the site
//! root: templates write `{{ root }}{{ badge.href }}`.
//!
//! Common to every template: `site`, `root` (relative path to the site root,
//! "" or ending in "/"), `page` (`url`, `title`, `description`, `image`
//! with `url`, `width`, `height`, `alt`; `noindex`), `t` (the UI strings),
//! `rosette_version`; then the fields of one [`Body`] variant. Dates come
//! twice: `issued` (`YYYY-MM-DD`, for `<time datetime>`) and `issued_text`
//! (as people write it in the site's language).

use serde::Serialize;

use super::markdown;
use super::strings::{Strings, achievement_type};
use crate::layout;
use crate::model::{Award, Badge, Site, day, timestamp};

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

/// What every page template sees besides `site` and `t` (the UI strings),
/// which are set once for all templates ([`super::render::Renderer::globals`]).
#[derive(Serialize)]
pub(crate) struct Page<'a> {
    pub(crate) root: &'a str,
    pub(crate) page: PageMeta,
    pub(crate) rosette_version: &'static str,
    #[serde(flatten)]
    pub(crate) body: Body<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum Body<'a> {
    Index {
        badges: Vec<BadgeCard<'a>>,
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
    },
    Award {
        badge: &'a BadgeView,
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
    /// Keep the page out of search engines (award pages name people).
    pub(crate) noindex: bool,
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

pub(crate) fn site_view(site: &Site) -> SiteView {
    SiteView {
        title: site.title.clone(),
        base_url: site.base_url.clone(),
        language: site.language.clone(),
        issuer: IssuerView {
            name: site.issuer.name.clone(),
            url: site.issuer.url.clone(),
            email: site.issuer.email.clone(),
            description: site.issuer.description.clone(),
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

pub(crate) fn badge_view(badge: &Badge, strings: &Strings) -> BadgeView {
    BadgeView {
        slug: badge.slug.clone(),
        href: layout::badge_dir(&badge.slug),
        name: badge.name.clone(),
        description: badge.description.clone(),
        criteria_html: markdown::to_html(&badge.criteria),
        image: layout::badge_image(&badge.slug, badge.image.extension),
        image_alt: badge.image_alt.clone(),
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
    }
}

pub(crate) fn award_view<'a>(award: &'a Award, strings: &Strings) -> AwardView<'a> {
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
    }
}
