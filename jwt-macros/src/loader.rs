//! The fifteen `*_loader` attributes: the user's fn unchanged, plus a hidden
//! static that registers a shim around it in the runtime's link-time registry.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::quote;
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, Type};

use crate::args::{Accepts, Args};
use crate::runtime_path;

/// Every loader slot.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoaderKind {
    UserClaims,
    UserIdentity,
    AdditionalHeaders,
    EncodeKey,
    DecodeKey,
    TokenInBlacklist,
    ClaimsVerification,
    ClaimsVerificationFailed,
    UserLoaderCallback,
    UserLoaderError,
    ExpiredToken,
    InvalidToken,
    Unauthorized,
    NeedsFreshToken,
    RevokedToken,
}

/// What the shim hands the user's fn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    /// A JSON value deserialised into the parameter's type (identity, user claims).
    Json,
    /// `&Claims`.
    Claims,
    /// `&str`, the error message.
    Message,
    /// `(&Map, &Map)`: unverified claims and header.
    Maps,
    /// Nothing.
    Nothing,
}

impl LoaderKind {
    fn name(self) -> &'static str {
        match self {
            LoaderKind::UserClaims => "user_claims_loader",
            LoaderKind::UserIdentity => "user_identity_loader",
            LoaderKind::AdditionalHeaders => "additional_headers_loader",
            LoaderKind::EncodeKey => "encode_key_loader",
            LoaderKind::DecodeKey => "decode_key_loader",
            LoaderKind::TokenInBlacklist => "token_in_blacklist_loader",
            LoaderKind::ClaimsVerification => "claims_verification_loader",
            LoaderKind::ClaimsVerificationFailed => "claims_verification_failed_loader",
            LoaderKind::UserLoaderCallback => "user_loader_callback_loader",
            LoaderKind::UserLoaderError => "user_loader_error_loader",
            LoaderKind::ExpiredToken => "expired_token_loader",
            LoaderKind::InvalidToken => "invalid_token_loader",
            LoaderKind::Unauthorized => "unauthorized_loader",
            LoaderKind::NeedsFreshToken => "needs_fresh_token_loader",
            LoaderKind::RevokedToken => "revoked_token_loader",
        }
    }

    /// The registry slice, the slot's shim type, and its sync/async fn types.
    fn slot(self) -> (&'static str, &'static str) {
        match self {
            LoaderKind::UserClaims => ("JWT_USER_CLAIMS_LOADER", "JsonLoaderFn"),
            LoaderKind::UserIdentity => ("JWT_USER_IDENTITY_LOADER", "JsonLoaderFn"),
            LoaderKind::AdditionalHeaders => ("JWT_ADDITIONAL_HEADERS_LOADER", "HeadersLoaderFn"),
            LoaderKind::EncodeKey => ("JWT_ENCODE_KEY_LOADER", "EncodeKeyLoaderFn"),
            LoaderKind::DecodeKey => ("JWT_DECODE_KEY_LOADER", "DecodeKeyLoaderFn"),
            LoaderKind::TokenInBlacklist => ("JWT_TOKEN_IN_BLACKLIST_LOADER", "BlacklistLoaderFn"),
            LoaderKind::ClaimsVerification => (
                "JWT_CLAIMS_VERIFICATION_LOADER",
                "ClaimsVerificationLoaderFn",
            ),
            LoaderKind::ClaimsVerificationFailed => {
                ("JWT_CLAIMS_VERIFICATION_FAILED_LOADER", "PlainResponseFn")
            }
            LoaderKind::UserLoaderCallback => ("JWT_USER_LOADER_CALLBACK_LOADER", "UserLoaderFn"),
            LoaderKind::UserLoaderError => ("JWT_USER_LOADER_ERROR_LOADER", "IdentityResponseFn"),
            LoaderKind::ExpiredToken => ("JWT_EXPIRED_TOKEN_LOADER", "ClaimsResponseFn"),
            LoaderKind::InvalidToken => ("JWT_INVALID_TOKEN_LOADER", "MessageResponseFn"),
            LoaderKind::Unauthorized => ("JWT_UNAUTHORIZED_LOADER", "MessageResponseFn"),
            LoaderKind::NeedsFreshToken => ("JWT_NEEDS_FRESH_TOKEN_LOADER", "PlainResponseFn"),
            LoaderKind::RevokedToken => ("JWT_REVOKED_TOKEN_LOADER", "PlainResponseFn"),
        }
    }

    fn input(self) -> Input {
        match self {
            LoaderKind::UserClaims
            | LoaderKind::UserIdentity
            | LoaderKind::AdditionalHeaders
            | LoaderKind::EncodeKey
            | LoaderKind::ClaimsVerification
            | LoaderKind::UserLoaderCallback
            | LoaderKind::UserLoaderError => Input::Json,
            LoaderKind::DecodeKey => Input::Maps,
            LoaderKind::TokenInBlacklist | LoaderKind::ExpiredToken => Input::Claims,
            LoaderKind::InvalidToken | LoaderKind::Unauthorized => Input::Message,
            LoaderKind::ClaimsVerificationFailed
            | LoaderKind::NeedsFreshToken
            | LoaderKind::RevokedToken => Input::Nothing,
        }
    }

    /// Accepted numbers of parameters (the reference's legacy forms included).
    fn arities(self) -> &'static [usize] {
        match self {
            LoaderKind::AdditionalHeaders | LoaderKind::ExpiredToken => &[0, 1],
            LoaderKind::DecodeKey => &[1, 2],
            _ => match self.input() {
                Input::Nothing => &[0],
                _ => &[1],
            },
        }
    }

    /// The signature the attribute expects, for error messages.
    fn expected(self) -> &'static str {
        match self {
            LoaderKind::UserClaims | LoaderKind::UserIdentity => {
                "fn(identity: T) -> impl Serialize"
            }
            LoaderKind::AdditionalHeaders => "fn(identity: T) -> Option<Map<String, Value>>",
            LoaderKind::EncodeKey => "[async] fn(identity: T) -> impl Into<Secret>",
            LoaderKind::DecodeKey => {
                "[async] fn(claims: &Map<String, Value>, header: &Map<String, Value>) -> impl Into<Secret>"
            }
            LoaderKind::TokenInBlacklist => {
                "[async] fn(token: &Claims) -> bool (or Result<bool, E>)"
            }
            LoaderKind::ClaimsVerification => {
                "[async] fn(user_claims: T) -> bool (or Result<bool, E>)"
            }
            LoaderKind::UserLoaderCallback => {
                "[async] fn(identity: T) -> Option<User> (or Result<Option<User>, E>)"
            }
            LoaderKind::UserLoaderError => "fn(identity: T) -> impl Responder",
            LoaderKind::ExpiredToken => "fn(token: &Claims) -> impl Responder",
            LoaderKind::InvalidToken | LoaderKind::Unauthorized => {
                "fn(message: &str) -> impl Responder"
            }
            LoaderKind::ClaimsVerificationFailed
            | LoaderKind::NeedsFreshToken
            | LoaderKind::RevokedToken => "fn() -> impl Responder",
        }
    }

    fn may_be_async(self) -> bool {
        matches!(
            self,
            LoaderKind::TokenInBlacklist
                | LoaderKind::ClaimsVerification
                | LoaderKind::UserLoaderCallback
                | LoaderKind::EncodeKey
                | LoaderKind::DecodeKey
        )
    }
}

