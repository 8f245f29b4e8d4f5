//! The token engine: the reference's claim layout on the way out (`iat`, `nbf`, `jti`,
//! `exp`, identity, `fresh`, `type`, this port's `fam`, user claims, `csrf`, `iss`, `aud`, in that order),
//! and PyJWT 2's checks and messages plus the reference's normalisation on the way in.
//! Cryptography is jsonwebtoken's; this module only frames it.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::claims::{Claims, FAMILY_CLAIM};
use crate::config::JwtConfig;
use crate::error::JwtError;
use crate::payload::{self, ClaimNames, Payload};
use crate::types::{Compat, Expiry, TokenType, algorithm_name, seconds_after, whole_seconds};

mod options;

pub use options::{DecodeOptions, Fresh, TokenOptions};

/// A new token before its key: what the loaders and options made of it.
pub(crate) struct TokenDraft {
    pub(crate) token_type: TokenType,
    /// The identity as given (what key loaders receive).
    pub(crate) identity: Value,
    /// The `user_identity_loader`'s result, when there is one: written instead.
    pub(crate) identity_claim: Option<Value>,
    pub(crate) fresh: Fresh,
    pub(crate) expires: Expiry,
    /// 3.x's user claims object.
    pub(crate) user_claims: Option<Value>,
    /// The token's own top-level claims (4.x's additional claims), in the order written.
    pub(crate) additional_claims: Vec<(String, Value)>,
    pub(crate) headers: Option<Map<String, Value>>,
    /// The login it belongs to (`fam`).
    pub(crate) family: Option<String>,
    /// When the token is issued (Unix seconds): the time its bounds were checked at.
    pub(crate) now: f64,
}

/// What a manager writes into every token: the claim names, and the configured
/// algorithm, issuer, audience and whether a `csrf` claim is written.
pub(crate) struct EncodeSettings<'a> {
    pub(crate) names: &'a ClaimNames,
    pub(crate) config: &'a JwtConfig,
    /// The `kid` header written (`JWT_PUBLIC_KEY_ID`, when signing with its key).
    pub(crate) kid: Option<&'a str>,
    pub(crate) csrf: bool,
}

/// Serialises the payload in the reference's insertion order.
struct PayloadWriter<'a> {
    draft: &'a TokenDraft,
    settings: &'a EncodeSettings<'a>,
    jti: &'a str,
    csrf: Option<&'a str>,
}

impl PayloadWriter<'_> {
    /// 4.x's layout: `fresh, iat, jti, type, <identity>, nbf, csrf, aud, iss, exp`, then
    /// the additional claims, which replace a claim of the same name where it stands.
    fn v4_claims(&self) -> Vec<(String, Value)> {
        let d = self.draft;
        let config = self.settings.config;
        let iat = Value::from(whole_seconds(d.now));
        let fresh = match d.fresh {
            // 4.x's refresh tokens are never fresh.
            _ if d.token_type == TokenType::Refresh => Value::Bool(false),
            Fresh::No => Value::Bool(false),
            Fresh::Yes => Value::Bool(true),
            // 4.x writes `datetime.timestamp(now + fresh)`: a float.
            Fresh::For(delta) => Value::from(d.now + delta.as_secs_f64()),
            Fresh::Until(timestamp) => Value::from(timestamp),
        };
        let mut claims = vec![
            ("fresh".to_owned(), fresh),
            ("iat".to_owned(), iat.clone()),
            ("jti".to_owned(), Value::from(self.jti)),
            ("type".to_owned(), Value::from(d.token_type.as_str())),
            (
                self.settings.names.identity.clone(),
                d.identity_claim
                    .clone()
                    .unwrap_or_else(|| d.identity.clone()),
            ),
        ];
        if let Some(family) = &d.family {
            claims.push((FAMILY_CLAIM.to_owned(), Value::from(family.as_str())));
        }
        if config.encode_nbf {
            claims.push(("nbf".to_owned(), iat));
        }
        if let Some(csrf) = self.csrf {
            claims.push(("csrf".to_owned(), Value::from(csrf)));
        }
        match config.encode_audience.as_deref() {
            Some([one]) => claims.push(("aud".to_owned(), Value::from(one.as_str()))),
            Some(many) if !many.is_empty() => claims.push(("aud".to_owned(), Value::from(many))),
            _ => {}
        }
        if let Some(iss) = &config.encode_issuer {
            claims.push(("iss".to_owned(), Value::from(iss.as_str())));
        }
        if let Expiry::After(delta) = d.expires {
            claims.push(("exp".to_owned(), Value::from(seconds_after(d.now, delta))));
        }
        for (name, value) in &d.additional_claims {
            set_claim(&mut claims, name.clone(), value.clone());
        }
        claims
    }
}

