//! Decoding: the key a token verifies with (a key loader's, an issuer's own source, the
//! key set's by `kid`, or the configured keys), then the signature, the claims and the
//! normalisation; and this manager's own public keys as a JWK Set.

use std::sync::Arc;

use jsonwebtoken::DecodingKey;
use serde_json::{Map, Value};

use super::{JwtManager, PendingKey, refuse_async};
use crate::claims::Claims;
use crate::error::JwtError;
use crate::keys;
use crate::keyset::{KeySetSource, Snapshot};
use crate::loaders::{MaybeAsync, guarded, slots};
use crate::payload::{Payload, parse_payload};
use crate::token::{self, DecodeOptions, DecodeSettings};
use crate::types::Secret;

/// The token header's `kid`, when it is a string.
fn kid<'s>(split: &'s token::SplitToken<'_>) -> Option<&'s str> {
    split.header.get("kid").and_then(Value::as_str)
}

impl JwtManager {
    /// Python's `decode_token(encoded_token)`: full verification and normalisation; no
    /// blacklist or type check.
    ///
    /// # Errors
    /// [`JwtError::Expired`] (with the claims) for an expired token,
    /// [`JwtError::InvalidToken`] for everything else.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, JwtError};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let err = manager.decode_token("foobarbaz").unwrap_err();
    /// assert_eq!(err.message(), "Not enough segments");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_token(&self, encoded_token: &str) -> Result<Claims, JwtError> {
        self.decode_token_with(encoded_token, DecodeOptions::default())
    }

    /// Python's `decode_token_with(encoded_token, jwt_runtime::DecodeOptions::default().csrf_value(csrf_value=).allow_expired(allow_expired=))`.
    ///
    /// # Errors
    /// As [`decode_token`](Self::decode_token); [`JwtError::Csrf`] for a CSRF mismatch; an
    /// expired token decodes with [`DecodeOptions::allow_expired`].
    ///
    /// ```
    /// # use jwt_runtime::{DecodeOptions, JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_access_token(&"alice")?;
    /// let claims = manager.decode_token_with(&token, DecodeOptions::default().allow_expired(true))?;
    /// assert_eq!(claims.identity::<String>()?, "alice");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_token_with(
        &self,
        encoded_token: &str,
        options: DecodeOptions<'_>,
    ) -> Result<Claims, JwtError> {
        let split = self.split(encoded_token)?;
        refuse_async(
            self.inner.loaders.decode_key_loader.as_ref(),
            slots::decode_key_loader::NAME,
            "decode tokens with decode_token_async",
        )?;
        let unverified = self.unverified_claims(&split)?;
        let key = match &unverified {
            None => None,
            Some(claims) => self
                .decode_key(claims, &split.header)?
                .ready(slots::decode_key_loader::NAME)?,
        };
        // The header is checked before any key set is consulted (or fetched).
        let algorithm = self.inner.decode.check_header(&split)?;
        let set = match self.key_set_for(&split, unverified.as_ref(), key.is_some())? {
            Some(source) => Some(source.ready_blocking(kid(&split))?),
            None => None,
        };
        self.finish_decode(
            split,
            algorithm,
            unverified,
            key,
            set.as_deref().map(Arc::as_ref),
            options,
        )
    }

    /// [`decode_token_with`](Self::decode_token_with) for any `decode_key_loader`, `async`
    /// ones included (the request path uses this).
    ///
    /// # Errors
    /// As [`decode_token_with`](Self::decode_token_with), and the loader's error.
    ///
    /// ```
    /// # use jwt_runtime::{DecodeOptions, JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let token = manager.create_access_token(&"alice")?;
    /// let claims = actix_web::rt::System::new()
    ///     .block_on(manager.decode_token_async(&token, DecodeOptions::default()))?;
    /// assert_eq!(claims.identity::<String>()?, "alice");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn decode_token_async(
        &self,
        encoded_token: &str,
        options: DecodeOptions<'_>,
    ) -> Result<Claims, JwtError> {
        let split = self.split(encoded_token)?;
        let unverified = self.unverified_claims(&split)?;
        let key = match &unverified {
            None => None,
            Some(claims) => {
                self.decode_key(claims, &split.header)?
                    .wait(slots::decode_key_loader::NAME)
                    .await?
            }
        };
        // The header is checked before any key set is consulted (or fetched).
        let algorithm = self.inner.decode.check_header(&split)?;
        let set = match self.key_set_for(&split, unverified.as_ref(), key.is_some())? {
            Some(source) => Some(source.ready(kid(&split)).await?),
            None => None,
        };
        self.finish_decode(
            split,
            algorithm,
            unverified,
            key,
            set.as_deref().map(Arc::as_ref),
            options,
        )
    }

    /// The key set a token verifies with, if any (none: a key loader's key, or the
    /// configured keys). With issuers bound to their own keys, the token's unverified
    /// `iss` chooses before any key is touched: a bound issuer's source, or, for an issuer
    /// that `JWT_DECODE_ISSUER` accepts, the default keys; any other `iss` is refused.
    /// The default keys: the key set unless the token names no `kid` or this manager's
    /// own `JWT_PUBLIC_KEY_ID` and a static key is configured.
    fn key_set_for(
        &self,
        split: &token::SplitToken<'_>,
        unverified: Option<&Map<String, Value>>,
        loaded_key: bool,
    ) -> Result<Option<&Arc<KeySetSource>>, JwtError> {
        if loaded_key {
            return Ok(None);
        }
        let bound = &self.inner.issuer_keys;
        if !bound.is_empty() {
            let issuer = match unverified.and_then(|claims| claims.get("iss")) {
                None => return Err(JwtError::invalid(r#"Token is missing the "iss" claim"#)),
                Some(Value::String(issuer)) => issuer,
                Some(_) => return Err(JwtError::invalid("Payload Issuer (iss) must be a string")),
            };
            if let Some((_, source)) = bound.iter().find(|(name, _)| name == issuer) {
                return Ok(Some(source));
            }
            let accepted = self.inner.config.decode_issuer.as_ref();
            if !accepted.is_some_and(|accepted| accepted.contains(issuer)) {
                return Err(JwtError::invalid("Invalid issuer"));
            }
        }
        let Some(source) = self.inner.key_set.as_ref() else {
            return Ok(None);
        };
        let static_keys = self.inner.keys.has_primary;
        let own = match kid(split) {
            None => true,
            Some(kid) => self.inner.config.public_key_id.as_deref() == Some(kid),
        };
        Ok((!static_keys || !own).then_some(source))
    }

    pub(super) fn split<'t>(
        &self,
        encoded_token: &'t str,
    ) -> Result<token::SplitToken<'t>, JwtError> {
        let settings = &self.inner.decode;
        settings.check_size(encoded_token)?;
        token::split(encoded_token, &settings.known_headers)
    }

    /// With a `decode_key_loader`, the unverified claims it chooses a key from (it sees
    /// unverified data only to choose a key).
    fn unverified_claims(
        &self,
        split: &token::SplitToken<'_>,
    ) -> Result<Option<Map<String, Value>>, JwtError> {
        if self.inner.loaders.decode_key_loader.is_none() && self.inner.issuer_keys.is_empty() {
            return Ok(None);
        }
        Ok(Some(parse_payload(&split.payload)?))
    }

    /// The key the `decode_key_loader` chooses for a token.
    fn decode_key<'a>(
        &self,
        claims: &'a Map<String, Value>,
        header: &'a Map<String, Value>,
    ) -> Result<PendingKey<'a>, JwtError> {
        const NAME: &str = slots::decode_key_loader::NAME;
        Ok(match &self.inner.loaders.decode_key_loader {
            None => PendingKey::Ready(None),
            Some(MaybeAsync::Sync(loader)) => {
                PendingKey::Ready(Some(guarded(NAME, || loader(claims, header))??))
            }
            Some(MaybeAsync::Async(loader)) => {
                PendingKey::Async(guarded(NAME, || loader(claims, header))?)
            }
        })
    }

    /// Signature (with the key a loader chose, the key set's key for the token, or the
    /// configured keys), claims, normalisation.
    fn finish_decode(
        &self,
        split: token::SplitToken<'_>,
        algorithm: jsonwebtoken::Algorithm,
        unverified: Option<Map<String, Value>>,
        loaded: Option<Secret>,
        set: Option<&Snapshot>,
        options: DecodeOptions<'_>,
    ) -> Result<Claims, JwtError> {
        let settings = &self.inner.decode;
        if let Some(secret) = loaded {
            // The token chose the key (e.g. by `kid`): a key unusable for the configured
            // algorithm is the token's fault (422), never a 500 and never an HMAC keyed
            // with a public key (algorithm confusion).
            let key: DecodingKey =
                keys::loaded_decoding_key(self.inner.config.algorithm.family(), secret.expose())?;
            DecodeSettings::verify_signature(&split, algorithm, std::slice::from_ref(&key), None)?;
        } else if let Some(set) = set {
            let (slot, key) = set.find(kid(&split), algorithm)?;
            let key = std::slice::from_ref(key);
            DecodeSettings::verify_signature(&split, algorithm, key, Some((set.id, slot)))?;
        } else {
            let keys = &self.inner.keys.verifying;
            DecodeSettings::verify_signature(&split, algorithm, keys, Some((settings.id, 0)))?;
        }
        // The payload was parsed to choose the key: it is not parsed again.
        let payload = match unverified {
            Some(claims) => Payload::from_map(claims, split.payload, &settings.names),
            None => Payload::parse(split.payload, &settings.names)?,
        };
        let expired = settings.validate_claims(&payload, self.now())?;
        let claims = settings.normalise(payload, split.header, options.csrf_value)?;
        if expired && !options.allow_expired {
            return Err(JwtError::Expired(claims));
        }
        Ok(claims)
    }

    /// This manager's public verification keys as a JWK Set, for services that verify
    /// its tokens: `JWT_PUBLIC_KEY` first (with `kid` from `JWT_PUBLIC_KEY_ID`), then
    /// `JWT_PUBLIC_KEY_FALLBACKS` (each with its RFC 7638 SHA-256 thumbprint as `kid`;
    /// use the thumbprint as `JWT_PUBLIC_KEY_ID` and a key keeps its `kid` when it
    /// becomes a fallback). Empty for HMAC algorithms, whose keys are secret.
    ///
    /// ```
    /// use jsonwebtoken::Algorithm;
    /// use jwt_runtime::{JwtConfig, JwtManager};
    /// const PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAyzKgUB9g2k4KNdLaJfoJo7olH4Ih8fZfMftApGLE0hc=\n-----END PUBLIC KEY-----";
    /// let manager = JwtManager::new(JwtConfig::default().algorithm(Algorithm::EdDSA)
    ///     .public_key(PUBLIC).public_key_id("k1"))?;
    /// let set = manager.jwks();
    /// assert_eq!(set.keys[0].common.key_id.as_deref(), Some("k1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn jwks(&self) -> crate::JwkSet {
        serde_json::from_slice(&self.inner.own_jwks).unwrap_or_default()
    }

    /// An actix resource serving [`jwks`](Self::jwks) at `GET /.well-known/jwks.json`
    /// (no protection; `Cache-Control: max-age=300`), so that other services can verify
    /// this one's tokens with `JWT_JWKS_URL`. It answers 404 for HMAC algorithms.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let app = actix_web::App::new().service(manager.jwks_resource());
    /// # let _ = app;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    #[must_use]
    pub fn jwks_resource(&self) -> actix_web::Resource {
        let manager = self.clone();
        actix_web::web::resource("/.well-known/jwks.json").route(actix_web::web::get().to(
            move || {
                let body = manager.inner.own_jwks.clone();
                let hmac =
                    manager.inner.config.algorithm.family() == jsonwebtoken::AlgorithmFamily::Hmac;
                async move {
                    if hmac {
                        return actix_web::HttpResponse::NotFound().finish();
                    }
                    actix_web::HttpResponse::Ok()
                        .content_type("application/json")
                        .insert_header(("Cache-Control", "max-age=300"))
                        .body(body)
                }
            },
        ))
    }
}
