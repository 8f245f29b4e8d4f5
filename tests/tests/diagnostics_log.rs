//! The library's warnings reach applications that use `log` (`env_logger` and friends)
//! instead of `tracing`: with no `tracing` subscriber installed, every event is also a
//! `log` record. Its own test binary, as a `log` logger is process-wide.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::sync::Mutex;

use jwt_runtime::{JwtConfig, JwtManager};

/// Every record logged, as `LEVEL message`.
static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Recorder;

impl log::Log for Recorder {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        RECORDS
            .lock()
            .unwrap()
            .push(format!("{} {}", record.level(), record.args()));
    }

    fn flush(&self) {}
}

#[test]
fn a_weak_secret_warning_is_a_log_record_without_a_tracing_subscriber() {
    log::set_logger(&Recorder).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    JwtManager::builder(JwtConfig::default().secret_key("super-secret"))
        .ignore_registered_loaders()
        .build()
        .unwrap();
    let records = RECORDS.lock().unwrap().clone();
    assert!(
        records
            .iter()
            .any(|r| r.starts_with("WARN JWT_SECRET_KEY is 12 bytes long")),
        "{records:?}"
    );
}
