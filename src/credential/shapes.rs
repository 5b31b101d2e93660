//! Fast canonicalisation of documents that share a *shape*.
//!
//! JSON-LD expansion dominates signing: json-ld 0.21 reprocesses every
//! type-scoped context for every typed node, about 1.5 ms per credential.
//! But a site's credentials come from typed structs: they differ only in
//! their string values, not in their keys, `type`s or `@context`. So for each
//! distinct shape (the document with its string values blanked out) we expand
//! once, with every string replaced by a unique placeholder IRI, and keep the
//! resulting RDF quads as a template. Any other document of that shape is
//! canonicalised by putting its strings into the template (literals as they
//! are, IRIs only when they are absolute `http(s):`, `did:` or `urn:` IRIs) and
//! running RDFC-1.0 on the result: the expansion is skipped. The template
//! also keeps its quads as N-Quads lines with holes for the strings, so the
//! hashing of blank nodes and the sorted output are written straight from
//! the strings, without building quads (half the time of the quads' way).
//!
//! Safety: a template is used only after it reproduced the full JSON-LD path
//! byte for byte on the document that created it; any value the template
//! cannot take (a relative or unusual IRI, a control character) goes through
//! the full path, which also reports safe-mode errors. Tests compare both
//! paths on many generated credentials.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, RwLock};

use json_ld::IriBuf;
use json_ld::rdf_types::{Id, Literal, Quad, Term};
use serde_json::Value;
use ssi_rdf::LexicalQuad;

use super::canon::{CanonError, Canonicalizer};

const SLOT_PREFIX: &str = "urn:x-rosette-slot:";

/// A canonicaliser that remembers document shapes. Share it across threads.
pub struct ShapeCache<'c> {
    canon: &'c Canonicalizer,
    /// Shape key → template, or `None` when the shape must always take the
    /// full path.
    shapes: RwLock<HashMap<String, Option<Arc<Template>>>>,
    /// Canonical forms of small documents seen before, whole: proof
    /// configurations repeat for every award issued at the same moment.
    exact: RwLock<HashMap<String, String>>,
}

/// Documents with at most this many slots are remembered whole.
const EXACT_SLOTS: usize = 8;
/// Bound on the memo of whole documents (beyond it, nothing more is
/// remembered).
const EXACT_MAX: usize = 20_000;

/// Quads whose parts are either fixed or filled from the document's strings.
struct Template {
    quads: Vec<Quad<Part, IriBuf, ObjectPart, Part>>,
    /// The same quads as N-Quads lines to fill in.
    lines: Lines,
}

/// A template's quads as the pieces of their N-Quads lines, so a
/// document's canonical form is written straight from its strings: no
/// quads are built, no IRI or literal is copied into one.
struct Lines {
    lines: Vec<Vec<Piece>>,
    /// For each blank node, the lines it occurs in, once per occurrence
    /// (as [`super::canon`]'s first-degree hashing counts them).
    blanks: Vec<Vec<usize>>,
    /// The slots that are IRIs somewhere, each checked once.
    iri_slots: Vec<usize>,
    /// One more than the highest slot used.
    slots: usize,
}

/// One piece of an N-Quads line.
enum Piece {
    /// Written as it is (fixed IRIs and literals, spaces, ` .\n`).
    Text(Box<str>),
    /// A slot's string as an IRI, between the `<` and `>` of the text.
    Iri(usize),
    /// A slot's string as a literal's value, escaped, between quotes.
    Literal(usize),
    /// A blank node, by its number in the template.
    Blank(usize),
}

enum Part {
    Fixed(Id),
    Iri(usize),
}

enum ObjectPart {
    Fixed(Term),
    Iri(usize),
    Literal(usize, json_ld::rdf_types::LiteralType),
}

/// The document a [`ShapeCache`] canonicalises: a JSON value, or JSON text
/// parsed only when the full path needs the value.
#[derive(Clone, Copy)]
enum Doc<'d> {
    Value(&'d Value),
    Json(&'d [u8]),
}

impl<'d> Doc<'d> {
    fn value(self) -> Result<Cow<'d, Value>, CanonError> {
        match self {
            Doc::Value(value) => Ok(Cow::Borrowed(value)),
            Doc::Json(json) => serde_json::from_slice(json)
                .map(Cow::Owned)
                .map_err(not_json),
        }
    }
}

