//! A JWK Set fetched over HTTP(S) and kept current: at start-up, again before its
//! lifetime ends (in the background), when a token names an unknown `kid` (at most once
//! per `JWT_JWKS_REFETCH_SECONDS`), and when it has expired. One fetch runs at a time
//! however many requests wait for it; a failed fetch keeps the last good version until
//! it expires, after which requests are refused (503) until a fetch succeeds.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::{ACCEPT, CACHE_CONTROL, HeaderMap};
use reqwest::{Client, Url, redirect};
use serde_json::Value;

use super::{KeyList, KeySetSource, usable_keys};
use crate::error::ConfigError;

/// Largest key set or discovery document read.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// Redirects followed (never from https to http).
const MAX_REDIRECTS: usize = 3;

/// The shortest time between two refreshes of a set that is due (or expired) when the
/// last one failed: a failing server is asked at most this often.
const REFRESH_RETRY_SECONDS: f64 = 1.0;

/// The shortest lifetime a set is kept (a tiny `max-age` leaves room to refresh it).
const MIN_LIFETIME_SECONDS: f64 = 4.0;

/// Why a set is fetched again, which bounds how often.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Its refresh time has come, or it has expired: at most once per second.
    Due,
    /// A token names a `kid` it does not hold: at most once per `JWT_JWKS_REFETCH_SECONDS`.
    UnknownKid,
}

/// Where the set is found.
#[derive(Debug)]
enum Target {
    /// `JWT_JWKS_URL`.
    Url(Url),
    /// `JWT_OIDC_ISSUER`: the `jwks_uri` of its discovery document.
    Discovery { issuer: String, document: Url },
}

/// How a remote set is fetched and cached.
#[derive(Debug, Clone)]
pub(crate) struct RemoteOptions {
    /// `JWT_JWKS_URL`, or `None` with `oidc_issuer`.
    pub(crate) url: Option<String>,
    /// `JWT_OIDC_ISSUER`.
    pub(crate) oidc_issuer: Option<String>,
    pub(crate) cache: Duration,
    pub(crate) refetch: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    /// Extra trusted roots (PEM), beside the system's and webpki's.
    pub(crate) root_certificates: Vec<Vec<u8>>,
}

/// The fetching half of a [`KeySetSource`].
pub(crate) struct Remote {
    target: Target,
    /// The accepted algorithms (`JWT_ALGORITHM` and `JWT_DECODE_ALGORITHMS`).
    accepted: Vec<jsonwebtoken::Algorithm>,
    client: Client,
    cache_seconds: f64,
    refetch_seconds: f64,
    /// Held while a fetch runs; holds the discovered `jwks_uri`.
    flight: tokio::sync::Mutex<Option<Url>>,
    /// Fetch attempts started (read before waiting for `flight`).
    attempts: AtomicU64,
    /// When the last attempt started (Unix seconds, as `f64` bits).
    last_attempt: AtomicU64,
    /// The version a background refresh was last started for.
    background_for: AtomicU64,
    /// Why the last fetch failed (empty: it did not).
    last_failure: std::sync::Mutex<String>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("target", &self.target)
            .field("cache_seconds", &self.cache_seconds)
            .field("refetch_seconds", &self.refetch_seconds)
            .finish_non_exhaustive()
    }
}

/// An `http` or `https` URL, or a start-up error naming `option`.
fn http_url(option: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value)
        .map_err(|e| ConfigError::new(option, value, format!("not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ConfigError::new(
            option,
            value,
            "must be an http or https URL",
        ));
    }
    Ok(url)
}

