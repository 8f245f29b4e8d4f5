//! A route's `check = path::to::fn`: a plain or `async` fn of `&Claims` (and optionally
//! `&HttpRequest`) answering `bool` or `Result<bool, E>`. Which of the four forms a fn is
//! is found by the trait system, so the attribute needs only the path.

use actix_web::HttpRequest;
use futures_util::future::LocalBoxFuture;

use super::CHECK_NAME;
use crate::claims::Claims;
use crate::loaders::CheckResult;
use crate::loaders::output::CheckOutput;

/// A `check`'s answer: at once (a plain fn) or once awaited (an `async` fn).
#[doc(hidden)]
#[allow(missing_debug_implementations, reason = "holds a future")]
pub enum Checked<'a> {
    /// A plain fn's answer.
    Ready(CheckResult),
    /// An `async` fn's answer, to await.
    Pending(LocalBoxFuture<'a, CheckResult>),
}

/// The forms of fn a route's `check` may be; `M` tells them apart.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`check` must be a fn of `&Claims` (optionally also `&HttpRequest`), plain or `async`, returning `bool` or `Result<bool, E>`; found `{Self}`",
    label = "not a check: expected `fn(&Claims) -> bool`"
)]
pub trait ClaimsCheck<M> {
    /// Calls the check.
    fn run<'a>(self, claims: &'a Claims, request: &'a HttpRequest) -> Checked<'a>;
}

/// `fn(&Claims) -> bool`.
#[doc(hidden)]
#[derive(Debug)]
pub enum OfClaims {}
/// `fn(&Claims, &HttpRequest) -> bool`.
#[doc(hidden)]
#[derive(Debug)]
pub enum OfClaimsAndRequest {}
/// `async fn(&Claims) -> bool`.
#[doc(hidden)]
#[derive(Debug)]
pub enum AsyncOfClaims {}
/// `async fn(&Claims, &HttpRequest) -> bool`.
#[doc(hidden)]
#[derive(Debug)]
pub enum AsyncOfClaimsAndRequest {}

impl<F, O> ClaimsCheck<(OfClaims, O)> for F
where
    F: Fn(&Claims) -> O,
    O: CheckOutput,
{
    fn run<'a>(self, claims: &'a Claims, _: &'a HttpRequest) -> Checked<'a> {
        Checked::Ready(self(claims).into_output(CHECK_NAME))
    }
}

impl<F, O> ClaimsCheck<(OfClaimsAndRequest, O)> for F
where
    F: Fn(&Claims, &HttpRequest) -> O,
    O: CheckOutput,
{
    fn run<'a>(self, claims: &'a Claims, request: &'a HttpRequest) -> Checked<'a> {
        Checked::Ready(self(claims, request).into_output(CHECK_NAME))
    }
}

impl<F, O> ClaimsCheck<(AsyncOfClaims, O)> for F
where
    F: AsyncFn(&Claims) -> O + 'static,
    O: CheckOutput,
{
    fn run<'a>(self, claims: &'a Claims, _: &'a HttpRequest) -> Checked<'a> {
        Checked::Pending(Box::pin(async move {
            self(claims).await.into_output(CHECK_NAME)
        }))
    }
}

impl<F, O> ClaimsCheck<(AsyncOfClaimsAndRequest, O)> for F
where
    F: AsyncFn(&Claims, &HttpRequest) -> O + 'static,
    O: CheckOutput,
{
    fn run<'a>(self, claims: &'a Claims, request: &'a HttpRequest) -> Checked<'a> {
        Checked::Pending(Box::pin(async move {
            self(claims, request).await.into_output(CHECK_NAME)
        }))
    }
}

/// Calls a route's `check`, whichever form it has (what the generated requirement does).
#[doc(hidden)]
pub fn run_check<'a, M, F: ClaimsCheck<M>>(
    check: F,
    claims: &'a Claims,
    request: &'a HttpRequest,
) -> Checked<'a> {
    check.run(claims, request)
}
