//! Redis Sentinel of a test's own on loopback ports: a primary, its replica and three
//! sentinels watching them (quorum two, a primary counted down after one second).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;
use crate::redis_server::{RedisServer, admin};

/// The name the sentinels know the primary by.
pub const MASTER_NAME: &str = "jwt";

/// How long the sentinels may take to find each other or to fail over on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(30);

/// A primary, a replica and three sentinels.
#[derive(Debug)]
pub struct RedisSentinel {
    /// The primary at start, then its replica.
    nodes: Vec<RedisServer>,
    sentinels: Vec<(u16, Child)>,
    dir: PathBuf,
}

impl RedisSentinel {
    /// Starts them and waits until every sentinel knows the replica and the other
    /// sentinels, or `None` (with the reason printed) as [`RedisServer::start`].
    #[must_use]
    pub fn start(test: &str) -> Option<Self> {
        let primary = RedisServer::start(test)?;
        let primary_port = primary.port().to_string();
        let replica = RedisServer::start_with(test, &["--replicaof", "127.0.0.1", &primary_port])?;
        let dir = std::env::temp_dir().join(format!(
            "jwt-runtime-{}-{test}-sentinels",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut setup = RedisSentinel {
            nodes: vec![primary, replica],
            sentinels: Vec::new(),
            dir,
        };
        setup.until_replicated(1);
        for _ in 0..3 {
            let port = free_port();
            let config = setup.dir.join(format!("sentinel-{port}.conf"));
            std::fs::write(
                &config,
                format!(
                    "port {port}\nbind 127.0.0.1\ndir {dir}\n\
                     sentinel monitor {MASTER_NAME} 127.0.0.1 {primary_port} 2\n\
                     sentinel down-after-milliseconds {MASTER_NAME} 1000\n\
                     sentinel failover-timeout {MASTER_NAME} 5000\n",
                    dir = setup.dir.display()
                ),
            )
            .unwrap();
            let child = Command::new("redis-server")
                .arg(&config)
                .args(["--sentinel", "--loglevel", "warning"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap();
            setup.sentinels.push((port, child));
        }
        let started = Instant::now();
        while !setup.sentinels_ready() {
            assert!(
                started.elapsed() < PATIENCE,
                "the sentinels did not find each other within {PATIENCE:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(setup)
    }

    /// The sentinels' URLs.
    #[must_use]
    pub fn sentinel_urls(&self) -> Vec<String> {
        self.sentinels
            .iter()
            .map(|(port, _)| format!("redis://127.0.0.1:{port}/"))
            .collect()
    }

    /// The data node at `index` (0: the primary at start, 1: its replica).
    pub fn node(&mut self, index: usize) -> &mut RedisServer {
        &mut self.nodes[index]
    }

    /// The index of the data node the first answering sentinel names as primary.
    #[must_use]
    pub fn named_primary(&self) -> Option<usize> {
        self.sentinel_urls().iter().find_map(|url| {
            let client = redis::Client::open(url.as_str()).ok()?;
            let mut sentinel = client
                .get_connection_with_timeout(Duration::from_secs(1))
                .ok()?;
            let (_, port): (String, u16) = redis::cmd("SENTINEL")
                .arg("GET-MASTER-ADDR-BY-NAME")
                .arg(MASTER_NAME)
                .query(&mut sentinel)
                .ok()?;
            self.nodes.iter().position(|node| node.port() == port)
        })
    }

    /// Waits until the named primary has `replicas` replicas in sync with it.
    pub fn until_replicated(&self, replicas: i64) {
        let primary = self.named_primary().unwrap_or(0);
        let started = Instant::now();
        loop {
            let synced: i64 = redis::cmd("WAIT")
                .arg(replicas)
                .arg(1000)
                .query(&mut admin(&self.nodes[primary].url()))
                .unwrap();
            if synced >= replicas {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "no replica in sync");
        }
    }

    /// Asks a sentinel for a failover now (`SENTINEL FAILOVER`): the replica is promoted
    /// while the primary still runs.
    pub fn failover(&self) {
        let mut sentinel = admin(&self.sentinel_urls()[0]);
        redis::cmd("SENTINEL")
            .arg("FAILOVER")
            .arg(MASTER_NAME)
            .query::<()>(&mut sentinel)
            .unwrap();
    }

    /// Whether the data node at `index` says it is a replica.
    #[must_use]
    pub fn is_replica(&self, index: usize) -> bool {
        let role: Vec<redis::Value> = redis::cmd("ROLE")
            .query(&mut admin(&self.nodes[index].url()))
            .unwrap();
        redis::from_redis_value_ref::<String>(&role[0]).unwrap() == "slave"
    }

    fn sentinels_ready(&self) -> bool {
        self.sentinel_urls().iter().all(|url| {
            let Ok(mut sentinel) = redis::Client::open(url.as_str())
                .and_then(|client| client.get_connection_with_timeout(Duration::from_secs(1)))
            else {
                return false;
            };
            let Ok(fields) = redis::cmd("SENTINEL")
                .arg("MASTER")
                .arg(MASTER_NAME)
                .query::<Vec<String>>(&mut sentinel)
            else {
                return false;
            };
            let field = |name: &str| {
                fields
                    .chunks_exact(2)
                    .find(|pair| pair[0] == name)
                    .map(|pair| pair[1].clone())
            };
            field("num-slaves").as_deref() == Some("1")
                && field("num-other-sentinels").as_deref() == Some("2")
        })
    }
}

impl Drop for RedisSentinel {
    fn drop(&mut self) {
        for (_, child) in &mut self.sentinels {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