/// Sets a claim of an ordered claim list: in its place when the name is there, else last
/// (4.x's `dict.update`).
pub(crate) fn set_claim(claims: &mut Vec<(String, Value)>, name: String, value: Value) {
    match claims.iter_mut().find(|(claim, _)| *claim == name) {
        Some(slot) => slot.1 = value,
        None => claims.push((name, value)),
    }
}

impl Serialize for PayloadWriter<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.settings.config.compat == Compat::V4 {
            let claims = self.v4_claims();
            let mut map = serializer.serialize_map(Some(claims.len()))?;
            for (name, value) in &claims {
                map.serialize_entry(name, value)?;
            }
            return map.end();
        }
        let d = self.draft;
        let names = self.settings.names;
        let config = self.settings.config;
        let mut map = serializer.serialize_map(None)?;
        let iat = whole_seconds(d.now);
        map.serialize_entry("iat", &iat)?;
        if config.encode_nbf {
            map.serialize_entry("nbf", &iat)?;
        }
        map.serialize_entry("jti", self.jti)?;
        if let Expiry::After(delta) = d.expires {
            map.serialize_entry("exp", &seconds_after(d.now, delta))?;
        }
        map.serialize_entry(
            names.identity.as_str(),
            d.identity_claim.as_ref().unwrap_or(&d.identity),
        )?;
        if d.token_type == TokenType::Access {
            match d.fresh {
                Fresh::No => map.serialize_entry("fresh", &false)?,
                Fresh::Yes => map.serialize_entry("fresh", &true)?,
                Fresh::For(delta) => {
                    map.serialize_entry("fresh", &seconds_after(d.now, delta))?;
                }
                Fresh::Until(timestamp) => map.serialize_entry("fresh", &timestamp)?,
            }
        }
        map.serialize_entry("type", d.token_type.as_str())?;
        if let Some(family) = &d.family {
            map.serialize_entry(FAMILY_CLAIM, family)?;
        }
        if let Some(claims) = d.user_claims.as_ref().filter(|c| is_truthy(c)) {
            map.serialize_entry(names.user_claims.as_str(), claims)?;
        }
        if let Some(csrf) = self.csrf {
            map.serialize_entry("csrf", csrf)?;
        }
        if let Some(iss) = &config.encode_issuer {
            map.serialize_entry("iss", iss)?;
        }
        match config.encode_audience.as_deref() {
            Some([one]) => map.serialize_entry("aud", one)?,
            Some(many) if !many.is_empty() => map.serialize_entry("aud", many)?,
            _ => {}
        }
        for (name, value) in &d.additional_claims {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Python truthiness of a JSON value: `{}`, `[]`, `""`, `0`, `false` and `null` are falsy.
fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Signs a new token: header and payload JSON, base64url, signature.
pub(crate) fn encode(
    draft: &TokenDraft,
    settings: &EncodeSettings<'_>,
    key: &EncodingKey,
) -> Result<String, JwtError> {
    let algorithm = settings.config.algorithm;
    let jti = uuid::Uuid::new_v4().to_string();
    let csrf = settings.csrf.then(|| uuid::Uuid::new_v4().to_string());
    // PyJWT 2 writes the header key-sorted; the algorithm always comes from
    // the configuration, never from the extra headers.
    let mut header: BTreeMap<&str, &Value> = BTreeMap::new();
    if let Some(extra) = &draft.headers {
        for (name, value) in extra {
            header.insert(name, value);
        }
    }
    let alg = Value::String(algorithm_name(algorithm).to_owned());
    let typ = Value::String("JWT".to_owned());
    let kid = settings.kid.map(|kid| Value::String(kid.to_owned()));
    header.insert("alg", &alg);
    header.entry("typ").or_insert(&typ);
    if let Some(kid) = &kid {
        // The signing key's id, unless the call names another.
        header.entry("kid").or_insert(kid);
    }
    // PyJWT drops a falsy `typ`, and refuses a `kid` that is not a string.
    if header.get("typ").is_some_and(|typ| !is_truthy(typ)) {
        header.remove("typ");
    }
    if header.get("kid").is_some_and(|kid| !kid.is_string()) {
        return Err(JwtError::Internal(
            "Key ID header parameter must be a string".to_owned(),
        ));
    }
    let header_json =
        serde_json::to_vec(&header).map_err(|e| JwtError::Internal(format!("JWT header: {e}")))?;
    let payload = PayloadWriter {
        draft,
        settings,
        jti: &jti,
        csrf: csrf.as_deref(),
    };
    let payload_json = serde_json::to_vec(&payload)
        .map_err(|e| JwtError::Internal(format!("JWT payload: {e}")))?;
    let mut token = URL_SAFE_NO_PAD.encode(header_json);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload_json, &mut token);
    let signature = jsonwebtoken::crypto::sign(token.as_bytes(), key, algorithm)
        .map_err(|e| JwtError::Internal(format!("signing failed: {e}")))?;
    token.push('.');
    token.push_str(&signature);
    Ok(token)
}