fn not_json(error: serde_json::Error) -> CanonError {
    CanonError::Expansion(format!("the document is not JSON: {error}"))
}

impl<'c> ShapeCache<'c> {
    pub fn new(canon: &'c Canonicalizer) -> Self {
        ShapeCache {
            canon,
            shapes: RwLock::new(HashMap::new()),
            exact: RwLock::new(HashMap::new()),
        }
    }

    /// RDFC-1.0 canonical N-Quads of `doc`, exactly as
    /// [`Canonicalizer::canonicalize`] would produce them.
    pub fn canonicalize(&self, doc: &Value) -> Result<String, CanonError> {
        let mut key = String::new();
        let mut values = Vec::new();
        skeleton(doc, false, &mut key, &mut values);
        self.shaped(Doc::Value(doc), key, &values)
    }

    /// [`Self::canonicalize`] of the document whose JSON text is `json`,
    /// read straight from the text: no JSON value is built unless the
    /// document takes the full path (a shape seen for the first time, a
    /// value the template cannot take). So the canonical form is that of
    /// exactly the bytes a verifier reads.
    pub fn canonicalize_json(&self, json: &[u8]) -> Result<String, CanonError> {
        let mut key = String::new();
        let mut values = Vec::new();
        skeleton_of_json(json, &mut key, &mut values).map_err(not_json)?;
        let values: Vec<&str> = values.iter().map(|v| v.as_ref()).collect();
        self.shaped(Doc::Json(json), key, &values)
    }

    /// Canonicalises a document of shape `key` and strings `values`: from
    /// the memo of small documents, else through its shape's template.
    fn shaped(&self, doc: Doc<'_>, key: String, values: &[&str]) -> Result<String, CanonError> {
        if values.len() > EXACT_SLOTS {
            return self.by_shape(doc, key, values);
        }
        // The key and every value, length-prefixed: one document only.
        let mut whole = key.clone();
        for value in values {
            let _ = write!(whole, "\0{}:{value}", value.len());
        }
        if let Some(found) = self.exact.read().ok().and_then(|e| e.get(&whole).cloned()) {
            return Ok(found);
        }
        let nquads = self.by_shape(doc, key, values)?;
        if let Ok(mut exact) = self.exact.write()
            && exact.len() < EXACT_MAX
        {
            exact.insert(whole, nquads.clone());
        }
        Ok(nquads)
    }

    /// Canonicalises through the template of `doc`'s shape (`key`), learning
    /// it the first time.
    fn by_shape(&self, doc: Doc<'_>, key: String, values: &[&str]) -> Result<String, CanonError> {
        let known = self
            .shapes
            .read()
            .ok()
            .and_then(|shapes| shapes.get(&key).cloned());
        match known {
            Some(Some(template)) => match template.canonical(values) {
                Some(nquads) => Ok(nquads),
                None => self.canon.canonicalize(&*doc.value()?),
            },
            Some(None) => self.canon.canonicalize(&*doc.value()?),
            None => {
                let doc = doc.value()?;
                let full = self.canon.canonicalize(&doc)?;
                let template = self.learn(&doc, values.len()).filter(|t| {
                    t.fill(values)
                        .is_some_and(|quads| normalize(&quads) == full)
                        && t.canonical(values).as_ref() == Some(&full)
                });
                if let Ok(mut shapes) = self.shapes.write() {
                    shapes.insert(key, template.map(Arc::new));
                }
                Ok(full)
            }
        }
    }

    /// Expands `doc` with its strings replaced by slot IRIs.
    fn learn(&self, doc: &Value, slots: usize) -> Option<Template> {
        let mut next = 0;
        let placeholder = with_placeholders(doc, false, &mut next);
        debug_assert_eq!(next, slots);
        let quads = self.canon.to_quads(&placeholder).ok()?;
        let slot_of = |text: &str| {
            text.strip_prefix(SLOT_PREFIX)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&n| n < slots)
        };
        let part = |id: Id| match &id {
            Id::Iri(iri) => match slot_of(iri.as_str()) {
                Some(n) => Part::Iri(n),
                None => Part::Fixed(id),
            },
            Id::Blank(_) => Part::Fixed(id),
        };
        let quads = quads
            .into_iter()
            .map(|Quad(s, p, o, g)| {
                let object = match o {
                    Term::Id(Id::Iri(iri)) if slot_of(iri.as_str()).is_some() => {
                        ObjectPart::Iri(slot_of(iri.as_str()).unwrap_or_default())
                    }
                    Term::Literal(Literal { value, type_ }) if slot_of(&value).is_some() => {
                        ObjectPart::Literal(slot_of(&value).unwrap_or_default(), type_)
                    }
                    other => ObjectPart::Fixed(other),
                };
                Quad(part(s), p, object, g.map(part))
            })
            .collect::<Vec<_>>();
        let lines = Lines::of(&quads);
        Some(Template { quads, lines })
    }
}

