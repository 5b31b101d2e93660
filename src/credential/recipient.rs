//! Recipients as credentials publish them: an email only as a salted hash
//! (standards.md §2.4, §6.3).

use sha2::{Digest, Sha256};

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

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
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
    fn salts_are_stable_and_keyed() {
        let a = salt(&[1; 32], "alpha-1");
        assert_eq!(a, salt(&[1; 32], "alpha-1"));
        assert_eq!(a.len(), 32);
        assert_ne!(a, salt(&[2; 32], "alpha-1"));
        assert_ne!(a, salt(&[1; 32], "alpha-2"));
    }
}
