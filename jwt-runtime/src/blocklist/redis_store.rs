//! The Redis store: revocations shared by every server that uses one Redis.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use futures_util::future::LocalBoxFuture;
use redis::aio::ConnectionManager;
use redis::{Cmd, FromRedisValue};

use serde_json::Value;

use super::mirror::{self, Mirror, Names, Record};
use super::redis_scripts::{CUT_OFF, REVOKE, SPEND, ttl_arg};
use super::redis_sentinel::{SentinelLink, SentinelTarget};
use super::redis_topology::{
    Connection, Link, REPLICATION_TIMEOUT, Source, check_cluster_prefix, cluster_connection,
    manager,
};
use super::{
    Blocklist, BlocklistError, LIFETIME_UNKNOWN, Spend, SpendRequest, ceil_seconds, cut_off_until,
    identity_key, keep_until, raise_lifetime, unix_seconds,
};
use crate::claims::Claims;

/// A [`Blocklist`] in Redis, shared by every server process that uses the same Redis
/// and key prefix. Requires the `redis` feature.
///
/// Two modes, which servers of one prefix may mix:
///
/// - **Mirrored** ([`RedisBlocklist::connect`], the default): each server keeps a local
///   copy of the live revocations, so a check costs what the in-memory store's costs
///   (no round trip). A background thread keeps the copy current: it subscribes to the
///   prefix's events, reads every live revocation (`ZSCAN` of `<prefix>#live`) at start
///   and after every reconnection, and pings a quiet subscription every 250 ms. A
///   revocation made through any server is refused by the others about one network
///   round trip later. Whenever the copy is not in sync (at start, after a dropped
///   subscription, a ping unanswered for a second), checks go to Redis as in the direct
///   mode, so a Redis that cannot answer refuses requests (503) and never lets one through.
/// - **Direct** ([`RedisBlocklist::connect_direct`]): every
///   [`is_revoked`](Blocklist::is_revoked) is one command, one round trip: `MGET
///   <prefix>:<jti> <prefix>#identity:<identity JSON>` (the identity's cut-off), with
///   `<prefix>#family:<fam>` for a token of a login. A revocation counts at once everywhere.
///
/// In both modes:
///
/// - [`revoke`](Blocklist::revoke), [`revoke_family`](Blocklist::revoke_family) and
///   [`revoke_identity_before`](Blocklist::revoke_identity_before) are one Lua script
///   each: the record (`SET <prefix>:<jti> 1 EX <seconds>`, a TTL equal to the token's
///   remaining lifetime, none for a token that never expires, nothing for one already
///   expired, so Redis forgets entries by itself), its member in the live set (scored by
///   that time; expired members are pruned on every write), and its event on
///   `<prefix>#events`, atomically.
/// - [`spend_refresh_token`](Blocklist::spend_refresh_token) is one Lua script, always
///   sent to Redis, so a spend is atomic across every server.
/// - The connection is redis-rs's `ConnectionManager`: one multiplexed connection,
///   reconnected by itself after Redis restarts. Requests fail fast while Redis is
///   away (1 s connection and response timeouts, one reconnection retry), answering
///   503, never letting a token through. A command that finds its connection dropped is
///   retried once on the new one, so a restart costs no spurious 503 once Redis is back.
///
/// Needs Redis 7 or later (the scripts use `ZADD GT` and `EXPIREAT GT`).
///
/// Redis must keep its data across restarts for revocations to survive one: turn
/// persistence on (`appendonly yes`).
///
/// ```no_run
/// use jwt_runtime::prelude::*;
/// use actix_web::{App, HttpServer, web};
/// use jwt_runtime::{JwtConfig, JwtManager};
/// use jwt_runtime::blocklist::RedisBlocklist;
///
/// #[actix_web::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let blocklist = RedisBlocklist::connect("redis://127.0.0.1:6379/", "myapp:revoked").await?;
///     let config = JwtConfig::from_env()?.blacklist_enabled(true);
///     let manager = JwtManager::builder(config).blocklist(blocklist.clone()).build()?;
///     HttpServer::new(move || {
///         App::new().wrap(manager.clone()).app_data(web::Data::new(blocklist.clone()))
///     })
///     .bind(("127.0.0.1", 5000))?
///     .run()
///     .await?;
///     Ok(())
/// }
/// ```
#[derive(Clone)]
pub struct RedisBlocklist {
    link: Link,
    prefix: Arc<str>,
    /// The live set and the events channel every write updates.
    names: Arc<Names>,
    margin: Arc<AtomicI64>,
    /// How long identity cut-offs are kept, in seconds (negative: for good).
    cut_off_lifetime: Arc<AtomicI64>,
    /// The local copy checks read, in the mirrored mode.
    mirror: Option<Arc<Mirror>>,
    /// How many replicas must acknowledge each write.
    replicas: u32,
}

