//! Token revocation stores: the [`Blocklist`] trait, an in-memory store for one
//! process and (feature `redis`) a Redis store shared by many servers.
//!
//! The stores are called blocklists, the current word (and flask-jwt-extended 4's); the
//! options and the loader they plug into keep the 3.x Flask names
//! (`JWT_BLACKLIST_ENABLED`, `token_in_blacklist_loader`), so configurations carry over.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::future::LocalBoxFuture;
use serde_json::Value;

use crate::claims::Claims;

/// A store of revoked tokens, keyed by `jti`: what `token_in_blacklist_loader` looks up.
///
/// Wire one in with [`JwtManagerBuilder::blocklist`](crate::JwtManagerBuilder::blocklist)
/// (one line; `JWT_BLACKLIST_ENABLED` and `JWT_BLACKLIST_TOKEN_CHECKS` still decide when it
/// is asked), keep a clone to call [`revoke`](Self::revoke) from your logout handler. An
/// error from [`is_revoked`](Self::is_revoked) never lets a request through: it answers
/// 503 `Token revocation check failed; try again later` and is logged.
///
/// Entries live as long as the token could still be accepted (its `exp`, plus
/// `JWT_DECODE_LEEWAY`, see [`retain_after_expiry`](Self::retain_after_expiry)); a token
/// that never expires stays revoked for good.
///
/// A token without a `jti` can be neither revoked nor looked up: [`revoke`](Self::revoke)
/// returns [`BlocklistError::MissingJti`], and the two stores here answer
/// [`is_revoked`](Self::is_revoked) with `true` for it (fail closed: wherever revocation
/// is checked, a token that could never be revoked is refused as revoked). Tokens this
/// crate creates always have a `jti`.
///
/// Implementations: [`MemoryBlocklist`] (one process) and `RedisBlocklist` (feature
/// `redis`, shared by every server using the same Redis). Write your own for another
/// store; or skip the trait and register a plain `#[jwt::token_in_blacklist_loader]`.
///
/// # Sessions
///
/// The same store holds what sessions need, so they hold on every server of the store:
/// revoked logins ([`revoke_family`](Self::revoke_family): every token with that `fam`
/// claim), identity cut-offs ([`revoke_identity_before`](Self::revoke_identity_before):
/// log out everywhere) and spent refresh tokens
/// ([`spend_refresh_token`](Self::spend_refresh_token): rotation with reuse detection).
/// [`is_revoked`](Self::is_revoked) checks the first two with the `jti`, in one look-up
/// per kind at most (the memory store, and the Redis store's local copy, skip a kind while
/// they hold none; the Redis store's direct mode asks all of them in one round trip). A
/// store of your own may leave these methods out: their defaults answer
/// [`BlocklistError::Unsupported`], which refuses the request (503).
///
/// # Recipe: revoke both tokens of a login at once
///
/// At login, create the refresh token first and put its `jti` and `exp` into the access
/// token's user claims. At logout, revoke the access token and, through those claims,
/// its refresh token. (`user_claims` replaces a `user_claims_loader`'s claims: merge them
/// in if you have one. A `/refresh` endpoint does the same with the refresh token's own
/// `jti` and `exp`, from `get_jwt()`.)
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{App, HttpResponse, web, delete, post};
/// use serde_json::json;
/// use jwt_runtime::{JwtConfig, JwtManager};
/// use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
///
/// #[post("/login")]
/// async fn login() -> Result<HttpResponse, JwtError> {
///     let refresh_token = create_refresh_token(&"alice")?;
///     let refresh = decode_token(&refresh_token)?;
///     let claims = json!({"refresh_jti": refresh.jti(), "refresh_exp": refresh.expires_at()});
///     let access_token =
///         create_access_token_with(&"alice", TokenOptions::default().user_claims(claims))?;
///     Ok(HttpResponse::Ok().json(json!({
///         "access_token": access_token,
///         "refresh_token": refresh_token,
///     })))
/// }
///
/// #[delete("/logout")]
/// #[jwt_required]
/// async fn logout(blocklist: web::Data<MemoryBlocklist>) -> actix_web::Result<HttpResponse> {
///     let access = get_jwt().ok_or_else(|| actix_web::error::ErrorUnauthorized("no token"))?;
///     let refresh_jti = access.user_claims_value()["refresh_jti"].as_str();
///     let refresh_exp = access.user_claims_value()["refresh_exp"].as_i64();
///     let unavailable = actix_web::error::ErrorServiceUnavailable;
///     blocklist.revoke(&access).await.map_err(unavailable)?;
///     if let Some(jti) = refresh_jti {
///         blocklist.revoke_jti(jti, refresh_exp).await.map_err(unavailable)?;
///     }
///     Ok(HttpResponse::Ok().json(json!({"msg": "Successfully logged out"})))
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let blocklist = MemoryBlocklist::new();
/// let config = JwtConfig::default()
///     .secret_key("an-example-secret-of-32-bytes!!!")
///     .blacklist_enabled(true);
/// let manager = JwtManager::builder(config).blocklist(blocklist.clone()).build()?;
/// let app = App::new()
///     .wrap(manager)
///     .app_data(web::Data::new(blocklist))
///     .service(login)
///     .service(logout);
/// # let _ = app;
/// # Ok(())
/// # }
/// ```
///
/// # Writing your own
///
/// The futures are `Pin<Box<dyn Future + 'a>>` (futures' `LocalBoxFuture`): box an
/// `async` block.
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use jwt_runtime::Claims;
/// use jwt_runtime::blocklist::{Blocklist, BlocklistError};
///
/// /// Asks another service; here, a stub that revokes `jti`s starting with `0`.
/// struct RemoteBlocklist;
///
/// impl Blocklist for RemoteBlocklist {
///     fn is_revoked<'a>(
///         &'a self,
///         token: &'a Claims,
///     ) -> Pin<Box<dyn Future<Output = Result<bool, BlocklistError>> + 'a>> {
///         Box::pin(async move { Ok(token.jti().is_none_or(|jti| jti.starts_with('0'))) })
///     }
///
///     fn revoke_jti<'a>(
///         &'a self,
///         _jti: &'a str,
///         _expires_at: Option<i64>,
///     ) -> Pin<Box<dyn Future<Output = Result<(), BlocklistError>> + 'a>> {
///         Box::pin(async { Err(BlocklistError::store("read-only")) })
///     }
/// }
/// ```
pub trait Blocklist: Send + Sync + 'static {
    /// Whether the token is revoked: one look-up by `jti`.
    ///
    /// # Errors
    /// When the store cannot answer. The request is then refused (503), never let through.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let blocklist = MemoryBlocklist::new();
    /// let claims = manager.decode_token(&manager.create_access_token(&"alice")?)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     assert!(!blocklist.is_revoked(&claims).await?);
    ///     blocklist.revoke(&claims).await?;
    ///     assert!(blocklist.is_revoked(&claims).await?);
    ///     Ok::<(), jwt_runtime::blocklist::BlocklistError>(())
    /// })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn is_revoked<'a>(
        &'a self,
        token: &'a Claims,
    ) -> LocalBoxFuture<'a, Result<bool, BlocklistError>>;

    /// Revokes a token until it expires (for good when it never does).
    ///
    /// # Errors
    /// [`BlocklistError::MissingJti`] for a token without `jti`; a store error when the
    /// store cannot be written.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let blocklist = MemoryBlocklist::new();
    /// let claims = manager.decode_token(&manager.create_refresh_token(&"alice")?)?;
    /// actix_web::rt::System::new().block_on(blocklist.revoke(&claims))?;
    /// assert_eq!(blocklist.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn revoke<'a>(&'a self, token: &'a Claims) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        match token.jti() {
            Some(jti) => self.revoke_jti(jti, token.expires_at()),
            None => Box::pin(std::future::ready(Err(BlocklistError::MissingJti))),
        }
    }

    /// Revokes a token known only by its `jti` and `exp` (Unix seconds; `None`: never
    /// expires), such as the refresh token of a login (see the recipe above). A token
    /// that has already expired needs no entry.
    ///
    /// # Errors
    /// When the store cannot be written.
    ///
    /// ```
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// let blocklist = MemoryBlocklist::new();
    /// actix_web::rt::System::new().block_on(blocklist.revoke_jti("a-jti", None))?;
    /// assert!(blocklist.contains("a-jti"));
    /// # Ok::<(), jwt_runtime::blocklist::BlocklistError>(())
    /// ```
    fn revoke_jti<'a>(
        &'a self,
        jti: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>>;

    /// Keeps entries this much longer than their token's `exp`. A manager accepts a token
    /// until `exp + JWT_DECODE_LEEWAY`, so
    /// [`JwtManagerBuilder::blocklist`](crate::JwtManagerBuilder::blocklist) calls this with
    /// the leeway. Raises the margin, never lowers it; shared by every clone of the store.
    /// The default does nothing: a store of your own must then keep entries long enough itself.
    ///
    /// ```
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// let blocklist = MemoryBlocklist::new();
    /// blocklist.retain_after_expiry(std::time::Duration::from_secs(30));
    /// ```
    fn retain_after_expiry(&self, margin: Duration) {
        let _ = margin;
    }

    /// Revokes every token of a login: each token whose `fam` claim is `family` (the
    /// tokens of [`create_token_pair`](crate::create_token_pair) and
    /// [`refresh_tokens`](crate::refresh_tokens)), until `expires_at` (Unix seconds;
    /// `None`: for good), plus the retention margin.
    /// [`is_revoked`](Self::is_revoked) then refuses them.
    ///
    /// # Errors
    /// When the store cannot be written; [`BlocklistError::Unsupported`] from a store
    /// that does not implement it (the default).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let blocklist = MemoryBlocklist::new();
    /// let pair = manager.create_token_pair(&"alice", Default::default())?;
    /// let access = manager.decode_token(&pair.access_token)?;
    /// let family = access.family().unwrap().to_owned();
    /// actix_web::rt::System::new().block_on(async {
    ///     blocklist.revoke_family(&family, None).await?;
    ///     assert!(blocklist.is_revoked(&access).await?);
    ///     Ok::<(), jwt_runtime::blocklist::BlocklistError>(())
    /// })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn revoke_family<'a>(
        &'a self,
        family: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        let _ = (family, expires_at);
        unsupported("revoke_family")
    }

    /// Log out everywhere: every token of `identity` issued at or before `timestamp`
    /// (its `iat`, Unix seconds) is refused from now on, on every server of the store;
    /// tokens issued later work. A token issued in the same second as the cut-off is
    /// refused too (fail closed: `iat` has whole seconds). A later cut-off replaces an
    /// earlier one, never the reverse. The cut-off is kept as long as a token issued
    /// before it can live ([`retain_cut_offs_for`](Self::retain_cut_offs_for)).
    ///
    /// # Errors
    /// When the store cannot be written; [`BlocklistError::Unsupported`] from a store
    /// that does not implement it (the default).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let blocklist = MemoryBlocklist::new();
    /// let token = manager.decode_token(&manager.create_access_token(&"alice")?)?;
    /// let issued_at = token.issued_at().unwrap();
    /// actix_web::rt::System::new().block_on(async {
    ///     blocklist.revoke_identity_before(&serde_json::json!("alice"), issued_at).await?;
    ///     assert!(blocklist.is_revoked(&token).await?);
    ///     Ok::<(), jwt_runtime::blocklist::BlocklistError>(())
    /// })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a Value,
        timestamp: i64,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        let _ = (identity, timestamp);
        unsupported("revoke_identity_before")
    }

    /// Spends a refresh token, atomically: the first call for a `jti` records the
    /// successor and answers [`Spend::First`]; every later call answers
    /// [`Spend::Before`] with the first call's time and successor, whichever server
    /// makes it. Two concurrent calls never both answer `First`. The record is kept until
    /// the spent token expires, plus the retention margin.
    ///
    /// # Errors
    /// When the store cannot answer; [`BlocklistError::Unsupported`] from a store that
    /// does not implement it (the default).
    ///
    /// ```
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist, Spend, SpendRequest};
    /// let blocklist = MemoryBlocklist::new();
    /// let request = SpendRequest { jti: "old", successor: "new-token", at_ms: 5_000, expires_at: None };
    /// actix_web::rt::System::new().block_on(async {
    ///     assert_eq!(blocklist.spend_refresh_token(request).await?, Spend::First);
    ///     let again = SpendRequest { successor: "other", at_ms: 6_000, ..request };
    ///     assert_eq!(
    ///         blocklist.spend_refresh_token(again).await?,
    ///         Spend::Before { at_ms: 5_000, successor: "new-token".to_owned() }
    ///     );
    ///     Ok::<(), jwt_runtime::blocklist::BlocklistError>(())
    /// })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn spend_refresh_token<'a>(
        &'a self,
        request: SpendRequest<'a>,
    ) -> LocalBoxFuture<'a, Result<Spend, BlocklistError>> {
        let _ = request;
        unsupported("spend_refresh_token")
    }

    /// Keeps identity cut-offs ([`revoke_identity_before`](Self::revoke_identity_before))
    /// this long after their timestamp (`None`: for good): the longest a token may live.
    /// [`JwtManagerBuilder::blocklist`](crate::JwtManagerBuilder::blocklist) calls it with
    /// the longer of the access and refresh lifetimes, plus the leeway. Raises the time,
    /// never lowers it. The default does nothing.
    ///
    /// ```
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// let blocklist = MemoryBlocklist::new();
    /// blocklist.retain_cut_offs_for(Some(std::time::Duration::from_secs(86_400)));
    /// ```
    fn retain_cut_offs_for(&self, longest_lifetime: Option<Duration>) {
        let _ = longest_lifetime;
    }
}

