//! A Redis Cluster of a test's own on loopback ports: three primaries, each with a
//! replica, made by `redis-cli --cluster create`, whose nodes a test can stop and start.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::redis_server::{RedisServer, admin};
use crate::{free_port, skipped};

/// How long the cluster may take to form or to fail over on a loaded machine.
const FORMING: Duration = Duration::from_secs(30);

/// Three primaries and three replicas, `cluster-node-timeout` one second, so a stopped
/// primary's replica takes over within a few seconds.
#[derive(Debug)]
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
}

impl RedisCluster {
    /// Starts and forms one, or `None` (with the reason printed) when `REDIS_URL` is
    /// unset or `redis-server`/`redis-cli` are not on `PATH`.
    #[must_use]
    pub fn start(test: &str) -> Option<Self> {
        if Command::new("redis-cli")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_err()
        {
            skipped(&format!(
                "{test}: skipped: `redis-cli` is not on PATH (apt-get install redis-server)"
            ));
            return None;
        }
        let mut nodes = Vec::new();
        for _ in 0..6 {
            // A bus port of its own: the default, the port plus 10,000, does not exist
            // for ports above 55,535.
            let bus = free_port().to_string();
            nodes.push(RedisServer::start_with(
                test,
                &[
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    "1000",
                    "--cluster-port",
                    &bus,
                ],
            )?);
        }
        let mut create = Command::new("redis-cli");
        create.arg("--cluster").arg("create");
        for node in &nodes {
            create.arg(format!("127.0.0.1:{}", node.port()));
        }
        let output = create
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "redis-cli --cluster create: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let cluster = RedisCluster { nodes };
        cluster.until_healthy();
        cluster.until_replicated();
        Some(cluster)
    }

    /// Every node's URL.
    #[must_use]
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// The node at `index` (to stop or start).
    pub fn node(&mut self, index: usize) -> &mut RedisServer {
        &mut self.nodes[index]
    }

    /// The index of the node that is the primary of `key`'s slot now, as a running
    /// node says.
    #[must_use]
    pub fn primary_of(&self, key: &str) -> Option<usize> {
        let asked = self.nodes.iter().find(|node| node.is_running())?;
        let mut connection = admin(&asked.url());
        let slot: i64 = redis::cmd("CLUSTER")
            .arg("KEYSLOT")
            .arg(key)
            .query(&mut connection)
            .ok()?;
        let slots: Vec<Vec<redis::Value>> = redis::cmd("CLUSTER")
            .arg("SLOTS")
            .query(&mut connection)
            .ok()?;
        // Each range: first slot, last slot, [host, port, id, ...] of its primary, replicas.
        let port = slots.iter().find_map(|range| {
            let first: i64 = redis::from_redis_value_ref(range.first()?).ok()?;
            let last: i64 = redis::from_redis_value_ref(range.get(1)?).ok()?;
            let primary: Vec<redis::Value> = redis::from_redis_value_ref(range.get(2)?).ok()?;
            (first..=last)
                .contains(&slot)
                .then(|| redis::from_redis_value_ref::<u16>(primary.get(1)?).ok())?
        })?;
        self.nodes.iter().position(|node| node.port() == port)
    }

    /// Waits until every running node says the cluster is ok and `key`'s slot has a
    /// running primary other than `not` (a stopped one); that primary's index.
    #[must_use]
    pub fn until_primary(&self, key: &str, not: Option<usize>) -> usize {
        let started = Instant::now();
        loop {
            if let Some(primary) = self.primary_of(key)
                && Some(primary) != not
                && self.nodes[primary].is_running()
                && self.all_ok()
            {
                return primary;
            }
            assert!(
                started.elapsed() < FORMING,
                "no new primary for {key:?} within {FORMING:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until every running node says the cluster is ok.
    pub fn until_healthy(&self) {
        let started = Instant::now();
        while !self.all_ok() {
            assert!(
                started.elapsed() < FORMING,
                "the cluster did not form within {FORMING:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until every running primary has a replica in sync with it (`WAIT 1`), so a
    /// write acknowledged by a replica can be.
    pub fn until_replicated(&self) {
        let started = Instant::now();
        for node in self.nodes.iter().filter(|node| node.is_running()) {
            let mut connection = admin(&node.url());
            let role: Vec<redis::Value> = redis::cmd("ROLE").query(&mut connection).unwrap();
            let is_primary = role
                .first()
                .and_then(|role| redis::from_redis_value_ref::<String>(role).ok())
                .is_some_and(|role| role == "master");
            if !is_primary {
                continue;
            }
            loop {
                let synced: i64 = redis::cmd("WAIT")
                    .arg(1)
                    .arg(1000)
                    .query(&mut connection)
                    .unwrap();
                if synced >= 1 {
                    break;
                }
                assert!(
                    started.elapsed() < FORMING,
                    "a primary had no replica in sync within {FORMING:?}"
                );
            }
        }
    }

    fn all_ok(&self) -> bool {
        self.nodes
            .iter()
            .filter(|node| node.is_running())
            .all(|node| {
                redis::Client::open(node.url())
                    .and_then(|client| client.get_connection_with_timeout(Duration::from_secs(1)))
                    .and_then(|mut connection| {
                        redis::cmd("CLUSTER")
                            .arg("INFO")
                            .query::<String>(&mut connection)
                    })
                    .is_ok_and(|info| info.contains("cluster_state:ok"))
            })
    }
}