impl fmt::Debug for RedisBlocklist {
    // Not the connection: its info may hold a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBlocklist")
            .field("prefix", &self.prefix)
            .field("margin_seconds", &self.margin.load(Ordering::Relaxed))
            .field("mirrored", &self.mirror.is_some())
            .field("replicas", &self.replicas)
            .finish_non_exhaustive()
    }
}

impl RedisBlocklist {
    /// Connects in the direct mode: every check is one round trip to Redis, and a
    /// revocation counts everywhere at once. URL and prefix as for
    /// [`RedisBlocklist::connect`].
    ///
    /// # Errors
    /// A malformed URL, or no Redis answering within a second (one retry).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), jwt_runtime::blocklist::BlocklistError> {
    /// let blocklist = jwt_runtime::blocklist::RedisBlocklist::connect_direct("redis://127.0.0.1:6379/", "app:revoked").await?;
    /// assert_eq!(blocklist.is_mirror_in_sync(), None);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_direct(url: &str, key_prefix: &str) -> Result<Self, BlocklistError> {
        let client = redis::Client::open(url).map_err(BlocklistError::store)?;
        let connection = manager(client).await?;
        Ok(Self::from_connection_manager(connection, key_prefix))
    }

    /// Connects to a Redis Cluster through any of `nodes` (URLs as for
    /// [`RedisBlocklist::connect`]; one is enough, more let the store start while one is
    /// down), in the mirrored mode. Commands go through redis-rs's cluster connection,
    /// which follows failovers and slot moves.
    ///
    /// - The prefix must hold a hash tag (`app:{revoked}`): every key of the store then
    ///   lands in one slot, so each check and each script is one slot's. Keys are named as
    ///   with one Redis, so a prefix moves between the two unchanged.
    /// - The mirror follows the primary of that slot, and checks every 250 ms that the node
    ///   still owns it and the cluster is up.
    /// - While the slot has no primary (a primary down, before its replica takes over),
    ///   checks are refused (503), never allowed.
    /// - Each write waits until one replica holds it (see
    ///   [`RedisBlocklist::acknowledged_by`]), so a revocation reported done survives a
    ///   failover.
    ///
    /// # Errors
    /// A malformed URL, a prefix without a hash tag, no node answering within a second, or
    /// a background thread that cannot start.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), jwt_runtime::blocklist::BlocklistError> {
    /// use jwt_runtime::blocklist::RedisBlocklist;
    /// let nodes = ["redis://10.0.0.1:6379/", "redis://10.0.0.2:6379/"];
    /// let blocklist = RedisBlocklist::connect_cluster(&nodes, "app:{revoked}").await?;
    /// assert_eq!(blocklist.key("abc"), "app:{revoked}:abc");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_cluster(nodes: &[&str], key_prefix: &str) -> Result<Self, BlocklistError> {
        check_cluster_prefix(key_prefix)?;
        let (connection, source) = cluster_connection(nodes).await?;
        Self::with_link(Link::Cluster(connection), key_prefix)
            .acknowledged_by(1)
            .mirrored(source)
            .await
    }

    /// Connects to a Redis Cluster in the direct mode: every check is one round trip to
    /// the primary of the store's slot. Nodes and keys as for
    /// [`RedisBlocklist::connect_cluster`].
    ///
    /// # Errors
    /// A malformed URL, a prefix without a hash tag, or no node answering within a second.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), jwt_runtime::blocklist::BlocklistError> {
    /// use jwt_runtime::blocklist::RedisBlocklist;
    /// let blocklist = RedisBlocklist::connect_cluster_direct(&["redis://10.0.0.1:6379/"], "app:{revoked}").await?;
    /// assert_eq!(blocklist.key("abc"), "app:{revoked}:abc");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_cluster_direct(
        nodes: &[&str],
        key_prefix: &str,
    ) -> Result<Self, BlocklistError> {
        check_cluster_prefix(key_prefix)?;
        let (connection, _) = cluster_connection(nodes).await?;
        Ok(Self::with_link(Link::Cluster(connection), key_prefix).acknowledged_by(1))
    }

    /// Connects to the primary that Redis Sentinel names (see [`SentinelTarget`]), in the
    /// mirrored mode. Keys as for [`RedisBlocklist::connect`].
    ///
    /// - A node is used once it says it is a primary (`ROLE`).
    /// - The store asks the sentinels again when the primary stops answering or refuses
    ///   writes (`READONLY`: demoted), and at most once a second besides, so a primary
    ///   demoted while still answering (a manual failover, a partition) is left within
    ///   about a second. One request asks at a time, for two seconds at most; until a
    ///   failover is done, checks are refused (503), never allowed.
    /// - The mirror follows the primary too, and checks every 250 ms that its node still
    ///   says it is one and the sentinels still name it.
    /// - Each write waits until one replica holds it (see
    ///   [`RedisBlocklist::acknowledged_by`]), so a revocation reported done survives a
    ///   failover.
    ///
    /// # Errors
    /// A malformed URL, no sentinel naming a primary that answers within a second, or a
    /// background thread that cannot start.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), jwt_runtime::blocklist::BlocklistError> {
    /// use jwt_runtime::blocklist::{RedisBlocklist, SentinelTarget};
    /// let sentinels = ["redis://10.0.0.1:26379/", "redis://10.0.0.2:26379/", "redis://10.0.0.3:26379/"];
    /// let target = SentinelTarget::new(&sentinels, "mymaster").primary_settings("redis://:data-password@primary/");
    /// let blocklist = RedisBlocklist::connect_sentinel(&target, "app:revoked").await?;
    /// assert_eq!(blocklist.is_mirror_in_sync(), Some(true));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_sentinel(
        target: &SentinelTarget,
        key_prefix: &str,
    ) -> Result<Self, BlocklistError> {
        let link = SentinelLink::connect(target).await?;
        let source = Source::Sentinel(link.naming.clone());
        Self::with_link(Link::Sentinel(Arc::new(link)), key_prefix)
            .acknowledged_by(1)
            .mirrored(source)
            .await
    }

    /// Connects to the primary that Redis Sentinel names, in the direct mode: every check
    /// is one round trip to it. Failovers, writes and keys as for
    /// [`RedisBlocklist::connect_sentinel`].
    ///
    /// # Errors
    /// A malformed URL, or no sentinel naming a primary that answers within a second.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), jwt_runtime::blocklist::BlocklistError> {
    /// use jwt_runtime::blocklist::{RedisBlocklist, SentinelTarget};
    /// let target = SentinelTarget::new(&["redis://10.0.0.1:26379/"], "mymaster");
    /// let blocklist = RedisBlocklist::connect_sentinel_direct(&target, "app:revoked").await?;
    /// assert_eq!(blocklist.is_mirror_in_sync(), None);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_sentinel_direct(
        target: &SentinelTarget,
        key_prefix: &str,
    ) -> Result<Self, BlocklistError> {
        let link = SentinelLink::connect(target).await?;
        Ok(Self::with_link(Link::Sentinel(Arc::new(link)), key_prefix).acknowledged_by(1))
    }

    /// How many replicas must hold each write (a revocation, a spent refresh token)
    /// before it counts as done: the store sends its script and `WAIT <replicas>` in one
    /// pipeline (so both reach the same node on the same connection) and answers an error
    /// (so 503) when fewer acknowledge within half a second. Redis replicates
    /// asynchronously: without this, a write a primary acknowledged is lost if the
    /// primary fails before sending it on, and the token it revoked is accepted again.
    /// 1 by default on a Cluster or under Sentinel, 0 (no wait) on one Redis; set 0 for a
    /// cluster without replicas. In the direct mode a check may queue behind a write's
    /// `WAIT` on the shared connection (a replication round trip, at most half a second).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), jwt_runtime::blocklist::BlocklistError> {
    /// use jwt_runtime::blocklist::RedisBlocklist;
    /// let nodes = ["redis://10.0.0.1:6379/"];
    /// let blocklist = RedisBlocklist::connect_cluster(&nodes, "{revoked}").await?.acknowledged_by(2);
    /// # let _ = blocklist;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn acknowledged_by(mut self, replicas: u32) -> Self {
        self.replicas = replicas;
        self
    }

    /// Connects to `url` (`redis://[user:password@]host:port/db`, `rediss://` with a
    /// TLS feature of `redis`) in the mirrored mode (see above): checks read a local copy
    /// of the live revocations, as fast as [`MemoryBlocklist`](super::MemoryBlocklist)'s.
    /// Keys are `<key_prefix>:<jti>`; servers that must see each other's revocations use
    /// the same prefix. Waits up to two seconds for the first sync; until then checks go
    /// to Redis.
    ///
    /// # Errors
    /// A malformed URL, no Redis answering within a second (one retry), or a background
    /// thread that cannot start.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), jwt_runtime::blocklist::BlocklistError> {
    /// use jwt_runtime::blocklist::RedisBlocklist;
    /// let blocklist = RedisBlocklist::connect("redis://127.0.0.1:6379/", "app:revoked").await?;
    /// assert_eq!(blocklist.is_mirror_in_sync(), Some(true));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(url: &str, key_prefix: &str) -> Result<Self, BlocklistError> {
        let client = redis::Client::open(url).map_err(BlocklistError::store)?;
        let connection = manager(client.clone()).await?;
        Self::from_connection_manager(connection, key_prefix)
            .mirrored(Source::Single(client))
            .await
    }

    /// Starts the mirror of this store's prefix, reading from `source`, and waits up to
    /// two seconds for its first sync.
    async fn mirrored(mut self, source: Source) -> Result<Self, BlocklistError> {
        let held = Arc::new(Mirror::default());
        mirror::spawn(source, (*self.names).clone(), &held).map_err(BlocklistError::store)?;
        self.mirror = Some(held);
        self.mirror_synced(Duration::from_secs(2)).await;
        Ok(self)
    }

    /// In the mirrored mode, whether checks read the local copy now (`false`: they go to
    /// Redis until it is in sync again); `None` in the direct mode.
    ///
    /// ```no_run
    /// # async fn run(blocklist: jwt_runtime::blocklist::RedisBlocklist) {
    /// if blocklist.is_mirror_in_sync() == Some(false) {
    ///     tracing::warn!("revocation checks are going to Redis");
    /// }
    /// # }
    /// ```
    #[must_use]
    pub fn is_mirror_in_sync(&self) -> Option<bool> {
        self.mirror.as_ref().map(|mirror| mirror.synced())
    }

    /// In the mirrored mode, waits until the local copy is in sync, at most `within`;
    /// whether it is. `true` at once in the direct mode, which has no copy.
    ///
    /// ```no_run
    /// # async fn run(blocklist: jwt_runtime::blocklist::RedisBlocklist) {
    /// assert!(blocklist.mirror_synced(std::time::Duration::from_secs(5)).await);
    /// # }
    /// ```
    pub async fn mirror_synced(&self, within: Duration) -> bool {
        let Some(mirror) = &self.mirror else {
            return true;
        };
        let ready = mirror.ready.notified();
        futures_util::pin_mut!(ready);
        ready.as_mut().enable();
        if mirror.synced() {
            return true;
        }
        let _ = actix_web::rt::time::timeout(within, ready).await;
        mirror.synced()
    }

    /// Uses a connection manager you configured yourself (timeouts, retries, TLS), in the
    /// direct mode.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::Client::open("redis://127.0.0.1:6379/")?;
    /// let connection = redis::aio::ConnectionManager::new(client).await?;
    /// let blocklist = jwt_runtime::blocklist::RedisBlocklist::from_connection_manager(connection, "app:revoked");
    /// # let _ = blocklist;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn from_connection_manager(connection: ConnectionManager, key_prefix: &str) -> Self {
        Self::with_link(Link::Single(connection), key_prefix)
    }

    /// Uses a cluster connection you configured yourself, in the direct mode. Keys and
    /// writes as for [`RedisBlocklist::connect_cluster`]. Do not let it read from replicas
    /// (`read_from_replicas`): a replica may not hold the latest revocations.
    ///
    /// # Errors
    /// A prefix without a hash tag.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://10.0.0.1:6379/"])?;
    /// let connection = client.get_async_connection().await?;
    /// let blocklist = jwt_runtime::blocklist::RedisBlocklist::from_cluster_connection(connection, "app:{revoked}")?;
    /// # let _ = blocklist;
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_cluster_connection(
        connection: redis::cluster_async::ClusterConnection,
        key_prefix: &str,
    ) -> Result<Self, BlocklistError> {
        check_cluster_prefix(key_prefix)?;
        Ok(Self::with_link(Link::Cluster(connection), key_prefix).acknowledged_by(1))
    }

    fn with_link(link: Link, key_prefix: &str) -> Self {
        RedisBlocklist {
            link,
            prefix: Arc::from(key_prefix),
            names: Arc::new(Names::new(key_prefix)),
            margin: Arc::new(AtomicI64::new(0)),
            cut_off_lifetime: Arc::new(AtomicI64::new(LIFETIME_UNKNOWN)),
            mirror: None,
            replicas: 0,
        }
    }

    /// Checks that `key_prefix` suits a Redis Cluster: it holds a hash tag (`{revoked}`,
    /// `app:{revoked}`), so every key of the store lands in one slot. The cluster
    /// constructors check it first; call it to check a configuration before connecting.
    ///
    /// # Errors
    /// A prefix without a hash tag (or with an empty one, `{}`), named in the message.
    ///
    /// ```
    /// use jwt_runtime::blocklist::RedisBlocklist;
    /// assert!(RedisBlocklist::check_cluster_prefix("app:{revoked}").is_ok());
    /// assert!(RedisBlocklist::check_cluster_prefix("app:revoked").is_err());
    /// ```
    pub fn check_cluster_prefix(key_prefix: &str) -> Result<(), BlocklistError> {
        check_cluster_prefix(key_prefix)
    }

    /// The Redis key of a `jti`: `<key_prefix>:<jti>`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), jwt_runtime::blocklist::BlocklistError> {
    /// let blocklist = jwt_runtime::blocklist::RedisBlocklist::connect("redis://127.0.0.1:6379/", "app:revoked").await?;
    /// assert_eq!(blocklist.key("abc"), "app:revoked:abc");
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn key(&self, jti: &str) -> String {
        format!("{}:{jti}", self.prefix)
    }

    /// The key of a session record: `<key_prefix>#<kind>:<id>`. `#` right after the
    /// prefix keeps these apart from every `jti` key, whatever the `jti` holds.
    fn session_key(&self, kind: &str, id: &str) -> String {
        format!("{}#{kind}:{id}", self.prefix)
    }

    /// Sends a request; one whose connection was found dropped (or, under Sentinel, whose
    /// primary changed) is sent once more, on the new connection.
    async fn query<T: FromRedisValue>(&self, request: Request<'_>) -> Result<T, BlocklistError> {
        let mut sent = self.link.connection().await;
        match request.send(&mut sent.connection).await {
            Ok(value) => Ok(value),
            Err(error) if self.link.recover(&sent, &error).await => {
                let mut sent = self.link.connection().await;
                request
                    .send(&mut sent.connection)
                    .await
                    .map_err(BlocklistError::store)
            }
            Err(error) => Err(BlocklistError::store(error)),
        }
    }

    /// Runs a write script, then, when [`RedisBlocklist::acknowledged_by`] asks for
    /// replicas, waits until they hold it; `applied` runs once Redis ran it (a write
    /// applied locally whose replication fails only refuses more).
    async fn send_write<T: FromRedisValue>(
        &self,
        script: &redis::ScriptInvocation<'_>,
        applied: impl FnOnce(&T),
    ) -> Result<T, BlocklistError> {
        if self.replicas == 0 {
            let value = self.query(Request::Script(script)).await?;
            applied(&value);
            return Ok(value);
        }
        let request = Request::Acknowledged {
            script,
            replicas: self.replicas,
        };
        let (value, acknowledged): (T, i64) = self.query(request).await?;
        applied(&value);
        if acknowledged < i64::from(self.replicas) {
            return Err(BlocklistError::store(format!(
                "the write reached {acknowledged} of the {} replicas required within {REPLICATION_TIMEOUT:?}, so it may not survive a failover",
                self.replicas
            )));
        }
        Ok(value)
    }

    /// Seconds from now to `until` (`Ok(None)`: keep for good, also past the year 9999,
    /// which Redis refuses as a TTL; `Err(())`: already passed, nothing to keep).
    fn ttl(until: Option<i64>) -> Result<Option<i64>, ()> {
        match until.filter(|until| *until <= crate::types::Expiry::LATEST_TIMESTAMP) {
            None => Ok(None),
            Some(until) => {
                let ttl = until.saturating_sub(unix_seconds(SystemTime::now()));
                if ttl <= 0 { Err(()) } else { Ok(Some(ttl)) }
            }
        }
    }

    /// Records a revoked `jti` or login under `key` until `until` (nothing once it has
    /// passed): the record, its place in the live set and its event, in one script.
    async fn revoke_until(
        &self,
        key: String,
        record: Record<'_>,
        until: Option<i64>,
    ) -> Result<(), BlocklistError> {
        let Ok(ttl) = Self::ttl(until) else {
            return Ok(());
        };
        let mut script = REVOKE.prepare_invoke();
        script.key(&key).key(&self.names.live).arg(ttl_arg(ttl));
        self.write(script, &record, ttl.and(until)).await
    }

    /// Runs a revoking script whose own arguments are set: adds the live set's (the
    /// record, kept until `kept`; the channel; now), then applies the record to this
    /// server's copy.
    async fn write(
        &self,
        mut script: redis::ScriptInvocation<'_>,
        record: &Record<'_>,
        kept: Option<i64>,
    ) -> Result<(), BlocklistError> {
        script
            .arg(mirror::score(kept))
            .arg(record.member())
            .arg(&self.names.channel)
            .arg(unix_seconds(SystemTime::now()));
        self.send_write::<i64>(&script, |_| {
            if let Some(mirror) = &self.mirror {
                mirror.apply(record, kept);
            }
        })
        .await
        .map(drop)
    }
}

