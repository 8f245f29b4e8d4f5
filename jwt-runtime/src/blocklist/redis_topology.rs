//! Where the Redis store's data lives: one Redis, a Redis Cluster, or the primary that
//! Redis Sentinel names.
//!
//! - [`Link`]: the store's way to send commands and scripts: redis-rs's
//!   `ConnectionManager` (one Redis; also the Sentinel primary of the moment, replaced
//!   when a failover names another) or its cluster connection (routed by key, following
//!   failovers and slot moves by itself).
//! - [`Source`]: the node the mirror subscribes to and resynchronises from. In a
//!   cluster, that is the primary of the slot every key of the prefix hashes to; under
//!   Sentinel, the primary. Either way, the node that runs every revoking script, so its
//!   events reach the subscriber directly.
//! - [`cluster_prefix`]: in a cluster, every key of a prefix shares one hash tag, so
//!   each script and each check stays in one slot.

use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use redis::aio::{
    ConnectionLike, ConnectionManager, ConnectionManagerConfig, MultiplexedConnection,
};
use redis::cluster_async::ClusterConnection;
use redis::{
    Cmd, ConnectionAddr, ConnectionInfo, IntoConnectionInfo, RedisError, RedisFuture, Value,
};

use super::BlocklistError;

/// The connection one request is sent on.
#[derive(Clone)]
pub(crate) enum Connection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Connection::Single(connection) => connection.req_packed_command(cmd),
            Connection::Cluster(connection) => connection.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Connection::Single(connection) => {
                connection.req_packed_commands(pipeline, offset, count)
            }
            Connection::Cluster(connection) => {
                connection.req_packed_commands(pipeline, offset, count)
            }
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Connection::Single(connection) => connection.get_db(),
            Connection::Cluster(connection) => connection.get_db(),
        }
    }
}

/// How long each step of finding a node may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(1);

/// The store's way to Redis.
#[derive(Clone)]
pub(crate) enum Link {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
    Sentinel(Arc<SentinelLink>),
}

impl Link {
    /// The connection to send a request on now.
    pub(crate) fn connection(&self) -> Connection {
        match self {
            Link::Single(connection) => Connection::Single(connection.clone()),
            Link::Cluster(connection) => Connection::Cluster(connection.clone()),
            Link::Sentinel(link) => Connection::Single(link.current.load().manager.clone()),
        }
    }

    /// After a request failed with `error`: whether to send it once more, on a new
    /// [`Link::connection`]. Under Sentinel, a node that stopped answering or refuses
    /// writes (`READONLY`: demoted) makes the store ask the sentinels for the primary.
    pub(crate) async fn recover(&self, error: &RedisError) -> bool {
        match self {
            Link::Single(_) | Link::Cluster(_) => connection_dropped(error),
            Link::Sentinel(link) => link.recover(error).await,
        }
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

/// The connection manager of every link to one node: fail fast while it is away (1 s
/// connection and response timeouts, one reconnection retry).
pub(crate) async fn manager(client: redis::Client) -> Result<ConnectionManager, BlocklistError> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(STEP_TIMEOUT))
        .set_response_timeout(Some(STEP_TIMEOUT))
        .set_number_of_retries(1)
        .set_min_delay(Duration::from_millis(100))
        .set_max_delay(Duration::from_secs(1));
    ConnectionManager::new_with_config(client, config)
        .await
        .map_err(BlocklistError::store)
}

/// How often, at most, a failing Sentinel link asks the sentinels for the primary.
const ASK_SENTINELS_EVERY: Duration = Duration::from_millis(100);

/// The primary Redis Sentinel names, and the connection to it.
pub(crate) struct SentinelLink {
    /// A [`Source::Sentinel`].
    source: Source,
    current: ArcSwap<Primary>,
    /// When the sentinels were last asked; held while asking, so one request asks.
    asked: tokio::sync::Mutex<Instant>,
}

struct Primary {
    addr: ConnectionAddr,
    manager: ConnectionManager,
}

