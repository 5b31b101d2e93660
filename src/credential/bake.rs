//! Baking: a credential carried inside its badge image (standards.md §5).
//!
//! - **PNG**: an uncompressed `iTXt` chunk with keyword `openbadgecredential`
//!   holds the OB 3.0 credential (OB 3.0 §5.3.1), and one with keyword
//!   `openbadges` the OB 2.0 assertion (OB 2.0 Baking §PNG); each at most
//!   once, inserted just before `IEND`. The other chunks are copied byte
//!   for byte (the image is not re-encoded), earlier baked chunks with those
//!   keywords are replaced.
//! - **SVG**: `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` on the
//!   root `<svg>` and, directly after its start tag,
//!   `<openbadges:credential><![CDATA[…]]></openbadges:credential>`; then the
//!   OB 2.0 element, which declares its own namespace for the same prefix
//!   (`http://openbadges.org`: one prefix cannot be bound to two namespaces
//!   on one element, and both specifications name the prefix `openbadges`):
//!   `<openbadges:assertion xmlns:openbadges="http://openbadges.org"
//!   verify="URL"><![CDATA[…]]></openbadges:assertion>`. Namespace-aware
//!   readers (the 1EdTech validator) and readers that look for the literal
//!   tag names (openbadges-bakery, most wallets) both find them.
//!
//! **The baked text.** Wallets and VerifierPlus find the JSON in an image by
//! counting braces, so inside JSON strings `{` and `}` are written
//! `\u007b` and `\u007d`; a `>` that would end a CDATA section (`]]>`) is
//! written `\u003e`. The result is the same JSON value (so the same RDF and
//! the same signature): only the spelling of those characters changes; the
//! rest of the file's bytes, whitespace included, are kept (a byte order
//! mark and JSON whitespace around the document are trimmed). [`extract`]
//! returns the text exactly as it is embedded, so extracting what [`bake`]
//! wrote gives [`baked_text`] of the input, byte for byte.
//!
//! The default theme's `award.js` bakes the same way in the browser on
//! download (the site does not store a baked image per award); a test checks
//! that both give identical bytes.

use std::io::Read;

use serde_json::Value;

/// The PNG `iTXt` keyword of an OB 3.0 credential.
pub const PNG_CREDENTIAL_KEYWORD: &str = "openbadgecredential";
/// The PNG `iTXt` keyword of an OB 2.0 assertion.
pub const PNG_ASSERTION_KEYWORD: &str = "openbadges";
/// The XML namespace of `<openbadges:credential>` (OB 3.0).
pub const SVG_CREDENTIAL_NS: &str = "https://purl.imsglobal.org/ob/v3p0";
/// The XML namespace of `<openbadges:assertion>` (OB 2.0; `http`, not `https`).
pub const SVG_ASSERTION_NS: &str = "http://openbadges.org";

/// The largest image, credential or text chunk handled, in bytes.
pub const MAX_BYTES: usize = 16 << 20;

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Why an image could not be baked or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BakeError {
    #[error("the image is neither a PNG nor an SVG file")]
    UnknownFormat,
    #[error("not a valid PNG file: {0}")]
    Png(String),
    #[error("not a valid SVG file: {0}")]
    Svg(String),
    #[error("the {what} is not a JSON object: {reason}")]
    Json { what: &'static str, reason: String },
    #[error("the {what} is larger than {} MiB", MAX_BYTES >> 20)]
    TooLarge { what: &'static str },
    #[error("the OB 2.0 assertion has no `id` (the URL it is hosted at)")]
    AssertionWithoutId,
}

/// The two image formats that carry badges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// The format of an image, from its first bytes.
pub fn format_of(image: &[u8]) -> Option<Format> {
    if image.starts_with(PNG_SIGNATURE) {
        return Some(Format::Png);
    }
    let head = String::from_utf8_lossy(&image[..image.len().min(4096)]);
    let text = head.as_ref();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    (text.starts_with('<') && text.contains("<svg")).then_some(Format::Svg)
}

/// What [`extract`] found in an image: the texts exactly as embedded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub format: Option<Format>,
    /// The OB 3.0 credential (JSON, or a compact JWS).
    pub credential: Option<String>,
    /// The OB 2.0 assertion (JSON, a JWS, or for old PNGs a URL).
    pub assertion: Option<String>,
    /// The SVG `verify` attribute of `<openbadges:assertion>`.
    pub assertion_verify: Option<String>,
}

/// The text to embed for a JSON document: validated as a JSON object,
/// surrounding whitespace trimmed, `{`, `}` and the `>` of `]]>` inside
/// strings written as `\u` escapes (see the module documentation).
pub fn baked_text(json: &str, what: &'static str) -> Result<String, BakeError> {
    if json.len() > MAX_BYTES {
        return Err(BakeError::TooLarge { what });
    }
    // JSON's own whitespace only (the browser baker trims the same).
    let json = json
        .trim_start_matches('\u{feff}')
        .trim_matches([' ', '\t', '\n', '\r']);
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(_)) => {}
        Ok(_) => {
            return Err(BakeError::Json {
                what,
                reason: "it is not an object".into(),
            });
        }
        Err(e) => {
            return Err(BakeError::Json {
                what,
                reason: e.to_string(),
            });
        }
    }
    let mut out = String::with_capacity(json.len() + 64);
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if c == '{' {
                out.push_str("\\u007b");
                continue;
            } else if c == '}' {
                out.push_str("\\u007d");
                continue;
            } else if c == '>' && out.ends_with("]]") {
                out.push_str("\\u003e");
                continue;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    Ok(out)
}