impl super::canon::Canonicalize for ShapeCache<'_> {
    fn canonicalize(&self, doc: &Value) -> Result<String, CanonError> {
        ShapeCache::canonicalize(self, doc)
    }
}

impl Template {
    /// The quads of a document with these strings, or `None` when a value
    /// cannot be put into the template safely.
    fn fill(&self, values: &[&str]) -> Option<Vec<LexicalQuad>> {
        if values.iter().any(|v| v.chars().any(is_unportable)) {
            return None;
        }
        let iri = |n: usize| {
            let value = *values.get(n)?;
            if !is_allowed_iri(value) {
                return None;
            }
            IriBuf::new(value.to_owned()).ok()
        };
        let part = |p: &Part| -> Option<Id> {
            match p {
                Part::Fixed(id) => Some(id.clone()),
                Part::Iri(n) => iri(*n).map(Id::Iri),
            }
        };
        self.quads
            .iter()
            .map(|Quad(s, p, o, g)| {
                let object = match o {
                    ObjectPart::Fixed(term) => term.clone(),
                    ObjectPart::Iri(n) => Term::Id(Id::Iri(iri(*n)?)),
                    ObjectPart::Literal(n, type_) => Term::Literal(Literal {
                        value: (*values.get(*n)?).to_string(),
                        type_: type_.clone(),
                    }),
                };
                let graph = match g {
                    Some(g) => Some(part(g)?),
                    None => None,
                };
                Some(Quad(part(s)?, p.clone(), object, graph))
            })
            .collect()
    }
}

impl Template {
    /// RDFC-1.0 canonical N-Quads of the document with these strings, or
    /// `None` when a value cannot be put into the template safely. Written
    /// from the lines when first-degree hashes tell every blank node apart
    /// (what [`super::canon::canonical_nquads`] computes then, byte for
    /// byte); otherwise through the quads and the complete algorithm.
    fn canonical(&self, values: &[&str]) -> Option<String> {
        let lines = &self.lines;
        if values.len() < lines.slots || values.iter().any(|v| v.chars().any(is_unportable)) {
            return None;
        }
        if !lines.iri_slots.iter().all(|&n| is_allowed_iri(values[n])) {
            return None;
        }
        let write = |text: &mut String, line: usize, blank: &dyn Fn(usize, &mut String)| {
            lines.write(text, line, values, blank);
        };
        super::canon::first_degree(&lines.blanks, lines.lines.len(), &write)
            .or_else(|| self.fill(values).map(|quads| normalize(&quads)))
    }
}

