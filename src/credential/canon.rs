//! JSON-LD "safe mode" canonicalisation to RDFC-1.0 N-Quads, fully offline.
//!
//! [`Canonicalizer`] expands a JSON-LD document with a set of context documents that are
//! compiled into the binary (see `contexts/SOURCES.md`), converts it to RDF and returns the
//! RDFC-1.0 (URDNA2015) canonical N-Quads. It never touches the network: any `@context` URL
//! that is not bundled is an error.
//!
//! "Safe mode" follows what jsonld.js does with `safe: true` (the mode Digital Bazaar's
//! `eddsa-rdfc-2022` cryptosuite uses, and so the DCC wallet and verifier): instead of
//! silently dropping data that would not make it into the signed RDF, it is an error to use
//!
//! * a property that no context defines ([`CanonError::UndefinedTerm`]), or
//! * a relative IRI as a node `@id`, a `@type` or an `@id`-typed value
//!   ([`CanonError::RelativeIri`]), e.g. a `type` that the contexts do not define.
//!
//! * a string containing a control character other than LF/CR ([`CanonError::ControlCharacter`]):
//!   not a JSON-LD rule, but RDFC implementations disagree on how to escape them.
//!
//! Processed top-level contexts are memoised per distinct `@context` value, so the costly
//! context processing runs once per build rather than once per document.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, RwLock};

use json_ld::RdfQuads;
use json_ld::context_processing::{Process, Processed};
use json_ld::expansion::{Action, Policy};
use json_ld::rdf_types::{BlankIdBuf, Quad, generator};
use json_ld::syntax::TryFromJson;
use json_ld::{Expand, ExpandedDocument, Id, IriBuf, RemoteDocument, ValidId};
use ssi_rdf::LexicalQuad;
use ssi_rdf::urdna2015;

use super::contexts::{self, BUNDLED};

/// A processed (active) JSON-LD context.
type ActiveContext = json_ld::Context<IriBuf, BlankIdBuf>;

/// Errors from [`Canonicalizer`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CanonError {
    /// The document is not a JSON object.
    #[error("the document is not a JSON object")]
    NotAnObject,
    /// The document has no `@context` entry.
    #[error("the document has no `@context`")]
    MissingContext,
    /// A bundled or added context document is not valid JSON.
    #[error("context document <{url}> is not valid JSON: {message}")]
    InvalidContextDocument {
        /// The context URL.
        url: String,
        /// Parser message.
        message: String,
    },
    /// A context URL is not one of the bundled documents (nothing is ever fetched).
    #[error("context <{url}> is not bundled (offline loader; nothing is fetched)")]
    ContextNotBundled {
        /// The requested context URL.
        url: String,
    },
    /// The `@context` value (or a context it references) is invalid or cannot be processed.
    #[error("invalid JSON-LD context: {0}")]
    Context(String),
    /// Safe mode: a property is not defined by any context in scope.
    #[error("JSON-LD safe mode: term `{term}` is not defined by the contexts{}", at(.path))]
    UndefinedTerm {
        /// The undefined property name.
        term: String,
        /// JSON path of the first occurrence, e.g. `$.issuer.bogus`, when it could be located.
        path: Option<String>,
    },
    /// Safe mode: a node `@id`, a `@type` or an `@id`-typed value is a relative IRI
    /// (typically a `type` value that the contexts do not define).
    #[error("JSON-LD safe mode: `{iri}` is a relative IRI reference (undefined type or relative id){}", at(.path))]
    RelativeIri {
        /// The offending value as written in the document.
        iri: String,
        /// JSON path of the first occurrence, e.g. `$.credentialSchema[0].type`.
        path: Option<String>,
    },
    /// A string value contains a control character other than LF and CR (e.g. a tab).
    /// RDFC implementations disagree on how to escape these in canonical N-Quads
    /// (rdf-canonize 4.x writes `\t` / `\u0007`, RDF 1.1-style serialisers such as ssi-rdf
    /// and rdf-canonize 3.x write the raw character), so a signature over such text would not
    /// verify everywhere. Replace or strip the character before signing.
    #[error("string contains control character U+{codepoint:04X}, which RDFC implementations escape differently{}", at(.path))]
    ControlCharacter {
        /// The offending code point.
        codepoint: u32,
        /// JSON path of the first string containing it.
        path: Option<String>,
    },
    /// Any other JSON-LD expansion error (invalid keyword use, bad value object, ...).
    #[error("JSON-LD expansion failed: {0}")]
    Expansion(String),
    /// Two canonical N-Quads lines sort one way by Unicode code point (RDFC-1.0)
    /// and the other way by UTF-16 code unit (the JavaScript canonicaliser of the
    /// wallets, digitalbazaar/rdf-canonize#52): a signature would verify in one
    /// and fail in the other. See [`super::portable`].
    #[error(
        "{first:?} and {second:?} sort differently in the wallets' JavaScript canonicaliser \
         (UTF-16) than in RDFC-1.0 (code points), so a signature would not verify everywhere"
    )]
    SortOrder {
        /// The values (literals or IRIs) of the two lines where they first differ.
        first: String,
        second: String,
    },
}