/// Bakes `credential` (OB 3.0 JSON) and, when given, `assertion` (OB 2.0
/// hosted assertion JSON, whose `id` is its URL) into a PNG or SVG image.
pub fn bake(image: &[u8], credential: &str, assertion: Option<&str>) -> Result<Vec<u8>, BakeError> {
    if image.len() > MAX_BYTES {
        return Err(BakeError::TooLarge { what: "image" });
    }
    let credential = baked_text(credential, "credential")?;
    let assertion = match assertion {
        Some(json) => {
            let text = baked_text(json, "OB 2.0 assertion")?;
            let url = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_string))
                .ok_or(BakeError::AssertionWithoutId)?;
            Some((text, url))
        }
        None => None,
    };
    match format_of(image) {
        Some(Format::Png) => bake_png(image, &credential, assertion.as_ref().map(|(t, _)| &t[..])),
        Some(Format::Svg) => bake_svg(image, &credential, assertion.as_ref()),
        None => Err(BakeError::UnknownFormat),
    }
}

/// Reads the baked texts of a PNG or SVG image.
pub fn extract(image: &[u8]) -> Result<Extracted, BakeError> {
    if image.len() > MAX_BYTES {
        return Err(BakeError::TooLarge { what: "image" });
    }
    match format_of(image) {
        Some(Format::Png) => extract_png(image),
        Some(Format::Svg) => extract_svg(image),
        None => Err(BakeError::UnknownFormat),
    }
}

// ---------------------------------------------------------------- PNG

/// One chunk of a PNG file: its type and the byte range of the whole chunk
/// (length, type, data and CRC) and of its data.
struct Chunk {
    kind: [u8; 4],
    whole: std::ops::Range<usize>,
    data: std::ops::Range<usize>,
}

/// The chunks of a PNG file up to and including `IEND`.
fn png_chunks(png: &[u8]) -> Result<Vec<Chunk>, BakeError> {
    let bad = |m: &str| BakeError::Png(m.to_string());
    if !png.starts_with(PNG_SIGNATURE) {
        return Err(bad("no PNG signature"));
    }
    let mut chunks = Vec::new();
    let mut at = PNG_SIGNATURE.len();
    loop {
        let header = png
            .get(at..at + 8)
            .ok_or_else(|| bad("the file ends before its IEND chunk"))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = [header[4], header[5], header[6], header[7]];
        if len > 0x7fff_ffff || !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(bad("a chunk header is broken"));
        }
        let end = at
            .checked_add(12 + len)
            .filter(|&end| end <= png.len())
            .ok_or_else(|| bad("a chunk runs past the end of the file"))?;
        if chunks.is_empty() && &kind != b"IHDR" {
            return Err(bad("the first chunk is not IHDR"));
        }
        chunks.push(Chunk {
            kind,
            whole: at..end,
            data: at + 8..at + 8 + len,
        });
        at = end;
        if &kind == b"IEND" {
            return Ok(chunks);
        }
    }
}

/// The keyword of a tEXt, zTXt or iTXt chunk.
fn text_keyword(data: &[u8]) -> &[u8] {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    &data[..end]
}

