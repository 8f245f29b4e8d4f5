//! A guard's `scopes = [...]`, `roles = [...]` and `check = path`: checked here, at compile
//! time, and emitted as a hidden unit struct beside the handler whose associated
//! constants the runtime reads (nothing is parsed per request).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, ExprArray, ItemFn, Lit, LitStr};

use crate::args::set_once;

/// The names of the requirement arguments, for messages.
pub(crate) const ARGUMENTS: &str = "`scopes`, `roles`, `check`";

/// What a route requires beyond a verified token.
#[derive(Default)]
pub(crate) struct Requirement {
    scopes: Option<Vec<LitStr>>,
    roles: Option<Vec<LitStr>>,
    check: Option<syn::Path>,
    /// Where the first requirement argument was written.
    span: Option<Span>,
}

impl Requirement {
    /// Parses `meta` when it is one of the requirement arguments; `Ok(false)` otherwise.
    pub(crate) fn parse(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
        let span = meta.path.span();
        let parsed = if meta.path.is_ident("scopes") {
            let scopes = words(&meta.value()?.parse()?, "scopes", "scope", scope_token)?;
            set_once(&mut self.scopes, scopes, "scopes", span)
        } else if meta.path.is_ident("roles") {
            let roles = words(&meta.value()?.parse()?, "roles", "role", role_name)?;
            set_once(&mut self.roles, roles, "roles", span)
        } else if meta.path.is_ident("check") {
            let value = meta.value()?;
            let path = match value.parse::<Expr>()? {
                Expr::Path(path) if path.qself.is_none() => path.path,
                other => {
                    return Err(syn::Error::new_spanned(
                        other,
                        "`check` takes the path of a fn: `check = path::to::fn`",
                    ));
                }
            };
            set_once(&mut self.check, path, "check", span)
        } else {
            return Ok(false);
        };
        parsed?;
        self.span.get_or_insert(span);
        Ok(true)
    }

    /// Where the requirement was written, if any was.
    pub(crate) fn span(&self) -> Option<Span> {
        self.span
    }

    /// The hidden type that stands for the requirement (to name in the guard's type), and
    /// its definition (to emit beside the handler).
    pub(crate) fn expand(
        &self,
        function: &ItemFn,
        private: &TokenStream,
    ) -> (syn::Ident, TokenStream) {
        let name = format_ident!("__jwt_requires_{}", function.sig.ident);
        let vis = &function.vis;
        // The type exists wherever the handler does.
        let cfgs = function
            .attrs
            .iter()
            .filter(|attribute| attribute.path().is_ident("cfg"));
        let cfgs = quote!(#(#cfgs)*);
        let list = |items: &Option<Vec<LitStr>>| {
            let items = items.iter().flatten();
            quote!(&[#(#items),*])
        };
        let scopes = list(&self.scopes);
        let roles = list(&self.roles);
        let check = self.check.as_ref().map(|path| {
            let claims = syn::Ident::new("__jwt_claims", Span::mixed_site());
            let request = syn::Ident::new("__jwt_request", Span::mixed_site());
            // Spanned at the user's path: a fn of the wrong shape is an error there.
            let call = quote_spanned!(path.span()=> #private::run_check(#path, #claims, #request));
            quote! {
                const CHECKED: bool = true;
                fn check<'a>(
                    #claims: &'a #private::Claims,
                    #request: &'a #private::actix_web::HttpRequest,
                ) -> #private::Checked<'a> {
                    #call
                }
            }
        });
        let definition = quote! {
            #cfgs
            #[doc(hidden)]
            #[allow(
                non_camel_case_types,
                dead_code,
                unreachable_pub,
                missing_docs,
                missing_debug_implementations
            )]
            #vis struct #name;

            #cfgs
            impl #private::Requires for #name {
                const SCOPES: &'static [&'static str] = #scopes;
                const ROLES: &'static [&'static str] = #roles;
                #check
            }
        };
        (name, definition)
    }
}

/// A non-empty list of distinct string literals, each checked by `valid`.
fn words(
    array: &ExprArray,
    argument: &str,
    item: &str,
    valid: fn(&str) -> Result<(), String>,
) -> syn::Result<Vec<LitStr>> {
    if array.elems.is_empty() {
        return Err(syn::Error::new_spanned(
            array,
            format!("`{argument}` must name at least one {item}"),
        ));
    }
    let mut words: Vec<LitStr> = Vec::new();
    for elem in &array.elems {
        let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(word),
            ..
        }) = elem
        else {
            return Err(syn::Error::new_spanned(
                elem,
                format!("expected a string literal: the {item}'s name"),
            ));
        };
        valid(&word.value()).map_err(|reason| syn::Error::new_spanned(word, reason))?;
        if words.iter().any(|seen| seen.value() == word.value()) {
            return Err(syn::Error::new_spanned(word, format!("duplicate {item}")));
        }
        words.push(word.clone());
    }
    Ok(words)
}

/// RFC 6749's scope-token: one or more visible ASCII characters other than `"` and `\`.
fn scope_token(scope: &str) -> Result<(), String> {
    if scope.is_empty() {
        return Err("a scope must not be empty".to_owned());
    }
    let valid = scope
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{scope}` is not a scope: a scope is one word of visible ASCII without `\"` or `\\` (RFC 6749, section 3.3)"
        ))
    }
}

/// A role is one word: roles are also read from space-separated strings.
fn role_name(role: &str) -> Result<(), String> {
    if role.is_empty() {
        Err("a role must not be empty".to_owned())
    } else if role.chars().any(char::is_whitespace) {
        Err(format!(
            "`{role}` is not a role: a role is one word, without spaces"
        ))
    } else {
        Ok(())
    }
}
