//! What every attribute does with its result: the expansion, or the item unchanged plus
//! the error (so the fn still exists, and no "cannot find function" errors follow).

use proc_macro2::{TokenStream, TokenTree};

/// `expansion`, or `item` followed by the error.
pub(crate) fn item_or_error(item: TokenStream, expansion: syn::Result<TokenStream>) -> TokenStream {
    match expansion {
        Ok(expanded) => expanded,
        Err(error) => {
            let mut out = item;
            out.extend(error.to_compile_error());
            out
        }
    }
}

/// Parses the item as a fn. Another item gets `not_a_fn`; a fn that does not parse (a
/// syntax error in its body, mid-edit) keeps syn's own error.
pub(crate) fn parse_fn(item: TokenStream, not_a_fn: &str) -> syn::Result<syn::ItemFn> {
    let error = match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(function) => return Ok(function),
        Err(error) => error,
    };
    let another_item = syn::parse2::<syn::Item>(item.clone()).is_ok();
    let starts_a_fn = item
        .into_iter()
        .any(|token| matches!(&token, TokenTree::Ident(ident) if ident == "fn"));
    if starts_a_fn && !another_item {
        Err(error)
    } else {
        Err(syn::Error::new(error.span(), not_a_fn))
    }
}
