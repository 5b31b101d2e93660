//! Badge images as pages and link previews use them.
//!
//! - **Social previews**: one 1200×630 PNG per badge (`badges/<slug>/preview.png`,
//!   the Open Graph and Twitter card image of the badge page and of every
//!   award page of the badge), rendered at build time from the badge image:
//!   LinkedIn, Facebook and X show no SVG previews, and a square image is
//!   cropped or shown small. The badge is drawn centred on a plain
//!   background. SVGs are rendered with `resvg`, built without fonts and
//!   raster-image decoders (its `text` and `raster-images` features would
//!   bundle fonts and JPEG/GIF/WebP decoders, and make a preview depend on
//!   the machine's fonts): SVG `<text>` and embedded `<image>`s are left
//!   out of the preview, and the build says so. PNG badges are decoded,
//!   scaled (bicubic) and composited with `tiny-skia`. Same image, same
//!   bytes: no clock, no randomness, no system fonts.
//! - **Checks** that the build reports as warnings: a PNG smaller than
//!   pages show it ([`SHOWN`] pixels) looks blurred; an image that cannot
//!   be rendered gets no preview (its pages fall back to the badge image).

use resvg::tiny_skia::{Color, FilterQuality, Pixmap, PixmapPaint, Transform};
use resvg::usvg;

use std::path::Path;

use sha2::{Digest as _, Sha256};

use crate::model::{Badge, Site};

/// The preview's size (what LinkedIn and Open Graph recommend).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// The badge's box inside the preview.
const BADGE_BOX: f32 = 460.0;
/// How large pages show a badge image, in CSS pixels.
pub const SHOWN: u32 = 200;
/// The preview's background (the theme's page colour).
const BACKGROUND: (u8, u8, u8) = (0xf1, 0xef, 0xe9);

/// Renders the preview of a badge image (`png` or `svg`).
pub fn render(image: &[u8], extension: &str) -> Result<Vec<u8>, String> {
    let mut canvas = Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the preview")?;
    let (r, g, b) = BACKGROUND;
    canvas.fill(Color::from_rgba8(r, g, b, 255));
    let place = |w: f32, h: f32| {
        let scale = (BADGE_BOX / w).min(BADGE_BOX / h);
        let x = (WIDTH as f32 - w * scale) / 2.0;
        let y = (HEIGHT as f32 - h * scale) / 2.0;
        Transform::from_row(scale, 0.0, 0.0, scale, x, y)
    };
    if extension == "svg" {
        let tree = svg_tree(image)?;
        let size = tree.size();
        resvg::render(
            &tree,
            place(size.width(), size.height()),
            &mut canvas.as_mut(),
        );
    } else {
        let badge = Pixmap::decode_png(image).map_err(|e| format!("cannot decode the PNG: {e}"))?;
        let paint = PixmapPaint {
            quality: FilterQuality::Bicubic,
            ..PixmapPaint::default()
        };
        let transform = place(badge.width() as f32, badge.height() as f32);
        canvas.draw_pixmap(0, 0, badge.as_ref(), &paint, transform, None);
    }
    canvas
        .encode_png()
        .map_err(|e| format!("cannot encode the preview: {e}"))
}

/// [`render`], kept in `cache` (a folder outside the output, e.g.
/// `.rosette-cache/previews/`) between builds: rendering is most of the
/// time of a rebuild with nothing changed. An entry is named by the SHA-256
/// of what it is made from (this Rosette's version, the extension, the
/// image) and ends with the SHA-256 of the PNG before it, so a damaged or
/// foreign file is rendered again, never used. The cache is only an
/// optimisation: failing to read or write it changes nothing else.
pub fn render_cached(
    image: &[u8],
    extension: &str,
    cache: Option<&Path>,
) -> Result<Vec<u8>, String> {
    let Some(cache) = cache else {
        return render(image, extension);
    };
    let key: crate::output::Digest = Sha256::new()
        .chain_update(env!("CARGO_PKG_VERSION"))
        .chain_update([0])
        .chain_update(extension)
        .chain_update([0])
        .chain_update(image)
        .finalize()
        .into();
    let path = cache.join(format!("{}.png", crate::output::manifest::hex(&key)));
    if let Ok(entry) = std::fs::read(&path)
        && entry.len() > 32
    {
        let (png, check) = entry.split_at(entry.len() - 32);
        if Sha256::digest(png).as_slice() == check {
            return Ok(png.to_vec());
        }
    }
    let png = render(image, extension)?;
    let mut entry = png.clone();
    entry.extend_from_slice(&Sha256::digest(&png));
    // Written under a unique name, then renamed: a reader never sees half.
    let partial = path.with_extension(format!("{}.partial", std::process::id()));
    let _ = std::fs::create_dir_all(cache)
        .and_then(|()| std::fs::write(&partial, &entry))
        .and_then(|()| std::fs::rename(&partial, &path))
        .map_err(|_| std::fs::remove_file(&partial));
    Ok(png)
}

fn svg_tree(image: &[u8]) -> Result<usvg::Tree, String> {
    usvg::Tree::from_data(image, &usvg::Options::default())
        .map_err(|e| format!("cannot render the SVG: {e}"))
}

/// The pixel size of a PNG, from its IHDR chunk.
pub fn png_size(image: &[u8]) -> Option<(u32, u32)> {
    if image.len() < 24 || &image[..8] != b"\x89PNG\r\n\x1a\n" || &image[12..16] != b"IHDR" {
        return None;
    }
    let be =
        |at: usize| u32::from_be_bytes([image[at], image[at + 1], image[at + 2], image[at + 3]]);
    Some((be(16), be(20)))
}

