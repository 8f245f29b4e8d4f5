//! The loader attributes: flask-jwt-extended 3.x's fifteen names, then 4.x's six (each
//! registered in the 3.x slot of the same meaning).

/// Python's `@jwt.user_claims_loader`: the custom claims of new access tokens
/// (and of refresh tokens with `JWT_CLAIMS_IN_REFRESH_TOKEN`).
///
/// Signature: `fn(identity: T) -> impl Serialize`, where the identity given to
/// `create_access_token` is read into `T` (any `Deserialize` type, or `&T`). An empty
/// result (`{}`, `null`) writes no claim. An explicit `user_claims` option wins.
///
/// If the identity does not deserialise into `T`, the loader is not called and token
/// creation fails with a [`JwtError::Internal`](crate::JwtError::Internal) naming the
/// loader, the type and serde's error.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use serde_json::json;
///
/// #[jwt::user_claims_loader]
/// fn add_claims(identity: &str) -> serde_json::Value {
///     json!({ "hello": identity, "foo": ["bar", "baz"] })
/// }
/// ```
///
/// # Equivalent code
///
/// The function stays as written; a hidden static registers a shim in the link-time
/// registry (`linkme`), which every [`JwtManager`](crate::JwtManager) built in this
/// binary picks up:
///
/// ```ignore
/// const _: () = {
///     #[linkme::distributed_slice(jwt_runtime::__private::slots::user_claims_loader::REGISTRY)]
///     static __JWT_LOADER: LoaderEntry<slots::user_claims_loader::Entry> = LoaderEntry {
///         // A non-capturing closure: its signature comes from the slot's `Entry` type.
///         loader: |identity| {
///             let identity = match read_arg::<str>(identity) {
///                 Ok(identity) => identity,
///                 Err(error) => return slots::user_claims_loader::on_bad_argument(identity, "&str", &error),
///             };
///             JsonOutput::into_output(add_claims(identity.get()), slots::user_claims_loader::NAME)
///         },
///         name: "my_app::add_claims", file: file!(), line: line!(),
///     };
/// };
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::user_claims_loader]
/// fn no_identity() -> u8 { 1 }
/// ```
pub use jwt_macros::user_claims_loader;

/// Python's `@jwt.user_identity_loader`: what goes into the identity claim of new tokens.
///
/// Signature: `fn(identity: T) -> impl Serialize`.
///
/// If the identity does not deserialise into `T`, the loader is not called and token
/// creation fails with a [`JwtError::Internal`](crate::JwtError::Internal) naming the
/// loader, the type and serde's error.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct User { username: String, roles: Vec<String> }
///
/// #[jwt::user_identity_loader]
/// fn identity(user: &User) -> String {
///     user.username.clone()
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::user_identity_loader]
/// async fn identity(user: String) -> String { user }
/// ```
pub use jwt_macros::user_identity_loader;

/// Python's `@jwt.additional_headers_loader`: extra JOSE header fields of new tokens.
///
/// Signature: `fn(identity: T) -> Option<Map<String, Value>>` (or any serialisable map),
/// or the documented no-argument form. An explicit `headers` option wins; `alg` always
/// comes from the configuration.
///
/// If the identity does not deserialise into `T`, the loader is not called and token
/// creation fails with a [`JwtError::Internal`](crate::JwtError::Internal) naming the
/// loader, the type and serde's error.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use serde_json::json;
///
/// #[jwt::additional_headers_loader]
/// fn headers(_identity: &serde_json::Value) -> serde_json::Value {
///     json!({ "kid": "key-2026" })
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::additional_headers_loader]
/// fn headers(a: &str, b: &str) -> Option<serde_json::Value> { None }
/// ```
pub use jwt_macros::additional_headers_loader;

/// Python's `@jwt.encode_key_loader`: the signing key for a new token.
///
/// Signature: `[async] fn(identity: T) -> impl Into<Secret>` (an HMAC secret, or PEM text
/// for asymmetric algorithms), or a `Result` of one. With an `async` loader, create tokens
/// with [`JwtManager::create_access_token_async`](crate::JwtManager::create_access_token_async).
///
/// If the identity does not deserialise into `T`, the loader is not called and token
/// creation fails with a [`JwtError::Internal`](crate::JwtError::Internal) naming the
/// loader, the type and serde's error.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
///
/// #[jwt::encode_key_loader]
/// fn key(identity: &str) -> String {
///     format!("per-tenant-secret-of-32-bytes-{identity}")
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::encode_key_loader]
/// fn key<T>(identity: T) -> String { String::new() }
/// ```
pub use jwt_macros::encode_key_loader;