impl Remote {
    /// Checks the URL and builds the HTTP client (rustls; the system's roots, webpki's
    /// and `root_certificates`; the timeouts; no connection pool, as fetches are rare).
    pub(crate) fn new(
        options: &RemoteOptions,
        accepted: Vec<jsonwebtoken::Algorithm>,
    ) -> Result<Self, ConfigError> {
        let target = match (&options.url, &options.oidc_issuer) {
            (Some(url), None) => Target::Url(http_url("JWT_JWKS_URL", url)?),
            (None, Some(issuer)) => {
                let base = issuer.trim_end_matches('/');
                let document = http_url(
                    "JWT_OIDC_ISSUER",
                    &format!("{base}/.well-known/openid-configuration"),
                )?;
                Target::Discovery {
                    issuer: issuer.clone(),
                    document,
                }
            }
            _ => {
                return Err(ConfigError::new(
                    "JWT_JWKS_URL",
                    options.url.clone().unwrap_or_default(),
                    "set JWT_JWKS_URL or JWT_OIDC_ISSUER, not both",
                ));
            }
        };
        let mut builder = Client::builder()
            .use_rustls_tls()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .pool_max_idle_per_host(0)
            .user_agent(concat!("jwt-runtime/", env!("CARGO_PKG_VERSION")))
            .redirect(redirect::Policy::custom(|attempt| {
                let downgrade = attempt
                    .previous()
                    .last()
                    .is_some_and(|p| p.scheme() == "https")
                    && attempt.url().scheme() != "https";
                if downgrade {
                    attempt.error("a redirect from https to http is not followed")
                } else if attempt.previous().len() > MAX_REDIRECTS {
                    attempt.error("too many redirects")
                } else {
                    attempt.follow()
                }
            }));
        for pem in &options.root_certificates {
            let certificate = reqwest::Certificate::from_pem(pem).map_err(|e| {
                ConfigError::new(
                    "JWT_JWKS_URL",
                    "<root certificate>",
                    format!("not a PEM certificate: {e}"),
                )
            })?;
            builder = builder.add_root_certificate(certificate);
        }
        let client = builder.build().map_err(|e| {
            ConfigError::new("JWT_JWKS_URL", "<client>", format!("HTTP client: {e}"))
        })?;
        Ok(Remote {
            target,
            accepted,
            client,
            cache_seconds: options.cache.as_secs_f64(),
            refetch_seconds: options.refetch.as_secs_f64(),
            flight: tokio::sync::Mutex::new(None),
            attempts: AtomicU64::new(0),
            last_attempt: AtomicU64::new(f64::NEG_INFINITY.to_bits()),
            background_for: AtomicU64::new(0),
            last_failure: std::sync::Mutex::new(String::new()),
        })
    }

    /// Why the set cannot be used, for the 503's log.
    pub(crate) fn failure(&self) -> String {
        let failure = self
            .last_failure
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default();
        if failure.is_empty() {
            "the key set has expired and has not been fetched again".to_owned()
        } else {
            failure
        }
    }

    /// Whether an attempt for `reason` may start at `now`.
    pub(crate) fn may_attempt(&self, now: f64, reason: Reason) -> bool {
        let since = now - f64::from_bits(self.last_attempt.load(Ordering::Acquire));
        match reason {
            Reason::Due => since >= REFRESH_RETRY_SECONDS,
            Reason::UnknownKid => since >= self.refetch_seconds,
        }
    }

    /// Fetches the set again, unless a newer version than `seen` arrived or an attempt
    /// ran while this caller waited for the one in flight, or an attempt for `reason` may
    /// not start yet. A caller that may not start one waits only for a fetch already in
    /// flight (whose result it can use), never in a queue of its own.
    pub(crate) async fn refresh(&self, source: &KeySetSource, seen: u64, reason: Reason) {
        let in_flight = self.flight.try_lock().is_err();
        if !in_flight && !self.may_attempt(source.now(), reason) {
            return;
        }
        let attempts = self.attempts.load(Ordering::Acquire);
        let mut discovered = self.flight.lock().await;
        if source.current.load().id != seen || self.attempts.load(Ordering::Acquire) != attempts {
            return;
        }
        let now = source.now();
        if !self.may_attempt(now, reason) {
            return;
        }
        self.attempts.fetch_add(1, Ordering::AcqRel);
        self.last_attempt.store(now.to_bits(), Ordering::Release);
        match self.fetch(&mut discovered).await {
            Ok((url, keys, max_age)) => {
                let ttl = max_age
                    .map_or(self.cache_seconds, |age| age.min(self.cache_seconds))
                    .max(MIN_LIFETIME_SECONDS);
                let fetched = source.now();
                tracing::info!(
                    "JWK Set {url}: {} usable keys, kept for {ttl} s",
                    keys.len()
                );
                source.install(keys, fetched + ttl, fetched + ttl * 0.75);
                if let Ok(mut failure) = self.last_failure.lock() {
                    failure.clear();
                }
            }
            Err(error) => {
                let current = source.current.load();
                if current.usable_at(source.now()) {
                    tracing::warn!(
                        "fetching the JWK Set failed: {error}; the last good set is used until it expires"
                    );
                } else {
                    tracing::error!(
                        "fetching the JWK Set failed: {error}; requests are refused (503) until a fetch succeeds"
                    );
                }
                if let Ok(mut failure) = self.last_failure.lock() {
                    *failure = error;
                }
            }
        }
    }