impl SentinelLink {
    /// Asks the sentinels for the primary of `master_name` and connects to it; the link
    /// and the mirror's source.
    pub(crate) async fn connect(
        sentinels: &[&str],
        master_name: &str,
    ) -> Result<(Self, Source), BlocklistError> {
        let source = Source::Sentinel {
            sentinels: seeds(sentinels)?,
            master_name: master_name.to_owned(),
        };
        let client = source
            .node_for("", 0)
            .await
            .map_err(BlocklistError::store)?;
        let addr = client.get_connection_info().addr().clone();
        let manager = manager(client).await?;
        let link = SentinelLink {
            source: source.clone(),
            current: ArcSwap::from_pointee(Primary { addr, manager }),
            asked: tokio::sync::Mutex::new(Instant::now()),
        };
        Ok((link, source))
    }

    async fn recover(&self, error: &RedisError) -> bool {
        let demoted = error.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::ReadOnly);
        if !demoted && matches!(error.kind(), redis::ErrorKind::Server(_)) {
            return false;
        }
        let seen = self.current.load_full();
        let mut asked = self.asked.lock().await;
        if !Arc::ptr_eq(&self.current.load_full(), &seen) {
            // Another request found the new primary meanwhile.
            return true;
        }
        if asked.elapsed() < ASK_SENTINELS_EVERY {
            return connection_dropped(error);
        }
        *asked = Instant::now();
        let Ok(client) = self.source.node_for("", 0).await else {
            return false;
        };
        let addr = client.get_connection_info().addr().clone();
        if addr == seen.addr {
            return connection_dropped(error);
        }
        let Ok(manager) = manager(client).await else {
            return false;
        };
        tracing::warn!("Redis Sentinel names a new primary; the blocklist follows it");
        self.current.store(Arc::new(Primary { addr, manager }));
        true
    }
}

/// The parsed URLs of the nodes to ask first (at least one).
fn seeds(urls: &[&str]) -> Result<Vec<ConnectionInfo>, BlocklistError> {
    let seeds = urls
        .iter()
        .map(|url| (*url).into_connection_info())
        .collect::<Result<Vec<_>, _>>()
        .map_err(BlocklistError::store)?;
    if seeds.is_empty() {
        return Err(BlocklistError::store("no Redis node's URL was given"));
    }
    Ok(seeds)
}

/// Connects to a cluster through any of `nodes`: redis-rs's cluster connection, failing
/// fast while a slot has no primary (1 s timeouts, one retry), and the mirror's source.
pub(crate) async fn cluster_connection(
    nodes: &[&str],
) -> Result<(ClusterConnection, Source), BlocklistError> {
    let seeds = seeds(nodes)?;
    let client = redis::cluster::ClusterClientBuilder::new(seeds.clone())
        .connection_timeout(STEP_TIMEOUT)
        .response_timeout(STEP_TIMEOUT)
        .retries(1)
        .min_retry_wait(50)
        .max_retry_wait(500)
        .build()
        .map_err(BlocklistError::store)?;
    let connection = client
        .get_async_connection()
        .await
        .map_err(BlocklistError::store)?;
    Ok((connection, Source::Cluster(seeds)))
}

/// The hash tag Redis Cluster hashes `key` by: what lies between its first `{` and the
/// first `}` after it, when that is not empty.
fn hash_tag(key: &str) -> Option<&str> {
    let open = key.find('{')?;
    let rest = key.get(open + 1..)?;
    let close = rest.find('}')?;
    rest.get(..close).filter(|tag| !tag.is_empty())
}

/// The key prefix used in a cluster: `prefix` itself when it holds a hash tag
/// (`app:{revoked}`), else `{prefix}`, so every key of the store lands in one slot.
///
/// # Errors
/// A prefix no hash tag can be made of (empty, or starting with `}`).
pub(crate) fn cluster_prefix(prefix: &str) -> Result<String, BlocklistError> {
    if hash_tag(prefix).is_some() {
        return Ok(prefix.to_owned());
    }
    let tagged = format!("{{{prefix}}}");
    if hash_tag(&tagged).is_some() {
        Ok(tagged)
    } else {
        Err(BlocklistError::store(format!(
            "the key prefix {prefix:?} cannot be hash-tagged for Redis Cluster: give one holding a tag, such as \"app:{{revoked}}\""
        )))
    }
}

