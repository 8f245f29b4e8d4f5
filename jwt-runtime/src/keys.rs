//! Key preparation: once at start-up from the configuration, or per call from a key loader.

use jsonwebtoken::{AlgorithmFamily, DecodingKey, EncodingKey};

use crate::config::JwtConfig;
use crate::error::{ConfigError, JwtError};
use crate::types::Secret;

/// Smallest HMAC secret that does not log a warning (RFC 7518 §3.2 for HS256).
const MIN_HMAC_SECRET: usize = 32;

/// Whether an HMAC secret is really a key (the algorithm-confusion trap): PEM or SSH text,
/// a JWK or JWK Set as JSON, or a DER key; as it is, inside quotes or a JSON string, with
/// escaped line breaks, after a byte-order mark, or encoded once more in base64 or hex (as
/// secrets stores and `--env-file`s hand keys over).
fn looks_like_public_key(secret: &[u8]) -> bool {
    is_key(secret, 2)
}

/// How key files in text form begin (PEM, OpenSSH public keys and their options).
const TEXT_KEYS: [&str; 8] = [
    "-----BEGIN",
    "ssh-rsa",
    "ssh-ed25519",
    "ssh-dss",
    "ecdsa-sha2-",
    "sk-ssh-",
    "sk-ecdsa-",
    "from=",
];

/// [`looks_like_public_key`], unwrapping at most `depth` encodings.
fn is_key(bytes: &[u8], depth: u8) -> bool {
    if is_der_key(bytes) {
        return true;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    // A JSON string holding a JWK is JSON as it is, before its quotes are taken off.
    if is_jwk(text.trim_matches(|c: char| c == '\u{feff}' || c.is_whitespace())) {
        return true;
    }
    let text = unwrap_text(text);
    let text = text.as_str();
    if TEXT_KEYS.iter().any(|prefix| text.starts_with(prefix)) || is_jwk(text) {
        return true;
    }
    depth > 0 && decoded(text).is_some_and(|inner| is_key(&inner, depth - 1))
}

/// The text without a byte-order mark, surrounding whitespace and quotes, and with the
/// `\n` escapes of one-line key files turned into line breaks.
fn unwrap_text(text: &str) -> String {
    let text = text.trim_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    let text = ['"', '\'']
        .iter()
        .find_map(|quote| {
            text.strip_prefix(*quote)
                .and_then(|inner| inner.strip_suffix(*quote))
        })
        .unwrap_or(text);
    text.replace("\\r\\n", "\n")
        .replace("\\n", "\n")
        .trim()
        .to_owned()
}

/// JSON that is a JWK (an object with `kty`), a JWK Set (`keys`), an array of JWKs, or a
/// JSON string holding one of those.
fn is_jwk(text: &str) -> bool {
    fn holds_key(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(object) => {
                object.contains_key("kty") || object.contains_key("keys")
            }
            serde_json::Value::Array(items) => items.iter().any(holds_key),
            serde_json::Value::String(inner) => is_jwk(inner.trim()),
            _ => false,
        }
    }
    text.starts_with(['{', '[', '"'])
        && serde_json::from_str::<serde_json::Value>(text).is_ok_and(|value| holds_key(&value))
}

/// The bytes of base64 (standard or URL-safe, padded or not, whitespace ignored) or hex text.
fn decoded(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len().is_multiple_of(2) && compact.bytes().all(|b| b.is_ascii_hexdigit()) {
        return compact
            .as_bytes()
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
            .collect();
    }
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(&compact).ok())
}

/// One DER SEQUENCE of at least 44 bytes (the smallest key, an Ed25519 SPKI) whose length
/// is exactly the input's and that holds a key: an INTEGER first (PKCS#1, PKCS#8) or a key
/// algorithm OID (SPKI, certificates: RSA, EC, Ed25519). A random secret of that length
/// essentially never has this shape.
fn is_der_key(der: &[u8]) -> bool {
    const OIDS: [&[u8]; 3] = [
        // rsaEncryption 1.2.840.113549.1.1.1
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
        ],
        // id-ecPublicKey 1.2.840.10045.2.1
        &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
        // id-Ed25519 1.3.101.112
        &[0x06, 0x03, 0x2b, 0x65, 0x70],
    ];
    if der.len() < 44 {
        return false;
    }
    let Some((&0x30, rest)) = der.split_first() else {
        return false;
    };
    let Some((&first, rest)) = rest.split_first() else {
        return false;
    };
    let (length, body) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 3 || rest.len() < count {
            return false;
        }
        let (bytes, body) = rest.split_at(count);
        (
            bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b)),
            body,
        )
    };
    length == body.len()
        && (body.first() == Some(&0x02)
            || OIDS
                .iter()
                .any(|oid| body.windows(oid.len()).any(|w| w == *oid)))
}