fn is_text_chunk(kind: &[u8; 4]) -> bool {
    matches!(kind, b"iTXt" | b"tEXt" | b"zTXt")
}

/// An uncompressed iTXt chunk, CRC included.
fn itxt_chunk(keyword: &str, text: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(keyword.len() + 5 + text.len());
    data.extend_from_slice(keyword.as_bytes());
    // NUL, compression flag 0, method 0, empty language tag + NUL, empty
    // translated keyword + NUL.
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(text.as_bytes());
    let mut chunk = Vec::with_capacity(data.len() + 12);
    chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
    chunk.extend_from_slice(b"iTXt");
    chunk.extend_from_slice(&data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(b"iTXt");
    crc.update(&data);
    chunk.extend_from_slice(&crc.finalize().to_be_bytes());
    chunk
}

fn bake_png(png: &[u8], credential: &str, assertion: Option<&str>) -> Result<Vec<u8>, BakeError> {
    let chunks = png_chunks(png)?;
    let mut out = Vec::with_capacity(png.len() + credential.len() + 256);
    out.extend_from_slice(PNG_SIGNATURE);
    for chunk in &chunks {
        if &chunk.kind == b"IEND" {
            out.extend_from_slice(&itxt_chunk(PNG_CREDENTIAL_KEYWORD, credential));
            if let Some(assertion) = assertion {
                out.extend_from_slice(&itxt_chunk(PNG_ASSERTION_KEYWORD, assertion));
            }
        } else if is_text_chunk(&chunk.kind) {
            let keyword = text_keyword(&png[chunk.data.clone()]);
            if keyword == PNG_CREDENTIAL_KEYWORD.as_bytes()
                || keyword == PNG_ASSERTION_KEYWORD.as_bytes()
            {
                continue;
            }
        }
        out.extend_from_slice(&png[chunk.whole.clone()]);
    }
    Ok(out)
}

/// The text of a tEXt, zTXt or iTXt chunk's data (after the keyword).
fn chunk_text(kind: &[u8; 4], data: &[u8]) -> Result<String, BakeError> {
    let bad = |m: &str| BakeError::Png(m.to_string());
    let rest = &data[text_keyword(data).len().min(data.len())..];
    let rest = rest.get(1..).unwrap_or_default();
    let latin1 = |bytes: &[u8]| bytes.iter().map(|&b| char::from(b)).collect::<String>();
    match kind {
        b"tEXt" => Ok(latin1(rest)),
        b"zTXt" => {
            let compressed = rest.get(1..).ok_or_else(|| bad("a zTXt chunk is cut"))?;
            Ok(latin1(&inflate(compressed)?))
        }
        _ => {
            let (&flag, rest) = rest
                .split_first()
                .ok_or_else(|| bad("an iTXt chunk is cut"))?;
            let rest = rest.get(1..).ok_or_else(|| bad("an iTXt chunk is cut"))?;
            // Language tag and translated keyword, each NUL-terminated.
            let mut rest = rest;
            for _ in 0..2 {
                let end = rest
                    .iter()
                    .position(|&b| b == 0)
                    .ok_or_else(|| bad("an iTXt chunk is cut"))?;
                rest = &rest[end + 1..];
            }
            let bytes = if flag == 1 {
                inflate(rest)?
            } else {
                rest.to_vec()
            };
            String::from_utf8(bytes).map_err(|_| bad("an iTXt text is not UTF-8"))
        }
    }
}

/// zlib-decompresses at most [`MAX_BYTES`] (the specifications forbid
/// compression, but old tools used it).
fn inflate(data: &[u8]) -> Result<Vec<u8>, BakeError> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| BakeError::Png(format!("a compressed text chunk is broken: {e}")))?;
    if out.len() > MAX_BYTES {
        return Err(BakeError::TooLarge { what: "text chunk" });
    }
    Ok(out)
}

fn extract_png(png: &[u8]) -> Result<Extracted, BakeError> {
    let mut found = Extracted {
        format: Some(Format::Png),
        ..Extracted::default()
    };
    for chunk in png_chunks(png)? {
        if !is_text_chunk(&chunk.kind) {
            continue;
        }
        let data = &png[chunk.data.clone()];
        let keyword = text_keyword(data);
        // The first chunk with each keyword counts (OB 2.0 and 3.0 baking).
        if keyword == PNG_CREDENTIAL_KEYWORD.as_bytes() && found.credential.is_none() {
            found.credential = Some(chunk_text(&chunk.kind, data)?);
        } else if keyword == PNG_ASSERTION_KEYWORD.as_bytes() && found.assertion.is_none() {
            found.assertion = Some(chunk_text(&chunk.kind, data)?);
        }
    }
    Ok(found)
}

