//! Reading the options from the environment (or any lookup), with the Flask names.

use std::str::FromStr;
use std::time::Duration;

use super::options::option_table;
use super::{Algorithm, Compat, Expiry, JwtConfig, SameSite, Secret, TokenLocation, TokenType};
use crate::error::ConfigError;

// The table names its parsers `env::...`.
use super::env;

/// A variable's value, `None` when unset, or why a set variable cannot be read.
type RawLookup<'a> = dyn Fn(&'static str) -> Result<Option<String>, ConfigError> + 'a;

/// `from_lookup`'s body, from the option table: each variable that is set is parsed.
macro_rules! env_reader {
    ($(
        $(#[$doc:meta])*
        $field:ident: $ty:ty = $default:expr;
            env $env:literal => $parser:expr;
            set $kind:ident $(($item:ty))?;
            check [$($check:ident),*];
    )*) => {
        /// Reads every option through `lookup`, which may refuse a variable it cannot read.
        fn read_options(config: &mut JwtConfig, lookup: &RawLookup<'_>) -> Result<(), ConfigError> {
            $(
                if let Some(value) = lookup($env)? {
                    let parsed: $ty = $parser($env, &value)
                        .map_err(|reason| ConfigError::new($env, &value, reason))?;
                    config.$field = parsed;
                }
            )*
            Ok(())
        }
    };
}

option_table!(env_reader);

impl JwtConfig {
    /// Reads every `JWT_*` option from the process environment.
    ///
    /// Syntax: lists are comma-separated (`headers,cookies`); booleans are
    /// `true`/`false`/`1`/`0`; durations are whole seconds, or `false` for
    /// "never expires"; keys are PEM text; an empty value for an optional string
    /// means "unset". `JWT_SECRET_KEY` falls back to `SECRET_KEY`, as Flask's does.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable and its value when a value does not parse,
    /// or when a variable is set but is not valid UTF-8 (never read as unset: a setting
    /// that cannot be read must not fall back to a weaker default).
    ///
    /// ```no_run
    /// let config = jwt_runtime::JwtConfig::from_env()?;
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(&|name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            // The value may be a secret: it is not shown.
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::new(
                name,
                "<not UTF-8>",
                "is set but is not valid UTF-8; fix or unset it",
            )),
        })
    }

    /// Like [`from_env`](Self::from_env), reading from any lookup function
    /// (a map in tests, a secrets store, ...).
    ///
    /// # Errors
    /// A [`ConfigError`] naming the option and its value when a value does not parse.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let env = HashMap::from([("JWT_TOKEN_LOCATION", "cookies,headers"), ("JWT_ACCESS_TOKEN_EXPIRES", "false")]);
    /// let config = jwt_runtime::JwtConfig::from_lookup(|k| env.get(k).map(|v| v.to_string()))?;
    /// assert_eq!(config.token_location.len(), 2);
    /// assert_eq!(config.access_token_expires, jwt_runtime::config::Expiry::Never);
    /// # Ok::<(), jwt_runtime::ConfigError>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(&|name| Ok(lookup(name)))
    }

    fn read(lookup: &RawLookup<'_>) -> Result<Self, ConfigError> {
        // `JWT_COMPAT` chooses the defaults the other options start from.
        let compat = match lookup("JWT_COMPAT")? {
            Some(value) => parsed::<Compat>("JWT_COMPAT", &value)
                .map_err(|reason| ConfigError::new("JWT_COMPAT", value, reason))?,
            None => Compat::V3,
        };
        let mut config = match compat {
            Compat::V3 => JwtConfig::default(),
            Compat::V4 => {
                if let Some((option, replacement)) = super::validate::REMOVED_IN_V4
                    .iter()
                    .find(|(option, _)| matches!(lookup(option), Ok(Some(_))))
                {
                    return Err(ConfigError::new(
                        option,
                        "<set>",
                        format!(
                            "is not a flask-jwt-extended 4.x option (JWT_COMPAT=4): {replacement}"
                        ),
                    ));
                }
                JwtConfig::v4()
            }
        };
        read_options(&mut config, lookup)?;
        if config.secret_key.is_none()
            && let Some(value) = lookup("SECRET_KEY")?
        {
            config.secret_key = Some(value).filter(|v| !v.is_empty()).map(Secret::from);
        }
        Ok(config)
    }
}

/// A parsed value, or why the text is not one. Every parser has the signature the
/// option table calls, `fn(variable, value) -> Parsed<T>`, even those that cannot fail.
type Parsed<T> = Result<T, String>;

/// Text as written.
#[allow(
    clippy::unnecessary_wraps,
    reason = "the option table's parser signature"
)]
pub(super) fn text(_: &str, value: &str) -> Parsed<String> {
    Ok(value.to_owned())
}

/// Text as written; empty means unset.
#[allow(
    clippy::unnecessary_wraps,
    reason = "the option table's parser signature"
)]
pub(super) fn optional_text(_: &str, value: &str) -> Parsed<Option<String>> {
    Ok(Some(value.to_owned()).filter(|v| !v.is_empty()))
}