    /// Starts a refresh on the current runtime, once per version, when one may start.
    pub(crate) fn refresh_in_background(
        &self,
        source: &Arc<KeySetSource>,
        id: u64,
        reason: Reason,
    ) {
        if !self.may_attempt(source.now(), reason)
            || self.background_for.swap(id, Ordering::AcqRel) == id
        {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.background_for.store(0, Ordering::Release);
            return;
        };
        let source = Arc::clone(source);
        runtime.spawn(async move {
            if let Some(remote) = &source.remote {
                remote.refresh(&source, id, reason).await;
                // A failed refresh may be retried by a later request.
                if source.current.load().id == id {
                    remote.background_for.store(0, Ordering::Release);
                }
            }
        });
    }

    /// [`refresh`](Self::refresh), waited for on a thread of its own (so it works inside
    /// or outside an async runtime): the first fetch at start-up, and the fetches of
    /// callers that cannot await. A failure is logged, not fatal.
    pub(crate) fn refresh_blocking(&self, source: &KeySetSource, seen: u64, reason: Reason) {
        if !self.may_attempt(source.now(), reason) {
            return;
        }
        std::thread::scope(|scope| {
            let fetched = scope
                .spawn(|| {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map(|runtime| runtime.block_on(self.refresh(source, seen, reason)))
                })
                .join();
            if !matches!(fetched, Ok(Ok(()))) {
                tracing::error!("the JWK Set could not be fetched at start-up: no runtime");
            }
        });
    }

    /// One fetch: discovery first if needed, then the set, read into its usable keys.
    async fn fetch(
        &self,
        discovered: &mut Option<Url>,
    ) -> Result<(Url, KeyList, Option<f64>), String> {
        let url = match (&self.target, discovered.as_ref()) {
            (Target::Url(url), _) | (Target::Discovery { .. }, Some(url)) => url.clone(),
            (Target::Discovery { issuer, document }, None) => {
                let (body, _) = self.get_json(document).await?;
                if body.get("issuer").and_then(Value::as_str) != Some(issuer.as_str()) {
                    return Err(format!(
                        "{document}: its \"issuer\" is not {issuer:?} (JWT_OIDC_ISSUER)"
                    ));
                }
                let uri = body
                    .get("jwks_uri")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("{document}: no \"jwks_uri\""))?;
                let url = http_url("JWT_OIDC_ISSUER", uri)
                    .map_err(|e| format!("{document}: jwks_uri {e}"))?;
                *discovered = Some(url.clone());
                url
            }
        };
        let (body, max_age) = self.get_json(&url).await?;
        let keys = usable_keys(&body, &self.accepted, url.as_str())?;
        Ok((url, keys, max_age))
    }

    /// GETs a JSON document of at most [`MAX_BODY`] bytes, with its `Cache-Control`
    /// lifetime.
    async fn get_json(&self, url: &Url) -> Result<(Value, Option<f64>), String> {
        let mut response = self
            .client
            .get(url.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| format!("{url}: {}", chain(&e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("{url} answered {status}"));
        }
        let too_large = || format!("{url}: the body is over {MAX_BODY} bytes");
        if response
            .content_length()
            .is_some_and(|length| length > MAX_BODY as u64)
        {
            return Err(too_large());
        }
        let max_age = max_age(response.headers());
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("{url}: {}", chain(&e)))?
        {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let document =
            serde_json::from_slice(&body).map_err(|e| format!("{url}: not JSON ({e})"))?;
        Ok((document, max_age))
    }
}

/// An error with its causes (`reqwest` keeps the useful part in the sources).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The lifetime a response's `Cache-Control: max-age` gives. `no-cache` and `no-store` are
/// not followed: fetching a public key set for every request would be an outage of its
/// own, so such a set is kept `JWT_JWKS_CACHE_SECONDS`.
fn max_age(headers: &HeaderMap) -> Option<f64> {
    let mut found = None;
    for value in headers.get_all(CACHE_CONTROL) {
        let Ok(value) = value.to_str() else {
            continue;
        };
        for directive in value.split(',') {
            let directive = directive.trim();
            let (name, argument) = directive.split_once('=').unwrap_or((directive, ""));
            let name = name.trim();
            if name.eq_ignore_ascii_case("max-age")
                && let Ok(seconds) = argument.trim().trim_matches('"').parse::<u32>()
            {
                found = Some(f64::from(seconds));
            }
        }
    }
    found
}
