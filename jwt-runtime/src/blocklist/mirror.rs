//! The mirrored mode of the Redis store: each server keeps a local copy of the live
//! revocations, so a check costs what the in-memory store's costs, and Redis keeps the
//! copies current.
//!
//! - Every write (by any server, in either mode) is one Lua script that sets the record,
//!   adds it to a sorted set of live revocations (`<prefix>#live`, scored by the time it
//!   is kept until, expired members pruned on every write) and publishes it on
//!   `<prefix>#events`. The script is atomic: a revocation is in the set exactly when it
//!   was published.
//! - A background thread subscribes, then reads the whole set (`ZSCAN`), and only then
//!   marks the copy in sync; what is published meanwhile is applied as well (applying is
//!   idempotent). While the copy is not in sync (at start, after any reconnection, when
//!   the subscription falls silent), checks go to Redis directly, as the direct mode's do:
//!   a Redis that cannot answer still refuses the request (503), never allows it.
//! - Liveness: the subscription is pinged every [`TICK`]; no answer within
//!   [`PING_TIMEOUT`] (a dead peer, a black-holed network) drops it and starts again.
//! - In a Redis Cluster, the thread subscribes to the primary of the slot the prefix's
//!   keys hash to (the node that runs every revoking script, so its events arrive
//!   directly, not over the cluster bus), and every tick asks that node whether it still
//!   owns the live set and the cluster is up; a failover or a slot move starts again at
//!   the new primary. Under Redis Sentinel, it follows the primary the sentinels name,
//!   and every tick checks that its node still says it is a primary and is still the one
//!   they name. These checks run on a timer, however busy the events are.
//! - The local copy is a [`MemoryBlocklist`]: entries leave with their token's expiry, so
//!   memory stays proportional to live revocations.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt as _;
use redis::aio::MultiplexedConnection;

use super::memory::MemoryBlocklist;
use super::redis_topology::Source;
use super::unix_seconds;

/// How long a quiet subscription waits before it pings.
pub(crate) const TICK: Duration = Duration::from_millis(250);
/// How long a ping, a subscription or a resync step may take before the connection is
/// given up.
pub(crate) const PING_TIMEOUT: Duration = Duration::from_secs(1);
/// How long to wait before connecting again after a failure (doubling up to a second).
const RETRY_FIRST: Duration = Duration::from_millis(50);
const RETRY_MOST: Duration = Duration::from_secs(1);
/// Members read per `ZSCAN` step.
const SCAN_COUNT: usize = 1000;

/// A member of the live set, and the payload of a published event after its score.
pub(crate) enum Record<'a> {
    Jti(&'a str),
    Family(&'a str),
    /// An identity's cut-off: its time and the identity's key.
    CutOff(i64, &'a str),
}

impl Record<'_> {
    /// The live set's member: `j <jti>`, `f <family>`, `i <at> <identity key>`.
    pub(crate) fn member(&self) -> String {
        match self {
            Record::Jti(jti) => format!("j {jti}"),
            Record::Family(family) => format!("f {family}"),
            Record::CutOff(at, key) => format!("i {at} {key}"),
        }
    }

    fn parse(member: &str) -> Option<Record<'_>> {
        let (kind, rest) = member.split_once(' ')?;
        match kind {
            "j" => Some(Record::Jti(rest)),
            "f" => Some(Record::Family(rest)),
            "i" => {
                let (at, key) = rest.split_once(' ')?;
                Some(Record::CutOff(at.parse().ok()?, key))
            }
            _ => None,
        }
    }
}

/// A score of the live set: the Unix second a record is kept until, or `+inf`.
pub(crate) fn score(until: Option<i64>) -> String {
    until.map_or_else(|| "+inf".to_owned(), |until| until.to_string())
}

/// A score read back: `Ok(None)` for `+inf` (kept for good).
fn parse_score(score: &str) -> Result<Option<i64>, std::num::ParseFloatError> {
    match score {
        "inf" | "+inf" => Ok(None),
        finite => finite.parse::<f64>().map(|s| {
            #[allow(clippy::cast_possible_truncation, reason = "whole seconds, set by us")]
            Some(s as i64)
        }),
    }
}

