//! Verifying keys chosen by the token's `kid`: a JWK Set (RFC 7517) given in memory or
//! fetched from a URL and kept current (the `jwks` feature), and this manager's own
//! public keys published as a JWK Set.
//!
//! A set is read once into [`Snapshot`]s of its usable keys; a request reads the current
//! snapshot without a lock or an allocation ([`arc_swap`]) and picks its key by `kid`
//! and by the algorithm the configuration allows, never by what the key or the token
//! claims.

#[cfg(feature = "jwks")]
pub(crate) mod fetch;

use std::str::FromStr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyOperations, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde_json::Value;

use crate::error::JwtError;
use crate::types::algorithm_name;

/// The clock the cache's lifetimes are measured on (the manager's).
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Smallest RSA modulus accepted from a key set (RFC 7518 §3.3: 2048 bits).
const MIN_RSA_MODULUS_BYTES: usize = 256;

/// One key of a set that may verify some of the accepted algorithms.
struct SetKey {
    kid: Option<String>,
    /// The accepted algorithms this key fits (its `kty`/`crv`, and its `alg` if any).
    algorithms: Vec<Algorithm>,
    key: DecodingKey,
}

/// The usable keys of one version of a set, with its lifetime.
pub(crate) struct Snapshot {
    /// Identifies this version for the per-thread verifier cache.
    pub(crate) id: u64,
    keys: Vec<SetKey>,
    /// A single static key, used whatever `kid` a token names.
    any_kid: bool,
    /// Unix seconds after which this version is no longer used (`INFINITY`: never).
    expires_at: f64,
    /// Unix seconds from which a refresh is started in the background.
    #[cfg_attr(
        not(feature = "jwks"),
        allow(dead_code, reason = "only fetched sets refresh")
    )]
    refresh_at: f64,
}

impl Snapshot {
    /// A version that verifies nothing and is not usable (before the first fetch).
    fn unusable() -> Self {
        Snapshot {
            id: crate::token::next_manager_id(),
            keys: Vec::new(),
            any_kid: false,
            expires_at: f64::NEG_INFINITY,
            refresh_at: f64::NEG_INFINITY,
        }
    }

    /// Whether this version may still be used at `now`.
    pub(crate) fn usable_at(&self, now: f64) -> bool {
        now < self.expires_at
    }

    /// Whether a key carries this `kid` (for any algorithm).
    #[cfg_attr(
        not(feature = "jwks"),
        allow(dead_code, reason = "only fetched sets refresh")
    )]
    fn knows(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }

    /// The key for a token: the one whose `kid` is the token's, or, for a token without
    /// `kid`, the only key that fits `algorithm`. Returns its index and key.
    pub(crate) fn find(
        &self,
        kid: Option<&str>,
        algorithm: Algorithm,
    ) -> Result<(usize, &DecodingKey), JwtError> {
        let fits = |k: &SetKey| k.algorithms.contains(&algorithm);
        if let Some(kid) = kid.filter(|_| !self.any_kid) {
            return self
                .keys
                .iter()
                .enumerate()
                .find(|(_, k)| k.kid.as_deref() == Some(kid) && fits(k))
                .map(|(i, k)| (i, &k.key))
                .ok_or_else(|| {
                    JwtError::invalid(format!(
                        "No key in the key set matches the token's kid for {}",
                        algorithm_name(algorithm)
                    ))
                });
        }
        let mut usable = self.keys.iter().enumerate().filter(|(_, k)| fits(k));
        match (usable.next(), usable.next()) {
            (Some((i, k)), None) => Ok((i, &k.key)),
            _ => Err(JwtError::invalid(
                "The token has no kid, and the key set has no single key for its algorithm",
            )),
        }
    }

    /// How many keys this version holds.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }
}