pub(crate) fn expand(kind: LoaderKind, args: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(kind, args, item.clone()) {
        Ok(expanded) => expanded,
        Err(error) => {
            let mut out = item;
            out.extend(error.to_compile_error());
            out
        }
    }
}

fn try_expand(kind: LoaderKind, args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = Args::parse(args, Accepts::CrateOnly)?;
    let function: ItemFn = syn::parse2(item).map_err(|error| {
        syn::Error::new(
            error.span(),
            format!(
                "`#[jwt::{}]` can only be applied to a function",
                kind.name()
            ),
        )
    })?;
    validate(kind, &function)?;
    let private = runtime_path::private(args.krate.as_ref());
    let loader = shim(kind, &function, &private);
    let ident = &function.sig.ident;
    let (slice, slot_type) = kind.slot();
    let slice = syn::Ident::new(slice, Span::call_site());
    let slot_type = syn::Ident::new(slot_type, Span::call_site());
    let linkme = quote!(#private::linkme);
    Ok(quote! {
        #function

        #[doc(hidden)]
        const _: () = {
            #[#linkme::distributed_slice(#private::#slice)]
            #[linkme(crate = #linkme)]
            static __JWT_LOADER: #private::LoaderEntry<#private::#slot_type> = #private::LoaderEntry {
                loader: #loader,
                name: #private::core::concat!(#private::core::module_path!(), "::", #private::core::stringify!(#ident)),
                file: #private::core::file!(),
                line: #private::core::line!(),
            };
        };
    })
}

