//! Canonical forms that every verifier computes the same way.
//!
//! RDFC-1.0 sorts N-Quads by Unicode code point (Rosette and Python's pyld
//! do); the JavaScript stack of the Learner Credential Wallet and
//! VerifierPlus sorts by UTF-16 code units (digitalbazaar/rdf-canonize#52,
//! open). The two orders differ only when two strings first differ at a
//! character above U+FFFF (an emoji: a surrogate pair in UTF-16) on one
//! side and one in U+E000–U+FFFF (fullwidth forms, ligatures, U+FE0F) on
//! the other. Then the same credential verifies in one and fails in the
//! other, and no signature can satisfy both: [`Portable`] refuses it.
//!
//! Blank node labels are blanked out before comparing: RDFC also sorts
//! N-Quads with blank nodes relabelled (`_:a`, `_:z`) to hash them, and with
//! every label equal each pair of lines is compared at the first position
//! where any labelling could make them differ. So if all pairs agree here,
//! both stacks label and sort alike.

use std::cmp::Ordering;

use serde_json::Value;

use super::canon::{CanonError, Canonicalize};

/// A canonicaliser that also refuses canonical forms whose sort order
/// depends on the implementation.
pub struct Portable<'c, C: ?Sized>(pub &'c C);

impl<C: Canonicalize + ?Sized> Canonicalize for Portable<'_, C> {
    fn canonicalize(&self, doc: &Value) -> Result<String, CanonError> {
        let nquads = self.0.canonicalize(doc)?;
        check(&nquads)?;
        Ok(nquads)
    }
}

/// `Ok` when sorting the lines of `nquads` by code point and by UTF-16
/// code unit gives the same order (with blank node labels blanked out).
pub fn check(nquads: &str) -> Result<(), CanonError> {
    // Only a character above U+FFFF against one in U+E000..=U+FFFF can
    // order differently: without both, there is nothing to compare. In
    // UTF-8 the first are the 4-byte sequences (lead byte 0xF0..=0xF4),
    // the second the 3-byte ones with lead byte 0xEE or 0xEF: a byte scan.
    if nquads.is_ascii() {
        return Ok(());
    }
    let bytes = nquads.as_bytes();
    let astral = bytes.iter().any(|&b| b >= 0xF0);
    let high_bmp = bytes.iter().any(|&b| b == 0xEE || b == 0xEF);
    if !(astral && high_bmp) {
        return Ok(());
    }
    let mut lines: Vec<String> = nquads.lines().map(blank_labels).collect();
    lines.sort_unstable();
    for pair in lines.windows(2) {
        if utf16_cmp(&pair[0], &pair[1]) == Ordering::Greater {
            let (first, second) = differing_values(&pair[0], &pair[1]);
            return Err(CanonError::SortOrder { first, second });
        }
    }
    Ok(())
}

fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The line with every blank node label (`_:c14n0`) replaced by `_:`.
/// Labels occur only outside literals and IRIs.
fn blank_labels(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '"' => {
                // A literal: copy to its closing quote, keeping escapes.
                while let Some(c) = chars.next() {
                    out.push(c);
                    if c == '\\' {
                        if let Some(escaped) = chars.next() {
                            out.push(escaped);
                        }
                    } else if c == '"' {
                        break;
                    }
                }
            }
            '<' => {
                for c in chars.by_ref() {
                    out.push(c);
                    if c == '>' {
                        break;
                    }
                }
            }
            '_' if chars.peek() == Some(&':') => {
                if let Some(colon) = chars.next() {
                    out.push(colon);
                }
                while chars.peek().is_some_and(|c| !c.is_whitespace()) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out
}

/// The literal (or IRI) of each line that holds the first difference.
fn differing_values(a: &str, b: &str) -> (String, String) {
    let at = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    (term_at(a, at), term_at(b, at))
}

/// The unescaped text of the literal or IRI of `line` that holds byte `at`.
fn term_at(line: &str, at: usize) -> String {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if at < i.min(bytes.len()) && at >= start {
                    return unescape(&line[start..i.min(line.len())]);
                }
            }
            b'<' => {
                let start = i + 1;
                while i < bytes.len() && bytes[i] != b'>' {
                    i += 1;
                }
                if at < i && at >= start {
                    return line[start..i].to_string();
                }
            }
            _ => {}
        }
        i += 1;
    }
    line.to_string()
}

/// Undoes canonical N-Quads string escapes (`\"`, `\\`, `\n`, `\r`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAG: &str = "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#tag>";

    fn quad(subject: &str, value: &str) -> String {
        format!("{subject} {TAG} \"{value}\" .\n")
    }

    #[test]
    fn emoji_against_fullwidth_forms_is_refused_with_both_values() {
        let s = "<https://example.org/a>";
        let nquads = [
            quad(s, "rust"),
            quad(s, "🦀 crab"),
            quad(s, "Ｒｕｓｔ fullwidth"),
        ]
        .concat();
        match check(&nquads) {
            Err(CanonError::SortOrder { first, second }) => {
                assert_eq!(
                    (first.as_str(), second.as_str()),
                    ("Ｒｕｓｔ fullwidth", "🦀 crab")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_byte_scan_sees_exactly_the_two_ranges() {
        for (c, astral, high) in [
            ('\u{FFFF}', false, true),
            ('\u{E000}', false, true),
            ('\u{D7FF}', false, false),
            ('\u{10000}', true, false),
            ('\u{10FFFF}', true, false),
            ('é', false, false),
        ] {
            let text = c.to_string();
            let b = text.as_bytes();
            assert_eq!(b.iter().any(|&b| b >= 0xF0), astral, "{c:?}");
            assert_eq!(b.iter().any(|&b| b == 0xEE || b == 0xEF), high, "{c:?}");
            assert_eq!(c > '\u{FFFF}', astral);
            assert_eq!(('\u{E000}'..='\u{FFFF}').contains(&c), high);
        }
    }

    #[test]
    fn characters_that_sort_alike_pass() {
        let s = "<https://example.org/a>";
        // Emoji with ASCII, CJK (below U+E000) and accents: same order both ways.
        let nquads = [quad(s, "é"), quad(s, "🦀"), quad(s, "中文"), quad(s, "z")].concat();
        assert!(check(&nquads).is_ok());
        // Both kinds, but never compared at the same position.
        let nquads = [quad(s, "a🦀"), quad(s, "bＲ")].concat();
        assert!(check(&nquads).is_ok());
    }

    #[test]
    fn blank_node_labels_do_not_hide_a_conflict() {
        // In the canonical form the labels decide the order, but RDFC hashes
        // each blank node's quads with labels replaced: the conflict is real.
        let nquads = [quad("_:c14n0", "🦀"), quad("_:c14n1", "ﬁx")].concat();
        assert!(matches!(check(&nquads), Err(CanonError::SortOrder { .. })));
        assert_eq!(
            blank_labels("_:c14n12 <p> \"_:x \\\" <q>\" _:b0 ."),
            "_: <p> \"_:x \\\" <q>\" _: ."
        );
    }

    #[test]
    fn escaped_values_are_unescaped_for_the_report() {
        let (a, b) = differing_values("<s> <p> \"a\\\"🦀\" .", "<s> <p> \"a\\\"ﬁ\" .");
        assert_eq!((a.as_str(), b.as_str()), ("a\"🦀", "a\"ﬁ"));
    }
}