/// A token split into its parts, with the header parsed: PyJWT's `_load`.
pub(crate) struct SplitToken<'a> {
    pub(crate) signing_input: &'a str,
    pub(crate) payload: Vec<u8>,
    pub(crate) signature: Vec<u8>,
    pub(crate) header: Arc<Map<String, Value>>,
}

/// The header this port writes for one algorithm, recognised byte for byte so the
/// common case needs no decoding: `{"alg":"HS256","typ":"JWT"}`.
#[derive(Clone, Debug)]
pub(crate) struct KnownHeader {
    segment: String,
    header: Arc<Map<String, Value>>,
}

impl KnownHeader {
    /// The header of `algorithm`, with `kid` when this manager writes one.
    pub(crate) fn new(algorithm: Algorithm, kid: Option<&str>) -> Self {
        let mut header = Map::new();
        header.insert(
            "alg".to_owned(),
            Value::String(algorithm_name(algorithm).to_owned()),
        );
        if let Some(kid) = kid {
            header.insert("kid".to_owned(), Value::String(kid.to_owned()));
        }
        header.insert("typ".to_owned(), Value::String("JWT".to_owned()));
        let segment = URL_SAFE_NO_PAD.encode(Value::Object(header.clone()).to_string());
        KnownHeader {
            segment,
            header: Arc::new(header),
        }
    }
}

fn b64(segment: &str, what: &str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| JwtError::invalid(format!("Invalid {what} padding")))
}

/// Splits a token and parses its header, with PyJWT's messages. A header equal to one
/// in `known` (byte for byte) is shared instead of decoded.
pub(crate) fn split<'t>(token: &'t str, known: &[KnownHeader]) -> Result<SplitToken<'t>, JwtError> {
    let not_enough = || JwtError::invalid("Not enough segments");
    let (signing_input, signature_segment) = token.rsplit_once('.').ok_or_else(not_enough)?;
    let (header_segment, payload_segment) = signing_input.split_once('.').ok_or_else(not_enough)?;
    let header = if let Some(known) = known.iter().find(|k| k.segment == header_segment) {
        Arc::clone(&known.header)
    } else {
        let header_bytes = b64(header_segment, "header")?;
        match serde_json::from_slice::<Value>(&header_bytes) {
            Ok(Value::Object(map)) => Arc::new(map),
            Ok(_) => {
                return Err(JwtError::invalid(
                    "Invalid header string: must be a json object",
                ));
            }
            Err(e) => return Err(JwtError::invalid(format!("Invalid header string: {e}"))),
        }
    };
    // Strict base64url (no padding, canonical) for the payload and the signature, before any crypto.
    let payload = b64(payload_segment, "payload")?;
    let signature = b64(signature_segment, "crypto")?;
    Ok(SplitToken {
        signing_input,
        payload,
        signature,
        header,
    })
}

