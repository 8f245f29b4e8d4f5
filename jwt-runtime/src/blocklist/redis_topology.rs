//! Where the Redis store's data lives: one Redis, a Redis Cluster, or the primary that
//! Redis Sentinel names.
//!
//! - [`Link`]: the store's way to send commands and scripts: redis-rs's
//!   `ConnectionManager` (one Redis; also the Sentinel primary of the moment, replaced
//!   when the sentinels name another) or its cluster connection (routed by key, following
//!   failovers and slot moves by itself).
//! - [`Source`]: the node the mirror subscribes to and resynchronises from. In a
//!   cluster, that is the primary of the slot every key of the prefix hashes to; under
//!   Sentinel, the primary. Either way, the node that runs every revoking script, so its
//!   events reach the subscriber directly.
//! - [`check_cluster_prefix`]: in a cluster, every key of a prefix shares one hash tag,
//!   so each script and each check stays in one slot.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use redis::aio::{
    ConnectionLike, ConnectionManager, ConnectionManagerConfig, MultiplexedConnection,
};
use redis::cluster_async::ClusterConnection;
use redis::{
    Cmd, ConnectionAddr, ConnectionInfo, IntoConnectionInfo, RedisError, RedisFuture, Value,
};

use super::BlocklistError;
use super::redis_sentinel::{Naming, Primary, SentinelLink, is_primary};

/// How long each step of finding or asking a node may take.
pub(crate) const STEP_TIMEOUT: Duration = Duration::from_secs(1);

/// How long a write waits for its replicas' acknowledgement. Below [`STEP_TIMEOUT`], so
/// a shortfall is answered before the response times out.
pub(crate) const REPLICATION_TIMEOUT: Duration = Duration::from_millis(500);

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

/// What a request was sent on: the connection, and under Sentinel the primary it led to.
pub(crate) struct Sent {
    pub(crate) connection: Connection,
    primary: Option<Arc<Primary>>,
}

/// The store's way to Redis.
#[derive(Clone)]
pub(crate) enum Link {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
    Sentinel(Arc<SentinelLink>),
}

impl Link {
    /// The connection to send a request on now. Under Sentinel, at most once a second a
    /// request first asks the sentinels whether the primary is still the one in use.
    pub(crate) async fn connection(&self) -> Sent {
        match self {
            Link::Single(connection) => Sent {
                connection: Connection::Single(connection.clone()),
                primary: None,
            },
            Link::Cluster(connection) => Sent {
                connection: Connection::Cluster(connection.clone()),
                primary: None,
            },
            Link::Sentinel(link) => {
                let primary = link.current_checked().await;
                Sent {
                    connection: Connection::Single(primary.manager.clone()),
                    primary: Some(primary),
                }
            }
        }
    }

    /// After a request sent on `sent` failed with `error`: whether to send it once more,
    /// on a new [`Link::connection`]. Under Sentinel, a node that stopped answering or
    /// refuses writes (`READONLY`: demoted) makes the store ask the sentinels.
    pub(crate) async fn recover(&self, sent: &Sent, error: &RedisError) -> bool {
        match self {
            Link::Single(_) | Link::Cluster(_) => connection_dropped(error),
            Link::Sentinel(link) => link.recover(sent.primary.as_ref(), error).await,
        }
    }
}

