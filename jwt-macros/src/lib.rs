//! Implementation detail of `jwt-runtime`.

mod args;
mod expand;
mod guard;
mod loader;
mod requirement;
mod runtime_path;

use proc_macro::TokenStream;

use crate::guard::Mode;

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

/// Stamps out one entry point per row of the loader table.
macro_rules! loader_entry_points {
    ($($name:ident $spec:tt)*) => {$(
        #[allow(missing_docs, reason = "documented where jwt-runtime re-exports it")]
        #[proc_macro_attribute]
        pub fn $name(args: TokenStream, item: TokenStream) -> TokenStream {
            loader::expand(stringify!($name), args.into(), item.into()).into()
        }
    )*};
}

loader::loader_table!(loader_entry_points);
