//! Shared argument parsing: `crate = path`, `locations = [...]`, the guard options and
//! requirement, set-once checks.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Expr, ExprArray, Lit, LitStr};

use crate::requirement::{ARGUMENTS as REQUIREMENT, Requirement};

/// Sets `slot` once; a second value is an error on its key.
pub(crate) fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    key: &str,
    span: Span,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(span, format!("duplicate argument `{key}`")));
    }
    *slot = Some(value);
    Ok(())
}

/// A token location named in `locations = [...]`: its Flask name and the runtime's
/// `TokenLocation` variant.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) variant: &'static str,
}

/// Every location: (Flask name, `TokenLocation` variant).
const LOCATIONS: [(&str, &str); 5] = [
    ("headers", "Headers"),
    ("cookies", "Cookies"),
    ("query_string", "QueryString"),
    ("json", "Json"),
    ("custom", "Custom"),
];

impl Location {
    fn from_name(name: &str) -> Option<Self> {
        LOCATIONS
            .iter()
            .find(|(flask, _)| *flask == name)
            .map(|(_, variant)| Location { variant })
    }
}

/// The options of `#[jwt_required(...)]`, as 4.x's `jwt_required(...)` takes them; each
/// unset one keeps its default.
#[derive(Default)]
pub(crate) struct GuardOptions {
    pub(crate) optional: Option<bool>,
    pub(crate) fresh: Option<bool>,
    pub(crate) refresh: Option<bool>,
    pub(crate) verify_type: Option<bool>,
    pub(crate) skip_revocation_check: Option<bool>,
    pub(crate) rotate: Option<bool>,
}

impl GuardOptions {
    /// Whether any option was written.
    pub(crate) fn any(&self) -> bool {
        [
            self.optional,
            self.fresh,
            self.refresh,
            self.verify_type,
            self.skip_revocation_check,
            self.rotate,
        ]
        .iter()
        .any(Option::is_some)
    }

    fn slot(&mut self, name: &str) -> Option<&mut Option<bool>> {
        Some(match name {
            "optional" => &mut self.optional,
            "fresh" => &mut self.fresh,
            "refresh" => &mut self.refresh,
            "verify_type" => &mut self.verify_type,
            "skip_revocation_check" => &mut self.skip_revocation_check,
            "rotate" => &mut self.rotate,
            _ => return None,
        })
    }
}

/// The options' names, for messages.
const GUARD_OPTIONS: &str =
    "`optional`, `fresh`, `refresh`, `verify_type`, `skip_revocation_check`, `rotate`";

/// Arguments of the guard and loader attributes.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) krate: Option<syn::Path>,
    pub(crate) locations: Option<Vec<Location>>,
    pub(crate) options: GuardOptions,
    /// Where `rotate` was written, for the error when it does not apply.
    pub(crate) rotate_span: Option<Span>,
    /// `scopes`, `roles`, `check` (guards only).
    pub(crate) requirement: Requirement,
}

/// Which keys an attribute accepts.
#[derive(Clone, Copy)]
pub(crate) enum Accepts {
    /// `jwt_required`: `crate`, `locations`, the requirement and the options.
    GuardWithOptions,
    /// `jwt_refresh_token_required`: `crate`, `locations`, the requirement and `rotate`.
    RefreshGuard,
    /// The other guards: `crate`, `locations` and the requirement.
    Guard,
    /// Loaders: `crate`.
    Loader,
}

impl Args {
    pub(crate) fn parse(tokens: TokenStream, accepts: Accepts) -> syn::Result<Self> {
        let mut args = Args::default();
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("crate") {
                let value = meta.value()?;
                let path = if value.peek(LitStr) {
                    value.parse::<LitStr>()?.parse::<syn::Path>()?
                } else {
                    value.parse::<syn::Path>()?
                };
                set_once(&mut args.krate, path, "crate", meta.path.span())
            } else if let Some(name) = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .filter(|name| match accepts {
                    Accepts::GuardWithOptions => true,
                    Accepts::RefreshGuard => name == "rotate",
                    Accepts::Guard | Accepts::Loader => false,
                })
                .filter(|name| args.options.slot(name).is_some())
            {
                // `optional` or `optional = true|false`.
                let value = if meta.input.peek(syn::Token![=]) {
                    match meta.value()?.parse::<Lit>()? {
                        Lit::Bool(value) => value.value,
                        other => {
                            return Err(syn::Error::new_spanned(
                                other,
                                format!("`{name}` takes `true` or `false`"),
                            ));
                        }
                    }
                } else {
                    true
                };
                let span = meta.path.span();
                let slot = args
                    .options
                    .slot(&name)
                    .ok_or_else(|| syn::Error::new(span, format!("unknown option `{name}`")))?;
                if name == "rotate" {
                    args.rotate_span = Some(span);
                }
                set_once(slot, value, &name, span)
            } else if !matches!(accepts, Accepts::Loader) && args.requirement.parse(&meta)? {
                Ok(())
            } else if meta.path.is_ident("locations") && !matches!(accepts, Accepts::Loader) {
                let array: ExprArray = meta.value()?.parse()?;
                let locations = parse_locations(&array)?;
                set_once(
                    &mut args.locations,
                    locations,
                    "locations",
                    meta.path.span(),
                )
            } else {
                let expected = match accepts {
                    Accepts::GuardWithOptions => {
                        format!("`crate`, `locations`, {REQUIREMENT}, {GUARD_OPTIONS}")
                    }
                    Accepts::RefreshGuard => {
                        format!("`crate`, `locations`, {REQUIREMENT}, `rotate`")
                    }
                    Accepts::Guard => format!("`crate`, `locations`, {REQUIREMENT}"),
                    Accepts::Loader => "`crate`".to_owned(),
                };
                let name = meta.path.to_token_stream().to_string().replace(' ', "");
                Err(meta.error(format!(
                    "unknown argument `{name}`; expected one of: {expected}"
                )))
            }
        });
        parser.parse2(tokens)?;
        Ok(args)
    }
}

fn parse_locations(array: &ExprArray) -> syn::Result<Vec<Location>> {
    if array.elems.is_empty() {
        return Err(syn::Error::new_spanned(
            array,
            "`locations` must name at least one location",
        ));
    }
    let mut locations = Vec::new();
    for elem in &array.elems {
        let name = match elem {
            Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
            Expr::Lit(lit) => match &lit.lit {
                Lit::Str(s) => Some(s.value()),
                _ => None,
            },
            _ => None,
        };
        let location = name
            .as_deref()
            .and_then(Location::from_name)
            .ok_or_else(|| {
                syn::Error::new_spanned(
                    elem,
                    format!(
                        "unknown token location; expected one of: {}",
                        LOCATIONS
                            .iter()
                            .map(|(flask, _)| format!("`{flask}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        if locations.contains(&location) {
            return Err(syn::Error::new_spanned(elem, "duplicate token location"));
        }
        locations.push(location);
    }
    Ok(locations)
}