impl Lines {
    /// The lines of a template's quads, written by the canonicaliser's own
    /// writers (so fixed parts are byte for byte what it writes).
    fn of(quads: &[Quad<Part, IriBuf, ObjectPart, Part>]) -> Lines {
        use super::canon::{write_id, write_iri, write_literal_type, write_literal_value};
        let mut out = Lines {
            lines: Vec::with_capacity(quads.len()),
            blanks: Vec::new(),
            iri_slots: Vec::new(),
            slots: 0,
        };
        let mut numbers: HashMap<String, usize> = HashMap::new();
        for (at, Quad(s, p, o, g)) in quads.iter().enumerate() {
            let mut line = LineWriter::default();
            let mut id = |line: &mut LineWriter, out: &mut Lines, id: &Id| match id {
                Id::Blank(blank) => {
                    let next = numbers.len();
                    let number = *numbers.entry(blank.as_str().to_owned()).or_insert(next);
                    if number == out.blanks.len() {
                        out.blanks.push(Vec::new());
                    }
                    out.blanks[number].push(at);
                    line.piece(Piece::Blank(number));
                }
                iri => write_id(line.text(), iri, &|_, _| {}),
            };
            let slot = |line: &mut LineWriter, out: &mut Lines, n: usize, iri: bool| {
                out.slots = out.slots.max(n + 1);
                if iri {
                    if !out.iri_slots.contains(&n) {
                        out.iri_slots.push(n);
                    }
                    line.text().push('<');
                    line.piece(Piece::Iri(n));
                    line.text().push('>');
                } else {
                    line.text().push('"');
                    line.piece(Piece::Literal(n));
                    line.text().push('"');
                }
            };
            match s {
                Part::Fixed(fixed) => id(&mut line, &mut out, fixed),
                Part::Iri(n) => slot(&mut line, &mut out, *n, true),
            }
            line.text().push(' ');
            write_iri(line.text(), p);
            line.text().push(' ');
            match o {
                ObjectPart::Fixed(Term::Id(fixed)) => id(&mut line, &mut out, fixed),
                ObjectPart::Fixed(Term::Literal(literal)) => {
                    let text = line.text();
                    text.push('"');
                    write_literal_value(text, literal.value.as_str());
                    text.push('"');
                    write_literal_type(text, &literal.type_);
                }
                ObjectPart::Iri(n) => slot(&mut line, &mut out, *n, true),
                ObjectPart::Literal(n, type_) => {
                    slot(&mut line, &mut out, *n, false);
                    write_literal_type(line.text(), type_);
                }
            }
            match g {
                Some(Part::Fixed(fixed)) => {
                    line.text().push(' ');
                    id(&mut line, &mut out, fixed);
                }
                Some(Part::Iri(n)) => {
                    line.text().push(' ');
                    slot(&mut line, &mut out, *n, true);
                }
                None => {}
            }
            line.text().push_str(" .\n");
            out.lines.push(line.finish());
        }
        out
    }

    /// Line `line` with these strings, blank nodes named by `blank`.
    fn write(
        &self,
        text: &mut String,
        line: usize,
        values: &[&str],
        blank: &dyn Fn(usize, &mut String),
    ) {
        for piece in &self.lines[line] {
            match piece {
                Piece::Text(fixed) => text.push_str(fixed),
                Piece::Iri(n) => text.push_str(values[*n]),
                Piece::Literal(n) => super::canon::write_literal_value(text, values[*n]),
                Piece::Blank(b) => blank(*b, text),
            }
        }
    }
}

/// Collects a line's pieces, runs of fixed text joined.
#[derive(Default)]
struct LineWriter {
    pieces: Vec<Piece>,
    text: String,
}

impl LineWriter {
    /// Where fixed text goes.
    fn text(&mut self) -> &mut String {
        &mut self.text
    }

    fn piece(&mut self, piece: Piece) {
        self.flush();
        self.pieces.push(piece);
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.pieces.push(Piece::Text(text.into_boxed_str()));
        }
    }

    fn finish(mut self) -> Vec<Piece> {
        self.flush();
        self.pieces
    }
}

/// Whether a template may take `value` as an IRI: an absolute `http(s):`,
/// `did:` or `urn:` IRI, and valid (checked in place, without a copy).
fn is_allowed_iri(value: &str) -> bool {
    let allowed = ["https://", "http://", "did:", "urn:"]
        .iter()
        .any(|s| value.starts_with(s));
    allowed && json_ld::rdf_types::Iri::new(value).is_ok()
}

fn normalize(quads: &[LexicalQuad]) -> String {
    super::canon::canonical_nquads(quads)
}

/// Same rule as the canonicaliser: control characters other than LF and CR.
fn is_unportable(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}') && c != '\n' && c != '\r'
}

/// Keys whose string values decide the expansion itself, so they are part
/// of the shape rather than slots: `@context` and types, and `proofPurpose`,
/// whose value is a term (`assertionMethod`) that the context maps to an IRI
/// through `@vocab` (a placeholder cannot stand for it, so without this every
/// proof configuration took the full JSON-LD path).
fn is_structural(key: &str) -> bool {
    matches!(key, "@context" | "type" | "@type" | "proofPurpose")
}

/// Writes the shape of `value` into `key` and collects its slot strings.
fn skeleton<'v>(value: &'v Value, structural: bool, key: &mut String, values: &mut Vec<&'v str>) {
    match value {
        Value::Object(map) => {
            key.push('{');
            for (k, v) in map {
                // Length-prefixed: no key can run into the next.
                let _ = write!(key, "{}:", k.len());
                key.push_str(k);
                key.push(':');
                skeleton(v, structural || is_structural(k), key, values);
                key.push(',');
            }
            key.push('}');
        }
        Value::Array(items) => {
            key.push('[');
            for item in items {
                skeleton(item, structural, key, values);
                key.push(',');
            }
            key.push(']');
        }
        Value::String(s) if !structural => {
            key.push('$');
            values.push(s);
        }
        Value::String(s) => quoted(key, s),
        other => {
            let _ = write!(key, "{other}");
        }
    }
}

