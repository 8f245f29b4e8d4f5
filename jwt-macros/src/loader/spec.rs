//! The loader slots as this crate sees them: one table, from which the entry points
//! (`lib.rs`) and [`SPECS`] are generated. Each row names the slot (the attribute, and
//! the runtime's `__private::slots::<name>` module), what the user's fn receives, how
//! many parameters it may take (the reference's legacy forms included), whether it may
//! be `async`, whether the runtime passes the request (response loaders), the runtime
//! trait its result goes through, and the signature shown in errors. The runtime's own
//! table (`jwt-runtime/src/loaders/slots.rs`) holds the rest: types, policies, setters.

/// Calls `$callback!` with every loader slot.
macro_rules! loader_table {
    ($callback:ident) => {
        $callback! {
            user_claims_loader {
                input: Json, arities: [1], may_be_async: false, request: false, output: JsonOutput,
                expected: "fn(identity: T) -> impl Serialize",
            }
            user_identity_loader {
                input: Json, arities: [1], may_be_async: false, request: false, output: JsonOutput,
                expected: "fn(identity: T) -> impl Serialize",
            }
            additional_headers_loader {
                input: Json, arities: [0, 1], may_be_async: false, request: false, output: HeadersOutput,
                expected: "fn(identity: T) -> Option<Map<String, Value>>",
            }
            encode_key_loader {
                input: Json, arities: [1], may_be_async: true, request: false, output: KeyOutput,
                expected: "[async] fn(identity: T) -> impl Into<Secret>",
            }
            decode_key_loader {
                input: Maps, arities: [1, 2], may_be_async: true, request: false, output: KeyOutput,
                expected: "[async] fn(claims: &Map<String, Value>, header: &Map<String, Value>) -> impl Into<Secret>",
            }
            token_in_blacklist_loader {
                input: Passed, arities: [1], may_be_async: true, request: false, output: CheckOutput,
                expected: "[async] fn(token: &Claims) -> bool (or Result<bool, E>)",
            }
            claims_verification_loader {
                input: UserClaimsOf, arities: [1], may_be_async: true, request: false, output: CheckOutput,
                expected: "[async] fn(user_claims: T) -> bool (or Result<bool, E>)",
            }
            claims_verification_failed_loader {
                input: Passed, arities: [0], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn() -> impl Responder",
            }
            user_loader_callback_loader {
                input: IdentityOf, arities: [1], may_be_async: true, request: false, output: UserOutput,
                expected: "[async] fn(identity: T) -> Option<User> (or Result<Option<User>, E>)",
            }
            user_loader_error_loader {
                input: IdentityOf, arities: [1], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn(identity: T) -> impl Responder",
            }
            expired_token_loader {
                input: Passed, arities: [0, 1], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn(token: &Claims) -> impl Responder",
            }
            invalid_token_loader {
                input: Message, arities: [1], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn(message: &str) -> impl Responder",
            }
            unauthorized_loader {
                input: Message, arities: [1], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn(message: &str) -> impl Responder",
            }
            needs_fresh_token_loader {
                input: Nothing, arities: [0], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn() -> impl Responder",
            }
            revoked_token_loader {
                input: Nothing, arities: [0], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn() -> impl Responder",
            }
            refresh_token_reused_loader {
                input: Passed, arities: [0, 1], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn(token: &Claims) -> impl Responder",
            }
            insufficient_scope_loader {
                input: Passed, arities: [0, 1], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn(denied: &Denied) -> impl Responder",
            }
            token_source_loader {
                input: Passed, arities: [1], may_be_async: false, request: false, output: TokenSourceOutput,
                expected: "fn(request: &HttpRequest) -> Option<String>",
            }
            // flask-jwt-extended 4.x's names, registered in the 3.x slot of the same meaning.
            additional_claims_loader {
                slot: user_claims_loader,
                input: Json, arities: [1], may_be_async: false, request: false, output: JsonOutput,
                expected: "fn(identity: T) -> impl Serialize",
            }
            token_in_blocklist_loader {
                slot: token_in_blacklist_loader,
                input: HeaderPayload, arities: [2], may_be_async: true, request: false, output: CheckOutput,
                expected: "[async] fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>) -> bool (or Result<bool, E>)",
            }
            token_verification_loader {
                slot: claims_verification_loader,
                input: HeaderPayload, arities: [2], may_be_async: true, request: false, output: CheckOutput,
                expected: "[async] fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>) -> bool (or Result<bool, E>)",
            }
            token_verification_failed_loader {
                slot: claims_verification_failed_loader,
                input: HeaderPayload, arities: [2], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>) -> impl Responder",
            }
            user_lookup_loader {
                slot: user_loader_callback_loader,
                input: HeaderPayload, arities: [2], may_be_async: true, request: false, output: UserOutput,
                expected: "[async] fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>) -> Option<User> (or Result<Option<User>, E>)",
            }
            user_lookup_error_loader {
                slot: user_loader_error_loader,
                input: HeaderPayload, arities: [2], may_be_async: false, request: true, output: ResponseOutput,
                expected: "fn(jwt_header: &Map<String, Value>, jwt_payload: &Map<String, Value>) -> impl Responder",
            }
        }
    };
}
pub(crate) use loader_table;

/// What the runtime hands the user's fn.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Input {
    /// A JSON value read into the parameter's type (identity, user claims).
    Json,
    /// The token's identity (from `&Claims`), read into the parameter's type.
    IdentityOf,
    /// The token's user claims (from `&Claims`), read into the parameter's type.
    UserClaimsOf,
    /// The slot's one argument, passed as the runtime hands it (`&Claims`, `&Denied`,
    /// `&HttpRequest`).
    Passed,
    /// `&str`, the error message.
    Message,
    /// `(&Map, &Map)`: unverified claims and header.
    Maps,
    /// `(&Map, &Map)`: the verified token's header and payload, from `&Claims` (4.x).
    HeaderPayload,
    /// Nothing.
    Nothing,
}

/// One row of the table.
pub(crate) struct Spec {
    pub(crate) name: &'static str,
    /// The runtime slot it registers in (its own name, or the 3.x slot a 4.x name maps to).
    pub(crate) slot: &'static str,
    pub(crate) input: Input,
    pub(crate) arities: &'static [usize],
    pub(crate) may_be_async: bool,
    pub(crate) request: bool,
    pub(crate) output: &'static str,
    pub(crate) expected: &'static str,
}

macro_rules! loader_specs {
    (@slot $name:ident $slot:ident) => { stringify!($slot) };
    (@slot $name:ident) => { stringify!($name) };
    ($($name:ident {
        $(slot: $slot:ident,)?
        input: $input:ident, arities: [$($arity:literal),*], may_be_async: $may_be_async:literal,
        request: $request:literal, output: $output:ident, expected: $expected:literal $(,)?
    })*) => {
        /// Every slot, in the runtime's order.
        pub(crate) const SPECS: &[Spec] = &[$(
            Spec {
                name: stringify!($name),
                slot: loader_specs!(@slot $name $($slot)?),
                input: Input::$input,
                arities: &[$($arity),*],
                may_be_async: $may_be_async,
                request: $request,
                output: stringify!($output),
                expected: $expected,
            },
        )*];
    };
}

loader_table!(loader_specs);

impl Spec {
    /// The row of an attribute.
    pub(crate) fn of(name: &str) -> Option<&'static Spec> {
        SPECS.iter().find(|spec| spec.name == name)
    }
}