/// The future of a store method a [`Blocklist`] does not implement.
fn unsupported<T: 'static>(
    method: &'static str,
) -> LocalBoxFuture<'static, Result<T, BlocklistError>> {
    Box::pin(std::future::ready(Err(BlocklistError::Unsupported(method))))
}

/// One refresh token to spend: what [`Blocklist::spend_refresh_token`] records.
#[derive(Clone, Copy, Debug)]
pub struct SpendRequest<'a> {
    /// The spent token's `jti`.
    pub jti: &'a str,
    /// The refresh token issued in its place, handed again to a second presenter within
    /// `JWT_REFRESH_REUSE_GRACE` (empty without a grace: then no usable token is stored).
    pub successor: &'a str,
    /// When it is spent: Unix milliseconds, by the manager's clock.
    pub at_ms: i64,
    /// The spent token's `exp` (Unix seconds; `None`: never expires): how long the record
    /// is needed.
    pub expires_at: Option<i64>,
}

/// What [`Blocklist::spend_refresh_token`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Spend {
    /// This call spent the token: its successor is the one recorded.
    First,
    /// The token was spent before: when (Unix milliseconds) and for which successor.
    Before {
        /// When it was spent.
        at_ms: i64,
        /// The successor recorded then.
        successor: String,
    },
}