/// The accepted algorithms a JWK may verify, or why it is not used (for the log).
fn fitting_algorithms(jwk: &Jwk, accepted: &[Algorithm]) -> Result<Vec<Algorithm>, &'static str> {
    let common = &jwk.common;
    match &common.public_key_use {
        None | Some(PublicKeyUse::Signature) => {}
        Some(_) => return Err("its `use` is not `sig`"),
    }
    if let Some(operations) = &common.key_operations
        && !operations.contains(&KeyOperations::Verify)
    {
        return Err("its `key_ops` do not include `verify`");
    }
    let declared = match common.key_algorithm {
        None => None,
        Some(alg) => Some(
            Algorithm::from_str(&alg.to_string())
                .map_err(|_| "its `alg` is not a signature algorithm")?,
        ),
    };
    let fits = |algorithm: Algorithm| match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            algorithm.family() == AlgorithmFamily::Rsa
                && URL_SAFE_NO_PAD.decode(&rsa.n).is_ok_and(|n| {
                    n.iter().skip_while(|b| **b == 0).count() >= MIN_RSA_MODULUS_BYTES
                })
        }
        AlgorithmParameters::EllipticCurve(ec) => matches!(
            (algorithm, &ec.curve),
            (Algorithm::ES256, EllipticCurve::P256) | (Algorithm::ES384, EllipticCurve::P384)
        ),
        AlgorithmParameters::OctetKeyPair(okp) => {
            algorithm == Algorithm::EdDSA && okp.curve == EllipticCurve::Ed25519
        }
        // Symmetric keys are never taken from a key set.
        _ => false,
    };
    let algorithms: Vec<Algorithm> = accepted
        .iter()
        .copied()
        .filter(|a| declared.is_none_or(|d| d == *a) && fits(*a))
        .collect();
    if algorithms.is_empty() {
        return Err("its `kty`, `crv`, `alg` or size fits no accepted algorithm");
    }
    Ok(algorithms)
}

/// A set's usable keys: `kid`, the accepted algorithms each fits, the key.
pub(crate) type KeyList = Vec<(Option<String>, Vec<Algorithm>, DecodingKey)>;

/// The usable keys of a JWK Set document (`{"keys": [...]}`), one key at a time: a key
/// this library cannot read or must not use is skipped (and logged), never fatal.
///
/// # Errors
/// When the document is not a JWK Set, or holds no key usable with `accepted`.
pub(crate) fn usable_keys(
    document: &Value,
    accepted: &[Algorithm],
    origin: &str,
) -> Result<KeyList, String> {
    let keys = document
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{origin}: not a JWK Set (no \"keys\" array)"))?;
    let mut usable = Vec::new();
    for (index, key) in keys.iter().enumerate() {
        let described = || {
            key.get("kid")
                .and_then(Value::as_str)
                .map_or_else(|| format!("key {index}"), |kid| format!("key {kid:?}"))
        };
        let jwk: Jwk = match serde_json::from_value(key.clone()) {
            Ok(jwk) => jwk,
            Err(error) => {
                tracing::debug!(
                    "{origin}: {} skipped: not a JWK this library reads ({error})",
                    described()
                );
                continue;
            }
        };
        let algorithms = match fitting_algorithms(&jwk, accepted) {
            Ok(algorithms) => algorithms,
            Err(reason) => {
                tracing::debug!("{origin}: {} skipped: {reason}", described());
                continue;
            }
        };
        match DecodingKey::from_jwk(&jwk) {
            Ok(decoding) => usable.push((jwk.common.key_id.clone(), algorithms, decoding)),
            Err(error) => tracing::warn!("{origin}: {} skipped: {error}", described()),
        }
    }
    if usable.is_empty() {
        return Err(format!(
            "{origin}: no key usable with {}",
            accepted
                .iter()
                .map(|a| algorithm_name(*a))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(usable)
}

/// Where a manager's key set comes from, and its current version.
pub(crate) struct KeySetSource {
    current: ArcSwap<Snapshot>,
    clock: Option<Clock>,
    #[cfg(feature = "jwks")]
    remote: Option<fetch::Remote>,
}

impl std::fmt::Debug for KeySetSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("KeySetSource");
        out.field("keys", &self.current.load().len());
        #[cfg(feature = "jwks")]
        out.field("remote", &self.remote);
        out.finish_non_exhaustive()
    }
}

impl KeySetSource {
    /// One static public key (an issuer's PEM key): any `kid`, never expires.
    pub(crate) fn static_key(key: DecodingKey, accepted: &[Algorithm]) -> Self {
        KeySetSource {
            current: ArcSwap::from_pointee(Snapshot {
                id: crate::token::next_manager_id(),
                keys: vec![SetKey {
                    kid: None,
                    algorithms: accepted.to_vec(),
                    key,
                }],
                any_kid: true,
                expires_at: f64::INFINITY,
                refresh_at: f64::INFINITY,
            }),
            clock: None,
            #[cfg(feature = "jwks")]
            remote: None,
        }
    }

