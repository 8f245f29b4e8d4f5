//! Implementation detail of `jwt-runtime`.

mod args;
mod guard;
mod loader;
mod runtime_path;

use proc_macro::TokenStream;

use crate::guard::Mode;
use crate::loader::LoaderKind;

/// Stamps out one entry point per guard attribute.
macro_rules! guard_attribute {
    ($($name:ident => $mode:expr;)*) => {$(
        #[allow(missing_docs, reason = "documented where jwt-runtime re-exports it")]
        #[proc_macro_attribute]
        pub fn $name(args: TokenStream, item: TokenStream) -> TokenStream {
            guard::expand($mode, args.into(), item.into()).into()
        }
    )*};
}

guard_attribute! {
    jwt_required => Mode::Required;
    jwt_optional => Mode::Optional;
    fresh_jwt_required => Mode::Fresh;
    jwt_refresh_token_required => Mode::Refresh;
}

/// Stamps out one entry point per loader attribute.
macro_rules! loader_attribute {
    ($($name:ident => $kind:expr;)*) => {$(
        #[allow(missing_docs, reason = "documented where jwt-runtime re-exports it")]
        #[proc_macro_attribute]
        pub fn $name(args: TokenStream, item: TokenStream) -> TokenStream {
            loader::expand($kind, args.into(), item.into()).into()
        }
    )*};
}

loader_attribute! {
    user_claims_loader => LoaderKind::UserClaims;
    user_identity_loader => LoaderKind::UserIdentity;
    additional_headers_loader => LoaderKind::AdditionalHeaders;
    encode_key_loader => LoaderKind::EncodeKey;
    decode_key_loader => LoaderKind::DecodeKey;
    token_in_blacklist_loader => LoaderKind::TokenInBlacklist;
    claims_verification_loader => LoaderKind::ClaimsVerification;
    claims_verification_failed_loader => LoaderKind::ClaimsVerificationFailed;
    user_loader_callback_loader => LoaderKind::UserLoaderCallback;
    user_loader_error_loader => LoaderKind::UserLoaderError;
    expired_token_loader => LoaderKind::ExpiredToken;
    invalid_token_loader => LoaderKind::InvalidToken;
    unauthorized_loader => LoaderKind::Unauthorized;
    needs_fresh_token_loader => LoaderKind::NeedsFreshToken;
    revoked_token_loader => LoaderKind::RevokedToken;
}
