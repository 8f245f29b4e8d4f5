//! The Redis store: revocations shared by every server that uses one Redis.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use futures_util::future::LocalBoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, FromRedisValue, RedisError};

use super::{Blocklist, BlocklistError, ceil_seconds, keep_until, unix_seconds};
use crate::claims::Claims;

/// A [`Blocklist`] in Redis, shared by every server process that uses the same Redis
/// and key prefix. Requires the `redis` feature.
///
/// - [`revoke`](Blocklist::revoke) is one `SET <prefix>:<jti> 1 EX <seconds>`, with a TTL
///   equal to the token's remaining lifetime (no TTL for a token that never expires;
///   nothing for one already expired), so Redis forgets entries by itself.
/// - [`is_revoked`](Blocklist::is_revoked) is one `EXISTS <prefix>:<jti>`: one round trip.
/// - The connection is redis-rs's `ConnectionManager`: one multiplexed connection,
///   reconnected by itself after Redis restarts. Requests fail fast while Redis is
///   away (1 s connection and response timeouts, one reconnection retry), answering
///   503, never letting a token through. A command that finds its connection dropped is
///   retried once on the new one, so a restart costs no spurious 503 once Redis is back.
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
    connection: ConnectionManager,
    prefix: Arc<str>,
    margin: Arc<AtomicI64>,
}

impl fmt::Debug for RedisBlocklist {
    // Not the connection: its info may hold a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBlocklist")
            .field("prefix", &self.prefix)
            .field("margin_seconds", &self.margin.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// A command worth sending again: its connection was found dropped, so the manager is
/// reconnecting. Not a timeout, a refused reconnection (Redis is down: fail fast) or an
/// error answered by Redis.
fn connection_dropped(error: &RedisError) -> bool {
    !error.is_timeout()
        && !error.is_connection_refusal()
        && (error.is_connection_dropped() || error.is_unrecoverable_error())
}

impl RedisBlocklist {
    /// Connects to `url` (`redis://[user:password@]host:port/db`, `rediss://` with a
    /// TLS feature of `redis`). Keys are `<key_prefix>:<jti>`; servers that must see
    /// each other's revocations use the same prefix.
    ///
    /// # Errors
    /// A malformed URL, or no Redis answering within a second (one retry).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), jwt_runtime::blocklist::BlocklistError> {
    /// let blocklist = jwt_runtime::blocklist::RedisBlocklist::connect("redis://127.0.0.1:6379/", "app:revoked").await?;
    /// # let _ = blocklist;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(url: &str, key_prefix: &str) -> Result<Self, BlocklistError> {
        let client = redis::Client::open(url).map_err(BlocklistError::store)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(100))
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(BlocklistError::store)?;
        Ok(Self::from_connection_manager(connection, key_prefix))
    }

    /// Uses a connection manager you configured yourself (timeouts, retries, TLS).
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
        RedisBlocklist {
            connection,
            prefix: Arc::from(key_prefix),
            margin: Arc::new(AtomicI64::new(0)),
        }
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

    async fn query<T: FromRedisValue>(&self, command: &Cmd) -> Result<T, BlocklistError> {
        let mut connection = self.connection.clone();
        match command.query_async(&mut connection).await {
            Err(error) if connection_dropped(&error) => command
                .query_async(&mut connection)
                .await
                .map_err(BlocklistError::store),
            result => result.map_err(BlocklistError::store),
        }
    }
}

impl Blocklist for RedisBlocklist {
    fn is_revoked<'a>(
        &'a self,
        token: &'a Claims,
    ) -> LocalBoxFuture<'a, Result<bool, BlocklistError>> {
        Box::pin(async move {
            let Some(jti) = token.jti() else {
                return Ok(true);
            };
            let mut command = redis::cmd("EXISTS");
            command.arg(self.key(jti));
            self.query::<bool>(&command).await
        })
    }

    fn revoke_jti<'a>(
        &'a self,
        jti: &'a str,
        expires_at: Option<i64>,
    ) -> LocalBoxFuture<'a, Result<(), BlocklistError>> {
        Box::pin(async move {
            let mut command = redis::cmd("SET");
            command.arg(self.key(jti)).arg(1);
            // A token expiring past the year 9999 (a foreign token's `exp` can say
            // anything) would need a TTL Redis refuses: it is kept for good instead.
            if let Some(until) = keep_until(expires_at, &self.margin)
                .filter(|until| *until <= crate::types::Expiry::LATEST_TIMESTAMP)
            {
                let ttl = until.saturating_sub(unix_seconds(SystemTime::now()));
                if ttl <= 0 {
                    return Ok(());
                }
                command.arg("EX").arg(ttl);
            }
            self.query::<()>(&command).await
        })
    }

    fn retain_after_expiry(&self, margin: Duration) {
        self.margin
            .fetch_max(ceil_seconds(margin), Ordering::Relaxed);
    }
}
