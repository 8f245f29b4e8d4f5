//! Sessions: the tokens of one login (a family), refresh-token rotation with reuse
//! detection, log out everywhere, and (in `implicit`) implicit refresh of cookie sessions.
//! Everything is recorded in the manager's revocation store, so it holds across every
//! server that shares the store.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::blocklist::{Spend, SpendRequest};
use crate::claims::Claims;
use crate::context;
use crate::error::JwtError;
use crate::manager::JwtManager;
use crate::token::TokenOptions;
use crate::types::TokenType;

pub(crate) mod implicit;

/// An access and a refresh token of one login: what
/// [`create_token_pair`](crate::create_token_pair) and [`refresh_tokens`](crate::refresh_tokens)
/// answer. As JSON: `{"access_token": ..., "refresh_token": ...}`, without
/// `refresh_token` when none was issued (a refresh without rotation).
///
/// ```
/// # use jwt_runtime::{JwtConfig, JwtManager};
/// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
/// let pair = manager.create_token_pair(&"alice", Default::default())?;
/// let json = serde_json::to_value(&pair)?;
/// assert!(json["access_token"].is_string() && json["refresh_token"].is_string());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenPair {
    /// The access token.
    pub access_token: String,
    /// The refresh token: always from a login; from a refresh, only with rotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl JwtManager {
    /// Creates the tokens of a new login: an access token (with `options`) and a refresh
    /// token (with the configured defaults), both carrying a new `fam` claim, so that
    /// [`Blocklist::revoke_family`](crate::blocklist::Blocklist::revoke_family) (and
    /// refresh-token reuse) revokes them together. A revoked login is remembered as long as
    /// tokens of the configured lifetimes can live: give a login's tokens a longer
    /// `expires` and they outlive its revocation.
    ///
    /// # Errors
    /// As [`create_access_token`](Self::create_access_token).
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, TokenOptions};
    /// # let manager = JwtManager::new(JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!"))?;
    /// let pair = manager.create_token_pair(&"alice", TokenOptions::default().fresh(true))?;
    /// let access = manager.decode_token(&pair.access_token)?;
    /// let refresh = manager.decode_token(pair.refresh_token.as_deref().unwrap())?;
    /// assert_eq!(access.family(), refresh.family());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_token_pair<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        options: TokenOptions,
    ) -> Result<TokenPair, JwtError> {
        let family = options
            .family
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let refresh_token =
            self.create_refresh_token_with(identity, TokenOptions::default().family(&family))?;
        let access_token = self.create_access_token_with(identity, options.family(family))?;
        Ok(TokenPair {
            access_token,
            refresh_token: Some(refresh_token),
        })
    }

    /// What a refresh endpoint answers for the verified refresh token `presented`: a new
    /// access token (not fresh, same identity, same login), and, when `rotate` (or
    /// `JWT_REFRESH_ROTATION`), a new refresh token of the same login, spending
    /// `presented` atomically in the store:
    ///
    /// - the first to spend it gets the new refresh token;
    /// - presenting it again within `JWT_REFRESH_REUSE_GRACE` gets the same new refresh
    ///   token (tabs refreshing at once), not a second branch;
    /// - presenting it again later revokes the whole login (every token with its `fam`,
    ///   on every server of the store) and answers
    ///   [`JwtError::RefreshTokenReused`] (the `refresh_token_reused_loader`).
    ///
    /// Use [`refresh_tokens`](crate::refresh_tokens) in handlers: it passes the route's
    /// token and its `rotate` option.
    ///
    /// # Errors
    /// [`JwtError::RefreshTokenReused`] as above; [`JwtError::RevocationCheckFailed`]
    /// (503) when the store cannot answer; [`JwtError::InvalidToken`] for a refresh
    /// token without `jti` (it cannot be spent); [`JwtError::Internal`] for rotation
    /// without a store.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager, JwtError};
    /// # use jwt_runtime::blocklist::MemoryBlocklist;
    /// let config = JwtConfig::default()
    ///     .secret_key("an-example-secret-of-32-bytes!!!")
    ///     .blacklist_enabled(true)
    ///     .refresh_rotation(true);
    /// let manager = JwtManager::builder(config).blocklist(MemoryBlocklist::new()).build()?;
    /// let login = manager.create_token_pair(&"alice", Default::default())?;
    /// let presented = manager.decode_token(login.refresh_token.as_deref().unwrap())?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let next = manager.rotate_tokens(&presented, false).await?;
    ///     assert!(next.refresh_token.is_some());
    ///     // The same refresh token again: reuse, the login is revoked.
    ///     let reused = manager.rotate_tokens(&presented, false).await;
    ///     assert!(matches!(reused, Err(JwtError::RefreshTokenReused(_))));
    ///     Ok::<(), JwtError>(())
    /// })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn rotate_tokens(
        &self,
        presented: &Claims,
        rotate: bool,
    ) -> Result<TokenPair, JwtError> {
        let config = &self.inner.config;
        let identity = presented.identity_value();
        if !(rotate || config.refresh_rotation) {
            let options = family_options(presented.family());
            return Ok(TokenPair {
                access_token: self.create_access_token_with(identity, options)?,
                refresh_token: None,
            });
        }
        let store = self.inner.sessions.as_ref().ok_or_else(|| {
            JwtError::Internal(
                "refresh-token rotation needs a revocation store: JwtManagerBuilder::blocklist, with JWT_BLACKLIST_ENABLED=true"
                    .to_owned(),
            )
        })?;
        let jti = presented.jti().ok_or_else(|| {
            JwtError::invalid("The refresh token has no jti claim, so it cannot be rotated")
        })?;
        let store_failed = |error: crate::blocklist::BlocklistError| {
            JwtError::RevocationCheckFailed(format!("refresh-token rotation: {error}"))
        };
        // The route may not have asked the store (`JWT_BLACKLIST_TOKEN_CHECKS` without
        // refresh tokens, `skip_revocation_check`): a revoked login never rotates.
        if store.is_revoked(presented).await.map_err(store_failed)? {
            return Err(JwtError::Revoked);
        }
        // A refresh token from before rotation was on starts its login here: its `jti`
        // names it, so that a second presenter's tokens join the same login.
        let family = presented.family().unwrap_or(jti);
        let successor = self.create_refresh_token_with(identity, family_options(Some(family)))?;
        let now = self.now();
        #[allow(
            clippy::cast_possible_truncation,
            reason = "milliseconds of a clock before the year 9999 fit an i64"
        )]
        let at_ms = (now * 1000.0).floor() as i64;
        // The successor is kept only for a second presenter within the grace: without a
        // grace, the store never holds a usable refresh token.
        let recorded = if config.refresh_reuse_grace.is_zero() {
            ""
        } else {
            successor.as_str()
        };
        let request = SpendRequest {
            jti,
            successor: recorded,
            at_ms,
            expires_at: presented.expires_at(),
        };
        let refresh_token = match store
            .spend_refresh_token(request)
            .await
            .map_err(store_failed)?
        {
            Spend::First => successor,
            Spend::Before {
                at_ms: spent_ms,
                successor,
            } if within_grace(config.refresh_reuse_grace, at_ms.saturating_sub(spent_ms)) => {
                successor
            }
            Spend::Before { .. } => {
                // Reuse: whoever holds this login's tokens, none of them works any more.
                // As long as any token of the login may live: those issued from now on
                // get the configured lifetimes, and the presented one may have had a
                // longer one.
                let until = match (config.longest_token_lifetime(), presented.expires_at()) {
                    (Some(lifetime), Some(exp)) => {
                        Some(crate::types::seconds_after(now, lifetime).max(exp))
                    }
                    _ => None,
                };
                store
                    .revoke_family(family, until)
                    .await
                    .map_err(store_failed)?;
                store
                    .revoke_jti(jti, presented.expires_at())
                    .await
                    .map_err(store_failed)?;
                tracing::warn!(
                    identity = %identity,
                    "a spent refresh token was presented again: its login is revoked"
                );
                return Err(JwtError::RefreshTokenReused(presented.clone()));
            }
        };
        Ok(TokenPair {
            access_token: self.create_access_token_with(identity, family_options(Some(family)))?,
            refresh_token: Some(refresh_token),
        })
    }

    /// Log out everywhere: every token of `identity` issued up to now (by `iat`, whole
    /// seconds: this second included) is refused on every server of the store; tokens
    /// issued from the next second on work.
    ///
    /// # Errors
    /// [`JwtError::RevocationCheckFailed`] (503) when the store cannot be written;
    /// [`JwtError::Internal`] without a store.
    ///
    /// ```
    /// # use jwt_runtime::{JwtConfig, JwtManager};
    /// # use jwt_runtime::blocklist::{Blocklist, MemoryBlocklist};
    /// let store = MemoryBlocklist::new();
    /// let config = JwtConfig::default().secret_key("an-example-secret-of-32-bytes!!!").blacklist_enabled(true);
    /// let manager = JwtManager::builder(config).blocklist(store.clone()).build()?;
    /// let token = manager.decode_token(&manager.create_access_token(&"alice")?)?;
    /// actix_web::rt::System::new().block_on(manager.revoke_all_tokens(&serde_json::json!("alice")))?;
    /// assert!(store.refuses(&token));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn revoke_all_tokens(&self, identity: &Value) -> Result<(), JwtError> {
        let store = self.inner.sessions.as_ref().ok_or_else(|| {
            JwtError::Internal(
                "revoking every token of an identity needs a revocation store: JwtManagerBuilder::blocklist"
                    .to_owned(),
            )
        })?;
        let now = crate::types::whole_seconds(self.now());
        store
            .revoke_identity_before(identity, now)
            .await
            .map_err(|error| {
                JwtError::RevocationCheckFailed(format!("log out everywhere: {error}"))
            })
    }
}