/// The text an identity cut-off is stored under: the identity's JSON. A string that
/// JSON writes as it is (no quote, backslash or control character: the usual identity)
/// is quoted directly, without the serialiser.
fn identity_key(identity: &Value) -> String {
    match identity {
        Value::String(text)
            if !text
                .chars()
                .any(|c| c == '"' || c == '\\' || c.is_control()) =>
        {
            let mut key = String::with_capacity(text.len() + 2);
            key.push('"');
            key.push_str(text);
            key.push('"');
            key
        }
        other => other.to_string(),
    }
}

/// A stored cut-off lifetime nobody has told the store yet: cut-offs are kept for good.
const LIFETIME_UNKNOWN: i64 = i64::MIN;
/// A stored cut-off lifetime of tokens that may live for ever.
const LIFETIME_FOREVER: i64 = -1;

/// Until when a cut-off at `timestamp` is kept (Unix seconds; `None`: for good), given
/// the stored longest token lifetime.
fn cut_off_until(timestamp: i64, lifetime: &AtomicI64) -> Option<i64> {
    let lifetime = lifetime.load(Ordering::Relaxed);
    (lifetime >= 0).then(|| timestamp.saturating_add(lifetime))
}

/// Raises a stored lifetime to `lifetime` (`None`: for ever, the longest). The first
/// value told replaces [`LIFETIME_UNKNOWN`].
fn raise_lifetime(stored: &AtomicI64, lifetime: Option<Duration>) {
    let new = lifetime.map_or(LIFETIME_FOREVER, ceil_seconds);
    let _ = stored.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| match old {
        LIFETIME_UNKNOWN => Some(new),
        LIFETIME_FOREVER => None,
        _ if new == LIFETIME_FOREVER || new > old => Some(new),
        _ => None,
    });
}

