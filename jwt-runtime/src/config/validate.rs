//! The start-up checks: each option's own (generated from the option table), then the
//! rules that involve several options. Every invalid or inconsistent setting is refused
//! with the option named, never answered with a 500 on the first request.

use super::options::option_table;
use std::time::Duration;

use super::{Compat, Expiry, JwtConfig, SameSite, TokenLocation};
use crate::error::ConfigError;
use crate::types::algorithm_name;

/// Why a value is refused: the value as shown, and the reason.
struct Refusal {
    value: String,
    reason: String,
}

impl Refusal {
    fn new(value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        Refusal {
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

type Checked = Result<(), Refusal>;

#[allow(clippy::wildcard_imports, reason = "the option table names each check")]
use checks::*;

/// Each option's own checks: `fn(&T) -> Checked` for the option's type `T`, as the option
/// table calls them.
#[allow(
    clippy::ptr_arg,
    clippy::ref_option,
    clippy::trivially_copy_pass_by_ref,
    reason = "every check takes `&T` of its option's type"
)]
mod checks {
    use std::time::{Duration, SystemTime};

    use super::{Checked, Refusal};
    use crate::types::{Expiry, TokenLocation, timestamp_after};

    pub(super) fn non_empty(value: &String) -> Checked {
        if value.trim().is_empty() {
            return Err(Refusal::new(value, "must not be empty"));
        }
        Ok(())
    }

    pub(super) fn non_empty_if_set(value: &Option<String>) -> Checked {
        value.as_ref().map_or(Ok(()), non_empty)
    }

    pub(super) fn claim_path(value: &String) -> Checked {
        crate::authorization::ClaimPath::parse(value)
            .map(drop)
            .map_err(|reason| Refusal::new(value, reason))
    }

    pub(super) fn one_word(value: &String) -> Checked {
        if value.chars().any(char::is_whitespace) {
            return Err(Refusal::new(
                value,
                "must be one word (or empty for a bare token)",
            ));
        }
        Ok(())
    }

    pub(super) fn at_least_one_location(value: &Vec<TokenLocation>) -> Checked {
        if value.is_empty() {
            return Err(Refusal::new(
                "",
                r#"JWT_TOKEN_LOCATION must contain at least one of "headers", "cookies", "query_string", or "json""#,
            ));
        }
        Ok(())
    }