/// Python's `@jwt.decode_key_loader`: the verifying key for a token, chosen from its
/// unverified claims and header (e.g. by `kid`).
///
/// Signature: `[async] fn(claims: &Map<String, Value>, header: &Map<String, Value>) -> impl Into<Secret>`
/// (or a `Result` of one, or the legacy one-argument form). An `async` loader is awaited on
/// every request; cache what it fetches. The algorithm still comes from the
/// configuration, and a key the token picks cannot turn HMAC verification against a
/// public key.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use serde_json::{Map, Value};
///
/// #[jwt::decode_key_loader]
/// fn key(_claims: &Map<String, Value>, header: &Map<String, Value>) -> &'static str {
///     match header.get("kid").and_then(Value::as_str) {
///         Some("old") => "the-previous-secret-of-32-bytes!",
///         _ => "the-current-secret-of-32-bytes!!",
///     }
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::decode_key_loader]
/// fn key() -> &'static str { "" }
/// ```
pub use jwt_macros::decode_key_loader;

/// Python's `@jwt.token_in_blacklist_loader`: whether a token is revoked
/// (used when `JWT_BLACKLIST_ENABLED`).
///
/// Signature: `[async] fn(token: &Claims) -> bool` or `-> Result<bool, E>`. An `Err`
/// refuses the request with 503: a failing revocation store never lets a token through.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
///
/// #[jwt::token_in_blacklist_loader]
/// async fn is_revoked(token: &Claims) -> Result<bool, std::io::Error> {
///     Ok(token.jti() == Some("revoked-jti"))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::token_in_blacklist_loader]
/// fn is_revoked(token: &Claims) -> String { String::new() }
/// ```
pub use jwt_macros::token_in_blacklist_loader;

/// Python's `@jwt.claims_verification_loader`: whether an access token's user claims are acceptable.
///
/// Signature: `[async] fn(user_claims: T) -> bool` (or `Result<bool, E>`). `false`
/// answers with the `claims_verification_failed_loader` (default 400). Its 4.x name,
/// with the header and payload, is [`macro@token_verification_loader`].
///
/// If the user claims do not deserialise into `T`, the loader is not called and the
/// request is refused as if it returned `false` (400);
/// a warning through `tracing` names the loader, the Rust type and serde's error.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use serde_json::json;
///
/// #[jwt::claims_verification_loader]
/// fn not_banned(user_claims: &serde_json::Value) -> bool {
///     user_claims.get("banned") != Some(&json!(true))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::claims_verification_loader]
/// fn check(claims: &serde_json::Value) {}
/// ```
pub use jwt_macros::claims_verification_loader;

/// Python's `@jwt.claims_verification_failed_loader`: the answer when claims verification fails.
///
/// Signature: `fn() -> impl Responder`.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
/// use serde_json::json;
///
/// #[jwt::claims_verification_failed_loader]
/// fn failed() -> HttpResponse {
///     HttpResponse::Forbidden().json(json!({ "msg": "Not allowed" }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// struct NotAResponse;
///
/// #[jwt::claims_verification_failed_loader]
/// fn failed() -> NotAResponse { NotAResponse }
/// ```
pub use jwt_macros::claims_verification_failed_loader;

/// Python's `@jwt.user_loader_callback_loader`: the current user, loaded after every
/// successful verification; `None` answers with the `user_loader_error_loader` (401).
/// Its 4.x name, with the header and payload, is [`macro@user_lookup_loader`].
///
/// Signature: `[async] fn(identity: T) -> Option<User>` (or `Result<Option<User>, E>`).
/// Read the user with [`get_current_user`](crate::get_current_user) or [`CurrentUser`](crate::CurrentUser).
///
/// If the identity does not deserialise into `T`, the loader is not called and the
/// request is refused as if no user was found (401 `Error loading the user ...`);
/// a warning through `tracing` names the loader, the Rust type and serde's error.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
///
/// struct User { name: String }
///
/// #[jwt::user_loader_callback_loader]
/// async fn load_user(identity: String) -> Option<User> {
///     (identity != "ghost").then(|| User { name: identity })
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// struct User;
///
/// #[jwt::user_loader_callback_loader]
/// fn load_user(identity: String) -> User { User }
/// ```
pub use jwt_macros::user_loader_callback_loader;