impl<T: Blocklist + ?Sized> Blocklist for Arc<T> {
    fn is_revoked<'a>(
        &'a self,
        token: &'a Claims,
    ) -> LocalBoxFuture<'a, Result<bool, BlocklistError>> {
        (**self).is_revoked(token)
    }

    fn revoke<'a>(&'a self, token: &'a Claims) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        (**self).revoke(token)
    }

    fn revoke_jti<'a>(
        &'a self,
        jti: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        (**self).revoke_jti(jti, expires_at)
    }

    fn retain_after_expiry(&self, margin: Duration) {
        (**self).retain_after_expiry(margin);
    }

    fn revoke_family<'a>(
        &'a self,
        family: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        (**self).revoke_family(family, expires_at)
    }

    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a Value,
        timestamp: i64,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        (**self).revoke_identity_before(identity, timestamp)
    }

    fn spend_refresh_token<'a>(
        &'a self,
        request: SpendRequest<'a>,
    ) -> LocalBoxFuture<'a, Result<Spend, BlocklistError>> {
        (**self).spend_refresh_token(request)
    }

    fn retain_cut_offs_for(&self, longest_lifetime: Option<Duration>) {
        (**self).retain_cut_offs_for(longest_lifetime);
    }
}

/// Why a [`Blocklist`] could not answer or record a revocation.
///
/// ```
/// use jwt_runtime::blocklist::BlocklistError;
/// let err = BlocklistError::store("connection refused");
/// assert_eq!(err.to_string(), "the revocation store failed: connection refused");
/// assert!(!err.is_missing_jti());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum BlocklistError {
    /// The token has no `jti` claim: nothing identifies it, so it cannot be revoked.
    MissingJti,
    /// The store failed: unreachable, timed out, or answered an error.
    Store(Box<dyn std::error::Error + Send + Sync>),
    /// The store does not implement this method (named): sessions need
    /// [`MemoryBlocklist`], `RedisBlocklist` or a store that implements it.
    Unsupported(&'static str),
}