fn validate(kind: LoaderKind, function: &ItemFn) -> syn::Result<()> {
    let name = kind.name();
    let sig = &function.sig;
    let mut errors: Vec<syn::Error> = Vec::new();
    if let Some(asyncness) = sig.asyncness.as_ref().filter(|_| !kind.may_be_async()) {
        errors.push(syn::Error::new_spanned(
            asyncness,
            format!(
                "`#[jwt::{name}]` cannot be `async`; expected `{}`",
                kind.expected()
            ),
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            format!("`#[jwt::{name}]` cannot be generic"),
        ));
    }
    if let Some(FnArg::Receiver(receiver)) = sig.inputs.first() {
        errors.push(syn::Error::new_spanned(
            receiver,
            format!("`#[jwt::{name}]` must be a free function, not a method"),
        ));
    } else if !kind.arities().contains(&sig.inputs.len()) {
        let span = if sig.inputs.is_empty() {
            sig.paren_token.span.join()
        } else {
            sig.inputs.span()
        };
        errors.push(syn::Error::new(
            span,
            format!(
                "`#[jwt::{name}]` takes {} argument(s), found {}; expected `{}`",
                kind.arities()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" or "),
                sig.inputs.len(),
                kind.expected()
            ),
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            format!("`#[jwt::{name}]` cannot be variadic"),
        ));
    }
    if matches!(sig.output, ReturnType::Default) {
        errors.push(syn::Error::new_spanned(
            sig,
            format!(
                "`#[jwt::{name}]` must return a value; expected `{}`",
                kind.expected()
            ),
        ));
    }
    match errors.into_iter().reduce(|mut all, next| {
        all.combine(next);
        all
    }) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// The shim expression (a fn pointer, or `MaybeAsync` of one) registered for the user's fn.