/// Options for a token of the login `family` (none: not part of one).
fn family_options(family: Option<&str>) -> TokenOptions {
    let options = TokenOptions::default();
    match family {
        Some(family) => options.family(family),
        None => options,
    }
}

/// Whether a spent token presented `elapsed_ms` after it was spent is within the grace
/// (a zero grace: never).
fn within_grace(grace: Duration, elapsed_ms: i64) -> bool {
    !grace.is_zero() && u128::try_from(elapsed_ms).is_ok_and(|elapsed| elapsed <= grace.as_millis())
}

/// [`JwtManager::create_token_pair`] with the current App's manager: the tokens of a new
/// login.
///
/// # Errors
/// As [`create_access_token`](crate::create_access_token).
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
///
/// #[post("/login")]
/// async fn login() -> Result<HttpResponse, JwtError> {
///     // `{"access_token": ..., "refresh_token": ...}`
///     Ok(HttpResponse::Ok().json(create_token_pair(&"alice", TokenOptions::default().fresh(true))?))
/// }
/// ```
pub fn create_token_pair<I: Serialize + ?Sized>(
    identity: &I,
    options: TokenOptions,
) -> Result<TokenPair, JwtError> {
    context::current_manager()?.create_token_pair(identity, options)
}

/// The refresh endpoint's helper: for the request's verified refresh token, a new access
/// token, and with rotation (`JWT_REFRESH_ROTATION`, or the route's `rotate` option) a new
/// refresh token of the same login, the presented one spent; see
/// [`JwtManager::rotate_tokens`] for reuse and the grace.
///
/// # Errors
/// As [`JwtManager::rotate_tokens`]; [`JwtError::Internal`] outside a route guarded for
/// refresh tokens. Returned with `?`, each answers through the App's loaders.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
///
/// #[post("/refresh")]
/// #[jwt_refresh_token_required(rotate)]
/// async fn refresh() -> Result<HttpResponse, JwtError> {
///     // `{"access_token": ..., "refresh_token": ...}`
///     Ok(HttpResponse::Ok().json(refresh_tokens().await?))
/// }
/// ```
pub async fn refresh_tokens() -> Result<TokenPair, JwtError> {
    let manager = context::current_manager()?;
    let verified = context::current_verified()
        .filter(|verified| verified.claims.token_type() == TokenType::Refresh)
        .ok_or_else(|| {
            JwtError::Internal(
                "refresh_tokens() needs a verified refresh token: use it in a handler guarded by #[jwt_refresh_token_required] or #[jwt_required(refresh)]"
                    .to_owned(),
            )
        })?;
    manager
        .rotate_tokens(&verified.claims, verified.rotate)
        .await
}