/// Builds the HMAC key pair of `JWT_SECRET_KEY`, refusing empty secrets and asymmetric keys.
fn hmac_keys(secret: &[u8]) -> Result<(EncodingKey, DecodingKey), ConfigError> {
    let option = "JWT_SECRET_KEY";
    if secret.is_empty() {
        return Err(ConfigError::new(
            option,
            "",
            "the HMAC secret must not be empty",
        ));
    }
    if looks_like_public_key(secret) {
        return Err(ConfigError::new(
            option,
            "<key>",
            "an asymmetric key cannot be used as an HMAC secret; set JWT_ALGORITHM to its algorithm and use JWT_PUBLIC_KEY/JWT_PRIVATE_KEY",
        ));
    }
    let encoding = EncodingKey::from_secret(secret)
        .map_err(|e| ConfigError::new(option, "<secret>", e.to_string()))?;
    let decoding = DecodingKey::from_secret(secret)
        .map_err(|e| ConfigError::new(option, "<secret>", e.to_string()))?;
    Ok((encoding, decoding))
}

pub(crate) fn encoding_key_from_pem(
    family: AlgorithmFamily,
    pem: &[u8],
) -> Result<EncodingKey, String> {
    let key = match family {
        AlgorithmFamily::Rsa => EncodingKey::from_rsa_pem(pem),
        AlgorithmFamily::Ec => EncodingKey::from_ec_pem(pem),
        AlgorithmFamily::Ed => EncodingKey::from_ed_pem(pem),
        AlgorithmFamily::Hmac => EncodingKey::from_secret(pem),
    };
    key.map_err(|e| e.to_string())
}

/// A verifying key a `decode_key_loader` returned for one token. Refuses what the token
/// must not be able to pick: an empty HMAC secret, or a public key as an HMAC secret.
pub(crate) fn loaded_decoding_key(
    family: AlgorithmFamily,
    key: &[u8],
) -> Result<DecodingKey, JwtError> {
    if family == AlgorithmFamily::Hmac && looks_like_public_key(key) {
        return Err(JwtError::InvalidToken(
            "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret."
                .to_owned(),
        ));
    }
    decoding_key_from_pem(family, key)
        .map_err(|_| JwtError::InvalidToken("Signature verification failed".to_owned()))
}

pub(crate) fn decoding_key_from_pem(
    family: AlgorithmFamily,
    pem: &[u8],
) -> Result<DecodingKey, String> {
    let key = match family {
        AlgorithmFamily::Rsa => DecodingKey::from_rsa_pem(pem),
        AlgorithmFamily::Ec => DecodingKey::from_ec_pem(pem),
        AlgorithmFamily::Ed => DecodingKey::from_ed_pem(pem),
        AlgorithmFamily::Hmac => DecodingKey::from_secret(pem),
    };
    key.map_err(|e| e.to_string())
}

/// The configured keys, prepared once.
#[derive(Clone)]
pub(crate) struct PreparedKeys {
    /// `None` for a manager that only verifies (a public key and no private key, or only
    /// a key set).
    pub(crate) encoding: Option<EncodingKey>,
    /// The verifying keys in the order they are tried: the primary (`JWT_SECRET_KEY` or
    /// `JWT_PUBLIC_KEY`), then the fallbacks. Empty when only a key set verifies.
    pub(crate) verifying: Vec<DecodingKey>,
    /// Whether `verifying` starts with a primary key (not so when a key set stands in
    /// for `JWT_PUBLIC_KEY` and only fallbacks are configured).
    pub(crate) has_primary: bool,
}

/// Reads and checks the keys for `config.algorithm`, then proves a pair works by
/// signing and verifying a probe (catches mismatched pairs and wrong curves). A public
/// key without a private key makes a manager that only verifies; the key is still parsed
/// and must be usable for the algorithm. With a key set (`with_key_set`), the public key
/// may be absent.
pub(crate) fn prepare(config: &JwtConfig, with_key_set: bool) -> Result<PreparedKeys, ConfigError> {
    let algorithm = config.algorithm;
    let name = crate::types::algorithm_name(algorithm);
    let family = algorithm.family();
    let (encoding, decoding) = if family == AlgorithmFamily::Hmac {
        let (encoding, decoding) = configured_secret(config, name)?;
        (Some(encoding), decoding)
    } else {
        let Some(pair) = configured_pair(config, family, name, with_key_set)? else {
            tracing::info!(
                "JWT_PUBLIC_KEY is not set: this manager verifies {name} tokens with its key set only and cannot create any"
            );
            return Ok(PreparedKeys {
                encoding: None,
                verifying: fallback_keys(config)?,
                has_primary: false,
            });
        };
        pair
    };
    let probe = b"eyJhbGciOiJub25lIn0.eyJwcm9iZSI6dHJ1ZX0";
    if let Some(signing) = &encoding {
        let signature = jsonwebtoken::crypto::sign(probe, signing, algorithm).map_err(|e| {
            ConfigError::new(
                key_option(family, true),
                "<key>",
                format!("cannot sign with {name}: {e}"),
            )
        })?;
        if !matches!(
            jsonwebtoken::crypto::verify(&signature, probe, &decoding, algorithm),
            Ok(true)
        ) {
            return Err(ConfigError::new(
                key_option(family, false),
                "<key>",
                format!(
                    "does not verify what JWT_PRIVATE_KEY signs with {name}; the keys are not a pair for this algorithm"
                ),
            ));
        }
    } else {
        // Verify-only: the key must be usable for the algorithm (a verifier is built for
        // it); a probe signature it did not make must not verify.
        if !matches!(
            jsonwebtoken::crypto::verify("AAAA", probe, &decoding, algorithm),
            Ok(false)
        ) {
            return Err(ConfigError::new(
                "JWT_PUBLIC_KEY",
                "<PEM>",
                format!("not usable to verify {name} signatures"),
            ));
        }
        tracing::info!(
            "JWT_PRIVATE_KEY is not set: this manager verifies {name} tokens and cannot create any"
        );
    }
    let mut verifying = vec![decoding];
    verifying.extend(fallback_keys(config)?);
    Ok(PreparedKeys {
        encoding,
        verifying,
        has_primary: true,
    })
}

