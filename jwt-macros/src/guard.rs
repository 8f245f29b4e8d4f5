//! `jwt_required`, `jwt_optional`, `fresh_jwt_required`, `jwt_refresh_token_required`:
//! one hidden extractor argument (and, with `scopes`, `roles` or `check`, a hidden type
//! beside the handler that stands for them); the body is left as written.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, parse_quote};

use crate::args::{Accepts, Args};
use crate::expand::{item_or_error, parse_fn};
use crate::runtime_path;

/// The check a guard performs: the runtime's `mode::*` type of the same name.
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    Required,
    Optional,
    Fresh,
    Refresh,
}

impl Mode {
    fn attribute(self) -> &'static str {
        match self {
            Mode::Required => "jwt_required",
            Mode::Optional => "jwt_optional",
            Mode::Fresh => "fresh_jwt_required",
            Mode::Refresh => "jwt_refresh_token_required",
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Mode::Required => "Required",
            Mode::Optional => "Optional",
            Mode::Fresh => "Fresh",
            Mode::Refresh => "Refresh",
        }
    }
}

/// actix-web handlers take at most 16 arguments; the guard adds one.
const MAX_USER_ARGUMENTS: usize = 15;

pub(crate) fn expand(mode: Mode, args: TokenStream, item: TokenStream) -> TokenStream {
    item_or_error(item.clone(), try_expand(mode, args, item))
}

fn try_expand(mode: Mode, args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let accepts = match mode {
        Mode::Required => Accepts::GuardWithOptions,
        Mode::Refresh => Accepts::RefreshGuard,
        Mode::Optional | Mode::Fresh => Accepts::Guard,
    };
    let args = Args::parse(args, accepts)?;
    let mut function: ItemFn = parse_fn(
        item,
        &format!(
            "`#[{}]` can only be applied to a handler function",
            mode.attribute()
        ),
    )?;
    validate(mode, &function)?;
    let private = runtime_path::private(args.krate.as_ref());
    if args.options.fresh == Some(true) && args.options.refresh == Some(true) {
        return Err(syn::Error::new(
            Span::call_site(),
            "`fresh` and `refresh` cannot be combined: refresh tokens are never fresh",
        ));
    }
    let refresh_mode = matches!(mode, Mode::Refresh) || args.options.refresh == Some(true);
    if args.options.rotate == Some(true) && !refresh_mode {
        return Err(syn::Error::new(
            args.rotate_span.unwrap_or_else(Span::call_site),
            "`rotate` needs `refresh`: only refresh tokens rotate",
        ));
    }
    let mode_type = if args.options.any() {
        // 4.x's `jwt_required(optional=, fresh=, refresh=, verify_type=,
        // skip_revocation_check=)` and this port's `rotate`, as `mode::With<OPTIONAL,
        // FRESH, REFRESH, VERIFY_TYPE, CHECK_REVOCATION, ROTATE>`.
        let options = &args.options;
        let optional = options.optional.unwrap_or(false);
        let fresh = options.fresh.unwrap_or(false);
        let verify_type = options.verify_type.unwrap_or(true);
        let check_revocation = !options.skip_revocation_check.unwrap_or(false);
        let rotate = options.rotate.unwrap_or(false);
        quote!(With<#optional, #fresh, #refresh_mode, #verify_type, #check_revocation, #rotate>)
    } else {
        let name = format_ident!("{}", mode.type_name());
        quote!(#name)
    };
    let locations = args.locations.iter().flatten().map(|location| {
        let variant = format_ident!("{}", location.variant);
        quote!(#private::TokenLocation::#variant)
    });
    let (requirement, definition) = match args.requirement.span() {
        None => (None, None),
        Some(span) => {
            if let Some(FnArg::Receiver(receiver)) = function.sig.inputs.first() {
                return Err(syn::Error::new(
                    receiver.span().join(span).unwrap_or(span),
                    "`scopes`, `roles` and `check` need a free function: the requirement is a type beside the handler",
                ));
            }
            let (name, definition) = args.requirement.expand(&function, &private);
            (Some(quote!(, #name)), Some(definition))
        }
    };
    let guard = syn::Ident::new("__jwt_guard", Span::mixed_site());
    let argument: FnArg = parse_quote!(
        #guard: #private::Guard<
            #private::mode::#mode_type,
            { #private::locations(&[#(#locations),*]) }
            #requirement
        >
    );
    let position = usize::from(matches!(
        function.sig.inputs.first(),
        Some(FnArg::Receiver(_))
    ));
    function.sig.inputs.insert(position, argument);
    Ok(quote!(#definition #function))
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