/// A command worth sending again: its connection was found dropped, so the manager is
/// reconnecting. Not a timeout, a refused reconnection (Redis is down: fail fast) or an
/// error answered by Redis.
pub(crate) fn connection_dropped(error: &RedisError) -> bool {
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

/// The parsed URLs of the nodes to ask first (at least one).
pub(crate) fn seeds(urls: &[&str]) -> Result<Vec<ConnectionInfo>, BlocklistError> {
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
    Ok((
        connection,
        Source::Cluster {
            seeds: Seeds::new(seeds),
        },
    ))
}

/// The hash tag Redis Cluster hashes `key` by: what lies between its first `{` and the
/// first `}` after it, when that is not empty.
fn hash_tag(key: &str) -> Option<&str> {
    let open = key.find('{')?;
    let rest = key.get(open + 1..)?;
    let close = rest.find('}')?;
    rest.get(..close).filter(|tag| !tag.is_empty())
}

/// Checks that `prefix` holds a hash tag (`app:{revoked}`), so every key of the store
/// lands in one slot of a cluster. Keys are named the same with one Redis, so a prefix
/// moves from one to the other unchanged.
///
/// # Errors
/// A prefix without a tag.
pub(crate) fn check_cluster_prefix(prefix: &str) -> Result<(), BlocklistError> {
    if hash_tag(prefix).is_some() {
        Ok(())
    } else {
        Err(BlocklistError::store(format!(
            "the key prefix {prefix:?} holds no hash tag, which Redis Cluster needs to keep the store's keys in one slot: give one such as \"app:{{revoked}}\""
        )))
    }
}

/// Nodes to ask, and which answered last (asked first next time).
#[derive(Clone, Debug)]
pub(crate) struct Seeds {
    nodes: Arc<[ConnectionInfo]>,
    answered: Arc<AtomicUsize>,
}

impl Seeds {
    pub(crate) fn new(nodes: Vec<ConnectionInfo>) -> Self {
        Seeds {
            nodes: nodes.into(),
            answered: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The first `Ok` of `ask` over the nodes, the last one that answered first.
    pub(crate) async fn first<T, F>(
        &self,
        mut ask: impl FnMut(ConnectionInfo) -> F,
    ) -> Result<T, String>
    where
        F: Future<Output = Result<T, String>>,
    {
        let start = self.answered.load(Ordering::Relaxed);
        let mut last_error = String::from("no node to ask");
        for offset in 0..self.nodes.len() {
            let index = (start % self.nodes.len() + offset) % self.nodes.len();
            let Some(node) = self.nodes.get(index) else {
                continue;
            };
            match ask(node.clone()).await {
                Ok(found) => {
                    self.answered.store(index, Ordering::Relaxed);
                    return Ok(found);
                }
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }
}

/// Where the mirror reads from: the node that runs the store's scripts.
#[derive(Clone)]
pub(crate) enum Source {
    Single(redis::Client),
    /// A cluster, found through any of these nodes.
    Cluster {
        seeds: Seeds,
    },
    /// The primary the sentinels name.
    Sentinel(Naming),
}

impl Source {
    /// Checks that the node `connection` reaches (at `addr`) still runs the store's
    /// scripts: in a cluster, that it still owns `key`'s slot and the cluster is up; under
    /// Sentinel, that it says it is a primary and the sentinels still name it. Nothing to
    /// check for one Redis.
    pub(crate) async fn still_serves(
        &self,
        connection: &mut MultiplexedConnection,
        addr: &ConnectionAddr,
        key: &str,
    ) -> Result<(), String> {
        match self {
            Source::Single(_) => Ok(()),
            Source::Cluster { .. } => {
                // A node that no longer owns the slot answers `MOVED`.
                ask::<i64>(connection, redis::cmd("ZCARD").arg(key)).await?;
                let info: String = ask(connection, redis::cmd("CLUSTER").arg("INFO")).await?;
                if info.contains("cluster_state:ok") {
                    Ok(())
                } else {
                    Err("the cluster is down, as the node says".to_owned())
                }
            }
            Source::Sentinel(naming) => {
                is_primary(connection).await?;
                naming.still_names(addr).await
            }
        }
    }

    /// A client of the node holding `key`: the one Redis, the primary of `key`'s slot as
    /// the first answering node of the cluster says, or the primary the first answering
    /// sentinel names.
    pub(crate) async fn node_for(&self, key: &str) -> Result<redis::Client, String> {
        let primary = match self {
            Source::Single(client) => return Ok(client.clone()),
            Source::Cluster { seeds } => seeds.first(|seed| primary_of(seed, key)).await,
            Source::Sentinel(naming) => naming.primary().await,
        };
        let primary = primary.map_err(|error| format!("no node named the primary: {error}"))?;
        redis::Client::open(primary).map_err(|e| e.to_string())
    }
}

/// Connects to a node, bounded in time.
pub(crate) async fn connect_to(info: &ConnectionInfo) -> Result<MultiplexedConnection, String> {
    let client = redis::Client::open(info.clone()).map_err(|e| e.to_string())?;
    tokio::time::timeout(STEP_TIMEOUT, client.get_multiplexed_async_connection())
        .await
        .map_err(|_| format!("connecting took longer than {STEP_TIMEOUT:?}"))?
        .map_err(|e| e.to_string())
}

/// Asks the node at `seed` which primary serves `key`'s slot (`CLUSTER KEYSLOT`, then
/// `CLUSTER SLOTS`); its address, with `seed`'s credentials and TLS settings.
async fn primary_of(seed: ConnectionInfo, key: &str) -> Result<ConnectionInfo, String> {
    let mut connection = connect_to(&seed).await?;
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
        // A node announcing no usable endpoint (nil, or `?`) is at the asked node's host.
        let host = redis::from_redis_value_ref::<Option<String>>(host)
            .map_err(|e| e.to_string())?
            .filter(|host| host != "?")
            .unwrap_or_default();
        let port = redis::from_redis_value_ref::<u16>(port).map_err(|e| e.to_string())?;
        return Ok(at_address(&seed, host, port));
    }
    Err(format!(
        "no primary serves slot {slot} (the cluster is failing over?)"
    ))
}

/// One command on a node, bounded in time.
pub(crate) async fn ask<T: redis::FromRedisValue>(
    connection: &mut MultiplexedConnection,
    command: &mut Cmd,
) -> Result<T, String> {
    tokio::time::timeout(STEP_TIMEOUT, command.query_async(connection))
        .await
        .map_err(|_| format!("a query took longer than {STEP_TIMEOUT:?}"))?
        .map_err(|e| e.to_string())
}

/// `settings` at another node's address (an empty host: `settings`' own host).
pub(crate) fn at_address(settings: &ConnectionInfo, host: String, port: u16) -> ConnectionInfo {
    let addr = match settings.addr().clone() {
        ConnectionAddr::TcpTls {
            host: own_host,
            insecure,
            tls_params,
            ..
        } => ConnectionAddr::TcpTls {
            host: if host.is_empty() { own_host } else { host },
            port,
            insecure,
            tls_params,
        },
        ConnectionAddr::Tcp(own_host, _) => {
            ConnectionAddr::Tcp(if host.is_empty() { own_host } else { host }, port)
        }
        // A Unix socket (or an address kind redis-rs adds later) has no host to change.
        other => other,
    };
    settings.clone().set_addr(addr)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::{check_cluster_prefix, hash_tag};

    #[test]
    fn a_cluster_prefix_must_hold_the_tag_every_key_then_shares() {
        for prefix in ["{app:revoked}", "app:{revoked}", "a{b}c", "{{x}", "{a}b}"] {
            check_cluster_prefix(prefix).unwrap();
            let tag = hash_tag(prefix).unwrap();
            for suffix in [":jti", ":{other}", "#live", "#family:{f}", "#identity:s:}{"] {
                let key = format!("{prefix}{suffix}");
                assert_eq!(hash_tag(&key), Some(tag), "{key}");
            }
        }
        for untagged in ["", "app:revoked", "a{}b{c}", "}x{", "{x"] {
            let error = check_cluster_prefix(untagged).unwrap_err();
            assert!(error.to_string().contains("hash tag"), "{error}");
        }
    }
}