/// What the build should tell about a badge's image (`bytes` read from
/// it): each a full sentence naming the file.
pub fn warnings(badge: &Badge, bytes: &[u8], file: &str) -> Vec<String> {
    let mut out = Vec::new();
    if badge.image.extension == "png" {
        match png_size(bytes) {
            Some((w, h)) if w.min(h) < SHOWN => out.push(format!(
                "{file} is {w}×{h} pixels, but pages show it at {SHOWN}×{SHOWN}: it will look \
                 blurred; use an image of at least {}×{} pixels (or an SVG)",
                SHOWN * 2,
                SHOWN * 2
            )),
            Some(_) => {}
            None => out.push(format!("{file} is not a PNG image")),
        }
        if let Err(e) = Pixmap::decode_png(bytes) {
            out.push(format!(
                "{file}: no social preview: cannot decode the PNG: {e}"
            ));
        }
    } else {
        match svg_tree(bytes) {
            Err(e) => out.push(format!("{file}: no social preview: {e}")),
            Ok(_) => {
                let text = String::from_utf8_lossy(bytes);
                for (element, what) in [("<text", "text"), ("<image", "embedded images")] {
                    if text.contains(element) {
                        out.push(format!(
                            "{file}: its social preview leaves out the SVG's {what} (convert \
                             text to paths and embed shapes to show them there)"
                        ));
                    }
                }
            }
        }
    }
    out
}

/// The warnings of every badge image of a site.
pub fn site_warnings(site: &Site) -> Vec<String> {
    site.badges
        .iter()
        .flat_map(|badge| {
            let file = badge
                .image
                .source
                .strip_prefix(&site.root)
                .unwrap_or(&badge.image.source)
                .display()
                .to_string();
            match std::fs::read(&badge.image.source) {
                Ok(bytes) => warnings(badge, &bytes, &file),
                // Reading fails the build later, with its own report.
                Err(_) => Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 20"><rect width="10" height="20" fill="#c00"/></svg>"##;

    fn pixel(png: &[u8], x: u32, y: u32) -> [u8; 4] {
        let pixmap = Pixmap::decode_png(png).unwrap();
        let p = pixmap.pixel(x, y).unwrap();
        [p.red(), p.green(), p.blue(), p.alpha()]
    }

    #[test]
    fn an_svg_badge_is_centred_on_a_1200_by_630_preview_with_the_same_bytes_every_time() {
        let png = render(SVG, "svg").unwrap();
        assert_eq!(png_size(&png), Some((WIDTH, HEIGHT)));
        assert_eq!(png, render(SVG, "svg").unwrap());
        // The 1:2 rectangle fills the box's height: 230 px wide, centred.
        assert_eq!(pixel(&png, 600, 315), [0xcc, 0, 0, 255]);
        assert_eq!(pixel(&png, 600, 90), [0xcc, 0, 0, 255]);
        assert_eq!(pixel(&png, 600, 40), [0xf1, 0xef, 0xe9, 255]);
        assert_eq!(pixel(&png, 400, 315), [0xf1, 0xef, 0xe9, 255]);
    }

    #[test]
    fn a_png_badge_is_scaled_into_the_preview() {
        let badge = render(SVG, "svg").unwrap();
        let png = render(&badge, "png").unwrap();
        assert_eq!(png_size(&png), Some((WIDTH, HEIGHT)));
        assert_eq!(pixel(&png, 600, 315), [0xcc, 0, 0, 255]);
        assert!(render(b"\x89PNG\r\n\x1a\nbroken", "png").is_err());
        assert!(render(b"<svg", "svg").is_err());
    }

    #[test]
    fn cached_previews_are_the_rendered_bytes_and_damaged_entries_are_rendered_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("previews");
        let fresh = render(SVG, "svg").unwrap();
        assert_eq!(render_cached(SVG, "svg", Some(&cache)).unwrap(), fresh);
        let entries: Vec<_> = std::fs::read_dir(&cache).unwrap().flatten().collect();
        assert_eq!(entries.len(), 1, "one entry, no partial file left");
        let entry = entries[0].path();
        assert_eq!(render_cached(SVG, "svg", Some(&cache)).unwrap(), fresh);

        // An entry whose PNG does not match its checksum is not used.
        let mut damaged = std::fs::read(&entry).unwrap();
        damaged[100] ^= 0xff;
        std::fs::write(&entry, &damaged).unwrap();
        assert_eq!(render_cached(SVG, "svg", Some(&cache)).unwrap(), fresh);
        // A foreign file under the name is not used either, and is replaced.
        std::fs::write(&entry, b"not a preview").unwrap();
        assert_eq!(render_cached(SVG, "svg", Some(&cache)).unwrap(), fresh);
        assert_eq!(std::fs::read(&entry).unwrap().len(), fresh.len() + 32);
        // Another image is another entry.
        let other = String::from_utf8_lossy(SVG)
            .replace("#c00", "#00c")
            .into_bytes();
        assert_ne!(render_cached(&other, "svg", Some(&cache)).unwrap(), fresh);
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 2);
        // No cache folder that can be made: rendered all the same.
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, b"").unwrap();
        assert_eq!(
            render_cached(SVG, "svg", Some(&blocked.join("x"))).unwrap(),
            fresh
        );
    }
}
