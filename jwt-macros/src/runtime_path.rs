//! The one place that spells the runtime's path.

use proc_macro2::TokenStream;
use quote::quote;

/// `::jwt_runtime::__private`, or `<crate = path>::__private`.
pub(crate) fn private(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::jwt_runtime::__private),
    }
}