/// The local copy, and whether it can be trusted.
#[derive(Debug, Default)]
pub(crate) struct Mirror {
    pub(crate) local: MemoryBlocklist,
    synced: AtomicBool,
    /// Woken each time the copy gets in sync.
    pub(crate) ready: tokio::sync::Notify,
    /// How many times the copy was brought in sync (start and every reconnection).
    syncs: AtomicU64,
}

impl Mirror {
    /// Whether checks may use the local copy.
    pub(crate) fn synced(&self) -> bool {
        self.synced.load(Ordering::Acquire)
    }

    pub(crate) fn syncs(&self) -> u64 {
        self.syncs.load(Ordering::Relaxed)
    }

    /// Applies a record kept until `until`.
    pub(crate) fn apply(&self, record: &Record<'_>, until: Option<i64>) {
        match record {
            Record::Jti(jti) => self.local.hold_jti(jti, until),
            Record::Family(family) => self.local.hold_family(family, until),
            Record::CutOff(at, key) => self.local.hold_cut_off(key, *at, until),
        }
    }

    /// Applies `<score> <member>` (an event), or does nothing for a malformed one.
    fn apply_event(&self, event: &str) {
        let applied = event.split_once(' ').and_then(|(score, member)| {
            let until = parse_score(score).ok()?;
            self.apply(&Record::parse(member)?, until);
            Some(())
        });
        if applied.is_none() {
            tracing::warn!("ignored a malformed revocation event: {event:?}");
        }
    }
}

/// The names the mirror reads: the live set and the events channel.
#[derive(Clone, Debug)]
pub(crate) struct Names {
    pub(crate) live: String,
    pub(crate) channel: String,
}

impl Names {
    pub(crate) fn new(prefix: &str) -> Self {
        Names {
            live: format!("{prefix}#live"),
            channel: format!("{prefix}#events"),
        }
    }
}

/// Starts the thread that keeps `mirror` current. It ends soon after the last store
/// holding `mirror` is dropped.
pub(crate) fn spawn(source: Source, names: Names, mirror: &Arc<Mirror>) -> std::io::Result<()> {
    let mirror = Arc::downgrade(mirror);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("jwt-revocation-mirror".to_owned())
        .spawn(move || runtime.block_on(keep_current(&source, &names, &mirror)))?;
    Ok(())
}

/// Subscribes, resynchronises and applies events, again after every failure, until the
/// store is gone.
async fn keep_current(source: &Source, names: &Names, mirror: &Weak<Mirror>) {
    let mut retry = RETRY_FIRST;
    while let Some(syncs_before) = mirror.upgrade().map(|m| m.syncs()) {
        let outcome = follow(source, names, mirror).await;
        let Some(held) = mirror.upgrade() else {
            return;
        };
        held.synced.store(false, Ordering::Release);
        let Err(error) = outcome else {
            return;
        };
        tracing::warn!(
            "revocation mirror out of sync, checks go to Redis directly until it is back: {error}"
        );
        // A session that got in sync starts the back-off again.
        if held.syncs() > syncs_before {
            retry = RETRY_FIRST;
        }
        drop(held);
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(RETRY_MOST);
    }
}

