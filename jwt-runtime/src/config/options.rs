//! The configuration options: one table, and what is generated from it.
//!
//! Each row of [`option_table!`] is one option: the [`JwtConfig`](super::JwtConfig) field
//! (the snake-case form of its Flask name) with its doc, type and default; the
//! environment variable and the parser `from_env` reads it with; the kind of its chained
//! setter (`value`: `impl Into<T>`; `some(T)`: sets `Some`; `list(T)` and `some_list(T)`:
//! any iterator of `T`; `into_list(T)`: any iterator of `impl Into<T>`; `strings` and `some_strings`: any iterator of
//! `impl Into<String>`); and the checks the manager runs on it at start-up. The struct, its
//! `Default`, the setters (`mod.rs`), `from_env` (`env.rs`) and the per-option checks
//! (`validate.rs`) are all generated from these rows; checks that involve several options
//! are written out in `validate.rs`. Adding an option is one row, plus its tests.

/// Calls `$callback!` with every option, in the reference's order.
macro_rules! option_table {
    ($callback:ident) => {
        $callback! {
            /// which flask-jwt-extended line tokens, defaults and options follow. Default
            /// 3.x; [`JwtConfig::v4`](crate::JwtConfig::v4) and `JWT_COMPAT=4` select 4.x.
            compat: Compat = Compat::V3;
                env "JWT_COMPAT" => env::parsed::<Compat>;
                set value;
                check [];
            /// where to look for a token, in order. Default `[Headers]`.
            token_location: Vec<TokenLocation> = vec![TokenLocation::Headers];
                env "JWT_TOKEN_LOCATION" => env::list::<TokenLocation>;
                set list(TokenLocation);
                check [at_least_one_location, no_repeated_location];
            /// how long access tokens live. Default 15 minutes.
            access_token_expires: Expiry = Expiry::After(Duration::from_mins(15));
                env "JWT_ACCESS_TOKEN_EXPIRES" => env::expiry;
                set value;
                check [non_zero_expiry, expiry_before_year_9999];
            /// how long refresh tokens live. Default 30 days.
            refresh_token_expires: Expiry = Expiry::After(Duration::from_hours(30 * 24));
                env "JWT_REFRESH_TOKEN_EXPIRES" => env::expiry;
                set value;
                check [non_zero_expiry, expiry_before_year_9999];
            /// the signing algorithm. Default `HS256`.
            algorithm: Algorithm = Algorithm::HS256;
                env "JWT_ALGORITHM" => env::algorithm;
                set value;
                check [];
            /// accepted algorithms; `None` means `[algorithm]`. `algorithm` is always
            /// accepted too.
            decode_algorithms: Option<Vec<Algorithm>> = None;
                env "JWT_DECODE_ALGORITHMS" => env::algorithms;
                set some_list(Algorithm);
                check [];
            /// the HMAC secret for `HS*` algorithms (from the environment, `SECRET_KEY`
            /// when it is unset or empty, as Flask's).
            secret_key: Option<Secret> = None;
                env "JWT_SECRET_KEY" => env::secret;
                set some(Secret);
                check [];
            /// PEM signing key for `RS*`/`PS*`/`ES*`/`EdDSA`. Without it, a manager with a
            /// `public_key` only verifies: creating a token is [`JwtError::VerifyOnly`](crate::JwtError::VerifyOnly).
            private_key: Option<Secret> = None;
                env "JWT_PRIVATE_KEY" => env::secret;
                set some(Secret);
                check [];
            /// PEM verifying key for `RS*`/`PS*`/`ES*`/`EdDSA` (required for them; enough on
            /// its own for a service that only verifies).
            public_key: Option<Secret> = None;
                env "JWT_PUBLIC_KEY" => env::secret;
                set some(Secret);
                check [];
            /// former HMAC secrets that still verify (comma-separated in the environment),
            /// tried in order only after `secret_key` fails on the signature; new tokens
            /// are always signed with `secret_key`. Default none.
            secret_key_fallbacks: Vec<Secret> = Vec::new();
                env "JWT_SECRET_KEY_FALLBACKS" => env::secrets;
                set into_list(Secret);
                check [];
            /// former PEM public keys that still verify (PEM blocks one after another in
            /// the environment), tried in order only after `public_key` fails on the
            /// signature. Default none.
            public_key_fallbacks: Vec<Secret> = Vec::new();
                env "JWT_PUBLIC_KEY_FALLBACKS" => env::pem_blocks;
                set into_list(Secret);
                check [];
            /// the `kid` header of every token this manager signs, and the `kid` of its
            /// public key in [`JwtManager::jwks`](crate::JwtManager::jwks); a token with this
            /// `kid` verifies with `public_key` even beside a key set. Default none.
            public_key_id: Option<String> = None;
                env "JWT_PUBLIC_KEY_ID" => env::optional_text;
                set some(String);
                check [non_empty_if_set];
            /// an `http` or `https` URL of a JWK Set whose keys verify tokens, chosen by
            /// the token's `kid` (the `jwks` feature). Default none.
            jwks_url: Option<String> = None;
                env "JWT_JWKS_URL" => env::optional_text;
                set some(String);
                check [non_empty_if_set];
            /// an `OpenID Connect` issuer: its discovery document's `jwks_uri` is the key
            /// set, and its tokens must name it in `iss` (the `jwks` feature). Default none.
            oidc_issuer: Option<String> = None;
                env "JWT_OIDC_ISSUER" => env::optional_text;
                set some(String);
                check [non_empty_if_set];
            /// how long a fetched key set is kept; a smaller `Cache-Control: max-age` of
            /// its response wins, never below `jwks_refetch_seconds`. Default 600 s.
            jwks_cache_seconds: Duration = Duration::from_secs(600);
                env "JWT_JWKS_CACHE_SECONDS" => env::seconds;
                set value;
                check [not_zero];
            /// the shortest time between two fetches of the key set (an unknown `kid`
            /// fetches it again at most this often). Default 30 s.
            jwks_refetch_seconds: Duration = Duration::from_secs(30);
                env "JWT_JWKS_REFETCH_SECONDS" => env::seconds;
                set value;
                check [not_zero];
            /// how long connecting to the key set's server may take. Default 2 s.
            jwks_connect_timeout: Duration = Duration::from_secs(2);
                env "JWT_JWKS_CONNECT_TIMEOUT" => env::seconds;
                set value;
                check [not_zero];
            /// how long one fetch of the key set (or discovery document) may take in all.
            /// Default 5 s.
            jwks_timeout: Duration = Duration::from_secs(5);
                env "JWT_JWKS_TIMEOUT" => env::seconds;
                set value;
                check [not_zero];
            /// the claim holding the identity. Default `"identity"`.
            identity_claim: String = text("identity");
                env "JWT_IDENTITY_CLAIM" => env::text;
                set value;
                check [non_empty];
            /// the claim holding the custom claims. Default `"user_claims"`.
            user_claims: String = text("user_claims");
                env "JWT_USER_CLAIMS" => env::text;
                set value;
                check [non_empty];
            /// run the user-claims loader for refresh tokens too. Default `false`.
            claims_in_refresh_token: bool = false;
                env "JWT_CLAIMS_IN_REFRESH_TOKEN" => env::boolean;
                set value;
                check [];
            /// key of the default error bodies. Default `"msg"`.
            error_message_key: String = text("msg");
                env "JWT_ERROR_MESSAGE_KEY" => env::text;
                set value;
                check [non_empty];
            /// accepted `aud` values; `None` rejects tokens that carry one.
            decode_audience: Option<Vec<String>> = None;
                env "JWT_DECODE_AUDIENCE" => env::optional_list;
                set some_strings;
                check [non_empty_values];
            /// `aud` written into new tokens (one value is written as a string).
            encode_audience: Option<Vec<String>> = None;
                env "JWT_ENCODE_AUDIENCE" => env::optional_list;
                set some_strings;
                check [non_empty_values];
            /// `iss` written into new access and refresh tokens.
            encode_issuer: Option<String> = None;
                env "JWT_ENCODE_ISSUER" => env::optional_text;
                set some(String);
                check [non_empty_if_set];
            /// accepted `iss` values (comma-separated in the environment): a token from any
            /// of them is accepted, and a token without `iss` is refused. `None` checks no
            /// issuer.
            decode_issuer: Option<Vec<String>> = None;
                env "JWT_DECODE_ISSUER" => env::optional_list;
                set some_strings;
                check [non_empty_values];
            /// clock skew allowed on `exp`, `nbf` and `iat`, at most one day. Default 0.
            decode_leeway: Duration = Duration::ZERO;
                env "JWT_DECODE_LEEWAY" => env::seconds;
                set value;
                check [at_most_a_day];
            /// write `nbf` into new tokens (4.x's `JWT_ENCODE_NBF`). Default `true`.
            encode_nbf: bool = true;
                env "JWT_ENCODE_NBF" => env::boolean;
                set value;
                check [];
            /// refuse a token whose `sub` is not a string (4.x's `JWT_VERIFY_SUB`, PyJWT's
            /// check). Default `true`.
            verify_sub: bool = true;
                env "JWT_VERIFY_SUB" => env::boolean;
                set value;
                check [];
            /// check `token_in_blacklist_loader`. Default `false`.
            blacklist_enabled: bool = false;
                env "JWT_BLACKLIST_ENABLED" => env::boolean;
                set value;
                check [];
            /// token types looked up. Default `[Access, Refresh]`.
            blacklist_token_checks: Vec<TokenType> = vec![TokenType::Access, TokenType::Refresh];
                env "JWT_BLACKLIST_TOKEN_CHECKS" => env::list::<TokenType>;
                set list(TokenType);
                check [];
            /// (this port only) refresh-token rotation: [`refresh_tokens`](crate::refresh_tokens)
            /// issues a new refresh token of the same login with each access token and
            /// spends the presented one; presenting a spent one again revokes the whole
            /// login. Needs `blacklist_enabled` and a store
            /// ([`JwtManagerBuilder::blocklist`](crate::JwtManagerBuilder::blocklist)).
            /// Default `false`.
            refresh_rotation: bool = false;
                env "JWT_REFRESH_ROTATION" => env::boolean;
                set value;
                check [];
            /// (this port only) how long after a refresh token is spent presenting it again
            /// still answers with the same successor (browser tabs refreshing at once)
            /// instead of revoking the login; at most a day. Default 0: never.
            refresh_reuse_grace: Duration = Duration::ZERO;
                env "JWT_REFRESH_REUSE_GRACE" => env::seconds;
                set value;
                check [short_grace];
            /// (this port only) implicit refresh of cookie sessions: a response below 400
            /// to a request authenticated by an access-token cookie that expires within
            /// this window carries a new access cookie (and CSRF cookie) for the same
            /// identity and claims, not fresh. Default 0: off.
            implicit_refresh_window: Duration = Duration::ZERO;
                env "JWT_IMPLICIT_REFRESH_WINDOW" => env::seconds;
                set value;
                check [];
            /// (this port only) the top-level claim a route's `scopes = [...]` are read
            /// from: a space-separated string (OAuth 2.0) or an array of strings. Default
            /// unset: `scope`, then `scp` when a token has no `scope`.
            scope_claim: Option<String> = None;
                env "JWT_SCOPE_CLAIM" => env::optional_text;
                set some(String);
                check [non_empty_if_set];
            /// (this port only) where a route's `roles = [...]` are read: a claim name (of
            /// the user claims; at the top level in 4.x mode), or a JSON Pointer (RFC
            /// 6901) into the whole payload, such as `/realm_access/roles`. Default `"roles"`.
            roles_claim: String = text("roles");
                env "JWT_ROLES_CLAIM" => env::text;
                set value;
                check [claim_path];
            /// (this port only) RFC 6750 challenges: every 401 the library answers carries
            /// `WWW-Authenticate: Bearer` (with `error="invalid_token"` when a token was
            /// refused), and a route's scope refusal `error="insufficient_scope"`. Default
            /// `false` (the Python library sends none).
            www_authenticate: bool = false;
                env "JWT_WWW_AUTHENTICATE" => env::boolean;
                set value;
                check [];
            /// (this port only) the `realm` written into every RFC 6750 challenge. Default
            /// unset: no `realm` (a request without a token then gets a bare `Bearer`).
            www_authenticate_realm: Option<String> = None;
                env "JWT_WWW_AUTHENTICATE_REALM" => env::optional_text;
                set some(String);
                check [non_empty_if_set];
            /// the request header read. Default `"Authorization"`.
            header_name: String = text("Authorization");
                env "JWT_HEADER_NAME" => env::text;
                set value;
                check [non_empty];
            /// the scheme before the token; empty for a bare token. Default `"Bearer"`.
            header_type: String = text("Bearer");
                env "JWT_HEADER_TYPE" => env::text;
                set value;
                check [one_word];
            /// the query parameter read. Default `"jwt"`.
            query_string_name: String = text("jwt");
                env "JWT_QUERY_STRING_NAME" => env::text;
                set value;
                check [non_empty];
            /// what a query-string token value starts with, taken off before decoding
            /// (4.x's `JWT_QUERY_STRING_VALUE_PREFIX`, verbatim: `"Bearer "` keeps its
            /// space); a value without it is refused (422). Default empty: no prefix.
            query_string_value_prefix: String = text("");
                env "JWT_QUERY_STRING_VALUE_PREFIX" => env::text;
                set value;
                check [];
            /// body key of access tokens. Default `"access_token"`.
            json_key: String = text("access_token");
                env "JWT_JSON_KEY" => env::text;
                set value;
                check [non_empty];
            /// body key of refresh tokens. Default `"refresh_token"`.
            refresh_json_key: String = text("refresh_token");
                env "JWT_REFRESH_JSON_KEY" => env::text;
                set value;
                check [non_empty];
            /// default `"access_token_cookie"`.
            access_cookie_name: String = text("access_token_cookie");
                env "JWT_ACCESS_COOKIE_NAME" => env::text;
                set value;
                check [non_empty, cookie_name];
            /// default `"refresh_token_cookie"`.
            refresh_cookie_name: String = text("refresh_token_cookie");
                env "JWT_REFRESH_COOKIE_NAME" => env::text;
                set value;
                check [non_empty, cookie_name];
            /// default `"/"`.
            access_cookie_path: String = text("/");
                env "JWT_ACCESS_COOKIE_PATH" => env::text;
                set value;
                check [cookie_path];
            /// default `"/"`.
            refresh_cookie_path: String = text("/");
                env "JWT_REFRESH_COOKIE_PATH" => env::text;
                set value;
                check [cookie_path];
            /// `Secure` on every cookie. Default `false`.
            cookie_secure: bool = false;
                env "JWT_COOKIE_SECURE" => env::boolean;
                set value;
                check [];
            /// `Domain` on every cookie. Default none.
            cookie_domain: Option<String> = None;
                env "JWT_COOKIE_DOMAIN" => env::optional_text;
                set some(String);
                check [cookie_domain];
            /// session cookies (no `Max-Age`); `false` gives 365 days. Default `true`.
            session_cookie: bool = true;
                env "JWT_SESSION_COOKIE" => env::boolean;
                set value;
                check [];
            /// the `SameSite` attribute. Default none (no attribute).
            cookie_samesite: Option<SameSite> = None;
                env "JWT_COOKIE_SAMESITE" => env::samesite;
                set some(SameSite);
                check [];
            /// double-submit CSRF protection for cookies. Default `true`.
            cookie_csrf_protect: bool = true;
                env "JWT_COOKIE_CSRF_PROTECT" => env::boolean;
                set value;
                check [];
            /// methods that need the CSRF value. Default `POST, PUT, PATCH, DELETE`.
            csrf_methods: Vec<String> = ["POST", "PUT", "PATCH", "DELETE"].map(text).to_vec();
                env "JWT_CSRF_METHODS" => env::methods;
                set strings;
                check [];
            /// default `"X-CSRF-TOKEN"`.
            access_csrf_header_name: String = text("X-CSRF-TOKEN");
                env "JWT_ACCESS_CSRF_HEADER_NAME" => env::text;
                set value;
                check [non_empty];
            /// default `"X-CSRF-TOKEN"`.
            refresh_csrf_header_name: String = text("X-CSRF-TOKEN");
                env "JWT_REFRESH_CSRF_HEADER_NAME" => env::text;
                set value;
                check [non_empty];
            /// (deprecated) overrides both CSRF header names when set.
            csrf_header_name: Option<String> = None;
                env "JWT_CSRF_HEADER_NAME" => env::optional_text;
                set some(String);
                check [];
            /// also set readable CSRF cookies. Default `true`.
            csrf_in_cookies: bool = true;
                env "JWT_CSRF_IN_COOKIES" => env::boolean;
                set value;
                check [];
            /// default `"csrf_access_token"`.
            access_csrf_cookie_name: String = text("csrf_access_token");
                env "JWT_ACCESS_CSRF_COOKIE_NAME" => env::text;
                set value;
                check [non_empty, cookie_name];
            /// default `"csrf_refresh_token"`.
            refresh_csrf_cookie_name: String = text("csrf_refresh_token");
                env "JWT_REFRESH_CSRF_COOKIE_NAME" => env::text;
                set value;
                check [non_empty, cookie_name];
            /// default `"/"`.
            access_csrf_cookie_path: String = text("/");
                env "JWT_ACCESS_CSRF_COOKIE_PATH" => env::text;
                set value;
                check [cookie_path];
            /// default `"/"`.
            refresh_csrf_cookie_path: String = text("/");
                env "JWT_REFRESH_CSRF_COOKIE_PATH" => env::text;
                set value;
                check [cookie_path];
            /// read the CSRF value from a form field when the header is empty. Default `false`.
            csrf_check_form: bool = false;
                env "JWT_CSRF_CHECK_FORM" => env::boolean;
                set value;
                check [];
            /// default `"csrf_token"`.
            access_csrf_field_name: String = text("csrf_token");
                env "JWT_ACCESS_CSRF_FIELD_NAME" => env::text;
                set value;
                check [non_empty];
            /// default `"csrf_token"`.
            refresh_csrf_field_name: String = text("csrf_token");
                env "JWT_REFRESH_CSRF_FIELD_NAME" => env::text;
                set value;
                check [non_empty];
            /// (this port only) longest accepted token in bytes. Default 8192.
            max_token_size: usize = 8192;
                env "JWT_MAX_TOKEN_SIZE" => env::bytes;
                set value;
                check [holds_a_token];
            /// (this port only) most body bytes a guard reads before authentication, for
            /// the JSON location or a CSRF form field. Default 64 KiB; the App's
            /// `web::JsonConfig` / `web::PayloadConfig` limit applies when it is smaller.
            json_body_limit: usize = 64 * 1024;
                env "JWT_JSON_BODY_LIMIT" => env::bytes;
                set value;
                check [at_least_one_byte];
            /// (this port only) how long a guard waits for such a body before answering
            /// 408. Default 5 seconds.
            json_body_timeout: Duration = Duration::from_secs(5);
                env "JWT_JSON_BODY_TIMEOUT" => env::seconds;
                set value;
                check [non_zero_duration];
        }
    };
}
pub(crate) use option_table;
