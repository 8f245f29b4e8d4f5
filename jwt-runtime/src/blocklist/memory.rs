//! The in-memory store: revocations, revoked logins, identity cut-offs and spent refresh
//! tokens of one process, each in a sharded map whose entries leave with their token.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use futures_util::future::LocalBoxFuture;
use serde_json::Value;

use super::{
    Blocklist, BlocklistError, Clock, LIFETIME_UNKNOWN, Spend, SpendRequest, ceil_seconds,
    cut_off_until, identity_key, keep_until, raise_lifetime, unix_seconds,
};
use crate::claims::Claims;

const SHARDS: usize = 16;
/// A shard is swept for expired entries once it holds this many, then at twice what survived.
const MIN_SWEEP: usize = 64;

/// An entry and when it may go (Unix seconds; it counts while `now < until`; `None`: never).
struct Held<V> {
    value: V,
    until: Option<i64>,
}

impl<V> Held<V> {
    fn live(&self, now: i64) -> bool {
        self.until.is_none_or(|until| until > now)
    }
}

struct Shard<V> {
    entries: HashMap<String, Held<V>>,
    sweep_at: usize,
}

/// A concurrent map from text to `V` whose entries expire: 16 independently locked
/// shards, expired entries dropped when read and swept on insertion.
struct Sharded<V> {
    shards: [RwLock<Shard<V>>; SHARDS],
    hasher: RandomState,
    /// Entries held, expired ones not yet dropped included: an empty map is skipped
    /// without a lock.
    held: AtomicUsize,
}

impl<V: Clone> Sharded<V> {
    fn new() -> Self {
        Sharded {
            shards: std::array::from_fn(|_| {
                RwLock::new(Shard {
                    entries: HashMap::new(),
                    sweep_at: MIN_SWEEP,
                })
            }),
            hasher: RandomState::new(),
            held: AtomicUsize::new(0),
        }
    }

    fn shard(&self, key: &str) -> &RwLock<Shard<V>> {
        let index = usize::try_from(self.hasher.hash_one(key) % SHARDS as u64).unwrap_or(0);
        let [first, ..] = &self.shards;
        self.shards.get(index).unwrap_or(first)
    }

    fn is_empty(&self) -> bool {
        self.held.load(Ordering::Relaxed) == 0
    }

    fn len(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }

    /// The live value of `key`; an expired entry is dropped on the way out.
    fn get(&self, key: &str, now: i64) -> Option<V> {
        if self.is_empty() {
            return None;
        }
        let shard = self.shard(key);
        match shard
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .get(key)
        {
            None => return None,
            Some(held) if held.live(now) => return Some(held.value.clone()),
            Some(_) => {}
        }
        let mut shard = shard.write().unwrap_or_else(PoisonError::into_inner);
        if shard.entries.get(key).is_some_and(|held| !held.live(now)) {
            shard.entries.remove(key);
            self.held.fetch_sub(1, Ordering::Relaxed);
        }
        None
    }

    /// Under the key's shard lock: `update` sees the live entry (if any) and says what
    /// the entry becomes (`None`: unchanged), and what the caller gets back.
    fn update<R>(
        &self,
        key: &str,
        now: i64,
        update: impl FnOnce(Option<&Held<V>>) -> (Option<Held<V>>, R),
    ) -> R {
        let mut shard = self
            .shard(key)
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let current = shard.entries.get(key).filter(|held| held.live(now));
        let (new, result) = update(current);
        if let Some(new) = new.filter(|new| new.live(now)) {
            if shard.entries.insert(key.to_owned(), new).is_none() {
                self.held.fetch_add(1, Ordering::Relaxed);
            }
            if shard.entries.len() >= shard.sweep_at {
                self.sweep(&mut shard, now);
            }
        }
        result
    }

    /// Stores `value` until `until`; a live entry there keeps the later `until`.
    fn insert(&self, key: &str, value: V, until: Option<i64>, now: i64) {
        self.update(key, now, |current| {
            let until = longer(current, until);
            (Some(Held { value, until }), ())
        });
    }

    fn sweep(&self, shard: &mut Shard<V>, now: i64) -> usize {
        let before = shard.entries.len();
        shard.entries.retain(|_, held| held.live(now));
        shard.sweep_at = MIN_SWEEP.max(shard.entries.len().saturating_mul(2));
        let removed = before - shard.entries.len();
        self.held.fetch_sub(removed, Ordering::Relaxed);
        removed
    }

    fn purge(&self, now: i64) -> usize {
        self.shards
            .iter()
            .map(|shard| {
                self.sweep(
                    &mut shard.write().unwrap_or_else(PoisonError::into_inner),
                    now,
                )
            })
            .sum()
    }
}

/// The later of a live entry's `until` and a new one (`None`: never, the latest).
fn longer<V>(current: Option<&Held<V>>, until: Option<i64>) -> Option<i64> {
    match (current.map(|held| held.until), until) {
        (Some(Some(a)), Some(b)) => Some(a.max(b)),
        (Some(None), _) | (_, None) => None,
        (None, until) => until,
    }
}

/// A spent refresh token: when (Unix milliseconds) and the successor issued then.
type SpentRecord = Arc<(i64, String)>;

struct MemoryInner {
    /// Revoked `jti`s.
    revoked: Sharded<()>,
    /// Revoked logins, by `fam`.
    families: Sharded<()>,
    /// Identity cut-offs (the identity's JSON → the last `iat` refused).
    cut_offs: Sharded<i64>,
    /// Spent refresh tokens, by `jti`.
    spent: Sharded<SpentRecord>,
    margin: AtomicI64,
    /// How long cut-offs are kept, in seconds (negative: for good).
    cut_off_lifetime: AtomicI64,
    clock: Option<Clock>,
}