    /// A set given in memory: checked now, never refreshed, never expires.
    pub(crate) fn in_memory(
        set: &JwkSet,
        accepted: &[Algorithm],
        clock: Option<Clock>,
    ) -> Result<Self, String> {
        let document = serde_json::to_value(set).map_err(|e| e.to_string())?;
        let keys = usable_keys(&document, accepted, "the JWK Set")?;
        let source = KeySetSource {
            current: ArcSwap::from_pointee(Snapshot::unusable()),
            clock,
            #[cfg(feature = "jwks")]
            remote: None,
        };
        source.install(keys, f64::INFINITY, f64::INFINITY);
        Ok(source)
    }

    /// A set fetched from `JWT_JWKS_URL` (or found by `JWT_OIDC_ISSUER`). The first fetch
    /// starts now: inside an async runtime it runs there (the first requests wait for
    /// it), outside one it is waited for. A failure is logged, and requests are refused
    /// (503) until a fetch succeeds.
    #[cfg(feature = "jwks")]
    pub(crate) fn remote(
        options: &fetch::RemoteOptions,
        accepted: Vec<Algorithm>,
        clock: Option<Clock>,
    ) -> Result<Arc<Self>, crate::error::ConfigError> {
        let source = Arc::new(KeySetSource {
            current: ArcSwap::from_pointee(Snapshot::unusable()),
            clock,
            remote: Some(fetch::Remote::new(options, accepted)?),
        });
        let seen = source.current.load().id;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let first = Arc::clone(&source);
            runtime.spawn(async move {
                if let Some(remote) = &first.remote {
                    remote.refresh(&first, seen, fetch::Reason::Due).await;
                }
            });
        } else if let Some(remote) = &source.remote {
            remote.refresh_blocking(&source, seen, fetch::Reason::Due);
        }
        Ok(source)
    }

    /// Unix seconds now, on the manager's clock.
    pub(crate) fn now(&self) -> f64 {
        let now = self.clock.as_ref().map_or_else(SystemTime::now, |c| c());
        now.duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    }

    /// Makes `keys` the current version.
    fn install(&self, keys: KeyList, expires_at: f64, refresh_at: f64) {
        let keys = keys
            .into_iter()
            .map(|(kid, algorithms, key)| SetKey {
                kid,
                algorithms,
                key,
            })
            .collect();
        self.current.store(Arc::new(Snapshot {
            id: crate::token::next_manager_id(),
            keys,
            any_kid: false,
            expires_at,
            refresh_at,
        }));
    }

    /// The version to verify a token with, for a caller that cannot await: outside an
    /// async runtime (a CLI, a test) a fetch that is due runs here, blocking; inside one
    /// it runs in the background and the current version is used meanwhile.
    pub(crate) fn ready_blocking(
        self: &Arc<Self>,
        kid: Option<&str>,
    ) -> Result<arc_swap::Guard<Arc<Snapshot>>, JwtError> {
        #[cfg(feature = "jwks")]
        if let Some(remote) = &self.remote {
            let snapshot = self.current.load();
            if let Some(reason) = Self::refresh_reason(&snapshot, kid, self.now()) {
                let seen = snapshot.id;
                drop(snapshot);
                if tokio::runtime::Handle::try_current().is_ok() {
                    remote.refresh_in_background(self, seen, reason);
                } else {
                    remote.refresh_blocking(self, seen, reason);
                }
            }
        }
        let _ = kid;
        self.current()
    }

    /// Why `snapshot` should be fetched again at `now` for a token with `kid`, if it
    /// should: it has expired, it lacks the `kid`, or its refresh time has come.
    #[cfg(feature = "jwks")]
    fn refresh_reason(snapshot: &Snapshot, kid: Option<&str>, now: f64) -> Option<fetch::Reason> {
        if !snapshot.usable_at(now) {
            Some(fetch::Reason::Due)
        } else if kid.is_some_and(|kid| !snapshot.knows(kid)) {
            Some(fetch::Reason::UnknownKid)
        } else if now >= snapshot.refresh_at {
            Some(fetch::Reason::Due)
        } else {
            None
        }
    }

    /// The current version, without fetching: [`JwtError::KeySetUnavailable`] when it
    /// has expired (or was never fetched). A refresh that is due is started in the
    /// background when a runtime is at hand.
    pub(crate) fn current(self: &Arc<Self>) -> Result<arc_swap::Guard<Arc<Snapshot>>, JwtError> {
        let snapshot = self.current.load();
        let now = self.now();
        if !snapshot.usable_at(now) {
            return Err(self.unavailable());
        }
        #[cfg(feature = "jwks")]
        if now >= snapshot.refresh_at
            && let Some(remote) = &self.remote
        {
            remote.refresh_in_background(self, snapshot.id, fetch::Reason::Due);
        }
        Ok(snapshot)
    }

    /// The version to verify a token with: the current one when it is usable and knows
    /// the token's `kid`; otherwise the one a refresh brings (one fetch at a time for all
    /// waiting requests, an unknown `kid` at most once per `JWT_JWKS_REFETCH_SECONDS`).
    #[cfg_attr(
        not(feature = "jwks"),
        allow(clippy::unused_async, reason = "only fetched sets are awaited")
    )]
    pub(crate) async fn ready(
        self: &Arc<Self>,
        kid: Option<&str>,
    ) -> Result<arc_swap::Guard<Arc<Snapshot>>, JwtError> {
        #[cfg(feature = "jwks")]
        if let Some(remote) = &self.remote {
            let snapshot = self.current.load();
            let now = self.now();
            // A set that is only due is refreshed in the background (`current`); an
            // expired one, or one without the `kid`, is waited for.
            let reason = Self::refresh_reason(&snapshot, kid, now)
                .filter(|reason| *reason == fetch::Reason::UnknownKid || !snapshot.usable_at(now));
            if let Some(reason) = reason {
                let seen = snapshot.id;
                drop(snapshot);
                remote.refresh(self, seen, reason).await;
            }
        }
        let _ = kid;
        self.current()
    }

    #[cfg_attr(
        not(feature = "jwks"),
        allow(clippy::unused_self, reason = "only fetched sets say why")
    )]
    fn unavailable(&self) -> JwtError {
        #[cfg(feature = "jwks")]
        if let Some(remote) = &self.remote {
            return JwtError::KeySetUnavailable(remote.failure());
        }
        JwtError::KeySetUnavailable("the key set has no usable version".to_owned())
    }
}

