//! Configuration: every `JWT_*` option of flask-jwt-extended 3.x, typed, and the value
//! types they take.
//!
//! [`JwtConfig`] holds each option under the snake-case form of its Flask name
//! (`JWT_ACCESS_TOKEN_EXPIRES` → [`JwtConfig::access_token_expires`]), with the
//! same default. Build one with [`JwtConfig::default`] and the chained setters,
//! or read the Flask names from the environment with [`JwtConfig::from_env`].
//! [`JwtManager::new`](crate::JwtManager::new) validates the whole configuration once,
//! at start-up.

use std::time::Duration;

pub use jsonwebtoken::Algorithm;

pub use crate::types::{Compat, Expiry, SameSite, Secret, TokenLocation, TokenType};

mod env;
mod options;
mod validate;

use options::option_table;

/// A `String` default.
fn text(value: &str) -> String {
    value.to_owned()
}

/// The struct, its `Default` and its setters, from the option table.
macro_rules! config_struct {
    ($(
        $(#[$doc:meta])*
        $field:ident: $ty:ty = $default:expr;
            env $env:literal => $parser:expr;
            set $kind:ident $(($item:ty))?;
            check [$($check:ident),*];
    )*) => {
        /// Every option of flask-jwt-extended 3.x, with the reference's defaults.
        ///
        /// Each field is documented with its Flask option name. Set fields directly or
        /// with the chained setters of the same name; the manager validates everything
        /// when it is built.
        ///
        /// ```
        /// use std::time::Duration;
        /// use jwt_runtime::JwtConfig;
        /// use jwt_runtime::config::{Expiry, TokenLocation};
        ///
        /// let config = JwtConfig::default()
        ///     .secret_key("change-me-to-32-bytes-or-more!!!")
        ///     .token_location([TokenLocation::Headers, TokenLocation::Cookies])
        ///     .access_token_expires(Expiry::After(Duration::from_secs(300)))
        ///     .decode_audience(["api"]);
        /// assert_eq!(config.header_name, "Authorization");
        /// assert_eq!(config.decode_audience, Some(vec!["api".to_owned()]));
        /// ```
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub struct JwtConfig {
            $(
                #[doc = concat!("`", $env, "`:")]
                $(#[$doc])*
                pub $field: $ty,
            )*
        }

        impl Default for JwtConfig {
            fn default() -> Self {
                JwtConfig {
                    $($field: $default,)*
                }
            }
        }

        impl JwtConfig {
            /// Every option's environment variable, in the reference's order.
            ///
            /// ```
            /// assert!(jwt_runtime::JwtConfig::ENV_NAMES.contains(&"JWT_SECRET_KEY"));
            /// ```
            pub const ENV_NAMES: &[&str] = &[$($env),*];

            $(config_setter!($kind $(($item))? $field: $ty, $env);)*
        }
    };
}

/// One chained setter, by kind.
macro_rules! config_setter {
    (value $field:ident: $ty:ty, $env:literal) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ") (`", $env, "`).")]
        #[must_use]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field = value.into();
            self
        }
    };
    (some($item:ty) $field:ident: $ty:ty, $env:literal) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ") (`", $env, "`).")]
        #[must_use]
        pub fn $field(mut self, value: impl Into<$item>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    (list($item:ty) $field:ident: $ty:ty, $env:literal) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ") (`", $env, "`).")]
        #[must_use]
        pub fn $field(mut self, values: impl IntoIterator<Item = $item>) -> Self {
            self.$field = values.into_iter().collect();
            self
        }
    };
    (some_list($item:ty) $field:ident: $ty:ty, $env:literal) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ") (`", $env, "`).")]
        #[must_use]
        pub fn $field(mut self, values: impl IntoIterator<Item = $item>) -> Self {
            self.$field = Some(values.into_iter().collect());
            self
        }
    };
    (into_list($item:ty) $field:ident: $ty:ty, $env:literal) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ") (`", $env, "`).")]
        #[must_use]
        pub fn $field(mut self, values: impl IntoIterator<Item = impl Into<$item>>) -> Self {
            self.$field = values.into_iter().map(Into::into).collect();
            self
        }
    };
    (strings $field:ident: $ty:ty, $env:literal) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ") (`", $env, "`).")]
        #[must_use]
        pub fn $field(mut self, values: impl IntoIterator<Item = impl Into<String>>) -> Self {
            self.$field = values.into_iter().map(Into::into).collect();
            self
        }
    };
    (some_strings $field:ident: $ty:ty, $env:literal) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ") (`", $env, "`).")]
        #[must_use]
        pub fn $field(mut self, values: impl IntoIterator<Item = impl Into<String>>) -> Self {
            self.$field = Some(values.into_iter().map(Into::into).collect());
            self
        }
    };
}

option_table!(config_struct);

impl JwtConfig {
    /// flask-jwt-extended 4.x's defaults (`JWT_COMPAT=4`): the identity in `sub`, the
    /// 4.x token layout (`fresh, iat, jti, type, sub, nbf, csrf, aud, iss, exp`, then the
    /// additional claims at the top level), `csrf` written whenever
    /// `JWT_COOKIE_CSRF_PROTECT`, and the 3.x-only options refused.
    ///
    /// ```
    /// use jwt_runtime::config::Compat;
    /// let config = jwt_runtime::JwtConfig::v4();
    /// assert_eq!(config.compat, Compat::V4);
    /// assert_eq!(config.identity_claim, "sub");
    /// ```
    #[must_use]
    pub fn v4() -> Self {
        JwtConfig {
            compat: Compat::V4,
            identity_claim: text("sub"),
            ..JwtConfig::default()
        }
    }

    /// The longer of the access and refresh lifetimes; `None` when either never expires.
    pub(crate) fn longest_token_lifetime(&self) -> Option<Duration> {
        match (self.access_token_expires, self.refresh_token_expires) {
            (Expiry::After(access), Expiry::After(refresh)) => Some(access.max(refresh)),
            _ => None,
        }
    }
}