/// Settings of the decoder, prepared once by the manager.
#[derive(Clone, Debug)]
pub(crate) struct DecodeSettings {
    /// Unique per manager: the key of its cached verifiers.
    pub(crate) id: u64,
    pub(crate) known_headers: Vec<KnownHeader>,
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) leeway: f64,
    pub(crate) audience: Option<Vec<String>>,
    /// The accepted `iss` values (`None`: not checked).
    pub(crate) issuers: Option<Vec<String>>,
    pub(crate) names: Arc<ClaimNames>,
    pub(crate) max_token_size: usize,
    /// The line whose claim defaults apply (4.x: no user claims, `fresh` for every type).
    pub(crate) compat: Compat,
    /// Refuse a non-string `sub` (`JWT_VERIFY_SUB`).
    pub(crate) verify_sub: bool,
}

impl DecodeSettings {
    /// The header's `alg`, if it is one of the accepted algorithms.
    pub(crate) fn allowed_algorithm(
        &self,
        header: &Map<String, Value>,
    ) -> Result<Algorithm, JwtError> {
        let not_allowed = || JwtError::invalid("The specified alg value is not allowed");
        let name = header
            .get("alg")
            .and_then(Value::as_str)
            .ok_or_else(not_allowed)?;
        self.algorithms
            .iter()
            .copied()
            .find(|a| algorithm_name(*a) == name)
            .ok_or_else(not_allowed)
    }

    /// The token's algorithm, checked against the allow-list, and its header's other
    /// parameters (`kid` a string, no unsupported `b64`/`crit`).
    pub(crate) fn check_header(&self, split: &SplitToken<'_>) -> Result<Algorithm, JwtError> {
        let algorithm = self.allowed_algorithm(&split.header)?;
        reject_unsupported_header(&split.header)?;
        Ok(algorithm)
    }

    /// Checks the signature with each of `keys` in order, until one verifies. `cache`
    /// reuses the verifiers of long-lived keys (per thread): the id of their owner (a
    /// manager, a key set version) and the slot of the first key.
    pub(crate) fn verify_signature(
        split: &SplitToken<'_>,
        algorithm: Algorithm,
        keys: &[DecodingKey],
        cache: Option<(u64, usize)>,
    ) -> Result<(), JwtError> {
        let message = split.signing_input.as_bytes();
        let signature = &split.signature;
        for (slot, key) in keys.iter().enumerate() {
            let verified = if let Some((id, first)) = cache {
                verifiers::verify(id, first + slot, algorithm, key, message, signature)?
            } else {
                jsonwebtoken::signature::Verifier::verify(
                    &*verifiers::new(algorithm, key)?,
                    message,
                    signature,
                )
                .is_ok()
            };
            if verified {
                return Ok(());
            }
        }
        Err(JwtError::invalid("Signature verification failed"))
    }

    pub(crate) fn check_size(&self, token: &str) -> Result<(), JwtError> {
        if token.len() > self.max_token_size {
            return Err(JwtError::invalid(format!(
                "Token is too large ({} bytes; the limit is {})",
                token.len(),
                self.max_token_size
            )));
        }
        Ok(())
    }