/// Where the keys of one issuer come from: see
/// [`JwtManagerBuilder::issuer`](crate::JwtManagerBuilder::issuer).
///
/// ```
/// let source = jwt_runtime::KeySource::JwksUrl("https://login.example/.well-known/jwks.json".into());
/// # let _ = source;
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum KeySource {
    /// A PEM public key of `JWT_ALGORITHM`'s family; it verifies whatever `kid` a token
    /// names.
    PublicKey(String),
    /// A JWK Set held in memory, keys chosen by `kid`.
    JwkSet(JwkSet),
    /// A JWK Set fetched from this `http` or `https` URL (the `jwks` feature), cached and
    /// refreshed as `JWT_JWKS_URL` is, with the same options.
    JwksUrl(String),
}

/// The manager's public verification keys as a JWK Set: the primary key (with `kid`),
/// then the fallbacks (each with its RFC 7638 SHA-256 thumbprint as `kid`). Empty for
/// HMAC algorithms, whose keys are secret.
pub(crate) fn own_key_set(
    algorithm: Algorithm,
    keys: &[DecodingKey],
    has_primary: bool,
    primary_kid: Option<&str>,
) -> JwkSet {
    if algorithm.family() == AlgorithmFamily::Hmac {
        return JwkSet { keys: Vec::new() };
    }
    let keys = keys
        .iter()
        .enumerate()
        .filter_map(|(slot, key)| {
            let mut jwk = Jwk::from_decoding_key(key, Some(algorithm))
                .inspect_err(|e| tracing::warn!("a verification key cannot be published: {e}"))
                .ok()?;
            jwk.common.public_key_use = Some(PublicKeyUse::Signature);
            jwk.common.key_id = match (slot == 0 && has_primary, primary_kid) {
                (true, Some(kid)) => Some(kid.to_owned()),
                (true, None) => None,
                (false, _) => jwk
                    .thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
                    .ok(),
            };
            Some(jwk)
        })
        .collect();
    JwkSet { keys }
}
