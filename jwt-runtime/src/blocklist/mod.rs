//! Token revocation stores: the [`Blocklist`] trait, an in-memory store for one
//! process and (feature `redis`) a Redis store shared by many servers.
//!
//! The stores are called blocklists, the current word (and flask-jwt-extended 4's); the
//! options and the loader they plug into keep the 3.x Flask names
//! (`JWT_BLACKLIST_ENABLED`, `token_in_blacklist_loader`), so configurations carry over.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::future::LocalBoxFuture;

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
        }
    }
}

impl std::error::Error for BlocklistError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BlocklistError::MissingJti => None,
            BlocklistError::Store(error) => Some(&**error),
        }
    }
}

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Unix seconds (floor) of a clock reading.
fn unix_seconds(time: SystemTime) -> i64 {
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

const SHARDS: usize = 16;
/// A shard is swept for expired entries once it holds this many, then at twice what survived.
const MIN_SWEEP: usize = 64;

/// One shard: `jti` → when the entry may go (see [`keep_until`]).
struct Shard {
    entries: HashMap<String, Option<i64>>,
    sweep_at: usize,
}

impl Shard {
    fn sweep(&mut self, now: i64) -> usize {
        let before = self.entries.len();
        self.entries
            .retain(|_, until| until.is_none_or(|until| until > now));
        self.sweep_at = MIN_SWEEP.max(self.entries.len().saturating_mul(2));
        before - self.entries.len()
    }
}

struct MemoryInner {
    shards: [RwLock<Shard>; SHARDS],
    hasher: RandomState,
    margin: AtomicI64,
    clock: Option<Clock>,
}

/// An in-memory [`Blocklist`] for one process: concurrent (16 independently locked
/// shards), and bounded: an entry goes when its token would have expired, removed lazily
/// when it is read and in sweeps on insertion, so memory follows the number of revoked
/// tokens that are still valid, not every token ever revoked.
///
/// Cheap to clone; clones share the store. For several server processes, use
/// `RedisBlocklist` (feature `redis`).
///
/// ```
/// use jwt_runtime::prelude::*;
/// use jwt_runtime::{JwtConfig, JwtManager};
/// use jwt_runtime::blocklist::MemoryBlocklist;
///
/// let blocklist = MemoryBlocklist::new();
/// let config = JwtConfig::default()
///     .secret_key("an-example-secret-of-32-bytes!!!")
///     .blacklist_enabled(true);
/// let manager = JwtManager::builder(config).blocklist(blocklist.clone()).build()?;
/// # let _ = manager;
/// # Ok::<(), jwt_runtime::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct MemoryBlocklist {
    inner: Arc<MemoryInner>,
}

impl Default for MemoryBlocklist {
    fn default() -> Self {
        Self::build(None)
    }
}

