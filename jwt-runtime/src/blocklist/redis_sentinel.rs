//! The Redis store under Redis Sentinel: the primary the sentinels name, followed through
//! failovers.
//!
//! - Asked at start, when the primary stops answering or refuses writes (`READONLY`: it
//!   was demoted), and at most once a second besides (so a primary demoted while still
//!   answering, as in a manual failover or a partition, is left within about a second).
//! - A node is used only once it says it is a primary (`ROLE`).
//! - One request at a time asks, bounded in time; the others go on with the primary in
//!   use, or fail fast (503) while it is failing.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use redis::aio::{ConnectionManager, MultiplexedConnection};
use redis::{ConnectionAddr, ConnectionInfo, IntoConnectionInfo, RedisError, Value};

use super::BlocklistError;
use super::redis_topology::{
    Seeds, ask, at_address, connect_to, connection_dropped, manager, seeds,
};

/// Where Redis Sentinel is asked for the primary, and how the primary is reached. For
/// [`RedisBlocklist::connect_sentinel`](super::RedisBlocklist::connect_sentinel).
///
/// ```
/// use jwt_runtime::blocklist::SentinelTarget;
/// let target = SentinelTarget::new(&["redis://10.0.0.1:26379/", "redis://10.0.0.2:26379/"], "mymaster")
///     .primary_settings("redis://:data-password@primary/0");
/// # let _ = target;
/// ```
#[derive(Clone)]
pub struct SentinelTarget {
    sentinels: Vec<String>,
    master_name: String,
    primary_settings: Option<String>,
}

impl fmt::Debug for SentinelTarget {
    // Not the URLs: they may hold passwords.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SentinelTarget")
            .field("sentinels", &self.sentinels.len())
            .field("master_name", &self.master_name)
            .finish_non_exhaustive()
    }
}

impl SentinelTarget {
    /// The sentinels' URLs (any one answering is enough; the one that answered last is
    /// asked first) and the name they know the primary by. The sentinels are asked
    /// without selecting a database. Unless [`SentinelTarget::primary_settings`] says
    /// otherwise, the primary is reached with the first sentinel URL's credentials,
    /// database, TLS and protocol.
    ///
    /// ```
    /// let target = jwt_runtime::blocklist::SentinelTarget::new(&["redis://10.0.0.1:26379/"], "mymaster");
    /// # let _ = target;
    /// ```
    #[must_use]
    pub fn new(sentinels: &[&str], master_name: &str) -> Self {
        SentinelTarget {
            sentinels: sentinels.iter().map(|url| (*url).to_owned()).collect(),
            master_name: master_name.to_owned(),
            primary_settings: None,
        }
    }

    /// How the primary is reached: a URL whose credentials, database, TLS and protocol
    /// are used and whose host and port are not (the sentinels name those), for
    /// sentinels and data nodes with different passwords.
    ///
    /// ```
    /// let target = jwt_runtime::blocklist::SentinelTarget::new(&["redis://10.0.0.1:26379/"], "mymaster")
    ///     .primary_settings("rediss://app:secret@primary/2");
    /// # let _ = target;
    /// ```
    #[must_use]
    pub fn primary_settings(mut self, url: &str) -> Self {
        self.primary_settings = Some(url.to_owned());
        self
    }
}

/// How often, at most, the sentinels are asked whether the primary in use is still the
/// one they name.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How soon after an answer a failing request may ask the sentinels again.
const ASK_AGAIN_AFTER: Duration = Duration::from_millis(100);
/// How long asking the sentinels and connecting to the primary may take in all.
const ASK_TIMEOUT: Duration = Duration::from_secs(2);

/// Whom to ask for the primary, and how to reach it: what the store and its mirror share.
#[derive(Clone)]
pub(crate) struct Naming {
    sentinels: Seeds,
    master_name: String,
    /// The primary's credentials, database and TLS (its address is replaced).
    primary_settings: ConnectionInfo,
}

impl Naming {
    fn new(target: &SentinelTarget) -> Result<Self, BlocklistError> {
        let urls: Vec<&str> = target.sentinels.iter().map(String::as_str).collect();
        let given = seeds(&urls)?;
        let primary_settings = match &target.primary_settings {
            Some(url) => url
                .as_str()
                .into_connection_info()
                .map_err(BlocklistError::store)?,
            None => given
                .first()
                .cloned()
                .ok_or_else(|| BlocklistError::store("no sentinel's URL was given"))?,
        };
        // A sentinel has no databases: it refuses `SELECT`.
        let sentinels = given
            .into_iter()
            .map(|info| {
                let settings = info.redis_settings().clone().set_db(0);
                info.set_redis_settings(settings)
            })
            .collect();
        Ok(Naming {
            sentinels: Seeds::new(sentinels),
            master_name: target.master_name.clone(),
            primary_settings,
        })
    }

    /// The address the first answering sentinel names, with the primary's settings.
    async fn named(&self) -> Result<ConnectionInfo, String> {
        self.sentinels
            .first(|sentinel| async move {
                let mut sentinel = connect_to(&sentinel).await?;
                let named: Option<(String, u16)> = ask(
                    &mut sentinel,
                    redis::cmd("SENTINEL")
                        .arg("GET-MASTER-ADDR-BY-NAME")
                        .arg(&self.master_name),
                )
                .await?;
                let (host, port) = named.ok_or_else(|| {
                    format!("the sentinel knows no primary named {:?}", self.master_name)
                })?;
                Ok(at_address(&self.primary_settings, host, port))
            })
            .await
    }