/// One subscription: `Ok` when the store is gone, `Err` when the subscription failed.
async fn follow(source: &Source, names: &Names, mirror: &Weak<Mirror>) -> Result<(), String> {
    let within = |what: &'static str| move |_| format!("{what} took longer than {PING_TIMEOUT:?}");
    let client = source.node_for(&names.live).await?;
    let addr = client.get_connection_info().addr().clone();
    let mut connection =
        tokio::time::timeout(PING_TIMEOUT, client.get_multiplexed_async_connection())
            .await
            .map_err(within("connecting"))?
            .map_err(|e| e.to_string())?;
    let pubsub = tokio::time::timeout(PING_TIMEOUT, client.get_async_pubsub())
        .await
        .map_err(within("connecting"))?
        .map_err(|e| e.to_string())?;
    let (mut sink, mut stream) = pubsub.split();
    tokio::time::timeout(PING_TIMEOUT, sink.subscribe(&names.channel))
        .await
        .map_err(within("subscribing"))?
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let Some(held) = mirror.upgrade() else {
        return Ok(());
    };
    let count = resync(&mut connection, &names.live, &held).await?;
    held.synced.store(true, Ordering::Release);
    held.syncs.fetch_add(1, Ordering::Relaxed);
    held.ready.notify_waiters();
    tracing::info!(
        "revocation mirror in sync: {count} live revocations read in {} ms",
        started.elapsed().as_millis()
    );
    drop(held);
    // Every tick, events or not: a ping, and whether the node still serves the store.
    let mut checked = Instant::now();
    loop {
        let wait = TICK.saturating_sub(checked.elapsed());
        match tokio::time::timeout(wait, stream.next()).await {
            Ok(Some(message)) => {
                let Some(held) = mirror.upgrade() else {
                    return Ok(());
                };
                match message.get_payload::<String>() {
                    Ok(event) => held.apply_event(&event),
                    Err(error) => return Err(format!("an unreadable event: {error}")),
                }
            }
            Ok(None) => return Err("the subscription was closed".to_owned()),
            Err(_) => {}
        }
        if checked.elapsed() < TICK {
            continue;
        }
        if mirror.strong_count() == 0 {
            return Ok(());
        }
        tokio::time::timeout(PING_TIMEOUT, sink.ping::<redis::Value>())
            .await
            .map_err(within("a ping"))?
            .map_err(|e| e.to_string())?;
        tokio::time::timeout(
            2 * PING_TIMEOUT,
            source.still_serves(&mut connection, &addr, &names.live),
        )
        .await
        .map_err(|_| format!("asking the node took longer than {:?}", 2 * PING_TIMEOUT))??;
        checked = Instant::now();
    }
}

/// Reads every live revocation into the local copy; how many were read.
async fn resync(
    connection: &mut MultiplexedConnection,
    live: &str,
    mirror: &Mirror,
) -> Result<usize, String> {
    let now = unix_seconds(SystemTime::now());
    let mut cursor: u64 = 0;
    let mut count = 0;
    loop {
        let mut scan = redis::cmd("ZSCAN");
        scan.arg(live).arg(cursor).arg("COUNT").arg(SCAN_COUNT);
        let (next, pairs): (u64, Vec<String>) =
            tokio::time::timeout(PING_TIMEOUT, scan.query_async(connection))
                .await
                .map_err(|_| format!("a resync step took longer than {PING_TIMEOUT:?}"))?
                .map_err(|e| e.to_string())?;
        for pair in pairs.chunks_exact(2) {
            let (Some(member), Some(score)) = (pair.first(), pair.get(1)) else {
                continue;
            };
            let (Ok(until), Some(record)) = (parse_score(score), Record::parse(member)) else {
                tracing::warn!("ignored a malformed live revocation: {member:?}");
                continue;
            };
            if until.is_none_or(|until| until > now) {
                mirror.apply(&record, until);
                count += 1;
            }
        }
        if next == 0 {
            return Ok(count);
        }
        cursor = next;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::{Mirror, Record, parse_score, score};

    #[test]
    fn records_and_events_read_back_what_was_written() {
        for (record, until) in [
            (Record::Jti("a jti with spaces"), Some(2_000_000_000)),
            (Record::Family("login-1"), None),
            (
                Record::CutOff(1_700_000_000, "s:alice bob"),
                Some(2_000_000_000),
            ),
        ] {
            let member = record.member();
            let parsed = Record::parse(&member).unwrap();
            assert_eq!(parsed.member(), member);
            assert_eq!(parse_score(&score(until)), Ok(until));
        }
        assert!(Record::parse("x y").is_none());
        assert!(Record::parse("i notanumber key").is_none());
        let mirror = Mirror::default();
        mirror.apply_event("+inf j abc");
        mirror.apply_event("garbage");
        assert!(mirror.local.contains("abc"));
        assert_eq!(mirror.local.len(), 1);
    }
}