/// A secret or key; empty means unset.
#[allow(
    clippy::unnecessary_wraps,
    reason = "the option table's parser signature"
)]
pub(super) fn secret(_: &str, value: &str) -> Parsed<Option<Secret>> {
    Ok(Some(value).filter(|v| !v.is_empty()).map(Secret::from))
}

/// Secrets separated by commas; empty entries are skipped.
#[allow(
    clippy::unnecessary_wraps,
    reason = "the option table's parser signature"
)]
pub(super) fn secrets(_: &str, value: &str) -> Parsed<Vec<Secret>> {
    Ok(split_list(value)
        .filter(|s| !s.is_empty())
        .map(Secret::from)
        .collect())
}

/// PEM blocks one after another (`-----BEGIN ...-----` to `-----END ...-----`).
pub(super) fn pem_blocks(_: &str, value: &str) -> Parsed<Vec<Secret>> {
    let mut blocks = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        let start = rest
            .find("-----BEGIN ")
            .ok_or_else(|| "expected PEM blocks (`-----BEGIN ...`)".to_owned())?;
        let end_marker = rest[start..]
            .find("-----END ")
            .map(|at| start + at)
            .ok_or_else(|| "a PEM block has no `-----END ...-----` line".to_owned())?;
        let end = rest[end_marker + "-----END ".len()..]
            .find("-----")
            .map(|at| end_marker + "-----END ".len() + at + "-----".len())
            .ok_or_else(|| "a PEM block has no `-----END ...-----` line".to_owned())?;
        blocks.push(Secret::from(&rest[start..end]));
        rest = rest[end..].trim_start();
    }
    Ok(blocks)
}

/// A value of a type with its own parser (`FromStr` with a message).
pub(super) fn parsed<T: std::str::FromStr<Err = String>>(_: &str, value: &str) -> Parsed<T> {
    value.parse()
}

/// `true`/`false`/`1`/`0`, in any case.
pub(super) fn boolean(_: &str, value: &str) -> Parsed<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err("expected `true`, `false`, `1` or `0`".to_owned()),
    }
}

/// Whole seconds, or `false` for never.
pub(super) fn expiry(_: &str, value: &str) -> Parsed<Expiry> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("false") {
        return Ok(Expiry::Never);
    }
    match value.parse::<u64>() {
        Ok(0) => Err(
            "a zero duration is not allowed; use `false` for tokens that never expire".to_owned(),
        ),
        Ok(secs) => Ok(Expiry::After(Duration::from_secs(secs))),
        Err(_) => {
            Err("expected a positive whole number of seconds, or `false` for never".to_owned())
        }
    }
}

/// Whole seconds, as a duration.
pub(super) fn seconds(_: &str, value: &str) -> Parsed<Duration> {
    value
        .trim()
        .parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|_| "expected a whole number of seconds".to_owned())
}

/// A whole number of bytes.
pub(super) fn bytes(_: &str, value: &str) -> Parsed<usize> {
    value
        .trim()
        .parse::<usize>()
        .map_err(|_| "expected a whole number of bytes".to_owned())
}

/// A JOSE algorithm name (`HS256`, `RS512`, `EdDSA`, ...).
pub(super) fn algorithm(_: &str, value: &str) -> Parsed<Algorithm> {
    value.trim().parse::<Algorithm>().map_err(|_| {
        "unknown algorithm; expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA"
            .to_owned()
    })
}

/// A list of algorithm names; empty means unset.
pub(super) fn algorithms(name: &str, value: &str) -> Parsed<Option<Vec<Algorithm>>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    split_list(value)
        .map(|a| algorithm(name, a))
        .collect::<Result<_, _>>()
        .map(Some)
}

/// A list of `T`s; empty means none. A bad entry's reason names the variable.
pub(super) fn list<T: FromStr<Err = String>>(name: &str, value: &str) -> Parsed<Vec<T>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(Vec::new());
    }
    split_list(value)
        .map(|item| item.parse().map_err(|reason| format!("{name} {reason}")))
        .collect()
}

/// A list of strings; empty means unset.
#[allow(
    clippy::unnecessary_wraps,
    reason = "the option table's parser signature"
)]
pub(super) fn optional_list(_: &str, value: &str) -> Parsed<Option<Vec<String>>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(split_list(value).map(str::to_owned).collect()))
}

/// `Lax`, `Strict` or `None`; empty means no attribute.
pub(super) fn samesite(_: &str, value: &str) -> Parsed<Option<SameSite>> {
    if value.is_empty() {
        return Ok(None);
    }
    value.parse().map(Some)
}

/// HTTP method names; empty entries are skipped.
#[allow(
    clippy::unnecessary_wraps,
    reason = "the option table's parser signature"
)]
pub(super) fn methods(_: &str, value: &str) -> Parsed<Vec<String>> {
    Ok(split_list(value)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect())
}

fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim)
}