fn at(path: &Option<String>) -> String {
    match path {
        Some(p) => format!(" (at {p})"),
        None => String::new(),
    }
}

/// Anything that turns a JSON-LD document into RDFC-1.0 canonical N-Quads:
/// the [`Canonicalizer`] itself, or a [`super::shapes::ShapeCache`] over it.
pub trait Canonicalize: Sync {
    fn canonicalize(&self, doc: &serde_json::Value) -> Result<String, CanonError>;
}

impl Canonicalize for Canonicalizer {
    fn canonicalize(&self, doc: &serde_json::Value) -> Result<String, CanonError> {
        Canonicalizer::canonicalize(self, doc)
    }
}

/// Offline JSON-LD → RDFC-1.0 canonicaliser with bundled contexts.
///
/// Build it once with [`Canonicalizer::new`] and share it: it is `Send + Sync`, so an
/// `Arc<Canonicalizer>` (or a `&'static`) can be used from any number of threads. The memo of
/// processed contexts sits behind an `RwLock` that is only written the first time a new
/// `@context` value is seen.
pub struct Canonicalizer {
    loader: HashMap<IriBuf, RemoteDocument>,
    memo: RwLock<HashMap<String, Arc<ActiveContext>>>,
}

impl std::fmt::Debug for Canonicalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut urls: Vec<&str> = self.loader.keys().map(|k| k.as_str()).collect();
        urls.sort_unstable();
        f.debug_struct("Canonicalizer")
            .field("contexts", &urls)
            .finish_non_exhaustive()
    }
}

impl Canonicalizer {
    /// Creates a canonicaliser holding the bundled VC 2.0, OB 3.0.3 and OB extensions
    /// contexts, and pre-processes the usual Open Badges `@context` combinations.
    pub fn new() -> Result<Self, CanonError> {
        let mut canon = Canonicalizer {
            loader: HashMap::new(),
            memo: RwLock::new(HashMap::new()),
        };
        for (url, text) in BUNDLED {
            canon.insert_context(url, text)?;
        }
        // Warm the memo with the @context arrays Rosette emits.
        let v2 = serde_json::Value::from(contexts::VC_V2);
        let ob = serde_json::Value::from(contexts::OB_V3);
        let ext = serde_json::Value::from(contexts::OB_EXTENSIONS);
        for ctx in [
            vec![v2.clone(), ob.clone(), ext],
            vec![v2.clone(), ob],
            vec![v2],
        ] {
            canon.active_context(&serde_json::Value::Array(ctx))?;
        }
        Ok(canon)
    }

    /// Adds (or replaces) a context document served offline at `url`, e.g. a test-only
    /// context. Returns the canonicaliser for chaining.
    pub fn with_context(mut self, url: &str, json_text: &str) -> Result<Self, CanonError> {
        self.insert_context(url, json_text)?;
        // A new document can change what an existing @context means: drop the memo.
        if let Ok(mut memo) = self.memo.write() {
            memo.clear();
        }
        Ok(self)
    }

