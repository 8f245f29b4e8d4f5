//! Helpers shared by the integration tests in `tests/`: the test secrets and clock, how a
//! test sends a request to an in-process App and reads the answer, hand-made tokens, run
//! counters, and the servers a test can start (an actix server on a loopback port, an
//! example's binary).
//!
//! Every helper fails the test by panicking.
#![allow(
    clippy::missing_panics_doc,
    reason = "test helpers fail the test by panicking"
)]

pub mod blocklist_app;
pub mod key_server;
pub mod live;
pub mod redis_checks;
pub mod redis_cluster;
pub mod redis_sentinel;
pub mod redis_server;
mod request;
pub mod server;
mod token;

use std::cell::Cell;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::web;
use serde_json::Value;

pub use request::{Reply, bearer, bearer_header, call, json_post, msg, send, with_bearer};
pub use token::{b64, hmac_key, keys_in_order, segment_text, sign_parts};

/// The servers' 32-byte HMAC secret (long enough for no short-key warning).
pub const SECRET: &str = "a-test-secret-that-is-32-bytes!!";

/// A secret the attacker knows and the servers do not use.
pub const ATTACKER: &str = "attacker-chosen-secret-of-32-bytes";

/// The fixed clock of the managers that have one (Unix seconds).
pub const NOW: u64 = 1_700_000_000;

/// The Python reference's token vectors and the keys they are signed with
/// (`tests/fixtures/python-reference-tokens.json`).
#[must_use]
pub fn reference_fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/python-reference-tokens.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The PEM key `name` of the reference fixture: `rsa_private`, `rsa_public`,
/// `ec_private` or `ec_public`.
#[must_use]
pub fn fixture_key(name: &str) -> String {
    reference_fixture()["keys"][name]
        .as_str()
        .unwrap_or_else(|| panic!("no key {name} in the reference fixture"))
        .to_owned()
}

/// The current time in Unix seconds.
#[must_use]
pub fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// A loopback port that was free a moment ago.
#[must_use]
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Says why a test is skipped, past libtest's output capture (visible in a passing run).
pub fn skipped(reason: &str) {
    let _ = writeln!(std::io::stderr(), "{reason}");
}

/// `REDIS_URL`, or `None` after saying why `test` is skipped.
#[must_use]
pub fn redis_url(test: &str) -> Option<String> {
    let url = std::env::var("REDIS_URL")
        .ok()
        .filter(|url| !url.is_empty());
    if url.is_none() {
        skipped(&format!(
            "{test}: skipped: REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379/; .ci/run starts a redis-server and sets it)"
        ));
    }
    url
}

/// A Redis key prefix of this run and `test`, so runs and tests never share keys.
#[must_use]
pub fn redis_prefix(test: &str) -> String {
    format!("jwt-runtime-test:{}:{test}", std::process::id())
}

thread_local! {
    /// How many times a handler body ran on this thread (each test has its own).
    static RUNS: Cell<usize> = const { Cell::new(0) };
}

/// Counts a handler run on this thread, for the handlers that run on the test's thread
/// (`actix_web::test`).
pub fn ran() {
    RUNS.with(|runs| runs.set(runs.get() + 1));
}

/// How many times [`ran`] was called on this thread.
#[must_use]
pub fn runs() -> usize {
    RUNS.with(Cell::get)
}

/// How many times the handlers of one App ran, handed to them as `web::Data<Hits>` (for
/// handlers that may run on another thread).
#[derive(Debug, Default)]
pub struct Hits(AtomicUsize);

impl Hits {
    /// A new counter, as the app data the handlers take.
    #[must_use]
    pub fn new_data() -> web::Data<Self> {
        web::Data::new(Self::default())
    }

    /// Counts one run.
    pub fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    /// The runs so far.
    #[must_use]
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