/// Python's `@jwt.user_loader_error_loader`: the answer when the user loader finds no user.
///
/// Signature: `fn(identity: T) -> impl Responder`.
///
/// If the identity does not deserialise into `T`, the loader is not called and the
/// request is refused with the default answer instead;
/// a warning through `tracing` names the loader, the Rust type and serde's error.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
/// use serde_json::json;
///
/// #[jwt::user_loader_error_loader]
/// fn no_user(identity: &str) -> HttpResponse {
///     HttpResponse::NotFound().json(json!({ "msg": format!("User {identity} not found") }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt::user_loader_error_loader]
/// fn no_user() -> HttpResponse { HttpResponse::NotFound().finish() }
/// ```
pub use jwt_macros::user_loader_error_loader;

/// Python's `@jwt.expired_token_loader`: the answer to an expired token.
///
/// Signature: `fn(expired_token: &Claims) -> impl Responder`, or the legacy `fn() -> impl Responder`.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::{Responder, web};
/// use serde_json::json;
/// use actix_web::http::StatusCode;
///
/// #[jwt::expired_token_loader]
/// fn my_expired_token_callback(expired_token: &Claims) -> impl Responder {
///     let token_type = expired_token.token_type();
///     (
///         web::Json(json!({"status": 401, "sub_status": 42, "msg": format!("The {token_type} token has expired")})),
///         StatusCode::UNAUTHORIZED,
///     )
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt::expired_token_loader]
/// fn expired(token: String) -> HttpResponse { HttpResponse::Unauthorized().finish() }
/// ```
pub use jwt_macros::expired_token_loader;

/// Python's `@jwt.invalid_token_loader`: the answer to a malformed, badly signed or
/// wrong-type token (default 422 with the message).
///
/// Signature: `fn(message: &str) -> impl Responder`.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
/// use serde_json::json;
///
/// #[jwt::invalid_token_loader]
/// fn invalid(message: &str) -> HttpResponse {
///     HttpResponse::Unauthorized().json(json!({ "error": message }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::invalid_token_loader]
/// fn invalid(message: &str) {}
/// ```
pub use jwt_macros::invalid_token_loader;

/// Python's `@jwt.unauthorized_loader`: the answer when no token (or no CSRF value) was sent
/// (default 401 with the message).
///
/// Signature: `fn(message: &str) -> impl Responder`.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
/// use serde_json::json;
///
/// #[jwt::unauthorized_loader]
/// fn unauthorized(message: &str) -> HttpResponse {
///     HttpResponse::Unauthorized().json(json!({ "error": message }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt::unauthorized_loader(locations = [headers])]
/// fn unauthorized(message: &str) -> HttpResponse { HttpResponse::Unauthorized().finish() }
/// ```
pub use jwt_macros::unauthorized_loader;

/// Python's `@jwt.needs_fresh_token_loader`: the answer to a non-fresh token on a
/// [`fresh_jwt_required`](macro@crate::fresh_jwt_required) route (default 401 `Fresh token required`).
///
/// Signature: `fn() -> impl Responder`.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
/// use serde_json::json;
///
/// #[jwt::needs_fresh_token_loader]
/// fn needs_fresh() -> HttpResponse {
///     HttpResponse::Unauthorized().json(json!({ "msg": "Please log in again" }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt::needs_fresh_token_loader]
/// fn needs_fresh(extra: u8) -> HttpResponse { HttpResponse::Unauthorized().finish() }
/// ```
pub use jwt_macros::needs_fresh_token_loader;

/// Python's `@jwt.revoked_token_loader`: the answer to a revoked token (default 401
/// `Token has been revoked`).
///
/// Signature: `fn() -> impl Responder`.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
/// use serde_json::json;
///
/// #[jwt::revoked_token_loader]
/// fn revoked() -> HttpResponse {
///     HttpResponse::Unauthorized().json(json!({ "msg": "This token was revoked; log in again" }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// struct Handler;
/// impl Handler {
///     #[jwt::revoked_token_loader]
///     fn revoked(&self) -> HttpResponse { HttpResponse::Unauthorized().finish() }
/// }
/// ```
pub use jwt_macros::revoked_token_loader;

/// (this port only) The answer to a refresh token presented again after rotation spent it
/// (later than `JWT_REFRESH_REUSE_GRACE`): by then the token's whole login is revoked, on
/// every server of the store. Default 401 `Token has been revoked`. A good place to log
/// the event or alert the user: someone else holds one of their refresh tokens.
///
/// Signature: `fn(token: &Claims) -> impl Responder` (the reused token), or `fn()`.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
/// use serde_json::json;
///
/// #[jwt::refresh_token_reused_loader]
/// fn reused(token: &Claims) -> HttpResponse {
///     tracing::warn!(identity = %token.identity_value(), "refresh token reused: login revoked");
///     HttpResponse::Unauthorized().json(json!({ "msg": "This session has ended; log in again" }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt::refresh_token_reused_loader]
/// fn reused(token: &Claims, extra: u8) -> HttpResponse { HttpResponse::Unauthorized().finish() }
/// ```
pub use jwt_macros::refresh_token_reused_loader;