    fn insert_context(&mut self, url: &str, json_text: &str) -> Result<(), CanonError> {
        let iri = IriBuf::new(url.to_owned()).map_err(|_| CanonError::InvalidContextDocument {
            url: url.to_owned(),
            message: "not an absolute IRI".to_owned(),
        })?;
        let value: serde_json::Value =
            serde_json::from_str(json_text).map_err(|e| CanonError::InvalidContextDocument {
                url: url.to_owned(),
                message: e.to_string(),
            })?;
        let doc = json_syntax::Value::from_serde_json(value);
        self.loader
            .insert(iri.clone(), RemoteDocument::new(Some(iri), None, doc));
        Ok(())
    }

    /// Returns the processed context for a top-level `@context` value, processing it on
    /// first use and memoising it.
    fn active_context(
        &self,
        context: &serde_json::Value,
    ) -> Result<Arc<ActiveContext>, CanonError> {
        let key = context.to_string();
        if let Ok(memo) = self.memo.read()
            && let Some(found) = memo.get(&key)
        {
            return Ok(found.clone());
        }
        // Fail early, with the URL, on a context that is not bundled.
        for entry in as_slice(context) {
            if let Some(url) = entry.as_str() {
                let known = IriBuf::new(url.to_owned())
                    .map(|i| self.loader.contains_key(&i))
                    .unwrap_or(false);
                if !known {
                    return Err(CanonError::ContextNotBundled {
                        url: url.to_owned(),
                    });
                }
            }
        }
        let syntax = json_ld::syntax::context::Context::try_from_json(
            json_syntax::Value::from_serde_json(context.clone()),
        )
        .map_err(|e| CanonError::Context(e.to_string()))?;
        let processed: Processed<IriBuf, BlankIdBuf> = futures_executor::block_on(syntax.process(
            json_ld::rdf_types::vocabulary::no_vocabulary_mut(),
            &self.loader,
            None,
        ))
        .map_err(context_error)?;
        let active = Arc::new(processed.into_processed());
        if let Ok(mut memo) = self.memo.write() {
            memo.insert(key, active.clone());
        }
        Ok(active)
    }

    /// Canonicalises `doc` to RDFC-1.0 N-Quads (sorted, every line ends in `\n`; an empty
    /// dataset gives the empty string), rejecting undefined terms and relative IRIs.
    pub fn canonicalize(&self, doc: &serde_json::Value) -> Result<String, CanonError> {
        let quads = self.to_quads(doc)?;
        Ok(canonical_nquads(&quads))
    }

    /// Expands `doc` in safe mode and returns its (non-canonical) RDF quads.
    pub(crate) fn to_quads(&self, doc: &serde_json::Value) -> Result<Vec<LexicalQuad>, CanonError> {
        let object = doc.as_object().ok_or(CanonError::NotAnObject)?;
        let context = object.get("@context").ok_or(CanonError::MissingContext)?;
        let active = self.active_context(context)?;

        // Expand the body with the memoised top-level context as the initial active context.
        let body: serde_json::Map<String, serde_json::Value> = object
            .iter()
            .filter(|(k, _)| k.as_str() != "@context")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let body = json_syntax::Value::from_serde_json(serde_json::Value::Object(body));
        let options = json_ld::expansion::Options {
            policy: Policy {
                invalid: Action::Keep,
                vocab: Action::Keep,
                allow_undefined: false,
            },
            ..Default::default()
        };
        let mut expanded: ExpandedDocument<IriBuf, BlankIdBuf> =
            futures_executor::block_on(body.expand_full(
                json_ld::rdf_types::vocabulary::no_vocabulary_mut(),
                (*active).clone(),
                None,
                &self.loader,
                options,
                (),
            ))
            .map_err(|e| expansion_error(e, doc))?;

        check_no_relative_iris(&expanded, doc)?;

        // Name every anonymous node (and canonicalise literals) as jsonld's toRDF does.
        let mut blank_ids = generator::Blank::new();
        expanded.relabel_and_canonicalize(&mut blank_ids);
        let quads = expanded
            .rdf_quads(&mut blank_ids, None)
            .filter_map(|Quad(s, p, o, g)| {
                let predicate = match p.into_owned() {
                    ValidId::Iri(iri) => iri,
                    // Blank-node predicates are generalized RDF: never emitted.
                    ValidId::Blank(_) => return None,
                };
                Some(Quad(s.into_owned(), predicate, o, g.cloned()))
            })
            .collect::<Vec<LexicalQuad>>();
        check_portable_literals(&quads, doc)?;
        Ok(quads)
    }
}

