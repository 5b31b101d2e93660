//! Signing keys: generation (`rosette keygen`), reading the secret for a
//! build, and matching it to a key of site.toml.
//!
//! The secret is a Multikey string (`z3u2…` = base58btc of 0x8026 ‖ 32-byte
//! seed), read from `--key FILE` or the `ROSETTE_SIGNING_KEY` variable. It is
//! held in a [`Secret`] whose `Debug` prints nothing, is never passed to
//! templates, and never appears in an error message.

use std::fs;
use std::io::Write;
use std::path::Path;

use ed25519_dalek::SigningKey;

use super::multikey;
use crate::model::Key;
use crate::output::manifest::hex;

/// The environment variable that may hold the secret key (for CI secrets).
pub const SECRET_ENV: &str = "ROSETTE_SIGNING_KEY";

/// The public half of the demo key committed for this repository's demo site
/// (see `.cargo/config.toml`). Anyone can sign with it, so every build that
/// uses it says so.
pub const DEMO_PUBLIC_KEY: &str = "z6MkhCHfXFThy7VUPtdiEmkys9obrxWJt2tihYATMiPYEnQ1";

/// A secret signing key. Deliberately not `Clone` and with a silent `Debug`.
pub struct Secret {
    key: SigningKey,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// Parses a secret Multikey. Errors never quote the input.
    pub fn parse(text: &str) -> Result<Secret, String> {
        let seed =
            multikey::decode_secret(text.trim()).map_err(|e| format!("the secret key is {e}"))?;
        Ok(Secret {
            key: SigningKey::from_bytes(&seed),
        })
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    pub fn public_multikey(&self) -> String {
        multikey::encode_public(&self.key.verifying_key().to_bytes())
    }

    /// A 32-byte key derived from the secret, for values that must be stable
    /// across builds but not guessable from public data (recipient salts).
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(b"rosette/derive/v1\0");
        hasher.update(purpose.as_bytes());
        hasher.update([0]);
        hasher.update(self.key.to_bytes());
        hasher.finalize().into()
    }

    /// Finds the key of site.toml this secret belongs to; it must not be retired.
    pub fn find_key<'k>(&self, keys: &'k [Key]) -> Result<&'k Key, String> {
        let public = self.key.verifying_key().to_bytes();
        match keys.iter().find(|k| k.public_key == public) {
            Some(key) if key.retired.is_some() => Err(format!(
                "the signing key matches key `{}` of site/site.toml, which is retired: retired keys sign nothing new",
                key.id
            )),
            Some(key) => Ok(key),
            None => Err(format!(
                "the signing key matches no key in site/site.toml: add its public key with\n\n[[keys]]\nid = \"key-{}\"\npublic = \"{}\"",
                keys.len() + 1,
                self.public_multikey()
            )),
        }
    }
}

/// Finds the secret key in bytes about to be published, in every encoding
/// Rosette (or a person copying a key file) could write: the secret
/// Multikey with and without its `z`, the raw 32-byte seed, its hex (lower
/// and upper case), its base58, and its base64 and base64url with or
/// without padding. Base64 is matched on 30 seed bytes at each of the three
/// byte alignments, so the seed is found inside any longer base64 value too
/// (a Multikey's bytes, a 64-byte keypair, a JWK `d`). Every needle carries
/// at least 240 bits of the secret: a match is never a coincidence.
pub struct SecretScan {
    needles: Vec<(&'static str, memchr::memmem::Finder<'static>)>,
}

impl std::fmt::Debug for SecretScan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretScan(…)")
    }
}

