//! The `*_loader` attributes (3.x and 4.x names): the user's fn unchanged, plus a hidden static that
//! registers a shim around it in the runtime's link-time registry of its slot.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType};

use crate::args::{Accepts, Args};
use crate::expand::{item_or_error, parse_fn};
use crate::runtime_path;

mod shim;
mod spec;

use spec::Spec;
pub(crate) use spec::loader_table;

pub(crate) fn expand(name: &str, args: TokenStream, item: TokenStream) -> TokenStream {
    item_or_error(item.clone(), try_expand(name, args, item))
}

fn try_expand(name: &str, args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let spec = Spec::of(name).ok_or_else(|| {
        syn::Error::new(Span::call_site(), format!("`{name}` is not a loader slot"))
    })?;
    let args = Args::parse(args, Accepts::Loader)?;
    let function = parse_fn(
        item,
        &format!("`#[jwt::{name}]` can only be applied to a function"),
    )?;
    validate(spec, &function)?;
    let private = runtime_path::private(args.krate.as_ref());
    let slot = format_ident!("{}", spec.slot);
    let loader = shim::shim(spec, &function, &private);
    let ident = &function.sig.ident;
    let linkme = quote!(#private::linkme);
    Ok(quote! {
        #function

        #[doc(hidden)]
        const _: () = {
            #[#linkme::distributed_slice(#private::slots::#slot::REGISTRY)]
            #[linkme(crate = #linkme)]
            static __JWT_LOADER: #private::LoaderEntry<#private::slots::#slot::Entry> = #private::LoaderEntry {
                loader: #loader,
                name: #private::core::concat!(#private::core::module_path!(), "::", #private::core::stringify!(#ident)),
                file: #private::core::file!(),
                line: #private::core::line!(),
            };
        };
    })
}

/// Every independent error of the signature, combined.
fn validate(spec: &Spec, function: &ItemFn) -> syn::Result<()> {
    let name = spec.name;
    let sig = &function.sig;
    let mut errors: Vec<syn::Error> = Vec::new();
    if let Some(asyncness) = sig.asyncness.as_ref().filter(|_| !spec.may_be_async) {
        errors.push(syn::Error::new_spanned(
            asyncness,
            format!(
                "`#[jwt::{name}]` cannot be `async`; expected `{}`",
                spec.expected
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
    } else if !spec.arities.contains(&sig.inputs.len()) {
        let span = if sig.inputs.is_empty() {
            sig.paren_token.span.join()
        } else {
            sig.inputs.span()
        };
        errors.push(syn::Error::new(
            span,
            format!(
                "`#[jwt::{name}]` takes {} argument(s), found {}; expected `{}`",
                spec.arities
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" or "),
                sig.inputs.len(),
                spec.expected
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
                spec.expected
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