/// One request to Redis: a command, a script, or a write script followed by `WAIT`.
#[derive(Clone, Copy)]
enum Request<'a> {
    Command(&'a Cmd),
    Script(&'a redis::ScriptInvocation<'a>),
    /// The script and `WAIT <replicas>` in one pipeline, so both travel on one connection
    /// to one node: `WAIT` counts only the writes of its own connection, and sent apart,
    /// a reconnection in between or a cluster client's fallback to another node while a
    /// primary is away would acknowledge a write no replica holds.
    Acknowledged {
        script: &'a redis::ScriptInvocation<'a>,
        replicas: u32,
    },
}

impl Request<'_> {
    async fn send<T: FromRedisValue>(self, connection: &mut Connection) -> redis::RedisResult<T> {
        match self {
            Request::Command(command) => command.query_async(connection).await,
            Request::Script(script) => script.invoke_async(connection).await,
            Request::Acknowledged { script, replicas } => {
                #[allow(
                    clippy::cast_possible_truncation,
                    reason = "half a second in milliseconds"
                )]
                let timeout = REPLICATION_TIMEOUT.as_millis() as u64;
                let mut pipeline = redis::pipe();
                pipeline
                    .invoke_script(script)
                    .cmd("WAIT")
                    .arg(replicas)
                    .arg(timeout);
                match pipeline.query_async(connection).await {
                    Err(error)
                        if error.kind()
                            == redis::ErrorKind::Server(redis::ServerErrorKind::NoScript) =>
                    {
                        script.load_async(connection).await?;
                        pipeline.query_async(connection).await
                    }
                    answer => answer,
                }
            }
        }
    }
}

