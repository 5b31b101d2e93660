//! Recipients as credentials publish them: an email only as a salted hash
//! (standards.md §2.4, §6.3).

use sha2::{Digest, Sha256};

/// Lowercase hexadecimal.
pub use crate::output::manifest::hex;

/// The salt of an email recipient given in plaintext: stable across builds
/// (derived, not drawn), and not guessable from public data (keyed by a
/// value derived from the secret key).
pub fn salt(salt_key: &[u8; 32], award_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(salt_key)
        .chain_update(award_id.as_bytes())
        .finalize();
    hex(&digest[..16])
}

/// The key of [`salt`] for a site signed with `secret`: derived from the
/// secret key, so the salts are stable across builds and not guessable.
pub fn salt_key(secret: &super::keys::Secret) -> [u8; 32] {
    secret.derive("recipient-salt")
}

/// `sha256$` + hex(SHA-256(email ‖ salt)), the OB identity hash. Emails are
/// already lowercased by validation (a documented Rosette choice: the spec
/// does not say, and lowercase is what recipients' accounts match).
pub fn identity_hash(email: &str, salt: &str) -> String {
    let digest = Sha256::new()
        .chain_update(email.as_bytes())
        .chain_update(salt.as_bytes())
        .finalize();
    format!("sha256${}", hex(&digest))
}

/// The 32 bytes of SHA-256(email ‖ salt): [`identity_hash`] without its
/// text form, for comparing many hashes quickly.
pub fn identity_digest(email: &str, salt: &str) -> [u8; 32] {
    Sha256::new()
        .chain_update(email.as_bytes())
        .chain_update(salt.as_bytes())
        .finalize()
        .into()
}

/// The digest of an `sha256$<64 hex digits>` identity hash.
pub fn parse_identity_hash(hash: &str) -> Option<[u8; 32]> {
    let hex = hash.strip_prefix("sha256$")?;
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// standards.md §2.4: the spec example and our Appendix A fixture.
    #[test]
    fn identity_hashes_match_the_published_examples() {
        assert_eq!(
            identity_hash("a@example.com", "Kosher"),
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
        );
        assert_eq!(
            identity_hash("alice@example.org", "2f6c1b5e9a0d4c3e"),
            "sha256$43ba26a8a7f72a64de4e9e7ff89c4b6005231e8e352984a896f4d66c4ea552c7"
        );
    }

    #[test]
    fn digests_and_their_text_agree() {
        let text = identity_hash("a@example.com", "Kosher");
        assert_eq!(
            parse_identity_hash(&text),
            Some(identity_digest("a@example.com", "Kosher"))
        );
        assert_eq!(
            parse_identity_hash(&text.to_uppercase().replace("SHA256$", "sha256$")),
            parse_identity_hash(&text)
        );
        assert_eq!(parse_identity_hash("sha256$zz"), None);
        assert_eq!(parse_identity_hash("md5$00"), None);
    }

    #[test]
    fn salts_are_stable_and_keyed() {
        let a = salt(&[1; 32], "alpha-1");
        assert_eq!(a, salt(&[1; 32], "alpha-1"));
        assert_eq!(a.len(), 32);
        assert_ne!(a, salt(&[2; 32], "alpha-1"));
        assert_ne!(a, salt(&[1; 32], "alpha-2"));
    }
}