/// (this port only) The answer to a verified token that lacks a scope or role the route
/// requires (`scopes = [...]`, `roles = [...]` on a guard attribute), or that its
/// `check = ...` refused. Default 403 with the configured message key:
/// `Missing scope "items:read"`, `Missing role "admin"` or `Permission denied`. With
/// `JWT_WWW_AUTHENTICATE`, the answer also carries RFC 6750's `insufficient_scope`
/// challenge (unless the loader sets `WWW-Authenticate` itself).
///
/// Signature: `fn(denied: &Denied) -> impl Responder` (the token, what it missed, the
/// route's scopes), or `fn()`.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use jwt_runtime::Missing;
/// use actix_web::HttpResponse;
/// use serde_json::json;
///
/// #[jwt::insufficient_scope_loader]
/// fn forbidden(denied: &Denied) -> HttpResponse {
///     let needed = match denied.missing() {
///         Missing::Scope(scope) => format!("the {scope} scope"),
///         Missing::Role(role) => format!("the {role} role"),
///         _ => "permission".to_owned(),
///     };
///     HttpResponse::Forbidden().json(json!({ "msg": format!("This needs {needed}") }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt::insufficient_scope_loader]
/// fn forbidden(denied: &Denied, extra: u8) -> HttpResponse { HttpResponse::Forbidden().finish() }
/// ```
pub use jwt_macros::insufficient_scope_loader;

/// (this port only) Where the `custom` token location reads: the request → its token, or
/// `None`. Name `custom` in `JWT_TOKEN_LOCATION` or a guard's `locations = [...]`. What it
/// returns is verified like any token (the size cap, the signature, every claim rule);
/// it is never a cookie, so no CSRF value is asked for: do not read a cookie here (a
/// browser sends cookies with cross-site requests; the `cookies` location checks CSRF for
/// that). Without this loader a configuration naming `custom` is refused at start-up,
/// and a route naming it answers 500.
///
/// Signature: `fn(request: &HttpRequest) -> Option<String>` (or `Option<&str>`).
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::{HttpRequest, HttpResponse, get};
///
/// /// Browsers' WebSocket API cannot set headers, but can send subprotocols:
/// /// `new WebSocket(url, ["access_token", jwt])`.
/// #[jwt::token_source_loader]
/// fn from_websocket_protocol(request: &HttpRequest) -> Option<String> {
///     let protocols = request.headers().get("sec-websocket-protocol")?.to_str().ok()?;
///     let (scheme, token) = protocols.split_once(',')?;
///     (scheme.trim() == "access_token").then(|| token.trim().to_owned())
/// }
///
/// #[get("/ws")]
/// #[jwt_required(locations = [custom])]
/// async fn socket() -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::token_source_loader]
/// async fn from_session(request: &actix_web::HttpRequest) -> Option<String> { None }
/// ```
pub use jwt_macros::token_source_loader;

/// flask-jwt-extended 4.x's `@jwt.additional_claims_loader`: the claims written at the top
/// level of new tokens, for access **and** refresh tokens, in 4.x mode
/// ([`JwtConfig::v4`](crate::JwtConfig::v4), `JWT_COMPAT=4`); a call's `additional_claims`
/// are merged over them.
///
/// Signature: `fn(identity: T) -> impl Serialize` (a JSON object). It is the
/// [`macro@user_claims_loader`] slot under its 4.x name: register one of the two.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use serde_json::{Value, json};
///
/// #[jwt::additional_claims_loader]
/// fn roles(identity: &Value) -> Value {
///     json!({ "roles": if identity == "admin" { ["admin"] } else { ["user"] } })
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::additional_claims_loader]
/// fn roles() -> serde_json::Value { serde_json::Value::Null }
/// ```
pub use jwt_macros::additional_claims_loader;

