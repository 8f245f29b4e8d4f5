//! Examples live in examples/. This library holds what every example's `main` shares.

/// Installs a `tracing` subscriber that prints to stderr, so the library's warnings (a weak
/// secret, a setting browsers will refuse) and programming errors (an App without
/// `.wrap(manager)`) show on a bare `cargo run`. `RUST_LOG` filters it (default `info`).
///
/// Applications do the same once in their `main`; one that uses `log` (`env_logger`)
/// instead sees the library's events as `log` records.
///
/// ```no_run
/// jwt_examples::init_tracing();
/// ```
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Another subscriber already installed (a test harness) is kept.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
