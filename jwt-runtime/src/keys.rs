//! Key preparation: once at start-up from the configuration, or per call from a key loader.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};

use crate::config::{JwtConfig, Secret};
use crate::error::{ConfigError, JwtError};

/// The key family of an algorithm: one per manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyFamily {
    Hmac,
    Rsa,
    Ec,
    Ed,
    /// An algorithm jsonwebtoken added after this port was written.
    Unsupported,
}

impl KeyFamily {
    pub(crate) fn of(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyFamily::Hmac,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeyFamily::Rsa,
            Algorithm::ES256 | Algorithm::ES384 => KeyFamily::Ec,
            Algorithm::EdDSA => KeyFamily::Ed,
            _ => KeyFamily::Unsupported,
        }
    }
}

/// Smallest HMAC secret that does not log a warning (RFC 7518 §3.2 for HS256).
pub(crate) const MIN_HMAC_SECRET: usize = 32;

/// Whether an HMAC secret is really an asymmetric key (the algorithm-confusion trap).
fn looks_like_public_key(secret: &[u8]) -> bool {
    let text = String::from_utf8_lossy(secret);
    let text = text.trim_start();
    [
        "-----BEGIN",
        "ssh-rsa",
        "ssh-ed25519",
        "ecdsa-sha2-",
        "ssh-dss",
    ]
    .iter()
    .any(|prefix| text.starts_with(prefix))
}

/// Builds an HMAC key pair, refusing empty secrets and asymmetric keys.
pub(crate) fn hmac_keys(
    secret: &[u8],
    option: &'static str,
) -> Result<(EncodingKey, DecodingKey), ConfigError> {
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
            "<PEM or SSH key>",
            "an asymmetric key cannot be used as an HMAC secret; set JWT_ALGORITHM to its algorithm and use JWT_PUBLIC_KEY/JWT_PRIVATE_KEY",
        ));
    }
    let encoding = EncodingKey::from_secret(secret)
        .map_err(|e| ConfigError::new(option, "<secret>", e.to_string()))?;
    let decoding = DecodingKey::from_secret(secret)
        .map_err(|e| ConfigError::new(option, "<secret>", e.to_string()))?;
    Ok((encoding, decoding))
}

pub(crate) fn encoding_key_from_pem(family: KeyFamily, pem: &[u8]) -> Result<EncodingKey, String> {
    let key = match family {
        KeyFamily::Rsa => EncodingKey::from_rsa_pem(pem),
        KeyFamily::Ec => EncodingKey::from_ec_pem(pem),
        KeyFamily::Ed => EncodingKey::from_ed_pem(pem),
        KeyFamily::Hmac => EncodingKey::from_secret(pem),
        KeyFamily::Unsupported => return Err("unsupported algorithm".to_owned()),
    };
    key.map_err(|e| e.to_string())
}

/// A verifying key a `decode_key_loader` returned for one token. Refuses what the token
/// must not be able to pick: an empty HMAC secret, or a public key as an HMAC secret.
pub(crate) fn loaded_decoding_key(family: KeyFamily, key: &[u8]) -> Result<DecodingKey, JwtError> {
    if family == KeyFamily::Hmac && looks_like_public_key(key) {
        return Err(JwtError::InvalidToken(
            "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret."
                .to_owned(),
        ));
    }
    decoding_key_from_pem(family, key)
        .map_err(|_| JwtError::InvalidToken("Signature verification failed".to_owned()))
}

pub(crate) fn decoding_key_from_pem(family: KeyFamily, pem: &[u8]) -> Result<DecodingKey, String> {
    let key = match family {
        KeyFamily::Rsa => DecodingKey::from_rsa_pem(pem),
        KeyFamily::Ec => DecodingKey::from_ec_pem(pem),
        KeyFamily::Ed => DecodingKey::from_ed_pem(pem),
        KeyFamily::Hmac => DecodingKey::from_secret(pem),
        KeyFamily::Unsupported => return Err("unsupported algorithm".to_owned()),
    };
    key.map_err(|e| e.to_string())
}

/// The configured key pair, prepared once.
pub(crate) struct PreparedKeys {
    pub(crate) encoding: EncodingKey,
    pub(crate) decoding: DecodingKey,
}

/// Reads and checks the keys for `config.algorithm`, then proves the pair works by
/// signing and verifying a probe (catches mismatched pairs and wrong curves).
pub(crate) fn prepare(config: &JwtConfig) -> Result<PreparedKeys, ConfigError> {
    let algorithm = config.algorithm;
    let name = crate::token::algorithm_name(algorithm);
    let family = KeyFamily::of(algorithm);
    let (encoding, decoding) = if family == KeyFamily::Hmac {
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
        hmac_keys(secret, "JWT_SECRET_KEY")?
    } else {
        let missing = |option: &'static str| {
            ConfigError::new(
                option,
                "",
                format!("must be set to use asymmetric cryptography algorithm \"{name}\""),
            )
        };
        let private = config
            .private_key
            .as_ref()
            .ok_or_else(|| missing("JWT_PRIVATE_KEY"))?;
        let public = config
            .public_key
            .as_ref()
            .ok_or_else(|| missing("JWT_PUBLIC_KEY"))?;
        let encoding = encoding_key_from_pem(family, private.expose()).map_err(|e| {
            ConfigError::new(
                "JWT_PRIVATE_KEY",
                "<PEM>",
                format!("not a valid {name} private key: {e}"),
            )
        })?;
        let decoding = decoding_key_from_pem(family, public.expose()).map_err(|e| {
            ConfigError::new(
                "JWT_PUBLIC_KEY",
                "<PEM>",
                format!("not a valid {name} public key: {e}"),
            )
        })?;
        (encoding, decoding)
    };
    let probe = b"eyJhbGciOiJub25lIn0.eyJwcm9iZSI6dHJ1ZX0";
    let signature = jsonwebtoken::crypto::sign(probe, &encoding, algorithm).map_err(|e| {
        ConfigError::new(
            key_option(family, true),
            "<key>",
            format!("cannot sign with {name}: {e}"),
        )
    })?;
    match jsonwebtoken::crypto::verify(&signature, probe, &decoding, algorithm) {
        Ok(true) => {}
        _ => {
            return Err(ConfigError::new(
                key_option(family, false),
                "<key>",
                format!(
                    "does not verify what JWT_PRIVATE_KEY signs with {name}; the keys are not a pair for this algorithm"
                ),
            ));
        }
    }
    Ok(PreparedKeys { encoding, decoding })
}

fn key_option(family: KeyFamily, signing: bool) -> &'static str {
    match (family, signing) {
        (KeyFamily::Hmac, _) => "JWT_SECRET_KEY",
        (_, true) => "JWT_PRIVATE_KEY",
        (_, false) => "JWT_PUBLIC_KEY",
    }
}