/// Writes a structural string into a shape key as JSON writes it.
fn quoted(key: &mut String, text: &str) {
    if text.chars().any(|c| c == '"' || c == '\\' || c < ' ') {
        let _ = write!(key, "{}", Value::String(text.to_owned()));
    } else {
        key.push('"');
        key.push_str(text);
        key.push('"');
    }
}

/// [`skeleton`] of the value that the JSON text `json` is, read from the
/// text: strings without escapes are borrowed from it, not copied.
fn skeleton_of_json<'j>(
    json: &'j [u8],
    key: &mut String,
    values: &mut Vec<Cow<'j, str>>,
) -> Result<(), serde_json::Error> {
    use serde::de::DeserializeSeed as _;
    let mut reader = serde_json::Deserializer::from_slice(json);
    Shape {
        structural: false,
        key,
        values,
    }
    .deserialize(&mut reader)?;
    reader.end()
}

/// Writes what [`skeleton`] writes, for the JSON value read from a
/// deserializer (serde's visitor of any value).
struct Shape<'s, 'j> {
    structural: bool,
    key: &'s mut String,
    values: &'s mut Vec<Cow<'j, str>>,
}

impl<'j> Shape<'_, 'j> {
    fn within(&mut self, structural: bool) -> Shape<'_, 'j> {
        Shape {
            structural: self.structural || structural,
            key: self.key,
            values: self.values,
        }
    }

    fn string(self, text: Cow<'j, str>) {
        if self.structural {
            quoted(self.key, &text);
        } else {
            self.key.push('$');
            self.values.push(text);
        }
    }

    /// Numbers, booleans and null, written as [`skeleton`] writes them.
    fn scalar(self, value: Value) {
        let _ = write!(self.key, "{value}");
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Shape<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, reader: D) -> Result<(), D::Error> {
        reader.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Shape<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.key.push('{');
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            let _ = write!(self.key, "{}:", name.len());
            self.key.push_str(&name);
            self.key.push(':');
            map.next_value_seed(self.within(is_structural(&name)))?;
            self.key.push(',');
        }
        self.key.push('}');
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut items: A) -> Result<(), A::Error> {
        self.key.push('[');
        while items.next_element_seed(self.within(false))?.is_some() {
            self.key.push(',');
        }
        self.key.push(']');
        Ok(())
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<(), E> {
        self.string(Cow::Borrowed(text));
        Ok(())
    }

    fn visit_str<E>(self, text: &str) -> Result<(), E> {
        self.string(Cow::Owned(text.to_owned()));
        Ok(())
    }

    fn visit_string<E>(self, text: String) -> Result<(), E> {
        self.string(Cow::Owned(text));
        Ok(())
    }

    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.scalar(Value::from(n));
        Ok(())
    }

    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        self.scalar(Value::from(n));
        Ok(())
    }

    fn visit_f64<E>(self, n: f64) -> Result<(), E> {
        self.scalar(Value::from(n));
        Ok(())
    }

    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.scalar(Value::Bool(b));
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.scalar(Value::Null);
        Ok(())
    }
}

/// A JSON string, borrowed from the text when it has no escapes.
struct Text<'j>(Cow<'j, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(reader: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        reader.deserialize_str(Visit)
    }
}

