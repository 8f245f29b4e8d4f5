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

/// An environment variable: `Ok(None)` when unset, an error naming it when it is set but
/// not UTF-8 (never read as unset: a setting that cannot be read must not quietly fall
/// back to its default).
///
/// # Errors
/// The variable is set but is not valid UTF-8.
///
/// ```
/// assert_eq!(jwt_examples::env_var("JWT_EXAMPLES_SURELY_UNSET"), Ok(None));
/// ```
pub fn env_var(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(format!("{name}: is set but is not valid UTF-8"))
        }
    }
}
