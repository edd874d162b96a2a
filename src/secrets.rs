//! Ids, tokens and password hashes.
//!
//! Tokens are 192 random bits, stored only as their SHA-256; passwords are
//! stored only as salted PBKDF2-SHA-256 (100,000 iterations, the most the
//! production runtime allows) computed by the runtime's WebCrypto, which is
//! several times faster than the same hash in WASM. Secrets are compared in
//! constant time.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// PBKDF2 iterations: Workers in production refuse more than 100,000.
const PBKDF2_ITERATIONS: u32 = 100_000;
const SALT_BYTES: usize = 16;
const TOKEN_BYTES: usize = 24;
/// Alphabet of appointment ids: letters and digits only, so a link never
/// ends in a `-` or `_` that a chat app would cut off.
const ID_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
/// 14 characters from 57 give 81 random bits (the spec asks for 64).
const APPOINTMENT_ID_LEN: usize = 14;
/// Participant ids only need to be unique within their appointment.
const PARTICIPANT_ID_LEN: usize = 10;

fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|e| format!("no randomness: {e}"))?;
    Ok(buf)
}

fn random_id(len: usize) -> Result<String, String> {
    // Rejection sampling keeps every character equally likely.
    let limit = 256 - 256 % ID_ALPHABET.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<32>()? {
            if (b as usize) < limit && out.len() < len {
                out.push(ID_ALPHABET[b as usize % ID_ALPHABET.len()] as char);
            }
        }
    }
    Ok(out)
}

/// A fresh appointment id.
pub fn new_appointment_id() -> Result<String, String> {
    random_id(APPOINTMENT_ID_LEN)
}

/// A fresh participant id.
pub fn new_participant_id() -> Result<String, String> {
    random_id(PARTICIPANT_ID_LEN)
}

/// A fresh id for one request, for logs and the `x-request-id` header.
pub fn new_request_id() -> Result<String, String> {
    random_id(PARTICIPANT_ID_LEN)
}

/// Whether `s` has the shape of an id we could have issued: URL-safe and at
/// most 32 characters. Anything else is answered 404 without a lookup.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A fresh bearer token and the hash under which it is stored.
pub fn new_token() -> Result<(String, Vec<u8>), String> {
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<TOKEN_BYTES>()?);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// The stored form of a token: its SHA-256. A token has 192 random bits, so
/// a fast hash is enough; there is nothing to brute-force.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether two secrets (hashes) are equal, in time independent of where
/// they differ.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The bearer token of an `Authorization` header value, if it has one.
pub fn bearer(header: Option<&str>) -> Option<&str> {
    let value = header?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A stored password hash: `pbkdf2-sha256$<iterations>$<salt>$<hash>`.
pub async fn hash_password(password: &str) -> Result<String, String> {
    let salt = random_bytes::<SALT_BYTES>()?;
    let hash = pbkdf2(password, &salt, PBKDF2_ITERATIONS).await?;
    Ok(format!(
        "pbkdf2-sha256${PBKDF2_ITERATIONS}${}${}",
        URL_SAFE_NO_PAD.encode(salt),
        URL_SAFE_NO_PAD.encode(hash)
    ))
}

/// Whether `password` matches a hash made by [`hash_password`].
pub async fn verify_password(password: &str, stored: &str) -> Result<bool, String> {
    let mut parts = stored.split('$');
    let (Some("pbkdf2-sha256"), Some(iterations), Some(salt), Some(hash), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err("malformed password hash".into());
    };
    let iterations: u32 = iterations.parse().map_err(|_| "bad iteration count")?;
    let salt = URL_SAFE_NO_PAD.decode(salt).map_err(|_| "bad salt")?;
    let expected = URL_SAFE_NO_PAD.decode(hash).map_err(|_| "bad hash")?;
    let actual = pbkdf2(password, &salt, iterations).await?;
    Ok(same_secret(&actual, &expected))
}

/// PBKDF2-HMAC-SHA-256 on the host (tests), 256 bits out: the same hash
/// as the runtime's WebCrypto, by the `pbkdf2` crate.
#[cfg(not(target_arch = "wasm32"))]
async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, String> {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut out);
    Ok(out.to_vec())
}

/// PBKDF2-HMAC-SHA-256 through `crypto.subtle`, 256 bits out.
#[cfg(target_arch = "wasm32")]
async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, String> {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    let js = |e: JsValue| format!("webcrypto: {e:?}");
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).map_err(js)?;
    let subtle: web_sys::SubtleCrypto = js_sys::Reflect::get(&crypto, &"subtle".into())
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    let usages = js_sys::Array::of1(&"deriveBits".into());
    let key_data = js_sys::Uint8Array::from(password.as_bytes());
    let key = subtle
        .import_key_with_str("raw", &key_data, "PBKDF2", false, &usages)
        .map_err(js)?;
    let key: web_sys::CryptoKey = JsFuture::from(key)
        .await
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    let salt = js_sys::Uint8Array::from(salt);
    let params = web_sys::Pbkdf2Params::new("PBKDF2", &"SHA-256".into(), iterations, &salt);
    let bits = subtle
        .derive_bits_with_object(&params, &key, 256)
        .map_err(js)?;
    let bits = JsFuture::from(bits).await.map_err(js)?;
    Ok(js_sys::Uint8Array::new(&bits).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appointment_ids_are_url_safe_and_long_enough() {
        let id = new_appointment_id().unwrap();
        assert_eq!(id.len(), APPOINTMENT_ID_LEN);
        assert!(is_valid_id(&id));
        // 57^14 > 2^81: comfortably above the 64 bits the spec asks for.
        assert!((APPOINTMENT_ID_LEN as f64) * (ID_ALPHABET.len() as f64).log2() >= 64.0);
        assert_ne!(id, new_appointment_id().unwrap());
    }

    #[test]
    fn tokens_carry_192_bits_and_hash_stably() {
        let (token, hash) = new_token().unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap().len(), 24);
        assert_eq!(hash, token_hash(&token));
        assert!(same_secret(&hash, &token_hash(&token)));
        assert!(!same_secret(&hash, &token_hash("other")));
    }

    #[test]
    fn ids_with_foreign_characters_or_too_long_are_refused() {
        assert!(is_valid_id("abc-DEF_123"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a/b"));
        assert!(!is_valid_id("한글"));
        assert!(!is_valid_id(&"a".repeat(33)));
        assert!(is_valid_id(&"a".repeat(32)));
    }

    #[test]
    fn bearer_token_is_read_from_the_header() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer ")), None);
        assert_eq!(bearer(None), None);
    }
}
