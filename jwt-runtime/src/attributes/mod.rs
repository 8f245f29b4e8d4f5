//! The attributes: the Python decorators, re-exported from `jwt-macros` with their docs.
//! The guards are here, the loaders (3.x's names and 4.x's) in `loaders`.

mod loaders;

pub use loaders::*;

/// Python's `@jwt_required`: the handler runs only for a request with a valid access token.
///
/// The token is looked for in `JWT_TOKEN_LOCATION`, decoded and verified, checked
/// against the blacklist, the claims verification loader and the user loader, in the
/// reference's order. On failure the handler does not run: the matching loader (or
/// the reference's default JSON) answers.
///
/// Every method is verified, OPTIONS included: actix runs a handler registered with
/// `web::route()`, `web::to` or `default_service` for any method, so the Python library's
/// OPTIONS exemption would run guarded handlers for anyone. Answer CORS preflights with
/// `actix-cors`, which replies before the guard runs.
/// Inside the handler, [`get_jwt_identity`](crate::get_jwt_identity) and friends read
/// the verified token.
///
/// # Arguments
/// - `locations = [headers, cookies, query_string, json, custom]`: the locations to try
///   for this route, in order, instead of `JWT_TOKEN_LOCATION` (`custom`: the
///   [`macro@token_source_loader`]).
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, post};
/// use serde_json::json;
///
/// #[post("/api/example")]
/// #[jwt_required(locations = [cookies])]
/// async fn example() -> impl Responder {
///     HttpResponse::Ok().json(json!({ "msg": "only a cookie token (with its CSRF value) works here" }))
/// }
/// ```
///
/// - `scopes = ["items:read", ...]`, `roles = ["admin", ...]`, `check = path::to::fn`
///   (this port only, on every guard attribute): what a verified token must also have;
///   all of them are required. Scopes are read from the top-level `JWT_SCOPE_CLAIM`
///   (default `scope`, then `scp`), roles from `JWT_ROLES_CLAIM` (default `roles` in the
///   user claims; the top level in 4.x mode; a JSON Pointer into the payload, such as
///   `/realm_access/roles`, reaches nested ones), each a space-separated string or an array
///   of strings. `check` names a fn of `&Claims` (and optionally `&HttpRequest`), plain or
///   `async`, answering `bool` or `Result<bool, E>` (an `Err` answers 500). A token that
///   falls short is answered by the [`macro@insufficient_scope_loader`] (default 403
///   `Missing scope "items:read"`), after the claims verification and user loaders; the
///   handler never runs. Everything is checked at compile time (an empty list, a scope
///   with a space, a `check` of the wrong shape) and becomes a hidden type beside the
///   handler, so the handler must be a free function (as with actix-web's own route
///   attributes); nothing is parsed per request.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpRequest, HttpResponse, Responder, delete, get};
///
/// /// The owner of `/notes/{owner}/...` only.
/// fn owns_the_path(claims: &Claims, request: &HttpRequest) -> bool {
///     // Both present and equal: a route without `{owner}` or a non-string identity is refused.
///     matches!(
///         (request.match_info().get("owner"), claims.identity_value().as_str()),
///         (Some(owner), Some(identity)) if owner == identity
///     )
/// }
///
/// #[get("/items")]
/// #[jwt_required(scopes = ["items:read"])]
/// async fn items() -> impl Responder {
///     HttpResponse::Ok().finish()
/// }
///
/// #[delete("/notes/{owner}/{id}")]
/// #[jwt_required(scopes = ["notes:write"], roles = ["editor"], check = owns_the_path)]
/// async fn delete_note() -> impl Responder {
///     HttpResponse::NoContent().finish()
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt_required(scopes = [])]
/// async fn handler() -> HttpResponse { HttpResponse::Ok().finish() }
/// ```
///
/// - flask-jwt-extended 4.x's options, each bare (`optional`) or with a `bool`
///   (`optional = true`), all checked at compile time: `optional` (no token at all lets
///   the handler run without one, as [`macro@jwt_optional`]), `fresh` (the access token must
///   be fresh, as [`macro@fresh_jwt_required`]), `refresh` (a refresh token instead, as
///   [`macro@jwt_refresh_token_required`]; not with `fresh`), `verify_type = false` (either
///   token type is accepted), `skip_revocation_check` (the blacklist loader is not asked
///   on this route). They combine: `#[jwt_required(optional, fresh)]` runs the handler
///   without a token, or with a fresh one.
/// - `rotate` (this port only, with `refresh`): [`refresh_tokens`](crate::refresh_tokens)
///   rotates the refresh token on this route even without `JWT_REFRESH_ROTATION`; see
///   [`macro@jwt_refresh_token_required`].
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get, post};
/// use serde_json::json;
///
/// #[post("/refresh")]
/// #[jwt_required(refresh)]
/// async fn refresh() -> Result<HttpResponse, JwtError> {
///     let token = create_access_token(&get_jwt_identity::<String>())?;
///     Ok(HttpResponse::Ok().json(json!({ "access_token": token })))
/// }
///
/// #[get("/whoami")]
/// #[jwt_required(optional, verify_type = false, skip_revocation_check)]
/// async fn whoami() -> impl Responder {
///     HttpResponse::Ok().json(json!({ "identity": get_jwt_identity::<String>() }))
/// }
/// ```
///
/// - `crate = path`: where `jwt_runtime` is, when it is renamed.
///
/// ```
/// extern crate jwt_runtime as auth;
/// use auth::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[auth::jwt_required(crate = auth)]
/// async fn protected() -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
/// ```
///
/// # Examples
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
/// use serde_json::json;
///
/// #[get("/protected")]
/// #[jwt_required]
/// async fn protected() -> impl Responder {
///     HttpResponse::Ok().json(json!({ "logged_in_as": get_jwt_identity::<String>() }))
/// }
/// ```
///
/// # Equivalent code
///
/// The attribute adds one hidden extractor argument and leaves the body as written.
/// Verification happens while actix extracts it, before any other extractor reads the
/// body; the verified token becomes the request's, which the App's middleware scopes
/// around the handler. The mode is a type, the locations a `const` (`locations(&[])`:
/// the configured ones), and `scopes`, `roles` and `check`, when given, a third type
/// argument (a hidden unit struct emitted beside the handler that implements `Requires`):
///
/// ```ignore
/// async fn protected(
///     __jwt_guard: jwt_runtime::__private::Guard<
///         jwt_runtime::__private::mode::Required,
///         { jwt_runtime::__private::locations(&[]) },
///     >,
/// ) -> impl Responder {
///     HttpResponse::Ok().json(json!({ "logged_in_as": get_jwt_identity::<String>() }))
/// }
/// ```
///
/// It applies to handler functions only:
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt_required]
/// struct NotAHandler;
/// ```
pub use jwt_macros::jwt_required;