/// Where the mirror reads from: the node that runs the store's scripts.
#[derive(Clone)]
pub(crate) enum Source {
    Single(redis::Client),
    /// A cluster, found through any of these nodes.
    Cluster(Vec<ConnectionInfo>),
    /// The primary these sentinels name.
    Sentinel {
        sentinels: Vec<ConnectionInfo>,
        master_name: String,
    },
}

impl Source {
    /// Checks that the node `connection` reaches still runs the store's scripts (a
    /// cluster's slot can move, a Sentinel primary can be demoted); nothing to check for
    /// one Redis.
    pub(crate) async fn still_serves(
        &self,
        connection: &mut MultiplexedConnection,
        key: &str,
    ) -> Result<(), String> {
        match self {
            Source::Single(_) => Ok(()),
            // A node that no longer owns the slot answers `MOVED`.
            Source::Cluster(_) => ask::<i64>(connection, redis::cmd("ZCARD").arg(key))
                .await
                .map(drop),
            Source::Sentinel { .. } => is_primary(connection).await,
        }
    }

    /// A client of the node holding `key`: the one Redis, the primary of `key`'s slot as
    /// the first answering node of the cluster says, or the primary the first answering
    /// sentinel names. `start` rotates the nodes asked first, so a dead node is not
    /// always asked first.
    pub(crate) async fn node_for(&self, key: &str, start: usize) -> Result<redis::Client, String> {
        let seeds = match self {
            Source::Single(client) => return Ok(client.clone()),
            Source::Cluster(seeds)
            | Source::Sentinel {
                sentinels: seeds, ..
            } => seeds,
        };
        let mut last_error = String::from("no node to ask");
        for index in 0..seeds.len() {
            let Some(seed) = seeds.get((start % seeds.len() + index) % seeds.len()) else {
                continue;
            };
            let found = match self {
                Source::Sentinel { master_name, .. } => named_primary(seed, master_name).await,
                _ => primary_of(seed, key).await,
            };
            match found {
                Ok(primary) => return redis::Client::open(primary).map_err(|e| e.to_string()),
                Err(error) => last_error = error,
            }
        }
        Err(format!("no node named the primary: {last_error}"))
    }
}

/// Connects to a node, bounded in time.
async fn connect_to(info: &ConnectionInfo) -> Result<MultiplexedConnection, String> {
    let client = redis::Client::open(info.clone()).map_err(|e| e.to_string())?;
    tokio::time::timeout(STEP_TIMEOUT, client.get_multiplexed_async_connection())
        .await
        .map_err(|_| format!("connecting took longer than {STEP_TIMEOUT:?}"))?
        .map_err(|e| e.to_string())
}

/// Checks that a node says it is a primary (`ROLE`).
async fn is_primary(connection: &mut MultiplexedConnection) -> Result<(), String> {
    let role: Vec<Value> = ask(connection, &mut redis::cmd("ROLE")).await?;
    let role = role
        .first()
        .and_then(|role| redis::from_redis_value_ref::<String>(role).ok());
    match role.as_deref() {
        Some("master") => Ok(()),
        other => Err(format!("the node is no primary (its role: {other:?})")),
    }
}

/// Asks the sentinel at `seed` for the primary of `master_name`, and checks that it
/// says it is one; its address, with `seed`'s credentials and TLS settings.
async fn named_primary(seed: &ConnectionInfo, master_name: &str) -> Result<ConnectionInfo, String> {
    let mut sentinel = connect_to(seed).await?;
    let named: Option<(String, u16)> = ask(
        &mut sentinel,
        redis::cmd("SENTINEL")
            .arg("GET-MASTER-ADDR-BY-NAME")
            .arg(master_name),
    )
    .await?;
    let (host, port) =
        named.ok_or_else(|| format!("the sentinel knows no primary named {master_name:?}"))?;
    let primary = at_address(seed, host, port);
    is_primary(&mut connect_to(&primary).await?).await?;
    Ok(primary)
}