impl fmt::Debug for MemoryBlocklist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryBlocklist")
            .field("len", &self.len())
            .field("margin_seconds", &self.inner.margin.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl MemoryBlocklist {
    /// An empty store on the system clock.
    ///
    /// ```
    /// assert!(jwt_runtime::blocklist::MemoryBlocklist::new().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store on another clock (tests, simulations; use the manager's clock).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// let blocklist = MemoryBlocklist::with_clock(|| UNIX_EPOCH + Duration::from_secs(1_000));
    /// // Expired at 999 by this clock: nothing to keep.
    /// actix_web::rt::System::new().block_on(blocklist.revoke_jti("old", Some(999)))?;
    /// assert!(blocklist.is_empty());
    /// # Ok::<(), jwt_runtime::blocklist::BlocklistError>(())
    /// ```
    #[must_use]
    pub fn with_clock(clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self::build(Some(Arc::new(clock)))
    }

    fn build(clock: Option<Clock>) -> Self {
        MemoryBlocklist {
            inner: Arc::new(MemoryInner {
                shards: std::array::from_fn(|_| {
                    RwLock::new(Shard {
                        entries: HashMap::new(),
                        sweep_at: MIN_SWEEP,
                    })
                }),
                hasher: RandomState::new(),
                margin: AtomicI64::new(0),
                clock,
            }),
        }
    }

    fn now(&self) -> i64 {
        unix_seconds(
            self.inner
                .clock
                .as_ref()
                .map_or_else(SystemTime::now, |clock| clock()),
        )
    }

    fn shard(&self, jti: &str) -> &RwLock<Shard> {
        let index = usize::try_from(self.inner.hasher.hash_one(jti) % SHARDS as u64).unwrap_or(0);
        let [first, ..] = &self.inner.shards;
        self.inner.shards.get(index).unwrap_or(first)
    }

    /// Whether `jti` is revoked now (what [`Blocklist::is_revoked`] answers, without a future).
    ///
    /// ```
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// let blocklist = MemoryBlocklist::new();
    /// assert!(!blocklist.contains("a-jti"));
    /// actix_web::rt::System::new().block_on(blocklist.revoke_jti("a-jti", None))?;
    /// assert!(blocklist.contains("a-jti"));
    /// # Ok::<(), jwt_runtime::blocklist::BlocklistError>(())
    /// ```
    #[must_use]
    pub fn contains(&self, jti: &str) -> bool {
        let now = self.now();
        let shard = self.shard(jti);
        match shard
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .get(jti)
        {
            None => return false,
            Some(None) => return true,
            Some(Some(until)) if *until > now => return true,
            Some(Some(_)) => {}
        }
        // Expired: drop it on the way out.
        let mut shard = shard.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(Some(until)) = shard.entries.get(jti)
            && *until <= now
        {
            shard.entries.remove(jti);
        }
        false
    }

    fn insert(&self, jti: &str, until: Option<i64>) {
        let now = self.now();
        if until.is_some_and(|until| until <= now) {
            return;
        }
        let mut shard = self
            .shard(jti)
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let entry = shard.entries.entry(jti.to_owned()).or_insert(until);
        // Revoked twice: the longer wins.
        *entry = match (*entry, until) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        if shard.entries.len() >= shard.sweep_at {
            shard.sweep(now);
        }
    }

    /// How many entries the store holds, including expired ones not yet swept.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::blocklist::MemoryBlocklist::new().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.inner
            .shards
            .iter()
            .map(|shard| {
                shard
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .entries
                    .len()
            })
            .sum()
    }

    /// Whether the store holds no entry.
    ///
    /// ```
    /// assert!(jwt_runtime::blocklist::MemoryBlocklist::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every expired entry now; returns how many went. Never needed for
    /// correctness or bounded memory (that is automatic); useful before measuring.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::blocklist::MemoryBlocklist::new().purge_expired(), 0);
    /// ```
    #[allow(
        clippy::must_use_candidate,
        reason = "called for its effect; the count is extra"
    )]
    pub fn purge_expired(&self) -> usize {
        let now = self.now();
        self.inner
            .shards
            .iter()
            .map(|shard| {
                shard
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .sweep(now)
            })
            .sum()
    }
}

impl Blocklist for MemoryBlocklist {
    fn is_revoked<'a>(
        &'a self,
        token: &'a Claims,
    ) -> LocalBoxFuture<'a, Result<bool, BlocklistError>> {
        let revoked = token.jti().is_none_or(|jti| self.contains(jti));
        Box::pin(std::future::ready(Ok(revoked)))
    }

    fn revoke_jti<'a>(
        &'a self,
        jti: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        self.insert(jti, keep_until(expires_at, &self.inner.margin));
        Box::pin(std::future::ready(Ok(())))
    }

    fn retain_after_expiry(&self, margin: Duration) {
        self.inner
            .margin
            .fetch_max(ceil_seconds(margin), Ordering::Relaxed);
    }
}

#[cfg(feature = "redis")]
pub use self::redis_store::RedisBlocklist;

#[cfg(feature = "redis")]
mod redis_store;