/// Python's `@jwt_optional`: a valid access token is verified if there is one; without
/// a token the handler runs anonymously.
///
/// Only "no token" (including a header with another scheme, such as `Basic`) lets the
/// request through anonymously: an expired, tampered or wrong-type token is refused as
/// in [`macro@jwt_required`]. Arguments as for [`macro@jwt_required`]; `scopes`, `roles`
/// and `check` apply to a token that is sent (without one the handler runs anonymously).
///
/// OPTIONS is verified like every other method: without a token the handler runs
/// anonymously, with one the token must be valid.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
///
/// #[get("/catalogue")]
/// #[jwt_optional(scopes = ["catalogue:read"])]
/// async fn catalogue() -> impl Responder {
///     // Anonymous, or a token with the scope: a token without it is answered 403.
///     HttpResponse::Ok().finish()
/// }
/// ```
///
/// # Examples
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, get};
/// use serde_json::json;
///
/// #[get("/partially-protected")]
/// #[jwt_optional]
/// async fn partially_protected() -> impl Responder {
///     match get_jwt_identity::<String>() {
///         Some(user) => HttpResponse::Ok().json(json!({ "logged_in_as": user })),
///         None => HttpResponse::Ok().json(json!({ "logged_in_as": "anonymous user" })),
///     }
/// }
/// ```
///
/// # Equivalent code
///
/// ```ignore
/// async fn partially_protected(
///     __jwt_guard: Guard<mode::Optional, { locations(&[]) }>,
/// ) -> impl Responder {
///     /* body */
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt_optional(locations = [banana])]
/// async fn handler() -> HttpResponse { HttpResponse::Ok().finish() }
/// ```
pub use jwt_macros::jwt_optional;