/// Asks the node at `seed` which primary serves `key`'s slot (`CLUSTER KEYSLOT`, then
/// `CLUSTER SLOTS`); its address, with `seed`'s credentials and TLS settings.
async fn primary_of(seed: &ConnectionInfo, key: &str) -> Result<ConnectionInfo, String> {
    let mut connection = connect_to(seed).await?;
    let slot: i64 = ask(
        &mut connection,
        redis::cmd("CLUSTER").arg("KEYSLOT").arg(key),
    )
    .await?;
    let slots: Vec<Value> = ask(&mut connection, redis::cmd("CLUSTER").arg("SLOTS")).await?;
    for range in slots {
        let Value::Array(fields) = range else {
            continue;
        };
        let (Some(first), Some(last), Some(Value::Array(primary))) =
            (fields.first(), fields.get(1), fields.get(2))
        else {
            continue;
        };
        let (Ok(first), Ok(last)) = (
            redis::from_redis_value_ref::<i64>(first),
            redis::from_redis_value_ref::<i64>(last),
        ) else {
            continue;
        };
        if !(first..=last).contains(&slot) {
            continue;
        }
        let (Some(host), Some(port)) = (primary.first(), primary.get(1)) else {
            break;
        };
        let host = redis::from_redis_value_ref::<String>(host).map_err(|e| e.to_string())?;
        let port = redis::from_redis_value_ref::<u16>(port).map_err(|e| e.to_string())?;
        return Ok(at_address(seed, host, port));
    }
    Err(format!(
        "no primary serves slot {slot} (the cluster is failing over?)"
    ))
}

/// One command on a node, bounded in time.
async fn ask<T: redis::FromRedisValue>(
    connection: &mut MultiplexedConnection,
    command: &mut Cmd,
) -> Result<T, String> {
    tokio::time::timeout(STEP_TIMEOUT, command.query_async(connection))
        .await
        .map_err(|_| format!("a cluster query took longer than {STEP_TIMEOUT:?}"))?
        .map_err(|e| e.to_string())
}

/// `seed`'s settings at another node's address (an empty host: `seed`'s own host).
fn at_address(seed: &ConnectionInfo, host: String, port: u16) -> ConnectionInfo {
    let addr = match seed.addr().clone() {
        ConnectionAddr::TcpTls {
            host: seed_host,
            insecure,
            tls_params,
            ..
        } => ConnectionAddr::TcpTls {
            host: if host.is_empty() { seed_host } else { host },
            port,
            insecure,
            tls_params,
        },
        ConnectionAddr::Tcp(seed_host, _) => {
            ConnectionAddr::Tcp(if host.is_empty() { seed_host } else { host }, port)
        }
        // A Unix socket (or an address kind redis-rs adds later) has no host to change.
        other => other,
    };
    seed.clone().set_addr(addr)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::{cluster_prefix, hash_tag};

    #[test]
    fn every_key_of_a_cluster_prefix_shares_its_hash_tag() {
        for (prefix, tagged) in [
            ("app:revoked", "{app:revoked}"),
            ("app:{revoked}", "app:{revoked}"),
            ("a{}b", "{a{}b}"),
            ("a}b", "{a}b}"),
            ("{x", "{{x}"),
        ] {
            let used = cluster_prefix(prefix).unwrap();
            assert_eq!(used, tagged);
            let tag = hash_tag(&used).unwrap();
            for suffix in [":jti", ":{other}", "#live", "#family:{f}", "#identity:s:}{"] {
                assert_eq!(
                    hash_tag(&format!("{used}{suffix}")),
                    Some(tag),
                    "{used}{suffix}"
                );
            }
        }
        assert!(cluster_prefix("").is_err());
        assert!(cluster_prefix("}x").is_err());
        assert_eq!(hash_tag("a{}b{c}"), None);
        assert_eq!(hash_tag("no tag"), None);
    }
}