fn shim(kind: LoaderKind, function: &ItemFn, private: &TokenStream) -> TokenStream {
    let ident = &function.sig.ident;
    let name = kind.name();
    let is_async = function.sig.asyncness.is_some();
    let output_span = match &function.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => function.sig.span(),
    };
    let value = syn::Ident::new("__jwt_value", Span::mixed_site());
    let request = syn::Ident::new("__jwt_request", Span::mixed_site());
    let header = syn::Ident::new("__jwt_header", Span::mixed_site());
    let owned = syn::Ident::new("__jwt_owned", Span::mixed_site());
    let arity = function.sig.inputs.len();

    // What to do when the JSON argument does not fit the parameter's type. The slots
    // that answer for the loader (fail closed) also warn, naming the loader, the type and
    // serde's error; the others return that error.
    let warns = matches!(
        kind,
        LoaderKind::ClaimsVerification
            | LoaderKind::UserLoaderCallback
            | LoaderKind::UserLoaderError
    );
    let on_bad_argument = match kind {
        LoaderKind::ClaimsVerification => quote!(return ::core::result::Result::Ok(false)),
        LoaderKind::UserLoaderCallback => {
            quote!(return ::core::result::Result::Ok(::core::option::Option::None))
        }
        LoaderKind::UserLoaderError => {
            quote!(return #private::default_response(&#private::JwtError::UserLoad(::core::clone::Clone::clone(#value))))
        }
        _ => quote!(return ::core::result::Result::Err(#private::argument_error(#name, &error))),
    };
    // Reading the arguments, and the call.
    let (prelude, call_args) = match (kind.input(), arity) {
        (Input::Json, 1) => {
            let warning = warns.then_some(name);
            json_argument(
                function,
                private,
                (&value, &owned),
                warning,
                &on_bad_argument,
            )
        }
        (Input::Claims | Input::Maps, 1) => (quote!(), quote!(#value)),
        (Input::Message, _) => (quote!(), quote!(::core::convert::Into::into(#value))),
        (Input::Maps, _) => (quote!(), quote!(#value, #header)),
        _ => (quote!(), quote!()),
    };
    let call_span = function.sig.inputs.span();
    let call = if is_async {
        located(quote!(#ident(#call_args).await), call_span)
    } else {
        located(quote!(#ident(#call_args)), call_span)
    };
    let out = syn::Ident::new("__jwt_out", Span::mixed_site());
    let convert = match kind {
        LoaderKind::UserClaims | LoaderKind::UserIdentity => {
            quote!(#private::JsonOutput::into_json(#out, #name))
        }
        LoaderKind::AdditionalHeaders => {
            quote!(#private::HeadersOutput::into_headers(#out))
        }
        LoaderKind::EncodeKey | LoaderKind::DecodeKey => {
            quote!(#private::KeyOutput::into_key(#out, #name))
        }
        LoaderKind::TokenInBlacklist | LoaderKind::ClaimsVerification => {
            quote!(#private::CheckOutput::into_check(#out))
        }
        LoaderKind::UserLoaderCallback => {
            quote!(#private::UserOutput::into_user(#out))
        }
        _ => quote!(#private::ResponseOutput::into_response(#out, #request)),
    };
    let convert = located(convert, output_span);
    let body = quote!({
        #prelude
        let #out = #call;
        #convert
    });
    shim_item(kind, is_async, private, &body)
}

/// Wraps the shim body in a fn of the slot's type (`MaybeAsync` for loaders that may be async).
fn shim_item(
    kind: LoaderKind,
    is_async: bool,
    private: &TokenStream,
    body: &TokenStream,
) -> TokenStream {
    let value = syn::Ident::new("__jwt_value", Span::mixed_site());
    let request = syn::Ident::new("__jwt_request", Span::mixed_site());
    let header = syn::Ident::new("__jwt_header", Span::mixed_site());
    let json = quote!(#private::serde_json::Value);
    let map = quote!(#private::serde_json::Map<::std::string::String, #private::serde_json::Value>);
    let shim_fn = syn::Ident::new("__jwt_shim", Span::mixed_site());
    if kind.may_be_async() {
        let (inputs, result, sync_ty, async_ty) = match kind {
            LoaderKind::TokenInBlacklist => (
                vec![(&value, quote!(#private::Claims))],
                quote!(#private::CheckResult),
                quote!(ClaimsCheckFn),
                quote!(ClaimsCheckAsyncFn),
            ),
            LoaderKind::ClaimsVerification => (
                vec![(&value, json.clone())],
                quote!(#private::CheckResult),
                quote!(JsonCheckFn),
                quote!(JsonCheckAsyncFn),
            ),
            LoaderKind::EncodeKey => (
                vec![(&value, json.clone())],
                quote!(#private::KeyResult),
                quote!(EncodeKeyFn),
                quote!(EncodeKeyAsyncFn),
            ),
            LoaderKind::DecodeKey => (
                vec![(&value, map.clone()), (&header, map.clone())],
                quote!(#private::KeyResult),
                quote!(DecodeKeyFn),
                quote!(DecodeKeyAsyncFn),
            ),
            _ => (
                vec![(&value, json.clone())],
                quote!(#private::UserResult),
                quote!(UserFn),
                quote!(UserAsyncFn),
            ),
        };
        let params = inputs.iter().map(|(name, ty)| quote!(#name: &#ty));
        return if is_async {
            let params = inputs.iter().map(|(name, ty)| quote!(#name: &'a #ty));
            quote!({
                #[allow(unused_variables)]
                fn #shim_fn<'a>(#(#params),*) -> #private::LocalBoxFuture<'a, #result> {
                    ::std::boxed::Box::pin(async move #body)
                }
                #private::MaybeAsync::Async(#shim_fn as #private::#async_ty)
            })
        } else {
            quote!({
                #[allow(unused_variables)]
                fn #shim_fn(#(#params),*) -> #result #body
                #private::MaybeAsync::Sync(#shim_fn as #private::#sync_ty)
            })
        };
    }
    let (params, result) = match kind {
        LoaderKind::UserClaims | LoaderKind::UserIdentity => (
            quote!(#value: &#json),
            quote!(::core::result::Result<#json, #private::JwtError>),
        ),
        LoaderKind::AdditionalHeaders => (
            quote!(#value: &#json),
            quote!(::core::result::Result<::core::option::Option<#map>, #private::JwtError>),
        ),
        LoaderKind::UserLoaderError => (
            quote!(#request: &#private::actix_web::HttpRequest, #value: &#json),
            quote!(#private::actix_web::HttpResponse),
        ),
        LoaderKind::ExpiredToken => (
            quote!(#request: &#private::actix_web::HttpRequest, #value: &#private::Claims),
            quote!(#private::actix_web::HttpResponse),
        ),
        LoaderKind::InvalidToken | LoaderKind::Unauthorized => (
            quote!(#request: &#private::actix_web::HttpRequest, #value: &str),
            quote!(#private::actix_web::HttpResponse),
        ),
        _ => (
            quote!(#request: &#private::actix_web::HttpRequest),
            quote!(#private::actix_web::HttpResponse),
        ),
    };
    quote!({
        #[allow(unused_variables)]
        fn #shim_fn(#params) -> #result #body
        #shim_fn
    })
}

/// Reads the one JSON parameter: `T` directly; `&T` borrowed from the JSON when it is a
/// `Value` or `Map`, else through `T`'s owned form.
fn json_argument(
    function: &ItemFn,
    private: &TokenStream,
    (value, owned): (&syn::Ident, &syn::Ident),
    warning: Option<&str>,
    on_bad_argument: &TokenStream,
) -> (TokenStream, TokenStream) {
    let Some(FnArg::Typed(param)) = function.sig.inputs.first() else {
        return (quote!(), quote!());
    };
    let ty = &*param.ty;
    let span = ty.span();
    let warn = warning.map(|name| {
        quote!(#private::warn_unreadable_argument(#name, ::core::any::type_name::<#ty>(), &error);)
    });
    let on_bad_argument = &quote!(#warn #on_bad_argument);
    if let Type::Reference(reference) = ty {
        let inner = &reference.elem;
        let prelude = quote! {
            let #owned = match #private::read_arg::<#inner>(#value) {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(error) => { let _ = &error; #on_bad_argument }
            };
        };
        (located(prelude, span), located(quote!(#owned.get()), span))
    } else {
        let prelude = quote! {
            let #owned: #ty = match #private::from_json(#value) {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(error) => { let _ = &error; #on_bad_argument }
            };
        };
        (located(prelude, span), quote!(#owned))
    }
}

/// Re-spans generated tokens onto the user's code (mixed-site hygiene, the user's
/// location), so type errors point at the user's signature.
fn located(tokens: TokenStream, at: Span) -> TokenStream {
    let span = Span::mixed_site().located_at(at);
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner = Group::new(group.delimiter(), located(group.stream(), at));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}
