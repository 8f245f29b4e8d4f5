//! Criterion timing shared by the benches: runs kept so a summary can print means and
//! ratios without reading criterion's files.

use std::time::Duration;

use criterion::Criterion;

/// Times `iters` runs of `f` (criterion's `iter_custom`), and keeps the total so the
/// summary can report means without reading criterion's files.
pub(crate) fn timed(
    c: &mut Criterion,
    totals: &mut Vec<(String, Duration, u64)>,
    name: &str,
    mut f: impl FnMut(u64) -> Duration,
) {
    let mut total = (Duration::ZERO, 0);
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let elapsed = f(iters);
            total.0 += elapsed;
            total.1 += iters;
            elapsed
        });
    });
    totals.push((name.to_owned(), total.0, total.1));
}

#[allow(
    clippy::cast_precision_loss,
    reason = "iteration counts are far below 2^52"
)]
pub(crate) fn per_iteration(total: Duration, iters: u64) -> f64 {
    total.as_secs_f64() / iters.max(1) as f64
}