/// Python's `@fresh_jwt_required`: like [`macro@jwt_required`], and the access token must
/// be fresh (`fresh: true`, or a freshness timestamp not yet passed).
///
/// A non-fresh token is answered by the `needs_fresh_token_loader` (default 401
/// `Fresh token required`). Arguments as for [`macro@jwt_required`]: freshness is
/// checked before `scopes`, `roles` and `check`.
///
/// OPTIONS is verified like every other method.
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, post};
///
/// #[post("/admin/users")]
/// #[fresh_jwt_required(roles = ["admin"])]
/// async fn create_user() -> impl Responder {
///     HttpResponse::Created().finish()
/// }
/// ```
///
/// # Examples
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, Responder, post};
/// use serde_json::json;
///
/// #[post("/change-password")]
/// #[fresh_jwt_required]
/// async fn change_password() -> impl Responder {
///     HttpResponse::Ok().json(json!({ "user": get_jwt_identity::<String>() }))
/// }
/// ```
///
/// # Equivalent code
///
/// ```ignore
/// async fn change_password(
///     __jwt_guard: Guard<mode::Fresh, { locations(&[]) }>,
/// ) -> impl Responder {
///     /* body */
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[fresh_jwt_required(fresh = true)]
/// async fn handler() -> HttpResponse { HttpResponse::Ok().finish() }
/// ```
pub use jwt_macros::fresh_jwt_required;

/// Python's `@jwt_refresh_token_required`: the handler runs only with a valid refresh token.
///
/// Claims verification is skipped for refresh tokens; the user loader still runs.
/// Arguments: `locations`, `scopes`, `roles`, `check` and `crate` as for
/// [`macro@jwt_required`] (refresh tokens carry top-level claims too, e.g. an
/// `offline_access` scope), and `rotate`.
///
/// OPTIONS is verified like every other method.
///
/// # Rotation
///
/// [`refresh_tokens`](crate::refresh_tokens) is the refresh endpoint's helper: a new
/// access token of the same login, and, with rotation, a new refresh token too, the
/// presented one spent in the revocation store. Rotation is on for every refresh route
/// with `JWT_REFRESH_ROTATION=true`, or for one route with `rotate` (`rotate = true`).
/// A spent refresh token presented again later than `JWT_REFRESH_REUSE_GRACE` revokes
/// its whole login and answers through the `refresh_token_reused_loader`. Rotation
/// needs the blacklist and a store ([`JwtManagerBuilder::blocklist`](crate::JwtManagerBuilder::blocklist)).
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
///
/// # Examples
///
/// ```
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpResponse, post};
/// use serde_json::json;
///
/// #[post("/refresh")]
/// #[jwt_refresh_token_required]
/// async fn refresh() -> Result<HttpResponse, JwtError> {
///     let identity = get_jwt_identity::<String>();
///     Ok(HttpResponse::Ok().json(json!({ "access_token": create_access_token(&identity)? })))
/// }
/// ```
///
/// `rotate` applies to refresh tokens only:
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt_required(rotate)]
/// async fn handler() -> HttpResponse { HttpResponse::Ok().finish() }
/// ```
///
/// # Equivalent code
///
/// ```ignore
/// async fn refresh(
///     __jwt_guard: Guard<mode::Refresh, { locations(&[]) }>,
/// ) -> Result<HttpResponse, JwtError> {
///     /* body */
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt_refresh_token_required]
/// const fn handler() -> u8 { 0 }
/// ```
pub use jwt_macros::jwt_refresh_token_required;
