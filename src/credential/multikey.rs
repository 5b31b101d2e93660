//! Multikey encoding of Ed25519 keys (W3C Controlled Identifiers §2.2.2,
//! vc-di-eddsa §2.1.1): `z` + base58btc(multicodec prefix ‖ 32 bytes).
//! Public keys use prefix `0xed01` (strings start `z6Mk`); secret keys use
//! `0x8026` followed by the 32-byte seed (strings start `z3u2`).

const PUBLIC_PREFIX: [u8; 2] = [0xed, 0x01];
const SECRET_PREFIX: [u8; 2] = [0x80, 0x26];

/// Why a Multikey string was refused. Deliberately never echoes the input,
/// so a mistyped secret cannot leak into a log through an error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultikeyError {
    NotBase58btc,
    WrongLength,
    WrongPrefix { expected: &'static str },
}

impl std::fmt::Display for MultikeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MultikeyError::NotBase58btc => {
                f.write_str("not a multibase base58btc string (it must start with `z`)")
            }
            MultikeyError::WrongLength => f.write_str("wrong length for an Ed25519 Multikey"),
            MultikeyError::WrongPrefix { expected } => {
                write!(f, "not an Ed25519 {expected} Multikey")
            }
        }
    }
}

impl std::error::Error for MultikeyError {}

pub fn encode_public(key: &[u8; 32]) -> String {
    encode(PUBLIC_PREFIX, key)
}

pub fn encode_secret(seed: &[u8; 32]) -> String {
    encode(SECRET_PREFIX, seed)
}

pub fn decode_public(text: &str) -> Result<[u8; 32], MultikeyError> {
    decode(text, PUBLIC_PREFIX, "public (`z6Mk…`)")
}

pub fn decode_secret(text: &str) -> Result<[u8; 32], MultikeyError> {
    decode(text, SECRET_PREFIX, "secret (`z3u2…`)")
}

fn encode(prefix: [u8; 2], key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&prefix);
    bytes.extend_from_slice(key);
    format!("z{}", bs58::encode(bytes).into_string())
}

fn decode(text: &str, prefix: [u8; 2], expected: &'static str) -> Result<[u8; 32], MultikeyError> {
    let body = text
        .trim()
        .strip_prefix('z')
        .ok_or(MultikeyError::NotBase58btc)?;
    let bytes = bs58::decode(body)
        .into_vec()
        .map_err(|_| MultikeyError::NotBase58btc)?;
    if bytes.len() != 34 {
        return Err(MultikeyError::WrongLength);
    }
    if bytes[..2] != prefix {
        return Err(MultikeyError::WrongPrefix { expected });
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&bytes[2..]);
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
            out[i] = u8::from_str_radix(std::str::from_utf8(chunk).unwrap(), 16).unwrap();
        }
        out
    }

    /// The 1EdTech OB 3.0 test key (standards.md §3.3).
    #[test]
    fn encodes_the_1edtech_vector_key() {
        let public = hex("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5");
        assert_eq!(
            encode_public(&public),
            "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
        );
        assert_eq!(
            decode_public("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi").unwrap(),
            public
        );
    }

    /// standards.md Appendix A test key (seed and both Multikeys).
    #[test]
    fn round_trips_the_appendix_a_key() {
        let seed = hex("0aaa59e49ebeade897d6a7dd028a62a508b8d3057030630de09a253fb47d084a");
        assert_eq!(
            encode_secret(&seed),
            "z3u2RwSXGME6LwGRPCt67EJYjpA8CRySfLagySj7ESKTt2jB"
        );
        assert_eq!(
            decode_secret("z3u2RwSXGME6LwGRPCt67EJYjpA8CRySfLagySj7ESKTt2jB").unwrap(),
            seed
        );
        let public = hex("41f65fff11a8812abd8592c19f5e5cad3ed228c16c1b09afd6de0b74c7817c56");
        assert_eq!(
            encode_public(&public),
            "z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV"
        );
    }

    #[test]
    fn refuses_wrong_prefix_length_and_alphabet() {
        let secret = "z3u2RwSXGME6LwGRPCt67EJYjpA8CRySfLagySj7ESKTt2jB";
        assert!(matches!(
            decode_public(secret),
            Err(MultikeyError::WrongPrefix { .. })
        ));
        assert_eq!(decode_public("z6Mk"), Err(MultikeyError::WrongLength));
        assert_eq!(decode_public("u6Mk"), Err(MultikeyError::NotBase58btc));
        assert_eq!(decode_public("z0OIl"), Err(MultikeyError::NotBase58btc));
        let error = decode_secret("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi").unwrap_err();
        assert!(!error.to_string().contains("z6Mk"));
    }
}