impl SecretScan {
    pub fn new(secret: &Secret) -> SecretScan {
        use base64::Engine as _;
        use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        let seed = secret.key.to_bytes();
        let multikey = multikey::encode_secret(&seed);
        let mut needles: Vec<(&'static str, Vec<u8>)> = vec![
            ("the raw key bytes", seed.to_vec()),
            // Without its `z`, so it matches with and without it.
            ("a secret Multikey", multikey.as_bytes()[1..].to_vec()),
            ("base58", bs58::encode(seed).into_string().into_bytes()),
            ("hexadecimal", hex(&seed).into_bytes()),
            ("hexadecimal", hex(&seed).to_ascii_uppercase().into_bytes()),
        ];
        for range in [0..30, 1..31, 2..32] {
            needles.push((
                "base64",
                STANDARD_NO_PAD.encode(&seed[range.clone()]).into_bytes(),
            ));
            needles.push((
                "base64url",
                URL_SAFE_NO_PAD.encode(&seed[range]).into_bytes(),
            ));
        }
        SecretScan {
            needles: needles
                .into_iter()
                .map(|(name, needle)| (name, memchr::memmem::Finder::new(&needle).into_owned()))
                .collect(),
        }
    }

    /// The encoding in which `bytes` hold the secret, if they do.
    pub fn find(&self, bytes: &[u8]) -> Option<&'static str> {
        self.needles
            .iter()
            .find(|(_, finder)| finder.find(bytes).is_some())
            .map(|(name, _)| *name)
    }
}

/// Whether `text` looks like a secret key itself rather than a file name:
/// a valid secret Multikey, or a long base58btc string (a mistyped one).
pub fn looks_like_a_secret(text: &str) -> bool {
    let text = text.trim();
    multikey::decode_secret(text).is_ok()
        || (text.len() >= 40
            && text.starts_with('z')
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() && !b"0OIl".contains(&b)))
}

/// Reads the secret from `file`, or else from `ROSETTE_SIGNING_KEY`. An
/// error never quotes a value that looks like a secret.
pub fn read_secret(file: Option<&Path>) -> Result<Option<Secret>, String> {
    let text = match file {
        Some(path) if looks_like_a_secret(&path.to_string_lossy()) => {
            return Err(format!(
                "`--key` takes the path of a key file, but the value given looks like a secret key \
                 itself (not repeated here); put the key in the {SECRET_ENV} variable instead, \
                 never on the command line (it would stay in your shell history)"
            ));
        }
        Some(path) => fs::read_to_string(path)
            .map_err(|e| format!("cannot read the key file {}: {e}", path.display()))?,
        None => match std::env::var(SECRET_ENV) {
            Ok(text) if !text.trim().is_empty() => text,
            _ => return Ok(None),
        },
    };
    Secret::parse(&text).map(Some)
}

/// A fresh key from the operating system's random source.
pub fn generate() -> Result<Secret, String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no random source: {e}"))?;
    Ok(Secret {
        key: SigningKey::from_bytes(&seed),
    })
}