/// The RDFC-1.0 canonical N-Quads of `quads` (sorted by code point, every
/// line ending in `\n`). When every blank node has its own first-degree
/// hash (all of Rosette's documents: each blank node hangs off a different
/// property), the canonical labels are those hashes' order and nothing else
/// of the algorithm applies (RDFC-1.0 §4.4.3 step 5); that case is computed
/// here, directly. Otherwise ssi-rdf's complete implementation runs. Tests
/// compare both on many documents, and the published vectors pin them.
pub(crate) fn canonical_nquads(quads: &[LexicalQuad]) -> String {
    match first_degree_only(quads) {
        Some(text) => text,
        None => nquads(urdna2015::normalize(
            quads.iter().map(|q| q.as_lexical_quad_ref()),
        )),
    }
}

/// RDFC-1.0 when first-degree hashes tell every blank node apart; `None`
/// when two blank nodes share a hash.
fn first_degree_only(quads: &[LexicalQuad]) -> Option<String> {
    // Blank node → its number, and the quads it occurs in, once per
    // occurrence (subject, object, graph), as ssi-rdf counts them.
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    let mut occurs: Vec<Vec<usize>> = Vec::new();
    for (i, Quad(s, _, o, g)) in quads.iter().enumerate() {
        let object = match o {
            json_ld::rdf_types::Term::Id(id) => Some(id),
            json_ld::rdf_types::Term::Literal(_) => None,
        };
        for id in [Some(s), object, g.as_ref()].into_iter().flatten() {
            if let ValidId::Blank(blank) = id {
                let next = numbers.len();
                let number = *numbers.entry(blank.as_str()).or_insert(next);
                if number == occurs.len() {
                    occurs.push(Vec::new());
                }
                occurs[number].push(i);
            }
        }
    }
    first_degree(&occurs, quads.len(), &|text, i, blank| {
        write_quad(text, &quads[i], &|label, text| blank(numbers[label], text));
    })
}

/// Writes line `n` into `text` with each blank node `b` written by
/// `name(b, text)`: `write(text, n, name)`.
pub(super) type WriteLine<'w> = dyn Fn(&mut String, usize, &dyn Fn(usize, &mut String)) + 'w;

/// RDFC-1.0 over `lines` lines when first-degree hashes tell every blank
/// node apart (§4.4.3 step 5: the canonical labels are the hashes' order),
/// `None` when two blank nodes share a hash. Blank node `b` occurs in the
/// lines `occurs[b]`, once per occurrence; `write(text, line, name)` writes
/// a line with each blank node written by `name(b, text)`.
pub(super) fn first_degree(
    occurs: &[Vec<usize>],
    lines: usize,
    write: &WriteLine<'_>,
) -> Option<String> {
    use sha2::{Digest as _, Sha256};
    // Sized for the whole document (written last), so they never grow.
    let mut text = String::with_capacity(lines * 96);
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(lines);
    let mut hashes: Vec<([u8; 32], usize)> = Vec::with_capacity(occurs.len());
    for (blank, lines) in occurs.iter().enumerate() {
        text.clear();
        ranges.clear();
        for &line in lines {
            let start = text.len();
            write(&mut text, line, &|b, text| {
                text.push_str(if b == blank { "_:a" } else { "_:z" });
            });
            ranges.push(start..text.len());
        }
        ranges.sort_unstable_by(|a, b| text[a.clone()].cmp(&text[b.clone()]));
        let mut hasher = Sha256::new();
        for range in &ranges {
            hasher.update(&text.as_bytes()[range.clone()]);
        }
        hashes.push((hasher.finalize().into(), blank));
    }
    // Code point order of the hexadecimal hashes is the order of the bytes.
    hashes.sort_unstable();
    if hashes.windows(2).any(|pair| pair[0].0 == pair[1].0) {
        return None;
    }
    let mut rank = vec![0; hashes.len()];
    for (n, &(_, blank)) in hashes.iter().enumerate() {
        rank[blank] = n;
    }
    text.clear();
    ranges.clear();
    for line in 0..lines {
        let start = text.len();
        write(&mut text, line, &|b, text| {
            let _ = write!(text, "_:c14n{}", rank[b]);
        });
        ranges.push(start..text.len());
    }
    Some(sorted_unique(&text, ranges))
}