/// The `JWT_SECRET_KEY` pair (a short secret is only warned about, as PyJWT 2 does).
fn configured_secret(
    config: &JwtConfig,
    name: &str,
) -> Result<(EncodingKey, DecodingKey), ConfigError> {
    let secret = config
        .secret_key
        .as_ref()
        .map(Secret::expose)
        .ok_or_else(|| {
            ConfigError::new(
                "JWT_SECRET_KEY",
                "",
                format!("must be set when using symmetric algorithm \"{name}\""),
            )
        })?;
    if secret.len() < MIN_HMAC_SECRET && !secret.is_empty() {
        tracing::warn!(
            "JWT_SECRET_KEY is {} bytes long; use at least {MIN_HMAC_SECRET} random bytes for {name} (RFC 7518 §3.2)",
            secret.len()
        );
    }
    hmac_keys(secret)
}

/// The `JWT_PUBLIC_KEY` key, and the `JWT_PRIVATE_KEY` one when it is set; `None` when
/// neither is set and a key set verifies.
fn configured_pair(
    config: &JwtConfig,
    family: AlgorithmFamily,
    name: &str,
    with_key_set: bool,
) -> Result<Option<(Option<EncodingKey>, DecodingKey)>, ConfigError> {
    let Some(public) = config.public_key.as_ref() else {
        if with_key_set && config.private_key.is_none() {
            return Ok(None);
        }
        return Err(ConfigError::new(
            "JWT_PUBLIC_KEY",
            "",
            format!("must be set to use asymmetric cryptography algorithm \"{name}\""),
        ));
    };
    let encoding = config
        .private_key
        .as_ref()
        .map(|private| {
            encoding_key_from_pem(family, private.expose()).map_err(|e| {
                ConfigError::new(
                    "JWT_PRIVATE_KEY",
                    "<PEM>",
                    format!("not a valid {name} private key: {e}"),
                )
            })
        })
        .transpose()?;
    let decoding = decoding_key_from_pem(family, public.expose()).map_err(|e| {
        ConfigError::new(
            "JWT_PUBLIC_KEY",
            "<PEM>",
            format!("not a valid {name} public key: {e}"),
        )
    })?;
    Ok(Some((encoding, decoding)))
}

/// The fallback verifying keys of the configured family (the other family's option must
/// be empty: a fallback never changes the kind of key a token is checked with).
fn fallback_keys(config: &JwtConfig) -> Result<Vec<DecodingKey>, ConfigError> {
    let algorithm = config.algorithm;
    let name = crate::types::algorithm_name(algorithm);
    let family = algorithm.family();
    let (option, keys, other, others) = if family == AlgorithmFamily::Hmac {
        (
            "JWT_SECRET_KEY_FALLBACKS",
            &config.secret_key_fallbacks,
            "JWT_PUBLIC_KEY_FALLBACKS",
            &config.public_key_fallbacks,
        )
    } else {
        (
            "JWT_PUBLIC_KEY_FALLBACKS",
            &config.public_key_fallbacks,
            "JWT_SECRET_KEY_FALLBACKS",
            &config.secret_key_fallbacks,
        )
    };
    if !others.is_empty() {
        return Err(ConfigError::new(
            other,
            "<keys>",
            format!("does not apply to {name}; use {option}"),
        ));
    }
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            let at = |reason: String| ConfigError::new(option, format!("<key {}>", i + 1), reason);
            if family == AlgorithmFamily::Hmac {
                if key.expose().is_empty() || looks_like_public_key(key.expose()) {
                    return Err(at(
                        "a fallback HMAC secret must be a non-empty secret, not a key".to_owned(),
                    ));
                }
                DecodingKey::from_secret(key.expose()).map_err(|e| at(e.to_string()))
            } else {
                decoding_key_from_pem(family, key.expose())
                    .map_err(|e| at(format!("not a valid {name} public key: {e}")))
            }
        })
        .collect()
}

fn key_option(family: AlgorithmFamily, signing: bool) -> &'static str {
    match (family, signing) {
        (AlgorithmFamily::Hmac, _) => "JWT_SECRET_KEY",
        (_, true) => "JWT_PRIVATE_KEY",
        (_, false) => "JWT_PUBLIC_KEY",
    }
}
