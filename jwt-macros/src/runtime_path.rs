//! The one place that spells the runtime's path.

use proc_macro2::TokenStream;
use quote::quote;

/// `::jwt_runtime::__private`, or `<crate = path>::__private`.
pub(crate) fn private(krate: Option<&syn::Path>) -> TokenStream {
    if let Some(path) = krate {
        quote!(#path::__private)
    } else {
        quote!(::jwt_runtime::__private)
    }
}