/// flask-jwt-extended 4.x's `@jwt.token_in_blocklist_loader`: whether a verified token is
/// revoked (`true`: refused with 401 `Token has been revoked`), from its header and
/// payload. In 4.x mode it is asked for every token type on every guard (except
/// `#[jwt_required(skip_revocation_check)]`), with no `JWT_BLACKLIST_*` option; in 3.x
/// mode it is the [`macro@token_in_blacklist_loader`] slot, with its options.
///
/// Signature: `[async] fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>)
/// -> bool`, or a `Result<bool, E>` (an `Err` refuses the request: 503).
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use serde_json::{Map, Value};
///
/// #[jwt::token_in_blocklist_loader]
/// fn revoked(_header: &Map<String, Value>, payload: &Map<String, Value>) -> bool {
///     payload.get("jti").and_then(Value::as_str) == Some("a-revoked-jti")
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::token_in_blocklist_loader]
/// fn revoked(token: &jwt_runtime::Claims) -> bool { false }
/// ```
pub use jwt_macros::token_in_blocklist_loader;

/// flask-jwt-extended 4.x's `@jwt.token_verification_loader`: whether a verified token is
/// acceptable, from its header and payload; `false` answers with the
/// [`macro@token_verification_failed_loader`] (default 400 `User claims verification
/// failed`). In 4.x mode it is asked for every token type, refresh tokens included.
///
/// Signature: `[async] fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>)
/// -> bool`, or a `Result<bool, E>` (an `Err` answers 500). It is the
/// [`macro@claims_verification_loader`] slot under its 4.x name: register one of the two.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use serde_json::{Map, Value};
///
/// #[jwt::token_verification_loader]
/// fn not_banned(_header: &Map<String, Value>, payload: &Map<String, Value>) -> bool {
///     payload.get("banned") != Some(&Value::Bool(true))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::token_verification_loader]
/// fn not_banned(payload: &serde_json::Value) -> bool { true }
/// ```
pub use jwt_macros::token_verification_loader;

/// flask-jwt-extended 4.x's `@jwt.token_verification_failed_loader`: the answer when the
/// [`macro@token_verification_loader`] refuses a token, from that token's header and payload.
///
/// Signature: `fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>) ->
/// impl Responder`. It is the [`macro@claims_verification_failed_loader`] slot under its
/// 4.x name: register one of the two.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
/// use serde_json::{Map, Value, json};
///
/// #[jwt::token_verification_failed_loader]
/// fn refused(_header: &Map<String, Value>, payload: &Map<String, Value>) -> HttpResponse {
///     HttpResponse::Forbidden().json(json!({ "msg": "Banned", "sub": payload.get("sub") }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt::token_verification_failed_loader]
/// fn refused() -> HttpResponse { HttpResponse::Forbidden().finish() }
/// ```
pub use jwt_macros::token_verification_failed_loader;

/// flask-jwt-extended 4.x's `@jwt.user_lookup_loader`: the current user, looked up from
/// the verified token's header and payload after every successful verification; `None`
/// answers with the [`macro@user_lookup_error_loader`] (401 `Error loading the user
/// <identity>`). Read the user with [`get_current_user`](crate::get_current_user) or
/// [`CurrentUser`](crate::CurrentUser) (4.x's `current_user`).
///
/// Signature: `[async] fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>)
/// -> Option<User>` (or `Result<Option<User>, E>`). It is the
/// [`macro@user_loader_callback_loader`] slot under its 4.x name: register one of the two.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use serde_json::{Map, Value};
///
/// struct User { name: String }
///
/// #[jwt::user_lookup_loader]
/// fn lookup(_header: &Map<String, Value>, payload: &Map<String, Value>) -> Option<User> {
///     let name = payload.get("sub")?.as_str()?;
///     (name != "ghost").then(|| User { name: name.to_owned() })
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
///
/// #[jwt::user_lookup_loader]
/// fn lookup(identity: String) -> Option<String> { Some(identity) }
/// ```
pub use jwt_macros::user_lookup_loader;

/// flask-jwt-extended 4.x's `@jwt.user_lookup_error_loader`: the answer when the
/// [`macro@user_lookup_loader`] finds no user, from the token's header and payload.
///
/// Signature: `fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>) ->
/// impl Responder`. It is the [`macro@user_loader_error_loader`] slot under its 4.x name:
/// register one of the two.
///
/// ```rust,standalone_crate
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
/// use serde_json::{Map, Value, json};
///
/// #[jwt::user_lookup_error_loader]
/// fn no_user(_header: &Map<String, Value>, payload: &Map<String, Value>) -> HttpResponse {
///     HttpResponse::NotFound().json(json!({ "msg": "No such user", "sub": payload.get("sub") }))
/// }
/// ```
///
/// ```compile_fail
/// use jwt_runtime::prelude::*;
/// use actix_web::HttpResponse;
///
/// #[jwt::user_lookup_error_loader]
/// fn no_user(identity: &str) -> HttpResponse { HttpResponse::NotFound().finish() }
/// ```
pub use jwt_macros::user_lookup_error_loader;
