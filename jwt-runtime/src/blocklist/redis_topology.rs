//! Where the Redis store's data lives: one Redis, or a Redis Cluster.
//!
//! - [`Connection`]: the store's commands and scripts, through redis-rs's
//!   `ConnectionManager` (one Redis) or its cluster connection (routed by key, following
//!   failovers and slot moves by itself).
//! - [`Source`]: the node the mirror subscribes to and resynchronises from. In a
//!   cluster, that is the primary of the slot every key of the prefix hashes to: the
//!   node that runs every revoking script, so its events reach the subscriber directly.
//! - [`cluster_prefix`]: in a cluster, every key of a prefix shares one hash tag, so
//!   each script and each check stays in one slot.

use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, MultiplexedConnection};
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, ConnectionAddr, ConnectionInfo, IntoConnectionInfo, RedisFuture, Value};

use super::BlocklistError;

/// The store's connection for commands and scripts.
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

/// How long each step of finding a cluster's node may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(1);

/// Connects to a cluster through any of `nodes`: redis-rs's cluster connection, failing
/// fast while a slot has no primary (1 s timeouts, one retry), and the nodes' parsed
/// addresses for the mirror.
pub(crate) async fn cluster_connection(
    nodes: &[&str],
) -> Result<(ClusterConnection, Vec<ConnectionInfo>), BlocklistError> {
    let seeds = nodes
        .iter()
        .map(|node| (*node).into_connection_info())
        .collect::<Result<Vec<_>, _>>()
        .map_err(BlocklistError::store)?;
    if seeds.is_empty() {
        return Err(BlocklistError::store(
            "a Redis Cluster needs at least one node's URL",
        ));
    }
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
    Ok((connection, seeds))
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

/// Where the mirror reads from.
pub(crate) enum Source {
    Single(redis::Client),
    /// A cluster, found through any of these nodes.
    Cluster(Vec<ConnectionInfo>),
}

impl Source {
    /// Whether a node can stop owning the live set while connected (a cluster's slot
    /// moving, a primary demoted), so the mirror must ask it now and then.
    pub(crate) fn can_move(&self) -> bool {
        matches!(self, Source::Cluster(_))
    }

    /// A client of the node holding `key`: the one Redis, or the primary of `key`'s slot
    /// as the first answering node of the cluster says. `start` rotates the nodes asked
    /// first, so a dead node is not always asked first.
    pub(crate) async fn node_for(&self, key: &str, start: usize) -> Result<redis::Client, String> {
        let seeds = match self {
            Source::Single(client) => return Ok(client.clone()),
            Source::Cluster(seeds) => seeds,
        };
        let mut last_error = String::from("no node to ask");
        for index in 0..seeds.len() {
            let Some(seed) = seeds.get((start + index) % seeds.len()) else {
                continue;
            };
            match primary_of(seed, key).await {
                Ok(primary) => return redis::Client::open(primary).map_err(|e| e.to_string()),
                Err(error) => last_error = error,
            }
        }
        Err(format!(
            "no cluster node named the primary of the live set: {last_error}"
        ))
    }
}

/// Asks the node at `seed` which primary serves `key`'s slot (`CLUSTER KEYSLOT`, then
/// `CLUSTER SLOTS`); its address, with `seed`'s credentials and TLS settings.
async fn primary_of(seed: &ConnectionInfo, key: &str) -> Result<ConnectionInfo, String> {
    let client = redis::Client::open(seed.clone()).map_err(|e| e.to_string())?;
    let mut connection: MultiplexedConnection =
        tokio::time::timeout(STEP_TIMEOUT, client.get_multiplexed_async_connection())
            .await
            .map_err(|_| format!("connecting took longer than {STEP_TIMEOUT:?}"))?
            .map_err(|e| e.to_string())?;
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