// ---------------------------------------------------------------- SVG

/// Where the root `<svg …>` start tag is: its byte range, and whether it
/// closes itself (`<svg … />`).
struct RootTag {
    range: std::ops::Range<usize>,
    self_closing: bool,
}

fn svg_text(image: &[u8]) -> Result<&str, BakeError> {
    std::str::from_utf8(image).map_err(|_| BakeError::Svg("it is not UTF-8 text".into()))
}

/// Finds the root element's start tag, skipping the XML declaration,
/// comments, processing instructions and a DOCTYPE.
fn root_tag(svg: &str) -> Result<RootTag, BakeError> {
    let bad = |m: &str| BakeError::Svg(m.to_string());
    let bytes = svg.as_bytes();
    let mut at = if svg.starts_with('\u{feff}') { 3 } else { 0 };
    loop {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let rest = &svg[at..];
        if rest.starts_with("<?") {
            at += rest.find("?>").ok_or_else(|| bad("unclosed `<?`"))? + 2;
        } else if rest.starts_with("<!--") {
            at += rest.find("-->").ok_or_else(|| bad("unclosed comment"))? + 3;
        } else if rest.starts_with("<!") {
            // DOCTYPE, possibly with an internal subset in brackets.
            let mut depth = 0usize;
            let mut end = None;
            for (i, b) in rest.bytes().enumerate().skip(2) {
                match b {
                    b'[' => depth += 1,
                    b']' => depth = depth.saturating_sub(1),
                    b'>' if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            at += end.ok_or_else(|| bad("unclosed `<!DOCTYPE`"))? + 1;
        } else if let Some(after) = rest.strip_prefix('<') {
            let name_end = after
                .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            let name = &after[..name_end];
            if name != "svg" && !name.ends_with(":svg") {
                return Err(bad(&format!("the root element is <{name}>, not <svg>")));
            }
            let end = tag_end(rest).ok_or_else(|| bad("the <svg> start tag is not closed"))?;
            let self_closing = rest[..end].ends_with('/');
            return Ok(RootTag {
                range: at..at + end + 1,
                self_closing,
            });
        } else {
            return Err(bad("no <svg> element"));
        }
    }
}

/// The index of the `>` that ends the start tag at the beginning of `text`
/// (quotes respected).
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Escapes text for an XML attribute value in double quotes.
fn attribute(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// The root start tag without an `xmlns:openbadges` declaration.
fn without_openbadges_ns(tag: &str) -> String {
    let Some(start) = tag.find("xmlns:openbadges") else {
        return tag.to_string();
    };
    let after = &tag[start..];
    let Some(eq) = after.find('=') else {
        return tag.to_string();
    };
    let value = after[eq + 1..].trim_start_matches(|c: char| c.is_ascii_whitespace());
    let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        return tag.to_string();
    };
    let Some(close) = value[1..].find(q) else {
        return tag.to_string();
    };
    let end = tag.len() - value.len() + 1 + close + 1;
    let before = tag[..start].trim_end_matches(|c: char| c.is_ascii_whitespace());
    format!("{before}{}", &tag[end..])
}

/// `svg` without earlier `<openbadges:credential>` and
/// `<openbadges:assertion>` elements (and the line break after each), in
/// one pass.
fn without_baked_elements(svg: &str) -> Result<String, BakeError> {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(start) = rest.find("<openbadges:") {
        out.push_str(&rest[..start]);
        let element = &rest[start..];
        let name = ["openbadges:credential", "openbadges:assertion"]
            .into_iter()
            .find(|name| {
                element[1..].strip_prefix(name).is_some_and(|after| {
                    after.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                })
            });
        let Some(name) = name else {
            out.push('<');
            rest = &element[1..];
            continue;
        };
        let open_end = tag_end(element)
            .ok_or_else(|| BakeError::Svg(format!("unclosed <{name}> start tag")))?;
        let mut end = if element[..open_end].ends_with('/') {
            open_end + 1
        } else {
            let close = format!("</{name}>");
            open_end
                + element[open_end..]
                    .find(&close)
                    .ok_or_else(|| BakeError::Svg(format!("<{name}> is not closed")))?
                + close.len()
        };
        if element[end..].starts_with('\n') {
            end += 1;
        }
        rest = &element[end..];
    }
    out.push_str(rest);
    Ok(out)
}

fn bake_svg(
    image: &[u8],
    credential: &str,
    assertion: Option<&(String, String)>,
) -> Result<Vec<u8>, BakeError> {
    let svg = without_baked_elements(svg_text(image)?)?;
    let root = root_tag(&svg)?;
    let tag = &svg[root.range.clone()];
    let tag = without_openbadges_ns(tag);
    let body = tag
        .strip_suffix("/>")
        .or_else(|| tag.strip_suffix('>'))
        .unwrap_or(&tag)
        .trim_end_matches(|c: char| c.is_ascii_whitespace());
    let mut out = String::with_capacity(svg.len() + credential.len() * 2 + 256);
    out.push_str(&svg[..root.range.start]);
    out.push_str(body);
    out.push_str(&format!(" xmlns:openbadges=\"{SVG_CREDENTIAL_NS}\">\n"));
    out.push_str("<openbadges:credential><![CDATA[");
    out.push_str(credential);
    out.push_str("]]></openbadges:credential>\n");
    if let Some((text, url)) = assertion {
        out.push_str(&format!(
            "<openbadges:assertion xmlns:openbadges=\"{SVG_ASSERTION_NS}\" verify=\"{}\"><![CDATA[",
            attribute(url)
        ));
        out.push_str(text);
        out.push_str("]]></openbadges:assertion>\n");
    }
    if root.self_closing {
        out.push_str("</svg>");
        out.push_str(&svg[root.range.end..]);
    } else {
        out.push_str(svg[root.range.end..].trim_start_matches('\n'));
    }
    Ok(out.into_bytes())
}

/// The text content of an element body: CDATA sections as they are,
/// other text with its entities decoded; surrounding whitespace trimmed.
fn element_text(body: &str) -> Result<String, BakeError> {
    let mut out = String::new();
    let mut rest = body;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after
                .find("]]>")
                .ok_or_else(|| BakeError::Svg("unclosed CDATA section".into()))?;
            out.push_str(&after[..end]);
            rest = &after[end + 3..];
        } else {
            let next = rest.find("<![CDATA[").unwrap_or(rest.len());
            out.push_str(&decode_entities(&rest[..next]));
            rest = &rest[next..];
        }
    }
    Ok(out.trim().to_string())
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = after;
            continue;
        };
        let name = &after[..semi];
        let decoded = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of attribute `name` in a start tag.