/// An in-memory [`Blocklist`] for one process: concurrent (16 independently locked
/// shards), and bounded: an entry goes when its token would have expired, removed lazily
/// when it is read and in sweeps on insertion, so memory follows the number of revoked
/// tokens that are still valid, not every token ever revoked. It implements every
/// session method: revoked logins, identity cut-offs and spent refresh tokens, each
/// checked only once one exists.
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
                revoked: Sharded::new(),
                families: Sharded::new(),
                cut_offs: Sharded::new(),
                spent: Sharded::new(),
                margin: AtomicI64::new(0),
                cut_off_lifetime: AtomicI64::new(LIFETIME_UNKNOWN),
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

    /// Whether `jti` is revoked now (the `jti` part of [`Blocklist::is_revoked`], without
    /// a future).
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
        self.inner.revoked.get(jti, self.now()).is_some()
    }

    /// Whether the store refuses this token now: [`Blocklist::is_revoked`] without a
    /// future. A token without `jti` is refused.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let blocklist = MemoryBlocklist::new();
    /// let token = manager.decode_token(&manager.create_access_token(&"alice")?)?;
    /// assert!(!blocklist.refuses(&token));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn refuses(&self, token: &Claims) -> bool {
        let Some(jti) = token.jti() else {
            return true;
        };
        let inner = &*self.inner;
        let now = self.now();
        if inner.revoked.get(jti, now).is_some() {
            return true;
        }
        if !inner.families.is_empty()
            && token
                .family()
                .is_some_and(|family| inner.families.get(family, now).is_some())
        {
            return true;
        }
        if !inner.cut_offs.is_empty()
            && let Some(cut_off) = inner
                .cut_offs
                .get(&identity_key(token.identity_value()), now)
        {
            // Without `iat` nothing shows the token came after the cut-off.
            return token.issued_at().is_none_or(|iat| iat <= cut_off);
        }
        false
    }

    /// How many entries the store holds (revoked tokens and logins, cut-offs, spent
    /// refresh tokens), including expired ones not yet swept.
    ///
    /// ```
    /// assert_eq!(jwt_runtime::blocklist::MemoryBlocklist::new().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        let inner = &*self.inner;
        inner.revoked.len() + inner.families.len() + inner.cut_offs.len() + inner.spent.len()
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
        let inner = &*self.inner;
        let now = self.now();
        inner.revoked.purge(now)
            + inner.families.purge(now)
            + inner.cut_offs.purge(now)
            + inner.spent.purge(now)
    }

    fn keep_until(&self, expires_at: Option<i64>) -> Option<i64> {
        keep_until(expires_at, &self.inner.margin)
    }

    /// Holds a revoked `jti` until `until` (Unix seconds; `None`: for good), margin included.
    pub(crate) fn hold_jti(&self, jti: &str, until: Option<i64>) {
        self.inner.revoked.insert(jti, (), until, self.now());
    }

    /// Holds a revoked login until `until`, margin included.
    pub(crate) fn hold_family(&self, family: &str, until: Option<i64>) {
        self.inner.families.insert(family, (), until, self.now());
    }

    /// Holds the cut-off `at` of the identity whose key is `key` until `until`, margin
    /// included; a later cut-off (and a longer hold) wins.
    pub(crate) fn hold_cut_off(&self, key: &str, at: i64, until: Option<i64>) {
        self.inner.cut_offs.update(key, self.now(), |current| {
            let cut_off = current.map_or(at, |held| held.value.max(at));
            let until = longer(current, until);
            (
                Some(Held {
                    value: cut_off,
                    until,
                }),
                (),
            )
        });
    }
}

/// An answer that is ready now.
fn ready<'a, T: 'a>(value: T) -> LocalBoxFuture<'a, Result<T, BlocklistError>> {
    Box::pin(std::future::ready(Ok(value)))
}

impl Blocklist for MemoryBlocklist {
    fn is_revoked<'a>(
        &'a self,
        token: &'a Claims,
    ) -> LocalBoxFuture<'a, Result<bool, BlocklistError>> {
        ready(self.refuses(token))
    }

    fn revoke_jti<'a>(
        &'a self,
        jti: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        self.hold_jti(jti, self.keep_until(expires_at));
        ready(())
    }

    fn retain_after_expiry(&self, margin: Duration) {
        self.inner
            .margin
            .fetch_max(ceil_seconds(margin), Ordering::Relaxed);
    }

    fn revoke_family<'a>(
        &'a self,
        family: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        self.hold_family(family, self.keep_until(expires_at));
        ready(())
    }

    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a Value,
        timestamp: i64,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        let until = self.keep_until(cut_off_until(timestamp, &self.inner.cut_off_lifetime));
        self.hold_cut_off(&identity_key(identity), timestamp, until);
        ready(())
    }

    fn spend_refresh_token<'a>(
        &'a self,
        request: SpendRequest<'a>,
    ) -> LocalBoxFuture<'a, Result<Spend, BlocklistError>> {
        let until = self.keep_until(request.expires_at);
        let spend = self
            .inner
            .spent
            .update(request.jti, self.now(), |current| match current {
                Some(held) => (
                    None,
                    Spend::Before {
                        at_ms: held.value.0,
                        successor: held.value.1.clone(),
                    },
                ),
                None => (
                    Some(Held {
                        value: Arc::new((request.at_ms, request.successor.to_owned())),
                        until,
                    }),
                    Spend::First,
                ),
            });
        ready(spend)
    }

    fn retain_cut_offs_for(&self, longest_lifetime: Option<Duration>) {
        raise_lifetime(&self.inner.cut_off_lifetime, longest_lifetime);
    }
}
