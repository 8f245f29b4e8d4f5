//! The shim registered for a user's loader: a non-capturing closure whose signature rustc
//! infers from the slot's `Entry` type (so no fn-pointer signature is written here). It
//! reads the arguments, calls the user's fn, and converts the result with the slot's
//! output trait. A JSON argument that does not fit the parameter's type is answered by
//! the runtime's `slots::<name>::on_bad_argument`.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, Type};

use super::spec::{Input, Spec};

/// The shim expression: a closure, or `MaybeAsync::Sync/Async` of one.
pub(super) fn shim(spec: &Spec, function: &ItemFn, private: &TokenStream) -> TokenStream {
    let ident = &function.sig.ident;
    let slot = format_ident!("{}", spec.slot);
    let value = syn::Ident::new("__jwt_value", Span::mixed_site());
    let header = syn::Ident::new("__jwt_header", Span::mixed_site());
    let request = syn::Ident::new("__jwt_request", Span::mixed_site());
    let out = syn::Ident::new("__jwt_out", Span::mixed_site());
    let arity = function.sig.inputs.len();

    // The closure's parameters, as the slot's `Entry` type has them.
    let mut params = Vec::new();
    if spec.request {
        params.push(&request);
    }
    match spec.input {
        Input::Nothing => {}
        Input::Maps => params.extend([&value, &header]),
        Input::Json
        | Input::IdentityOf
        | Input::UserClaimsOf
        | Input::Passed
        | Input::Message
        | Input::HeaderPayload => {
            params.push(&value);
        }
    }

    // Reading the arguments, and the call.
    let (prelude, call_args) = match (spec.input, arity) {
        (Input::Json, 1) => json_argument(function, private, &slot, &value),
        (Input::IdentityOf | Input::UserClaimsOf, 1) => {
            let json = syn::Ident::new("__jwt_json", Span::mixed_site());
            let read = if spec.input == Input::IdentityOf {
                quote!(#value.identity_value())
            } else {
                quote!(#value.user_claims_value())
            };
            let (prelude, call_args) = json_argument(function, private, &slot, &json);
            (quote!(let #json = #read; #prelude), call_args)
        }
        (Input::Passed | Input::Maps, 1) => (quote!(), quote!(#value)),
        (Input::Message, _) => (
            quote!(),
            quote!(#private::core::convert::Into::into(#value)),
        ),
        (Input::Maps, _) => (quote!(), quote!(#value, #header)),
        (Input::HeaderPayload, _) => (quote!(), quote!(#value.header(), #value.raw())),
        _ => (quote!(), quote!()),
    };
    let is_async = function.sig.asyncness.is_some();
    let call_span = function.sig.inputs.span();
    let call = if is_async {
        located(quote!(#ident(#call_args).await), call_span)
    } else {
        located(quote!(#ident(#call_args)), call_span)
    };
    let output = format_ident!("{}", spec.output);
    let context = if spec.request {
        quote!(#request)
    } else {
        quote!(#private::slots::#slot::NAME)
    };
    let output_span = match &function.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => function.sig.span(),
    };
    let convert = located(
        quote!(#private::#output::into_output(#out, #context)),
        output_span,
    );
    let body = quote!({
        #prelude
        let #out = #call;
        #convert
    });
    match (spec.may_be_async, is_async) {
        (false, _) => quote!(|#(#params),*| #body),
        (true, false) => quote!(#private::MaybeAsync::Sync(|#(#params),*| #body)),
        (true, true) => quote!(#private::MaybeAsync::Async(|#(#params),*| {
            #private::std::boxed::Box::pin(async move #body)
        })),
    }
}

/// Reads the one JSON parameter: `T` directly; `&T` borrowed from the JSON when it is a
/// `Value` or `Map`, else through `T`'s owned form.
fn json_argument(
    function: &ItemFn,
    private: &TokenStream,
    slot: &syn::Ident,
    value: &syn::Ident,
) -> (TokenStream, TokenStream) {
    let Some(FnArg::Typed(param)) = function.sig.inputs.first() else {
        return (quote!(), quote!());
    };
    let owned = syn::Ident::new("__jwt_owned", Span::mixed_site());
    let ty = &*param.ty;
    let span = ty.span();
    let on_bad_argument = quote! {
        return #private::slots::#slot::on_bad_argument(
            #value,
            #private::core::any::type_name::<#ty>(),
            &error,
        )
    };
    let (read, call_arg) = if let Type::Reference(reference) = ty {
        let inner = &reference.elem;
        (
            quote!(#private::read_arg::<#inner>(#value)),
            located(quote!(#owned.get()), span),
        )
    } else {
        (
            quote!(<#ty as #private::JsonArg<'_>>::from_json(#value)),
            quote!(#owned),
        )
    };
    let prelude = quote! {
        let #owned = match #read {
            #private::core::result::Result::Ok(value) => value,
            #private::core::result::Result::Err(error) => #on_bad_argument,
        };
    };
    (located(prelude, span), call_arg)
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