    /// The primary the sentinels name, once it says it is one.
    pub(crate) async fn primary(&self) -> Result<ConnectionInfo, String> {
        let primary = self.named().await?;
        is_primary(&mut connect_to(&primary).await?).await?;
        Ok(primary)
    }

    /// Checks that the sentinels still name the node at `addr`.
    pub(crate) async fn still_names(&self, addr: &ConnectionAddr) -> Result<(), String> {
        let named = self.named().await?;
        if named.addr() == addr {
            Ok(())
        } else {
            Err(format!(
                "the sentinels now name another primary: {}",
                named.addr()
            ))
        }
    }
}

/// Checks that a node says it is a primary (`ROLE`).
pub(crate) async fn is_primary(connection: &mut MultiplexedConnection) -> Result<(), String> {
    let role: Vec<Value> = ask(connection, &mut redis::cmd("ROLE")).await?;
    let role = role
        .first()
        .and_then(|role| redis::from_redis_value_ref::<String>(role).ok());
    match role.as_deref() {
        Some("master") => Ok(()),
        other => Err(format!("the node is no primary (its role: {other:?})")),
    }
}

/// The primary Redis Sentinel names, and the connection to it.
pub(crate) struct SentinelLink {
    pub(crate) naming: Naming,
    current: ArcSwap<Primary>,
    /// Held while asking, so one request asks at a time.
    asking: tokio::sync::Mutex<()>,
    /// Milliseconds after `since` of the last answer, and of the last periodic check.
    answered_at: AtomicU64,
    checked_at: AtomicU64,
    since: Instant,
}

/// A primary in use.
pub(crate) struct Primary {
    addr: ConnectionAddr,
    pub(crate) manager: ConnectionManager,
}

impl Primary {
    async fn connect(info: ConnectionInfo) -> Result<Self, String> {
        let addr = info.addr().clone();
        let client = redis::Client::open(info).map_err(|e| e.to_string())?;
        let manager = manager(client).await.map_err(|e| e.to_string())?;
        Ok(Primary { addr, manager })
    }
}

impl SentinelLink {
    /// Asks the sentinels of `target` for the primary and connects to it.
    pub(crate) async fn connect(target: &SentinelTarget) -> Result<Self, BlocklistError> {
        let naming = Naming::new(target)?;
        let primary = naming.primary().await.map_err(BlocklistError::store)?;
        let primary = Primary::connect(primary)
            .await
            .map_err(BlocklistError::store)?;
        Ok(SentinelLink {
            naming,
            current: ArcSwap::from_pointee(primary),
            asking: tokio::sync::Mutex::new(()),
            answered_at: AtomicU64::new(0),
            checked_at: AtomicU64::new(0),
            since: Instant::now(),
        })
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.since.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn within(&self, at: &AtomicU64, period: Duration) -> bool {
        let period = u64::try_from(period.as_millis()).unwrap_or(u64::MAX);
        self.now_ms().saturating_sub(at.load(Ordering::Relaxed)) < period
    }

    /// The primary in use. At most once a second, one request first checks with the
    /// sentinels that it is still the one they name.
    pub(crate) async fn current_checked(&self) -> Arc<Primary> {
        if !self.within(&self.checked_at, CHECK_EVERY)
            && let Ok(_asking) = self.asking.try_lock()
            && !self.within(&self.checked_at, CHECK_EVERY)
        {
            self.checked_at.store(self.now_ms(), Ordering::Relaxed);
            if let Err(error) = self.follow().await {
                tracing::warn!("Redis Sentinel: checking the primary failed: {error}");
            }
        }
        self.current.load_full()
    }

    /// Asks the sentinels for the primary and switches to it when it is another node;
    /// whether it switched. Bounded by [`ASK_TIMEOUT`]. Called holding `asking`.
    async fn follow(&self) -> Result<bool, String> {
        let result = tokio::time::timeout(ASK_TIMEOUT, async {
            let named = self.naming.primary().await?;
            if *named.addr() == self.current.load().addr {
                return Ok(false);
            }
            let primary = Primary::connect(named).await?;
            tracing::warn!(
                "Redis Sentinel names a new primary ({}); the blocklist follows it",
                primary.addr
            );
            self.current.store(Arc::new(primary));
            Ok(true)
        })
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "asking the sentinels took longer than {ASK_TIMEOUT:?}"
            ))
        });
        self.answered_at.store(self.now_ms(), Ordering::Relaxed);
        result
    }

    /// After a request sent to `used` failed with `error`: whether to send it again.
    pub(crate) async fn recover(&self, used: Option<&Arc<Primary>>, error: &RedisError) -> bool {
        let demoted = error.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::ReadOnly);
        if !demoted && matches!(error.kind(), redis::ErrorKind::Server(_)) {
            return false;
        }
        if used.is_some_and(|used| !Arc::ptr_eq(&self.current.load_full(), used)) {
            // Another request found the new primary meanwhile.
            return true;
        }
        // Another request is asking: fail fast rather than queue behind it.
        let Ok(_asking) = self.asking.try_lock() else {
            return false;
        };
        if used.is_some_and(|used| !Arc::ptr_eq(&self.current.load_full(), used)) {
            return true;
        }
        if self.within(&self.answered_at, ASK_AGAIN_AFTER) {
            return !demoted && connection_dropped(error);
        }
        match self.follow().await {
            Ok(true) => true,
            Ok(false) => !demoted && connection_dropped(error),
            Err(_) => false,
        }
    }
}