    pub(super) fn no_repeated_location(value: &Vec<TokenLocation>) -> Checked {
        for (i, location) in value.iter().enumerate() {
            if value.iter().take(i).any(|earlier| earlier == location) {
                let listed = value
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                return Err(Refusal::new(
                    listed,
                    format!("\"{location}\" is listed twice"),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn non_zero_expiry(value: &Expiry) -> Checked {
        if *value == Expiry::After(Duration::ZERO) {
            return Err(Refusal::new(
                "0",
                "a zero duration is not allowed; use Expiry::Never (`false`) for tokens that never expire",
            ));
        }
        Ok(())
    }

    pub(super) fn expiry_before_year_9999(value: &Expiry) -> Checked {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        if let Expiry::After(duration) = value
            && timestamp_after(now, *duration).is_none()
        {
            return Err(Refusal::new(
                duration.as_secs(),
                "too long: tokens would expire after 9999-12-31; use Expiry::Never (`false`) for tokens that never expire",
            ));
        }
        Ok(())
    }

    /// A list option that is either unset or a list of non-empty values (audiences, issuers).
    pub(super) fn non_empty_values(value: &Option<Vec<String>>) -> Checked {
        if let Some(values) = value
            && (values.is_empty() || values.iter().any(|a| a.trim().is_empty()))
        {
            return Err(Refusal::new(values.join(","), "values must not be empty"));
        }
        Ok(())
    }

    pub(super) fn not_zero(value: &Duration) -> Checked {
        if value.is_zero() {
            return Err(Refusal::new("0", "must be more than zero"));
        }
        Ok(())
    }

    /// The longest `JWT_DECODE_LEEWAY` accepted.
    const MAX_LEEWAY: Duration = Duration::from_secs(86_400);

    pub(super) fn at_most_a_day(value: &Duration) -> Checked {
        if *value > MAX_LEEWAY {
            return Err(Refusal::new(
                value.as_secs(),
                "at most one day (86400 seconds): a longer leeway accepts tokens long expired",
            ));
        }
        Ok(())
    }

    pub(super) fn short_grace(value: &Duration) -> Checked {
        if *value > MAX_LEEWAY {
            return Err(Refusal::new(
                value.as_secs(),
                "at most one day (86400 seconds): within the grace a stolen refresh token is not detected",
            ));
        }
        Ok(())
    }

    pub(super) fn cookie_path(value: &String) -> Checked {
        if !value.starts_with('/') || value.chars().any(|ch| ch.is_control() || ch == ';') {
            return Err(Refusal::new(
                value,
                "a cookie path must start with `/` and contain no `;`",
            ));
        }
        Ok(())
    }

    pub(super) fn cookie_name(value: &String) -> Checked {
        if !value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
        {
            return Err(Refusal::new(value, "not a valid cookie name"));
        }
        Ok(())
    }

    pub(super) fn cookie_domain(value: &Option<String>) -> Checked {
        let Some(domain) = value else {
            return Ok(());
        };
        let host = domain.strip_prefix('.').unwrap_or(domain);
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            || host.starts_with(['.', '-'])
            || host.ends_with(['.', '-'])
        {
            return Err(Refusal::new(
                domain,
                "not a valid cookie domain: a plain host name such as `example.com` (RFC 6265 §5.2.3)",
            ));
        }
        Ok(())
    }

    pub(super) fn holds_a_token(value: &usize) -> Checked {
        if *value < 16 {
            return Err(Refusal::new(value, "too small to hold any token"));
        }
        Ok(())
    }

    pub(super) fn at_least_one_byte(value: &usize) -> Checked {
        if *value == 0 {
            return Err(Refusal::new(
                0,
                "must be at least 1 byte: 0 refuses every JSON body and CSRF form field",
            ));
        }
        Ok(())
    }

    pub(super) fn non_zero_duration(value: &Duration) -> Checked {
        if value.is_zero() {
            return Err(Refusal::new(0, "must be more than zero seconds"));
        }
        Ok(())
    }
}

/// The per-option checks, from the option table.
macro_rules! option_checks {
    ($(
        $(#[$doc:meta])*
        $field:ident: $ty:ty = $default:expr;
            env $env:literal => $parser:expr;
            set $kind:ident $(($item:ty))?;
            check [$($check:ident),*];
    )*) => {
        /// Runs every option's own checks, in table order.
        fn check_options(config: &JwtConfig) -> Result<(), ConfigError> {
            $($(
                let value: &$ty = &config.$field;
                $check(value).map_err(|refusal| ConfigError::new($env, refusal.value, refusal.reason))?;
            )*)*
            Ok(())
        }
    };
}

option_table!(option_checks);

impl JwtConfig {
    /// Checks every option, then the rules between options; normalises an empty
    /// `JWT_CSRF_HEADER_NAME` to unset.
    pub(crate) fn validate(&mut self) -> Result<(), ConfigError> {
        check_options(self)?;
        if self.csrf_header_name.as_deref() == Some("") {
            self.csrf_header_name = None;
        }
        check_algorithm_family(self)?;
        check_key_set(self)?;
        check_compat(self)?;
        check_claim_names(self)?;
        check_sessions(self)?;
        for cookie in cookies(self) {
            check_cookie_prefix(self, &cookie)?;
        }
        if self.cookie_samesite == Some(SameSite::None) && !self.cookie_secure {
            tracing::warn!(
                "JWT_COOKIE_SAMESITE=None without JWT_COOKIE_SECURE=true: browsers will drop these cookies"
            );
        }
        Ok(())
    }
}

// The rules between options.

/// Rotation records spent tokens and revokes logins in the revocation store; implicit
/// refresh renews access cookies, so it needs the cookie location.
fn check_sessions(c: &JwtConfig) -> Result<(), ConfigError> {
    // 4.x always checks revocation.
    if c.refresh_rotation && c.compat == Compat::V3 && !c.blacklist_enabled {
        return Err(ConfigError::new(
            "JWT_REFRESH_ROTATION",
            "true",
            "needs JWT_BLACKLIST_ENABLED=true: spent refresh tokens and revoked logins live in the revocation store",
        ));
    }
    if !c.implicit_refresh_window.is_zero() {
        if !c.token_location.contains(&TokenLocation::Cookies) {
            return Err(ConfigError::new(
                "JWT_IMPLICIT_REFRESH_WINDOW",
                c.implicit_refresh_window.as_secs(),
                "renews access-token cookies, so JWT_TOKEN_LOCATION must include `cookies`",
            ));
        }
        if let Expiry::After(lifetime) = c.access_token_expires
            && c.implicit_refresh_window >= lifetime
        {
            tracing::warn!(
                "JWT_IMPLICIT_REFRESH_WINDOW ({} s) is not shorter than JWT_ACCESS_TOKEN_EXPIRES ({} s): every cookie request gets a new access cookie",
                c.implicit_refresh_window.as_secs(),
                lifetime.as_secs()
            );
        }
    }
    Ok(())
}

/// One manager verifies with one key: every decode algorithm is of `JWT_ALGORITHM`'s family.
fn check_algorithm_family(c: &JwtConfig) -> Result<(), ConfigError> {
    let family = c.algorithm.family();
    for algorithm in c.decode_algorithms.iter().flatten() {
        if algorithm.family() != family {
            return Err(ConfigError::new(
                "JWT_DECODE_ALGORITHMS",
                algorithm_name(*algorithm),
                format!(
                    "uses a different key family than JWT_ALGORITHM {}; one manager verifies with one key",
                    algorithm_name(c.algorithm)
                ),
            ));
        }
    }
    Ok(())
}

/// A key set (`JWT_JWKS_URL` or `JWT_OIDC_ISSUER`, not both) holds public keys, so it needs
/// an asymmetric `JWT_ALGORITHM` and the `jwks` feature; an OIDC issuer must be among the
/// accepted issuers when `JWT_DECODE_ISSUER` is set.
fn check_key_set(c: &JwtConfig) -> Result<(), ConfigError> {
    let (option, value) = match (&c.jwks_url, &c.oidc_issuer) {
        (None, None) => return Ok(()),
        (Some(_), Some(issuer)) => {
            return Err(ConfigError::new(
                "JWT_OIDC_ISSUER",
                issuer,
                "set JWT_JWKS_URL or JWT_OIDC_ISSUER, not both",
            ));
        }
        (Some(url), None) => ("JWT_JWKS_URL", url),
        (None, Some(issuer)) => ("JWT_OIDC_ISSUER", issuer),
    };
    if !cfg!(feature = "jwks") {
        return Err(ConfigError::new(
            option,
            value,
            "fetching a JWK Set needs the `jwks` cargo feature of jwt-runtime",
        ));
    }
    if c.algorithm.family() == jsonwebtoken::AlgorithmFamily::Hmac {
        return Err(ConfigError::new(
            option,
            value,
            format!(
                "a JWK Set holds public keys; JWT_ALGORITHM {} is symmetric",
                algorithm_name(c.algorithm)
            ),
        ));
    }
    if let (Some(issuer), Some(accepted)) = (&c.oidc_issuer, &c.decode_issuer)
        && !accepted.contains(issuer)
    {
        return Err(ConfigError::new(
            "JWT_DECODE_ISSUER",
            accepted.join(","),
            format!("must include JWT_OIDC_ISSUER {issuer}"),
        ));
    }
    Ok(())
}

/// The 3.x options 4.x removed, with what replaces them.
pub(super) const REMOVED_IN_V4: [(&str, &str); 4] = [
    (
        "JWT_USER_CLAIMS",
        "4.x writes additional claims at the top level of the token (additional_claims, additional_claims_loader)",
    ),
    (
        "JWT_CLAIMS_IN_REFRESH_TOKEN",
        "in 4.x the additional_claims_loader's claims go into refresh tokens as well",
    ),
    (
        "JWT_BLACKLIST_ENABLED",
        "in 4.x a registered token_in_blocklist_loader is always checked",
    ),
    (
        "JWT_BLACKLIST_TOKEN_CHECKS",
        "in 4.x a registered token_in_blocklist_loader checks every token type",
    ),
];

/// In 4.x mode, the options 4.x removed keep their defaults.
fn check_compat(c: &JwtConfig) -> Result<(), ConfigError> {
    if c.compat != super::Compat::V4 {
        return Ok(());
    }
    let defaults = JwtConfig::default();
    let changed = [
        c.user_claims != defaults.user_claims,
        c.claims_in_refresh_token != defaults.claims_in_refresh_token,
        c.blacklist_enabled != defaults.blacklist_enabled,
        c.blacklist_token_checks != defaults.blacklist_token_checks,
    ];
    match REMOVED_IN_V4
        .iter()
        .zip(changed)
        .find(|(_, changed)| *changed)
    {
        Some(((option, replacement), _)) => Err(ConfigError::new(
            option,
            "<set>",
            format!("is not a flask-jwt-extended 4.x option (JWT_COMPAT=4): {replacement}"),
        )),
        None => Ok(()),
    }
}

/// Claims the token engine writes itself; the identity and user-claims names must differ
/// from them (and `iss`/`aud` when they are written).
const RESERVED_CLAIMS: [&str; 7] = ["iat", "nbf", "jti", "exp", "fresh", "type", "csrf"];

fn check_claim_names(c: &JwtConfig) -> Result<(), ConfigError> {
    for (option, name) in [
        ("JWT_IDENTITY_CLAIM", &c.identity_claim),
        ("JWT_USER_CLAIMS", &c.user_claims),
    ] {
        let written = RESERVED_CLAIMS.contains(&name.as_str())
            || (name == "iss" && c.encode_issuer.is_some())
            || (name == "aud" && c.encode_audience.is_some());
        if written {
            return Err(ConfigError::new(
                option,
                name,
                "collides with a claim the library writes itself",
            ));
        }
    }
    if c.identity_claim == c.user_claims {
        return Err(ConfigError::new(
            "JWT_USER_CLAIMS",
            &c.user_claims,
            "must differ from JWT_IDENTITY_CLAIM",
        ));
    }
    Ok(())
}

/// A cookie the library sets: its name and path options.
struct CookieOptions<'c> {
    option: &'static str,
    name: &'c str,
    path_option: &'static str,
    path: &'c str,
}

fn cookies(c: &JwtConfig) -> [CookieOptions<'_>; 4] {
    [
        CookieOptions {
            option: "JWT_ACCESS_COOKIE_NAME",
            name: &c.access_cookie_name,
            path_option: "JWT_ACCESS_COOKIE_PATH",
            path: &c.access_cookie_path,
        },
        CookieOptions {
            option: "JWT_REFRESH_COOKIE_NAME",
            name: &c.refresh_cookie_name,
            path_option: "JWT_REFRESH_COOKIE_PATH",
            path: &c.refresh_cookie_path,
        },
        CookieOptions {
            option: "JWT_ACCESS_CSRF_COOKIE_NAME",
            name: &c.access_csrf_cookie_name,
            path_option: "JWT_ACCESS_CSRF_COOKIE_PATH",
            path: &c.access_csrf_cookie_path,
        },
        CookieOptions {
            option: "JWT_REFRESH_CSRF_COOKIE_NAME",
            name: &c.refresh_csrf_cookie_name,
            path_option: "JWT_REFRESH_CSRF_COOKIE_PATH",
            path: &c.refresh_csrf_cookie_path,
        },
    ]
}

/// The browser rules of the cookie name prefixes (RFC 6265bis §4.1.3): a `__Host-`
/// cookie must be `Secure`, have the path `/` and no `Domain` (so a sibling domain cannot
/// plant it: cookie tossing); a `__Secure-` cookie must be `Secure`. Browsers silently drop
/// cookies that break them, so they are checked at start-up.
fn check_cookie_prefix(c: &JwtConfig, cookie: &CookieOptions<'_>) -> Result<(), ConfigError> {
    let CookieOptions {
        option,
        name,
        path_option,
        path,
    } = *cookie;
    // Browsers match the prefixes without regard to case.
    let has_prefix = |prefix: &str| {
        name.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    let host = has_prefix("__Host-");
    if (host || has_prefix("__Secure-")) && !c.cookie_secure {
        return Err(ConfigError::new(
            "JWT_COOKIE_SECURE",
            "false",
            format!("{option} `{name}` has a cookie prefix that requires JWT_COOKIE_SECURE=true"),
        ));
    }
    if host && path != "/" {
        return Err(ConfigError::new(
            path_option,
            path,
            format!("must be `/` for the `__Host-` cookie {option} `{name}`"),
        ));
    }
    if host && let Some(domain) = &c.cookie_domain {
        return Err(ConfigError::new(
            "JWT_COOKIE_DOMAIN",
            domain,
            format!("must be unset for the `__Host-` cookie {option} `{name}`"),
        ));
    }
    Ok(())
}
