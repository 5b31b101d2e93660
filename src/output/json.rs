//! The bytes of every JSON file of a site: compact (no indentation, no
//! spaces), keys in the order of the serde structs, with a final newline.
//!
//! Compact, because a signature covers the canonical RDF form of a
//! credential, not its bytes (vc-di-eddsa §3.2): whitespace is not signed,
//! and indentation was a fifth of every credential file (a 100,000-award
//! site must fit GitHub Pages' 1 GB artifact). The final newline is kept so
//! the files stay friendly to `cat`, `diff` and line-based tools.

/// Compact JSON with a final newline.
pub fn to_json_bytes<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // Serialising the crate's own structs and `serde_json::Value`s cannot
    // fail (no maps with non-string keys, no failing `Serialize` impls).
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