/// Canonical N-Quads of normalised quads: one line per quad, sorted by code
/// point, duplicates removed. Byte for byte what ssi-rdf's `into_nquads`
/// writes (a test compares them on many documents), without formatting
/// each character through `fmt`: that was 13 % of a whole build.
pub(crate) fn nquads<Q: std::borrow::Borrow<LexicalQuad>>(
    quads: impl IntoIterator<Item = Q>,
) -> String {
    sorted_lines(quads.into_iter(), &|b: &str, text: &mut String| {
        text.push_str(b)
    })
}

/// The lines of `quads` (blank node labels renamed by `name`), sorted,
/// without duplicates, joined.
fn sorted_lines<Q: std::borrow::Borrow<LexicalQuad>>(
    quads: impl Iterator<Item = Q>,
    name: &dyn Fn(&str, &mut String),
) -> String {
    let mut text = String::new();
    let mut lines: Vec<std::ops::Range<usize>> = Vec::new();
    for quad in quads {
        let start = text.len();
        write_quad(&mut text, quad.borrow(), name);
        lines.push(start..text.len());
    }
    sorted_unique(&text, lines)
}

/// The `lines` of `text` (ranges of it), sorted by code point, without
/// duplicates, joined.
pub(super) fn sorted_unique(text: &str, mut lines: Vec<std::ops::Range<usize>>) -> String {
    lines.sort_unstable_by(|a, b| text[a.clone()].cmp(&text[b.clone()]));
    lines.dedup_by(|a, b| text[a.clone()] == text[b.clone()]);
    let mut out = String::with_capacity(text.len());
    for line in lines {
        out.push_str(&text[line]);
    }
    out
}

/// One N-Quads line, as rdf-types displays it, blank nodes renamed.
fn write_quad(text: &mut String, quad: &LexicalQuad, name: &dyn Fn(&str, &mut String)) {
    let Quad(s, p, o, g) = quad;
    write_id(text, s, name);
    text.push(' ');
    write_iri(text, p);
    text.push(' ');
    match o {
        json_ld::rdf_types::Term::Id(id) => write_id(text, id, name),
        json_ld::rdf_types::Term::Literal(literal) => {
            text.push('"');
            write_literal_value(text, literal.value.as_str());
            text.push('"');
            write_literal_type(text, &literal.type_);
        }
    }
    if let Some(g) = g {
        text.push(' ');
        write_id(text, g, name);
    }
    text.push_str(" .\n");
}

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// A literal's value between its quotes, with N-Quads' escapes (runs
/// between escapes copied whole).
pub(super) fn write_literal_value(text: &mut String, value: &str) {
    let mut from = 0;
    for (at, b) in value.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            _ => continue,
        };
        text.push_str(&value[from..at]);
        text.push_str(escape);
        from = at + 1;
    }
    text.push_str(&value[from..]);
}

/// What follows a literal's closing quote: `^^<datatype>` unless it is a
/// plain string, or `@language`.
pub(super) fn write_literal_type(text: &mut String, type_: &json_ld::rdf_types::LiteralType) {
    match type_ {
        json_ld::rdf_types::LiteralType::Any(iri) => {
            if iri.as_str() != XSD_STRING {
                text.push_str("^^");
                write_iri(text, iri);
            }
        }
        json_ld::rdf_types::LiteralType::LangString(tag) => {
            text.push('@');
            text.push_str(tag.as_str());
        }
    }
}

/// A subject, object or graph: `<iri>` as it is, or the blank node label.
pub(super) fn write_id(text: &mut String, id: &ValidId, name: &dyn Fn(&str, &mut String)) {
    match id {
        ValidId::Iri(iri) => {
            text.push('<');
            text.push_str(iri.as_str());
            text.push('>');
        }
        ValidId::Blank(blank) => name(blank.as_str(), text),
    }
}

