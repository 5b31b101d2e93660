//! The bytes of every JSON file of a site: pretty-printed, with a final
//! newline, keys in the order of the serde structs.

/// Pretty JSON with a final newline.
pub fn to_json_bytes<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // Serialising the crate's own structs and `serde_json::Value`s cannot
    // fail (no maps with non-string keys, no failing `Serialize` impls).
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
