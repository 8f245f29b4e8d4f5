//! `jwt_required`, `jwt_optional`, `fresh_jwt_required`, `jwt_refresh_token_required`:
//! one hidden extractor argument, and the body run with the verified token in scope.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parser;
use syn::{FnArg, ItemFn, parse_quote};

use crate::args::{Accepts, Args};
use crate::runtime_path;

/// The check a guard performs (the runtime's `Mode`).
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    Required,
    Optional,
    Fresh,
    Refresh,
}

impl Mode {
    fn code(self) -> u8 {
        match self {
            Mode::Required => 0,
            Mode::Optional => 1,
            Mode::Fresh => 2,
            Mode::Refresh => 3,
        }
    }

    fn attribute(self) -> &'static str {
        match self {
            Mode::Required => "jwt_required",
            Mode::Optional => "jwt_optional",
            Mode::Fresh => "fresh_jwt_required",
            Mode::Refresh => "jwt_refresh_token_required",
        }
    }
}

/// actix-web handlers take at most 16 arguments; the guard adds one.
const MAX_USER_ARGUMENTS: usize = 15;

pub(crate) fn expand(mode: Mode, args: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(mode, args, item.clone()) {
        Ok(expanded) => expanded,
        Err(error) => {
            let mut out = item;
            out.extend(error.to_compile_error());
            out
        }
    }
}

fn try_expand(mode: Mode, args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = Args::parse(args, Accepts::CrateAndLocations)?;
    let mut function: ItemFn = syn::parse2(item).map_err(|error| {
        syn::Error::new(
            error.span(),
            format!(
                "`#[{}]` can only be applied to a handler function",
                mode.attribute()
            ),
        )
    })?;
    validate(mode, &function)?;
    let private = runtime_path::private(args.krate.as_ref());
    let code = mode.code();
    let locations = args
        .locations
        .iter()
        .flatten()
        .enumerate()
        .fold(0u16, |acc, (i, location)| {
            acc | (location.code() << (3 * i))
        });
    let guard = syn::Ident::new("__jwt_guard", Span::mixed_site());
    let argument: FnArg = parse_quote!(#guard: #private::Guard<#code, #locations>);
    let position = usize::from(matches!(
        function.sig.inputs.first(),
        Some(FnArg::Receiver(_))
    ));
    function.sig.inputs.insert(position, argument);
    let block = &function.block;
    let body = if function.sig.asyncness.is_some() {
        quote!(#private::scope_request(#guard.0, async move #block).await)
    } else {
        let scope = syn::Ident::new("__jwt_scope", Span::mixed_site());
        quote!(let #scope = #private::enter_sync(#guard.0); #block)
    };
    // Keep the user's braces, so the item's span (and lints such as dead_code) stay theirs.
    function.block.stmts = syn::Block::parse_within.parse2(body)?;
    Ok(quote!(#function))
}

fn validate(mode: Mode, function: &ItemFn) -> syn::Result<()> {
    let attribute = mode.attribute();
    let sig = &function.sig;
    if let Some(constness) = &sig.constness {
        return Err(syn::Error::new_spanned(
            constness,
            format!("`#[{attribute}]` cannot be used on a `const fn`"),
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(syn::Error::new_spanned(
            variadic,
            format!("`#[{attribute}]` cannot be used on a variadic function"),
        ));
    }
    let user_arguments = sig
        .inputs
        .iter()
        .filter(|arg| matches!(arg, FnArg::Typed(_)))
        .count();
    if user_arguments > MAX_USER_ARGUMENTS {
        return Err(syn::Error::new_spanned(
            &sig.inputs,
            format!(
                "`#[{attribute}]` adds one argument, and actix-web handlers take at most 16; this handler has {user_arguments}"
            ),
        ));
    }
    Ok(())
}