    /// PyJWT 2's claim checks (iat → nbf → exp → iss → aud → sub → jti).
    /// Returns whether the token has expired; every other failure is an error.
    pub(crate) fn validate_claims(&self, payload: &Payload, now: f64) -> Result<bool, JwtError> {
        let leeway = self.leeway;
        if let Some(iat) = payload.get(payload::IAT) {
            let iat = time_claim(iat, "Issued At claim (iat) must be an integer.")?;
            if iat > now + leeway {
                return Err(JwtError::invalid("The token is not yet valid (iat)"));
            }
        }
        if let Some(nbf) = payload.get(payload::NBF) {
            let nbf = time_claim(nbf, "Not Before claim (nbf) must be an integer.")?;
            if nbf > now + leeway {
                return Err(JwtError::invalid("The token is not yet valid (nbf)"));
            }
        }
        let mut expired = false;
        if let Some(exp) = payload.get(payload::EXP) {
            let exp = time_claim(exp, "Expiration Time claim (exp) must be an integer.")?;
            expired = exp <= now - leeway;
        }
        if let Some(issuers) = &self.issuers {
            match payload.get(payload::ISS) {
                None => return Err(JwtError::invalid(r#"Token is missing the "iss" claim"#)),
                Some(Value::String(iss)) if issuers.contains(iss) => {}
                Some(Value::String(_)) => return Err(JwtError::invalid("Invalid issuer")),
                Some(_) => return Err(JwtError::invalid("Payload Issuer (iss) must be a string")),
            }
        }
        self.validate_audience(payload.get(payload::AUD))?;
        if self.verify_sub
            && payload
                .get(payload::SUB)
                .is_some_and(|sub| !sub.is_string())
        {
            return Err(JwtError::invalid("Subject must be a string"));
        }
        if payload
            .get(payload::JTI)
            .is_some_and(|jti| !jti.is_string())
        {
            return Err(JwtError::invalid("JWT ID must be a string"));
        }
        Ok(expired)
    }

    fn validate_audience(&self, claim: Option<&Value>) -> Result<(), JwtError> {
        let present = claim.filter(|aud| is_truthy(aud));
        let Some(expected) = &self.audience else {
            // 4.x checks `aud` only when `JWT_DECODE_AUDIENCE` is set; 3.x refuses an
            // `aud` nobody expects.
            return match present {
                Some(_) if self.compat == Compat::V3 => Err(JwtError::invalid("Invalid audience")),
                _ => Ok(()),
            };
        };
        let Some(claim) = present else {
            return Err(JwtError::invalid(r#"Token is missing the "aud" claim"#));
        };
        let invalid_format = || JwtError::invalid("Invalid claim format in token");
        let matches = match claim {
            Value::String(aud) => expected.iter().any(|e| e == aud),
            Value::Array(items) => {
                let mut any = false;
                for item in items {
                    let aud = item.as_str().ok_or_else(invalid_format)?;
                    any |= expected.iter().any(|e| e == aud);
                }
                any
            }
            _ => return Err(invalid_format()),
        };
        if matches {
            Ok(())
        } else {
            Err(JwtError::invalid("Audience doesn't match"))
        }
    }

    /// The reference's normalisation of decoded claims (identity, user claims, type,
    /// freshness) and the CSRF comparison.
    pub(crate) fn normalise(
        &self,
        mut payload: Payload,
        header: Arc<Map<String, Value>>,
        csrf_value: Option<&str>,
    ) -> Result<Claims, JwtError> {
        let names = &self.names;
        if !payload.has(payload::JTI) {
            payload.set(payload::JTI, Value::Null);
        }
        if !payload.has(names.identity_slot) {
            return Err(JwtError::invalid(format!(
                "Missing claim: {}",
                names.identity
            )));
        }
        let token_type = match payload.get(payload::TYPE) {
            None => {
                payload.set(payload::TYPE, Value::String("access".to_owned()));
                TokenType::Access
            }
            Some(Value::String(t)) if t == "refresh" => TokenType::Refresh,
            Some(Value::String(t)) if t == "access" => TokenType::Access,
            // 4.x: any other `type` is accepted (and kept in the claims).
            Some(_) if self.compat == Compat::V4 => TokenType::Other,
            Some(_) => return Err(JwtError::invalid("Missing or invalid claim: type")),
        };
        let v4 = self.compat == Compat::V4;
        // 4.x sets `fresh` on every token type; 3.x on access tokens, and adds the user
        // claims object.
        if (v4 || token_type == TokenType::Access) && !payload.has(payload::FRESH) {
            payload.set(payload::FRESH, Value::Bool(false));
        }
        if !v4 && !payload.has(names.user_claims_slot) {
            payload.set(names.user_claims_slot, Value::Object(Map::new()));
        }
        if let Some(csrf_value) = csrf_value.filter(|v| !v.is_empty()) {
            let Some(claim) = payload.get(payload::CSRF) else {
                return Err(JwtError::invalid("Missing claim: csrf"));
            };
            let claim = claim.as_str().unwrap_or_default();
            if !bool::from(claim.as_bytes().ct_eq(csrf_value.as_bytes())) {
                return Err(JwtError::Csrf(
                    "CSRF double submit tokens do not match".to_owned(),
                ));
            }
        }
        Ok(Claims::new(payload, header, Arc::clone(names), token_type))
    }
}

/// Headers this port refuses outright (RFC 8725 §3.1; jsonwebtoken's own rules):
/// `crit` naming anything it does not implement, `b64: false`, a non-string `kid`.
fn reject_unsupported_header(header: &Map<String, Value>) -> Result<(), JwtError> {
    if header.get("kid").is_some_and(|kid| !kid.is_string()) {
        return Err(JwtError::invalid(
            "Key ID header parameter must be a string",
        ));
    }
    match header.get("b64") {
        None | Some(Value::Bool(true)) => {}
        Some(_) => return Err(JwtError::invalid("Unsupported b64 header parameter")),
    }
    if let Some(crit) = header.get("crit") {
        let only_b64 = matches!(crit, Value::Array(items) if items.as_slice() == [Value::String("b64".to_owned())])
            && header.contains_key("b64");
        if !only_b64 {
            return Err(JwtError::invalid("Unsupported critical header parameter"));
        }
    }
    Ok(())
}

/// A NumericDate claim, as PyJWT's `int()` reads it; anything but a number is an error.
#[allow(
    clippy::cast_precision_loss,
    reason = "compared as f64, like PyJWT compares with time.time()"
)]
fn time_claim(value: &Value, message: &str) -> Result<f64, JwtError> {
    match value {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(i as f64),
            None => n
                .as_f64()
                .map(f64::trunc)
                .ok_or_else(|| JwtError::invalid(message)),
        },
        _ => Err(JwtError::invalid(message)),
    }
}

/// jsonwebtoken's verifiers (its crypto backend, unchanged), built once per manager,
/// algorithm and worker thread instead of once per token: an HMAC verifier holds the
/// keyed state, so the key schedule is not redone for every request.
mod verifiers {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use jsonwebtoken::crypto::{CryptoProvider, JwtVerifier};
    use jsonwebtoken::{Algorithm, DecodingKey};