/// The bytes [`write_iri`] escapes: controls, space, `<`, `>`, `"`, `{`,
/// `}`, `|`, `^`, the backtick and `\` (a table: the writer looks at every
/// byte of every IRI of every credential).
const IRI_ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b <= 0x20 {
        table[b] = true;
        b += 1;
    }
    let others = b"<>\"{}|^`\\";
    let mut i = 0;
    while i < others.len() {
        table[others[i] as usize] = true;
        i += 1;
    }
    table
};

/// A predicate or datatype IRI, with rdf-types' escapes (which a valid IRI
/// never needs, but the output must be the same).
pub(super) fn write_iri(text: &mut String, iri: &IriBuf) {
    use std::fmt::Write as _;
    text.push('<');
    if !iri.as_str().bytes().any(|b| IRI_ESCAPED[usize::from(b)]) {
        text.push_str(iri.as_str());
        text.push('>');
        return;
    }
    for c in iri.as_str().chars() {
        match c {
            '\x00'..='\x20' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' => {
                let _ = write!(text, "\\u{:#04x}", u32::from(c));
            }
            c => text.push(c),
        }
    }
    text.push('>');
}

fn as_slice(v: &serde_json::Value) -> &[serde_json::Value] {
    match v {
        serde_json::Value::Array(a) => a,
        other => std::slice::from_ref(other),
    }
}

fn context_error(e: json_ld::context_processing::Error) -> CanonError {
    match e {
        json_ld::context_processing::Error::ContextLoadingFailed(load) => {
            CanonError::ContextNotBundled {
                url: load.target.as_str().to_owned(),
            }
        }
        other => CanonError::Context(other.to_string()),
    }
}

fn expansion_error(e: json_ld::expansion::Error, doc: &serde_json::Value) -> CanonError {
    match e {
        json_ld::expansion::Error::KeyExpansionFailed(term) => {
            let path = find_path(doc, &|key, _| key == Some(term.as_str()));
            CanonError::UndefinedTerm { term, path }
        }
        json_ld::expansion::Error::ContextProcessing(inner) => context_error(inner),
        other => CanonError::Expansion(other.to_string()),
    }
}

/// Walks the expanded document and rejects any node `@id` or `@type` that did not expand to
/// an absolute IRI or blank node (json-ld keeps them as `Id::Invalid` under `Action::Keep`,
/// and would otherwise silently drop them from the RDF).
fn check_no_relative_iris(
    expanded: &ExpandedDocument<IriBuf, BlankIdBuf>,
    doc: &serde_json::Value,
) -> Result<(), CanonError> {
    for fragment in expanded.traverse() {
        if let Some(json_ld::object::Ref::Node(node)) = fragment.into_ref() {
            let bad = node
                .id
                .iter()
                .chain(node.types().iter())
                .find_map(|id| match id {
                    Id::Invalid(s) => Some(s.clone()),
                    Id::Valid(_) => None,
                });
            if let Some(iri) = bad {
                let path = find_path(doc, &|_, v| {
                    v.and_then(|v| v.as_str()) == Some(iri.as_str())
                });
                return Err(CanonError::RelativeIri { iri, path });
            }
        }
    }
    Ok(())
}

/// Control characters whose canonical N-Quads escaping differs between RDF 1.1-style
/// serialisers (raw) and RDF 1.2 / rdf-canonize 4.x (`\t`, `\b`, `\f`, `\uXXXX`).
fn is_unportable_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}') && c != '\n' && c != '\r'
}

fn check_portable_literals(
    quads: &[LexicalQuad],
    doc: &serde_json::Value,
) -> Result<(), CanonError> {
    for quad in quads {
        if let json_ld::rdf_types::Term::Literal(literal) = &quad.2
            && let Some(c) = literal.value.chars().find(|c| is_unportable_char(*c))
        {
            let path = find_path(doc, &|_, v| {
                v.and_then(|v| v.as_str()).is_some_and(|s| s.contains(c))
            });
            return Err(CanonError::ControlCharacter {
                codepoint: u32::from(c),
                path,
            });
        }
    }
    Ok(())
}

/// The JSON path (outside `@context`) of the first string equal to `value`.
pub fn path_of_string(doc: &serde_json::Value, value: &str) -> Option<String> {
    find_path(doc, &|_, v| v.and_then(|v| v.as_str()) == Some(value))
}