impl BlocklistError {
    /// A store failure, from any error (or a message).
    ///
    /// ```
    /// let err = jwt_runtime::blocklist::BlocklistError::store(std::io::Error::other("timed out"));
    /// assert!(std::error::Error::source(&err).is_some());
    /// ```
    pub fn store(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        BlocklistError::Store(error.into())
    }

    /// Whether this is [`BlocklistError::MissingJti`].
    ///
    /// ```
    /// assert!(jwt_runtime::blocklist::BlocklistError::MissingJti.is_missing_jti());
    /// ```
    #[must_use]
    pub fn is_missing_jti(&self) -> bool {
        matches!(self, BlocklistError::MissingJti)
    }
}

impl fmt::Display for BlocklistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlocklistError::MissingJti => {
                f.write_str("the token has no `jti` claim, so it cannot be revoked")
            }
            BlocklistError::Store(error) => write!(f, "the revocation store failed: {error}"),
            BlocklistError::Unsupported(method) => {
                write!(f, "this revocation store does not implement `{method}`")
            }
        }
    }
}

impl std::error::Error for BlocklistError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BlocklistError::MissingJti | BlocklistError::Unsupported(_) => None,
            BlocklistError::Store(error) => Some(&**error),
        }
    }
}

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Unix seconds (floor) of a clock reading.
pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Whole seconds, rounded up.
fn ceil_seconds(duration: Duration) -> i64 {
    let whole = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
    if duration.subsec_nanos() > 0 {
        whole.saturating_add(1)
    } else {
        whole
    }
}

/// When an entry may go (Unix seconds; it counts while `now < until`): `exp + margin`;
/// `None`: never.
fn keep_until(expires_at: Option<i64>, margin: &AtomicI64) -> Option<i64> {
    expires_at.map(|exp| exp.saturating_add(margin.load(Ordering::Relaxed)))
}

mod memory;

pub use self::memory::MemoryBlocklist;

#[cfg(feature = "redis")]
pub use self::redis_sentinel::SentinelTarget;
#[cfg(feature = "redis")]
pub use self::redis_store::RedisBlocklist;

#[cfg(feature = "redis")]
mod mirror;
#[cfg(feature = "redis")]
mod redis_scripts;
#[cfg(feature = "redis")]
mod redis_sentinel;
#[cfg(feature = "redis")]
mod redis_store;
#[cfg(feature = "redis")]
mod redis_topology;

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    #[test]
    fn identity_keys_are_the_identitys_json() {
        for identity in [
            json!("alice"),
            json!("quote\"d"),
            json!("back\\slash"),
            json!("tab\tnew\nline"),
            json!("del\u{7f} and c1 \u{85}"),
            json!("ünïcødé ✓"),
            json!(""),
            json!(7),
            json!({"id": 1, "org": "x"}),
            Value::Null,
        ] {
            assert_eq!(
                super::identity_key(&identity),
                identity.to_string(),
                "{identity}"
            );
        }
    }
}
