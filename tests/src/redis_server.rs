//! A `redis-server` of a test's own (to stop, restart or cut off), and what tests ask
//! Redis itself: per-command call counts.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::{free_port, redis_url, skipped};

/// A synchronous connection for the test's own questions to Redis.
#[must_use]
pub fn admin(url: &str) -> redis::Connection {
    redis::Client::open(url)
        .unwrap()
        .get_connection_with_timeout(ADMIN_TIMEOUT)
        .unwrap()
}

/// A `redis-server` of a test's own, with persistence on (AOF), in its own directory.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
    /// Arguments after the common ones (a cluster node's).
    extra: Vec<String>,
}

impl RedisServer {
    /// Starts one, or `None` (with the reason printed) when `REDIS_URL` is unset or
    /// `redis-server` is not on `PATH`.
    #[must_use]
    pub fn start(test: &str) -> Option<Self> {
        Self::start_with(test, &[])
    }

    /// Starts one with `extra` arguments after the common ones, or `None` as
    /// [`RedisServer::start`].
    #[must_use]
    pub fn start_with(test: &str, extra: &[&str]) -> Option<Self> {
        redis_url(test)?;
        if Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_err()
        {
            skipped(&format!(
                "{test}: skipped: `redis-server` is not on PATH (apt-get install redis-server)"
            ));
            return None;
        }
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("jwt-runtime-{}-{test}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut server = RedisServer {
            child: None,
            port,
            dir,
            extra: extra.iter().map(|arg| (*arg).to_owned()).collect(),
        };
        server.run();
        Some(server)
    }

    /// Its loopback port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its URL.
    #[must_use]
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Starts the process (again, on the same port and data) and waits until it answers.
    pub fn run(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--appendonly", "yes", "--save", ""])
            // A replica in sync as soon as it connects, not after the default 5 s.
            .args(["--repl-diskless-sync-delay", "0"])
            .arg("--dir")
            .arg(&self.dir)
            .args(["--loglevel", "warning"])
            .args(&self.extra)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let client = redis::Client::open(self.url()).unwrap();
        for _ in 0..200 {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("redis-server exited: {status}");
            }
            if let Ok(mut connection) =
                client.get_connection_with_timeout(Duration::from_millis(200))
                && redis::cmd("PING")
                    .query::<String>(&mut connection)
                    .is_ok_and(|pong| pong == "PONG")
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("redis-server on port {} did not answer", self.port);
    }

    /// Whether its process runs.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// SIGKILL: a crash, nothing written on the way out.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// SIGTERM (Redis writes its AOF and exits), then waits for the process.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let status = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
            child.wait().unwrap();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Calls per command since the last `CONFIG RESETSTAT`, without the test's own INFO/CONFIG.
#[must_use]
pub fn commands(admin: &mut redis::Connection) -> HashMap<String, u64> {
    let info: String = redis::cmd("INFO").arg("commandstats").query(admin).unwrap();
    info.lines()
        .filter_map(|line| line.strip_prefix("cmdstat_"))
        .filter_map(|line| {
            let (name, stats) = line.split_once(':')?;
            let calls = stats
                .split(',')
                .find_map(|field| field.strip_prefix("calls="))?;
            Some((name.to_owned(), calls.trim().parse().ok()?))
        })
        .filter(|(name, _)| name != "info" && !name.starts_with("config"))
        .collect()
}

/// Zeroes the call counts.
pub fn reset_stats(admin: &mut redis::Connection) {
    redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query::<()>(admin)
        .unwrap();
}

/// A TCP proxy on a loopback port in front of `target`, which can stop forwarding without
/// closing anything: a black-holed network, as a dead link or a partition looks (what was
/// sent meanwhile arrives once it forwards again).
#[derive(Debug)]
pub struct Blackhole {
    port: u16,
    open: Arc<AtomicBool>,
    lose_reply: Arc<AtomicBool>,
}

impl Blackhole {
    /// Starts forwarding to `127.0.0.1:target`.
    #[must_use]
    pub fn start(target: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = Arc::new(AtomicBool::new(true));
        let lose_reply = Arc::new(AtomicBool::new(false));
        let gate = Arc::clone(&open);
        let losing = Arc::clone(&lose_reply);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                for (is_reply, mut from, mut to) in [
                    (
                        false,
                        client.try_clone().unwrap(),
                        server.try_clone().unwrap(),
                    ),
                    (true, server, client),
                ] {
                    let gate = Arc::clone(&gate);
                    let losing = Arc::clone(&losing);
                    std::thread::spawn(move || {
                        let mut buffer = [0u8; 16 * 1024];
                        while let Ok(read) = from.read(&mut buffer) {
                            if read == 0 {
                                break;
                            }
                            if is_reply && losing.swap(false, Ordering::AcqRel) {
                                // The request was carried out; its answer never arrives.
                                let _ = from.shutdown(Shutdown::Both);
                                let _ = to.shutdown(Shutdown::Both);
                                return;
                            }
                            // Closed: the bytes wait, as in a network that drops every
                            // packet (TCP delivers them once it heals), and nothing says so.
                            while !gate.load(Ordering::Acquire) {
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            if to
                                .write_all(buffer.get(..read).unwrap_or_default())
                                .is_err()
                            {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Write);
                    });
                }
            }
        });
        Blackhole {
            port,
            open,
            lose_reply,
        }
    }

    /// Its URL, as a Redis URL.
    #[must_use]
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Stops forwarding (`false`) or forwards again (`true`).
    pub fn set_open(&self, open: bool) {
        self.open.store(open, Ordering::Release);
    }

    /// Loses the next answer from Redis: it is not passed on, and that connection is
    /// closed both ways (a link that broke after Redis carried the request out).
    pub fn lose_next_reply(&self) {
        self.lose_reply.store(true, Ordering::Release);
    }
}

/// How long the test's own Redis connections wait.
pub const ADMIN_TIMEOUT: Duration = Duration::from_secs(2);