/// Depth-first search for the first JSON path (outside `@context`) whose (key, value) matches.
fn find_path(
    doc: &serde_json::Value,
    pred: &dyn Fn(Option<&str>, Option<&serde_json::Value>) -> bool,
) -> Option<String> {
    fn walk(
        v: &serde_json::Value,
        path: &mut String,
        pred: &dyn Fn(Option<&str>, Option<&serde_json::Value>) -> bool,
    ) -> bool {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    if k == "@context" {
                        continue;
                    }
                    let len = path.len();
                    if is_identifier(k) {
                        let _ = write!(path, ".{k}");
                    } else {
                        let _ = write!(path, "[{}]", serde_json::Value::from(k.as_str()));
                    }
                    if pred(Some(k), None) || pred(None, Some(child)) || walk(child, path, pred) {
                        return true;
                    }
                    path.truncate(len);
                }
                false
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = path.len();
                    let _ = write!(path, "[{i}]");
                    if pred(None, Some(child)) || walk(child, path, pred) {
                        return true;
                    }
                    path.truncate(len);
                }
                false
            }
            _ => false,
        }
    }
    let mut path = String::from("$");
    walk(doc, &mut path, pred).then_some(path)
}

fn is_identifier(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// Compile-time check of the thread-safety promise made in the docs.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Canonicalizer>();
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use ssi_rdf::IntoNQuads;

    #[test]
    fn the_fast_writer_writes_what_ssi_rdf_writes() {
        let canon = Canonicalizer::new().unwrap();
        let texts = [
            "plain",
            "quote \" and back\\slash",
            "line\nbreak and\r return",
            "Zoë 🦀 ﬁ Ｒ שלום",
            "",
            "<tag> & {braces} | ^ `",
        ];
        let mut docs = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            docs.push(json!({
                "@context": contexts::CREDENTIAL,
                "id": format!("https://example.org/awards/{i}/credential.json"),
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "name": text,
                "issuer": {"id": "did:web:example.org", "type": ["Profile"], "name": text},
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {
                    "type": ["AchievementSubject"],
                    "achievement": {
                        "id": "https://example.org/b/é?x=1#y",
                        "type": ["Achievement"],
                        "name": text,
                        "description": text,
                        "criteria": {"narrative": text},
                        "tag": [text, "x", text],
                    }
                },
            }));
            docs.push(json!({
                "@context": contexts::CREDENTIAL,
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": format!("2026-01-0{}T00:00:00Z", i + 1),
                "verificationMethod": "did:web:example.org#key-1",
                "proofPurpose": "assertionMethod",
            }));
        }
        for doc in &docs {
            let quads = canon.to_quads(doc).unwrap();
            let normalized: Vec<LexicalQuad> =
                urdna2015::normalize(quads.iter().map(|q| q.as_lexical_quad_ref())).collect();
            let ours = nquads(&normalized);
            assert!(!ours.is_empty());
            assert_eq!(ours, normalized.into_nquads(), "{doc}");
            assert_eq!(
                first_degree_only(&quads).as_deref(),
                Some(ours.as_str()),
                "the direct case: {doc}"
            );
        }
    }

    #[test]
    fn blank_nodes_that_first_degree_hashes_cannot_tell_apart_take_the_full_algorithm() {
        let canon = Canonicalizer::new().unwrap();
        // Two identical evidence items: two blank nodes, one hash.
        let evidence = json!({"type": ["Evidence"], "name": "Same"});
        let doc = json!({
            "@context": contexts::CREDENTIAL,
            "id": "https://example.org/awards/x/credential.json",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:web:example.org", "type": ["Profile"]},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"]},
            "evidence": [evidence.clone(), evidence],
        });
        let quads = canon.to_quads(&doc).unwrap();
        assert_eq!(first_degree_only(&quads), None);
        let full = nquads(urdna2015::normalize(
            quads.iter().map(|q| q.as_lexical_quad_ref()),
        ));
        assert_eq!(canonical_nquads(&quads), full);
        assert!(full.contains("_:c14n2"), "{full}");
    }
}