impl Blocklist for RedisBlocklist {
    fn is_revoked<'a>(
        &'a self,
        token: &'a Claims,
    ) -> LocalBoxFuture<'a, Result<bool, BlocklistError>> {
        Box::pin(async move {
            if let Some(mirror) = self.mirror.as_ref().filter(|mirror| mirror.synced()) {
                return Ok(mirror.local.refuses(token));
            }
            let Some(jti) = token.jti() else {
                return Ok(true);
            };
            // One command: the `jti`, the identity's cut-off, the login.
            let mut command = redis::cmd("MGET");
            command
                .arg(self.key(jti))
                .arg(self.session_key("identity", &identity_key(token.identity_value())));
            if let Some(family) = token.family() {
                command.arg(self.session_key("family", family));
            }
            let values: Vec<Option<String>> = self.query(Request::Command(&command)).await?;
            let revoked = values.first().is_some_and(Option::is_some);
            let family_revoked = values.get(2).is_some_and(Option::is_some);
            let cut_off = match values.get(1).and_then(Option::as_deref) {
                None => None,
                Some(text) => Some(text.parse::<i64>().map_err(|_| {
                    BlocklistError::store("an identity cut-off record is malformed")
                })?),
            };
            let cut =
                cut_off.is_some_and(|cut_off| token.issued_at().is_none_or(|iat| iat <= cut_off));
            Ok(revoked || cut || family_revoked)
        })
    }

    fn revoke_jti<'a>(
        &'a self,
        jti: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        // A token expiring past the year 9999 (a foreign token's `exp` can say anything)
        // would need a TTL Redis refuses: it is kept for good instead.
        Box::pin(self.revoke_until(
            self.key(jti),
            Record::Jti(jti),
            keep_until(expires_at, &self.margin),
        ))
    }

    fn retain_after_expiry(&self, margin: Duration) {
        self.margin
            .fetch_max(ceil_seconds(margin), Ordering::Relaxed);
    }

    fn revoke_family<'a>(
        &'a self,
        family: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        Box::pin(self.revoke_until(
            self.session_key("family", family),
            Record::Family(family),
            keep_until(expires_at, &self.margin),
        ))
    }

    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a Value,
        timestamp: i64,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        Box::pin(async move {
            let until = keep_until(
                cut_off_until(timestamp, &self.cut_off_lifetime),
                &self.margin,
            );
            let Ok(ttl) = Self::ttl(until) else {
                return Ok(());
            };
            let key = identity_key(identity);
            let record = Record::CutOff(timestamp, &key);
            let record_key = self.session_key("identity", &key);
            let mut script = CUT_OFF.prepare_invoke();
            script
                .key(&record_key)
                .key(&self.names.live)
                .arg(timestamp)
                .arg(ttl_arg(ttl));
            self.write(script, &record, ttl.and(until)).await
        })
    }

    fn spend_refresh_token<'a>(
        &'a self,
        request: SpendRequest<'a>,
    ) -> LocalBoxFuture<'a, Result<Spend, BlocklistError>> {
        Box::pin(async move {
            let Ok(ttl) = Self::ttl(keep_until(request.expires_at, &self.margin)) else {
                // Expired with its margin: no server accepts it any more.
                return Ok(Spend::First);
            };
            let key = self.session_key("spent", request.jti);
            let mut script = SPEND.prepare_invoke();
            let nonce = uuid::Uuid::new_v4().simple();
            script
                .key(&key)
                .arg(format!("{} {nonce} {}", request.at_ms, request.successor))
                .arg(ttl_arg(ttl));
            let record: Option<String> = self.send_write(&script, |_| ()).await?;
            let Some(record) = record else {
                return Ok(Spend::First);
            };
            let mut fields = record.splitn(3, ' ');
            let (at_ms, successor) = match (fields.next(), fields.next(), fields.next()) {
                (Some(at), Some(_nonce), Some(successor)) => at
                    .parse()
                    .ok()
                    .map(|at_ms: i64| (at_ms, successor.to_owned())),
                _ => None,
            }
            .ok_or_else(|| BlocklistError::store("a spent-token record is malformed"))?;
            Ok(Spend::Before { at_ms, successor })
        })
    }

    fn retain_cut_offs_for(&self, longest_lifetime: Option<Duration>) {
        raise_lifetime(&self.cut_off_lifetime, longest_lifetime);
    }
}