    use crate::error::JwtError;

    /// Most verifiers kept per thread (tests build many managers; servers use one or two).
    const CAPACITY: usize = 16;

    static NEXT_ID: AtomicU64 = AtomicU64::new(1);

    /// The key owner's id (a manager, a key set version), the key's slot, the algorithm.
    type Cached = (u64, usize, Algorithm, Rc<dyn JwtVerifier>);

    thread_local! {
        static CACHE: RefCell<Vec<Cached>> = const { RefCell::new(Vec::new()) };
    }

    /// A fresh id for a new manager.
    pub(crate) fn next_id() -> u64 {
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    }

    /// A verifier for `key`, from the installed crypto backend.
    pub(crate) fn new(
        algorithm: Algorithm,
        key: &DecodingKey,
    ) -> Result<Box<dyn JwtVerifier>, JwtError> {
        let not_allowed = || JwtError::invalid("The specified alg value is not allowed");
        let provider = CryptoProvider::try_get_default().ok_or_else(not_allowed)?;
        (provider.verifier_factory)(&algorithm, key).map_err(|_| not_allowed())
    }

    /// Verifies with the cached verifier of owner `id`'s key in `slot` for `algorithm`,
    /// creating it on first use.
    pub(crate) fn verify(
        id: u64,
        slot: usize,
        algorithm: Algorithm,
        key: &DecodingKey,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> Result<bool, JwtError> {
        let cached = CACHE.with(|cache| {
            cache
                .borrow()
                .iter()
                .find(|(i, s, a, _)| *i == id && *s == slot && *a == algorithm)
                .map(|(_, _, _, v)| Rc::clone(v))
        });
        let verifier = if let Some(verifier) = cached {
            verifier
        } else {
            let verifier: Rc<dyn JwtVerifier> = Rc::from(new(algorithm, key)?);
            CACHE.with(|cache| {
                let mut cache = cache.borrow_mut();
                if cache.len() >= CAPACITY {
                    cache.remove(0);
                }
                cache.push((id, slot, algorithm, Rc::clone(&verifier)));
            });
            verifier
        };
        Ok(jsonwebtoken::signature::Verifier::verify(&*verifier, message, signature).is_ok())
    }
}

pub(crate) use verifiers::next_id as next_manager_id;