/// Writes the secret Multikey to a new file readable only by its owner.
/// Refuses to overwrite an existing file.
pub fn write_secret(secret: &Secret, path: &Path) -> Result<(), String> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} already exists: refusing to overwrite a key",
            path.display()
        ),
        _ => format!("cannot create {}: {e}", path.display()),
    })?;
    let text = multikey::encode_secret(&secret.key.to_bytes());
    file.write_all(format!("{text}\n").as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const APPENDIX_SECRET: &str = "z3u2RwSXGME6LwGRPCt67EJYjpA8CRySfLagySj7ESKTt2jB";

    #[test]
    fn parses_and_matches_keys() {
        let secret = Secret::parse(APPENDIX_SECRET).unwrap();
        assert_eq!(
            secret.public_multikey(),
            "z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV"
        );
        assert_eq!(format!("{secret:?}"), "Secret(…)");
        let key = |id: &str, retired| Key {
            id: id.into(),
            public_multikey: secret.public_multikey(),
            public_key: secret.signing_key().verifying_key().to_bytes(),
            retired,
        };
        assert_eq!(secret.find_key(&[key("k", None)]).unwrap().id, "k");
        let retired = [key("old", Some(time::OffsetDateTime::UNIX_EPOCH))];
        assert!(secret.find_key(&retired).unwrap_err().contains("retired"));
        let error = secret.find_key(&[]).unwrap_err();
        assert!(error.contains("z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV"));
        assert!(!error.contains(APPENDIX_SECRET));
    }

    #[test]
    fn a_secret_given_as_a_key_file_name_is_not_echoed() {
        let error = read_secret(Some(Path::new(APPENDIX_SECRET))).unwrap_err();
        assert!(!error.contains(APPENDIX_SECRET), "{error}");
        assert!(error.contains("ROSETTE_SIGNING_KEY"), "{error}");
        let mistyped = &APPENDIX_SECRET[..APPENDIX_SECRET.len() - 1];
        let error = read_secret(Some(Path::new(mistyped))).unwrap_err();
        assert!(!error.contains(mistyped), "{error}");
        let missing = read_secret(Some(Path::new("no-such/signing.key"))).unwrap_err();
        assert!(missing.contains("no-such/signing.key"), "{missing}");
    }

    #[test]
    fn bad_secrets_are_not_echoed() {
        let wrong = "z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV";
        let error = Secret::parse(wrong).unwrap_err();
        assert!(!error.contains(wrong), "{error}");
    }

    #[test]
    fn keygen_writes_a_private_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signing.key");
        let secret = generate().unwrap();
        write_secret(&secret, &path).unwrap();
        let read = read_secret(Some(&path)).unwrap().unwrap();
        assert_eq!(read.public_multikey(), secret.public_multikey());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(
            write_secret(&generate().unwrap(), &path)
                .unwrap_err()
                .contains("refusing")
        );
        assert_ne!(
            generate().unwrap().public_multikey(),
            secret.public_multikey()
        );
    }

    #[test]
    fn the_secret_is_found_in_every_encoding_and_nowhere_else() {
        use base64::Engine as _;
        use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
        let secret = Secret::parse(APPENDIX_SECRET).unwrap();
        let scan = SecretScan::new(&secret);
        let seed = secret.key.to_bytes();
        let public = secret.key.verifying_key().to_bytes();
        let mut prefixed = vec![0x80, 0x26];
        prefixed.extend_from_slice(&seed);
        let mut keypair = seed.to_vec();
        keypair.extend_from_slice(&public);
        let wrap = |inner: &[u8]| [b"<p>key: ".as_slice(), inner, b"</p>"].concat();
        let encodings: Vec<(&str, Vec<u8>)> = vec![
            ("multikey", APPENDIX_SECRET.as_bytes().to_vec()),
            (
                "multikey without z",
                APPENDIX_SECRET.as_bytes()[1..].to_vec(),
            ),
            ("raw", seed.to_vec()),
            ("hex", hex(&seed).into_bytes()),
            ("HEX", hex(&seed).to_uppercase().into_bytes()),
            ("hex of multikey bytes", hex(&prefixed).into_bytes()),
            ("base58", bs58::encode(seed).into_string().into_bytes()),
            ("base64", STANDARD.encode(seed).into_bytes()),
            ("base64url", URL_SAFE.encode(seed).into_bytes()),
            (
                "base64url no pad",
                URL_SAFE_NO_PAD.encode(seed).into_bytes(),
            ),
            (
                "base64 of multikey bytes",
                STANDARD.encode(&prefixed).into_bytes(),
            ),
            (
                "base64url of a keypair",
                URL_SAFE_NO_PAD.encode(&keypair).into_bytes(),
            ),
            (
                "base64 at offset 1",
                STANDARD.encode([&[7u8][..], &seed].concat()).into_bytes(),
            ),
        ];
        for (name, bytes) in encodings {
            assert!(scan.find(&wrap(&bytes)).is_some(), "{name} not found");
        }
        let other = Secret::parse(&multikey::encode_secret(&[9; 32])).unwrap();
        assert!(scan.find(other.public_multikey().as_bytes()).is_none());
        assert!(scan.find(secret.public_multikey().as_bytes()).is_none());
        assert!(
            scan.find(multikey::encode_secret(&[9; 32]).as_bytes())
                .is_none()
        );
        assert!(!format!("{scan:?}").contains("z3u2"));
    }

    #[test]
    fn derived_values_depend_on_the_secret_and_purpose() {
        let a = Secret::parse(APPENDIX_SECRET).unwrap();
        let b = generate().unwrap();
        assert_eq!(a.derive("salt"), a.derive("salt"));
        assert_ne!(a.derive("salt"), a.derive("status"));
        assert_ne!(a.derive("salt"), b.derive("salt"));
    }
}