/// `value` with each slot string replaced by `urn:x-rosette-slot:<n>`.
fn with_placeholders(value: &Value, structural: bool, next: &mut usize) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        with_placeholders(v, structural || is_structural(k), next),
                    )
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| with_placeholders(v, structural, next))
                .collect(),
        ),
        Value::String(_) if !structural => {
            let slot = format!("{SLOT_PREFIX}{next}");
            *next += 1;
            Value::String(slot)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn credential(name: &str, evidence: usize, url: &str) -> Value {
        let evidence: Vec<Value> = (0..evidence)
            .map(|i| json!({"id": format!("{url}{i}"), "type": ["Evidence"], "name": format!("{name} {i}")}))
            .collect();
        json!({
            "@context": super::super::contexts::CREDENTIAL,
            "id": "https://example.org/awards/a/credential.json",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": name,
            "issuer": {"id": "did:web:example.org", "type": ["Profile"], "name": name, "url": url, "email": "a@example.org"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": true, "identityHash": "sha256$00", "salt": name}],
                "achievement": {
                    "id": "https://example.org/badges/b/achievement.json",
                    "type": ["Achievement"],
                    "achievementType": name,
                    "name": name, "description": name,
                    "criteria": {"id": url, "narrative": name},
                    "image": {"id": "https://example.org/b.svg", "type": "Image", "caption": name},
                    "tag": [name, "x"],
                    "alignment": [{"type": ["Alignment"], "targetName": name, "targetUrl": url}]
                }
            },
            "evidence": evidence,
        })
    }

    #[test]
    fn the_cache_agrees_with_the_full_path() {
        let canon = Canonicalizer::new().unwrap();
        let cache = ShapeCache::new(&canon);
        let names = [
            "Ada",
            "Zoë O’Brien 🛠️",
            "שלום \"quoted\" \\ back",
            "line\nbreak\r",
            "",
            "ext:Thing",
            "https://x.example/",
        ];
        let urls = [
            "https://a.example/",
            "https://b.example/é?q=1#f",
            "did:key:z6Mk",
            "urn:uuid:1",
        ];
        for (i, name) in names.iter().enumerate() {
            for url in urls {
                let doc = credential(name, i % 3, url);
                assert_eq!(
                    cache.canonicalize(&doc).unwrap(),
                    canon.canonicalize(&doc).unwrap(),
                    "{name} {url}"
                );
            }
        }
        let shapes = cache.shapes.read().unwrap();
        assert_eq!(shapes.len(), 3, "one shape per evidence count");
        assert!(
            shapes.values().all(Option::is_some),
            "every shape was learnt"
        );
    }

    #[test]
    fn the_shape_read_from_json_text_is_the_shape_of_its_value() {
        let mut docs: Vec<Value> = ["Ada", "Zoë \"O’Brien\" 🛠️", "a\\b\nc\u{7}", "", "\u{1F980}"]
            .iter()
            .flat_map(|name| (0..3).map(move |n| credential(name, n, "https://a.example/\"q\"")))
            .collect();
        docs.push(json!({"@context": ["https://x.example/\"c\""], "type": "T\\", "n": [1, -2, 2.5, 1e300, true, null], "o": {}, "a": [[], [{}]]}));
        for doc in docs {
            let (mut key, mut values) = (String::new(), Vec::new());
            skeleton(&doc, false, &mut key, &mut values);
            let text = serde_json::to_vec(&doc).unwrap();
            let (mut from_text, mut text_values) = (String::new(), Vec::new());
            skeleton_of_json(&text, &mut from_text, &mut text_values).unwrap();
            assert_eq!(from_text, key, "{doc}");
            assert_eq!(
                text_values
                    .iter()
                    .map(|v| v.as_ref())
                    .collect::<Vec<&str>>(),
                values,
                "{doc}"
            );
        }
    }

    #[test]
    fn json_text_canonicalises_as_its_value_does_through_the_same_templates() {
        let canon = Canonicalizer::new().unwrap();
        let cache = ShapeCache::new(&canon);
        for (i, name) in ["Ada", "Zoë \"O’Brien\" 🛠️", "line\nbreak", "x"]
            .iter()
            .enumerate()
        {
            for url in ["https://a.example/", "did:key:z6Mk", "relative/path"] {
                let doc = credential(name, i % 2, url);
                let text = serde_json::to_vec(&doc).unwrap();
                let (from_text, full) = (cache.canonicalize_json(&text), canon.canonicalize(&doc));
                match (&from_text, &full) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{name} {url}"),
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                    _ => panic!("{name} {url}: {from_text:?} but {full:?}"),
                }
            }
        }
        let shapes = cache.shapes.read().unwrap();
        assert_eq!(shapes.len(), 2, "one shape per evidence count");
        assert!(shapes.values().all(Option::is_some));
        assert!(matches!(
            cache.canonicalize_json(b"{\"a\": "),
            Err(CanonError::Expansion(_))
        ));
    }

    #[test]
    fn rosettes_rdfc_gives_what_ssi_rdf_gives_on_every_kind_of_credential() {
        let canon = Canonicalizer::new().unwrap();
        let mut compared = 0;
        for name in ["Ada", "Zoë \"O’Brien\" 🛠️", "a\\b\nc\rd", "", "ﬁ Ｒ 🦀"] {
            for url in [
                "https://a.example/",
                "did:key:z6Mk",
                "urn:uuid:1",
                "https://b.example/é?q#f",
            ] {
                for evidence in 0..4 {
                    let mut doc = credential(name, evidence, url);
                    if evidence == 3 {
                        // No ids anywhere: more blank nodes.
                        doc["credentialSubject"]["achievement"]
                            .as_object_mut()
                            .unwrap()
                            .remove("id");
                    }
                    let quads = canon.to_quads(&doc).unwrap();
                    let theirs = ssi_rdf::urdna2015::normalize(
                        quads.iter().map(|q| q.as_lexical_quad_ref()),
                    )
                    .into_nquads();
                    assert_eq!(
                        super::super::canon::canonical_nquads(&quads),
                        theirs,
                        "{doc}"
                    );
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, 80);
    }

    #[test]
    fn proof_configurations_are_learnt_once_not_expanded_per_credential() {
        let canon = Canonicalizer::new().unwrap();
        let cache = ShapeCache::new(&canon);
        for day in 1..=5 {
            let config = json!({
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": format!("2026-01-0{day}T00:00:00Z"),
                "verificationMethod": "did:web:example.org#key-1",
                "proofPurpose": "assertionMethod",
                "@context": super::super::contexts::CREDENTIAL,
            });
            assert_eq!(
                cache.canonicalize(&config).unwrap(),
                canon.canonicalize(&config).unwrap()
            );
        }
        let shapes = cache.shapes.read().unwrap();
        assert_eq!(shapes.len(), 1);
        assert!(
            shapes.values().all(Option::is_some),
            "the proof configuration's shape has a template"
        );
    }

    #[test]
    fn strings_that_make_two_blank_nodes_alike_give_what_the_full_path_gives() {
        let canon = Canonicalizer::new().unwrap();
        let cache = ShapeCache::new(&canon);
        let with_alignments = |first: &str, second: &str| {
            let mut doc = credential("Ada", 0, "https://a.example/");
            doc["credentialSubject"]["achievement"]["alignment"] = json!([
                {"type": ["Alignment"], "targetName": first, "targetUrl": "https://t.example/"},
                {"type": ["Alignment"], "targetName": second, "targetUrl": "https://t.example/"},
            ]);
            doc
        };
        // Learnt from two different alignments, then used with two equal
        // ones: their blank nodes have the same first-degree hash.
        for (first, second) in [("one", "two"), ("same", "same"), ("b", "a")] {
            let doc = with_alignments(first, second);
            assert_eq!(
                cache.canonicalize(&doc).unwrap(),
                canon.canonicalize(&doc).unwrap(),
                "{first} {second}"
            );
        }
        let shapes = cache.shapes.read().unwrap();
        assert_eq!(shapes.len(), 1);
        assert!(shapes.values().all(Option::is_some));
    }

    #[test]
    fn values_the_template_cannot_take_use_the_full_path() {
        let canon = Canonicalizer::new().unwrap();
        let cache = ShapeCache::new(&canon);
        cache
            .canonicalize(&credential("Ada", 1, "https://a.example/"))
            .unwrap();
        // A relative IRI is a safe-mode error, exactly as without the cache.
        let relative = credential("Ada", 1, "relative/path");
        assert!(matches!(
            cache.canonicalize(&relative),
            Err(CanonError::RelativeIri { .. })
        ));
        // A string that starts like an IRI but is not one is not put into
        // the template: both ways give the same answer.
        for url in [
            "https://a b.example/",
            "https://[bad/",
            "http://x.example/%zz",
            "urn:",
        ] {
            let doc = credential("Ada", 1, url);
            let (cached, full) = (cache.canonicalize(&doc), canon.canonicalize(&doc));
            match (&cached, &full) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{url}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{url}: {cached:?} but {full:?}"),
            }
        }
        // So is a control character.
        let tab = credential("A\tB", 1, "https://a.example/");
        assert!(matches!(
            cache.canonicalize(&tab),
            Err(CanonError::ControlCharacter { .. })
        ));
        // An undefined term changes the shape, and fails in safe mode.
        let mut bogus = credential("Ada", 1, "https://a.example/");
        bogus["issuer"]["bogus"] = json!("x");
        assert!(matches!(
            cache.canonicalize(&bogus),
            Err(CanonError::UndefinedTerm { .. })
        ));
    }
}