fn attribute_value(tag: &str, name: &str) -> Option<String> {
    let mut search = tag;
    loop {
        let at = search.find(name)?;
        let before = search[..at].chars().last();
        let after = search[at + name.len()..].trim_start();
        search = &search[at + name.len()..];
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let q = value.chars().next()?;
        if q != '"' && q != '\'' {
            return None;
        }
        let end = value[1..].find(q)?;
        return Some(decode_entities(&value[1..1 + end]));
    }
}

fn extract_svg(image: &[u8]) -> Result<Extracted, BakeError> {
    let svg = svg_text(image)?;
    let mut found = Extracted {
        format: Some(Format::Svg),
        ..Extracted::default()
    };
    for name in ["openbadges:credential", "openbadges:assertion"] {
        let Some(start) = svg.find(&format!("<{name}")) else {
            continue;
        };
        let rest = &svg[start..];
        // `<openbadges:credentials…` would be another element.
        if !rest[name.len() + 1..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/')
        {
            continue;
        }
        let open_end =
            tag_end(rest).ok_or_else(|| BakeError::Svg(format!("unclosed <{name}> start tag")))?;
        let tag = &rest[..open_end];
        let text = if tag.ends_with('/') {
            String::new()
        } else {
            let close = format!("</{name}>");
            let end = rest
                .find(&close)
                .ok_or_else(|| BakeError::Svg(format!("<{name}> is not closed")))?;
            element_text(&rest[open_end + 1..end])?
        };
        let text = (!text.is_empty()).then_some(text);
        if name == "openbadges:credential" {
            found.credential = text;
        } else {
            found.assertion = text;
            found.assertion_verify = attribute_value(tag, "verify");
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREDENTIAL: &str = r#"{
  "id": "https://example.org/c/1",
  "name": "Curly {braces} and ]]> and \"{quoted}\" \\{",
  "n": [1, {"a": "}"}]
}
"#;
    const ASSERTION: &str =
        r#"{"id": "https://example.org/a/1.json?x=1&y=2", "type": "Assertion"}"#;

    fn png() -> Vec<u8> {
        // A 1×1 grey PNG made by hand: IHDR, IDAT, a tEXt chunk, IEND.
        let mut png = PNG_SIGNATURE.to_vec();
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            let mut crc = crc32fast::Hasher::new();
            crc.update(kind);
            crc.update(data);
            c.extend_from_slice(&crc.finalize().to_be_bytes());
            c
        };
        png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        png.extend(chunk(b"tEXt", b"Software\0hand"));
        png.extend(chunk(
            b"IDAT",
            &[0x78, 0x9c, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81],
        ));
        png.extend(chunk(b"IEND", b""));
        png
    }

    #[test]
    fn braces_in_strings_are_escaped_and_the_json_is_the_same() {
        let text = baked_text(CREDENTIAL, "credential").unwrap();
        let inside: String = text
            .split('"')
            .skip(1)
            .step_by(2)
            .collect::<Vec<_>>()
            .join("");
        assert!(!inside.contains('{') && !inside.contains('}'), "{text}");
        assert!(!text.contains("]]>"), "{text}");
        assert!(
            text.contains(r#"\"\u007bquoted\u007d\" \\\u007b"#),
            "{text}"
        );
        // Counting braces now finds the whole document.
        let opens = text.matches('{').count();
        assert_eq!(opens, text.matches('}').count());
        assert_eq!(opens, 2);
        let a: Value = serde_json::from_str(CREDENTIAL).unwrap();
        let b: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(a, b);
        // Only the spelling of those characters changed.
        let spelled = text
            .replace("\\u007b", "{")
            .replace("\\u007d", "}")
            .replace("\\u003e", ">");
        assert_eq!(spelled, CREDENTIAL.trim());
        assert!(baked_text("[1]", "credential").is_err());
        assert!(baked_text("{", "credential").is_err());
    }

    #[test]
    fn png_round_trip_keeps_every_other_chunk_and_bakes_each_keyword_once() {
        let image = png();
        let baked = bake(&image, CREDENTIAL, Some(ASSERTION)).unwrap();
        // Rebaking replaces, never duplicates.
        let rebaked = bake(&baked, CREDENTIAL, Some(ASSERTION)).unwrap();
        assert_eq!(baked, rebaked);
        let chunks = png_chunks(&baked).unwrap();
        let kinds: Vec<&[u8]> = chunks.iter().map(|c| &c.kind[..]).collect();
        assert_eq!(
            kinds,
            [&b"IHDR"[..], b"tEXt", b"IDAT", b"iTXt", b"iTXt", b"IEND"]
        );
        // The original chunks are byte for byte where they were.
        let original = png_chunks(&image).unwrap();
        for (i, chunk) in original.iter().take(3).enumerate() {
            assert_eq!(&image[chunk.whole.clone()], &baked[chunks[i].whole.clone()]);
        }
        // CRCs of the new chunks are right.
        for chunk in &chunks[3..5] {
            let data = &baked[chunk.data.clone()];
            let mut crc = crc32fast::Hasher::new();
            crc.update(b"iTXt");
            crc.update(data);
            assert_eq!(
                crc.finalize().to_be_bytes(),
                baked[chunk.data.end..chunk.whole.end]
            );
            // Uncompressed.
            assert_eq!(data[text_keyword(data).len() + 1], 0);
        }
        let found = extract(&baked).unwrap();
        assert_eq!(
            found.credential.as_deref(),
            Some(&baked_text(CREDENTIAL, "c").unwrap()[..])
        );
        assert_eq!(found.assertion.as_deref(), Some(ASSERTION));
        assert_eq!(extract(&image).unwrap().credential, None);
    }

    #[test]
    fn svg_round_trip_declares_both_namespaces_once() {
        let svg = "<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 4\">\n<rect width=\"4\" height=\"4\"/></svg>\n";
        let baked = bake(svg.as_bytes(), CREDENTIAL, Some(ASSERTION)).unwrap();
        let text = String::from_utf8(baked.clone()).unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 4\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">\n<openbadges:credential><![CDATA[{"), "{text}");
        assert!(text.contains("<openbadges:assertion xmlns:openbadges=\"http://openbadges.org\" verify=\"https://example.org/a/1.json?x=1&amp;y=2\"><![CDATA[{"), "{text}");
        assert!(
            text.ends_with("]]></openbadges:assertion>\n<rect width=\"4\" height=\"4\"/></svg>\n"),
            "{text}"
        );
        assert_eq!(text.matches("<openbadges:credential>").count(), 1);
        assert_eq!(text.matches("xmlns:openbadges=").count(), 2);
        let found = extract(&baked).unwrap();
        assert_eq!(
            found.credential.as_deref(),
            Some(&baked_text(CREDENTIAL, "c").unwrap()[..])
        );
        assert_eq!(found.assertion.as_deref(), Some(ASSERTION));
        assert_eq!(
            found.assertion_verify.as_deref(),
            Some("https://example.org/a/1.json?x=1&y=2")
        );
        // Rebaking an already baked SVG gives the same file.
        assert_eq!(bake(&baked, CREDENTIAL, Some(ASSERTION)).unwrap(), baked);
        // Without an assertion, only the credential.
        let only = bake(svg.as_bytes(), CREDENTIAL, None).unwrap();
        let found = extract(&only).unwrap();
        assert!(found.credential.is_some() && found.assertion.is_none());
    }

    #[test]
    fn a_self_closing_svg_root_gets_a_body() {
        let baked = bake(
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            CREDENTIAL,
            None,
        )
        .unwrap();
        let text = String::from_utf8(baked).unwrap();
        assert!(text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges="));
        assert!(text.ends_with("</openbadges:credential>\n</svg>"), "{text}");
    }

    #[test]
    fn svg_baked_by_other_tools_is_read() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\">\
            <openbadges:assertion verify=\"https://x.example/a\">\n  <![CDATA[ {\"id\":\"https://x.example/a\"} ]]>\n</openbadges:assertion></svg>";
        let found = extract(svg.as_bytes()).unwrap();
        assert_eq!(
            found.assertion.as_deref(),
            Some("{\"id\":\"https://x.example/a\"}")
        );
        assert_eq!(found.credential, None);
        let entities =
            "<svg><openbadges:credential>{&quot;a&quot;:1}</openbadges:credential></svg>";
        assert_eq!(
            extract(entities.as_bytes()).unwrap().credential.as_deref(),
            Some("{\"a\":1}")
        );
        // Rebaking it drops the old root declaration and element.
        let baked = String::from_utf8(bake(svg.as_bytes(), "{}", None).unwrap()).unwrap();
        assert!(!baked.contains("http://openbadges.org"), "{baked}");
    }

    #[test]
    fn many_baked_elements_are_removed_in_linear_time() {
        let mut svg = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\">");
        for _ in 0..200_000 {
            svg.push_str("<openbadges:assertion verify=\"x\"/><openbadges:other/>");
        }
        svg.push_str("</svg>");
        // One pass: removing them one by one from the whole text would take
        // minutes here (no timing is asserted; a quadratic version hangs).
        let baked = String::from_utf8(bake(svg.as_bytes(), "{}", None).unwrap()).unwrap();
        assert_eq!(baked.matches("<openbadges:assertion").count(), 0);
        assert_eq!(baked.matches("<openbadges:other/>").count(), 200_000);
    }

    #[test]
    fn broken_images_are_errors_not_panics() {
        let image = png();
        for cut in [0, 8, 10, 20, 33, image.len() - 1] {
            assert!(bake(&image[..cut], "{}", None).is_err(), "cut at {cut}");
            let _ = extract(&image[..cut]);
        }
        assert_eq!(bake(b"GIF89a", "{}", None), Err(BakeError::UnknownFormat));
        assert!(bake(b"<html><svg></svg></html>", "{}", None).is_err());
        assert!(bake(b"<svg", "{}", None).is_err());
        assert!(extract(b"<svg><openbadges:credential>{").is_err());
        let mut huge_len = image.clone();
        huge_len[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(bake(&huge_len, "{}", None).is_err());
        assert_eq!(
            bake(&image, "{}", Some("{}")),
            Err(BakeError::AssertionWithoutId)
        );
    }
}
